//! The site's own `_headers` file (written by `[cdn] headers`, or the site's `static/_headers`),
//! read the way Netlify and Cloudflare Pages read it, so `kiln serve` sends the same
//! Content-Security-Policy and security headers the CDN will: a page that breaks under the
//! policy breaks on the developer's screen, not first in production.

/// Headers `kiln serve` leaves out: the dev server never lets a browser cache, so an edit shows
/// on the next load (the CDN's year of `immutable` would hide it).
const NOT_IN_DEVELOPMENT: &[&str] = &["cache-control", "expires", "age"];

/// One rule of `_headers`: a path pattern and the headers for the paths it matches.
#[derive(Debug, PartialEq)]
struct Rule {
    pattern: String,
    headers: Vec<(String, String)>,
}

/// The rules of one `_headers` file, in file order.
#[derive(Debug, Default, PartialEq)]
pub struct HeaderRules {
    rules: Vec<Rule>,
}

impl HeaderRules {
    /// Reads the file: a line starting at column 0 is a path pattern, the indented
    /// `Name: value` lines under it are its headers, `#` starts a comment. Lines that are
    /// neither (a header before any pattern, a header without `:`) are skipped, as the hosts
    /// skip them.
    pub fn parse(text: &str) -> HeaderRules {
        let mut rules: Vec<Rule> = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                rules.push(Rule {
                    pattern: trimmed.to_string(),
                    headers: Vec::new(),
                });
                continue;
            }
            let (Some(rule), Some((name, value))) = (rules.last_mut(), trimmed.split_once(':'))
            else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            if !name.is_empty() && !name.contains(' ') {
                rule.headers.push((name.to_string(), value.to_string()));
            }
        }
        HeaderRules { rules }
    }

    /// The headers for one request path, caching headers left out: every matching rule
    /// contributes, and a header named by several rules gets their values joined by `, `, as
    /// both hosts do.
    pub fn for_path(&self, path: &str) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = Vec::new();
        let matching = self
            .rules
            .iter()
            .filter(|rule| matches(&rule.pattern, path));
        for (name, value) in matching.flat_map(|rule| &rule.headers) {
            if NOT_IN_DEVELOPMENT.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            match found
                .iter_mut()
                .find(|(seen, _)| seen.eq_ignore_ascii_case(name))
            {
                Some((_, joined)) => {
                    joined.push_str(", ");
                    joined.push_str(value);
                }
                None => found.push((name.clone(), value.clone())),
            }
        }
        found
    }
}

/// Whether a path pattern matches a request path: `*` matches anything (slashes too), a
/// `:name` segment matches one segment, anything else matches itself. A pattern naming a host
/// (`https://…`) is for another host name than the one served here, so never matches.
fn matches(pattern: &str, path: &str) -> bool {
    if !pattern.starts_with('/') {
        return false;
    }
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    segments_match(&pattern, &path)
}

fn segments_match(pattern: &[&str], path: &[&str]) -> bool {
    match (pattern.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((&"*", _)), _) if pattern.len() == 1 => true,
        (Some((first, rest)), Some((segment, path_rest))) => {
            segment_matches(first, segment) && segments_match(rest, path_rest)
        }
        _ => false,
    }
}

/// One segment: `:name` takes any non-empty segment; `*` inside a segment (`*.css`) takes any
/// run of characters there.
fn segment_matches(pattern: &str, segment: &str) -> bool {
    if pattern.starts_with(':') {
        return !segment.is_empty();
    }
    match pattern.split_once('*') {
        None => pattern == segment,
        Some((before, after)) => {
            segment.len() >= before.len() + after.len()
                && segment.starts_with(before)
                && segment.ends_with(after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Written by a CDN config\n\
        /*\n  Content-Security-Policy: default-src 'self'\n  X-Content-Type-Options: nosniff\n\
        /processed_images/*\n  Cache-Control: public, max-age=31536000, immutable\n  X-Robots-Tag: noindex\n\
        /shows/:show/\n  X-Robots-Tag: nosnippet\n\
        /*.css\n  X-Style: yes\n";

    #[test]
    fn every_matching_rule_contributes_and_repeated_names_are_joined() {
        let rules = HeaderRules::parse(FILE);
        assert_eq!(
            rules.for_path("/processed_images/a1b2.webp"),
            vec![
                (
                    "Content-Security-Policy".to_string(),
                    "default-src 'self'".to_string()
                ),
                ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
                ("X-Robots-Tag".to_string(), "noindex".to_string()),
            ]
        );
        let show = rules.for_path("/shows/slow-bytes/");
        assert!(show.contains(&("X-Robots-Tag".to_string(), "nosnippet".to_string())));
        assert_eq!(show.len(), 3, "{show:?}");
    }

    #[test]
    fn caching_headers_are_left_to_the_dev_server() {
        let rules = HeaderRules::parse(FILE);
        let names: Vec<String> = rules
            .for_path("/processed_images/x.png")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert!(
            !names.iter().any(|name| name == "Cache-Control"),
            "{names:?}"
        );
    }

    #[test]
    fn patterns_match_segments_placeholders_and_splats() {
        assert!(matches("/*", "/"));
        assert!(matches("/*", "/a/b/c.html"));
        assert!(matches("/blog/*", "/blog/post/"));
        assert!(!matches("/blog/*", "/blogs/post/"));
        assert!(matches("/shows/:show/", "/shows/slow-bytes/"));
        assert!(!matches("/shows/:show/", "/shows/slow-bytes/episodes/"));
        assert!(matches("/*.css", "/style.css"));
        assert!(!matches("/*.css", "/style.js"));
        assert!(!matches("https://example.com/*", "/"));
    }

    #[test]
    fn headers_without_a_pattern_or_a_colon_are_skipped() {
        let rules = HeaderRules::parse("  X-Orphan: 1\n/a\n  no colon here\n  X-Ok: 2\n");
        assert_eq!(
            rules.for_path("/a"),
            vec![("X-Ok".to_string(), "2".to_string())]
        );
    }
}
