// Web Crypto operations per second, one operation at a time (each awaited, as an app
// would): sign/verify, encrypt/decrypt, digest and key derivation. Runs unchanged in
// `nanod run` and `deno run`; prints one JSON line per operation. bench/crypto.sh runs
// it in both and prints the table.
//
//   nanod run bench/crypto.js        deno run bench/crypto.js
//   (env-free: the time per operation is fixed below)

const MS_PER_OP = 1000; // measuring time per operation, after a short warm-up
const subtle = crypto.subtle;
const KB = crypto.getRandomValues(new Uint8Array(1024));
const MB = new Uint8Array(1 << 20);

async function measure(name, fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  let n = 0;
  const start = Date.now();
  let elapsed = 0;
  while ((elapsed = Date.now() - start) < MS_PER_OP) {
    await fn();
    n++;
  }
  console.log(JSON.stringify({ op: name, ops: Math.round((n * 1000) / elapsed) }));
}

const rsaGen = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
const hmac = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
const gcm = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
const cbc = await subtle.generateKey({ name: "AES-CBC", length: 128 }, false, ["encrypt", "decrypt"]);
const p256 = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
const p384 = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, false, ["sign", "verify"]);
const ed = await subtle.generateKey("Ed25519", false, ["sign", "verify"]);
const pkcs1 = await subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", ...rsaGen }, false, ["sign", "verify"]);
const pss = await subtle.generateKey({ name: "RSA-PSS", ...rsaGen }, false, ["sign", "verify"]);
const oaep = await subtle.generateKey({ name: "RSA-OAEP", ...rsaGen }, false, ["encrypt", "decrypt"]);
const iv = new Uint8Array(12), iv16 = new Uint8Array(16);

const hmacSig = await subtle.sign("HMAC", hmac, KB);
const gcmCt = await subtle.encrypt({ name: "AES-GCM", iv }, gcm, KB);
const cbcCt = await subtle.encrypt({ name: "AES-CBC", iv: iv16 }, cbc, KB);
const e256 = { name: "ECDSA", hash: "SHA-256" }, e384 = { name: "ECDSA", hash: "SHA-384" };
const s256 = await subtle.sign(e256, p256.privateKey, KB);
const s384 = await subtle.sign(e384, p384.privateKey, KB);
const edSig = await subtle.sign("Ed25519", ed.privateKey, KB);
const pkcs1Sig = await subtle.sign("RSASSA-PKCS1-v1_5", pkcs1.privateKey, KB);
const pssAlg = { name: "RSA-PSS", saltLength: 32 };
const pssSig = await subtle.sign(pssAlg, pss.privateKey, KB);
const oaepCt = await subtle.encrypt({ name: "RSA-OAEP" }, oaep.publicKey, KB.slice(0, 32));
const pbkdf2 = await subtle.importKey("raw", KB.slice(0, 16), "PBKDF2", false, ["deriveBits"]);

await measure("digest SHA-256 1 KiB", () => subtle.digest("SHA-256", KB));
await measure("digest SHA-256 1 MiB", () => subtle.digest("SHA-256", MB));
await measure("HMAC-SHA-256 sign 1 KiB", () => subtle.sign("HMAC", hmac, KB));
await measure("HMAC-SHA-256 verify 1 KiB", () => subtle.verify("HMAC", hmac, hmacSig, KB));
await measure("AES-256-GCM encrypt 1 KiB", () => subtle.encrypt({ name: "AES-GCM", iv }, gcm, KB));
await measure("AES-256-GCM decrypt 1 KiB", () => subtle.decrypt({ name: "AES-GCM", iv }, gcm, gcmCt));
await measure("AES-128-CBC encrypt 1 KiB", () => subtle.encrypt({ name: "AES-CBC", iv: iv16 }, cbc, KB));
await measure("AES-128-CBC decrypt 1 KiB", () => subtle.decrypt({ name: "AES-CBC", iv: iv16 }, cbc, cbcCt));
await measure("ECDSA P-256 sign", () => subtle.sign(e256, p256.privateKey, KB));
await measure("ECDSA P-256 verify", () => subtle.verify(e256, p256.publicKey, s256, KB));
await measure("ECDSA P-384 sign", () => subtle.sign(e384, p384.privateKey, KB));
await measure("ECDSA P-384 verify", () => subtle.verify(e384, p384.publicKey, s384, KB));
await measure("Ed25519 sign", () => subtle.sign("Ed25519", ed.privateKey, KB));
await measure("Ed25519 verify", () => subtle.verify("Ed25519", ed.publicKey, edSig, KB));
await measure("RSA-2048 PKCS1 sign", () => subtle.sign("RSASSA-PKCS1-v1_5", pkcs1.privateKey, KB));
await measure("RSA-2048 PKCS1 verify", () => subtle.verify("RSASSA-PKCS1-v1_5", pkcs1.publicKey, pkcs1Sig, KB));
await measure("RSA-2048 PSS sign", () => subtle.sign(pssAlg, pss.privateKey, KB));
await measure("RSA-2048 PSS verify", () => subtle.verify(pssAlg, pss.publicKey, pssSig, KB));
await measure("RSA-2048 OAEP encrypt", () => subtle.encrypt({ name: "RSA-OAEP" }, oaep.publicKey, KB.slice(0, 32)));
await measure("RSA-2048 OAEP decrypt", () => subtle.decrypt({ name: "RSA-OAEP" }, oaep.privateKey, oaepCt));
await measure("PBKDF2-SHA-256 10,000 iterations", () => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: KB.slice(0, 16), iterations: 10000 }, pbkdf2, 256));
console.log(JSON.stringify({ done: true }));
export {}; // a module: top-level await
