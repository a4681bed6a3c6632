// Web Crypto interoperability between runtimes: `produce()` makes keys, signatures,
// ciphertexts and derived secrets and exports them as JSON; `check(data)` takes what
// another runtime produced and verifies, decrypts, imports and re-derives it. It runs
// unchanged in NANO and in deno (tests/crypto_interop.rs drives both). Only shapes both
// accept are used: deno 2.9 refuses AES-GCM tags other than 128 bits on decrypt.

const subtle = crypto.subtle;
const enc = new TextEncoder();
const MSG = enc.encode("NANO and deno agree on this message");
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const hexOf = (buf) => [...new Uint8Array(buf)].map((x) => x.toString(16).padStart(2, "0")).join("");
const RSA_GEN = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

async function produce() {
  const out = { ecdsa: {}, ecdh: {} };
  for (const curve of ["P-256", "P-384", "P-521"]) {
    const p = await subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
    out.ecdsa[curve] = {
      spki: b64(await subtle.exportKey("spki", p.publicKey)),
      raw: b64(await subtle.exportKey("raw", p.publicKey)),
      jwk: await subtle.exportKey("jwk", p.privateKey),
      pkcs8: b64(await subtle.exportKey("pkcs8", p.privateKey)),
      sig: b64(await subtle.sign({ name: "ECDSA", hash: "SHA-384" }, p.privateKey, MSG)),
    };
    const a = await subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits"]);
    out.ecdh[curve] = {
      pkcs8: b64(await subtle.exportKey("pkcs8", a.privateKey)),
      peer: b64(await subtle.exportKey("raw", b.publicKey)),
      bits: b64(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 128)),
    };
  }
  const ed = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  out.ed25519 = {
    spki: b64(await subtle.exportKey("spki", ed.publicKey)),
    pkcs8: b64(await subtle.exportKey("pkcs8", ed.privateKey)),
    jwk: await subtle.exportKey("jwk", ed.privateKey),
    sig: b64(await subtle.sign("Ed25519", ed.privateKey, MSG)),
  };
  const xa = await subtle.generateKey("X25519", true, ["deriveBits"]);
  const xb = await subtle.generateKey("X25519", true, ["deriveBits"]);
  out.x25519 = {
    pkcs8: b64(await subtle.exportKey("pkcs8", xa.privateKey)),
    jwk: await subtle.exportKey("jwk", xa.privateKey),
    peer: b64(await subtle.exportKey("spki", xb.publicKey)),
    bits: b64(await subtle.deriveBits({ name: "X25519", public: xb.publicKey }, xa.privateKey, 256)),
  };
  const pkcs1 = await subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", ...RSA_GEN }, true, ["sign", "verify"]);
  out.pkcs1 = {
    spki: b64(await subtle.exportKey("spki", pkcs1.publicKey)),
    jwk: await subtle.exportKey("jwk", pkcs1.privateKey),
    sig: b64(await subtle.sign("RSASSA-PKCS1-v1_5", pkcs1.privateKey, MSG)),
  };
  const pss = await subtle.generateKey({ name: "RSA-PSS", ...RSA_GEN }, true, ["sign", "verify"]);
  out.pss = {
    jwk: await subtle.exportKey("jwk", pss.publicKey),
    pkcs8: b64(await subtle.exportKey("pkcs8", pss.privateKey)),
    sig: b64(await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pss.privateKey, MSG)),
  };
  const oaep = await subtle.generateKey({ name: "RSA-OAEP", ...RSA_GEN }, true, ["encrypt", "decrypt"]);
  out.oaep = {
    spki: b64(await subtle.exportKey("spki", oaep.publicKey)),
    pkcs8: b64(await subtle.exportKey("pkcs8", oaep.privateKey)),
    ct: b64(await subtle.encrypt({ name: "RSA-OAEP", label: enc.encode("label") }, oaep.publicKey, MSG)),
  };
  const gcm = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  out.gcm = {
    jwk: await subtle.exportKey("jwk", gcm), iv: b64(iv),
    ct: b64(await subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode("aad"), tagLength: 128 }, gcm, MSG)),
  };
  const cbc = await subtle.generateKey({ name: "AES-CBC", length: 128 }, true, ["encrypt", "decrypt"]);
  const iv16 = crypto.getRandomValues(new Uint8Array(16));
  out.cbc = { raw: b64(await subtle.exportKey("raw", cbc)), iv: b64(iv16), ct: b64(await subtle.encrypt({ name: "AES-CBC", iv: iv16 }, cbc, MSG)) };
  const ctr = await subtle.generateKey({ name: "AES-CTR", length: 192 }, true, ["encrypt", "decrypt"]);
  out.ctr = { raw: b64(await subtle.exportKey("raw", ctr)), counter: b64(iv16), ct: b64(await subtle.encrypt({ name: "AES-CTR", counter: iv16, length: 64 }, ctr, MSG)) };
  const kw = await subtle.generateKey({ name: "AES-KW", length: 256 }, true, ["wrapKey", "unwrapKey"]);
  out.kw = { raw: b64(await subtle.exportKey("raw", kw)), wrapped: b64(await subtle.wrapKey("raw", gcm, kw, "AES-KW")), key: b64(await subtle.exportKey("raw", gcm)) };
  const hmac = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign", "verify"]);
  out.hmac = { jwk: await subtle.exportKey("jwk", hmac), sig: b64(await subtle.sign("HMAC", hmac, MSG)) };
  out.kw.jwkWrapped = b64(await subtle.wrapKey("jwk", hmac, kw, "AES-KW"));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hk = await subtle.importKey("raw", salt, "HKDF", false, ["deriveBits"]);
  out.hkdf = { ikm: b64(salt), bits: b64(await subtle.deriveBits({ name: "HKDF", hash: "SHA-384", salt: MSG, info: salt }, hk, 320)) };
  const pb = await subtle.importKey("raw", salt, "PBKDF2", false, ["deriveBits"]);
  out.pbkdf2 = { pw: b64(salt), bits: b64(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-512", salt: MSG, iterations: 1000 }, pb, 256)) };
  out.digest = { sha384: b64(await subtle.digest("SHA-384", MSG)) };
  return out;
}

// Runs each named check; a throw counts as a failure, with its message.
async function check(d) {
  const results = {};
  const run = async (name, fn) => {
    try { results[name] = (await fn()) === true ? true : "returned false"; } catch (e) { results[name] = `${e && e.name}: ${e && e.message}`; }
  };
  const sameBits = (a, b) => hexOf(a) === hexOf(b);
  for (const [curve, e] of Object.entries(d.ecdsa)) {
    const alg = { name: "ECDSA", namedCurve: curve };
    await run(`ecdsa ${curve} spki verify`, async () => subtle.verify({ name: "ECDSA", hash: "SHA-384" }, await subtle.importKey("spki", unb64(e.spki), alg, true, ["verify"]), unb64(e.sig), MSG));
    await run(`ecdsa ${curve} raw verify`, async () => subtle.verify({ name: "ECDSA", hash: "SHA-384" }, await subtle.importKey("raw", unb64(e.raw), alg, true, ["verify"]), unb64(e.sig), MSG));
    await run(`ecdsa ${curve} jwk+pkcs8 sign`, async () => {
      const pub = await subtle.importKey("spki", unb64(e.spki), alg, true, ["verify"]);
      const k1 = await subtle.importKey("jwk", e.jwk, alg, true, ["sign"]);
      const k2 = await subtle.importKey("pkcs8", unb64(e.pkcs8), alg, true, ["sign"]);
      const s1 = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, k1, MSG);
      const s2 = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, k2, MSG);
      return (await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, s1, MSG)) && (await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, s2, MSG));
    });
  }
  for (const [curve, e] of Object.entries(d.ecdh)) {
    const alg = { name: "ECDH", namedCurve: curve };
    await run(`ecdh ${curve}`, async () => {
      const k = await subtle.importKey("pkcs8", unb64(e.pkcs8), alg, false, ["deriveBits"]);
      const peer = await subtle.importKey("raw", unb64(e.peer), alg, true, []);
      return sameBits(await subtle.deriveBits({ name: "ECDH", public: peer }, k, 128), unb64(e.bits));
    });
  }
  await run("ed25519 verify + import", async () => {
    const pub = await subtle.importKey("spki", unb64(d.ed25519.spki), "Ed25519", true, ["verify"]);
    const k1 = await subtle.importKey("pkcs8", unb64(d.ed25519.pkcs8), "Ed25519", true, ["sign"]);
    const k2 = await subtle.importKey("jwk", d.ed25519.jwk, "Ed25519", true, ["sign"]);
    // Ed25519 is deterministic: both imports must reproduce the signature.
    return (await subtle.verify("Ed25519", pub, unb64(d.ed25519.sig), MSG))
      && sameBits(await subtle.sign("Ed25519", k1, MSG), unb64(d.ed25519.sig))
      && sameBits(await subtle.sign("Ed25519", k2, MSG), unb64(d.ed25519.sig));
  });
  await run("x25519", async () => {
    const k1 = await subtle.importKey("pkcs8", unb64(d.x25519.pkcs8), "X25519", false, ["deriveBits"]);
    const k2 = await subtle.importKey("jwk", d.x25519.jwk, "X25519", false, ["deriveBits"]);
    const peer = await subtle.importKey("spki", unb64(d.x25519.peer), "X25519", true, []);
    return sameBits(await subtle.deriveBits({ name: "X25519", public: peer }, k1, 256), unb64(d.x25519.bits))
      && sameBits(await subtle.deriveBits({ name: "X25519", public: peer }, k2, 256), unb64(d.x25519.bits));
  });
  const rsa = (name) => ({ name, hash: "SHA-256" });
  await run("rsassa-pkcs1-v1_5", async () => {
    const pub = await subtle.importKey("spki", unb64(d.pkcs1.spki), rsa("RSASSA-PKCS1-v1_5"), true, ["verify"]);
    const priv = await subtle.importKey("jwk", d.pkcs1.jwk, rsa("RSASSA-PKCS1-v1_5"), true, ["sign"]);
    // PKCS#1 v1.5 is deterministic: the imported JWK reproduces the signature.
    return (await subtle.verify("RSASSA-PKCS1-v1_5", pub, unb64(d.pkcs1.sig), MSG))
      && sameBits(await subtle.sign("RSASSA-PKCS1-v1_5", priv, MSG), unb64(d.pkcs1.sig));
  });
  await run("rsa-pss", async () => {
    const pub = await subtle.importKey("jwk", d.pss.jwk, rsa("RSA-PSS"), true, ["verify"]);
    const priv = await subtle.importKey("pkcs8", unb64(d.pss.pkcs8), rsa("RSA-PSS"), true, ["sign"]);
    const mine = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, priv, MSG);
    return (await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pub, unb64(d.pss.sig), MSG))
      && (await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pub, mine, MSG));
  });
  await run("rsa-oaep", async () => {
    const priv = await subtle.importKey("pkcs8", unb64(d.oaep.pkcs8), rsa("RSA-OAEP"), false, ["decrypt"]);
    const pub = await subtle.importKey("spki", unb64(d.oaep.spki), rsa("RSA-OAEP"), false, ["encrypt"]);
    const again = await subtle.encrypt({ name: "RSA-OAEP" }, pub, MSG);
    return sameBits(await subtle.decrypt({ name: "RSA-OAEP", label: enc.encode("label") }, priv, unb64(d.oaep.ct)), MSG)
      && sameBits(await subtle.decrypt({ name: "RSA-OAEP" }, priv, again), MSG);
  });
  await run("aes-gcm", async () => {
    const k = await subtle.importKey("jwk", d.gcm.jwk, "AES-GCM", false, ["decrypt"]);
    return sameBits(await subtle.decrypt({ name: "AES-GCM", iv: unb64(d.gcm.iv), additionalData: enc.encode("aad"), tagLength: 128 }, k, unb64(d.gcm.ct)), MSG);
  });
  await run("aes-cbc", async () => {
    const k = await subtle.importKey("raw", unb64(d.cbc.raw), "AES-CBC", false, ["decrypt"]);
    return sameBits(await subtle.decrypt({ name: "AES-CBC", iv: unb64(d.cbc.iv) }, k, unb64(d.cbc.ct)), MSG);
  });
  await run("aes-ctr", async () => {
    const k = await subtle.importKey("raw", unb64(d.ctr.raw), "AES-CTR", false, ["decrypt"]);
    return sameBits(await subtle.decrypt({ name: "AES-CTR", counter: unb64(d.ctr.counter), length: 64 }, k, unb64(d.ctr.ct)), MSG);
  });
  await run("aes-kw", async () => {
    const kw = await subtle.importKey("raw", unb64(d.kw.raw), "AES-KW", false, ["unwrapKey"]);
    const k = await subtle.unwrapKey("raw", unb64(d.kw.wrapped), kw, "AES-KW", "AES-GCM", true, ["encrypt"]);
    return sameBits(await subtle.exportKey("raw", k), unb64(d.kw.key));
  });
  await run("aes-kw jwk", async () => {
    const kw = await subtle.importKey("raw", unb64(d.kw.raw), "AES-KW", false, ["unwrapKey"]);
    const k = await subtle.unwrapKey("jwk", unb64(d.kw.jwkWrapped), kw, "AES-KW", { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
    return sameBits(await subtle.sign("HMAC", k, MSG), unb64(d.hmac.sig));
  });
  await run("hmac", async () => {
    const k = await subtle.importKey("jwk", d.hmac.jwk, { name: "HMAC", hash: "SHA-512" }, false, ["sign", "verify"]);
    return (await subtle.verify("HMAC", k, unb64(d.hmac.sig), MSG)) && sameBits(await subtle.sign("HMAC", k, MSG), unb64(d.hmac.sig));
  });
  await run("hkdf", async () => {
    const k = await subtle.importKey("raw", unb64(d.hkdf.ikm), "HKDF", false, ["deriveBits"]);
    return sameBits(await subtle.deriveBits({ name: "HKDF", hash: "SHA-384", salt: MSG, info: unb64(d.hkdf.ikm) }, k, 320), unb64(d.hkdf.bits));
  });
  await run("pbkdf2", async () => {
    const k = await subtle.importKey("raw", unb64(d.pbkdf2.pw), "PBKDF2", false, ["deriveBits"]);
    return sameBits(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-512", salt: MSG, iterations: 1000 }, k, 256), unb64(d.pbkdf2.bits));
  });
  await run("digest", async () => sameBits(await subtle.digest("SHA-384", MSG), unb64(d.digest.sha384)));
  return results;
}
