// Transform streams (WHATWG Streams §6), pipes (§4.9.1 ReadableStreamPipeTo) and the
// queuing strategies (§7).

let makeTransformController;

class TransformStream {
  #r;
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    const r = (this.#r = {
      backpressure: undefined, backpressureChangePromise: undefined, controller: undefined,
      readable: undefined, writable: undefined, api: this, waitingChunk: undefined, onBackpressureRelieved: undefined,
    });
    if (transformer !== undefined && !isObject(transformer)) throw new TypeError("Failed to construct 'TransformStream': The transformer must be an object");
    const writableStrategyDict = convertStrategy(writableStrategy);
    const readableStrategyDict = convertStrategy(readableStrategy);
    const t = transformer ?? {};
    // Transformer members, in WebIDL order.
    const cancel = callbackMember(t, "cancel", "The transformer");
    const flush = callbackMember(t, "flush", "The transformer");
    const readableType = t.readableType;
    const start = callbackMember(t, "start", "The transformer");
    const transform = callbackMember(t, "transform", "The transformer");
    const writableType = t.writableType;
    if (readableType !== undefined) throw new RangeError("Invalid readableType specified");
    if (writableType !== undefined) throw new RangeError("Invalid writableType specified");
    const readableHighWaterMark = extractHighWaterMark(readableStrategyDict, 0);
    const readableSizeAlgorithm = extractSizeAlgorithm(readableStrategyDict);
    const writableHighWaterMark = extractHighWaterMark(writableStrategyDict, 1);
    const writableSizeAlgorithm = extractSizeAlgorithm(writableStrategyDict);
    const startPromise = newPromise();
    initializeTransformStream(r, startPromise.promise, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm);
    const c = makeTransformController();
    const transformAlgorithm = transform
      ? (chunk) => promiseCall(transform, t, [chunk, c.api])
      : (chunk) => {
        try {
          transformStreamDefaultControllerEnqueue(c, chunk);
          return RESOLVED;
        } catch (e) {
          return rejectedWith(e);
        }
      };
    setUpTransformStreamDefaultController(r, c, transformAlgorithm,
      flush ? () => promiseCall(flush, t, [c.api]) : resolvedUndefined,
      cancel ? (reason) => promiseCall(cancel, t, [reason]) : resolvedUndefined);
    if (start) startPromise.resolve(apply(start, t, [c.api]));
    else startPromise.resolve(undefined);
  }
  get readable() { return this.#r.readable.api; }
  get writable() { return this.#r.writable.api; }
  get [Symbol.toStringTag]() { return "TransformStream"; }
}

// ---- Abstract operations (§6.4.1) ----

function initializeTransformStream(stream, startPromise, writableHighWaterMark, writableSizeAlgorithm, readableHighWaterMark, readableSizeAlgorithm) {
  const startAlgorithm = () => startPromise;
  stream.writable = createWritableStream(startAlgorithm,
    (chunk) => transformStreamDefaultSinkWriteAlgorithm(stream, chunk),
    () => transformStreamDefaultSinkCloseAlgorithm(stream),
    (reason) => transformStreamDefaultSinkAbortAlgorithm(stream, reason),
    writableHighWaterMark, writableSizeAlgorithm);
  stream.readable = createReadableStream(startAlgorithm,
    () => transformStreamDefaultSourcePullAlgorithm(stream),
    (reason) => transformStreamDefaultSourceCancelAlgorithm(stream, reason),
    readableHighWaterMark, readableSizeAlgorithm);
  stream.backpressure = undefined;
  stream.backpressureChangePromise = undefined;
  transformStreamSetBackpressure(stream, true);
  stream.controller = undefined;
}

function transformStreamError(stream, e) {
  readableStreamDefaultControllerError(stream.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(stream, e);
}

function transformStreamErrorWritableAndUnblockWrite(stream, e) {
  transformStreamDefaultControllerClearAlgorithms(stream.controller);
  writableStreamDefaultControllerErrorIfNeeded(stream.writable.controller, e);
  transformStreamUnblockWrite(stream);
}

function transformStreamSetBackpressure(stream, backpressure) {
  if (stream.backpressureChangePromise !== undefined) stream.backpressureChangePromise.resolve(undefined);
  stream.backpressureChangePromise = newPromise();
  stream.backpressure = backpressure;
}

function transformStreamUnblockWrite(stream) {
  if (stream.backpressure) transformStreamSetBackpressure(stream, false);
}

// ---- Controllers (§6.3, §6.4.2) ----

class TransformStreamDefaultController {
  #r;
  constructor(token = undefined) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.#r = {
      stream: undefined, transformAlgorithm: undefined, flushAlgorithm: undefined, cancelAlgorithm: undefined,
      finishPromise: undefined, api: this, onTransformFailed: undefined,
    };
  }
  static { makeTransformController = () => new TransformStreamDefaultController(CONSTRUCT).#r; }
  get desiredSize() {
    const readableController = this.#r.stream.readable.controller;
    return readableStreamDefaultControllerGetDesiredSize(readableController);
  }
  enqueue(chunk = undefined) { transformStreamDefaultControllerEnqueue(this.#r, chunk); }
  error(reason = undefined) { transformStreamError(this.#r.stream, reason); }
  terminate() { transformStreamDefaultControllerTerminate(this.#r); }
  get [Symbol.toStringTag]() { return "TransformStreamDefaultController"; }
}

function setUpTransformStreamDefaultController(stream, c, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  c.transformAlgorithm = transformAlgorithm;
  c.flushAlgorithm = flushAlgorithm;
  c.cancelAlgorithm = cancelAlgorithm;
}

function transformStreamDefaultControllerClearAlgorithms(c) {
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}

function transformStreamDefaultControllerEnqueue(c, chunk) {
  const stream = c.stream;
  const readableController = stream.readable.controller;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(readableController)) throw new TypeError("The readable side is not in a state that permits enqueue");
  try {
    readableStreamDefaultControllerEnqueue(readableController, chunk);
  } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(stream, e);
    throw stream.readable.storedError;
  }
  const backpressure = readableStreamDefaultControllerHasBackpressure(readableController);
  if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
}

function transformStreamDefaultControllerPerformTransform(c, chunk) {
  const transformPromise = c.transformAlgorithm(chunk);
  c.onTransformFailed ??= (r) => {
    transformStreamError(c.stream, r);
    throw r;
  };
  return transformPromiseWith(transformPromise, undefined, c.onTransformFailed);
}

function transformStreamDefaultControllerTerminate(c) {
  const stream = c.stream;
  readableStreamDefaultControllerClose(stream.readable.controller);
  transformStreamErrorWritableAndUnblockWrite(stream, new TypeError("The transform stream has been terminated"));
}

// ---- Default sink and source (§6.4.3, §6.4.4) ----

function transformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
  const c = stream.controller;
  if (stream.backpressure) {
    // Writes reach the sink one at a time, so one slot holds the waiting chunk.
    stream.waitingChunk = chunk;
    stream.onBackpressureRelieved ??= () => {
      const writable = stream.writable;
      const waiting = stream.waitingChunk;
      stream.waitingChunk = undefined;
      if (writable.state === "erroring") throw writable.storedError;
      return transformStreamDefaultControllerPerformTransform(stream.controller, waiting);
    };
    return transformPromiseWith(stream.backpressureChangePromise.promise, stream.onBackpressureRelieved);
  }
  return transformStreamDefaultControllerPerformTransform(c, chunk);
}

function transformStreamDefaultSinkAbortAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  c.finishPromise = newPromise();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(c);
  uponPromise(cancelPromise, () => {
    if (readable.state === "errored") {
      c.finishPromise.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerError(readable.controller, reason);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
}

function transformStreamDefaultSinkCloseAlgorithm(stream) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = stream.readable;
  c.finishPromise = newPromise();
  const flushPromise = c.flushAlgorithm();
  transformStreamDefaultControllerClearAlgorithms(c);
  uponPromise(flushPromise, () => {
    if (readable.state === "errored") {
      c.finishPromise.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerClose(readable.controller);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
}

function transformStreamDefaultSourceCancelAlgorithm(stream, reason) {
  const c = stream.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const writable = stream.writable;
  c.finishPromise = newPromise();
  const cancelPromise = c.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(c);
  uponPromise(cancelPromise, () => {
    if (writable.state === "errored") {
      c.finishPromise.reject(writable.storedError);
    } else {
      writableStreamDefaultControllerErrorIfNeeded(writable.controller, reason);
      transformStreamUnblockWrite(stream);
      c.finishPromise.resolve(undefined);
    }
  }, (r) => {
    writableStreamDefaultControllerErrorIfNeeded(writable.controller, r);
    transformStreamUnblockWrite(stream);
    c.finishPromise.reject(r);
  });
  return c.finishPromise.promise;
}

function transformStreamDefaultSourcePullAlgorithm(stream) {
  transformStreamSetBackpressure(stream, false);
  return stream.backpressureChangePromise.promise;
}

// ---- Pipes (§4.9.1 ReadableStreamPipeTo) ----

// Reads a chunk only while the destination wants more, writes each without waiting for
// the previous write, and on shutdown writes what was read before finishing.
function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
  const reader = acquireReadableStreamDefaultReader(source);
  const writer = acquireWritableStreamDefaultWriter(dest);
  source.disturbed = true;
  let shuttingDown = false;
  let currentWrite = resolvedWith(undefined);
  const promise = newPromise();
  let abortAlgorithm;

  const finalize = (isError, error) => {
    writableStreamDefaultWriterRelease(writer);
    readableStreamDefaultReaderRelease(reader);
    if (signal !== undefined) signal[internal.SIGNAL_REMOVE_ALGORITHM](abortAlgorithm);
    if (isError) promise.reject(error);
    else promise.resolve(undefined);
  };
  const waitForWritesToFinish = () => {
    const oldCurrentWrite = currentWrite;
    return transformPromiseWith(currentWrite, () => (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
  };
  const destWritable = () => dest.state === "writable" && !writableStreamCloseQueuedOrInFlight(dest);
  const shutdownWithAction = (action, originalIsError, originalError) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      uponPromise(action(), () => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
    };
    if (destWritable()) uponFulfillment(waitForWritesToFinish(), doTheRest);
    else doTheRest();
  };
  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (destWritable()) uponFulfillment(waitForWritesToFinish(), () => finalize(isError, error));
    else finalize(isError, error);
  };

  if (signal !== undefined) {
    abortAlgorithm = () => {
      const error = signal.reason;
      const actions = [];
      if (!preventAbort) actions.push(() => (dest.state === "writable" ? writableStreamAbort(dest, error) : resolvedWith(undefined)));
      if (!preventCancel) actions.push(() => (source.state === "readable" ? readableStreamCancel(source, error) : resolvedWith(undefined)));
      shutdownWithAction(() => PromiseCtor.all(actions.map((action) => action())), true, error);
    };
    if (signal.aborted) {
      abortAlgorithm();
      return promise.promise;
    }
    signal[internal.SIGNAL_ADD_ALGORITHM](abortAlgorithm);
  }

  // The copy loop. It reads only while the destination wants more (desiredSize > 0),
  // and writes each chunk as soon as it is read, without waiting for earlier writes; a
  // chunk already queued in the source is written without a round trip through a promise.
  let reading = false;
  let looping = false;
  let sourceDone = false;
  const readRequest = {
    chunk(chunk) {
      reading = false;
      currentWrite = transformPromiseWith(writableStreamDefaultWriterWrite(writer, chunk), undefined, noop);
      if (!looping) pump();
    },
    // Closing and errors are acted on through the reader's closed promise; the loop
    // just stops reading.
    close() { reading = false; sourceDone = true; },
    error() { reading = false; sourceDone = true; },
  };
  const pump = () => {
    looping = true;
    while (!shuttingDown && !reading && !sourceDone) {
      const desiredSize = writableStreamDefaultWriterGetDesiredSize(writer);
      if (desiredSize === null || desiredSize <= 0) {
        uponFulfillment(writer.ready.promise, pump);
        break;
      }
      reading = true;
      readableStreamDefaultReaderRead(reader, readRequest);
    }
    looping = false;
  };

  // Errors must be propagated forward.
  const sourceErrored = (storedError) => {
    if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  if (source.state === "errored") sourceErrored(source.storedError);
  else uponRejection(reader.closed.promise, sourceErrored);
  // Errors must be propagated backward.
  const destErrored = (storedError) => {
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  if (dest.state === "errored") destErrored(dest.storedError);
  else uponRejection(writer.closed.promise, destErrored);
  // Closing must be propagated forward.
  const sourceClosed = () => {
    if (!preventClose) shutdownWithAction(() => writableStreamDefaultWriterCloseWithErrorPropagation(writer));
    else shutdown();
  };
  if (source.state === "closed") sourceClosed();
  else uponFulfillment(reader.closed.promise, sourceClosed);
  // Closing must be propagated backward.
  if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === "closed") {
    const destClosed = new TypeError("The destination stream closed before all data could be piped to it");
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }
  // Starts once the destination is ready, as a pipe's first read waits for `ready`.
  uponFulfillment(writer.ready.promise, pump);
  return promise.promise;
}

// ---- Queuing strategies (§7) ----

// Arrow functions: the size functions are not constructors and have no prototype.
const byteLengthSize = (chunk) => chunk.byteLength;
const countSize = () => 1;
Object.defineProperty(byteLengthSize, "name", { value: "size" });
Object.defineProperty(countSize, "name", { value: "size" });

function strategyInit(init, what) {
  if (init === undefined || init === null || !isObject(init)) {
    throw new TypeError(`Failed to construct '${what}': 1 argument required, and it must be an object with a highWaterMark.`);
  }
  const hwm = init.highWaterMark;
  if (hwm === undefined) throw new TypeError(`Failed to construct '${what}': highWaterMark is required.`);
  return Number(hwm);
}

class ByteLengthQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = strategyInit(init, "ByteLengthQueuingStrategy"); }
  get highWaterMark() { return this.#hwm; }
  get size() { return byteLengthSize; }
  get [Symbol.toStringTag]() { return "ByteLengthQueuingStrategy"; }
}

class CountQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = strategyInit(init, "CountQueuingStrategy"); }
  get highWaterMark() { return this.#hwm; }
  get size() { return countSize; }
  get [Symbol.toStringTag]() { return "CountQueuingStrategy"; }
}

const STREAM_CLASSES = {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableStreamDefaultController, ReadableByteStreamController, WritableStream, WritableStreamDefaultWriter,
  WritableStreamDefaultController, TransformStream, TransformStreamDefaultController,
  ByteLengthQueuingStrategy, CountQueuingStrategy,
};
for (const [name, value] of Object.entries(STREAM_CLASSES)) defineGlobal(name, value);
webidlInterface(...Object.values(STREAM_CLASSES));
