//! Headers (Fetch standard §5.2).

mod support;

#[test]
fn constructs_from_record_sequence_and_headers() {
    support::check(
        r#"
        const fromRecord = new Headers({ "Content-Type": "text/plain", "X-A": "1" });
        eq(fromRecord.get("content-type"), "text/plain");
        eq(fromRecord.get("CONTENT-TYPE"), "text/plain", "names are case-insensitive");
        const fromSeq = new Headers([["X-A", "1"], ["x-a", "2"], ["B", "3"]]);
        eq(fromSeq.get("x-a"), "1, 2");
        const copy = new Headers(fromSeq);
        copy.append("x-a", "3");
        eq(copy.get("x-a"), "1, 2, 3");
        eq(fromSeq.get("x-a"), "1, 2", "a copy is independent");
        eq([...new Headers()], []);
        eq([...new Headers(undefined)], []);
        // Any iterable of pairs works, including a Map.
        eq([...new Headers(new Map([["k", "v"]]))], [["k", "v"]]);
        // Values are strings.
        eq(new Headers({ n: 42 }).get("n"), "42");
        "#,
    );
}

#[test]
fn bad_initializers_throw_type_error() {
    support::check(
        r#"
        throws(() => new Headers(null), TypeError);
        throws(() => new Headers("a: b"), TypeError);
        throws(() => new Headers(5), TypeError);
        throws(() => new Headers([["only-name"]]), TypeError);
        throws(() => new Headers([["a", "b", "c"]]), TypeError);
        throws(() => new Headers(["ab"]), TypeError);
        "#,
    );
}

#[test]
fn invalid_names_and_values_throw_type_error() {
    support::check(
        r#"
        const h = new Headers();
        for (const bad of ["", "a b", "a:b", "ä", "a\nb", "(x)", "a\u0000"]) {
          throws(() => h.append(bad, "v"), TypeError);
          throws(() => h.set(bad, "v"), TypeError);
          throws(() => h.get(bad), TypeError);
          throws(() => h.has(bad), TypeError);
          throws(() => h.delete(bad), TypeError);
          throws(() => new Headers({ [bad]: "v" }), TypeError);
        }
        for (const bad of ["a\nb", "a\rb", "a\u0000b", "€"]) {
          throws(() => h.append("x", bad), TypeError);
          throws(() => h.set("x", bad), TypeError);
        }
        // Token characters are all allowed in names.
        h.append("!#$%&'*+-.^_`|~09azAZ", "ok");
        eq(h.get("!#$%&'*+-.^_`|~09azaz"), "ok");
        eq([...h].length, 1, "nothing else was added");
        "#,
    );
}

#[test]
fn values_are_trimmed_of_http_whitespace() {
    support::check(
        r#"
        const h = new Headers({ a: "  \t padded \t\n" });
        eq(h.get("a"), "padded");
        h.set("b", "\r\n inner  space \t");
        eq(h.get("b"), "inner  space");
        h.append("c", "tab\tinside");
        eq(h.get("c"), "tab\tinside");
        h.append("empty", "");
        eq(h.get("empty"), "");
        eq(h.has("empty"), true);
        // Latin-1 values are fine.
        h.append("latin", "caf\u00e9");
        eq(h.get("latin"), "caf\u00e9");
        "#,
    );
}

#[test]
fn get_set_append_has_delete() {
    support::check(
        r#"
        const h = new Headers();
        eq(h.get("missing"), null);
        eq(h.has("missing"), false);
        h.append("Accept", "text/html");
        h.append("accept", "application/json");
        eq(h.get("accept"), "text/html, application/json");
        h.set("ACCEPT", "*/*");
        eq(h.get("accept"), "*/*");
        eq([...h], [["accept", "*/*"]], "set replaced every value");
        h.append("x", "1");
        h.append("X", "2");
        eq(h.has("x"), true);
        h.delete("X");
        eq(h.has("x"), false, "delete removes the name");
        eq(h.get("x"), null);
        eq([...h.keys()], ["accept"], "and it is gone from iteration");
        h.delete("not-there");
        "#,
    );
}

#[test]
fn iteration_is_sorted_and_combined() {
    support::check(
        r#"
        const h = new Headers([["Z-Last", "z"], ["a-first", "1"], ["M", "m"], ["A-First", "2"]]);
        eq([...h], [["a-first", "1, 2"], ["m", "m"], ["z-last", "z"]]);
        eq([...h.entries()], [...h]);
        eq([...h.keys()], ["a-first", "m", "z-last"]);
        eq([...h.values()], ["1, 2", "m", "z"]);
        const seen = [];
        const thisArg = {};
        h.forEach(function (value, name, headers) { seen.push([name, value, this === thisArg, headers === h]); }, thisArg);
        eq(seen, [["a-first", "1, 2", true, true], ["m", "m", true, true], ["z-last", "z", true, true]]);
        throws(() => h.forEach(null), TypeError);
        eq(typeof h[Symbol.iterator], "function");
        eq(Object.prototype.toString.call(h), "[object Headers]");
        "#,
    );
}

#[test]
fn iteration_sees_changes_made_while_iterating() {
    // WebIDL pair iterators index into the current sorted list (WPT headers-basic).
    support::check(
        r#"
        const make = () => { const h = new Headers(); h.set("foo", "1"); h.set("bar", "2"); h.set("baz", "3"); return h; };
        let h = make(), keys = [];
        for (const [name] of h) { keys.push(name); h.delete("foo"); }
        eq(keys, ["bar", "baz"], "removed ahead of the cursor: not reached");
        h = make(); keys = [];
        for (const [name] of h) { keys.push(name); if (name === "bar") h.delete("bar"); }
        eq(keys, ["bar", "foo"], "removed behind the cursor: the next one shifts down");
        h = make(); keys = [];
        for (const [name] of h) { keys.push(name); if (name === "foo") h.append("zzz", "4"); }
        eq(keys, ["bar", "baz", "foo", "zzz"], "appended during iteration: reached");
        h = make(); keys = [];
        h.forEach((v, name) => { keys.push(name); if (name === "bar") h.delete("baz"); });
        eq(keys, ["bar", "foo"], "forEach too");
        "#,
    );
}

#[test]
fn set_cookie_stays_separate() {
    support::check(
        r#"
        const h = new Headers();
        h.append("Set-Cookie", "a=1; Path=/");
        h.append("content-type", "text/plain");
        h.append("set-cookie", "b=2, with comma");
        h.append("Accept", "x");
        eq(h.getSetCookie(), ["a=1; Path=/", "b=2, with comma"]);
        // get() still combines (Fetch §5.2), iteration does not.
        eq(h.get("set-cookie"), "a=1; Path=/, b=2, with comma");
        eq([...h], [["accept", "x"], ["content-type", "text/plain"], ["set-cookie", "a=1; Path=/"], ["set-cookie", "b=2, with comma"]]);
        eq(new Headers().getSetCookie(), []);
        h.set("set-cookie", "only=1");
        eq(h.getSetCookie(), ["only=1"]);
        h.delete("set-cookie");
        eq(h.getSetCookie(), []);
        "#,
    );
}

#[test]
fn immutable_headers_refuse_changes() {
    support::check(
        r#"
        const h = Response.redirect("https://example.com/", 301).headers;
        eq(h.get("location"), "https://example.com/");
        throws(() => h.set("location", "https://evil.example/"), TypeError);
        throws(() => h.append("x", "1"), TypeError);
        throws(() => h.delete("location"), TypeError);
        eq(h.get("location"), "https://example.com/");
        throws(() => Response.error().headers.append("x", "1"), TypeError);
        // A copy of immutable headers is mutable.
        const copy = new Headers(h);
        copy.set("x", "1");
        eq(copy.get("x"), "1");
        "#,
    );
}

#[test]
fn inspect_shows_the_sorted_list() {
    let lines = support::check(r#"console.log(new Headers({ B: "2", a: "1" }));"#);
    assert_eq!(lines, ["Headers { a: '1', b: '2' }"]);
}

#[test]
fn iterators_are_webidl_pair_iterators() {
    support::check(
        r#"
        const h = new Headers({ b: "2", a: "1" });
        const it = h.keys();
        eq(Object.prototype.toString.call(it), "[object Headers Iterator]");
        eq(Headers.prototype[Symbol.iterator] === Headers.prototype.entries, true);
        eq(it.next(), { value: "a", done: false });
        h.append("c", "3");
        eq([...it], ["b", "c"]);
        throws(() => Object.getPrototypeOf(it).next.call([]), TypeError);
        throws(() => Headers.prototype.entries.call({}), TypeError);
        eq([...h.values()], ["1", "2", "3"]);
        "#,
    );
}
