// The parts of the Request constructor most requests never need (Fetch §5.4): checking
// and keeping the RequestInit members NANO does not act on, and taking over another
// request's body. Loaded on first use (see request.js).

const REQUEST_ENUMS = {
  mode: ["navigate", "same-origin", "no-cors", "cors"],
  credentials: ["omit", "same-origin", "include"],
  cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
  referrerPolicy: ["", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"],
  priority: ["high", "low", "auto"],
};

// WebIDL enum conversion: an unknown value is a TypeError.
function requestEnum(member, value) {
  const v = String(value);
  if (!REQUEST_ENUMS[member].includes(v)) {
    throw new TypeError(`Failed to construct 'Request': The provided value '${v}' is not a valid enum value of type Request${member[0].toUpperCase()}${member.slice(1)}.`);
  }
  return v;
}

// Fetch §5.4 constructor steps 17–30 for the members NANO keeps but does not act on.
function requestOptions(base, init) {
  let o = base;
  const set = (k, v) => {
    if (o === base) o = { ...base };
    o[k] = v;
  };
  if (init.cache !== undefined) set("cache", requestEnum("cache", init.cache));
  if (init.credentials !== undefined) set("credentials", requestEnum("credentials", init.credentials));
  if (init.integrity !== undefined) set("integrity", String(init.integrity));
  if (init.keepalive !== undefined) set("keepalive", !!init.keepalive);
  if (init.mode !== undefined) {
    const mode = requestEnum("mode", init.mode);
    if (mode === "navigate") throw new TypeError("Failed to construct 'Request': Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
    set("mode", mode);
  }
  if (init.priority !== undefined) requestEnum("priority", init.priority);
  if (init.referrer !== undefined) {
    const referrer = String(init.referrer);
    if (referrer === "") {
      set("referrer", "");
    } else {
      let href;
      try { href = new (need("url").URL)(referrer).href; } catch { throw new TypeError(`Failed to construct 'Request': Invalid referrer URL: ${referrer}`); }
      set("referrer", href === "about:client" ? "about:client" : href);
    }
  }
  if (init.referrerPolicy !== undefined) set("referrerPolicy", requestEnum("referrerPolicy", init.referrerPolicy));
  if (o.cache === "only-if-cached" && o.mode !== "same-origin") {
    throw new TypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode");
  }
  return o;
}

// The new request takes the input's body (Fetch §5.4 steps 38–41: through a proxy
// stream, leaving the input's stream disturbed and locked). A body nobody has looked at
// as a stream moves as it is; a host body moves out of its stream still untouched.
function takeOverBody(source) {
  const b = source[BODY];
  if (b.isNull) return b;
  if (b.stream === undefined) {
    const moved = new BodyState(null);
    Object.assign(moved, b);
    b.text = b.bytes = b.native = undefined;
    b.used = true;
    b.stream = need("streams").disturbedEmptyStream();
    return moved;
  }
  const native = need("streams").takeNativeBody(b.stream);
  if (native !== undefined) return new BodyState(null, native);
  return new BodyState(b.stream.pipeThrough(new (need("streams").TransformStream)()));
}

