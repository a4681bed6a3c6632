// Streams that encode, decode, compress and decompress: TextEncoderStream and
// TextDecoderStream (Encoding §7), CompressionStream and DecompressionStream
// (Compression §5, gzip/deflate/deflate-raw in Rust). Each is a TransformStream inside,
// exposed through the GenericTransformStream mixin (`readable`, `writable`).

const { TextDecoder } = need("encoding");

const isShared = typeof SharedArrayBuffer === "function" ? (b) => b instanceof SharedArrayBuffer : () => false;

// [AllowShared] BufferSource (TextDecoderStream takes shared memory).
function isAllowSharedBufferSource(v) {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v) || isShared(v);
}

// BufferSource without [AllowShared] (compression chunks).
function isBufferSource(v) {
  return v instanceof ArrayBuffer || (ArrayBuffer.isView(v) && !isShared(v.buffer));
}

class TextEncoderStream {
  #transform;
  constructor() {
    // A lone high surrogate at the end of a chunk waits for the next one (Encoding
    // §7.4.2 "encode and enqueue a chunk").
    let pendingHigh = "";
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        let text = pendingHigh + String(chunk);
        pendingHigh = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingHigh = text[text.length - 1];
          text = text.slice(0, -1);
        }
        if (text.length > 0) controller.enqueue(ops.utf8Encode(text.toWellFormed()));
      },
      flush(controller) {
        if (pendingHigh !== "") controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }
  get encoding() { return "utf-8"; }
  get readable() { return this.#transform.readable; }
  get writable() { return this.#transform.writable; }
  get [Symbol.toStringTag]() { return "TextEncoderStream"; }
}

class TextDecoderStream {
  #decoder;
  #transform;
  constructor(label = "utf-8", options = undefined) {
    const decoder = (this.#decoder = new TextDecoder(label, options));
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        if (!isAllowSharedBufferSource(chunk)) throw new TypeError("TextDecoderStream chunks must be BufferSource");
        const text = decoder.decode(chunk, { stream: true });
        if (text !== "") controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text !== "") controller.enqueue(text);
      },
    });
  }
  get encoding() { return this.#decoder.encoding; }
  get fatal() { return this.#decoder.fatal; }
  get ignoreBOM() { return this.#decoder.ignoreBOM; }
  get readable() { return this.#transform.readable; }
  get writable() { return this.#transform.writable; }
  get [Symbol.toStringTag]() { return "TextDecoderStream"; }
}

// The coder lives in Rust until the stream ends, errors, or is collected.
const openCodecs = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((id) => ops.codecFree(id)) : null;

function codecTransform(what, format, decompress) {
  format = String(format);
  const id = ops.codecOpen(format, decompress);
  if (id == null) throw new TypeError(`Failed to construct '${what}': Unsupported compression format: '${format}'`);
  const token = {};
  const release = () => {
    if (openCodecs) openCodecs.unregister(token);
    ops.codecFree(id);
  };
  const drain = (controller, finish) => {
    for (;;) {
      const out = ops.codecPull(id, finish);
      if (out === undefined) return;
      controller.enqueue(out);
    }
  };
  // The transformer lives exactly as long as the stream can still call it.
  const transformer = {
    transform(chunk, controller) {
      if (!isBufferSource(chunk)) {
        release();
        throw new TypeError(`${what} chunks must be BufferSource`);
      }
      ops.codecPush(id, chunk);
      try { drain(controller, false); } catch (e) { release(); throw e; }
    },
    flush(controller) {
      try { drain(controller, true); } finally { release(); }
    },
    cancel() { release(); },
  };
  if (openCodecs) openCodecs.register(transformer, id, token);
  return new TransformStream(transformer);
}

class CompressionStream {
  #transform;
  constructor(format) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CompressionStream': 1 argument required, but only 0 present.");
    this.#transform = codecTransform("CompressionStream", format, false);
  }
  get readable() { return this.#transform.readable; }
  get writable() { return this.#transform.writable; }
  get [Symbol.toStringTag]() { return "CompressionStream"; }
}

class DecompressionStream {
  #transform;
  constructor(format) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'DecompressionStream': 1 argument required, but only 0 present.");
    this.#transform = codecTransform("DecompressionStream", format, true);
  }
  get readable() { return this.#transform.readable; }
  get writable() { return this.#transform.writable; }
  get [Symbol.toStringTag]() { return "DecompressionStream"; }
}

defineGlobal("TextEncoderStream", TextEncoderStream);
defineGlobal("TextDecoderStream", TextDecoderStream);
defineGlobal("CompressionStream", CompressionStream);
defineGlobal("DecompressionStream", DecompressionStream);
webidlInterface(TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream);
