// DOM events (DOM standard §2): Event, EventTarget, CustomEvent; DOMException
// (WebIDL §3.14); AbortController and AbortSignal (DOM §3). The global object is an
// EventTarget, and reportError fires "error" on it.

const DOM_EXCEPTION_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

class DOMException extends Error {
  #name;
  #message;
  constructor(message = "", options = "Error") {
    super();
    this.#message = `${message}`;
    if (options !== null && typeof options === "object") {
      this.#name = "name" in options ? `${options.name}` : "Error";
      if ("cause" in options) Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    } else {
      this.#name = `${options}`;
    }
  }
  get name() { return this.#name; }
  get message() { return this.#message; }
  get code() { return DOM_EXCEPTION_CODES[this.#name] || 0; }
  get [Symbol.toStringTag]() { return "DOMException"; }
}
// The legacy code constants (WebIDL §3.14.1), including the four with no name of their own.
const DOM_EXCEPTION_CONSTANTS = {
  INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7, NOT_FOUND_ERR: 8,
  NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11, SYNTAX_ERR: 12,
  INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15, VALIDATION_ERR: 16,
  TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20, URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
};
for (const [constName, code] of Object.entries(DOM_EXCEPTION_CONSTANTS)) {
  Object.defineProperty(DOMException, constName, { value: code, enumerable: true });
  Object.defineProperty(DOMException.prototype, constName, { value: code, enumerable: true });
}

const eventInternals = new WeakMap();

// WebIDL dictionary conversion: undefined and null are the empty dictionary, any other
// non-object is a TypeError.
function dictionary(value, iface, type) {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" && typeof value !== "function") throw new TypeError(`Failed to construct '${iface}': The provided value is not of type '${type}'.`);
  return value;
}

class Event {
  #type; #bubbles; #cancelable; #composed; #timeStamp;
  constructor(type, init = undefined) {
    if (arguments.length === 0) throw new TypeError(`Failed to construct '${new.target.name}': 1 argument required, but only 0 present.`);
    this.#type = `${type}`;
    init = dictionary(init, new.target.name, "EventInit");
    this.#bubbles = !!init.bubbles;
    this.#cancelable = !!init.cancelable;
    this.#composed = !!init.composed;
    this.#timeStamp = ops.now();
    eventInternals.set(this, { target: null, currentTarget: null, phase: 0, stop: false, stopImmediate: false, canceled: false, dispatching: false, passive: false, trusted: false });
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get composed() { return this.#composed; }
  get timeStamp() { return this.#timeStamp; }
  get target() { return eventInternals.get(this).target; }
  get srcElement() { return eventInternals.get(this).target; }
  // DOM §2.2 (legacy): re-initializes an event that is not being dispatched.
  initEvent(type, bubbles = false, cancelable = false) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initEvent' on 'Event': 1 argument required, but only 0 present.");
    const s = eventInternals.get(this);
    if (s.dispatching) return;
    Object.assign(s, { stop: false, stopImmediate: false, canceled: false, trusted: false, target: null });
    this.#type = `${type}`;
    this.#bubbles = !!bubbles;
    this.#cancelable = !!cancelable;
  }
  get currentTarget() { return eventInternals.get(this).currentTarget; }
  get eventPhase() { return eventInternals.get(this).phase; }
  get defaultPrevented() { return eventInternals.get(this).canceled; }
  get returnValue() { return !eventInternals.get(this).canceled; }
  set returnValue(v) { if (!v) this.preventDefault(); }
  get cancelBubble() { return eventInternals.get(this).stop; }
  set cancelBubble(v) { if (v) eventInternals.get(this).stop = true; }
  get isTrusted() { return eventInternals.get(this).trusted; }
  composedPath() { const s = eventInternals.get(this); return s.dispatching && s.currentTarget ? [s.currentTarget] : []; }
  stopPropagation() { eventInternals.get(this).stop = true; }
  stopImmediatePropagation() { const s = eventInternals.get(this); s.stop = true; s.stopImmediate = true; }
  preventDefault() { const s = eventInternals.get(this); if (this.#cancelable && !s.passive) s.canceled = true; }
  get [Symbol.toStringTag]() { return "Event"; }
}
for (const [k, v] of Object.entries({ NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 })) {
  Object.defineProperty(Event, k, { value: v, enumerable: true });
  Object.defineProperty(Event.prototype, k, { value: v, enumerable: true });
}

class CustomEvent extends Event {
  #detail;
  constructor(type, init = undefined) {
    super(type, init);
    init = dictionary(init, "CustomEvent", "CustomEventInit");
    this.#detail = init.detail !== undefined ? init.detail : null;
  }
  get detail() { return this.#detail; }
  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initCustomEvent' on 'CustomEvent': 1 argument required, but only 0 present.");
    if (eventInternals.get(this).dispatching) return;
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
  get [Symbol.toStringTag]() { return "CustomEvent"; }
}

const listenerMaps = new WeakMap();
function listenersOf(target) {
  let m = listenerMaps.get(target);
  if (!m) { m = new Map(); listenerMaps.set(target, m); }
  return m;
}
function flattenOptions(options) {
  if (typeof options === "boolean") return { capture: options, once: false, passive: false, signal: undefined };
  // (boolean or dictionary): undefined and null are the empty dictionary, other
  // non-objects become the capture boolean.
  if (options === undefined || options === null) return { capture: false, once: false, passive: false, signal: undefined };
  if (typeof options !== "object" && typeof options !== "function") return { capture: !!options, once: false, passive: false, signal: undefined };
  return { capture: !!options.capture, once: !!options.once, passive: !!options.passive, signal: options.signal };
}

class EventTarget {
  constructor() { listenersOf(this); }
  addEventListener(type, callback, options) {
    const self = this ?? globalThis;
    const { capture, once, passive, signal } = flattenOptions(options);
    if (callback === null || callback === undefined) return;
    // EventListener is a callback interface (WebIDL): a function or an object.
    if (typeof callback !== "function" && typeof callback !== "object") throw new TypeError("Failed to execute 'addEventListener': parameter 2 is not of type 'Object'.");
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("Failed to execute 'addEventListener': member signal is not of type AbortSignal.");
    if (signal && signal.aborted) return;
    type = `${type}`;
    const map = listenersOf(self);
    let list = map.get(type);
    if (!list) { list = []; map.set(type, list); }
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const entry = { callback, capture, once, passive, removed: false };
    list.push(entry);
    if (type === "abort" && self instanceof AbortSignal) self[SIGNAL_RETAIN]();
    if (signal) signal[SIGNAL_ADD_ALGORITHM](() => self.removeEventListener(type, callback, { capture }));
  }
  removeEventListener(type, callback, options) {
    const self = this ?? globalThis;
    const { capture } = flattenOptions(options);
    const list = listenersOf(self).get(`${type}`);
    if (!list) return;
    const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (i >= 0) { list[i].removed = true; list.splice(i, 1); }
  }
  dispatchEvent(event) {
    const self = this ?? globalThis;
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent': parameter 1 is not of type 'Event'.");
    const s = eventInternals.get(event);
    if (s.dispatching) throw new DOMException("The event is already being dispatched.", "InvalidStateError");
    s.dispatching = true;
    s.target = self;
    s.currentTarget = self;
    s.phase = 2;
    // DOM §2.9: the target is the whole event path here. Capturing listeners run first
    // (the "capturing" invoke), then the others; an event stopped before dispatch
    // reaches no listener ("inner invoke" checks the stop propagation flag first).
    const list = listenersOf(self).get(event.type);
    if (list && !s.stop) {
      const snapshot = list.slice();
      for (const capturePass of [true, false]) {
        for (const entry of snapshot) {
          if (entry.capture !== capturePass || entry.removed) continue;
          if (entry.once) self.removeEventListener(event.type, entry.callback, { capture: entry.capture });
          s.passive = entry.passive;
          try {
            const cb = entry.callback;
            if (typeof cb === "function") cb.call(self, event);
            else {
              // WebIDL "call a user object's operation": handleEvent is looked up now,
              // and a non-callable one is a TypeError (reported like any listener error).
              const handleEvent = cb.handleEvent;
              if (typeof handleEvent !== "function") throw new TypeError("The listener's handleEvent is not a function");
              handleEvent.call(cb, event);
            }
          } catch (err) {
            reportException(err);
          }
          s.passive = false;
          if (s.stopImmediate) break;
        }
        if (s.stop) break;
      }
    }
    // Dispatch done: clear the per-dispatch flags so the event can be dispatched again.
    s.dispatching = false;
    s.currentTarget = null;
    s.phase = 0;
    s.stop = false;
    s.stopImmediate = false;
    return !s.canceled;
  }
  get [Symbol.toStringTag]() { return "EventTarget"; }
}

// HTML §8.1.8.1 event handler attributes. The listener is added when the attribute is
// first set to a callback and keeps its place when the value is replaced; null removes
// it. Non-objects read back as null ([LegacyTreatNonObjectAsNull]). A handler returning
// false cancels the event; the global scope's onerror (an OnErrorEventHandler) gets
// (message, filename, lineno, colno, error) and cancels by returning true.
const eventHandlers = new WeakMap();
function defineEventHandler(target, type, onError = false) {
  Object.defineProperty(target, "on" + type, {
    get() {
      const h = eventHandlers.get(this ?? globalThis)?.get(type);
      return h ? h.fn : null;
    },
    set(fn) {
      const self = this ?? globalThis;
      let handlers = eventHandlers.get(self);
      if (!handlers) { handlers = new Map(); eventHandlers.set(self, handlers); }
      let h = handlers.get(type);
      if (fn === null || (typeof fn !== "object" && typeof fn !== "function")) {
        if (h) { handlers.delete(type); self.removeEventListener(type, h.listener); }
        return;
      }
      if (h) { h.fn = fn; return; }
      h = { fn, listener: null };
      h.listener = function (event) {
        const f = h.fn;
        if (typeof f !== "function") return;
        if (onError && event instanceof ErrorEvent && event.type === "error") {
          if (f.call(self, event.message, event.filename, event.lineno, event.colno, event.error) === true) event.preventDefault();
        } else if (f.call(self, event) === false) {
          event.preventDefault();
        }
      };
      handlers.set(type, h);
      self.addEventListener(type, h.listener);
    },
    configurable: true,
    enumerable: true,
  });
}

const ABORT_SIGNAL_TOKEN = Symbol("AbortSignal");
const SIGNAL_ABORT = Symbol("abort");
const SIGNAL_ADD_ALGORITHM = Symbol("addAlgorithm");
const SIGNAL_REMOVE_ALGORITHM = Symbol("removeAlgorithm");

// WebIDL [EnforceRange] unsigned long long.
function enforceRangeULL(value, what) {
  let n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`${what} is not a finite number.`);
  n = Math.trunc(n);
  if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new TypeError(`${what} is outside the accepted range of 0 to ${Number.MAX_SAFE_INTEGER}.`);
  return n;
}

// DOM §3.2. A dependent signal (from AbortSignal.any) follows its source signals, which
// are never themselves dependent. A source refers to its dependents weakly, except those
// with abort listeners or algorithms (DOM §3.2.1 "Garbage collection"), so a long-lived
// source does not keep every signal derived from it alive.
const SIGNAL_RETAIN = Symbol("retain");
let isAbortSignal;
class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  #algorithms = new Set();
  #sources = new Set();
  #dependents = new Set(); // WeakRefs (each dependent's #ref)
  #retained = new Set(); // dependents that must stay alive
  #sweepAt = 64;
  #dependent = false;
  #ref = null;
  constructor(token) {
    if (token !== ABORT_SIGNAL_TOKEN) throw new TypeError("Illegal constructor");
    super();
  }
  static {
    // A brand check (instanceof can be fooled with Object.create).
    isAbortSignal = (v) => typeof v === "object" && v !== null && #aborted in v;
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  static abort(reason) {
    const s = new AbortSignal(ABORT_SIGNAL_TOKEN);
    s.#aborted = true;
    s.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    return s;
  }
  static timeout(milliseconds) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': 1 argument required, but only 0 present.");
    const ms = enforceRangeULL(milliseconds, "Failed to execute 'timeout' on 'AbortSignal': Value");
    const s = new AbortSignal(ABORT_SIGNAL_TOKEN);
    setTimeout(() => s[SIGNAL_ABORT](new DOMException("The operation timed out.", "TimeoutError")), Math.min(ms, 2147483647));
    return s;
  }
  static any(signals) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'any' on 'AbortSignal': 1 argument required, but only 0 present.");
    if (signals === null || (typeof signals !== "object" && typeof signals !== "function") || typeof signals[Symbol.iterator] !== "function") {
      throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
    }
    const list = [];
    for (const signal of signals) {
      if (!(signal instanceof AbortSignal)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
      list.push(signal);
    }
    const result = new AbortSignal(ABORT_SIGNAL_TOKEN);
    for (const signal of list) {
      if (signal.#aborted) { result.#aborted = true; result.#reason = signal.#reason; return result; }
    }
    result.#dependent = true;
    result.#ref = new WeakRef(result);
    for (const signal of list) {
      for (const source of signal.#dependent ? signal.#sources : [signal]) {
        result.#sources.add(source);
        source.#addDependent(result);
      }
    }
    return result;
  }
  #addDependent(dependent) {
    if (this.#dependents.size >= this.#sweepAt) {
      for (const ref of this.#dependents) if (ref.deref() === undefined) this.#dependents.delete(ref);
      this.#sweepAt = Math.max(64, this.#dependents.size * 2);
    }
    this.#dependents.add(dependent.#ref);
  }
  // Called when an abort listener or algorithm is added.
  [SIGNAL_RETAIN]() {
    if (this.#dependent && !this.#aborted) for (const source of this.#sources) source.#retained.add(this);
  }
  [SIGNAL_ADD_ALGORITHM](algorithm) {
    if (this.#aborted) return;
    this.#algorithms.add(algorithm);
    this[SIGNAL_RETAIN]();
  }
  [SIGNAL_REMOVE_ALGORITHM](algorithm) {
    this.#algorithms.delete(algorithm);
  }
  // "signal abort": every dependent gets the reason first, then each runs its abort steps.
  [SIGNAL_ABORT](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    const toAbort = [];
    for (const ref of this.#dependents) {
      const dependent = ref.deref();
      if (dependent === undefined || dependent.#aborted) continue;
      dependent.#aborted = true;
      dependent.#reason = this.#reason;
      toAbort.push(dependent);
    }
    this.#runAbortSteps();
    for (const dependent of toAbort) dependent.#runAbortSteps();
  }
  #runAbortSteps() {
    const algorithms = [...this.#algorithms];
    this.#algorithms.clear();
    for (const source of this.#sources) { source.#dependents.delete(this.#ref); source.#retained.delete(this); }
    this.#sources.clear();
    for (const ref of this.#dependents) ref.deref()?.#sources.delete(this);
    this.#dependents.clear();
    this.#retained.clear();
    for (const algorithm of algorithms) {
      try { algorithm(); } catch (err) { reportException(err); }
    }
    const event = new Event("abort");
    eventInternals.get(event).trusted = true;
    this.dispatchEvent(event);
  }
  get [Symbol.toStringTag]() { return "AbortSignal"; }
}
defineEventHandler(AbortSignal.prototype, "abort");

class AbortController {
  #signal = new AbortSignal(ABORT_SIGNAL_TOKEN);
  get signal() { return this.#signal; }
  abort(reason) { this.#signal[SIGNAL_ABORT](reason); }
  get [Symbol.toStringTag]() { return "AbortController"; }
}

// WebIDL `unsigned long`.
function toUnsignedLong(v) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) >>> 0 : 0;
}

// HTML §8.1.7.2. The init dictionary is read once, when the event is constructed.
class ErrorEvent extends Event {
  #message; #filename; #lineno; #colno; #error;
  constructor(type, init = undefined) {
    super(type, init);
    init = dictionary(init, "ErrorEvent", "ErrorEventInit");
    this.#message = init.message === undefined ? "" : `${init.message}`;
    this.#filename = init.filename === undefined ? "" : `${init.filename}`;
    this.#lineno = toUnsignedLong(init.lineno);
    this.#colno = toUnsignedLong(init.colno);
    this.#error = init.error;
  }
  get message() { return this.#message; }
  get filename() { return this.#filename; }
  get lineno() { return this.#lineno; }
  get colno() { return this.#colno; }
  get error() { return this.#error; }
  get [Symbol.toStringTag]() { return "ErrorEvent"; }
}

// HTML §8.1.7.3: `promise` is a required member (an object).
class PromiseRejectionEvent extends Event {
  #promise; #reason;
  constructor(type, init) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'PromiseRejectionEvent': 2 arguments required, but only ${arguments.length} present.`);
    init = dictionary(init, "PromiseRejectionEvent", "PromiseRejectionEventInit");
    const promise = init.promise;
    if (promise === undefined) throw new TypeError("Failed to construct 'PromiseRejectionEvent': required member promise is undefined.");
    if (promise === null || (typeof promise !== "object" && typeof promise !== "function")) throw new TypeError("Failed to construct 'PromiseRejectionEvent': member promise is not an object.");
    super(type, init);
    this.#promise = promise;
    this.#reason = init.reason;
  }
  get promise() { return this.#promise; }
  get reason() { return this.#reason; }
  get [Symbol.toStringTag]() { return "PromiseRejectionEvent"; }
}

for (const [name, value] of Object.entries({ DOMException, Event, CustomEvent, EventTarget, AbortSignal, AbortController, ErrorEvent, PromiseRejectionEvent })) {
  defineGlobal(name, value);
}

// The global scope is an EventTarget (HTML: WorkerGlobalScope inherits from EventTarget).
listenersOf(globalThis);
if (Object.getPrototypeOf(globalThis) === Object.prototype) Object.setPrototypeOf(globalThis, EventTarget.prototype);
// HR-Time: Performance inherits from EventTarget (the core defines it before this area
// can load, so the link is made here; `performance instanceof EventTarget` loads this
// area first).
if (Object.getPrototypeOf(internal.Performance.prototype) === Object.prototype) {
  Object.setPrototypeOf(internal.Performance.prototype, EventTarget.prototype);
  Object.setPrototypeOf(internal.Performance, EventTarget);
}
// WorkerGlobalScope's handlers (unhandledrejection is not fired yet; see the notes).
defineEventHandler(globalThis, "error", true);
defineEventHandler(globalThis, "unhandledrejection");
defineEventHandler(globalThis, "rejectionhandled");
for (const name of ["addEventListener", "removeEventListener", "dispatchEvent"]) {
  defineGlobal(name, EventTarget.prototype[name]);
}

// HTML §8.1.4.7 "notify about rejected promises": one trusted, cancelable
// PromiseRejectionEvent on the global scope per promise rejected with no handler by the
// end of a turn. True means nothing canceled it, so the rejection is reported.
internal.fireUnhandledRejection = function fireUnhandledRejection(promise, reason) {
  const event = new PromiseRejectionEvent("unhandledrejection", { promise, reason, cancelable: true });
  eventInternals.get(event).trusted = true;
  return EventTarget.prototype.dispatchEvent.call(globalThis, event);
};

let reporting = 0;
defineGlobal("reportError", function reportError(error) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'reportError': 1 argument required, but only 0 present.");
  if (reporting > 0) { ops.uncaught(error); return; }
  reporting++;
  try { reportErrorEvent(error); } finally { reporting--; }
});
function reportErrorEvent(error) {
  const event = new ErrorEvent("error", { cancelable: true, message: error && error.message, error });
  eventInternals.get(event).trusted = true;
  const notCanceled = globalThis.dispatchEvent(event);
  if (notCanceled) ops.uncaught(error);
}

// The event a service-worker app's "fetch" listener receives.

class FetchEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this[FETCH_EVENT] = { request: init.request, response: undefined };
  }
  get request() { return this[FETCH_EVENT].request; }
  respondWith(response) {
    const s = this[FETCH_EVENT];
    if (s.response !== undefined) throw new DOMException("respondWith() was already called", "InvalidStateError");
    s.response = Promise.resolve(response);
    this.stopImmediatePropagation();
  }
  waitUntil(promise) { Promise.resolve(promise).catch((err) => reportException(err)); }
  passThroughOnException() {}
  get [Symbol.toStringTag]() { return "FetchEvent"; }
}
defineGlobal("FetchEvent", FetchEvent);

internal.webidlInterface(DOMException, Event, CustomEvent, EventTarget, AbortSignal, AbortController, ErrorEvent, PromiseRejectionEvent, FetchEvent);
