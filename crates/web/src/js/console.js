// console (WHATWG Console standard): every method prints one formatted line through
// ops.print with its level; groups indent, counters and timers are per label.

let groupIndent = "";
const counts = new Map();
const timers = new Map();

function emit(level, text) {
  if (groupIndent) text = groupIndent + text.split("\n").join("\n" + groupIndent);
  // Lone surrogates cannot cross into Rust as UTF-8: print them as U+FFFD.
  ops.print(level, text.toWellFormed());
}

const consoleObject = {
  log(...args) { emit(LEVEL.log, formatArgs(args)); },
  info(...args) { emit(LEVEL.info, formatArgs(args)); },
  debug(...args) { emit(LEVEL.debug, formatArgs(args)); },
  warn(...args) { emit(LEVEL.warn, formatArgs(args)); },
  error(...args) { emit(LEVEL.error, formatArgs(args)); },
  trace(...args) {
    const stack = (new Error().stack || "").split("\n").slice(1).join("\n");
    emit(LEVEL.error, "Trace" + (args.length ? ": " + formatArgs(args) : "") + (stack ? "\n" + stack.replace(/\s+$/, "") : ""));
  },
  assert(condition, ...args) {
    if (condition) return;
    emit(LEVEL.error, "Assertion failed" + (args.length ? ": " + formatArgs(args) : ""));
  },
  dir(value, options) { emit(LEVEL.log, inspect(value, options)); },
  dirxml(...args) { emit(LEVEL.log, formatArgs(args)); },
  table(data, columns) {
    if (data === null || typeof data !== "object") { emit(LEVEL.log, formatArgs([data])); return; }
    const rows = data instanceof Map ? [...data.entries()].map(([k, v]) => [k, v]) : Object.entries(data);
    const keys = [];
    let hasValues = false;
    for (const [, row] of rows) {
      if (row !== null && typeof row === "object") {
        for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
      } else hasValues = true;
    }
    const cols = columns ? [...columns] : keys;
    const header = ["(index)", ...cols, ...(hasValues ? ["Values"] : [])];
    const cell = (v) => v === undefined ? "" : formatValue(v, newInspectState(0), 1, true);
    const body = rows.map(([k, row]) => {
      const isObj = row !== null && typeof row === "object";
      return [String(k), ...cols.map((c) => (isObj ? cell(row[c]) : "")), ...(hasValues ? [isObj ? "" : cell(row)] : [])];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)) + 2);
    const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
    const row = (cells) => "│" + cells.map((c, i) => {
      const space = widths[i] - c.length;
      const left = Math.floor(space / 2);
      return " ".repeat(left) + c + " ".repeat(space - left);
    }).join("│") + "│";
    emit(LEVEL.log, [line("┌", "┬", "┐"), row(header), line("├", "┼", "┤"), ...body.map(row), line("└", "┴", "┘")].join("\n"));
  },
  group(...args) {
    if (args.length) emit(LEVEL.log, formatArgs(args));
    groupIndent += "  ";
  },
  groupEnd() { groupIndent = groupIndent.slice(0, -2); },
  count(label = "default") {
    label = String(label);
    const n = (counts.get(label) || 0) + 1;
    counts.set(label, n);
    emit(LEVEL.info, `${label}: ${n}`);
  },
  countReset(label = "default") {
    label = String(label);
    if (counts.has(label)) counts.set(label, 0);
    else emit(LEVEL.warn, `Count for '${label}' does not exist`);
  },
  time(label = "default") {
    label = String(label);
    if (timers.has(label)) { emit(LEVEL.warn, `Timer '${label}' already exists`); return; }
    timers.set(label, ops.now());
  },
  timeLog(label = "default", ...args) {
    label = String(label);
    if (!timers.has(label)) { emit(LEVEL.warn, `Timer '${label}' does not exist`); return; }
    const ms = ops.now() - timers.get(label);
    emit(LEVEL.info, `${label}: ${ms.toFixed(3)}ms` + (args.length ? " " + formatArgs(args) : ""));
  },
  timeEnd(label = "default") {
    label = String(label);
    if (!timers.has(label)) { emit(LEVEL.warn, `Timer '${label}' does not exist`); return; }
    const ms = ops.now() - timers.get(label);
    timers.delete(label);
    emit(LEVEL.info, `${label}: ${ms.toFixed(3)}ms`);
  },
  clear() {},
};
consoleObject.groupCollapsed = consoleObject.group;
Object.defineProperty(consoleObject, Symbol.toStringTag, { value: "console", configurable: true });
Object.defineProperty(globalThis, "console", { value: consoleObject, writable: true, configurable: true, enumerable: false });
