//! Request, Response and the Body mixin (Fetch standard §5.3–§5.5).

mod support;

#[test]
fn response_defaults() {
    support::check(
        r#"
        const r = new Response();
        eq([r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.bodyUsed], [200, "", true, "default", "", false, false]);
        eq(r.body, null);
        eq([...r.headers], []);
        eq(await r.text(), "");
        eq(Object.prototype.toString.call(r), "[object Response]");
        "#,
    );
}

#[test]
fn null_body_is_never_used_up() {
    // bodyUsed is "body is non-null and its stream is disturbed" (Fetch §5.3): a null
    // body can be read any number of times.
    support::check(
        r#"
        const r = new Response(null);
        eq(await r.text(), "");
        eq(r.bodyUsed, false);
        eq(await r.text(), "");
        eq((await r.arrayBuffer()).byteLength, 0);
        eq((await r.bytes()).length, 0);
        const c = r.clone();
        eq(await c.text(), "");
        const req = new Request("https://example.com/");
        eq(await req.text(), "");
        eq(req.bodyUsed, false);
        eq(await req.text(), "");
        "#,
    );
}

#[test]
fn body_is_consumed_once() {
    support::check(
        r#"
        const r = new Response("hello");
        eq(r.bodyUsed, false);
        eq(await r.text(), "hello");
        eq(r.bodyUsed, true);
        for (const method of ["text", "json", "arrayBuffer", "bytes"]) {
          await rejects(r[method](), TypeError);
        }
        throws(() => r.clone(), TypeError);
        // What is left of a consumed body is a closed, disturbed and locked stream.
        const rest = r.body;
        assert(rest instanceof ReadableStream, "body is still a stream");
        assert(rest.locked, "consuming read it through a reader");
        const bytesBody = new Response(new Uint8Array([1]));
        await bytesBody.arrayBuffer();
        // Consumed: its stream is there, disturbed and locked (read through a reader).
        eq(bytesBody.body.locked, true);
        throws(() => bytesBody.body.getReader(), TypeError);
        // A disturbed stream cannot be another response's body.
        throws(() => new Response(bytesBody.body), TypeError);

        const q = new Response("[1, 2]");
        const p1 = q.json();
        // Used as soon as a read starts, not when it finishes.
        eq(q.bodyUsed, true);
        await rejects(q.text(), TypeError);
        eq(await p1, [1, 2]);
        "#,
    );
}

#[test]
fn body_readers_convert() {
    support::check(
        r#"
        eq(await new Response('{"a":[1,"x"]}').json(), { a: [1, "x"] });
        await rejects(new Response("{not json").json(), SyntaxError);
        const ab = await new Response("h\u00e9").arrayBuffer();
        assert(ab instanceof ArrayBuffer, "arrayBuffer() gives an ArrayBuffer");
        eq([...new Uint8Array(ab)], [104, 0xc3, 0xa9]);
        const bytes = await new Response(new Uint8Array([1, 2, 3])).bytes();
        assert(bytes instanceof Uint8Array, "bytes() gives a Uint8Array");
        eq([...bytes], [1, 2, 3]);
        // Bytes decode as UTF-8: invalid sequences become U+FFFD and a BOM is dropped.
        eq(await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xff, 0x69])).text(), "h\ufffdi");
        // Text is UTF-8 encoded and decoded: a leading BOM in a string body goes too.
        eq(await new Response("\ufeffhi").text(), "hi");
        eq(await new Response("\u00e9\ud83d\ude00").text(), "\u00e9\ud83d\ude00");
        // A string body is a USVString: lone surrogates become U+FFFD.
        eq(await new Response("a\ud800").text(), "a\ufffd");
        eq([...await new Response("\udc00").bytes()], [0xef, 0xbf, 0xbd]);
        // Other BodyInit values: DataView, a typed-array view's window only, ArrayBuffer.
        const buf = new Uint8Array([9, 1, 2, 9]);
        eq([...await new Response(buf.subarray(1, 3)).bytes()], [1, 2]);
        eq([...await new Response(new DataView(buf.buffer, 3, 1)).bytes()], [9]);
        eq([...await new Response(buf.buffer).bytes()], [9, 1, 2, 9]);
        eq(await new Response(new URLSearchParams({ a: "1 2", b: "é" })).text(), "a=1+2&b=%C3%A9");
        // Anything else is stringified.
        eq(await new Response(42).text(), "42");
        "#,
    );
}

#[test]
fn body_bytes_are_copied_at_construction() {
    support::check(
        r#"
        const src = new Uint8Array([1, 2, 3]);
        const r = new Response(src);
        src[0] = 99;
        const ab = new ArrayBuffer(2);
        const r2 = new Response(ab);
        new Uint8Array(ab)[0] = 7;
        eq([...await r.bytes()], [1, 2, 3]);
        eq([...await r2.bytes()], [0, 0]);
        "#,
    );
}

#[test]
fn content_type_defaults() {
    support::check(
        r#"
        const type = (body, init) => new Response(body, init).headers.get("content-type");
        eq(type("text"), "text/plain;charset=UTF-8");
        eq(type(new URLSearchParams("a=1")), "application/x-www-form-urlencoded;charset=UTF-8");
        eq(type(new Uint8Array(1)), null);
        eq(type(new ArrayBuffer(1)), null);
        eq(type(new ReadableStream()), null);
        eq(type(null), null);
        eq(type(), null);
        // An explicit Content-Type wins, whatever its case.
        eq(type("text", { headers: { "Content-Type": "text/html" } }), "text/html");
        eq(type("text", { headers: [["CONTENT-TYPE", "a/b"]] }), "a/b");
        eq(new Request("https://e.com/", { method: "POST", body: "x" }).headers.get("content-type"), "text/plain;charset=UTF-8");
        eq(new Request("https://e.com/", { method: "POST", body: new URLSearchParams() }).headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
        eq(new Request("https://e.com/", { method: "POST", body: "x", headers: { "content-type": "x/y" } }).headers.get("content-type"), "x/y");
        "#,
    );
}

#[test]
fn status_validation() {
    support::check(
        r#"
        for (const status of [0, 100, 101, 199, 600, 1000, -1, NaN]) {
          throws(() => new Response(null, { status }), RangeError);
        }
        for (const status of [200, 201, 299, 300, 404, 500, 599]) {
          const r = new Response(null, { status });
          eq(r.status, status);
          eq(r.ok, status < 300, `ok for ${status}`);
        }
        // WebIDL unsigned short: numbers are truncated, strings converted.
        eq(new Response(null, { status: 201.9 }).status, 201);
        eq(new Response(null, { status: "404" }).status, 404);
        eq(new Response(null, { status: 404, statusText: "Not Found" }).statusText, "Not Found");
        throws(() => new Response(null, { statusText: "bad\nnewline" }), TypeError);
        throws(() => new Response(null, { statusText: "\u0100" }), TypeError);
        eq(new Response(null, { statusText: "caf\u00e9" }).statusText, "caf\u00e9");
        throws(() => new Response(null, 5), TypeError);
        "#,
    );
}

#[test]
fn null_body_statuses_refuse_a_body() {
    support::check(
        r#"
        for (const status of [204, 205, 304]) {
          throws(() => new Response("x", { status }), TypeError);
          // Even an empty string is a body.
          throws(() => new Response("", { status }), TypeError);
          throws(() => new Response(new Uint8Array(0), { status }), TypeError);
          const r = new Response(null, { status });
          eq(r.status, status);
          eq(r.body, null);
          eq(new Response(undefined, { status }).status, status);
        }
        throws(() => Response.json({}, { status: 204 }), TypeError);
        "#,
    );
}

#[test]
fn response_json() {
    support::check(
        r#"
        const r = Response.json({ a: 1, b: ["x"] }, { status: 201, headers: { "x-extra": "1" } });
        eq(r.status, 201);
        eq(r.headers.get("content-type"), "application/json");
        eq(r.headers.get("x-extra"), "1");
        eq(await r.text(), '{"a":1,"b":["x"]}');
        eq(await Response.json("str").json(), "str");
        eq(await Response.json(null).text(), "null");
        eq(Response.json(1, { headers: { "Content-Type": "application/vnd.x+json" } }).headers.get("content-type"), "application/vnd.x+json");
        throws(() => Response.json(undefined), TypeError);
        throws(() => Response.json(() => 1), TypeError);
        throws(() => Response.json(Symbol("s")), TypeError);
        throws(() => Response.json(1n), TypeError);
        const cyclic = {}; cyclic.self = cyclic;
        throws(() => Response.json(cyclic), TypeError);
        throws(() => Response.json({}, { status: 99 }), RangeError);
        // Response.json headers stay mutable ("response" guard).
        const m = Response.json({});
        m.headers.set("x", "y");
        eq(m.headers.get("x"), "y");
        "#,
    );
}

#[test]
fn response_redirect() {
    support::check(
        r#"
        const r = Response.redirect("https://example.com/a b?q");
        eq(r.status, 302);
        eq(r.headers.get("location"), "https://example.com/a%20b?q");
        eq(r.body, null);
        eq(r.ok, false);
        for (const status of [301, 302, 303, 307, 308]) eq(Response.redirect("https://e.com/", status).status, status);
        for (const status of [200, 300, 304, 309, 400]) throws(() => Response.redirect("https://e.com/", status), RangeError);
        throws(() => Response.redirect("not a url"), TypeError);
        throws(() => Response.redirect("/relative"), TypeError);
        "#,
    );
}

#[test]
fn response_error() {
    support::check(
        r#"
        const r = Response.error();
        eq([r.type, r.status, r.statusText, r.ok, r.body], ["error", 0, "", false, null]);
        eq([...r.headers], []);
        throws(() => r.headers.set("a", "b"), TypeError);
        eq(r.clone().type, "error");
        "#,
    );
}

#[test]
fn response_clone() {
    support::check(
        r#"
        const r = new Response("shared", { status: 202, statusText: "Acc", headers: { a: "1" } });
        const c = r.clone();
        eq([c.status, c.statusText, c.headers.get("a")], [202, "Acc", "1"]);
        c.headers.set("a", "2");
        eq(r.headers.get("a"), "1", "headers are copied");
        eq(await r.text(), "shared");
        eq(await c.text(), "shared");

        // Byte bodies: each side gets its own bytes.
        const b = new Response(new Uint8Array([1, 2]));
        const bc = b.clone();
        const bytes = await b.bytes();
        bytes[0] = 99;
        eq([...await bc.bytes()], [1, 2]);

        // Stream bodies: both clones see every chunk.
        const s = new Response(new ReadableStream({
          start(c) { c.enqueue(new TextEncoder().encode("a")); c.enqueue(new TextEncoder().encode("b")); c.close(); },
        }));
        const sc = s.clone();
        eq(await sc.text(), "ab");
        eq(await s.text(), "ab");

        // Cloning a used or locked body fails.
        const used = new Response("x");
        await used.text();
        throws(() => used.clone(), TypeError);
        "#,
    );
}

#[test]
fn readable_stream_bodies() {
    support::check(
        r#"
        const enc = new TextEncoder();
        const stream = new ReadableStream({
          start(c) { c.enqueue(enc.encode("hel")); },
          pull(c) { c.enqueue(enc.encode("lo")); c.close(); },
        });
        const r = new Response(stream);
        assert(r.body === stream, "the body is the stream itself");
        eq(r.bodyUsed, false);
        eq(await r.text(), "hello");
        eq(r.bodyUsed, true);

        // Chunks that are not bytes fail the read.
        const bad = new Response(new ReadableStream({ start(c) { c.enqueue("a string"); c.close(); } }));
        await rejects(bad.text(), TypeError);

        // An erroring stream rejects the read with its error.
        const failing = new Response(new ReadableStream({ pull(c) { c.error(new RangeError("broken")); } }));
        const err = await rejects(failing.arrayBuffer(), RangeError);
        eq(err.message, "broken");

        // A locked or disturbed stream cannot become a body.
        const locked = new ReadableStream();
        locked.getReader();
        throws(() => new Response(locked), TypeError);
        const read = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(1)); } });
        await read.getReader().read();
        throws(() => new Response(read), TypeError);
        "#,
    );
}

#[test]
fn body_getter_streams_buffered_bodies() {
    support::check(
        r#"
        const r = new Response("streamed");
        const body = r.body;
        assert(body instanceof ReadableStream, "body is a ReadableStream");
        assert(r.body === body, "the same stream each time");
        eq(r.bodyUsed, false, "asking for the stream does not use the body");
        const reader = body.getReader();
        // A locked body cannot be consumed, but it is not "used" yet.
        await rejects(r.text(), TypeError);
        eq(r.bodyUsed, false);
        const chunks = [];
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          assert(value instanceof Uint8Array, "chunks are Uint8Array");
          chunks.push(...value);
        }
        eq(new TextDecoder().decode(new Uint8Array(chunks)), "streamed");
        eq(r.bodyUsed, true);
        reader.releaseLock();
        await rejects(r.text(), TypeError);
        throws(() => r.clone(), TypeError);

        // An empty string body is an empty stream, not a null body.
        const empty = new Response("");
        assert(empty.body instanceof ReadableStream, "empty body still streams");
        eq(await empty.body.getReader().read(), { done: true });
        "#,
    );
}

#[test]
fn request_basics() {
    support::check(
        r#"
        const r = new Request("https://example.com/a?b#c");
        eq(r.url, "https://example.com/a?b#c");
        eq(r.method, "GET");
        eq(r.redirect, "follow");
        eq(r.body, null);
        eq(r.bodyUsed, false);
        eq([...r.headers], []);
        assert(r.signal instanceof AbortSignal && !r.signal.aborted, "has a live signal");
        eq(Object.prototype.toString.call(r), "[object Request]");
        eq(new Request(new URL("https://e.com/x")).url, "https://e.com/x");
        eq(new Request("HTTPS://E.COM").url, "https://e.com/", "URL is parsed and serialized");
        throws(() => new Request(), TypeError);
        throws(() => new Request("/relative"), TypeError);
        throws(() => new Request("https://user:pass@example.com/"), TypeError);
        throws(() => new Request("https://e.com/", { redirect: "nope" }), TypeError);
        eq(new Request("https://e.com/", { redirect: "manual" }).redirect, "manual");
        "#,
    );
}

#[test]
fn request_methods_are_normalized() {
    support::check(
        r#"
        const m = (method) => new Request("https://e.com/", { method }).method;
        for (const [given, want] of [["get", "GET"], ["post", "POST"], ["Put", "PUT"], ["delete", "DELETE"], ["head", "HEAD"], ["options", "OPTIONS"]]) {
          eq(m(given), want);
        }
        // Only those six are upper-cased (Fetch §2.2.1 "normalize").
        eq(m("patch"), "patch");
        eq(m("PATCH"), "PATCH");
        eq(m("Custom"), "Custom");
        for (const bad of ["CONNECT", "trace", "TRACK"]) throws(() => m(bad), TypeError);
        for (const bad of ["", "a b", "a\n", "(x)"]) throws(() => m(bad), TypeError);
        "#,
    );
}

#[test]
fn request_bodies() {
    support::check(
        r#"
        throws(() => new Request("https://e.com/", { body: "x" }), TypeError);
        throws(() => new Request("https://e.com/", { method: "HEAD", body: "x" }), TypeError);
        // A null body is fine for GET.
        eq(new Request("https://e.com/", { body: null }).body, null);
        const post = new Request("https://e.com/", { method: "POST", body: '{"n":1}' });
        eq(await post.json(), { n: 1 });
        eq(post.bodyUsed, true);
        await rejects(post.text(), TypeError);
        const stream = new Request("https://e.com/", { method: "PUT", body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); c.close(); } }) });
        eq(await stream.text(), "A");
        "#,
    );
}

#[test]
fn request_from_request() {
    support::check(
        r#"
        const controller = new AbortController();
        const src = new Request("https://e.com/p", { method: "POST", body: "payload", headers: { a: "1" }, redirect: "manual", signal: controller.signal });
        const copy = new Request(src);
        eq([copy.url, copy.method, copy.redirect, copy.headers.get("a")], ["https://e.com/p", "POST", "manual", "1"]);
        // The body moves to the new request; the source counts as used.
        eq(src.bodyUsed, true);
        await rejects(src.text(), TypeError);
        eq(await copy.text(), "payload");
        throws(() => new Request(src), TypeError);
        // Its signal follows the source's.
        controller.abort("why");
        eq(copy.signal.aborted, true);
        eq(copy.signal.reason, "why");

        // init overrides the source, and a new body leaves the source untouched.
        const src2 = new Request("https://e.com/", { method: "POST", body: "one", headers: { a: "1" } });
        const over = new Request(src2, { method: "PUT", body: "two", headers: { b: "2" } });
        eq([over.method, over.headers.get("a"), over.headers.get("b")], ["PUT", null, "2"]);
        eq(await over.text(), "two");
        eq(src2.bodyUsed, false);
        eq(await src2.text(), "one");
        // Turning a request with a body into a GET fails.
        throws(() => new Request(new Request("https://e.com/", { method: "POST", body: "x" }), { method: "GET" }), TypeError);
        "#,
    );
}

#[test]
fn request_clone_and_signal() {
    support::check(
        r#"
        const r = new Request("https://e.com/", { method: "POST", body: "data", headers: { h: "v" } });
        const c = r.clone();
        eq([c.url, c.method, c.headers.get("h")], ["https://e.com/", "POST", "v"]);
        c.headers.set("h", "changed");
        eq(r.headers.get("h"), "v");
        eq(await c.text(), "data");
        eq(await r.text(), "data");
        throws(() => r.clone(), TypeError);

        const aborted = new Request("https://e.com/", { signal: AbortSignal.abort("early") });
        eq(aborted.signal.aborted, true);
        eq(aborted.signal.reason, "early");
        throws(() => new Request("https://e.com/", { signal: {} }), TypeError);
        "#,
    );
}

#[test]
fn inspect_request_and_response() {
    let lines = support::check(
        r#"
        console.log(new Response("x", { status: 201 }));
        console.log(new Request("https://e.com/", { method: "POST", body: "b" }));
        "#,
    );
    assert!(lines[0].starts_with("Response {"), "{}", lines[0]);
    assert!(lines[0].contains("status: 201"), "{}", lines[0]);
    assert!(lines[1].starts_with("Request {"), "{}", lines[1]);
    assert!(
        lines[1].contains("method: 'POST'") && lines[1].contains("url: 'https://e.com/'"),
        "{}",
        lines[1]
    );
}

#[test]
fn request_init_members_are_validated_and_kept() {
    support::check(
        r#"
        const r = new Request("http://e.com/", {
          mode: "same-origin", credentials: "omit", cache: "no-store", referrer: "",
          referrerPolicy: "no-referrer", integrity: "sha256-abc", keepalive: true,
        });
        eq([r.mode, r.credentials, r.cache, r.referrer, r.referrerPolicy, r.integrity, r.keepalive],
          ["same-origin", "omit", "no-store", "", "no-referrer", "sha256-abc", true]);
        // A request made from it keeps them.
        eq(new Request(r).credentials, "omit");
        const d = new Request("http://e.com/");
        eq([d.mode, d.credentials, d.cache, d.referrer, d.keepalive], ["cors", "same-origin", "default", "about:client", false]);
        eq(new Request("http://e.com/", { referrer: "http://ref.example/x" }).referrer, "http://ref.example/x");
        for (const init of [
          { mode: "navigate" }, { mode: "bogus" }, { credentials: "bogus" }, { cache: "bogus" },
          { cache: "only-if-cached" }, { cache: "only-if-cached", mode: "no-cors" },
          { referrerPolicy: "bogus" }, { referrer: "http://:not a url" }, { priority: "urgent" },
        ]) {
          throws(() => new Request("http://e.com/", init), TypeError, undefined);
        }
        new Request("http://e.com/", { cache: "only-if-cached", mode: "same-origin", priority: "high" });
        "#,
    );
}

#[test]
fn a_request_made_from_a_request_takes_its_body() {
    support::check(
        r#"
        // The input's body stream stays the same object, now disturbed and locked.
        const q = new Request("http://e.com/", { method: "POST", body: "payload" });
        const before = q.body;
        const copy = new Request(q);
        eq([q.bodyUsed, q.body === before, q.body.locked], [true, true, true]);
        eq(await copy.text(), "payload");
        throws(() => new Request(q), TypeError, undefined);
        // Untouched, the body moves as it is.
        const q2 = new Request("http://e.com/", { method: "PUT", body: "moved" });
        const copy2 = new Request(q2, { headers: { "x-a": "1" } });
        eq(q2.bodyUsed, true);
        eq(await copy2.text(), "moved");
        // A locked body cannot be taken.
        const q3 = new Request("http://e.com/", { method: "POST", body: "x" });
        q3.body.getReader();
        throws(() => new Request(q3), TypeError, undefined);

        // Response.clone() gives the second branch structured clones of the chunks.
        const res = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } }));
        const other = res.clone();
        const [a, b] = await Promise.all([res.body.getReader().read(), other.body.getReader().read()]);
        assert(a.value !== b.value && a.value.buffer !== b.value.buffer, "each branch owns its chunk");
        eq([...b.value], [1, 2, 3]);

        // A body being consumed is locked.
        const consumed = new Response("abc");
        const text = consumed.text();
        throws(() => consumed.body.getReader(), TypeError);
        eq(await text, "abc");
        "#,
    );
}

#[test]
fn headers_init_follows_webidl_conversion() {
    support::check(
        r#"
        // A Headers with its own iterator is converted through that iterator.
        const h = new Headers({ a: "1" });
        h[Symbol.iterator] = function* () { yield ["test", "value"]; };
        const made = new Headers(h);
        eq([made.get("test"), made.get("a")], ["value", null]);
        // A record proxy sees exactly: @@iterator, ownKeys, then each key's descriptor and value.
        const log = [];
        const p = new Proxy({ b: "2" }, {
          get(t, k) { log.push(`get ${String(k)}`); return Reflect.get(t, k); },
          ownKeys(t) { log.push("ownKeys"); return Reflect.ownKeys(t); },
          getOwnPropertyDescriptor(t, k) { log.push(`desc ${String(k)}`); return Reflect.getOwnPropertyDescriptor(t, k); },
          getPrototypeOf(t) { log.push("getPrototypeOf"); return Reflect.getPrototypeOf(t); },
        });
        eq(new Headers(p).get("b"), "2");
        eq(log, ["get Symbol(Symbol.iterator)", "ownKeys", "desc b", "get b"]);
        "#,
    );
}
