// console formatting: a readable rendering of any value, in the style of Node's
// util.inspect (nested objects, Map, Set, errors with stack, circular references).
// Nothing is truncated: long arrays and strings print whole.

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_DEPTH = 64;
const BREAK_LENGTH = 80;
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;

function quote(s) {
  let q = "'";
  if (s.includes("'")) q = s.includes('"') ? (s.includes("`") ? "'" : "`") : '"';
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0").toUpperCase();
    else out += ch;
  }
  return out + q;
}

function formatKey(key) {
  if (typeof key === "symbol") return "[" + key.toString() + "]";
  return IDENT.test(key) ? key : quote(key);
}

function formatPrimitive(v, nested) {
  switch (typeof v) {
    case "string": return nested ? quote(v) : v;
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "bigint": return v + "n";
    case "symbol": return v.toString();
    case "undefined": return "undefined";
    case "boolean": return String(v);
  }
  return v === null ? "null" : undefined;
}

function functionLabel(fn) {
  let src = "";
  try { src = Function.prototype.toString.call(fn); } catch { /* native */ }
  const name = fn.name;
  if (src.startsWith("class")) {
    const parent = Object.getPrototypeOf(fn);
    const ext = parent !== Function.prototype && typeof parent === "function" ? ` extends ${parent.name || "(anonymous)"}` : "";
    return `[class ${name || "(anonymous)"}${ext}]`;
  }
  const kind = src.startsWith("async") ? "AsyncFunction" : (/^(async\s*)?function\s*\*/.test(src) ? "GeneratorFunction" : "Function");
  return name ? `[${kind}: ${name}]` : `[${kind} (anonymous)]`;
}

function constructorName(obj) {
  let proto = Object.getPrototypeOf(obj);
  if (proto === null) return null;
  while (proto) {
    const d = Object.getOwnPropertyDescriptor(proto, "constructor");
    if (d && typeof d.value === "function" && d.value.name) return d.value.name;
    proto = Object.getPrototypeOf(proto);
  }
  return "Object";
}

function errorText(err) {
  let head;
  try { head = `${err.name || "Error"}: ${err.message}`; } catch { head = "Error"; }
  if (err.message === "" || err.message === undefined) head = String(err.name || "Error");
  const stack = typeof err.stack === "string" ? err.stack.replace(/\s+$/, "") : "";
  return stack ? `${head}\n${stack}` : head;
}

function newInspectState(depth) {
  return { seen: [], circular: new Map(), depth, currentDepth: 0, leaf: true };
}

function inspect(value, options) {
  const state = newInspectState((options && options.depth) ?? MAX_DEPTH);
  return formatValue(value, state, 0, false);
}

function formatValue(v, state, level, nested) {
  const prim = formatPrimitive(v, nested);
  if (prim !== undefined) return prim;
  if (state.seen.includes(v)) {
    let id = state.circular.get(v);
    if (id === undefined) { id = state.circular.size + 1; state.circular.set(v, id); }
    return `[Circular *${id}]`;
  }
  if (level > state.depth) {
    if (Array.isArray(v)) return "[Array]";
    return `[${constructorName(v) || "Object"}]`;
  }
  state.seen.push(v);
  // Node's ctx.currentDepth: the level of the last non-empty object formatted; an
  // object printed without entries leaves it as it was.
  const outerDepth = state.currentDepth;
  state.currentDepth = level;
  state.leaf = true;
  let out;
  try { out = formatObject(v, state, level); } finally { state.seen.pop(); }
  if (state.leaf) state.currentDepth = outerDepth;
  const id = state.circular.get(v);
  if (id !== undefined) out = `<ref *${id}> ${out}`;
  return out;
}

function ownEntries(obj, state, level, skip) {
  const parts = [];
  for (const key of Reflect.ownKeys(obj)) {
    if (skip && skip(key)) continue;
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (!d || (!d.enumerable && typeof key !== "symbol")) continue;
    if (!d.enumerable) continue;
    let text;
    if (d.get || d.set) text = d.get && d.set ? "[Getter/Setter]" : d.get ? "[Getter]" : "[Setter]";
    else text = formatValue(d.value, state, level + 1, true);
    parts.push(`${formatKey(key)}: ${text}`);
  }
  return parts;
}

// Joins formatted entries the way Node's util.inspect does (breakLength 80, compact 3):
// on one line when they fit and the value nests at most three levels of non-empty
// objects, else one entry per line; arrays of more than six entries are grouped into
// aligned columns.
function wrap(prefix, open, parts, close, level, state, array) {
  if (parts.length === 0) return prefix + open + close;
  state.leaf = false;
  const entries = parts.length;
  if (array !== undefined && entries > 6) parts = groupArrayElements(parts, level, array);
  if (state.currentDepth - level < 3 && entries === parts.length) {
    // Node's isBelowBreakLength.
    let total = parts.length * 2 + level * 2 + prefix.length + open.length + 10;
    if (total + parts.length <= BREAK_LENGTH) {
      for (const p of parts) total += p.length;
      const oneLine = parts.join(", ");
      if (total <= BREAK_LENGTH && !oneLine.includes("\n") && !prefix.includes("\n")) {
        return `${prefix}${open} ${oneLine} ${close}`;
      }
    }
  }
  const pad = "  ".repeat(level + 1);
  return `${prefix}${open}\n${pad}${parts.join(",\n" + pad)}\n${"  ".repeat(level)}${close}`;
}

// Node's groupArrayElements: many short entries become rows of aligned columns
// (numbers right-aligned).
function groupArrayElements(parts, level, array) {
  const separatorSpace = 2;
  const dataLen = [];
  let totalLength = 0, maxLength = 0;
  for (const p of parts) {
    // Multi-line entries stay one per line.
    if (p.includes("\n")) return parts;
    dataLen.push(p.length);
    totalLength += p.length + separatorSpace;
    if (p.length > maxLength) maxLength = p.length;
  }
  const actualMax = maxLength + separatorSpace;
  const indentation = level * 2;
  if (!(actualMax * 3 + indentation < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6))) return parts;
  const averageBias = Math.sqrt(actualMax - totalLength / parts.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedMax * parts.length) / biasedMax),
    Math.floor((BREAK_LENGTH - indentation) / actualMax),
    3 * 4,
    15,
  );
  if (columns <= 1) return parts;
  const maxLineLength = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < parts.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
    maxLineLength.push(lineLength + separatorSpace);
  }
  let numeric = true;
  for (let i = 0; i < parts.length; i++) {
    if (typeof array[i] !== "number" && typeof array[i] !== "bigint") { numeric = false; break; }
  }
  const rows = [];
  for (let i = 0; i < parts.length; i += columns) {
    const max = Math.min(i + columns, parts.length);
    let row = "";
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${parts[j]}, `;
      row += numeric ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
    }
    row += numeric ? parts[j].padStart(maxLineLength[j - i] - separatorSpace) : parts[j];
    rows.push(row);
  }
  return rows;
}

function isIndex(key) {
  return typeof key === "string" && key !== "" && String(key >>> 0) === key && (key >>> 0) !== 0xffffffff;
}

function formatObject(v, state, level) {
  if (typeof v === "function") {
    const parts = ownEntries(v, state, level, (k) => k === "prototype");
    const label = functionLabel(v);
    return parts.length ? wrap(label + " ", "{", parts, "}", level, state) : label;
  }
  if (Array.isArray(v)) {
    const parts = [];
    let holes = 0;
    const flush = () => { if (holes) { parts.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`); holes = 0; } };
    for (let i = 0; i < v.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(v, i)) { holes++; continue; }
      flush();
      parts.push(formatValue(v[i], state, level + 1, true));
    }
    flush();
    parts.push(...ownEntries(v, state, level, (k) => isIndex(k) || k === "length"));
    const name = constructorName(v);
    const prefix = name && name !== "Array" ? `${name}(${v.length}) ` : "";
    return wrap(prefix, "[", parts, "]", level, state, v);
  }
  if (v instanceof Error) {
    const text = errorText(v);
    const parts = ownEntries(v, state, level, (k) => k === "stack" || k === "message");
    if (v.cause !== undefined && !Object.prototype.propertyIsEnumerable.call(v, "cause")) {
      parts.push(`[cause]: ${formatValue(v.cause, state, level + 1, true)}`);
    }
    // Like Node: an error is bracketed only when it has no stack to show.
    const bare = !text.includes("\n");
    const shown = level > 0 ? text.split("\n").join("\n" + "  ".repeat(level)) : text;
    const head = bare ? `[${shown}]` : shown;
    return parts.length ? wrap(head + " ", "{", parts, "}", level, state) : head;
  }
  if (v instanceof Date) {
    return isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  }
  if (v instanceof RegExp) return String(v);
  if (v instanceof Map) {
    const parts = [];
    for (const [k, val] of v) parts.push(`${formatValue(k, state, level + 1, true)} => ${formatValue(val, state, level + 1, true)}`);
    return wrap(`Map(${v.size}) `, "{", parts, "}", level, state);
  }
  if (v instanceof Set) {
    const parts = [];
    for (const val of v) parts.push(formatValue(val, state, level + 1, true));
    return wrap(`Set(${v.size}) `, "{", parts, "}", level, state);
  }
  if (v instanceof WeakMap) return "WeakMap { <items unknown> }";
  if (v instanceof WeakSet) return "WeakSet { <items unknown> }";
  if (v instanceof Promise) return "Promise { <unknown> }";
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const tag = typedArrayTag.call(v);
    const parts = [];
    for (let i = 0; i < v.length; i++) parts.push(formatPrimitive(v[i], true));
    return wrap(`${tag}(${v.length}) `, "[", parts, "]", level, state, v);
  }
  if (v instanceof ArrayBuffer) {
    const bytes = new Uint8Array(v);
    let hex = "";
    for (let i = 0; i < bytes.length; i++) hex += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
    return wrap("ArrayBuffer ", "{", [`[Uint8Contents]: <${hex}>`, `byteLength: ${v.byteLength}`], "}", level, state);
  }
  if (v instanceof DataView) {
    return wrap("DataView ", "{", [`byteLength: ${v.byteLength}`, `byteOffset: ${v.byteOffset}`, `buffer: ${formatValue(v.buffer, state, level + 1, true)}`], "}", level, state);
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean || (typeof BigInt === "function" && v instanceof BigInt) || v instanceof Symbol) {
    const inner = formatPrimitive(v.valueOf(), true);
    const kind = constructorName(v);
    const parts = ownEntries(v, state, level, (k) => v instanceof String && (isIndex(k) || k === "length"));
    return parts.length ? wrap(`[${kind}: ${inner}] `, "{", parts, "}", level, state) : `[${kind}: ${inner}]`;
  }
  const custom = v[inspect.custom];
  if (typeof custom === "function") {
    const shown = custom.call(v, state.depth - level, { depth: state.depth - level }, inspect);
    // Like Node, a multi-line result is indented to where it is nested.
    return typeof shown === "string" ? shown.split("\n").join("\n" + "  ".repeat(level)) : formatValue(shown, state, level, true);
  }
  const name = constructorName(v);
  const tag = v[Symbol.toStringTag];
  let prefix = "";
  if (name === null) prefix = "[Object: null prototype] ";
  else if (name !== "Object") prefix = name + (typeof tag === "string" && tag !== name ? ` [${tag}]` : "") + " ";
  else if (typeof tag === "string" && tag !== "Object") prefix = `Object [${tag}] `;
  return wrap(prefix, "{", ownEntries(v, state, level), "}", level, state);
}
inspect.custom = INSPECT_CUSTOM;

// Constructors present before any app code ran (Node's "built-in objects").
const BUILTIN_CONSTRUCTORS = new Set(Object.getOwnPropertyNames(globalThis).filter((n) => /^[A-Z][a-zA-Z0-9]+$/.test(n)));

// Whether `%s` should inspect `v` rather than call its toString (Node's rule: only a
// toString inherited from a built-in prototype is ignored).
function hasBuiltInToString(v) {
  if (typeof v.toString !== "function") return true;
  if (Object.prototype.hasOwnProperty.call(v, "toString")) return false;
  let p = v;
  do { p = Object.getPrototypeOf(p); } while (p !== null && !Object.prototype.hasOwnProperty.call(p, "toString"));
  if (p === null) return true;
  const d = Object.getOwnPropertyDescriptor(p, "constructor");
  return d !== undefined && typeof d.value === "function" && BUILTIN_CONSTRUCTORS.has(d.value.name);
}

// printf-style formatting of console arguments (%s %d %i %f %j %o %O %c %%).
function formatArgs(args) {
  if (args.length === 0) return "";
  let first = args[0];
  let rest = 1;
  let out = "";
  if (typeof first === "string" && first.includes("%") && args.length > 1) {
    let i = 0;
    while (i < first.length) {
      const ch = first[i];
      if (ch === "%" && i + 1 < first.length) {
        const spec = first[i + 1];
        if (spec === "%") { out += "%"; i += 2; continue; }
        if ("sdifjoOc".includes(spec)) {
          if (rest >= args.length) { out += ch + spec; i += 2; continue; }
          const a = args[rest++];
          switch (spec) {
            case "s":
              // Node: objects with their own toString print through it; others are
              // inspected one level deep.
              if (typeof a === "object" && a !== null) out += hasBuiltInToString(a) ? inspect(a, { depth: 0 }) : String(a);
              else out += formatPrimitive(a, false) ?? String(a);
              break;
            case "d": case "i": {
              if (typeof a === "bigint") out += a + "n";
              else if (typeof a === "symbol") out += "NaN";
              else out += formatPrimitive(spec === "i" ? parseInt(a) : Number(a), false);
              break;
            }
            case "f": out += typeof a === "symbol" ? "NaN" : String(parseFloat(a)); break;
            case "j": try { out += JSON.stringify(a); } catch { out += "[Circular]"; } break;
            case "o": case "O": out += inspect(a); break;
            case "c": break;
          }
          i += 2;
          continue;
        }
      }
      out += ch;
      i++;
    }
  } else {
    out = typeof first === "string" ? first : inspect(first);
  }
  for (; rest < args.length; rest++) {
    const a = args[rest];
    out += " " + (typeof a === "string" ? a : inspect(a));
  }
  return out;
}
