//! ECDSA and ECDH over the NIST curves P-256, P-384 and P-521 (FIPS 186-4, SP 800-56A),
//! Web Cryptography API §§23–24, on the RustCrypto `p256`/`p384`/`p521` crates, with the
//! raw (SEC 1 uncompressed point), SPKI, PKCS #8 and JWK (RFC 7518 §6.2) formats.

use p256::ecdsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand_core::OsRng;
use spki::{DecodePublicKey, EncodePublicKey};

use super::error::{CResult, CryptoError};
use super::hash::Hash;

/// A NIST curve by its Web Cryptography name ("P-256", "P-384", "P-521").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    pub(crate) fn from_name(name: &str) -> CResult<Self> {
        match name {
            "P-256" => Ok(Curve::P256),
            "P-384" => Ok(Curve::P384),
            "P-521" => Ok(Curve::P521),
            _ => Err(CryptoError::NotSupported("unsupported named curve")),
        }
    }

    /// Bytes of a field element (and of each half of a signature).
    pub(crate) fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

pub(crate) enum EcPrivate {
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
}

pub(crate) enum EcPublic {
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
}

/// Runs `$body` with `$m` bound to the curve's crate, for the variant `$v` of `$e`.
macro_rules! per_curve {
    ($curve:expr, $m:ident => $body:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $m;
                $body
            }
            Curve::P384 => {
                use p384 as $m;
                $body
            }
            Curve::P521 => {
                use p521 as $m;
                $body
            }
        }
    };
}

macro_rules! per_key {
    ($key:expr, $Enum:ident, $k:ident, $m:ident => $body:expr) => {
        match $key {
            $Enum::P256($k) => {
                #[allow(unused_imports)]
                use p256 as $m;
                $body
            }
            $Enum::P384($k) => {
                #[allow(unused_imports)]
                use p384 as $m;
                $body
            }
            $Enum::P521($k) => {
                #[allow(unused_imports)]
                use p521 as $m;
                $body
            }
        }
    };
}

impl EcPrivate {
    pub(crate) fn curve(&self) -> Curve {
        match self {
            EcPrivate::P256(_) => Curve::P256,
            EcPrivate::P384(_) => Curve::P384,
            EcPrivate::P521(_) => Curve::P521,
        }
    }

    pub(crate) fn public(&self) -> EcPublic {
        match self {
            EcPrivate::P256(k) => EcPublic::P256(k.public_key()),
            EcPrivate::P384(k) => EcPublic::P384(k.public_key()),
            EcPrivate::P521(k) => EcPublic::P521(k.public_key()),
        }
    }
}

impl EcPublic {
    pub(crate) fn curve(&self) -> Curve {
        match self {
            EcPublic::P256(_) => Curve::P256,
            EcPublic::P384(_) => Curve::P384,
            EcPublic::P521(_) => Curve::P521,
        }
    }

    /// The uncompressed SEC 1 point (0x04 ‖ x ‖ y): the "raw" format.
    pub(crate) fn to_raw(&self) -> Vec<u8> {
        per_key!(self, EcPublic, k, _m => k.to_encoded_point(false).as_bytes().to_vec())
    }
}

const BAD_KEY_DATA: CryptoError = CryptoError::Data("invalid EC key data");

pub(crate) fn generate(curve: Curve) -> (EcPrivate, EcPublic) {
    let private = match curve {
        Curve::P256 => EcPrivate::P256(p256::SecretKey::random(&mut OsRng)),
        Curve::P384 => EcPrivate::P384(p384::SecretKey::random(&mut OsRng)),
        Curve::P521 => EcPrivate::P521(p521::SecretKey::random(&mut OsRng)),
    };
    let public = private.public();
    (private, public)
}

fn per_curve_private(curve: Curve, scalar: &[u8]) -> CResult<EcPrivate> {
    if scalar.len() != curve.field_len() {
        return Err(BAD_KEY_DATA);
    }
    Ok(match curve {
        Curve::P256 => {
            EcPrivate::P256(p256::SecretKey::from_slice(scalar).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P384 => {
            EcPrivate::P384(p384::SecretKey::from_slice(scalar).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P521 => {
            EcPrivate::P521(p521::SecretKey::from_slice(scalar).map_err(|_| BAD_KEY_DATA)?)
        }
    })
}

/// A public key from a SEC 1 point (uncompressed or compressed).
pub(crate) fn import_raw(curve: Curve, bytes: &[u8]) -> CResult<EcPublic> {
    Ok(match curve {
        Curve::P256 => {
            EcPublic::P256(p256::PublicKey::from_sec1_bytes(bytes).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P384 => {
            EcPublic::P384(p384::PublicKey::from_sec1_bytes(bytes).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P521 => {
            EcPublic::P521(p521::PublicKey::from_sec1_bytes(bytes).map_err(|_| BAD_KEY_DATA)?)
        }
    })
}

/// A public key from a DER SubjectPublicKeyInfo (RFC 5480); its curve must be `curve`.
pub(crate) fn import_spki(curve: Curve, der: &[u8]) -> CResult<EcPublic> {
    Ok(match curve {
        Curve::P256 => {
            EcPublic::P256(p256::PublicKey::from_public_key_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P384 => {
            EcPublic::P384(p384::PublicKey::from_public_key_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P521 => {
            EcPublic::P521(p521::PublicKey::from_public_key_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
    })
}

/// A private key from a DER PKCS #8 PrivateKeyInfo (RFC 5915 inside); its curve must be
/// `curve`.
pub(crate) fn import_pkcs8(curve: Curve, der: &[u8]) -> CResult<EcPrivate> {
    Ok(match curve {
        Curve::P256 => {
            EcPrivate::P256(p256::SecretKey::from_pkcs8_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P384 => {
            EcPrivate::P384(p384::SecretKey::from_pkcs8_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
        Curve::P521 => {
            EcPrivate::P521(p521::SecretKey::from_pkcs8_der(der).map_err(|_| BAD_KEY_DATA)?)
        }
    })
}

/// A key from JWK members x, y and (for a private key) d, already base64url-decoded.
/// A private key's x and y must match its d.
pub(crate) fn import_jwk(
    curve: Curve,
    x: &[u8],
    y: &[u8],
    d: Option<&[u8]>,
) -> CResult<(Option<EcPrivate>, EcPublic)> {
    let n = curve.field_len();
    if x.len() != n || y.len() != n {
        return Err(BAD_KEY_DATA);
    }
    let mut point = Vec::with_capacity(1 + 2 * n);
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    let public = import_raw(curve, &point)?;
    let Some(d) = d else {
        return Ok((None, public));
    };
    let private = per_curve_private(curve, d)?;
    if private.public().to_raw() != point {
        return Err(CryptoError::Data("JWK x and y do not match d"));
    }
    Ok((Some(private), public))
}

pub(crate) fn export_spki(key: &EcPublic) -> CResult<Vec<u8>> {
    per_key!(key, EcPublic, k, _m => k.to_public_key_der())
        .map(|d| d.as_bytes().to_vec())
        .map_err(|_| CryptoError::Operation("SPKI encoding failed"))
}

pub(crate) fn export_pkcs8(key: &EcPrivate) -> CResult<Vec<u8>> {
    per_key!(key, EcPrivate, k, _m => k.to_pkcs8_der())
        .map(|d| d.as_bytes().to_vec())
        .map_err(|_| CryptoError::Operation("PKCS #8 encoding failed"))
}

/// JWK members (x, y, d) of a key.
pub(crate) fn export_jwk(
    public: &EcPublic,
    private: Option<&EcPrivate>,
) -> (Vec<u8>, Vec<u8>, Option<Vec<u8>>) {
    let raw = public.to_raw();
    let n = public.curve().field_len();
    let x = raw.get(1..1 + n).unwrap_or_default().to_vec();
    let y = raw.get(1 + n..).unwrap_or_default().to_vec();
    let d = private.map(|k| per_key!(k, EcPrivate, k, _m => k.to_bytes().to_vec()));
    (x, y, d)
}

/// The digest as ECDSA's bits2int takes it: a hash shorter than the field is the same
/// integer left-padded with zeros (FIPS 186-4 §6.4), which the `ecdsa` crate otherwise
/// refuses below half the field size (SHA-1 or SHA-256 with P-521).
fn prehash(curve: Curve, hash: Hash, data: &[u8]) -> Vec<u8> {
    let digest = hash.digest(data);
    let n = curve.field_len();
    if digest.len() >= n {
        return digest;
    }
    let mut padded = vec![0u8; n - digest.len()];
    padded.extend_from_slice(&digest);
    padded
}

/// ECDSA signature (r ‖ s, each the field size); nonces are RFC 6979 hedged with fresh
/// randomness.
pub(crate) fn sign(key: &EcPrivate, hash: Hash, data: &[u8]) -> CResult<Vec<u8>> {
    let digest = prehash(key.curve(), hash, data);
    let failed = |_| CryptoError::Operation("ECDSA signing failed");
    per_key!(key, EcPrivate, k, m => {
        let signer = m::ecdsa::SigningKey::from_slice(&k.to_bytes()).map_err(failed)?;
        let sig: m::ecdsa::Signature = signer.sign_prehash_with_rng(&mut OsRng, &digest).map_err(failed)?;
        Ok(sig.to_bytes().to_vec())
    })
}

/// Whether `signature` (r ‖ s) is valid; a malformed signature is simply invalid.
pub(crate) fn verify(key: &EcPublic, hash: Hash, signature: &[u8], data: &[u8]) -> bool {
    let digest = prehash(key.curve(), hash, data);
    let point = key.to_raw();
    per_curve!(key.curve(), m => {
        let Ok(verifier) = m::ecdsa::VerifyingKey::from_sec1_bytes(&point) else {
            return false;
        };
        let Ok(sig) = m::ecdsa::Signature::from_slice(signature) else {
            return false;
        };
        verifier.verify_prehash(&digest, &sig).is_ok()
    })
}

/// ECDH shared secret: the x-coordinate of d·Q (SP 800-56A §5.7.1.2).
pub(crate) fn ecdh(private: &EcPrivate, public: &EcPublic) -> CResult<Vec<u8>> {
    let mismatch = CryptoError::InvalidAccess("ECDH keys are on different curves");
    Ok(match (private, public) {
        (EcPrivate::P256(d), EcPublic::P256(q)) => {
            p256::ecdh::diffie_hellman(d.to_nonzero_scalar(), q.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        (EcPrivate::P384(d), EcPublic::P384(q)) => {
            p384::ecdh::diffie_hellman(d.to_nonzero_scalar(), q.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        (EcPrivate::P521(d), EcPublic::P521(q)) => {
            p521::ecdh::diffie_hellman(d.to_nonzero_scalar(), q.as_affine())
                .raw_secret_bytes()
                .to_vec()
        }
        _ => return Err(mismatch),
    })
}
