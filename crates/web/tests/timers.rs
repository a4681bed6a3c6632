//! Timers (HTML §8.6 "Timers"), queueMicrotask and performance.

mod support;

#[test]
fn timeouts_fire_in_delay_order_with_arguments() {
    let lines = support::check(
        r#"
        setTimeout((a, b) => console.log("30", a, b), 30, "x", 2);
        setTimeout(() => console.log("10"), 10);
        setTimeout(() => console.log("20"), 20);
        console.log("sync");
        "#,
    );
    assert_eq!(lines, ["sync", "10", "20", "30 x 2"]);
}

#[test]
fn equal_delays_fire_in_scheduling_order() {
    // HTML: timers with the same timeout run in the order they were started.
    let lines = support::check(
        r#"
        const order = [];
        for (let i = 0; i < 20; i++) setTimeout(() => order.push(i), 0);
        for (let i = 20; i < 30; i++) setTimeout(() => order.push(i), 3);
        setTimeout(() => console.log(order.join(",")), 20);
        "#,
    );
    let expected: Vec<String> = (0..30).map(|i| i.to_string()).collect();
    assert_eq!(lines, [expected.join(",")]);
}

#[test]
fn timeouts_wait_at_least_their_delay() {
    support::check(
        r#"
        const start = performance.now();
        const t0 = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 25));
        const waited = performance.now() - start;
        assert(waited >= 24.5, `waited only ${waited}ms`);
        assert(Date.now() - t0 >= 24, "Date.now advanced too");
        "#,
    );
}

#[test]
fn ids_are_positive_unique_integers_and_clear_works() {
    let lines = support::check(
        r#"
        const a = setTimeout(() => console.log("cleared timeout ran"), 5);
        const b = setInterval(() => console.log("cleared interval ran"), 5);
        const c = setTimeout(() => console.log("kept"), 10);
        assert(Number.isInteger(a) && a > 0, "id is a positive integer");
        assert(a !== b && b !== c && a !== c, "ids are unique");
        clearTimeout(a);
        clearInterval(b);
        // Clearing unknown ids, or nothing, is fine.
        clearTimeout(); clearTimeout(null); clearTimeout(123456); clearInterval("nope");
        "#,
    );
    assert_eq!(lines, ["kept"]);
}

#[test]
fn timeout_and_interval_ids_share_one_list() {
    // HTML: clearTimeout and clearInterval clear from the same map of active timers.
    let lines = support::check(
        r#"
        clearInterval(setTimeout(() => console.log("timeout ran"), 1));
        clearTimeout(setInterval(() => console.log("interval ran"), 1));
        setTimeout(() => console.log("done"), 10);
        "#,
    );
    assert_eq!(lines, ["done"]);
}

#[test]
fn intervals_repeat_until_cleared() {
    let lines = support::check(
        r#"
        let n = 0;
        const id = setInterval((tag) => {
          n++;
          console.log(tag, n);
          if (n === 3) clearInterval(id);
        }, 2, "tick");
        "#,
    );
    assert_eq!(lines, ["tick 1", "tick 2", "tick 3"]);
}

#[test]
fn a_cleared_timer_never_fires_even_when_due() {
    // Both are due in the same turn; the first clears the second before it runs.
    let lines = support::check(
        r#"
        let second;
        setTimeout(() => { console.log("first"); clearTimeout(second); }, 0);
        second = setTimeout(() => console.log("second"), 0);
        "#,
    );
    assert_eq!(lines, ["first"]);
}

#[test]
fn odd_delays_are_clamped() {
    let lines = support::check(
        r#"
        setTimeout(() => console.log("negative"), -100);
        setTimeout(() => console.log("nan"), NaN);
        setTimeout(() => console.log("string"), "2");
        setTimeout(() => console.log("default"));
        "#,
    );
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(sorted, ["default", "nan", "negative", "string"]);
}

#[test]
fn string_handlers_are_evaluated() {
    let lines = support::check("globalThis.x = 41; setTimeout('console.log(x + 1)', 1);");
    assert_eq!(lines, ["42"]);
}

#[test]
fn throwing_callback_is_reported_and_others_still_run() {
    let out = support::run(
        r#"
        setTimeout(() => { throw new Error("timer boom"); }, 1);
        setTimeout(() => console.log("after"), 5);
        "#,
    );
    assert_eq!(out.text(), ["after"]);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0].starts_with("Error: timer boom"),
        "{:?}",
        out.errors
    );
}

#[test]
fn throwing_callback_reaches_the_global_error_event() {
    let lines = support::check(
        r#"
        addEventListener("error", (e) => {
          console.log("caught", e.error.message, e instanceof ErrorEvent);
          e.preventDefault();
        });
        setTimeout(() => { throw new Error("timer boom"); }, 1);
        "#,
    );
    assert_eq!(lines, ["caught timer boom true"]);
}

#[test]
fn microtasks_run_before_timers_in_fifo_order() {
    let lines = support::check(
        r#"
        setTimeout(() => console.log("timeout"), 0);
        queueMicrotask(() => console.log("micro 1"));
        Promise.resolve().then(() => console.log("promise"));
        queueMicrotask(() => console.log("micro 2"));
        console.log("sync");
        "#,
    );
    assert_eq!(lines, ["sync", "micro 1", "promise", "micro 2", "timeout"]);
}

#[test]
fn queue_microtask_validates_and_reports() {
    let out = support::run(
        r#"
        try { queueMicrotask(1); } catch (e) { console.log(e instanceof TypeError); }
        queueMicrotask(() => { throw new Error("micro boom"); });
        queueMicrotask(() => console.log("next microtask still runs"));
        "#,
    );
    assert_eq!(out.text(), ["true", "next microtask still runs"]);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0].starts_with("Error: micro boom"),
        "{:?}",
        out.errors
    );
}

#[test]
fn performance_clock() {
    support::check(
        r#"
        const a = performance.now(), b = performance.now();
        assert(typeof a === "number" && a >= 0 && b >= a, "monotonic");
        assert(Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 50, "timeOrigin + now ≈ Date.now()");
        eq(performance.toJSON(), { timeOrigin: performance.timeOrigin });
        eq(Object.prototype.toString.call(performance), "[object Performance]");
        assert(performance instanceof Performance);
        "#,
    );
}

#[test]
fn timer_globals_are_functions_not_enumerable() {
    support::check(
        r#"
        for (const name of ["setTimeout", "setInterval", "clearTimeout", "clearInterval", "queueMicrotask"]) {
          eq(typeof globalThis[name], "function", name);
          eq(Object.getOwnPropertyDescriptor(globalThis, name).enumerable, false, name);
        }
        "#,
    );
}

#[test]
fn timeouts_convert_like_webidl_long() {
    // HTML timer initialization: the timeout is a WebIDL `long` (wraps modulo 2^32),
    // then negative values become 0; a non-function handler is stringified at once.
    support::check(
        r#"
        const log = [];
        let code = { toString() { log.push("stringified"); return "globalThis.__ran = true"; } };
        setTimeout(code, 0);
        eq(log, ["stringified"]);
        setTimeout(() => log.push("wrapped"), 2 ** 32 + 1); // = 1 ms
        setTimeout(() => log.push("big"), 2 ** 31);         // wraps to -2^31, then 0
        await new Promise((r) => setTimeout(r, 30));
        eq(log, ["stringified", "big", "wrapped"]);
        eq(globalThis.__ran, true);
        "#,
    );
}

#[test]
fn clear_timeout_ignores_what_is_not_a_live_id() {
    support::check(
        r#"
        for (const v of [undefined, null, "x", {}, -1, 0, 1e20, NaN]) { clearTimeout(v); clearInterval(v); }
        const fired = [];
        const id = setTimeout(() => fired.push("kept"), 1);
        clearTimeout(String(id + 1000));
        clearTimeout(id + 0.5 - 0.5 + 1000);
        const other = setTimeout(() => fired.push("cleared by string id"), 1);
        clearTimeout(String(other));
        await new Promise((r) => setTimeout(r, 10));
        eq(fired, ["kept"]);
        "#,
    );
}

#[test]
fn performance_mark_and_measure() {
    // User Timing L3 §3.1.
    support::check(
        r#"
        const a = performance.mark("a", { startTime: 5, detail: { x: [1] } });
        assert(a instanceof PerformanceMark && a instanceof PerformanceEntry, "a PerformanceMark");
        eq([a.name, a.entryType, a.startTime, a.duration, a.detail], ["a", "mark", 5, 0, { x: [1] }]);
        const now = performance.mark("now");
        assert(now.startTime > 0 && now.startTime <= performance.now(), "defaults to now");
        eq(now.detail, null);
        performance.mark("b", { startTime: 15 });

        const m = performance.measure("m", "a", "b");
        assert(m instanceof PerformanceMeasure, "a PerformanceMeasure");
        eq(m.toJSON(), { name: "m", entryType: "measure", startTime: 5, duration: 10 });
        eq([performance.measure("s", { start: "a", duration: 3 }).duration, performance.measure("e", { end: 20, duration: 4 }).startTime], [3, 16]);
        eq(performance.measure("o", { start: 1, end: "b", detail: "d" }).detail, "d");
        const toNow = performance.measure("toNow", "a");
        assert(toNow.startTime === 5 && toNow.duration > 0, "start mark to now");
        eq(performance.measure("all").startTime, 0);

        throws(() => performance.measure("x", "missing"), DOMException, "SyntaxError");
        throws(() => performance.measure("x", { detail: 1 }), TypeError);
        throws(() => performance.measure("x", { start: 1 }, "b"), TypeError);
        throws(() => performance.measure("x", { start: 1, end: 2, duration: 1 }), TypeError);
        throws(() => performance.measure("x", { start: -1 }), TypeError);
        throws(() => performance.mark("x", { startTime: -1 }), TypeError);
        throws(() => performance.mark(), TypeError);
        throws(() => new PerformanceEntry(), TypeError);
        throws(() => new PerformanceMeasure(), TypeError);
        eq(new PerformanceMark("free").entryType, "mark");

        const marks = performance.getEntriesByType("mark");
        eq(marks.map((e) => e.name).sort(), ["a", "b", "now"]);
        eq(marks.map((e) => e.startTime), [5, 15, now.startTime].sort((x, y) => x - y), "chronological");
        eq(performance.getEntriesByName("a").length, 1);
        eq(performance.getEntriesByName("m", "mark").length, 0);
        const times = performance.getEntries().map((e) => e.startTime);
        eq(times, times.slice().sort((x, y) => x - y), "chronological");
        performance.clearMarks("a");
        eq(performance.getEntriesByName("a"), []);
        performance.clearMarks();
        eq(performance.getEntriesByType("mark"), []);
        assert(performance.getEntriesByType("measure").length > 0, "measures kept");
        performance.clearMeasures();
        eq(performance.getEntries(), []);
        eq(Object.prototype.toString.call(m), "[object PerformanceMeasure]");
        "#,
    );
}
