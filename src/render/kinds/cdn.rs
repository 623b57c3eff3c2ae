//! The files a CDN reads beside the site (Kiln's `[cdn]`): `_redirects`, every alias and
//! redirect page as a 301 (Netlify and Cloudflare Pages), and `_headers`, the
//! Content-Security-Policy on every file and a year's immutable caching for fingerprinted
//! ones (processed images, named by a hash, and the files templates ask `get_url` for with
//! `cachebust = true`, whose URLs change with their bytes).

use std::borrow::Cow;
use std::io::Write;

use regex::Regex;
use serde_json::{Map, Value};

use crate::config::cdn::{CdnConfig, RedirectsFor};
use crate::error::Diagnostic;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer, WritesItself, write_output};

/// `_redirects`: (from, to) for each redirect page planned, in plan order.
#[derive(Debug)]
struct Redirects {
    rules: Vec<(String, String)>,
    status: &'static str,
}

/// `_headers`, made from `[cdn]` and the templates' `cachebust` calls.
#[derive(Debug)]
struct Headers;

/// Plans `_redirects` from the redirect pages planned before it (so it comes last) and
/// `_headers`.
pub fn plan(plan: &mut Plan<'_>) {
    let config = &plan.site.config;
    let base = config.base_url.trim_end_matches('/').to_string();
    let status = match config.cdn.redirects {
        RedirectsFor::None => None,
        RedirectsFor::Cloudflare => Some("301"),
        RedirectsFor::Netlify => Some("301!"),
    };
    let headers = config.cdn.headers;
    if let Some(status) = status {
        let rules = plan
            .jobs
            .iter()
            .filter_map(|job| {
                let to = job.output.redirects_to()?;
                // Site paths where the target is this site, so previews on other hosts work.
                let to = match to.strip_prefix(&base) {
                    Some(path) if path.starts_with('/') => path.to_string(),
                    _ => to.to_string(),
                };
                Some((job.path.clone(), to))
            })
            .collect();
        plan.push("/_redirects".into(), Redirects { rules, status });
    }
    if headers {
        plan.push("/_headers".into(), Headers);
    }
}

impl Output for Redirects {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("(_redirects)")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "[cdn] redirects".to_string()
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own((&self.rules, self.status))
    }

    fn writes_itself(&self) -> Option<&dyn WritesItself> {
        Some(self)
    }
}

impl WritesItself for Redirects {
    fn write(&self, renderer: &Renderer<'_>, out: &mut dyn Write) -> Result<(), Diagnostic> {
        let mut text =
            String::from("# Written by Kiln from `aliases`, `redirect_to` and pagination.\n");
        for (from, to) in &self.rules {
            text.push_str(&format!("{from} {to} {}\n", self.status));
        }
        write_output(out, text.as_bytes(), &self.origin(renderer))
    }
}

impl Output for Headers {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("(_headers)")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "[cdn] headers".to_string()
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own((&renderer.site.config.cdn, cachebusted(renderer)))
    }

    fn writes_itself(&self) -> Option<&dyn WritesItself> {
        Some(self)
    }
}

impl WritesItself for Headers {
    fn write(&self, renderer: &Renderer<'_>, out: &mut dyn Write) -> Result<(), Diagnostic> {
        let text = headers(&renderer.site.config.cdn, &cachebusted(renderer));
        write_output(out, text.as_bytes(), &self.origin(renderer))
    }
}

/// The text of `_headers`.
fn headers(cdn: &CdnConfig, fingerprinted: &[String]) -> String {
    let mut text = String::from("/*\n");
    let policy = cdn.content_security_policy.trim();
    if !policy.is_empty() {
        text.push_str(&format!("  Content-Security-Policy: {policy}\n"));
    }
    text.push_str("  X-Content-Type-Options: nosniff\n");
    text.push_str("  Referrer-Policy: strict-origin-when-cross-origin\n");
    let immutable =
        std::iter::once("/processed_images/*".to_string()).chain(fingerprinted.iter().cloned());
    for path in immutable {
        text.push_str(&format!(
            "{path}\n  Cache-Control: public, max-age=31536000, immutable\n"
        ));
    }
    text
}

/// The site paths templates ask `get_url` for with `cachebust = true` and a literal `path`,
/// sorted: their URLs carry the file's hash, so a changed file is a new URL.
fn cachebusted(renderer: &Renderer<'_>) -> Vec<String> {
    let (Ok(call), Ok(path)) = (
        Regex::new(r"get_url\s*\(([^)]*)\)"),
        Regex::new(r#"path\s*=\s*["']([^"']+)["']"#),
    ) else {
        return Vec::new();
    };
    let busts = Regex::new(r"cachebust\s*=\s*true").ok();
    let texts = crate::render::templates::all_texts(renderer.sources);
    let mut paths: Vec<String> = texts
        .iter()
        .flat_map(|(_, text)| call.captures_iter(text))
        .filter_map(|c| {
            let args = c.get(1)?.as_str();
            busts.as_ref()?.is_match(args).then_some(())?;
            let file = path.captures(args)?.get(1)?.as_str();
            (!file.starts_with("@/") && !file.contains("://"))
                .then(|| format!("/{}", file.trim_start_matches('/')))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_the_policy_and_cache_fingerprinted_files_for_a_year() {
        let text = headers(&CdnConfig::default(), &["/style.css".to_string()]);
        assert!(
            text.starts_with("/*\n  Content-Security-Policy: default-src 'self';"),
            "{text}"
        );
        assert!(
            text.contains(
                "/processed_images/*\n  Cache-Control: public, max-age=31536000, immutable\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("/style.css\n  Cache-Control: public, max-age=31536000, immutable\n"),
            "{text}"
        );
    }
}
