// structuredClone (HTML §2.7 "Safe passing of structured data"). With a transfer list,
// StructuredSerializeWithTransfer into records, then StructuredDeserializeWithTransfer
// from them, as the spec does, so that a failure anywhere leaves the transfer list
// untouched; without one, the clone is built in one pass (see `serialize`). Which
// internal slots an object has (Date, Map, Proxy, Promise, …) is asked of the engine:
// `ops.classId` gives its class, compared with the classes of known objects made here.

const classOf = (v) => ops.classId(v);
const getter = (proto, key) => {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  return d && d.get;
};
const call = (fn, self, ...args) => Reflect.apply(fn, self, args);

const ObjectPrototype = Object.getPrototypeOf({});
const ArrayPrototype = Object.getPrototypeOf([]);
const { getPrototypeOf, setPrototypeOf, defineProperty, getOwnPropertyDescriptor, keys: objectKeys } = Object;
const hasOwn = Object.hasOwn;

const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  globalThis.Float16Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
].filter((C) => typeof C === "function");
const TypedArrayPrototype = getPrototypeOf(Int8Array.prototype);
const typedArrayBuffer = getter(TypedArrayPrototype, "buffer");
const typedArrayOffset = getter(TypedArrayPrototype, "byteOffset");
const typedArrayLength = getter(TypedArrayPrototype, "length");
const typedArrayName = getter(TypedArrayPrototype, Symbol.toStringTag);
const typedArraySet = TypedArrayPrototype.set;
const dataViewBuffer = getter(DataView.prototype, "buffer");
const dataViewOffset = getter(DataView.prototype, "byteOffset");
const dataViewLength = getter(DataView.prototype, "byteLength");
const bufferLength = getter(ArrayBuffer.prototype, "byteLength");
const bufferResizable = getter(ArrayBuffer.prototype, "resizable");
const bufferMaxLength = getter(ArrayBuffer.prototype, "maxByteLength");
const bufferDetached = getter(ArrayBuffer.prototype, "detached");
const bufferTransfer = ArrayBuffer.prototype.transfer;
const regExpSource = getter(RegExp.prototype, "source");
const REGEXP_FLAGS = [["hasIndices", "d"], ["global", "g"], ["ignoreCase", "i"], ["multiline", "m"], ["dotAll", "s"],
  ["unicode", "u"], ["unicodeSets", "v"], ["sticky", "y"]]
  .map(([name, flag]) => [getter(RegExp.prototype, name), flag])
  .filter(([get]) => get);
const { forEach: mapForEach, set: mapSet } = Map.prototype;
const { forEach: setForEach, add: setAdd } = Set.prototype;
const dateTime = Date.prototype.getTime;
const { valueOf: booleanValue } = Boolean.prototype;
const { valueOf: numberValue } = Number.prototype;
const { valueOf: stringValue } = String.prototype;
const { valueOf: bigintValue } = BigInt.prototype;
const domExceptionName = getter(DOMException.prototype, "name");
const domExceptionMessage = getter(DOMException.prototype, "message");
const DOM_EXCEPTION_PROTO = new Set([DOMException.prototype]);
const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

// Engine classes, found from objects known to have them.
const CLASS = {
  object: classOf({}),
  array: classOf([]),
  error: classOf(new Error()),
  boolean: classOf(new Boolean(false)),
  number: classOf(new Number(0)),
  string: classOf(new String("")),
  bigint: classOf(Object(0n)),
  date: classOf(new Date(0)),
  regexp: classOf(/a/),
  map: classOf(new Map()),
  set: classOf(new Set()),
  arrayBuffer: classOf(new ArrayBuffer(0)),
  dataView: classOf(new DataView(new ArrayBuffer(0))),
  arguments: classOf((function () { return arguments; })()),
};
const TYPED_ARRAY_CLASSES = new Map(TYPED_ARRAYS.map((C) => [classOf(new C(0)), C]));
const TYPED_ARRAY_BY_NAME = new Map(TYPED_ARRAYS.map((C) => [C.name, C]));

// The Web API classes of the glue: their instances are platform objects, which (but for
// DOMException) are not serializable. An area's classes exist only once it is loaded;
// they are gathered, an area at a time, as they appear.
const PLATFORM_CLASSES = [
  ["Headers", "Request", "Response", "Performance", "ExecutionContext"],
  ["Event", "EventTarget", "AbortController"],
  ["TextEncoder", "TextDecoder"],
  ["URL", "URLSearchParams"],
  [
    "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController", "ReadableByteStreamController", "WritableStream",
    "WritableStreamDefaultWriter", "WritableStreamDefaultController", "TransformStream",
    "TransformStreamDefaultController", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
  ],
  ["Crypto", "SubtleCrypto", "CryptoKey"],
];
const platformProtos = new Set();
let missingAreas = PLATFORM_CLASSES;

function platformPrototypes() {
  if (missingAreas.length > 0) {
    missingAreas = missingAreas.filter((names) => {
      if (!hasOwn(internal, names[0])) return true;
      for (const name of names) platformProtos.add(internal[name].prototype);
      return false;
    });
  }
  return platformProtos;
}

function describe(value) {
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return `${value.name ? `function ${value.name}` : "function"}`;
  let tag;
  try { tag = Object.prototype.toString.call(value).slice(8, -1); } catch { tag = "Object"; }
  return `#<${tag}>`;
}

function cloneError(message) {
  return new DOMException(message, "DataCloneError");
}

function notCloneable(value) {
  return cloneError(`Failed to execute 'structuredClone': ${describe(value)} could not be cloned.`);
}

function isPlatformObject(value, protos) {
  if (value === globalThis) return true;
  for (let p = getPrototypeOf(value); p !== null; p = getPrototypeOf(p)) {
    if (protos.has(p)) return true;
  }
  return false;
}

function copyBuffer(buffer) {
  const length = call(bufferLength, buffer);
  const copy = call(bufferResizable, buffer)
    ? new ArrayBuffer(length, { maxByteLength: call(bufferMaxLength, buffer) })
    : new ArrayBuffer(length);
  call(typedArraySet, new Uint8Array(copy), new Uint8Array(buffer));
  return copy;
}

// StructuredSerializeInternal. `walk.memory` maps each object seen to what it became, so
// shared and circular references come out shared and circular. With `walk.direct` that
// is the clone itself, built as the source is read: without a transfer list nothing can
// fail half-way in a way the app could see, and no copy of the graph is made in between.
// Otherwise it is a record, deserialized once the transfer has happened.
function serialize(value, walk) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    if (typeof value === "symbol") throw notCloneable(value);
    return value;
  }
  const seen = walk.memory.get(value);
  if (seen !== undefined) return seen;
  if (typeof value === "function") throw notCloneable(value);
  const cls = classOf(value);
  let record;
  switch (cls) {
    case CLASS.boolean: record = { type: "Boolean", value: call(booleanValue, value) }; break;
    case CLASS.number: record = { type: "Number", value: call(numberValue, value) }; break;
    case CLASS.string: record = { type: "String", value: call(stringValue, value) }; break;
    case CLASS.bigint: record = { type: "BigInt", value: call(bigintValue, value) }; break;
    case CLASS.date: record = { type: "Date", value: call(dateTime, value) }; break;
    case CLASS.regexp: {
      let flags = "";
      for (const [get, flag] of REGEXP_FLAGS) if (call(get, value)) flags += flag;
      record = { type: "RegExp", source: call(regExpSource, value), flags };
      break;
    }
    case CLASS.arrayBuffer:
      if (call(bufferDetached, value)) throw cloneError("Failed to execute 'structuredClone': An ArrayBuffer is detached and could not be cloned.");
      record = { type: "ArrayBuffer", data: copyBuffer(value) };
      break;
    case CLASS.dataView: {
      const buffer = serialize(call(dataViewBuffer, value), walk);
      record = { type: "DataView", buffer, byteOffset: call(dataViewOffset, value), length: call(dataViewLength, value) };
      break;
    }
    case CLASS.map: return serializeMap(value, walk);
    case CLASS.set: return serializeSet(value, walk);
    case CLASS.error: {
      record = serializeError(value);
      if (record.type === "Error") return serializeErrorCause(value, record, walk);
      break;
    }
    case CLASS.array:
      return serializeProperties(value, "Array", value.length, walk); // an Array's own data property
    case CLASS.object:
    case CLASS.arguments:
      if (isPlatformObject(value, walk.protos ??= platformPrototypes())) throw notCloneable(value);
      return serializeProperties(value, "Object", 0, walk);
    default: {
      const C = TYPED_ARRAY_CLASSES.get(cls);
      // Anything else has internal slots of its own (Proxy, Promise, WeakMap, WeakSet,
      // WeakRef, FinalizationRegistry, SharedArrayBuffer, generators, iterators, …).
      if (C === undefined) throw notCloneable(value);
      const buffer = serialize(call(typedArrayBuffer, value), walk);
      record = {
        type: "TypedArray", name: call(typedArrayName, value), buffer,
        byteOffset: call(typedArrayOffset, value), length: call(typedArrayLength, value),
      };
    }
  }
  const out = walk.direct ? makeLeaf(record, record.buffer) : record;
  walk.memory.set(value, out);
  return out;
}

function serializeMap(value, walk) {
  const copied = [];
  call(mapForEach, value, (v, k) => { copied.push(k, v); });
  const out = walk.direct ? new Map() : { type: "Map", entries: [] };
  walk.memory.set(value, out);
  for (let i = 0; i < copied.length; i += 2) {
    const k = serialize(copied[i], walk), v = serialize(copied[i + 1], walk);
    if (walk.direct) call(mapSet, out, k, v);
    else out.entries.push(k, v);
  }
  return out;
}

function serializeSet(value, walk) {
  const copied = [];
  call(setForEach, value, (v) => { copied.push(v); });
  const out = walk.direct ? new Set() : { type: "Set", entries: [] };
  walk.memory.set(value, out);
  for (const item of copied) {
    const v = serialize(item, walk);
    if (walk.direct) call(setAdd, out, v);
    else out.entries.push(v);
  }
  return out;
}

// An object or array is filled before it gets its prototype, so no setter inherited from
// Object.prototype or Array.prototype can see the assignments (nor "__proto__" act).
function serializeProperties(value, type, length, walk) {
  let out;
  if (walk.direct) {
    out = type === "Array" ? new Array(length) : {};
    setPrototypeOf(out, null);
  } else {
    out = { type, length, properties: [] };
  }
  walk.memory.set(value, out);
  for (const key of objectKeys(value)) {
    if (!hasOwn(value, key)) continue;
    const v = serialize(value[key], walk);
    if (walk.direct) out[key] = v;
    else out.properties.push(key, v);
  }
  if (walk.direct) setPrototypeOf(out, type === "Array" ? ArrayPrototype : ObjectPrototype);
  return out;
}

function serializeErrorCause(value, record, walk) {
  const out = walk.direct ? makeLeaf(record) : record;
  walk.memory.set(value, out);
  if (record.hasCause) {
    const cause = serialize(record.cause, walk);
    if (walk.direct) defineHidden(out, "cause", cause);
    else record.cause = cause;
  }
  return out;
}

function serializeError(value) {
  // DOMException is the one serializable platform object here.
  if (isPlatformObject(value, DOM_EXCEPTION_PROTO)) {
    try {
      return { type: "DOMException", name: call(domExceptionName, value), message: call(domExceptionMessage, value), stack: stackOf(value) };
    } catch {
      // Not made by the DOMException constructor: an ordinary error.
    }
  }
  let name = value.name;
  if (typeof name !== "string" || !hasOwn(ERRORS, name)) name = "Error";
  const messageDesc = getOwnPropertyDescriptor(value, "message");
  const message = messageDesc && "value" in messageDesc ? `${messageDesc.value}` : undefined;
  const causeDesc = getOwnPropertyDescriptor(value, "cause");
  const hasCause = !!causeDesc && "value" in causeDesc;
  return { type: "Error", name, message, stack: stackOf(value), hasCause, cause: hasCause ? causeDesc.value : undefined };
}

function stackOf(value) {
  const stack = value.stack;
  return typeof stack === "string" ? stack : undefined;
}

function defineHidden(obj, key, value) {
  defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

// The object a record without children stands for (`buffer`: a view's buffer, made).
// An error's cause is added by the caller.
function makeLeaf(record, buffer) {
  switch (record.type) {
    case "Boolean": return new Boolean(record.value);
    case "Number": return new Number(record.value);
    case "String": return new String(record.value);
    case "BigInt": return Object(record.value);
    case "Date": return new Date(record.value);
    case "RegExp": return new RegExp(record.source, record.flags);
    case "ArrayBuffer": return record.data;
    case "DataView": return new DataView(buffer, record.byteOffset, record.length);
    case "TypedArray": return new (TYPED_ARRAY_BY_NAME.get(record.name))(buffer, record.byteOffset, record.length);
    case "DOMException": {
      const value = new DOMException(record.message, record.name);
      if (record.stack !== undefined) defineHidden(value, "stack", record.stack);
      return value;
    }
    case "Error": {
      const value = new ERRORS[record.name]();
      if (record.message !== undefined) defineHidden(value, "message", record.message);
      if (record.stack !== undefined) defineHidden(value, "stack", record.stack);
      return value;
    }
  }
  throw new TypeError(`structuredClone: no record type ${record.type}`);
}

// StructuredDeserialize (after a transfer): `memory` maps each record to what it became.
// Nothing here runs the app's code: every object is new, built with the engine's own
// methods.
function deserialize(record, memory, transferred) {
  if (record === null || typeof record !== "object") return record;
  const made = memory.get(record);
  if (made !== undefined) return made;
  let value;
  switch (record.type) {
    case "Transferred": value = transferred[record.index]; break;
    case "Map": {
      value = new Map();
      memory.set(record, value);
      const { entries } = record;
      for (let i = 0; i < entries.length; i += 2) {
        call(mapSet, value, deserialize(entries[i], memory, transferred), deserialize(entries[i + 1], memory, transferred));
      }
      return value;
    }
    case "Set": {
      value = new Set();
      memory.set(record, value);
      for (const item of record.entries) call(setAdd, value, deserialize(item, memory, transferred));
      return value;
    }
    case "Array":
    case "Object": {
      const isArray = record.type === "Array";
      value = isArray ? new Array(record.length) : {};
      setPrototypeOf(value, null);
      memory.set(record, value);
      const { properties } = record;
      for (let i = 0; i < properties.length; i += 2) {
        value[properties[i]] = deserialize(properties[i + 1], memory, transferred);
      }
      setPrototypeOf(value, isArray ? ArrayPrototype : ObjectPrototype);
      return value;
    }
    case "Error":
      value = makeLeaf(record);
      memory.set(record, value);
      if (record.hasCause) defineHidden(value, "cause", deserialize(record.cause, memory, transferred));
      return value;
    case "DataView":
    case "TypedArray":
      value = makeLeaf(record, deserialize(record.buffer, memory, transferred));
      break;
    default:
      value = makeLeaf(record);
  }
  memory.set(record, value);
  return value;
}

function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  const transferList = [];
  if (options !== undefined && options !== null) {
    if (typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
    }
    const transfer = options.transfer;
    if (transfer !== undefined) {
      if (transfer === null || (typeof transfer !== "object" && typeof transfer !== "function") || typeof transfer[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to execute 'structuredClone': The provided value cannot be converted to a sequence.");
      }
      for (const item of transfer) {
        if (item === null || (typeof item !== "object" && typeof item !== "function")) {
          throw new TypeError("Failed to execute 'structuredClone': Value is not of type 'object'.");
        }
        transferList.push(item);
      }
    }
  }
  if (transferList.length === 0) return serialize(value, { direct: true, memory: new Map(), protos: null });
  const memory = new Map();
  transferList.forEach((item, index) => {
    if (classOf(item) !== CLASS.arrayBuffer) {
      throw cloneError(`Failed to execute 'structuredClone': Value at index ${index} does not have a transferable type.`);
    }
    if (memory.has(item)) {
      throw cloneError(`Failed to execute 'structuredClone': ArrayBuffer at index ${index} is a duplicate of an earlier ArrayBuffer.`);
    }
    memory.set(item, { type: "Transferred", index });
  });
  const record = serialize(value, { direct: false, memory, protos: null });
  transferList.forEach((item, index) => {
    if (call(bufferDetached, item)) {
      throw cloneError(`Failed to execute 'structuredClone': ArrayBuffer at index ${index} is already detached.`);
    }
  });
  const transferred = transferList.map((item) => call(bufferTransfer, item));
  return deserialize(record, new Map(), transferred);
}

defineGlobal("structuredClone", structuredClone);
