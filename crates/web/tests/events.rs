//! Event, EventTarget, CustomEvent (DOM §2), AbortController/AbortSignal (DOM §3),
//! DOMException (WebIDL §3.14.1) and the global scope's "error" event (HTML §8.1.4.7
//! "report an exception").

mod support;

#[test]
fn event_construction() {
    support::check(
        r#"
        const e = new Event("ping");
        eq([e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented, e.isTrusted, e.eventPhase],
           ["ping", false, false, false, false, false, Event.NONE]);
        eq([e.target, e.currentTarget, e.srcElement], [null, null, null]);
        eq(typeof e.timeStamp, "number");
        eq(e.composedPath(), []);
        const f = new Event("x", { bubbles: true, cancelable: true, composed: true });
        eq([f.bubbles, f.cancelable, f.composed], [true, true, true]);
        eq(new Event(undefined).type, "undefined");
        throws(() => new Event(), TypeError);
        eq([Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE], [0, 1, 2, 3]);
        eq(e.AT_TARGET, 2);
        eq(Object.prototype.toString.call(e), "[object Event]");
        const c = new CustomEvent("c", { detail: { n: 1 } });
        assert(c instanceof Event, "CustomEvent is an Event");
        eq(c.detail, { n: 1 });
        eq(new CustomEvent("c").detail, null);
        "#,
    );
}

#[test]
fn prevent_default_needs_cancelable() {
    support::check(
        r#"
        const t = new EventTarget();
        t.addEventListener("x", (e) => e.preventDefault());
        const plain = new Event("x");
        eq(t.dispatchEvent(plain), true, "not cancelable: nothing to cancel");
        eq(plain.defaultPrevented, false);
        const cancelable = new Event("x", { cancelable: true });
        eq(t.dispatchEvent(cancelable), false);
        eq(cancelable.defaultPrevented, true);
        eq(cancelable.returnValue, false);
        const viaReturnValue = new Event("y", { cancelable: true });
        t.addEventListener("y", (e) => { e.returnValue = false; });
        eq(t.dispatchEvent(viaReturnValue), false);
        // A passive listener cannot cancel.
        t.addEventListener("z", (e) => e.preventDefault(), { passive: true });
        const passive = new Event("z", { cancelable: true });
        eq(t.dispatchEvent(passive), true);
        eq(passive.defaultPrevented, false);
        "#,
    );
}

#[test]
fn dispatch_sets_targets_and_calls_listeners_in_order() {
    support::check(
        r#"
        const t = new EventTarget();
        const calls = [];
        let seen;
        t.addEventListener("go", function (e) {
          calls.push("a");
          seen = [this === t, e.target === t, e.currentTarget === t, e.eventPhase, e.composedPath().length === 1];
        });
        t.addEventListener("go", () => calls.push("b"));
        t.addEventListener("other", () => calls.push("other"));
        const e = new Event("go");
        eq(t.dispatchEvent(e), true);
        eq(calls, ["a", "b"]);
        eq(seen, [true, true, true, Event.AT_TARGET, true]);
        // After dispatch: phase NONE, no currentTarget, target kept.
        eq([e.eventPhase, e.currentTarget, e.target === t], [Event.NONE, null, true]);
        throws(() => t.dispatchEvent({ type: "go" }), TypeError);
        "#,
    );
}

#[test]
fn duplicate_listeners_are_ignored_and_removal_works() {
    support::check(
        r#"
        const t = new EventTarget();
        let n = 0;
        const f = () => n++;
        t.addEventListener("x", f);
        t.addEventListener("x", f);
        t.addEventListener("x", f, { once: false });
        t.dispatchEvent(new Event("x"));
        eq(n, 1, "the same (type, callback, capture) is added once");
        t.removeEventListener("x", f);
        t.dispatchEvent(new Event("x"));
        eq(n, 1);
        // Null callbacks are ignored, primitives refused; removing something never added is fine.
        t.addEventListener("x", null);
        t.addEventListener("x", undefined);
        throws(() => t.addEventListener("x", "not callable"), TypeError);
        throws(() => t.addEventListener("x", 5), TypeError);
        t.removeEventListener("x", () => {});
        t.removeEventListener("never", f);
        "#,
    );
}

#[test]
fn capture_is_part_of_a_listeners_identity() {
    support::check(
        r#"
        const t = new EventTarget();
        const calls = [];
        const f = (e) => calls.push(e.eventPhase);
        t.addEventListener("x", f);
        t.addEventListener("x", f, true);
        t.dispatchEvent(new Event("x"));
        eq(calls.length, 2, "capture and non-capture registrations are distinct");
        t.removeEventListener("x", f, { capture: true });
        calls.length = 0;
        t.dispatchEvent(new Event("x"));
        eq(calls.length, 1);
        t.removeEventListener("x", f, false);
        calls.length = 0;
        t.dispatchEvent(new Event("x"));
        eq(calls.length, 0);
        "#,
    );
}

#[test]
fn capture_listeners_run_first_at_the_target() {
    // DOM §2.9 "dispatch": at the target, capturing listeners are invoked before the
    // others, whatever the order they were added in.
    support::check(
        r#"
        const t = new EventTarget();
        const calls = [];
        t.addEventListener("x", () => calls.push("bubble 1"));
        t.addEventListener("x", () => calls.push("capture 1"), { capture: true });
        t.addEventListener("x", () => calls.push("bubble 2"));
        t.addEventListener("x", () => calls.push("capture 2"), true);
        t.dispatchEvent(new Event("x"));
        eq(calls, ["capture 1", "capture 2", "bubble 1", "bubble 2"]);
        "#,
    );
}

#[test]
fn once_listeners_run_once() {
    support::check(
        r#"
        const t = new EventTarget();
        let n = 0;
        t.addEventListener("x", () => {
          n++;
          // Re-dispatching from inside does not run it again.
          if (n === 1) t.dispatchEvent(new Event("x"));
        }, { once: true });
        t.dispatchEvent(new Event("x"));
        t.dispatchEvent(new Event("x"));
        eq(n, 1);
        // A once listener can be added again afterwards.
        t.addEventListener("x", () => n++, { once: true });
        t.dispatchEvent(new Event("x"));
        eq(n, 2);
        "#,
    );
}

#[test]
fn handle_event_objects() {
    support::check(
        r#"
        const t = new EventTarget();
        const listener = {
          calls: 0,
          handleEvent(e) { this.calls++; eq(this, listener); eq(e.type, "x"); },
        };
        t.addEventListener("x", listener);
        t.dispatchEvent(new Event("x"));
        eq(listener.calls, 1);
        // handleEvent is looked up at each dispatch.
        let replaced = false;
        listener.handleEvent = () => { replaced = true; };
        t.dispatchEvent(new Event("x"));
        eq(replaced, true);
        t.removeEventListener("x", listener);
        replaced = false;
        t.dispatchEvent(new Event("x"));
        eq(replaced, false);
        "#,
    );
}

#[test]
fn listeners_added_or_removed_during_dispatch() {
    support::check(
        r#"
        const t = new EventTarget();
        const calls = [];
        const late = () => calls.push("late");
        const removed = () => calls.push("removed");
        t.addEventListener("x", () => {
          calls.push("first");
          t.addEventListener("x", late);
          t.removeEventListener("x", removed);
        });
        t.addEventListener("x", removed);
        t.dispatchEvent(new Event("x"));
        eq(calls, ["first"], "added ones wait for the next dispatch; removed ones do not run");
        calls.length = 0;
        t.dispatchEvent(new Event("x"));
        eq(calls, ["first", "late"]);
        "#,
    );
}

#[test]
fn stop_immediate_propagation() {
    support::check(
        r#"
        const t = new EventTarget();
        const calls = [];
        t.addEventListener("x", (e) => { calls.push(1); e.stopImmediatePropagation(); });
        t.addEventListener("x", () => calls.push(2));
        const e = new Event("x");
        t.dispatchEvent(e);
        eq(calls, [1]);
        eq(e.cancelBubble, false, "the flags are cleared once dispatch ends");
        // The same event dispatched again starts afresh.
        t.dispatchEvent(e);
        eq(calls, [1, 1]);
        // stopPropagation alone does not stop other listeners on the same target.
        const u = new EventTarget();
        const seen = [];
        u.addEventListener("y", (e) => { seen.push(1); e.stopPropagation(); eq(e.cancelBubble, true); });
        u.addEventListener("y", () => seen.push(2));
        u.dispatchEvent(new Event("y"));
        eq(seen, [1, 2]);
        // Stopped before dispatch: no listener runs (DOM §2.9 "inner invoke").
        const pre = new Event("y");
        pre.stopPropagation();
        seen.length = 0;
        u.dispatchEvent(pre);
        eq(seen, []);
        "#,
    );
}

#[test]
fn redispatching_during_dispatch_throws() {
    support::check(
        r#"
        const t = new EventTarget();
        let err;
        t.addEventListener("x", (e) => { try { t.dispatchEvent(e); } catch (x) { err = x; } });
        t.dispatchEvent(new Event("x"));
        assert(err instanceof DOMException, "a DOMException");
        eq(err.name, "InvalidStateError");
        "#,
    );
}

#[test]
fn signal_option_removes_the_listener() {
    support::check(
        r#"
        const t = new EventTarget();
        const controller = new AbortController();
        let n = 0;
        t.addEventListener("x", () => n++, { signal: controller.signal });
        t.dispatchEvent(new Event("x"));
        controller.abort();
        t.dispatchEvent(new Event("x"));
        eq(n, 1);
        // An aborted signal means the listener is never added.
        t.addEventListener("x", () => n++, { signal: AbortSignal.abort() });
        t.dispatchEvent(new Event("x"));
        eq(n, 1);
        throws(() => t.addEventListener("x", () => {}, { signal: "nope" }), TypeError);
        "#,
    );
}

#[test]
fn listener_errors_are_reported_not_thrown() {
    let out = support::run(
        r#"
        const t = new EventTarget();
        t.addEventListener("x", () => { throw new Error("listener boom"); });
        t.addEventListener("x", () => console.log("second listener still runs"));
        console.log("dispatch returned", t.dispatchEvent(new Event("x")));
        "#,
    );
    assert_eq!(
        out.text(),
        ["second listener still runs", "dispatch returned true"]
    );
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0].starts_with("Error: listener boom"),
        "{:?}",
        out.errors
    );
}

#[test]
fn event_target_subclasses() {
    support::check(
        r#"
        class Emitter extends EventTarget {
          ping() { return this.dispatchEvent(new CustomEvent("ping", { detail: 42 })); }
        }
        const em = new Emitter();
        let got;
        em.addEventListener("ping", (e) => { got = [e.detail, e.target === em]; });
        eq(em.ping(), true);
        eq(got, [42, true]);
        eq(Object.prototype.toString.call(new EventTarget()), "[object EventTarget]");
        "#,
    );
}

#[test]
fn abort_controller_and_signal() {
    support::check(
        r#"
        const c = new AbortController();
        const s = c.signal;
        assert(s instanceof AbortSignal && s instanceof EventTarget, "an AbortSignal EventTarget");
        eq(c.signal === s, true);
        eq([s.aborted, s.reason], [false, undefined]);
        s.throwIfAborted();
        const events = [];
        s.addEventListener("abort", (e) => events.push(["listener", e.type, s.aborted, e.target === s]));
        s.onabort = (e) => events.push(["onabort", e.type]);
        eq(typeof s.onabort, "function");
        c.abort();
        eq(s.aborted, true);
        assert(s.reason instanceof DOMException, "default reason is a DOMException");
        eq([s.reason.name, s.reason.code], ["AbortError", 20]);
        eq(events, [["listener", "abort", true, true], ["onabort", "abort"]]);
        const e = throws(() => s.throwIfAborted());
        eq(e === s.reason, true);
        // Aborting again changes nothing and fires nothing.
        c.abort("second");
        eq(events.length, 2);
        eq(s.reason.name, "AbortError");

        const c2 = new AbortController();
        c2.abort("my reason");
        eq(c2.signal.reason, "my reason");
        eq(throws(() => c2.signal.throwIfAborted()), "my reason");
        const c3 = new AbortController();
        c3.abort(null);
        eq(c3.signal.reason, null, "null is a reason, unlike undefined");
        throws(() => new AbortSignal(), TypeError);
        eq(Object.prototype.toString.call(s), "[object AbortSignal]");
        eq(Object.prototype.toString.call(c), "[object AbortController]");
        "#,
    );
}

#[test]
fn onabort_handler_replacement() {
    support::check(
        r#"
        const c = new AbortController();
        const calls = [];
        c.signal.onabort = () => calls.push("first");
        c.signal.onabort = () => calls.push("second");
        const third = () => calls.push("third");
        c.signal.onabort = third;
        eq(c.signal.onabort, third);
        c.signal.onabort = null;
        eq(c.signal.onabort, null);
        c.signal.onabort = third;
        c.abort();
        eq(calls, ["third"]);
        "#,
    );
}

#[test]
fn abort_signal_abort_and_timeout() {
    support::check(
        r#"
        const s = AbortSignal.abort();
        eq([s.aborted, s.reason.name], [true, "AbortError"]);
        eq(AbortSignal.abort("why").reason, "why");

        const t = AbortSignal.timeout(10);
        eq(t.aborted, false);
        const start = performance.now();
        const fired = await new Promise((resolve) => t.addEventListener("abort", () => resolve(performance.now())));
        assert(fired - start >= 9, `timed out after ${fired - start}ms`);
        eq(t.aborted, true);
        assert(t.reason instanceof DOMException, "a DOMException");
        eq([t.reason.name, t.reason.code], ["TimeoutError", 23]);
        "#,
    );
}

#[test]
fn abort_signal_any() {
    support::check(
        r#"
        const a = new AbortController(), b = new AbortController();
        const any = AbortSignal.any([a.signal, b.signal]);
        eq(any.aborted, false);
        let fired = 0;
        any.addEventListener("abort", () => fired++);
        b.abort("from b");
        eq([any.aborted, any.reason, fired], [true, "from b", 1]);
        a.abort("from a");
        eq([any.reason, fired], ["from b", 1], "the first abort wins");

        // Already aborted inputs: the first one's reason, at once.
        const pre = AbortSignal.any([new AbortController().signal, AbortSignal.abort("x"), AbortSignal.abort("y")]);
        eq([pre.aborted, pre.reason], [true, "x"]);
        const none = AbortSignal.any([]);
        eq(none.aborted, false);
        // Any iterable of signals.
        const c = new AbortController();
        const fromSet = AbortSignal.any(new Set([c.signal]));
        c.abort();
        eq(fromSet.reason.name, "AbortError");
        "#,
    );
}

#[test]
fn dom_exception_names_and_codes() {
    support::check(
        r#"
        const e = new DOMException("msg", "NotFoundError");
        assert(e instanceof DOMException && e instanceof Error, "an Error");
        eq([e.name, e.message, e.code], ["NotFoundError", "msg", 8]);
        eq(String(e), "NotFoundError: msg");
        eq(Object.prototype.toString.call(e), "[object DOMException]");
        eq(typeof e.stack, "string");
        const d = new DOMException();
        eq([d.name, d.message, d.code], ["Error", "", 0]);
        eq(new DOMException("m", "CustomName").code, 0, "unknown names have code 0");
        const withCause = new DOMException("m", { name: "AbortError", cause: 1 });
        eq([withCause.name, withCause.code, withCause.cause], ["AbortError", 20, 1]);
        // name, message and code are prototype accessors, not own properties.
        eq(Object.keys(e), []);
        eq(typeof Object.getOwnPropertyDescriptor(DOMException.prototype, "code").get, "function");

        const table = {
          IndexSizeError: [1, "INDEX_SIZE_ERR"], HierarchyRequestError: [3, "HIERARCHY_REQUEST_ERR"],
          WrongDocumentError: [4, "WRONG_DOCUMENT_ERR"], InvalidCharacterError: [5, "INVALID_CHARACTER_ERR"],
          NoModificationAllowedError: [7, "NO_MODIFICATION_ALLOWED_ERR"], NotFoundError: [8, "NOT_FOUND_ERR"],
          NotSupportedError: [9, "NOT_SUPPORTED_ERR"], InvalidStateError: [11, "INVALID_STATE_ERR"],
          SyntaxError: [12, "SYNTAX_ERR"], InvalidModificationError: [13, "INVALID_MODIFICATION_ERR"],
          NamespaceError: [14, "NAMESPACE_ERR"], InvalidAccessError: [15, "INVALID_ACCESS_ERR"],
          TypeMismatchError: [17, "TYPE_MISMATCH_ERR"], SecurityError: [18, "SECURITY_ERR"],
          NetworkError: [19, "NETWORK_ERR"], AbortError: [20, "ABORT_ERR"], URLMismatchError: [21, "URL_MISMATCH_ERR"],
          QuotaExceededError: [22, "QUOTA_EXCEEDED_ERR"], TimeoutError: [23, "TIMEOUT_ERR"],
          InvalidNodeTypeError: [24, "INVALID_NODE_TYPE_ERR"], DataCloneError: [25, "DATA_CLONE_ERR"],
        };
        for (const [name, [code, constant]] of Object.entries(table)) {
          eq(new DOMException("", name).code, code, name);
          eq(DOMException[constant], code, constant);
          eq(DOMException.prototype[constant], code, constant);
        }
        // The legacy constants with no name of their own exist too.
        eq([DOMException.DOMSTRING_SIZE_ERR, DOMException.NO_DATA_ALLOWED_ERR, DOMException.INUSE_ATTRIBUTE_ERR, DOMException.VALIDATION_ERR], [2, 6, 10, 16]);
        for (const name of ["EncodingError", "NotReadableError", "UnknownError", "ConstraintError", "DataError", "OperationError", "NotAllowedError"]) {
          eq(new DOMException("", name).code, 0, name);
        }
        "#,
    );
}

#[test]
fn report_error_fires_error_on_the_global_scope() {
    let lines = support::check(
        r#"
        const err = new TypeError("reported");
        let seen;
        const listener = (e) => {
          seen = [e instanceof ErrorEvent, e.type, e.error === err, e.message, e.cancelable, e.target === globalThis];
          e.preventDefault();
        };
        addEventListener("error", listener);
        reportError(err);
        eq(seen, [true, "error", true, "reported", true, true]);
        removeEventListener("error", listener);
        eq(typeof dispatchEvent, "function");
        // The global scope is an EventTarget for other events too.
        let custom = 0;
        globalThis.addEventListener("custom", () => custom++);
        dispatchEvent(new Event("custom"));
        eq(custom, 1);
        console.log("ok");
        "#,
    );
    assert_eq!(lines, ["ok"]);
}

#[test]
fn report_error_without_a_handler_is_uncaught() {
    let out = support::run(
        r#"
        addEventListener("error", (e) => console.log("saw", String(e.error)));
        reportError(new RangeError("nobody cancels this"));
        reportError("a string");
        console.log("continues");
        "#,
    );
    assert_eq!(
        out.text(),
        [
            "saw RangeError: nobody cancels this",
            "saw a string",
            "continues"
        ]
    );
    assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
    assert!(
        out.errors[0].starts_with("RangeError: nobody cancels this"),
        "{:?}",
        out.errors
    );
    assert_eq!(out.errors[1], "a string");
}

#[test]
fn an_error_listener_that_throws_does_not_loop() {
    let out = support::run(
        r#"
        addEventListener("error", () => { throw new Error("from the error listener"); });
        reportError(new Error("original"));
        console.log("still here");
        "#,
    );
    assert_eq!(out.text(), ["still here"]);
    assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
    assert!(
        out.errors.iter().any(|e| e.starts_with("Error: original")),
        "{:?}",
        out.errors
    );
    assert!(
        out.errors
            .iter()
            .any(|e| e.starts_with("Error: from the error listener")),
        "{:?}",
        out.errors
    );
}

#[test]
fn abort_signal_timeout_and_any_validate_their_arguments() {
    support::check(
        r#"
        // [EnforceRange] unsigned long long.
        for (const bad of [-1, NaN, Infinity, -Infinity, 2 ** 53]) throws(() => AbortSignal.timeout(bad), TypeError);
        throws(() => AbortSignal.timeout(), TypeError);
        eq(AbortSignal.timeout(0.9).aborted, false, "fractions truncate");
        // sequence<AbortSignal>.
        throws(() => AbortSignal.any(), TypeError);
        throws(() => AbortSignal.any(5), TypeError);
        throws(() => AbortSignal.any([new AbortController().signal, {}]), TypeError);
        throws(() => AbortSignal.any(null), TypeError);
        await new Promise((r) => setTimeout(r, 5));
        "#,
    );
}

#[test]
fn signal_abort_orders_source_then_dependents() {
    // DOM §3.2 "signal abort": every dependent gets its reason before any event fires,
    // then the source's abort steps run, then each dependent's.
    support::check(
        r#"
        const a = new AbortController();
        const d = AbortSignal.any([a.signal]);
        const log = [];
        a.signal.addEventListener("abort", () => log.push("src1:" + d.aborted + ":" + d.reason));
        d.addEventListener("abort", (e) => log.push("dep:" + e.isTrusted));
        a.signal.addEventListener("abort", () => log.push("src2"));
        a.abort("r");
        eq(log, ["src1:true:r", "src2", "dep:true"]);

        // A dependent of a dependent follows the original sources.
        const b = new AbortController();
        const d1 = AbortSignal.any([b.signal]);
        const d2 = AbortSignal.any([d1, new AbortController().signal]);
        b.abort(3);
        eq([d1.aborted, d2.aborted, d2.reason], [true, true, 3]);

        // A dependent aborted by one source ignores the others afterwards.
        const x = new AbortController(), y = new AbortController();
        const xy = AbortSignal.any([x.signal, y.signal]);
        let fired = 0;
        xy.onabort = () => fired++;
        y.abort("y"); x.abort("x");
        eq([xy.reason, fired], ["y", 1]);

        // The listener a signal option removes is gone before the abort event's listeners run.
        const c = new AbortController(), t = new EventTarget();
        const hits = [];
        c.signal.addEventListener("abort", () => t.dispatchEvent(new Event("ping")));
        t.addEventListener("ping", () => hits.push("ping"), { signal: c.signal });
        c.abort();
        eq(hits, []);
        "#,
    );
}

#[test]
fn event_init_dictionaries_are_validated() {
    support::check(
        r#"
        for (const C of [Event, CustomEvent, ErrorEvent]) {
          throws(() => new C("x", 5), TypeError);
          throws(() => new C("x", "s"), TypeError);
          eq(new C("x", null).bubbles, false);
        }
        throws(() => new PromiseRejectionEvent("x"), TypeError);
        throws(() => new PromiseRejectionEvent("x", {}), TypeError);
        throws(() => new PromiseRejectionEvent("x", { promise: 1 }), TypeError);
        const p = Promise.resolve();
        const init = { promise: p, reason: "r", cancelable: true };
        const pre = new PromiseRejectionEvent("unhandledrejection", init);
        init.reason = "changed";
        eq([pre.promise === p, pre.reason, pre.cancelable], [true, "r", true]);
        const ee = new ErrorEvent("error", { message: 5, lineno: -1, colno: 2.7, filename: "f.js" });
        eq([ee.message, ee.lineno, ee.colno, ee.filename, ee.error], ["5", 4294967295, 2, "f.js", undefined]);
        "#,
    );
}

#[test]
fn listener_options_follow_the_boolean_or_dictionary_union() {
    support::check(
        r#"
        const t = new EventTarget();
        const log = [];
        const f = () => log.push("f");
        t.addEventListener("x", f, 1); // a non-object is the capture boolean
        t.removeEventListener("x", f, false);
        t.dispatchEvent(new Event("x"));
        t.removeEventListener("x", f, { capture: "yes" });
        t.dispatchEvent(new Event("x"));
        eq(log, ["f"]);
        // An aborted signal adds nothing; a non-signal is a TypeError.
        t.addEventListener("y", f, { signal: AbortSignal.abort() });
        t.dispatchEvent(new Event("y"));
        eq(log, ["f"]);
        throws(() => t.addEventListener("y", f, { signal: {} }), TypeError);
        "#,
    );
}

#[test]
fn interfaces_follow_webidl_shape() {
    // WebIDL §3.7: attributes are accessors on the prototype, members are enumerable,
    // and @@toStringTag is a data property naming the interface.
    support::check(
        r#"
        const ifaces = { DOMException, Event, CustomEvent, EventTarget, AbortSignal, AbortController, ErrorEvent, PromiseRejectionEvent,
          URL, URLSearchParams, TextEncoder, TextDecoder, Headers, Request, Response, Performance, PerformanceEntry, PerformanceMark,
          PerformanceMeasure, Navigator, ReadableStream };
        for (const [name, C] of Object.entries(ifaces)) {
          const tag = Object.getOwnPropertyDescriptor(C.prototype, Symbol.toStringTag);
          eq([tag.value, tag.writable, tag.enumerable, tag.configurable], [name, false, false, true], name);
        }
        const attrs = { Event: ["type", "target", "currentTarget", "eventPhase", "bubbles", "cancelable", "defaultPrevented", "timeStamp", "isTrusted"],
          AbortSignal: ["aborted", "reason", "onabort"], URL: ["href", "origin", "protocol", "host", "searchParams", "hash"],
          TextDecoder: ["encoding", "fatal", "ignoreBOM"], DOMException: ["name", "message", "code"], Navigator: ["userAgent"],
          Performance: ["timeOrigin"], PerformanceEntry: ["name", "entryType", "startTime", "duration"], URLSearchParams: ["size"] };
        for (const [name, list] of Object.entries(attrs)) {
          for (const a of list) {
            const d = Object.getOwnPropertyDescriptor(ifaces[name].prototype, a);
            assert(d && typeof d.get === "function" && d.enumerable, `${name}.${a} is an enumerable getter`);
          }
        }
        assert(Object.getOwnPropertyDescriptor(URL.prototype, "toJSON").enumerable, "operations are enumerable");
        assert(Object.getOwnPropertyDescriptor(URL, "canParse").enumerable, "static operations are enumerable");
        // The global scope is an EventTarget.
        assert(globalThis instanceof EventTarget, "globalThis instanceof EventTarget");
        assert(performance instanceof EventTarget, "performance instanceof EventTarget");
        let got = 0;
        performance.addEventListener("custom", () => got++);
        performance.dispatchEvent(new Event("custom"));
        eq(got, 1);
        eq([typeof navigator.userAgent, navigator instanceof Navigator, self === globalThis], ["string", true, true]);
        throws(() => new Navigator(), TypeError);
        "#,
    );
}

#[test]
fn event_handler_attributes() {
    // HTML §8.1.8.1: the listener keeps its place when the handler is replaced, null and
    // non-objects remove it, and returning false cancels the event.
    support::check(
        r#"
        const ac = new AbortController();
        const s = ac.signal;
        const log = [];
        s.addEventListener("abort", () => log.push("first"));
        s.onabort = () => log.push("old");
        s.addEventListener("abort", () => log.push("last"));
        const handler = () => log.push("new");
        s.onabort = handler;
        eq(s.onabort === handler, true);
        ac.abort();
        eq(log, ["first", "new", "last"]);
        s.onabort = 5;
        eq(s.onabort, null);
        const t = new AbortController().signal;
        t.onabort = () => false;
        const ev = new Event("abort", { cancelable: true });
        eq(t.dispatchEvent(ev), false, "returning false cancels");
        t.onabort = null;
        eq(t.dispatchEvent(new Event("abort", { cancelable: true })), true);
        "#,
    );
}

#[test]
fn global_onerror_is_an_on_error_event_handler() {
    support::check(
        r#"
        assert("onerror" in globalThis && "onunhandledrejection" in globalThis, "global handlers exist");
        eq(onerror, null);
        const seen = [];
        const err = new Error("boom");
        onerror = function (message, filename, lineno, colno, error) {
          seen.push([this === globalThis, message, filename, lineno, colno, error === err]);
          return true; // cancels: the error is not reported further
        };
        reportError(err);
        eq(seen, [[true, "boom", "", 0, 0, true]]);
        onerror = null;
        eq(onerror, null);
        throws(() => reportError(), TypeError);
        // A non-ErrorEvent "error" event gets the event itself.
        let got;
        globalThis.onerror = (e) => { got = e; };
        const plain = new Event("error");
        dispatchEvent(plain);
        eq(got === plain, true);
        globalThis.onerror = null;
        "#,
    );
}

#[test]
fn assigning_onerror_first_loads_the_events_area() {
    support::check(
        r#"
        let called = 0;
        onerror = () => { called++; return true; };
        setTimeout(() => { throw new Error("from a timer"); }, 0);
        await new Promise((r) => setTimeout(r, 5));
        eq(called, 1);
        "#,
    );
}

#[test]
fn dependent_signals_with_listeners_stay_alive() {
    // DOM §3.2.1: a dependent signal with abort listeners must not be collected while its
    // sources can still abort, even when nothing else refers to it.
    support::check(
        r#"
        const c = new AbortController();
        let fired = 0, algorithm = 0;
        AbortSignal.any([c.signal]).onabort = () => fired++;
        AbortSignal.any([c.signal]).addEventListener("abort", () => fired++);
        const t = new EventTarget();
        t.addEventListener("x", () => algorithm++, { signal: AbortSignal.any([AbortSignal.any([c.signal])]) });
        // Many unobserved dependents: they may be collected.
        for (let i = 0; i < 1000; i++) AbortSignal.any([c.signal]);
        const unobserved = new WeakRef(AbortSignal.any([c.signal]));
        const requestSignal = new WeakRef(new Request("http://a/", { signal: c.signal }).signal);
        await new Promise((r) => setTimeout(r, 1));
        eq([unobserved.deref(), requestSignal.deref()], [undefined, undefined], "the source holds them weakly");
        c.abort();
        t.dispatchEvent(new Event("x"));
        eq([fired, algorithm], [2, 0]);
        "#,
    );
}

#[test]
fn legacy_init_event() {
    // DOM §2.2 initEvent / §2.4 initCustomEvent: no effect while dispatching.
    support::check(
        r#"
        const e = new Event("a", { cancelable: true });
        e.preventDefault();
        e.stopPropagation();
        e.initEvent("b", true);
        eq([e.type, e.bubbles, e.cancelable, e.defaultPrevented, e.cancelBubble], ["b", true, false, false, false]);
        throws(() => e.initEvent(), TypeError);
        const t = new EventTarget();
        t.addEventListener("b", (ev) => ev.initEvent("changed"));
        t.dispatchEvent(e);
        eq(e.type, "b");
        const c = new CustomEvent("c", { detail: 1 });
        c.initCustomEvent("d", false, true, { x: 2 });
        eq([c.type, c.cancelable, c.detail], ["d", true, { x: 2 }]);
        "#,
    );
}

#[test]
fn a_listener_object_without_handle_event_reports_a_type_error() {
    support::check(
        r#"
        const errors = [];
        addEventListener("error", (e) => { errors.push(e.error instanceof TypeError); e.preventDefault(); });
        const t = new EventTarget();
        const ran = [];
        const listener = { handleEvent: 1 };
        t.addEventListener("x", listener);
        t.addEventListener("x", () => ran.push("next"));
        t.dispatchEvent(new Event("x"));
        listener.handleEvent = function (e) { ran.push(this === listener && e.type); };
        t.dispatchEvent(new Event("x"));
        eq([errors, ran], [[true], ["next", "x", "next"]]);
        "#,
    );
}

#[test]
fn unhandledrejection_fires_on_the_global_and_can_be_canceled() {
    let out = support::run(
        r#"
        addEventListener("unhandledrejection", (e) => {
          console.log(e.constructor.name, e.type, e.reason.message, e.promise instanceof Promise, e.cancelable);
          if (e.reason.message === "handled") e.preventDefault();
        });
        Promise.reject(new Error("handled"));
        Promise.reject(new Error("reported"));
        const late = Promise.reject(new Error("caught in time"));
        late.catch(() => {});
        "#,
    );
    assert_eq!(
        out.text(),
        [
            "PromiseRejectionEvent unhandledrejection handled true true",
            "PromiseRejectionEvent unhandledrejection reported true true",
        ]
    );
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(out.errors[0].contains("reported"));
}

#[test]
fn onunhandledrejection_handler_attribute_works_too() {
    let lines = support::check(
        r#"
        globalThis.onunhandledrejection = (e) => { console.log("seen", String(e.reason)); e.preventDefault(); };
        Promise.reject("plain value");
        "#,
    );
    assert_eq!(lines, ["seen plain value"]);
}
