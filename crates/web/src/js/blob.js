// Blob and File (W3C File API §3, §4), and the MIME type helpers the body mixin needs
// for blob() and formData() (MIME Sniffing §4, Fetch §3.1 "extract a MIME type").
//
// A Blob is immutable: it keeps its bytes as a list of Uint8Array parts, copied once
// from the caller's buffers at construction, plus the total size. Parts are never
// written after that, so slice() and new Blob([blob]) share them (subarray views).

// Passed as the first constructor argument by the glue only (users cannot reach it):
// the second argument then holds ready parts, which are taken without copying.
const BLOB_INTERNAL = Symbol("blobInternal");
// Parts are merged into runs of up to this size while building, and stream() hands
// out chunks of at most this size.
const BLOB_CHUNK = 65536;

let blobData, isBlob, isFile;

function usvString(v) {
  return `${v}`.toWellFormed();
}

// WebIDL `[Clamp] long long` (Blob.slice's start and end): NaN → 0, clamped to the
// range, rounded half to even.
function clampLongLong(v) {
  let x = Number(v);
  if (Number.isNaN(x)) return 0;
  x = Math.min(Math.max(x, -(2 ** 63)), 2 ** 63 - 1);
  const f = Math.floor(x);
  const frac = x - f;
  const r = frac < 0.5 ? f : frac > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? 0 : r;
}

// WebIDL `long long`: ToNumber, non-finite → 0, truncate, wrap to 64 bits.
function toLongLong(v) {
  const n = Math.trunc(Number(v));
  if (!Number.isFinite(n)) return 0;
  if (Number.isSafeInteger(n)) return n;
  return Number(BigInt.asIntN(64, BigInt(n)));
}

// File API §3.1 step 3 / §3.3.1 slice step 4: a type with a character outside
// U+0020–U+007E becomes "", otherwise it is lower-cased.
function normalizeBlobType(t) {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return t.toLowerCase();
}

// WebIDL conversion of `sequence<BlobPart>`: strings are converted here (in order, as
// WebIDL does before the constructor runs); buffers and Blobs are kept as they are.
function convertBlobParts(blobParts, what) {
  if (blobParts === undefined) return [];
  if (blobParts === null || (typeof blobParts !== "object" && typeof blobParts !== "function")) {
    throw new TypeError(`Failed to construct '${what}': The provided value cannot be converted to a sequence.`);
  }
  const method = blobParts[Symbol.iterator];
  if (typeof method !== "function") {
    throw new TypeError(`Failed to construct '${what}': The object must have a callable @@iterator property.`);
  }
  // WebIDL "create a sequence from an iterable": @@iterator and next are read once.
  const iterator = method.call(blobParts);
  if (iterator === null || (typeof iterator !== "object" && typeof iterator !== "function")) {
    throw new TypeError(`Failed to construct '${what}': The iterator is not an object.`);
  }
  const next = iterator.next;
  const out = [];
  for (;;) {
    const step = next.call(iterator);
    if (step === null || (typeof step !== "object" && typeof step !== "function")) {
      throw new TypeError(`Failed to construct '${what}': The iterator result is not an object.`);
    }
    if (step.done) return out;
    const part = step.value;
    if (isBlob(part) || part instanceof ArrayBuffer || ArrayBuffer.isView(part)) out.push(part);
    else out.push(usvString(part));
  }
}

// BlobPropertyBag (and FilePropertyBag when `withLastModified`), members read in the
// WebIDL order: the inherited dictionary's first, each alphabetically.
function convertBlobOptions(options, what, withLastModified) {
  if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
    throw new TypeError(`Failed to construct '${what}': The provided value is not of type '${withLastModified ? "FilePropertyBag" : "BlobPropertyBag"}'.`);
  }
  const o = options ?? {};
  let endings = o.endings;
  if (endings === undefined) endings = "transparent";
  else {
    endings = `${endings}`;
    if (endings !== "transparent" && endings !== "native") {
      throw new TypeError(`Failed to construct '${what}': The provided value '${endings}' is not a valid enum value of type EndingType.`);
    }
  }
  const rawType = o.type;
  const type = rawType === undefined ? "" : normalizeBlobType(`${rawType}`);
  let lastModified;
  if (withLastModified) {
    const raw = o.lastModified;
    lastModified = raw === undefined ? Date.now() : toLongLong(raw);
  }
  return { endings, type, lastModified };
}

// Collects byte parts, merging runs of small ones so a blob built from many tiny
// pieces stays a short list. `owned` parts (fresh encodings, or a Blob's immutable
// parts) are kept without a copy when large; the caller's buffers are always copied.
class PartsBuilder {
  constructor() {
    this.parts = [];
    this.size = 0;
    this.run = [];
    this.runOwned = [];
    this.runSize = 0;
  }
  add(bytes, owned) {
    const n = bytes.length;
    if (n === 0) return;
    this.size += n;
    if (n >= BLOB_CHUNK) {
      this.flush();
      this.parts.push(owned ? bytes : bytes.slice());
      return;
    }
    this.run.push(bytes);
    this.runOwned.push(owned);
    this.runSize += n;
    if (this.runSize >= BLOB_CHUNK) this.flush();
  }
  flush() {
    const run = this.run;
    if (run.length === 1) {
      this.parts.push(this.runOwned[0] ? run[0] : run[0].slice());
    } else if (run.length > 1) {
      const merged = new Uint8Array(this.runSize);
      let offset = 0;
      for (const b of run) { merged.set(b, offset); offset += b.length; }
      this.parts.push(merged);
    }
    this.run = [];
    this.runOwned = [];
    this.runSize = 0;
  }
  finish() {
    this.flush();
    return { parts: this.parts, size: this.size };
  }
}

// File API §3.1.1 "process blob parts" over converted parts.
function processBlobParts(converted, endings) {
  const builder = new PartsBuilder();
  // Adjacent strings are encoded together: one call into Rust, not one per piece.
  let texts = [];
  const flushTexts = () => {
    if (texts.length === 0) return;
    const s = texts.length === 1 ? texts[0] : texts.join("");
    texts = [];
    builder.add(ops.utf8Encode(s), true);
  };
  for (const part of converted) {
    if (typeof part === "string") {
      // "convert line endings to native", each string on its own: CRLF and lone CR
      // become LF on this platform.
      texts.push(endings === "native" && part.includes("\r") ? part.replace(/\r\n?/g, "\n") : part);
      continue;
    }
    flushTexts();
    if (part instanceof ArrayBuffer) {
      // A detached buffer has byteLength 0 and contributes nothing.
      if (part.byteLength) builder.add(new Uint8Array(part), false);
    } else if (ArrayBuffer.isView(part)) {
      if (part.byteLength) builder.add(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), false);
    } else {
      for (const p of blobData(part).parts) builder.add(p, true);
    }
  }
  flushTexts();
  return builder.finish();
}

class Blob {
  #parts;
  #size;
  #type;
  constructor(blobParts = undefined, options = undefined) {
    if (blobParts === BLOB_INTERNAL) {
      this.#parts = options.parts;
      this.#size = options.size;
      this.#type = options.type;
      return;
    }
    const converted = convertBlobParts(blobParts, "Blob");
    const { endings, type } = convertBlobOptions(options, "Blob", false);
    const { parts, size } = processBlobParts(converted, endings);
    this.#parts = parts;
    this.#size = size;
    this.#type = type;
  }
  static {
    blobData = (b) => ({ parts: b.#parts, size: b.#size, type: b.#type });
    isBlob = (v) => v !== null && typeof v === "object" && #parts in v;
  }
  get size() { return this.#size; }
  get type() { return this.#type; }
  slice(start = undefined, end = undefined, contentType = undefined) {
    const size = this.#size;
    // File API §3.3.1: negative positions count from the end; everything is clamped.
    let from = start === undefined ? 0 : clampLongLong(start);
    from = from < 0 ? Math.max(size + from, 0) : Math.min(from, size);
    let to = end === undefined ? size : clampLongLong(end);
    to = to < 0 ? Math.max(size + to, 0) : Math.min(to, size);
    const span = Math.max(to - from, 0);
    const type = contentType === undefined ? "" : normalizeBlobType(`${contentType}`);
    return new Blob(BLOB_INTERNAL, { parts: sliceParts(this.#parts, from, span), size: span, type });
  }
  stream() {
    const parts = this.#parts;
    let index = 0;
    let offset = 0;
    const { ReadableStream } = need("streams");
    // A byte stream (File API: "with byte reading support"), pulled one chunk per
    // read: nothing is copied ahead of the reader.
    return new ReadableStream({
      type: "bytes",
      pull(controller) {
        if (index >= parts.length) {
          controller.close();
          // A BYOB read waiting at the end gets its empty view.
          controller.byobRequest?.respond(0);
          return;
        }
        const part = parts[index];
        const end = Math.min(offset + BLOB_CHUNK, part.length);
        // A copy: the reader owns its chunk, the blob's bytes stay as they are.
        controller.enqueue(part.slice(offset, end));
        if (end === part.length) { index++; offset = 0; } else offset = end;
      },
    }, { highWaterMark: 0 });
  }
  async text() {
    return ops.textDecode("utf-8", joinParts(this.#parts, this.#size), false, false);
  }
  async arrayBuffer() {
    return joinParts(this.#parts, this.#size, true).buffer;
  }
  async bytes() {
    return joinParts(this.#parts, this.#size, true);
  }
  get [Symbol.toStringTag]() { return "Blob"; }
  [INSPECT_CUSTOM]() {
    return "Blob " + need("inspect").inspect({ size: this.#size, type: this.#type });
  }
}

// The views covering `span` bytes from `from` (no copy).
function sliceParts(parts, from, span) {
  const out = [];
  let skip = from;
  let left = span;
  for (let i = 0; i < parts.length && left > 0; i++) {
    const p = parts[i];
    if (skip >= p.length) { skip -= p.length; continue; }
    const end = Math.min(p.length, skip + left);
    out.push(skip === 0 && end === p.length ? p : p.subarray(skip, end));
    left -= end - skip;
    skip = 0;
  }
  return out;
}

// The bytes of `parts` in one array; a fresh one when `fresh` (the caller hands it out).
function joinParts(parts, size, fresh = false) {
  if (parts.length === 1 && !fresh) return parts[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

class File extends Blob {
  #name;
  #lastModified;
  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    if (fileBits === BLOB_INTERNAL) {
      // options: { parts, size, type, name, lastModified }
      super(BLOB_INTERNAL, fileName);
      this.#name = fileName.name;
      this.#lastModified = fileName.lastModified;
      return;
    }
    const converted = convertBlobParts(fileBits, "File");
    const name = usvString(fileName);
    const { endings, type, lastModified } = convertBlobOptions(options, "File", true);
    const { parts, size } = processBlobParts(converted, endings);
    super(BLOB_INTERNAL, { parts, size, type });
    this.#name = name;
    this.#lastModified = lastModified;
  }
  static {
    isFile = (v) => v !== null && typeof v === "object" && #name in v;
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
  get [Symbol.toStringTag]() { return "File"; }
  [INSPECT_CUSTOM]() {
    return "File " + need("inspect").inspect({ size: this.size, type: this.type, name: this.#name, lastModified: this.#lastModified });
  }
}

// A File over bytes nobody else holds (the multipart parser's output), without a copy.
function fileFromOwned(bytes, name, type, lastModified = Date.now()) {
  const parts = bytes.length ? [bytes] : [];
  return new File(BLOB_INTERNAL, { parts, size: bytes.length, type: normalizeBlobType(type), name, lastModified });
}

// A File with the same bytes and type as `blob` (FormData "create an entry").
function fileFromBlob(blob, name, lastModified) {
  const { parts, size, type } = blobData(blob);
  return new File(BLOB_INTERNAL, { parts, size, type, name, lastModified });
}

// The body mixin's blob() (Fetch §5.3): the type is the body's MIME type, serialized.
function bodyToBlob(bytes, contentType) {
  const mime = extractMimeType(contentType);
  // The body's bytes may be shared (a cloned body hands both sides the same array).
  const copy = bytes.slice();
  return new Blob(BLOB_INTERNAL, { parts: copy.length ? [copy] : [], size: copy.length, type: mime === null ? "" : serializeMimeType(mime) });
}

// --- MIME types (MIME Sniffing §4) ---

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_QUOTED_STRING_TOKEN = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
const HTTP_WHITESPACE = "\t\n\r ";

function trimHttpWhitespace(s) {
  let a = 0;
  let b = s.length;
  while (a < b && HTTP_WHITESPACE.includes(s[a])) a++;
  while (b > a && HTTP_WHITESPACE.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

// Fetch §2.2 "collect an HTTP quoted string"; `pos` is a one-element array.
function collectQuotedString(input, pos, extractValue) {
  const start = pos[0];
  let value = "";
  pos[0]++;
  for (;;) {
    let i = pos[0];
    while (i < input.length && input[i] !== '"' && input[i] !== "\\") i++;
    value += input.slice(pos[0], i);
    pos[0] = i;
    if (i >= input.length) break;
    const c = input[i];
    pos[0]++;
    if (c === "\\") {
      if (pos[0] >= input.length) { value += "\\"; break; }
      value += input[pos[0]];
      pos[0]++;
    } else break;
  }
  return extractValue ? value : input.slice(start, pos[0]);
}

// MIME Sniffing §4.4 "parse a MIME type": { type, subtype, params } or null.
function parseMimeType(input) {
  input = trimHttpWhitespace(input);
  const slash = input.indexOf("/");
  if (slash < 0) return null;
  const type = input.slice(0, slash);
  if (!HTTP_TOKEN.test(type)) return null;
  let semi = input.indexOf(";", slash + 1);
  if (semi < 0) semi = input.length;
  // Only trailing whitespace is removed: leading whitespace fails the token check.
  const subtype = input.slice(slash + 1, semi).replace(/[\t\n\r ]+$/, "");
  if (!HTTP_TOKEN.test(subtype)) return null;
  const mime = { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params: new Map() };
  const pos = [semi];
  while (pos[0] < input.length) {
    pos[0]++; // past ";"
    while (pos[0] < input.length && HTTP_WHITESPACE.includes(input[pos[0]])) pos[0]++;
    let i = pos[0];
    while (i < input.length && input[i] !== ";" && input[i] !== "=") i++;
    const name = input.slice(pos[0], i).toLowerCase();
    pos[0] = i;
    if (pos[0] < input.length) {
      if (input[pos[0]] === ";") continue;
      pos[0]++; // past "="
    }
    if (pos[0] >= input.length) break;
    let value;
    if (input[pos[0]] === '"') {
      value = collectQuotedString(input, pos, true);
      while (pos[0] < input.length && input[pos[0]] !== ";") pos[0]++;
    } else {
      let j = pos[0];
      while (j < input.length && input[j] !== ";") j++;
      value = input.slice(pos[0], j).replace(/[\t\n\r ]+$/, "");
      pos[0] = j;
      if (value === "") continue;
    }
    if (name !== "" && HTTP_TOKEN.test(name) && HTTP_QUOTED_STRING_TOKEN.test(value) && !mime.params.has(name)) {
      mime.params.set(name, value);
    }
  }
  return mime;
}

// MIME Sniffing §4.5 "serialize a MIME type".
function serializeMimeType(mime) {
  let out = `${mime.type}/${mime.subtype}`;
  for (const [name, value] of mime.params) {
    out += `;${name}=`;
    out += value !== "" && HTTP_TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
  }
  return out;
}

// Fetch §2.2 "get, decode, and split" on an already combined header value.
function splitHeaderValue(value) {
  const values = [];
  const pos = [0];
  let temp = "";
  for (;;) {
    let i = pos[0];
    while (i < value.length && value[i] !== '"' && value[i] !== ",") i++;
    temp += value.slice(pos[0], i);
    pos[0] = i;
    if (pos[0] < value.length) {
      if (value[pos[0]] === '"') {
        temp += collectQuotedString(value, pos, false);
        if (pos[0] < value.length) continue;
      } else pos[0]++; // past ","
    }
    values.push(temp.replace(/^[\t ]+|[\t ]+$/g, ""));
    temp = "";
    if (pos[0] >= value.length) return values;
  }
}

// Fetch §3.1.? "extract a MIME type" from a Content-Type value ("" when absent); null
// is failure.
function extractMimeType(headerValue) {
  if (headerValue === "" || headerValue === null || headerValue === undefined) return null;
  let charset = null;
  let essence = null;
  let mime = null;
  for (const value of splitHeaderValue(headerValue)) {
    const temp = parseMimeType(value);
    if (temp === null || (temp.type === "*" && temp.subtype === "*")) continue;
    mime = temp;
    const tempEssence = `${temp.type}/${temp.subtype}`;
    if (tempEssence !== essence) {
      charset = mime.params.get("charset") ?? null;
      essence = tempEssence;
    } else if (!mime.params.has("charset") && charset !== null) {
      mime.params.set("charset", charset);
    }
  }
  return mime;
}

// Blob URLs (File API §8): this isolate's store of `blob:` URLs, which only this app
// can resolve. The origin is opaque here (no page), so URLs read `blob:null/<uuid>`.
const blobURLStore = new Map();
function createBlobURL(blob) {
  if (!isBlob(blob)) throw new TypeError("Failed to execute 'createObjectURL' on 'URL': parameter 1 is not of type 'Blob'.");
  const url = `blob:null/${ops.cryptoUuid()}`;
  blobURLStore.set(url, blob);
  return url;
}
function revokeBlobURL(url) {
  blobURLStore.delete(`${url}`.toWellFormed());
}
// The blob a URL stands for (its fragment ignored), or undefined.
function resolveBlobURL(url) {
  const hash = url.indexOf("#");
  return blobURLStore.get(hash === -1 ? url : url.slice(0, hash));
}

defineGlobal("Blob", Blob);
defineGlobal("File", File);
webidlInterface(Blob, File);
