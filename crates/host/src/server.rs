//! The HTTP front door: one listener per loop thread (SO_REUSEPORT spreads connections),
//! hyper for HTTP/1.1 and HTTP/2, the router, and the translation between hyper
//! requests/responses and the isolates' jobs and replies.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use futures_util::StreamExt;
use http::header::{
    HeaderName, HeaderValue, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, TRANSFER_ENCODING,
};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use nano_web::{BodyStream, ResponseBody, ResponseParts};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};

use crate::app::App;
use crate::config::{Config, ServerSettings};
use crate::log;
use crate::placement::Placement;
use crate::pool::{Job, Pool, Reply, Ticket};
use crate::router::Router;
use crate::sniff::{HeadFlags, Sniff};

/// Stack of each loop thread: JavaScript gets `JS_STACK` of it, with ample headroom.
const THREAD_STACK: usize = 16 << 20;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Response bodies stay on their loop thread, so they need not be `Send`.
pub(crate) type Body = Pin<Box<dyn hyper::body::Body<Data = Bytes, Error = BoxError>>>;

fn boxed<B>(body: B) -> Body
where
    B: hyper::body::Body<Data = Bytes> + 'static,
    B::Error: Into<BoxError>,
{
    Box::pin(body.map_err(Into::into))
}

/// What every loop thread shares.
pub(crate) struct Shared {
    apps: Arc<Vec<Arc<App>>>,
    pub(crate) router: Router,
    settings: ServerSettings,
    placement: Arc<Placement>,
    /// Each loop thread's queue of requests forwarded from other threads.
    remotes: Vec<mpsc::UnboundedSender<Remote>>,
    next_id: AtomicU64,
    /// Connections open on all threads.
    open: AtomicUsize,
}

/// A message for another loop thread's pool.
enum Remote {
    Request(usize, u64, Job),
    Cancel(Ticket),
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds the listen address and starts the loop threads.
    pub fn start(config: Config) -> io::Result<Self> {
        let apps: Vec<Arc<App>> = config
            .apps
            .into_iter()
            .map(|a| Arc::new(App::new(a)))
            .collect();
        let routes = apps
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.config.routes.iter().map(move |r| (r.clone(), i)))
            .collect();
        let threads = config.server.threads.max(1);
        let (remotes, inboxes): (Vec<_>, Vec<_>) =
            (0..threads).map(|_| mpsc::unbounded_channel()).unzip();
        let shared = Arc::new(Shared {
            router: Router::new(routes, config.catch_all),
            placement: Arc::new(Placement::new(apps.len(), threads)),
            apps: Arc::new(apps),
            settings: config.server.clone(),
            remotes,
            next_id: AtomicU64::new(1),
            open: AtomicUsize::new(0),
        });
        let first = bind(config.server.listen)?;
        let addr = first.local_addr()?;
        let mut listeners = vec![first];
        for _ in 1..threads {
            listeners.push(bind(addr)?);
        }
        let (shutdown, rx) = watch::channel(false);
        let mut handles = Vec::with_capacity(threads);
        for (i, (listener, inbox)) in listeners.into_iter().zip(inboxes).enumerate() {
            let shared = shared.clone();
            let rx = rx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("nano-loop-{i}"))
                .stack_size(THREAD_STACK)
                .spawn(move || loop_thread(i, listener, inbox, shared, rx))?;
            handles.push(handle);
        }
        Ok(Self {
            addr,
            shutdown,
            threads: handles,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting; in-flight requests get the configured grace period.
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Waits for every loop thread to finish (after [`shutdown`](Self::shutdown)).
    pub fn join(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Runs `!Send` futures (hyper's HTTP/2 streams) on the thread's LocalSet.
#[derive(Clone, Copy)]
struct LocalExec;

impl<F> hyper::rt::Executor<F> for LocalExec
where
    F: Future + 'static,
{
    fn execute(&self, fut: F) {
        tokio::task::spawn_local(fut);
    }
}

fn loop_thread(
    here: usize,
    listener: std::net::TcpListener,
    inbox: mpsc::UnboundedReceiver<Remote>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            log::server(&format!("cannot start a loop thread: {e}"));
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(
        &runtime,
        accept_loop(here, listener, inbox, shared, shutdown),
    );
}

async fn accept_loop(
    here: usize,
    listener: std::net::TcpListener,
    mut inbox: mpsc::UnboundedReceiver<Remote>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            log::server(&format!("cannot listen: {e}"));
            return;
        }
    };
    let pool = Pool::new(
        shared.apps.clone(),
        shared.settings.idle_isolate,
        here,
        shared.placement.clone(),
    );
    tokio::task::spawn_local(pool.clone().sweep());
    pool.set_local_fetch(crate::services::factory(&pool, &shared, here));
    pool.refill();
    // Requests other threads forward to this one (it is their app's home).
    let forwarded = pool.clone();
    tokio::task::spawn_local(async move {
        while let Some(msg) = inbox.recv().await {
            match msg {
                Remote::Request(app, id, job) => forwarded.send(app, id, job),
                Remote::Cancel(ticket) => forwarded.cancel(ticket),
            }
        }
    });
    let mut builder = auto::Builder::new(LocalExec);
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.settings.header_timeout)
        .max_headers(shared.settings.max_headers)
        .max_buf_size(shared.settings.max_header_bytes.max(8192));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(shared.settings.max_header_bytes as u32)
        .keep_alive_interval(Some(shared.settings.header_timeout))
        .keep_alive_timeout(shared.settings.header_timeout);
    let builder = Rc::new(builder);
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(s) => s,
                    Err(e) => {
                        // Out of file descriptors and the like: back off briefly.
                        log::server(&format!("accept failed: {e}"));
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let open = OpenGuard::new(&shared);
                let (pool, shared, builder) = (pool.clone(), shared.clone(), builder.clone());
                let mut shutdown = shutdown.clone();
                tokio::task::spawn_local(async move {
                    // hyper's header timeout starts with the first byte (it must see the
                    // first bytes to tell HTTP/1 from HTTP/2): a client that never sends
                    // one is closed here.
                    let mut first = [0u8; 1];
                    let timeout = shared.settings.header_timeout;
                    if !matches!(tokio::time::timeout(timeout, stream.peek(&mut first)).await, Ok(Ok(n)) if n > 0) {
                        return;
                    }
                    let flags = Arc::new(HeadFlags::default());
                    let io = TokioIo::new(Sniff::new(stream, flags.clone()));
                    let svc = service_fn(move |req| {
                        handle(req, here, pool.clone(), shared.clone(), flags.clone())
                    });
                    let conn = builder.serve_connection(io, svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = shutdown.wait_for(|stop| *stop) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                    drop(open);
                });
            }
            _ = stop.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    // Every thread stays up until connections on all threads are done: a request that
    // arrived elsewhere may be running on this thread (its app's home).
    let grace = shared.settings.shutdown_grace;
    let drained = async {
        while shared.open.load(Ordering::Acquire) > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let _ = tokio::time::timeout(grace, drained).await;
}

/// Counts an open connection (across all threads) until dropped.
struct OpenGuard(Arc<Shared>);

impl OpenGuard {
    fn new(shared: &Arc<Shared>) -> Self {
        shared.open.fetch_add(1, Ordering::AcqRel);
        Self(shared.clone())
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

fn text_response(status: StatusCode, text: impl Into<Bytes>) -> Response<Body> {
    let mut res = Response::new(boxed(Full::new(text.into())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    res
}

/// Request body as a stream of data chunks, cut off past `limit` bytes. A client fault
/// (a body over the limit, broken chunking) is also noted in `fault`, so the client gets
/// a 4xx whatever the app made of the error.
fn body_stream(
    body: Incoming,
    limit: u64,
    fault: Arc<AtomicU16>,
    head: Option<Arc<HeadFlags>>,
) -> BodyStream {
    let mut seen: u64 = 0;
    let frames = http_body_util::BodyStream::new(body);
    // When a chunked body ends, the head guard may look at the next request again.
    let frames = frames.chain(futures_util::stream::poll_fn(move |_| {
        if let Some(h) = &head {
            h.resume();
        }
        std::task::Poll::Ready(None)
    }));
    let stream = frames.filter_map(move |frame| {
        let out = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => {
                    seen += data.len() as u64;
                    if seen > limit {
                        fault.store(413, Ordering::Relaxed);
                        Some(Err(format!(
                            "request body exceeds the limit of {limit} bytes"
                        )))
                    } else {
                        Some(Ok(data))
                    }
                }
                Err(_) => None, // trailers
            },
            Err(e) => {
                fault.store(400, Ordering::Relaxed);
                Some(Err(format!("error reading request body: {e}")))
            }
        };
        std::future::ready(out)
    });
    Box::pin(stream)
}

/// A 4xx that also closes the connection (the rest of the stream cannot be trusted).
fn client_error(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut res = text_response(status, text);
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

async fn handle(
    req: Request<Incoming>,
    here: usize,
    pool: Rc<Pool>,
    shared: Arc<Shared>,
    head: Arc<HeadFlags>,
) -> Result<Response<Body>, Infallible> {
    let (parts, body) = req.into_parts();
    if head.conflict()
        || (parts.headers.contains_key(TRANSFER_ENCODING)
            && parts.headers.contains_key(CONTENT_LENGTH))
    {
        // RFC 9112 §6.1: a request with both is a smuggling risk; refuse it.
        return Ok(client_error(
            StatusCode::BAD_REQUEST,
            "Bad Request: both Content-Length and Transfer-Encoding\n",
        ));
    }
    let host = parts
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let path = parts.uri.path();
    let Some(index) = shared.router.route(&host, path) else {
        return Ok(text_response(
            StatusCode::NOT_FOUND,
            "Not Found: no app serves this host and path\n",
        ));
    };
    let app = pool.app(index).clone();
    let limits = &app.config.limits;
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.body_bytes) {
        return Ok(client_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large\n",
        ));
    }
    let authority = if host.is_empty() {
        shared.settings.listen.to_string()
    } else {
        host
    };
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("http://{authority}{path_and_query}");
    use hyper::body::Body as _;
    let has_body = !body.is_end_stream();
    // A client fault seen while the body streams (0: none).
    let fault = Arc::new(AtomicU16::new(0));
    let chunked = parts.headers.contains_key(TRANSFER_ENCODING);
    let body = has_body.then(|| {
        body_stream(
            body,
            limits.body_bytes,
            fault.clone(),
            chunked.then_some(head),
        )
    });
    let (reply_tx, reply_rx) = oneshot::channel();
    let job = Job {
        method: parts.method,
        url,
        headers: parts.headers,
        body,
        reply: reply_tx,
    };
    let Some(reply) = exchange(&pool, &shared, here, index, job, reply_rx).await else {
        return Ok(text_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable: shutting down\n",
        ));
    };
    match fault.load(Ordering::Relaxed) {
        413 => {
            return Ok(client_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Payload Too Large\n",
            ))
        }
        400 => {
            return Ok(client_error(
                StatusCode::BAD_REQUEST,
                "Bad Request: malformed body\n",
            ))
        }
        _ => {}
    }
    Ok(reply_response(reply))
}

/// Runs one request on app `index` (on its home thread or here, as placement says) and
/// waits for the app's reply within its wall-time limit (`None`: the target thread is
/// gone, the server is shutting down).
pub(crate) async fn exchange(
    pool: &Rc<Pool>,
    shared: &Arc<Shared>,
    here: usize,
    index: usize,
    job: Job,
    reply_rx: oneshot::Receiver<Reply>,
) -> Option<Outcome> {
    let app = pool.app(index).clone();
    let route = shared.placement.route(index, here);
    let _load = route.home.then(|| shared.placement.enter(index));
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let ticket = Ticket { app: index, id };
    if route.thread == here {
        pool.send(index, id, job);
    } else if shared.remotes[route.thread]
        .send(Remote::Request(index, id, job))
        .is_err()
    {
        return None;
    }
    Some(
        match tokio::time::timeout(app.config.limits.wall, reply_rx).await {
            Ok(Ok(reply)) => Outcome::Reply(reply),
            Ok(Err(_)) => Outcome::Reply(Reply::Fatal(nano_engine::Fatal::Panic(
                "isolate stopped".into(),
            ))),
            Err(_) => {
                if route.thread == here {
                    pool.cancel(ticket);
                } else {
                    let _ = shared.remotes[route.thread].send(Remote::Cancel(ticket));
                }
                log::app(
                    app.name(),
                    nano_web::Level::Error,
                    "request exceeded its wall-time limit",
                );
                Outcome::WallTimeout
            }
        },
    )
}

/// How a request ended: the app's reply, or nothing within its wall time.
pub(crate) enum Outcome {
    Reply(Reply),
    WallTimeout,
}

/// The HTTP response for an app's reply.
pub(crate) fn reply_response(outcome: Outcome) -> Response<Body> {
    let reply = match outcome {
        Outcome::Reply(reply) => reply,
        Outcome::WallTimeout => {
            return text_response(
                StatusCode::GATEWAY_TIMEOUT,
                "Gateway Timeout: the app did not respond in time\n",
            )
        }
    };
    match reply {
        Reply::Response(parts) => to_hyper(parts),
        Reply::Exception | Reply::Boot => {
            text_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n")
        }
        Reply::Cooling(left) => {
            let mut res = text_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable: the app is paused after exceeding its resource limits\n",
            );
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            res.headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
        Reply::Fatal(fatal) => text_response(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Service Unavailable: {fatal}\n"),
        ),
    }
}

fn to_hyper(parts: ResponseParts) -> Response<Body> {
    let body: Body = match parts.body {
        ResponseBody::Empty => boxed(Empty::new()),
        ResponseBody::Bytes(b) => boxed(Full::new(b)),
        ResponseBody::Stream(s) => {
            let frames = s.map(|chunk| chunk.map(Frame::data).map_err(BoxError::from));
            boxed(StreamBody::new(frames))
        }
    };
    let mut res = Response::new(body);
    let Ok(status) = StatusCode::from_u16(parts.status) else {
        return text_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n");
    };
    *res.status_mut() = status;
    let headers = res.headers_mut();
    for (name, value) in parts.headers {
        let latin1: Vec<u8> = value.chars().map(|c| c as u32 as u8).collect();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&latin1),
        ) {
            (Ok(n), Ok(v)) => {
                headers.append(n, v);
            }
            _ => {
                return text_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n")
            }
        }
    }
    if !parts.status_text.is_empty()
        && Some(parts.status_text.as_str()) != status.canonical_reason()
    {
        if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(parts.status_text.into_bytes()) {
            res.extensions_mut().insert(reason);
        }
    }
    res
}
