//! Blob and File (W3C File API §3, §4): construction from every kind of part, the
//! getters, slice(), the readers (text, arrayBuffer, bytes, stream), a 20 MB blob built
//! from many parts, and Blob bodies of Request and Response.

mod support;

/// Helpers for comparing large byte arrays without a byte loop in JS (too slow in an
/// interpreter): `pattern(n)` makes n bytes in which every 4 KiB block is stamped with
/// its index, so a lost, doubled or moved block shows; `sameBytes(a, b)` compares two
/// arrays exactly, 1 MiB at a time, through native base64.
const BYTES: &str = r#"
// Compares a stream's chunks with `data` as they arrive, keeping none of them.
async function streamMatches(stream, data, maxChunk) {
  let offset = 0;
  for await (const c of stream) {
    assert(c instanceof Uint8Array, "chunks are Uint8Array");
    assert(c.length > 0 && c.length <= maxChunk, `chunk of ${c.length} bytes`);
    if (!sameBytes(c, data.subarray(offset, offset + c.length))) return false;
    offset += c.length;
  }
  return offset === data.length;
}
async function readStream(stream, maxChunk) {
  const chunks = [];
  let total = 0;
  for await (const c of stream) {
    assert(c instanceof Uint8Array, "chunks are Uint8Array");
    if (maxChunk !== undefined) assert(c.length > 0 && c.length <= maxChunk, `chunk of ${c.length} bytes`);
    chunks.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}
"#;

fn check(body: &str) -> Vec<String> {
    support::check(&format!("{}\n{BYTES}\n{body}", support::BYTE_HELPERS))
}

#[test]
fn blob_from_every_kind_of_part() {
    check(
        r#"
        const bytes = async (b) => [...new Uint8Array(await b.arrayBuffer())];
        eq(await bytes(new Blob()), []);
        eq(await bytes(new Blob([])), []);
        eq(await bytes(new Blob(["a\u00e9"])), [0x61, 0xc3, 0xa9], "strings are UTF-8");
        eq(await bytes(new Blob(["\ud800x"])), [0xef, 0xbf, 0xbd, 0x78], "lone surrogates become U+FFFD");
        eq(await bytes(new Blob([new Uint8Array([1, 2, 3]).buffer])), [1, 2, 3], "ArrayBuffer");
        const buf = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer;
        eq(await bytes(new Blob([new Uint8Array(buf, 2, 3)])), [2, 3, 4], "a view's window only");
        eq(await bytes(new Blob([new Int16Array(buf, 2, 2)])), [2, 3, 4, 5], "Int16Array");
        eq(await bytes(new Blob([new Float64Array([1])])), [0, 0, 0, 0, 0, 0, 0xf0, 0x3f], "Float64Array");
        eq(await bytes(new Blob([new BigInt64Array([-1n])])), [255, 255, 255, 255, 255, 255, 255, 255]);
        eq(await bytes(new Blob([new DataView(buf, 5)])), [5, 6, 7], "DataView");
        eq(await bytes(new Blob([new Uint8ClampedArray([300, -1])])), [255, 0]);
        const inner = new Blob(["xy"]);
        eq(await bytes(new Blob([inner, inner])), [0x78, 0x79, 0x78, 0x79], "Blob parts");
        eq(await bytes(new Blob([new File(["z"], "f")])), [0x7a], "File parts");
        // Everything else is converted to a string.
        eq(await new Blob([1, null, undefined, true, { toString: () => "o" }, [1, 2]]).text(), "1nullundefinedtrueo1,2");
        const mixed = new Blob(["a", new Uint8Array([0x62]), new Blob(["c"]), new Uint16Array([0x6564]).buffer, new DataView(new Uint8Array([0x66]).buffer)]);
        eq(await mixed.text(), "abcdef");
        eq(mixed.size, 6);
        // Any iterable is a sequence.
        eq(await new Blob(new Set(["p", "q"])).text(), "pq");
        eq(await new Blob((function* () { yield "g"; yield new Uint8Array([0x68]); })()).text(), "gh");
        eq(await new Blob({ length: 2, 0: "x", 1: "y", [Symbol.iterator]: Array.prototype[Symbol.iterator] }).text(), "xy");
        // The bytes are copied when the Blob is made: later writes do not show.
        const src = new Uint8Array([1, 2, 3]);
        const ab = new Uint8Array([4, 5]).buffer;
        const copied = new Blob([src, ab]);
        src[0] = 9;
        new Uint8Array(ab)[0] = 9;
        eq(await bytes(copied), [1, 2, 3, 4, 5]);
        // Big parts are copied too.
        const big = new Uint8Array(100000).fill(1);
        const bigBlob = new Blob([big]);
        big.fill(2);
        eq((await bigBlob.bytes())[99999], 1);
        // Conversions happen in order, before any bytes are read.
        const order = [];
        const late = new Uint8Array([0x30]);
        const b2 = new Blob([late, { toString() { order.push("s"); late[0] = 0x31; return "!"; } }]);
        eq(order, ["s"]);
        eq(await b2.text(), "1!", "an earlier buffer's bytes are read after every part was converted");
        "#,
    );
}

#[test]
fn blob_constructor_errors_and_options() {
    check(
        r#"
        for (const bad of [null, "abc", 5, true, Symbol.iterator]) throws(() => new Blob(bad), TypeError);
        throws(() => new Blob({}), TypeError);
        throws(() => new Blob([Symbol("s")]), TypeError);
        throws(() => new Blob({ [Symbol.iterator]: () => 5 }), TypeError);
        throws(() => new Blob({ [Symbol.iterator]: () => ({ next: () => 5 }) }), TypeError);
        // @@iterator is read once.
        let gets = 0;
        const counted = { get [Symbol.iterator]() { gets++; return function* () { yield "a"; }; } };
        eq(await new Blob(counted).text(), "a");
        eq(gets, 1);
        throws(() => Blob(), TypeError);
        throws(() => new Blob([], 5), TypeError);
        throws(() => new Blob([], "x"), TypeError);
        throws(() => new Blob([], { endings: "windows" }), TypeError);
        eq(new Blob([], null).type, "");
        eq(new Blob([], undefined).type, "");
        eq(new Blob([], { type: "Text/HTML;Charset=UTF-8" }).type, "text/html;charset=utf-8", "lower-cased");
        eq(new Blob([], { type: "a\u00e9" }).type, "", "non-ASCII type is dropped");
        eq(new Blob([], { type: "a\tb" }).type, "", "control characters too");
        eq(new Blob([], { type: " x/y " }).type, " x/y ", "otherwise kept as is");
        eq(new Blob([], { type: 5 }).type, "5");
        // endings: "native" turns CRLF and lone CR into LF; "transparent" keeps them.
        eq(await new Blob(["a\r\nb\rc\nd"], { endings: "native" }).text(), "a\nb\nc\nd");
        eq(await new Blob(["a\r", "\nb"], { endings: "native" }).text(), "a\n\nb", "each string on its own");
        eq(await new Blob(["a\r\nb"], { endings: "transparent" }).text(), "a\r\nb");
        eq([...await new Blob([new Uint8Array([13, 10])], { endings: "native" }).bytes()], [13, 10], "bytes are untouched");
        // Dictionary members are read in order: endings, then type.
        const read = [];
        new Blob([], { get type() { read.push("type"); return ""; }, get endings() { read.push("endings"); return undefined; } });
        eq(read, ["endings", "type"]);
        // A subclass works.
        class MyBlob extends Blob { hello() { return "hi"; } }
        const mine = new MyBlob(["abc"]);
        eq([mine.size, mine.hello(), mine instanceof Blob], [3, "hi", true]);
        eq(await mine.text(), "abc");
        "#,
    );
}

#[test]
fn blob_shape_and_brand_checks() {
    check(
        r#"
        eq(typeof Blob, "function");
        eq(Blob.length, 0);
        eq(File.length, 2);
        eq(Object.getPrototypeOf(File), Blob);
        const b = new Blob(["x"]);
        eq(Object.prototype.toString.call(b), "[object Blob]");
        eq(Object.prototype.toString.call(new File([], "f")), "[object File]");
        eq(Object.prototype.toString.call(Blob.prototype), "[object Blob]");
        eq(Object.keys(Blob.prototype).sort(), ["arrayBuffer", "bytes", "size", "slice", "stream", "text", "type"]);
        eq(Object.keys(File.prototype).sort(), ["lastModified", "name"]);
        const size = Object.getOwnPropertyDescriptor(Blob.prototype, "size").get;
        throws(() => size.call({}), TypeError);
        throws(() => Blob.prototype.slice.call({}), TypeError);
        throws(() => Blob.prototype.stream.call({}), TypeError);
        throws(() => Object.getOwnPropertyDescriptor(File.prototype, "name").get.call(b), TypeError);
        await rejects(Blob.prototype.text.call({}), TypeError);
        await rejects(Blob.prototype.arrayBuffer.call(null), TypeError);
        await rejects(Blob.prototype.bytes.call(new Uint8Array(1)), TypeError);
        // Nothing of the bytes is reachable from the object.
        eq(Reflect.ownKeys(b), []);
        eq(Reflect.ownKeys(new File([], "n")), []);
        // A Blob is immutable (and modules are strict code).
        throws(() => { b.size = 10; }, TypeError);
        eq(b.size, 1);
        "#,
    );
}

#[test]
fn blob_inspects_like_node() {
    let lines = check(
        r#"
        console.log(new Blob(["abc"], { type: "text/plain" }));
        console.log(new File(["ab"], "n.txt", { lastModified: 42 }));
        "#,
    );
    assert_eq!(
        lines,
        [
            "Blob { size: 3, type: 'text/plain' }",
            "File { size: 2, type: '', name: 'n.txt', lastModified: 42 }"
        ]
    );
}

#[test]
fn file_name_and_last_modified() {
    check(
        r#"
        throws(() => new File(), TypeError);
        throws(() => new File(["a"]), TypeError);
        throws(() => new File(null, "x"), TypeError);
        const before = Date.now();
        const f = new File(["abc"], "a/b\ud800.txt", { type: "TEXT/PLAIN" });
        const after = Date.now();
        assert(f instanceof File && f instanceof Blob);
        eq(f.name, "a/b\ufffd.txt", "the name is a USVString, slashes kept");
        eq(f.type, "text/plain");
        eq(f.size, 3);
        assert(f.lastModified >= before && f.lastModified <= after, "lastModified defaults to now");
        eq(new File([], "n", { lastModified: 123 }).lastModified, 123);
        eq(new File([], "n", { lastModified: -5 }).lastModified, -5);
        eq(new File([], "n", { lastModified: 1.9 }).lastModified, 1, "long long truncates");
        eq(new File([], "n", { lastModified: NaN }).lastModified, 0);
        eq(new File([], "n", { lastModified: "77" }).lastModified, 77);
        eq(new File([], "n", { lastModified: new Date(2000, 0, 1) }).lastModified, new Date(2000, 0, 1).getTime());
        eq(new File([], 12).name, "12");
        eq(await new File(["a\r\n"], "n", { endings: "native" }).text(), "a\n");
        // FilePropertyBag members: BlobPropertyBag's first (endings, type), then lastModified.
        const read = [];
        new File([], "n", {
          get lastModified() { read.push("lastModified"); return 1; },
          get type() { read.push("type"); return ""; },
          get endings() { read.push("endings"); return undefined; },
        });
        eq(read, ["endings", "type", "lastModified"]);
        // slice() of a File is a plain Blob.
        const s = f.slice(1);
        assert(!(s instanceof File) && s instanceof Blob, "slice gives a Blob");
        eq(await s.text(), "bc");
        eq(s.type, "");
        "#,
    );
}

#[test]
fn slice_positions_and_content_type() {
    check(
        r#"
        const b = new Blob(["0123", new Uint8Array([0x34, 0x35, 0x36]), "789"], { type: "text/plain" });
        const cases = [
          [[], "0123456789"],
          [[2], "23456789"],
          [[-3], "789"],
          [[2, 5], "234"],
          [[-5, -2], "567"],
          [[3, -3], "3456"],
          [[5, 2], ""],
          [[-2, -5], ""],
          [[100], ""],
          [[-100], "0123456789"],
          [[0, 100], "0123456789"],
          [[-100, 3], "012"],
          [[NaN, NaN], ""],
          [[undefined, undefined], "0123456789"],
          [[2.9, 4.2], "3", "[Clamp] rounds: 3 to 4"],
          [[-2.9], "789", "[Clamp] rounds: -3"],
          [["3", "5"], "34"],
          [[Infinity], "", "[Clamp]: Infinity clamps to the largest long long"],
          [[2 ** 63], "", "[Clamp]: 2^63 clamps to the largest long long"],
          [[2 ** 64 + 2 ** 13], "", "2^64 + 8192 is 8192"],
          [[0, -0], ""],
        ];
        for (const [args, want, msg] of cases) {
          const s = b.slice(...args);
          eq(await s.text(), want, msg ?? `slice(${args.join(", ")})`);
          eq(s.size, want.length);
        }
        eq(b.slice().type, "", "a slice has no type unless given");
        eq(b.slice(0, 1, "Image/PNG").type, "image/png");
        eq(b.slice(0, 1, "\u0100").type, "");
        eq(b.slice(0, 1, undefined).type, "");
        eq(b.slice(0, 1, null).type, "null");
        // Slices of slices, across part boundaries.
        const s1 = b.slice(2, 9);
        eq(await s1.slice(1, -1).text(), "34567");
        eq(await s1.slice(-2).text(), "78");
        eq(await new Blob([s1, b.slice(0, 2)]).text(), "2345678" + "01");
        eq(await b.slice(3, 7).slice(1, 2).text(), "4");
        "#,
    );
}

#[test]
fn readers_text_array_buffer_bytes() {
    check(
        r#"
        const b = new Blob(["h\u00e9", new Uint8Array([0xff, 0x41])]);
        const t = b.text();
        assert(t instanceof Promise, "text() is a promise");
        eq(await t, "h\u00e9\ufffdA", "invalid UTF-8 becomes U+FFFD");
        eq(await new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61])]).text(), "a", "a leading BOM is dropped");
        eq(await new Blob([new Uint8Array([0xf0, 0x9f, 0x98])]).text(), "\ufffd", "a truncated sequence is one U+FFFD");
        const ab = await b.arrayBuffer();
        assert(ab instanceof ArrayBuffer, "an ArrayBuffer");
        eq(ab.byteLength, 5);
        const u = await b.bytes();
        assert(u instanceof Uint8Array, "a Uint8Array");
        eq([...u], [0x68, 0xc3, 0xa9, 0xff, 0x41]);
        // Every read gets its own copy: writing to it changes nothing.
        u[0] = 0;
        new Uint8Array(ab)[0] = 0;
        eq((await b.bytes())[0], 0x68);
        const one = new Blob([new Uint8Array([1, 2])]);
        (await one.bytes())[0] = 9;
        new Uint8Array(await one.arrayBuffer())[1] = 9;
        eq([...await one.bytes()], [1, 2], "single-part blobs too");
        eq(await new Blob().text(), "");
        eq((await new Blob().arrayBuffer()).byteLength, 0);
        "#,
    );
}

#[test]
fn stream_yields_bounded_copies() {
    check(
        r#"
        const data = pattern(200000);
        const b = new Blob([data.subarray(0, 5), data.subarray(5, 150000), data.subarray(150000)]);
        const s = b.stream();
        assert(s instanceof ReadableStream, "a ReadableStream");
        const back = await readStream(s, 65536);
        assert(sameBytes(back, data), "the stream carries the bytes");
        const tweaked = data.slice();
        tweaked[123456] ^= 1;
        assert(!sameBytes(tweaked, data), "the comparison sees one changed bit");
        // Each stream is new; reading one does not affect the blob.
        const reader = b.stream().getReader();
        const { value } = await reader.read();
        value.fill(0);
        reader.releaseLock();
        assert(sameBytes(await b.bytes(), data), "chunks are copies");
        // An empty blob's stream is closed at once.
        const empty = await new Blob().stream().getReader().read();
        eq(empty, { done: true });
        // A stream can be cancelled part way.
        const r2 = new Blob([pattern(65536 * 4)]).stream().getReader();
        eq((await r2.read()).value.length, 65536);
        await r2.cancel();
        eq(await r2.read(), { done: true });
        "#,
    );
}

#[test]
fn twenty_megabytes_from_many_parts_round_trip() {
    check(
        r#"
        const SIZE = 20 << 20;
        const data = pattern(SIZE);
        // Cut into parts of many sizes, each given as a different kind of BlobPart.
        const sizes = [1, 7, 100, 1000, 4096, 65535, 65536, 65537, 300000];
        const parts = [];
        let offset = 0;
        for (let i = 0; offset < SIZE; i++) {
          const n = Math.min(sizes[i % sizes.length], SIZE - offset);
          const piece = data.subarray(offset, offset + n);
          switch (i % 5) {
            case 0: parts.push(piece); break;
            case 1: parts.push(piece.slice().buffer); break;
            case 2: parts.push(new DataView(data.buffer, offset, n)); break;
            case 3: parts.push(new Blob([piece])); break;
            case 4: parts.push(n % 2 === 0 ? new Uint16Array(piece.slice().buffer) : piece); break;
          }
          offset += n;
        }
        let blob = new Blob(parts, { type: "application/octet-stream" });
        parts.length = 0;
        eq(blob.size, SIZE);
        assert(sameBytes(new Uint8Array(await blob.arrayBuffer()), data), "arrayBuffer() returns the bytes");
        assert(await streamMatches(blob.stream(), data, 65536), "stream() returns the bytes");
        // A slice deep inside, across many parts.
        const s = blob.slice(1234567, -7654321);
        assert(sameBytes(await s.bytes(), data.subarray(1234567, SIZE - 7654321)), "slice() returns the bytes");
        // A blob of blobs of the big blob.
        const halves = new Blob([blob.slice(0, SIZE / 2), blob.slice(SIZE / 2)]);
        assert(sameBytes(await halves.bytes(), data), "re-joined slices");
        "#,
    );
}

#[test]
fn twenty_megabytes_of_strings() {
    check(
        r#"
        // 20 MB as 20,480 strings of 1 KiB, with a multi-byte character in each.
        const piece = "\u00e9" + "x".repeat(1022);
        const parts = new Array(20480).fill(piece);
        const blob = new Blob(parts);
        eq(blob.size, 20 << 20);
        const text = await blob.text();
        eq(text.length, 20480 * 1023);
        assert(text === parts.join(""), "text() round-trips");
        "#,
    );
}

#[test]
fn blob_bodies_of_requests_and_responses() {
    check(
        r#"
        const blob = new Blob(["hello ", new Uint8Array([0x77])], { type: "Text/Plain;Charset=UTF-8" });
        const req = new Request("http://example.com/", { method: "POST", body: blob });
        eq(req.headers.get("content-type"), "text/plain;charset=utf-8", "the blob's type");
        eq(await req.text(), "hello w");
        const untyped = new Request("http://example.com/", { method: "POST", body: new Blob(["x"]) });
        eq(untyped.headers.get("content-type"), null, "no type, no Content-Type");
        const given = new Request("http://example.com/", { method: "POST", body: blob, headers: { "content-type": "x/y" } });
        eq(given.headers.get("content-type"), "x/y", "an explicit Content-Type wins");
        // A body's bytes are its own: reading them out leaves the blob as it was.
        const res = new Response(blob);
        eq(res.headers.get("content-type"), "text/plain;charset=utf-8");
        const bytes = await res.bytes();
        bytes.fill(0);
        eq(await blob.text(), "hello w");
        // body.blob(): the body's MIME type, serialized.
        const back = await new Response(blob).blob();
        assert(back instanceof Blob && !(back instanceof File), "a Blob");
        eq(back.type, "text/plain;charset=utf-8");
        eq(await back.text(), "hello w");
        const cases = [
          [undefined, ""],
          ["text/html; charset=\"UTF-8\"", "text/html;charset=UTF-8"],
          ["TEXT/HTML ;A=B", "text/html;a=B"],
          ["nonsense", ""],
          ["text/plain;charset=gbk, text/html", "text/html"],
          ["text/html;charset=gbk;a=b, text/html;x=y", "text/html;x=y;charset=gbk"],
          ["text/html;charset=gbk;a=b, text/html;x=y, */*", "text/html;x=y;charset=gbk"],
          ["text/html, x/x;charset=gbk", "x/x;charset=gbk"],
          ["a/b;p=\"q,r\"", "a/b;p=\"q,r\""],
          ["a/b;p=\"x\\\"y\"", "a/b;p=\"x\\\"y\""],
          ["a/b;p=", "a/b"],
        ];
        for (const [type, want] of cases) {
          const headers = type === undefined ? {} : { "content-type": type };
          const r = new Response(new Uint8Array([1]), { headers });
          eq((await r.blob()).type, want, `blob() type for ${type}`);
        }
        const fromText = await new Response("caf\u00e9").blob();
        eq(fromText.type, "text/plain;charset=UTF-8", "parameter values keep their case");
        eq(fromText.size, 5);
        // A body read twice is an error, as for every other reader.
        const once = new Response("x");
        await once.blob();
        await rejects(once.blob(), TypeError);
        // Cloned bodies give independent blobs.
        const orig = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2])); c.close(); } }));
        const copy = orig.clone();
        const [b1, b2] = [await orig.blob(), await copy.arrayBuffer()];
        new Uint8Array(b2)[0] = 9;
        eq([...await b1.bytes()], [1, 2]);
        "#,
    );
}

#[test]
fn twenty_megabyte_blob_body_both_ways() {
    check(
        r#"
        const data = pattern(20 << 20, 3);
        const blob = new Blob([data, "tail"]);
        const res = new Response(blob);
        const back = await res.blob();
        eq(back.size, (20 << 20) + 4);
        assert(sameBytes(await back.slice(0, 20 << 20).bytes(), data), "the bytes round-trip");
        eq(await back.slice(-4).text(), "tail");
        const req = new Request("http://example.com/", { method: "PUT", body: blob });
        assert(sameBytes((await req.bytes()).subarray(0, 20 << 20), data), "as a request body");
        "#,
    );
}

#[test]
fn blob_urls_resolve_for_fetch_until_revoked() {
    check(
        r##"
        const b = new Blob(["Blob's data"], { type: "text/plain" });
        const u = URL.createObjectURL(b);
        assert(/^blob:null\/[0-9a-f-]{36}$/.test(u), u);
        const r = await fetch(u);
        eq([r.status, r.headers.get("content-type"), r.headers.get("content-length")], [200, "text/plain", "11"]);
        eq(await r.text(), "Blob's data");
        eq(await (await fetch(new Request(u + "#part"))).text(), "Blob's data", "the fragment is ignored");
        await rejects(fetch(u, { method: "POST", body: "x" }), TypeError);
        URL.revokeObjectURL(u);
        await rejects(fetch(u), TypeError);
        throws(() => URL.createObjectURL("not a blob"), TypeError);
        throws(() => URL.createObjectURL(), TypeError);
        // Another app (isolate) cannot resolve this one's URLs: the store is per isolate,
        // and a made-up URL is refused like a revoked one.
        await rejects(fetch("blob:null/00000000-0000-0000-0000-000000000000"), TypeError);
        "##,
    );
}
