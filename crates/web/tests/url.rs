//! URL and URLSearchParams (WHATWG URL Standard §6).

mod support;

#[test]
fn parses_into_components() {
    support::check(
        r##"
        const u = new URL("https://user:pa%20ss@Example.COM:8080/a/../b/./c?q=1&r#frag");
        eq(u.href, "https://user:pa%20ss@example.com:8080/b/c?q=1&r#frag");
        eq(u.protocol, "https:");
        eq(u.username, "user");
        eq(u.password, "pa%20ss");
        eq(u.host, "example.com:8080");
        eq(u.hostname, "example.com");
        eq(u.port, "8080");
        eq(u.pathname, "/b/c");
        eq(u.search, "?q=1&r");
        eq(u.hash, "#frag");
        eq(u.origin, "https://example.com:8080");
        eq(String(u), u.href);
        eq(u.toJSON(), u.href);
        eq(JSON.stringify({ u }), `{"u":"${u.href}"}`);
        eq(Object.prototype.toString.call(u), "[object URL]");
        // Default ports are dropped; empty query and fragment read as "".
        const d = new URL("http://h.test:80/?#");
        eq([d.href, d.port, d.search, d.hash], ["http://h.test/?#", "", "", ""]);
        // Hosts: IDNA and IPv4/IPv6 normalization.
        eq(new URL("https://EXAMPLE.рф/").hostname, "example.xn--p1ai");
        eq(new URL("http://0x7f.1/").hostname, "127.0.0.1");
        eq(new URL("http://[0:0::1]:81/").host, "[::1]:81");
        // Opaque paths and other schemes.
        eq(new URL("mailto:someone@example.com").pathname, "someone@example.com");
        eq(new URL("data:text/plain,hi").origin, "null");
        eq(new URL("file:///tmp/x").origin, "null");
        eq(new URL("blob:https://a.test/uuid").origin, "https://a.test");
        "##,
    );
}

#[test]
fn relative_urls_resolve_against_a_base() {
    support::check(
        r##"
        eq(new URL("../d?x", "https://e.com/a/b/c").href, "https://e.com/a/d?x");
        eq(new URL("//other.test/p", "https://e.com/").href, "https://other.test/p");
        eq(new URL("?only", "https://e.com/path#h").href, "https://e.com/path?only");
        eq(new URL("#h2", "https://e.com/path?q").href, "https://e.com/path?q#h2");
        eq(new URL("https://abs.test/", "https://ignored.test/").href, "https://abs.test/");
        eq(new URL("x", new URL("https://e.com/dir/")).href, "https://e.com/dir/x");
        eq(new URL("https://e.com", undefined).href, "https://e.com/");
        throws(() => new URL("/path"), TypeError);
        throws(() => new URL("/path", "not a base"), TypeError);
        throws(() => new URL("http://"), TypeError);
        throws(() => new URL("https://exa mple.com/"), TypeError);
        throws(() => new URL(), TypeError);
        eq(URL.canParse("https://e.com/"), true);
        eq(URL.canParse("/p"), false);
        eq(URL.canParse("/p", "https://e.com/"), true);
        eq(URL.parse("/p", "https://e.com/q").href, "https://e.com/p");
        eq(URL.parse("nope"), null);
        "##,
    );
}

#[test]
fn setters_update_href() {
    support::check(
        r##"
        const u = new URL("http://example.com/path?x=1#h");
        u.protocol = "https";
        eq(u.href, "https://example.com/path?x=1#h");
        u.username = "me";
        u.password = "secret";
        eq(u.href, "https://me:secret@example.com/path?x=1#h");
        u.host = "other.test:8443";
        eq([u.host, u.hostname, u.port], ["other.test:8443", "other.test", "8443"]);
        u.hostname = "third.test";
        eq(u.host, "third.test:8443");
        u.port = "443";
        eq(u.port, "", "the default port is dropped");
        eq(u.host, "third.test");
        u.port = "";
        u.pathname = "/a b/ü";
        eq(u.pathname, "/a%20b/%C3%BC");
        u.search = "q=a b";
        eq(u.search, "?q=a%20b");
        u.hash = "frag ment";
        eq(u.hash, "#frag%20ment");
        eq(u.href, "https://me:secret@third.test/a%20b/%C3%BC?q=a%20b#frag%20ment");
        u.search = "";
        u.hash = "";
        eq(u.href, "https://me:secret@third.test/a%20b/%C3%BC");
        u.href = "http://fresh.test/";
        eq([u.host, u.pathname, u.username], ["fresh.test", "/", ""]);
        "##,
    );
}

#[test]
fn rejected_setter_values_leave_the_url_alone() {
    support::check(
        r##"
        const u = new URL("https://example.com:8080/p");
        u.port = "99999";
        eq(u.port, "8080");
        u.port = "abc";
        eq(u.port, "8080");
        u.protocol = "not a scheme!";
        eq(u.protocol, "https:");
        // Special schemes cannot become non-special ones (URL §4.4 scheme state).
        u.protocol = "foo";
        eq(u.protocol, "https:");
        u.host = "";
        eq(u.host, "example.com:8080");
        // The href setter throws instead.
        throws(() => { u.href = "relative/only"; }, TypeError);
        eq(u.href, "https://example.com:8080/p");
        "##,
    );
}

#[test]
fn search_params_follow_the_url() {
    support::check(
        r##"
        const u = new URL("https://e.com/?a=1&b=2#h");
        const p = u.searchParams;
        assert(u.searchParams === p, "the same object each time");
        eq(p.get("a"), "1");
        // URL -> params
        u.search = "?c=3";
        eq([...p], [["c", "3"]]);
        u.href = "https://e.com/?d=4&d=5";
        eq(p.getAll("d"), ["4", "5"]);
        u.search = "";
        eq(p.size, 0);
        // params -> URL
        p.append("q", "a b&c");
        eq(u.search, "?q=a+b%26c");
        eq(u.href, "https://e.com/?q=a+b%26c");
        p.set("q", "z");
        eq(u.href, "https://e.com/?q=z");
        u.hash = "frag";
        p.append("r", "1");
        eq(u.href, "https://e.com/?q=z&r=1#frag");
        p.sort();
        p.delete("q");
        eq(u.href, "https://e.com/?r=1#frag");
        // Emptying the list removes the "?" entirely (URL §6.2 "update").
        p.delete("r");
        eq(u.href, "https://e.com/#frag");
        eq(u.search, "");
        "##,
    );
}

#[test]
fn search_params_constructors() {
    support::check(
        r##"
        // From a string, with or without the leading "?".
        eq([...new URLSearchParams("?a=1&b=2")], [["a", "1"], ["b", "2"]]);
        eq([...new URLSearchParams("a=1&&b")], [["a", "1"], ["b", ""]]);
        eq([...new URLSearchParams("a+b=c+d&e%20f=%41%zz")], [["a b", "c d"], ["e f", "A%zz"]]);
        eq([...new URLSearchParams("k=v=w")], [["k", "v=w"]]);
        eq([...new URLSearchParams("??a=1")], [["?a", "1"]]);
        eq([...new URLSearchParams("")], []);
        eq([...new URLSearchParams()], []);
        // From a record.
        eq([...new URLSearchParams({ a: "1", b: 2, "c d": "x" })], [["a", "1"], ["b", "2"], ["c d", "x"]]);
        // From a sequence of pairs (any iterables).
        eq([...new URLSearchParams([["a", "1"], ["a", "2"], new Set(["s", "t"])])], [["a", "1"], ["a", "2"], ["s", "t"]]);
        eq([...new URLSearchParams(new Map([["m", "1"]]))], [["m", "1"]]);
        throws(() => new URLSearchParams([["a"]]), TypeError);
        throws(() => new URLSearchParams([["a", "b", "c"]]), TypeError);
        throws(() => new URLSearchParams([1]), TypeError);
        // From another URLSearchParams: a copy.
        const orig = new URLSearchParams("x=1");
        const copy = new URLSearchParams(orig);
        copy.append("y", "2");
        eq(orig.toString(), "x=1");
        eq(copy.toString(), "x=1&y=2");
        // Lone surrogates become U+FFFD.
        eq(new URLSearchParams([["\ud800", "v"]]).toString(), "%EF%BF%BD=v");
        "##,
    );
}

#[test]
fn search_params_methods() {
    support::check(
        r##"
        const p = new URLSearchParams("a=1&b=2&a=3&c=4");
        eq(p.size, 4);
        eq(p.get("a"), "1");
        eq(p.get("zz"), null);
        eq(p.getAll("a"), ["1", "3"]);
        eq(p.getAll("zz"), []);
        eq(p.has("a"), true);
        eq(p.has("a", "3"), true);
        eq(p.has("a", "2"), false);
        eq(p.has("zz"), false);
        // has/delete with undefined value behave like the one-argument form.
        eq(p.has("a", undefined), true);
        p.delete("a", "1");
        eq(p.toString(), "b=2&a=3&c=4");
        p.delete("a", "nope");
        eq(p.size, 3);
        p.delete("b");
        eq(p.toString(), "a=3&c=4");
        p.append("c", "5");
        p.set("c", "six");
        eq(p.toString(), "a=3&c=six", "set replaces the first and drops the rest");
        p.set("new", "x");
        eq(p.toString(), "a=3&c=six&new=x");
        throws(() => p.append("only-one"), TypeError);
        "##,
    );
}

#[test]
fn search_params_sort_is_stable_by_code_units() {
    support::check(
        r##"
        const p = new URLSearchParams("z=1&a=2&z=0&b=3&a=1");
        p.sort();
        eq(p.toString(), "a=2&a=1&b=3&z=1&z=0");
        // Code units, not code points: U+1F600 (D83D DE00) sorts before U+FFFD (WPT).
        const q = new URLSearchParams([["\ufffd", "x"], ["\ud83d\ude00", "y"], ["\u00e9", "z"]]);
        q.sort();
        eq([...q.keys()], ["\u00e9", "\ud83d\ude00", "\ufffd"]);
        "##,
    );
}

#[test]
fn search_params_serialization_and_iteration() {
    support::check(
        r##"
        const p = new URLSearchParams();
        p.append("sp ace", "a+b");
        p.append("sym", "*-._~!'()");
        p.append("uni", "é€");
        p.append("eq", "=&?#");
        eq(p.toString(), "sp+ace=a%2Bb&sym=*-._%7E%21%27%28%29&uni=%C3%A9%E2%82%AC&eq=%3D%26%3F%23");
        eq(String(new URLSearchParams(p.toString())), p.toString(), "round trip");
        eq([...p.keys()], ["sp ace", "sym", "uni", "eq"]);
        eq([...p.values()], ["a+b", "*-._~!'()", "é€", "=&?#"]);
        eq([...p.entries()][0], ["sp ace", "a+b"]);
        const seen = [];
        p.forEach(function (v, k, obj) { seen.push(k); assert(obj === p && this === 7, "forEach args"); }, 7);
        eq(seen, ["sp ace", "sym", "uni", "eq"]);
        throws(() => p.forEach(), TypeError);
        // Iteration is live: entries appended during it are reached.
        const live = new URLSearchParams("a=1");
        const keys = [];
        for (const [k] of live) { keys.push(k); if (k === "a") live.append("b", "2"); }
        eq(keys, ["a", "b"]);
        eq(Object.prototype.toString.call(p), "[object URLSearchParams]");
        "##,
    );
}

#[test]
fn inspect_url_and_params() {
    let lines = support::check(
        r##"
        console.log(new URLSearchParams("a=1&b=x y"));
        console.log(new URLSearchParams());
        console.log(new URL("https://e.com/p?q#h").href);
        "##,
    );
    assert_eq!(
        lines,
        [
            "URLSearchParams { 'a' => '1', 'b' => 'x y' }",
            "URLSearchParams {}",
            "https://e.com/p?q#h"
        ]
    );
}

#[test]
fn webidl_argument_conversions() {
    support::check(
        r#"
        // USVString conversion throws on Symbols; records reject Symbol keys.
        throws(() => new URL(Symbol()), TypeError);
        throws(() => new URLSearchParams({ [Symbol("s")]: 1, k: "v" }), TypeError);
        throws(() => new URLSearchParams("a=1").append(Symbol(), "1"), TypeError);
        // Non-enumerable keys are skipped.
        eq(new URLSearchParams(Object.defineProperty({ k: "v" }, "hidden", { value: 1 })).toString(), "k=v");
        // Required arguments.
        throws(() => URL.canParse(), TypeError);
        throws(() => URL.parse(), TypeError);
        throws(() => new URL(), TypeError);
        // has/delete with an undefined value act as if it were not given.
        const p = new URLSearchParams("a=1&b=2&a=3");
        eq([p.has("a", undefined), p.has("a", "3"), p.has("a", "4")], [true, true, false]);
        p.delete("a", undefined);
        eq(p.toString(), "b=2");
        "#,
    );
}

#[test]
fn search_params_iterators_are_webidl_pair_iterators() {
    // WebIDL §3.7.10: class string "URLSearchParams Iterator", next() on a shared
    // prototype inheriting %IteratorPrototype%, @@iterator === entries, live by index.
    support::check(
        r#"
        const p = new URLSearchParams("a=1&b=2");
        const it = p.entries();
        eq(Object.prototype.toString.call(it), "[object URLSearchParams Iterator]");
        const proto = Object.getPrototypeOf(it);
        eq([proto === Object.getPrototypeOf(p.keys()), typeof proto.next, Object.getPrototypeOf(proto) === Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))], [true, "function", true]);
        eq(URLSearchParams.prototype[Symbol.iterator] === URLSearchParams.prototype.entries, true);
        eq(it.next(), { value: ["a", "1"], done: false });
        p.append("c", "3");
        eq([...it], [["b", "2"], ["c", "3"]], "live");
        eq(it.next(), { done: true }, "JSON drops the undefined value");
        throws(() => proto.next.call({}), TypeError);
        throws(() => URLSearchParams.prototype.keys.call({}), TypeError);
        eq([...p.keys()], ["a", "b", "c"]);
        eq([...p.values()], ["1", "2", "3"]);
        "#,
    );
}
