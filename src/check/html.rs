//! What `kiln check` reads of one built HTML page: its title, description, canonical link,
//! language, headings, images, links and ids, each with its line, from html5gum's tokens.

use std::collections::HashSet;

use html5gum::{DefaultEmitter, StartTag, Token, Tokenizer};

/// An `<img>`: where it is and what it lacks.
#[derive(Debug)]
pub struct Image {
    pub line: usize,
    pub src: String,
    pub has_alt: bool,
    pub has_size: bool,
}

/// A URL the page points at (`href` or `src`), with its line.
#[derive(Debug)]
pub struct Link {
    pub url: String,
    pub line: usize,
}

/// The facts of one page the checks need.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// `<html lang>`, when given.
    pub lang: Option<String>,
    /// Each `<title>` of the document (not an SVG's), with its text and line.
    pub titles: Vec<(String, usize)>,
    pub description: Option<(String, usize)>,
    pub canonical: Option<String>,
    /// `<meta name="robots">` says `noindex`.
    pub noindex: bool,
    /// A `<meta http-equiv="refresh">` page: a redirect, not a page to review.
    pub redirect: bool,
    /// The line of each `<h1>`.
    pub h1: Vec<usize>,
    pub images: Vec<Image>,
    pub links: Vec<Link>,
    /// Every `id` (and `<a name>`): the anchors links may point at.
    pub ids: HashSet<String>,
    /// Lines of what a Content-Security-Policy may refuse: `style` attributes, `<style>`
    /// elements, and scripts written in the page (`<script>` without `src`, `on…` handlers).
    pub style_attributes: Vec<usize>,
    pub style_elements: Vec<usize>,
    pub inline_scripts: Vec<usize>,
}

/// Tag attributes whose value is a URL to check.
const URL_ATTRIBUTES: [(&str, &str); 8] = [
    ("a", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("iframe", "src"),
];

/// Reads `text`, a whole HTML page.
pub fn read(text: &str) -> PageFacts {
    let lines = LineIndex::new(text);
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Script, style and title bodies are text, as a browser reads them.
    emitter.naively_switch_states(true);
    let mut facts = PageFacts::default();
    let mut svg_depth = 0usize;
    let mut title: Option<(String, usize)> = None;
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let line = lines.line(tag.span.start);
                let name = lower(&tag.name);
                if name == "svg" && !tag.self_closing {
                    svg_depth += 1;
                }
                if name == "title" && svg_depth == 0 {
                    title = Some((String::new(), line));
                }
                facts.start_tag(&name, &tag, line);
            }
            Token::EndTag(tag) => match lower(&tag.name).as_str() {
                "svg" => svg_depth = svg_depth.saturating_sub(1),
                "title" => {
                    if let Some((text, line)) = title.take() {
                        facts.titles.push((collapse(&text), line));
                    }
                }
                _ => {}
            },
            Token::String(s) => {
                if let Some((text, _)) = &mut title {
                    text.push_str(&String::from_utf8_lossy(&s.value));
                }
            }
            _ => {}
        }
    }
    facts
}

impl PageFacts {
    fn start_tag(&mut self, name: &str, tag: &StartTag<usize>, line: usize) {
        let attr = |key: &str| attribute(tag, key);
        if let Some(id) = attr("id") {
            self.ids.insert(id);
        }
        if tag.attributes.contains_key(&b"style"[..]) {
            self.style_attributes.push(line);
        }
        if tag.attributes.keys().any(|k| k.starts_with(b"on")) {
            self.inline_scripts.push(line);
        }
        match name {
            "html" => self.lang = attr("lang").filter(|l| !l.trim().is_empty()),
            "h1" => self.h1.push(line),
            "a" => {
                if let Some(anchor) = attr("name") {
                    self.ids.insert(anchor);
                }
            }
            "meta" => self.meta(tag, line),
            "style" => self.style_elements.push(line),
            "script" if attr("src").is_none() && is_code(attr("type").as_deref()) => {
                self.inline_scripts.push(line);
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    self.canonical = attr("href");
                }
            }
            "img" => self.images.push(Image {
                line,
                src: attr("src").unwrap_or_default(),
                has_alt: tag.attributes.contains_key(&b"alt"[..]),
                has_size: attr("width").is_some() && attr("height").is_some(),
            }),
            _ => {}
        }
        for (element, key) in URL_ATTRIBUTES {
            if name == element
                && let Some(url) = attr(key)
            {
                self.links.push(Link { url, line });
            }
        }
    }

    fn meta(&mut self, tag: &StartTag<usize>, line: usize) {
        let attr = |key: &str| attribute(tag, key);
        let name = attr("name").unwrap_or_default().to_ascii_lowercase();
        let content = attr("content").unwrap_or_default();
        match name.as_str() {
            "description" => self.description = Some((collapse(&content), line)),
            "robots" => {
                let lower = content.to_ascii_lowercase();
                self.noindex |= lower.split(',').any(|d| d.trim() == "noindex");
            }
            _ => {}
        }
        let http_equiv = attr("http-equiv").unwrap_or_default();
        if http_equiv.eq_ignore_ascii_case("refresh") {
            self.redirect = true;
        }
    }
}

/// Whether a `<script type>` is code a browser runs (not data such as JSON-LD).
fn is_code(kind: Option<&str>) -> bool {
    let kind = kind.unwrap_or_default().trim().to_ascii_lowercase();
    matches!(
        kind.as_str(),
        "" | "module" | "text/javascript" | "application/javascript"
    )
}

/// The value of attribute `key` of `tag` (names are lower case in the tokens).
fn attribute(tag: &StartTag<usize>, key: &str) -> Option<String> {
    tag.attributes
        .get(key.as_bytes())
        .map(|v| String::from_utf8_lossy(&v.value).into_owned())
}

fn lower(name: &[u8]) -> String {
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

/// `text` with runs of white space made one space, trimmed: how a browser shows a title.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        LineIndex {
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_with_lines_and_svg_titles_are_not_the_page_title() {
        let page = "<!doctype html>\n<html lang=\"en\">\n<head><title> A  page </title>\n\
            <meta name=\"description\" content=\"About &amp; more\">\n\
            <meta name=\"robots\" content=\"noindex, follow\">\n\
            <link rel=\"canonical\" href=\"https://x.example/a/\"></head>\n\
            <body><svg><title>icon</title></svg><h1 id=\"top\">A</h1>\n\
            <img src=\"a.png\" width=\"3\"><a href=\"/b/#c\">b</a>\n\
            <script type=\"application/ld+json\">{\"a\": \"<h1>\"}</script></body></html>";
        let facts = read(page);
        assert_eq!(facts.lang.as_deref(), Some("en"));
        assert_eq!(facts.titles, [("A page".to_string(), 3)]);
        assert_eq!(facts.description, Some(("About & more".to_string(), 4)));
        assert!(facts.noindex && !facts.redirect);
        assert_eq!(facts.canonical.as_deref(), Some("https://x.example/a/"));
        assert_eq!(facts.h1, [7]);
        assert!(facts.ids.contains("top"));
        assert_eq!(facts.images.len(), 1);
        assert!(!facts.images[0].has_alt && !facts.images[0].has_size);
        let urls: Vec<(&str, usize)> = facts
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.line))
            .collect();
        assert_eq!(
            urls,
            [("https://x.example/a/", 6), ("a.png", 8), ("/b/#c", 8)]
        );
    }
}
