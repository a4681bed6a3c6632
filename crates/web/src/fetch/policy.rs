//! The per-app outbound policy: which hosts and addresses `fetch` may reach.
//!
//! Host patterns are matched against the URL's host before anything is sent; CIDR
//! ranges against the addresses the host resolves to, at connect time, so a name that
//! resolves into a denied range is refused too (DNS cannot route around a deny).

use std::fmt;
use std::net::IpAddr;

/// One entry of an allow or deny list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Rule {
    /// `api.example.com` (exactly) or `*.example.org` (any subdomain, not the apex).
    Host(String),
    /// `10.0.0.0/8`, `::1/128`, or a bare address.
    Cidr(IpAddr, u8),
}

/// Why a policy entry was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub entry: String,
    pub reason: &'static str,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.entry, self.reason)
    }
}

impl std::error::Error for RuleError {}

impl Rule {
    /// Parses `host`, `*.suffix`, `addr` or `addr/prefix`.
    pub fn parse(entry: &str) -> Result<Self, RuleError> {
        let err = |reason| RuleError {
            entry: entry.to_owned(),
            reason,
        };
        let text = entry.trim();
        if text.is_empty() {
            return Err(err("empty entry"));
        }
        if let Some((addr, bits)) = text.split_once('/') {
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| err("not an IP address before the '/'"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| err("prefix length out of range"))?;
            return Ok(Rule::Cidr(mask(addr, bits), bits));
        }
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        if let Ok(addr) = bare.parse::<IpAddr>() {
            return Ok(Rule::Cidr(addr, if addr.is_ipv4() { 32 } else { 128 }));
        }
        let host = text.to_ascii_lowercase();
        let name = host.strip_prefix("*.").unwrap_or(&host);
        let valid = !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !valid {
            return Err(err(
                "expected a host name, *.domain, an IP address or a CIDR range",
            ));
        }
        Ok(Rule::Host(host))
    }

    fn matches_host(&self, host: &str) -> bool {
        match self {
            Rule::Host(pattern) => match pattern.strip_prefix("*.") {
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
                None => pattern == host,
            },
            Rule::Cidr(..) => false,
        }
    }

    fn matches_addr(&self, addr: IpAddr) -> bool {
        match *self {
            Rule::Cidr(net, bits) => {
                let addr = canonical(addr);
                net.is_ipv4() == addr.is_ipv4() && mask(addr, bits) == net
            }
            Rule::Host(_) => false,
        }
    }
}

/// `::ffff:a.b.c.d` is the IPv4 address it maps, so a v4 deny covers it.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn mask(addr: IpAddr, bits: u8) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let m = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & m).into())
        }
        IpAddr::V6(v6) => {
            let m = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & m).into())
        }
    }
}

/// Allow and deny lists. Empty allow list: everything not denied is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OutboundPolicy {
    pub allow: Vec<Rule>,
    pub deny: Vec<Rule>,
}

/// What the URL's host alone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostVerdict {
    /// Denied by a host pattern.
    Denied,
    /// Allowed by name: only deny ranges apply to its addresses.
    AllowedByName,
    /// Up to the addresses: each must fall in an allow range (or the allow list is empty).
    CheckAddresses,
}

impl OutboundPolicy {
    /// Builds a policy from the entries of the two lists.
    pub fn new<A: AsRef<str>, D: AsRef<str>>(allow: &[A], deny: &[D]) -> Result<Self, RuleError> {
        Ok(Self {
            allow: allow
                .iter()
                .map(|e| Rule::parse(e.as_ref()))
                .collect::<Result<_, _>>()?,
            deny: deny
                .iter()
                .map(|e| Rule::parse(e.as_ref()))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn is_open(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }

    /// `host` is lower-case, without brackets for IPv6.
    pub(crate) fn check_host(&self, host: &str) -> HostVerdict {
        let host = host.trim_end_matches('.');
        if self.deny.iter().any(|r| r.matches_host(host)) {
            return HostVerdict::Denied;
        }
        if !self.allow.is_empty() && self.allow.iter().any(|r| r.matches_host(host)) {
            return HostVerdict::AllowedByName;
        }
        HostVerdict::CheckAddresses
    }

    /// Whether one resolved address of a host may be connected to.
    pub(crate) fn check_addr(&self, verdict: HostVerdict, addr: IpAddr) -> bool {
        if self.deny.iter().any(|r| r.matches_addr(addr)) {
            return false;
        }
        match verdict {
            HostVerdict::Denied => false,
            HostVerdict::AllowedByName => true,
            HostVerdict::CheckAddresses => {
                self.allow.is_empty() || self.allow.iter().any(|r| r.matches_addr(addr))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(allow: &[&str], deny: &[&str]) -> OutboundPolicy {
        OutboundPolicy::new(allow, deny).expect("valid policy")
    }

    #[test]
    fn parses_entries() {
        assert_eq!(
            Rule::parse("10.1.2.3/8"),
            Ok(Rule::Cidr("10.0.0.0".parse().expect("ip"), 8))
        );
        assert_eq!(
            Rule::parse("::1"),
            Ok(Rule::Cidr("::1".parse().expect("ip"), 128))
        );
        assert_eq!(
            Rule::parse("*.Example.org"),
            Ok(Rule::Host("*.example.org".into()))
        );
        for bad in ["", "10.0.0.0/33", "x/8", "a..b", "http://x", "*.", "a b"] {
            assert!(Rule::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hosts_and_ranges() {
        let p = policy(&[], &["*.evil.test", "10.0.0.0/8"]);
        assert_eq!(p.check_host("a.evil.test"), HostVerdict::Denied);
        assert_eq!(p.check_host("evil.test"), HostVerdict::CheckAddresses);
        let v = p.check_host("good.test");
        assert!(!p.check_addr(v, "10.9.9.9".parse().expect("ip")));
        assert!(!p.check_addr(v, "::ffff:10.0.0.1".parse().expect("ip")));
        assert!(p.check_addr(v, "11.0.0.1".parse().expect("ip")));

        let p = policy(&["api.test", "192.168.0.0/16"], &["192.168.1.0/24"]);
        let named = p.check_host("api.test");
        assert_eq!(named, HostVerdict::AllowedByName);
        assert!(p.check_addr(named, "8.8.8.8".parse().expect("ip")));
        assert!(!p.check_addr(named, "192.168.1.5".parse().expect("ip")));
        let other = p.check_host("other.test");
        assert!(!p.check_addr(other, "8.8.8.8".parse().expect("ip")));
        assert!(p.check_addr(other, "192.168.2.5".parse().expect("ip")));
    }
}
