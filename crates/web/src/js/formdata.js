// FormData (XHR standard §4.3) and the form bodies of the Fetch body mixin: FormData
// serialized as multipart/form-data (HTML §4.10.21.8), and request.formData() parsing
// multipart/form-data (RFC 7578, in Rust: multipart.rs) and urlencoded bodies.

let formEntries;

function isFormData(v) {
  return v !== null && typeof v === "object" && formEntries(v) !== undefined;
}

// XHR §4.3 "create an entry": a Blob becomes a File named "blob"; a File given a
// filename becomes a new File with that name (same bytes, type and lastModified).
function createEntry(name, value, filename) {
  if (!isBlob(value)) return [name, value];
  if (!isFile(value)) return [name, fileFromBlob(value, filename ?? "blob", Date.now())];
  if (filename !== undefined) return [name, fileFromBlob(value, filename, value.lastModified)];
  return [name, value];
}

// WebIDL overloads of append/set: (USVString, USVString) and (USVString, Blob,
// optional USVString); with three arguments only the Blob overload applies.
function convertEntryArgs(method, args) {
  if (args.length < 2) throw new TypeError(`Failed to execute '${method}' on 'FormData': 2 arguments required, but only ${args.length} present.`);
  const name = usvString(args[0]);
  const value = args[1];
  if (args.length >= 3) {
    if (!isBlob(value)) throw new TypeError(`Failed to execute '${method}' on 'FormData': parameter 2 is not of type 'Blob'.`);
    return createEntry(name, value, args[2] === undefined ? undefined : usvString(args[2]));
  }
  return createEntry(name, isBlob(value) ? value : usvString(value), undefined);
}

class FormData {
  #entries = [];
  constructor(form = undefined, submitter = undefined) {
    // There are no HTML forms here: only the no-argument form exists.
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }
  // The brand check: a TypeError for anything but a FormData.
  #self() { return this; }
  static {
    formEntries = (v) => (#entries in v ? v.#entries : undefined);
  }
  // Each method checks `this` before converting its arguments (WebIDL), and reads the
  // list after: a conversion may run code that changes it.
  append(name, value, filename = undefined) {
    this.#self();
    const entry = convertEntryArgs("append", arguments);
    this.#entries.push(entry);
  }
  delete(name) {
    this.#self();
    name = usvString(name);
    this.#entries = this.#entries.filter((e) => e[0] !== name);
  }
  get(name) {
    this.#self();
    name = usvString(name);
    const e = this.#entries.find((e) => e[0] === name);
    return e ? e[1] : null;
  }
  getAll(name) {
    this.#self();
    name = usvString(name);
    return this.#entries.filter((e) => e[0] === name).map((e) => e[1]);
  }
  has(name) {
    this.#self();
    name = usvString(name);
    return this.#entries.some((e) => e[0] === name);
  }
  set(name, value, filename = undefined) {
    this.#self();
    const entry = convertEntryArgs("set", arguments);
    const list = this.#entries;
    const i = list.findIndex((e) => e[0] === entry[0]);
    if (i < 0) { list.push(entry); return; }
    list[i] = entry;
    this.#entries = list.filter((e, j) => j <= i || e[0] !== entry[0]);
  }
  forEach(callback, thisArg = undefined) {
    this.#self();
    if (typeof callback !== "function") throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.");
    for (let i = 0; i < this.#entries.length; i++) {
      const [name, value] = this.#entries[i];
      callback.call(thisArg, value, name, this);
    }
  }
  entries() { return formDataIterator(formDataPairs(this.#self(), -1)); }
  keys() { return formDataIterator(formDataPairs(this.#self(), 0)); }
  values() { return formDataIterator(formDataPairs(this.#self(), 1)); }
  get [Symbol.toStringTag]() { return "FormData"; }
  [INSPECT_CUSTOM]() {
    const { inspect, quote } = need("inspect");
    const list = this.#entries;
    const show = (v) => (typeof v === "string" ? quote(v) : inspect(v));
    return "FormData {" + (list.length ? " " + list.map(([k, v]) => `${quote(k)} => ${show(v)}`).join(", ") + " " : "") + "}";
  }
}

const formDataIterator = pairIterator("FormData");
// Walks the live list by index (WebIDL pair iterator); part -1 is the whole pair.
function* formDataPairs(formData, part) {
  for (let i = 0; ; i++) {
    const list = formEntries(formData);
    if (i >= list.length) return;
    yield part < 0 ? [list[i][0], list[i][1]] : list[i][part];
  }
}
// WebIDL: @@iterator is the entries function itself.
Object.defineProperty(FormData.prototype, Symbol.iterator, { value: FormData.prototype.entries, writable: true, configurable: true });

// --- Serializing (Fetch §5.2 "extract a body") ---

// HTML "multipart/form-data encoding algorithm": names and string values have every
// lone CR or LF made CRLF; names and filenames then escape LF, CR and '"'.
function normalizeLineBreaks(s) {
  return s.includes("\r") || s.includes("\n") ? s.replace(/\r\n|\r|\n/g, "\r\n") : s;
}
function escapeFormName(s) {
  return s.replace(/[\n\r"]/g, (c) => (c === "\n" ? "%0A" : c === "\r" ? "%0D" : "%22"));
}

// The multipart/form-data body of `formData` and its boundary.
function serializeFormData(formData) {
  const boundary = ops.multipartBoundary();
  // Text runs are gathered into one string and encoded at once; file bytes are
  // referenced as they are (the Blob's immutable parts) and copied once into the body.
  const chunks = [];
  let text = "";
  for (const [name, value] of formEntries(formData)) {
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeFormName(normalizeLineBreaks(name))}"`;
    if (typeof value === "string") {
      text += `\r\n\r\n${normalizeLineBreaks(value)}\r\n`;
      continue;
    }
    text += `; filename="${escapeFormName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
    chunks.push(ops.utf8Encode(text));
    text = "\r\n";
    for (const p of blobData(value).parts) chunks.push(p);
  }
  text += `--${boundary}--\r\n`;
  chunks.push(ops.utf8Encode(text));
  let size = 0;
  for (const c of chunks) size += c.length;
  return [joinParts(chunks, size, true), boundary];
}

// The blob area's part of "extract a body": Blob and FormData bodies.
function extractBlobBody(init) {
  if (isBlob(init)) {
    const { parts, size, type } = blobData(init);
    // A fresh copy: the body's bytes are handed out by arrayBuffer() and bytes().
    return [new BodyState(joinParts(parts, size, true)), type === "" ? null : type];
  }
  if (isFormData(init)) {
    const [bytes, boundary] = serializeFormData(init);
    return [new BodyState(bytes), `multipart/form-data; boundary=${boundary}`];
  }
  return undefined;
}

// --- Parsing (Fetch §5.3 body mixin formData()) ---

function parseFormData(bytes, contentType) {
  const mime = extractMimeType(contentType);
  const essence = mime === null ? "" : `${mime.type}/${mime.subtype}`;
  const formData = new FormData();
  const list = formEntries(formData);
  if (essence === "multipart/form-data") {
    const boundary = mime.params.get("boundary");
    if (boundary === undefined) throw new TypeError("Failed to parse the body as FormData: the multipart/form-data Content-Type has no boundary");
    // [name, value] for a field, [name, bytes, filename, contentType] for a file.
    const parts = ops.multipartParse(bytes, boundary);
    const now = Date.now();
    for (const p of parts) {
      list.push(p.length === 2 ? p : [p[0], fileFromOwned(p[1], p[2], p[3], now)]);
    }
    return formData;
  }
  if (essence === "application/x-www-form-urlencoded") {
    // URL §5.1 application/x-www-form-urlencoded parsing, on the bytes.
    const flat = ops.urlencodedParse(bytes);
    for (let i = 0; i + 1 < flat.length; i += 2) list.push([flat[i], flat[i + 1]]);
    return formData;
  }
  throw new TypeError(`Failed to parse the body as FormData: unsupported Content-Type "${contentType}"`);
}

defineGlobal("FormData", FormData);
webidlInterface(FormData);
