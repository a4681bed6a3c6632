// Request (Fetch standard §5.4).

const REQUEST_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const FORBIDDEN_METHODS = ["CONNECT", "TRACE", "TRACK"];
const REQ = Symbol("request");

// RequestInit members kept as they are given (Fetch §5.4): one shared, frozen default
// until a request sets one. Checking and storing them lives in the "reqinit" area,
// loaded only by apps that set any.
const DEFAULT_REQUEST_OPTIONS = Object.freeze({
  mode: "cors", credentials: "same-origin", cache: "default", referrer: "about:client",
  referrerPolicy: "", integrity: "", keepalive: false,
});

function requestOptions(base, init) {
  // Each member is read once, in WebIDL's (lexicographic) order.
  const given = {
    cache: init.cache, credentials: init.credentials, integrity: init.integrity, keepalive: init.keepalive,
    mode: init.mode, priority: init.priority, referrer: init.referrer, referrerPolicy: init.referrerPolicy,
  };
  for (const k in given) {
    if (given[k] !== undefined) return need("reqinit").requestOptions(base, given);
  }
  return base;
}

function normalizeMethod(method) {
  method = String(method);
  if (!isToken(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.includes(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  return REQUEST_METHODS.includes(upper) ? upper : method;
}

function parseRequestURL(input) {
  {
    const { URL } = need("url");
    let url;
    try { url = new URL(input); } catch { throw new TypeError(`Invalid URL: ${input}`); }
    if (url.username || url.password) throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${input}`);
    return url.href;
  }
  return String(input);
}

class Request {
  constructor(input, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
    if (init === null || (typeof init !== "object" && typeof init !== "function")) init = {};
    let source = null;
    if (input instanceof Request) source = input;
    const r = {
      method: source ? source[REQ].method : "GET",
      url: source ? source[REQ].url : parseRequestURL(input),
      redirect: source ? source[REQ].redirect : "follow",
      signal: null,
      abortable: false,
      options: DEFAULT_REQUEST_OPTIONS,
    };
    r.options = requestOptions(source ? source[REQ].options : DEFAULT_REQUEST_OPTIONS, init);
    if (init.method !== undefined) r.method = normalizeMethod(init.method);
    if (init.redirect !== undefined) {
      if (!["follow", "error", "manual"].includes(init.redirect)) throw new TypeError(`Invalid redirect value: ${init.redirect}`);
      r.redirect = init.redirect;
    }
    const { AbortController, AbortSignal } = need("events");
    // Fetch: the request's signal is a dependent signal of the given one.
    const parentSignal = init.signal !== undefined ? init.signal : source ? source[REQ].signal : null;
    // Whether an app's signal can abort this request (fetch then watches it; otherwise
    // a fetched body can pass through without JS).
    r.abortable = init.signal !== undefined ? init.signal !== null : source ? source[REQ].abortable === true : false;
    if (parentSignal) {
      if (!(parentSignal instanceof AbortSignal)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
      r.signal = AbortSignal.any([parentSignal]);
    } else {
      r.signal = new AbortController().signal;
    }
    this[REQ] = r;
    const headersInit = init.headers !== undefined ? init.headers : source ? source.headers : undefined;
    const headers = new Headers(headersInit);
    let body;
    const bodyInit = init.body;
    if (bodyInit !== undefined && bodyInit !== null) {
      if (r.method === "GET" || r.method === "HEAD") throw new TypeError("Request with GET/HEAD method cannot have body.");
      const [state, type] = extractBody(bodyInit);
      body = state;
      if (type && !headers.has("content-type")) headers.append("content-type", type);
    } else if (source && init.body === undefined) {
      const inputBody = source[BODY];
      if (inputBody.disturbed || (inputBody.stream !== undefined && internal.isStreamLocked(inputBody.stream))) {
        throw new TypeError("Cannot construct a Request with a Request object that has already been used.");
      }
      // Fetch §5.4 step 36: a GET or HEAD request cannot take over the input's body.
      if (!inputBody.isNull && (r.method === "GET" || r.method === "HEAD")) throw new TypeError("Request with GET/HEAD method cannot have body.");
      body = need("reqinit").takeOverBody(source);
    } else {
      body = new BodyState(null);
    }
    r.headers = headers;
    this[BODY] = body;
  }
  get method() { return this[REQ].method; }
  get url() { return this[REQ].url; }
  get headers() {
    const r = this[REQ];
    // Incoming requests build their Headers on first use.
    if (r.headers === null) {
      // The host passes an incoming request's headers as one "name\nvalue\n…" string.
      const flat = r.flat === "" ? [] : r.flat.split("\n");
      flat.pop();
      r.headers = headersFromFlat(flat, "immutable");
    }
    return r.headers;
  }
  get redirect() { return this[REQ].redirect; }
  get signal() {
    const r = this[REQ];
    return r.signal ??= new (need("events").AbortController)().signal;
  }
  get destination() { return ""; }
  get referrer() { return this[REQ].options.referrer; }
  get referrerPolicy() { return this[REQ].options.referrerPolicy; }
  get mode() { return this[REQ].options.mode; }
  get credentials() { return this[REQ].options.credentials; }
  get cache() { return this[REQ].options.cache; }
  get integrity() { return this[REQ].options.integrity; }
  get keepalive() { return this[REQ].options.keepalive; }
  get isReloadNavigation() { return false; }
  get isHistoryNavigation() { return false; }
  get duplex() { return "half"; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
    const copy = Object.create(Request.prototype);
    copy[REQ] = { ...this[REQ], headers: new Headers(this.headers), signal: this.signal };
    copy[BODY] = cloneBodyState(this[BODY]);
    return copy;
  }
  get [Symbol.toStringTag]() { return "Request"; }
  [INSPECT_CUSTOM]() {
    return "Request " + inspect({ method: this.method, url: this.url, headers: this.headers, body: this[BODY].isNull ? null : "[body]", bodyUsed: this.bodyUsed, redirect: this.redirect });
  }
}
applyBodyMixin(Request);

// The Request a served app receives: built without re-validating what hyper parsed.
function makeIncomingRequest(method, url, flat, bodyId) {
  const req = Object.create(Request.prototype);
  req[REQ] = { method, url, redirect: "manual", signal: null, abortable: false, options: DEFAULT_REQUEST_OPTIONS, headers: null, flat };
  req[BODY] = bodyId === undefined || bodyId === null ? new BodyState(null) : new BodyState(null, bodyId);
  return req;
}

defineGlobal("Request", Request);
