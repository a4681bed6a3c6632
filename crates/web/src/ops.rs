//! The private `ops` object: the Rust half of the Web APIs. Only the glue in `js/` sees
//! it; each function's doc shows the JS that calls it. Keep in sync with `js/*.js`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use nano_engine::rquickjs::{
    function::Opt, Array, ArrayBuffer, Ctx, Exception, Function, Object, Result,
    String as JsString, TypedArray, Value,
};
use nano_engine::{settle, JsError, LoopHandle};

use crate::body::{BodyTable, ResponseBody};
use crate::buffer::copy_bytes;
use crate::encoding::{
    base64_decode, base64_encode, cstring_bytes, latin1_from_utf8, latin1_to_string,
};
use crate::{Level, ResponseParts, WebOptions};

fn type_error(ctx: &Ctx<'_>, message: &str) -> nano_engine::rquickjs::Error {
    Exception::throw_type(ctx, message)
}

fn headers_from_flat(flat: &Array<'_>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut i = 0;
    while i + 1 < flat.len() {
        out.push((flat.get(i)?, flat.get(i + 1)?));
        i += 2;
    }
    Ok(out)
}

/// Body chunk or text as bytes; `None` for null/undefined.
fn body_bytes(ctx: &Ctx<'_>, body: &Value<'_>) -> Result<Option<Bytes>> {
    if body.is_null() || body.is_undefined() {
        return Ok(None);
    }
    if let Some(s) = body.as_string() {
        return Ok(Some(Bytes::from(s.to_string()?)));
    }
    match copy_bytes(body) {
        Some(b) => Ok(Some(Bytes::from(b))),
        None => Err(type_error(
            ctx,
            "body chunk must be a string or BufferSource",
        )),
    }
}

pub(crate) fn build<'js>(
    ctx: &Ctx<'js>,
    lp: &LoopHandle,
    bodies: &Rc<BodyTable>,
    fetch: &Rc<crate::fetch::FetchState>,
    options: &WebOptions,
) -> Result<Object<'js>> {
    let ops = Object::new(ctx.clone())?;
    let timers: Rc<RefCell<HashMap<u32, u64>>> = Rc::default();

    // ops.print(level, text)
    let log = options.log.clone();
    ops.set(
        "print",
        Function::new(ctx.clone(), move |level: i32, text: String| {
            log(Level::from_code(level), &text)
        })?,
    )?;

    // ops.now() -> milliseconds since the isolate began (performance.now)
    let origin = lp.origin();
    ops.set(
        "now",
        Function::new(ctx.clone(), move || origin.elapsed().as_secs_f64() * 1000.0)?,
    )?;

    // ops.sleep(id, ms) -> Promise<void>; ops.cancelSleep(id)
    let (l, t) = (lp.clone(), timers.clone());
    ops.set(
        "sleep",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32, ms: f64| {
            let ms = if ms.is_finite() && ms > 0.0 { ms } else { 0.0 };
            let dur = Duration::from_secs_f64(ms / 1000.0);
            let table = t.clone();
            let fut = async move {
                tokio::time::sleep(dur).await;
                table.borrow_mut().remove(&id);
                settle(|ctx| Ok(Value::new_undefined(ctx.clone())))
            };
            let (promise, key) = l.promise_cancellable(&ctx, fut)?;
            t.borrow_mut().insert(id, key);
            Ok::<_, nano_engine::rquickjs::Error>(promise)
        })?,
    )?;
    let (l, t) = (lp.clone(), timers);
    ops.set(
        "cancelSleep",
        Function::new(ctx.clone(), move |id: u32| {
            if let Some(key) = t.borrow_mut().remove(&id) {
                l.cancel(key);
            }
        })?,
    )?;

    // ops.utf8Encode(string) -> Uint8Array
    ops.set(
        "utf8Encode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, s: String| {
            TypedArray::<u8>::new(ctx, s.into_bytes())
        })?,
    )?;

    // ops.base64Encode(string) -> string | null  (btoa; null: a code unit above U+00FF)
    ops.set(
        "base64Encode",
        Function::new(ctx.clone(), |s: JsString<'js>| -> Result<Option<String>> {
            let utf8 = s.to_cstring()?;
            Ok(latin1_from_utf8(cstring_bytes(&utf8)).map(|bytes| base64_encode(&bytes)))
        })?,
    )?;

    // ops.base64Decode(string) -> string | null  (atob; null: not valid base64)
    ops.set(
        "base64Decode",
        Function::new(ctx.clone(), |s: JsString<'js>| -> Result<Option<String>> {
            let utf8 = s.to_cstring()?;
            Ok(base64_decode(cstring_bytes(&utf8)).map(|bytes| latin1_to_string(&bytes)))
        })?,
    )?;

    // ops.bodyRead(id) -> Promise<Uint8Array | undefined>  (undefined: end of body)
    let (l, b) = (lp.clone(), bodies.clone());
    ops.set(
        "bodyRead",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let table = b.clone();
            let Some(mut stream) = table.take(id) else {
                return Err(type_error(
                    &ctx,
                    "body is already being read or was consumed",
                ));
            };
            l.promise(&ctx, async move {
                let next = stream.next().await;
                if next.is_some() {
                    table.put_back(id, stream);
                }
                settle(move |ctx| match next {
                    None => Ok(Value::new_undefined(ctx.clone())),
                    Some(Ok(chunk)) => {
                        Ok(TypedArray::<u8>::new(ctx.clone(), chunk.to_vec())?.into_value())
                    }
                    Some(Err(reason)) => Err(type_error(ctx, &reason)),
                })
            })
        })?,
    )?;

    // ops.bodyReadAll(id) -> Promise<ArrayBuffer>
    let (l, b) = (lp.clone(), bodies.clone());
    ops.set(
        "bodyReadAll",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let Some(mut stream) = b.take(id) else {
                return Err(type_error(
                    &ctx,
                    "body is already being read or was consumed",
                ));
            };
            l.promise(&ctx, async move {
                let mut all = Vec::new();
                let mut failure = None;
                while let Some(chunk) = stream.next().await {
                    match chunk {
                        Ok(c) => all.extend_from_slice(&c),
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                }
                settle(move |ctx| match failure {
                    Some(reason) => Err(type_error(ctx, &reason)),
                    None => Ok(ArrayBuffer::new(ctx.clone(), all)?.into_value()),
                })
            })
        })?,
    )?;

    // ops.bodyCancel(id): drops an incoming body nobody will read.
    let b = bodies.clone();
    ops.set(
        "bodyCancel",
        Function::new(ctx.clone(), move |id: u32| {
            b.take(id);
        })?,
    )?;

    // ops.respond(reqId, status, statusText, headersFlat, body)
    //   body: null | string | BufferSource | number (an incoming body id, passed through)
    let (respond, b) = (options.respond.clone(), bodies.clone());
    ops.set(
        "respond",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  req: f64,
                  status: u16,
                  status_text: String,
                  headers: Array<'js>,
                  body: Value<'js>| {
                let headers = headers_from_flat(&headers)?;
                let body = if let Some(id) = body.as_number() {
                    match b.take(id as u32) {
                        Some(stream) => ResponseBody::Stream(stream),
                        None => return Err(type_error(&ctx, "body was already used")),
                    }
                } else {
                    match body_bytes(&ctx, &body)? {
                        Some(bytes) => ResponseBody::Bytes(bytes),
                        None => ResponseBody::Empty,
                    }
                };
                respond(
                    req as u64,
                    Ok(ResponseParts {
                        status,
                        status_text,
                        headers,
                        body,
                    }),
                );
                Ok(())
            },
        )?,
    )?;

    // ops.respondStream(reqId, status, statusText, headersFlat) -> sinkId
    let (respond, b) = (options.respond.clone(), bodies.clone());
    ops.set(
        "respondStream",
        Function::new(
            ctx.clone(),
            move |req: f64, status: u16, status_text: String, headers: Array<'js>| {
                let headers = headers_from_flat(&headers)?;
                let (sink, stream) = b.open_sink();
                respond(
                    req as u64,
                    Ok(ResponseParts {
                        status,
                        status_text,
                        headers,
                        body: ResponseBody::Stream(stream),
                    }),
                );
                Ok::<_, nano_engine::rquickjs::Error>(sink)
            },
        )?,
    )?;

    // ops.sinkWrite(sinkId, chunk) -> Promise<boolean>  (false: the client went away)
    let (l, b) = (lp.clone(), bodies.clone());
    ops.set(
        "sinkWrite",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, sink: u32, chunk: Value<'js>| {
                let bytes = body_bytes(&ctx, &chunk)?.unwrap_or_default();
                let tx = b.sink(sink);
                l.promise(&ctx, async move {
                    let delivered = match tx {
                        Some(tx) => tx.send(Ok(bytes)).await.is_ok(),
                        None => false,
                    };
                    settle(move |ctx| Ok(Value::new_bool(ctx.clone(), delivered)))
                })
            },
        )?,
    )?;

    // ops.sinkClose(sinkId, errorMessage?)
    let b = bodies.clone();
    ops.set(
        "sinkClose",
        Function::new(ctx.clone(), move |sink: u32, error: Opt<String>| {
            if let (Some(tx), Some(reason)) = (b.close_sink(sink), error.0) {
                let _ = tx.try_send(Err(reason));
            }
        })?,
    )?;

    // ops.uncaught(error): reportError found no listener that handled it.
    let uncaught = options.uncaught.clone();
    ops.set(
        "uncaught",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, err: Value<'js>| {
            uncaught(JsError::from_value(&ctx, err));
        })?,
    )?;

    // ops.fail(reqId, error): the handler threw or returned something unusable.
    let respond = options.respond.clone();
    ops.set(
        "fail",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, req: f64, err: Value<'js>| {
                respond(req as u64, Err(JsError::from_value(&ctx, err)));
            },
        )?,
    )?;

    // ops.classId(value) -> number  (the engine's class of an object, which tells apart
    // the internal slots structuredClone cares about: Date, Map, Proxy, Promise, …; 0 for
    // a primitive). The numbers are compared only with those of known objects.
    ops.set(
        "classId",
        Function::new(ctx.clone(), |v: Value<'js>| -> u32 {
            if !v.is_object() {
                return 0;
            }
            // SAFETY: `v` is a live value of this context; JS_GetClassID only reads it.
            unsafe { nano_engine::rquickjs::qjs::JS_GetClassID(v.as_raw()) }
        })?,
    )?;

    // ops.makeEnumerable(object, except): WebIDL members are enumerable.
    ops.set(
        "makeEnumerable",
        Function::new(ctx.clone(), crate::webidl::make_enumerable)?,
    )?;

    // ops.loadArea(name, ops, internal): loads a part of the glue on first use.
    ops.set(
        "loadArea",
        Function::new(ctx.clone(), crate::glue::load_area)?,
    )?;
    crate::encoding::install(ctx, &ops)?;
    crate::url::install(ctx, &ops)?;
    crate::compression::install(ctx, &ops)?;
    crate::crypto::install(ctx, &ops, lp)?;
    crate::fetch::install(ctx, &ops, lp, bodies, fetch)?;
    crate::multipart::install(ctx, &ops)?;
    Ok(ops)
}
