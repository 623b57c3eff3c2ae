//! The cookies: what they are called, how they are scoped and secured, how they are read back.
//!
//! Whether they are `Secure` is decided once from the allowed origins, never from the peer:
//! only a site served entirely over plain HTTP on loopback (`kiln serve`) gets cookies without
//! it. Secure cookies also carry the `__Host-` / `__Secure-` prefixes, which browsers only
//! accept from HTTPS and which a subdomain cannot overwrite.

use hyper::HeaderMap;

use crate::tokens::{ACCESS_TTL_SECS, REFRESH_TTL_SECS};

/// How long a device cookie exempts a browser from the per-account login ceiling.
pub const DEVICE_TTL_SECS: u64 = 90 * 24 * 60 * 60;

/// The cookie names and attributes of one sidecar, fixed at startup.
#[derive(Debug, Clone)]
pub struct Cookies {
    secure: bool,
    access: &'static str,
    refresh: &'static str,
    device: &'static str,
    /// The signed-in hint: the visitor's first name for a static page's script to show. It is
    /// no credential (nothing checks it), so it is readable (not `HttpOnly`).
    hint: &'static str,
    /// The refresh cookie goes only to the two endpoints that consume it, so page loads and
    /// `/me` never carry it (a path-scoped cookie is only sent to its path, hence two).
    refresh_paths: [String; 2],
    login_path: String,
}

impl Cookies {
    pub fn new(secure: bool, prefix: &str) -> Cookies {
        let (access, refresh, device, hint) = if secure {
            (
                "__Host-kiln_access",
                "__Secure-kiln_refresh",
                "__Secure-kiln_device",
                "__Host-kiln_name",
            )
        } else {
            ("kiln_access", "kiln_refresh", "kiln_device", "kiln_name")
        };
        Cookies {
            secure,
            access,
            refresh,
            device,
            hint,
            refresh_paths: [format!("{prefix}/refresh"), format!("{prefix}/logout")],
            login_path: format!("{prefix}/login"),
        }
    }

    /// `Set-Cookie` values for a new session of the person called `fullname`: the tokens, and
    /// the hint with their first name, which lives as long as the session can be refreshed.
    pub fn session(&self, access: &str, refresh: &str, fullname: &str) -> Vec<String> {
        let mut cookies = vec![self.cookie(self.access, access, "/", "Lax", ACCESS_TTL_SECS)];
        for path in &self.refresh_paths {
            cookies.push(self.cookie(self.refresh, refresh, path, "Strict", REFRESH_TTL_SECS));
        }
        cookies.push(self.readable(self.hint, &first_name(fullname), REFRESH_TTL_SECS));
        cookies
    }

    /// `Set-Cookie` values that delete the session cookies (the device cookie stays).
    pub fn cleared(&self) -> Vec<String> {
        let mut cookies = vec![self.cookie(self.access, "", "/", "Lax", 0)];
        for path in &self.refresh_paths {
            cookies.push(self.cookie(self.refresh, "", path, "Strict", 0));
        }
        cookies.push(self.readable(self.hint, "", 0));
        cookies
    }

    /// `Set-Cookie` for a device cookie: sent back to the login endpoint only.
    pub fn device(&self, value: &str) -> String {
        self.cookie(
            self.device,
            value,
            &self.login_path,
            "Strict",
            DEVICE_TTL_SECS,
        )
    }

    pub fn access_token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        read(headers, self.access)
    }

    pub fn refresh_token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        read(headers, self.refresh)
    }

    pub fn device_token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        read(headers, self.device)
    }

    /// A cookie scripts may read: site-wide, `Lax`, `Secure` like the others, not `HttpOnly`.
    fn readable(&self, name: &str, value: &str, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax{secure}")
    }

    fn cookie(&self, name: &str, value: &str, path: &str, same_site: &str, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}"
        )
    }
}

/// The first word of a full name, at most 40 characters, percent-encoded as UTF-8 (cookie values
/// allow no spaces, `;`, `,`, quotes or non-ASCII): a script reads it with
/// `decodeURIComponent`. Names were checked at signup to hold no invisible characters.
fn first_name(fullname: &str) -> String {
    let first: String = fullname
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    let mut encoded = String::with_capacity(first.len());
    for byte in first.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The value of cookie `name` from the request's `Cookie` headers.
fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(hyper::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_cookies_are_prefixed_and_the_refresh_cookie_is_strict_and_scoped() {
        let cookies = Cookies::new(true, "/api").session("a.b.c", "d.e.f", "Ada Lovelace");
        assert_eq!(
            cookies[0],
            "__Host-kiln_access=a.b.c; Path=/; Max-Age=900; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(cookies[1].starts_with("__Secure-kiln_refresh="));
        assert!(cookies[1].contains("Path=/api/refresh") && cookies[1].contains("SameSite=Strict"));
        assert!(cookies[2].contains("Path=/api/logout"));
        let plain = Cookies::new(false, "/api").session("a.b.c", "d.e.f", "Ada Lovelace");
        assert!(plain[0].starts_with("kiln_access=") && !plain[0].contains("Secure"));
    }

    #[test]
    fn the_hint_cookie_is_the_readable_encoded_first_name_and_no_token() {
        let cookies = Cookies::new(true, "/api").session("a.b.c", "d.e.f", "Zoë O'Brien");
        assert_eq!(
            cookies[3],
            "__Host-kiln_name=Zo%C3%AB; Path=/; Max-Age=604800; SameSite=Lax; Secure"
        );
        let cleared = Cookies::new(false, "/api").cleared();
        assert_eq!(cleared[3], "kiln_name=; Path=/; Max-Age=0; SameSite=Lax");
        assert_eq!(first_name("  Ada;\"x Lovelace"), "Ada%3B%22x");
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header_under_their_configured_name() {
        let mut headers = HeaderMap::new();
        headers.append("cookie", "theme=dark; kiln_access=tok".parse().unwrap());
        assert_eq!(
            Cookies::new(false, "/api").access_token(&headers),
            Some("tok")
        );
        assert_eq!(Cookies::new(false, "/api").refresh_token(&headers), None);
        assert_eq!(Cookies::new(true, "/api").access_token(&headers), None);
    }
}
