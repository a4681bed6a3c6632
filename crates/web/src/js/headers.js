// Headers (Fetch standard §5.2): an ordered header list with case-insensitive names,
// combined values, set-cookie kept apart, and sorted iteration.

const HEADERS_LIST = Symbol("headerList");
const HEADERS_GUARD = Symbol("headerGuard");
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_WS_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;
// RFC 9110 §5.6.2 tchar, as a lookup table: no regex on the hot path.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

function isToken(s) {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

function normalizeHeaderName(name) {
  name = String(name);
  if (!isToken(name)) throw new TypeError(`Invalid header name: "${name}"`);
  return name.toLowerCase();
}

function isHttpWhitespace(c) {
  return c === 9 || c === 10 || c === 13 || c === 32;
}

function normalizeHeaderValue(value) {
  value = String(value);
  if (value.length && (isHttpWhitespace(value.charCodeAt(0)) || isHttpWhitespace(value.charCodeAt(value.length - 1)))) {
    value = value.replace(HTTP_WS_EDGES, "");
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 10 || c === 13 || c > 255) throw new TypeError(`Invalid header value: "${value}"`);
  }
  return value;
}

function checkMutable(headers) {
  if (headers[HEADERS_GUARD] === "immutable") throw new TypeError("Can't modify immutable headers");
}

class Headers {
  constructor(init = undefined) {
    this[HEADERS_LIST] = [];
    this[HEADERS_GUARD] = "none";
    if (init === undefined || init === null) {
      if (init === null) throw new TypeError("Failed to construct 'Headers': The provided value is not of type 'HeadersInit'.");
      return;
    }
    fillHeaders(this, init);
  }
  append(name, value) {
    name = normalizeHeaderName(name);
    value = normalizeHeaderValue(value);
    checkMutable(this);
    this[HEADERS_LIST].push([name, value]);
  }
  delete(name) {
    name = normalizeHeaderName(name);
    checkMutable(this);
    this[HEADERS_LIST] = this[HEADERS_LIST].filter((e) => e[0] !== name);
  }
  get(name) {
    name = normalizeHeaderName(name);
    let out = null;
    for (const [n, v] of this[HEADERS_LIST]) {
      if (n === name) out = out === null ? v : out + ", " + v;
    }
    return out;
  }
  getSetCookie() {
    return this[HEADERS_LIST].filter((e) => e[0] === "set-cookie").map((e) => e[1]);
  }
  has(name) {
    name = normalizeHeaderName(name);
    return this[HEADERS_LIST].some((e) => e[0] === name);
  }
  set(name, value) {
    name = normalizeHeaderName(name);
    value = normalizeHeaderValue(value);
    checkMutable(this);
    const list = this[HEADERS_LIST];
    const i = list.findIndex((e) => e[0] === name);
    if (i < 0) { list.push([name, value]); return; }
    list[i] = [name, value];
    this[HEADERS_LIST] = list.filter((e, j) => j <= i || e[0] !== name);
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== "function") throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
    for (const [name, value] of liveHeaderEntries(this)) callback.call(thisArg, value, name, this);
  }
  entries() { return headersIterator(liveHeaderEntries(checkHeaders(this))); }
  keys() { return headersIterator(liveHeaderPart(checkHeaders(this), 0)); }
  values() { return headersIterator(liveHeaderPart(checkHeaders(this), 1)); }
  get [Symbol.toStringTag]() { return "Headers"; }
  [INSPECT_CUSTOM]() {
    const obj = {};
    for (const [k, v] of sortedHeaderEntries(this)) obj[k] = v;
    return "Headers " + inspect(obj);
  }
}

// "sort and combine" (Fetch §2.2.2): names ascending; set-cookie values stay separate.
function sortedHeaderEntries(headers) {
  const names = [...new Set(headers[HEADERS_LIST].map((e) => e[0]))].sort();
  const out = [];
  for (const name of names) {
    if (name === "set-cookie") {
      for (const v of headers.getSetCookie()) out.push([name, v]);
    } else {
      out.push([name, headers.get(name)]);
    }
  }
  return out;
}

// WebIDL pair iterators walk the current "value pairs to iterate over" by index, so
// changes made while iterating are seen (the sorted list is rebuilt when the header
// list changed: every mutation either replaces the array or grows it).
const headersIterator = pairIterator("Headers");
function checkHeaders(value) {
  if (!(value instanceof Headers)) throw new TypeError("Illegal invocation");
  return value;
}
function* liveHeaderPart(headers, index) {
  for (const pair of liveHeaderEntries(headers)) yield pair[index];
}
// WebIDL: @@iterator is the entries function itself.
Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true });
const headersEntries = Headers.prototype.entries;

function* liveHeaderEntries(headers) {
  let list, length, pairs;
  for (let i = 0; ; i++) {
    if (headers[HEADERS_LIST] !== list || headers[HEADERS_LIST].length !== length) {
      list = headers[HEADERS_LIST];
      length = list.length;
      pairs = sortedHeaderEntries(headers);
    }
    if (i >= pairs.length) return;
    yield pairs[i];
  }
}

// WebIDL ByteString: a string of code units up to U+00FF, else TypeError.
function byteString(v) {
  const s = String(v);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new TypeError(`Failed to construct 'Headers': '${s}' is not a valid ByteString.`);
  }
  return s;
}

// WebIDL conversion of HeadersInit (sequence<sequence<ByteString>> or
// record<ByteString, ByteString>), then Fetch "fill". The object is looked at exactly as
// WebIDL says (its @@iterator once, then the iterator or the record's own keys), so
// proxies and custom iterators see the same operations as in any engine.
function fillHeaders(headers, init) {
  if (typeof init !== "object" && typeof init !== "function") throw new TypeError("Failed to construct 'Headers': The provided value is not of type 'HeadersInit'.");
  const method = init[Symbol.iterator];
  const pairs = [];
  if (method !== undefined && method !== null) {
    if (typeof method !== "function") throw new TypeError("Failed to construct 'Headers': The object's @@iterator is not callable.");
    // A genuine Headers with its own iterator: copy its list.
    if (method === headersEntries && Object.hasOwn(init, HEADERS_LIST)) {
      for (const [n, v] of init[HEADERS_LIST]) headers[HEADERS_LIST].push([n, v]);
      return;
    }
    const iterator = method.call(init);
    if (typeof iterator !== "object" || iterator === null) throw new TypeError("Failed to construct 'Headers': The iterator is not an object.");
    const next = iterator.next;
    for (;;) {
      const step = next.call(iterator);
      if (typeof step !== "object" || step === null) throw new TypeError("Failed to construct 'Headers': The iterator result is not an object.");
      if (step.done) break;
      const pair = step.value;
      if (typeof pair !== "object" || pair === null || typeof pair[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
      }
      const items = [...pair];
      if (items.length !== 2) throw new TypeError("Failed to construct 'Headers': Invalid value");
      pairs.push([byteString(items[0]), byteString(items[1])]);
    }
  } else {
    for (const key of Reflect.ownKeys(init)) {
      const d = Reflect.getOwnPropertyDescriptor(init, key);
      if (!d || !d.enumerable) continue;
      if (typeof key === "symbol") throw new TypeError("Failed to construct 'Headers': record keys must be strings");
      const name = byteString(key);
      pairs.push([name, byteString(init[key])]);
    }
  }
  for (const [name, value] of pairs) headers.append(name, value);
}

// Headers of an incoming request: names arrive lower-cased and values as Latin-1.
function headersFromFlat(flat, guard) {
  const h = new Headers();
  const list = h[HEADERS_LIST];
  for (let i = 0; i + 1 < flat.length; i += 2) list.push([flat[i], flat[i + 1]]);
  h[HEADERS_GUARD] = guard;
  return h;
}

function headersToFlat(headers) {
  const flat = [];
  for (const [n, v] of headers[HEADERS_LIST]) flat.push(n, v);
  return flat;
}

defineGlobal("Headers", Headers);
