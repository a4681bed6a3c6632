//! AES in the four modes the Web Cryptography API defines (§§26–29): CTR (NIST SP
//! 800-38A), CBC with PKCS#7 padding, GCM (SP 800-38D) and key wrap (RFC 3394), on the
//! RustCrypto `aes`, `ctr`, `cbc`, `aes-gcm` and `aes-kw` crates.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, StreamCipher};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::consts::*;
use aes_gcm::aead::{AeadCore, AeadInPlace, KeyInit};
use aes_gcm::AesGcm;
use cbc::cipher::block_padding::Pkcs7;
use subtle::ConstantTimeEq;

use super::error::{CResult, CryptoError};

const BAD_KEY: CryptoError = CryptoError::Operation("AES keys are 128, 192 or 256 bits");

// ---- CBC (§28) ----

/// AES-CBC with PKCS#7 padding; `iv` must be 16 bytes.
pub(crate) fn cbc(encrypt: bool, key: &[u8], iv: &[u8], data: &[u8]) -> CResult<Vec<u8>> {
    if iv.len() != 16 {
        return Err(CryptoError::Operation("AES-CBC iv must be 16 bytes"));
    }
    macro_rules! run {
        ($A:ty) => {
            if encrypt {
                let c = cbc::Encryptor::<$A>::new_from_slices(key, iv).map_err(|_| BAD_KEY)?;
                Ok(c.encrypt_padded_vec_mut::<Pkcs7>(data))
            } else {
                let c = cbc::Decryptor::<$A>::new_from_slices(key, iv).map_err(|_| BAD_KEY)?;
                c.decrypt_padded_vec_mut::<Pkcs7>(data)
                    .map_err(|_| CryptoError::Operation("AES-CBC decryption failed"))
            }
        };
    }
    match key.len() {
        16 => run!(Aes128),
        24 => run!(Aes192),
        32 => run!(Aes256),
        _ => Err(BAD_KEY),
    }
}

// ---- CTR (§27) ----

/// AES-CTR where the rightmost `length` bits of the 16-byte `counter` block count blocks
/// (wrapping within those bits, SP 800-38A Appendix B.1) and the rest stay fixed. A
/// message that would reuse a counter value is an OperationError.
pub(crate) fn ctr(key: &[u8], counter: &[u8], length: u32, data: &[u8]) -> CResult<Vec<u8>> {
    let Ok(block) = <[u8; 16]>::try_from(counter) else {
        return Err(CryptoError::Operation("AES-CTR counter must be 16 bytes"));
    };
    if length == 0 || length > 128 {
        return Err(CryptoError::Operation(
            "AES-CTR length must be 1 to 128 bits",
        ));
    }
    let blocks = (data.len() as u128).div_ceil(16);
    if length < 128 && blocks > 1u128 << length {
        return Err(CryptoError::Operation("AES-CTR counter would repeat"));
    }
    let mask = if length == 128 {
        u128::MAX
    } else {
        (1u128 << length) - 1
    };
    let start = u128::from_be_bytes(block);
    // Blocks until the counter bits wrap to zero; up to there a full 128-bit counter
    // gives the same blocks, after it the count restarts with those bits cleared.
    let before_wrap = (mask - (start & mask)).saturating_add(1);
    let first = before_wrap
        .checked_mul(16)
        .and_then(|b| usize::try_from(b).ok())
        .map_or(data.len(), |b| b.min(data.len()));
    let mut out = data.to_vec();
    let (head, tail) = out.split_at_mut(first);
    ctr_run(key, start, head)?;
    if !tail.is_empty() {
        ctr_run(key, start & !mask, tail)?;
    }
    Ok(out)
}

fn ctr_run(key: &[u8], counter: u128, buf: &mut [u8]) -> CResult<()> {
    let iv = counter.to_be_bytes();
    macro_rules! run {
        ($A:ty) => {{
            let mut c = ctr::Ctr128BE::<$A>::new_from_slices(key, &iv).map_err(|_| BAD_KEY)?;
            c.try_apply_keystream(buf)
                .map_err(|_| CryptoError::Operation("AES-CTR counter would repeat"))
        }};
    }
    match key.len() {
        16 => run!(Aes128),
        24 => run!(Aes192),
        32 => run!(Aes256),
        _ => Err(BAD_KEY),
    }
}

// ---- GCM (§29) ----

/// Tag lengths (bits) §29.3 allows.
const TAG_BITS: [u32; 7] = [32, 64, 96, 104, 112, 120, 128];

/// The longest IV accepted, in bytes. SP 800-38D allows any length; the `aes-gcm` crate
/// fixes it at compile time, so the lengths 1..=MAX_IV are each compiled in.
pub(crate) const MAX_IV: usize = 128;

/// AES-GCM encryption: ciphertext followed by the first `tag_bits` of the tag.
pub(crate) fn gcm_encrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_bits: u32,
    data: &[u8],
) -> CResult<Vec<u8>> {
    gcm_checks(iv, tag_bits)?;
    let mut buf = data.to_vec();
    let tag = gcm_dispatch(key, iv, aad, &mut buf, Seal)?;
    buf.extend_from_slice(&tag[..(tag_bits / 8) as usize]);
    Ok(buf)
}

/// AES-GCM decryption of ciphertext-with-tag; a tag mismatch is an OperationError and
/// releases nothing.
pub(crate) fn gcm_decrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_bits: u32,
    data: &[u8],
) -> CResult<Vec<u8>> {
    gcm_checks(iv, tag_bits)?;
    let tag_len = (tag_bits / 8) as usize;
    if data.len() < tag_len {
        return Err(CryptoError::Operation("AES-GCM data shorter than the tag"));
    }
    let (ciphertext, tag) = data.split_at(data.len() - tag_len);
    let mut buf = ciphertext.to_vec();
    if tag_len == 16 {
        gcm_dispatch(key, iv, aad, &mut buf, Open(tag))?;
        return Ok(buf);
    }
    // Truncated tags (which the crate's types stop at 96 bits): the tag is the leading
    // bytes of the full one (SP 800-38D §5.2.1.2). Decrypt (CTR is its own inverse),
    // re-encrypt to get the full tag over the ciphertext, compare its prefix in constant
    // time, and only then release the plaintext.
    gcm_dispatch(key, iv, aad, &mut buf, Seal)?;
    let mut again = buf.clone();
    let full = gcm_dispatch(key, iv, aad, &mut again, Seal)?;
    if bool::from(full[..tag_len].ct_eq(tag)) {
        Ok(buf)
    } else {
        Err(CryptoError::Operation("AES-GCM authentication failed"))
    }
}

fn gcm_checks(iv: &[u8], tag_bits: u32) -> CResult<()> {
    if !TAG_BITS.contains(&tag_bits) {
        return Err(CryptoError::Operation("invalid AES-GCM tag length"));
    }
    if iv.is_empty() || iv.len() > MAX_IV {
        return Err(CryptoError::NotSupported(
            "AES-GCM iv lengths of 1 to 128 bytes are supported",
        ));
    }
    Ok(())
}

/// What `gcm_dispatch` does with the buffer.
trait GcmOp: Copy {
    fn run<C: AeadInPlace + KeyInit>(
        self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        buf: &mut Vec<u8>,
    ) -> CResult<[u8; 16]>;
}

/// Encrypt in place; returns the full 128-bit tag.
#[derive(Clone, Copy)]
struct Seal;
/// Decrypt in place checking a full 128-bit tag.
#[derive(Clone, Copy)]
struct Open<'a>(&'a [u8]);

fn nonce<C: AeadCore>(iv: &[u8]) -> CResult<aes_gcm::Nonce<C::NonceSize>> {
    aes_gcm::Nonce::<C::NonceSize>::from_exact_iter(iv.iter().copied())
        .ok_or(CryptoError::Operation("AES-GCM iv length"))
}

impl GcmOp for Seal {
    fn run<C: AeadInPlace + KeyInit>(
        self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        buf: &mut Vec<u8>,
    ) -> CResult<[u8; 16]> {
        let cipher = C::new_from_slice(key).map_err(|_| BAD_KEY)?;
        let tag = cipher
            .encrypt_in_place_detached(&nonce::<C>(iv)?, aad, buf)
            .map_err(|_| CryptoError::Operation("AES-GCM input too long"))?;
        <[u8; 16]>::try_from(tag.as_slice()).map_err(|_| CryptoError::Operation("AES-GCM tag"))
    }
}

impl GcmOp for Open<'_> {
    fn run<C: AeadInPlace + KeyInit>(
        self,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        buf: &mut Vec<u8>,
    ) -> CResult<[u8; 16]> {
        let cipher = C::new_from_slice(key).map_err(|_| BAD_KEY)?;
        let tag = aes_gcm::Tag::<C::TagSize>::from_exact_iter(self.0.iter().copied())
            .ok_or(CryptoError::Operation("AES-GCM tag length"))?;
        cipher
            .decrypt_in_place_detached(&nonce::<C>(iv)?, aad, buf, &tag)
            .map_err(|_| CryptoError::Operation("AES-GCM authentication failed"))?;
        Ok([0; 16])
    }
}

fn gcm_with_iv<N, O>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    buf: &mut Vec<u8>,
    op: O,
) -> CResult<[u8; 16]>
where
    N: aes_gcm::aead::generic_array::ArrayLength<u8>,
    O: GcmOp,
{
    match key.len() {
        16 => op.run::<AesGcm<Aes128, N>>(key, iv, aad, buf),
        24 => op.run::<AesGcm<Aes192, N>>(key, iv, aad, buf),
        32 => op.run::<AesGcm<Aes256, N>>(key, iv, aad, buf),
        _ => Err(BAD_KEY),
    }
}

macro_rules! gcm_by_iv {
    ($($n:literal => $U:ty),* $(,)?) => {
        fn gcm_dispatch<O: GcmOp>(key: &[u8], iv: &[u8], aad: &[u8], buf: &mut Vec<u8>, op: O) -> CResult<[u8; 16]> {
            match iv.len() {
                $($n => gcm_with_iv::<$U, O>(key, iv, aad, buf, op),)*
                _ => Err(CryptoError::NotSupported("AES-GCM iv lengths of 1 to 128 bytes are supported")),
            }
        }
    };
}
gcm_by_iv! {
    1 => U1,
    2 => U2,
    3 => U3,
    4 => U4,
    5 => U5,
    6 => U6,
    7 => U7,
    8 => U8,
    9 => U9,
    10 => U10,
    11 => U11,
    12 => U12,
    13 => U13,
    14 => U14,
    15 => U15,
    16 => U16,
    17 => U17,
    18 => U18,
    19 => U19,
    20 => U20,
    21 => U21,
    22 => U22,
    23 => U23,
    24 => U24,
    25 => U25,
    26 => U26,
    27 => U27,
    28 => U28,
    29 => U29,
    30 => U30,
    31 => U31,
    32 => U32,
    33 => U33,
    34 => U34,
    35 => U35,
    36 => U36,
    37 => U37,
    38 => U38,
    39 => U39,
    40 => U40,
    41 => U41,
    42 => U42,
    43 => U43,
    44 => U44,
    45 => U45,
    46 => U46,
    47 => U47,
    48 => U48,
    49 => U49,
    50 => U50,
    51 => U51,
    52 => U52,
    53 => U53,
    54 => U54,
    55 => U55,
    56 => U56,
    57 => U57,
    58 => U58,
    59 => U59,
    60 => U60,
    61 => U61,
    62 => U62,
    63 => U63,
    64 => U64,
    65 => U65,
    66 => U66,
    67 => U67,
    68 => U68,
    69 => U69,
    70 => U70,
    71 => U71,
    72 => U72,
    73 => U73,
    74 => U74,
    75 => U75,
    76 => U76,
    77 => U77,
    78 => U78,
    79 => U79,
    80 => U80,
    81 => U81,
    82 => U82,
    83 => U83,
    84 => U84,
    85 => U85,
    86 => U86,
    87 => U87,
    88 => U88,
    89 => U89,
    90 => U90,
    91 => U91,
    92 => U92,
    93 => U93,
    94 => U94,
    95 => U95,
    96 => U96,
    97 => U97,
    98 => U98,
    99 => U99,
    100 => U100,
    101 => U101,
    102 => U102,
    103 => U103,
    104 => U104,
    105 => U105,
    106 => U106,
    107 => U107,
    108 => U108,
    109 => U109,
    110 => U110,
    111 => U111,
    112 => U112,
    113 => U113,
    114 => U114,
    115 => U115,
    116 => U116,
    117 => U117,
    118 => U118,
    119 => U119,
    120 => U120,
    121 => U121,
    122 => U122,
    123 => U123,
    124 => U124,
    125 => U125,
    126 => U126,
    127 => U127,
    128 => U128,
}

// ---- AES-KW (§30) ----

/// RFC 3394 key wrap; the data must be a multiple of 8 bytes (and at least 16 to wrap).
pub(crate) fn kw(wrap: bool, key: &[u8], data: &[u8]) -> CResult<Vec<u8>> {
    // RFC 3394 §2 wraps n ≥ 2 64-bit blocks, so a wrapped key has at least 3; the crate
    // would also unwrap a single block (RFC 5649's special case), which is not AES-KW.
    let min = if wrap { 16 } else { 24 };
    if data.len() < min || !data.len().is_multiple_of(8) {
        return Err(CryptoError::Operation(
            "AES-KW data must be a multiple of 8 bytes, at least 16 (24 wrapped)",
        ));
    }
    macro_rules! run {
        ($K:ty) => {{
            let kek = <$K>::try_from(key).map_err(|_| BAD_KEY)?;
            if wrap {
                kek.wrap_vec(data).map_err(|_| {
                    CryptoError::Operation(
                        "AES-KW input must be a multiple of 8 bytes, at least 16",
                    )
                })
            } else {
                kek.unwrap_vec(data)
                    .map_err(|_| CryptoError::Operation("AES-KW unwrap failed"))
            }
        }};
    }
    match key.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        32 => run!(aes_kw::KekAes256),
        _ => Err(BAD_KEY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Block `i` of the keystream for a full 128-bit counter starting at `start`.
    fn block(key: &[u8], start: u128, i: u128) -> Vec<u8> {
        let mut b = vec![0u8; 16];
        ctr_run(key, start.wrapping_add(i), &mut b).expect("ctr");
        b
    }

    #[test]
    fn ctr_counter_wraps_within_its_bits() {
        let key = [7u8; 16];
        for (length, start) in [
            (128, u128::MAX),
            (8, 0xAB_FE),
            (64, (5u128 << 64) | (u64::MAX as u128 - 1)),
        ] {
            let out = ctr(&key, &start.to_be_bytes(), length, &[0u8; 48]).expect("ctr");
            let mask = if length == 128 {
                u128::MAX
            } else {
                (1u128 << length) - 1
            };
            for i in 0..3u128 {
                // SP 800-38A B.1: only the low `length` bits count, modulo 2^length.
                let counter = (start & !mask) | (start.wrapping_add(i) & mask);
                let i = i as usize;
                assert_eq!(
                    out[16 * i..16 * i + 16],
                    block(&key, counter, 0)[..],
                    "length {length} block {i}"
                );
            }
        }
        assert!(
            ctr(&key, &[0u8; 16], 1, &[0u8; 33]).is_err(),
            "3 blocks with a 1-bit counter"
        );
        assert!(
            ctr(&key, &[0u8; 16], 1, &[0u8; 32]).is_ok(),
            "2 blocks with a 1-bit counter"
        );
    }

    #[test]
    fn kw_lengths() {
        let kek = [1u8; 16];
        assert!(kw(true, &kek, &[0u8; 8]).is_err());
        let wrapped = kw(true, &kek, &[9u8; 16]).expect("wrap");
        assert_eq!(wrapped.len(), 24);
        assert_eq!(kw(false, &kek, &wrapped).expect("unwrap"), vec![9u8; 16]);
        assert!(kw(false, &kek, &wrapped[..16]).is_err());
    }
}
