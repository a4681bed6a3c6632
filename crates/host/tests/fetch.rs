//! End to end: apps served by nanod calling out with fetch() to an upstream on
//! 127.0.0.1, under the per-app outbound policy and subrequest limit from the config.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use support::TestServer;

/// Size of the big bodies: 20 MiB.
const BIG: usize = 20 << 20;

fn pattern(i: usize) -> u8 {
    ((i % 65521) * 31 + 7) as u8
}

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
                let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                let line = head.lines().next().unwrap_or_default().to_owned();
                if line.starts_with("GET /big ") {
                    // BIG bytes of the pattern.
                    let body: Vec<u8> = (0..BIG).map(pattern).collect();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {BIG}\r\nconnection: close\r\n\r\n"
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                    return;
                }
                if line.starts_with("POST /check ") {
                    // Reads a Content-Length body and says whether it is the pattern.
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = buf[end..].to_vec();
                    while body.len() < length {
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => body.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let ok = body.len() == length
                        && body.iter().enumerate().all(|(i, &b)| b == pattern(i));
                    let text = format!("length {length} ok {ok}");
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                        text.len()
                    );
                    let _ = stream.write_all(reply.as_bytes());
                    return;
                }
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
    if (path === "/upload") {
      // The client's body, streamed on with its length.
      return fetch(env.UPSTREAM + "/check", {
        method: "POST",
        body: req.body,
        headers: { "content-length": req.headers.get("content-length") },
        duplex: "half",
      });
    }
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

#[test]
fn twenty_megabytes_each_way_through_nanod() {
    let (up, _) = upstream();
    let s = TestServer::start(
        &format!(
            r#"
[apps.proxy]
main = "proxy.js"
vars = {{ UPSTREAM = "{up}" }}
[apps.proxy.limits]
body_mb = 64
"#
        ),
        &[("proxy.js", PROXY)],
    );
    let down = s.get("any.test", "/big");
    assert_eq!(down.status, 200);
    assert_eq!(down.body.len(), BIG);
    assert!(down.body.iter().enumerate().all(|(i, &b)| b == pattern(i)));
    let body: Vec<u8> = (0..BIG).map(pattern).collect();
    let up = s.request("POST", "any.test", "/upload", &[], &body);
    assert_eq!(up.status, 200, "{}", up.text());
    assert_eq!(up.text(), format!("length {BIG} ok true"));
}
