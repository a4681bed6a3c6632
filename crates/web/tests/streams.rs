//! ReadableStream with the default controller and reader (WHATWG Streams §4).

mod support;

#[test]
fn start_enqueue_close_and_read() {
    support::check(
        r#"
        let controller;
        const s = new ReadableStream({
          start(c) {
            controller = c;
            eq(c.desiredSize, 1, "default high water mark is 1");
            c.enqueue("a");
            eq(c.desiredSize, 0);
            c.enqueue("b");
            eq(c.desiredSize, -1);
          },
        });
        eq(Object.prototype.toString.call(controller), "[object ReadableStreamDefaultController]");
        eq(s.locked, false);
        const r = s.getReader();
        eq(s.locked, true);
        eq(await r.read(), { value: "a", done: false });
        eq(controller.desiredSize, 0);
        eq(await r.read(), { value: "b", done: false });
        controller.enqueue("c");
        controller.close();
        throws(() => controller.enqueue("late"), TypeError);
        throws(() => controller.close(), TypeError);
        // Queued chunks are still read after close.
        eq(await r.read(), { value: "c", done: false });
        const end = await r.read();
        eq([end.value, end.done], [undefined, true]);
        eq(await r.read(), { done: true }, "stays done");
        eq(controller.desiredSize, 0);
        await r.closed;
        "#,
    );
}

#[test]
fn pending_reads_are_fulfilled_in_order() {
    support::check(
        r#"
        let c;
        const s = new ReadableStream({ start(ctrl) { c = ctrl; } });
        const r = s.getReader();
        const p1 = r.read(), p2 = r.read(), p3 = r.read();
        c.enqueue(1);
        c.enqueue(2);
        c.close();
        eq(await Promise.all([p1, p2, p3]), [{ value: 1, done: false }, { value: 2, done: false }, { done: true }]);
        "#,
    );
}

#[test]
fn pull_is_called_on_demand() {
    support::check(
        r#"
        const log = [];
        let n = 0;
        const s = new ReadableStream({
          start() { log.push("start"); },
          pull(c) {
            log.push("pull " + n);
            if (n === 3) c.close();
            else c.enqueue(n++);
          },
        }, { highWaterMark: 0 });
        await null; await null;
        eq(log, ["start"], "with highWaterMark 0 nothing is pulled before a read");
        const r = s.getReader();
        const got = [];
        for (;;) {
          const { value, done } = await r.read();
          if (done) break;
          got.push(value);
        }
        eq(got, [0, 1, 2]);
        eq(log, ["start", "pull 0", "pull 1", "pull 2", "pull 3"]);
        "#,
    );
}

#[test]
fn pull_fills_to_the_high_water_mark_and_waits_for_its_promise() {
    support::check(
        r#"
        let pulls = 0, inFlight = 0, maxInFlight = 0;
        const s = new ReadableStream({
          async pull(c) {
            pulls++;
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 1));
            inFlight--;
            c.enqueue(pulls);
          },
        }, { highWaterMark: 3 });
        await new Promise((r) => setTimeout(r, 30));
        eq(pulls, 3, "pulled until the queue reached the high water mark");
        eq(maxInFlight, 1, "never a second pull while one is pending");
        const r = s.getReader();
        eq((await r.read()).value, 1);
        await new Promise((r) => setTimeout(r, 10));
        eq(pulls, 4, "reading made room for one more");
        "#,
    );
}

#[test]
fn strategy_size_and_validation() {
    support::check(
        r#"
        let c;
        new ReadableStream({ start(ctrl) { c = ctrl; } }, { highWaterMark: 10, size: (chunk) => chunk.length });
        eq(c.desiredSize, 10);
        c.enqueue("abcd");
        eq(c.desiredSize, 6);
        throws(() => new ReadableStream({}, { highWaterMark: -1 }), RangeError);
        throws(() => new ReadableStream({}, { highWaterMark: NaN }), RangeError);
        throws(() => new ReadableStream(null), TypeError);
        // WebIDL: an invalid enum value is a TypeError.
        throws(() => new ReadableStream({ type: "nope" }), TypeError);
        // A throwing size() errors the stream and throws from enqueue.
        let c2;
        const s2 = new ReadableStream({ start(ctrl) { c2 = ctrl; } }, { size() { throw new SyntaxError("size"); } });
        throws(() => c2.enqueue("x"), SyntaxError);
        await rejects(s2.getReader().read(), SyntaxError);
        "#,
    );
}

#[test]
fn start_failures_error_the_stream() {
    support::check(
        r#"
        // A throwing start() throws from the constructor.
        throws(() => new ReadableStream({ start() { throw new RangeError("sync"); } }), RangeError);
        // A rejected start() promise errors the stream.
        const s = new ReadableStream({ start() { return Promise.reject(new TypeError("async")); } });
        const r = s.getReader();
        const e = await rejects(r.read(), TypeError);
        eq(e.message, "async");
        await rejects(r.closed, TypeError);
        // Pull waits for start to settle.
        const log = [];
        new ReadableStream({
          start() { log.push("start"); return new Promise((res) => setTimeout(() => { log.push("started"); res(); }, 5)); },
          pull(c) { log.push("pull"); c.close(); },
        });
        await new Promise((r) => setTimeout(r, 20));
        eq(log, ["start", "started", "pull"]);
        "#,
    );
}

#[test]
fn errors_reject_reads_and_closed() {
    support::check(
        r#"
        let c;
        const s = new ReadableStream({ start(ctrl) { c = ctrl; ctrl.enqueue("dropped"); } });
        const r = s.getReader();
        const boom = new Error("boom");
        c.error(boom);
        eq(c.desiredSize, null);
        eq(await rejects(r.read()), boom, "queued chunks are discarded");
        eq(await rejects(r.closed), boom);
        // Erroring again, or enqueueing, does not change anything.
        c.error(new Error("second"));
        throws(() => c.enqueue("x"), TypeError);
        eq(await rejects(r.read()), boom);
        // A throwing or rejecting pull errors the stream.
        const p = new ReadableStream({ pull() { throw new URIError("pull"); } });
        await rejects(p.getReader().read(), URIError);
        const q = new ReadableStream({ pull() { return Promise.reject(new EvalError("later")); } });
        await rejects(q.getReader().read(), EvalError);
        // A pending read is rejected when the stream errors.
        let c3;
        const s3 = new ReadableStream({ start(ctrl) { c3 = ctrl; } });
        const pending = s3.getReader().read();
        c3.error("reason");
        eq(await rejects(pending), "reason");
        "#,
    );
}

#[test]
fn cancel_calls_the_source_and_closes() {
    support::check(
        r#"
        const log = [];
        let c;
        const s = new ReadableStream({
          start(ctrl) { c = ctrl; ctrl.enqueue("queued"); },
          cancel(reason) { log.push(["cancel", reason]); return new Promise((r) => setTimeout(r, 1)); },
        });
        const r = s.getReader();
        const pending = r.read();
        eq(await pending, { value: "queued", done: false });
        const waiting = r.read();
        const result = await r.cancel("stop");
        eq(result, undefined, "cancel resolves with undefined");
        eq(log, [["cancel", "stop"]]);
        eq(await waiting, { done: true }, "pending reads finish as done");
        eq(await r.read(), { done: true });
        await r.closed;
        throws(() => c.enqueue("x"), TypeError);
        // Cancelling a closed stream resolves; an errored one rejects with its error.
        await r.cancel();
        const errored = new ReadableStream({ start(ctrl) { ctrl.error(new Error("e")); } });
        await rejects(errored.cancel(), Error);
        // A failing cancel() rejects.
        const bad = new ReadableStream({ cancel() { throw new TypeError("no"); } });
        await rejects(bad.cancel(), TypeError);
        // stream.cancel() on an unlocked stream, and the queue is dropped.
        let cancelled = false;
        const un = new ReadableStream({ start(ctrl) { ctrl.enqueue(1); }, cancel() { cancelled = true; } });
        await un.cancel("why");
        eq(cancelled, true);
        eq(await un.getReader().read(), { done: true });
        "#,
    );
}

#[test]
fn locking_and_release() {
    support::check(
        r#"
        const s = new ReadableStream({ start(c) { c.enqueue(1); } });
        const r = s.getReader();
        assert(r instanceof ReadableStreamDefaultReader, "default reader");
        throws(() => s.getReader(), TypeError);
        throws(() => new ReadableStreamDefaultReader(s), TypeError);
        await rejects(s.cancel(), TypeError);
        const pending = [r.read(), r.read()];
        eq(await pending[0], { value: 1, done: false });
        r.releaseLock();
        eq(s.locked, false);
        await rejects(pending[1], TypeError);
        await rejects(r.closed, TypeError);
        await rejects(r.read(), TypeError);
        await rejects(r.cancel(), TypeError);
        r.releaseLock();
        // A new reader carries on where the old one stopped.
        const r2 = new ReadableStreamDefaultReader(s);
        eq(s.locked, true);
        r2.releaseLock();
        throws(() => s.getReader({ mode: "byob" }), TypeError);
        throws(() => s.getReader({ mode: "other" }), TypeError);
        throws(() => new ReadableStreamDefaultReader({}), TypeError);
        // A reader on a closed stream has a resolved closed promise.
        const closed = new ReadableStream({ start(c) { c.close(); } });
        await closed.getReader().closed;
        eq(Object.prototype.toString.call(r), "[object ReadableStreamDefaultReader]");
        eq(Object.prototype.toString.call(s), "[object ReadableStream]");
        throws(() => new ReadableStreamDefaultController(), TypeError);
        "#,
    );
}

#[test]
fn released_reader_of_a_closed_stream_has_a_rejected_closed() {
    support::check(
        r#"
        const s = new ReadableStream({ start(c) { c.close(); } });
        const r = s.getReader();
        await r.closed;
        r.releaseLock();
        await rejects(r.closed, TypeError);
        "#,
    );
}

#[test]
fn async_iteration() {
    support::check(
        r#"
        let i = 0;
        const s = new ReadableStream({ pull(c) { if (i < 4) c.enqueue(i++); else c.close(); } });
        const got = [];
        for await (const chunk of s) got.push(chunk);
        eq(got, [0, 1, 2, 3]);
        eq(s.locked, false, "the lock is released at the end");

        // Breaking out cancels the stream.
        let cancelReason = "not cancelled";
        let n = 0;
        const t = new ReadableStream({ pull(c) { c.enqueue(n++); }, cancel(r) { cancelReason = r; } });
        for await (const chunk of t) if (chunk === 2) break;
        eq(cancelReason, undefined);
        eq(t.locked, false);
        eq(await t.getReader().read(), { done: true });

        // ... unless preventCancel is set.
        let cancelled = false;
        let m = 0;
        const u = new ReadableStream({ pull(c) { c.enqueue(m++); }, cancel() { cancelled = true; } });
        for await (const chunk of u.values({ preventCancel: true })) if (chunk === 1) break;
        eq(cancelled, false);
        eq(u.locked, false);
        eq((await u.getReader().read()).done, false, "still readable");

        // An erroring stream throws from the loop.
        const bad = new ReadableStream({ start(c) { c.enqueue(1); }, pull(c) { c.error(new RangeError("mid")); } });
        const seen = [];
        const err = await rejects((async () => { for await (const x of bad) seen.push(x); })(), RangeError);
        eq([seen, err.message], [[1], "mid"]);
        eq(bad.locked, false, "an error releases the lock too");

        // Driving the iterator by hand: once finished, next() and return() just say done.
        const it = new ReadableStream({ start(c) { c.enqueue("only"); c.close(); } }).values();
        eq(await it.next(), { value: "only", done: false });
        eq(await it.next(), { done: true });
        eq(await it.next(), { done: true });
        eq(await it.return("v"), { value: "v", done: true });

        // Iterating a locked stream fails at once.
        const locked = new ReadableStream();
        locked.getReader();
        throws(() => locked[Symbol.asyncIterator](), TypeError);
        "#,
    );
}

#[test]
fn byte_chunks_pass_through_untouched() {
    support::check(
        r#"
        const chunk = new Uint8Array([1, 2, 3]);
        const s = new ReadableStream({ start(c) { c.enqueue(chunk); c.close(); } });
        const { value } = await s.getReader().read();
        eq(value === chunk, true, "the same object");
        "#,
    );
}
