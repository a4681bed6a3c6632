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
      else (0, eval)(String(timer.handler));
    } catch (err) {
      reportException(err);
    }
  });
}

function startTimer(handler, timeout, args, repeat) {
  let delay = Number(timeout);
  if (!(delay >= 0) || !Number.isFinite(delay)) delay = 0;
  delay = Math.min(delay, 2147483647);
  const id = nextTimerId++;
  const timer = { handler, delay, args, repeat };
  activeTimers.set(id, timer);
  armTimer(id, timer);
  return id;
}

function clearTimer(id) {
  id = Number(id);
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
class Performance {
  now() { return ops.now(); }
  get timeOrigin() { return timeOrigin; }
  toJSON() { return { timeOrigin }; }
  get [Symbol.toStringTag]() { return "Performance"; }
}
defineGlobal("Performance", Performance);
defineGlobal("performance", new Performance());
