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
mod ops_curves;
mod ops_rsa;
mod rsa;

use std::cell::RefCell;
use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use nano_engine::rquickjs::{
    ArrayBuffer, Ctx, Exception, Function, Object, Result, TypedArray, Value,
};
use nano_engine::LoopHandle;
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use self::error::{CResult, CryptoError};
use self::hash::Hash;
use self::jobs::{off_loop, to_js, Offload, Output};
use self::keys::{Key, KeyTable};
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
    if let Some(b) = copy_bytes(v) {
        return Ok(b);
    }
    // WebIDL "get a copy of the bytes held by the buffer source": a buffer detached
    // (say, by a getter the algorithm normalization ran) holds none.
    let buffer = ArrayBuffer::from_value(v.clone()).or_else(|| {
        let view = v.as_object()?;
        ArrayBuffer::from_value(view.get::<_, Value>("buffer").ok()?)
    });
    // SAFETY: only asks whether the buffer still has its bytes; no JavaScript runs.
    if buffer.is_some_and(|b| unsafe { b.as_bytes() }.is_none()) {
        return Ok(Vec::new());
    }
    Err(Exception::throw_type(ctx, "Argument is not a BufferSource"))
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

    ops_curves::install_ec(ctx, ops, &table)?;
    ops_curves::install_okp(ctx, ops, &table)?;
    ops_rsa::install_rsa(ctx, ops, &off, &table)?;
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
