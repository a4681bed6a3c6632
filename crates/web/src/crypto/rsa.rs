//! RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP (RFC 8017), Web Cryptography API §§20–22, on
//! the RustCrypto `rsa` crate (see docs/decisions/0007-web-crypto.md on its timing side
//! channel), with the SPKI, PKCS #8 and JWK (RFC 7518 §6.3) formats.

use rand_core::OsRng;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};

use super::error::{CResult, CryptoError};
use super::hash::{with_hash, Hash};
use super::keys::Key;
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};

const BAD_KEY_DATA: CryptoError = CryptoError::Data("invalid RSA key data");

/// Key sizes generateKey accepts: a bound on the off-loop work one call can ask for.
pub(crate) const MIN_BITS: u32 = 512;
pub(crate) const MAX_BITS: u32 = 8192;

/// Which RSA signature scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    Pkcs1v15,
    /// RSA-PSS with this salt length in bytes (MGF1 with the same hash).
    Pss(usize),
}

pub(crate) fn public_of(key: &Key) -> CResult<&RsaPublicKey> {
    match key {
        Key::RsaPublic(k) => Ok(k),
        Key::RsaPrivate(k) => Ok(k.as_ref()),
        _ => Err(CryptoError::InvalidAccess("not an RSA key")),
    }
}

fn private_of(key: &Key) -> CResult<&RsaPrivateKey> {
    match key {
        Key::RsaPrivate(k) => Ok(k),
        _ => Err(CryptoError::InvalidAccess("not an RSA private key")),
    }
}

/// A new key pair (slow: run it off the loop thread).
pub(crate) fn generate(bits: u32, exponent: &[u8]) -> CResult<(Key, Key)> {
    if !(MIN_BITS..=MAX_BITS).contains(&bits) || !bits.is_multiple_of(8) {
        return Err(CryptoError::Operation(
            "RSA modulusLength must be a multiple of 8 from 512 to 8192",
        ));
    }
    let e = BigUint::from_bytes_be(exponent);
    // Only the exponents in use (3 and F4) are accepted, as browsers do; others make the
    // prime search slow or fail.
    if e != BigUint::from(3u32) && e != BigUint::from(65537u32) {
        return Err(CryptoError::Operation(
            "RSA publicExponent must be 3 or 65537",
        ));
    }
    let private = RsaPrivateKey::new_with_exp(&mut OsRng, bits as usize, &e)
        .map_err(|_| CryptoError::Operation("RSA key generation failed"))?;
    let public = private.to_public_key();
    Ok((Key::RsaPrivate(private), Key::RsaPublic(public)))
}

/// The modulus length in bits and the public exponent (big-endian) of a key.
pub(crate) fn info(key: &Key) -> CResult<(usize, Vec<u8>)> {
    let k = public_of(key)?;
    Ok((k.n().bits(), k.e().to_bytes_be()))
}

pub(crate) fn import_spki(der: &[u8]) -> CResult<Key> {
    RsaPublicKey::from_public_key_der(der)
        .map(Key::RsaPublic)
        .map_err(|_| BAD_KEY_DATA)
}

pub(crate) fn import_pkcs8(der: &[u8]) -> CResult<Key> {
    RsaPrivateKey::from_pkcs8_der(der)
        .map(Key::RsaPrivate)
        .map_err(|_| BAD_KEY_DATA)
}

pub(crate) fn export_spki(key: &Key) -> CResult<Vec<u8>> {
    let Key::RsaPublic(k) = key else {
        return Err(CryptoError::InvalidAccess("not an RSA public key"));
    };
    k.to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|_| CryptoError::Operation("SPKI encoding failed"))
}

pub(crate) fn export_pkcs8(key: &Key) -> CResult<Vec<u8>> {
    private_of(key)?
        .to_pkcs8_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|_| CryptoError::Operation("PKCS #8 encoding failed"))
}

/// The members of an RSA JWK, decoded: n and e, and for a private key d, p, q, dp, dq, qi.
pub(crate) struct JwkParts {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    pub private: Option<[Vec<u8>; 6]>,
}

pub(crate) fn import_jwk(parts: &JwkParts) -> CResult<Key> {
    let n = BigUint::from_bytes_be(&parts.n);
    let e = BigUint::from_bytes_be(&parts.e);
    let Some([d, p, q, dp, dq, qi]) = &parts.private else {
        return RsaPublicKey::new(n, e)
            .map(Key::RsaPublic)
            .map_err(|_| BAD_KEY_DATA);
    };
    let key = RsaPrivateKey::from_components(
        n,
        e,
        BigUint::from_bytes_be(d),
        vec![BigUint::from_bytes_be(p), BigUint::from_bytes_be(q)],
    )
    .map_err(|_| BAD_KEY_DATA)?;
    key.validate().map_err(|_| BAD_KEY_DATA)?;
    // The CRT members must agree with the primes (RFC 7518 §6.3.2).
    let given = [dp, dq, qi].map(|v| BigUint::from_bytes_be(v));
    let ours = [key.dp().cloned(), key.dq().cloned(), key.crt_coefficient()];
    if ours
        .iter()
        .zip(given.iter())
        .any(|(o, g)| o.as_ref() != Some(g))
    {
        return Err(CryptoError::Data("RSA JWK CRT parameters do not match"));
    }
    Ok(Key::RsaPrivate(key))
}

/// JWK members of a key as big-endian bytes: [n, e] or [n, e, d, p, q, dp, dq, qi].
pub(crate) fn export_jwk(key: &Key) -> CResult<Vec<Vec<u8>>> {
    let public = public_of(key)?;
    let mut out = vec![public.n().to_bytes_be(), public.e().to_bytes_be()];
    if let Key::RsaPrivate(k) = key {
        let primes = k.primes();
        if primes.len() != 2 {
            return Err(CryptoError::NotSupported(
                "multi-prime RSA keys cannot be exported as JWK",
            ));
        }
        let missing = || CryptoError::Operation("RSA key lacks CRT values");
        out.push(k.d().to_bytes_be());
        out.push(primes[0].to_bytes_be());
        out.push(primes[1].to_bytes_be());
        out.push(k.dp().ok_or_else(missing)?.to_bytes_be());
        out.push(k.dq().ok_or_else(missing)?.to_bytes_be());
        out.push(k.crt_coefficient().ok_or_else(missing)?.to_bytes_be());
    }
    Ok(out)
}

fn pkcs1v15(hash: Hash) -> Pkcs1v15Sign {
    with_hash!(hash, D => Pkcs1v15Sign::new::<D>())
}

fn pss(hash: Hash, salt: usize) -> Pss {
    with_hash!(hash, D => Pss::new_with_salt::<D>(salt))
}

/// Signs the hash of `data` (private-key operation, blinded; run it off the loop).
pub(crate) fn sign(key: &Key, scheme: Scheme, hash: Hash, data: &[u8]) -> CResult<Vec<u8>> {
    let k = private_of(key)?;
    let digest = hash.digest(data);
    let result = match scheme {
        Scheme::Pkcs1v15 => k.sign_with_rng(&mut OsRng, pkcs1v15(hash), &digest),
        Scheme::Pss(salt) => k.sign_with_rng(&mut OsRng, pss(hash, salt), &digest),
    };
    result.map_err(|_| {
        CryptoError::Operation("RSA signing failed (key too small for the hash or salt?)")
    })
}

/// Whether `signature` is valid for `data`; a malformed one is invalid.
pub(crate) fn verify(
    key: &Key,
    scheme: Scheme,
    hash: Hash,
    signature: &[u8],
    data: &[u8],
) -> CResult<bool> {
    let k = match key {
        Key::RsaPublic(k) => k,
        _ => return Err(CryptoError::InvalidAccess("not an RSA public key")),
    };
    let digest = hash.digest(data);
    Ok(match scheme {
        Scheme::Pkcs1v15 => k.verify(pkcs1v15(hash), &digest, signature).is_ok(),
        Scheme::Pss(salt) => k.verify(pss(hash, salt), &digest, signature).is_ok(),
    })
}

fn oaep(hash: Hash, label: &[u8]) -> CResult<Oaep> {
    if label.is_empty() {
        return Ok(with_hash!(hash, D => Oaep::new::<D>()));
    }
    // The `rsa` crate keeps the label as a String: labels that are not UTF-8 cannot be
    // expressed (see the decision record).
    let label = std::str::from_utf8(label)
        .map_err(|_| CryptoError::NotSupported("RSA-OAEP labels must be valid UTF-8 here"))?;
    Ok(with_hash!(hash, D => Oaep::new_with_label::<D, _>(label)))
}

/// RSA-OAEP encryption (public key) or decryption (private key, blinded; run it off the
/// loop).
pub(crate) fn oaep_crypt(
    encrypt: bool,
    key: &Key,
    hash: Hash,
    label: &[u8],
    data: &[u8],
) -> CResult<Vec<u8>> {
    let padding = oaep(hash, label)?;
    if encrypt {
        let Key::RsaPublic(k) = key else {
            return Err(CryptoError::InvalidAccess("not an RSA public key"));
        };
        k.encrypt(&mut OsRng, padding, data)
            .map_err(|_| CryptoError::Operation("RSA-OAEP message too long for the key"))
    } else {
        private_of(key)?
            .decrypt_blinded(&mut OsRng, padding, data)
            .map_err(|_| CryptoError::Operation("RSA-OAEP decryption failed"))
    }
}
