//! The ops of RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP: key generation, import/export,
//! signing, verification and encryption; key generation and private-key operations run
//! off the loop. Keep in sync with `js/crypto.js`.

use nano_engine::rquickjs::{Array, Ctx, Function, Object, Result, TypedArray, Value};
use zeroize::Zeroizing;

use super::error::CryptoError;
use super::jobs::{off_loop, Offload, Output};
use super::keys::Key;
use super::rsa;
use super::{
    array_buffer, b64u, b64u_decode, bytes, hash_of, opt_u32, secret_bytes, OrThrow, SharedTable,
};

/// RSA ops; private-key operations and key generation run off the loop.
pub(super) fn install_rsa<'js>(
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
                let data = secret_bytes(&ctx, &data)?;
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
