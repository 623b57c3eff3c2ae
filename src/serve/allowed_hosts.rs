//! Answers only requests addressed to this machine by IP address, `localhost` or a name the
//! author allowed, so a web page cannot read the dev site (drafts included) by DNS rebinding.

use std::net::IpAddr;

use hyper::http::uri::Authority;

/// The host names, besides IP addresses and `localhost`, that requests may be addressed to.
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn new(names: &[String]) -> AllowedHosts {
        AllowedHosts(names.iter().map(|name| normalise(name)).collect())
    }

    /// Whether a request whose `Host` header is `host` may be answered; a request without one
    /// (HTTP/1.0) names no host a rebinding page could have chosen.
    pub fn allow(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        let Ok(authority) = host.parse::<Authority>() else {
            return false;
        };
        let name = normalise(authority.host());
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        literal.parse::<IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.0.contains(&name)
    }
}

/// Host names compare without case and without a final dot (`Localhost.` is `localhost`).
fn normalise(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses_and_localhost_are_always_allowed() {
        let hosts = AllowedHosts::new(&[]);
        for host in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "[::1]:1111",
            "192.168.1.20:1111",
            "localhost:1111",
            "LocalHost.",
            "app.localhost:1111",
        ] {
            assert!(hosts.allow(Some(host)), "{host}");
        }
        assert!(hosts.allow(None));
    }

    #[test]
    fn other_names_need_allowing() {
        let hosts = AllowedHosts::new(&[]);
        assert!(!hosts.allow(Some("evil.example:1111")));
        assert!(!hosts.allow(Some("localhost.evil.example")));
        assert!(!hosts.allow(Some("not a host")));
        let hosts = AllowedHosts::new(&["Podcasts.Test".into()]);
        assert!(hosts.allow(Some("podcasts.test:1111")));
        assert!(!hosts.allow(Some("evil.example:1111")));
    }
}
