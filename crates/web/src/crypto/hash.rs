//! Digests and the hash-based algorithms: SHA-1/SHA-2 (FIPS 180-4), HMAC (RFC 2104),
//! HKDF (RFC 5869) and PBKDF2 (RFC 8018), as Web Cryptography API §§30–34 use them.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

use super::error::{CResult, CryptoError};

/// A hash the Web Cryptography API names ("SHA-1", "SHA-256", "SHA-384", "SHA-512").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash a normalized algorithm name stands for.
    pub(crate) fn from_name(name: &str) -> CResult<Self> {
        match name {
            "SHA-1" => Ok(Hash::Sha1),
            "SHA-256" => Ok(Hash::Sha256),
            "SHA-384" => Ok(Hash::Sha384),
            "SHA-512" => Ok(Hash::Sha512),
            _ => Err(CryptoError::NotSupported("unsupported hash")),
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

macro_rules! with_hash {
    ($hash:expr, $D:ident => $body:expr) => {
        match $hash {
            Hash::Sha1 => {
                type $D = Sha1;
                $body
            }
            Hash::Sha256 => {
                type $D = Sha256;
                $body
            }
            Hash::Sha384 => {
                type $D = Sha384;
                $body
            }
            Hash::Sha512 => {
                type $D = Sha512;
                $body
            }
        }
    };
}
pub(crate) use with_hash;

/// HMAC of `data` under `key` (any key length, RFC 2104 §2).
pub(crate) fn hmac_sign(hash: Hash, key: &[u8], data: &[u8]) -> Vec<u8> {
    with_hash!(hash, D => {
        // HMAC takes keys of any length, so this cannot fail.
        match <Hmac<D> as Mac>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    })
}

/// Whether `signature` is the HMAC of `data`, compared in constant time (§32.3 "verify").
pub(crate) fn hmac_verify(hash: Hash, key: &[u8], signature: &[u8], data: &[u8]) -> bool {
    let mac = hmac_sign(hash, key, data);
    mac.len() == signature.len() && bool::from(mac.ct_eq(signature))
}

/// HKDF-Extract then HKDF-Expand to `bits` bits (§33.3 "derive bits").
pub(crate) fn hkdf(
    hash: Hash,
    ikm: &[u8],
    salt: &[u8],
    info: &[u8],
    bits: u32,
) -> CResult<Vec<u8>> {
    if !bits.is_multiple_of(8) {
        return Err(CryptoError::Operation(
            "HKDF length must be a multiple of 8",
        ));
    }
    let mut okm = vec![0u8; (bits / 8) as usize];
    with_hash!(hash, D => {
        hkdf::Hkdf::<D>::new(Some(salt), ikm)
            .expand(info, &mut okm)
            .map_err(|_| CryptoError::Operation("HKDF length too large for the hash"))?;
    });
    Ok(okm)
}

/// The most PBKDF2 output one call may ask for (64 KiB): the buffer is allocated outside
/// the isolate's metered heap, and the work grows with it. The spec sets no limit.
pub(crate) const MAX_PBKDF2_BITS: u32 = 64 * 1024 * 8;

/// PBKDF2-HMAC to `bits` bits (§34.3 "derive bits"). Slow by design: run it off the loop.
pub(crate) fn pbkdf2(
    hash: Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    bits: u32,
) -> CResult<Vec<u8>> {
    if !bits.is_multiple_of(8) {
        return Err(CryptoError::Operation(
            "PBKDF2 length must be a multiple of 8",
        ));
    }
    if bits > MAX_PBKDF2_BITS {
        return Err(CryptoError::Operation("PBKDF2 length is limited to 64 KiB"));
    }
    if iterations == 0 {
        return Err(CryptoError::Operation("PBKDF2 iterations must not be zero"));
    }
    let mut out = vec![0u8; (bits / 8) as usize];
    with_hash!(hash, D => pbkdf2::pbkdf2_hmac::<D>(password, salt, iterations, &mut out));
    Ok(out)
}
