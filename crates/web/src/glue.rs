//! The JavaScript half of the Web APIs: the files in `js/`, joined into one module,
//! compiled to bytecode once per process and loaded into each new isolate.

use std::sync::OnceLock;

use nano_engine::rquickjs::module::WriteOptions;
use nano_engine::rquickjs::{Context, Ctx, Function, Module, Object, Result, Runtime};

/// The glue, in load order. Each file is a part of one function body that receives
/// `ops` and ends up returning `{ dispatch, bind }` (see `js/zz_dispatch.js`).
const PARTS: &[&str] = &[
    include_str!("js/inspect.js"),
    include_str!("js/console.js"),
    include_str!("js/timers.js"),
    include_str!("js/events.js"),
    include_str!("js/encoding.js"),
    include_str!("js/url.js"),
    include_str!("js/streams.js"),
    include_str!("js/headers.js"),
    include_str!("js/body.js"),
    include_str!("js/request.js"),
    include_str!("js/response.js"),
    include_str!("js/zz_dispatch.js"),
];

const NAME: &str = "nano:web";

fn source() -> String {
    let mut src = String::from("export default function install(ops) {\n\"use strict\";\n");
    for part in PARTS {
        src.push_str(part);
        src.push('\n');
    }
    src.push_str("}\n");
    src
}

fn compile() -> Vec<u8> {
    let compiled = (|| -> Result<Vec<u8>> {
        let rt = Runtime::new()?;
        let ctx = Context::full(&rt)?;
        ctx.with(|ctx| {
            // Source text and debug tables are per-isolate memory every app would pay for;
            // glue frames in stack traces lose their line numbers, app frames keep theirs.
            let options = WriteOptions {
                strip_source: true,
                strip_debug: true,
                ..WriteOptions::default()
            };
            Module::declare(ctx, NAME, source())?.write(options)
        })
    })();
    // The glue is ours and fixed at build time; a failure here is a bug caught by every
    // test, so an empty result (reported when loaded) is enough.
    compiled.unwrap_or_default()
}

fn bytecode() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(compile)
}

/// Loads the glue into `ctx` and runs it with `ops`; returns its API object.
pub(crate) fn run<'js>(ctx: &Ctx<'js>, ops: Object<'js>) -> Result<Object<'js>> {
    let code = bytecode();
    let module = if code.is_empty() {
        // Surfaces the compile error with its location.
        Module::declare(ctx.clone(), NAME, source())?
    } else {
        // SAFETY: the bytecode was produced by this same engine build from our own source.
        unsafe { Module::load(ctx.clone(), code)? }
    };
    let (module, promise) = module.eval()?;
    promise.finish::<()>()?;
    let install: Function = module.get("default")?;
    install.call((ops,))
}

/// Size of the compiled glue, for benchmarks and diagnostics.
pub fn bytecode_len() -> usize {
    bytecode().len()
}
