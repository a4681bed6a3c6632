#![allow(dead_code)] // each test binary uses a different subset of the helpers
//! For the fetch tests: a real HTTP(S) server on 127.0.0.1 (its own thread and runtime)
//! with the routes the tests need, and runners that give an isolate fetch settings and
//! dispatch requests to an app.

use std::cell::RefCell;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use nano_engine::{Isolate, IsolateOptions, ScriptKind};
use nano_web::{AppExports, FetchSettings, ResponseBody, WebOptions};

type Body = BoxBody<Bytes, std::io::Error>;

/// Period of the test byte pattern (a prime, so it lines up with no power of two).
pub const PATTERN_PERIOD: usize = 65521;

/// Byte `i` of the pattern big bodies are made of; the JS side builds the same.
pub fn pattern(i: usize) -> u8 {
    ((i % PATTERN_PERIOD) * 31 + 7) as u8
}

/// JS that defines `patternBytes(n)`, the same bytes as [`pattern`].
pub const PATTERN_JS: &str = r#"
function patternBytes(n) {
  const P = 65521;
  const block = new Uint8Array(P);
  for (let i = 0; i < P; i++) block[i] = (i * 31 + 7) & 255;
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += P) out.set(n - off >= P ? block : block.subarray(0, n - off), off);
  return out;
}
"#;

/// A running test server; it stops with the process.
pub struct Server {
    pub addr: SocketAddr,
    /// Requests seen, by path.
    pub hits: Arc<std::sync::Mutex<HashMap<String, usize>>>,
    pub open: Arc<AtomicUsize>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .map(|h| h.get(path).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

/// A test CA and a certificate it signed for `localhost` and 127.0.0.1.
pub struct TestCa {
    pub ca_der: Vec<u8>,
    pub server_config: Arc<rustls::ServerConfig>,
}

pub fn test_ca() -> TestCa {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA cert");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("leaf params");
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf cert");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    TestCa {
        ca_der: ca.der().to_vec(),
        server_config: Arc::new(config),
    }
}

/// Starts the test server (plain HTTP, or TLS with `tls`).
pub fn start(tls: Option<Arc<rustls::ServerConfig>>) -> Server {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    std_listener.set_nonblocking(true).expect("nonblocking");
    let addr = std_listener.local_addr().expect("addr");
    let hits: Arc<std::sync::Mutex<HashMap<String, usize>>> = Arc::default();
    let open = Arc::new(AtomicUsize::new(0));
    let (h, o) = (hits.clone(), open.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let (h, o, acceptor) = (h.clone(), o.clone(), acceptor.clone());
                tokio::spawn(async move {
                    o.fetch_add(1, Ordering::SeqCst);
                    let service = hyper::service::service_fn(move |req| {
                        let h = h.clone();
                        async move {
                            let path = req.uri().path().to_string();
                            if path == "/hits" {
                                // How many requests a path has had (for the tests to wait on).
                                let of = query(&req).get("path").cloned().unwrap_or_default();
                                let n = h.lock().map(|m| m.get(&of).copied().unwrap_or(0));
                                return Ok(reply(200, &[], full(n.unwrap_or(0).to_string())));
                            }
                            if let Ok(mut m) = h.lock() {
                                *m.entry(path).or_default() += 1;
                            }
                            Ok::<_, Infallible>(route(req, addr, h).await)
                        }
                    });
                    let builder = hyper::server::conn::http1::Builder::new();
                    match acceptor {
                        Some(acceptor) => {
                            // TLS: HTTP/2 or HTTP/1.1, as ALPN settled.
                            if let Ok(stream) = acceptor.accept(tcp).await {
                                let auto = hyper_util::server::conn::auto::Builder::new(
                                    hyper_util::rt::TokioExecutor::new(),
                                );
                                let _ = auto.serve_connection(TokioIo::new(stream), service).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
                        }
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
    });
    Server { addr, hits, open }
}

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|e| match e {}).boxed()
}

fn reply(status: u16, headers: &[(&str, String)], body: Body) -> Response<Body> {
    let mut r = Response::builder().status(status);
    for (n, v) in headers {
        r = r.header(*n, v.as_str());
    }
    r.body(body).expect("response")
}

fn query(req: &Request<Incoming>) -> HashMap<String, String> {
    req.uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// Text that compresses well, for the decoding tests.
pub fn compressible() -> String {
    "NANO decodes this body. ".repeat(200)
}

type Hits = Arc<std::sync::Mutex<HashMap<String, usize>>>;

/// Counts `key` in `hits` when dropped: hyper drops a request's future when its
/// connection goes away, so this tells the tests the client hung up.
struct CountOnDrop(Hits, &'static str);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(self.1.to_string()).or_default() += 1;
        }
    }
}

async fn route(req: Request<Incoming>, addr: SocketAddr, hits: Hits) -> Response<Body> {
    let path = req.uri().path().to_string();
    let q = query(&req);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["text"] => reply(
            200,
            &[("content-type", "text/plain".into())],
            full(q.get("v").cloned().unwrap_or_else(|| "hello".into())),
        ),
        ["slow", ms] => {
            let ms: u64 = ms.parse().unwrap_or(200);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            reply(200, &[], full(format!("slept {ms}")))
        }
        ["echo"] => {
            let method = req.method().to_string();
            let version = format!("{:?}", req.version());
            // Over HTTP/2 the URI is absolute; the tests compare path and query.
            let url = req
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let mut headers = serde_json::Map::new();
            for (n, v) in req.headers() {
                headers.insert(
                    n.as_str().to_string(),
                    serde_json::Value::String(String::from_utf8_lossy(v.as_bytes()).into()),
                );
            }
            let body = req.into_body().collect().await.map(|c| c.to_bytes());
            let body = body.unwrap_or_default();
            let json = serde_json::json!({
                "version": version,
                "method": method,
                "url": url,
                "headers": headers,
                "body": String::from_utf8_lossy(&body),
                "length": body.len(),
            });
            reply(
                200,
                &[("content-type", "application/json".into())],
                full(json.to_string()),
            )
        }
        // Checks that the body is the pattern; says "ok <length>" or where it differs.
        ["verify"] => {
            let mut stream = req.into_body().into_data_stream();
            let mut n = 0usize;
            let mut bad = None;
            while let Some(chunk) = stream.next().await {
                let Ok(chunk) = chunk else {
                    bad = Some("body errored".to_string());
                    break;
                };
                if bad.is_none() {
                    if let Some(i) = chunk
                        .iter()
                        .enumerate()
                        .position(|(i, &b)| b != pattern(n + i))
                    {
                        bad = Some(format!("differs at byte {}", n + i));
                    }
                }
                n += chunk.len();
            }
            reply(200, &[], full(bad.unwrap_or_else(|| format!("ok {n}"))))
        }
        // n bytes of the pattern, in 64 KiB chunks, with a Content-Length.
        ["download", n] => {
            let n: usize = n.parse().unwrap_or(0);
            let chunks = (0..n).step_by(1 << 16).map(move |off| {
                let end = (off + (1 << 16)).min(n);
                Ok::<_, std::io::Error>(Frame::data(Bytes::from(
                    (off..end).map(pattern).collect::<Vec<u8>>(),
                )))
            });
            let body = BodyExt::boxed(StreamBody::new(futures_util::stream::iter(chunks)));
            reply(200, &[("content-length", n.to_string())], body)
        }
        ["redirect", status] => {
            let to = q.get("to").cloned().unwrap_or_else(|| "/echo".into());
            reply(status.parse().unwrap_or(302), &[("location", to)], full(""))
        }
        ["loop"] => reply(302, &[("location", "/loop".into())], full("")),
        ["absolute-redirect"] => reply(
            302,
            &[("location", format!("http://localhost:{}/echo", addr.port()))],
            full(""),
        ),
        ["gzip"] => {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = e.write_all(compressible().as_bytes());
            let data = e.finish().unwrap_or_default();
            encoded("gzip", data)
        }
        ["deflate"] => {
            use std::io::Write;
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = e.write_all(compressible().as_bytes());
            let data = e.finish().unwrap_or_default();
            encoded("deflate", data)
        }
        // What some servers send as "deflate": no zlib wrapper.
        ["raw-deflate"] => {
            use std::io::Write;
            let mut e =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = e.write_all(compressible().as_bytes());
            let data = e.finish().unwrap_or_default();
            encoded("deflate", data)
        }
        ["br"] => {
            let mut data = Vec::new();
            {
                use std::io::Write;
                let mut w = brotli::CompressorWriter::new(&mut data, 4096, 5, 22);
                let _ = w.write_all(compressible().as_bytes());
            }
            encoded("br", data)
        }
        ["bad-gzip"] => encoded("gzip", b"this is not gzip".to_vec()),
        // A head, one chunk, then nothing more (until the client goes away).
        ["stall"] => {
            let first = futures_util::stream::once(async {
                Ok::<_, std::io::Error>(Frame::data(Bytes::from_static(b"first chunk")))
            });
            let rest = futures_util::stream::pending();
            reply(200, &[], BodyExt::boxed(StreamBody::new(first.chain(rest))))
        }
        // Never answers.
        ["hang"] => {
            let _guard = CountOnDrop(hits, "/hang-dropped");
            futures_util::future::pending::<()>().await;
            reply(500, &[], full(""))
        }
        _ => reply(404, &[], full("not found")),
    }
}

fn encoded(coding: &str, data: Vec<u8>) -> Response<Body> {
    reply(
        200,
        &[
            ("content-encoding", coding.into()),
            ("content-length", data.len().to_string()),
            ("content-type", "text/plain".into()),
        ],
        full(data),
    )
}

/// One response an app sent, and when it arrived (from the start of dispatching).
#[derive(Debug)]
pub struct Answer {
    pub id: u64,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Result<Vec<u8>, String>,
    pub at: Duration,
}

impl Answer {
    pub fn text(&self) -> String {
        match &self.body {
            Ok(b) => String::from_utf8_lossy(b).into_owned(),
            Err(e) => format!("<error: {e}>"),
        }
    }
}

/// What [`run_app`] saw.
#[derive(Debug, Default)]
pub struct AppRun {
    pub answers: Vec<Answer>,
    pub lines: Vec<String>,
    pub errors: Vec<String>,
}

/// Loads `source` as an app module with `settings`, dispatches `GET http://app/<path>`
/// for each path (all at once), and drives the isolate until nothing is pending.
pub fn run_app(settings: FetchSettings, source: &str, paths: &[&str]) -> AppRun {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let out = Rc::new(RefCell::new(AppRun::default()));
        let start = Instant::now();
        let mut iso = Isolate::new(&IsolateOptions::default(), None).expect("isolate");
        let readers: Rc<RefCell<Vec<tokio::task::JoinHandle<()>>>> = Rc::default();
        let (o1, o2, o3, r) = (out.clone(), out.clone(), out.clone(), readers.clone());
        let web = nano_web::install(
            &mut iso,
            WebOptions {
                log: Rc::new(move |_, text| o1.borrow_mut().lines.push(text.to_owned())),
                respond: Rc::new(move |id, outcome| {
                    let o = o3.clone();
                    match outcome {
                        Err(e) => o.borrow_mut().answers.push(Answer {
                            id,
                            status: 0,
                            headers: Vec::new(),
                            body: Err(e.to_string()),
                            at: start.elapsed(),
                        }),
                        Ok(parts) => {
                            let task = tokio::task::spawn_local(async move {
                                let body = match parts.body {
                                    ResponseBody::Empty => Ok(Vec::new()),
                                    ResponseBody::Bytes(b) => Ok(b.to_vec()),
                                    ResponseBody::Stream(mut s) => {
                                        let mut all = Vec::new();
                                        let mut result = Ok(());
                                        while let Some(chunk) = s.next().await {
                                            match chunk {
                                                Ok(c) => all.extend_from_slice(&c),
                                                Err(e) => {
                                                    result = Err(e);
                                                    break;
                                                }
                                            }
                                        }
                                        result.map(|()| all)
                                    }
                                };
                                o.borrow_mut().answers.push(Answer {
                                    id,
                                    status: parts.status,
                                    headers: parts.headers,
                                    body,
                                    at: start.elapsed(),
                                });
                            });
                            r.borrow_mut().push(task);
                        }
                    }
                }),
                uncaught: Rc::new(move |err| o2.borrow_mut().errors.push(err.to_string())),
            },
        )
        .expect("install web APIs");
        web.set_fetch_settings(settings);
        let fail = |e: String| out.borrow_mut().errors.push(e);
        match iso.eval_main("app.js", source, ScriptKind::Module, None) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => fail(e.to_string()),
            Err(f) => fail(f.to_string()),
        }
        // Let top-level await finish before binding.
        while let Ok(None) = iso.main_state() {
            match iso.run_next_op(None).await {
                Ok(true) => {}
                _ => break,
            }
        }
        match iso.main_state() {
            Ok(Some(Ok(()))) => {}
            Ok(Some(Err(e))) => out.borrow_mut().errors.push(e.to_string()),
            Ok(None) => out
                .borrow_mut()
                .errors
                .push("the module's top-level await never settled".into()),
            Err(f) => out.borrow_mut().errors.push(f.to_string()),
        }
        let namespace = iso.main_namespace();
        let bound = iso.enter(None, |ctx| {
            let ns = namespace
                .clone()
                .and_then(|ns| ns.restore(ctx).ok())
                .map(AppExports::Module)
                .unwrap_or(AppExports::ServiceWorker);
            let env = nano_engine::rquickjs::Object::new(ctx.clone()).expect("env");
            web.bind(ctx, ns, env)
        });
        drop(namespace);
        if let Ok(Err(e)) = bound {
            out.borrow_mut().errors.push(e.to_string());
        }
        for (i, path) in paths.iter().enumerate() {
            let url = format!("http://app{path}");
            let r = iso.enter(None, |ctx| {
                web.dispatch(ctx, i as u64, "GET", &url, &[], None)
            });
            if let Ok(Err(e)) = r {
                out.borrow_mut().errors.push(e.to_string());
            }
        }
        loop {
            for e in web.report_rejections(&mut iso, None).unwrap_or_default() {
                out.borrow_mut()
                    .errors
                    .push(format!("unhandled rejection: {e}"));
            }
            match iso.run_next_op(None).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(f) => {
                    out.borrow_mut().errors.push(f.to_string());
                    break;
                }
            }
        }
        let tasks: Vec<_> = readers.borrow_mut().drain(..).collect();
        for t in tasks {
            let _ = t.await;
        }
        drop(web);
        drop(iso);
        let mut run = Rc::try_unwrap(out)
            .map(RefCell::into_inner)
            .unwrap_or_default();
        run.answers.sort_by_key(|a| a.id);
        run
    })
}

/// Runs `body` as a module (with the assertion helpers and `patternBytes`) in an isolate
/// with `settings`; fails the test on any uncaught error. Returns what it printed.
pub fn check_with(settings: FetchSettings, body: &str) -> Vec<String> {
    let source = format!("{}\n{PATTERN_JS}\n{body}\n", super::support::ASSERT);
    let run = run_app(settings, &source, &[]);
    assert!(
        run.errors.is_empty(),
        "uncaught errors: {:#?}\nprinted: {:#?}",
        run.errors,
        run.lines
    );
    run.lines
}
