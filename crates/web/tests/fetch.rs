//! fetch() against real HTTP servers on 127.0.0.1 (see `support/http.rs` for the routes).

#[path = "support/http.rs"]
mod net;
mod support;

use std::time::Duration;

use nano_web::{FetchSettings, OutboundPolicy};
use net::{check_with, run_app, start, test_ca};

fn settings() -> FetchSettings {
    FetchSettings::default()
}

fn js(server: &net::Server, body: &str) -> String {
    format!("const BASE = {:?};\n{body}", server.url(""))
}

#[test]
fn basic_get_and_response_shape() {
    let s = start(None);
    check_with(
        settings(),
        &js(
            &s,
            r#"
const p = fetch(BASE + "/text?v=hi");
assert(p instanceof Promise, "returns a promise at once");
const r = await p;
assert(r instanceof Response);
eq([r.status, r.ok, r.statusText, r.type, r.redirected, r.url], [200, true, "OK", "basic", false, BASE + "/text?v=hi"]);
eq(r.headers.get("content-type"), "text/plain");
throws(() => r.headers.set("x", "y"), TypeError);
eq(await r.text(), "hi");
const u = await fetch(new URL(BASE + "/text?v=url"));
eq(await u.text(), "url");
const nf = await fetch(BASE + "/nope");
eq([nf.status, nf.ok, await nf.text()], [404, false, "not found"]);
"#,
        ),
    );
}

#[test]
fn request_headers_and_methods_reach_the_server() {
    let s = start(None);
    check_with(
        settings(),
        &js(
            &s,
            r#"
const r = await fetch(BASE + "/echo?x=1", { method: "PUT", headers: { "X-Test": "yes", "content-type": "text/x" }, body: "payload" });
const e = await r.json();
eq([e.method, e.url, e.body, e.headers["x-test"], e.headers["content-type"], e.headers["content-length"]], ["PUT", "/echo?x=1", "payload", "yes", "text/x", "7"]);
assert(e.headers["accept-encoding"].includes("gzip"), "advertises decoding");
eq(e.headers["user-agent"], "NANO");
const req = new Request(BASE + "/echo", { method: "POST", body: "from a Request" });
const e2 = await (await fetch(req)).json();
eq([e2.method, e2.body], ["POST", "from a Request"]);
assert(req.bodyUsed, "fetch consumes the request's body");
await rejects(fetch(req), TypeError);
const head = await fetch(BASE + "/text", { method: "HEAD" });
eq([head.status, head.body], [200, null]);
"#,
        ),
    );
}

#[test]
fn each_body_kind() {
    let s = start(None);
    check_with(
        settings(),
        &js(
            &s,
            r#"
async function echo(body, init = {}) {
  return (await fetch(BASE + "/echo", { method: "POST", body, ...init })).json();
}
let e = await echo("text é");
eq([e.body, e.headers["content-type"]], ["text é", "text/plain;charset=UTF-8"]);
e = await echo(new Uint8Array([104, 105]));
eq([e.body, e.headers["content-type"]], ["hi", undefined]);
e = await echo(new Uint8Array([0, 104, 105, 0]).buffer);
eq(e.length, 4);
e = await echo(new DataView(new Uint8Array([65, 66, 67]).buffer, 1, 2));
eq(e.body, "BC");
e = await echo(new URLSearchParams({ a: "1", b: "x y" }));
eq([e.body, e.headers["content-type"]], ["a=1&b=x+y", "application/x-www-form-urlencoded;charset=UTF-8"]);
let n = 0;
e = await echo(new ReadableStream({
  pull(c) { if (n < 3) c.enqueue(new TextEncoder().encode("chunk" + n++)); else c.close(); },
}), { duplex: "half" });
eq([e.body, e.headers["transfer-encoding"]], ["chunk0chunk1chunk2", "chunked"]);
// A stream with the length given is sent with it, not chunked (a proxied upload).
const sized = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([97, 98])); c.enqueue(new Uint8Array([99])); c.close(); } });
e = await echo(sized, { duplex: "half", headers: { "content-length": "3" } });
eq([e.body, e.headers["content-length"], e.headers["transfer-encoding"]], ["abc", "3", undefined]);
const short = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([97])); c.close(); } });
await rejects(echo(short, { duplex: "half", headers: { "content-length": "3" } }), TypeError);
// Blob and FormData bodies come from the blob area once it exists.
let blobWorks = false;
try { new Blob(["x"]); blobWorks = true; } catch {}
if (blobWorks) {
  e = await echo(new Blob(["blob body"], { type: "text/x-blob" }));
  eq([e.body, e.headers["content-type"]], ["blob body", "text/x-blob"]);
  const fd = new FormData();
  fd.append("field", "value");
  e = await echo(fd);
  assert(e.headers["content-type"].startsWith("multipart/form-data; boundary="), "multipart type");
  assert(e.body.includes('name="field"') && e.body.includes("value"), "multipart body");
}
// A stream that errors fails the fetch.
const failing = new ReadableStream({ pull(c) { c.error(new Error("upload broke")); } });
const err = await rejects(fetch(BASE + "/echo", { method: "POST", body: failing, duplex: "half" }), TypeError);
assert(err.message.startsWith("fetch failed"), err.message);
"#,
        ),
    );
}

#[test]
fn twenty_megabytes_each_way() {
    let s = start(None);
    let lines = check_with(
        settings(),
        &js(
            &s,
            r#"
const N = 20 << 20;
// Upload: bytes built in JS, checked by the server.
const up = await fetch(BASE + "/verify", { method: "POST", body: patternBytes(N) });
eq(await up.text(), "ok " + N);
// Download: read whole in JS, then sent back for checking.
const down = await fetch(BASE + "/download/" + N);
eq(down.headers.get("content-length"), String(N));
const bytes = await down.bytes();
eq(bytes.length, N);
eq(await (await fetch(BASE + "/verify", { method: "POST", body: bytes })).text(), "ok " + N);
// Streamed both ways: the downloaded body goes straight back up, JS never reads it.
const again = await fetch(BASE + "/download/" + N);
eq(await (await fetch(BASE + "/verify", { method: "POST", body: again.body, duplex: "half" })).text(), "ok " + N);
// Read chunk by chunk through a reader, re-uploaded from a JS stream.
const third = await fetch(BASE + "/download/" + N);
const reader = third.body.getReader();
let total = 0, chunks = 0;
const relay = new ReadableStream({
  async pull(c) {
    const { value, done } = await reader.read();
    if (done) { c.close(); return; }
    total += value.length; chunks++;
    c.enqueue(value);
  },
});
eq(await (await fetch(BASE + "/verify", { method: "POST", body: relay, duplex: "half" })).text(), "ok " + N);
eq(total, N);
console.log("chunks", chunks);
"#,
        ),
    );
    let chunks: usize = lines
        .iter()
        .find_map(|l| l.strip_prefix("chunks "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(chunks > 10, "the body streamed in {chunks} chunks");
}

#[test]
fn ten_parallel_fetches_take_about_one_delay() {
    let s = start(None);
    let lines = check_with(
        settings(),
        &js(
            &s,
            r#"
const t0 = performance.now();
const all = await Promise.all(Array.from({ length: 10 }, () => fetch(BASE + "/slow/200").then((r) => r.text())));
const ms = performance.now() - t0;
eq(all, Array(10).fill("slept 200"));
console.log("ms", Math.round(ms));
"#,
        ),
    );
    let ms: u64 = lines
        .iter()
        .find_map(|l| l.strip_prefix("ms "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    println!("10 parallel fetches of a 200 ms endpoint: {ms} ms");
    assert!(
        (200..1500).contains(&ms),
        "took {ms} ms (serial would be 2000)"
    );
}

#[test]
fn timers_fire_while_a_fetch_waits() {
    let s = start(None);
    check_with(
        settings(),
        &js(
            &s,
            r#"
const ticks = [];
const id = setInterval(() => ticks.push(performance.now()), 20);
const r = await fetch(BASE + "/slow/300");
clearInterval(id);
eq(await r.text(), "slept 300");
assert(ticks.length >= 3, "timers ran during the fetch: " + ticks.length);
"#,
        ),
    );
}

#[test]
fn the_isolate_serves_other_requests_while_a_fetch_waits() {
    let s = start(None);
    let app = format!(
        r#"
export default {{
  async fetch(request) {{
    const path = new URL(request.url).pathname;
    if (path === "/slow") return fetch({:?});
    return new Response("quick");
  }},
}};
"#,
        s.url("/slow/300")
    );
    let run = run_app(settings(), &app, &["/slow", "/quick", "/quick"]);
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    assert_eq!(run.answers.len(), 3);
    let slow = &run.answers[0];
    assert_eq!(slow.text(), "slept 300");
    for quick in &run.answers[1..] {
        assert_eq!(quick.text(), "quick");
        assert!(
            quick.at + Duration::from_millis(200) < slow.at,
            "quick {:?} vs slow {:?}",
            quick.at,
            slow.at
        );
    }
}

#[test]
fn returning_a_fetched_response_passes_the_body_through() {
    let s = start(None);
    let app = format!(
        "export default {{ fetch: () => fetch({:?}) }};",
        s.url(&format!("/download/{}", 3 << 20))
    );
    let run = run_app(settings(), &app, &["/"]);
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    let a = &run.answers[0];
    assert_eq!(a.status, 200);
    let body = a.body.as_ref().expect("body");
    assert_eq!(body.len(), 3 << 20);
    assert!(body.iter().enumerate().all(|(i, &b)| b == net::pattern(i)));
}

#[test]
fn redirects_follow_manual_error() {
    let s = start(None);
    check_with(
        settings(),
        &js(
            &s,
            r#"
// follow: 301/302 turn POST into GET and drop the body; 307/308 keep both.
for (const status of [301, 302]) {
  const r = await fetch(BASE + `/redirect/${status}?to=/echo`, { method: "POST", body: "data", headers: { "content-type": "text/x", "x-keep": "1" } });
  const e = await r.json();
  eq([e.method, e.body, e.headers["content-type"], e.headers["x-keep"]], ["GET", "", undefined, "1"], String(status));
  eq([r.redirected, r.url], [true, BASE + "/echo"]);
}
const put302 = await (await fetch(BASE + "/redirect/302?to=/echo", { method: "PUT", body: "kept" })).json();
eq([put302.method, put302.body], ["PUT", "kept"]);
const r303 = await (await fetch(BASE + "/redirect/303?to=/echo", { method: "PUT", body: "gone" })).json();
eq([r303.method, r303.body], ["GET", ""]);
const head303 = await fetch(BASE + "/redirect/303?to=/echo", { method: "HEAD" });
eq([head303.status, head303.redirected], [200, true]);
for (const status of [307, 308]) {
  const e = await (await fetch(BASE + `/redirect/${status}?to=/echo`, { method: "POST", body: "again" })).json();
  eq([e.method, e.body], ["POST", "again"], String(status));
}
// A stream body cannot be sent twice.
const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1])); c.close(); } });
const err = await rejects(fetch(BASE + "/redirect/307?to=/echo", { method: "POST", body: stream, duplex: "half" }), TypeError);
assert(err.message.includes("stream"), err.message);
// Cross-origin hops drop Authorization (localhost vs 127.0.0.1).
const cross = await (await fetch(BASE + "/absolute-redirect", { headers: { authorization: "secret" } })).json();
eq(cross.headers.authorization, undefined);
const same = await (await fetch(BASE + "/redirect/302?to=/echo", { headers: { authorization: "secret" } })).json();
eq(same.headers.authorization, "secret");
// manual: the 3xx as it came.
const m = await fetch(BASE + "/redirect/302?to=/echo", { redirect: "manual" });
eq([m.status, m.headers.get("location"), m.redirected, m.url], [302, "/echo", false, BASE + "/redirect/302?to=/echo"]);
// error: a redirect rejects.
const e = await rejects(fetch(BASE + "/redirect/302?to=/echo", { redirect: "error" }), TypeError);
assert(e.message.includes("redirect"), e.message);
// More than 20 hops.
const loop = await rejects(fetch(BASE + "/loop"), TypeError);
assert(loop.message.includes("too many redirects"), loop.message);
"#,
        ),
    );
    // The loop stopped after the first request plus 20 redirects.
    assert_eq!(s.hits("/loop"), 21);
}

#[test]
fn abort_before_during_and_while_reading() {
    let s = start(None);
    check_with(
        FetchSettings {
            // `arrived` polls the server with fetches.
            subrequests: 100_000,
            ..settings()
        },
        &js(
            &s,
            r#"
// Before: rejects with the reason, nothing sent.
const before = new AbortController();
before.abort(new Error("not wanted"));
const e1 = await rejects(fetch(BASE + "/echo", { signal: before.signal }));
eq(e1.message, "not wanted");
const plain = new AbortController();
plain.abort();
const e1b = await rejects(fetch(BASE + "/echo", { signal: plain.signal }));
eq(e1b.name, "AbortError");
// During: the request waits on a server that never answers; abort once it has it.
async function arrived(path, n) {
  const give_up = performance.now() + 5000;
  while (Number(await (await fetch(BASE + "/hits?path=" + path)).text()) < n) {
    if (performance.now() > give_up) throw new Error(`${path} never reached ${n}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const during = new AbortController();
const pendingHang = fetch(BASE + "/hang", { signal: during.signal });
await arrived("/hang", 1);
const t0 = performance.now();
during.abort("stop");
const e2 = await rejects(pendingHang);
eq(e2, "stop");
assert(performance.now() - t0 < 1000, "rejected promptly");
// The connection was dropped: the server saw the client go.
await arrived("/hang-dropped", 1);
// AbortSignal.timeout works the same way.
const e3 = await rejects(fetch(BASE + "/hang", { signal: AbortSignal.timeout(50) }));
eq(e3.name, "TimeoutError");
// While reading the body: the stream errors with the reason.
const reading = new AbortController();
const r = await fetch(BASE + "/stall", { signal: reading.signal });
const reader = r.body.getReader();
const first = await reader.read();
eq(new TextDecoder().decode(first.value), "first chunk");
const pending = reader.read();
reading.abort(new Error("enough"));
const e4 = await rejects(pending);
eq(e4.message, "enough");
// Aborting after a body was read whole changes nothing.
const done = new AbortController();
const ok = await fetch(BASE + "/text", { signal: done.signal });
eq(await ok.text(), "hello");
done.abort();
// text() on an aborted body rejects too.
const c5 = new AbortController();
const r5 = await fetch(BASE + "/stall", { signal: c5.signal });
const t5 = r5.text();
setTimeout(() => c5.abort(new Error("late")), 20);
eq((await rejects(t5)).message, "late");
// During a streamed upload: rejects, and the body stream is cancelled.
let cancelled = false;
const slow = new ReadableStream({
  async pull(c) { await new Promise((r) => setTimeout(r, 10)); c.enqueue(new Uint8Array(1024)); },
  cancel() { cancelled = true; },
});
const up = new AbortController();
setTimeout(() => up.abort(new Error("upload stopped")), 100);
const e6 = await rejects(fetch(BASE + "/verify", { method: "POST", body: slow, duplex: "half", signal: up.signal }));
eq(e6.message, "upload stopped");
await new Promise((r) => setTimeout(r, 50));
assert(cancelled, "the upload stream was cancelled");
"#,
        ),
    );
    // The aborted exchanges were dropped: no connection stays open to /hang or /stall.
    let open = || s.open.load(std::sync::atomic::Ordering::SeqCst);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while open() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(open(), 0, "connections closed");
    assert!((1..=2).contains(&s.hits("/hang")));
}

#[test]
fn decodes_gzip_deflate_br() {
    let s = start(None);
    let expected = net::compressible();
    check_with(
        settings(),
        &js(
            &s,
            &format!(
                r#"
const expected = {expected:?};
for (const coding of ["gzip", "deflate", "raw-deflate", "br"]) {{
  const r = await fetch(BASE + "/" + coding);
  eq(await r.text(), expected, coding);
  eq([r.headers.get("content-encoding"), r.headers.get("content-length")], [null, null], coding);
}}
// Streamed through a reader too.
const r = await fetch(BASE + "/gzip");
let text = "";
for await (const chunk of r.body) text += new TextDecoder().decode(chunk, {{ stream: true }});
eq(text, expected);
// A body that is not what it claims errors when read.
const bad = await fetch(BASE + "/bad-gzip");
const e = await rejects(bad.text(), TypeError);
assert(e.message.includes("decode"), e.message);
"#
            ),
        ),
    );
}

#[test]
fn https_with_a_test_ca() {
    let ca = test_ca();
    let s = start(Some(ca.server_config.clone()));
    let port = s.addr.port();
    let mut trusted = settings();
    trusted.extra_roots = vec![ca.ca_der.clone()];
    check_with(
        trusted,
        &format!(
            r#"
const r = await fetch("https://localhost:{port}/text?v=secure");
eq([r.status, await r.text()], [200, "secure"]);
const e = await (await fetch("https://localhost:{port}/echo", {{ method: "POST", body: "x".repeat(100000) }})).json();
eq([e.length, e.version], [100000, "HTTP/2.0"]);
// Parallel requests share the HTTP/2 connection; a streamed upload works over it too.
const all = await Promise.all(Array.from({{ length: 5 }}, (_, i) => fetch(`https://localhost:{port}/text?v=${{i}}`).then((r) => r.text())));
eq(all, ["0", "1", "2", "3", "4"]);
const streamed = new ReadableStream({{ start(c) {{ c.enqueue(new TextEncoder().encode("over h2")); c.close(); }} }});
eq((await (await fetch("https://localhost:{port}/echo", {{ method: "POST", body: streamed, duplex: "half" }})).json()).body, "over h2");
"#
        ),
    );
    // Without the CA the certificate is refused.
    check_with(
        settings(),
        &format!(
            r#"
const e = await rejects(fetch("https://localhost:{port}/text"), TypeError);
assert(e.message.startsWith("fetch failed") && /certificate|UnknownIssuer/i.test(e.message), e.message);
"#
        ),
    );
}

#[test]
fn network_errors_and_bad_input_are_type_errors() {
    // A port nothing listens on: bind one, then free it.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    check_with(
        settings(),
        &format!(
            r#"
const e = await rejects(fetch("http://{free}/"), TypeError);
assert(e.message.startsWith("fetch failed"), e.message);
await rejects(fetch("not a url"), TypeError);
await rejects(fetch("/relative"), TypeError);
const s = await rejects(fetch("ftp://example.com/"), TypeError);
assert(s.message.includes("scheme"), s.message);
await rejects(fetch("http://user:pw@127.0.0.1/"), TypeError);
await rejects(fetch("http://127.0.0.1/", {{ method: "GET", body: "x" }}), TypeError);
await rejects(fetch("http://127.0.0.1/", {{ method: "CONNECT" }}), TypeError);
await rejects(fetch("http://127.0.0.1/", {{ headers: {{ "bad name": "x" }} }}), TypeError);
await rejects(fetch(), TypeError);
eq([typeof fetch, fetch.length, fetch.name], ["function", 1, "fetch"]);
"#
        ),
    );
}

#[test]
fn timeouts() {
    let s = start(None);
    let mut quick = settings();
    quick.timeout = Duration::from_millis(300);
    check_with(
        quick,
        &js(
            &s,
            r#"
const t0 = performance.now();
const e = await rejects(fetch(BASE + "/hang"), TypeError);
assert(e.message.includes("timed out"), e.message);
assert(performance.now() - t0 < 2000, "gave up near the timeout");
// The overall timeout covers reading the body.
const r = await fetch(BASE + "/stall");
const e2 = await rejects(r.text(), TypeError);
assert(e2.message.includes("timed out"), e2.message);
"#,
        ),
    );
    // Connect timeout: a listener whose accept queue is full drops further SYNs, so a
    // connect to it hangs until the client gives up.
    let full =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    full.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    full.listen(0).expect("listen");
    let addr = full
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .expect("addr");
    let _fillers: Vec<_> = (0..4)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).ok()
        })
        .collect();
    let mut connect = settings();
    connect.connect_timeout = Duration::from_millis(300);
    check_with(
        connect,
        &format!(
            r#"
const t0 = performance.now();
const e = await rejects(fetch("http://{addr}/"), TypeError);
assert(e.message.includes("timed out after 300 ms"), e.message);
assert(performance.now() - t0 < 3000, "connect gave up early");
"#
        ),
    );
    drop(full);
}

#[test]
fn subrequest_limit() {
    let s = start(None);
    let mut limited = settings();
    limited.subrequests = 3;
    // Top-level code gets one allowance.
    check_with(
        limited.clone(),
        &js(
            &s,
            r#"
for (let i = 0; i < 3; i++) await (await fetch(BASE + "/text")).text();
const e = await rejects(fetch(BASE + "/text"), TypeError);
assert(e.message.includes("subrequest limit of 3") && e.message.includes("subrequests"), e.message);
"#,
        ),
    );
    // Each request brings its own allowance.
    let app = js(
        &s,
        r#"
export default {
  async fetch() {
    let ok = 0;
    for (let i = 0; i < 5; i++) {
      try { await (await fetch(BASE + "/text")).text(); ok++; } catch (e) { return new Response(ok + " " + e.message); }
    }
    return new Response(String(ok));
  },
};
"#,
    );
    let run = run_app(limited, &app, &["/a", "/b"]);
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    // Both requests were in flight together: they share 2 × 3 fetches.
    let ok: Vec<u32> = run
        .answers
        .iter()
        .map(|a| {
            a.text()
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(99)
        })
        .collect();
    assert_eq!(ok.iter().sum::<u32>(), 6, "{:?}", run.answers);
    assert!(run
        .answers
        .iter()
        .any(|a| a.text().contains("subrequest limit")));
}

#[test]
fn outbound_policy() {
    let s = start(None);
    let port = s.addr.port();
    // A denied host name.
    let mut by_name = settings();
    by_name.policy = OutboundPolicy::new::<&str, &str>(&[], &["localhost"]).expect("policy");
    check_with(
        by_name,
        &format!(
            r#"
const e = await rejects(fetch("http://localhost:{port}/text"), TypeError);
assert(e.message.includes("outbound policy") && e.message.includes("localhost"), e.message);
eq(await (await fetch("http://127.0.0.1:{port}/text")).text(), "hello");
"#
        ),
    );
    // A denied range: checked on the resolved address, so the name does not get around it.
    let mut by_range = settings();
    by_range.policy =
        OutboundPolicy::new::<&str, &str>(&[], &["127.0.0.0/8", "::1/128"]).expect("policy");
    check_with(
        by_range,
        &format!(
            r#"
for (const host of ["127.0.0.1", "localhost"]) {{
  const e = await rejects(fetch(`http://${{host}}:{port}/text`), TypeError);
  assert(e.message.includes("outbound policy"), e.message);
}}
// Redirect hops are checked too: the allowed first hop cannot lead into a denied range.
"#
        ),
    );
    // An allow list: only what it names.
    let mut allow = settings();
    allow.policy = OutboundPolicy::new::<&str, &str>(&["127.0.0.1/32"], &[]).expect("policy");
    check_with(
        allow,
        &format!(
            r#"
eq(await (await fetch("http://127.0.0.1:{port}/text")).text(), "hello");
const e = await rejects(fetch("http://example.invalid/"), TypeError);
assert(e.message.startsWith("fetch failed"), e.message);
"#
        ),
    );
    assert_eq!(
        s.hits("/text"),
        2,
        "denied fetches never reached the server"
    );
}

#[test]
fn redirects_are_checked_against_the_policy() {
    let s = start(None);
    let port = s.addr.port();
    let mut p = settings();
    p.policy = OutboundPolicy::new::<&str, &str>(&[], &["localhost"]).expect("policy");
    check_with(
        p,
        &format!(
            r#"
const e = await rejects(fetch("http://127.0.0.1:{port}/absolute-redirect"), TypeError);
assert(e.message.includes("outbound policy"), e.message);
"#
        ),
    );
    assert_eq!(s.hits("/echo"), 0);
}

/// The seam for in-process services: claimed URLs never reach the network or the policy.
struct Loopback;

impl nano_web::LocalFetch for Loopback {
    fn claims(&self, url: &url::Url) -> bool {
        url.host_str() == Some("service.local")
    }
    fn fetch(
        &self,
        request: ::http::Request<nano_web::BodyStream>,
    ) -> futures_util::future::LocalBoxFuture<
        'static,
        Result<::http::Response<nano_web::BodyStream>, String>,
    > {
        Box::pin(async move {
            use futures_util::StreamExt;
            let (parts, mut body) = request.into_parts();
            let mut got = Vec::new();
            while let Some(chunk) = body.next().await {
                got.extend_from_slice(&chunk?);
            }
            if parts.uri.path() == "/hop" {
                return ::http::Response::builder()
                    .status(307)
                    .header("location", "/end")
                    .body(Box::pin(futures_util::stream::empty()) as nano_web::BodyStream)
                    .map_err(|e| e.to_string());
            }
            let text = format!(
                "{} {} {}",
                parts.method,
                parts.uri.path(),
                String::from_utf8_lossy(&got)
            );
            ::http::Response::builder()
                .status(201)
                .body(Box::pin(futures_util::stream::once(async move {
                    Ok(bytes::Bytes::from(text))
                })) as nano_web::BodyStream)
                .map_err(|e| e.to_string())
        })
    }
}

#[test]
fn local_services_are_asked_before_the_network() {
    let mut s = settings();
    s.local = Some(std::rc::Rc::new(Loopback));
    // Denying everything shows the network is never involved.
    s.policy = OutboundPolicy::new::<&str, &str>(&[], &["0.0.0.0/0", "::/0"]).expect("policy");
    check_with(
        s,
        r#"
const r = await fetch("http://service.local/hop", { method: "POST", body: "sent twice" });
eq([r.status, r.redirected, r.url, await r.text()], [201, true, "http://service.local/end", "POST /end sent twice"]);
await rejects(fetch("http://127.0.0.1:1/"), TypeError);
"#,
    );
}

#[test]
fn data_urls() {
    check_with(
        settings(),
        r#"
const r = await fetch("data:,Hello%2C%20World!");
eq([r.status, r.statusText, r.headers.get("content-type"), r.url, await r.text()], [200, "OK", "text/plain;charset=US-ASCII", "data:,Hello%2C%20World!", "Hello, World!"]);
const b = await fetch("data:application/octet-stream;base64,AAEC/w==");
eq([b.headers.get("content-type"), Array.from(await b.bytes())], ["application/octet-stream", [0, 1, 2, 255]]);
await rejects(fetch("data:;base64,%"), TypeError);
await rejects(fetch("data:nocomma"), TypeError);
"#,
    );
}
