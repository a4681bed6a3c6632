//! WHATWG Streams beyond the basics: byte streams and BYOB readers, async iteration and
//! ReadableStream.from, tee, WritableStream, TransformStream, pipes, queuing strategies,
//! text and compression streams, and bodies as byte streams.

use std::io::{Read, Write};

use base64::Engine;

mod support;

#[test]
fn byob_reader_fills_the_callers_buffer() {
    support::check(
        r#"
        let pulls = 0;
        const s = new ReadableStream({
          type: "bytes",
          pull(c) {
            pulls++;
            const req = c.byobRequest;
            assert(req !== null, "a BYOB read makes a byobRequest");
            const v = req.view;
            eq(v.constructor.name, "Uint8Array");
            for (let i = 0; i < 3; i++) v[i] = 10 + i;
            req.respond(3);
          },
        });
        const reader = s.getReader({ mode: "byob" });
        eq(Object.prototype.toString.call(reader), "[object ReadableStreamBYOBReader]");
        const buf = new ArrayBuffer(8);
        const { value, done } = await reader.read(new Uint8Array(buf, 2, 4));
        eq(done, false);
        eq([...value], [10, 11, 12]);
        eq([value.byteOffset, value.buffer.byteLength], [2, 8], "same region of the same-sized buffer");
        eq(buf.byteLength, 0, "the caller's buffer was transferred");
        // min: wait until at least 2 Uint16 elements (4 bytes) are there.
        // min: 2 Uint16 elements (4 bytes) at least; one pull gives 3 bytes, so it takes
        // two, and the 6 bytes make 3 whole elements.
        const r2 = await reader.read(new Uint16Array(4), { min: 2 });
        eq(r2.value.length, 3);
        eq(pulls, 3, "pulled until min was met");
        await rejects(reader.read(new Uint8Array(0)), TypeError);
        await rejects(reader.read(new Uint8Array(4), { min: 5 }), RangeError);
        throws(() => new ReadableStream().getReader({ mode: "byob" }), TypeError);
        "#,
    );
}

#[test]
fn byte_stream_enqueue_respond_with_new_view_and_auto_allocate() {
    support::check(
        r#"
        // enqueue() transfers the chunk's buffer; a default reader gets Uint8Arrays.
        let ctrl;
        const s = new ReadableStream({ type: "bytes", start(c) { ctrl = c; } });
        const chunk = new Uint8Array([1, 2, 3]);
        ctrl.enqueue(chunk);
        eq(chunk.byteLength, 0, "enqueue detached the chunk");
        eq(ctrl.desiredSize, -3, "byte streams count bytes, default high water mark 0");
        const r = s.getReader();
        eq([...(await r.read()).value], [1, 2, 3]);
        ctrl.close();
        eq((await r.read()).done, true);

        // respondWithNewView: the source answers with its own view on the same buffer.
        const s2 = new ReadableStream({
          type: "bytes",
          pull(c) {
            const v = c.byobRequest.view;
            const mine = new Uint8Array(v.buffer, v.byteOffset, 2);
            mine.set([7, 8]);
            c.byobRequest.respondWithNewView(mine);
            c.close();
          },
        });
        const br = s2.getReader({ mode: "byob" });
        eq([...(await br.read(new Uint8Array(5))).value], [7, 8]);
        const end = await br.read(new Uint8Array(5));
        eq([end.done, end.value.byteLength], [true, 0], "after close a BYOB read gets an empty view");

        // autoAllocateChunkSize: default readers get a byobRequest too.
        const s3 = new ReadableStream({
          type: "bytes",
          autoAllocateChunkSize: 16,
          pull(c) {
            const v = c.byobRequest.view;
            eq(v.byteLength, 16);
            v[0] = 42;
            c.byobRequest.respond(1);
            c.close();
          },
        });
        const r3 = s3.getReader();
        const got = await r3.read();
        eq([got.value.length, got.value[0]], [1, 42]);
        throws(() => new ReadableStream({ type: "bytes", autoAllocateChunkSize: 0 }), TypeError);
        throws(() => new ReadableStream({ type: "bytes" }, { size() { return 1; } }), RangeError);
        "#,
    );
}

#[test]
fn async_iteration_and_from() {
    support::check(
        r#"
        const seen = [];
        for await (const v of ReadableStream.from([1, Promise.resolve(2), 3])) seen.push(v);
        eq(seen, [1, 2, 3], "sync iterables, with promises awaited");
        async function* gen() { yield "a"; yield "b"; }
        const out = [];
        for await (const v of ReadableStream.from(gen())) out.push(v);
        eq(out, ["a", "b"], "async iterables");
        throws(() => ReadableStream.from(5), TypeError);

        // Breaking out of for-await cancels the stream, unless preventCancel.
        let canceled = null;
        const s = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel(r) { canceled = r ?? "canceled"; } });
        for await (const v of s) break;
        eq(canceled, "canceled");
        assert(!s.locked, "the lock is released");
        let canceled2 = false;
        const s2 = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel() { canceled2 = true; } });
        for await (const v of s2.values({ preventCancel: true })) break;
        eq(canceled2, false);
        eq((await s2.getReader().read()).value, 1, "still readable");

        // The iterator's shape (WebIDL async iterator).
        const it = new ReadableStream().values();
        eq(Object.prototype.toString.call(it), "[object ReadableStream AsyncIterator]");
        const asyncIteratorProto = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})())));
        assert(Object.getPrototypeOf(Object.getPrototypeOf(it)) === asyncIteratorProto);
        assert(ReadableStream.prototype[Symbol.asyncIterator] === ReadableStream.prototype.values);

        // An iterable that throws errors the stream.
        const bad = ReadableStream.from((function* () { yield 1; throw new SyntaxError("gen"); })());
        const r = bad.getReader();
        eq((await r.read()).value, 1);
        await rejects(r.read(), SyntaxError);
        "#,
    );
}

#[test]
fn tee_branches_are_independent() {
    support::check(
        r#"
        const N = 100;
        let i = 0;
        const src = new ReadableStream({ pull(c) { if (i < N) c.enqueue(i++); else c.close(); } });
        const [a, b] = src.tee();
        // Read one branch to the end before the other starts.
        const fromA = [];
        for await (const v of a) fromA.push(v);
        const fromB = [];
        for await (const v of b) fromB.push(v);
        const expected = Array.from({ length: N }, (_, k) => k);
        eq(fromA, expected);
        eq(fromB, expected, "the slow branch lost and reordered nothing");

        // Cancelling one branch leaves the other running; the source is canceled only
        // when both are, with both reasons.
        let reason = null;
        let j = 0;
        const src2 = new ReadableStream({ pull(c) { if (j < 5) c.enqueue(j++); else c.close(); }, cancel(r) { reason = r; } });
        const [c1, c2] = src2.tee();
        // A branch's cancel settles once the other branch is done too.
        const canceled1 = c1.cancel("one");
        const rest = [];
        for await (const v of c2) rest.push(v);
        eq(rest, [0, 1, 2, 3, 4]);
        await canceled1;
        eq(reason, null, "the source ended without being canceled");
        const src3 = new ReadableStream({ cancel(r) { reason = r; } });
        const [d1, d2] = src3.tee();
        d1.cancel("x");
        await d2.cancel("y");
        eq(reason, ["x", "y"], "composite reason");

        // Errors reach both branches.
        let ctl;
        const [e1, e2] = new ReadableStream({ start(c) { ctl = c; } }).tee();
        ctl.error(new RangeError("boom"));
        await rejects(e1.getReader().read(), RangeError);
        await rejects(e2.getReader().read(), RangeError);

        // Byte streams tee with cloned chunks: changing one branch's bytes leaves the other's.
        const bytes = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
        const [x, y] = bytes.tee();
        const vx = (await x.getReader().read()).value;
        vx[0] = 99;
        const vy = (await y.getReader({ mode: "byob" }).read(new Uint8Array(3))).value;
        eq([...vy], [1, 2, 3]);
        "#,
    );
}

#[test]
fn writable_stream_sink_order_backpressure_and_errors() {
    support::check(
        r#"
        const log = [];
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const ws = new WritableStream({
          async start() { await sleep(5); log.push("start"); },
          async write(chunk) { log.push("write " + chunk + " begins"); await sleep(chunk); log.push("write " + chunk + " ends"); },
          async close() { await sleep(1); log.push("close"); },
        }, new CountQueuingStrategy({ highWaterMark: 2 }));
        const w = ws.getWriter();
        eq(w.desiredSize, 2);
        const p1 = w.write(10), p2 = w.write(1);
        eq(w.desiredSize, 0, "two queued chunks fill the queue");
        let ready = false;
        w.ready.then(() => { ready = true; });
        await sleep(0);
        eq(ready, false, "ready waits for room");
        await Promise.all([p1, p2]);
        assert(ready, "ready resolved as writes completed");
        await w.close();
        eq(log, ["start", "write 10 begins", "write 10 ends", "write 1 begins", "write 1 ends", "close"],
          "each sink promise is awaited before the next call");

        // A failing write errors the stream: later writes and closed reject with it.
        const failing = new WritableStream({ write() { throw new URIError("nope"); } });
        const fw = failing.getWriter();
        await rejects(fw.write("a"), URIError);
        await rejects(fw.write("b"), URIError);
        await rejects(fw.closed, URIError);

        // abort(): queued writes are dropped, the sink's abort gets the reason, signal fires.
        let aborted = null, signalReason = null;
        const slow = new WritableStream({
          start(c) { c.signal.addEventListener("abort", () => { signalReason = c.signal.reason; }); },
          write() { return sleep(20); },
          abort(r) { aborted = r; },
        });
        const sw = slow.getWriter();
        const inFlight = sw.write(1);
        const queued = sw.write(2);
        await sw.abort("stop");
        await rejects(inFlight);
        await rejects(queued);
        eq([aborted, signalReason], ["stop", "stop"]);
        throws(() => new WritableStream({ type: "bytes" }), RangeError);
        "#,
    );
}

#[test]
fn transform_stream_callbacks_and_backpressure() {
    support::check(
        r#"
        const log = [];
        const ts = new TransformStream({
          start(c) { log.push("start"); },
          transform(chunk, c) { log.push("transform " + chunk); c.enqueue(chunk * 2); c.enqueue(chunk * 2 + 1); },
          flush(c) { log.push("flush"); c.enqueue(-1); },
        });
        const w = ts.writable.getWriter();
        const r = ts.readable.getReader();
        w.write(1);
        w.write(2);
        w.close();
        const out = [];
        for (;;) { const { value, done } = await r.read(); if (done) break; out.push(value); }
        eq(out, [2, 3, 4, 5, -1]);
        eq(log, ["start", "transform 1", "transform 2", "flush"]);

        // Backpressure: the readable side's high water mark is 0, so nothing is
        // transformed before someone reads, and each read lets one chunk through.
        let transforms = 0;
        const bp = new TransformStream({ transform(chunk, c) { transforms++; c.enqueue(chunk); } });
        const bw = bp.writable.getWriter();
        bw.write("a");
        bw.write("b");
        await new Promise((r) => setTimeout(r, 10));
        eq(transforms, 0, "no transform while nobody reads");
        eq(bw.desiredSize, -1, "the writable side queues the chunks");
        const br = bp.readable.getReader();
        eq((await br.read()).value, "a");
        await new Promise((r) => setTimeout(r, 10));
        eq(transforms, 1, "one read, one transform");
        eq((await br.read()).value, "b");
        eq(transforms, 2);

        // cancel() on the readable side reaches the transformer and errors the writable.
        let canceledWith = null;
        const ct = new TransformStream({ cancel(r) { canceledWith = r; } });
        await ct.readable.cancel("enough");
        eq(canceledWith, "enough");
        await rejects(ct.writable.getWriter().write(1));

        // terminate() closes the readable side and errors the writable side.
        const tt = new TransformStream({ transform(chunk, c) { c.enqueue(chunk); c.terminate(); } });
        const tw = tt.writable.getWriter();
        tw.write("last").catch(() => {});
        const tr = tt.readable.getReader();
        eq((await tr.read()).value, "last");
        eq((await tr.read()).done, true);
        await rejects(tw.closed, TypeError);
        "#,
    );
}

#[test]
fn pipes_and_their_options() {
    support::check(
        r#"
        const sink = () => {
          const got = { chunks: [], closed: false, aborted: undefined };
          got.stream = new WritableStream({
            write(c) { got.chunks.push(c); },
            close() { got.closed = true; },
            abort(r) { got.aborted = r; },
          });
          return got;
        };
        const from = (items, extra = {}) => {
          let i = 0;
          return new ReadableStream({ pull(c) { if (i < items.length) c.enqueue(items[i++]); else c.close(); }, ...extra });
        };
        // Plain pipe: all chunks, then close.
        let s = sink();
        await from([1, 2, 3]).pipeTo(s.stream);
        eq([s.chunks, s.closed], [[1, 2, 3], true]);
        // preventClose.
        s = sink();
        await from([1]).pipeTo(s.stream, { preventClose: true });
        eq([s.chunks, s.closed, s.stream.locked], [[1], false, false]);
        // Source error aborts the destination, unless preventAbort.
        let ctl;
        s = sink();
        const erroring = new ReadableStream({ start(c) { ctl = c; } });
        const p = erroring.pipeTo(s.stream);
        ctl.error(new RangeError("src"));
        await rejects(p, RangeError);
        assert(s.aborted instanceof RangeError, "abort got the source's error");
        s = sink();
        const erroring2 = new ReadableStream({ start(c) { c.error(new RangeError("src2")); } });
        await rejects(erroring2.pipeTo(s.stream, { preventAbort: true }), RangeError);
        eq(s.aborted, undefined);
        // Destination error cancels the source, unless preventCancel.
        let canceled = null;
        const src = from([1, 2, 3], { cancel(r) { canceled = r; } });
        const bad = new WritableStream({ write() { throw new EvalError("dest"); } });
        await rejects(src.pipeTo(bad), EvalError);
        assert(canceled instanceof EvalError, "the source was canceled with the destination's error");
        canceled = null;
        const src2 = from([1, 2, 3], { cancel(r) { canceled = r; } });
        await rejects(src2.pipeTo(new WritableStream({ write() { throw new EvalError("d2"); } }), { preventCancel: true }), EvalError);
        eq(canceled, null);
        assert(!src2.locked, "the source is unlocked and still readable");
        // An abort signal stops the pipe with its reason.
        const ac = new AbortController();
        s = sink();
        const endless = new ReadableStream({ pull(c) { c.enqueue("x"); return new Promise((r) => setTimeout(r, 1)); } });
        const piping = endless.pipeTo(s.stream, { signal: ac.signal });
        setTimeout(() => ac.abort(new SyntaxError("stop")), 10);
        await rejects(piping, SyntaxError);
        assert(s.aborted instanceof SyntaxError && s.chunks.length > 0);
        await rejects(from([1]).pipeTo(sink().stream, { signal: AbortSignal.abort() }), DOMException);
        // pipeThrough returns the readable side and locks both ends.
        const src3 = from(["a", "b"]);
        const up = src3.pipeThrough(new TransformStream({ transform(c, k) { k.enqueue(c.toUpperCase()); } }));
        assert(src3.locked);
        const all = [];
        for await (const v of up) all.push(v);
        eq(all, ["A", "B"]);
        throws(() => from([]).pipeThrough({ readable: 1, writable: 2 }), TypeError);
        await rejects(from([]).pipeTo("nope"), TypeError);
        "#,
    );
}

#[test]
fn queuing_strategies() {
    support::check(
        r#"
        const b = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
        eq(b.highWaterMark, 16);
        eq(b.size(new Uint8Array(5)), 5);
        const c = new CountQueuingStrategy({ highWaterMark: 3 });
        eq([c.highWaterMark, c.size("anything")], [3, 1]);
        throws(() => new CountQueuingStrategy(), TypeError);
        throws(() => new ByteLengthQueuingStrategy({}), TypeError);
        // A byte-length strategy sizes a readable stream's queue in bytes.
        let ctl;
        new ReadableStream({ start(k) { ctl = k; } }, b);
        ctl.enqueue(new Uint8Array(10));
        eq(ctl.desiredSize, 6);
        // High water mark 0: no pull before a read.
        let pulls = 0;
        const s = new ReadableStream({ pull(k) { pulls++; k.enqueue(1); } }, { highWaterMark: 0 });
        await new Promise((r) => setTimeout(r, 5));
        eq(pulls, 0);
        await s.getReader().read();
        eq(pulls, 1);
        "#,
    );
}

#[test]
fn text_streams_keep_characters_split_across_chunks() {
    support::check(
        r#"
        const encoded = new TextEncoder().encode("añ€😀z");
        // Split every character's bytes across chunks of one byte.
        const chunks = [...encoded].map((b) => new Uint8Array([b]));
        const decoded = ReadableStream.from(chunks).pipeThrough(new TextDecoderStream());
        let text = "";
        for await (const t of decoded) text += t;
        eq(text, "añ€😀z");
        // A surrogate pair split across string chunks encodes as one character.
        const enc = ReadableStream.from(["x\ud83d", "\ude00"]).pipeThrough(new TextEncoderStream());
        const bytes = [];
        for await (const b of enc) bytes.push(...b);
        eq(bytes, [0x78, 0xf0, 0x9f, 0x98, 0x80]);
        // A lone surrogate at the end becomes U+FFFD.
        const lone = ReadableStream.from(["\ud83d"]).pipeThrough(new TextEncoderStream());
        const lb = [];
        for await (const b of lone) lb.push(...b);
        eq(lb, [0xef, 0xbf, 0xbd]);
        // fatal: invalid bytes error the stream.
        const bad = ReadableStream.from([new Uint8Array([0xff])]).pipeThrough(new TextDecoderStream("utf-8", { fatal: true }));
        await rejects(bad.getReader().read(), TypeError);
        const tds = new TextDecoderStream("latin1");
        eq([tds.encoding, tds.fatal, tds.ignoreBOM], ["windows-1252", false, false]);
        eq(new TextEncoderStream().encoding, "utf-8");
        throws(() => new TextDecoderStream("no-such-encoding"), RangeError);
        "#,
    );
}

fn js_output(script: &str) -> String {
    let lines = support::check(script);
    lines.last().cloned().unwrap_or_default()
}

#[test]
fn compression_output_is_read_by_zlib_and_the_reverse() {
    let text = "NANO streams compress. ".repeat(2000);
    for format in ["gzip", "deflate", "deflate-raw", "brotli"] {
        // NANO compresses; flate2 (zlib formats) or brotli decompresses.
        let b64 = js_output(&format!(
            r#"
            const input = new TextEncoder().encode({text:?});
            const out = await new Response(ReadableStream.from([input.slice(0, 1000), input.slice(1000)]).pipeThrough(new CompressionStream("{format}"))).bytes();
            console.log(btoa(String.fromCharCode(...out)));
            "#
        ));
        let compressed = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64");
        assert!(compressed.len() < text.len() / 10, "{format}: compressed");
        let mut back = String::new();
        match format {
            "gzip" => flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut back),
            "deflate" => flate2::read::ZlibDecoder::new(&compressed[..]).read_to_string(&mut back),
            "brotli" => brotli::Decompressor::new(&compressed[..], 4096).read_to_string(&mut back),
            _ => flate2::read::DeflateDecoder::new(&compressed[..]).read_to_string(&mut back),
        }
        .expect("zlib reads NANO's output");
        assert_eq!(back, text, "{format}");

        // flate2 or brotli compresses; NANO decompresses.
        let mut raw = Vec::new();
        match format {
            "gzip" => {
                let mut e = flate2::write::GzEncoder::new(&mut raw, flate2::Compression::best());
                e.write_all(text.as_bytes())
                    .and_then(|_| e.finish().map(drop))
            }
            "deflate" => {
                let mut e = flate2::write::ZlibEncoder::new(&mut raw, flate2::Compression::fast());
                e.write_all(text.as_bytes())
                    .and_then(|_| e.finish().map(drop))
            }
            "brotli" => {
                // The stream is finished when the writer is dropped, at the end of this arm.
                let mut e = brotli::CompressorWriter::new(&mut raw, 4096, 9, 20);
                e.write_all(text.as_bytes())
            }
            _ => {
                let mut e =
                    flate2::write::DeflateEncoder::new(&mut raw, flate2::Compression::default());
                e.write_all(text.as_bytes())
                    .and_then(|_| e.finish().map(drop))
            }
        }
        .expect("compress");
        let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
        let decoded = js_output(&format!(
            r#"
            const bytes = Uint8Array.from(atob("{b64}"), (c) => c.charCodeAt(0));
            // Feed it in 7-byte pieces: the decoder keeps state across chunks.
            const pieces = [];
            for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.slice(i, i + 7));
            const text = await new Response(ReadableStream.from(pieces).pipeThrough(new DecompressionStream("{format}"))).text();
            console.log(text.length === {len} && text.startsWith("NANO streams") ? "ok" : "mismatch " + text.length);
            "#,
            len = text.len()
        ));
        assert_eq!(decoded, "ok", "{format}");
    }
}

#[test]
fn corrupt_truncated_and_trailing_compressed_input_errors_the_stream() {
    support::check(
        r#"
        const compress = async (format, bytes) => new Response(ReadableStream.from([bytes]).pipeThrough(new CompressionStream(format))).bytes();
        const decompress = (format, chunks) => new Response(ReadableStream.from(chunks).pipeThrough(new DecompressionStream(format))).bytes();
        const data = new TextEncoder().encode("hello hello hello hello");
        for (const format of ["gzip", "deflate", "deflate-raw", "brotli"]) {
          const good = await compress(format, data);
          eq(new TextDecoder().decode(await decompress(format, [good])), "hello hello hello hello", format);
          await rejects(decompress(format, [good.slice(0, good.length - 3)]), TypeError);
          await rejects(decompress(format, [good, new Uint8Array([1, 2, 3])]), TypeError);
          await rejects(decompress(format, []), TypeError);
          // Output comes as input arrives, before the writable side is closed.
          const ds = new DecompressionStream(format);
          ds.writable.getWriter().write(good);
          eq(new TextDecoder().decode((await ds.readable.getReader().read()).value), "hello hello hello hello", format + " streams");
        }
        await rejects(decompress("gzip", [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff])]), TypeError);
        await rejects(decompress("deflate", [new Uint8Array([1, 2, 3, 4, 5, 6])]), TypeError);
        await rejects(decompress("gzip", ["not bytes"]), TypeError);
        throws(() => new CompressionStream("zip"), TypeError);
        await rejects(compress("gzip", new Uint8Array(new SharedArrayBuffer(4))), TypeError);
        throws(() => new DecompressionStream(), TypeError);
        // A decompression bomb comes out in bounded pieces.
        const zeros = new Uint8Array(8 * 1024 * 1024);
        const bomb = await compress("gzip", zeros);
        assert(bomb.length < 20000, "8 MiB of zeros compress to almost nothing");
        const reader = ReadableStream.from([bomb]).pipeThrough(new DecompressionStream("gzip")).getReader();
        let total = 0, largest = 0;
        for (;;) { const { value, done } = await reader.read(); if (done) break; total += value.length; largest = Math.max(largest, value.length); }
        eq(total, zeros.length);
        // Pieces are cut at about 1 MiB (plus what the decoder had buffered).
        assert(largest <= 1.5 * 1024 * 1024, "no piece far above 1 MiB: " + largest);
        "#,
    );
}

#[test]
fn bodies_are_byte_streams() {
    support::check(
        r#"
        // Request and Response bodies read with a BYOB reader.
        const res = new Response("hello world");
        const reader = res.body.getReader({ mode: "byob" });
        const first = await reader.read(new Uint8Array(5));
        eq(new TextDecoder().decode(first.value), "hello");
        assert(res.bodyUsed, "reading the stream disturbs the body");
        await rejects(res.text(), TypeError);

        // A stream body, consumed as text.
        const enc = new TextEncoder();
        const streamed = new Response(ReadableStream.from([enc.encode("a"), enc.encode("b")]));
        eq(await streamed.text(), "ab");
        // Chunks that are not bytes fail the read.
        await rejects(new Response(ReadableStream.from(["text"])).text(), TypeError);
        // A locked stream cannot become a body.
        const locked = new ReadableStream();
        locked.getReader();
        throws(() => new Response(locked), TypeError);

        // clone() tees: both copies read the same bytes.
        const original = new Response(ReadableStream.from([enc.encode("x"), enc.encode("y")]));
        const copy = original.clone();
        eq(await copy.text(), "xy");
        eq(await original.text(), "xy");
        const req = new Request("http://example.com/", { method: "POST", body: "payload" });
        const r2 = req.clone();
        eq(await req.text(), "payload");
        eq(await r2.text(), "payload");
        "#,
    );
}
