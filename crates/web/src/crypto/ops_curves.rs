//! The ops of ECDSA/ECDH (P-256, P-384, P-521) and Ed25519/X25519: key generation,
//! import/export in every format, signing, verification and key agreement. Keep in sync
//! with `js/crypto.js`.

use nano_engine::rquickjs::{Array, Ctx, Function, Object, Result, Value};
use zeroize::Zeroizing;

use super::ec::{self, Curve};
use super::error::{CResult, CryptoError};
use super::keys::Key;
use super::okp::{self, Okp};
use super::{
    array_buffer, b64u, b64u_decode, bytes, hash_of, opt_u32, pair, secret_bytes, truncate_bits,
    OrThrow, SharedTable,
};

/// ECDSA and ECDH ops.
pub(super) fn install_ec<'js>(
    ctx: &Ctx<'js>,
    ops: &Object<'js>,
    table: &SharedTable,
) -> Result<()> {
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
pub(super) fn install_okp<'js>(
    ctx: &Ctx<'js>,
    ops: &Object<'js>,
    table: &SharedTable,
) -> Result<()> {
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
