//! End to end: apps of one nanod calling each other in-process — through service
//! bindings (`env.API.fetch`) and, with `outbound.in_process`, by the URL another app
//! serves — with no socket in between (the denied outbound policy proves it).

mod support;

use support::TestServer;

const CONFIG: &str = r#"
[apps.front]
main = "front.js"
routes = ["front.test/*"]
[apps.front.services]
API = "api"
[apps.front.outbound]
in_process = true
deny = ["0.0.0.0/0", "::/0"]

[apps.api]
main = "api.js"
routes = ["api.internal/*"]

[apps.loop]
main = "loop.js"
routes = ["loop.test/*"]
[apps.loop.services]
SELF = "loop"

[apps.plain]
main = "plain.js"
routes = ["plain.test/*"]
"#;

const FRONT: &str = r#"
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/binding") {
      // The URL is the caller's business: the binding decides where it goes.
      const res = await env.API.fetch("https://anything.example/echo?via=binding", {
        method: "POST",
        headers: { "x-from": "front" },
        body: "hello api",
      });
      return new Response(`${res.status} ${res.headers.get("x-api")} ${await res.text()}`);
    }
    if (url.pathname === "/route") {
      // No binding: the URL is one this server serves, and in_process is on.
      const res = await fetch("http://api.internal/echo?via=route");
      return new Response(`${res.status} ${await res.text()}`);
    }
    if (url.pathname === "/stream") {
      // A streamed body comes back through as a stream.
      const res = await env.API.fetch("http://api.internal/stream");
      return new Response(res.body);
    }
    if (url.pathname === "/error") {
      const res = await env.API.fetch("http://api.internal/throw");
      return new Response(`${res.status}`);
    }
    if (url.pathname === "/outside") {
      try {
        await fetch("http://127.0.0.1:9/");
        return new Response("reached the network");
      } catch (e) {
        return new Response(`refused: ${e.message}`);
      }
    }
    return new Response(`${typeof env.API} ${Object.prototype.toString.call(env.API)}`);
  },
};
"#;

const API: &str = r#"
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/throw") throw new Error("api broke");
    if (url.pathname === "/stream") {
      let i = 0;
      return new Response(new ReadableStream({
        pull(c) { if (i < 5) c.enqueue(new TextEncoder().encode(`part${i++};`)); else c.close(); },
      }));
    }
    const body = request.body ? await request.text() : "";
    return new Response(`${request.method} ${url.host}${url.pathname}${url.search} ${request.headers.get("x-from")} [${body}]`, {
      headers: { "x-api": "yes" },
    });
  },
};
"#;

const LOOP: &str = r#"
export default {
  async fetch(request, env) {
    // Calls itself forever: the in-flight cap (or the subrequest limit) must stop it.
    try {
      const res = await env.SELF.fetch(request.url);
      return new Response(await res.text(), { status: res.status });
    } catch (e) {
      return new Response(`stopped: ${e.message}`, { status: 508 });
    }
  },
};
"#;

const PLAIN: &str = r#"
export default {
  async fetch() {
    // No binding, no in_process: api.internal is just a name that does not resolve.
    try {
      await fetch("http://api.internal/echo");
      return new Response("reached");
    } catch (e) {
      return new Response(`network: ${e.message.slice(0, 60)}`);
    }
  },
};
"#;

fn server() -> TestServer {
    TestServer::start(
        CONFIG,
        &[
            ("front.js", FRONT),
            ("api.js", API),
            ("loop.js", LOOP),
            ("plain.js", PLAIN),
        ],
    )
}

#[test]
fn service_binding_calls_the_bound_app_in_process() {
    let s = server();
    let r = s.get("front.test", "/");
    assert_eq!(r.text(), "object [object Fetcher]");
    let r = s.get("front.test", "/binding");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        "200 yes POST anything.example/echo?via=binding front [hello api]",
        "method, URL, headers and body reach the bound app; its headers come back"
    );
}

#[test]
fn in_process_routes_reach_apps_without_a_socket() {
    let s = server();
    let r = s.get("front.test", "/route");
    assert_eq!(r.text(), "200 GET api.internal/echo?via=route null []");
    // The same app's outbound policy denies every address: the network stays closed.
    let r = s.get("front.test", "/outside");
    assert!(r.text().starts_with("refused: "), "{}", r.text());
    // An app without in_process does not get the shortcut.
    let r = s.get("plain.test", "/");
    assert!(r.text().starts_with("network: "), "{}", r.text());
}

#[test]
fn streamed_and_failed_responses_come_back() {
    let s = server();
    let r = s.get("front.test", "/stream");
    assert_eq!(r.text(), "part0;part1;part2;part3;part4;");
    let r = s.get("front.test", "/error");
    assert_eq!(r.text(), "500", "an exception in the bound app is its 500");
}

#[test]
fn an_app_calling_itself_is_stopped() {
    let s = server();
    let r = s.get("loop.test", "/");
    assert_eq!(r.status, 508, "{}", r.text());
    assert!(
        r.text().contains("stopped"),
        "the recursion ends with an error: {}",
        r.text()
    );
    // The server is still fine.
    assert_eq!(s.get("front.test", "/").status, 200);
}
