//! End to end: apps served by nanod calling out with fetch() to an upstream on
//! 127.0.0.1, under the per-app outbound policy and subrequest limit from the config.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use support::TestServer;

/// A tiny upstream: answers every request with its method and path, and counts them.
fn upstream() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let h = h.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // One request per connection (the reply says so).
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                let head = String::from_utf8_lossy(&buf);
                let line = head.lines().next().unwrap_or_default().to_owned();
                let body = format!("upstream saw {line}");
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-upstream: 1\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    (format!("http://{addr}"), hits)
}

const PROXY: &str = r#"
export default {
  async fetch(req, env) {
    const path = new URL(req.url).pathname;
    if (path === "/twice") {
      const a = await (await fetch(env.UPSTREAM + "/one")).text();
      try {
        await fetch(env.UPSTREAM + "/two");
        return new Response("both");
      } catch (e) {
        return new Response(a + " | " + e.message, { status: 502 });
      }
    }
    try {
      return await fetch(env.UPSTREAM + path);
    } catch (e) {
      return new Response(e.constructor.name + ": " + e.message, { status: 502 });
    }
  },
};
"#;

#[test]
fn proxy_app_with_config_policy_and_limits() {
    let (up, hits) = upstream();
    let s = TestServer::start(
        &format!(
            r#"
[apps.open]
main = "proxy.js"
routes = ["open.test/*"]
vars = {{ UPSTREAM = "{up}" }}
[apps.open.limits]
subrequests = 1
[apps.closed]
main = "proxy.js"
routes = ["closed.test/*"]
vars = {{ UPSTREAM = "{up}" }}
[apps.closed.outbound]
deny = ["127.0.0.0/8"]
[apps.named]
main = "proxy.js"
routes = ["named.test/*"]
vars = {{ UPSTREAM = "{up}" }}
[apps.named.outbound]
allow = ["api.example.com"]
"#
        ),
        &[("proxy.js", PROXY)],
    );

    // The proxied response, status, headers and body, as the upstream sent them.
    let r = s.get("open.test", "/hello?x=1");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), "upstream saw GET /hello HTTP/1.1");
    assert_eq!(r.header("x-upstream"), Some("1"));
    // Several requests in a row each get their own allowance.
    for _ in 0..3 {
        assert_eq!(s.get("open.test", "/again").status, 200);
    }
    // The second fetch of one request is over the limit of 1.
    let twice = s.get("open.test", "/twice");
    assert_eq!(twice.status, 502);
    assert!(
        twice.text().starts_with("upstream saw GET /one")
            && twice.text().contains("subrequest limit of 1"),
        "{}",
        twice.text()
    );
    let before = hits.load(Ordering::SeqCst);

    // A denied range: refused before any connection.
    let closed = s.get("closed.test", "/secret");
    assert_eq!(closed.status, 502);
    assert!(
        closed.text().starts_with("TypeError: fetch failed")
            && closed.text().contains("outbound policy"),
        "{}",
        closed.text()
    );
    // An allow list that does not name the upstream.
    let named = s.get("named.test", "/secret");
    assert_eq!(named.status, 502);
    assert!(named.text().contains("outbound policy"), "{}", named.text());
    assert_eq!(
        hits.load(Ordering::SeqCst),
        before,
        "denied fetches never left"
    );
}
