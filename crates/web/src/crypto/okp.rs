//! Ed25519 (RFC 8032) and X25519 (RFC 7748), Secure Curves in the Web Cryptography API
//! (W3C draft, now in the main spec), on `ed25519-dalek` and `x25519-dalek`, with the
//! raw, SPKI and PKCS #8 (RFC 8410) and JWK (RFC 8037) formats.

use der::asn1::{BitString, OctetString, OctetStringRef};
use der::{Decode, Encode};
use ed25519_dalek::{Signer, Verifier};
use pkcs8::PrivateKeyInfo;
use rand_core::{OsRng, RngCore};
use spki::{
    AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use zeroize::Zeroizing;

use super::error::{CResult, CryptoError};
use super::keys::Key;

/// Which of the two curve25519 algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Okp {
    Ed25519,
    X25519,
}

/// id-Ed25519 and id-X25519 (RFC 8410 §3).
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const X25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");

const BAD_KEY_DATA: CryptoError = CryptoError::Data("invalid key data");

impl Okp {
    pub(crate) fn from_name(name: &str) -> CResult<Self> {
        match name {
            "Ed25519" => Ok(Okp::Ed25519),
            "X25519" => Ok(Okp::X25519),
            _ => Err(CryptoError::NotSupported("unsupported algorithm")),
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Okp::Ed25519 => ED25519_OID,
            Okp::X25519 => X25519_OID,
        }
    }

    /// A key pair from 32 secret bytes.
    fn private(self, seed: [u8; 32]) -> (Key, Key) {
        match self {
            Okp::Ed25519 => {
                let k = ed25519_dalek::SigningKey::from_bytes(&seed);
                let p = k.verifying_key();
                (Key::Ed25519Private(k), Key::Ed25519Public(p))
            }
            Okp::X25519 => {
                let k = x25519_dalek::StaticSecret::from(seed);
                let p = x25519_dalek::PublicKey::from(&k);
                (Key::X25519Private(k), Key::X25519Public(p))
            }
        }
    }

    /// A public key from its 32 raw bytes (Ed25519 points must decode).
    pub(crate) fn public(self, raw: &[u8]) -> CResult<Key> {
        let bytes: [u8; 32] = raw.try_into().map_err(|_| BAD_KEY_DATA)?;
        Ok(match self {
            Okp::Ed25519 => Key::Ed25519Public(
                ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| BAD_KEY_DATA)?,
            ),
            Okp::X25519 => Key::X25519Public(x25519_dalek::PublicKey::from(bytes)),
        })
    }

    pub(crate) fn generate(self) -> (Key, Key) {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(seed.as_mut());
        self.private(*seed)
    }

    /// A private key from its 32 secret bytes (JWK `d`); with `x`, it must match.
    pub(crate) fn import_private(self, d: &[u8], x: Option<&[u8]>) -> CResult<Key> {
        let seed: [u8; 32] = d.try_into().map_err(|_| BAD_KEY_DATA)?;
        let (private, public) = self.private(seed);
        if let Some(x) = x {
            if public_raw(&public).as_deref() != Some(x) {
                return Err(CryptoError::Data("JWK x does not match d"));
            }
        }
        Ok(private)
    }

    pub(crate) fn import_spki(self, der: &[u8]) -> CResult<Key> {
        let info = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| BAD_KEY_DATA)?;
        if info.algorithm.oid != self.oid() || info.algorithm.parameters.is_some() {
            return Err(CryptoError::Data("SPKI is not for this algorithm"));
        }
        self.public(info.subject_public_key.as_bytes().ok_or(BAD_KEY_DATA)?)
    }

    pub(crate) fn import_pkcs8(self, der: &[u8]) -> CResult<Key> {
        let info = PrivateKeyInfo::from_der(der).map_err(|_| BAD_KEY_DATA)?;
        if info.algorithm.oid != self.oid() || info.algorithm.parameters.is_some() {
            return Err(CryptoError::Data("PKCS #8 is not for this algorithm"));
        }
        // CurvePrivateKey ::= OCTET STRING (RFC 8410 §7)
        let inner = OctetStringRef::from_der(info.private_key).map_err(|_| BAD_KEY_DATA)?;
        self.import_private(inner.as_bytes(), None)
    }
}

/// The 32 raw bytes of a public key; `None` for other keys.
pub(crate) fn public_raw(key: &Key) -> Option<Vec<u8>> {
    match key {
        Key::Ed25519Public(k) => Some(k.to_bytes().to_vec()),
        Key::X25519Public(k) => Some(k.as_bytes().to_vec()),
        Key::Ed25519Private(k) => Some(k.verifying_key().to_bytes().to_vec()),
        Key::X25519Private(k) => Some(x25519_dalek::PublicKey::from(k).as_bytes().to_vec()),
        _ => None,
    }
}

/// The 32 secret bytes of a private key (JWK `d`).
pub(crate) fn private_raw(key: &Key) -> Option<Zeroizing<Vec<u8>>> {
    match key {
        Key::Ed25519Private(k) => Some(Zeroizing::new(k.to_bytes().to_vec())),
        Key::X25519Private(k) => Some(Zeroizing::new(k.to_bytes().to_vec())),
        _ => None,
    }
}

pub(crate) fn export_spki(okp: Okp, key: &Key) -> CResult<Vec<u8>> {
    let raw = public_raw(key).ok_or(CryptoError::InvalidAccess("not a public key"))?;
    let info = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: okp.oid(),
            parameters: None,
        },
        subject_public_key: BitString::from_bytes(&raw).map_err(|_| BAD_KEY_DATA)?,
    };
    info.to_der()
        .map_err(|_| CryptoError::Operation("SPKI encoding failed"))
}

pub(crate) fn export_pkcs8(okp: Okp, key: &Key) -> CResult<Vec<u8>> {
    let raw = private_raw(key).ok_or(CryptoError::InvalidAccess("not a private key"))?;
    let failed = |_| CryptoError::Operation("PKCS #8 encoding failed");
    let inner = Zeroizing::new(
        OctetString::new(raw.as_slice())
            .map_err(failed)?
            .to_der()
            .map_err(failed)?,
    );
    let info = PrivateKeyInfo::new(
        spki::AlgorithmIdentifierRef {
            oid: okp.oid(),
            parameters: None,
        },
        &inner,
    );
    info.to_der().map_err(failed)
}

pub(crate) fn ed25519_sign(key: &Key, data: &[u8]) -> CResult<Vec<u8>> {
    match key {
        Key::Ed25519Private(k) => Ok(k.sign(data).to_bytes().to_vec()),
        _ => Err(CryptoError::InvalidAccess("not an Ed25519 private key")),
    }
}

/// RFC 8032 §5.1.7 verification; a malformed signature is invalid.
pub(crate) fn ed25519_verify(key: &Key, signature: &[u8], data: &[u8]) -> bool {
    let Key::Ed25519Public(k) = key else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    k.verify(data, &sig).is_ok()
}

/// X25519 shared secret; an all-zero result (a small-order public key) is an
/// OperationError (RFC 7748 §6.1).
pub(crate) fn x25519(private: &Key, public: &Key) -> CResult<Vec<u8>> {
    let (Key::X25519Private(d), Key::X25519Public(q)) = (private, public) else {
        return Err(CryptoError::InvalidAccess("not X25519 keys"));
    };
    let shared = d.diffie_hellman(q);
    if !shared.was_contributory() {
        return Err(CryptoError::Operation("X25519 produced the all-zero value"));
    }
    Ok(shared.as_bytes().to_vec())
}
