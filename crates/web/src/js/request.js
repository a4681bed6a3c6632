// Request (Fetch standard §5.4).

const REQUEST_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const FORBIDDEN_METHODS = ["CONNECT", "TRACE", "TRACK"];
const REQ = Symbol("request");

// RequestInit members kept as they are given (Fetch §5.4): one shared, frozen default
// until a request sets one.
const DEFAULT_REQUEST_OPTIONS = Object.freeze({
  mode: "cors", credentials: "same-origin", cache: "default", referrer: "about:client",
  referrerPolicy: "", integrity: "", keepalive: false,
});
const REQUEST_ENUMS = {
  mode: ["navigate", "same-origin", "no-cors", "cors"],
  credentials: ["omit", "same-origin", "include"],
  cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
  referrerPolicy: ["", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"],
  priority: ["high", "low", "auto"],
};

// WebIDL enum conversion: an unknown value is a TypeError.
function requestEnum(member, value) {
  const v = String(value);
  if (!REQUEST_ENUMS[member].includes(v)) {
    throw new TypeError(`Failed to construct 'Request': The provided value '${v}' is not a valid enum value of type Request${member[0].toUpperCase()}${member.slice(1)}.`);
  }
  return v;
}

// Fetch §5.4 constructor steps 17–30 for the members NANO keeps but does not act on.
function requestOptions(base, init) {
  let o = base;
  const set = (k, v) => {
    if (o === base) o = { ...base };
    o[k] = v;
  };
  if (init.cache !== undefined) set("cache", requestEnum("cache", init.cache));
  if (init.credentials !== undefined) set("credentials", requestEnum("credentials", init.credentials));
  if (init.integrity !== undefined) set("integrity", String(init.integrity));
  if (init.keepalive !== undefined) set("keepalive", !!init.keepalive);
  if (init.mode !== undefined) {
    const mode = requestEnum("mode", init.mode);
    if (mode === "navigate") throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
    set("mode", mode);
  }
  if (init.priority !== undefined) requestEnum("priority", init.priority);
  if (init.referrer !== undefined) {
    const referrer = String(init.referrer);
    if (referrer === "") {
      set("referrer", "");
    } else {
      let href;
      try { href = new (need("url").URL)(referrer).href; } catch { throw new TypeError(`Failed to construct 'Request': Invalid referrer URL: ${referrer}`); }
      set("referrer", href === "about:client" ? "about:client" : href);
    }
  }
  if (init.referrerPolicy !== undefined) set("referrerPolicy", requestEnum("referrerPolicy", init.referrerPolicy));
  if (o.cache === "only-if-cached" && o.mode !== "same-origin") {
    throw new TypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode");
  }
  return o;
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

// The new request takes the input's body (Fetch §5.4 steps 38–41: through a proxy
// stream, leaving the input's stream disturbed and locked). A body nobody has looked at
// as a stream moves as it is; a host body moves out of its stream still untouched.
function takeOverBody(source) {
  const b = source[BODY];
  if (b.isNull) return b;
  if (b.stream === undefined) {
    const moved = new BodyState(null);
    Object.assign(moved, b);
    b.text = b.bytes = b.native = undefined;
    b.used = true;
    b.stream = need("streams").disturbedEmptyStream();
    return moved;
  }
  const native = need("streams").takeNativeBody(b.stream);
  if (native !== undefined) return new BodyState(null, native);
  return new BodyState(b.stream.pipeThrough(new (need("streams").TransformStream)()));
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
      body = takeOverBody(source);
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
