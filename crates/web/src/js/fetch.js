// fetch() (Fetch standard §5.6): outbound HTTP through the host. The request goes to
// Rust whole (ops.fetchStart); redirects, decoding, limits and the outbound policy are
// handled there (src/fetch/). The response body stays a host body, so a handler that
// returns the fetched Response passes it through without JS reading it.

// Keep in sync with `ops.fetchStart` in src/fetch/mod.rs.
const FETCHED_STATUS = 0, FETCHED_STATUS_TEXT = 1, FETCHED_HEADERS = 2, FETCHED_BODY = 3,
  FETCHED_URL = 4, FETCHED_REDIRECTED = 5;

// Pumps a ReadableStream request body into the upload channel (Fetch §4.5 "transmit
// request body"), with the same reader loop response bodies use (streams.js
// pumpStream). A failure ends the upload with an error, which fails the fetch; when the
// request ends early (aborted, failed or answered) the stream is canceled.
function pumpUpload(stream, sink) {
  const write = (value) => {
    if (!(value instanceof Uint8Array)) throw new TypeError("Request body stream chunks must be Uint8Array");
    return ops.sinkWrite(sink, value);
  };
  need("streams").pumpStream(stream, write).then(
    () => ops.sinkClose(sink),
    (err) => ops.sinkClose(sink, `the request body stream errored: ${err && err.message || err}`),
  );
}

// The request body as ops.fetchStart takes it; marks the body used.
function outgoingBody(b) {
  if (b.isNull) return null;
  if (b.disturbed) throw new TypeError("Failed to execute 'fetch': the request body was already used");
  b.used = true;
  if (b.text !== undefined) return b.text;
  if (b.bytes !== undefined) return b.bytes;
  if (b.native !== undefined) {
    const id = b.native;
    b.native = undefined;
    return id;
  }
  if (b.stream.locked) throw new TypeError("Failed to execute 'fetch': the request body stream is locked");
  const native = need("streams").takeNativeBody(b.stream);
  if (native !== undefined) return native;
  const [sink, id] = ops.fetchUpload();
  pumpUpload(b.stream, sink);
  return id;
}

// One fetch's link to its AbortSignal: rejects the pending promise, or errors the body,
// with the signal's reason (Fetch §5.6 step 12 "abort the fetch() call").
class FetchAbort {
  constructor(signal, id, reject) {
    this.signal = signal;
    this.id = id;
    this.reject = reject;
    this.controller = null;
    this.done = false;
    this.listener = () => this.abort();
    signal.addEventListener("abort", this.listener);
  }
  abort() {
    if (this.done) return;
    this.done = true;
    ops.fetchAbort(this.id);
    const reason = this.signal.reason;
    if (this.reject) this.reject(reason);
    if (this.controller) {
      try { this.controller.error(reason); } catch {}
    }
  }
  finish() {
    if (this.done) return;
    this.done = true;
    this.signal.removeEventListener("abort", this.listener);
    ops.fetchForget(this.id);
  }
}

// A response body that an abort can error: read from the host body chunk by chunk.
function abortableBody(bodyId, link) {
  const { ReadableStream } = need("streams");
  return new ReadableStream({
    start(c) { link.controller = c; },
    pull(c) {
      return ops.bodyRead(bodyId).then((chunk) => {
        if (link.done && link.signal.aborted) return;
        if (chunk === undefined) { link.finish(); c.close(); } else c.enqueue(chunk);
      }, (err) => {
        if (link.done && link.signal.aborted) return;
        link.finish();
        throw err;
      });
    },
    cancel() { link.finish(); ops.bodyCancel(bodyId); },
  }, { highWaterMark: 0 });
}

function makeResponse(fetched, link) {
  const res = Object.create(Response.prototype);
  res[RES] = {
    status: fetched[FETCHED_STATUS],
    statusText: fetched[FETCHED_STATUS_TEXT],
    headers: headersFromFlat(fetched[FETCHED_HEADERS], "immutable"),
    type: "basic",
    url: fetched[FETCHED_URL],
    redirected: fetched[FETCHED_REDIRECTED],
  };
  const bodyId = fetched[FETCHED_BODY];
  if (bodyId === null) {
    res[BODY] = new BodyState(null);
    if (link) link.finish();
  } else if (link) {
    link.reject = null;
    res[BODY] = new BodyState(abortableBody(bodyId, link));
  } else {
    res[BODY] = new BodyState(null, bodyId);
  }
  return res;
}

// A data: URL's response (Fetch §4.2 scheme fetch): no network, no subrequest.
function dataResponse(url, method) {
  const [type, bytes] = ops.fetchDataUrl(url);
  const res = Object.create(Response.prototype);
  res[RES] = { status: 200, statusText: "OK", headers: headersFromFlat(["content-type", type], "immutable"), type: "basic", url, redirected: false };
  // Fetch §4.1 main fetch: a HEAD (or CONNECT) response has no body.
  res[BODY] = new BodyState(method === "HEAD" ? null : bytes);
  return res;
}

// A blob: URL's response (Fetch §4.2 scheme fetch): the Blob the app registered with
// URL.createObjectURL, streamed; no network, no subrequest.
function blobResponse(url, method) {
  if (method !== "GET") throw new TypeError(`fetch failed: a blob: URL can only be fetched with GET, not ${method}`);
  const blob = need("blob").resolveBlobURL(url);
  if (blob === undefined) throw new TypeError(`fetch failed: ${url} is not a blob: URL of this app (or it was revoked)`);
  const res = Object.create(Response.prototype);
  const flat = ["content-length", String(blob.size), "content-type", blob.type];
  res[RES] = { status: 200, statusText: "OK", headers: headersFromFlat(flat, "immutable"), type: "basic", url, redirected: false };
  res[BODY] = new BodyState(blob.stream());
  return res;
}

function start(method, url, flat, body, redirect, signal, service = undefined) {
  const [promise, id] = ops.fetchStart(method, url, flat, body, redirect, signal !== null, service);
  if (signal === null) return promise.then((f) => makeResponse(f, null));
  return new Promise((resolve, reject) => {
    const link = new FetchAbort(signal, id, reject);
    promise.then((f) => {
      if (!link.done) resolve(makeResponse(f, link));
      else if (f[FETCHED_BODY] !== null) ops.bodyCancel(f[FETCHED_BODY]);
    }, (err) => {
      link.finish();
      reject(err);
    });
  });
}

async function fetch(input, init = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'fetch': 1 argument required, but only 0 present.");
  return fetchVia(undefined, input, init);
}

// A fetch, to the network or (service) through a service binding.
function fetchVia(service, input, init) {
  // The common `fetch(url)`: no Request object, the URL is checked in Rust.
  if (init === undefined && (typeof input === "string" || (areaLoaded("url") && input instanceof internal.URL))) {
    const url = String(input);
    const c = url.charCodeAt(0);
    // Only a URL starting with "d"/"b" (or with leading whitespace) can be data: or blob:.
    if ((c !== 100 && c !== 68 && c !== 98 && c !== 66 && c > 32) || !/^\s*(data|blob):/i.test(url)) {
      return start("GET", url, [], null, "follow", null, service);
    }
  }
  const request = new Request(input, init);
  const r = request[REQ];
  if (r.url.startsWith("blob:")) {
    if (request.signal.aborted) throw request.signal.reason;
    return blobResponse(r.url, r.method);
  }
  if (r.url.startsWith("data:")) {
    if (request.signal.aborted) throw request.signal.reason;
    return dataResponse(r.url, r.method);
  }
  const signal = r.abortable ? request.signal : null;
  if (signal !== null && signal.aborted) {
    const b = request[BODY];
    if (b.stream && !b.stream.locked) b.stream.cancel(signal.reason).catch(() => {});
    throw signal.reason;
  }
  const body = outgoingBody(request[BODY]);
  return start(r.method, r.url, headersToFlat(request.headers), body, r.redirect, signal, service);
}

// A service binding in `env` (Workers' Fetcher): `env.NAME.fetch(input, init)` sends the
// request to the bound app in the same process, whatever its URL says.
const FETCHER_TOKEN = Symbol("Fetcher");
class Fetcher {
  #service;
  constructor(token, service) {
    if (token !== FETCHER_TOKEN) throw new TypeError("Illegal constructor");
    this.#service = service;
  }
  fetch(input, init = undefined) {
    if (arguments.length === 0) return Promise.reject(new TypeError("Failed to execute 'fetch': 1 argument required, but only 0 present."));
    try {
      return Promise.resolve(fetchVia(this.#service, input, init));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  get [Symbol.toStringTag]() { return "Fetcher"; }
}

function makeFetcher(service) {
  return new Fetcher(FETCHER_TOKEN, service);
}

defineGlobal("fetch", fetch);
