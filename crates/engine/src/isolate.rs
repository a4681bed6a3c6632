//! One isolate: a QuickJS runtime and context with a metered heap, a CPU deadline that
//! interrupts runaway scripts, a module loader confined to the app's own files, and the
//! queue of host operations that make up its event loop.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::promise::PromiseState;
use rquickjs::{Context, Ctx, Module, Object, Persistent, Promise, Runtime, Value};

use crate::error::{Fatal, JsError};
use crate::loader::{AppLoader, ModuleSource};
use crate::meter::{Meter, MeteredAllocator};
use crate::ops::{LoopHandle, Ready};

/// Heap growth between cycle collections.
const GC_THRESHOLD: usize = 1 << 20;

/// Limits an isolate is created with.
#[derive(Debug, Clone)]
pub struct IsolateOptions {
    /// Most bytes the engine heap may hold.
    pub memory_limit: usize,
    /// Most bytes of native stack JavaScript may use; keep well below the thread's stack.
    pub stack_limit: usize,
}

impl Default for IsolateOptions {
    fn default() -> Self {
        Self {
            memory_limit: 128 << 20,
            stack_limit: 1 << 20,
        }
    }
}

/// How a main file is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// An ES module (`import`/`export`, top-level await).
    Module,
    /// A classic script evaluated in the global scope.
    Classic,
}

impl ScriptKind {
    /// Modules are `.mjs` files and files that use `import`/`export` statements.
    pub fn detect(path: &str, source: &str) -> Self {
        if path.ends_with(".mjs") || path.ends_with(".json") {
            return Self::Module;
        }
        if path.ends_with(".cjs") {
            return Self::Classic;
        }
        let looks_like_module = has_module_syntax(source);
        if looks_like_module {
            Self::Module
        } else {
            Self::Classic
        }
    }
}

/// Whether `source` has an `import` or `export` statement: the keyword at the start of a
/// statement (after a line break, `;`, `{` or `}`), followed by what only those
/// statements allow. Dynamic `import(…)` and `import.meta` do not count.
fn has_module_syntax(source: &str) -> bool {
    let bytes = source.as_bytes();
    let at_statement_start = |i: usize| {
        bytes[..i]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\t'))
            .is_none_or(|b| matches!(b, b'\n' | b'\r' | b';' | b'{' | b'}'))
    };
    let word_at = |i: usize, word: &str| {
        bytes[i..].starts_with(word.as_bytes())
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || matches!(bytes[i - 1], b'_' | b'$' | b'.')))
    };
    for i in 0..bytes.len() {
        if word_at(i, "export") && at_statement_start(i) {
            let rest = source[i + 6..].trim_start();
            if rest.starts_with(['{', '*'])
                || [
                    "default", "const", "let", "var", "function", "class", "async",
                ]
                .iter()
                .any(|w| rest.starts_with(w))
            {
                return true;
            }
        }
        if word_at(i, "import") && at_statement_start(i) {
            let rest = &source[i + 6..];
            let trimmed = rest.trim_start();
            let spaced = rest.len() != trimmed.len();
            if trimmed.starts_with(['{', '*', '"', '\''])
                || (spaced
                    && trimmed.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$'))
            {
                return true;
            }
        }
    }
    false
}

/// The interrupt handler's view of the running turn.
#[derive(Default)]
struct Guard {
    deadline: Cell<Option<Instant>>,
    interrupted: Cell<bool>,
}

/// A promise that was rejected with no handler by the end of a turn.
pub struct Rejection {
    pub promise: Persistent<Value<'static>>,
    pub reason: Persistent<Value<'static>>,
    /// The reason, described for logs.
    pub error: JsError,
}

type Rejections = Rc<RefCell<Vec<Rejection>>>;

/// One tenant's JavaScript world. Lives on one thread for its whole life.
pub struct Isolate {
    // Declaration order is drop order: the context goes before its runtime.
    context: Context,
    runtime: Runtime,
    ops: LoopHandle,
    guard: Rc<Guard>,
    meter: Rc<Meter>,
    rejections: Rejections,
    main: Option<Persistent<Promise<'static>>>,
    namespace: Option<Persistent<Object<'static>>>,
    fatal: Option<Fatal>,
    memory_limit: usize,
    last_turn: Duration,
}

impl Isolate {
    /// Creates an isolate; `modules` serves the files `import` may reach (none: every
    /// import fails).
    pub fn new(
        options: &IsolateOptions,
        modules: Option<Rc<dyn ModuleSource>>,
    ) -> Result<Self, JsError> {
        let engine_err = |e: rquickjs::Error| JsError::new("Error", format!("engine: {e}"));
        let meter = Meter::new(options.memory_limit);
        let runtime = Runtime::new_with_alloc(MeteredAllocator {
            meter: meter.clone(),
        })
        .map_err(engine_err)?;
        runtime.set_max_stack_size(options.stack_limit);
        // Reference counting frees almost everything; the cycle collector need not run
        // while an isolate boots (the Web API core alone passes QuickJS's 256 KB default).
        runtime.set_gc_threshold(GC_THRESHOLD);

        let guard = Rc::new(Guard::default());
        let g = guard.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            if g.interrupted.get() {
                return true;
            }
            match g.deadline.get() {
                Some(deadline) if Instant::now() >= deadline => {
                    g.interrupted.set(true);
                    true
                }
                _ => false,
            }
        })));

        let rejections: Rejections = Rc::default();
        let list = rejections.clone();
        runtime.set_host_promise_rejection_tracker(Some(Box::new(
            move |ctx: Ctx<'_>, promise: Value<'_>, reason: Value<'_>, handled: bool| {
                let mut list = list.borrow_mut();
                if handled {
                    list.retain(|r| {
                        r.promise
                            .clone()
                            .restore(&ctx)
                            .map(|p| p != promise)
                            .unwrap_or(true)
                    });
                } else {
                    let error = JsError::from_value(&ctx, reason.clone());
                    list.push(Rejection {
                        promise: Persistent::save(&ctx, promise),
                        reason: Persistent::save(&ctx, reason),
                        error,
                    });
                }
            },
        )));

        let loader = AppLoader::new(modules);
        runtime.set_loader(loader.clone(), loader);

        let context = Context::full(&runtime).map_err(engine_err)?;
        Ok(Self {
            context,
            runtime,
            ops: LoopHandle::new(meter.clone()),
            guard,
            meter,
            rejections,
            main: None,
            namespace: None,
            fatal: None,
            memory_limit: options.memory_limit,
            last_turn: Duration::ZERO,
        })
    }

    /// Changes the heap limit (an isolate prepared ahead of time gets its app's limit
    /// when it is assigned). A limit below what is in use refuses further growth.
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.memory_limit = bytes;
        self.meter.set_limit(bytes);
    }

    /// Sets where `import` finds modules (an isolate prepared ahead of time learns its
    /// app's files when it is assigned).
    pub fn set_modules(&mut self, modules: Rc<dyn ModuleSource>) {
        let loader = AppLoader::new(Some(modules));
        self.runtime.set_loader(loader.clone(), loader);
    }

    /// The handle bindings use to start host operations.
    pub fn ops(&self) -> &LoopHandle {
        &self.ops
    }

    /// Bytes of engine heap in use now, and the most ever used.
    pub fn memory(&self) -> (usize, usize) {
        (self.meter.used(), self.meter.peak())
    }

    /// Set once the isolate hit a limit or a binding panicked; it must then be dropped.
    pub fn fatal(&self) -> Option<&Fatal> {
        self.fatal.as_ref()
    }

    /// How long the last turn ran.
    pub fn last_turn(&self) -> Duration {
        self.last_turn
    }

    /// Runs one turn: `f`, then every queued microtask. With a `budget`, JavaScript
    /// still running when it is spent is terminated (uncatchably) and the isolate becomes
    /// fatal. A limit hit or a panic inside a binding comes back as `Err`.
    pub fn enter<R>(
        &mut self,
        budget: Option<Duration>,
        f: impl for<'js> FnOnce(&Ctx<'js>) -> R,
    ) -> Result<R, Fatal> {
        if let Some(fatal) = &self.fatal {
            return Err(fatal.clone());
        }
        let start = Instant::now();
        self.guard.deadline.set(budget.map(|b| start + b));
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.context.with(|ctx| {
                let out = f(&ctx);
                while ctx.execute_pending_job() {}
                out
            })
        }));
        self.guard.deadline.set(None);
        self.last_turn = start.elapsed();
        let fatal = match result {
            Err(panic) => Some(Fatal::Panic(panic_message(&panic))),
            Ok(_) if self.guard.interrupted.get() => Some(Fatal::CpuExceeded),
            Ok(_) if self.meter.exceeded() => Some(Fatal::OutOfMemory {
                limit_mb: self.memory_limit >> 20,
            }),
            Ok(out) => return Ok(out),
        };
        self.fatal = fatal.clone();
        Err(fatal.unwrap_or(Fatal::CpuExceeded))
    }

    /// Waits until a host operation finishes and runs its continuation as a turn.
    /// Returns `Ok(false)` at once when no operation is pending.
    pub async fn run_next_op(&mut self, budget: Option<Duration>) -> Result<bool, Fatal> {
        match self.ops.ready().await {
            Some(ready) => self.run_ready(ready, budget).map(|_| true),
            None => Ok(false),
        }
    }

    /// Runs a finished operation's continuation as a turn.
    pub fn run_ready(&mut self, ready: Ready, budget: Option<Duration>) -> Result<(), Fatal> {
        self.enter(budget, |ctx| (ready.0)(ctx))
    }

    /// Promise rejections nobody handled by the end of the last turn(s), with the
    /// promise and reason (to fire `unhandledrejection`); drains the list. Drop them
    /// before the isolate.
    pub fn take_rejections(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut *self.rejections.borrow_mut())
    }

    /// Evaluates the app's main file (module or classic script) under `budget`.
    /// Modules may use top-level await: [`main_state`](Self::main_state) tells when the
    /// evaluation settles. Returns syntax and top-level errors.
    pub fn eval_main(
        &mut self,
        name: &str,
        source: &str,
        kind: ScriptKind,
        budget: Option<Duration>,
    ) -> Result<Result<(), JsError>, Fatal> {
        let mut main = None;
        let mut namespace = None;
        let out = self.enter(budget, |ctx| -> Result<(), JsError> {
            match kind {
                ScriptKind::Module => {
                    let module = Module::declare(ctx.clone(), name, source)
                        .map_err(|e| JsError::catch(ctx, e))?;
                    let (module, promise) = module.eval().map_err(|e| JsError::catch(ctx, e))?;
                    // Its outcome is read through `main_state`; a catch handler keeps a
                    // throwing module from also counting as an unhandled rejection.
                    let ignore = rquickjs::Function::new(ctx.clone(), || {})
                        .map_err(|e| JsError::catch(ctx, e))?;
                    let _: rquickjs::Value = promise
                        .catch()
                        .and_then(|catch| {
                            catch.call((rquickjs::function::This(promise.clone()), ignore))
                        })
                        .map_err(|e| JsError::catch(ctx, e))?;
                    main = Some(Persistent::save(ctx, promise));
                    let ns = module.namespace().map_err(|e| JsError::catch(ctx, e))?;
                    namespace = Some(Persistent::save(ctx, ns));
                    Ok(())
                }
                ScriptKind::Classic => {
                    let mut options = EvalOptions::default();
                    options.global = true;
                    options.strict = false;
                    options.filename = Some(name.to_owned());
                    ctx.eval_with_options::<Value, _>(source, options)
                        .map(|_| ())
                        .map_err(|e| JsError::catch(ctx, e))
                }
            }
        })?;
        self.main = main;
        self.namespace = namespace;
        Ok(out)
    }

    /// `None` while the main module's top-level await is still pending; otherwise how it
    /// ended. Classic scripts settle at once.
    pub fn main_state(&mut self) -> Result<Option<Result<(), JsError>>, Fatal> {
        let Some(main) = self.main.clone() else {
            return Ok(Some(Ok(())));
        };
        self.enter(None, |ctx| {
            let promise = main.restore(ctx).ok()?;
            match promise.state() {
                PromiseState::Pending => None,
                PromiseState::Resolved => Some(Ok(())),
                PromiseState::Rejected => {
                    let reason = promise
                        .result::<Value>()
                        .and_then(|r| r.err())
                        .map(|e| JsError::catch(ctx, e))
                        .unwrap_or_else(|| JsError::new("Error", "module evaluation failed"));
                    Some(Err(reason))
                }
            }
        })
    }

    /// The main module's namespace object (`None` for a classic script); restore it
    /// inside a turn.
    pub fn main_namespace(&self) -> Option<Persistent<Object<'static>>> {
        self.namespace.clone()
    }

    /// The runtime, for rare direct needs (garbage collection, statistics).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // Everything that pins a JS value must go before the runtime is freed.
        self.main = None;
        self.namespace = None;
        self.ops.clear();
        self.rejections.borrow_mut().clear();
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}
