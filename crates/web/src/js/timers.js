// Timers (HTML "timer initialization steps"), queueMicrotask and performance.
// Each timer is a host sleep; the callback runs as its own turn when it fires.

let nextTimerId = 1;
const activeTimers = new Map();

function armTimer(id, timer) {
  ops.sleep(id, timer.delay).then(() => {
    if (activeTimers.get(id) !== timer) return;
    if (timer.repeat) armTimer(id, timer);
    else activeTimers.delete(id);
    try {
      if (typeof timer.handler === "function") timer.handler.apply(globalThis, timer.args);
      else (0, eval)(timer.handler);
    } catch (err) {
      reportException(err);
    }
  });
}

// WebIDL `long`: ToNumber, NaN and infinities to 0, truncated, wrapped modulo 2^32.
function toLong(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.trunc(n) | 0;
}

function startTimer(handler, timeout, args, repeat) {
  // A handler that is not a function is a string of code (HTML: converted to a DOMString
  // when the timer starts).
  if (typeof handler !== "function") handler = `${handler}`;
  const delay = Math.max(toLong(timeout), 0);
  const id = nextTimerId++;
  const timer = { handler, delay, args, repeat };
  activeTimers.set(id, timer);
  armTimer(id, timer);
  return id;
}

function clearTimer(id) {
  id = toLong(id);
  if (activeTimers.delete(id)) ops.cancelSleep(id);
}

defineGlobal("setTimeout", function setTimeout(handler, timeout = 0, ...args) { return startTimer(handler, timeout, args, false); });
defineGlobal("setInterval", function setInterval(handler, timeout = 0, ...args) { return startTimer(handler, timeout, args, true); });
defineGlobal("clearTimeout", function clearTimeout(id) { clearTimer(id); });
defineGlobal("clearInterval", function clearInterval(id) { clearTimer(id); });

defineGlobal("queueMicrotask", function queueMicrotask(callback) {
  if (typeof callback !== "function") throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  Promise.resolve().then(() => {
    try { callback(); } catch (err) { reportException(err); }
  });
});

const timeOrigin = Date.now() - ops.now();

// User Timing (the cheap part): performance.mark/measure and the entry buffer they fill.
const PERF_ENTRY = Symbol("performanceEntry");
const perfEntries = [];

function perfDetail(detail) {
  return detail === undefined || detail === null ? null : globalThis.structuredClone(detail);
}
function domException(message, name) {
  return new (need("events").DOMException)(message, name);
}
function perfTimestamp(value, what) {
  if (typeof value === "number") {
    if (value < 0) throw new TypeError(`Failed to execute 'measure' on 'Performance': '${what}' cannot be negative.`);
    return value;
  }
  const name = `${value}`;
  for (let i = perfEntries.length - 1; i >= 0; i--) {
    const e = perfEntries[i][PERF_ENTRY];
    if (e.entryType === "mark" && e.name === name) return e.startTime;
  }
  throw domException(`Failed to execute 'measure' on 'Performance': The mark '${name}' does not exist.`, "SyntaxError");
}

class PerformanceEntry {
  constructor() { throw new TypeError("Illegal constructor"); }
  get name() { return this[PERF_ENTRY].name; }
  get entryType() { return this[PERF_ENTRY].entryType; }
  get startTime() { return this[PERF_ENTRY].startTime; }
  get duration() { return this[PERF_ENTRY].duration; }
  toJSON() { const e = this[PERF_ENTRY]; return { name: e.name, entryType: e.entryType, startTime: e.startTime, duration: e.duration }; }
  get [Symbol.toStringTag]() { return "PerformanceEntry"; }
}

function makeEntry(proto, state) {
  const entry = Object.create(proto);
  Object.defineProperty(entry, PERF_ENTRY, { value: state });
  return entry;
}

class PerformanceMark extends PerformanceEntry {
  constructor(markName, markOptions = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'PerformanceMark': 1 argument required, but only 0 present.");
    if (markOptions !== undefined && markOptions !== null && typeof markOptions !== "object") throw new TypeError("Failed to construct 'PerformanceMark': The provided value is not of type 'PerformanceMarkOptions'.");
    const name = `${markName}`;
    let startTime = ops.now();
    if (markOptions && markOptions.startTime !== undefined) {
      startTime = Number(markOptions.startTime);
      if (!Number.isFinite(startTime)) throw new TypeError("Failed to construct 'PerformanceMark': The provided double value is non-finite.");
      if (startTime < 0) throw new TypeError("Failed to construct 'PerformanceMark': 'startTime' cannot be negative.");
    }
    const detail = perfDetail(markOptions ? markOptions.detail : undefined);
    // The entry itself is made without running PerformanceEntry's (illegal) constructor.
    return makeEntry(new.target.prototype, { name, entryType: "mark", startTime, duration: 0, detail });
  }
  get detail() { return this[PERF_ENTRY].detail; }
  get [Symbol.toStringTag]() { return "PerformanceMark"; }
}

class PerformanceMeasure extends PerformanceEntry {
  constructor() { throw new TypeError("Illegal constructor"); }
  get detail() { return this[PERF_ENTRY].detail; }
  get [Symbol.toStringTag]() { return "PerformanceMeasure"; }
}

function byStartTime(list) {
  return list.slice().sort((a, b) => a[PERF_ENTRY].startTime - b[PERF_ENTRY].startTime);
}
function clearEntries(type, name) {
  if (name !== undefined) name = `${name}`;
  for (let i = perfEntries.length - 1; i >= 0; i--) {
    const e = perfEntries[i][PERF_ENTRY];
    if (e.entryType === type && (name === undefined || e.name === name)) perfEntries.splice(i, 1);
  }
}

class Performance {
  now() { return ops.now(); }
  get timeOrigin() { return timeOrigin; }
  toJSON() { return { timeOrigin }; }
  mark(markName, markOptions = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'mark' on 'Performance': 1 argument required, but only 0 present.");
    const entry = new PerformanceMark(markName, markOptions);
    perfEntries.push(entry);
    return entry;
  }
  // User Timing §3.1.3.
  measure(measureName, startOrMeasureOptions = undefined, endMark = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'measure' on 'Performance': 1 argument required, but only 0 present.");
    const name = `${measureName}`;
    const options = startOrMeasureOptions !== null && typeof startOrMeasureOptions === "object" ? startOrMeasureOptions : null;
    const has = (k) => options !== null && options[k] !== undefined;
    if (options !== null && (has("start") || has("end") || has("duration") || has("detail"))) {
      if (endMark !== undefined) throw new TypeError("Failed to execute 'measure' on 'Performance': If a non-empty PerformanceMeasureOptions object was passed, |end_mark| must not be passed.");
      if (!has("start") && !has("end")) throw new TypeError("Failed to execute 'measure' on 'Performance': If a non-empty PerformanceMeasureOptions object was passed, at least one of its 'start' or 'end' properties must be present.");
      if (has("start") && has("duration") && has("end")) throw new TypeError("Failed to execute 'measure' on 'Performance': If a non-empty PerformanceMeasureOptions object was passed, it must not have all of its 'start', 'duration', and 'end' properties defined");
    }
    let end;
    if (endMark !== undefined) end = perfTimestamp(endMark, "end");
    else if (has("end")) end = perfTimestamp(options.end, "end");
    else if (has("start") && has("duration")) end = perfTimestamp(options.start, "start") + perfTimestamp(Number(options.duration), "duration");
    else end = ops.now();
    let start;
    if (has("start")) start = perfTimestamp(options.start, "start");
    else if (has("duration") && has("end")) start = end - perfTimestamp(Number(options.duration), "duration");
    else if (options === null && startOrMeasureOptions !== undefined) start = perfTimestamp(`${startOrMeasureOptions}`, "start");
    else start = 0;
    const detail = perfDetail(options ? options.detail : undefined);
    const entry = makeEntry(PerformanceMeasure.prototype, { name, entryType: "measure", startTime: start, duration: end - start, detail });
    perfEntries.push(entry);
    return entry;
  }
  clearMarks(markName = undefined) { clearEntries("mark", markName); }
  clearMeasures(measureName = undefined) { clearEntries("measure", measureName); }
  getEntries() { return byStartTime(perfEntries); }
  getEntriesByType(type) { type = `${type}`; return byStartTime(perfEntries.filter((e) => e[PERF_ENTRY].entryType === type)); }
  getEntriesByName(name, type = undefined) {
    name = `${name}`;
    if (type !== undefined) type = `${type}`;
    return byStartTime(perfEntries.filter((e) => e[PERF_ENTRY].name === name && (type === undefined || e[PERF_ENTRY].entryType === type)));
  }
  get [Symbol.toStringTag]() { return "Performance"; }
}
defineGlobal("Performance", Performance);
defineGlobal("PerformanceEntry", PerformanceEntry);
defineGlobal("PerformanceMark", PerformanceMark);
defineGlobal("PerformanceMeasure", PerformanceMeasure);
defineGlobal("performance", new Performance());
