// Response (Fetch standard §5.5).

const RES = Symbol("response");
const NULL_BODY_STATUS = [101, 103, 204, 205, 304];
const REDIRECT_STATUS = [301, 302, 303, 307, 308];
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

function initResponse(response, init, bodyAndType) {
  if (init === undefined || init === null) init = {};
  if (typeof init !== "object") throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
  // WebIDL `unsigned short`: ToNumber, truncate, modulo 2^16 (non-finite → 0).
  let status = init.status === undefined ? 200 : Number(init.status);
  status = Number.isFinite(status) ? ((Math.trunc(status) % 65536) + 65536) % 65536 : 0;
  if (status < 200 || status > 599) {
    throw new RangeError(`Failed to construct 'Response': The status provided (${init.status}) is outside the range [200, 599].`);
  }
  const statusText = init.statusText === undefined ? "" : String(init.statusText);
  if (statusText !== "" && !REASON_PHRASE.test(statusText)) throw new TypeError("Failed to construct 'Response': Invalid statusText");
  const headers = new Headers(init.headers);
  response[RES] = { status, statusText, headers, type: "default", url: "" };
  if (bodyAndType) {
    const [body, type] = bodyAndType;
    if (NULL_BODY_STATUS.includes(status) && !body.isNull) {
      throw new TypeError(`Failed to construct 'Response': Response with null body status (${status}) cannot have body`);
    }
    if (type) {
      const list = headers[HEADERS_LIST];
      // A fresh header list needs no search (and `type` is a valid value already).
      if (list.length === 0) list.push(["content-type", type]);
      else if (!headers.has("content-type")) headers.append("content-type", type);
    }
    response[BODY] = body;
  } else {
    response[BODY] = new BodyState(null);
  }
}

class Response {
  constructor(body = null, init = undefined) {
    if (typeof body === "string" && init === undefined) {
      // The most common shape, `new Response("text")`, without the general path's work.
      // Its Headers object is only built if someone asks for it (see `get headers`).
      this[RES] = { status: 200, statusText: "", headers: null, type: "default", url: "" };
      this[BODY] = new BodyState(body.toWellFormed());
      return;
    }
    initResponse(this, init, extractBody(body));
  }
  static json(data, init = undefined) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable");
    const r = Object.create(Response.prototype);
    initResponse(r, init, [new BodyState(text), "application/json"]);
    return r;
  }
  static redirect(url, status = 302) {
    const href = new (need("url").URL)(url).href;
    status = Number(status);
    if (!REDIRECT_STATUS.includes(status)) throw new RangeError(`Failed to execute 'redirect' on 'Response': Invalid status code ${status}`);
    const r = Object.create(Response.prototype);
    initResponse(r, { status }, null);
    r[RES].headers.set("location", href);
    r[RES].headers[HEADERS_GUARD] = "immutable";
    return r;
  }
  static error() {
    const r = Object.create(Response.prototype);
    r[RES] = { status: 0, statusText: "", headers: new Headers(), type: "error", url: "" };
    r[RES].headers[HEADERS_GUARD] = "immutable";
    r[BODY] = new BodyState(null);
    return r;
  }
  get type() { return this[RES].type; }
  get url() { return this[RES].url; }
  get redirected() { return this[RES].redirected === true; }
  get status() { return this[RES].status; }
  get ok() { const s = this[RES].status; return s >= 200 && s <= 299; }
  get statusText() { return this[RES].statusText; }
  get headers() {
    const r = this[RES];
    if (r.headers === null) {
      r.headers = new Headers();
      r.headers[HEADERS_LIST].push(["content-type", "text/plain;charset=UTF-8"]);
    }
    return r.headers;
  }
  clone() {
    if (this.bodyUsed) throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
    const copy = Object.create(Response.prototype);
    copy[RES] = { ...this[RES], headers: new Headers(this.headers) };
    copy[BODY] = cloneBodyState(this[BODY]);
    return copy;
  }
  get [Symbol.toStringTag]() { return "Response"; }
  [INSPECT_CUSTOM]() {
    return "Response " + inspect({ status: this.status, statusText: this.statusText, headers: this.headers, body: this[BODY].isNull ? null : "[body]", bodyUsed: this.bodyUsed, ok: this.ok, redirected: this.redirected, type: this.type, url: this.url });
  }
}
applyBodyMixin(Response);

defineGlobal("Response", Response);
