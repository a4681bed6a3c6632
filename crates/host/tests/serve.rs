//! End to end: a real server on 127.0.0.1 hosting several apps, real HTTP clients,
//! real bad input. Every line of the isolation promise is exercised here.

mod support;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use support::{parse_response, TestServer};

const HELLO: &str =
    r#"export default { fetch(req, env) { return new Response("hello from " + env.NAME); } };"#;

#[test]
fn routes_by_host_and_path_and_unmatched_requests_get_404() {
    let s = TestServer::start(
        r#"
[apps.a]
main = "a/index.js"
routes = ["a.example/*"]
vars = { NAME = "a" }
[apps.b]
main = "b/index.js"
routes = ["*.example/api/*"]
vars = { NAME = "b" }
[apps.c]
main = "c/index.js"
routes = ["a.example/admin"]
vars = { NAME = "c" }
"#,
        &[
            ("a/index.js", HELLO),
            ("b/index.js", HELLO),
            ("c/index.js", HELLO),
        ],
    );
    assert_eq!(s.get("a.example", "/").text(), "hello from a");
    assert_eq!(s.get("a.example:8080", "/x/y?z=1").text(), "hello from a");
    assert_eq!(s.get("a.example", "/admin").text(), "hello from c");
    assert_eq!(
        s.get("a.example", "/api/users").text(),
        "hello from a",
        "exact host beats wildcard"
    );
    assert_eq!(s.get("z.example", "/api/users").text(), "hello from b");
    let miss = s.get("z.example", "/other");
    assert_eq!(miss.status, 404);
    assert_eq!(s.get("unknown.test", "/").status, 404);
}

#[test]
fn env_vars_typed_values_and_service_worker_syntax() {
    let s = TestServer::start(
        r#"
[apps.mod]
main = "mod/index.js"
routes = ["mod.test/*"]
vars = { GREETING = "hi", COUNT = 3, FLAGS = { beta = true } }
[apps.sw]
main = "sw/worker.js"
routes = ["sw.test/*"]
vars = { GREETING = "hey" }
"#,
        &[
            (
                "mod/index.js",
                r#"export default { fetch(req, env, ctx) {
                    if (typeof ctx.waitUntil !== "function" || typeof ctx.passThroughOnException !== "function") throw new Error("ctx");
                    return Response.json({ g: env.GREETING, n: env.COUNT + 1, beta: env.FLAGS.beta });
                } };"#,
            ),
            (
                "sw/worker.js",
                r#"addEventListener("fetch", (event) => {
                    event.respondWith(new Response(GREETING + " " + new URL(event.request.url).pathname));
                });"#,
            ),
        ],
    );
    let r = s.get("mod.test", "/");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"g":"hi","n":4,"beta":true}"#);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(s.get("sw.test", "/path").text(), "hey /path");
}

#[test]
fn apps_can_be_several_files_but_never_import_outside_their_folder() {
    let s = TestServer::start(
        r#"
[apps.multi]
main = "multi/src/index.js"
routes = ["multi.test/*"]
[apps.escape]
main = "escape/index.js"
routes = ["escape.test/*"]
"#,
        &[
            (
                "multi/src/index.js",
                r#"import { greet } from "./lib/greet.js";
                   import data from "./data.json" with { type: "json" };
                   export default { fetch() { return new Response(greet(data.name)); } };"#,
            ),
            (
                "multi/src/lib/greet.js",
                r#"import { suffix } from "../util.js"; export const greet = (n) => `hi ${n}${suffix}`;"#,
            ),
            ("multi/src/util.js", r#"export const suffix = "!";"#),
            ("multi/src/data.json", r#"{ "name": "json" }"#),
            (
                "escape/index.js",
                r#"import s from "../secret.js"; export default { fetch() { return new Response(s); } };"#,
            ),
            ("secret.js", r#"export default "top secret";"#),
        ],
    );
    assert_eq!(s.get("multi.test", "/").text(), "hi json!");
    let r = s.get("escape.test", "/");
    assert_eq!(r.status, 500);
    assert!(!r.text().contains("secret"));
}

#[test]
fn one_apps_globals_are_invisible_to_another_and_persist_within_an_app() {
    let s = TestServer::start(
        r#"
threads = 1
[apps.a]
main = "a.js"
routes = ["a.test/*"]
[apps.b]
main = "b.js"
routes = ["b.test/*"]
"#,
        &[
            (
                "a.js",
                r#"export default { fetch() { globalThis.secret = "a's secret"; globalThis.hits = (globalThis.hits || 0) + 1; return new Response(String(hits)); } };"#,
            ),
            (
                "b.js",
                r#"export default { fetch() { return new Response(typeof globalThis.secret + " " + typeof globalThis.hits); } };"#,
            ),
        ],
    );
    assert_eq!(s.get("a.test", "/").text(), "1");
    assert_eq!(
        s.get("a.test", "/").text(),
        "2",
        "state persists between requests of one isolate"
    );
    assert_eq!(s.get("b.test", "/").text(), "undefined undefined");
}

const NEIGHBOUR: &str = r#"export default { fetch() { return new Response("ok"); } };"#;

/// A server with a CPU-limited app `spin` (its code `spin_js`) beside a well-behaved
/// app `good`, on one loop thread so they share it.
fn spin_beside_good(cpu_ms: u32, spin_js: &str) -> TestServer {
    let config = format!(
        "threads = 1\n[apps.spin]\nmain = \"spin.js\"\nroutes = [\"spin.test/*\"]\n[apps.spin.limits]\ncpu_ms = {cpu_ms}\n[apps.good]\nmain = \"good.js\"\nroutes = [\"good.test/*\"]\n"
    );
    TestServer::start(&config, &[("spin.js", spin_js), ("good.js", NEIGHBOUR)])
}

/// After a limit kill the app is paused briefly (longer each time); it then answers
/// again from a fresh isolate. Returns the body it answers with.
fn recovers(s: &TestServer, host: &str, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = s.get(host, path);
        if r.status != 503 {
            return r.text();
        }
        assert!(
            r.header("retry-after").is_some(),
            "a pause says when to retry: {}",
            r.text()
        );
        assert!(Instant::now() < deadline, "{host} never recovered");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn memory_bomb_gets_503_its_isolate_is_rebuilt_and_neighbours_keep_answering() {
    let s = TestServer::start(
        r#"
threads = 1
[apps.bomb]
main = "bomb.js"
routes = ["bomb.test/*"]
[apps.bomb.limits]
memory_mb = 16
[apps.good]
main = "good.js"
routes = ["good.test/*"]
"#,
        &[
            (
                "bomb.js",
                r#"let boots = (globalThis.boots || 0) + 1;
                   export default { fetch(req) {
                     if (new URL(req.url).pathname === "/bomb") { const a = []; for (;;) a.push("x".repeat(1 << 16) + a.length); }
                     if (new URL(req.url).pathname === "/big") { const keep = new Uint8Array(64 << 20); return new Response(String(keep.length)); }
                     return new Response("alive");
                   } };"#,
            ),
            ("good.js", NEIGHBOUR),
        ],
    );
    for _ in 0..3 {
        let r = s.get("bomb.test", "/bomb");
        assert_eq!(r.status, 503);
        assert!(r.text().contains("memory"), "{}", r.text());
        assert_eq!(s.get("good.test", "/").text(), "ok");
        assert_eq!(
            recovers(&s, "bomb.test", "/"),
            "alive",
            "rebuilt isolate serves again"
        );
    }
    let r = s.get("bomb.test", "/big");
    assert_eq!(r.status, 503, "a single 64 MB buffer is refused");
    assert!(r.text().contains("memory"), "{}", r.text());
    assert_eq!(recovers(&s, "bomb.test", "/"), "alive");
}

#[test]
fn infinite_loop_is_stopped_near_the_cpu_limit_and_neighbours_keep_answering() {
    let s = spin_beside_good(
        50,
        r#"export default { async fetch(req) {
                     const p = new URL(req.url).pathname;
                     if (p === "/spin") { while (true) {} }
                     if (p === "/caught") { try { while (true) {} } catch (e) { return new Response("escaped"); } }
                     if (p === "/slices") { for (;;) { const end = Date.now() + 10; while (Date.now() < end) {} await null; await new Promise(r => setTimeout(r, 0)); } }
                     return new Response("alive");
                   } };"#,
    );
    for path in ["/spin", "/caught", "/slices"] {
        let start = Instant::now();
        let r = s.get("spin.test", path);
        let took = start.elapsed();
        assert_eq!(r.status, 503, "{path}: {}", r.text());
        assert!(r.text().contains("CPU"), "{}", r.text());
        // Generous: the limit is 50 ms of CPU; this only checks it is not the wall limit.
        assert!(took < Duration::from_secs(5), "{path} took {took:?}");
        assert_eq!(s.get("good.test", "/").text(), "ok");
        assert_eq!(recovers(&s, "spin.test", "/"), "alive");
    }
}

#[test]
fn an_app_that_keeps_breaking_its_limits_is_paused_and_its_neighbour_stays_fast() {
    let s = spin_beside_good(30, "export default { fetch() { for (;;) {} } };");
    // Hammer the spinner; count how many requests actually ran (CPU-limit 503s) versus
    // were refused during the pause.
    let (mut ran, mut paused) = (0, 0);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        let r = s.get("spin.test", "/");
        assert_eq!(r.status, 503);
        if r.header("retry-after").is_some() {
            paused += 1;
        } else {
            ran += 1;
        }
    }
    assert!(ran >= 2, "the limit was hit: {ran}");
    assert!(
        paused > ran,
        "repeat offenders are mostly refused without running: ran {ran}, paused {paused}"
    );
    assert_eq!(s.get("good.test", "/").text(), "ok");
}

#[test]
fn a_handler_that_never_resolves_gets_504_after_the_wall_limit() {
    let s = TestServer::start(
        r#"
[apps.hang]
main = "hang.js"
[apps.hang.limits]
wall_ms = 300
"#,
        &[(
            "hang.js",
            r#"export default { fetch(req) { if (req.url.endsWith("/ok")) return new Response("fine"); return new Promise(() => {}); } };"#,
        )],
    );
    let start = Instant::now();
    let r = s.get("any", "/");
    assert_eq!(r.status, 504);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(s.get("any", "/ok").text(), "fine");
}

#[test]
fn exceptions_and_rejections_give_a_generic_500_and_the_app_keeps_serving() {
    let s = TestServer::start(
        r#"
[apps.err]
main = "err.js"
"#,
        &[(
            "err.js",
            r#"export default { async fetch(req) {
                 const p = new URL(req.url).pathname;
                 if (p === "/throw") throw new Error("secret detail 1");
                 if (p === "/reject") return Promise.reject(new TypeError("secret detail 2"));
                 if (p === "/notresponse") return "a string";
                 return new Response("fine");
               } };"#,
        )],
    );
    for path in ["/throw", "/reject", "/notresponse"] {
        let r = s.get("x", path);
        assert_eq!(r.status, 500, "{path}");
        assert!(
            !r.text().contains("secret"),
            "error details must not leak: {}",
            r.text()
        );
    }
    assert_eq!(s.get("x", "/").text(), "fine");
}

#[test]
fn a_broken_app_fails_alone() {
    let s = TestServer::start(
        r#"
[apps.broken]
main = "broken.js"
routes = ["broken.test/*"]
[apps.good]
main = "good.js"
routes = ["good.test/*"]
"#,
        &[
            ("broken.js", "export default { fetch( { return 1 } };"),
            ("good.js", NEIGHBOUR),
        ],
    );
    assert_eq!(s.get("broken.test", "/").status, 500);
    assert_eq!(s.get("good.test", "/").text(), "ok");
}

const ECHO: &str = r#"export default { async fetch(req) {
  const p = new URL(req.url).pathname;
  if (p === "/stream") return new Response(req.body, { headers: { "x-kind": "stream" } });
  if (p === "/buffer") return new Response(await req.arrayBuffer(), { headers: { "x-kind": "buffer" } });
  if (p === "/length") return new Response(String((await req.arrayBuffer()).byteLength));
  if (p === "/js-stream") {
    const reader = req.body.getReader();
    return new Response(new ReadableStream({ async pull(c) { const { value, done } = await reader.read(); if (done) c.close(); else c.enqueue(value); } }));
  }
  return new Response("?");
} };"#;

fn pattern(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn large_bodies_stream_through_intact() {
    let s = TestServer::start("[apps.echo]\nmain = \"echo.js\"\n", &[("echo.js", ECHO)]);
    let big = pattern(50 << 20);
    let r = s.request("POST", "x", "/stream", &[], &big);
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), big.len());
    assert!(r.body == big, "50 MB passthrough echo differs");
    let mid = pattern(20 << 20);
    let r = s.request("POST", "x", "/buffer", &[], &mid);
    assert!(r.body == mid, "20 MB buffered echo differs");
    let r = s.request("POST", "x", "/js-stream", &[], &mid);
    assert!(
        r.body == mid,
        "20 MB echo through a JS ReadableStream differs"
    );
}

#[test]
fn request_bodies_over_the_limit_get_413() {
    let s = TestServer::start(
        "[apps.echo]\nmain = \"echo.js\"\n[apps.echo.limits]\nbody_mb = 1\n",
        &[("echo.js", ECHO)],
    );
    let r = s.request("POST", "x", "/length", &[], &pattern(2 << 20));
    assert_eq!(r.status, 413);
    let r = s.request("POST", "x", "/length", &[], &pattern(1000));
    assert_eq!(r.text(), "1000");
}

#[test]
fn a_streamed_response_reaches_the_client_before_it_is_finished() {
    // The second chunk is only produced after the client has received the first and
    // sent another request: if the response were buffered, this would deadlock.
    let s = TestServer::start(
        "threads = 1\n[apps.s]\nmain = \"s.js\"\n",
        &[(
            "s.js",
            r#"let release;
               const released = new Promise((r) => (release = r));
               export default { fetch(req) {
                 if (req.url.endsWith("/release")) { release(); return new Response("released"); }
                 const enc = new TextEncoder();
                 return new Response(new ReadableStream({
                   async start(c) { c.enqueue(enc.encode("first;")); await released; c.enqueue(enc.encode("last")); c.close(); },
                 }));
               } };"#,
        )],
    );
    let mut stream = s.connect();
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .expect("send");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("first;") {
        let n = stream
            .read(&mut buf)
            .expect("first chunk arrives while the stream is open");
        assert!(n > 0, "closed early");
        got.extend_from_slice(&buf[..n]);
    }
    assert!(!String::from_utf8_lossy(&got).contains("last"));
    assert_eq!(s.get("x", "/release").text(), "released");
    got.extend(support::read_to_close(&mut stream));
    let r = parse_response(&got).expect("response");
    assert_eq!(r.text(), "first;last");
}

#[test]
fn the_request_body_is_readable_before_the_upload_finishes() {
    let s = TestServer::start(
        "[apps.s]\nmain = \"s.js\"\n",
        &[(
            "s.js",
            r#"export default { async fetch(req) {
                 const { value } = await req.body.getReader().read();
                 return new Response("first chunk: " + new TextDecoder().decode(value));
               } };"#,
        )],
    );
    let mut stream = s.connect();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
        )
        .expect("send");
    // The upload is not finished; the response must come anyway.
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("first chunk: hello") {
        let n = stream
            .read(&mut buf)
            .expect("response before the upload ends");
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn wait_until_work_continues_after_the_response() {
    let s = TestServer::start(
        "threads = 1\n[apps.w]\nmain = \"w.js\"\n",
        &[(
            "w.js",
            r#"let log = [];
               export default { fetch(req, env, ctx) {
                 if (req.url.endsWith("/log")) return new Response(log.join(","));
                 ctx.waitUntil(new Promise((r) => setTimeout(() => { log.push("done"); r(); }, 50)));
                 return new Response("sent");
               } };"#,
        )],
    );
    assert_eq!(s.get("x", "/").text(), "sent");
    assert_eq!(s.get("x", "/log").text(), "");
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.get("x", "/log").text() != "done" {
        assert!(Instant::now() < deadline, "waitUntil work never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn headers_status_and_methods_round_trip() {
    let s = TestServer::start(
        "[apps.h]\nmain = \"h.js\"\n",
        &[(
            "h.js",
            r#"export default { async fetch(req) {
                 const h = new Headers({ "x-method": req.method, "x-seen": req.headers.get("x-custom") ?? "none" });
                 h.append("set-cookie", "a=1"); h.append("set-cookie", "b=2");
                 return new Response(req.method === "HEAD" ? null : "body", { status: 299, statusText: "Fine Indeed", headers: h });
               } };"#,
        )],
    );
    let r = s.request("PATCH", "x", "/", &[("x-custom", "v1")], b"");
    assert_eq!(r.status, 299);
    assert_eq!(r.header("x-method"), Some("PATCH"));
    assert_eq!(r.header("x-seen"), Some("v1"));
    assert_eq!(r.all("set-cookie"), ["a=1", "b=2"]);
    let raw = s.raw(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert!(
        raw.starts_with(b"HTTP/1.1 299 Fine Indeed\r\n"),
        "{}",
        String::from_utf8_lossy(&raw[..40])
    );
}

#[test]
fn many_concurrent_clients_are_all_answered() {
    let s = TestServer::start(
        "threads = 2\n[apps.c]\nmain = \"c.js\"\n",
        &[(
            "c.js",
            r#"export default { async fetch(req) {
                 await new Promise((r) => setTimeout(r, 5));
                 return new Response(new URL(req.url).searchParams.get("i"));
               } };"#,
        )],
    );
    let addr = s.addr;
    let workers: Vec<_> = (0..16)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..25 {
                    let id = t * 100 + i;
                    let mut c = std::net::TcpStream::connect(addr).expect("connect");
                    c.set_read_timeout(Some(Duration::from_secs(10)))
                        .expect("timeout");
                    write!(
                        c,
                        "GET /?i={id} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                    )
                    .expect("send");
                    let r = parse_response(&support::read_to_close(&mut c)).expect("response");
                    assert_eq!(r.text(), id.to_string());
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("client thread");
    }
}

fn status_of(raw: &[u8]) -> u16 {
    parse_response(raw).map_or(0, |r| r.status)
}

#[test]
fn malformed_requests_get_a_4xx_and_a_close_while_others_are_served() {
    let s = TestServer::start(
        "max_headers = 50\nmax_header_bytes = 16384\n[apps.ok]\nmain = \"ok.js\"\n",
        &[("ok.js", NEIGHBOUR)],
    );
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("garbage request line", b"HELLO\r\n\r\n".to_vec(), 400),
        ("bad version", b"GET / HTTP/9.9\r\nhost: x\r\n\r\n".to_vec(), 400),
        ("space in header name", b"GET / HTTP/1.1\r\nho st: x\r\n\r\n".to_vec(), 400),
        (
            "conflicting content-length",
            b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ncontent-length: 5\r\n\r\nabc".to_vec(),
            400,
        ),
        (
            "content-length with transfer-encoding",
            b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec(),
            400,
        ),
        ("bad content-length", b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n".to_vec(), 400),
        (
            "too many headers",
            format!("GET / HTTP/1.1\r\nhost: x\r\n{}\r\n", (0..60).map(|i| format!("x-h{i}: v\r\n")).collect::<String>()).into_bytes(),
            431,
        ),
        (
            "header too large",
            format!("GET / HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n", "a".repeat(64 * 1024)).into_bytes(),
            431,
        ),
    ];
    for (what, bytes, want) in cases {
        let raw = s.raw(&bytes);
        let got = status_of(&raw);
        assert_eq!(
            got,
            want,
            "{what}: {}",
            String::from_utf8_lossy(&raw[..raw.len().min(200)])
        );
        assert_eq!(s.get("x", "/").text(), "ok", "after {what}");
    }
}

#[test]
fn bad_chunked_encoding_gets_a_4xx() {
    let s = TestServer::start("[apps.echo]\nmain = \"echo.js\"\n", &[("echo.js", ECHO)]);
    let raw = s.raw(b"POST /length HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    let status = status_of(&raw);
    assert!(
        (400..500).contains(&status),
        "got {status}: {}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(s.get("x", "/").text(), "?");
}

#[test]
fn slow_and_idle_connections_are_closed_and_cost_other_clients_nothing() {
    let s = TestServer::start(
        "header_timeout_ms = 300\n[apps.ok]\nmain = \"ok.js\"\n",
        &[("ok.js", NEIGHBOUR)],
    );
    // Slowloris: a head that never finishes.
    let mut slow = s.connect();
    slow.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nx-a: ")
        .expect("send");
    // Many idle connections that never send anything.
    let idle: Vec<_> = (0..300).map(|_| s.connect()).collect();
    // Everyone else is still served at once.
    let start = Instant::now();
    assert_eq!(s.get("x", "/").text(), "ok");
    assert!(start.elapsed() < Duration::from_secs(2));
    // And the server closes the slow and idle ones after the header timeout.
    let closed_within = |mut c: std::net::TcpStream| {
        c.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut buf = [0u8; 1024];
        let t = Instant::now();
        loop {
            match c.read(&mut buf) {
                Ok(0) => return t.elapsed(),
                Ok(_) => continue, // a 408 may precede the close
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return t.elapsed(),
                Err(e) => panic!("connection not closed: {e}"),
            }
        }
    };
    assert!(closed_within(slow) < Duration::from_secs(4));
    for c in idle.into_iter().take(20) {
        assert!(closed_within(c) < Duration::from_secs(4));
    }
    // A keep-alive connection left idle after a request is closed too.
    let mut keep = s.connect();
    keep.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .expect("send");
    let mut buf = [0u8; 1024];
    let n = keep.read(&mut buf).expect("response");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(closed_within(keep) < Duration::from_secs(4));
}

#[test]
fn shutdown_lets_in_flight_requests_finish_and_refuses_new_ones() {
    let mut s = TestServer::start(
        "shutdown_grace_ms = 5000\n[apps.slow]\nmain = \"slow.js\"\n",
        &[(
            "slow.js",
            r#"export default { async fetch() { await new Promise((r) => setTimeout(r, 400)); return new Response("finished"); } };"#,
        )],
    );
    let addr = s.addr;
    let inflight = std::thread::spawn(move || {
        let mut c = std::net::TcpStream::connect(addr).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        c.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .expect("send");
        parse_response(&support::read_to_close(&mut c)).map(|r| r.text())
    });
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    s.stop();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "shutdown waited {:?}",
        start.elapsed()
    );
    assert_eq!(
        inflight.join().expect("client").as_deref(),
        Some("finished")
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still accepting after shutdown"
    );
}

#[test]
fn http2_with_prior_knowledge_is_served() {
    use http_body_util::{BodyExt, Empty};
    let s = TestServer::start(
        "[apps.h]\nmain = \"h.js\"\n",
        &[(
            "h.js",
            r#"export default { fetch(req) { return new Response("h2 " + req.method + " " + new URL(req.url).pathname); } };"#,
        )],
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let body = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(s.addr)
            .await
            .expect("connect");
        let (mut send, conn) = hyper::client::conn::http2::handshake(
            hyper_util::rt::TokioExecutor::new(),
            hyper_util::rt::TokioIo::new(tcp),
        )
        .await
        .expect("h2 handshake");
        tokio::spawn(conn);
        let req = http::Request::get(format!("http://{}/two", s.addr))
            .body(Empty::<bytes::Bytes>::new())
            .expect("request");
        let res = send.send_request(req).await.expect("response");
        assert_eq!(res.version(), http::Version::HTTP_2);
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        String::from_utf8_lossy(&bytes).into_owned()
    });
    assert_eq!(body, "h2 GET /two");
}

#[test]
fn idle_isolates_are_dropped_and_rebuilt_fresh() {
    let s = TestServer::start(
        "threads = 1\nidle_isolate_ms = 200\n[apps.c]\nmain = \"c.js\"\n",
        &[(
            "c.js",
            r#"let n = 0; export default { fetch() { return new Response(String(++n)); } };"#,
        )],
    );
    assert_eq!(s.get("x", "/").text(), "1");
    assert_eq!(s.get("x", "/").text(), "2");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        s.get("x", "/").text(),
        "1",
        "a new isolate after the idle timeout"
    );
}

#[test]
fn an_app_lives_on_one_thread_when_it_is_not_busy() {
    // Each request comes on a new connection, which the kernel may hand to either
    // thread; requests are forwarded to the app's home thread, so one isolate (and one
    // counter) serves them all.
    let s = TestServer::start(
        "threads = 2\n[apps.c]\nmain = \"c.js\"\n",
        &[(
            "c.js",
            r#"let n = 0; export default { fetch() { return new Response(String(++n)); } };"#,
        )],
    );
    for i in 1..=40 {
        assert_eq!(s.get("x", "/").text(), i.to_string());
    }
}
