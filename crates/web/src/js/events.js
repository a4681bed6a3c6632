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
    this.#message = String(message);
    if (options !== null && typeof options === "object") {
      this.#name = "name" in options ? String(options.name) : "Error";
      if ("cause" in options) Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    } else {
      this.#name = String(options);
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

class Event {
  #type; #bubbles; #cancelable; #composed; #timeStamp;
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    this.#type = String(type);
    this.#bubbles = !!(init && init.bubbles);
    this.#cancelable = !!(init && init.cancelable);
    this.#composed = !!(init && init.composed);
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
  constructor(type, init = {}) { super(type, init); this.#detail = init && init.detail !== undefined ? init.detail : null; }
  get detail() { return this.#detail; }
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
  if (options === null || typeof options !== "object") return { capture: false, once: false, passive: false, signal: undefined };
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
    type = String(type);
    const map = listenersOf(self);
    let list = map.get(type);
    if (!list) { list = []; map.set(type, list); }
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const entry = { callback, capture, once, passive, removed: false };
    list.push(entry);
    if (signal) signal.addEventListener("abort", () => self.removeEventListener(type, callback, { capture }));
  }
  removeEventListener(type, callback, options) {
    const self = this ?? globalThis;
    const { capture } = flattenOptions(options);
    const list = listenersOf(self).get(String(type));
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
            else if (cb && typeof cb.handleEvent === "function") cb.handleEvent(event);
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

function defineEventHandler(proto, type) {
  const key = Symbol("on" + type);
  Object.defineProperty(proto, "on" + type, {
    get() { return this[key] ?? null; },
    set(fn) {
      if (this[key]) this.removeEventListener(type, this[key].wrapper);
      if (typeof fn === "function") {
        const wrapper = (e) => fn.call(this, e);
        this[key] = { fn, wrapper };
        this.addEventListener(type, wrapper);
        Object.defineProperty(this[key], "valueOf", { value: () => fn });
      } else this[key] = null;
    },
    configurable: true,
    enumerable: true,
  });
  const desc = Object.getOwnPropertyDescriptor(proto, "on" + type);
  const get = desc.get;
  desc.get = function () { const h = get.call(this); return h ? h.fn : null; };
  Object.defineProperty(proto, "on" + type, desc);
}

const ABORT_SIGNAL_TOKEN = Symbol("AbortSignal");
const SIGNAL_ABORT = Symbol("abort");

class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  constructor(token) {
    if (token !== ABORT_SIGNAL_TOKEN) throw new TypeError("Illegal constructor");
    super();
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  static abort(reason) {
    const s = new AbortSignal(ABORT_SIGNAL_TOKEN);
    s[SIGNAL_ABORT](reason);
    return s;
  }
  static timeout(ms) {
    const s = new AbortSignal(ABORT_SIGNAL_TOKEN);
    setTimeout(() => s[SIGNAL_ABORT](new DOMException("The operation timed out.", "TimeoutError")), ms);
    return s;
  }
  static any(signals) {
    const s = new AbortSignal(ABORT_SIGNAL_TOKEN);
    for (const src of signals) {
      if (src.aborted) { s[SIGNAL_ABORT](src.reason); return s; }
    }
    for (const src of signals) src.addEventListener("abort", () => s[SIGNAL_ABORT](src.reason), { once: true });
    return s;
  }
  [SIGNAL_ABORT](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    this.dispatchEvent(new Event("abort"));
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

class ErrorEvent extends Event {
  #init;
  constructor(type, init = {}) { super(type, init); this.#init = init || {}; }
  get message() { return this.#init.message ?? ""; }
  get filename() { return this.#init.filename ?? ""; }
  get lineno() { return this.#init.lineno ?? 0; }
  get colno() { return this.#init.colno ?? 0; }
  get error() { return this.#init.error; }
  get [Symbol.toStringTag]() { return "ErrorEvent"; }
}

class PromiseRejectionEvent extends Event {
  #init;
  constructor(type, init) { super(type, init); this.#init = init; }
  get promise() { return this.#init.promise; }
  get reason() { return this.#init.reason; }
  get [Symbol.toStringTag]() { return "PromiseRejectionEvent"; }
}

for (const [name, value] of Object.entries({ DOMException, Event, CustomEvent, EventTarget, AbortSignal, AbortController, ErrorEvent, PromiseRejectionEvent })) {
  defineGlobal(name, value);
}

// The global scope is an EventTarget.
listenersOf(globalThis);
for (const name of ["addEventListener", "removeEventListener", "dispatchEvent"]) {
  defineGlobal(name, EventTarget.prototype[name]);
}

let reporting = 0;
defineGlobal("reportError", function reportError(error) {
  if (reporting > 0) { ops.uncaught(error); return; }
  reporting++;
  try { reportErrorEvent(error); } finally { reporting--; }
});
function reportErrorEvent(error) {
  const event = new ErrorEvent("error", { cancelable: true, message: error && error.message, error });
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
