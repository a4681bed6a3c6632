//! Outbound HTTP (`fetch`, Fetch standard §5.6): the Rust half of `js/fetch.js`.
//!
//! One pooled hyper client per isolate (built on first use from the isolate's
//! [`FetchSettings`]), driven by the loop thread's runtime: a fetch is a future on the
//! isolate's loop, so the isolate keeps serving requests and timers while it waits.
//! Redirects are followed here (Fetch §4.4), response bodies are decoded here, and the
//! body reaches JS as a host body id, so `return fetch(url)` passes it through untouched.

mod client;
mod data_url;
mod decode;
pub mod policy;
mod redirect;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future as _;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{AbortHandle, LocalBoxFuture};
use futures_util::stream::Abortable;
use futures_util::{Stream, StreamExt};
use http::header::{HeaderName, HeaderValue};
use http::Method;
use http_body_util::{BodyDataStream, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use nano_engine::rquickjs::{
    function::Rest, Array, Ctx, Exception, Function, Object, Result, Value,
};
use nano_engine::{settle, LoopHandle};
use url::Url;

use crate::body::{BodyStream, BodyTable};
use crate::buffer::copy_bytes;
use client::{BoxError, HttpClient, RequestBody};
pub use policy::{OutboundPolicy, Rule, RuleError};

/// Default for [`FetchSettings::subrequests`].
pub const DEFAULT_SUBREQUESTS: u32 = 50;
/// Default for [`FetchSettings::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`FetchSettings::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Fetch §2.2.6 null body statuses: their responses have no body.
const NULL_BODY_STATUS: [u16; 5] = [101, 103, 204, 205, 304];

/// Requests an app's `fetch` sends somewhere other than the network: the seam for
/// in-process services (one app calling another without a socket). Checked before the
/// outbound policy and before any connection, on every hop of a redirect chain.
pub trait LocalFetch {
    /// Whether `url` goes to [`fetch`](Self::fetch) instead of the network.
    fn claims(&self, url: &Url) -> bool;
    /// Serves one request (its headers as sent, its body as a stream).
    fn fetch(
        &self,
        request: http::Request<BodyStream>,
    ) -> LocalBoxFuture<'static, std::result::Result<http::Response<BodyStream>, String>>;
    /// Serves one request sent through a service binding (`env.NAME.fetch(…)`), whatever
    /// its URL.
    fn fetch_service(
        &self,
        binding: &str,
        request: http::Request<BodyStream>,
    ) -> LocalBoxFuture<'static, std::result::Result<http::Response<BodyStream>, String>> {
        let _ = request;
        let message = format!("no service is bound to {binding:?}");
        Box::pin(async move { Err(message) })
    }
}

/// What one app's outbound fetches may do. The host sets it when an isolate is given to
/// an app ([`crate::Web::set_fetch_settings`]); until then the defaults apply.
#[derive(Clone)]
pub struct FetchSettings {
    /// Fetches allowed per incoming request (see `docs/decisions/0009-outbound-fetch.md`
    /// for how they are counted).
    pub subrequests: u32,
    /// Resolving and connecting (and the TLS handshake) must finish within this.
    pub connect_timeout: Duration,
    /// The whole exchange, redirects and reading the response body included.
    pub timeout: Duration,
    /// Which hosts and addresses may be reached.
    pub policy: OutboundPolicy,
    /// DER certificates trusted as roots besides the Mozilla set (a private CA).
    pub extra_roots: Vec<Vec<u8>>,
    /// In-process services, asked before the network.
    pub local: Option<Rc<dyn LocalFetch>>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            subrequests: DEFAULT_SUBREQUESTS,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            policy: OutboundPolicy::default(),
            extra_roots: Vec::new(),
            local: None,
        }
    }
}

impl std::fmt::Debug for FetchSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchSettings")
            .field("subrequests", &self.subrequests)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("policy", &self.policy)
            .field("extra_roots", &self.extra_roots.len())
            .field("local", &self.local.is_some())
            .finish()
    }
}

/// A fetch JS may still abort.
struct Inflight {
    /// The request future, until the response head arrives.
    op: u64,
    /// The response body, once there is one.
    body: AbortHandle,
}

/// Per-isolate fetch state, shared by the ops and [`crate::Web`].
pub(crate) struct FetchState {
    settings: RefCell<Rc<FetchSettings>>,
    client: RefCell<Option<HttpClient>>,
    /// Subrequests granted and used since the isolate was last without requests.
    granted: Cell<u64>,
    used: Cell<u64>,
    in_flight: Cell<u32>,
    inflight: RefCell<HashMap<u32, Inflight>>,
    next_id: Cell<u32>,
}

impl FetchState {
    pub(crate) fn new() -> Self {
        Self {
            settings: RefCell::new(Rc::new(FetchSettings::default())),
            client: RefCell::new(None),
            granted: Cell::new(u64::from(DEFAULT_SUBREQUESTS)),
            used: Cell::new(0),
            in_flight: Cell::new(0),
            inflight: RefCell::default(),
            next_id: Cell::new(0),
        }
    }

    pub(crate) fn set_settings(&self, settings: FetchSettings) {
        if self.in_flight.get() == 0 {
            self.used.set(0);
        }
        self.granted.set(u64::from(settings.subrequests));
        *self.settings.borrow_mut() = Rc::new(settings);
        *self.client.borrow_mut() = None;
    }

    /// A request was dispatched to the isolate: it brings its own allowance. The count
    /// starts over whenever the isolate had no request in flight.
    pub(crate) fn request_started(&self) {
        if self.in_flight.get() == 0 {
            self.used.set(0);
            self.granted.set(0);
        }
        let per = u64::from(self.settings.borrow().subrequests);
        self.granted.set(self.granted.get().saturating_add(per));
        self.in_flight.set(self.in_flight.get().saturating_add(1));
    }

    /// A dispatched request got its response (or failed).
    pub(crate) fn request_finished(&self) {
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
    }

    fn take_subrequest(&self) -> std::result::Result<(), String> {
        if self.used.get() >= self.granted.get() {
            let limit = self.settings.borrow().subrequests;
            return Err(format!(
                "fetch() exceeded the subrequest limit of {limit} per request; raise \
                 `subrequests` under [apps.NAME.limits] in the config to allow more"
            ));
        }
        self.used.set(self.used.get() + 1);
        Ok(())
    }

    fn client(&self) -> std::result::Result<HttpClient, String> {
        if let Some(c) = self.client.borrow().as_ref() {
            return Ok(c.clone());
        }
        let s = self.settings.borrow().clone();
        let c = client::build(
            Arc::new(s.policy.clone()),
            s.connect_timeout,
            &s.extra_roots,
        )?;
        *self.client.borrow_mut() = Some(c.clone());
        Ok(c)
    }

    fn next_id(&self) -> u32 {
        let id = self.next_id.get().wrapping_add(1).max(1);
        self.next_id.set(id);
        id
    }
}

/// `redirect` of a RequestInit (Fetch §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RedirectMode {
    Follow,
    Manual,
    Error,
}

enum OutBody {
    None,
    /// Can be sent again after a 307/308.
    Bytes(Bytes),
    /// Can be sent once (a stream from JS or a body passed through).
    Stream(Option<BodyStream>),
}

struct Outgoing {
    method: Method,
    url: Url,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: OutBody,
    /// The `Content-Length` the app set: a stream body is sent with it instead of
    /// chunked (a proxied upload keeps its length).
    length: Option<u64>,
    redirect: RedirectMode,
    /// The service binding the first hop goes through (`env.NAME.fetch`).
    service: Option<String>,
}

/// A streamed body whose length is known, so hyper frames it with `Content-Length`.
struct KnownLength<B> {
    inner: B,
    len: u64,
}

impl<B: hyper::body::Body + Unpin> hyper::body::Body for KnownLength<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.len)
    }
}

struct Fetched {
    status: u16,
    status_text: String,
    headers: Vec<(String, String)>,
    body: Option<BodyStream>,
    url: String,
    redirected: bool,
}

/// Headers the client decides itself (framing and connection management).
const HOP_HEADERS: &[&str] = &[
    "connection",
    "content-length",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
];

fn to_byte_string(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// The header list to send, and the `Content-Length` the app gave, if any.
#[allow(clippy::type_complexity)]
fn parse_headers(
    flat: &Array<'_>,
) -> std::result::Result<(Vec<(HeaderName, HeaderValue)>, Option<u64>), String> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut length = None;
    let mut i = 0;
    while i + 1 < flat.len() {
        let name: String = flat.get(i).map_err(|e| e.to_string())?;
        let value: String = flat.get(i + 1).map_err(|e| e.to_string())?;
        i += 2;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        if name == http::header::CONTENT_LENGTH {
            length = value.trim().parse::<u64>().ok();
        }
        if HOP_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let value = to_byte_string(&value)
            .and_then(|b| HeaderValue::from_bytes(&b).ok())
            .ok_or_else(|| format!("invalid value for header {name}"))?;
        out.push((name, value));
    }
    Ok((out, length))
}

fn has(headers: &[(HeaderName, HeaderValue)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.as_str() == name)
}

/// A failure's message with its causes, for "fetch failed: …".
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(blocked) = e.downcast_ref::<client::Blocked>() {
            return blocked.0.clone();
        }
        // hyper's "client error (Connect)" wrapper says nothing its cause does not.
        let wrapper = e.is::<hyper_util::client::legacy::Error>() && e.source().is_some();
        let text = e.to_string();
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// Ends a response body with an error once the fetch's deadline passes.
struct Deadline {
    inner: BodyStream,
    sleep: Pin<Box<tokio::time::Sleep>>,
    timeout: Duration,
    done: bool,
}

impl Stream for Deadline {
    type Item = std::result::Result<Bytes, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = self.inner.as_mut().poll_next(cx) {
            if item.is_none() {
                self.done = true;
            }
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.done = true;
            let ms = self.timeout.as_millis();
            return Poll::Ready(Some(Err(format!("fetch timed out after {ms} ms"))));
        }
        Poll::Pending
    }
}

fn request_body(body: &mut OutBody, length: Option<u64>) -> RequestBody {
    if let (OutBody::Stream(Some(_)), Some(len)) = (&*body, length) {
        if let OutBody::Stream(Some(stream)) = std::mem::replace(body, OutBody::Stream(None)) {
            let inner = StreamBody::new(stream.map(|r| r.map(Frame::data).map_err(BoxError::from)));
            return KnownLength { inner, len }.boxed_unsync();
        }
    }
    match body {
        OutBody::None => Full::new(Bytes::new())
            .map_err(|e| match e {})
            .boxed_unsync(),
        OutBody::Bytes(b) => Full::new(b.clone()).map_err(|e| match e {}).boxed_unsync(),
        OutBody::Stream(s) => match s.take() {
            Some(stream) => {
                StreamBody::new(stream.map(|r| r.map(Frame::data).map_err(BoxError::from)))
                    .boxed_unsync()
            }
            None => Full::new(Bytes::new())
                .map_err(|e| match e {})
                .boxed_unsync(),
        },
    }
}

/// Sends one hop: to an in-process service or over the network. The response body is a
/// plain byte stream, not yet decoded.
async fn send_hop(
    state: &FetchState,
    settings: &FetchSettings,
    req: &mut Outgoing,
    deadline: tokio::time::Instant,
) -> std::result::Result<http::Response<BodyStream>, String> {
    let mut builder = http::Request::builder()
        .method(req.method.clone())
        .uri(req.url.as_str());
    for (n, v) in &req.headers {
        builder = builder.header(n, v);
    }
    let service = req.service.take();
    let local = settings.local.as_ref();
    if let Some(local) = local.filter(|l| service.is_some() || l.claims(&req.url)) {
        let body: BodyStream = match std::mem::replace(&mut req.body, OutBody::None) {
            OutBody::None | OutBody::Stream(None) => Box::pin(futures_util::stream::empty()),
            OutBody::Bytes(b) => {
                req.body = OutBody::Bytes(b.clone());
                Box::pin(futures_util::stream::once(async move { Ok(b) }))
            }
            OutBody::Stream(Some(s)) => s,
        };
        let request = builder.body(body).map_err(|e| e.to_string())?;
        let response = match &service {
            Some(binding) => local.fetch_service(binding, request),
            None => local.fetch(request),
        };
        return tokio::time::timeout_at(deadline, response)
            .await
            .map_err(|_| timed_out(settings))?;
    }
    if let Some(binding) = service {
        return Err(format!("no service is bound to {binding:?}"));
    }
    let request = builder
        .body(request_body(&mut req.body, req.length))
        .map_err(|e| e.to_string())?;
    let client = state.client()?;
    let response = tokio::time::timeout_at(deadline, client.request(request))
        .await
        .map_err(|_| timed_out(settings))?
        .map_err(|e| describe(&e))?;
    Ok(response.map(|incoming| {
        Box::pin(BodyDataStream::new(incoming).map(|r| r.map_err(|e| describe(&e)))) as BodyStream
    }))
}

fn timed_out(settings: &FetchSettings) -> String {
    format!("fetch timed out after {} ms", settings.timeout.as_millis())
}

/// Runs a fetch to its final response (Fetch §4.1 main fetch, HTTP only).
async fn run(
    state: Rc<FetchState>,
    mut req: Outgoing,
    body_abort: Option<futures_util::future::AbortRegistration>,
) -> std::result::Result<Fetched, String> {
    let settings = state.settings.borrow().clone();
    let deadline = tokio::time::Instant::now() + settings.timeout;
    let mut redirects = 0;
    for (name, value) in [
        ("accept", "*/*"),
        ("accept-encoding", decode::ACCEPT_ENCODING),
        ("user-agent", "NANO"),
    ] {
        if !has(&req.headers, name) {
            req.headers.push((
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ));
        }
    }
    loop {
        let host = req.url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        // A service binding or an in-process app is not the network: the policy is for
        // what leaves the process.
        let local =
            req.service.is_some() || settings.local.as_ref().is_some_and(|l| l.claims(&req.url));
        if !local && settings.policy.check_host(host) == policy::HostVerdict::Denied {
            return Err(format!("the app's outbound policy does not allow {host}"));
        }
        let response = send_hop(&state, &settings, &mut req, deadline).await?;
        let status = response.status().as_u16();
        if redirect::is_redirect(status) && req.redirect != RedirectMode::Manual {
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .map(|v| v.as_bytes().iter().map(|&b| b as char).collect::<String>());
            // Fetch §4.4 step 3: a redirect without a Location is the response.
            if let Some(location) = location {
                let next = redirect::location(&req.url, &location)?;
                if req.redirect == RedirectMode::Error {
                    return Err(format!(
                        "{} redirected to {next} and the request's redirect mode is \"error\"",
                        req.url
                    ));
                }
                if next.scheme() != "http" && next.scheme() != "https" {
                    return Err(format!(
                        "cannot follow a redirect to {next}: not an HTTP(S) URL"
                    ));
                }
                redirects += 1;
                if redirects > redirect::MAX_REDIRECTS {
                    return Err(format!(
                        "too many redirects (more than {})",
                        redirect::MAX_REDIRECTS
                    ));
                }
                if redirect::rewrites_to_get(status, req.method.as_str()) {
                    if req.method != Method::HEAD {
                        req.method = Method::GET;
                    }
                    req.body = OutBody::None;
                    req.length = None;
                    req.headers
                        .retain(|(n, _)| !redirect::BODY_HEADERS.contains(&n.as_str()));
                } else if matches!(req.body, OutBody::Stream(_)) {
                    // Fetch §4.4 step 11: a body that cannot be sent again.
                    return Err(format!(
                        "cannot follow the {status} redirect to {next}: the request body \
                         is a stream and cannot be sent again"
                    ));
                }
                // Fetch §4.4 step 13: credentials stay with their origin.
                if !redirect::same_origin(&req.url, &next) {
                    req.headers
                        .retain(|(n, _)| n != http::header::AUTHORIZATION);
                }
                req.url = next;
                drop(response);
                continue;
            }
        }
        return Ok(finish(
            response,
            &req,
            redirects > 0,
            &settings,
            deadline,
            body_abort,
        ));
    }
}

/// The response JS gets: decoded body, guarded by the deadline and the abort handle.
fn finish(
    response: http::Response<BodyStream>,
    req: &Outgoing,
    redirected: bool,
    settings: &FetchSettings,
    deadline: tokio::time::Instant,
    body_abort: Option<futures_util::future::AbortRegistration>,
) -> Fetched {
    let (parts, body) = response.into_parts();
    let status = parts.status.as_u16();
    let status_text = parts
        .extensions
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| r.as_bytes().iter().map(|&b| b as char).collect())
        .or_else(|| parts.status.canonical_reason().map(str::to_owned))
        .unwrap_or_default();
    let null_body = req.method == Method::HEAD || NULL_BODY_STATUS.contains(&status);
    let coding = if null_body {
        None
    } else {
        let mut encodings = parts.headers.get_all(http::header::CONTENT_ENCODING).iter();
        match (encodings.next(), encodings.next()) {
            (Some(v), None) => v.to_str().ok().and_then(decode::coding),
            _ => None,
        }
    };
    let mut headers = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        // A decoded body no longer has the encoding or the length the server sent; a
        // proxied response must not claim them (see the decision record).
        if coding.is_some()
            && (name == http::header::CONTENT_ENCODING || name == http::header::CONTENT_LENGTH)
        {
            continue;
        }
        let value: String = value.as_bytes().iter().map(|&b| b as char).collect();
        headers.push((name.as_str().to_owned(), value));
    }
    let body = if null_body {
        None
    } else {
        let body = match coding {
            Some(c) => decode::decode(body, c),
            None => body,
        };
        let guarded: BodyStream = Box::pin(Deadline {
            inner: body,
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
            timeout: settings.timeout,
            done: false,
        });
        Some(match body_abort {
            Some(reg) => Box::pin(Abortable::new(guarded, reg)) as BodyStream,
            None => guarded,
        })
    };
    Fetched {
        status,
        status_text,
        headers,
        body,
        url: req.url.to_string(),
        redirected,
    }
}

fn type_error(ctx: &Ctx<'_>, message: &str) -> nano_engine::rquickjs::Error {
    Exception::throw_type(ctx, message)
}

/// Adds the fetch ops to `ops`.
pub(crate) fn install<'js>(
    ctx: &Ctx<'js>,
    ops: &Object<'js>,
    lp: &LoopHandle,
    bodies: &Rc<BodyTable>,
    state: &Rc<FetchState>,
) -> Result<()> {
    // ops.fetchStart(method, url, headersFlat, body, redirect, abortable, service?)
    //   -> [Promise<[status, statusText, headersFlat, bodyId | null, url, redirected]>, id]
    //   body: null | string | BufferSource | number (a host body id, sent as a stream)
    //   The promise rejects with a TypeError whose message is the cause.
    let (l, b, s) = (lp.clone(), bodies.clone(), state.clone());
    ops.set(
        "fetchStart",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  method: String,
                  url: String,
                  headers: Array<'js>,
                  body: Value<'js>,
                  redirect: String,
                  rest: Rest<Value<'js>>| {
                let fail = |m: String| type_error(&ctx, &m);
                // (Past the engine's argument count for typed closures: the last two.)
                let abortable = rest.first().is_some_and(|v| v.as_bool() == Some(true));
                let service = match rest.get(1) {
                    Some(v) if v.is_string() => Some(v.get::<String>()?),
                    _ => None,
                };
                let url = Url::parse(&url).map_err(|_| fail(format!("Invalid URL: {url}")))?;
                if !url.username().is_empty() || url.password().is_some() {
                    return Err(fail(format!(
                        "Request cannot be constructed from a URL that includes credentials: {url}"
                    )));
                }
                if url.scheme() != "http" && url.scheme() != "https" {
                    return Err(fail(format!(
                        "fetch failed: the URL scheme \"{}\" is not supported",
                        url.scheme()
                    )));
                }
                let method = Method::from_bytes(method.as_bytes())
                    .map_err(|_| fail(format!("'{method}' is not a valid HTTP method.")))?;
                let (headers, length) = parse_headers(&headers).map_err(fail)?;
                let body = if body.is_null() || body.is_undefined() {
                    OutBody::None
                } else if let Some(text) = body.as_string() {
                    OutBody::Bytes(Bytes::from(text.to_string()?))
                } else if let Some(id) = body.as_number() {
                    match b.take(id as u32) {
                        Some(stream) => OutBody::Stream(Some(stream)),
                        None => return Err(fail("the request body was already used".into())),
                    }
                } else {
                    match copy_bytes(&body) {
                        Some(bytes) => OutBody::Bytes(Bytes::from(bytes)),
                        None => return Err(fail("unsupported request body".into())),
                    }
                };
                let redirect = match redirect.as_str() {
                    "manual" => RedirectMode::Manual,
                    "error" => RedirectMode::Error,
                    _ => RedirectMode::Follow,
                };
                s.take_subrequest().map_err(fail)?;
                let length = if matches!(body, OutBody::Stream(_)) {
                    length
                } else {
                    None
                };
                let req = Outgoing {
                    method,
                    url,
                    headers,
                    body,
                    length,
                    redirect,
                    service,
                };
                let (body_handle, body_reg) = AbortHandle::new_pair();
                let body_reg = abortable.then_some(body_reg);
                let (state, table) = (s.clone(), b.clone());
                let (promise, key) = l.promise_cancellable(&ctx, async move {
                    let outcome = run(state, req, body_reg).await;
                    settle(move |ctx| match outcome {
                        Err(cause) => Err(type_error(ctx, &format!("fetch failed: {cause}"))),
                        Ok(f) => {
                            let flat = Array::new(ctx.clone())?;
                            for (i, (n, v)) in f.headers.into_iter().enumerate() {
                                flat.set(2 * i, n)?;
                                flat.set(2 * i + 1, v)?;
                            }
                            let body = match f.body {
                                Some(stream) => {
                                    Value::new_number(ctx.clone(), f64::from(table.insert(stream)))
                                }
                                None => Value::new_null(ctx.clone()),
                            };
                            let out = Array::new(ctx.clone())?;
                            out.set(0, f.status)?;
                            out.set(1, f.status_text)?;
                            out.set(2, flat)?;
                            out.set(3, body)?;
                            out.set(4, f.url)?;
                            out.set(5, f.redirected)?;
                            Ok(out.into_value())
                        }
                    })
                })?;
                let id = if abortable {
                    let id = s.next_id();
                    s.inflight.borrow_mut().insert(
                        id,
                        Inflight {
                            op: key,
                            body: body_handle,
                        },
                    );
                    id
                } else {
                    0
                };
                let out = Array::new(ctx.clone())?;
                out.set(0, promise)?;
                out.set(1, id)?;
                Ok(out)
            },
        )?,
    )?;

    // ops.fetchDataUrl(url) -> [contentType, Uint8Array]; throws a TypeError when the
    // data: URL processor fails (Fetch §4.2).
    ops.set(
        "fetchDataUrl",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, url: String| {
            let parsed = Url::parse(&url).ok();
            match parsed.as_ref().and_then(data_url::process) {
                Some((mime, body)) => {
                    let out = Array::new(ctx.clone())?;
                    out.set(0, mime)?;
                    out.set(1, nano_engine::rquickjs::TypedArray::<u8>::new(ctx, body)?)?;
                    Ok(out)
                }
                None => Err(type_error(
                    &ctx,
                    &format!("fetch failed: {url} is not a valid data: URL"),
                )),
            }
        })?,
    )?;

    // ops.fetchAbort(id): drops the request (if still waiting for the response head)
    // and ends its response body; the JS side rejects or errors with the signal's reason.
    let (l, s) = (lp.clone(), state.clone());
    ops.set(
        "fetchAbort",
        Function::new(ctx.clone(), move |id: u32| {
            if let Some(f) = s.inflight.borrow_mut().remove(&id) {
                l.cancel(f.op);
                f.body.abort();
            }
        })?,
    )?;

    // ops.fetchForget(id): the fetch finished; its signal no longer matters.
    let s = state.clone();
    ops.set(
        "fetchForget",
        Function::new(ctx.clone(), move |id: u32| {
            s.inflight.borrow_mut().remove(&id);
        })?,
    )?;

    // ops.fetchUpload() -> [sinkId, bodyId]: a channel a ReadableStream request body is
    // pumped into (ops.sinkWrite / ops.sinkClose) while `bodyId` is sent.
    let b = bodies.clone();
    ops.set(
        "fetchUpload",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>| {
            let (sink, stream) = b.open_sink();
            let id = b.insert(stream);
            let out = Array::new(ctx)?;
            out.set(0, sink)?;
            out.set(1, id)?;
            Ok::<_, nano_engine::rquickjs::Error>(out)
        })?,
    )?;
    Ok(())
}
