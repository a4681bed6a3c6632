//! In-process services: an app's `fetch` reaching another app of this server without a
//! socket. Two ways in: a service binding (`[apps.NAME.services] API = "other"` makes
//! `env.API.fetch(req)` go to `other`, whatever the URL), and, with
//! `[apps.NAME.outbound] in_process = true`, any URL this server's router would send to
//! one of its apps. The request is dispatched like one from a socket (placement, limits,
//! wall time) and the target app's response streams back as the fetch's response.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use http_body_util::BodyExt;
use nano_web::{BodyStream, LocalFetch, ResponseBody};
use tokio::sync::oneshot;
use url::Url;

use crate::pool::{Job, LocalFetchFactory, Pool, Reply};
use crate::server::{exchange, reply_response, Outcome, Shared};

/// In-process requests one app's isolate on one thread may have waiting at once. An app
/// that calls itself through a binding recurses once per level, each level a request in
/// flight; this bounds the depth (and the fan-out) before the wall-time limit would.
const MAX_IN_FLIGHT: usize = 64;

/// Builds, for each app booted on this thread, its in-process services (or none, for
/// an app with no bindings and no `in_process`).
pub(crate) fn factory(pool: &Rc<Pool>, shared: &Arc<Shared>, here: usize) -> LocalFetchFactory {
    let (pool, shared) = (Rc::downgrade(pool), shared.clone());
    Rc::new(move |index| {
        let app = pool.upgrade()?.app(index).clone();
        let config = &app.config;
        if config.services.is_empty() && !config.outbound.in_process {
            return None;
        }
        let services = Services {
            pool: pool.clone(),
            shared: shared.clone(),
            here,
            bindings: config.services.clone(),
            in_process: config.outbound.in_process,
            in_flight: Rc::new(Cell::new(0)),
        };
        Some(Rc::new(services) as Rc<dyn LocalFetch>)
    })
}

struct Services {
    /// Weak: the pool holds the factory that made this.
    pool: Weak<Pool>,
    shared: Arc<Shared>,
    here: usize,
    bindings: BTreeMap<String, usize>,
    in_process: bool,
    in_flight: Rc<Cell<usize>>,
}

type Answer = Result<http::Response<BodyStream>, String>;

impl Services {
    /// The app this server's router sends `url` to.
    fn route(&self, url: &Url) -> Option<usize> {
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str()?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        self.shared.router.route(&authority, url.path())
    }

    fn call(
        &self,
        index: usize,
        request: http::Request<BodyStream>,
    ) -> LocalBoxFuture<'static, Answer> {
        let (pool, shared, here) = (self.pool.clone(), self.shared.clone(), self.here);
        let in_flight = self.in_flight.clone();
        Box::pin(async move {
            let pool = pool.upgrade().ok_or("the server is shutting down")?;
            if in_flight.get() >= MAX_IN_FLIGHT {
                return Err(format!(
                    "too many in-process requests in flight ({MAX_IN_FLIGHT}): is an app calling itself?"
                ));
            }
            in_flight.set(in_flight.get() + 1);
            let _done = Decrement(in_flight);
            let (parts, body) = request.into_parts();
            let (reply_tx, reply_rx) = oneshot::channel();
            let job = Job {
                method: parts.method,
                url: parts.uri.to_string(),
                headers: parts.headers,
                body: Some(body),
                reply: reply_tx,
            };
            // Dispatched from a task of its own: this future is polled inside the calling
            // isolate's operation queue, and the target may be that same isolate (or
            // another on this thread), which must not be entered from in here.
            let exchanged = tokio::task::spawn_local(async move {
                exchange(&pool, &shared, here, index, job, reply_rx).await
            });
            let outcome = exchanged
                .await
                .ok()
                .flatten()
                .ok_or("the server is shutting down")?;
            // The same response a client on a socket would get; the app's body streams
            // through as it is, the server's own (error) answers are small texts.
            Ok(match outcome {
                Outcome::Reply(Reply::Response(mut parts)) => {
                    let body = std::mem::replace(&mut parts.body, ResponseBody::Empty);
                    let (head, _) =
                        reply_response(Outcome::Reply(Reply::Response(parts))).into_parts();
                    let stream: BodyStream = match body {
                        ResponseBody::Empty => Box::pin(futures_util::stream::empty()),
                        ResponseBody::Bytes(b) => {
                            Box::pin(futures_util::stream::once(async move { Ok(b) }))
                        }
                        ResponseBody::Stream(s) => s,
                    };
                    http::Response::from_parts(head, stream)
                }
                other => {
                    let (head, body) = reply_response(other).into_parts();
                    let text = body
                        .collect()
                        .await
                        .map(|c| c.to_bytes())
                        .unwrap_or_default();
                    let stream: BodyStream =
                        Box::pin(futures_util::stream::once(async move { Ok(text) }));
                    http::Response::from_parts(head, stream)
                }
            })
        })
    }
}

struct Decrement(Rc<Cell<usize>>);

impl Drop for Decrement {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl LocalFetch for Services {
    fn claims(&self, url: &Url) -> bool {
        self.in_process && self.route(url).is_some()
    }

    fn fetch(&self, request: http::Request<BodyStream>) -> LocalBoxFuture<'static, Answer> {
        let url = Url::parse(&request.uri().to_string()).ok();
        match url.and_then(|u| self.route(&u)) {
            Some(index) => self.call(index, request),
            None => Box::pin(async { Err("no app of this server serves that URL".to_owned()) }),
        }
    }

    fn fetch_service(
        &self,
        binding: &str,
        request: http::Request<BodyStream>,
    ) -> LocalBoxFuture<'static, Answer> {
        match self.bindings.get(binding) {
            Some(&index) => self.call(index, request),
            None => {
                let message = format!("no service is bound to {binding:?}");
                Box::pin(async move { Err(message) })
            }
        }
    }
}
