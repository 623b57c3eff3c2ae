//! Who is calling: the client IP, believing `X-Forwarded-For` only from trusted proxies, and a
//! warning when forwarding headers arrive from a peer that is not one.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use hyper::HeaderMap;
use ipnet::IpNet;

#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub ip: IpAddr,
}

/// The proxies whose forwarding headers are believed, and when we last warned of others.
#[derive(Debug)]
pub struct Proxies {
    trusted: Vec<IpNet>,
    /// The sidecar's path prefix, to tell in the log which sidecar warns.
    prefix: String,
    /// Unix seconds of the last warning plus one; 0 before the first.
    warned: AtomicU64,
}

/// Forwarding headers from an untrusted peer are worth one warning an hour, not one a request.
const WARN_EVERY_SECS: u64 = 60 * 60;
const FORWARDING_HEADERS: [&str; 4] = [
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "forwarded",
];

impl Proxies {
    pub fn new(trusted: Vec<IpNet>, prefix: &str) -> Proxies {
        Proxies {
            trusted,
            prefix: prefix.to_owned(),
            warned: AtomicU64::new(0),
        }
    }

    fn trusts(&self, ip: &IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(ip))
    }

    /// A proxy we were not told to trust: most likely `--trusted-proxy` was forgotten, and
    /// every visitor shares that proxy's address and rate limits.
    fn warn_untrusted(&self, peer: IpAddr) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = self.warned.load(Ordering::Relaxed);
        let due = last == 0 || now + 1 >= last + WARN_EVERY_SECS;
        if due
            && self
                .warned
                .compare_exchange(last, now + 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                %peer,
                sidecar = %self.prefix,
                "X-Forwarded-* headers arrived from a peer that is not a trusted proxy and were ignored; if a proxy or CDN forwards to this sidecar, set --trusted-proxy / KILN_TRUSTED_PROXIES to its address (warned at most once an hour)"
            );
        }
    }
}

impl Client {
    pub fn identify(peer: SocketAddr, headers: &HeaderMap, proxies: &Proxies) -> Client {
        let peer_ip = canonical(peer.ip());
        if !proxies.trusts(&peer_ip) {
            if FORWARDING_HEADERS
                .iter()
                .any(|name| headers.contains_key(*name))
            {
                proxies.warn_untrusted(peer_ip);
            }
            return Client { ip: peer_ip };
        }
        let ip = forwarded_client(headers, &|ip| proxies.trusts(ip)).unwrap_or(peer_ip);
        Client { ip }
    }
}

/// The right-most address that is not one of our proxies: everything left of it is whatever
/// the client chose to send, so it is never believed. Proxies append well-formed addresses, so
/// the walk stops at the first malformed hop and answers the nearest proxy's peer seen so far.
fn forwarded_client(headers: &HeaderMap, is_trusted: &impl Fn(&IpAddr) -> bool) -> Option<IpAddr> {
    let values: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let mut nearest = None;
    for hop in values.iter().flat_map(|value| value.split(',')).rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        let ip = canonical(ip);
        if !is_trusted(&ip) {
            return Some(ip);
        }
        nearest = Some(ip);
    }
    nearest
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("x-forwarded-for", xff.parse().unwrap());
        map
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let client = Client::identify(
            "203.0.113.7:4000".parse().unwrap(),
            &headers("1.2.3.4"),
            &Proxies::new(Vec::new(), "/api"),
        );
        assert_eq!(client.ip, "203.0.113.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_names_the_first_untrusted_hop() {
        let proxies = Proxies::new(vec!["10.0.0.0/8".parse().unwrap()], "/api");
        let client = Client::identify(
            "10.0.0.2:4000".parse().unwrap(),
            &headers("6.6.6.6, 198.51.100.9, 10.0.0.5"),
            &proxies,
        );
        assert_eq!(client.ip, "198.51.100.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn junk_a_client_puts_in_forwarded_for_does_not_hide_its_address() {
        let proxies = Proxies::new(vec!["10.0.0.0/8".parse().unwrap()], "/api");
        let client = Client::identify(
            "10.0.0.2:4000".parse().unwrap(),
            &headers("junk, 198.51.100.9"),
            &proxies,
        );
        assert_eq!(client.ip, "198.51.100.9".parse::<IpAddr>().unwrap());
    }
}
