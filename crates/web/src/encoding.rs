//! Byte-level helpers of the Encoding area: Latin-1 views of JS strings and HTML's
//! forgiving-base64 (atob/btoa) on the `base64` crate.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use nano_engine::rquickjs::CString;

/// The bytes of a string as the engine encodes it: UTF-8, except that lone surrogates
/// stay as their 3-byte (WTF-8) form, so this is not a `str`.
pub(crate) fn cstring_bytes<'a>(s: &'a CString<'_>) -> &'a [u8] {
    // SAFETY: `s` owns `len` bytes at `as_ptr` until it is dropped.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<u8>(), s.len()) }
}

/// The code units of a string with none above U+00FF, as bytes; `None` otherwise.
/// (This file's byte loops index plainly: they run over megabytes, and must stay
/// tolerable in unoptimized builds too.)
pub(crate) fn latin1_from_utf8(utf8: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; utf8.len()];
    let (mut i, mut n) = (0, 0);
    while i < utf8.len() {
        let b = utf8[i];
        if b < 0x80 {
            out[n] = b;
            i += 1;
        } else if (b == 0xC2 || b == 0xC3) && i + 1 < utf8.len() {
            out[n] = (b & 0x1F) << 6 | (utf8[i + 1] & 0x3F);
            i += 2;
        } else {
            return None;
        }
        n += 1;
    }
    out.truncate(n);
    Some(out)
}

/// A string whose code units are `bytes` (Latin-1), in the UTF-8 the engine takes.
pub(crate) fn latin1_to_string(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    let mut n = 0;
    for &b in bytes {
        if b < 0x80 {
            out[n] = b;
            n += 1;
        } else {
            out[n] = 0xC0 | b >> 6;
            out[n + 1] = 0x80 | (b & 0x3F);
            n += 2;
        }
    }
    out.truncate(n);
    String::from_utf8(out).unwrap_or_default()
}

/// Base64 with padding (RFC 4648 §4), as btoa produces it.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes what is left after the forgiving-base64 steps below: no padding, and
/// leftover bits in the last digit ignored.
const FORGIVING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// HTML "forgiving-base64 decode" (Infra §4.7): drop ASCII whitespace; with a length
/// divisible by 4, drop one or two trailing `=`; a length of 1 mod 4 fails; then every
/// character must be a base64 digit. `None` means failure.
pub(crate) fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let stripped: Vec<u8>;
    let mut data = input;
    if input.iter().any(|&b| is_ascii_whitespace(b)) {
        stripped = input
            .iter()
            .copied()
            .filter(|&b| !is_ascii_whitespace(b))
            .collect();
        data = &stripped;
    }
    if data.len().is_multiple_of(4) {
        data = data
            .strip_suffix(b"==")
            .or(data.strip_suffix(b"="))
            .unwrap_or(data);
    }
    if data.len() % 4 == 1 {
        return None;
    }
    FORGIVING.decode(data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgiving_base64_per_the_spec() {
        // Vectors from RFC 4648 §10 and the Infra algorithm's edge cases.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), coded);
            assert_eq!(
                base64_decode(coded.as_bytes()).as_deref(),
                Some(plain.as_bytes())
            );
        }
        assert_eq!(base64_decode(b" Zm 9v\n").as_deref(), Some(&b"foo"[..]));
        assert_eq!(
            base64_decode(b"Zg").as_deref(),
            Some(&b"f"[..]),
            "padding optional"
        );
        assert_eq!(
            base64_decode(b"Zh==").as_deref(),
            Some(&b"f"[..]),
            "trailing bits ignored"
        );
        assert_eq!(base64_decode(b"Z"), None, "1 mod 4");
        assert_eq!(base64_decode(b"Zm9v="), None, "padding where none fits");
        assert_eq!(base64_decode(b"Zg=a"), None, "padding inside");
        assert_eq!(base64_decode(b"Zm9-"), None, "not the standard alphabet");
    }
}
