// ReadableStream, default reader and controller (WHATWG Streams §4): enough for bodies
// to stream both ways. Byte streams, tee, pipes and writable/transform streams come with
// the full streams work.

const STREAM_NATIVE_BODY = Symbol("nativeBody");
const STREAMS_TOKEN = Symbol("streams");

class ReadableStreamDefaultController {
  #stream;
  constructor(token, stream) {
    if (token !== STREAMS_TOKEN) throw new TypeError("Illegal constructor");
    this.#stream = stream;
  }
  get desiredSize() { return this.#stream[STREAM_STATE].desiredSize(); }
  enqueue(chunk) { this.#stream[STREAM_STATE].enqueue(chunk); }
  close() { this.#stream[STREAM_STATE].close(); }
  error(e) { this.#stream[STREAM_STATE].error(e); }
  get [Symbol.toStringTag]() { return "ReadableStreamDefaultController"; }
}

const STREAM_STATE = Symbol("streamState");

class StreamState {
  constructor(stream, source, strategy) {
    this.stream = stream;
    this.source = source;
    this.state = "readable";
    this.queue = [];
    this.queueSize = 0;
    this.reads = [];
    this.reader = null;
    this.storedError = undefined;
    this.closeRequested = false;
    this.pulling = false;
    this.pullAgain = false;
    this.started = false;
    this.hwm = strategy && strategy.highWaterMark !== undefined ? Number(strategy.highWaterMark) : 1;
    if (Number.isNaN(this.hwm) || this.hwm < 0) throw new RangeError("highWaterMark must be a non-negative number");
    this.size = strategy && typeof strategy.size === "function" ? strategy.size : () => 1;
    this.controller = new ReadableStreamDefaultController(STREAMS_TOKEN, stream);
  }
  desiredSize() {
    if (this.state === "errored") return null;
    if (this.state === "closed") return 0;
    return this.hwm - this.queueSize;
  }
  start() {
    let result;
    try {
      result = this.source.start ? this.source.start.call(this.source, this.controller) : undefined;
    } catch (e) {
      this.error(e);
      throw e;
    }
    Promise.resolve(result).then(() => { this.started = true; this.maybePull(); }, (e) => this.error(e));
  }
  enqueue(chunk) {
    if (this.closeRequested || this.state !== "readable") throw new TypeError("Cannot enqueue a chunk into a closed or errored stream");
    if (this.reads.length > 0) {
      this.reads.shift().resolve({ value: chunk, done: false });
    } else {
      let size;
      try { size = this.size(chunk); } catch (e) { this.error(e); throw e; }
      this.queue.push([chunk, size]);
      this.queueSize += size;
    }
    this.maybePull();
  }
  close() {
    if (this.closeRequested || this.state !== "readable") throw new TypeError("Cannot close a stream that is already closed or errored");
    this.closeRequested = true;
    if (this.queue.length === 0) this.finishClose();
  }
  finishClose() {
    this.state = "closed";
    for (const r of this.reads.splice(0)) r.resolve({ value: undefined, done: true });
    if (this.reader) this.reader[READER_CLOSED].resolve();
  }
  error(e) {
    if (this.state !== "readable") return;
    this.state = "errored";
    this.storedError = e;
    this.queue = [];
    this.queueSize = 0;
    for (const r of this.reads.splice(0)) r.reject(e);
    if (this.reader) this.reader[READER_CLOSED].reject(e);
  }
  read() {
    this.stream[STREAM_DISTURBED] = true;
    if (this.state === "closed") return Promise.resolve({ value: undefined, done: true });
    if (this.state === "errored") return Promise.reject(this.storedError);
    if (this.queue.length > 0) {
      const [chunk, size] = this.queue.shift();
      this.queueSize -= size;
      if (this.closeRequested && this.queue.length === 0) this.finishClose();
      else this.maybePull();
      return Promise.resolve({ value: chunk, done: false });
    }
    const p = deferred();
    this.reads.push(p);
    this.maybePull();
    return p.promise;
  }
  maybePull() {
    if (!this.started || this.state !== "readable" || this.closeRequested) return;
    if (!(this.reads.length > 0 || this.desiredSize() > 0)) return;
    if (!this.source.pull) return;
    if (this.pulling) { this.pullAgain = true; return; }
    this.pulling = true;
    let result;
    try { result = this.source.pull.call(this.source, this.controller); } catch (e) { this.error(e); return; }
    Promise.resolve(result).then(() => {
      this.pulling = false;
      if (this.pullAgain) { this.pullAgain = false; this.maybePull(); }
    }, (e) => this.error(e));
  }
  cancel(reason) {
    this.stream[STREAM_DISTURBED] = true;
    if (this.state === "closed") return Promise.resolve();
    if (this.state === "errored") return Promise.reject(this.storedError);
    this.queue = [];
    this.queueSize = 0;
    this.finishClose();
    let result;
    try { result = this.source.cancel ? this.source.cancel.call(this.source, reason) : undefined; } catch (e) { return Promise.reject(e); }
    return Promise.resolve(result).then(() => undefined);
  }
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
}

const READER_CLOSED = Symbol("readerClosed");
const READER_STREAM = Symbol("readerStream");

class ReadableStreamDefaultReader {
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError("ReadableStreamDefaultReader needs a ReadableStream");
    if (stream.locked) throw new TypeError("ReadableStream is locked");
    const s = stream[STREAM_STATE];
    s.reader = this;
    this[READER_STREAM] = stream;
    this[READER_CLOSED] = deferred();
    this[READER_CLOSED].promise.catch(() => {});
    if (s.state === "closed") this[READER_CLOSED].resolve();
    if (s.state === "errored") this[READER_CLOSED].reject(s.storedError);
  }
  get closed() { return this[READER_CLOSED].promise; }
  read() {
    const stream = this[READER_STREAM];
    if (!stream) return Promise.reject(new TypeError("This reader has been released"));
    return stream[STREAM_STATE].read();
  }
  releaseLock() {
    const stream = this[READER_STREAM];
    if (!stream) return;
    const s = stream[STREAM_STATE];
    const err = new TypeError("Reader was released");
    for (const r of s.reads.splice(0)) r.reject(err);
    if (s.state === "readable") this[READER_CLOSED].reject(err);
    else { this[READER_CLOSED] = deferred(); this[READER_CLOSED].reject(err); }
    this[READER_CLOSED].promise.catch(() => {});
    s.reader = null;
    this[READER_STREAM] = null;
  }
  cancel(reason) {
    const stream = this[READER_STREAM];
    if (!stream) return Promise.reject(new TypeError("This reader has been released"));
    return stream[STREAM_STATE].cancel(reason);
  }
  get [Symbol.toStringTag]() { return "ReadableStreamDefaultReader"; }
}

class ReadableStream {
  constructor(source = {}, strategy = {}) {
    if (source === null) throw new TypeError("underlyingSource must be an object");
    if (source.type !== undefined && source.type !== "bytes") throw new RangeError(`Invalid type: ${source.type}`);
    this[STREAM_DISTURBED] = false;
    this[STREAM_STATE] = new StreamState(this, source, strategy);
    this[STREAM_STATE].start();
  }
  get locked() { return this[STREAM_STATE].reader !== null; }
  getReader(options) {
    if (options && options.mode !== undefined) {
      if (options.mode === "byob") throw new TypeError("BYOB readers are not supported yet");
      throw new TypeError(`Invalid reader mode: ${options.mode}`);
    }
    return new ReadableStreamDefaultReader(this);
  }
  cancel(reason) {
    if (this.locked) return Promise.reject(new TypeError("Cannot cancel a locked stream"));
    return this[STREAM_STATE].cancel(reason);
  }
  values(options) {
    const reader = this.getReader();
    const preventCancel = !!(options && options.preventCancel);
    // WebIDL async iterators (§3.7.10): once next() has ended (done or rejected) the
    // iterator is finished, and return() resolves without touching the stream. The
    // lock goes at the end, on error too (Streams §4.2.5 "get the next iteration result").
    let finished = false;
    const finish = () => { finished = true; reader.releaseLock(); };
    return {
      next() {
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return reader.read().then((r) => { if (r.done) finish(); return r; }, (e) => { finish(); throw e; });
      },
      return(value) {
        if (finished) return Promise.resolve({ value, done: true });
        if (!preventCancel) { const p = reader.cancel(value); finish(); return p.then(() => ({ value, done: true })); }
        finish();
        return Promise.resolve({ value, done: true });
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }
  [Symbol.asyncIterator](options) { return this.values(options); }
  get [Symbol.toStringTag]() { return "ReadableStream"; }
}

// A stream over a host body; untouched, it can be handed back to the host whole.
function nativeBodyStream(id) {
  let done = false;
  const stream = new ReadableStream({
    pull(controller) {
      return ops.bodyRead(id).then((chunk) => {
        if (chunk === undefined) { done = true; controller.close(); }
        else controller.enqueue(chunk);
      });
    },
    cancel() { if (!done) ops.bodyCancel(id); },
  }, { highWaterMark: 0 });
  stream[STREAM_NATIVE_BODY] = id;
  return stream;
}

// The host body id behind `stream`, if it can still be passed on without JS reading it.
function takeNativeBody(stream) {
  const id = stream[STREAM_NATIVE_BODY];
  if (id === undefined || stream.locked || stream[STREAM_DISTURBED]) return undefined;
  stream[STREAM_DISTURBED] = true;
  stream[STREAM_STATE].reader = { [READER_CLOSED]: deferred() };
  return id;
}

defineGlobal("ReadableStream", ReadableStream);
defineGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);
defineGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);

internal.webidlInterface(ReadableStream, ReadableStreamDefaultReader, ReadableStreamDefaultController);
