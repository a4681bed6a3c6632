//! Web Crypto (W3C Web Cryptography API: `crypto.getRandomValues`, `crypto.randomUUID`,
//! `crypto.subtle`): the Rust half of `js/crypto.js`. The JS glue normalizes algorithms
//! and checks usages; these ops hold the key material (by id, in a per-isolate table) and
//! run the primitives, all from the RustCrypto crates (docs/decisions/0007-web-crypto.md).
//!
//! Keep in sync with `js/crypto.js`: op names, argument order, and the error names
//! (`CryptoError::name`) the glue turns into DOMExceptions.

mod aes;
mod ec;
mod error;
mod hash;
mod jobs;
mod keys;
mod okp;
mod rsa;

use std::cell::RefCell;
use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use nano_engine::rquickjs::{
    Array, ArrayBuffer, Ctx, Exception, Function, Object, Result, TypedArray, Value,
};
use nano_engine::LoopHandle;
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use self::ec::Curve;
use self::error::{CResult, CryptoError};
use self::hash::Hash;
use self::jobs::{off_loop, to_js, Offload, Output};
use self::keys::{Key, KeyTable};
use self::okp::Okp;
use crate::buffer::copy_bytes;

pub(crate) type SharedTable = Rc<RefCell<KeyTable>>;

/// Digests of inputs larger than this run off the loop thread.
const INLINE_DIGEST_MAX: usize = 64 * 1024;

/// getRandomValues' quota (Web Cryptography API §10.1.1).
const RANDOM_QUOTA: usize = 65536;

trait OrThrow<T> {
    fn or_throw(self, ctx: &Ctx<'_>) -> Result<T>;
}

impl<T> OrThrow<T> for CResult<T> {
    fn or_throw(self, ctx: &Ctx<'_>) -> Result<T> {
        self.map_err(|e| e.throw(ctx))
    }
}

fn bytes(ctx: &Ctx<'_>, v: &Value<'_>) -> Result<Vec<u8>> {
    copy_bytes(v).ok_or_else(|| Exception::throw_type(ctx, "Argument is not a BufferSource"))
}

/// Like `bytes`, for key material: wiped when dropped.
fn secret_bytes(ctx: &Ctx<'_>, v: &Value<'_>) -> Result<Zeroizing<Vec<u8>>> {
    bytes(ctx, v).map(Zeroizing::new)
}

fn array_buffer<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> Result<Value<'js>> {
    Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value())
}

fn hash_of(ctx: &Ctx<'_>, name: &str) -> Result<Hash> {
    Hash::from_name(name).or_throw(ctx)
}

/// Strict base64url without padding (RFC 7515 §2), as JWK members are written.
fn b64u_decode(s: &str) -> CResult<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| CryptoError::Data("invalid base64url in JWK"))
}

fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The first `bits` bits of `secret` (the rest of the last byte zeroed); the whole secret
/// when `bits` is `None` (§23.3, §25.3 "derive bits").
fn truncate_bits(mut secret: Vec<u8>, bits: Option<u32>) -> CResult<Vec<u8>> {
    let Some(bits) = bits else { return Ok(secret) };
    let bits = bits as usize;
    if bits > secret.len() * 8 {
        return Err(CryptoError::Operation(
            "length is larger than the derived secret",
        ));
    }
    secret.truncate(bits.div_ceil(8));
    if !bits.is_multiple_of(8) {
        if let Some(last) = secret.last_mut() {
            *last &= 0xFFu8 << (8 - bits % 8);
        }
    }
    Ok(secret)
}

/// `null`/`undefined` → `None`, a number → `Some`.
fn opt_u32(v: &Value<'_>) -> Option<u32> {
    v.as_number().map(|n| n as u32)
}

fn pair<'js>(ctx: &Ctx<'js>, table: &SharedTable, private: Key, public: Key) -> Result<Value<'js>> {
    to_js(
        ctx,
        table,
        Output::Pair(Box::new(private), Box::new(public)),
    )
}

/// Adds the crypto ops to `ops`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, lp: &LoopHandle) -> Result<()> {
    let table: SharedTable = Rc::default();
    let off = Offload::new(lp);
    let get = {
        let table = table.clone();
        move |ctx: &Ctx<'_>, id: u32| table.borrow().get(id).or_throw(ctx)
    };
    let get = Rc::new(get);
    let insert = {
        let table = table.clone();
        Rc::new(move |key: Key| table.borrow_mut().insert(key))
    };

    // ops.cryptoRandom(n) -> Uint8Array of n random bytes (n ≤ 65536)
    ops.set(
        "cryptoRandom",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, n: usize| {
            if n > RANDOM_QUOTA {
                return Err(Exception::throw_range(&ctx, "quota exceeded"));
            }
            let mut buf = vec![0u8; n];
            OsRng.fill_bytes(&mut buf);
            TypedArray::<u8>::new(ctx, buf)
        })?,
    )?;

    // ops.cryptoUuid() -> a version 4 UUID string (RFC 9562 §5.4)
    ops.set(
        "cryptoUuid",
        Function::new(ctx.clone(), || {
            let mut b = [0u8; 16];
            OsRng.fill_bytes(&mut b);
            b[6] = (b[6] & 0x0F) | 0x40;
            b[8] = (b[8] & 0x3F) | 0x80;
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            )
        })?,
    )?;

    // ops.cryptoKeyFree(id): its CryptoKey was collected.
    let t = table.clone();
    ops.set(
        "cryptoKeyFree",
        Function::new(ctx.clone(), move |id: u32| t.borrow_mut().remove(id))?,
    )?;

    // ops.cryptoKeySize(id) -> bytes the key holds in Rust (see Key::approx_size)
    let t = table.clone();
    ops.set(
        "cryptoKeySize",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = t.borrow().get(id).or_throw(&ctx)?;
            Result::Ok(key.approx_size())
        })?,
    )?;

    // ops.cryptoB64uDecode(string) -> Uint8Array (DataError if not base64url)
    ops.set(
        "cryptoB64uDecode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, s: String| {
            let v = b64u_decode(&s).or_throw(&ctx)?;
            TypedArray::<u8>::new(ctx, v)
        })?,
    )?;

    // ops.cryptoDigest(hash, data) -> ArrayBuffer, or a Promise of one for large data
    let (l, t) = (off.clone(), table.clone());
    ops.set(
        "cryptoDigest",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, data: Value<'js>| {
                let hash = hash_of(&ctx, &name)?;
                let data = bytes(&ctx, &data)?;
                if data.len() <= INLINE_DIGEST_MAX {
                    return array_buffer(&ctx, hash.digest(&data));
                }
                off_loop(&ctx, &l, &t, move || Ok(Output::Bytes(hash.digest(&data))))
            },
        )?,
    )?;

    // ---- secret keys (AES, HMAC, HKDF, PBKDF2) ----

    // ops.cryptoSecretImport(bytes) -> id
    let ins = insert.clone();
    ops.set(
        "cryptoSecretImport",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, data: Value<'js>| {
            Result::Ok(ins(Key::Secret(secret_bytes(&ctx, &data)?)))
        })?,
    )?;

    // ops.cryptoSecretGenerate(byteLength) -> id  (at most 64 KiB: see crypto.js)
    let ins = insert.clone();
    ops.set(
        "cryptoSecretGenerate",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, n: usize| {
            if n > RANDOM_QUOTA {
                return Err(CryptoError::Operation("key too long").throw(&ctx));
            }
            let mut key = Zeroizing::new(vec![0u8; n]);
            OsRng.fill_bytes(&mut key);
            Result::Ok(ins(Key::Secret(key)))
        })?,
    )?;

    // ops.cryptoSecretExport(id) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoSecretExport",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = g(&ctx, id)?;
            array_buffer(&ctx, key.secret().or_throw(&ctx)?.to_vec())
        })?,
    )?;

    // ops.cryptoSecretExportJwk(id) -> base64url string
    let g = get.clone();
    ops.set(
        "cryptoSecretExportJwk",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = g(&ctx, id)?;
            Result::Ok(b64u(key.secret().or_throw(&ctx)?))
        })?,
    )?;

    // ops.cryptoHmacSign(id, hash, data) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoHmacSign",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, name: String, data: Value<'js>| {
                let key = g(&ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let data = bytes(&ctx, &data)?;
                array_buffer(
                    &ctx,
                    hash::hmac_sign(hash, key.secret().or_throw(&ctx)?, &data),
                )
            },
        )?,
    )?;

    // ops.cryptoHmacVerify(id, hash, signature, data) -> bool
    let g = get.clone();
    ops.set(
        "cryptoHmacVerify",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, name: String, sig: Value<'js>, data: Value<'js>| {
                let key = g(&ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let (sig, data) = (bytes(&ctx, &sig)?, bytes(&ctx, &data)?);
                Result::Ok(hash::hmac_verify(
                    hash,
                    key.secret().or_throw(&ctx)?,
                    &sig,
                    &data,
                ))
            },
        )?,
    )?;

    // ops.cryptoAesCbc(encrypt, id, iv, data) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoAesCbc",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, encrypt: bool, id: u32, iv: Value<'js>, data: Value<'js>| {
                let key = g(&ctx, id)?;
                let (iv, data) = (bytes(&ctx, &iv)?, bytes(&ctx, &data)?);
                let out =
                    aes::cbc(encrypt, key.secret().or_throw(&ctx)?, &iv, &data).or_throw(&ctx)?;
                array_buffer(&ctx, out)
            },
        )?,
    )?;

    // ops.cryptoAesCtr(id, counter, length, data) -> ArrayBuffer (both directions)
    let g = get.clone();
    ops.set(
        "cryptoAesCtr",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, counter: Value<'js>, length: u32, data: Value<'js>| {
                let key = g(&ctx, id)?;
                let (counter, data) = (bytes(&ctx, &counter)?, bytes(&ctx, &data)?);
                let out = aes::ctr(key.secret().or_throw(&ctx)?, &counter, length, &data)
                    .or_throw(&ctx)?;
                array_buffer(&ctx, out)
            },
        )?,
    )?;

    // ops.cryptoAesGcm(encrypt, id, iv, additionalData, tagLength, data) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoAesGcm",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  encrypt: bool,
                  id: u32,
                  iv: Value<'js>,
                  aad: Value<'js>,
                  tag_bits: u32,
                  data: Value<'js>| {
                let key = g(&ctx, id)?;
                let (iv, aad, data) = (bytes(&ctx, &iv)?, bytes(&ctx, &aad)?, bytes(&ctx, &data)?);
                let secret = key.secret().or_throw(&ctx)?;
                let out = if encrypt {
                    aes::gcm_encrypt(secret, &iv, &aad, tag_bits, &data)
                } else {
                    aes::gcm_decrypt(secret, &iv, &aad, tag_bits, &data)
                };
                array_buffer(&ctx, out.or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoAesKw(wrap, id, data) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoAesKw",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, wrap: bool, id: u32, data: Value<'js>| {
                let key = g(&ctx, id)?;
                let data = bytes(&ctx, &data)?;
                let out = aes::kw(wrap, key.secret().or_throw(&ctx)?, &data).or_throw(&ctx)?;
                array_buffer(&ctx, out)
            },
        )?,
    )?;

    // ops.cryptoHkdf(id, hash, salt, info, lengthBits) -> ArrayBuffer
    let g = get.clone();
    ops.set(
        "cryptoHkdf",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  id: u32,
                  name: String,
                  salt: Value<'js>,
                  info: Value<'js>,
                  bits: u32| {
                let key = g(&ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let (salt, info) = (bytes(&ctx, &salt)?, bytes(&ctx, &info)?);
                let out = hash::hkdf(hash, key.secret().or_throw(&ctx)?, &salt, &info, bits)
                    .or_throw(&ctx)?;
                array_buffer(&ctx, out)
            },
        )?,
    )?;

    // ops.cryptoPbkdf2(id, hash, salt, iterations, lengthBits) -> Promise<ArrayBuffer>
    let (g, l, t) = (get.clone(), off.clone(), table.clone());
    ops.set(
        "cryptoPbkdf2",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  id: u32,
                  name: String,
                  salt: Value<'js>,
                  iterations: u32,
                  bits: u32| {
                let key = g(&ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let salt = bytes(&ctx, &salt)?;
                key.secret().or_throw(&ctx)?;
                off_loop(&ctx, &l, &t, move || {
                    let out = hash::pbkdf2(hash, key.secret()?, &salt, iterations, bits)?;
                    Ok(Output::Bytes(out))
                })
            },
        )?,
    )?;

    install_ec(ctx, ops, &table)?;
    install_okp(ctx, ops, &table)?;
    install_rsa(ctx, ops, &off, &table)?;
    Result::Ok(())
}

/// ECDSA and ECDH ops.
fn install_ec<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, table: &SharedTable) -> Result<()> {
    let get = |t: &SharedTable, ctx: &Ctx<'_>, id: u32| t.borrow().get(id).or_throw(ctx);

    // ops.cryptoEcGenerate(curve) -> [privateId, publicId]
    let t = table.clone();
    ops.set(
        "cryptoEcGenerate",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, curve: String| {
            let curve = Curve::from_name(&curve).or_throw(&ctx)?;
            let (private, public) = ec::generate(curve);
            pair(&ctx, &t, Key::EcPrivate(private), Key::EcPublic(public))
        })?,
    )?;

    // ops.cryptoEcImport(curve, format, data) -> id  (format: raw | spki | pkcs8)
    let t = table.clone();
    ops.set(
        "cryptoEcImport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, curve: String, format: String, data: Value<'js>| {
                let curve = Curve::from_name(&curve).or_throw(&ctx)?;
                let data = secret_bytes(&ctx, &data)?;
                let key = match format.as_str() {
                    "raw" => ec::import_raw(curve, &data).map(Key::EcPublic),
                    "spki" => ec::import_spki(curve, &data).map(Key::EcPublic),
                    "pkcs8" => ec::import_pkcs8(curve, &data).map(Key::EcPrivate),
                    _ => Err(CryptoError::NotSupported("unsupported format")),
                };
                Result::Ok(t.borrow_mut().insert(key.or_throw(&ctx)?))
            },
        )?,
    )?;

    // ops.cryptoEcImportJwk(curve, x, y, d|undefined) -> id  (base64url members)
    let t = table.clone();
    ops.set(
        "cryptoEcImportJwk",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, curve: String, x: String, y: String, d: Option<String>| {
                let curve = Curve::from_name(&curve).or_throw(&ctx)?;
                let (x, y) = (
                    b64u_decode(&x).or_throw(&ctx)?,
                    b64u_decode(&y).or_throw(&ctx)?,
                );
                let d = d
                    .map(|d| b64u_decode(&d).map(Zeroizing::new))
                    .transpose()
                    .or_throw(&ctx)?;
                let (private, public) =
                    ec::import_jwk(curve, &x, &y, d.as_deref().map(Vec::as_slice))
                        .or_throw(&ctx)?;
                let key = match private {
                    Some(k) => Key::EcPrivate(k),
                    None => Key::EcPublic(public),
                };
                Result::Ok(t.borrow_mut().insert(key))
            },
        )?,
    )?;

    // ops.cryptoEcPublic(privateId) -> publicId
    let t = table.clone();
    ops.set(
        "cryptoEcPublic",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let Key::EcPrivate(k) = &*key else {
                return Err(CryptoError::InvalidAccess("not an EC private key").throw(&ctx));
            };
            let public = k.public();
            Result::Ok(t.borrow_mut().insert(Key::EcPublic(public)))
        })?,
    )?;

    // ops.cryptoEcExport(id, format) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoEcExport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, format: String| {
                let key = get(&t, &ctx, id)?;
                let out = match (&*key, format.as_str()) {
                    (Key::EcPublic(k), "raw") => CResult::Ok(k.to_raw()),
                    (Key::EcPublic(k), "spki") => ec::export_spki(k),
                    (Key::EcPrivate(k), "pkcs8") => ec::export_pkcs8(k),
                    _ => Err(CryptoError::InvalidAccess(
                        "the key cannot be exported in this format",
                    )),
                };
                array_buffer(&ctx, out.or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoEcExportJwk(id) -> [x, y, d|undefined] (base64url)
    let t = table.clone();
    ops.set(
        "cryptoEcExportJwk",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let (x, y, d) = match &*key {
                Key::EcPublic(k) => ec::export_jwk(k, None),
                Key::EcPrivate(k) => ec::export_jwk(&k.public(), Some(k)),
                _ => return Err(CryptoError::InvalidAccess("not an EC key").throw(&ctx)),
            };
            let out = Array::new(ctx.clone())?;
            out.set(0, b64u(&x))?;
            out.set(1, b64u(&y))?;
            if let Some(d) = d {
                out.set(2, b64u(&Zeroizing::new(d)))?;
            }
            Result::Ok(out)
        })?,
    )?;

    // ops.cryptoEcdsaSign(id, hash, data) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoEcdsaSign",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, name: String, data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let data = bytes(&ctx, &data)?;
                let Key::EcPrivate(k) = &*key else {
                    return Err(CryptoError::InvalidAccess("not an EC private key").throw(&ctx));
                };
                array_buffer(&ctx, ec::sign(k, hash, &data).or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoEcdsaVerify(id, hash, signature, data) -> bool
    let t = table.clone();
    ops.set(
        "cryptoEcdsaVerify",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, name: String, sig: Value<'js>, data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let (sig, data) = (bytes(&ctx, &sig)?, bytes(&ctx, &data)?);
                let Key::EcPublic(k) = &*key else {
                    return Err(CryptoError::InvalidAccess("not an EC public key").throw(&ctx));
                };
                Result::Ok(ec::verify(k, hash, &sig, &data))
            },
        )?,
    )?;

    // ops.cryptoEcdh(privateId, publicId, lengthBits|null) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoEcdh",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, private: u32, public: u32, length: Value<'js>| {
                let (d, q) = (get(&t, &ctx, private)?, get(&t, &ctx, public)?);
                let (Key::EcPrivate(d), Key::EcPublic(q)) = (&*d, &*q) else {
                    return Err(CryptoError::InvalidAccess("not EC keys").throw(&ctx));
                };
                let secret = ec::ecdh(d, q).and_then(|s| truncate_bits(s, opt_u32(&length)));
                array_buffer(&ctx, secret.or_throw(&ctx)?)
            },
        )?,
    )?;
    Result::Ok(())
}

/// Ed25519 and X25519 ops.
fn install_okp<'js>(ctx: &Ctx<'js>, ops: &Object<'js>, table: &SharedTable) -> Result<()> {
    let get = |t: &SharedTable, ctx: &Ctx<'_>, id: u32| t.borrow().get(id).or_throw(ctx);
    let kind = |ctx: &Ctx<'_>, name: &str| Okp::from_name(name).or_throw(ctx);

    // ops.cryptoOkpGenerate(name) -> [privateId, publicId]
    let t = table.clone();
    ops.set(
        "cryptoOkpGenerate",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, name: String| {
            let (private, public) = kind(&ctx, &name)?.generate();
            pair(&ctx, &t, private, public)
        })?,
    )?;

    // ops.cryptoOkpImport(name, format, data) -> id  (format: raw | spki | pkcs8)
    let t = table.clone();
    ops.set(
        "cryptoOkpImport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, format: String, data: Value<'js>| {
                let okp = kind(&ctx, &name)?;
                let data = secret_bytes(&ctx, &data)?;
                let key = match format.as_str() {
                    "raw" => okp.public(&data),
                    "spki" => okp.import_spki(&data),
                    "pkcs8" => okp.import_pkcs8(&data),
                    _ => Err(CryptoError::NotSupported("unsupported format")),
                };
                Result::Ok(t.borrow_mut().insert(key.or_throw(&ctx)?))
            },
        )?,
    )?;

    // ops.cryptoOkpImportJwk(name, x, d|undefined) -> id
    let t = table.clone();
    ops.set(
        "cryptoOkpImportJwk",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, x: String, d: Option<String>| {
                let okp = kind(&ctx, &name)?;
                let x = b64u_decode(&x).or_throw(&ctx)?;
                let key = match d {
                    Some(d) => {
                        let d = Zeroizing::new(b64u_decode(&d).or_throw(&ctx)?);
                        okp.import_private(&d, Some(&x))
                    }
                    None => okp.public(&x),
                };
                Result::Ok(t.borrow_mut().insert(key.or_throw(&ctx)?))
            },
        )?,
    )?;

    // ops.cryptoOkpExport(name, id, format) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoOkpExport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, id: u32, format: String| {
                let okp = kind(&ctx, &name)?;
                let key = get(&t, &ctx, id)?;
                let public = matches!(&*key, Key::Ed25519Public(_) | Key::X25519Public(_));
                let out = match format.as_str() {
                    "raw" if public => {
                        okp::public_raw(&key).ok_or(CryptoError::InvalidAccess("not a public key"))
                    }
                    "spki" if public => okp::export_spki(okp, &key),
                    "pkcs8" if !public => okp::export_pkcs8(okp, &key),
                    _ => Err(CryptoError::InvalidAccess(
                        "the key cannot be exported in this format",
                    )),
                };
                array_buffer(&ctx, out.or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoOkpExportJwk(id) -> [x, d|undefined]
    let t = table.clone();
    ops.set(
        "cryptoOkpExportJwk",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let x = okp::public_raw(&key)
                .ok_or_else(|| CryptoError::InvalidAccess("not an OKP key").throw(&ctx))?;
            let out = Array::new(ctx.clone())?;
            out.set(0, b64u(&x))?;
            if let Some(d) = okp::private_raw(&key) {
                out.set(1, b64u(&d))?;
            }
            Result::Ok(out)
        })?,
    )?;

    // ops.cryptoEd25519Sign(id, data) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoEd25519Sign",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let data = bytes(&ctx, &data)?;
                array_buffer(&ctx, okp::ed25519_sign(&key, &data).or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoEd25519Verify(id, signature, data) -> bool
    let t = table.clone();
    ops.set(
        "cryptoEd25519Verify",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, sig: Value<'js>, data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let (sig, data) = (bytes(&ctx, &sig)?, bytes(&ctx, &data)?);
                Result::Ok(okp::ed25519_verify(&key, &sig, &data))
            },
        )?,
    )?;

    // ops.cryptoX25519(privateId, publicId, lengthBits|null) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoX25519",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, private: u32, public: u32, length: Value<'js>| {
                let (d, q) = (get(&t, &ctx, private)?, get(&t, &ctx, public)?);
                let secret = okp::x25519(&d, &q).and_then(|s| truncate_bits(s, opt_u32(&length)));
                array_buffer(&ctx, secret.or_throw(&ctx)?)
            },
        )?,
    )?;
    Result::Ok(())
}

/// RSA ops; private-key operations and key generation run off the loop.
fn install_rsa<'js>(
    ctx: &Ctx<'js>,
    ops: &Object<'js>,
    off: &Offload,
    table: &SharedTable,
) -> Result<()> {
    let get = |t: &SharedTable, ctx: &Ctx<'_>, id: u32| t.borrow().get(id).or_throw(ctx);

    // ops.cryptoRsaGenerate(modulusBits, publicExponent) -> Promise<[privateId, publicId]>
    let (l, t) = (off.clone(), table.clone());
    ops.set(
        "cryptoRsaGenerate",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, bits: u32, exponent: Value<'js>| {
                let exponent = bytes(&ctx, &exponent)?;
                off_loop(&ctx, &l, &t, move || {
                    let (private, public) = rsa::generate(bits, &exponent)?;
                    Ok(Output::Pair(Box::new(private), Box::new(public)))
                })
            },
        )?,
    )?;

    // ops.cryptoRsaInfo(id) -> [modulusLength, publicExponent (Uint8Array)]
    let t = table.clone();
    ops.set(
        "cryptoRsaInfo",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let (bits, e) = rsa::info(&key).or_throw(&ctx)?;
            let out = Array::new(ctx.clone())?;
            out.set(0, bits as f64)?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), e)?)?;
            Result::Ok(out)
        })?,
    )?;

    // ops.cryptoRsaImport(format, data) -> id  (spki | pkcs8)
    let t = table.clone();
    ops.set(
        "cryptoRsaImport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, format: String, data: Value<'js>| {
                let data = bytes(&ctx, &data)?;
                let key = match format.as_str() {
                    "spki" => rsa::import_spki(&data),
                    "pkcs8" => rsa::import_pkcs8(&data),
                    _ => Err(CryptoError::NotSupported("unsupported format")),
                };
                Result::Ok(t.borrow_mut().insert(key.or_throw(&ctx)?))
            },
        )?,
    )?;

    // ops.cryptoRsaImportJwk(n, e, [d, p, q, dp, dq, qi]|undefined) -> id
    let t = table.clone();
    ops.set(
        "cryptoRsaImportJwk",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, n: String, e: String, private: Option<Vec<String>>| {
                let dec = |s: &str| b64u_decode(s).or_throw(&ctx);
                let private = match private {
                    Some(v) if v.len() == 6 => Some([
                        dec(&v[0])?,
                        dec(&v[1])?,
                        dec(&v[2])?,
                        dec(&v[3])?,
                        dec(&v[4])?,
                        dec(&v[5])?,
                    ]),
                    Some(_) => return Err(CryptoError::Data("incomplete RSA JWK").throw(&ctx)),
                    None => None,
                };
                let parts = rsa::JwkParts {
                    n: dec(&n)?,
                    e: dec(&e)?,
                    private,
                };
                let key = rsa::import_jwk(&parts);
                if let Some(members) = parts.private {
                    for m in members {
                        drop(Zeroizing::new(m));
                    }
                }
                Result::Ok(t.borrow_mut().insert(key.or_throw(&ctx)?))
            },
        )?,
    )?;

    // ops.cryptoRsaPublic(privateId) -> publicId
    let t = table.clone();
    ops.set(
        "cryptoRsaPublic",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let public = rsa::public_of(&key).or_throw(&ctx)?.clone();
            Result::Ok(t.borrow_mut().insert(Key::RsaPublic(public)))
        })?,
    )?;

    // ops.cryptoRsaExport(id, format) -> ArrayBuffer
    let t = table.clone();
    ops.set(
        "cryptoRsaExport",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, format: String| {
                let key = get(&t, &ctx, id)?;
                let out = match format.as_str() {
                    "spki" => rsa::export_spki(&key),
                    "pkcs8" => rsa::export_pkcs8(&key),
                    _ => Err(CryptoError::NotSupported("unsupported format")),
                };
                array_buffer(&ctx, out.or_throw(&ctx)?)
            },
        )?,
    )?;

    // ops.cryptoRsaExportJwk(id) -> [n, e] or [n, e, d, p, q, dp, dq, qi] (base64url)
    let t = table.clone();
    ops.set(
        "cryptoRsaExportJwk",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u32| {
            let key = get(&t, &ctx, id)?;
            let parts = rsa::export_jwk(&key).or_throw(&ctx)?;
            let out = Array::new(ctx.clone())?;
            for (i, p) in parts.into_iter().enumerate() {
                out.set(i, b64u(&Zeroizing::new(p)))?;
            }
            Result::Ok(out)
        })?,
    )?;

    // ops.cryptoRsaSign(saltLength|null, id, hash, data) -> Promise<ArrayBuffer>
    // (null: RSASSA-PKCS1-v1_5; a number: RSA-PSS)
    let (l, t) = (off.clone(), table.clone());
    ops.set(
        "cryptoRsaSign",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, salt: Value<'js>, id: u32, name: String, data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let data = bytes(&ctx, &data)?;
                let scheme = match opt_u32(&salt) {
                    Some(s) => rsa::Scheme::Pss(s as usize),
                    None => rsa::Scheme::Pkcs1v15,
                };
                off_loop(&ctx, &l, &t, move || {
                    Ok(Output::Bytes(rsa::sign(&key, scheme, hash, &data)?))
                })
            },
        )?,
    )?;

    // ops.cryptoRsaVerify(saltLength|null, id, hash, signature, data) -> bool
    let t = table.clone();
    ops.set(
        "cryptoRsaVerify",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  salt: Value<'js>,
                  id: u32,
                  name: String,
                  sig: Value<'js>,
                  data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let (sig, data) = (bytes(&ctx, &sig)?, bytes(&ctx, &data)?);
                let scheme = match opt_u32(&salt) {
                    Some(s) => rsa::Scheme::Pss(s as usize),
                    None => rsa::Scheme::Pkcs1v15,
                };
                rsa::verify(&key, scheme, hash, &sig, &data).or_throw(&ctx)
            },
        )?,
    )?;

    // ops.cryptoRsaOaep(encrypt, id, hash, label, data) -> ArrayBuffer (encrypt) or
    // Promise<ArrayBuffer> (decrypt, off the loop)
    let (l, t) = (off.clone(), table.clone());
    ops.set(
        "cryptoRsaOaep",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  encrypt: bool,
                  id: u32,
                  name: String,
                  label: Value<'js>,
                  data: Value<'js>| {
                let key = get(&t, &ctx, id)?;
                let hash = hash_of(&ctx, &name)?;
                let (label, data) = (bytes(&ctx, &label)?, bytes(&ctx, &data)?);
                if encrypt {
                    let out = rsa::oaep_crypt(true, &key, hash, &label, &data).or_throw(&ctx)?;
                    return array_buffer(&ctx, out);
                }
                off_loop(&ctx, &l, &t, move || {
                    Ok(Output::Bytes(rsa::oaep_crypt(
                        false, &key, hash, &label, &data,
                    )?))
                })
            },
        )?,
    )?;
    Result::Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncating_derived_bits() {
        assert_eq!(truncate_bits(vec![0xFF, 0xFF], None), Ok(vec![0xFF, 0xFF]));
        assert_eq!(
            truncate_bits(vec![0xFF, 0xFF], Some(12)),
            Ok(vec![0xFF, 0xF0])
        );
        assert_eq!(truncate_bits(vec![0xFF, 0xFF], Some(8)), Ok(vec![0xFF]));
        assert_eq!(truncate_bits(vec![0xFF, 0xFF], Some(0)), Ok(vec![]));
        assert!(truncate_bits(vec![0xFF], Some(9)).is_err());
    }
}
