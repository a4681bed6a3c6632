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
function lazyGlobal(name, area) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      need(area);
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      if (!d || d.get) throw new ReferenceError(`${name} is not defined`);
      return d.value;
    },
    set(value) { defineGlobal(name, value); },
  });
}

const LAZY_GLOBALS = {
  inspect: ["console"],
  events: [
    "DOMException", "Event", "CustomEvent", "EventTarget", "AbortSignal", "AbortController", "ErrorEvent",
    "PromiseRejectionEvent", "FetchEvent", "reportError", "addEventListener", "removeEventListener", "dispatchEvent",
  ],
  encoding: ["TextEncoder", "TextDecoder", "atob", "btoa"],
  url: ["URL", "URLSearchParams"],
  streams: ["ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamDefaultController"],
  clone: ["structuredClone"],
};
for (const [area, names] of Object.entries(LAZY_GLOBALS)) {
  for (const name of names) lazyGlobal(name, area);
}

const LEVEL = { debug: 0, info: 1, log: 2, warn: 3, error: 4 };
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");
const STREAM_DISTURBED = Symbol("disturbed");
const FETCH_EVENT = Symbol("fetchEvent");

function inspect(value, options) {
  return need("inspect").inspect(value, options);
}

function reportException(err) {
  globalThis.reportError(err);
}

Object.assign(internal, { need, areaLoaded, defineGlobal, LEVEL, INSPECT_CUSTOM, STREAM_DISTURBED, FETCH_EVENT, reportException });
