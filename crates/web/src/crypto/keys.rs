//! The key material behind `CryptoKey` objects (W3C Web Cryptography API §13): it stays
//! in Rust, in a per-isolate table that JavaScript reaches only by an opaque number.

use std::collections::HashMap;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::ec::{EcPrivate, EcPublic};
use super::error::CryptoError;

/// One key's material. Private keys of the asymmetric algorithms carry their public half
/// implicitly (it is derived when needed).
pub(crate) enum Key {
    /// AES, HMAC, HKDF and PBKDF2 keys: the raw secret bytes.
    Secret(Zeroizing<Vec<u8>>),
    RsaPublic(rsa::RsaPublicKey),
    RsaPrivate(rsa::RsaPrivateKey),
    EcPublic(EcPublic),
    EcPrivate(EcPrivate),
    Ed25519Public(ed25519_dalek::VerifyingKey),
    Ed25519Private(ed25519_dalek::SigningKey),
    X25519Public(x25519_dalek::PublicKey),
    X25519Private(x25519_dalek::StaticSecret),
}

impl Key {
    /// Roughly the bytes this key holds outside the engine's heap. The glue makes each
    /// `CryptoKey` carry that many bytes of metered heap, so an app's memory limit also
    /// bounds the key material it keeps alive.
    pub(crate) fn approx_size(&self) -> usize {
        use rsa::traits::PublicKeyParts;
        match self {
            Key::Secret(bytes) => bytes.len(),
            // n, e, d, the primes and the CRT values: about 5 moduli' worth.
            Key::RsaPrivate(k) => 5 * k.size(),
            Key::RsaPublic(k) => k.size(),
            Key::EcPublic(_) | Key::EcPrivate(_) => 200,
            _ => 64,
        }
    }

    pub(crate) fn secret(&self) -> Result<&[u8], CryptoError> {
        match self {
            Key::Secret(bytes) => Ok(bytes),
            _ => Err(CryptoError::InvalidAccess("not a secret key")),
        }
    }
}

/// The keys one isolate holds, by id. JavaScript frees an id when its `CryptoKey` is
/// collected (a FinalizationRegistry in `js/crypto.js`).
#[derive(Default)]
pub(crate) struct KeyTable {
    next: u32,
    keys: HashMap<u32, Arc<Key>>,
}

impl KeyTable {
    pub(crate) fn insert(&mut self, key: Key) -> u32 {
        loop {
            self.next = self.next.wrapping_add(1).max(1);
            if !self.keys.contains_key(&self.next) {
                break;
            }
        }
        self.keys.insert(self.next, Arc::new(key));
        self.next
    }

    pub(crate) fn get(&self, id: u32) -> Result<Arc<Key>, CryptoError> {
        self.keys
            .get(&id)
            .cloned()
            .ok_or(CryptoError::InvalidAccess("unknown key"))
    }

    pub(crate) fn remove(&mut self, id: u32) {
        self.keys.remove(&id);
    }
}
