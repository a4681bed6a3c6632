// Encoding standard: TextEncoder and TextDecoder (UTF-8), and HTML's atob/btoa
// (forgiving-base64). The byte work is done in Rust.

class TextEncoder {
  get encoding() { return "utf-8"; }
  // The argument is a USVString (WebIDL): lone surrogates become U+FFFD.
  encode(input = "") { return ops.utf8Encode(String(input).toWellFormed()); }
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    source = String(source).toWellFormed();
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

const UTF8_LABELS = ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"];

class TextDecoder {
  #fatal; #ignoreBOM;
  constructor(label = "utf-8", options = {}) {
    const name = String(label).trim().toLowerCase();
    if (!UTF8_LABELS.includes(name)) throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  get encoding() { return "utf-8"; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = new Uint8Array(0), options = {}) {
    if (options && options.stream) throw new TypeError("TextDecoder: streaming decode is not supported yet");
    return ops.utf8Decode(input, this.#fatal, this.#ignoreBOM);
  }
  get [Symbol.toStringTag]() { return "TextDecoder"; }
}

// The base64 work is in Rust (a 10 MB string must not cost a JS loop per byte).
function btoa(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present.");
  const encoded = ops.base64Encode(String(data));
  if (encoded == null) throw new DOMException("Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.", "InvalidCharacterError");
  return encoded;
}

function atob(data) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present.");
  const decoded = ops.base64Decode(String(data));
  if (decoded == null) throw new DOMException("Failed to execute 'atob': The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  return decoded;
}

defineGlobal("TextEncoder", TextEncoder);
defineGlobal("TextDecoder", TextDecoder);
defineGlobal("btoa", btoa);
defineGlobal("atob", atob);
