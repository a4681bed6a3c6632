//! FormData (XHR standard §4.3) and form bodies: multipart/form-data serialization
//! (HTML "multipart/form-data encoding algorithm") and parsing (RFC 7578, Fetch §5.3
//! formData()), application/x-www-form-urlencoded parsing (URL §5.1), 20 MB files.

mod support;

/// `pattern(n)`: n bytes in which every 4 KiB block is stamped with its index;
/// `sameBytes(a, b)`: exact comparison through native base64 (a JS byte loop over
/// megabytes is far too slow in an interpreter); `multipart(boundary, text)`: a body
/// written with LF line ends, sent with CRLF.
const HELPERS: &str = r#"
function crlf(text) { return text.replace(/\n/g, "\r\n"); }
function post(body, contentType) {
  const headers = contentType === undefined ? {} : { "content-type": contentType };
  return new Request("http://example.com/form", { method: "POST", body, headers });
}
function entries(fd) {
  return [...fd].map(([k, v]) => [k, typeof v === "string" ? v : { file: v.name, type: v.type, size: v.size }]);
}
"#;

fn check(body: &str) -> Vec<String> {
    support::check(&format!("{}\n{HELPERS}\n{body}", support::BYTE_HELPERS))
}

#[test]
fn append_get_get_all_has_delete_set() {
    check(
        r#"
        const fd = new FormData();
        eq(fd.get("a"), null);
        eq(fd.getAll("a"), []);
        eq(fd.has("a"), false);
        fd.append("a", "1");
        fd.append("b", "2");
        fd.append("a", "3");
        eq(fd.get("a"), "1", "get gives the first");
        eq(fd.getAll("a"), ["1", "3"]);
        eq(fd.has("a"), true);
        eq(fd.has("A"), false, "names are case-sensitive");
        fd.set("a", "4");
        eq(entries(fd), [["a", "4"], ["b", "2"]], "set replaces the first in place and drops the rest");
        fd.set("c", "5");
        eq(entries(fd), [["a", "4"], ["b", "2"], ["c", "5"]], "set appends a new name");
        fd.delete("a");
        eq(entries(fd), [["b", "2"], ["c", "5"]]);
        fd.delete("zzz");
        eq([...fd.keys()], ["b", "c"]);
        // Values are USVStrings, kept as given (line breaks are normalized only when
        // serialized).
        fd.append("\ud800", 12);
        fd.append("n", "a\nb\rc");
        eq(fd.get("\ufffd"), "12");
        eq(fd.get("n"), "a\nb\rc");
        fd.append("o", { toString: () => "obj" });
        eq(fd.get("o"), "obj");
        fd.append("nul", null);
        eq(fd.get("nul"), "null");
        throws(() => fd.append("x"), TypeError);
        throws(() => fd.append(), TypeError);
        throws(() => fd.set("x"), TypeError);
        throws(() => fd.append("x", "not a blob", "name.txt"), TypeError); // a filename needs a Blob
        throws(() => fd.set("x", "v", undefined), TypeError); // three arguments pick the Blob overload
        throws(() => fd.append(Symbol("s"), "v"), TypeError);
        "#,
    );
}

#[test]
fn blob_entries_become_files() {
    check(
        r#"
        const fd = new FormData();
        const blob = new Blob(["abc"], { type: "text/x" });
        const before = Date.now();
        fd.append("b", blob);
        const f = fd.get("b");
        assert(f instanceof File, "a Blob becomes a File");
        eq([f.name, f.type, f.size, await f.text()], ["blob", "text/x", 3, "abc"]);
        assert(f.lastModified >= before && f.lastModified <= Date.now(), "made now");
        fd.append("b2", blob, "named.txt");
        eq(fd.get("b2").name, "named.txt");
        const file = new File(["xyz"], "orig.txt", { type: "a/b", lastModified: 99 });
        fd.append("f", file);
        assert(fd.get("f") === file, "a File without a filename is kept as is");
        fd.append("f2", file, "renamed.txt");
        const renamed = fd.get("f2");
        assert(renamed !== file, "a new File");
        eq([renamed.name, renamed.type, renamed.lastModified, await renamed.text()], ["renamed.txt", "a/b", 99, "xyz"]);
        eq(file.name, "orig.txt");
        fd.set("f", blob, "\ud800.bin");
        eq(fd.get("f").name, "\ufffd.bin", "the filename is a USVString");
        fd.append("s", blob, 5);
        eq(fd.get("s").name, "5");
        "#,
    );
}

#[test]
fn iteration_and_shape() {
    check(
        r#"
        throws(() => new FormData({}), TypeError);
        throws(() => new FormData(null), TypeError);
        throws(() => FormData(), TypeError);
        new FormData(undefined);
        const fd = new FormData();
        fd.append("a", "1");
        fd.append("b", new Blob(["x"]));
        const it = fd.entries();
        eq(Object.prototype.toString.call(it), "[object FormData Iterator]");
        eq(Object.prototype.toString.call(fd), "[object FormData]");
        assert(FormData.prototype[Symbol.iterator] === FormData.prototype.entries, "@@iterator is entries");
        const first = it.next();
        eq(first, { value: ["a", "1"], done: false });
        eq([...fd.keys()], ["a", "b"]);
        const values = [...fd.values()];
        eq(values[0], "1");
        assert(values[1] instanceof File, "a File value");
        // Iteration is live: entries appended meanwhile are seen.
        const seen = [];
        for (const [k] of fd) { seen.push(k); if (k === "a") fd.append("c", "3"); }
        eq(seen, ["a", "b", "c"]);
        const calls = [];
        const self = {};
        fd.forEach(function (v, k, o) { calls.push([k, typeof v, o === fd, this === self]); }, self);
        eq(calls, [["a", "string", true, true], ["b", "object", true, true], ["c", "string", true, true]]);
        throws(() => fd.forEach(5), TypeError);
        throws(() => FormData.prototype.get.call({}, "a"), TypeError);
        // `this` is checked before the arguments are converted.
        let converted = false;
        throws(() => FormData.prototype.append.call({}, { toString() { converted = true; return "n"; } }, "v"), TypeError);
        eq(converted, false);
        // A conversion that changes the list is seen by the method.
        const live = new FormData();
        live.append("k", "old");
        live.set("k", { toString() { live.delete("k"); live.append("z", "1"); return "new"; } });
        eq(entries(live), [["z", "1"], ["k", "new"]]);
        throws(() => FormData.prototype.entries.call({}), TypeError);
        throws(() => it.next.call({}), TypeError);
        eq(Object.keys(FormData.prototype).sort(), ["append", "delete", "entries", "forEach", "get", "getAll", "has", "keys", "set", "values"]);
        eq(Reflect.ownKeys(fd), []);
        "#,
    );
}

#[test]
fn form_data_inspects() {
    let lines = check(
        r#"
        const fd = new FormData();
        console.log(fd);
        fd.append("a", "1");
        fd.append("f", new File(["xy"], "f.txt", { lastModified: 1 }));
        console.log(fd);
        "#,
    );
    assert_eq!(
        lines,
        [
            "FormData {}",
            "FormData { 'a' => '1', 'f' => File { size: 2, type: '', name: 'f.txt', lastModified: 1 } }"
        ]
    );
}

#[test]
fn multipart_serialization_follows_html() {
    check(
        r#"
        const fd = new FormData();
        fd.append("field", "line1\nline2\rline3\r\nend");
        fd.append("we\"ird\nna\rme", "v");
        fd.append("file", new File(["data"], "a\"b\nc\rd.txt", { type: "text/plain" }));
        fd.append("untyped", new Blob([new Uint8Array([0, 255])]));
        fd.append("caf\u00e9", "\u20ac");
        const res = new Response(fd);
        const type = res.headers.get("content-type");
        const m = /^multipart\/form-data; boundary=(.+)$/.exec(type);
        assert(m, `Content-Type ${type}`);
        const boundary = m[1];
        assert(/^[0-9A-Za-z'()+_,\-.\/:=?]{1,70}$/.test(boundary), "an RFC 2046 boundary");
        const bytes = await res.bytes();
        const body = new TextDecoder().decode(bytes);
        // The file's bytes go in as they are (0xFF, invalid UTF-8, shows as U+FFFD above).
        const at = bytes.findIndex((b, j) => b === 0 && bytes[j + 1] === 0xff);
        eq([...bytes.subarray(at - 2, at + 4)], [13, 10, 0, 0xff, 13, 10]);
        eq(body,
          `--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\nline1\r\nline2\r\nline3\r\nend\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="we%22ird%0D%0Ana%0D%0Ame"\r\n\r\nv\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a%22b%0Ac%0Dd.txt"\r\nContent-Type: text/plain\r\n\r\ndata\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="untyped"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\ufffd\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="caf\u00e9"\r\n\r\n\u20ac\r\n` +
          `--${boundary}--\r\n`);
        // Each body gets its own boundary.
        const other = new Response(fd).headers.get("content-type");
        assert(other !== type, "a fresh boundary");
        const empty = new Response(new FormData());
        const eb = /boundary=(.+)$/.exec(empty.headers.get("content-type"))[1];
        eq(await empty.text(), `--${eb}--\r\n`);
        const req = new Request("http://example.com/", { method: "POST", body: fd, headers: { "content-type": "x/y" } });
        eq(req.headers.get("content-type"), "x/y", "an explicit Content-Type is kept");
        "#,
    );
}

#[test]
fn form_data_round_trips_through_bodies() {
    check(
        r#"
        const fd = new FormData();
        fd.append("plain", "value");
        fd.append("lines", "a\nb\rc");
        fd.append("q\"uo\nte", "x");
        fd.append("empty", "");
        fd.append("file", new File(["file body\r\n--not a boundary\r\n"], "na\"me\n.txt", { type: "Text/Plain" }));
        fd.append("blob", new Blob([new Uint8Array([1, 2, 3])]));
        fd.append("emptyfile", new File([], "", { type: "" }));
        fd.append("unicode \u00e9\u{1f600}", "\u{1f600}\ufeff");
        const back = await new Response(fd).formData();
        assert(back instanceof FormData, "a FormData");
        eq(entries(back), [
          ["plain", "value"],
          ["lines", "a\r\nb\r\nc"],
          ["q\"uo\r\nte", "x"],
          ["empty", ""],
          ["file", { file: "na\"me\n.txt", type: "text/plain", size: 29 }],
          ["blob", { file: "blob", type: "application/octet-stream", size: 3 }],
          ["emptyfile", { file: "", type: "application/octet-stream", size: 0 }],
          ["unicode \u00e9\u{1f600}", "\u{1f600}\ufeff"],
        ]);
        eq(await back.get("file").text(), "file body\r\n--not a boundary\r\n");
        eq([...await back.get("blob").bytes()], [1, 2, 3]);
        // The same through a Request, and through a clone.
        const req = new Request("http://example.com/", { method: "POST", body: fd });
        const fromClone = await req.clone().formData();
        eq(entries(fromClone), entries(back));
        eq(entries(await req.formData()), entries(back));
        // A URLSearchParams body parses back too.
        const params = new URLSearchParams([["a", "1"], ["b", "x y&z"], ["a", "\u00e9"]]);
        eq(entries(await new Response(params).formData()), [["a", "1"], ["b", "x y&z"], ["a", "\u00e9"]]);
        "#,
    );
}

#[test]
fn parses_hand_written_multipart_bodies() {
    check(
        r#"
        // HTML 4.01 §17.13.4.2 (the example RFC 7578 builds on).
        let fd = await post(crlf(`--AaB03x
Content-Disposition: form-data; name="submit-name"

Larry
--AaB03x
Content-Disposition: form-data; name="files"; filename="file1.txt"
Content-Type: text/plain

... contents of file1.txt ...
--AaB03x--
`), "multipart/form-data; boundary=AaB03x").formData();
        eq(entries(fd), [["submit-name", "Larry"], ["files", { file: "file1.txt", type: "text/plain", size: 29 }]]);
        eq(await fd.get("files").text(), "... contents of file1.txt ...");
        // RFC 7578 §4.5: a charset and a Content-Transfer-Encoding are not applied; a
        // field is always UTF-8 (Fetch §5.3).
        fd = await post(crlf(`--AaB03x
content-disposition: form-data; name="field1"
content-type: text/plain;charset=UTF-8
content-transfer-encoding: quoted-printable

Joe owes =E2=82=AC100.
--AaB03x--`), "multipart/form-data; boundary=AaB03x").formData();
        eq(entries(fd), [["field1", "Joe owes =E2=82=AC100."]]);
        // A preamble, transport padding after a delimiter, header case, an unquoted
        // name, a file with no Content-Type (text/plain, RFC 7578 §4.4), an epilogue.
        fd = await post(crlf(`This is the preamble.
--b  \t
CONTENT-DISPOSITION: Form-Data; name=bare ; filename="f.bin"

\u00ff\u00fe
--b
Content-Disposition: form-data;name="x";  filename="y"; name="ignored"
Content-Type: Image/PNG

png
--b--
epilogue --b
`), "Multipart/Form-Data; Boundary=b; charset=utf-8").formData();
        eq(entries(fd), [["bare", { file: "f.bin", type: "text/plain", size: 4 }], ["x", { file: "y", type: "image/png", size: 3 }]]);
        // Escapes in names come back; anything else percent-encoded stays.
        fd = await post(crlf(`--z
Content-Disposition: form-data; name="a%22b%0Ac%0d%41"; filename="%22q%22.txt"

v
--z--`), "multipart/form-data; boundary=z").formData();
        eq(entries(fd), [["a\"b\nc\r%41", { file: "\"q\".txt", type: "text/plain", size: 1 }]]);
        // A quoted boundary parameter, and a boundary-like line that is not one.
        fd = await post(crlf(`--a b
Content-Disposition: form-data; name="t"

--a bc
--a b--`), "multipart/form-data; boundary=\"a b\"").formData();
        eq(entries(fd), [["t", "--a bc"]]);
        // Invalid UTF-8 in a field becomes U+FFFD; a BOM is kept.
        const raw = new Uint8Array([...new TextEncoder().encode(crlf(`--q
Content-Disposition: form-data; name="n"

`)), 0xef, 0xbb, 0xbf, 0x61, 0xc3, 0x28, ...new TextEncoder().encode("\r\n--q--")]);
        fd = await post(raw, "multipart/form-data; boundary=q").formData();
        eq(fd.get("n"), "\ufeffa\ufffd(");
        // No parts at all.
        fd = await post("--q--\r\n", "multipart/form-data; boundary=q").formData();
        eq(entries(fd), []);
        "#,
    );
}

#[test]
fn malformed_multipart_bodies_reject_with_type_error() {
    check(
        r#"
        const part = crlf(`--b
Content-Disposition: form-data; name="a"

1
`);
        const bad = [
          [part + "--b--", "multipart/form-data", "no boundary parameter"],
          [part + "--b--", "multipart/form-data; boundary=", "an empty boundary"],
          [part + "--b--", "multipart/form-data; boundary=c", "a boundary that never appears"],
          [part, "multipart/form-data; boundary=b", "no closing delimiter"],
          [part.slice(0, 20), "multipart/form-data; boundary=b", "truncated headers"],
          [crlf(`--b
Content-Disposition: form-data; name="a"

1`), "multipart/form-data; boundary=b", "truncated content"],
          [crlf(`--b
Content-Disposition: form-data

1
--b--`), "multipart/form-data; boundary=b", "a part without a name"],
          [crlf(`--b
Content-Type: text/plain

1
--b--`), "multipart/form-data; boundary=b", "a part without Content-Disposition"],
          [crlf(`--b
Content-Disposition: attachment; name="a"

1
--b--`), "multipart/form-data; boundary=b", "not form-data"],
          [crlf(`--b
Content-Disposition: form-data; name="a

1
--b--`), "multipart/form-data; boundary=b", "an unterminated quoted name"],
          [crlf(`--b
No colon here

1
--b--`), "multipart/form-data; boundary=b", "a header line without a colon"],
          [crlf(`--b
Bad Name: x
Content-Disposition: form-data; name="a"

1
--b--`), "multipart/form-data; boundary=b", "an invalid header name"],
          ["--bxyz\r\n", "multipart/form-data; boundary=b", "no delimiter line"],
          ["", "multipart/form-data; boundary=b", "an empty body"],
          ["a=1", "text/plain", "an unsupported type"],
          [new TextEncoder().encode("a=1"), undefined, "no Content-Type"],
          ["a=1", "multipart/mixed; boundary=b", "another multipart type"],
        ];
        const REASONS = {
          "no boundary parameter": "has no boundary",
          "an empty boundary": "has no boundary",
          "a boundary that never appears": "no boundary delimiter found",
          "no closing delimiter": "no closing boundary delimiter",
          "truncated headers": "headers are truncated",
          "truncated content": "no closing boundary delimiter",
          "a part without a name": "no Content-Disposition name",
          "a part without Content-Disposition": "no Content-Disposition name",
          "not form-data": "is not form-data",
          "an unterminated quoted name": "unterminated quoted string",
          "a header line without a colon": "without a colon",
          "an invalid header name": "invalid header name",
          "no delimiter line": "no boundary delimiter found",
          "an empty body": "no boundary delimiter found",
          "an unsupported type": "unsupported Content-Type",
          "no Content-Type": "unsupported Content-Type",
          "another multipart type": "unsupported Content-Type",
        };
        for (const [body, type, why] of bad) {
          const e = await rejects(post(body, type).formData(), TypeError);
          assert(e.message.includes(REASONS[why]), `${why}: ${e.message}`);
        }
        // A rejected formData() still used up the body.
        const r = post("x", "text/plain");
        await rejects(r.formData(), TypeError);
        eq(r.bodyUsed, true);
        // Bodies with random bytes never crash the parser.
        for (let seed = 1; seed < 40; seed++) {
          const junk = pattern(200 + seed * 13, seed);
          junk.set(new TextEncoder().encode("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"), seed);
          try { await post(junk, "multipart/form-data; boundary=b").formData(); } catch (e) { assert(e instanceof TypeError, String(e)); }
        }
        "#,
    );
}

#[test]
fn urlencoded_bodies() {
    check(
        r#"
        let fd = await post("a=1&b=%C3%A9&c=+x+&&d&=e&f=%zz&a=2", "application/x-www-form-urlencoded").formData();
        eq(entries(fd), [["a", "1"], ["b", "\u00e9"], ["c", " x "], ["d", ""], ["", "e"], ["f", "%zz"], ["a", "2"]]);
        // Parsed from the bytes: percent-decoding comes before UTF-8 decoding.
        const bytes = new Uint8Array([0x6b, 0x3d, 0xc3, ...new TextEncoder().encode("%A9&x=%FF")]);
        fd = await post(bytes, "application/x-www-form-urlencoded;charset=UTF-8").formData();
        eq(entries(fd), [["k", "\u00e9"], ["x", "\ufffd"]]);
        // A leading "?" is part of the first name (unlike the URLSearchParams constructor).
        fd = await post("?a=1", "Application/X-WWW-Form-Urlencoded").formData();
        eq(entries(fd), [["?a", "1"]]);
        fd = await post("", "application/x-www-form-urlencoded").formData();
        eq(entries(fd), []);
        // The MIME type is found as Fetch extracts it.
        fd = await post("z=1", "text/plain, application/x-www-form-urlencoded").formData();
        eq(fd.get("z"), "1");
        "#,
    );
}

#[test]
fn twenty_megabyte_file_in_a_multipart_body_both_ways() {
    check(
        r#"
        const SIZE = 20 << 20;
        const data = pattern(SIZE, 11);
        // Outgoing: FormData with a 20 MB file, serialized.
        let fd = new FormData();
        fd.append("before", "x");
        fd.append("big", new File([data.subarray(0, 1000), data.subarray(1000)], "big.bin", { type: "application/octet-stream" }));
        fd.append("after", "y");
        let res = new Response(fd);
        const boundary = /boundary=(.+)$/.exec(res.headers.get("content-type"))[1];
        let body = await res.bytes();
        res = fd = null;
        const head = new TextEncoder().encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="before"\r\n\r\nx\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="big"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
        const tail = new TextEncoder().encode(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="after"\r\n\r\ny\r\n--${boundary}--\r\n`);
        eq(body.length, head.length + SIZE + tail.length);
        assert(sameBytes(body.subarray(0, head.length), head), "the head");
        assert(sameBytes(body.subarray(head.length, head.length + SIZE), data), "the file's bytes");
        assert(sameBytes(body.subarray(head.length + SIZE), tail), "the tail");
        // Incoming: the serialized body parsed back.
        fd = await post(body, `multipart/form-data; boundary=${boundary}`).formData();
        body = null;
        eq(entries(fd), [["before", "x"], ["big", { file: "big.bin", type: "application/octet-stream", size: SIZE }], ["after", "y"]]);
        assert(sameBytes(await fd.get("big").bytes(), data), "the parsed file's bytes");
        // A hand-built body with the data in it, boundary-like bytes included.
        fd = null;
        data.set(new TextEncoder().encode("\r\n--XYZ-not-quite\r\n"), 5000);
        const parts = [
          new TextEncoder().encode("--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"d\"\r\n\r\n"),
          data,
          new TextEncoder().encode("\r\n--XYZ--\r\n"),
        ];
        fd = await post(new Blob(parts), "multipart/form-data; boundary=XYZ").formData();
        assert(sameBytes(await fd.get("f").bytes(), data), "a file holding lines that start like the boundary");
        "#,
    );
}

/// Builds the same form in either runtime and describes a FormData in plain JSON
/// (file bytes as base64); portable between NANO and deno.
const INTEROP: &str = r#"
function toB64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(s);
}
function fromB64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
function buildForm() {
  const bin = new Uint8Array(70000);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 31 + (i >> 8)) & 255;
  bin.set([13, 10, 45, 45, 45, 45], 1000);
  const fd = new FormData();
  fd.append("text", "h\u00e9llo \u20ac");
  fd.append("multi", "l1\r\nl2");
  fd.append("bin", new File([bin], "data.bin", { type: "application/x-test" }));
  fd.append("blob", new Blob(["plain"], { type: "text/plain" }));
  fd.append("empty", new File([], "e.txt", { type: "text/plain" }));
  fd.append("uni \u00fc", new File(["\u00fc"], "\u00fcn\u00ef.txt", { type: "text/plain" }));
  fd.append("text", "second");
  return fd;
}
async function describe(fd) {
  const out = [];
  for (const [k, v] of fd) {
    out.push([k, typeof v === "string" ? v : { name: v.name, type: v.type, size: v.size, bytes: toB64(new Uint8Array(await v.arrayBuffer())) }]);
  }
  return JSON.stringify(out);
}
async function serialize(fd) {
  const r = new Response(fd);
  console.log(r.headers.get("content-type"));
  console.log(toB64(new Uint8Array(await r.arrayBuffer())));
}
async function parse(contentType, b64) {
  const fd = await new Response(fromB64(b64), { headers: { "content-type": contentType } }).formData();
  console.log(await describe(fd));
}
"#;

#[test]
fn multipart_bodies_interoperate_with_deno() {
    let ours = support::check(&format!(
        "{INTEROP}\nconst fd = buildForm();\nconsole.log(await describe(fd));\nawait serialize(fd);"
    ));
    let [described, content_type, body] = &ours[..] else {
        panic!("unexpected output: {ours:#?}");
    };
    let Some(deno) = support::find_deno() else {
        eprintln!("formdata: no deno binary found (set NANO_DENO); skipping the interop check");
        return;
    };
    // deno parses NANO's body, and serializes the same form for NANO to parse.
    let theirs = support::run_deno(
        &deno,
        "formdata",
        &format!(
            "{INTEROP}\nawait parse(\"{content_type}\", \"{body}\");\nconst fd = buildForm();\nconsole.log(await describe(fd));\nawait serialize(fd);"
        ),
    );
    let [parsed_by_deno, deno_described, deno_type, deno_body] = &theirs[..] else {
        panic!("unexpected deno output: {theirs:#?}");
    };
    same(parsed_by_deno, described, "deno reads NANO's body");
    same(deno_described, described, "both build the same form");
    assert!(deno_body != body, "the boundaries differ, so the bodies do");
    let parsed_by_us = support::check(&format!(
        "{INTEROP}\nawait parse(\"{deno_type}\", \"{deno_body}\");"
    ));
    assert_eq!(parsed_by_us.len(), 1);
    same(&parsed_by_us[0], described, "NANO reads deno's body");
}

/// Asserts two long lines are equal, showing only where they first differ.
fn same(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let at = actual
        .char_indices()
        .zip(expected.chars())
        .find(|((_, a), b)| a != b)
        .map_or(actual.len().min(expected.len()), |((i, _), _)| i);
    let from = actual[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let show = |s: &str| {
        s.get(from..)
            .unwrap_or("")
            .chars()
            .take(160)
            .collect::<String>()
    };
    panic!(
        "{what}: they differ at {at}\n  actual:   …{}\n  expected: …{}",
        show(actual),
        show(expected)
    );
}
