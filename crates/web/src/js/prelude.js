// Shared by every area of the glue. The glue is split into a core (always loaded: timers,
// Headers, Request, Response, dispatch) and areas loaded into an isolate on first use
// (console, events, encoding, URL, streams), so an app pays in memory and start-up time
// only for what it touches. Names the areas share travel in `internal` (the install function's parameter).

const loadedAreas = new Set();

// Loads an area (once) and returns `internal`, which then holds what the area exports.
function need(area) {
  if (!loadedAreas.has(area)) {
    loadedAreas.add(area);
    ops.loadArea(area, ops, internal);
  }
  return internal;
}

function areaLoaded(area) {
  return loadedAreas.has(area);
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

// A global that loads its area when first read; assigning to it simply replaces it.
// One function serves as both getter (called with no argument) and setter (with one):
// a closure per name is what this costs every isolate, and there are dozens of names.
function lazyGlobal(name, area) {
  const accessor = (...value) => {
    if (value.length !== 0) return defineGlobal(name, value[0]);
    need(area);
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!d || d.get) throw new ReferenceError(`${name} is not defined`);
    return d.value;
  };
  Object.defineProperty(globalThis, name, { configurable: true, enumerable: false, get: accessor, set: accessor });
}

const LAZY_GLOBALS = {
  inspect: ["console"],
  events: [
    "DOMException", "Event", "CustomEvent", "EventTarget", "AbortSignal", "AbortController", "ErrorEvent",
    "PromiseRejectionEvent", "FetchEvent", "reportError", "addEventListener", "removeEventListener", "dispatchEvent",
  ],
  encoding: ["TextEncoder", "TextDecoder", "atob", "btoa"],
  url: ["URL", "URLSearchParams"],
  streams: [
    "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController", "ReadableByteStreamController", "WritableStream",
    "WritableStreamDefaultWriter", "WritableStreamDefaultController", "TransformStream",
    "TransformStreamDefaultController", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
  ],
  streamcodecs: ["TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream"],
  clone: ["structuredClone"],
  crypto: ["crypto", "Crypto", "CryptoKey", "SubtleCrypto"],
  blob: ["Blob", "File", "FormData"],
  fetch: ["fetch"],
};
for (const [area, names] of Object.entries(LAZY_GLOBALS)) {
  for (const name of names) lazyGlobal(name, area);
}

// An event handler attribute of the global scope: reading or assigning it loads the
// events area, which puts the real accessor in place.
function lazyEventHandler(name) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: true,
    get() { need("events"); return globalThis[name]; },
    set(value) { need("events"); globalThis[name] = value; },
  });
}
for (const name of ["onerror", "onunhandledrejection", "onrejectionhandled"]) lazyEventHandler(name);

// Built-ins the glue relies on, taken before app code runs: an app that patches
// Promise.prototype.then (say) must not be able to see or change how streams work.
const intrinsics = Object.freeze({
  Promise,
  apply: Reflect.apply,
  promiseThen: Promise.prototype.then,
  promiseResolve: Promise.resolve.bind(Promise),
  promiseReject: Promise.reject.bind(Promise),
  arrayBufferTransfer: ArrayBuffer.prototype.transfer,
  arrayBufferSlice: ArrayBuffer.prototype.slice,
  byteLengthOf: Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get,
  detachedOf: Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached").get,
});

const LEVEL = { debug: 0, info: 1, log: 2, warn: 3, error: 4 };
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");
const FETCH_EVENT = Symbol("fetchEvent");

function inspect(value, options) {
  return need("inspect").inspect(value, options);
}

function reportException(err) {
  globalThis.reportError(err);
}

// WebIDL §3.7: an interface's operations and attributes are enumerable, and its
// @@toStringTag is a data property. Classes write `get [Symbol.toStringTag]()` for
// brevity; this turns that into the data property once the class is complete.
function webidlInterface(...classes) {
  for (const C of classes) {
    // Members are enumerable (WebIDL §3.7); the flag is flipped in Rust, without a
    // descriptor object per member.
    ops.makeEnumerable(C.prototype, ["constructor"]);
    ops.makeEnumerable(C, ["prototype", "length", "name"]);
    const tag = Object.getOwnPropertyDescriptor(C.prototype, Symbol.toStringTag);
    if (tag && tag.get) Object.defineProperty(C.prototype, Symbol.toStringTag, { value: tag.get.call(C.prototype), configurable: true });
  }
}

// WebIDL §3.7.10 pair iterators: the objects entries()/keys()/values() return share a
// prototype whose class string is "<Interface> Iterator", with a next() method and
// %IteratorPrototype% above it. `wrap(generator)` makes one from a generator.
const ITERATOR_STATE = Symbol("iterator");
function pairIterator(name) {
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const proto = Object.create(iteratorPrototype);
  Object.defineProperty(proto, "next", {
    value: function next() {
      const state = this !== null && typeof this === "object" ? this[ITERATOR_STATE] : undefined;
      if (!state || state.name !== name) throw new TypeError(`next method called on an object that is not a ${name} Iterator`);
      return state.generator.next();
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
  Object.defineProperty(proto, Symbol.toStringTag, { value: `${name} Iterator`, configurable: true });
  return function wrap(generator) {
    const it = Object.create(proto);
    Object.defineProperty(it, ITERATOR_STATE, { value: { name, generator } });
    return it;
  };
}

Object.assign(internal, { intrinsics, need, webidlInterface, pairIterator, areaLoaded, defineGlobal, LEVEL, INSPECT_CUSTOM, FETCH_EVENT, reportException });
