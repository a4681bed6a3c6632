//! console (WHATWG Console standard) and its value formatting, which follows what Node's
//! util.inspect prints.

mod support;

use nano_web::Level;

/// The single line `console.log(<args>)` prints.
fn log(args: &str) -> String {
    let lines = support::check(&format!("console.log({args});"));
    assert_eq!(lines.len(), 1, "one console call, one line: {lines:?}");
    lines.into_iter().next().unwrap_or_default()
}

#[test]
fn primitives_print_like_node() {
    assert_eq!(
        log(r#""a", 1, true, null, undefined"#),
        "a 1 true null undefined"
    );
    assert_eq!(
        log("-0, 1n, Symbol('s'), NaN, -Infinity"),
        "-0 1n Symbol(s) NaN -Infinity"
    );
    // A top-level string prints raw, newlines and quotes included.
    assert_eq!(log(r#""it's\n\"raw\"""#), "it's\n\"raw\"");
    // No arguments: an empty line (Node), not "undefined".
    assert_eq!(log(""), "");
    // Lone surrogates cannot be printed as they are; they must not make console throw.
    assert_eq!(
        log(r#""a\ud800b", ["\udc00"]"#),
        "a\u{fffd}b [ '\u{fffd}' ]"
    );
}

#[test]
fn strings_are_quoted_only_when_nested() {
    assert_eq!(log(r#"["a", "b"]"#), "[ 'a', 'b' ]");
    assert_eq!(log(r#"{ s: "x" }, "y""#), "{ s: 'x' } y");
    // Node picks the quote the string does not contain, and escapes control characters.
    assert_eq!(log(r#"["it's"]"#), r#"[ "it's" ]"#);
    assert_eq!(log(r#"['say "hi"']"#), r#"[ 'say "hi"' ]"#);
    assert_eq!(log(r#"["a\nb\t\u0001"]"#), r"[ 'a\nb\t\x01' ]");
}

#[test]
fn objects_and_arrays() {
    assert_eq!(log("{}"), "{}");
    assert_eq!(log("[]"), "[]");
    assert_eq!(
        log("{ a: 1, b: { c: [1, 2] } }"),
        "{ a: 1, b: { c: [ 1, 2 ] } }"
    );
    assert_eq!(
        log("{ 'a-b': 1, ok: 2, [Symbol('k')]: 3 }"),
        "{ 'a-b': 1, ok: 2, [Symbol(k)]: 3 }"
    );
    assert_eq!(
        log("{ get g() { return 1; }, set s(v) {}, get gs() { return 1; }, set gs(v) {} }"),
        "{ g: [Getter], s: [Setter], gs: [Getter/Setter] }"
    );
    assert_eq!(log("{ a: { b: { c: {} } } }"), "{ a: { b: { c: {} } } }");
    // Non-enumerable properties are hidden.
    assert_eq!(
        log("Object.defineProperty({ v: 1 }, 'hidden', { value: 2 })"),
        "{ v: 1 }"
    );
}

#[test]
fn arrays_with_holes_and_extra_properties() {
    assert_eq!(log("[1, , 3]"), "[ 1, <1 empty item>, 3 ]");
    assert_eq!(log("new Array(3)"), "[ <3 empty items> ]");
    assert_eq!(log("[, , 1, , ]"), "[ <2 empty items>, 1, <1 empty item> ]");
    assert_eq!(
        log("Object.assign([1, 2], { foo: 'bar' })"),
        "[ 1, 2, foo: 'bar' ]"
    );
    assert_eq!(log("[-0, [[]]]"), "[ -0, [ [] ] ]");
}

#[test]
fn long_output_is_never_truncated() {
    let lines = support::check(
        "console.log(Array.from({ length: 1000 }, (_, i) => i)); console.log('x'.repeat(20000)); console.log(['y'.repeat(20000)]);",
    );
    let nums: Vec<&str> = lines[0]
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(str::trim)
        .collect();
    let expected: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    assert_eq!(nums, expected, "every element printed, in order");
    assert!(!lines[0].contains("more item"));
    assert_eq!(lines[1].len(), 20000);
    assert_eq!(lines[2], format!("[\n  '{}'\n]", "y".repeat(20000)));
}

#[test]
fn arrays_of_many_short_items_group_into_columns() {
    // Node's groupArrayElements: numbers right-aligned, at most 12 columns here.
    assert_eq!(
        log("[1, 2, 3, 4, 5, 6, 7]"),
        "[\n  1, 2, 3, 4,\n  5, 6, 7\n]"
    );
    let expected = [
        "[",
        "   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,",
        "  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,",
        "  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,",
        "  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,",
        "  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,",
        "  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,",
        "  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,",
        "  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,",
        "  96, 97, 98, 99",
        "]",
    ];
    assert_eq!(
        log("Array.from({ length: 100 }, (_, i) => i)"),
        expected.join("\n")
    );
    // Other values are left-aligned.
    assert_eq!(
        log("Array.from({ length: 8 }, (_, i) => 's' + i)"),
        "[\n  's0', 's1', 's2',\n  's3', 's4', 's5',\n  's6', 's7'\n]"
    );
    assert_eq!(
        log("new Uint8Array(20)"),
        "Uint8Array(20) [\n  0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0\n]"
    );
    // Entries of very different widths are not grouped.
    assert_eq!(
        log("['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape', 'honeydew']"),
        "[\n  'apple',\n  'banana',\n  'cherry',\n  'date',\n  'elderberry',\n  'fig',\n  'grape',\n  'honeydew'\n]"
    );
    assert_eq!(
        log("[1, , 3, 4, 5, 6, 7, 8]"),
        "[ 1, <1 empty item>, 3, 4, 5, 6, 7, 8 ]"
    );
    // Huge arrays are fine too (more elements than a call may have arguments).
    let lines = support::check("console.log(new Uint8Array(70000));");
    assert!(
        lines[0].starts_with("Uint8Array(70000) [\n  0, 0, 0,"),
        "{}",
        &lines[0][..60]
    );
    assert_eq!(lines[0].matches('0').count(), 70000 + 4);
}

#[test]
fn only_three_levels_share_a_line() {
    // Node's `compact: 3` (shown as with `depth: Infinity`): an object holding more than
    // three levels of non-empty objects is not printed on one line.
    assert_eq!(
        log("{ a: { b: { c: { d: 1 } } } }"),
        "{\n  a: { b: { c: { d: 1 } } }\n}"
    );
    assert_eq!(
        log("{ a: { b: { c: { d: { e: 1 } } } } }"),
        "{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  }\n}"
    );
    // Empty objects do not count as a level.
    assert_eq!(log("{ a: { b: { c: {} } } }"), "{ a: { b: { c: {} } } }");
    assert_eq!(log("[[[[1]]]]"), "[\n  [ [ [ 1 ] ] ]\n]");
}

#[test]
fn long_objects_break_across_lines() {
    let out = log("{ alpha: 'aaaaaaaaaaaaaaaaaaaa', beta: 'bbbbbbbbbbbbbbbbbbbb', gamma: 'cccccccccccccccccccc', delta: 1 }");
    assert_eq!(
        out,
        "{\n  alpha: 'aaaaaaaaaaaaaaaaaaaa',\n  beta: 'bbbbbbbbbbbbbbbbbbbb',\n  gamma: 'cccccccccccccccccccc',\n  delta: 1\n}"
    );
    // Nested multi-line values indent by two spaces per level.
    let out = log("{ outer: { alpha: 'aaaaaaaaaaaaaaaaaaaa', beta: 'bbbbbbbbbbbbbbbbbbbb', gamma: 'cccccccccccccccccccc' } }");
    assert_eq!(
        out,
        "{\n  outer: {\n    alpha: 'aaaaaaaaaaaaaaaaaaaa',\n    beta: 'bbbbbbbbbbbbbbbbbbbb',\n    gamma: 'cccccccccccccccccccc'\n  }\n}"
    );
}

#[test]
fn maps_sets_and_collections() {
    assert_eq!(
        log("new Map([['a', 1], ['b', { x: 1 }]])"),
        "Map(2) { 'a' => 1, 'b' => { x: 1 } }"
    );
    assert_eq!(
        log("new Set([1, 'two', [3]])"),
        "Set(3) { 1, 'two', [ 3 ] }"
    );
    assert_eq!(log("new Map()"), "Map(0) {}");
    assert_eq!(log("new Set()"), "Set(0) {}");
    assert_eq!(log("new WeakMap()"), "WeakMap { <items unknown> }");
    assert_eq!(log("new WeakSet()"), "WeakSet { <items unknown> }");
    assert_eq!(log("Promise.resolve(1)"), "Promise { <unknown> }");
}

#[test]
fn circular_references() {
    assert_eq!(
        log("(() => { const o = {}; o.self = o; return o; })()"),
        "<ref *1> { self: [Circular *1] }"
    );
    assert_eq!(
        log("(() => { const o = { a: 1 }; o.list = [o]; return o; })()"),
        "<ref *1> { a: 1, list: [ [Circular *1] ] }"
    );
    // The same object twice without a cycle is not circular.
    assert_eq!(
        log("(() => { const x = { v: 1 }; return [x, x]; })()"),
        "[ { v: 1 }, { v: 1 } ]"
    );
    let out = log("(() => { const m = new Map(); m.set('me', m); return m; })()");
    assert_eq!(out, "<ref *1> Map(1) { 'me' => [Circular *1] }");
}

#[test]
fn functions_classes_and_instances() {
    assert_eq!(log("function foo() {}"), "[Function: foo]");
    assert_eq!(log("() => {}"), "[Function (anonymous)]");
    assert_eq!(log("async function af() {}"), "[AsyncFunction: af]");
    assert_eq!(log("function* gen() {}"), "[GeneratorFunction: gen]");
    assert_eq!(log("class Foo {}"), "[class Foo]");
    assert_eq!(log("class Bar extends Map {}"), "[class Bar extends Map]");
    assert_eq!(log("class {}"), "[class (anonymous)]");
    assert_eq!(
        log("Object.assign(function f() {}, { extra: 1 })"),
        "[Function: f] { extra: 1 }"
    );
    assert_eq!(
        log("new (class Point { constructor() { this.x = 1; this.y = 2; } })()"),
        "Point { x: 1, y: 2 }"
    );
    assert_eq!(log("Object.create(null)"), "[Object: null prototype] {}");
    assert_eq!(
        log("Object.assign(Object.create(null), { a: 1 })"),
        "[Object: null prototype] { a: 1 }"
    );
    assert_eq!(
        log("{ [Symbol.toStringTag]: 'Tag' }"),
        "Object [Tag] { [Symbol(Symbol.toStringTag)]: 'Tag' }"
    );
}

#[test]
fn builtin_objects() {
    assert_eq!(log("new Date(0)"), "1970-01-01T00:00:00.000Z");
    assert_eq!(log("new Date(NaN)"), "Invalid Date");
    assert_eq!(log("/ab+c/gi"), "/ab+c/gi");
    assert_eq!(
        log("new Number(3), new String('abc'), new Boolean(false)"),
        "[Number: 3] [String: 'abc'] [Boolean: false]"
    );
    assert_eq!(
        log("new Uint8Array([1, 2, 3])"),
        "Uint8Array(3) [ 1, 2, 3 ]"
    );
    assert_eq!(log("new Float64Array(0)"), "Float64Array(0) []");
    assert_eq!(
        log("new Uint8Array([1, 255]).buffer"),
        "ArrayBuffer { [Uint8Contents]: <01 ff>, byteLength: 2 }"
    );
    // A custom inspection hook, as in Node; a multi-line result is indented where nested.
    assert_eq!(
        log("{ [Symbol.for('nodejs.util.inspect.custom')]() { return 'custom!'; } }"),
        "custom!"
    );
    assert_eq!(
        log("{ a: { b: { [Symbol.for('nodejs.util.inspect.custom')]() { return 'X {\\n  y\\n}'; } } } }"),
        "{\n  a: {\n    b: X {\n      y\n    }\n  }\n}"
    );
}

#[test]
fn errors_print_with_their_stack() {
    let lines = support::check(
        r#"
        function thrower() { return new Error("boom"); }
        console.log(thrower());
        console.log({ e: new RangeError("inner") });
        console.log(new TypeError(""));
        const bare = new Error("no stack"); Object.defineProperty(bare, "stack", { value: "" });
        console.log(bare);
        console.log([bare]);
        console.log(new Error("outer", { cause: bare }));
        console.log(Object.assign(new Error("with props"), { code: "E_X" }));
        "#,
    );
    assert!(
        lines[0].starts_with("Error: boom\n    at thrower ("),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("{\n  e: RangeError: inner\n      at "),
        "nested stacks indent: {}",
        lines[1]
    );
    assert!(lines[1].ends_with("\n}"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("TypeError\n    at "),
        "empty message: {}",
        lines[2]
    );
    // Node brackets an error only when it has no stack.
    assert_eq!(lines[3], "[Error: no stack]");
    assert_eq!(lines[4], "[ [Error: no stack] ]");
    assert!(
        lines[5].starts_with("Error: outer\n    at "),
        "{}",
        lines[5]
    );
    assert!(
        lines[5].ends_with(" {\n  [cause]: [Error: no stack]\n}"),
        "{}",
        lines[5]
    );
    assert!(
        lines[6].starts_with("Error: with props\n    at "),
        "{}",
        lines[6]
    );
    assert!(lines[6].ends_with(" {\n  code: 'E_X'\n}"), "{}", lines[6]);
}

#[test]
fn format_specifiers() {
    assert_eq!(log(r#""%s is %d years", "Bob", 42"#), "Bob is 42 years");
    assert_eq!(log(r#""%d|%d|%d|%d", "7", 42.5, -0, 5n"#), "7|42.5|-0|5n");
    // %i is parseInt, %f parseFloat.
    assert_eq!(
        log(r#""%i|%i|%f|%f", "42px", 3.9, "1.5abc", "x""#),
        "42|3|1.5|NaN"
    );
    assert_eq!(log(r#""%s|%s|%s", 1n, -0, Symbol("s")"#), "1n|-0|Symbol(s)");
    // %s inspects plain objects one level deep, but uses a user-defined toString.
    assert_eq!(log(r#""%s", { a: { b: 1 } }"#), "{ a: [Object] }");
    assert_eq!(
        log(r#""%s", { toString() { return "custom"; } }"#),
        "custom"
    );
    assert_eq!(
        log(r#""%s", new (class A { toString() { return "A!"; } })()"#),
        "A!"
    );
    assert_eq!(
        log(r#""%o / %O / %j", { a: "x" }, { b: 1 }, { c: [1] }"#),
        "{ a: 'x' } / { b: 1 } / {\"c\":[1]}"
    );
    // %c consumes its CSS argument and prints nothing.
    assert_eq!(log(r#""%cred", "color: red""#), "red");
    // %% is a literal percent once there are arguments to format.
    assert_eq!(log(r#""100%% %s", "sure""#), "100% sure");
    assert_eq!(log(r#""100%%""#), "100%%");
    // Missing arguments leave the specifier; extra ones are appended, inspected.
    assert_eq!(log(r#""%s and %s", "one""#), "one and %s");
    assert_eq!(log(r#""%s", "a", "b", { c: "d" }, 1"#), "a b { c: 'd' } 1");
    assert_eq!(log(r#""%x %s", "y""#), "%x y");
    // A non-string first argument is not a format string.
    assert_eq!(log(r#"{ a: "%s" }, "b""#), "{ a: '%s' } b");
}

#[test]
fn levels() {
    let out = support::run(
        "console.debug('d'); console.info('i'); console.log('l'); console.warn('w'); console.error('e'); console.trace('t');",
    );
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let levels: Vec<Level> = out.lines.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        levels,
        [
            Level::Debug,
            Level::Info,
            Level::Log,
            Level::Warn,
            Level::Error,
            Level::Error
        ]
    );
    assert_eq!(&out.text()[..5], ["d", "i", "l", "w", "e"]);
    assert!(
        out.text()[5].starts_with("Trace: t\n    at "),
        "{}",
        out.text()[5]
    );
}

#[test]
fn assert_count_and_timers() {
    let out = support::run(
        r#"
        console.assert(true, "never shown");
        console.assert(false, "shown %s", "formatted");
        console.assert(false);
        console.count(); console.count(); console.count("x");
        console.countReset(); console.count();
        console.countReset("nope");
        console.time("t"); console.timeLog("t", "extra", 1); console.timeEnd("t");
        console.timeEnd("t");
        console.time("t2"); console.time("t2");
        "#,
    );
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let text = out.text();
    assert_eq!(text[0], "Assertion failed: shown formatted");
    assert_eq!(out.lines[0].0, Level::Error);
    assert_eq!(text[1], "Assertion failed");
    assert_eq!(
        &text[2..6],
        ["default: 1", "default: 2", "x: 1", "default: 1"]
    );
    assert_eq!(text[6], "Count for 'nope' does not exist");
    assert_eq!(out.lines[6].0, Level::Warn);
    let time_log = |s: &str, suffix: &str| {
        let rest = s.strip_prefix("t: ").and_then(|r| r.strip_suffix(suffix));
        let ms = rest.and_then(|r| r.strip_suffix("ms"));
        assert!(
            ms.and_then(|m| m.parse::<f64>().ok())
                .is_some_and(|m| m >= 0.0),
            "{s:?}"
        );
    };
    time_log(text[7], " extra 1");
    time_log(text[8], "");
    assert_eq!(text[9], "Timer 't' does not exist");
    assert_eq!(text[10], "Timer 't2' already exists");
}

#[test]
fn groups_indent_every_line() {
    let lines = support::check(
        r#"
        console.group("G");
        console.log("in\nside");
        console.group();
        console.log({ a: 1, b: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" });
        console.groupEnd();
        console.groupEnd();
        console.groupEnd();
        console.log("out");
        "#,
    );
    assert_eq!(
        lines,
        [
            "G",
            "  in\n  side",
            "    {\n      a: 1,\n      b: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'\n    }",
            "out",
        ]
    );
}

#[test]
fn dir_and_table() {
    let lines = support::check(
        r#"
        console.dir({ a: "x" });
        console.table([{ a: 1, b: "x" }, { a: 2 }]);
        console.table([1, 2]);
        console.table("not tabular");
        "#,
    );
    assert_eq!(lines[0], "{ a: 'x' }");
    // Node's layout: a box of columns, cells centred.
    assert_eq!(
        lines[1],
        "┌─────────┬───┬─────┐\n│ (index) │ a │  b  │\n├─────────┼───┼─────┤\n│    0    │ 1 │ 'x' │\n│    1    │ 2 │     │\n└─────────┴───┴─────┘"
    );
    assert_eq!(
        lines[2],
        "┌─────────┬────────┐\n│ (index) │ Values │\n├─────────┼────────┤\n│    0    │   1    │\n│    1    │   2    │\n└─────────┴────────┘"
    );
    assert_eq!(lines[3], "not tabular");
}

#[test]
fn console_object_shape() {
    support::check(
        r#"
        for (const m of ["log", "info", "debug", "warn", "error", "trace", "assert", "dir", "dirxml", "table",
                         "group", "groupCollapsed", "groupEnd", "count", "countReset", "time", "timeLog", "timeEnd", "clear"]) {
          eq(typeof console[m], "function", m);
        }
        eq(Object.prototype.toString.call(console), "[object console]");
        eq(Object.keys(globalThis).includes("console"), false, "console is not enumerable");
        "#,
    );
}

#[test]
fn web_objects_nest_with_the_right_indentation() {
    let lines = support::check(r#"console.log({ u: new URL("https://a.test/p?q=1") });"#);
    assert_eq!(
        lines[0],
        "{\n  u: URL {\n    href: 'https://a.test/p?q=1',\n    origin: 'https://a.test',\n    protocol: 'https:',\n    username: '',\n    password: '',\n    host: 'a.test',\n    hostname: 'a.test',\n    port: '',\n    pathname: '/p',\n    search: '?q=1',\n    searchParams: URLSearchParams { 'q' => '1' },\n    hash: ''\n  }\n}"
    );
}
