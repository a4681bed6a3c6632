//! Bringing up an app's isolate: engine, Web APIs, the app's code evaluated (top-level
//! await included), and its fetch handler bound with its `env`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nano_engine::rquickjs::{Ctx, Object};
use nano_engine::{Fatal, Isolate, IsolateOptions, JsError, ScriptKind};
use nano_web::{AppExports, LocalFetch, Web, WebOptions};

use crate::app::{App, AppSource};

/// CPU time the app's top-level code may take (larger than a request's: startup work
/// such as building tables is normal).
const STARTUP_CPU: Duration = Duration::from_millis(1000);
/// Wall time for top-level await to settle.
const STARTUP_WALL: Duration = Duration::from_secs(10);
/// Native stack JavaScript may use; loop threads get far more (see `server`).
pub(crate) const JS_STACK: usize = 1 << 20;

/// A booted isolate. (`web` holds JS values and a reference to the runtime, so it may
/// drop in either order; it is declared first and drops first.)
pub(crate) struct Live {
    pub web: Web,
    pub iso: Isolate,
}

/// Why an app could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BootError {
    #[error("{0}")]
    Script(JsError),
    #[error("{0}")]
    Fatal(Fatal),
}

impl From<Fatal> for BootError {
    fn from(f: Fatal) -> Self {
        Self::Fatal(f)
    }
}

impl From<JsError> for BootError {
    fn from(e: JsError) -> Self {
        Self::Script(e)
    }
}

/// The `env` object: each configured var, parsed from its JSON form, and each service
/// binding.
fn build_env<'js>(ctx: &Ctx<'js>, app: &App, web: &Web) -> Result<Object<'js>, JsError> {
    let env = Object::new(ctx.clone()).map_err(|e| JsError::catch(ctx, e))?;
    for binding in app.config.services.keys() {
        let fetcher = web.service_binding(ctx, binding)?;
        env.set(binding.as_str(), fetcher)
            .map_err(|e| JsError::catch(ctx, e))?;
    }
    for (name, json) in &app.config.vars {
        let value = ctx
            .json_parse(json.as_str())
            .map_err(|e| JsError::catch(ctx, e))?;
        env.set(name.as_str(), value)
            .map_err(|e| JsError::catch(ctx, e))?;
    }
    Ok(env)
}

/// An isolate with the Web APIs installed but no app yet: the app-independent
/// three quarters of a cold start, done ahead of time (see `Pool::take_spare`).
pub(crate) struct Prepared {
    web: Web,
    iso: Isolate,
    hooks: Rc<RefCell<Option<WebOptions>>>,
}

/// Web API hooks that forward to whatever app the isolate is later given.
fn forwarding_hooks(target: &Rc<RefCell<Option<WebOptions>>>) -> WebOptions {
    let (t1, t2, t3) = (target.clone(), target.clone(), target.clone());
    WebOptions {
        log: Rc::new(move |level, text| {
            if let Some(h) = t1.borrow().as_ref() {
                (h.log)(level, text);
            }
        }),
        respond: Rc::new(move |id, outcome| {
            if let Some(h) = t2.borrow().as_ref() {
                (h.respond)(id, outcome);
            }
        }),
        uncaught: Rc::new(move |err| {
            if let Some(h) = t3.borrow().as_ref() {
                (h.uncaught)(err);
            }
        }),
    }
}

/// Creates an isolate and installs the Web APIs, for no app in particular.
pub(crate) fn prepare() -> Result<Prepared, BootError> {
    let options = IsolateOptions {
        stack_limit: JS_STACK,
        ..IsolateOptions::default()
    };
    let mut iso = Isolate::new(&options, None)?;
    let hooks = Rc::new(RefCell::new(None));
    let web = nano_web::install(&mut iso, forwarding_hooks(&hooks))?;
    Ok(Prepared { web, iso, hooks })
}

pub(crate) async fn boot(
    app: &Arc<App>,
    hooks: WebOptions,
    local: Option<Rc<dyn LocalFetch>>,
) -> Result<Live, BootError> {
    finish(prepare()?, app, hooks, local).await
}

/// Gives a prepared isolate to `app`: its limits, files, hooks and in-process services
/// (`local`), then its code.
pub(crate) async fn finish(
    prepared: Prepared,
    app: &Arc<App>,
    hooks: WebOptions,
    local: Option<Rc<dyn LocalFetch>>,
) -> Result<Live, BootError> {
    // (`web` keeps the engine runtime alive until its own JS values are released, so
    // the drop order of these does not matter; dropping `web` first is still tidier.)
    let Prepared {
        mut iso,
        web,
        hooks: target,
    } = prepared;
    *target.borrow_mut() = Some(hooks);
    iso.set_memory_limit(app.config.limits.memory_bytes);
    let mut fetch = app.config.fetch_settings();
    fetch.local = local;
    web.set_fetch_settings(fetch);
    iso.set_modules(Rc::new(AppSource(app.clone())));
    let source = app
        .read(&app.main)
        .map_err(|e| JsError::new("Error", e.to_string()))?;
    let kind = ScriptKind::detect(&app.main, &source);
    if kind == ScriptKind::Classic {
        // Service-worker scripts see their bindings as globals, as on Workers.
        iso.enter(None, |ctx| -> Result<(), JsError> {
            let env = build_env(ctx, app, &web)?;
            let globals = ctx.globals();
            for name in app.config.vars.keys().chain(app.config.services.keys()) {
                let v: nano_engine::rquickjs::Value =
                    env.get(name.as_str()).map_err(|e| JsError::catch(ctx, e))?;
                globals
                    .set(name.as_str(), v)
                    .map_err(|e| JsError::catch(ctx, e))?;
            }
            Ok(())
        })??;
    }
    iso.eval_main(&app.main, &source, kind, Some(STARTUP_CPU))??;
    let deadline = Instant::now() + STARTUP_WALL;
    loop {
        match iso.main_state()? {
            Some(Ok(())) => break,
            Some(Err(e)) => return Err(e.into()),
            None => {}
        }
        if iso.ops().pending() == 0 {
            return Err(JsError::new("Error", "top-level await never resolved").into());
        }
        match tokio::time::timeout_at(deadline.into(), iso.run_next_op(Some(STARTUP_CPU))).await {
            Ok(r) => {
                r?;
            }
            Err(_) => {
                return Err(
                    JsError::new("Error", "top-level await did not settle within 10 s").into(),
                )
            }
        }
    }
    let namespace = iso.main_namespace();
    iso.enter(None, |ctx| -> Result<(), JsError> {
        let env = build_env(ctx, app, &web)?;
        let exports = match &namespace {
            Some(ns) => AppExports::Module(
                ns.clone()
                    .restore(ctx)
                    .map_err(|e| JsError::catch(ctx, e))?,
            ),
            None => AppExports::ServiceWorker,
        };
        web.bind(ctx, exports, env)
    })??;
    Ok(Live { web, iso })
}
