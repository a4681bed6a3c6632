//! The isolate's hard limits: memory, CPU, panics in bindings, clean teardown.

use std::time::{Duration, Instant};

use nano_engine::rquickjs::{Function, Value};
use nano_engine::{Fatal, Isolate, IsolateOptions, ScriptKind};

fn isolate(memory_mb: usize) -> Isolate {
    let options = IsolateOptions {
        memory_limit: memory_mb << 20,
        ..IsolateOptions::default()
    };
    Isolate::new(&options, None).expect("isolate")
}

fn eval(iso: &mut Isolate, src: &str, budget: Option<Duration>) -> Result<(), Fatal> {
    iso.enter(budget, |ctx| {
        let _ = ctx.eval::<Value, _>(src);
    })
}

#[test]
fn allocation_loop_hits_the_memory_limit_and_the_isolate_is_fatal() {
    // Three times in a row: each isolate fails cleanly and drops without leaking or
    // aborting.
    for _ in 0..3 {
        let mut iso = isolate(16);
        let r = eval(
            &mut iso,
            "const a = []; while (true) a.push(new Array(10000).fill(1));",
            None,
        );
        assert_eq!(r, Err(Fatal::OutOfMemory { limit_mb: 16 }));
        let (used, peak) = iso.memory();
        assert!(peak <= 16 << 20, "peak {peak} over the limit");
        assert!(used <= peak);
        // A fatal isolate refuses further work.
        assert!(eval(&mut iso, "1 + 1", None).is_err());
    }
}

#[test]
fn caught_out_of_memory_is_still_fatal() {
    let mut iso = isolate(16);
    let r = eval(
        &mut iso,
        "try { new Uint8Array(200 * 1024 * 1024); } catch (e) { globalThis.caught = String(e); }",
        None,
    );
    assert!(matches!(r, Err(Fatal::OutOfMemory { .. })), "{r:?}");
}

#[test]
fn memory_below_the_limit_is_fine() {
    let mut iso = isolate(32);
    let r = iso.enter(None, |ctx| {
        ctx.eval::<i32, _>("globalThis.keep = new Uint8Array(8 * 1024 * 1024); keep.length / 1024")
    });
    assert_eq!(r.map(|v| v.ok()), Ok(Some(8192)));
    let (used, _) = iso.memory();
    assert!(used > 8 << 20, "the 8 MB buffer is counted: {used}");
}

#[test]
fn infinite_loop_is_interrupted_near_the_budget_and_cannot_be_caught() {
    let mut iso = isolate(32);
    let start = Instant::now();
    let r = eval(
        &mut iso,
        "for (;;) { try { while (true) {} } catch (e) { globalThis.caught = true; } }",
        Some(Duration::from_millis(50)),
    );
    let elapsed = start.elapsed();
    assert_eq!(r, Err(Fatal::CpuExceeded));
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(2),
        "interrupt took {elapsed:?}"
    );
}

#[test]
fn a_turn_within_budget_is_not_interrupted() {
    let mut iso = isolate(32);
    let r = iso.enter(Some(Duration::from_millis(500)), |ctx| {
        ctx.eval::<i32, _>("let s = 0; for (let i = 0; i < 1000; i++) s += i; s")
    });
    assert_eq!(r.map(|v| v.ok()), Ok(Some(499500)));
}

#[test]
fn a_panic_in_a_binding_makes_the_isolate_fatal_not_the_process() {
    let mut iso = isolate(32);
    let r = iso.enter(None, |ctx| {
        let f = Function::new(ctx.clone(), || -> i32 { panic!("binding bug") }).expect("function");
        ctx.globals().set("explode", f).expect("set");
        let _ = ctx.eval::<Value, _>("explode()");
    });
    match r {
        Err(Fatal::Panic(msg)) => assert!(msg.contains("binding bug"), "{msg}"),
        other => panic!("expected a panic fatal, got {other:?}"),
    }
    // Another isolate on the same thread works.
    let mut other = isolate(32);
    let v = other.enter(None, |ctx| ctx.eval::<i32, _>("6 * 7"));
    assert_eq!(v.map(|v| v.ok()), Ok(Some(42)));
}

#[test]
fn isolates_do_not_share_globals() {
    let mut a = isolate(32);
    let mut b = isolate(32);
    eval(&mut a, "globalThis.secret = 'a-only'", None).expect("a");
    let seen = b.enter(None, |ctx| {
        ctx.eval::<String, _>("typeof globalThis.secret")
    });
    assert_eq!(seen.map(|v| v.ok()), Ok(Some("undefined".to_owned())));
}

#[test]
fn module_syntax_errors_carry_their_location() {
    let mut iso = isolate(32);
    let r = iso
        .eval_main(
            "app.js",
            "export default {\n  fetch() {\n    return 1 +;\n  }\n}\n",
            ScriptKind::Module,
            None,
        )
        .expect("not fatal");
    let err = r.expect_err("syntax error");
    assert_eq!(err.name, "SyntaxError");
    assert_eq!(err.location(), Some("app.js:3:15"), "{err:?}");
}

#[test]
fn script_kind_detection() {
    assert_eq!(
        ScriptKind::detect("a.js", "export default {}"),
        ScriptKind::Module
    );
    assert_eq!(
        ScriptKind::detect("a.js", "import x from './x.js';"),
        ScriptKind::Module
    );
    assert_eq!(ScriptKind::detect("a.mjs", "1"), ScriptKind::Module);
    assert_eq!(
        ScriptKind::detect("a.js", "addEventListener('fetch', e => {})"),
        ScriptKind::Classic
    );
    assert_eq!(
        ScriptKind::detect("a.js", "const m = import('./x.js')"),
        ScriptKind::Classic
    );
}

#[tokio::test(flavor = "current_thread")]
async fn host_operations_settle_promises_in_later_turns() {
    let mut iso = isolate(32);
    let ops = iso.ops().clone();
    iso.enter(None, |ctx| {
        install_sleep(ctx, ops.clone());
        let _: Value = ctx
            .eval("globalThis.order = []; sleep(20).then(v => order.push(v)); sleep(5).then(v => order.push(v));")
            .expect("eval");
    })
    .expect("turn");
    assert_eq!(iso.ops().pending(), 2);
    while iso.run_next_op(None).await.expect("op") {}
    let order = iso
        .enter(None, |ctx| ctx.eval::<String, _>("order.join(',')"))
        .expect("turn");
    assert_eq!(order.ok().as_deref(), Some("5,20"));
}

fn install_sleep<'js>(ctx: &nano_engine::rquickjs::Ctx<'js>, ops: nano_engine::LoopHandle) {
    let sleep = Function::new(
        ctx.clone(),
        move |ctx: nano_engine::rquickjs::Ctx<'js>, ms: u64| {
            ops.promise(&ctx, async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                nano_engine::settle(move |ctx| Ok(Value::new_int(ctx.clone(), ms as i32)))
            })
        },
    )
    .expect("fn");
    ctx.globals().set("sleep", sleep).expect("set");
}
