//! multipart/form-data bodies (RFC 7578 on the RFC 2046 §5.1 framing, with the name
//! escapes of HTML's "multipart/form-data encoding algorithm"): the Rust half of
//! `js/formdata.js`. Parsing runs here because a byte loop over a 20 MB body is far
//! too slow in an interpreter; serializing stays in JS, which only concatenates.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use memchr::memmem;
use nano_engine::rquickjs::{Array, Ctx, Exception, Function, Object, Result, TypedArray, Value};

use crate::buffer::with_bytes;

/// One part of a multipart/form-data body.
#[derive(Debug, PartialEq)]
pub(crate) struct Part<'a> {
    pub name: String,
    /// Present for a file: the part's Content-Disposition had a `filename` parameter.
    pub filename: Option<String>,
    /// The Content-Type header, isomorphic-decoded.
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// Why a body is not multipart/form-data; `formData()` rejects with a TypeError
/// carrying the message.
#[derive(Debug, PartialEq)]
pub(crate) struct Malformed(&'static str);

/// A boundary delimiter found in the body.
struct Delimiter {
    /// Where the delimiter (with its leading CRLF, if any) starts: the end of the part
    /// before it.
    start: usize,
    /// Just past the delimiter line; `None` for the close delimiter (`--boundary--`).
    next: Option<usize>,
}

/// Finds delimiters: `--boundary` followed by `--` (the close delimiter) or by optional
/// spaces or tabs and CRLF (RFC 2046 §5.1.1). A match followed by anything else is part
/// of the content, and the search goes on past it.
struct Delimiters<'b> {
    /// `\r\n--boundary`: a delimiter after a part's content.
    finder: memmem::Finder<'b>,
}

impl<'b> Delimiters<'b> {
    fn new(crlf_dash_boundary: &'b [u8]) -> Self {
        Self {
            finder: memmem::Finder::new(crlf_dash_boundary),
        }
    }

    /// What follows `--boundary` at `at`: the delimiter's end, or `None` if this is not
    /// a delimiter line.
    fn line_end(body: &[u8], at: usize) -> Option<Option<usize>> {
        let rest = body.get(at..)?;
        if rest.starts_with(b"--") {
            return Some(None);
        }
        let padding = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        rest[padding..]
            .starts_with(b"\r\n")
            .then_some(Some(at + padding + 2))
    }

    /// The first delimiter at or after `from`. When `first`, a delimiter may also open
    /// the body itself, without the CRLF before it.
    fn find(&self, body: &[u8], from: usize, first: bool) -> Option<Delimiter> {
        let needle = self.finder.needle();
        if first && body.starts_with(&needle[2..]) {
            if let Some(next) = Self::line_end(body, needle.len() - 2) {
                return Some(Delimiter { start: 0, next });
            }
        }
        let mut pos = from;
        loop {
            let start = pos + self.finder.find(body.get(pos..)?)?;
            if let Some(next) = Self::line_end(body, start + needle.len()) {
                return Some(Delimiter { start, next });
            }
            pos = start + 1;
        }
    }
}

fn trim_space_tab(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// RFC 9110 §5.6.2 token.
fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A quoted `name` or `filename`, undoing HTML's escapes (`%0A`, `%0D`, `%22`) and
/// decoding UTF-8 with replacement.
fn decode_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            let escaped = match [raw[i + 1], raw[i + 2].to_ascii_uppercase()] {
                [b'0', b'A'] => Some(b'\n'),
                [b'0', b'D'] => Some(b'\r'),
                [b'2', b'2'] => Some(b'"'),
                _ => None,
            };
            if let Some(b) = escaped {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `name` and `filename` of a `Content-Disposition: form-data; …` value.
fn parse_disposition(
    value: &[u8],
) -> std::result::Result<(Option<String>, Option<String>), Malformed> {
    let kind_end = value.iter().position(|&b| b == b';').unwrap_or(value.len());
    if !trim_space_tab(&value[..kind_end]).eq_ignore_ascii_case(b"form-data") {
        return Err(Malformed("a part's Content-Disposition is not form-data"));
    }
    let (mut name, mut filename) = (None, None);
    let mut pos = kind_end;
    while pos < value.len() {
        // At a ';'. A parameter is `key=value` or `key="value"` (no backslash escapes:
        // HTML escapes quotes as %22).
        pos += 1;
        let key_end = pos
            + value[pos..]
                .iter()
                .position(|&b| b == b'=' || b == b';')
                .unwrap_or(value.len() - pos);
        let key = trim_space_tab(&value[pos..key_end]);
        pos = key_end;
        if value.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while matches!(value.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        let raw = if value.get(pos) == Some(&b'"') {
            let Some(len) = value[pos + 1..].iter().position(|&b| b == b'"') else {
                return Err(Malformed(
                    "a part's Content-Disposition has an unterminated quoted string",
                ));
            };
            let raw = &value[pos + 1..pos + 1 + len];
            pos += len + 2;
            // Anything between the closing quote and the next ';' is ignored.
            pos += value[pos..]
                .iter()
                .position(|&b| b == b';')
                .unwrap_or(value.len() - pos);
            raw
        } else {
            let end = pos
                + value[pos..]
                    .iter()
                    .position(|&b| b == b';')
                    .unwrap_or(value.len() - pos);
            let raw = trim_space_tab(&value[pos..end]);
            pos = end;
            raw
        };
        if key.eq_ignore_ascii_case(b"name") {
            name.get_or_insert_with(|| decode_name(raw));
        } else if key.eq_ignore_ascii_case(b"filename") {
            filename.get_or_insert_with(|| decode_name(raw));
        }
    }
    Ok((name, filename))
}

/// Latin-1 bytes as a string (Infra "isomorphic decode").
fn isomorphic_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Splits a multipart/form-data body into its parts (RFC 7578 §4, RFC 2046 §5.1.1).
/// A preamble before the first delimiter and an epilogue after the last are ignored.
pub(crate) fn parse<'a>(
    body: &'a [u8],
    boundary: &str,
) -> std::result::Result<Vec<Part<'a>>, Malformed> {
    if boundary.is_empty() {
        return Err(Malformed("the boundary is empty"));
    }
    let needle = [b"\r\n--", boundary.as_bytes()].concat();
    let delimiters = Delimiters::new(&needle);
    let Some(first) = delimiters.find(body, 0, true) else {
        return Err(Malformed("no boundary delimiter found"));
    };
    let mut next = first.next;
    let mut parts = Vec::new();
    while let Some(mut pos) = next {
        let (mut name, mut filename, mut content_type) = (None, None, None);
        // Header lines up to an empty one.
        loop {
            let Some(len) = memmem::find(&body[pos..], b"\r\n") else {
                return Err(Malformed("a part's headers are truncated"));
            };
            let line = &body[pos..pos + len];
            pos += len + 2;
            if line.is_empty() {
                break;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                return Err(Malformed("a part has a header line without a colon"));
            };
            let header = trim_space_tab(&line[..colon]);
            if !is_token(header) {
                return Err(Malformed("a part has an invalid header name"));
            }
            let value = trim_space_tab(&line[colon + 1..]);
            if header.eq_ignore_ascii_case(b"content-disposition") {
                (name, filename) = parse_disposition(value)?;
            } else if header.eq_ignore_ascii_case(b"content-type") {
                content_type = Some(isomorphic_decode(value));
            }
        }
        let Some(name) = name else {
            return Err(Malformed("a part has no Content-Disposition name"));
        };
        // The content runs from after the empty line to the CRLF that begins the next
        // delimiter (at `pos` itself for an empty part).
        let Some(end) = delimiters.find(body, pos, false) else {
            return Err(Malformed("the body has no closing boundary delimiter"));
        };
        let content = &body[pos..end.start];
        parts.push(Part {
            name,
            filename,
            content_type,
            body: content,
        });
        next = end.next;
    }
    Ok(parts)
}

/// A fresh boundary: 32 hex digits of randomness (RFC 2046 §5.1.1 allows up to 70
/// characters). `RandomState` is seeded from the OS and re-keyed on every call, so
/// nobody can predict a boundary and put it into a value.
fn new_boundary() -> String {
    let word = || RandomState::new().build_hasher().finish();
    format!("----NanoFormBoundary{:016x}{:016x}", word(), word())
}

fn type_error(ctx: &Ctx<'_>, message: &str) -> nano_engine::rquickjs::Error {
    Exception::throw_type(ctx, message)
}

const NOT_BYTES: &str = "expected a BufferSource";

/// Adds the form-data ops to `ops`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>) -> Result<()> {
    // ops.multipartParse(bytes, boundary)
    //   -> [[name, value] | [name, bytes, filename, contentType], …]
    // Field values are UTF-8 decoded with replacement (a BOM is kept); a file part
    // without a Content-Type gets "text/plain" (RFC 7578 §4.4).
    ops.set(
        "multipartParse",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, bytes: Value<'js>, boundary: String| {
                let parsed = with_bytes(&bytes, |b| -> Result<Array<'js>> {
                    let parts = parse(b, &boundary).map_err(|Malformed(why)| {
                        type_error(
                            &ctx,
                            &format!("Failed to parse the body as FormData: {why}"),
                        )
                    })?;
                    let out = Array::new(ctx.clone())?;
                    for (i, part) in parts.into_iter().enumerate() {
                        let entry = Array::new(ctx.clone())?;
                        entry.set(0, part.name)?;
                        match part.filename {
                            None => entry.set(1, String::from_utf8_lossy(part.body).as_ref())?,
                            Some(filename) => {
                                entry
                                    .set(1, TypedArray::<u8>::new_copy(ctx.clone(), part.body)?)?;
                                entry.set(2, filename)?;
                                entry.set(
                                    3,
                                    part.content_type.unwrap_or_else(|| "text/plain".into()),
                                )?;
                            }
                        }
                        out.set(i, entry)?;
                    }
                    Ok(out)
                });
                parsed.unwrap_or_else(|| Err(type_error(&ctx, NOT_BYTES)))
            },
        )?,
    )?;

    // ops.urlencodedParse(bytes) -> [name, value, name, value, …]  (URL §5.1: split,
    // percent-decode, then UTF-8 decode with replacement, BOM kept)
    ops.set(
        "urlencodedParse",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, bytes: Value<'js>| {
            let parsed = with_bytes(&bytes, |b| -> Result<Array<'js>> {
                let out = Array::new(ctx.clone())?;
                let mut i = 0;
                for (k, v) in url::form_urlencoded::parse(b) {
                    out.set(i, k.as_ref())?;
                    out.set(i + 1, v.as_ref())?;
                    i += 2;
                }
                Ok(out)
            });
            parsed.unwrap_or_else(|| Err(type_error(&ctx, NOT_BYTES)))
        })?,
    )?;

    // ops.multipartBoundary() -> string
    ops.set(
        "multipartBoundary",
        Function::new(ctx.clone(), new_boundary)?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part<'a>(name: &str, filename: Option<&str>, ct: Option<&str>, body: &'a [u8]) -> Part<'a> {
        Part {
            name: name.into(),
            filename: filename.map(Into::into),
            content_type: ct.map(Into::into),
            body,
        }
    }

    #[test]
    fn parses_fields_and_files() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\nContent-Type: text/x\r\n\r\nhi\r\nthere\r\n\
            --XX--\r\n";
        assert_eq!(
            parse(body, "XX"),
            Ok(vec![
                part("a", None, None, b"1"),
                part("f", Some("x.txt"), Some("text/x"), b"hi\r\nthere"),
            ])
        );
    }

    #[test]
    fn every_truncation_and_corruption_fails_cleanly() {
        let body: &[u8] = b"pre\r\n--bd \t\r\nContent-Disposition: form-data; name=\"a%22\"; filename=\"f\"\r\n\
            Content-Type: x/y\r\n\r\nx\r\n--bdx\r\n--bd y\r\n--bd\r\ncontent-disposition:form-data;name=b\r\n\r\nv\r\n--bd--";
        let full = parse(body, "bd").expect("the whole body parses");
        assert_eq!(full.len(), 2);
        assert_eq!(full[0].body, b"x\r\n--bdx\r\n--bd y");
        assert_eq!(full[0].name, "a\"");
        assert_eq!(full[1].name, "b");
        for end in 0..body.len() - 2 {
            assert!(parse(&body[..end], "bd").is_err(), "prefix of {end} bytes");
        }
        // Any single byte changed: an answer or an error, never a panic.
        let mut copy = body.to_vec();
        for i in 0..copy.len() {
            for b in [0u8, b'\r', b'\n', b'"', b';', b'-', b'=', b'%', 0xff] {
                let old = std::mem::replace(&mut copy[i], b);
                let _ = parse(&copy, "bd");
                copy[i] = old;
            }
        }
    }

    #[test]
    fn name_escapes() {
        assert_eq!(decode_name(b"a%0a%0D%22%2"), "a\n\r\"%2");
        assert_eq!(decode_name(b"%%0A%"), "%\n%");
        assert_eq!(decode_name(b"\xff"), "\u{fffd}");
    }

    #[test]
    fn empty_values() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--b--";
        assert_eq!(parse(body, "b"), Ok(vec![part("e", None, None, b"")]));
    }
}
