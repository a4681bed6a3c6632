#![allow(dead_code)] // each test binary uses a different subset of the helpers
//! Runs JavaScript against the Web APIs in a fresh isolate and collects what it printed,
//! for the API tests. A test fails on any uncaught error or unhandled rejection.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use nano_engine::{Isolate, IsolateOptions, ScriptKind};
use nano_web::{Level, WebOptions};

/// What a script printed (one entry per console call) and the errors nothing caught.
#[derive(Debug, Default)]
pub struct Outcome {
    pub lines: Vec<(Level, String)>,
    pub errors: Vec<String>,
}

impl Outcome {
    /// The printed text, one line per console call, levels ignored.
    pub fn text(&self) -> Vec<&str> {
        self.lines.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// Evaluates `source` as a module and drives its event loop until nothing is pending.
pub fn run(source: &str) -> Outcome {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let out = Rc::new(RefCell::new(Outcome::default()));
        let mut iso = Isolate::new(&IsolateOptions::default(), None).expect("isolate");
        let (o1, o2) = (out.clone(), out.clone());
        let web = nano_web::install(
            &mut iso,
            WebOptions {
                log: Rc::new(move |level, text| {
                    o1.borrow_mut().lines.push((level, text.to_owned()))
                }),
                respond: Rc::new(|_, _| {}),
                uncaught: Rc::new(move |err| o2.borrow_mut().errors.push(err.to_string())),
            },
        )
        .expect("install web APIs");
        match iso.eval_main("test.js", source, ScriptKind::Module, None) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => out.borrow_mut().errors.push(e.to_string()),
            Err(f) => out.borrow_mut().errors.push(f.to_string()),
        }
        loop {
            for e in web.report_rejections(&mut iso, None).unwrap_or_default() {
                out.borrow_mut()
                    .errors
                    .push(format!("unhandled rejection: {e}"));
            }
            if let Ok(Some(Err(e))) = iso.main_state() {
                out.borrow_mut().errors.push(e.to_string());
                break;
            }
            match iso.run_next_op(None).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(f) => {
                    out.borrow_mut().errors.push(f.to_string());
                    break;
                }
            }
        }
        // A top-level await still pending once nothing else can happen would end the
        // script silently, skipping the assertions after it: count it as a failure.
        if out.borrow().errors.is_empty() {
            if let Ok(None) = iso.main_state() {
                out.borrow_mut()
                    .errors
                    .push("the module's top-level await never settled".into());
            }
        }
        drop(web);
        drop(iso);
        Rc::try_unwrap(out)
            .map(RefCell::into_inner)
            .unwrap_or_default()
    })
}

/// Runs `source` and fails the test if anything went uncaught; returns printed lines.
pub fn run_ok(source: &str) -> Vec<String> {
    let outcome = run(source);
    assert!(
        outcome.errors.is_empty(),
        "uncaught errors: {:#?}\nprinted: {:#?}",
        outcome.errors,
        outcome.lines
    );
    outcome.lines.into_iter().map(|(_, t)| t).collect()
}

/// A small assertion library the JS tests share (prepended to each script).
pub const ASSERT: &str = r#"
function assert(cond, msg) { if (!cond) throw new Error("assertion failed: " + (msg ?? "")); }
function eq(actual, expected, msg) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg ?? "eq"}: expected ${e}, got ${a}`);
}
function throws(fn, ctor, name) {
  try { fn(); } catch (e) {
    if (ctor && !(e instanceof ctor)) throw new Error(`expected ${ctor.name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    if (name && e.name !== name) throw new Error(`expected error name ${name}, got ${e.name}`);
    return e;
  }
  throw new Error("expected an exception");
}
async function rejects(promise, ctor) {
  try { await promise; } catch (e) {
    if (ctor && !(e instanceof ctor)) throw new Error(`expected ${ctor.name}, got ${e && e.constructor && e.constructor.name}`);
    return e;
  }
  throw new Error("expected a rejection");
}
"#;

/// Big-body helpers for the tests that move megabytes: `pattern(size, seed)` makes
/// reproducible bytes quickly, `sameBytes(a, b)` compares them without a JS byte loop.
pub const BYTE_HELPERS: &str = r#"
function pattern(size, seed = 7) {
  const out = new Uint8Array(size);
  const block = Math.min(size, 4096);
  let x = seed;
  for (let i = 0; i < block; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; out[i] = x >>> 24; }
  for (let n = block; n < size; n *= 2) out.copyWithin(n, 0, Math.min(n, size - n));
  for (let b = 4096; b + 2 <= size; b += 4096) { out[b] = (b >>> 12) & 255; out[b + 1] = b >>> 20; }
  return out;
}
// Base64 is one-to-one and native (a JS byte loop over megabytes is far too slow).
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  const step = 1 << 20;
  for (let i = 0; i < a.length; i += step) {
    if (a.subarray(i, i + step).toBase64() !== b.subarray(i, i + step).toBase64()) return false;
  }
  return true;
}
"#;

/// Runs `body` (with the assertion helpers) and expects it to finish cleanly.
pub fn check(body: &str) -> Vec<String> {
    run_ok(&format!("{ASSERT}\n{body}\n"))
}

/// Deno, for the cross-runtime tests: `NANO_DENO`, then the benchmarks' copy
/// (`bench/.peers/node_modules/.bin/deno`), then `PATH`; `None` if none runs.
pub fn find_deno() -> Option<PathBuf> {
    let works = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(p) = std::env::var_os("NANO_DENO") {
        let p = PathBuf::from(p);
        return works(&p).then_some(p);
    }
    let peers =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/.peers/node_modules/.bin/deno");
    if works(&peers) {
        return Some(peers);
    }
    let on_path = PathBuf::from("deno");
    works(&on_path).then_some(on_path)
}

/// Runs `script` as a module in deno and returns the lines it printed; `name` keeps
/// the temporary files of concurrent runs apart.
pub fn run_deno(deno: &Path, name: &str, script: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("nano-deno-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("{name}.js"));
    std::fs::write(&file, script).expect("write script");
    let output = Command::new(deno)
        .args(["run", "--quiet", "--no-config"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run deno");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "deno failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}
