//! The origin allowlist: which pages may post forms and call with CORS, and where redirects may go.

use crate::config::normalise_origin;

pub struct Origins {
    allowed: Vec<String>,
}

/// Redirect targets longer than this are refused rather than echoed into a header.
const MAX_TARGET_LEN: usize = 2048;

impl Origins {
    /// `allowed` must already be normalised (`Config::checked` does it).
    pub fn new(allowed: Vec<String>) -> Origins {
        Origins { allowed }
    }

    /// Whether an `Origin` header value names an allowed origin.
    pub fn allows(&self, origin: &str) -> bool {
        self.allowed.iter().any(|allowed| allowed == origin)
    }

    /// `next` if it is a path on this site or a URL on an allowed origin; otherwise `/`.
    pub fn safe_next(&self, next: Option<&str>) -> String {
        match next {
            Some(next) if self.is_safe_target(next) => next.to_owned(),
            _ => "/".to_owned(),
        }
    }

    /// The form page to send a failure back to: the `Referer` when it is on an allowed origin
    /// (without its fragment), else `fallback`.
    pub fn back_to_form(&self, referer: Option<&str>, fallback: &str) -> String {
        let referer = referer.map(|r| r.split('#').next().unwrap_or(r));
        match referer {
            Some(referer) if self.is_allowed_url(referer) => referer.to_owned(),
            _ => fallback.to_owned(),
        }
    }

    fn is_safe_target(&self, target: &str) -> bool {
        is_local_path(target) || self.is_allowed_url(target)
    }

    fn is_allowed_url(&self, url: &str) -> bool {
        header_safe(url) && origin_of(url).is_some_and(|origin| self.allows(&origin))
    }
}

/// `/shows/` yes; `//evil.example`, `/\evil.example` (browsers read `\` as `/`) and
/// anything with control characters, no. Nor a path part with `//`, a dot segment or an
/// encoded `/` or `\`: a server or CDN that normalises or decodes it can make it `//evil`.
fn is_local_path(target: &str) -> bool {
    let path = target.split(['?', '#']).next().unwrap_or(target);
    let lower = path.to_ascii_lowercase();
    target.starts_with('/')
        && !target.contains('\\')
        && !lower.contains("//")
        && !lower.contains("%2f")
        && !lower.contains("%5c")
        && !lower.split('/').any(is_dot_segment)
        && header_safe(target)
}

/// `.` and `..`, also with their dots percent-encoded (`%2e`, lowercased by the caller).
fn is_dot_segment(segment: &str) -> bool {
    matches!(segment.replace("%2e", ".").as_str(), "." | "..")
}

fn header_safe(target: &str) -> bool {
    target.len() <= MAX_TARGET_LEN && target.bytes().all(|b| b.is_ascii_graphic())
}

/// `https://site.example/a?b` → `https://site.example`; `None` for anything with credentials.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') || url.contains('\\') {
        return None;
    }
    normalise_origin(&format!("{scheme}://{authority}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Origins {
        Origins::new(vec!["https://site.example".into()])
    }

    #[test]
    fn next_accepts_site_paths_and_allowed_origins_only() {
        let o = origins();
        assert_eq!(o.safe_next(Some("/shows/ep-1/?t=3")), "/shows/ep-1/?t=3");
        assert_eq!(
            o.safe_next(Some("https://site.example/account/")),
            "https://site.example/account/"
        );
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "https://site.example@evil.example/",
            "javascript:alert(1)",
            "https://site.example.evil.example/",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(o.safe_next(Some(evil)), "/", "{evil:?} was accepted");
        }
        assert_eq!(o.safe_next(None), "/");
    }

    #[test]
    fn next_paths_with_dot_segments_double_or_encoded_slashes_fall_back_to_the_root() {
        let o = origins();
        for good in [
            "/welcome/",
            "/shows/a/?x=1#y",
            "/",
            "/shows/a/?next=//elsewhere&b=%2F#x//y",
            "/a.b/..c/.d/",
            "/files/a%20b",
        ] {
            assert_eq!(o.safe_next(Some(good)), good);
        }
        for evil in [
            "/.//evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5C/evil.example",
            "/%5cevil.example",
            "/a//evil.example",
            "/a/../..//evil.example",
            "/./",
            "/shows/..",
            "/a/%2e%2E/b",
            "/a/.%2e/b",
            "/a/%2E/b?x=1",
        ] {
            assert_eq!(o.safe_next(Some(evil)), "/", "{evil:?} was accepted");
        }
    }

    #[test]
    fn failures_go_back_to_an_allowed_referer_without_its_fragment() {
        let o = origins();
        assert_eq!(
            o.back_to_form(
                Some("https://site.example/login/?next=/x#weak-password"),
                "/login/"
            ),
            "https://site.example/login/?next=/x"
        );
        assert_eq!(
            o.back_to_form(Some("https://evil.example/login/"), "/login/"),
            "/login/"
        );
        assert_eq!(o.back_to_form(None, "/signup/"), "/signup/");
    }
}
