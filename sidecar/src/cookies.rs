//! The session cookies: what they are called, how they are scoped, how they are read back.

use hyper::HeaderMap;

use crate::tokens::{ACCESS_TTL_SECS, REFRESH_TTL_SECS};

pub const ACCESS: &str = "kiln_access";
pub const REFRESH: &str = "kiln_refresh";

/// Where the refresh cookie is sent: only the two endpoints that consume it, so page loads and
/// `/me` never carry it. (A path-scoped cookie is only sent to its path, hence two.)
fn refresh_paths(prefix: &str) -> [String; 2] {
    [format!("{prefix}/refresh"), format!("{prefix}/logout")]
}

/// `Set-Cookie` values for a new session.
pub fn session(access: &str, refresh: &str, prefix: &str, secure: bool) -> Vec<String> {
    let mut cookies = vec![cookie(ACCESS, access, "/", "Lax", ACCESS_TTL_SECS, secure)];
    for path in refresh_paths(prefix) {
        cookies.push(cookie(
            REFRESH,
            refresh,
            &path,
            "Strict",
            REFRESH_TTL_SECS,
            secure,
        ));
    }
    cookies
}

/// `Set-Cookie` values that delete the session cookies.
pub fn cleared(prefix: &str, secure: bool) -> Vec<String> {
    let mut cookies = vec![cookie(ACCESS, "", "/", "Lax", 0, secure)];
    for path in refresh_paths(prefix) {
        cookies.push(cookie(REFRESH, "", &path, "Strict", 0, secure));
    }
    cookies
}

fn cookie(
    name: &str,
    value: &str,
    path: &str,
    same_site: &str,
    max_age: u64,
    secure: bool,
) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}"
    )
}

/// The value of cookie `name` from the request's `Cookie` headers.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
    fn refresh_cookie_is_strict_and_scoped_to_its_endpoints() {
        let cookies = session("a.b.c", "d.e.f", "/api", true);
        assert_eq!(
            cookies[0],
            "kiln_access=a.b.c; Path=/; Max-Age=900; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(cookies[1].contains("Path=/api/refresh") && cookies[1].contains("SameSite=Strict"));
        assert!(cookies[2].contains("Path=/api/logout"));
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append("cookie", "theme=dark; kiln_access=tok".parse().unwrap());
        assert_eq!(read(&headers, ACCESS), Some("tok"));
        assert_eq!(read(&headers, REFRESH), None);
    }
}
