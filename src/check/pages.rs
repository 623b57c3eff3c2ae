//! What a careful reviewer checks on every built page: a title and a description of sane
//! length (and no two pages sharing one), one `h1`, a canonical link, the page's language,
//! and images with alternative text and a size.

use std::collections::BTreeMap;
use std::path::Path;

use crate::check::finding::Finding;
use crate::check::html::PageFacts;
use crate::error::Diagnostic;

/// Search results show about this many characters of a title, and of a description.
const TITLE_CHARS: std::ops::RangeInclusive<usize> = 10..=70;
const DESCRIPTION_CHARS: std::ops::RangeInclusive<usize> = 50..=160;

/// The rules for one page at output path `rel`. Redirect pages are not pages to review; a
/// page that asks not to be indexed needs no description or canonical link.
pub fn check(rel: &str, facts: &PageFacts, findings: &mut Vec<Finding>) {
    if facts.redirect {
        return;
    }
    let file = Path::new(rel);
    let at = |line: usize, message: String| Diagnostic::at(file, line, None, message);
    if facts.lang.is_none() {
        findings.push(Finding::error("lang", Diagnostic::in_file(file, "`<html>` has no `lang`; screen readers and translators guess the language; add `lang=\"{{ lang }}\"`")));
    }
    title(file, facts, findings);
    match facts.h1.as_slice() {
        [] => findings.push(Finding::warning(
            "h1",
            Diagnostic::in_file(
                file,
                "the page has no `<h1>`; give it one heading that says what it is",
            ),
        )),
        [_] => {}
        [_, second, ..] => findings.push(Finding::warning(
            "h1",
            at(
                *second,
                format!(
                    "the page has {} `<h1>` headings; keep one and make the others `<h2>`",
                    facts.h1.len()
                ),
            ),
        )),
    }
    for image in &facts.images {
        if !image.has_alt {
            findings.push(Finding::error("img-alt", at(image.line, format!("`<img src=\"{}\">` has no `alt`; describe it, or write `alt=\"\"` if it is decoration", image.src))));
        }
        if !image.has_size {
            findings.push(Finding::warning("img-size", at(image.line, format!("`<img src=\"{}\">` has no `width` and `height`; the page jumps as it loads", image.src))));
        }
    }
    if facts.noindex {
        return;
    }
    description(file, facts, findings);
    if facts.canonical.as_deref().is_none_or(str::is_empty) {
        findings.push(Finding::warning("canonical", Diagnostic::in_file(file, "the page has no `<link rel=\"canonical\">`; search engines may index it under another URL")));
    }
}

fn title(file: &Path, facts: &PageFacts, findings: &mut Vec<Finding>) {
    match facts.titles.as_slice() {
        [] => findings.push(Finding::error(
            "title",
            Diagnostic::in_file(file, "the page has no `<title>`"),
        )),
        [(text, line), rest @ ..] => {
            if let Some((_, second)) = rest.first() {
                let message = "the page has more than one `<title>`; keep the first";
                findings.push(Finding::error(
                    "title",
                    Diagnostic::at(file, *second, None, message),
                ));
            }
            let chars = text.chars().count();
            if text.is_empty() {
                let message = "the `<title>` is empty";
                findings.push(Finding::error(
                    "title",
                    Diagnostic::at(file, *line, None, message),
                ));
            } else if !TITLE_CHARS.contains(&chars) {
                let message = format!(
                    "the title “{text}” is {chars} characters; search results show {}–{} well",
                    TITLE_CHARS.start(),
                    TITLE_CHARS.end()
                );
                findings.push(Finding::warning(
                    "title-length",
                    Diagnostic::at(file, *line, None, message),
                ));
            }
        }
    }
}

fn description(file: &Path, facts: &PageFacts, findings: &mut Vec<Finding>) {
    let Some((text, line)) = &facts.description else {
        let message = "the page has no `<meta name=\"description\">`; search results will quote whatever they find";
        findings.push(Finding::error(
            "description",
            Diagnostic::in_file(file, message),
        ));
        return;
    };
    let chars = text.chars().count();
    if text.is_empty() {
        let message = "the description is empty";
        findings.push(Finding::error(
            "description",
            Diagnostic::at(file, *line, None, message),
        ));
    } else if !DESCRIPTION_CHARS.contains(&chars) {
        let message = format!(
            "the description is {chars} characters; search results show {}–{} well",
            DESCRIPTION_CHARS.start(),
            DESCRIPTION_CHARS.end()
        );
        findings.push(Finding::warning(
            "description-length",
            Diagnostic::at(file, *line, None, message),
        ));
    }
}

/// Titles and descriptions shared by several indexable pages: each page after the first
/// of a group is reported, naming the first.
pub fn duplicates<'a>(
    pages: impl Iterator<Item = (&'a str, &'a PageFacts)>,
    findings: &mut Vec<Finding>,
) {
    let mut titles: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    let mut descriptions: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (rel, facts) in pages.filter(|(_, f)| !f.redirect && !f.noindex) {
        if let Some((text, line)) = facts.titles.first().filter(|(t, _)| !t.is_empty()) {
            titles.entry(text).or_default().push((rel, *line));
        }
        if let Some((text, line)) = facts.description.as_ref().filter(|(t, _)| !t.is_empty()) {
            descriptions.entry(text).or_default().push((rel, *line));
        }
    }
    for (rule, what, groups) in [
        ("duplicate-title", "title", titles),
        ("duplicate-description", "description", descriptions),
    ] {
        for (_, pages) in groups.into_iter().filter(|(_, p)| p.len() > 1) {
            let (first, _) = pages[0];
            for (rel, line) in &pages[1..] {
                let message = format!("the same {what} as {first}; each page needs its own");
                let at = Diagnostic::at(Path::new(rel), *line, None, message);
                findings.push(Finding::warning(rule, at));
            }
        }
    }
}
