//! `nanod run FILE`: evaluate a script or module to completion, like `deno run`. Timers,
//! microtasks and host work are driven until none remain; an uncaught error prints its
//! stack to stderr and makes the exit code 1.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use nano_engine::{Isolate, IsolateOptions, JsError, ScriptKind};
use nano_web::{Level, WebOptions};

use crate::app::{App, AppSource};
use crate::boot::JS_STACK;
use crate::config::{AppConfig, Limits, Outbound};

/// Heap limit for `nanod run`: a script run by hand is trusted, but a runaway one should
/// still stop with an error rather than take the machine down.
const RUN_MEMORY: usize = 4 << 30;

fn print_error(prefix: &str, err: &JsError) {
    let _ = writeln!(std::io::stderr().lock(), "error: {prefix}{err}");
}

/// Runs the file and returns the process exit code.
pub fn run_file(path: &Path) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the event loop: {e}");
            return 1;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, run(path))
}

async fn run(path: &Path) -> i32 {
    let main = match path.canonicalize() {
        Ok(p) if p.is_file() => p,
        Ok(_) => {
            eprintln!("error: {} is not a file", path.display());
            return 1;
        }
        Err(e) => {
            eprintln!("error: cannot open {}: {e}", path.display());
            return 1;
        }
    };
    let app = Arc::new(App::new(AppConfig {
        name: "run".into(),
        main,
        routes: Vec::new(),
        vars: BTreeMap::new(),
        limits: Limits {
            memory_bytes: RUN_MEMORY,
            // A script is not a request: no subrequest limit.
            subrequests: u32::MAX,
            ..Limits::default()
        },
        outbound: Outbound::default(),
        services: BTreeMap::new(),
    }));
    let source = match app.read(&app.main) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let options = IsolateOptions {
        memory_limit: RUN_MEMORY,
        stack_limit: JS_STACK,
    };
    let mut iso = match Isolate::new(&options, Some(Rc::new(AppSource(app.clone())))) {
        Ok(i) => i,
        Err(e) => {
            print_error("", &e);
            return 1;
        }
    };
    let failed = Rc::new(Cell::new(false));
    let f = failed.clone();
    let hooks = WebOptions {
        log: Rc::new(|level, text| {
            let line = format!("{text}\n");
            let _ = match level {
                Level::Warn | Level::Error => std::io::stderr().lock().write_all(line.as_bytes()),
                _ => std::io::stdout().lock().write_all(line.as_bytes()),
            };
        }),
        respond: Rc::new(|_, _| {}),
        uncaught: Rc::new(move |err| {
            print_error("Uncaught ", &err);
            f.set(true);
        }),
    };
    let web = match nano_web::install(&mut iso, hooks) {
        Ok(w) => w,
        Err(e) => {
            print_error("", &e);
            return 1;
        }
    };
    web.set_fetch_settings(app.config.fetch_settings());
    let kind = ScriptKind::detect(&app.main, &source);
    let code = drive(&mut iso, &web, &app.main, &source, kind, &failed).await;
    drop(web);
    code
}

async fn drive(
    iso: &mut Isolate,
    web: &nano_web::Web,
    name: &str,
    source: &str,
    kind: ScriptKind,
    failed: &Cell<bool>,
) -> i32 {
    match iso.eval_main(name, source, kind, None) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            print_error("Uncaught ", &e);
            return 1;
        }
        Err(fatal) => {
            eprintln!("error: {fatal}");
            return 1;
        }
    }
    loop {
        match web.report_rejections(iso, None) {
            Ok(errors) => {
                if let Some(err) = errors.into_iter().next() {
                    print_error("Uncaught (in promise) ", &err);
                    return 1;
                }
            }
            Err(fatal) => {
                eprintln!("error: {fatal}");
                return 1;
            }
        }
        if failed.get() {
            return 1;
        }
        match iso.main_state() {
            Ok(Some(Err(e))) => {
                print_error("Uncaught ", &e);
                return 1;
            }
            Err(fatal) => {
                eprintln!("error: {fatal}");
                return 1;
            }
            _ => {}
        }
        match iso.run_next_op(None).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(fatal) => {
                eprintln!("error: {fatal}");
                return 1;
            }
        }
    }
    match iso.main_state() {
        Ok(None) => {
            eprintln!("error: top-level await promise never resolved");
            1
        }
        _ => 0,
    }
}
