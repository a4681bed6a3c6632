//! structuredClone (HTML §2.7.3 "StructuredSerializeInternal" and its deserialization,
//! with the `transfer` option).

mod support;

#[test]
fn primitives_and_wrapper_objects() {
    support::check(
        r#"
        for (const v of [undefined, null, true, false, 0, 1.5, NaN, Infinity, -Infinity, "", "str\u0000\ud800", 12n, -(2n ** 70n)]) {
          assert(Object.is(structuredClone(v), v), String(v));
        }
        assert(Object.is(structuredClone(-0), -0), "-0 kept");
        const b = structuredClone(new Boolean(false));
        assert(b instanceof Boolean && b.valueOf() === false, "Boolean object");
        const n = new Number(-0); n.extra = 1;
        const nc = structuredClone(n);
        assert(nc instanceof Number && Object.is(nc.valueOf(), -0) && nc !== n, "Number object");
        eq(Object.keys(nc), [], "a wrapper's own properties are not kept");
        const s = structuredClone(new String("abc"));
        assert(s instanceof String && s.valueOf() === "abc" && s.length === 3, "String object");
        const big = structuredClone(Object(5n));
        eq(typeof big, "object");
        assert(big.valueOf() === 5n, "BigInt object");
        assert(structuredClone(Object(NaN)) instanceof Number);
        "#,
    );
}

#[test]
fn date_and_regexp() {
    support::check(
        r#"
        const d = new Date(1700000000123);
        const dc = structuredClone(d);
        assert(dc instanceof Date && dc !== d && dc.getTime() === d.getTime(), "Date");
        assert(Number.isNaN(structuredClone(new Date(NaN)).getTime()), "invalid Date");
        const r = /a(b)+\/c/gimsuy;
        r.lastIndex = 3;
        r.extra = 1;
        const rc = structuredClone(r);
        assert(rc instanceof RegExp && rc !== r, "RegExp");
        eq([rc.source, rc.flags, rc.lastIndex], [r.source, "gimsuy", 0], "source and flags kept, lastIndex not");
        eq(rc.extra, undefined);
        eq(structuredClone(/x/dv).flags, "dv");
        assert(structuredClone(/(\d+)/).test("12"));
        "#,
    );
}

#[test]
fn map_and_set() {
    support::check(
        r#"
        const key = { k: 1 };
        const m = new Map([[key, "v"], ["s", key], [NaN, -0]]);
        const mc = structuredClone(m);
        assert(mc instanceof Map && mc !== m, "Map");
        eq(mc.size, 3);
        const [ck] = mc.keys();
        assert(ck !== key && ck.k === 1, "keys are cloned");
        assert(mc.get(ck) === "v" && mc.get("s") === ck, "the same object stays one object");
        assert(Object.is(mc.get(NaN), -0));
        const s = new Set([1, "a", key, key]);
        const sc = structuredClone(s);
        assert(sc instanceof Set && sc !== s, "Set");
        eq([...sc].slice(0, 2), [1, "a"]);
        eq(sc.size, 3);
        // A map that holds itself.
        const self = new Map(); self.set(self, self);
        const selfc = structuredClone(self);
        assert(selfc.get(selfc) === selfc, "circular Map");
        // Insertion order kept.
        eq([...structuredClone(new Map([["b", 1], ["a", 2]])).keys()], ["b", "a"]);
        "#,
    );
}

#[test]
fn array_buffers_typed_arrays_and_data_views() {
    support::check(
        r#"
        const buf = new ArrayBuffer(8);
        new Uint8Array(buf).set([1, 2, 3, 4, 5, 6, 7, 8]);
        const bc = structuredClone(buf);
        assert(bc instanceof ArrayBuffer && bc !== buf, "ArrayBuffer");
        eq([...new Uint8Array(bc)], [1, 2, 3, 4, 5, 6, 7, 8]);
        new Uint8Array(bc)[0] = 99;
        eq(new Uint8Array(buf)[0], 1, "a copy, not shared");
        eq(buf.detached, false, "not transferred");

        const ctors = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
                       Float32Array, Float64Array, BigInt64Array, BigUint64Array];
        if (typeof Float16Array === "function") ctors.push(Float16Array);
        for (const C of ctors) {
          const big = C.name.startsWith("Big");
          const a = new C(new ArrayBuffer(4 * C.BYTES_PER_ELEMENT), C.BYTES_PER_ELEMENT, 2);
          a[0] = big ? 7n : 7; a[1] = big ? 9n : 9;
          const c = structuredClone(a);
          assert(c instanceof C && c !== a, C.name);
          eq([c.byteOffset, c.length, c.buffer.byteLength], [C.BYTES_PER_ELEMENT, 2, 4 * C.BYTES_PER_ELEMENT], C.name + " window");
          assert(c[0] == 7 && c[1] == 9, C.name + " values");
        }

        const dv = new DataView(buf, 2, 4);
        const dvc = structuredClone(dv);
        assert(dvc instanceof DataView, "DataView");
        eq([dvc.byteOffset, dvc.byteLength, dvc.getUint8(0)], [2, 4, 3]);

        // Two views over one buffer keep sharing one (cloned) buffer.
        const shared = new ArrayBuffer(4);
        const [u8, u16, view] = structuredClone([new Uint8Array(shared), new Uint16Array(shared, 2), new DataView(shared)]);
        assert(u8.buffer === u16.buffer && u8.buffer === view.buffer && u8.buffer !== shared, "one buffer");
        u16[0] = 0x0102;
        eq([u8[2], u8[3]].sort(), [1, 2]);
        const o = structuredClone({ b: shared, v: new Int8Array(shared) });
        assert(o.v.buffer === o.b, "a view and its buffer");

        // A resizable buffer stays resizable.
        const rb = new ArrayBuffer(2, { maxByteLength: 16 });
        const rbc = structuredClone(rb);
        eq([rbc.resizable, rbc.maxByteLength, rbc.byteLength], [true, 16, 2]);

        // A detached buffer cannot be cloned.
        const gone = new ArrayBuffer(4);
        const goneView = new Uint8Array(gone);
        gone.transfer();
        throws(() => structuredClone(gone), DOMException, "DataCloneError");
        throws(() => structuredClone(goneView), DOMException, "DataCloneError");
        "#,
    );
}

#[test]
fn errors() {
    support::check(
        r#"
        for (const C of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
          const e = new C("boom");
          const c = structuredClone(e);
          assert(c instanceof C && c !== e, C.name);
          eq([c.name, c.message], [C.name, "boom"]);
          eq(Object.getOwnPropertyDescriptor(c, "message").enumerable, false);
          if (typeof e.stack === "string") eq(c.stack, e.stack, "stack kept");
        }
        // Other names become Error; the prototype chain is not kept.
        class MyError extends TypeError { constructor(m) { super(m); this.name = "MyError"; this.extra = 1; } }
        const mine = structuredClone(new MyError("m"));
        assert(Object.getPrototypeOf(mine) === Error.prototype, "becomes a plain Error");
        eq([mine.name, mine.message, mine.extra], ["Error", "m", undefined]);
        const renamed = new Error("x"); renamed.name = "TypeError";
        assert(structuredClone(renamed) instanceof TypeError, "the name picks the type");
        const agg = structuredClone(new AggregateError([], "agg"));
        eq([agg.constructor.name, agg.message], ["Error", "agg"]);
        // No message: none on the clone either.
        eq(Object.hasOwn(structuredClone(new RangeError()), "message"), false);
        // cause is cloned, circular causes too.
        const inner = new TypeError("inner");
        const outer = new Error("outer", { cause: { why: inner } });
        const oc = structuredClone(outer);
        assert(oc.cause.why instanceof TypeError && oc.cause.why !== inner && oc.cause.why.message === "inner", "cause");
        const loop = new Error("loop"); loop.cause = loop;
        const lc = structuredClone(loop);
        assert(lc.cause === lc, "circular cause");
        eq(Object.hasOwn(structuredClone(new Error("x")), "cause"), false);
        // DOMException is serializable.
        const de = structuredClone(new DOMException("gone", "AbortError"));
        assert(de instanceof DOMException, "DOMException");
        eq([de.name, de.message, de.code], ["AbortError", "gone", 20]);
        "#,
    );
}

#[test]
fn objects_and_arrays() {
    support::check(
        r#"
        const sym = Symbol("s");
        const o = { a: 1, nested: { b: [1, 2, { c: "d" }] }, [sym]: "skipped", "__proto__x": 1 };
        Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
        Object.defineProperty(o, "got", { get() { return 42; }, enumerable: true });
        const c = structuredClone(o);
        assert(c !== o && c.nested !== o.nested && c.nested.b !== o.nested.b, "deep copy");
        eq(c, { a: 1, nested: { b: [1, 2, { c: "d" }] }, "__proto__x": 1, got: 42 });
        eq(Object.getOwnPropertySymbols(c), [], "symbol keys are not kept");
        eq(Object.hasOwn(c, "hidden"), false, "non-enumerable properties are not kept");
        eq(Object.getOwnPropertyDescriptor(c, "got").value, 42, "getters are read, data kept");
        eq(Object.keys(structuredClone({ b: 1, a: 2, 1: 3 })), ["1", "b", "a"], "key order");
        // An own "__proto__" key stays a key; inherited setters are not triggered.
        const p = JSON.parse('{"__proto__": {"polluted": true}}');
        const pc = structuredClone(p);
        assert(Object.getPrototypeOf(pc) === Object.prototype, "prototype untouched");
        eq(Object.hasOwn(pc, "__proto__"), true);
        eq(pc.polluted, undefined);
        // Arrays: holes, length and extra properties.
        const arr = [1, , 3];
        arr.length = 5;
        arr.extra = "x";
        const ac = structuredClone(arr);
        assert(Array.isArray(ac), "an Array");
        eq(ac.length, 5);
        eq([0 in ac, 1 in ac, 2 in ac, 4 in ac], [true, false, true, false], "holes kept");
        eq(ac.extra, "x");
        eq(structuredClone([]), []);
        const sparse = []; sparse[1000000] = 1;
        const sc = structuredClone(sparse);
        eq([sc.length, Object.keys(sc)], [1000001, ["1000000"]]);
        // Class instances become plain objects (own enumerable data only).
        class Point { #secret = 1; constructor() { this.x = 1; this.y = 2; } get sum() { return this.x + this.y; } }
        const pt = structuredClone(new Point());
        assert(Object.getPrototypeOf(pt) === Object.prototype, "prototype not kept");
        eq(pt, { x: 1, y: 2 });
        eq(pt.sum, undefined);
        const nullProto = Object.create(null); nullProto.k = 1;
        const npc = structuredClone(nullProto);
        assert(Object.getPrototypeOf(npc) === Object.prototype, "a null-prototype object comes out ordinary");
        eq(npc.k, 1);
        "#,
    );
}

#[test]
fn shared_and_circular_references() {
    support::check(
        r#"
        const shared = { s: 1 };
        const o = { a: shared, b: shared, list: [shared] };
        o.self = o;
        o.list.push(o.list);
        const c = structuredClone(o);
        assert(c.a === c.b && c.a === c.list[0] && c.a !== shared, "identity preserved");
        assert(c.self === c, "circular object");
        assert(c.list[1] === c.list, "circular array");
        const m = new Map(); const s = new Set();
        const graph = { m, s }; m.set("g", graph); s.add(graph); s.add(m);
        const gc = structuredClone(graph);
        assert(gc.m.get("g") === gc && gc.s.has(gc) && gc.s.has(gc.m), "through Map and Set");
        "#,
    );
}

#[test]
fn transfer_detaches_array_buffers() {
    support::check(
        r#"
        const buf = new ArrayBuffer(4);
        new Uint8Array(buf).set([1, 2, 3, 4]);
        const view = new Uint8Array(buf, 1, 2);
        const out = structuredClone({ buf, view }, { transfer: [buf] });
        eq(buf.detached, true, "detached");
        eq([buf.byteLength, view.length], [0, 0]);
        assert(out.buf instanceof ArrayBuffer && out.view.buffer === out.buf, "the view is over the transferred buffer");
        eq([...new Uint8Array(out.buf)], [1, 2, 3, 4]);
        eq([...out.view], [2, 3]);
        // Transferring a buffer not in the value still detaches it.
        const other = new ArrayBuffer(2);
        eq(structuredClone(5, { transfer: [other] }), 5);
        eq(other.detached, true);
        // A resizable buffer stays resizable.
        const rb = new ArrayBuffer(2, { maxByteLength: 8 });
        const rbc = structuredClone(rb, { transfer: [rb] });
        eq([rb.detached, rbc.resizable, rbc.maxByteLength], [true, true, 8]);
        // Any iterable is a transfer list.
        const viaSet = new ArrayBuffer(1);
        structuredClone(viaSet, { transfer: new Set([viaSet]) });
        eq(viaSet.detached, true);
        eq(structuredClone(1, { transfer: [] }), 1);
        eq(structuredClone(1, undefined), 1);
        eq(structuredClone(1, null), 1);
        eq(structuredClone(1, {}), 1);
        "#,
    );
}

#[test]
fn transfer_errors() {
    support::check(
        r#"
        const dup = new ArrayBuffer(1);
        const e = throws(() => structuredClone(dup, { transfer: [dup, dup] }), DOMException, "DataCloneError");
        eq(e.code, 25);
        eq(dup.detached, false, "nothing detached after a failure");
        throws(() => structuredClone(1, { transfer: [{}] }), DOMException, "DataCloneError");
        throws(() => structuredClone(1, { transfer: [new Uint8Array(1)] }), DOMException, "DataCloneError");
        if (typeof SharedArrayBuffer === "function") throws(() => structuredClone(1, { transfer: [new SharedArrayBuffer(1)] }), DOMException, "DataCloneError");
        const gone = new ArrayBuffer(1); gone.transfer();
        throws(() => structuredClone(1, { transfer: [gone] }), DOMException, "DataCloneError");
        // A value that fails to clone leaves the transfer list alone.
        const keep = new ArrayBuffer(1);
        throws(() => structuredClone({ keep, f() {} }, { transfer: [keep] }), DOMException, "DataCloneError");
        eq(keep.detached, false);
        // The transfer list must be a sequence of objects.
        throws(() => structuredClone(1, { transfer: 5 }), TypeError);
        throws(() => structuredClone(1, { transfer: null }), TypeError);
        throws(() => structuredClone(1, { transfer: [1] }), TypeError);
        throws(() => structuredClone(1, 5), TypeError);
        throws(() => structuredClone(), TypeError);
        "#,
    );
}

#[test]
fn uncloneable_values_throw_data_clone_error() {
    support::check(
        r#"
        const bad = {
          "function": () => 1, "class": class {}, "async function": async () => {}, "symbol": Symbol("x"),
          "Symbol object": Object(Symbol("y")), "WeakMap": new WeakMap(), "WeakSet": new WeakSet(),
          "WeakRef": new WeakRef({}), "Promise": Promise.resolve(), "Proxy": new Proxy({}, {}),
          "array Proxy": new Proxy([], {}), "generator": (function* () {})(), "iterator": [].values(),
          "Headers": new Headers(), "Request": new Request("http://x/"), "Response": new Response("x"),
          "URL": new URL("http://x/"), "URLSearchParams": new URLSearchParams(), "Event": new Event("x"),
          "CustomEvent": new CustomEvent("x"), "EventTarget": new EventTarget(),
          "AbortController": new AbortController(), "AbortSignal": AbortSignal.abort(),
          "TextEncoder": new TextEncoder(), "TextDecoder": new TextDecoder(), "ReadableStream": new ReadableStream(),
          "globalThis": globalThis, "performance": performance,
        };
        for (const [what, value] of Object.entries(bad)) {
          let e;
          try { structuredClone(value); } catch (err) { e = err; }
          assert(e instanceof DOMException && e.name === "DataCloneError", `${what}: ${e}`);
          eq(e.code, 25);
        }
        // Nested anywhere, the whole clone fails.
        throws(() => structuredClone({ a: [{ b: new Map([[1, () => {}]]) }] }), DOMException, "DataCloneError");
        const e = throws(() => structuredClone({ f: function named() {} }), DOMException, "DataCloneError");
        assert(e.message.includes("could not be cloned"), e.message);
        // Subclasses of cloneable built-ins clone as the built-in.
        class MyMap extends Map {}
        const mm = structuredClone(new MyMap([[1, 2]]));
        assert(Object.getPrototypeOf(mm) === Map.prototype && mm.get(1) === 2, "a Map");
        "#,
    );
}

#[test]
fn structured_clone_is_a_lazy_global() {
    support::check(
        r#"
        eq(typeof structuredClone, "function");
        eq(structuredClone.length, 1);
        eq(Object.getOwnPropertyDescriptor(globalThis, "structuredClone").enumerable, false);
        globalThis.structuredClone = 5;
        eq(structuredClone, 5, "replaceable");
        "#,
    );
}

#[test]
fn a_transfer_list_gives_the_same_clone() {
    // With a transfer list the clone goes through serialized records first (so a failure
    // detaches nothing); the result must be the same as without one.
    support::check(
        r#"
        const make = () => {
          const shared = { s: [1, , 3] };
          const buf = new ArrayBuffer(8);
          const err = new RangeError("r", { cause: shared });
          const v = {
            n: -0, big: 10n, str: "s", wrap: [new Boolean(true), new Number(2), new String("x"), Object(3n)],
            date: new Date(5), re: /x/gi, map: new Map([[shared, err]]), set: new Set([shared]),
            buf, u8: new Uint8Array(buf, 1, 3), dv: new DataView(buf, 4), err, dom: new DOMException("d", "AbortError"),
            shared,
          };
          v.self = v;
          return v;
        };
        const check = (c, how) => {
          assert(Object.is(c.n, -0) && c.big === 10n && c.str === "s", how + " primitives");
          eq(c.wrap.map((w) => w.valueOf()).map(String), ["true", "2", "x", "3"], how + " wrappers");
          assert(c.date.getTime() === 5 && c.re.flags === "gi", how + " date, regexp");
          const [[k, e]] = c.map;
          assert(k === c.shared && e === c.err && c.set.has(c.shared), how + " map, set");
          assert(e instanceof RangeError && e.message === "r" && e.cause === c.shared, how + " error");
          assert(c.u8.buffer === c.buf && c.dv.buffer === c.buf && c.u8.byteOffset === 1 && c.dv.byteLength === 4, how + " views");
          assert(c.dom instanceof DOMException && c.dom.name === "AbortError", how + " DOMException");
          assert(c.self === c && !(1 in c.shared.s) && c.shared.s.length === 3, how + " graph");
        };
        check(structuredClone(make()), "direct");
        const v = make();
        const extra = new ArrayBuffer(1);
        check(structuredClone(v, { transfer: [extra] }), "with transfer");
        const t = make();
        const c = structuredClone(t, { transfer: [t.buf] });
        check(c, "transferring the shared buffer");
        eq(t.buf.detached, true);
        "#,
    );
}
