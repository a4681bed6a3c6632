// Readable streams (WHATWG Streams §4): ReadableStream with default and byte controllers,
// default and BYOB readers, tee, async iteration, ReadableStream.from. Writable and
// transform streams, pipes and queuing strategies are in the files after this one.
//
// Each public object keeps its state in a plain record behind a private field; the
// abstract operations work on records, named after the spec's (ReadableStreamClose is
// `readableStreamClose`…), so the code can be read beside the spec. Public methods
// brand-check `this` and go straight to the record.

const { Promise: PromiseCtor, apply, promiseThen, promiseResolve, promiseReject, arrayBufferTransfer, arrayBufferSlice, byteLengthOf, detachedOf } = intrinsics;

// ---- Promises, as the spec uses them ----

function noop() {}
// WebIDL "a promise resolved with": always a new promise; a promise given as the value
// is adopted, which takes its own microtask steps (as the reference implementation
// does; code that waits on a source's start() promise sees those steps).
function resolvedWith(value) {
  const p = new PromiseCtor(captureResolvers);
  executorResolve(value);
  return p;
}
function rejectedWith(reason) { return promiseReject(reason); }
// For the default algorithms (a source without pull, a sink without write…), whose
// promises only the streams machinery ever sees: one shared settled promise.
const RESOLVED = promiseResolve(undefined);
function resolvedUndefined() { return RESOLVED; }
// A new promise with its resolving functions, which knows whether it has settled. The
// executor is one shared function, not a closure per promise (closures are what costs
// most per chunk in an interpreter).
let executorResolve, executorReject;
function captureResolvers(resolve, reject) { executorResolve = resolve; executorReject = reject; }
class Deferred {
  constructor() {
    this.settled = false;
    this.promise = new PromiseCtor(captureResolvers);
    this.res = executorResolve;
    this.rej = executorReject;
  }
  resolve(value) { this.settled = true; this.res(value); }
  reject(reason) { this.settled = true; this.rej(reason); }
}
function newPromise() { return new Deferred(); }
function queueMicrotaskIntrinsic(fn) { promiseThen.call(resolvedWith(undefined), fn); }
function markHandled(promise) { promiseThen.call(promise, undefined, noop); }
// "React to"/"upon fulfillment"/"upon rejection": reactions that never leave a rejected
// promise of their own behind.
function uponPromise(promise, onFulfilled, onRejected) {
  promiseThen.call(promise, onFulfilled, onRejected ?? noop);
}
function uponFulfillment(promise, onFulfilled) { promiseThen.call(promise, onFulfilled, noop); }
function uponRejection(promise, onRejected) { promiseThen.call(promise, undefined, onRejected); }
function transformPromiseWith(promise, onFulfilled, onRejected) {
  return promiseThen.call(promise, onFulfilled, onRejected);
}
// WebIDL "invoke" for a callback returning a Promise: a throw becomes a rejection. The
// callback is applied with the intrinsic, not through its own (replaceable) `call`.
function promiseCall(fn, thisArg, args) {
  try {
    const result = apply(fn, thisArg, args);
    // Most callbacks return nothing; the promise is only ever seen by the streams
    // machinery, and a settled one reacts as soon as a new one would.
    return result === undefined ? RESOLVED : resolvedWith(result);
  } catch (e) {
    return rejectedWith(e);
  }
}

// ---- WebIDL conversions ----

function isObject(v) { return (typeof v === "object" && v !== null) || typeof v === "function"; }

function dictionary(value, what) {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new TypeError(`${what} must be an object`);
  return value;
}

function callbackMember(dict, name, what) {
  const v = dict[name];
  if (v === undefined) return undefined;
  if (typeof v !== "function") throw new TypeError(`${what}.${name} must be a function`);
  return v;
}

// [EnforceRange] unsigned long long.
function enforceRange(value, what) {
  let n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  n = Math.trunc(n);
  if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new TypeError(`${what} is out of range`);
  return n === 0 ? 0 : n;
}

// QueuingStrategy dictionary (members read in WebIDL order: highWaterMark, size).
function convertStrategy(strategy) {
  const dict = dictionary(strategy, "The queuing strategy");
  const hwm = dict.highWaterMark;
  const out = { highWaterMark: hwm === undefined ? undefined : Number(hwm), size: callbackMember(dict, "size", "The queuing strategy") };
  return out;
}

// ExtractHighWaterMark (§7.4).
function extractHighWaterMark(strategy, defaultHWM) {
  if (strategy.highWaterMark === undefined) return defaultHWM;
  const hwm = strategy.highWaterMark;
  if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("The highWaterMark must be a non-negative number");
  return hwm;
}

function sizeOne() { return 1; }

// ExtractSizeAlgorithm: the callback's result is an unrestricted double.
function extractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  return (chunk) => Number(apply(size, undefined, [chunk]));
}

// ---- Queue-with-sizes (§8.1) ----

// A FIFO with O(1) shift: an array and the index of its head.
class Queue {
  constructor() { this.items = []; this.head = 0; }
  get length() { return this.items.length - this.head; }
  push(v) { this.items.push(v); }
  peek() { return this.items[this.head]; }
  shift() {
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) { this.items.length = 0; this.head = 0; }
    else if (this.head > 1024 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return v;
  }
  clear() { this.items = []; this.head = 0; }
  *[Symbol.iterator]() { for (let i = this.head; i < this.items.length; i++) yield this.items[i]; }
}

function isNonNegativeNumber(v) { return typeof v === "number" && !Number.isNaN(v) && v >= 0; }

function enqueueValueWithSize(container, value, size) {
  if (!isNonNegativeNumber(size) || size === Infinity) throw new RangeError("The chunk size must be a finite, non-negative number");
  container.queue.push(value);
  container.sizes.push(size);
  container.queueTotalSize += size;
}
function dequeueValue(container) {
  const value = container.queue.shift();
  container.queueTotalSize -= container.sizes.shift();
  if (container.queueTotalSize < 0) container.queueTotalSize = 0; // rounding errors
  return value;
}
function resetQueue(container) {
  container.queue.clear();
  container.sizes.clear();
  container.queueTotalSize = 0;
}

// ---- ArrayBuffers ----

function isDetached(buffer) { return detachedOf.call(buffer); }
function transferArrayBuffer(buffer) {
  if (isDetached(buffer)) throw new TypeError("The ArrayBuffer is detached");
  return arrayBufferTransfer.call(buffer);
}
function cloneArrayBuffer(buffer, byteOffset, byteLength) {
  return arrayBufferSlice.call(buffer, byteOffset, byteOffset + byteLength);
}
// CloneAsUint8Array (for tee of byte streams).
function cloneAsUint8Array(view) {
  return new Uint8Array(cloneArrayBuffer(view.buffer, view.byteOffset, view.byteLength));
}
function copyBytes(dest, destOffset, src, srcOffset, n) {
  new Uint8Array(dest, destOffset, n).set(new Uint8Array(src, srcOffset, n));
}

// The typed array constructors table: name → [constructor, element size].
const VIEW_CONSTRUCTORS = {
  Int8Array: [Int8Array, 1], Uint8Array: [Uint8Array, 1], Uint8ClampedArray: [Uint8ClampedArray, 1],
  Int16Array: [Int16Array, 2], Uint16Array: [Uint16Array, 2], Int32Array: [Int32Array, 4],
  Uint32Array: [Uint32Array, 4], Float32Array: [Float32Array, 4], Float64Array: [Float64Array, 8],
  BigInt64Array: [BigInt64Array, 8], BigUint64Array: [BigUint64Array, 8],
};
if (typeof Float16Array === "function") VIEW_CONSTRUCTORS.Float16Array = [Float16Array, 2];
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;

// [AllowShared]-less ArrayBufferView check: returns the typed array name or "DataView".
function viewKind(v) {
  if (!ArrayBuffer.isView(v)) return undefined;
  return typedArrayTag.call(v) ?? "DataView";
}

// ---- Records ----

const DEFAULT = 0;
const BYTES = 1;

// Public faces ↔ records. Set by each class's static block.
let streamRecord, defaultReaderRecord, byobReaderRecord, defaultControllerRecord, byteControllerRecord, byobRequestRecord;
let makeStream, makeDefaultReader, makeByobReader, makeDefaultController, makeByteController, makeByobRequest;

const CONSTRUCT = Symbol("construct");

function newStreamRecord() {
  return { state: "readable", reader: undefined, storedError: undefined, disturbed: false, controller: undefined, api: undefined, native: undefined };
}

// ---- ReadableStream (§4.2) ----

class ReadableStream {
  #r;
  constructor(underlyingSource = undefined, strategy = undefined) {
    const r = (this.#r = newStreamRecord());
    r.api = this;
    if (underlyingSource === CONSTRUCT) return;
    if (underlyingSource !== undefined && !isObject(underlyingSource)) throw new TypeError("Failed to construct 'ReadableStream': The underlying source must be an object");
    const strategyDict = convertStrategy(strategy);
    const source = underlyingSource ?? {};
    // UnderlyingSource members, in WebIDL order.
    const rawChunkSize = source.autoAllocateChunkSize;
    const autoAllocateChunkSize = rawChunkSize === undefined ? undefined : enforceRange(rawChunkSize, "autoAllocateChunkSize");
    const cancel = callbackMember(source, "cancel", "The underlying source");
    const pull = callbackMember(source, "pull", "The underlying source");
    const start = callbackMember(source, "start", "The underlying source");
    let type = source.type;
    if (type !== undefined) {
      type = String(type);
      if (type !== "bytes") throw new TypeError(`'${type}' is not a valid ReadableStream type`);
    }
    if (type === "bytes") {
      if (strategyDict.size !== undefined) throw new RangeError("A byte stream's queuing strategy cannot have a size function");
      const hwm = extractHighWaterMark(strategyDict, 0);
      if (autoAllocateChunkSize === 0) throw new TypeError("autoAllocateChunkSize must be greater than 0");
      setUpReadableByteStreamController(r, makeByteController(),
        start ? (c) => apply(start, source, [c]) : noop,
        pull ? (c) => promiseCall(pull, source, [c]) : resolvedUndefined,
        cancel ? (reason) => promiseCall(cancel, source, [reason]) : resolvedUndefined,
        hwm, autoAllocateChunkSize);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
      const hwm = extractHighWaterMark(strategyDict, 1);
      setUpReadableStreamDefaultController(r, makeDefaultController(),
        start ? (c) => apply(start, source, [c]) : noop,
        pull ? (c) => promiseCall(pull, source, [c]) : resolvedUndefined,
        cancel ? (reason) => promiseCall(cancel, source, [reason]) : resolvedUndefined,
        hwm, sizeAlgorithm);
    }
  }
  static {
    streamRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeStream = () => new ReadableStream(CONSTRUCT).#r;
  }
  static from(asyncIterable) {
    return readableStreamFromIterable(asyncIterable).api;
  }
  get locked() { return isReadableStreamLocked(this.#r); }
  cancel(reason = undefined) {
    const r = streamRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    if (isReadableStreamLocked(r)) return rejectedWith(new TypeError("Cannot cancel a locked ReadableStream"));
    return readableStreamCancel(r, reason);
  }
  getReader(options = undefined) {
    const r = this.#r;
    const dict = dictionary(options, "The reader options");
    let mode = dict.mode;
    if (mode === undefined) return acquireReadableStreamDefaultReader(r).api;
    mode = String(mode);
    if (mode !== "byob") throw new TypeError(`'${mode}' is not a valid reader mode`);
    return acquireReadableStreamBYOBReader(r).api;
  }
  pipeThrough(transform, options = undefined) {
    const r = this.#r;
    if (!isObject(transform)) throw new TypeError("pipeThrough needs a { readable, writable } pair");
    const readable = transform.readable;
    const readableRecord = streamRecord(readable);
    if (readableRecord === undefined) throw new TypeError("The transform's readable side is not a ReadableStream");
    const writable = transform.writable;
    const writableRecord = writableStreamRecord(writable);
    if (writableRecord === undefined) throw new TypeError("The transform's writable side is not a WritableStream");
    const opts = convertPipeOptions(options);
    if (isReadableStreamLocked(r)) throw new TypeError("Cannot pipe a locked ReadableStream");
    if (isWritableStreamLocked(writableRecord)) throw new TypeError("Cannot pipe to a locked WritableStream");
    const promise = readableStreamPipeTo(r, writableRecord, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    markHandled(promise);
    return readable;
  }
  pipeTo(destination, options = undefined) {
    const r = streamRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    const dest = writableStreamRecord(destination);
    if (dest === undefined) return rejectedWith(new TypeError("pipeTo's destination must be a WritableStream"));
    let opts;
    try { opts = convertPipeOptions(options); } catch (e) { return rejectedWith(e); }
    if (isReadableStreamLocked(r)) return rejectedWith(new TypeError("Cannot pipe a locked ReadableStream"));
    if (isWritableStreamLocked(dest)) return rejectedWith(new TypeError("Cannot pipe to a locked WritableStream"));
    return readableStreamPipeTo(r, dest, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
  }
  tee() {
    return readableStreamTee(this.#r, false).map((b) => b.api);
  }
  values(options = undefined) {
    const r = this.#r;
    const dict = dictionary(options, "The iterator options");
    const preventCancel = !!dict.preventCancel;
    const reader = acquireReadableStreamDefaultReader(r);
    return makeAsyncIterator(reader, preventCancel);
  }
  get [Symbol.toStringTag]() { return "ReadableStream"; }
}
// WebIDL: @@asyncIterator is the same function as values().
Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
  value: ReadableStream.prototype.values, writable: true, configurable: true,
});

function convertPipeOptions(options) {
  const dict = dictionary(options, "The pipe options");
  // StreamPipeOptions members, in WebIDL order.
  const preventAbort = !!dict.preventAbort;
  const preventCancel = !!dict.preventCancel;
  const preventClose = !!dict.preventClose;
  const signal = dict.signal;
  if (signal !== undefined && !need("events").isAbortSignal(signal)) {
    throw new TypeError("The pipe options' signal must be an AbortSignal");
  }
  return { preventAbort, preventCancel, preventClose, signal };
}

// ---- Async iteration (§4.2.5, WebIDL §3.7.10.1) ----

const asyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((async function* () {}).prototype));
const ITERATOR = Symbol("iterator");
const END_OF_ITERATION = Symbol("end");
// Streams §4.2.5 "get the next iteration result": the chunk, or END_OF_ITERATION.
function nextIterationResult(it) {
  const d = newPromise();
  readableStreamDefaultReaderRead(it.reader, {
    chunk(value) { d.resolve(value); },
    close() { readableStreamDefaultReaderRelease(it.reader); d.resolve(END_OF_ITERATION); },
    error(e) { readableStreamDefaultReaderRelease(it.reader); d.reject(e); },
  });
  return d.promise;
}
const iteratorMethods = {
  // WebIDL §3.7.10.2: calls are chained on the ongoing one, and each result is made in
  // a reaction to the read.
  next() {
    const it = isObject(this) ? this[ITERATOR] : undefined;
    if (it === undefined) return rejectedWith(new TypeError("next() called on an object that is not a ReadableStream async iterator"));
    const nextSteps = () => {
      if (it.finished) return resolvedWith({ value: undefined, done: true });
      return transformPromiseWith(nextIterationResult(it), (next) => {
        it.ongoing = undefined;
        if (next === END_OF_ITERATION) {
          it.finished = true;
          return { value: undefined, done: true };
        }
        return { value: next, done: false };
      }, (reason) => {
        it.ongoing = undefined;
        it.finished = true;
        throw reason;
      });
    };
    it.ongoing = it.ongoing !== undefined ? transformPromiseWith(it.ongoing, nextSteps, nextSteps) : nextSteps();
    return it.ongoing;
  },
  return(value) {
    const it = isObject(this) ? this[ITERATOR] : undefined;
    if (it === undefined) return rejectedWith(new TypeError("return() called on an object that is not a ReadableStream async iterator"));
    const returnSteps = () => {
      if (it.finished) return resolvedWith({ value, done: true });
      it.finished = true;
      const reader = it.reader;
      let result;
      if (!it.preventCancel) {
        result = readableStreamReaderGenericCancel(reader, value);
        readableStreamDefaultReaderRelease(reader);
      } else {
        readableStreamDefaultReaderRelease(reader);
        result = resolvedWith(undefined);
      }
      return transformPromiseWith(result, () => ({ value, done: true }));
    };
    it.ongoing = it.ongoing !== undefined ? transformPromiseWith(it.ongoing, returnSteps, returnSteps) : returnSteps();
    return it.ongoing;
  },
};
const readableStreamAsyncIteratorPrototype = Object.create(asyncIteratorPrototype, {
  next: { value: iteratorMethods.next, writable: true, enumerable: true, configurable: true },
  return: { value: iteratorMethods.return, writable: true, enumerable: true, configurable: true },
  [Symbol.toStringTag]: { value: "ReadableStream AsyncIterator", configurable: true },
});

function makeAsyncIterator(reader, preventCancel) {
  const it = Object.create(readableStreamAsyncIteratorPrototype);
  Object.defineProperty(it, ITERATOR, { value: { reader, preventCancel, finished: false, ongoing: undefined } });
  return it;
}

// ---- Readable stream abstract operations (§4.9.1) ----

function acquireReadableStreamDefaultReader(stream) {
  const reader = makeDefaultReader();
  setUpReadableStreamDefaultReader(reader, stream);
  return reader;
}

function acquireReadableStreamBYOBReader(stream) {
  const reader = makeByobReader();
  setUpReadableStreamBYOBReader(reader, stream);
  return reader;
}

function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = makeStream();
  setUpReadableStreamDefaultController(stream, makeDefaultController(), startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
  const stream = makeStream();
  setUpReadableByteStreamController(stream, makeByteController(), startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
  return stream;
}

function isReadableStreamLocked(stream) { return stream.reader !== undefined; }

function readableStreamFromIterable(asyncIterable) {
  const iterator = openAsyncSequence(asyncIterable);
  let stream;
  const pullAlgorithm = () => {
    let nextPromise;
    try {
      const result = iterator.next();
      nextPromise = iterator.sync ? syncStepAsync(result) : resolvedWith(result);
    } catch (e) {
      return rejectedWith(e);
    }
    return transformPromiseWith(nextPromise, (result) => {
      if (!isObject(result)) throw new TypeError("The iterator's next() result is not an object");
      if (result.done) readableStreamDefaultControllerClose(stream.controller);
      else readableStreamDefaultControllerEnqueue(stream.controller, result.value);
    }, (r) => {
      readableStreamDefaultControllerError(stream.controller, r);
    });
  };
  const cancelAlgorithm = (reason) => {
    let returnMethod;
    try {
      returnMethod = iterator.iterator.return;
    } catch (e) {
      return rejectedWith(e);
    }
    if (returnMethod === undefined || returnMethod === null) return resolvedWith(undefined);
    let returnResult;
    try {
      if (typeof returnMethod !== "function") throw new TypeError("The iterator's return is not a function");
      returnResult = apply(returnMethod, iterator.iterator, [reason]);
    } catch (e) {
      return rejectedWith(e);
    }
    const settled = iterator.sync ? syncStepAsync(returnResult, true) : resolvedWith(returnResult);
    return transformPromiseWith(settled, (r) => {
      if (!isObject(r)) throw new TypeError("The iterator's return() result is not an object");
    });
  };
  stream = createReadableStream(noop, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// GetIterator(obj, async), falling back to a sync iterator (CreateAsyncFromSyncIterator).
function openAsyncSequence(obj) {
  if (obj === undefined || obj === null) throw new TypeError("ReadableStream.from needs an iterable or async iterable");
  let method = obj[Symbol.asyncIterator];
  let sync = false;
  if (method === undefined || method === null) {
    method = obj[Symbol.iterator];
    sync = true;
  }
  if (typeof method !== "function") throw new TypeError("ReadableStream.from needs an iterable or async iterable");
  const iterator = apply(method, obj, []);
  if (!isObject(iterator)) throw new TypeError("The iterator method did not return an object");
  const next = iterator.next;
  return { iterator, sync, next: () => apply(next, iterator, []) };
}

// %AsyncFromSyncIteratorPrototype%: the value of a sync step is awaited.
function syncStepAsync(result, isReturn = false) {
  if (!isObject(result)) return rejectedWith(new TypeError("The iterator's result is not an object"));
  const done = !!result.done;
  return transformPromiseWith(resolvedWith(result.value), (value) => (isReturn ? { value, done: true } : { value, done }));
}

function readableStreamCancel(stream, reason) {
  stream.disturbed = true;
  if (stream.state === "closed") return resolvedWith(undefined);
  if (stream.state === "errored") return rejectedWith(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.kind === BYTES) {
    const requests = reader.readIntoRequests;
    reader.readIntoRequests = [];
    for (const request of requests) request.close(undefined);
  }
  const sourceCancelPromise = stream.controller.cancelSteps(reason);
  return transformPromiseWith(sourceCancelPromise, noop);
}

function readableStreamClose(stream) {
  stream.state = "closed";
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.resolve(undefined);
  if (reader.kind === DEFAULT) {
    const requests = reader.readRequests;
    if (requests.length === 0) return;
    reader.readRequests = new Queue();
    for (const request of requests) request.close();
  }
}

function readableStreamError(stream, e) {
  stream.state = "errored";
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.reject(e);
  markHandled(reader.closed.promise);
  if (reader.kind === DEFAULT) readableStreamDefaultReaderErrorReadRequests(reader, e);
  else readableStreamBYOBReaderErrorReadIntoRequests(reader, e);
}

function readableStreamFulfillReadRequest(stream, chunk, done) {
  const request = stream.reader.readRequests.shift();
  if (done) request.close();
  else request.chunk(chunk);
}

function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
  const request = stream.reader.readIntoRequests.shift();
  if (done) request.close(chunk);
  else request.chunk(chunk);
}

function readableStreamGetNumReadRequests(stream) { return stream.reader.readRequests.length; }
function readableStreamGetNumReadIntoRequests(stream) { return stream.reader.readIntoRequests.length; }
function readableStreamHasDefaultReader(stream) { return stream.reader !== undefined && stream.reader.kind === DEFAULT; }
function readableStreamHasBYOBReader(stream) { return stream.reader !== undefined && stream.reader.kind === BYTES; }

// ---- Readers (§4.9.3) ----

function readableStreamReaderGenericCancel(reader, reason) {
  return readableStreamCancel(reader.stream, reason);
}

function readableStreamReaderGenericInitialize(reader, stream) {
  reader.stream = stream;
  stream.reader = reader;
  if (stream.state === "readable") {
    reader.closed = newPromise();
  } else if (stream.state === "closed") {
    reader.closed = newPromise();
    reader.closed.resolve(undefined);
  } else {
    reader.closed = newPromise();
    reader.closed.reject(stream.storedError);
    markHandled(reader.closed.promise);
  }
}

function readableStreamReaderGenericRelease(reader) {
  const stream = reader.stream;
  const error = new TypeError("The reader was released");
  if (stream.state === "readable") {
    reader.closed.reject(error);
  } else {
    reader.closed = newPromise();
    reader.closed.reject(error);
  }
  markHandled(reader.closed.promise);
  stream.controller.releaseSteps();
  stream.reader = undefined;
  reader.stream = undefined;
}

function readableStreamBYOBReaderErrorReadIntoRequests(reader, e) {
  const requests = reader.readIntoRequests;
  reader.readIntoRequests = [];
  for (const request of requests) request.error(e);
}

function readableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === "errored") readIntoRequest.error(stream.storedError);
  else readableByteStreamControllerPullInto(stream.controller, view, min, readIntoRequest);
}

function readableStreamBYOBReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamBYOBReaderErrorReadIntoRequests(reader, new TypeError("The reader was released"));
}

function readableStreamDefaultReaderErrorReadRequests(reader, e) {
  const requests = reader.readRequests;
  if (requests.length === 0) return;
  reader.readRequests = new Queue();
  for (const request of requests) request.error(e);
}

function readableStreamDefaultReaderRead(reader, readRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === "closed") readRequest.close();
  else if (stream.state === "errored") readRequest.error(stream.storedError);
  else stream.controller.pullSteps(readRequest);
}

function readableStreamDefaultReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamDefaultReaderErrorReadRequests(reader, new TypeError("The reader was released"));
}

function setUpReadableStreamBYOBReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked");
  if (stream.controller.kind !== BYTES) throw new TypeError("A BYOB reader needs a byte stream (type: \"bytes\")");
  readableStreamReaderGenericInitialize(reader, stream);
  reader.readIntoRequests = [];
}

function setUpReadableStreamDefaultReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked");
  readableStreamReaderGenericInitialize(reader, stream);
  reader.readRequests = new Queue();
}

// A read request whose steps settle a promise with an iterator result.
class PromiseReadRequest {
  constructor(d) { this.d = d; }
  chunk(value) { this.d.resolve({ value, done: false }); }
  close(value = undefined) { this.d.resolve({ value, done: true }); }
  error(e) { this.d.reject(e); }
}

class ReadableStreamDefaultReader {
  #r;
  constructor(stream) {
    const r = (this.#r = { kind: DEFAULT, stream: undefined, closed: undefined, readRequests: undefined, api: this });
    if (stream === CONSTRUCT) return;
    const s = streamRecord(stream);
    if (s === undefined) throw new TypeError("ReadableStreamDefaultReader needs a ReadableStream");
    setUpReadableStreamDefaultReader(r, s);
  }
  static {
    defaultReaderRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeDefaultReader = () => new ReadableStreamDefaultReader(CONSTRUCT).#r;
  }
  read() {
    const r = defaultReaderRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    const stream = r.stream;
    if (stream === undefined) return rejectedWith(new TypeError("The reader has been released"));
    // The common case, a default stream with a chunk queued, without a read request.
    const c = stream.controller;
    if (c.kind === DEFAULT && stream.state === "readable" && c.queue.length > 0) {
      stream.disturbed = true;
      return resolvedWith({ value: defaultControllerTakeChunk(c), done: false });
    }
    const d = newPromise();
    readableStreamDefaultReaderRead(r, new PromiseReadRequest(d));
    return d.promise;
  }
  releaseLock() {
    const r = this.#r;
    if (r.stream === undefined) return;
    readableStreamDefaultReaderRelease(r);
  }
  get [Symbol.toStringTag]() { return "ReadableStreamDefaultReader"; }
}

class ReadableStreamBYOBReader {
  #r;
  constructor(stream) {
    const r = (this.#r = { kind: BYTES, stream: undefined, closed: undefined, readIntoRequests: undefined, api: this });
    if (stream === CONSTRUCT) return;
    const s = streamRecord(stream);
    if (s === undefined) throw new TypeError("ReadableStreamBYOBReader needs a ReadableStream");
    setUpReadableStreamBYOBReader(r, s);
  }
  static {
    byobReaderRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeByobReader = () => new ReadableStreamBYOBReader(CONSTRUCT).#r;
  }
  read(view, options = undefined) {
    const r = byobReaderRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    const kind = viewKind(view);
    if (kind === undefined) return rejectedWith(new TypeError("read() needs an ArrayBufferView"));
    let min;
    try {
      const dict = dictionary(options, "The read options");
      min = dict.min === undefined ? 1 : enforceRange(dict.min, "min");
    } catch (e) {
      return rejectedWith(e);
    }
    if (view.byteLength === 0) return rejectedWith(new TypeError("The view must have a non-zero byteLength"));
    if (byteLengthOf.call(view.buffer) === 0) {
      return rejectedWith(new TypeError(isDetached(view.buffer) ? "The view's buffer is detached" : "The view's buffer must have a non-zero byteLength"));
    }
    if (min === 0) return rejectedWith(new TypeError("min must be greater than 0"));
    if (kind !== "DataView") {
      if (min > view.length) return rejectedWith(new RangeError("min must not exceed the view's length"));
    } else if (min > view.byteLength) {
      return rejectedWith(new RangeError("min must not exceed the view's byteLength"));
    }
    if (r.stream === undefined) return rejectedWith(new TypeError("The reader has been released"));
    const d = newPromise();
    readableStreamBYOBReaderRead(r, view, min, new PromiseReadRequest(d));
    return d.promise;
  }
  releaseLock() {
    const r = this.#r;
    if (r.stream === undefined) return;
    readableStreamBYOBReaderRelease(r);
  }
  get [Symbol.toStringTag]() { return "ReadableStreamBYOBReader"; }
}

// The ReadableStreamGenericReader mixin (§4.3): `closed` and `cancel()`, given to each
// reader interface with that interface's brand check.
function includeGenericReader(C, recordOf) {
  const members = {
    get closed() {
      const r = recordOf(this);
      if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
      return r.closed.promise;
    },
    cancel(reason = undefined) {
      const r = recordOf(this);
      if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
      if (r.stream === undefined) return rejectedWith(new TypeError("The reader has been released"));
      return readableStreamReaderGenericCancel(r, reason);
    },
  };
  for (const key of ["closed", "cancel"]) {
    Object.defineProperty(C.prototype, key, Object.getOwnPropertyDescriptor(members, key));
  }
}
includeGenericReader(ReadableStreamDefaultReader, defaultReaderRecord);
includeGenericReader(ReadableStreamBYOBReader, byobReaderRecord);

// ---- Default controllers (§4.6, §4.9.4) ----

class ReadableStreamDefaultController {
  #r;
  constructor(token = undefined) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.#r = {
      kind: DEFAULT, stream: undefined, queue: new Queue(), sizes: new Queue(), queueTotalSize: 0,
      started: false, closeRequested: false, pullAgain: false, pulling: false,
      strategySizeAlgorithm: undefined, strategyHWM: 0, pullAlgorithm: undefined, cancelAlgorithm: undefined,
      api: this, cancelSteps: defaultControllerCancelSteps, pullSteps: defaultControllerPullSteps, releaseSteps: noop,
      onPulled: undefined, onPullFailed: undefined,
    };
  }
  static {
    defaultControllerRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeDefaultController = () => new ReadableStreamDefaultController(CONSTRUCT).#r;
  }
  get desiredSize() { return readableStreamDefaultControllerGetDesiredSize(this.#r); }
  close() {
    const c = this.#r;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) throw new TypeError("The stream is not in a state that permits close");
    readableStreamDefaultControllerClose(c);
  }
  enqueue(chunk = undefined) {
    const c = this.#r;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) throw new TypeError("The stream is not in a state that permits enqueue");
    readableStreamDefaultControllerEnqueue(c, chunk);
  }
  error(e = undefined) { readableStreamDefaultControllerError(this.#r, e); }
  get [Symbol.toStringTag]() { return "ReadableStreamDefaultController"; }
}

// [[CancelSteps]], [[PullSteps]] (§4.6.4); `this` is the controller record.
function defaultControllerCancelSteps(reason) {
  resetQueue(this);
  const result = this.cancelAlgorithm(reason);
  readableStreamDefaultControllerClearAlgorithms(this);
  return result;
}

function defaultControllerPullSteps(readRequest) {
  if (this.queue.length > 0) {
    readRequest.chunk(defaultControllerTakeChunk(this));
  } else {
    this.stream.reader.readRequests.push(readRequest);
    readableStreamDefaultControllerCallPullIfNeeded(this);
  }
}

// The first half of [[PullSteps]] with a chunk queued: dequeue it, then close or pull.
function defaultControllerTakeChunk(c) {
  const chunk = dequeueValue(c);
  if (c.closeRequested && c.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  } else {
    readableStreamDefaultControllerCallPullIfNeeded(c);
  }
  return chunk;
}

// ReadableStreamDefaultControllerCallPullIfNeeded and its byte-stream twin (the same
// steps over each controller's ShouldCallPull and Error).
function readableStreamDefaultControllerCallPullIfNeeded(c) {
  controllerCallPullIfNeeded(c, readableStreamDefaultControllerShouldCallPull, readableStreamDefaultControllerError);
}

function controllerCallPullIfNeeded(c, shouldCallPull, error) {
  if (!shouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  // The reactions are made once per controller: this runs once per chunk.
  c.onPulled ??= () => {
    c.pulling = false;
    if (c.pullAgain) {
      c.pullAgain = false;
      controllerCallPullIfNeeded(c, shouldCallPull, error);
    }
  };
  c.onPullFailed ??= (e) => error(c, e);
  promiseThen.call(c.pullAlgorithm(c.api), c.onPulled, c.onPullFailed);
}

function readableStreamDefaultControllerShouldCallPull(c) {
  const stream = c.stream;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return false;
  if (!c.started) return false;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  return readableStreamDefaultControllerGetDesiredSize(c) > 0;
}

function readableStreamDefaultControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function readableStreamDefaultControllerClose(c) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  }
}

function readableStreamDefaultControllerEnqueue(c, chunk) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(c)) return;
  const stream = c.stream;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
    readableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let size;
    try {
      size = c.strategySizeAlgorithm === sizeOne ? 1 : c.strategySizeAlgorithm(chunk);
    } catch (e) {
      readableStreamDefaultControllerError(c, e);
      throw e;
    }
    try {
      enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      readableStreamDefaultControllerError(c, e);
      throw e;
    }
  }
  readableStreamDefaultControllerCallPullIfNeeded(c);
}

function readableStreamDefaultControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== "readable") return;
  resetQueue(c);
  readableStreamDefaultControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}

function readableStreamDefaultControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c.strategyHWM - c.queueTotalSize;
}

function readableStreamDefaultControllerHasBackpressure(c) {
  return !readableStreamDefaultControllerShouldCallPull(c);
}

function readableStreamDefaultControllerCanCloseOrEnqueue(c) {
  return !c.closeRequested && c.stream.state === "readable";
}

function setUpReadableStreamDefaultController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  startController(c, startAlgorithm, readableStreamDefaultControllerCallPullIfNeeded, readableStreamDefaultControllerError);
}

// The common end of SetUpReadableStreamDefaultController and its byte twin: the stream
// gets its controller, start runs, and pulling begins once it has settled.
function startController(c, startAlgorithm, callPullIfNeeded, error) {
  c.stream.controller = c;
  const startResult = startAlgorithm(c.api);
  uponPromise(resolvedWith(startResult), () => {
    c.started = true;
    callPullIfNeeded(c);
  }, (r) => error(c, r));
}

// ---- Byte stream controllers (§4.7, §4.8, §4.9.5) ----

class ReadableByteStreamController {
  #r;
  constructor(token = undefined) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.#r = {
      kind: BYTES, stream: undefined, queue: new Queue(), queueTotalSize: 0,
      started: false, closeRequested: false, pullAgain: false, pulling: false,
      strategyHWM: 0, pullAlgorithm: undefined, cancelAlgorithm: undefined,
      autoAllocateChunkSize: undefined, pendingPullIntos: [], byobRequest: null,
      api: this, cancelSteps: byteControllerCancelSteps, pullSteps: byteControllerPullSteps, releaseSteps: byteControllerReleaseSteps,
      onPulled: undefined, onPullFailed: undefined,
    };
  }
  static {
    byteControllerRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeByteController = () => new ReadableByteStreamController(CONSTRUCT).#r;
  }
  get byobRequest() { return readableByteStreamControllerGetBYOBRequest(this.#r); }
  get desiredSize() { return readableByteStreamControllerGetDesiredSize(this.#r); }
  close() {
    const c = this.#r;
    if (c.closeRequested) throw new TypeError("The stream is already closing");
    if (c.stream.state !== "readable") throw new TypeError("The stream is not readable");
    readableByteStreamControllerClose(c);
  }
  enqueue(chunk) {
    const c = this.#r;
    const kind = viewKind(chunk);
    if (kind === undefined) throw new TypeError("enqueue() needs an ArrayBufferView");
    if (chunk.byteLength === 0) throw new TypeError("The chunk must have a non-zero byteLength");
    if (byteLengthOf.call(chunk.buffer) === 0) throw new TypeError("The chunk's buffer must have a non-zero byteLength");
    if (c.closeRequested) throw new TypeError("The stream is already closing");
    if (c.stream.state !== "readable") throw new TypeError("The stream is not readable");
    readableByteStreamControllerEnqueue(c, chunk);
  }
  error(e = undefined) { readableByteStreamControllerError(this.#r, e); }
  get [Symbol.toStringTag]() { return "ReadableByteStreamController"; }
}

function byteControllerCancelSteps(reason) {
  readableByteStreamControllerClearPendingPullIntos(this);
  resetByteQueue(this);
  const result = this.cancelAlgorithm(reason);
  readableByteStreamControllerClearAlgorithms(this);
  return result;
}

function byteControllerPullSteps(readRequest) {
  const stream = this.stream;
  if (this.queueTotalSize > 0) {
    readableByteStreamControllerFillReadRequestFromQueue(this, readRequest);
    return;
  }
  const autoAllocateChunkSize = this.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    let buffer;
    try {
      buffer = new ArrayBuffer(autoAllocateChunkSize);
    } catch (e) {
      readRequest.error(e);
      return;
    }
    this.pendingPullIntos.push({
      buffer, bufferByteLength: autoAllocateChunkSize, byteOffset: 0, byteLength: autoAllocateChunkSize,
      bytesFilled: 0, minimumFill: 1, elementSize: 1, viewConstructor: Uint8Array, readerType: "default",
    });
  }
  stream.reader.readRequests.push(readRequest);
  readableByteStreamControllerCallPullIfNeeded(this);
}

function byteControllerReleaseSteps() {
  if (this.pendingPullIntos.length > 0) {
    const first = this.pendingPullIntos[0];
    first.readerType = "none";
    this.pendingPullIntos = [first];
  }
}

function resetByteQueue(c) {
  c.queue.clear();
  c.queueTotalSize = 0;
}

function readableByteStreamControllerCallPullIfNeeded(c) {
  controllerCallPullIfNeeded(c, readableByteStreamControllerShouldCallPull, readableByteStreamControllerError);
}

function readableByteStreamControllerClearAlgorithms(c) {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}

function readableByteStreamControllerClearPendingPullIntos(c) {
  readableByteStreamControllerInvalidateBYOBRequest(c);
  c.pendingPullIntos = [];
}

function readableByteStreamControllerClose(c) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== "readable") return;
  if (c.queueTotalSize > 0) {
    c.closeRequested = true;
    return;
  }
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
      readableByteStreamControllerError(c, e);
      throw e;
    }
  }
  readableByteStreamControllerClearAlgorithms(c);
  readableStreamClose(stream);
}

function readableByteStreamControllerCommitPullIntoDescriptor(stream, desc) {
  let done = false;
  if (stream.state === "closed") done = true;
  const filledView = readableByteStreamControllerConvertPullIntoDescriptor(desc);
  if (desc.readerType === "default") readableStreamFulfillReadRequest(stream, filledView, done);
  else readableStreamFulfillReadIntoRequest(stream, filledView, done);
}

function readableByteStreamControllerConvertPullIntoDescriptor(desc) {
  const buffer = transferArrayBuffer(desc.buffer);
  const Ctor = desc.viewConstructor;
  return new Ctor(buffer, desc.byteOffset, desc.bytesFilled / desc.elementSize);
}

function readableByteStreamControllerEnqueue(c, chunk) {
  const stream = c.stream;
  if (c.closeRequested || stream.state !== "readable") return;
  const { buffer, byteOffset, byteLength } = chunk;
  if (isDetached(buffer)) throw new TypeError("The chunk's buffer is detached");
  const transferredBuffer = transferArrayBuffer(buffer);
  if (c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    if (isDetached(first.buffer)) throw new TypeError("The BYOB request's buffer has been detached");
    readableByteStreamControllerInvalidateBYOBRequest(c);
    first.buffer = transferArrayBuffer(first.buffer);
    if (first.readerType === "none") readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, first);
  }
  if (readableStreamHasDefaultReader(stream)) {
    readableByteStreamControllerProcessReadRequestsUsingQueue(c);
    if (readableStreamGetNumReadRequests(stream) === 0) {
      readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    } else {
      if (c.pendingPullIntos.length > 0) readableByteStreamControllerShiftPendingPullInto(c);
      readableStreamFulfillReadRequest(stream, new Uint8Array(transferredBuffer, byteOffset, byteLength), false);
    }
  } else if (readableStreamHasBYOBReader(stream)) {
    readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
    const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (const desc of filled) readableByteStreamControllerCommitPullIntoDescriptor(stream, desc);
  } else {
    readableByteStreamControllerEnqueueChunkToQueue(c, transferredBuffer, byteOffset, byteLength);
  }
  readableByteStreamControllerCallPullIfNeeded(c);
}

function readableByteStreamControllerEnqueueChunkToQueue(c, buffer, byteOffset, byteLength) {
  c.queue.push({ buffer, byteOffset, byteLength });
  c.queueTotalSize += byteLength;
}

function readableByteStreamControllerEnqueueClonedChunkToQueue(c, buffer, byteOffset, byteLength) {
  let clone;
  try {
    clone = cloneArrayBuffer(buffer, byteOffset, byteLength);
  } catch (e) {
    readableByteStreamControllerError(c, e);
    throw e;
  }
  readableByteStreamControllerEnqueueChunkToQueue(c, clone, 0, byteLength);
}

function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, desc) {
  if (desc.bytesFilled > 0) readableByteStreamControllerEnqueueClonedChunkToQueue(c, desc.buffer, desc.byteOffset, desc.bytesFilled);
  readableByteStreamControllerShiftPendingPullInto(c);
}

function readableByteStreamControllerError(c, e) {
  const stream = c.stream;
  if (stream.state !== "readable") return;
  readableByteStreamControllerClearPendingPullIntos(c);
  resetByteQueue(c);
  readableByteStreamControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}

function readableByteStreamControllerFillHeadPullIntoDescriptor(c, size, desc) {
  desc.bytesFilled += size;
}

function readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, desc) {
  const maxBytesToCopy = Math.min(c.queueTotalSize, desc.byteLength - desc.bytesFilled);
  const maxBytesFilled = desc.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % desc.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= desc.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - desc.bytesFilled;
    ready = true;
  }
  const queue = c.queue;
  while (totalBytesToCopyRemaining > 0) {
    const head = queue.peek();
    const bytesToCopy = Math.min(totalBytesToCopyRemaining, head.byteLength);
    const destStart = desc.byteOffset + desc.bytesFilled;
    copyBytes(desc.buffer, destStart, head.buffer, head.byteOffset, bytesToCopy);
    if (head.byteLength === bytesToCopy) {
      queue.shift();
    } else {
      head.byteOffset += bytesToCopy;
      head.byteLength -= bytesToCopy;
    }
    c.queueTotalSize -= bytesToCopy;
    readableByteStreamControllerFillHeadPullIntoDescriptor(c, bytesToCopy, desc);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function readableByteStreamControllerFillReadRequestFromQueue(c, readRequest) {
  const entry = c.queue.shift();
  c.queueTotalSize -= entry.byteLength;
  readableByteStreamControllerHandleQueueDrain(c);
  readRequest.chunk(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
}

function readableByteStreamControllerGetBYOBRequest(c) {
  if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
    const first = c.pendingPullIntos[0];
    const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    c.byobRequest = makeByobRequest(c, view);
  }
  return c.byobRequest;
}

function readableByteStreamControllerGetDesiredSize(c) {
  const state = c.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c.strategyHWM - c.queueTotalSize;
}

function readableByteStreamControllerHandleQueueDrain(c) {
  if (c.queueTotalSize === 0 && c.closeRequested) {
    readableByteStreamControllerClearAlgorithms(c);
    readableStreamClose(c.stream);
  } else {
    readableByteStreamControllerCallPullIfNeeded(c);
  }
}

function readableByteStreamControllerInvalidateBYOBRequest(c) {
  if (c.byobRequest === null) return;
  const request = byobRequestRecord(c.byobRequest);
  request.controller = undefined;
  request.view = null;
  c.byobRequest = null;
}

function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c) {
  const filled = [];
  while (c.pendingPullIntos.length > 0) {
    if (c.queueTotalSize === 0) break;
    const desc = c.pendingPullIntos[0];
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, desc)) {
      readableByteStreamControllerShiftPendingPullInto(c);
      filled.push(desc);
    }
  }
  return filled;
}

function readableByteStreamControllerProcessReadRequestsUsingQueue(c) {
  const reader = c.stream.reader;
  while (reader.readRequests.length > 0) {
    if (c.queueTotalSize === 0) return;
    const readRequest = reader.readRequests.shift();
    readableByteStreamControllerFillReadRequestFromQueue(c, readRequest);
  }
}

function readableByteStreamControllerPullInto(c, view, min, readIntoRequest) {
  const stream = c.stream;
  const kind = viewKind(view);
  let elementSize = 1;
  let Ctor = DataView;
  if (kind !== "DataView") [Ctor, elementSize] = VIEW_CONSTRUCTORS[kind];
  const minimumFill = min * elementSize;
  const byteOffset = view.byteOffset;
  const byteLength = view.byteLength;
  let buffer;
  try {
    buffer = transferArrayBuffer(view.buffer);
  } catch (e) {
    readIntoRequest.error(e);
    return;
  }
  const desc = {
    buffer, bufferByteLength: byteLengthOf.call(buffer), byteOffset, byteLength, bytesFilled: 0,
    minimumFill, elementSize, viewConstructor: Ctor, readerType: "byob",
  };
  if (c.pendingPullIntos.length > 0) {
    c.pendingPullIntos.push(desc);
    stream.reader.readIntoRequests.push(readIntoRequest);
    return;
  }
  if (stream.state === "closed") {
    readIntoRequest.close(new Ctor(desc.buffer, desc.byteOffset, 0));
    return;
  }
  if (c.queueTotalSize > 0) {
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(c, desc)) {
      const filledView = readableByteStreamControllerConvertPullIntoDescriptor(desc);
      readableByteStreamControllerHandleQueueDrain(c);
      readIntoRequest.chunk(filledView);
      return;
    }
    if (c.closeRequested) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
      readableByteStreamControllerError(c, e);
      readIntoRequest.error(e);
      return;
    }
  }
  c.pendingPullIntos.push(desc);
  stream.reader.readIntoRequests.push(readIntoRequest);
  readableByteStreamControllerCallPullIfNeeded(c);
}

function readableByteStreamControllerRespond(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  const state = c.stream.state;
  if (state === "closed") {
    if (bytesWritten !== 0) throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream");
  } else {
    if (bytesWritten === 0) throw new TypeError("bytesWritten must be greater than 0 when calling respond() on a readable stream");
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError("bytesWritten out of range");
  }
  first.buffer = transferArrayBuffer(first.buffer);
  readableByteStreamControllerRespondInternal(c, bytesWritten);
}

function readableByteStreamControllerRespondInClosedState(c, first) {
  if (first.readerType === "none") readableByteStreamControllerShiftPendingPullInto(c);
  const stream = c.stream;
  if (readableStreamHasBYOBReader(stream)) {
    const filled = [];
    while (filled.length < readableStreamGetNumReadIntoRequests(stream)) {
      filled.push(readableByteStreamControllerShiftPendingPullInto(c));
    }
    for (const desc of filled) readableByteStreamControllerCommitPullIntoDescriptor(stream, desc);
  }
}

function readableByteStreamControllerRespondInReadableState(c, bytesWritten, desc) {
  readableByteStreamControllerFillHeadPullIntoDescriptor(c, bytesWritten, desc);
  if (desc.readerType === "none") {
    readableByteStreamControllerEnqueueDetachedPullIntoToQueue(c, desc);
    const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
    for (const f of filled) readableByteStreamControllerCommitPullIntoDescriptor(c.stream, f);
    return;
  }
  if (desc.bytesFilled < desc.minimumFill) return;
  readableByteStreamControllerShiftPendingPullInto(c);
  const remainderSize = desc.bytesFilled % desc.elementSize;
  if (remainderSize > 0) {
    const end = desc.byteOffset + desc.bytesFilled;
    readableByteStreamControllerEnqueueClonedChunkToQueue(c, desc.buffer, end - remainderSize, remainderSize);
  }
  desc.bytesFilled -= remainderSize;
  const filled = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(c);
  readableByteStreamControllerCommitPullIntoDescriptor(c.stream, desc);
  for (const f of filled) readableByteStreamControllerCommitPullIntoDescriptor(c.stream, f);
}

function readableByteStreamControllerRespondInternal(c, bytesWritten) {
  const first = c.pendingPullIntos[0];
  readableByteStreamControllerInvalidateBYOBRequest(c);
  if (c.stream.state === "closed") readableByteStreamControllerRespondInClosedState(c, first);
  else readableByteStreamControllerRespondInReadableState(c, bytesWritten, first);
  readableByteStreamControllerCallPullIfNeeded(c);
}

function readableByteStreamControllerRespondWithNewView(c, view) {
  const first = c.pendingPullIntos[0];
  const state = c.stream.state;
  if (state === "closed") {
    if (view.byteLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream");
  } else if (view.byteLength === 0) {
    throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream");
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw new RangeError("The region specified by view does not match byobRequest");
  if (first.bufferByteLength !== byteLengthOf.call(view.buffer)) throw new RangeError("The buffer of view has different capacity than byobRequest");
  if (first.bytesFilled + view.byteLength > first.byteLength) throw new RangeError("The region specified by view is larger than byobRequest");
  const viewByteLength = view.byteLength;
  first.buffer = transferArrayBuffer(view.buffer);
  readableByteStreamControllerRespondInternal(c, viewByteLength);
}

function readableByteStreamControllerShiftPendingPullInto(c) {
  return c.pendingPullIntos.shift();
}

function readableByteStreamControllerShouldCallPull(c) {
  const stream = c.stream;
  if (stream.state !== "readable") return false;
  if (c.closeRequested) return false;
  if (!c.started) return false;
  if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  if (readableStreamHasBYOBReader(stream) && readableStreamGetNumReadIntoRequests(stream) > 0) return true;
  return readableByteStreamControllerGetDesiredSize(c) > 0;
}

function setUpReadableByteStreamController(stream, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
  c.stream = stream;
  c.strategyHWM = highWaterMark;
  c.pullAlgorithm = pullAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
  c.autoAllocateChunkSize = autoAllocateChunkSize;
  startController(c, startAlgorithm, readableByteStreamControllerCallPullIfNeeded, readableByteStreamControllerError);
}

class ReadableStreamBYOBRequest {
  #r;
  constructor(token = undefined, controller = undefined, view = undefined) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.#r = { controller, view };
  }
  static {
    byobRequestRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeByobRequest = (controller, view) => new ReadableStreamBYOBRequest(CONSTRUCT, controller, view);
  }
  get view() { return this.#r.view; }
  respond(bytesWritten) {
    const r = this.#r;
    const n = enforceRange(bytesWritten, "bytesWritten");
    if (r.controller === undefined) throw new TypeError("This BYOB request has been invalidated");
    if (isDetached(r.view.buffer)) throw new TypeError("The BYOB request's buffer has been detached");
    readableByteStreamControllerRespond(r.controller, n);
  }
  respondWithNewView(view) {
    const r = this.#r;
    if (viewKind(view) === undefined) throw new TypeError("respondWithNewView() needs an ArrayBufferView");
    if (r.controller === undefined) throw new TypeError("This BYOB request has been invalidated");
    if (isDetached(view.buffer)) throw new TypeError("The view's buffer has been detached");
    readableByteStreamControllerRespondWithNewView(r.controller, view);
  }
  get [Symbol.toStringTag]() { return "ReadableStreamBYOBRequest"; }
}

// ---- Tee (§4.9.1) ----

function readableStreamTee(stream, cloneForBranch2) {
  if (stream.controller.kind === BYTES) return readableByteStreamTee(stream);
  return readableStreamDefaultTee(stream, cloneForBranch2);
}

// The branches' cancel algorithms of a tee (§4.9.1, the same for both kinds): the source
// is canceled, with both reasons, once both branches are.
function teeCancellation(stream) {
  const t = { canceled1: false, canceled2: false, reason1: undefined, reason2: undefined, cancelPromise: newPromise() };
  const cancelSource = () => t.cancelPromise.resolve(readableStreamCancel(stream, [t.reason1, t.reason2]));
  t.cancel1 = (reason) => {
    t.canceled1 = true;
    t.reason1 = reason;
    if (t.canceled2) cancelSource();
    return t.cancelPromise.promise;
  };
  t.cancel2 = (reason) => {
    t.canceled2 = true;
    t.reason2 = reason;
    if (t.canceled1) cancelSource();
    return t.cancelPromise.promise;
  };
  return t;
}

function readableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let branch1, branch2;
  const t = teeCancellation(stream);
  const readRequest = {
    chunk(chunk) {
      queueMicrotaskIntrinsic(() => {
        readAgain = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!t.canceled2 && cloneForBranch2) {
          try {
            chunk2 = need("clone").structuredClone(chunk);
          } catch (e) {
            readableStreamDefaultControllerError(branch1.controller, e);
            readableStreamDefaultControllerError(branch2.controller, e);
            t.cancelPromise.resolve(readableStreamCancel(stream, e));
            return;
          }
        }
        if (!t.canceled1) readableStreamDefaultControllerEnqueue(branch1.controller, chunk1);
        if (!t.canceled2) readableStreamDefaultControllerEnqueue(branch2.controller, chunk2);
        reading = false;
        if (readAgain) pullAlgorithm();
      });
    },
    close() {
      reading = false;
      if (!t.canceled1) readableStreamDefaultControllerClose(branch1.controller);
      if (!t.canceled2) readableStreamDefaultControllerClose(branch2.controller);
      if (!t.canceled1 || !t.canceled2) t.cancelPromise.resolve(undefined);
    },
    error() { reading = false; },
  };
  const pullAlgorithm = () => {
    if (reading) {
      readAgain = true;
      return resolvedWith(undefined);
    }
    reading = true;
    readableStreamDefaultReaderRead(reader, readRequest);
    return resolvedWith(undefined);
  };
  branch1 = createReadableStream(noop, pullAlgorithm, t.cancel1);
  branch2 = createReadableStream(noop, pullAlgorithm, t.cancel2);
  uponRejection(reader.closed.promise, (r) => {
    readableStreamDefaultControllerError(branch1.controller, r);
    readableStreamDefaultControllerError(branch2.controller, r);
    if (!t.canceled1 || !t.canceled2) t.cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

function readableByteStreamTee(stream) {
  let reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let branch1, branch2;
  const t = teeCancellation(stream);

  const forwardReaderError = (thisReader) => {
    uponRejection(thisReader.closed.promise, (r) => {
      if (thisReader !== reader) return;
      readableByteStreamControllerError(branch1.controller, r);
      readableByteStreamControllerError(branch2.controller, r);
      if (!t.canceled1 || !t.canceled2) t.cancelPromise.resolve(undefined);
    });
  };

  const pullWithDefaultReader = () => {
    if (reader.kind === BYTES) {
      readableStreamBYOBReaderRelease(reader);
      reader = acquireReadableStreamDefaultReader(stream);
      forwardReaderError(reader);
    }
    readableStreamDefaultReaderRead(reader, {
      chunk(chunk) {
        queueMicrotaskIntrinsic(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!t.canceled1 && !t.canceled2) {
            try {
              chunk2 = cloneAsUint8Array(chunk);
            } catch (e) {
              readableByteStreamControllerError(branch1.controller, e);
              readableByteStreamControllerError(branch2.controller, e);
              t.cancelPromise.resolve(readableStreamCancel(stream, e));
              return;
            }
          }
          if (!t.canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk1);
          if (!t.canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2);
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        });
      },
      close() {
        reading = false;
        if (!t.canceled1) readableByteStreamControllerClose(branch1.controller);
        if (!t.canceled2) readableByteStreamControllerClose(branch2.controller);
        if (branch1.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch1.controller, 0);
        if (branch2.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch2.controller, 0);
        if (!t.canceled1 || !t.canceled2) t.cancelPromise.resolve(undefined);
      },
      error() { reading = false; },
    });
  };

  const pullWithBYOBReader = (view, forBranch2) => {
    if (reader.kind === DEFAULT) {
      readableStreamDefaultReaderRelease(reader);
      reader = acquireReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    readableStreamBYOBReaderRead(reader, view, 1, {
      chunk(chunk) {
        queueMicrotaskIntrinsic(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? t.canceled2 : t.canceled1;
          const otherCanceled = forBranch2 ? t.canceled1 : t.canceled2;
          if (!otherCanceled) {
            let clonedChunk;
            try {
              clonedChunk = cloneAsUint8Array(chunk);
            } catch (e) {
              readableByteStreamControllerError(byobBranch.controller, e);
              readableByteStreamControllerError(otherBranch.controller, e);
              t.cancelPromise.resolve(readableStreamCancel(stream, e));
              return;
            }
            if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
            readableByteStreamControllerEnqueue(otherBranch.controller, clonedChunk);
          } else if (!byobCanceled) {
            readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          }
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        });
      },
      close(chunk) {
        reading = false;
        const byobCanceled = forBranch2 ? t.canceled2 : t.canceled1;
        const otherCanceled = forBranch2 ? t.canceled1 : t.canceled2;
        if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
        if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
        if (chunk !== undefined) {
          if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(otherBranch.controller, 0);
        }
        if (!byobCanceled || !otherCanceled) t.cancelPromise.resolve(undefined);
      },
      error() { reading = false; },
    });
  };

  const pull1Algorithm = () => {
    if (reading) {
      readAgainForBranch1 = true;
      return resolvedWith(undefined);
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequestRecord(byobRequest).view, false);
    return resolvedWith(undefined);
  };
  const pull2Algorithm = () => {
    if (reading) {
      readAgainForBranch2 = true;
      return resolvedWith(undefined);
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequestRecord(byobRequest).view, true);
    return resolvedWith(undefined);
  };
  branch1 = createReadableByteStream(noop, pull1Algorithm, t.cancel1);
  branch2 = createReadableByteStream(noop, pull2Algorithm, t.cancel2);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// ---- Host bodies ----

// A byte stream over a host body (an incoming request's, a fetched response's). While
// nothing has read it, the host can take the body back whole (`takeNativeBody`).
function nativeBodyStream(id) {
  let done = false;
  const stream = createReadableByteStream(noop, () => transformPromiseWith(ops.bodyRead(id), (chunk) => {
    const c = stream.controller;
    if (chunk === undefined) {
      done = true;
      readableByteStreamControllerClose(c);
      // A BYOB read waiting when the body ends gets its empty view.
      if (c.pendingPullIntos.length > 0) readableByteStreamControllerRespond(c, 0);
    } else if (chunk.byteLength > 0) {
      readableByteStreamControllerEnqueue(c, chunk);
    }
  }), () => {
    if (!done) ops.bodyCancel(id);
    return resolvedWith(undefined);
  });
  stream.native = id;
  return stream.api;
}

// The host body behind `stream`, if it can still be passed on without JS reading it;
// the stream is then locked and disturbed for good.
function takeNativeBody(stream) {
  const r = streamRecord(stream);
  if (r === undefined || r.native === undefined || r.reader !== undefined || r.disturbed || r.state !== "readable") return undefined;
  const id = r.native;
  r.native = undefined;
  r.disturbed = true;
  acquireReadableStreamDefaultReader(r);
  return id;
}

// A byte stream of one chunk (a body held as bytes or text, asked for as a stream).
function bytesStream(bytes) {
  return createReadableByteStream((c) => {
    if (bytes.byteLength > 0) readableByteStreamControllerEnqueue(byteControllerRecord(c), bytes);
    readableByteStreamControllerClose(byteControllerRecord(c));
  }, resolvedUndefined, resolvedUndefined).api;
}

// Body helpers for the core (body.js).
function isStreamDisturbed(stream) { return streamRecord(stream)?.disturbed ?? false; }
function isStreamLocked(stream) { const r = streamRecord(stream); return r !== undefined && r.reader !== undefined; }
// What is left of a body consumed without ever being a stream: closed, disturbed and
// locked (it was read through a reader, as far as anyone can tell).
function disturbedEmptyStream() {
  const s = createReadableByteStream(noop, resolvedUndefined, resolvedUndefined);
  readableByteStreamControllerClose(s.controller);
  s.disturbed = true;
  acquireReadableStreamDefaultReader(s);
  return s.api;
}
function isReadableStream(v) { return streamRecord(v) !== undefined; }

// Reads a whole stream of Uint8Array chunks into one Uint8Array (body.text() and kin;
// Streams "read all bytes"): the reader is never released, so the stream stays locked.
function readAllBytes(stream) {
  const reader = acquireReadableStreamDefaultReader(streamRecord(stream));
  const chunks = [];
  let total = 0;
  const done = newPromise();
  const request = {
    chunk(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        const e = new TypeError("Body stream chunks must be Uint8Array");
        readableStreamCancel(reader.stream, e);
        done.reject(e);
        return;
      }
      chunks.push(chunk);
      total += chunk.byteLength;
      readableStreamDefaultReaderRead(reader, request);
    },
    close() {
      if (chunks.length === 1) return done.resolve(chunks[0]);
      const out = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) { out.set(c, offset); offset += c.byteLength; }
      done.resolve(out);
    },
    error(e) { done.reject(e); },
  };
  readableStreamDefaultReaderRead(reader, request);
  return done.promise;
}

// Feeds every chunk of `stream` to `write(chunk)`, which returns a promise of whether to
// go on (false: the consumer went away; the stream is canceled). Resolves when the stream
// ends; rejects with its error.
function pumpStream(stream, write) {
  const reader = acquireReadableStreamDefaultReader(streamRecord(stream));
  const done = newPromise();
  const request = {
    chunk(chunk) {
      let more;
      try {
        more = write(chunk);
      } catch (e) {
        readableStreamCancel(reader.stream, e);
        done.reject(e);
        return;
      }
      uponPromise(more, (goOn) => {
        if (goOn) {
          readableStreamDefaultReaderRead(reader, request);
        } else {
          readableStreamCancel(reader.stream, undefined);
          done.resolve(undefined);
        }
      }, (e) => {
        readableStreamCancel(reader.stream, e);
        done.reject(e);
      });
    },
    close() { done.resolve(undefined); },
    error(e) { done.reject(e); },
  };
  readableStreamDefaultReaderRead(reader, request);
  return done.promise;
}

// Fetch "clone a body": the second branch gets structured clones of the chunks.
function teeStream(stream) {
  return readableStreamTee(streamRecord(stream), true).map((b) => b.api);
}
