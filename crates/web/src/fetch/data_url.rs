//! `data:` URLs (Fetch standard §4.2 "scheme fetch", and the "data: URL processor" in
//! §3.3): the body and type come from the URL itself; nothing goes to the network.

use url::Url;

use crate::encoding::base64_decode;

/// The type and body a `data:` URL holds, or `None` where the processor fails.
pub(crate) fn process(url: &Url) -> Option<(String, Vec<u8>)> {
    // Steps 2–3: the URL serialized without its fragment, "data:" removed.
    let mut serialized = url.clone();
    serialized.set_fragment(None);
    let input = serialized.as_str().strip_prefix("data:")?;
    // Steps 4–7: the type is what precedes the first comma.
    let (mime, encoded) = input.split_once(',')?;
    let mut mime = mime.trim_matches(is_ascii_whitespace).to_owned();
    // Step 8.
    let mut body = percent_decode(encoded.as_bytes());
    // Step 9: ";" then any spaces then "base64", case-insensitively, at the end.
    if let Some(rest) = strip_suffix_ignore_case(&mime, "base64") {
        let before = rest.trim_end_matches(' ');
        if let Some(kept) = before.strip_suffix(';') {
            body = base64_decode(&body)?;
            mime = kept.to_owned();
        }
    }
    // Step 10.
    if mime.starts_with(';') {
        mime.insert_str(0, "text/plain");
    }
    // Step 11.
    let mime = parse_mime(&mime).unwrap_or_else(|| "text/plain;charset=US-ASCII".into());
    Some((mime, body))
}

fn is_ascii_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// URL §1.3 "percent-decode": `%XX` becomes the byte, anything else stays.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A simplified MIME Sniffing §4.4 "parse a MIME type": `type/subtype` must be tokens
/// (lower-cased); parameters are kept when `name=value` with a token name.
fn parse_mime(input: &str) -> Option<String> {
    let mut parts = input.split(';');
    let essence = parts.next()?.trim_matches(is_ascii_whitespace);
    let (ty, sub) = essence.split_once('/')?;
    let sub = sub.trim_end_matches(is_ascii_whitespace);
    if !is_token(ty) || !is_token(sub) {
        return None;
    }
    let mut out = format!("{}/{}", ty.to_ascii_lowercase(), sub.to_ascii_lowercase());
    for param in parts {
        let param = param.trim_start_matches(is_ascii_whitespace);
        if let Some((name, value)) = param.split_once('=') {
            if is_token(name) && !value.is_empty() {
                out.push(';');
                out.push_str(&name.to_ascii_lowercase());
                out.push('=');
                out.push_str(value.trim_end_matches(is_ascii_whitespace));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Option<(String, Vec<u8>)> {
        process(&Url::parse(s).expect("url"))
    }

    // Cases from the Fetch standard's data: URL examples and WPT fetch/data-urls.
    #[test]
    fn processor() {
        assert_eq!(
            run("data:,Hello%2C%20World!"),
            Some((
                "text/plain;charset=US-ASCII".into(),
                b"Hello, World!".to_vec()
            ))
        );
        assert_eq!(
            run("data:text/plain;base64,SGVsbG8sIFdvcmxkIQ=="),
            Some(("text/plain".into(), b"Hello, World!".to_vec()))
        );
        assert_eq!(
            run("data:;charset=utf-8,x"),
            Some(("text/plain;charset=utf-8".into(), b"x".to_vec()))
        );
        assert_eq!(
            run("data:TEXT/HTML ;BASE64 ,PGI+"),
            Some(("text/html".into(), b"<b>".to_vec()))
        );
        assert_eq!(
            run("data:text/html;base64,PGI+#frag"),
            Some(("text/html".into(), b"<b>".to_vec()))
        );
        assert_eq!(run("data:;base64,%"), None);
        assert_eq!(run("data:nocomma"), None);
        assert_eq!(
            run("data:bad type,x"),
            Some(("text/plain;charset=US-ASCII".into(), b"x".to_vec()))
        );
        assert_eq!(percent_decode(b"%41%4g%"), b"A%4g%".to_vec());
    }
}
