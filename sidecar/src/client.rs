//! Who is calling: the client IP (believing `X-Forwarded-For` only from trusted proxies) and
//! whether the connection may carry non-`Secure` cookies.

use std::net::{IpAddr, SocketAddr};

use hyper::HeaderMap;
use ipnet::IpNet;

#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub ip: IpAddr,
    /// Cookies get `Secure` unless this is plain HTTP from loopback (local development).
    pub secure: bool,
}

impl Client {
    pub fn identify(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpNet]) -> Client {
        let peer_ip = canonical(peer.ip());
        let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
        if !is_trusted(&peer_ip) {
            return Client {
                ip: peer_ip,
                secure: !peer_ip.is_loopback(),
            };
        }
        let ip = forwarded_client(headers, &is_trusted).unwrap_or(peer_ip);
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        Client {
            ip,
            secure: https || !ip.is_loopback(),
        }
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
            &[],
        );
        assert_eq!(client.ip, "203.0.113.7".parse::<IpAddr>().unwrap());
        assert!(client.secure);
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_names_the_first_untrusted_hop() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let client = Client::identify(
            "10.0.0.2:4000".parse().unwrap(),
            &headers("6.6.6.6, 198.51.100.9, 10.0.0.5"),
            &trusted,
        );
        assert_eq!(client.ip, "198.51.100.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn junk_a_client_puts_in_forwarded_for_does_not_hide_its_address() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let client = Client::identify(
            "10.0.0.2:4000".parse().unwrap(),
            &headers("junk, 198.51.100.9"),
            &trusted,
        );
        assert_eq!(client.ip, "198.51.100.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn plain_loopback_is_the_only_insecure_case() {
        let client = Client::identify("127.0.0.1:4000".parse().unwrap(), &HeaderMap::new(), &[]);
        assert!(!client.secure);
    }
}
