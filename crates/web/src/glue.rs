//! The JavaScript half of the Web APIs (`js/`). The core (timers, Headers, Request,
//! Response, dispatch) is loaded into every isolate; the other areas (console, events,
//! encoding, URL, streams, structuredClone) only when an app first touches one of their
//! globals. Each part is compiled to bytecode once per process. See `js/prelude.js` for
//! how the parts share names.

use std::sync::OnceLock;

use nano_engine::rquickjs::module::WriteOptions;
use nano_engine::rquickjs::{Context, Ctx, Function, Module, Object, Result, Runtime, Value};

/// One separately loaded part of the glue.
struct Part {
    name: &'static str,
    files: &'static [&'static str],
    /// Areas to load first.
    deps: &'static [&'static str],
    /// Names taken from `internal` (what other parts exported).
    imports: &'static [&'static str],
    /// Names put into `internal` for other parts.
    exports: &'static [&'static str],
}

const CORE: Part = Part {
    name: "core",
    files: &[
        include_str!("js/prelude.js"),
        include_str!("js/timers.js"),
        include_str!("js/headers.js"),
        include_str!("js/body.js"),
        include_str!("js/request.js"),
        include_str!("js/response.js"),
        include_str!("js/zz_dispatch.js"),
    ],
    deps: &[],
    imports: &[],
    // The Web API classes, for structuredClone to tell platform objects apart; the body
    // and message internals, for the areas that make and read requests and responses
    // (blob, fetch).
    exports: &[
        "Headers",
        "Request",
        "Response",
        "Performance",
        "ExecutionContext",
        "BodyState",
        "BODY",
        "REQ",
        "RES",
        "HEADERS_LIST",
        "HEADERS_GUARD",
        "headersToFlat",
        "headersFromFlat",
        "extractBody",
        "pumpBody",
    ],
};

const AREAS: &[Part] = &[
    Part {
        name: "inspect",
        files: &[include_str!("js/inspect.js"), include_str!("js/console.js")],
        deps: &[],
        imports: &["defineGlobal", "LEVEL", "INSPECT_CUSTOM"],
        exports: &["inspect", "formatArgs", "quote"],
    },
    Part {
        name: "events",
        files: &[include_str!("js/events.js")],
        deps: &[],
        imports: &["defineGlobal", "reportException", "FETCH_EVENT"],
        exports: &[
            "DOMException",
            "Event",
            "EventTarget",
            "AbortController",
            "AbortSignal",
            "FetchEvent",
            "SIGNAL_ADD_ALGORITHM",
            "SIGNAL_REMOVE_ALGORITHM",
            "SIGNAL_ABORT",
            "isAbortSignal",
        ],
    },
    Part {
        name: "encoding",
        files: &[include_str!("js/encoding.js")],
        deps: &["events"],
        imports: &["defineGlobal", "DOMException"],
        exports: &["TextEncoder", "TextDecoder"],
    },
    Part {
        name: "url",
        files: &[include_str!("js/url.js")],
        deps: &[],
        imports: &["defineGlobal", "need", "INSPECT_CUSTOM"],
        exports: &["URL", "URLSearchParams"],
    },
    Part {
        name: "streams",
        files: &[
            include_str!("js/streams.js"),
            include_str!("js/writable.js"),
            include_str!("js/transform.js"),
        ],
        deps: &[],
        imports: &["defineGlobal", "need", "webidlInterface", "intrinsics"],
        exports: &[
            "ReadableStream",
            "ReadableStreamDefaultReader",
            "ReadableStreamBYOBReader",
            "ReadableStreamBYOBRequest",
            "ReadableStreamDefaultController",
            "ReadableByteStreamController",
            "WritableStream",
            "WritableStreamDefaultWriter",
            "WritableStreamDefaultController",
            "TransformStream",
            "TransformStreamDefaultController",
            "ByteLengthQueuingStrategy",
            "CountQueuingStrategy",
            "isReadableStream",
            "isStreamDisturbed",
            "isStreamLocked",
            "nativeBodyStream",
            "takeNativeBody",
            "bytesStream",
            "disturbedEmptyStream",
            "readAllBytes",
            "pumpStream",
            "teeStream",
        ],
    },
    Part {
        name: "streamcodecs",
        files: &[include_str!("js/stream_codecs.js")],
        deps: &["streams", "encoding"],
        imports: &["defineGlobal", "need", "webidlInterface", "TransformStream"],
        exports: &[],
    },
    Part {
        name: "crypto",
        files: &[include_str!("js/crypto.js")],
        deps: &["events"],
        imports: &[
            "defineGlobal",
            "DOMException",
            "webidlInterface",
            "need",
            "INSPECT_CUSTOM",
        ],
        exports: &["Crypto", "SubtleCrypto", "CryptoKey"],
    },
    Part {
        name: "blob",
        files: &[include_str!("js/blob.js"), include_str!("js/formdata.js")],
        deps: &["events"],
        imports: &[
            "defineGlobal",
            "need",
            "webidlInterface",
            "pairIterator",
            "INSPECT_CUSTOM",
            "DOMException",
            "BodyState",
        ],
        exports: &[
            "Blob",
            "File",
            "FormData",
            "extractBlobBody",
            "bodyToBlob",
            "parseFormData",
            "createBlobURL",
            "revokeBlobURL",
            "resolveBlobURL",
        ],
    },
    Part {
        name: "fetch",
        files: &[include_str!("js/fetch.js")],
        deps: &["events"],
        imports: &[
            "defineGlobal",
            "need",
            "areaLoaded",
            "DOMException",
            "Request",
            "Response",
            "Headers",
            "BodyState",
            "BODY",
            "REQ",
            "RES",
            "HEADERS_LIST",
            "HEADERS_GUARD",
            "headersToFlat",
            "headersFromFlat",
            "pumpBody",
        ],
        exports: &["fetch", "makeFetcher"],
    },
    Part {
        name: "reqinit",
        files: &[include_str!("js/request_init.js")],
        deps: &[],
        imports: &["need", "BodyState", "BODY"],
        exports: &["requestOptions", "takeOverBody"],
    },
    Part {
        name: "clone",
        files: &[include_str!("js/clone.js")],
        deps: &["events"],
        imports: &["defineGlobal", "DOMException"],
        exports: &["structuredClone"],
    },
];

fn source(part: &Part) -> String {
    let mut src =
        String::from("export default function install(ops, internal) {\n\"use strict\";\n");
    for dep in part.deps {
        src.push_str(&format!("internal.need({dep:?});\n"));
    }
    if !part.imports.is_empty() {
        src.push_str(&format!(
            "const {{ {} }} = internal;\n",
            part.imports.join(", ")
        ));
    }
    for file in part.files {
        src.push_str(file);
        src.push('\n');
    }
    // Exports become plain properties of `internal` once the part's files have run (a
    // getter per name would cost every isolate a closure each). Other parts read them
    // only after this part has loaded. The core's last file leaves its API in `coreApi`.
    if !part.exports.is_empty() {
        src.push_str(&format!(
            "Object.assign(internal, {{ {} }});\n",
            part.exports.join(", ")
        ));
    }
    if part.name == CORE.name {
        src.push_str("return coreApi;\n");
    }
    src.push_str("}\n");
    src
}

fn module_name(part: &Part) -> String {
    format!("nano:{}", part.name)
}

fn compile(part: &Part) -> Vec<u8> {
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
            Module::declare(ctx, module_name(part), source(part))?.write(options)
        })
    })();
    // The glue is ours and fixed at build time; a failure here is a bug caught by every
    // test, so an empty result (reported when loaded) is enough.
    compiled.unwrap_or_default()
}

fn bytecode(index: Option<usize>) -> &'static [u8] {
    static CORE_CODE: OnceLock<Vec<u8>> = OnceLock::new();
    static AREA_CODE: [OnceLock<Vec<u8>>; AREAS.len()] = [const { OnceLock::new() }; AREAS.len()];
    match index {
        None => CORE_CODE.get_or_init(|| compile(&CORE)),
        Some(i) => AREA_CODE[i].get_or_init(|| compile(&AREAS[i])),
    }
}

/// Total size of the compiled glue, for benchmarks and diagnostics.
pub fn bytecode_len() -> usize {
    bytecode(None).len()
        + (0..AREAS.len())
            .map(|i| bytecode(Some(i)).len())
            .sum::<usize>()
}

fn load<'js>(ctx: &Ctx<'js>, part: &Part, code: &[u8]) -> Result<Function<'js>> {
    let module = if code.is_empty() {
        // Surfaces the compile error with its location.
        Module::declare(ctx.clone(), module_name(part), source(part))?
    } else {
        // SAFETY: the bytecode was produced by this same engine build from our own source.
        unsafe { Module::load(ctx.clone(), code)? }
    };
    let (module, promise) = module.eval()?;
    promise.finish::<()>()?;
    module.get("default")
}

/// Loads the core into `ctx` and runs it with `ops`; returns its API object.
pub(crate) fn run<'js>(ctx: &Ctx<'js>, ops: Object<'js>) -> Result<Object<'js>> {
    let internal = Object::new(ctx.clone())?;
    load(ctx, &CORE, bytecode(None))?.call((ops, internal))
}

/// `ops.loadArea(name, ops, internal)`: loads one area into the calling isolate.
pub(crate) fn load_area<'js>(
    ctx: Ctx<'js>,
    name: String,
    ops: Value<'js>,
    internal: Object<'js>,
) -> Result<()> {
    let Some(index) = AREAS.iter().position(|p| p.name == name) else {
        return Err(nano_engine::rquickjs::Exception::throw_internal(
            &ctx,
            &format!("no glue area {name}"),
        ));
    };
    load(&ctx, &AREAS[index], bytecode(Some(index)))?.call((ops, internal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_compiles() {
        assert!(!bytecode(None).is_empty(), "core");
        for (i, part) in AREAS.iter().enumerate() {
            assert!(!bytecode(Some(i)).is_empty(), "{}", part.name);
        }
    }
}
