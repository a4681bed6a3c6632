//! Workers route patterns (`example.com/*`, `*.example.com/api/*`) and picking the app
//! for a request's host and path. The most specific matching pattern wins.

use std::collections::HashMap;
use std::fmt;

/// A route pattern that does not parse.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("invalid route {pattern:?}: {reason}")]
pub struct RouteError {
    pattern: String,
    reason: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostMatch {
    /// `*`: any host.
    Any,
    /// `example.com`.
    Exact(String),
    /// `*.example.com`: strict subdomains (the suffix keeps its leading dot).
    Subdomains(String),
    /// `*example.com`: the domain itself and any name ending in it.
    EndsWith(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathMatch {
    /// `/api/*`: any path starting with `/api/`.
    Prefix(String),
    /// `/health`: that path only.
    Exact(String),
}

/// One parsed route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    source: String,
    host: HostMatch,
    path: PathMatch,
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Route {
    /// Parses `[scheme://]host[/path]`; a missing path means `/*`.
    pub fn parse(pattern: &str) -> Result<Self, RouteError> {
        let err = |reason| RouteError {
            pattern: pattern.to_owned(),
            reason,
        };
        let trimmed = pattern.trim();
        if trimmed.is_empty() {
            return Err(err("empty pattern"));
        }
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed);
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/*"),
        };
        let host = host.to_ascii_lowercase();
        let host = strip_port(&host);
        if host.is_empty() {
            return Err(err("missing host (use `*` for any host)"));
        }
        let host_match = if host == "*" {
            HostMatch::Any
        } else if let Some(suffix) = host.strip_prefix("*.") {
            HostMatch::Subdomains(format!(".{suffix}"))
        } else if let Some(suffix) = host.strip_prefix('*') {
            HostMatch::EndsWith(suffix.to_owned())
        } else {
            HostMatch::Exact(host.to_owned())
        };
        let bad_host = |h: &str| h.contains('*') || h.is_empty();
        match &host_match {
            HostMatch::Exact(h) | HostMatch::EndsWith(h) if bad_host(h) => {
                return Err(err("`*` may only start the host"))
            }
            HostMatch::Subdomains(h) if bad_host(&h[1..]) => {
                return Err(err("`*` may only start the host"))
            }
            _ => {}
        }
        let path_match = match path.strip_suffix('*') {
            Some(prefix) => PathMatch::Prefix(prefix.to_owned()),
            None => PathMatch::Exact(path.to_owned()),
        };
        let (PathMatch::Prefix(p) | PathMatch::Exact(p)) = &path_match;
        if p.contains('*') {
            return Err(err("`*` may only end the path"));
        }
        Ok(Self {
            source: trimmed.to_owned(),
            host: host_match,
            path: path_match,
        })
    }

    fn host_matches(&self, host: &str) -> bool {
        match &self.host {
            HostMatch::Any => true,
            HostMatch::Exact(h) => host == h,
            HostMatch::Subdomains(suffix) => {
                host.len() > suffix.len() && host.ends_with(suffix.as_str())
            }
            HostMatch::EndsWith(suffix) => host.ends_with(suffix.as_str()),
        }
    }

    fn path_matches(&self, path: &str) -> bool {
        match &self.path {
            PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            PathMatch::Exact(p) => path == p,
        }
    }

    /// Higher is more specific: exact hosts beat wildcards, then longer hosts, then
    /// exact paths, then longer paths.
    fn specificity(&self) -> (u8, usize, u8, usize) {
        let (kind, len) = match &self.host {
            HostMatch::Exact(h) => (3, h.len()),
            HostMatch::Subdomains(h) | HostMatch::EndsWith(h) => (2, h.len()),
            HostMatch::Any => (1, 0),
        };
        let (pkind, plen) = match &self.path {
            PathMatch::Exact(p) => (2, p.len()),
            PathMatch::Prefix(p) => (1, p.len()),
        };
        (kind, len, pkind, plen)
    }
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &host[..i],
        _ => host,
    }
}

/// Every app's routes, ready to match requests. Routes for exact hosts and for
/// `*.domain` are indexed by host, so a lookup costs a few hash probes whatever the
/// number of apps; only `*domain` and `*` patterns are scanned.
#[derive(Debug, Default)]
pub struct Router {
    /// `example.com/...` routes by host.
    exact: HashMap<String, Vec<(Route, usize)>>,
    /// `*.example.com/...` routes by suffix (with its leading dot).
    subdomains: HashMap<String, Vec<(Route, usize)>>,
    /// `*example.com/...` and `*/...` routes, scanned in order.
    scanned: Vec<(Route, usize)>,
    catch_all: Option<usize>,
}

fn most_specific_first(list: &mut [(Route, usize)]) {
    list.sort_by_key(|r| std::cmp::Reverse(r.0.specificity()));
}

impl Router {
    /// `routes` pairs each pattern with its app's index; `catch_all` answers anything no
    /// route matches.
    pub fn new(routes: Vec<(Route, usize)>, catch_all: Option<usize>) -> Self {
        let mut router = Self {
            catch_all,
            ..Self::default()
        };
        for (route, app) in routes {
            match &route.host {
                HostMatch::Exact(h) => router
                    .exact
                    .entry(h.clone())
                    .or_default()
                    .push((route, app)),
                HostMatch::Subdomains(s) => router
                    .subdomains
                    .entry(s.clone())
                    .or_default()
                    .push((route, app)),
                HostMatch::EndsWith(_) | HostMatch::Any => router.scanned.push((route, app)),
            }
        }
        router
            .exact
            .values_mut()
            .for_each(|l| most_specific_first(l));
        router
            .subdomains
            .values_mut()
            .for_each(|l| most_specific_first(l));
        most_specific_first(&mut router.scanned);
        router
    }

    /// The app for a request to `host` (a Host header; any port is ignored) and `path`.
    pub fn route(&self, host: &str, path: &str) -> Option<usize> {
        let host = strip_port(host).trim_end_matches('.').to_ascii_lowercase();
        // Exact hosts are the most specific of all.
        if let Some(list) = self.exact.get(&host) {
            if let Some((_, app)) = list.iter().find(|(r, _)| r.path_matches(path)) {
                return Some(*app);
            }
        }
        // Otherwise the best of the wildcard candidates: every `*.suffix` the host has,
        // and the scanned patterns.
        let mut best: Option<&(Route, usize)> = None;
        fn consider<'a>(best: &mut Option<&'a (Route, usize)>, candidate: &'a (Route, usize)) {
            if best.is_none_or(|b| candidate.0.specificity() > b.0.specificity()) {
                *best = Some(candidate);
            }
        }
        let mut dot = host.find('.');
        while let Some(i) = dot {
            let suffix = &host[i..];
            if i > 0 {
                if let Some(list) = self.subdomains.get(suffix) {
                    if let Some(c) = list.iter().find(|(r, _)| r.path_matches(path)) {
                        consider(&mut best, c);
                    }
                }
            }
            dot = host[i + 1..].find('.').map(|j| i + 1 + j);
        }
        if let Some(c) = self
            .scanned
            .iter()
            .find(|(r, _)| r.host_matches(&host) && r.path_matches(path))
        {
            consider(&mut best, c);
        }
        best.map(|(_, app)| *app).or(self.catch_all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(patterns: &[(&str, usize)]) -> Router {
        Router::new(
            patterns
                .iter()
                .map(|(p, a)| (Route::parse(p).expect("valid pattern"), *a))
                .collect(),
            None,
        )
    }

    #[test]
    fn exact_host_and_any_path() {
        let r = router(&[("example.com/*", 0)]);
        assert_eq!(r.route("example.com", "/"), Some(0));
        assert_eq!(r.route("example.com:8080", "/a/b?c"), Some(0));
        assert_eq!(r.route("EXAMPLE.com", "/"), Some(0));
        assert_eq!(r.route("www.example.com", "/"), None);
        assert_eq!(r.route("other.com", "/"), None);
    }

    #[test]
    fn subdomain_wildcard_with_path_prefix() {
        let r = router(&[("*.example.com/api/*", 1)]);
        assert_eq!(r.route("a.example.com", "/api/x"), Some(1));
        assert_eq!(r.route("a.b.example.com", "/api/"), Some(1));
        assert_eq!(
            r.route("example.com", "/api/x"),
            None,
            "apex is not a subdomain"
        );
        assert_eq!(r.route("a.example.com", "/apix"), None);
        assert_eq!(r.route("a.example.com", "/"), None);
        assert_eq!(r.route("badexample.com", "/api/x"), None);
    }

    #[test]
    fn star_without_dot_matches_apex_too() {
        let r = router(&[("*example.com/*", 2)]);
        assert_eq!(r.route("example.com", "/"), Some(2));
        assert_eq!(r.route("www.example.com", "/"), Some(2));
    }

    #[test]
    fn most_specific_route_wins() {
        let r = router(&[
            ("*/*", 0),
            ("*.example.com/*", 1),
            ("api.example.com/*", 2),
            ("api.example.com/v2/*", 3),
            ("api.example.com/health", 4),
        ]);
        assert_eq!(r.route("x.example.com", "/"), Some(1));
        assert_eq!(r.route("api.example.com", "/v1"), Some(2));
        assert_eq!(r.route("api.example.com", "/v2/users"), Some(3));
        assert_eq!(r.route("api.example.com", "/health"), Some(4));
        assert_eq!(r.route("api.example.com", "/healthz"), Some(2));
        assert_eq!(r.route("elsewhere.org", "/"), Some(0));
    }

    #[test]
    fn scheme_and_missing_path_are_accepted() {
        let r = router(&[("https://shop.example/", 0), ("blog.example", 1)]);
        assert_eq!(r.route("shop.example", "/"), Some(0));
        assert_eq!(r.route("shop.example", "/cart"), None);
        assert_eq!(r.route("blog.example", "/post/1"), Some(1));
    }

    #[test]
    fn catch_all_answers_the_rest() {
        let r = Router::new(vec![], Some(7));
        assert_eq!(r.route("", "/"), Some(7));
    }

    #[test]
    fn index_agrees_with_a_linear_scan() {
        let patterns = [
            "*/*",
            "*.a.test/*",
            "x.a.test/*",
            "x.a.test/api/*",
            "*a.test/*",
            "*.test/v1/*",
            "b.test/exact",
            "*.b.test/*",
            "*b.test/deep/*",
            "*.x.a.test/*",
        ];
        let routes: Vec<(Route, usize)> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (Route::parse(p).expect("valid"), i))
            .collect();
        let r = Router::new(routes.clone(), None);
        let mut sorted = routes;
        most_specific_first(&mut sorted);
        let hosts = [
            "x.a.test",
            "y.a.test",
            "a.test",
            "ba.test",
            "q.x.a.test",
            "b.test",
            "c.b.test",
            "other",
            "v.test",
        ];
        let paths = ["/", "/api/x", "/v1/q", "/exact", "/deep/z"];
        for h in hosts {
            for p in paths {
                let linear = sorted
                    .iter()
                    .find(|(r, _)| r.host_matches(h) && r.path_matches(p))
                    .map(|(_, a)| *a);
                assert_eq!(r.route(h, p), linear, "{h}{p}");
            }
        }
    }

    #[test]
    fn bad_patterns_are_rejected() {
        for bad in ["", "/*", "exa*mple.com/*", "example.com/a*b", "*.*.com/*"] {
            assert!(Route::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
