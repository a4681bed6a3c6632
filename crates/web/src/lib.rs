//! NANO's Web APIs: what a Workers app sees as its global scope (console, timers,
//! Headers, Request, Response, streams, encoding…), installed into one engine isolate.
//!
//! Most classes are JavaScript (`src/js/`, compiled to bytecode once per process); the
//! work they do per byte or per call is in Rust, behind one private `ops` object that
//! only the glue sees.

mod body;
mod buffer;
mod compression;
mod crypto;
mod encoding;
mod fetch;
mod glue;
pub use glue::bytecode_len;
mod multipart;
mod ops;
mod url;
mod webidl;

use std::rc::Rc;

use nano_engine::rquickjs::{Ctx, Function, Object, Persistent, Value};
use nano_engine::{Fatal, Isolate, JsError};

pub use body::{BodyStream, ResponseBody};
pub use fetch::{FetchSettings, LocalFetch, OutboundPolicy, Rule, RuleError};

/// Severity of a console line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Log,
    Warn,
    Error,
}

impl Level {
    fn from_code(code: i32) -> Self {
        match code {
            0 => Self::Debug,
            1 => Self::Info,
            3 => Self::Warn,
            4 => Self::Error,
            _ => Self::Log,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Log => "log",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// Where console output goes (the host decides: stdout for `nanod run`, the app's log
/// for served apps).
pub type LogSink = Rc<dyn Fn(Level, &str)>;

/// A response JS produced for a dispatched request.
#[derive(Debug)]
pub struct ResponseParts {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    pub body: ResponseBody,
}

/// Receives each dispatched request's outcome, by request id.
pub type ResponseSink = Rc<dyn Fn(u64, Result<ResponseParts, JsError>)>;

/// What the host plugs into the Web APIs of one isolate.
#[derive(Clone)]
pub struct WebOptions {
    pub log: LogSink,
    pub respond: ResponseSink,
    /// An error nothing caught (a throwing timer callback, `reportError`).
    pub uncaught: Rc<dyn Fn(JsError)>,
}

/// The host's handle on the Web APIs installed in one isolate. It holds JS values, and a
/// reference to the engine runtime that keeps it alive until those are released, so it
/// may be dropped before or after its isolate.
pub struct Web {
    bodies: Rc<body::BodyTable>,
    fetch: Rc<fetch::FetchState>,
    dispatch: Persistent<Function<'static>>,
    bind: Persistent<Function<'static>>,
    unhandled: Persistent<Function<'static>>,
    make_fetcher: Persistent<Function<'static>>,
    // Last: dropped after the values above.
    _runtime: nano_engine::rquickjs::Runtime,
}

/// Installs every Web API into the isolate's global scope.
pub fn install(isolate: &mut Isolate, options: WebOptions) -> Result<Web, JsError> {
    let bodies = Rc::new(body::BodyTable::default());
    let fetch = Rc::new(fetch::FetchState::new());
    // Each dispatched request's outcome also ends its share of the subrequest allowance.
    let options = {
        let (state, respond) = (fetch.clone(), options.respond.clone());
        WebOptions {
            respond: Rc::new(move |id, outcome| {
                state.request_finished();
                respond(id, outcome)
            }),
            ..options
        }
    };
    let loop_handle = isolate.ops().clone();
    let result = isolate
        .enter(None, |ctx| -> Result<_, JsError> {
            let ops = ops::build(ctx, &loop_handle, &bodies, &fetch, &options)
                .map_err(|e| JsError::catch(ctx, e))?;
            let api: Object = glue::run(ctx, ops).map_err(|e| JsError::catch(ctx, e))?;
            let get = |name: &str| -> Result<Persistent<Function<'static>>, JsError> {
                let f: Function = api.get(name).map_err(|e| JsError::catch(ctx, e))?;
                Ok(Persistent::save(ctx, f))
            };
            Ok((
                get("dispatch")?,
                get("bind")?,
                get("unhandledRejection")?,
                get("makeFetcher")?,
            ))
        })
        .map_err(|f| JsError::new("Error", f.to_string()))??;
    Ok(Web {
        bodies,
        fetch,
        dispatch: result.0,
        bind: result.1,
        unhandled: result.2,
        make_fetcher: result.3,
        _runtime: isolate.runtime().clone(),
    })
}

/// How an app's code declares its handler.
pub enum AppExports<'js> {
    /// A module: its namespace (`export default { fetch }`).
    Module(Object<'js>),
    /// A classic script: handlers registered with `addEventListener("fetch", …)`.
    ServiceWorker,
}

impl Web {
    /// A service binding for the app's `env`: an object whose `fetch(input, init)` sends
    /// requests to the in-process service named `binding` ([`LocalFetch::fetch_service`]).
    pub fn service_binding<'js>(
        &self,
        ctx: &Ctx<'js>,
        binding: &str,
    ) -> Result<Value<'js>, JsError> {
        let make = self
            .make_fetcher
            .clone()
            .restore(ctx)
            .map_err(|e| JsError::catch(ctx, e))?;
        make.call((binding,)).map_err(|e| JsError::catch(ctx, e))
    }

    /// Sets what the app's outbound `fetch` may do (its limits, timeouts, policy); the
    /// defaults apply until this is called.
    pub fn set_fetch_settings(&self, settings: FetchSettings) {
        self.fetch.set_settings(settings);
    }

    /// Tells the glue where the app's `fetch` handler is and what its `env` holds.
    pub fn bind<'js>(
        &self,
        ctx: &Ctx<'js>,
        exports: AppExports<'js>,
        env: Object<'js>,
    ) -> Result<(), JsError> {
        let bind = self
            .bind
            .clone()
            .restore(ctx)
            .map_err(|e| JsError::catch(ctx, e))?;
        let ns = match exports {
            AppExports::Module(ns) => ns.into_value(),
            AppExports::ServiceWorker => Value::new_undefined(ctx.clone()),
        };
        bind.call::<_, ()>((ns, env))
            .map_err(|e| JsError::catch(ctx, e))
    }

    /// Fires `unhandledrejection` on the global scope for each promise rejected with no
    /// handler in the last turn(s); returns the ones no listener canceled (to be logged
    /// or, for `nanod run`, to fail the process).
    /// Listeners run under `budget`, like any other turn.
    pub fn report_rejections(
        &self,
        iso: &mut Isolate,
        budget: Option<std::time::Duration>,
    ) -> Result<Vec<JsError>, Fatal> {
        let rejections = iso.take_rejections();
        if rejections.is_empty() {
            return Ok(Vec::new());
        }
        let fire = self.unhandled.clone();
        iso.enter(budget, move |ctx| {
            let mut unhandled = Vec::new();
            let fire = fire.restore(ctx).ok();
            for r in rejections {
                let not_canceled = match (&fire, r.promise.restore(ctx), r.reason.restore(ctx)) {
                    (Some(f), Ok(promise), Ok(reason)) => {
                        f.call::<_, bool>((promise, reason)).unwrap_or_else(|_| {
                            // A failure inside the glue: report the rejection anyway.
                            let _ = ctx.catch();
                            true
                        })
                    }
                    _ => true,
                };
                if not_canceled {
                    unhandled.push(r.error);
                }
            }
            unhandled
        })
    }

    /// Hands a request to the app. The outcome reaches [`WebOptions::respond`] with the
    /// same `id`, now or in a later turn.
    #[allow(clippy::too_many_arguments)]
    pub fn dispatch<'js>(
        &self,
        ctx: &Ctx<'js>,
        id: u64,
        method: &str,
        url: &str,
        headers: &[(&str, &[u8])],
        body: Option<BodyStream>,
    ) -> Result<(), JsError> {
        let catch = |e| JsError::catch(ctx, e);
        let dispatch = self.dispatch.clone().restore(ctx).map_err(catch)?;
        // One string, "name\nvalue\n" per field, split in JS only if the app reads the
        // headers. Names are lower-case tokens and values hold no line breaks, so "\n"
        // cannot be ambiguous; value bytes are Latin-1 to the Fetch spec (one byte, one
        // code unit).
        let mut raw =
            String::with_capacity(headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
        for (name, value) in headers {
            raw.push_str(name);
            raw.push('\n');
            raw.extend(value.iter().map(|&b| b as char));
            raw.push('\n');
        }
        let body_id = body.map(|b| self.bodies.insert(b));
        self.fetch.request_started();
        let result = dispatch
            .call::<_, ()>((id as f64, method, url, raw, body_id))
            .map_err(catch);
        if result.is_err() {
            self.fetch.request_finished();
        }
        result
    }
}
