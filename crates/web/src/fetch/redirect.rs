//! HTTP-redirect fetch (Fetch standard §4.4): where a 3xx leads and what of the request
//! survives the hop.

use url::Url;

/// Fetch §4.4 step 7: more redirects than this is a network error.
pub(crate) const MAX_REDIRECTS: u32 = 20;

/// The statuses Fetch treats as redirects (§2.2.6 "redirect status").
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Fetch §4.4 step 12: a 301/302 turns POST into GET, and a 303 turns anything but
/// GET/HEAD into GET; the body and its headers go with it.
pub(crate) fn rewrites_to_get(status: u16, method: &str) -> bool {
    ((status == 301 || status == 302) && method == "POST")
        || (status == 303 && method != "GET" && method != "HEAD")
}

/// "request-body-header names" (Fetch §2.2.2), dropped with the body.
pub(crate) const BODY_HEADERS: &[&str] = &[
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
    "content-length",
];

/// Resolves a `Location` value against the URL that answered (Fetch §2.2.6 "location URL").
pub(crate) fn location(base: &Url, value: &str) -> Result<Url, String> {
    base.join(value)
        .map_err(|_| format!("the redirect location {value:?} is not a valid URL"))
}

/// Whether two URLs have the same origin (scheme, host, port).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_rewriting() {
        assert!(rewrites_to_get(301, "POST"));
        assert!(rewrites_to_get(302, "POST"));
        assert!(!rewrites_to_get(302, "PUT"));
        assert!(rewrites_to_get(303, "PUT"));
        assert!(!rewrites_to_get(303, "HEAD"));
        assert!(!rewrites_to_get(307, "POST"));
        assert!(!rewrites_to_get(308, "POST"));
    }

    #[test]
    fn locations() {
        let base = Url::parse("http://a.test/x/y?q").expect("url");
        assert_eq!(
            location(&base, "../z").expect("relative").as_str(),
            "http://a.test/z"
        );
        assert!(location(&base, "http://[bad").is_err());
        assert!(same_origin(
            &base,
            &Url::parse("http://a.test:80/other").expect("url")
        ));
        assert!(!same_origin(
            &base,
            &Url::parse("https://a.test/").expect("url")
        ));
    }
}
