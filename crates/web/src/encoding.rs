//! Byte-level helpers of the Encoding area: Latin-1 views of JS strings and HTML's
//! forgiving-base64 (atob/btoa) on the `base64` crate, and TextDecoder's decoders (every
//! encoding of the Encoding standard) on `encoding_rs`.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding, REPLACEMENT};
use nano_engine::rquickjs::{CString, Ctx, Exception, Function, Object, Result, Value};

use crate::buffer::with_bytes;

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

/// The Encoding standard's name for an encoding, lowercased as `TextDecoder.encoding`
/// reports it; `None` for a label that is unknown or maps to "replacement" (the
/// TextDecoder constructor rejects both).
pub(crate) fn decoder_encoding(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.as_bytes()).filter(|e| *e != REPLACEMENT)
}

/// A decoder for `encoding` as TextDecoder makes one: without BOM sniffing, and
/// dropping a leading BOM of the encoding itself unless `ignore_bom`.
pub(crate) fn new_decoder(encoding: &'static Encoding, ignore_bom: bool) -> Decoder {
    if ignore_bom {
        encoding.new_decoder_without_bom_handling()
    } else {
        encoding.new_decoder_with_bom_removal()
    }
}

/// Decodes one chunk (`last`: the end of the stream). `None`: malformed input with
/// `fatal` set.
pub(crate) fn decode_chunk(
    decoder: &mut Decoder,
    mut bytes: &[u8],
    last: bool,
    fatal: bool,
) -> Option<String> {
    let mut out = String::new();
    loop {
        if fatal {
            let room = decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(bytes.len() * 3 + 16);
            out.reserve(room.max(4));
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, last);
            bytes = &bytes[read..];
            match result {
                DecoderResult::InputEmpty => return Some(out),
                DecoderResult::Malformed(..) => return None,
                DecoderResult::OutputFull => {}
            }
        } else {
            let room = decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len() * 3 + 16);
            out.reserve(room.max(4));
            let (result, read, _) = decoder.decode_to_string(bytes, &mut out, last);
            bytes = &bytes[read..];
            if result == CoderResult::InputEmpty {
                return Some(out);
            }
        }
    }
}

/// Per-isolate TextDecoder state for `decode(…, { stream: true })`: decoders by id.
#[derive(Default)]
struct Decoders {
    next: u32,
    /// Each decoder, and its `ignore_bom` (to start afresh after a fatal error).
    open: HashMap<u32, (Decoder, bool)>,
}

const NOT_A_BUFFER_SOURCE: &str =
    "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'";

/// Adds the TextDecoder ops to `ops`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>) -> Result<()> {
    // ops.encodingForLabel(label) -> string | null  (the lowercased encoding name;
    // null: unknown label or "replacement")
    ops.set(
        "encodingForLabel",
        Function::new(ctx.clone(), |label: String| {
            decoder_encoding(&label).map(|e| e.name().to_ascii_lowercase())
        })?,
    )?;

    // ops.textDecode(encoding, bufferSource, fatal, ignoreBOM) -> string  (one-shot)
    ops.set(
        "textDecode",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, name: String, buf: Value<'js>, fatal: bool, ignore_bom: bool| {
                let Some(encoding) = decoder_encoding(&name) else {
                    return Err(Exception::throw_range(&ctx, "unknown encoding"));
                };
                let mut decoder = new_decoder(encoding, ignore_bom);
                match with_bytes(&buf, |b| decode_chunk(&mut decoder, b, true, fatal)) {
                    Some(Some(s)) => Ok(s),
                    Some(None) => Err(Exception::throw_type(
                        &ctx,
                        &format!("The encoded data was not valid {name}"),
                    )),
                    None => Err(Exception::throw_type(&ctx, NOT_A_BUFFER_SOURCE)),
                }
            },
        )?,
    )?;

    let table: Rc<RefCell<Decoders>> = Rc::default();
    // ops.decoderOpen(encoding, ignoreBOM) -> id
    let t = table.clone();
    ops.set(
        "decoderOpen",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String, ignore_bom: bool| {
                let Some(encoding) = decoder_encoding(&name) else {
                    return Err(Exception::throw_range(&ctx, "unknown encoding"));
                };
                let mut t = t.borrow_mut();
                t.next = t.next.wrapping_add(1).max(1);
                let id = t.next;
                t.open
                    .insert(id, (new_decoder(encoding, ignore_bom), ignore_bom));
                Ok(id)
            },
        )?,
    )?;

    // ops.decoderDecode(id, bufferSource, last, fatal) -> string  (the decoder keeps
    // what an incomplete sequence at the end of the chunk began; a fatal error resets it)
    let t = table.clone();
    ops.set(
        "decoderDecode",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, buf: Value<'js>, last: bool, fatal: bool| {
                let mut t = t.borrow_mut();
                let Some((decoder, ignore_bom)) = t.open.get_mut(&id) else {
                    return Err(Exception::throw_internal(&ctx, "no such decoder"));
                };
                match with_bytes(&buf, |b| decode_chunk(decoder, b, last, fatal)) {
                    Some(Some(s)) => Ok(s),
                    Some(None) => {
                        // The stream ends with the error; the next call starts afresh.
                        let encoding = decoder.encoding();
                        *decoder = new_decoder(encoding, *ignore_bom);
                        Err(Exception::throw_type(
                            &ctx,
                            &format!(
                                "The encoded data was not valid {}",
                                encoding.name().to_ascii_lowercase()
                            ),
                        ))
                    }
                    None => Err(Exception::throw_type(&ctx, NOT_A_BUFFER_SOURCE)),
                }
            },
        )?,
    )?;

    // ops.decoderFree(id)
    let t = table;
    ops.set(
        "decoderFree",
        Function::new(ctx.clone(), move |id: u32| {
            t.borrow_mut().open.remove(&id);
        })?,
    )?;
    Ok(())
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
