// Dispatching a served request to the app's fetch handler, module syntax
// (`export default { fetch(request, env, ctx) }`) or service-worker syntax
// (`addEventListener("fetch", (event) => event.respondWith(…))`), and sending the
// Response it settles with back to the host.

let appHandler = null;
let appEnv = {};

const CONTEXT_TOKEN = Symbol("executionContext");

class ExecutionContext {
  constructor(token) {
    if (token !== CONTEXT_TOKEN) throw new TypeError("Illegal constructor");
  }
  // Work passed here keeps running after the response is sent; the isolate's event loop
  // drives it like any other pending work, and a rejection is reported.
  waitUntil(promise) {
    Promise.resolve(promise).catch((err) => reportException(err));
  }
  passThroughOnException() {}
  get [Symbol.toStringTag]() { return "ExecutionContext"; }
}
// Its methods do not depend on the request, so one instance serves every request.
const executionContext = Object.freeze(new ExecutionContext(CONTEXT_TOKEN));

defineGlobal("ExecutionContext", ExecutionContext);
defineGlobal("self", globalThis);
// HTML §8.9.1 (the WorkerNavigator subset that makes sense on a server).
const NAVIGATOR_TOKEN = Symbol("Navigator");
const navigatorLanguages = Object.freeze(["en-US"]);
class Navigator {
  constructor(token) { if (token !== NAVIGATOR_TOKEN) throw new TypeError("Illegal constructor"); }
  get userAgent() { return "NANO"; }
  get hardwareConcurrency() { return 1; }
  get language() { return "en-US"; }
  get languages() { return navigatorLanguages; }
  get onLine() { return true; }
  get [Symbol.toStringTag]() { return "Navigator"; }
}
defineGlobal("Navigator", Navigator);
defineGlobal("navigator", new Navigator(NAVIGATOR_TOKEN));

function invokeHandler(request) {
  if (appHandler) {
    return appHandler.fetch(request, appEnv, executionContext);
  }
  const event = new (need("events").FetchEvent)("fetch", { request });
  globalThis.dispatchEvent(event);
  const response = event[FETCH_EVENT].response;
  if (response === undefined) throw new Error("No fetch handler responded to the request (call event.respondWith())");
  return response;
}

// Streams a JS body into a host sink; the sink's backpressure paces the reads.
function pumpBody(stream, sink) {
  const write = (value) => {
    if (typeof value !== "string" && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
      throw new TypeError("Response body stream chunks must be Uint8Array");
    }
    return ops.sinkWrite(sink, value);
  };
  need("streams").pumpStream(stream, write).then(() => ops.sinkClose(sink), (err) => {
    ops.sinkClose(sink, String(err && err.message || err));
    reportException(err);
  });
}

// The header list of a `new Response(text)` nobody changed (see response.js).
const TEXT_RESPONSE_HEADERS = Object.freeze(["content-type", "text/plain;charset=UTF-8"]);

function sendResponse(id, response) {
  if (!(response instanceof Response)) {
    throw new TypeError(`The fetch handler must return a Response, not ${inspect(response, { depth: 0 })}`);
  }
  const r = response[RES];
  if (r.type === "error") throw new TypeError("The fetch handler returned Response.error()");
  const flat = r.headers === null ? TEXT_RESPONSE_HEADERS : headersToFlat(r.headers);
  const b = response[BODY];
  if (b.disturbed) throw new TypeError("The response body was already used");
  if (b.isNull) return ops.respond(id, r.status, r.statusText, flat, null);
  if (b.text !== undefined) return ops.respond(id, r.status, r.statusText, flat, b.text);
  if (b.bytes !== undefined) return ops.respond(id, r.status, r.statusText, flat, b.bytes);
  if (b.native !== undefined) {
    const native = b.native;
    b.native = undefined;
    b.used = true;
    return ops.respond(id, r.status, r.statusText, flat, native);
  }
  const native = need("streams").takeNativeBody(b.stream);
  if (native !== undefined) return ops.respond(id, r.status, r.statusText, flat, native);
  const sink = ops.respondStream(id, r.status, r.statusText, flat);
  pumpBody(b.stream, sink);
}

function dispatch(id, method, url, flat, bodyId) {
  let result;
  try {
    result = invokeHandler(makeIncomingRequest(method, url, flat, bodyId));
  } catch (err) {
    ops.fail(id, err);
    return;
  }
  if (result instanceof Response) {
    try { sendResponse(id, result); } catch (err) { ops.fail(id, err); }
    return;
  }
  Promise.resolve(result).then((response) => sendResponse(id, response)).catch((err) => ops.fail(id, err));
}

function bind(namespace, env) {
  appEnv = env;
  if (namespace !== undefined) {
    const def = namespace.default;
    if (def !== undefined && def !== null && typeof def.fetch === "function") {
      appHandler = def;
    } else if (def !== undefined) {
      throw new TypeError("The app's default export has no fetch() handler");
    }
  }
}

internal.webidlInterface(Headers, Request, Response, Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, ExecutionContext, Navigator);

// For the host, after each turn, per promise rejected with no handler (the engine's
// `Isolate::take_rejections`): fires "unhandledrejection" on the global scope; true
// means it was not canceled and should be reported. Without the events area loaded no
// listener can exist, so nothing is fired.
function unhandledRejection(promise, reason) {
  if (!areaLoaded("events")) return true;
  return need("events").fireUnhandledRejection(promise, reason);
}

// A service binding for `env` (see Fetcher in fetch.js).
function makeFetcher(name) {
  return need("fetch").makeFetcher(name);
}

// What the host calls (returned by the glue; see glue.rs).
const coreApi = { dispatch, bind, unhandledRejection, makeFetcher };
