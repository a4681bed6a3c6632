// URL and URLSearchParams (WHATWG URL Standard §6). Parsing and every setter run in
// Rust (the `url` crate); a URL object holds the component strings, and its
// searchParams stay in step with its query both ways.

const URL_PARTS = Symbol("urlParts");
const URL_QUERY_OBJECT = Symbol("urlQueryObject");
const PARAMS_LIST = Symbol("paramsList");
const PARAMS_URL = Symbol("paramsUrl");

// WebIDL USVString: ToString (a Symbol is a TypeError), lone surrogates to U+FFFD.
function usvString(v) {
  return `${v}`.toWellFormed();
}

class URL {
  constructor(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
    const parts = ops.urlParse(usvString(url), base === undefined ? undefined : usvString(base));
    if (parts == null) throw new TypeError(`Failed to construct 'URL': Invalid URL${base === undefined ? "" : " or base"}: ${url}`);
    this[URL_PARTS] = parts;
    this[URL_QUERY_OBJECT] = null;
  }
  static canParse(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'canParse' on 'URL': 1 argument required, but only 0 present.");
    return ops.urlParse(usvString(url), base === undefined ? undefined : usvString(base)) != null;
  }
  // File API §8.3: blob: URLs for this app's Blobs.
  static createObjectURL(obj) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'createObjectURL' on 'URL': 1 argument required, but only 0 present.");
    return need("blob").createBlobURL(obj);
  }
  static revokeObjectURL(url) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'revokeObjectURL' on 'URL': 1 argument required, but only 0 present.");
    need("blob").revokeBlobURL(url);
  }
  static parse(url, base = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'parse' on 'URL': 1 argument required, but only 0 present.");
    try { return new URL(url, base); } catch { return null; }
  }
  #set(which, value) {
    const parts = ops.urlSet(this[URL_PARTS][0], which, usvString(value));
    if (parts == null) throw new TypeError(`Failed to set the 'href' property on 'URL': Invalid URL: ${value}`);
    this[URL_PARTS] = parts;
  }
  get href() { return this[URL_PARTS][0]; }
  set href(v) { this.#set("href", v); this.#syncParams(); }
  get origin() { return this[URL_PARTS][1]; }
  get protocol() { return this[URL_PARTS][2]; }
  set protocol(v) { this.#set("protocol", v); }
  get username() { return this[URL_PARTS][3]; }
  set username(v) { this.#set("username", v); }
  get password() { return this[URL_PARTS][4]; }
  set password(v) { this.#set("password", v); }
  get host() { return this[URL_PARTS][5]; }
  set host(v) { this.#set("host", v); }
  get hostname() { return this[URL_PARTS][6]; }
  set hostname(v) { this.#set("hostname", v); }
  get port() { return this[URL_PARTS][7]; }
  set port(v) { this.#set("port", v); }
  get pathname() { return this[URL_PARTS][8]; }
  set pathname(v) { this.#set("pathname", v); }
  get search() { return this[URL_PARTS][9]; }
  set search(v) { this.#set("search", v); this.#syncParams(); }
  get hash() { return this[URL_PARTS][10]; }
  set hash(v) { this.#set("hash", v); }
  get searchParams() {
    if (this[URL_QUERY_OBJECT] === null) {
      const params = new URLSearchParams(this.search);
      params[PARAMS_URL] = this;
      this[URL_QUERY_OBJECT] = params;
    }
    return this[URL_QUERY_OBJECT];
  }
  #syncParams() {
    const params = this[URL_QUERY_OBJECT];
    if (params) params[PARAMS_LIST] = parseQuery(this.search);
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return "URL"; }
  [INSPECT_CUSTOM]() {
    const o = {};
    // Node's order.
    for (const k of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "searchParams", "hash"]) o[k] = this[k];
    return "URL " + need("inspect").inspect(o);
  }
}

// Called by URLSearchParams when it changes: the URL's query follows (URL §6.2 "update").
function updateURLQuery(url, params) {
  const query = serializeParams(params[PARAMS_LIST]);
  const parts = ops.urlSet(url[URL_PARTS][0], "search", query);
  if (parts != null) {
    if (query === "") {
      // An empty list clears the query entirely (no lone "?").
      parts[0] = parts[0].replace(/\?(?=#|$)/, "");
    }
    url[URL_PARTS] = parts;
  }
}

function parseQuery(query) {
  if (query.startsWith("?")) query = query.slice(1);
  const flat = ops.formParse(query);
  const list = [];
  for (let i = 0; i + 1 < flat.length; i += 2) list.push([flat[i], flat[i + 1]]);
  return list;
}

function serializeParams(list) {
  const flat = [];
  for (const [k, v] of list) flat.push(k, v);
  return ops.formSerialize(flat);
}

class URLSearchParams {
  constructor(init = "") {
    this[PARAMS_URL] = null;
    if (init !== null && typeof init === "object" || typeof init === "function") {
      if (init instanceof URLSearchParams) {
        this[PARAMS_LIST] = init[PARAMS_LIST].map((p) => [p[0], p[1]]);
      } else if (typeof init[Symbol.iterator] === "function") {
        const list = [];
        for (const pair of init) {
          if (pair === null || typeof pair !== "object" && typeof pair !== "function" || typeof pair[Symbol.iterator] !== "function") {
            throw new TypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.");
          }
          const items = [...pair];
          if (items.length !== 2) throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
          list.push([usvString(items[0]), usvString(items[1])]);
        }
        this[PARAMS_LIST] = list;
      } else {
        const list = [];
        for (const key of Reflect.ownKeys(init)) {
          const d = Reflect.getOwnPropertyDescriptor(init, key);
          if (!d || !d.enumerable) continue;
          if (typeof key === "symbol") throw new TypeError("Failed to construct 'URLSearchParams': Cannot convert a Symbol value to a string");
          list.push([usvString(key), usvString(init[key])]);
        }
        this[PARAMS_LIST] = list;
      }
    } else {
      this[PARAMS_LIST] = parseQuery(usvString(init));
    }
  }
  #update() { if (this[PARAMS_URL]) updateURLQuery(this[PARAMS_URL], this); }
  get size() { return this[PARAMS_LIST].length; }
  append(name, value) {
    if (arguments.length < 2) throw new TypeError("Failed to execute 'append' on 'URLSearchParams': 2 arguments required.");
    this[PARAMS_LIST].push([usvString(name), usvString(value)]);
    this.#update();
  }
  delete(name, value = undefined) {
    name = usvString(name);
    if (value === undefined) this[PARAMS_LIST] = this[PARAMS_LIST].filter((p) => p[0] !== name);
    else { value = usvString(value); this[PARAMS_LIST] = this[PARAMS_LIST].filter((p) => p[0] !== name || p[1] !== value); }
    this.#update();
  }
  get(name) {
    name = usvString(name);
    const p = this[PARAMS_LIST].find((p) => p[0] === name);
    return p ? p[1] : null;
  }
  getAll(name) {
    name = usvString(name);
    return this[PARAMS_LIST].filter((p) => p[0] === name).map((p) => p[1]);
  }
  has(name, value = undefined) {
    name = usvString(name);
    if (value === undefined) return this[PARAMS_LIST].some((p) => p[0] === name);
    value = usvString(value);
    return this[PARAMS_LIST].some((p) => p[0] === name && p[1] === value);
  }
  set(name, value) {
    name = usvString(name);
    value = usvString(value);
    const list = this[PARAMS_LIST];
    const i = list.findIndex((p) => p[0] === name);
    if (i < 0) list.push([name, value]);
    else {
      list[i] = [name, value];
      this[PARAMS_LIST] = list.filter((p, j) => j <= i || p[0] !== name);
    }
    this.#update();
  }
  sort() {
    // Stable sort by UTF-16 code units of the names (URL §6.2).
    const indexed = this[PARAMS_LIST].map((p, i) => [p, i]);
    indexed.sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
    this[PARAMS_LIST] = indexed.map((x) => x[0]);
    this.#update();
  }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== "function") throw new TypeError("Failed to execute 'forEach' on 'URLSearchParams': parameter 1 is not of type 'Function'.");
    for (let i = 0; i < this[PARAMS_LIST].length; i++) {
      const [k, v] = this[PARAMS_LIST][i];
      callback.call(thisArg, v, k, this);
    }
  }
  entries() { return paramsIterator(paramsPairs(checkParams(this), -1)); }
  keys() { return paramsIterator(paramsPairs(checkParams(this), 0)); }
  values() { return paramsIterator(paramsPairs(checkParams(this), 1)); }
  toString() { return serializeParams(this[PARAMS_LIST]); }
  get [Symbol.toStringTag]() { return "URLSearchParams"; }
  [INSPECT_CUSTOM]() {
    const { quote } = need("inspect");
    return "URLSearchParams {" + (this.size ? " " + this[PARAMS_LIST].map(([k, v]) => `${quote(k)} => ${quote(v)}`).join(", ") + " " : "") + "}";
  }
}

defineGlobal("URL", URL);
defineGlobal("URLSearchParams", URLSearchParams);

const paramsIterator = internal.pairIterator("URLSearchParams");
function checkParams(value) {
  if (!(value instanceof URLSearchParams)) throw new TypeError("Illegal invocation");
  return value;
}
// Walks the live list by index (WebIDL pair iterator); part -1 is the whole pair.
function* paramsPairs(params, part) {
  for (let i = 0; i < params[PARAMS_LIST].length; i++) {
    const pair = params[PARAMS_LIST][i];
    yield part < 0 ? [pair[0], pair[1]] : pair[part];
  }
}
// WebIDL: @@iterator is the entries function itself.
Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, { value: URLSearchParams.prototype.entries, writable: true, configurable: true });

internal.webidlInterface(URL, URLSearchParams);
