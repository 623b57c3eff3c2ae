//! Kiln's own `[cdn]` table: the files a CDN (Netlify, Cloudflare Pages) reads beside the
//! site, so redirects answer with a real 301 and assets carry caching and security headers.

use serde::{Deserialize, Serialize};

/// `[cdn]`: each file is off unless asked for.
#[derive(Debug, Clone, Serialize, Deserialize, Hash)]
pub struct CdnConfig {
    /// Which host's `_redirects` to write for aliases and redirect pages.
    #[serde(default)]
    pub redirects: RedirectsFor,
    /// Write `_headers`: the policy below on every file, long caching for fingerprinted ones.
    #[serde(default)]
    pub headers: bool,
    #[serde(default = "default_policy")]
    pub content_security_policy: String,
}

impl Default for CdnConfig {
    fn default() -> Self {
        CdnConfig {
            redirects: RedirectsFor::default(),
            headers: false,
            content_security_policy: default_policy(),
        }
    }
}

/// The dialects of `_redirects`: both read `from to 301`, but Netlify serves a file that
/// exists at `from` (an alias page does) unless the rule is forced with `301!`, which
/// Cloudflare Pages does not accept (it always redirects).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RedirectsFor {
    #[default]
    None,
    Cloudflare,
    Netlify,
}

/// Everything from the site itself; no inline scripts or styles, no plugins, no framing.
fn default_policy() -> String {
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'"
        .to_string()
}
