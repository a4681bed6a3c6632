// Writable streams (WHATWG Streams §5): WritableStream, its default writer and controller.

let writableStreamRecord, writerRecord, makeWritableStream, makeWriter, makeWritableController;

const CLOSE_SENTINEL = Symbol("close");

class WritableStream {
  #r;
  constructor(underlyingSink = undefined, strategy = undefined) {
    const r = (this.#r = {
      state: "writable", storedError: undefined, writer: undefined, controller: undefined,
      inFlightWriteRequest: undefined, closeRequest: undefined, inFlightCloseRequest: undefined,
      pendingAbortRequest: undefined, writeRequests: new Queue(), backpressure: false, api: this,
    });
    if (underlyingSink === CONSTRUCT) return;
    if (underlyingSink !== undefined && !isObject(underlyingSink)) throw new TypeError("Failed to construct 'WritableStream': The underlying sink must be an object");
    const strategyDict = convertStrategy(strategy);
    const sink = underlyingSink ?? {};
    // UnderlyingSink members, in WebIDL order.
    const abort = callbackMember(sink, "abort", "The underlying sink");
    const close = callbackMember(sink, "close", "The underlying sink");
    const start = callbackMember(sink, "start", "The underlying sink");
    const type = sink.type;
    const write = callbackMember(sink, "write", "The underlying sink");
    if (type !== undefined) throw new RangeError("Invalid type is specified");
    const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
    const hwm = extractHighWaterMark(strategyDict, 1);
    setUpWritableStreamDefaultController(r, makeWritableController(),
      start ? (c) => apply(start, sink, [c]) : noop,
      write ? (chunk, c) => promiseCall(write, sink, [chunk, c]) : resolvedUndefined,
      close ? () => promiseCall(close, sink, []) : resolvedUndefined,
      abort ? (reason) => promiseCall(abort, sink, [reason]) : resolvedUndefined,
      hwm, sizeAlgorithm);
  }
  static {
    writableStreamRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeWritableStream = () => new WritableStream(CONSTRUCT).#r;
  }
  get locked() { return isWritableStreamLocked(this.#r); }
  abort(reason = undefined) {
    const r = writableStreamRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    if (isWritableStreamLocked(r)) return rejectedWith(new TypeError("Cannot abort a locked WritableStream"));
    return writableStreamAbort(r, reason);
  }
  close() {
    const r = writableStreamRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    if (isWritableStreamLocked(r)) return rejectedWith(new TypeError("Cannot close a locked WritableStream"));
    if (writableStreamCloseQueuedOrInFlight(r)) return rejectedWith(new TypeError("The stream is already closing"));
    return writableStreamClose(r);
  }
  getWriter() { return acquireWritableStreamDefaultWriter(this.#r).api; }
  get [Symbol.toStringTag]() { return "WritableStream"; }
}

// ---- Abstract operations (§5.5.1) ----

function acquireWritableStreamDefaultWriter(stream) {
  const writer = makeWriter();
  setUpWritableStreamDefaultWriter(writer, stream);
  return writer;
}

function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  const stream = makeWritableStream();
  setUpWritableStreamDefaultController(stream, makeWritableController(), startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

function isWritableStreamLocked(stream) { return stream.writer !== undefined; }

function setUpWritableStreamDefaultWriter(writer, stream) {
  if (isWritableStreamLocked(stream)) throw new TypeError("The WritableStream is locked");
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  writer.ready = newPromise();
  writer.closed = newPromise();
  if (state === "writable") {
    if (!writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure) {
      // ready stays pending
    } else {
      writer.ready.resolve(undefined);
    }
  } else if (state === "erroring") {
    writer.ready.reject(stream.storedError);
    markHandled(writer.ready.promise);
  } else if (state === "closed") {
    writer.ready.resolve(undefined);
    writer.closed.resolve(undefined);
  } else {
    writer.ready.reject(stream.storedError);
    markHandled(writer.ready.promise);
    writer.closed.reject(stream.storedError);
    markHandled(writer.closed.promise);
  }
}

function writableStreamAbort(stream, reason) {
  if (stream.state === "closed" || stream.state === "errored") return resolvedWith(undefined);
  signalWritableAbort(stream.controller, reason);
  const state = stream.state;
  if (state === "closed" || state === "errored") return resolvedWith(undefined);
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = newPromise();
  d.reason = reason;
  d.wasAlreadyErroring = wasAlreadyErroring;
  stream.pendingAbortRequest = d;
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return d.promise;
}

function writableStreamClose(stream) {
  const state = stream.state;
  if (state === "closed" || state === "errored") return rejectedWith(new TypeError("The stream is closed or errored"));
  const d = newPromise();
  stream.closeRequest = d;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === "writable") writer.ready.resolve(undefined);
  writableStreamDefaultControllerClose(stream.controller);
  return d.promise;
}

function writableStreamAddWriteRequest(stream) {
  const d = newPromise();
  stream.writeRequests.push(d);
  return d.promise;
}

function writableStreamCloseQueuedOrInFlight(stream) {
  return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamDealWithRejection(stream, error) {
  if (stream.state === "writable") {
    writableStreamStartErroring(stream, error);
    return;
  }
  writableStreamFinishErroring(stream);
}

function writableStreamFinishErroring(stream) {
  stream.state = "errored";
  stream.controller.errorSteps();
  const storedError = stream.storedError;
  const requests = stream.writeRequests;
  stream.writeRequests = new Queue();
  for (const request of requests) request.reject(storedError);
  const abortRequest = stream.pendingAbortRequest;
  if (abortRequest === undefined) {
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const promise = stream.controller.abortSteps(abortRequest.reason);
  uponPromise(promise, () => {
    abortRequest.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  });
}

function writableStreamFinishInFlightClose(stream) {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === "erroring") {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = "closed";
  const writer = stream.writer;
  if (writer !== undefined) writer.closed.resolve(undefined);
}

function writableStreamFinishInFlightCloseWithError(stream, error) {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  writableStreamDealWithRejection(stream, error);
}

function writableStreamFinishInFlightWrite(stream) {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
}

function writableStreamFinishInFlightWriteWithError(stream, error) {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  writableStreamDealWithRejection(stream, error);
}

function writableStreamHasOperationMarkedInFlight(stream) {
  return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamMarkCloseRequestInFlight(stream) {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
}

function writableStreamMarkFirstWriteRequestInFlight(stream) {
  stream.inFlightWriteRequest = stream.writeRequests.shift();
}

function writableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closed.reject(stream.storedError);
    markHandled(writer.closed.promise);
  }
}

function writableStreamStartErroring(stream, reason) {
  const controller = stream.controller;
  stream.state = "erroring";
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(stream) && controller.started) writableStreamFinishErroring(stream);
}

function writableStreamUpdateBackpressure(stream, backpressure) {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) writer.ready = newPromise();
    else writer.ready.resolve(undefined);
  }
  stream.backpressure = backpressure;
}

// ---- Writers (§5.3, §5.5.3) ----

class WritableStreamDefaultWriter {
  #r;
  constructor(stream) {
    const r = (this.#r = { stream: undefined, ready: undefined, closed: undefined, api: this });
    if (stream === CONSTRUCT) return;
    const s = writableStreamRecord(stream);
    if (s === undefined) throw new TypeError("WritableStreamDefaultWriter needs a WritableStream");
    setUpWritableStreamDefaultWriter(r, s);
  }
  static {
    writerRecord = (o) => (isObject(o) && #r in o ? o.#r : undefined);
    makeWriter = () => new WritableStreamDefaultWriter(CONSTRUCT).#r;
  }
  get closed() {
    const r = writerRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    return r.closed.promise;
  }
  get desiredSize() {
    const r = this.#r;
    if (r.stream === undefined) throw new TypeError("The writer has been released");
    return writableStreamDefaultWriterGetDesiredSize(r);
  }
  get ready() {
    const r = writerRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    return r.ready.promise;
  }
  abort(reason = undefined) {
    const r = writerRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    if (r.stream === undefined) return rejectedWith(new TypeError("The writer has been released"));
    return writableStreamAbort(r.stream, reason);
  }
  close() {
    const r = writerRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    const stream = r.stream;
    if (stream === undefined) return rejectedWith(new TypeError("The writer has been released"));
    if (writableStreamCloseQueuedOrInFlight(stream)) return rejectedWith(new TypeError("The stream is already closing"));
    return writableStreamClose(stream);
  }
  releaseLock() {
    const r = this.#r;
    if (r.stream === undefined) return;
    writableStreamDefaultWriterRelease(r);
  }
  write(chunk = undefined) {
    const r = writerRecord(this);
    if (r === undefined) return rejectedWith(new TypeError("Illegal invocation"));
    if (r.stream === undefined) return rejectedWith(new TypeError("The writer has been released"));
    return writableStreamDefaultWriterWrite(r, chunk);
  }
  get [Symbol.toStringTag]() { return "WritableStreamDefaultWriter"; }
}

function writableStreamDefaultWriterCloseWithErrorPropagation(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (writableStreamCloseQueuedOrInFlight(stream) || state === "closed") return resolvedWith(undefined);
  if (state === "errored") return rejectedWith(stream.storedError);
  return writableStreamClose(stream);
}

function writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
  if (writer.closed.settled) writer.closed = newPromise();
  writer.closed.reject(error);
  markHandled(writer.closed.promise);
}

function writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
  if (writer.ready.settled) writer.ready = newPromise();
  writer.ready.reject(error);
  markHandled(writer.ready.promise);
}

function writableStreamDefaultWriterGetDesiredSize(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (state === "errored" || state === "erroring") return null;
  if (state === "closed") return 0;
  return writableStreamDefaultControllerGetDesiredSize(stream.controller);
}

function writableStreamDefaultWriterRelease(writer) {
  const stream = writer.stream;
  const releasedError = new TypeError("The writer was released");
  writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
  writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
}

function writableStreamDefaultWriterWrite(writer, chunk) {
  const stream = writer.stream;
  const controller = stream.controller;
  const chunkSize = writableStreamDefaultControllerGetChunkSize(controller, chunk);
  if (stream !== writer.stream) return rejectedWith(new TypeError("The writer was released"));
  const state = stream.state;
  if (state === "errored") return rejectedWith(stream.storedError);
  if (writableStreamCloseQueuedOrInFlight(stream) || state === "closed") return rejectedWith(new TypeError("The stream is closing or closed"));
  if (state === "erroring") return rejectedWith(stream.storedError);
  const promise = writableStreamAddWriteRequest(stream);
  writableStreamDefaultControllerWrite(controller, chunk, chunkSize);
  return promise;
}

// ---- Controllers (§5.4, §5.5.4) ----

class WritableStreamDefaultController {
  #r;
  constructor(token = undefined) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.#r = {
      stream: undefined, queue: new Queue(), sizes: new Queue(), queueTotalSize: 0, abortController: undefined,
      abortReason: undefined, aborted: false, started: false, strategySizeAlgorithm: undefined, strategyHWM: 0,
      writeAlgorithm: undefined, closeAlgorithm: undefined, abortAlgorithm: undefined, api: this,
      abortSteps: writableControllerAbortSteps, errorSteps: writableControllerErrorSteps,
      onWritten: undefined, onWriteFailed: undefined,
    };
  }
  static { makeWritableController = () => new WritableStreamDefaultController(CONSTRUCT).#r; }
  // The AbortSignal is made on first use: most sinks never look at it.
  get signal() {
    const c = this.#r;
    if (c.abortController === undefined) {
      const { AbortController } = need("events");
      c.abortController = new AbortController();
      if (c.aborted) c.abortController.abort(c.abortReason);
    }
    return c.abortController.signal;
  }
  error(e = undefined) {
    const c = this.#r;
    if (c.stream.state !== "writable") return;
    writableStreamDefaultControllerError(c, e);
  }
  get [Symbol.toStringTag]() { return "WritableStreamDefaultController"; }
}

function signalWritableAbort(c, reason) {
  if (c.aborted) return;
  c.aborted = true;
  c.abortReason = reason;
  if (c.abortController !== undefined) c.abortController.abort(reason);
}

function writableControllerAbortSteps(reason) {
  const result = this.abortAlgorithm(reason);
  writableStreamDefaultControllerClearAlgorithms(this);
  return result;
}

function writableControllerErrorSteps() {
  resetQueue(this);
}

function setUpWritableStreamDefaultController(stream, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  c.stream = stream;
  stream.controller = c;
  c.strategySizeAlgorithm = sizeAlgorithm;
  c.strategyHWM = highWaterMark;
  c.writeAlgorithm = writeAlgorithm;
  c.closeAlgorithm = closeAlgorithm;
  c.abortAlgorithm = abortAlgorithm;
  writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
  const startResult = startAlgorithm(c.api);
  uponPromise(resolvedWith(startResult), () => {
    c.started = true;
    writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
  }, (r) => {
    c.started = true;
    writableStreamDealWithRejection(stream, r);
  });
}

function writableStreamDefaultControllerAdvanceQueueIfNeeded(c) {
  const stream = c.stream;
  if (!c.started) return;
  if (stream.inFlightWriteRequest !== undefined) return;
  const state = stream.state;
  if (state === "erroring") {
    writableStreamFinishErroring(stream);
    return;
  }
  if (c.queue.length === 0) return;
  const value = c.queue.peek();
  if (value === CLOSE_SENTINEL) writableStreamDefaultControllerProcessClose(c);
  else writableStreamDefaultControllerProcessWrite(c, value);
}

function writableStreamDefaultControllerClearAlgorithms(c) {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function writableStreamDefaultControllerClose(c) {
  enqueueValueWithSize(c, CLOSE_SENTINEL, 0);
  writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
}

function writableStreamDefaultControllerError(c, error) {
  writableStreamDefaultControllerClearAlgorithms(c);
  writableStreamStartErroring(c.stream, error);
}

function writableStreamDefaultControllerErrorIfNeeded(c, error) {
  if (c.stream.state === "writable") writableStreamDefaultControllerError(c, error);
}

function writableStreamDefaultControllerGetBackpressure(c) {
  return writableStreamDefaultControllerGetDesiredSize(c) <= 0;
}

function writableStreamDefaultControllerGetChunkSize(c, chunk) {
  if (c.strategySizeAlgorithm === undefined) return 1;
  if (c.strategySizeAlgorithm === sizeOne) return 1;
  try {
    return c.strategySizeAlgorithm(chunk);
  } catch (e) {
    writableStreamDefaultControllerErrorIfNeeded(c, e);
    return 1;
  }
}

function writableStreamDefaultControllerGetDesiredSize(c) {
  return c.strategyHWM - c.queueTotalSize;
}

function writableStreamDefaultControllerProcessClose(c) {
  const stream = c.stream;
  writableStreamMarkCloseRequestInFlight(stream);
  dequeueValue(c);
  const sinkClosePromise = c.closeAlgorithm();
  writableStreamDefaultControllerClearAlgorithms(c);
  uponPromise(sinkClosePromise, () => writableStreamFinishInFlightClose(stream), (reason) => writableStreamFinishInFlightCloseWithError(stream, reason));
}

function writableStreamDefaultControllerProcessWrite(c, chunk) {
  const stream = c.stream;
  writableStreamMarkFirstWriteRequestInFlight(stream);
  const sinkWritePromise = c.writeAlgorithm(chunk, c.api);
  // Made once per controller: this runs once per chunk.
  c.onWritten ??= () => {
    writableStreamFinishInFlightWrite(stream);
    const state = stream.state;
    dequeueValue(c);
    if (!writableStreamCloseQueuedOrInFlight(stream) && state === "writable") {
      writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
    }
    writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
  };
  c.onWriteFailed ??= (reason) => {
    if (stream.state === "writable") writableStreamDefaultControllerClearAlgorithms(c);
    writableStreamFinishInFlightWriteWithError(stream, reason);
  };
  promiseThen.call(sinkWritePromise, c.onWritten, c.onWriteFailed);
}

function writableStreamDefaultControllerWrite(c, chunk, chunkSize) {
  try {
    enqueueValueWithSize(c, chunk, chunkSize);
  } catch (e) {
    writableStreamDefaultControllerErrorIfNeeded(c, e);
    return;
  }
  const stream = c.stream;
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === "writable") {
    writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(c));
  }
  writableStreamDefaultControllerAdvanceQueueIfNeeded(c);
}
