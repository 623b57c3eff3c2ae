//! Whether a built page keeps to the Content-Security-Policy `[cdn] headers` sends: inline
//! scripts and styles that the policy refuses are findings (scripts are errors, since the
//! page then does not work; styles warnings, since it only looks different).

use std::path::Path;

use crate::check::finding::Finding;
use crate::check::html::PageFacts;
use crate::error::Diagnostic;

/// What a policy lets a page do inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inline {
    pub scripts: bool,
    pub style_attributes: bool,
    pub style_elements: bool,
}

impl Inline {
    /// Reads `policy` (`directive value…; …`), falling back as browsers do: `script-src`,
    /// `style-src-attr`/`style-src-elem` to `style-src`, each to `default-src`.
    pub fn of(policy: &str) -> Inline {
        let directives: Vec<(&str, &str)> = policy
            .split(';')
            .filter_map(|d| {
                let d = d.trim();
                Some(d.split_once(char::is_whitespace).unwrap_or((d, "")))
                    .filter(|(n, _)| !n.is_empty())
            })
            .collect();
        let allows = |names: &[&str]| {
            let found = names.iter().find_map(|name| {
                directives
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
            });
            found.is_none_or(|(_, values)| values.contains("'unsafe-inline'"))
        };
        Inline {
            scripts: allows(&["script-src", "default-src"]),
            style_attributes: allows(&["style-src-attr", "style-src", "default-src"]),
            style_elements: allows(&["style-src-elem", "style-src", "default-src"]),
        }
    }
}

/// The page's inline code the policy refuses, once per kind with its first line.
pub fn check(rel: &str, facts: &PageFacts, inline: Inline, findings: &mut Vec<Finding>) {
    let kinds = [
        (
            inline.scripts,
            &facts.inline_scripts,
            "inline script (`<script>` without `src`, or an `on…` attribute)",
            true,
        ),
        (
            inline.style_attributes,
            &facts.style_attributes,
            "`style` attribute",
            false,
        ),
        (
            inline.style_elements,
            &facts.style_elements,
            "`<style>` element",
            false,
        ),
    ];
    for (allowed, lines, what, breaks) in kinds {
        let Some(first) = lines.first().filter(|_| !allowed) else {
            continue;
        };
        let count = lines.len();
        let message = format!(
            "{count} {what}{} the site's Content-Security-Policy refuses; move it to a file",
            if count == 1 { "" } else { "s" }
        );
        let at = Diagnostic::at(Path::new(rel), *first, None, message);
        findings.push(if breaks {
            Finding::error("csp", at)
        } else {
            Finding::warning("csp", at)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_fall_back_to_default_src_and_unsafe_inline_allows() {
        let strict = Inline::of("default-src 'self'; img-src 'self' data:");
        assert_eq!(
            strict,
            Inline {
                scripts: false,
                style_attributes: false,
                style_elements: false
            }
        );
        let styles = Inline::of("default-src 'self'; style-src 'self' 'unsafe-inline'");
        assert_eq!(
            styles,
            Inline {
                scripts: false,
                style_attributes: true,
                style_elements: true
            }
        );
        assert_eq!(
            Inline::of("img-src 'self'"),
            Inline {
                scripts: true,
                style_attributes: true,
                style_elements: true
            }
        );
    }
}
