//! Web Crypto (W3C Web Cryptography API): getRandomValues/randomUUID, CryptoKey, and
//! every SubtleCrypto operation, checked against published test vectors (the source is
//! named beside each) and the spec's errors.

mod support;

/// Helpers the crypto scripts share.
const HELPERS: &str = r#"
const hex = (s) => new Uint8Array(s.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
const toHex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
const utf8 = (s) => new TextEncoder().encode(s);
const subtle = crypto.subtle;
async function rejectsDom(promise, name, msg) {
  try { await promise; } catch (e) {
    if (name === "TypeError") { assert(e instanceof TypeError, `${msg}: expected TypeError, got ${e && e.name}: ${e && e.message}`); return e; }
    assert(e instanceof DOMException, `${msg}: expected DOMException ${name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    eq(e.name, name, msg);
    return e;
  }
  throw new Error(`${msg}: expected a rejection (${name})`);
}
"#;

fn check(body: &str) -> Vec<String> {
    support::check(&format!("{HELPERS}\n{body}"))
}

#[test]
fn get_random_values_and_uuid() {
    check(
        r#"
        const a = new Uint8Array(64);
        const same = crypto.getRandomValues(a);
        assert(same === a, "returns the same object");
        assert(a.some((x) => x !== 0), "filled");
        for (const C of [Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]) {
          const v = new C(8);
          assert(crypto.getRandomValues(v) === v, C.name);
        }
        // A view into the middle of a buffer fills only its own bytes.
        const buf = new Uint8Array(32);
        crypto.getRandomValues(new Uint8Array(buf.buffer, 8, 16));
        assert(buf.slice(0, 8).every((x) => x === 0) && buf.slice(24).every((x) => x === 0), "only the view");
        crypto.getRandomValues(new Uint8Array(65536));
        throws(() => crypto.getRandomValues(new Uint8Array(65537)), DOMException, "QuotaExceededError");
        throws(() => crypto.getRandomValues(new Uint32Array(16385)), DOMException, "QuotaExceededError");
        throws(() => crypto.getRandomValues(new Float32Array(4)), DOMException, "TypeMismatchError");
        throws(() => crypto.getRandomValues(new Float64Array(4)), DOMException, "TypeMismatchError");
        throws(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4))), DOMException, "TypeMismatchError");
        throws(() => crypto.getRandomValues(new ArrayBuffer(4)), TypeError);
        throws(() => crypto.getRandomValues([1, 2]), TypeError);
        throws(() => crypto.getRandomValues(), TypeError);
        throws(() => crypto.getRandomValues.call({}, new Uint8Array(4)), TypeError);

        const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
        const seen = new Set();
        for (let i = 0; i < 100; i++) { const u = crypto.randomUUID(); assert(re.test(u), u); seen.add(u); }
        eq(seen.size, 100, "unique");

        throws(() => new Crypto(), TypeError);
        throws(() => new SubtleCrypto(), TypeError);
        throws(() => new CryptoKey(), TypeError);
        assert(crypto.subtle === crypto.subtle, "one SubtleCrypto");
        eq(Object.prototype.toString.call(crypto), "[object Crypto]");
        eq(Object.prototype.toString.call(crypto.subtle), "[object SubtleCrypto]");
        assert(crypto instanceof Crypto && crypto.subtle instanceof SubtleCrypto, "instances");
        "#,
    );
}

#[test]
fn digest_vectors() {
    check(
        r#"
        // FIPS 180-2 Appendix A/B/C ("abc") and the one-million-'a' vectors.
        const abc = utf8("abc");
        eq(toHex(await subtle.digest("SHA-1", abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
        eq(toHex(await subtle.digest("sha-256", abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        eq(toHex(await subtle.digest({ name: "SHA-384" }, abc)), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
        eq(toHex(await subtle.digest("SHA-512", abc)), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
        eq(toHex(await subtle.digest("SHA-256", new Uint8Array(0))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // Every BufferSource: ArrayBuffer, DataView, any TypedArray, a view with an offset.
        const bytes = new Uint8Array([0, 0x61, 0x62, 0x63, 0]);
        const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        eq(toHex(await subtle.digest("SHA-256", abc.buffer)), want);
        eq(toHex(await subtle.digest("SHA-256", new DataView(bytes.buffer, 1, 3))), want);
        eq(toHex(await subtle.digest("SHA-256", new Uint8Array(bytes.buffer, 1, 3))), want);
        eq(toHex(await subtle.digest("SHA-256", new Uint16Array([0x6261]))), toHex(await subtle.digest("SHA-256", utf8("ab"))));
        // A large input (runs off the loop thread).
        const million = new Uint8Array(1000000).fill(0x61);
        eq(toHex(await subtle.digest("SHA-256", million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        eq(toHex(await subtle.digest("SHA-1", million)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
        // The data is copied when the method is called: later writes do not count.
        const mut = utf8("abc");
        const pending = subtle.digest("SHA-256", mut);
        mut[0] = 0x78;
        eq(toHex(await pending), want, "copied at call time");
        const bigPending = subtle.digest("SHA-256", million);
        million[0] = 0;
        eq(toHex(await bigPending), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "large data copied at call time");
        // The result is a fresh ArrayBuffer.
        assert((await subtle.digest("SHA-1", abc)) instanceof ArrayBuffer, "ArrayBuffer");
        // Errors: strings are not BufferSources; unknown names; promises, not throws.
        const p = subtle.digest("SHA-256", "abc");
        assert(p instanceof Promise, "a promise even for bad input");
        await rejectsDom(p, "TypeError", "string data");
        await rejectsDom(subtle.digest("MD5", abc), "NotSupportedError", "MD5");
        await rejectsDom(subtle.digest("SHA-256"), "TypeError", "missing data");
        await rejectsDom(subtle.digest({}, abc), "TypeError", "no name");
        await rejectsDom(subtle.digest(42, abc), "TypeError", "number");
        "#,
    );
}

#[test]
fn hmac_vectors() {
    check(
        r#"
        // RFC 4231 test case 1 (key 0x0b × 20, "Hi There") and 2 ("Jefe").
        const key1 = hex("0b".repeat(20));
        const tc1 = {
          "SHA-256": "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
          "SHA-384": "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
          "SHA-512": "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        };
        for (const [hash, mac] of Object.entries(tc1)) {
          const k = await subtle.importKey("raw", key1, { name: "HMAC", hash }, true, ["sign", "verify"]);
          eq(toHex(await subtle.sign("HMAC", k, utf8("Hi There"))), mac, hash);
          assert(await subtle.verify("HMAC", k, hex(mac), utf8("Hi There")), "verifies");
          assert(!(await subtle.verify("HMAC", k, hex(mac).slice(1), utf8("Hi There"))), "short mac");
          const bad = hex(mac); bad[0] ^= 1;
          assert(!(await subtle.verify("HMAC", k, bad, utf8("Hi There"))), "bad mac");
        }
        const jefe = await subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
        eq(toHex(await subtle.sign("HMAC", jefe, utf8("what do ya want for nothing?"))), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "RFC 4231 TC2");
        // RFC 2202 test case 1 (HMAC-SHA-1).
        const s1 = await subtle.importKey("raw", key1, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
        eq(toHex(await subtle.sign("HMAC", s1, utf8("Hi There"))), "b617318655057264e28bc0b6fb378c8ef146be00");

        // The CryptoKey shape.
        eq(jefe.type, "secret"); eq(jefe.extractable, true);
        eq(jefe.algorithm, { name: "HMAC", hash: { name: "SHA-256" }, length: 32 });
        assert(jefe.algorithm === jefe.algorithm && jefe.usages === jefe.usages, "cached objects");
        eq(jefe.usages, ["sign"]);
        eq(Object.prototype.toString.call(jefe), "[object CryptoKey]");
        // The key material is not reachable from JavaScript.
        eq(Reflect.ownKeys(jefe), [], "no own properties");
        eq(JSON.stringify(jefe), "{}");
        const typeGetter = Object.getOwnPropertyDescriptor(CryptoKey.prototype, "type").get;
        throws(() => typeGetter.call({}), TypeError);
        eq(typeGetter.call(jefe), "secret");
        // CryptoKey is not serializable here yet (decision 0007): a loud DataCloneError,
        // not a silently empty object.
        throws(() => structuredClone(jefe), DOMException, "DataCloneError");
        await rejectsDom(subtle.sign.call({}, "HMAC", jefe, utf8("x")), "TypeError", "illegal invocation");
        // Export: raw and JWK (RFC 7518 §6.4).
        eq(toHex(await subtle.exportKey("raw", jefe)), toHex(utf8("Jefe")));
        eq(await subtle.exportKey("jwk", jefe), { alg: "HS256", ext: true, k: "SmVmZQ", key_ops: ["sign"], kty: "oct" });
        await rejectsDom(subtle.exportKey("raw", s1), "InvalidAccessError", "not extractable");
        await rejectsDom(subtle.exportKey("spki", jefe), "NotSupportedError", "spki for HMAC");
        // JWK import, and its checks.
        const j = await subtle.importKey("jwk", { kty: "oct", k: "SmVmZQ", alg: "HS256" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify", "sign"]);
        eq(j.usages, ["sign", "verify"], "deduplicated, in spec order");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "SmVmZQ", alg: "HS512" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError", "alg mismatch");
        await rejectsDom(subtle.importKey("jwk", { kty: "EC", k: "SmVmZQ" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError", "kty");
        await rejectsDom(subtle.importKey("jwk", { k: "SmVmZQ" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError", "no kty");
        await rejectsDom(subtle.importKey("jwk", new Uint8Array(4), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "TypeError", "bytes as a JWK");
        await rejectsDom(subtle.importKey("raw", { kty: "oct", k: "SmVmZQ" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "TypeError", "a JWK as raw");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "SmVmZQ", ext: false }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "ext");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "SmVmZQ", key_ops: ["verify"] }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "key_ops");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "Sm+mZQ" }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "not base64url");
        await rejectsDom(subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["encrypt"]), "SyntaxError", "bad usage");
        await rejectsDom(subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, []), "SyntaxError", "empty usages");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "DataError", "empty key");
        await rejectsDom(subtle.importKey("raw", utf8("Jefe"), { name: "HMAC" }, true, ["sign"]), "TypeError", "hash required");
        await rejectsDom(subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["bogus"]), "TypeError", "not a KeyUsage");
        await rejectsDom(subtle.importKey("pem", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]), "TypeError", "not a KeyFormat");
        // Wrong key for the operation.
        await rejectsDom(subtle.sign({ name: "HMAC" }, j, utf8("x")).then(() => subtle.verify("HMAC", jefe, new Uint8Array(32), utf8("x"))), "InvalidAccessError", "no verify usage");
        // generateKey: length defaults to the hash's block size.
        const g = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign", "verify"]);
        eq(g.algorithm.length, 1024); eq((await subtle.exportKey("raw", g)).byteLength, 128);
        const g2 = await subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]);
        eq(g2.algorithm, { name: "HMAC", hash: { name: "SHA-256" }, length: 256 });
        await rejectsDom(subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, []), "SyntaxError", "no usages");
        await rejectsDom(subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 2 ** 32 - 8 }, true, ["sign"]), "OperationError", "huge HMAC key");
        "#,
    );
}

#[test]
fn aes_vectors() {
    check(
        r#"
        const imp = (k, name, usages = ["encrypt", "decrypt"]) => subtle.importKey("raw", hex(k), name, true, usages);
        // AES-CBC: NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt); WebCrypto adds PKCS#7 padding.
        const k128 = "2b7e151628aed2a6abf7158809cf4f3c";
        const cbcKey = await imp(k128, "AES-CBC");
        const iv = hex("000102030405060708090a0b0c0d0e0f");
        const p = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        const c = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, cbcKey, p));
        eq(toHex(c.slice(0, 32)), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
        eq(c.length, 48, "a full padding block");
        eq(toHex(await subtle.decrypt({ name: "AES-CBC", iv }, cbcKey, c)), toHex(p));
        await rejectsDom(subtle.decrypt({ name: "AES-CBC", iv }, cbcKey, c.slice(0, 32)), "OperationError", "bad padding");
        await rejectsDom(subtle.encrypt({ name: "AES-CBC", iv: iv.slice(1) }, cbcKey, p), "OperationError", "short iv");
        await rejectsDom(subtle.encrypt({ name: "AES-CBC" }, cbcKey, p), "TypeError", "iv required");

        // AES-CTR: SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256).
        const ctr = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        const ctrKey = await imp(k128, "AES-CTR");
        for (const length of [64, 128]) {
          eq(toHex(await subtle.encrypt({ name: "AES-CTR", counter: ctr, length }, ctrKey, p)),
            "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff", `ctr length ${length}`);
        }
        const ctr256 = await imp("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "AES-CTR");
        eq(toHex(await subtle.encrypt({ name: "AES-CTR", counter: ctr, length: 128 }, ctr256, p)),
          "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5");
        // The counter wraps within its low `length` bits: with 8 bits, the block after
        // ...ff uses ...00, the rest of the block unchanged.
        const wrapAt = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        const two = await subtle.encrypt({ name: "AES-CTR", counter: wrapAt, length: 8 }, ctrKey, new Uint8Array(32));
        const second = await subtle.encrypt({ name: "AES-CTR", counter: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfe00"), length: 8 }, ctrKey, new Uint8Array(16));
        eq(toHex(new Uint8Array(two).slice(16)), toHex(second), "wrap");
        await rejectsDom(subtle.encrypt({ name: "AES-CTR", counter: ctr, length: 1 }, ctrKey, new Uint8Array(48)), "OperationError", "counter reuse");
        await rejectsDom(subtle.encrypt({ name: "AES-CTR", counter: ctr, length: 0 }, ctrKey, p), "OperationError", "length 0");
        await rejectsDom(subtle.encrypt({ name: "AES-CTR", counter: ctr, length: 129 }, ctrKey, p), "OperationError", "length 129");
        await rejectsDom(subtle.encrypt({ name: "AES-CTR", counter: ctr, length: 256 }, ctrKey, p), "TypeError", "octet range");

        // AES-GCM: "The Galois/Counter Mode of Operation" (McGrew & Viega) test cases 3–6,
        // also in NIST's GCM specification: 96-bit, 64-bit and 480-bit IVs, with AAD.
        const gk = await imp("feffe9928665731c6d6a8f9467308308", "AES-GCM");
        const gp = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        const aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        const cases = [
          ["cafebabefacedbaddecaf888", "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", "5bc94fbc3221a5db94fae95ae7121a47"],
          ["cafebabefacedbad", "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598", "3612d2e79e3b0785561be14aaca2fccb"],
          ["9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b", "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5", "619cc5aefffe0bfa462af43c1699d050"],
        ];
        for (const [ivHex, ct, tag] of cases) {
          const params = { name: "AES-GCM", iv: hex(ivHex), additionalData: aad };
          const out = await subtle.encrypt(params, gk, gp);
          eq(toHex(out), ct + tag, `GCM iv ${ivHex.length / 2} bytes`);
          eq(toHex(await subtle.decrypt(params, gk, out)), toHex(gp));
          // Truncated tags are the leading bytes of the full one (SP 800-38D §5.2.1.2).
          for (const tagLength of [32, 64, 96, 104, 112, 120]) {
            const t = await subtle.encrypt({ ...params, tagLength }, gk, gp);
            eq(toHex(t), ct + tag.slice(0, tagLength / 4), `tag ${tagLength}`);
            eq(toHex(await subtle.decrypt({ ...params, tagLength }, gk, t)), toHex(gp));
            const bad = new Uint8Array(t); bad[bad.length - 1] ^= 1;
            await rejectsDom(subtle.decrypt({ ...params, tagLength }, gk, bad), "OperationError", "bad truncated tag");
          }
          const bad = new Uint8Array(out); bad[0] ^= 1;
          await rejectsDom(subtle.decrypt(params, gk, bad), "OperationError", "tampered");
          await rejectsDom(subtle.decrypt({ ...params, additionalData: new Uint8Array(0) }, gk, out), "OperationError", "other aad");
        }
        // Test case 2 (zero key, zero block, no AAD).
        const z = await imp("00000000000000000000000000000000", "AES-GCM");
        eq(toHex(await subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, z, new Uint8Array(16))), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
        await rejectsDom(subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 100 }, z, p), "OperationError", "tag 100");
        await rejectsDom(subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, z, new Uint8Array(8)), "OperationError", "shorter than the tag");

        // AES-KW: RFC 3394 §4.1, §4.3 and §4.6, through wrapKey/unwrapKey.
        const kek = await imp("000102030405060708090a0b0c0d0e0f", "AES-KW", ["wrapKey", "unwrapKey"]);
        const data = await imp("00112233445566778899aabbccddeeff", "AES-GCM");
        eq(toHex(await subtle.wrapKey("raw", data, kek, "AES-KW")), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
        const kek256 = await imp("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "AES-KW", ["wrapKey", "unwrapKey"]);
        const data256 = await imp("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f", "AES-CBC");
        const wrapped = await subtle.wrapKey("raw", data256, kek256, { name: "AES-KW" });
        eq(toHex(wrapped), "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
        const back = await subtle.unwrapKey("raw", wrapped, kek256, "AES-KW", "AES-CBC", true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", back)), "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
        eq(back.algorithm, { name: "AES-CBC", length: 256 }); eq(back.usages, ["encrypt"]);
        const tampered = new Uint8Array(wrapped); tampered[3] ^= 1;
        await rejectsDom(subtle.unwrapKey("raw", tampered, kek256, "AES-KW", "AES-CBC", true, ["encrypt"]), "OperationError", "integrity check");
        // A JWK wrapped with AES-KW is padded to whole blocks with spaces, and unwraps.
        const wrappedJwk = await subtle.wrapKey("jwk", data256, kek256, "AES-KW");
        eq(wrappedJwk.byteLength % 8, 0);
        const jwkBack = await subtle.unwrapKey("jwk", wrappedJwk, kek256, "AES-KW", "AES-CBC", true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", jwkBack)), "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
        // JWK wrapped with AES-GCM, and an encrypt-only key cannot wrap.
        const wrapper = await imp("feffe9928665731c6d6a8f9467308308", "AES-GCM", ["wrapKey", "unwrapKey"]);
        const gcmParams = { name: "AES-GCM", iv: new Uint8Array(12) };
        const wj = await subtle.wrapKey("jwk", data, wrapper, gcmParams);
        const uj = await subtle.unwrapKey("jwk", wj, wrapper, gcmParams, { name: "AES-GCM" }, false, ["decrypt"]);
        eq(uj.algorithm, { name: "AES-GCM", length: 128 }); eq(uj.extractable, false);
        await rejectsDom(subtle.wrapKey("raw", data, gk, gcmParams), "InvalidAccessError", "no wrapKey usage");
        await rejectsDom(subtle.wrapKey("raw", uj, wrapper, gcmParams), "InvalidAccessError", "not extractable");

        // Key shapes, JWK export, generateKey, and errors.
        eq(gk.algorithm, { name: "AES-GCM", length: 128 });
        eq(await subtle.exportKey("jwk", gk), { alg: "A128GCM", ext: true, k: "_v_pkoZlcxxtao-UZzCDCA", key_ops: ["encrypt", "decrypt"], kty: "oct" });
        const fromJwk = await subtle.importKey("jwk", { kty: "oct", k: "_v_pkoZlcxxtao-UZzCDCA", alg: "A128GCM" }, "AES-GCM", true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", fromJwk)), "feffe9928665731c6d6a8f9467308308");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "_v_pkoZlcxxtao-UZzCDCA", alg: "A256GCM" }, "AES-GCM", true, ["encrypt"]), "DataError", "alg");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(20), "AES-GCM", true, ["encrypt"]), "DataError", "20-byte key");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(16), "AES-KW", true, ["encrypt"]), "SyntaxError", "encrypt on AES-KW");
        for (const name of ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"]) {
          for (const length of [128, 192, 256]) {
            const usages = name === "AES-KW" ? ["wrapKey"] : ["encrypt"];
            const k = await subtle.generateKey({ name, length }, true, usages);
            eq(k.algorithm, { name, length }); eq(k.type, "secret");
            eq((await subtle.exportKey("raw", k)).byteLength, length / 8);
          }
        }
        await rejectsDom(subtle.generateKey({ name: "AES-GCM", length: 64 }, true, ["encrypt"]), "OperationError", "64-bit AES");
        await rejectsDom(subtle.generateKey({ name: "AES-GCM" }, true, ["encrypt"]), "TypeError", "length required");
        await rejectsDom(subtle.encrypt({ name: "AES-CBC", iv }, gk, p), "InvalidAccessError", "algorithm mismatch");
        const encOnly = await imp(k128, "AES-CBC", ["encrypt"]);
        await rejectsDom(subtle.decrypt({ name: "AES-CBC", iv }, encOnly, c), "InvalidAccessError", "no decrypt usage");
        await rejectsDom(subtle.encrypt({ name: "AES-XTS" }, encOnly, p), "NotSupportedError", "unknown algorithm");
        "#,
    );
}

#[test]
fn hkdf_and_pbkdf2_vectors() {
    check(
        r#"
        // HKDF: RFC 5869 test cases 1 (SHA-256) and 4 (SHA-1).
        const ikm = await subtle.importKey("raw", hex("0b".repeat(22)), "HKDF", false, ["deriveBits", "deriveKey"]);
        eq(ikm.algorithm, { name: "HKDF" }); eq(ikm.extractable, false);
        const tc1 = { name: "HKDF", hash: "SHA-256", salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9") };
        eq(toHex(await subtle.deriveBits(tc1, ikm, 42 * 8)), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        const ikm4 = await subtle.importKey("raw", hex("0b".repeat(11)), "HKDF", false, ["deriveBits"]);
        eq(toHex(await subtle.deriveBits({ name: "HKDF", hash: "SHA-1", salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9") }, ikm4, 42 * 8)),
          "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896");
        await rejectsDom(subtle.deriveBits(tc1, ikm, 12), "OperationError", "not a multiple of 8");
        await rejectsDom(subtle.deriveBits(tc1, ikm), "OperationError", "no length");
        await rejectsDom(subtle.deriveBits(tc1, ikm, 256 * 32 * 8), "OperationError", "too long");
        await rejectsDom(subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: hex("00") }, ikm, 128), "TypeError", "info required");
        await rejectsDom(subtle.importKey("raw", hex("00"), "HKDF", true, ["deriveBits"]), "SyntaxError", "extractable HKDF");
        await rejectsDom(subtle.importKey("jwk", { kty: "oct", k: "AA" }, "HKDF", false, ["deriveBits"]), "NotSupportedError", "jwk HKDF");
        // deriveKey into an AES key.
        const aes = await subtle.deriveKey(tc1, ikm, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", aes)), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
        const hm = await subtle.deriveKey(tc1, ikm, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
        eq(hm.algorithm.length, 512);
        await rejectsDom(subtle.deriveKey(tc1, ikm, { name: "AES-GCM", length: 100 }, true, ["encrypt"]), "OperationError", "AES length");
        await rejectsDom(subtle.deriveKey(tc1, ikm4, { name: "AES-GCM", length: 128 }, true, ["encrypt"]), "InvalidAccessError", "no deriveKey usage");

        // PBKDF2: RFC 6070 (HMAC-SHA-1) test vectors 1–3 and 5.
        const pw = await subtle.importKey("raw", utf8("password"), "PBKDF2", false, ["deriveBits"]);
        const run = (iterations, salt = "salt", bits = 160, key = pw) => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: utf8(salt), iterations }, key, bits);
        eq(toHex(await run(1)), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
        eq(toHex(await run(2)), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
        eq(toHex(await run(4096)), "4b007901b765489abead49d926f721d065a429c1");
        const long = await subtle.importKey("raw", utf8("passwordPASSWORDpassword"), "PBKDF2", false, ["deriveBits"]);
        eq(toHex(await run(4096, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 200, long)), "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
        // RFC 7914 §11 (PBKDF2-HMAC-SHA-256, "passwd"/"salt", c=1, 64 bytes).
        const passwd = await subtle.importKey("raw", utf8("passwd"), "PBKDF2", false, ["deriveBits"]);
        eq(toHex(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: utf8("salt"), iterations: 1 }, passwd, 512)),
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        await rejectsDom(run(0), "OperationError", "zero iterations");
        await rejectsDom(run(1, "salt", 64 * 1024 * 8 + 8), "OperationError", "output over 64 KiB");
        await rejectsDom(run(1, "salt", 12), "OperationError", "length not a multiple of 8");
        await rejectsDom(subtle.deriveBits({ name: "PBKDF2", hash: "SHA-1", salt: utf8("s"), iterations: 1 }, pw), "OperationError", "no length");
        // PBKDF2 runs off the loop thread: the call returns at once, and timers keep firing
        // while it works.
        let ticks = 0;
        const timer = setInterval(() => ticks++, 1);
        const t0 = Date.now();
        const slow = run(200000);
        const callMs = Date.now() - t0;
        await slow;
        const totalMs = Date.now() - t0;
        clearInterval(timer);
        assert(callMs * 4 < totalMs, `the call took ${callMs} ms of ${totalMs} ms`);
        assert(ticks > 0, "timers ran meanwhile");
        // Several PBKDF2 jobs at once all finish (off the loop, bounded).
        const all = await Promise.all(Array.from({ length: 6 }, () => run(4096)));
        assert(all.every((b) => toHex(b) === "4b007901b765489abead49d926f721d065a429c1"), "concurrent jobs");
        "#,
    );
}

#[test]
fn ecdsa_and_ecdh_vectors() {
    check(
        r#"
        const b64u = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        // ECDSA P-256: RFC 6979 §A.2.5 key; its deterministic signatures of "sample" and
        // "test" with SHA-256 verify.
        const d = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
        const x = hex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6");
        const y = hex("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
        const alg = { name: "ECDSA", namedCurve: "P-256" };
        const pub = await subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: b64u(x), y: b64u(y) }, alg, true, ["verify"]);
        const priv = await subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: b64u(x), y: b64u(y), d: b64u(d) }, alg, true, ["sign"]);
        const sha256 = { name: "ECDSA", hash: "SHA-256" };
        const sample = hex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
        const test = hex("f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
        assert(await subtle.verify(sha256, pub, sample, utf8("sample")), "RFC 6979 sample");
        assert(await subtle.verify(sha256, pub, test, utf8("test")), "RFC 6979 test");
        assert(!(await subtle.verify(sha256, pub, test, utf8("sample"))), "wrong message");
        assert(!(await subtle.verify(sha256, pub, test.slice(1), utf8("test"))), "malformed signature");
        const sig = await subtle.sign(sha256, priv, utf8("hello"));
        eq(sig.byteLength, 64);
        assert(await subtle.verify(sha256, pub, sig, utf8("hello")), "own signature");
        await rejectsDom(subtle.sign(sha256, pub, utf8("x")), "InvalidAccessError", "sign with public key");
        await rejectsDom(subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: b64u(x), y: b64u(y), d: b64u(hex("01".repeat(32))) }, alg, true, ["sign"]), "DataError", "d does not match x,y");
        await rejectsDom(subtle.importKey("jwk", { kty: "EC", crv: "P-384", x: b64u(x), y: b64u(y) }, alg, true, ["verify"]), "DataError", "crv mismatch");
        await rejectsDom(subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: b64u(x), y: b64u(y), alg: "ES384" }, alg, true, ["verify"]), "DataError", "alg mismatch");
        const badY = new Uint8Array(y); badY[31] ^= 1;
        await rejectsDom(subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: b64u(x), y: b64u(badY) }, alg, true, ["verify"]), "DataError", "not on the curve");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(65), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError", "bad point");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(65), { name: "ECDSA", namedCurve: "P-192" }, true, ["verify"]), "DataError", "P-192");
        await rejectsDom(subtle.importKey("raw", new Uint8Array(65), { name: "ECDSA" }, true, ["verify"]), "TypeError", "namedCurve required");
        // Formats round-trip: raw, spki, pkcs8, jwk.
        eq(toHex(await subtle.exportKey("raw", pub)), "04" + toHex(x) + toHex(y));
        const spki = await subtle.exportKey("spki", pub);
        const pkcs8 = await subtle.exportKey("pkcs8", priv);
        const pub2 = await subtle.importKey("spki", spki, alg, true, ["verify"]);
        const priv2 = await subtle.importKey("pkcs8", pkcs8, alg, true, ["sign"]);
        eq(await subtle.exportKey("jwk", priv2), { crv: "P-256", d: b64u(d), ext: true, key_ops: ["sign"], kty: "EC", x: b64u(x), y: b64u(y) });
        assert(await subtle.verify(sha256, pub2, await subtle.sign(sha256, priv2, utf8("m")), utf8("m")), "spki/pkcs8 keys");
        await rejectsDom(subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, true, ["verify"]), "DataError", "spki curve mismatch");
        await rejectsDom(subtle.exportKey("raw", priv), "InvalidAccessError", "raw private");
        await rejectsDom(subtle.exportKey("pkcs8", pub), "InvalidAccessError", "pkcs8 public");
        eq(priv.algorithm, { name: "ECDSA", namedCurve: "P-256" }); eq(priv.type, "private"); eq(pub.type, "public");

        // Every curve and hash: generate, sign, verify, export/import.
        for (const curve of ["P-256", "P-384", "P-521"]) {
          const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
          eq(pair.publicKey.usages, ["verify"]); eq(pair.privateKey.usages, ["sign"]);
          eq(pair.publicKey.extractable, true);
          for (const hash of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
            const s = await subtle.sign({ name: "ECDSA", hash }, pair.privateKey, utf8("data"));
            eq(s.byteLength, { "P-256": 64, "P-384": 96, "P-521": 132 }[curve]);
            assert(await subtle.verify({ name: "ECDSA", hash }, pair.publicKey, s, utf8("data")), `${curve} ${hash}`);
          }
          const jwk = await subtle.exportKey("jwk", pair.privateKey);
          const back = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: curve }, false, ["sign"]);
          const s = await subtle.sign(sha256, back, utf8("x"));
          assert(await subtle.verify(sha256, pair.publicKey, s, utf8("x")), "jwk round trip");
        }
        await rejectsDom(subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "SyntaxError", "no private usage");
        await rejectsDom(subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["encrypt"]), "SyntaxError", "bad usage");
        await rejectsDom(subtle.generateKey({ name: "ECDSA", namedCurve: "K-256" }, true, ["sign"]), "NotSupportedError", "unknown curve");

        // ECDH: RFC 5903 §8.1 (256-bit random ECP group).
        const ecdh = { name: "ECDH", namedCurve: "P-256" };
        const i = await subtle.importKey("jwk", { kty: "EC", crv: "P-256", d: b64u(hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433")),
          x: b64u(hex("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180")), y: b64u(hex("5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3")) }, ecdh, false, ["deriveBits", "deriveKey"]);
        const gr = await subtle.importKey("raw", hex("04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"), ecdh, true, []);
        eq(gr.usages, []);
        eq(toHex(await subtle.deriveBits({ name: "ECDH", public: gr }, i, 256)), "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
        eq(toHex(await subtle.deriveBits({ name: "ECDH", public: gr }, i, null)), "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
        eq(toHex(await subtle.deriveBits({ name: "ECDH", public: gr }, i, 12)), "d680", "12 bits");
        await rejectsDom(subtle.deriveBits({ name: "ECDH", public: gr }, i, 264), "OperationError", "too long");
        await rejectsDom(subtle.deriveBits({ name: "ECDH" }, i, 256), "TypeError", "public required");
        await rejectsDom(subtle.deriveBits({ name: "ECDH", public: pub }, i, 256), "InvalidAccessError", "an ECDSA public key");
        await rejectsDom(subtle.importKey("raw", hex("04"), ecdh, true, ["deriveBits"]), "SyntaxError", "usages on an ECDH public key");
        const aesKey = await subtle.deriveKey({ name: "ECDH", public: gr }, i, { name: "AES-CBC", length: 128 }, true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", aesKey)), "d6840f6b42f6edafd13116e0e1256520");
        // Generated pairs agree; other curves are refused.
        const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]);
        const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]);
        eq(toHex(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 384)),
          toHex(await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 384)));
        const c521 = await subtle.generateKey({ name: "ECDH", namedCurve: "P-521" }, false, ["deriveBits"]);
        eq((await subtle.deriveBits({ name: "ECDH", public: c521.publicKey }, c521.privateKey, 528)).byteLength, 66);
        await rejectsDom(subtle.deriveBits({ name: "ECDH", public: b.publicKey }, c521.privateKey, 128), "InvalidAccessError", "curve mismatch");
        "#,
    );
}

#[test]
fn ed25519_and_x25519_vectors() {
    check(
        r#"
        const b64u = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        // Ed25519: RFC 8032 §7.1 TEST 1 (empty message) and TEST 2 (one byte).
        const t1 = { d: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", x: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
          sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", msg: "" };
        const t2 = { d: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", x: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
          sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00", msg: "72" };
        for (const t of [t1, t2]) {
          const priv = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64u(hex(t.d)), x: b64u(hex(t.x)) }, "Ed25519", true, ["sign"]);
          const pub = await subtle.importKey("raw", hex(t.x), { name: "Ed25519" }, true, ["verify"]);
          eq(toHex(await subtle.sign("Ed25519", priv, hex(t.msg))), t.sig, "RFC 8032");
          assert(await subtle.verify("Ed25519", pub, hex(t.sig), hex(t.msg)), "verifies");
          assert(!(await subtle.verify("Ed25519", pub, hex(t.sig), utf8("other"))), "other message");
          // Formats: pkcs8 and spki round trips (RFC 8410), JWK export (RFC 8037).
          const pkcs8 = await subtle.exportKey("pkcs8", priv);
          eq(toHex(pkcs8), "302e020100300506032b657004220420" + t.d, "RFC 8410 §7 layout");
          eq(toHex(await subtle.exportKey("spki", pub)), "302a300506032b6570032100" + t.x);
          const p2 = await subtle.importKey("pkcs8", pkcs8, "Ed25519", true, ["sign"]);
          eq(await subtle.exportKey("jwk", p2), { crv: "Ed25519", d: b64u(hex(t.d)), ext: true, key_ops: ["sign"], kty: "OKP", x: b64u(hex(t.x)) });
          const s2 = await subtle.importKey("spki", await subtle.exportKey("spki", pub), "Ed25519", true, ["verify"]);
          assert(await subtle.verify("Ed25519", s2, hex(t.sig), hex(t.msg)), "spki key");
        }
        await rejectsDom(subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64u(hex(t1.d)), x: b64u(hex(t2.x)) }, "Ed25519", true, ["sign"]), "DataError", "x/d mismatch");
        await rejectsDom(subtle.importKey("jwk", { kty: "OKP", crv: "X25519", x: b64u(hex(t1.x)) }, "Ed25519", true, ["verify"]), "DataError", "crv");
        await rejectsDom(subtle.importKey("raw", hex(t1.x).slice(1), "Ed25519", true, ["verify"]), "DataError", "31 bytes");
        await rejectsDom(subtle.importKey("spki", hex("302a300506032b656e032100" + t1.x), "Ed25519", true, ["verify"]), "DataError", "X25519 OID");
        const pair = await subtle.generateKey("Ed25519", false, ["sign", "verify"]);
        eq(pair.privateKey.algorithm, { name: "Ed25519" }); eq(pair.privateKey.extractable, false); eq(pair.publicKey.extractable, true);
        const s = await subtle.sign("Ed25519", pair.privateKey, utf8("m"));
        assert(await subtle.verify("Ed25519", pair.publicKey, s, utf8("m")), "generated pair");
        assert(!(await subtle.verify("Ed25519", pair.publicKey, s.slice(0, 63), utf8("m"))), "short signature");

        // X25519: RFC 7748 §6.1.
        const alice = await subtle.importKey("jwk", { kty: "OKP", crv: "X25519", d: b64u(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")),
          x: b64u(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")) }, "X25519", false, ["deriveBits", "deriveKey"]);
        const bob = await subtle.importKey("raw", hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), "X25519", true, []);
        const shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        eq(toHex(await subtle.deriveBits({ name: "X25519", public: bob }, alice, 256)), shared);
        eq(toHex(await subtle.deriveBits({ name: "X25519", public: bob }, alice, 128)), shared.slice(0, 32));
        const k = await subtle.deriveKey({ name: "X25519", public: bob }, alice, { name: "HMAC", hash: "SHA-256", length: 256 }, true, ["sign"]);
        eq(toHex(await subtle.exportKey("raw", k)), shared);
        // A small-order public key (all zeros) gives the all-zero secret: OperationError.
        const zero = await subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
        await rejectsDom(subtle.deriveBits({ name: "X25519", public: zero }, alice, 256), "OperationError", "all-zero secret");
        const xp = await subtle.generateKey("X25519", true, ["deriveBits"]);
        eq(xp.publicKey.usages, []); eq(xp.privateKey.usages, ["deriveBits"]);
        eq(toHex(await subtle.exportKey("pkcs8", xp.privateKey)).slice(0, 32), "302e020100300506032b656e04220420");
        "#,
    );
}

#[test]
fn rsa_vectors() {
    let v: &str = include_str!("vectors/rsa_pkcs1_wpt.json");
    check(&format!(
        r#"
        const V = {v};
        // RSASSA-PKCS1-v1_5 is deterministic: signing the vector's plaintext with its key
        // (web-platform-tests WebCryptoAPI/sign_verify/rsa_pkcs_vectors.js) must give its
        // signature exactly.
        const alg = {{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }};
        const priv = await subtle.importKey("pkcs8", hex(V.pkcs8), alg, true, ["sign"]);
        eq(priv.algorithm.modulusLength, 2048); eq([...priv.algorithm.publicExponent], [1, 0, 1]);
        eq(priv.algorithm.hash, {{ name: "SHA-256" }});
        eq(toHex(await subtle.sign(alg, priv, hex(V.plaintext))), V.signature_sha256, "PKCS#1 v1.5 signature");
        const jwk = await subtle.exportKey("jwk", priv);
        eq(jwk.alg, "RS256"); eq(jwk.kty, "RSA"); eq(jwk.e, "AQAB");
        const pub = await subtle.importKey("jwk", {{ kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256" }}, alg, true, ["verify"]);
        assert(await subtle.verify(alg, pub, hex(V.signature_sha256), hex(V.plaintext)), "verifies");
        const bad = hex(V.signature_sha256); bad[10] ^= 1;
        assert(!(await subtle.verify(alg, pub, bad, hex(V.plaintext))), "tampered");
        // JWK private import (with CRT members) signs the same; the PKCS #8 round-trips.
        const fromJwk = await subtle.importKey("jwk", jwk, alg, true, ["sign"]);
        eq(toHex(await subtle.sign(alg, fromJwk, hex(V.plaintext))), V.signature_sha256, "JWK private key");
        eq(toHex(await subtle.exportKey("pkcs8", fromJwk)), V.pkcs8, "PKCS #8 export");
        const spki = await subtle.exportKey("spki", pub);
        const pub2 = await subtle.importKey("spki", spki, {{ name: "RSA-PSS", hash: "SHA-256" }}, true, ["verify"]);
        eq(pub2.algorithm.name, "RSA-PSS");
        await rejectsDom(subtle.importKey("jwk", {{ ...jwk, qi: jwk.dp }}, alg, true, ["sign"]), "DataError", "CRT mismatch");
        await rejectsDom(subtle.importKey("jwk", {{ ...jwk, alg: "RS512" }}, alg, true, ["sign"]), "DataError", "alg mismatch");
        await rejectsDom(subtle.importKey("spki", hex(V.pkcs8), alg, true, ["verify"]), "DataError", "pkcs8 as spki");
        await rejectsDom(subtle.importKey("pkcs8", hex(V.pkcs8), alg, true, ["verify"]), "SyntaxError", "verify on a private key");
        await rejectsDom(subtle.exportKey("spki", priv), "InvalidAccessError", "spki of a private key");

        // RSA-PSS and RSA-OAEP with the same key: round trips (both are randomized).
        const pss = {{ name: "RSA-PSS", hash: "SHA-256" }};
        const pssPriv = await subtle.importKey("pkcs8", hex(V.pkcs8), pss, false, ["sign"]);
        for (const saltLength of [0, 32, 64]) {{
          const s = await subtle.sign({{ name: "RSA-PSS", saltLength }}, pssPriv, utf8("pss"));
          assert(await subtle.verify({{ name: "RSA-PSS", saltLength }}, pub2, s, utf8("pss")), `salt ${{saltLength}}`);
          assert(!(await subtle.verify({{ name: "RSA-PSS", saltLength }}, pub2, s, utf8("other"))), "other message");
        }}
        await rejectsDom(subtle.sign({{ name: "RSA-PSS" }}, pssPriv, utf8("x")), "TypeError", "saltLength required");
        const oaep = {{ name: "RSA-OAEP", hash: "SHA-256" }};
        const oPriv = await subtle.importKey("pkcs8", hex(V.pkcs8), oaep, false, ["decrypt", "unwrapKey"]);
        const oPub = await subtle.importKey("spki", spki, oaep, false, ["encrypt", "wrapKey"]);
        const ct = await subtle.encrypt({{ name: "RSA-OAEP", label: utf8("L") }}, oPub, utf8("secret"));
        eq(ct.byteLength, 256);
        eq(toHex(await subtle.decrypt({{ name: "RSA-OAEP", label: utf8("L") }}, oPriv, ct)), toHex(utf8("secret")));
        await rejectsDom(subtle.decrypt({{ name: "RSA-OAEP" }}, oPriv, ct), "OperationError", "label mismatch");
        await rejectsDom(subtle.encrypt({{ name: "RSA-OAEP" }}, oPub, new Uint8Array(200)), "OperationError", "too long");
        await rejectsDom(subtle.encrypt({{ name: "RSA-OAEP" }}, oPriv, utf8("x")), "InvalidAccessError", "encrypt with private");
        const aes = await subtle.generateKey({{ name: "AES-GCM", length: 256 }}, true, ["encrypt"]);
        const w = await subtle.wrapKey("raw", aes, oPub, {{ name: "RSA-OAEP" }});
        const u = await subtle.unwrapKey("raw", w, oPriv, {{ name: "RSA-OAEP" }}, "AES-GCM", true, ["encrypt"]);
        eq(toHex(await subtle.exportKey("raw", u)), toHex(await subtle.exportKey("raw", aes)), "OAEP wrap");

        // generateKey (off the loop thread).
        const pair = await subtle.generateKey({{ name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" }}, true, ["sign", "verify"]);
        eq(pair.publicKey.algorithm.modulusLength, 1024);
        assert(pair.publicKey.algorithm.publicExponent !== pair.privateKey.algorithm.publicExponent, "separate objects");
        const gs = await subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, utf8("g"));
        assert(await subtle.verify("RSASSA-PKCS1-v1_5", pair.publicKey, gs, utf8("g")), "generated pair");
        await rejectsDom(subtle.generateKey({{ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" }}, true, ["sign"]), "SyntaxError", "sign on OAEP");
        await rejectsDom(subtle.generateKey({{ name: "RSA-OAEP", modulusLength: 1024, publicExponent: [1, 0, 1], hash: "SHA-1" }}, true, ["encrypt", "decrypt"]), "TypeError", "exponent not a Uint8Array");
        await rejectsDom(subtle.generateKey({{ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([7]), hash: "SHA-1" }}, true, ["decrypt"]), "OperationError", "exponent 7");
        await rejectsDom(subtle.generateKey({{ name: "RSA-OAEP", modulusLength: 100000, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" }}, true, ["decrypt"]), "OperationError", "huge modulus");
        "#
    ));
}

#[test]
fn crypto_key_inspects_like_deno() {
    let lines = check(
        r#"
        const k = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt"]);
        console.log(k);
        "#,
    );
    let line = lines.join("\n");
    assert!(line.starts_with("CryptoKey {"), "{line}");
    for part in [
        "type: 'secret'",
        "extractable: false",
        "algorithm: { name: 'AES-GCM', length: 128 }",
        "usages: [ 'encrypt' ]",
    ] {
        assert!(line.contains(part), "{part} missing in {line}");
    }
}

#[test]
fn key_material_counts_against_the_memory_limit() {
    // 4,000 HMAC keys of 64 KiB (250 MiB held in Rust) must run into the isolate's
    // 128 MiB limit rather than grow the host process unmetered.
    let outcome = support::run(
        r#"
        const keys = [];
        for (let i = 0; i < 4000; i++) {
          keys.push(await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 65536 * 8 }, false, ["sign"]));
        }
        console.log("kept", keys.length);
        "#,
    );
    assert!(
        outcome.text().iter().all(|l| !l.starts_with("kept")),
        "all keys were kept: {:?}",
        outcome.text()
    );
    let errors = outcome.errors.join("\n");
    assert!(errors.contains("memory"), "{errors}");
}

#[test]
fn detached_buffers_hold_no_bytes_and_draft_usages_are_syntax_errors() {
    support::check(
        r#"
        const S = crypto.subtle;
        // WebIDL: a buffer detached before its bytes are copied holds none. Here the
        // algorithm's name getter detaches the data while the algorithm is normalized.
        const d = new Uint8Array(8);
        const detachDuring = (alg, view) => ({ ...alg, get name() { view.buffer.transfer(); return alg.name; } });
        const empty = new Uint8Array(await S.digest("SHA-256", new Uint8Array(0)));
        eq([...new Uint8Array(await S.digest(detachDuring({ name: "SHA-256" }, d), d))], [...empty]);
        const key = await S.importKey("raw", new Uint8Array(16), "AES-CBC", false, ["encrypt", "decrypt"]);
        const pt = new Uint8Array(32);
        const ct = await S.encrypt(detachDuring({ name: "AES-CBC", iv: new Uint8Array(16) }, pt), key, pt);
        eq(ct.byteLength, 16, "an empty plaintext is one block of padding");
        const gone = new Uint8Array(4);
        gone.buffer.transfer();
        eq(crypto.getRandomValues(gone), gone);
        // Usages from the Modern Algorithms draft are KeyUsage values no algorithm here
        // allows: SyntaxError, like any usage the algorithm does not support.
        const e = await rejects(S.generateKey({ name: "AES-CBC", length: 128 }, true, ["encapsulateKey"]));
        eq(e.name, "SyntaxError");
        const e2 = await rejects(S.generateKey({ name: "AES-CBC", length: 128 }, true, ["not-a-usage"]));
        eq(e2.name, "TypeError");
        "#,
    );
}
