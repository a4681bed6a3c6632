// The Body mixin (Fetch standard §5.3) shared by Request and Response: a body is kept in
// the cheapest form it arrived in (a string, bytes, a host body, a stream) and only
// turned into a ReadableStream when `.body` is asked for.

const BODY = Symbol("body");

// Without the streams area loaded, nothing can be a ReadableStream yet.
function isReadableStream(v) {
  return areaLoaded("streams") && internal.isReadableStream(v);
}

class BodyState {
  constructor(source, native) {
    // Exactly one of these is set (or none, for a null body). Strings first: the common
    // case should not pay for the instanceof checks.
    const isText = typeof source === "string";
    this.text = isText ? source : undefined;
    this.bytes = !isText && source instanceof Uint8Array ? source : undefined;
    this.stream = !isText && isReadableStream(source) ? source : undefined;
    this.native = native;
    this.used = false;
    this.isNull = source === null && native === undefined;
  }
  get streamValue() {
    if (this.isNull) return null;
    if (!this.stream) {
      const streams = need("streams");
      if (this.used) {
        // Consumed without ever being a stream: what is left is a closed, disturbed one.
        this.stream = streams.disturbedEmptyStream();
      } else if (this.native !== undefined) {
        this.stream = streams.nativeBodyStream(this.native);
        this.native = undefined;
      } else {
        // A byte stream of the body's own copy (its buffer moves into the stream).
        const chunk = this.bytes ?? ops.utf8Encode(this.text);
        this.text = this.bytes = undefined;
        this.stream = streams.bytesStream(chunk);
      }
    }
    return this.stream;
  }
  get disturbed() {
    return this.used || (this.stream !== undefined && internal.isStreamDisturbed(this.stream));
  }
}

// Extracts a body from BodyInit (Fetch §5.2 "extract a body"): the stored form and the
// Content-Type it implies.
function extractBody(init) {
  if (init === null || init === undefined) return [new BodyState(null), null];
  // Strings are USVStrings (WebIDL): lone surrogates become U+FFFD.
  if (typeof init === "string") return [new BodyState(init.toWellFormed()), "text/plain;charset=UTF-8"];
  if (init instanceof ArrayBuffer) return [new BodyState(new Uint8Array(init.slice(0))), null];
  if (ArrayBuffer.isView(init)) {
    const copy = new Uint8Array(init.byteLength);
    copy.set(new Uint8Array(init.buffer, init.byteOffset, init.byteLength));
    return [new BodyState(copy), null];
  }
  if (isReadableStream(init)) {
    if (internal.isStreamLocked(init) || internal.isStreamDisturbed(init)) throw new TypeError("The body stream is locked or already read");
    return [new BodyState(init), null];
  }
  if (areaLoaded("url") && init instanceof internal.URLSearchParams) {
    return [new BodyState(init.toString()), "application/x-www-form-urlencoded;charset=UTF-8"];
  }
  // Blob, File and FormData bodies: only an app that loaded the blob area can have one.
  if (areaLoaded("blob")) {
    const extracted = internal.extractBlobBody(init);
    if (extracted !== undefined) return extracted;
  }
  return [new BodyState(String(init).toWellFormed()), "text/plain;charset=UTF-8"];
}

// Consumes the body once (Fetch §5.3 "consume body"): resolves with a string when it
// was one and `wantText`, else with bytes.
async function consumeBody(owner, wantText) {
  const b = owner[BODY];
  if (b.disturbed) throw new TypeError("Body has already been used");
  if (b.stream && internal.isStreamLocked(b.stream)) throw new TypeError("Body is locked");
  // A null body is never disturbed: reading it leaves bodyUsed false (Fetch §5.3).
  if (b.isNull) return wantText ? "" : new Uint8Array(0);
  b.used = true;
  // UTF-8 decode drops a leading BOM, as it would from the encoded bytes.
  if (b.text !== undefined) return wantText ? b.text.replace(/^\ufeff/, "") : ops.utf8Encode(b.text);
  if (b.bytes !== undefined) return b.bytes;
  if (b.native !== undefined) {
    const id = b.native;
    b.native = undefined;
    return new Uint8Array(await ops.bodyReadAll(id));
  }
  return internal.readAllBytes(b.stream);
}

function bytesToText(data) {
  return typeof data === "string" ? data : ops.textDecode("utf-8", data, false, false);
}

const bodyMixin = {
  get body() { return this[BODY].streamValue; },
  get bodyUsed() { return this[BODY].disturbed; },
  async text() { return bytesToText(await consumeBody(this, true)); },
  async json() { return JSON.parse(bytesToText(await consumeBody(this, true))); },
  async arrayBuffer() {
    const data = await consumeBody(this, false);
    const bytes = typeof data === "string" ? ops.utf8Encode(data) : data;
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  },
  async bytes() {
    const data = await consumeBody(this, false);
    return typeof data === "string" ? ops.utf8Encode(data) : data;
  },
  async blob() {
    const data = await consumeBody(this, false);
    const bytes = typeof data === "string" ? ops.utf8Encode(data) : data;
    return need("blob").bodyToBlob(bytes, this.headers.get("content-type") ?? "");
  },
  async formData() {
    const data = await consumeBody(this, false);
    const bytes = typeof data === "string" ? ops.utf8Encode(data) : data;
    return need("blob").parseFormData(bytes, this.headers.get("content-type") ?? "");
  },
};

function applyBodyMixin(cls) {
  for (const key of Object.keys(bodyMixin)) {
    Object.defineProperty(cls.prototype, key, Object.getOwnPropertyDescriptor(bodyMixin, key));
  }
}

// A body clone (Fetch §5.3 "clone a body"): a stream is teed, each side gets a branch.
function cloneBodyState(b) {
  if (b.disturbed) throw new TypeError("Cannot clone a body that has already been used");
  if (b.isNull) return new BodyState(null);
  if (b.text !== undefined) return new BodyState(b.text);
  // Each side gets its own copy: bytes() and arrayBuffer() hand out the stored bytes.
  if (b.bytes !== undefined) return new BodyState(b.bytes.slice());
  const [mine, theirs] = need("streams").teeStream(b.streamValue);
  b.stream = mine;
  return new BodyState(theirs);
}
