// Encoding standard: TextEncoder (UTF-8) and TextDecoder (every encoding the standard
// lists, decoded in Rust by encoding_rs), and HTML's atob/btoa
// (forgiving-base64). The byte work is done in Rust.

class TextEncoder {
  get encoding() { return "utf-8"; }
  // The argument is a USVString (WebIDL): lone surrogates become U+FFFD.
  encode(input = "") { return ops.utf8Encode(`${input}`.toWellFormed()); }
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    source = `${source}`.toWellFormed();
    let read = 0, written = 0;
    for (const ch of source) {
      const cp = ch.codePointAt(0);
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (written + n > destination.length) break;
      const bytes = n === 1 ? [cp] : ops.utf8Encode(ch);
      for (let i = 0; i < n; i++) destination[written + i] = bytes[i];
      written += n;
      read += ch.length;
    }
    return { read, written };
  }
  get [Symbol.toStringTag]() { return "TextEncoder"; }
}

const detachedOf = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached").get;
function isDetachedSource(v) {
  const buffer = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : undefined;
  return buffer instanceof ArrayBuffer && detachedOf.call(buffer);
}

// A TextDecoder streaming with `{ stream: true }` holds a decoder in Rust (by id) until
// a call without `stream` ends the stream; one dropped mid-stream frees it when collected.
const openDecoders = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((id) => ops.decoderFree(id)) : null;

class TextDecoder {
  #encoding; #fatal; #ignoreBOM; #id = 0;
  constructor(label = "utf-8", options = undefined) {
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to construct 'TextDecoder': The provided value is not of type 'TextDecoderOptions'.");
    }
    const encoding = ops.encodingForLabel(`${label}`);
    if (encoding == null) throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
    this.#encoding = encoding;
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = undefined, options = undefined) {
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided value is not of type 'TextDecodeOptions'.");
    }
    const stream = !!(options && options.stream);
    // A detached buffer reads as no bytes (WebIDL "get a copy of the buffer source").
    if (input === undefined || isDetachedSource(input)) input = new Uint8Array(0);
    if (this.#id === 0) {
      if (!stream) return ops.textDecode(this.#encoding, input, this.#fatal, this.#ignoreBOM);
      this.#id = ops.decoderOpen(this.#encoding, this.#ignoreBOM);
      if (openDecoders) openDecoders.register(this, this.#id, this);
    }
    try {
      return ops.decoderDecode(this.#id, input, !stream, this.#fatal);
    } finally {
      if (!stream) this.#release();
    }
  }
  #release() {
    if (this.#id === 0) return;
    if (openDecoders) openDecoders.unregister(this);
    ops.decoderFree(this.#id);
    this.#id = 0;
  }
  get [Symbol.toStringTag]() { return "TextDecoder"; }
}

// The base64 work is in Rust (a 10 MB string must not cost a JS loop per byte).
function btoa(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present.");
  const encoded = ops.base64Encode(`${data}`);
  if (encoded == null) throw new DOMException("Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.", "InvalidCharacterError");
  return encoded;
}

function atob(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present.");
  const decoded = ops.base64Decode(`${data}`);
  if (decoded == null) throw new DOMException("Failed to execute 'atob': The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  return decoded;
}

defineGlobal("TextEncoder", TextEncoder);
defineGlobal("TextDecoder", TextDecoder);
defineGlobal("btoa", btoa);
defineGlobal("atob", atob);

internal.webidlInterface(TextEncoder, TextDecoder);
