// W3C Web Cryptography API: crypto.getRandomValues, crypto.randomUUID, CryptoKey and
// SubtleCrypto. This file normalizes algorithms (§18.4), converts the WebIDL dictionaries,
// checks usages and key formats and throws the spec's errors; the key material lives in
// Rust (crypto/mod.rs), reached by an id, and every primitive runs there.
// Keep in sync with crypto/mod.rs (op names and arguments).

const OPERATION_ERRORS = new Set(["DataError", "OperationError", "NotSupportedError", "InvalidAccessError"]);

function dom(name, message) { return new DOMException(message, name); }

// Rust ops throw an Error whose name is a DOMException name; make it the real thing.
function rewrap(e) {
  if (e instanceof Error && !(e instanceof DOMException) && OPERATION_ERRORS.has(e.name)) return dom(e.name, e.message);
  return e;
}

function asciiLower(s) { return /[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s; }

// ---- WebIDL conversions ----

// WebIDL "get a copy of the bytes held by the buffer source": a detached buffer holds
// no bytes (it is not an error).
const arrayBufferDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached").get;
function isDetachedSource(value) {
  return arrayBufferDetached.call(value instanceof ArrayBuffer ? value : value.buffer);
}

function copyBuffer(value, what) {
  if (value instanceof ArrayBuffer) return isDetachedSource(value) ? new Uint8Array(0) : new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) {
    if (isDetachedSource(value)) return new Uint8Array(0);
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  }
  throw new TypeError(`${what} is not a BufferSource`);
}

// A BufferSource argument the Rust op copies synchronously, before any script can run
// (the op is called before the method's first await): checked here, copied there.
function bufferArg(value, what) {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return isDetachedSource(value) ? new Uint8Array(0) : value;
  throw new TypeError(`${what} is not a BufferSource`);
}

function enforceRange(value, max, what) {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`${what} is not a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > max) throw new TypeError(`${what} is outside the accepted range`);
  return t;
}

// The KeyUsage enum; the last four come from the Modern Algorithms draft (no algorithm
// here allows them, so asking for one is the usual SyntaxError, not a TypeError).
const RECOGNIZED_USAGES = [
  "encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey",
  "encapsulateKey", "encapsulateBits", "decapsulateKey", "decapsulateBits",
];

function toUsages(value) {
  if (value === null || typeof value !== "object" || typeof value[Symbol.iterator] !== "function") {
    throw new TypeError("keyUsages is not a sequence");
  }
  const out = [];
  for (const u of value) {
    const s = `${u}`;
    if (!RECOGNIZED_USAGES.includes(s)) throw new TypeError(`'${s}' is not a valid KeyUsage`);
    out.push(s);
  }
  return out;
}

// The usage intersection (§14.2): in the order of the recognized usages, once each.
function intersect(usages, allowed) {
  return RECOGNIZED_USAGES.filter((u) => usages.includes(u) && allowed.includes(u));
}

function checkUsages(usages, allowed) {
  for (const u of usages) if (!allowed.includes(u)) throw dom("SyntaxError", `Unsupported key usage '${u}' for this key`);
}

// ---- Algorithm normalization (§18.4) ----

// Dictionary member types: buffer (BufferSource), hash (HashAlgorithmIdentifier),
// octet/ushort/ulong ([EnforceRange] integers), bigint (BigInteger, a Uint8Array),
// string (DOMString), key (CryptoKey). Members are listed in lexicographic order, as
// WebIDL converts them.
const DICTIONARIES = {
  Algorithm: [],
  AesCbcParams: [["iv", "buffer", true]],
  AesCtrParams: [["counter", "buffer", true], ["length", "octet", true]],
  AesGcmParams: [["additionalData", "buffer", false], ["iv", "buffer", true], ["tagLength", "octet", false]],
  RsaOaepParams: [["label", "buffer", false]],
  RsaPssParams: [["saltLength", "ulong", true]],
  EcdsaParams: [["hash", "hash", true]],
  AesKeyGenParams: [["length", "ushort", true]],
  AesDerivedKeyParams: [["length", "ushort", true]],
  HmacKeyGenParams: [["hash", "hash", true], ["length", "ulong", false]],
  HmacImportParams: [["hash", "hash", true], ["length", "ulong", false]],
  RsaHashedKeyGenParams: [["hash", "hash", true], ["modulusLength", "ulong", true], ["publicExponent", "bigint", true]],
  RsaHashedImportParams: [["hash", "hash", true]],
  EcKeyGenParams: [["namedCurve", "string", true]],
  EcKeyImportParams: [["namedCurve", "string", true]],
  EcdhKeyDeriveParams: [["public", "key", true]],
  HkdfParams: [["hash", "hash", true], ["info", "buffer", true], ["salt", "buffer", true]],
  Pbkdf2Params: [["hash", "hash", true], ["iterations", "ulong", true], ["salt", "buffer", true]],
};

const SHAS = { "SHA-1": "Algorithm", "SHA-256": "Algorithm", "SHA-384": "Algorithm", "SHA-512": "Algorithm" };
const RSA_NAMES = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const AES_NAMES = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"];
const EC_NAMES = ["ECDSA", "ECDH"];
const OKP_NAMES = ["Ed25519", "X25519"];

function each(names, dict) { return Object.fromEntries(names.map((n) => [n, dict])); }

const SUPPORTED = {
  digest: SHAS,
  encrypt: { "RSA-OAEP": "RsaOaepParams", "AES-CTR": "AesCtrParams", "AES-CBC": "AesCbcParams", "AES-GCM": "AesGcmParams" },
  sign: { "RSASSA-PKCS1-v1_5": "Algorithm", "RSA-PSS": "RsaPssParams", ECDSA: "EcdsaParams", HMAC: "Algorithm", Ed25519: "Algorithm" },
  generateKey: {
    ...each(RSA_NAMES, "RsaHashedKeyGenParams"),
    ...each(EC_NAMES, "EcKeyGenParams"),
    ...each(AES_NAMES, "AesKeyGenParams"),
    HMAC: "HmacKeyGenParams",
    ...each(OKP_NAMES, "Algorithm"),
  },
  importKey: {
    ...each(RSA_NAMES, "RsaHashedImportParams"),
    ...each(EC_NAMES, "EcKeyImportParams"),
    ...each(AES_NAMES, "Algorithm"),
    HMAC: "HmacImportParams",
    HKDF: "Algorithm",
    PBKDF2: "Algorithm",
    ...each(OKP_NAMES, "Algorithm"),
  },
  deriveBits: { ECDH: "EcdhKeyDeriveParams", X25519: "EcdhKeyDeriveParams", HKDF: "HkdfParams", PBKDF2: "Pbkdf2Params" },
  "get key length": { ...each(AES_NAMES, "AesDerivedKeyParams"), HMAC: "HmacImportParams", HKDF: "Algorithm", PBKDF2: "Algorithm" },
  wrapKey: { "AES-KW": "Algorithm" },
};
SUPPORTED.decrypt = SUPPORTED.encrypt;
SUPPORTED.verify = SUPPORTED.sign;
SUPPORTED.unwrapKey = SUPPORTED.wrapKey;
// Per operation: ASCII-lowercased name -> registered name.
const LOOKUP = Object.fromEntries(Object.entries(SUPPORTED).map(([op, table]) => [op, new Map(Object.keys(table).map((k) => [asciiLower(k), k]))]));

function normalize(op, alg) {
  if (typeof alg === "string") {
    // The common case, without a dictionary to read.
    const canonical = LOOKUP[op].get(asciiLower(alg));
    if (canonical !== undefined && DICTIONARIES[SUPPORTED[op][canonical]].length === 0) return { name: canonical };
    return normalize(op, { name: alg });
  }
  if (alg === null || (typeof alg !== "object" && typeof alg !== "function")) {
    throw new TypeError("Algorithm must be an object or a string");
  }
  // Read once: a getter runs once per dictionary member.
  const rawName = alg.name;
  if (rawName === undefined) throw new TypeError("Algorithm: name is required");
  const name = `${rawName}`;
  const table = SUPPORTED[op];
  const canonical = LOOKUP[op].get(asciiLower(name));
  if (canonical === undefined) throw dom("NotSupportedError", `Unrecognized algorithm name for ${op}: ${name}`);
  const out = { name: canonical };
  for (const [member, type, required] of DICTIONARIES[table[canonical]]) {
    const value = alg[member];
    if (value === undefined) {
      if (required) throw new TypeError(`${canonical}: member '${member}' is required`);
      continue;
    }
    out[member] = convert(value, type, `${canonical}.${member}`);
  }
  return out;
}

function convert(value, type, what) {
  switch (type) {
    case "buffer": return copyBuffer(value, what);
    case "hash": return normalize("digest", value);
    case "octet": return enforceRange(value, 0xFF, what);
    case "ushort": return enforceRange(value, 0xFFFF, what);
    case "ulong": return enforceRange(value, 0xFFFFFFFF, what);
    case "string": return `${value}`;
    case "bigint":
      if (!(value instanceof Uint8Array)) throw new TypeError(`${what} is not a Uint8Array`);
      return new Uint8Array(value);
    case "key":
      if (!slots.has(value)) throw new TypeError(`${what} is not a CryptoKey`);
      return value;
  }
  throw new TypeError(`unknown member type ${type}`);
}

// ---- CryptoKey (§13) ----

const TOKEN = Symbol("CryptoKey");
const slots = new WeakMap();
const freeKeys = typeof FinalizationRegistry === "function" ? new FinalizationRegistry((id) => ops.cryptoKeyFree(id)) : null;

function keySlots(key, what = "CryptoKey") {
  const s = slots.get(key);
  if (s === undefined) throw new TypeError(`${what} is not a CryptoKey`);
  return s;
}

class CryptoKey {
  constructor(token, type, extractable, algorithm, usages, id) {
    if (token !== TOKEN) throw new TypeError("Illegal constructor");
    // `ballast` charges the key material held in Rust to this isolate's metered heap.
    slots.set(this, { type, extractable, algorithm, usages, id, ballast: new ArrayBuffer(ops.cryptoKeySize(id)) });
    if (freeKeys) freeKeys.register(this, id);
  }
  get type() { return keySlots(this).type; }
  get extractable() { return keySlots(this).extractable; }
  get algorithm() { return keySlots(this).algorithm; }
  get usages() { return keySlots(this).usages; }
  get [Symbol.toStringTag]() { return "CryptoKey"; }
  [INSPECT_CUSTOM]() {
    const { type, extractable, algorithm, usages } = keySlots(this);
    return "CryptoKey " + need("inspect").inspect({ type, extractable, algorithm, usages });
  }
}

function newKey(type, extractable, algorithm, usages, id) {
  return new CryptoKey(TOKEN, type, extractable, algorithm, usages, id);
}

function hashAlg(hash) { return { name: hash.name }; }

// ---- per-algorithm key handling ----

function kindOf(name) {
  if (AES_NAMES.includes(name)) return "aes";
  if (RSA_NAMES.includes(name)) return "rsa";
  if (EC_NAMES.includes(name)) return "ec";
  if (OKP_NAMES.includes(name)) return "okp";
  if (name === "HMAC") return "hmac";
  return "kdf";
}

// The usages each key type allows: [secret] or [private, public].
function allowedUsages(name) {
  switch (name) {
    case "AES-CTR": case "AES-CBC": case "AES-GCM": return { secret: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] };
    case "AES-KW": return { secret: ["wrapKey", "unwrapKey"] };
    case "HMAC": return { secret: ["sign", "verify"] };
    case "HKDF": case "PBKDF2": return { secret: ["deriveKey", "deriveBits"] };
    case "RSA-OAEP": return { private: ["decrypt", "unwrapKey"], public: ["encrypt", "wrapKey"] };
    case "ECDH": case "X25519": return { private: ["deriveKey", "deriveBits"], public: [] };
    default: return { private: ["sign"], public: ["verify"] };
  }
}

const CURVES = ["P-256", "P-384", "P-521"];

function rsaAlgorithm(name, hash, id) {
  const [modulusLength, publicExponent] = ops.cryptoRsaInfo(id);
  return { name, modulusLength, publicExponent, hash: hashAlg(hash) };
}

// ---- JWK (RFC 7517/7518) ----

function jwkAlgFor(algorithm) {
  const { name } = algorithm;
  const hashBits = algorithm.hash ? algorithm.hash.name.slice(4) : "";
  switch (name) {
    case "AES-CTR": case "AES-CBC": case "AES-GCM": case "AES-KW":
      return `A${algorithm.length}${name.slice(4)}`;
    case "HMAC": return `HS${hashBits === "1" ? "1" : hashBits}`;
    case "RSASSA-PKCS1-v1_5": return `RS${hashBits}`;
    case "RSA-PSS": return `PS${hashBits}`;
    case "RSA-OAEP": return hashBits === "1" ? "RSA-OAEP" : `RSA-OAEP-${hashBits}`;
  }
  return undefined;
}

function jwkUse(name) {
  return ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW", "RSA-OAEP", "ECDH", "X25519"].includes(name) ? "enc" : "sig";
}

// The checks every JWK import shares (use, key_ops, ext: §§ "import key" for each
// algorithm).
function checkJwkCommon(jwk, name, extractable, usages) {
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== jwkUse(name)) throw dom("DataError", "JWK 'use' does not allow these usages");
  if (jwk.key_ops !== undefined) {
    const ops_ = jwk.key_ops;
    if (!Array.isArray(ops_) || new Set(ops_).size !== ops_.length) throw dom("DataError", "JWK 'key_ops' is invalid");
    for (const u of usages) if (!ops_.includes(u)) throw dom("DataError", `JWK 'key_ops' does not include '${u}'`);
  }
  if (jwk.ext === false && extractable) throw dom("DataError", "JWK is not extractable");
}

// WebIDL JsonWebKey: the members are strings, booleans or sequences as declared.
function toJwk(value) {
  if (value === null || typeof value !== "object" || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    throw new TypeError("keyData is not a JsonWebKey");
  }
  const jwk = {};
  for (const m of ["alg", "crv", "d", "dp", "dq", "e", "k", "kty", "n", "p", "q", "qi", "use", "x", "y"]) {
    if (value[m] !== undefined) jwk[m] = `${value[m]}`;
  }
  if (value.ext !== undefined) jwk.ext = !!value.ext;
  if (value.key_ops !== undefined) jwk.key_ops = toUsagesLoose(value.key_ops);
  if (value.oth !== undefined) jwk.oth = value.oth;
  // A missing kty is the algorithm's DataError ("kty is not 'oct'"...), not a TypeError.
  return jwk;
}

function toUsagesLoose(value) {
  if (value === null || typeof value !== "object" || typeof value[Symbol.iterator] !== "function") throw new TypeError("key_ops is not a sequence");
  return Array.from(value, (v) => `${v}`);
}

function need_(jwk, member) {
  if (typeof jwk[member] !== "string") throw dom("DataError", `JWK member '${member}' is missing`);
  return jwk[member];
}

// ---- import ----

function importKeyInner(format, keyData, alg, extractable, usages) {
  const { name } = alg;
  const kind = kindOf(name);
  const allowed = allowedUsages(name);
  if (kind === "aes" || kind === "hmac" || kind === "kdf") {
    checkUsages(usages, allowed.secret);
    let bytes;
    if (format === "raw") {
      bytes = keyData;
    } else if (format === "jwk" && kind !== "kdf") {
      const jwk = keyData;
      if (jwk.kty !== "oct") throw dom("DataError", "JWK 'kty' must be 'oct'");
      bytes = ops.cryptoB64uDecode(need_(jwk, "k"));
      if (kind === "aes") {
        if (jwk.alg !== undefined && jwk.alg !== jwkAlgFor({ name, length: bytes.length * 8 })) throw dom("DataError", "JWK 'alg' does not match");
      } else if (jwk.alg !== undefined && jwk.alg !== jwkAlgFor({ name, hash: alg.hash })) {
        throw dom("DataError", "JWK 'alg' does not match the hash");
      }
      checkJwkCommon(jwk, name, extractable, usages);
    } else {
      throw dom("NotSupportedError", `Format '${format}' is not supported for ${name}`);
    }
    let algorithm;
    if (kind === "aes") {
      if (![16, 24, 32].includes(bytes.length)) throw dom("DataError", "AES keys are 128, 192 or 256 bits");
      algorithm = { name, length: bytes.length * 8 };
    } else if (kind === "hmac") {
      let length = bytes.length * 8;
      if (length === 0) throw dom("DataError", "HMAC key data is empty");
      if (alg.length !== undefined) {
        if (alg.length > length || alg.length <= length - 8) throw dom("DataError", "HMAC length does not match the key data");
        length = alg.length;
      }
      algorithm = { name, hash: hashAlg(alg.hash), length };
    } else {
      if (extractable) throw dom("SyntaxError", `${name} keys cannot be extractable`);
      algorithm = { name };
    }
    return newKey("secret", extractable, algorithm, intersect(usages, allowed.secret), ops.cryptoSecretImport(bytes));
  }

  // Asymmetric keys.
  let id, type;
  if (kind === "rsa") {
    if (format === "spki" || format === "pkcs8") {
      type = format === "spki" ? "public" : "private";
      checkUsages(usages, allowed[type]);
      id = ops.cryptoRsaImport(format, keyData);
    } else if (format === "jwk") {
      const jwk = keyData;
      type = jwk.d !== undefined ? "private" : "public";
      checkUsages(usages, allowed[type]);
      if (jwk.kty !== "RSA") throw dom("DataError", "JWK 'kty' must be 'RSA'");
      checkJwkCommon(jwk, name, extractable, usages);
      if (jwk.alg !== undefined && jwk.alg !== jwkAlgFor({ name, hash: alg.hash })) throw dom("DataError", "JWK 'alg' does not match the hash");
      if (jwk.oth !== undefined) throw dom("NotSupportedError", "multi-prime RSA keys are not supported");
      const priv = type === "private" ? ["d", "p", "q", "dp", "dq", "qi"].map((m) => need_(jwk, m)) : undefined;
      id = ops.cryptoRsaImportJwk(need_(jwk, "n"), need_(jwk, "e"), priv);
    } else {
      throw dom("NotSupportedError", `Format '${format}' is not supported for ${name}`);
    }
    const algorithm = rsaAlgorithm(name, alg.hash, id);
    return finishAsymmetric(type, extractable, algorithm, usages, allowed, id);
  }
  if (kind === "ec") {
    const curve = alg.namedCurve;
    // §23.7/§24.5 "import key": a curve with no import steps is a DataError (generateKey
    // says NotSupportedError for the same curve).
    if (!CURVES.includes(curve)) throw dom("DataError", `Unsupported named curve '${curve}'`);
    if (format === "raw" || format === "spki" || format === "pkcs8") {
      type = format === "pkcs8" ? "private" : "public";
      checkUsages(usages, allowed[type]);
      id = ops.cryptoEcImport(curve, format, keyData);
    } else if (format === "jwk") {
      const jwk = keyData;
      type = jwk.d !== undefined ? "private" : "public";
      checkUsages(usages, allowed[type]);
      if (jwk.kty !== "EC") throw dom("DataError", "JWK 'kty' must be 'EC'");
      if (jwk.crv !== curve) throw dom("DataError", "JWK 'crv' does not match namedCurve");
      checkJwkCommon(jwk, name, extractable, usages);
      if (name === "ECDSA" && jwk.alg !== undefined) {
        const expected = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[curve];
        if (jwk.alg !== expected) throw dom("DataError", "JWK 'alg' does not match the curve");
      }
      id = ops.cryptoEcImportJwk(curve, need_(jwk, "x"), need_(jwk, "y"), jwk.d);
    } else {
      throw dom("NotSupportedError", `Format '${format}' is not supported for ${name}`);
    }
    return finishAsymmetric(type, extractable, { name, namedCurve: curve }, usages, allowed, id);
  }
  // Ed25519 / X25519
  if (format === "raw" || format === "spki" || format === "pkcs8") {
    type = format === "pkcs8" ? "private" : "public";
    checkUsages(usages, allowed[type]);
    id = ops.cryptoOkpImport(name, format, keyData);
  } else if (format === "jwk") {
    const jwk = keyData;
    type = jwk.d !== undefined ? "private" : "public";
    checkUsages(usages, allowed[type]);
    if (jwk.kty !== "OKP") throw dom("DataError", "JWK 'kty' must be 'OKP'");
    if (jwk.crv !== name) throw dom("DataError", `JWK 'crv' must be '${name}'`);
    if (name === "Ed25519" && jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") throw dom("DataError", "JWK 'alg' does not match");
    checkJwkCommon(jwk, name, extractable, usages);
    id = ops.cryptoOkpImportJwk(name, need_(jwk, "x"), jwk.d);
  } else {
    throw dom("NotSupportedError", `Format '${format}' is not supported for ${name}`);
  }
  return finishAsymmetric(type, extractable, { name }, usages, allowed, id);
}

function finishAsymmetric(type, extractable, algorithm, usages, allowed, id) {
  return newKey(type, extractable, algorithm, intersect(usages, allowed[type]), id);
}

// ---- export ----

function exportKeyInner(format, key) {
  const s = keySlots(key);
  if (!s.extractable) throw dom("InvalidAccessError", "The key is not extractable");
  const { name } = s.algorithm;
  const kind = kindOf(name);
  const unsupported = () => dom("NotSupportedError", `Format '${format}' is not supported for ${name}`);
  const jwkBase = (fields) => {
    // JsonWebKey members in WebIDL (lexicographic) order.
    const all = { ...fields, key_ops: [...s.usages], ext: s.extractable };
    const out = {};
    for (const m of Object.keys(all).sort()) if (all[m] !== undefined) out[m] = all[m];
    return out;
  };
  if (kind === "aes" || kind === "hmac") {
    if (format === "raw") return ops.cryptoSecretExport(s.id);
    if (format === "jwk") return jwkBase({ kty: "oct", k: ops.cryptoSecretExportJwk(s.id), alg: jwkAlgFor(s.algorithm) });
    throw unsupported();
  }
  if (kind === "kdf") throw unsupported();
  if (kind === "rsa") {
    if (format === "spki" || format === "pkcs8") {
      if ((format === "spki") !== (s.type === "public")) throw dom("InvalidAccessError", `A ${s.type} key cannot be exported as ${format}`);
      return ops.cryptoRsaExport(s.id, format);
    }
    if (format !== "jwk") throw unsupported();
    const [n, e, d, p, q, dp, dq, qi] = ops.cryptoRsaExportJwk(s.id);
    return jwkBase({ kty: "RSA", alg: jwkAlgFor(s.algorithm), n, e, d, p, q, dp, dq, qi });
  }
  if (kind === "ec") {
    if (format === "raw" || format === "spki" || format === "pkcs8") {
      if ((format === "pkcs8") !== (s.type === "private")) throw dom("InvalidAccessError", `A ${s.type} key cannot be exported as ${format}`);
      return ops.cryptoEcExport(s.id, format);
    }
    if (format !== "jwk") throw unsupported();
    const [x, y, d] = ops.cryptoEcExportJwk(s.id);
    return jwkBase({ kty: "EC", crv: s.algorithm.namedCurve, x, y, d });
  }
  if (format === "raw" || format === "spki" || format === "pkcs8") {
    if ((format === "pkcs8") !== (s.type === "private")) throw dom("InvalidAccessError", `A ${s.type} key cannot be exported as ${format}`);
    return ops.cryptoOkpExport(name, s.id, format);
  }
  if (format !== "jwk") throw unsupported();
  const [x, d] = ops.cryptoOkpExportJwk(s.id);
  return jwkBase({ kty: "OKP", crv: name, x, d });
}

// ---- generate ----

async function generateKeyInner(alg, extractable, usages) {
  const { name } = alg;
  const kind = kindOf(name);
  const allowed = allowedUsages(name);
  if (allowed.secret) {
    checkUsages(usages, allowed.secret);
    let algorithm, bytes;
    if (kind === "aes") {
      if (![128, 192, 256].includes(alg.length)) throw dom("OperationError", "AES key length must be 128, 192 or 256 bits");
      algorithm = { name, length: alg.length };
      bytes = alg.length / 8;
    } else {
      const length = alg.length === undefined ? blockBits(alg.hash.name) : alg.length;
      if (length === 0 || length % 8 !== 0) throw dom("OperationError", "HMAC key length must be a non-zero multiple of 8");
      // Generated key bytes live outside the metered heap: bound them (64 KiB).
      if (length > 65536 * 8) throw dom("OperationError", "HMAC keys are limited to 64 KiB");
      algorithm = { name, hash: hashAlg(alg.hash), length };
      bytes = length / 8;
    }
    const u = intersect(usages, allowed.secret);
    if (u.length === 0) throw dom("SyntaxError", "usages must not be empty");
    return newKey("secret", extractable, algorithm, u, ops.cryptoSecretGenerate(bytes));
  }
  checkUsages(usages, [...allowed.private, ...allowed.public]);
  let ids, algorithm;
  if (kind === "rsa") {
    ids = await ops.cryptoRsaGenerate(alg.modulusLength, alg.publicExponent);
    algorithm = rsaAlgorithm(name, alg.hash, ids[1]);
  } else if (kind === "ec") {
    if (!CURVES.includes(alg.namedCurve)) throw dom("NotSupportedError", `Unsupported named curve '${alg.namedCurve}'`);
    ids = ops.cryptoEcGenerate(alg.namedCurve);
    algorithm = { name, namedCurve: alg.namedCurve };
  } else {
    ids = ops.cryptoOkpGenerate(name);
    algorithm = { name };
  }
  const privateUsages = intersect(usages, allowed.private);
  if (privateUsages.length === 0) throw dom("SyntaxError", "usages must include one for the private key");
  const publicKey = newKey("public", true, algorithm, intersect(usages, allowed.public), ids[1]);
  const copy = { ...algorithm };
  if (algorithm.hash) copy.hash = { ...algorithm.hash };
  if (algorithm.publicExponent) copy.publicExponent = new Uint8Array(algorithm.publicExponent);
  const privateKey = newKey("private", extractable, copy, privateUsages, ids[0]);
  return { publicKey, privateKey };
}

function blockBits(hash) { return hash === "SHA-384" || hash === "SHA-512" ? 1024 : 512; }

// ---- the operations ----

function checkKey(key, alg, usage) {
  const s = keySlots(key);
  if (s.algorithm.name !== alg.name) throw dom("InvalidAccessError", `The key is not a ${alg.name} key`);
  if (!s.usages.includes(usage)) throw dom("InvalidAccessError", `The key does not allow '${usage}'`);
  return s;
}

async function cipher(encrypt, alg, key, data) {
  const s = checkKey(key, alg, encrypt ? "encrypt" : "decrypt");
  switch (alg.name) {
    case "AES-CBC": return ops.cryptoAesCbc(encrypt, s.id, alg.iv, data);
    case "AES-CTR": return ops.cryptoAesCtr(s.id, alg.counter, alg.length, data);
    case "AES-GCM":
      return ops.cryptoAesGcm(encrypt, s.id, alg.iv, alg.additionalData ?? new Uint8Array(0), alg.tagLength ?? 128, data);
    case "RSA-OAEP":
      if (s.type !== (encrypt ? "public" : "private")) throw dom("InvalidAccessError", `RSA-OAEP needs a ${encrypt ? "public" : "private"} key`);
      return ops.cryptoRsaOaep(encrypt, s.id, s.algorithm.hash.name, alg.label ?? new Uint8Array(0), data);
  }
  throw dom("NotSupportedError", alg.name);
}

async function signInner(alg, key, data) {
  const s = checkKey(key, alg, "sign");
  if (alg.name !== "HMAC" && s.type !== "private") throw dom("InvalidAccessError", "signing needs a private key");
  switch (alg.name) {
    case "HMAC": return ops.cryptoHmacSign(s.id, s.algorithm.hash.name, data);
    case "ECDSA": return ops.cryptoEcdsaSign(s.id, alg.hash.name, data);
    case "Ed25519": return ops.cryptoEd25519Sign(s.id, data);
    case "RSASSA-PKCS1-v1_5": return ops.cryptoRsaSign(null, s.id, s.algorithm.hash.name, data);
    case "RSA-PSS": return ops.cryptoRsaSign(alg.saltLength, s.id, s.algorithm.hash.name, data);
  }
  throw dom("NotSupportedError", alg.name);
}

async function verifyInner(alg, key, signature, data) {
  const s = checkKey(key, alg, "verify");
  if (alg.name !== "HMAC" && s.type !== "public") throw dom("InvalidAccessError", "verifying needs a public key");
  switch (alg.name) {
    case "HMAC": return ops.cryptoHmacVerify(s.id, s.algorithm.hash.name, signature, data);
    case "ECDSA": return ops.cryptoEcdsaVerify(s.id, alg.hash.name, signature, data);
    case "Ed25519": return ops.cryptoEd25519Verify(s.id, signature, data);
    case "RSASSA-PKCS1-v1_5": return ops.cryptoRsaVerify(null, s.id, s.algorithm.hash.name, signature, data);
    case "RSA-PSS": return ops.cryptoRsaVerify(alg.saltLength, s.id, s.algorithm.hash.name, signature, data);
  }
  throw dom("NotSupportedError", alg.name);
}

async function deriveBitsInner(alg, s, length) {
  switch (alg.name) {
    case "ECDH": case "X25519": {
      if (s.type !== "private") throw dom("InvalidAccessError", "the base key must be a private key");
      const pub = keySlots(alg.public, "public");
      if (pub.type !== "public") throw dom("InvalidAccessError", "'public' must be a public key");
      if (pub.algorithm.name !== s.algorithm.name) throw dom("InvalidAccessError", "'public' is for another algorithm");
      if (alg.name === "ECDH") {
        if (pub.algorithm.namedCurve !== s.algorithm.namedCurve) throw dom("InvalidAccessError", "'public' is on another curve");
        return ops.cryptoEcdh(s.id, pub.id, length);
      }
      return ops.cryptoX25519(s.id, pub.id, length);
    }
    case "HKDF":
      if (length === null) throw dom("OperationError", "HKDF needs a length");
      return ops.cryptoHkdf(s.id, alg.hash.name, alg.salt, alg.info, length);
    case "PBKDF2":
      if (length === null) throw dom("OperationError", "PBKDF2 needs a length");
      if (length % 8 !== 0) throw dom("OperationError", "PBKDF2 length must be a multiple of 8");
      if (alg.iterations === 0) throw dom("OperationError", "PBKDF2 iterations must not be zero");
      return ops.cryptoPbkdf2(s.id, alg.hash.name, alg.salt, alg.iterations, length);
  }
  throw dom("NotSupportedError", alg.name);
}

// §18.4 "get key length" for deriveKey's derivedKeyType.
function keyLength(alg) {
  if (AES_NAMES.includes(alg.name)) {
    if (![128, 192, 256].includes(alg.length)) throw dom("OperationError", "AES key length must be 128, 192 or 256 bits");
    return alg.length;
  }
  if (alg.name === "HMAC") {
    if (alg.length === undefined) return blockBits(alg.hash.name);
    if (alg.length === 0) throw dom("TypeError", "HMAC length must not be zero");
    return alg.length;
  }
  return null;
}

function keyDataFor(format, keyData) {
  if (format === "jwk") return toJwk(keyData);
  if (format === "raw" || format === "spki" || format === "pkcs8") return copyBuffer(keyData, "keyData");
  throw new TypeError(`'${format}' is not a valid KeyFormat`);
}

function checkFormat(format) {
  const f = `${format}`;
  if (!["raw", "spki", "pkcs8", "jwk"].includes(f)) throw new TypeError(`'${f}' is not a valid KeyFormat`);
  return f;
}

function brand(self) {
  if (self !== subtle) throw new TypeError("Illegal invocation");
}

function args(n, given, method) {
  if (given < n) throw new TypeError(`Failed to execute '${method}' on 'SubtleCrypto': ${n} arguments required, but only ${given} present.`);
}

function utf8(bytes) { return ops.textDecode("utf-8", bytes, true, false); }

class SubtleCrypto {
  constructor(token) { if (token !== TOKEN) throw new TypeError("Illegal constructor"); }

  async encrypt(algorithm, key, data) {
    try {
      brand(this);
      args(3, arguments.length, "encrypt");
      const alg = normalize("encrypt", algorithm);
      return await cipher(true, alg, key, bufferArg(data, "data"));
    } catch (e) { throw rewrap(e); }
  }

  async decrypt(algorithm, key, data) {
    try {
      brand(this);
      args(3, arguments.length, "decrypt");
      const alg = normalize("decrypt", algorithm);
      return await cipher(false, alg, key, bufferArg(data, "data"));
    } catch (e) { throw rewrap(e); }
  }

  async sign(algorithm, key, data) {
    try {
      brand(this);
      args(3, arguments.length, "sign");
      const alg = normalize("sign", algorithm);
      return await signInner(alg, key, bufferArg(data, "data"));
    } catch (e) { throw rewrap(e); }
  }

  async verify(algorithm, key, signature, data) {
    try {
      brand(this);
      args(4, arguments.length, "verify");
      const alg = normalize("verify", algorithm);
      return await verifyInner(alg, key, bufferArg(signature, "signature"), bufferArg(data, "data"));
    } catch (e) { throw rewrap(e); }
  }

  async digest(algorithm, data) {
    try {
      brand(this);
      args(2, arguments.length, "digest");
      const alg = normalize("digest", algorithm);
      return await ops.cryptoDigest(alg.name, bufferArg(data, "data"));
    } catch (e) { throw rewrap(e); }
  }

  async generateKey(algorithm, extractable, keyUsages) {
    try {
      brand(this);
      args(3, arguments.length, "generateKey");
      const u = toUsages(keyUsages);
      const alg = normalize("generateKey", algorithm);
      return await generateKeyInner(alg, !!extractable, u);
    } catch (e) { throw rewrap(e); }
  }

  async importKey(format, keyData, algorithm, extractable, keyUsages) {
    try {
      brand(this);
      args(5, arguments.length, "importKey");
      const f = checkFormat(format);
      const data = keyDataFor(f, keyData);
      const u = toUsages(keyUsages);
      const alg = normalize("importKey", algorithm);
      const key = importKeyInner(f, data, alg, !!extractable, u);
      const s = keySlots(key);
      if ((s.type === "secret" || s.type === "private") && s.usages.length === 0) throw dom("SyntaxError", "usages must not be empty");
      return key;
    } catch (e) { throw rewrap(e); }
  }

  async exportKey(format, key) {
    try {
      brand(this);
      args(2, arguments.length, "exportKey");
      const f = checkFormat(format);
      keySlots(key, "key");
      return exportKeyInner(f, key);
    } catch (e) { throw rewrap(e); }
  }

  async deriveBits(algorithm, baseKey, length = null) {
    try {
      brand(this);
      args(2, arguments.length, "deriveBits");
      const alg = normalize("deriveBits", algorithm);
      const len = length === null ? null : enforceRange(length, 0xFFFFFFFF, "length");
      const s = checkKey(baseKey, alg, "deriveBits");
      return await deriveBitsInner(alg, s, len);
    } catch (e) { throw rewrap(e); }
  }

  async deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    try {
      brand(this);
      args(5, arguments.length, "deriveKey");
      const alg = normalize("deriveBits", algorithm);
      const imp = normalize("importKey", derivedKeyType);
      const lenAlg = normalize("get key length", derivedKeyType);
      const u = toUsages(keyUsages);
      const s = checkKey(baseKey, alg, "deriveKey");
      const length = keyLength(lenAlg);
      const secret = new Uint8Array(await deriveBitsInner(alg, s, length));
      const key = importKeyInner("raw", secret, imp, !!extractable, u);
      const k = keySlots(key);
      if ((k.type === "secret" || k.type === "private") && k.usages.length === 0) throw dom("SyntaxError", "usages must not be empty");
      return key;
    } catch (e) { throw rewrap(e); }
  }

  async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    try {
      brand(this);
      args(4, arguments.length, "wrapKey");
      const f = checkFormat(format);
      let alg;
      try { alg = normalize("wrapKey", wrapAlgorithm); } catch (e) {
        if (!(e instanceof DOMException && e.name === "NotSupportedError")) throw e;
        alg = normalize("encrypt", wrapAlgorithm);
      }
      const s = keySlots(wrappingKey, "wrappingKey");
      if (s.algorithm.name !== alg.name) throw dom("InvalidAccessError", `The wrapping key is not a ${alg.name} key`);
      if (!s.usages.includes("wrapKey")) throw dom("InvalidAccessError", "The wrapping key does not allow 'wrapKey'");
      keySlots(key, "key");
      const exported = exportKeyInner(f, key);
      let bytes = f === "jwk" ? ops.utf8Encode(JSON.stringify(exported)) : new Uint8Array(exported);
      if (alg.name === "AES-KW") {
        // AES-KW takes whole 64-bit blocks; a JWK's JSON is padded with spaces (which
        // JSON ignores) as deno and browsers do, where the spec's steps would fail.
        if (f === "jwk" && bytes.length % 8 !== 0) {
          const padded = new Uint8Array(bytes.length + 8 - (bytes.length % 8)).fill(0x20);
          padded.set(bytes);
          bytes = padded;
        }
        return ops.cryptoAesKw(true, s.id, bytes);
      }
      return await cipherWrap(alg, s, bytes);
    } catch (e) { throw rewrap(e); }
  }

  async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    try {
      brand(this);
      args(7, arguments.length, "unwrapKey");
      const f = checkFormat(format);
      const wrapped = copyBuffer(wrappedKey, "wrappedKey");
      let alg;
      try { alg = normalize("unwrapKey", unwrapAlgorithm); } catch (e) {
        if (!(e instanceof DOMException && e.name === "NotSupportedError")) throw e;
        alg = normalize("decrypt", unwrapAlgorithm);
      }
      const imp = normalize("importKey", unwrappedKeyAlgorithm);
      const u = toUsages(keyUsages);
      const s = keySlots(unwrappingKey, "unwrappingKey");
      if (s.algorithm.name !== alg.name) throw dom("InvalidAccessError", `The unwrapping key is not a ${alg.name} key`);
      if (!s.usages.includes("unwrapKey")) throw dom("InvalidAccessError", "The unwrapping key does not allow 'unwrapKey'");
      let bytes;
      if (alg.name === "AES-KW") {
        bytes = ops.cryptoAesKw(false, s.id, wrapped);
      } else {
        bytes = await cipherUnchecked(alg, s, wrapped);
      }
      let data;
      if (f === "jwk") {
        let parsed;
        try { parsed = JSON.parse(utf8(new Uint8Array(bytes))); } catch { throw dom("DataError", "The unwrapped key is not a JWK"); }
        data = toJwk(parsed);
      } else {
        data = new Uint8Array(bytes);
      }
      const key = importKeyInner(f, data, imp, !!extractable, u);
      const k = keySlots(key);
      if ((k.type === "secret" || k.type === "private") && k.usages.length === 0) throw dom("SyntaxError", "usages must not be empty");
      return key;
    } catch (e) { throw rewrap(e); }
  }

  get [Symbol.toStringTag]() { return "SubtleCrypto"; }
}

// Decryption for unwrapKey, whose usage check ('unwrapKey', not 'decrypt') is done.
async function cipherUnchecked(alg, s, data) {
  switch (alg.name) {
    case "AES-CBC": return ops.cryptoAesCbc(false, s.id, alg.iv, data);
    case "AES-CTR": return ops.cryptoAesCtr(s.id, alg.counter, alg.length, data);
    case "AES-GCM": return ops.cryptoAesGcm(false, s.id, alg.iv, alg.additionalData ?? new Uint8Array(0), alg.tagLength ?? 128, data);
    case "RSA-OAEP":
      if (s.type !== "private") throw dom("InvalidAccessError", "RSA-OAEP needs a private key");
      return ops.cryptoRsaOaep(false, s.id, s.algorithm.hash.name, alg.label ?? new Uint8Array(0), data);
  }
  throw dom("NotSupportedError", alg.name);
}

// wrapKey with an encrypt algorithm checks 'wrapKey', not 'encrypt' (§14.3.11).
async function cipherWrap(alg, s, data) {
  switch (alg.name) {
    case "AES-CBC": return ops.cryptoAesCbc(true, s.id, alg.iv, data);
    case "AES-CTR": return ops.cryptoAesCtr(s.id, alg.counter, alg.length, data);
    case "AES-GCM": return ops.cryptoAesGcm(true, s.id, alg.iv, alg.additionalData ?? new Uint8Array(0), alg.tagLength ?? 128, data);
    case "RSA-OAEP":
      if (s.type !== "public") throw dom("InvalidAccessError", "RSA-OAEP needs a public key");
      return ops.cryptoRsaOaep(true, s.id, s.algorithm.hash.name, alg.label ?? new Uint8Array(0), data);
  }
  throw dom("NotSupportedError", alg.name);
}

// ---- Crypto (§10) ----

const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
const INTEGER_ARRAYS = new Set([
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
]);

const subtle = new SubtleCrypto(TOKEN);
let cryptoObject = null;

class Crypto {
  constructor(token) { if (token !== TOKEN) throw new TypeError("Illegal constructor"); }
  get subtle() {
    if (this !== cryptoObject) throw new TypeError("Illegal invocation");
    return subtle;
  }
  getRandomValues(array) {
    if (this !== cryptoObject) throw new TypeError("Illegal invocation");
    if (arguments.length < 1) throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present.");
    if (!ArrayBuffer.isView(array)) throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
    const tag = typedArrayTag.call(array);
    if (!INTEGER_ARRAYS.has(tag)) throw dom("TypeMismatchError", "The provided ArrayBufferView is not an integer array type");
    if (array.byteLength > 65536) {
      throw dom("QuotaExceededError", `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536).`);
    }
    // Nothing to fill (an empty or detached view).
    if (array.byteLength === 0) return array;
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(ops.cryptoRandom(array.byteLength));
    return array;
  }
  randomUUID() {
    if (this !== cryptoObject) throw new TypeError("Illegal invocation");
    return ops.cryptoUuid();
  }
  get [Symbol.toStringTag]() { return "Crypto"; }
}

webidlInterface(Crypto, SubtleCrypto, CryptoKey);
cryptoObject = new Crypto(TOKEN);
defineGlobal("Crypto", Crypto);
defineGlobal("SubtleCrypto", SubtleCrypto);
defineGlobal("CryptoKey", CryptoKey);
defineGlobal("crypto", cryptoObject);
