//! Markdown to HTML with pulldown-cmark, mapping its events for heading ids, `@/` links,
//! summaries and highlighted code blocks.

pub mod cache;
mod events;
pub mod highlight;
mod words;

pub use cache::Body;

use pulldown_cmark::Event;
use serde::Serialize;

use crate::content::Source;
use crate::error::Diagnostic;
use events::Events;

/// One heading of the table of contents, nested as in Zola's `toc`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub permalink: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// A `@/file.md#anchor` link, kept to check the anchor once every file is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    pub target: String,
    pub anchor: String,
    pub line: usize,
}

/// The HTML of one Markdown body and what was learned while rendering it.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    pub content: String,
    /// The HTML before `<!-- more -->`, if the body has that marker.
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    /// Every heading id, for anchor checks.
    pub anchors: Vec<String>,
    pub anchor_links: Vec<AnchorLink>,
    /// Content paths of every `@/` link target, so a rebuild knows what this HTML depends on.
    pub links: Vec<String>,
    pub word_count: usize,
    /// Code blocks in a language no grammar knows, shown as plain text.
    pub warnings: Vec<String>,
    /// Whether the body has a code block: its HTML depends on `[markdown.highlighting]`.
    pub has_code: bool,
}

/// Resolves `@/…` content paths (without the anchor) to permalinks.
pub trait LinkResolver {
    fn permalink(&self, rel: &str) -> Option<&str>;
}

/// How the site's Markdown is rendered (from `[markdown]`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings<'a> {
    pub smart_punctuation: bool,
    /// Present when code blocks are highlighted.
    pub highlighter: Option<&'a highlight::Highlighter>,
}

/// Renders `source`'s body; `permalink` is the page's own, for heading links in the `toc`.
pub fn render(
    source: &Source,
    permalink: &str,
    settings: Settings<'_>,
    links: &dyn LinkResolver,
) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
    let mut events = Events::new(source, permalink, settings, links);
    let (content, summary) = write_html(&mut events, may_have_more_marker(source.body()));
    let state = events.state;
    if !state.errors.is_empty() {
        return Err(state.errors);
    }
    Ok(RenderedMarkdown {
        content,
        summary,
        toc: state.toc,
        anchors: state.anchors,
        anchor_links: state.anchor_links,
        links: state.targets,
        word_count: count_words(source.body()),
        warnings: state.warnings,
        has_code: state.has_code,
    })
}

/// The HTML of the events and of those before the summary cut. Only `buffered` writing can
/// cut a summary; streaming saves holding every event of a body that has no marker.
fn write_html(events: &mut Events<'_>, buffered: bool) -> (String, Option<String>) {
    let mut content = String::with_capacity(events.state.source.body().len() * 3 / 2);
    if !buffered {
        pulldown_cmark::html::push_html(&mut content, events);
        return (fitted(content), None);
    }
    let all: Vec<Event<'_>> = events.collect();
    let summary = events.state.summary_cut.map(|cut| {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, all[..cut].iter().cloned());
        summary
    });
    pulldown_cmark::html::push_html(&mut content, all.into_iter());
    (fitted(content), summary)
}

/// `html` in a buffer of its own size when the guess left much unused: every body is held
/// until the build ends. (`shrink_to_fit` may keep the block: allocators shrink in place.)
fn fitted(html: String) -> String {
    if html.capacity() - html.len() > html.len() / 8 {
        html.as_str().to_owned()
    } else {
        html
    }
}

/// Whether `body` may hold a `<!-- more -->` marker: every HTML comment event is a slice of
/// the body, so without `<!--` in it there is none (a cheap, conservative check).
fn may_have_more_marker(body: &str) -> bool {
    body.contains("<!--")
}

/// The parser's events as Kiln maps them, ready for `push_html`.
/// Counts words as Zola does, roughly: runs of text holding at least one letter or digit.
pub fn count_words(text: &str) -> usize {
    words::count(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    struct Links;
    impl LinkResolver for Links {
        fn permalink(&self, rel: &str) -> Option<&str> {
            (rel == "shows/foo.md").then_some("https://x.org/shows/foo/")
        }
    }

    fn source(body: &str) -> Source {
        let text = format!("+++\n+++\n{body}");
        Source {
            file: PathBuf::from("content/a.md"),
            rel: "a.md".into(),
            text: text.into(),
            body_offset: 8,
        }
    }

    fn md(body: &str) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
        render(
            &source(body),
            "https://x.org/a/",
            Settings::default(),
            &Links,
        )
    }

    #[test]
    fn headings_get_unique_ids_and_a_nested_toc() {
        let out = md("# Intro\n## Part\n## Part\n# Custom {#mine}\n").unwrap();
        assert!(
            out.content.contains("<h1 id=\"intro\">Intro</h1>"),
            "{}",
            out.content
        );
        assert!(
            out.content.contains("<h2 id=\"part-1\">"),
            "{}",
            out.content
        );
        assert!(out.content.contains("<h1 id=\"mine\">"), "{}", out.content);
        assert_eq!(out.toc.len(), 2);
        assert_eq!(out.toc[0].children.len(), 2);
        assert_eq!(out.toc[0].children[1].permalink, "https://x.org/a/#part-1");
    }

    #[test]
    fn internal_links_resolve_to_permalinks_and_keep_anchors() {
        let out = md("See [foo](@/shows/foo.md#ep) and ![x](@/shows/foo.md).\n").unwrap();
        assert!(
            out.content.contains("href=\"https://x.org/shows/foo/#ep\""),
            "{}",
            out.content
        );
        assert_eq!(
            out.anchor_links,
            vec![AnchorLink {
                target: "shows/foo.md".into(),
                anchor: "ep".into(),
                line: 3
            }]
        );
    }

    #[test]
    fn broken_internal_links_are_errors_with_file_and_line() {
        let errors = md("ok\n\n[a](@/nope.md)\n[b](@/gone.md)\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(5));
        assert_eq!(errors[1].line, Some(6));
        assert!(errors[0].message.contains("nope.md"));
    }

    #[test]
    fn summary_is_the_html_before_the_more_marker() {
        let cases = [
            (
                "First *para*.\n\n<!-- more -->\n\nRest.\n",
                "<p>First <em>para</em>.</p>\n",
            ),
            // A heading is held until its id is known; the cut still falls after all of it.
            (
                "# Title\n\nIntro.\n\n<!-- more -->\n\nRest.\n",
                "<h1 id=\"title\">Title</h1>\n<p>Intro.</p>\n",
            ),
        ];
        for (body, summary) in cases {
            let out = md(body).unwrap();
            assert_eq!(out.summary.as_deref(), Some(summary));
            assert!(out.content.contains("Rest."));
        }
        assert!(md("No marker.").unwrap().summary.is_none());
    }

    #[test]
    fn gfm_extensions_render() {
        let out =
            md("|a|b|\n|-|-|\n|1|2|\n\n~~old~~\n\n- [x] done\n\nNote[^1].\n\n[^1]: The note.\n")
                .unwrap();
        for needle in [
            "<table>",
            "<del>old</del>",
            "type=\"checkbox\"",
            "footnote-definition",
        ] {
            assert!(
                out.content.contains(needle),
                "{needle} missing in {}",
                out.content
            );
        }
    }

    #[test]
    fn smart_punctuation_follows_the_config() {
        let smart = Settings {
            smart_punctuation: true,
            highlighter: None,
        };
        let out = render(&source("\"Hi\" -- there..."), "/", smart, &Links).unwrap();
        assert!(
            out.content.contains('“') && out.content.contains('–') && out.content.contains('…')
        );
    }

    #[test]
    fn unicode_words_and_spaces_count_like_ascii_ones() {
        assert_eq!(count_words("café — naïve\u{a0}idée … 42"), 4);
    }

    #[test]
    fn words_are_counted_without_markup() {
        assert_eq!(count_words("# Title\n\nOne two - three."), 4);
    }

    /// Words by the plain definition the fast counter must keep.
    fn plain_word_count(text: &str) -> usize {
        text.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    }

    /// Deterministic text of `len` pieces drawn from `alphabet` (no randomness crate needed).
    fn scrambled(alphabet: &[&str], len: usize, seed: u64) -> String {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn fast_word_count_matches_the_plain_definition_on_ascii_and_unicode_text() {
        let ascii = [
            "a", "Z", "7", "_", "-", "#", "*", "`", "\0", " ", "\t", "\n", "\r", "\x0b", "\x0c",
            "\x7f", "[", "]", "@",
        ];
        let mut unicode = ascii.to_vec();
        unicode.extend(["é", "中", "—", "…", "\u{a0}", "\u{2003}", "\u{85}", "٣"]);
        for seed in 0..400 {
            // Lengths around one, two and three 64-byte blocks, and non-ASCII appearing late.
            let len = (seed as usize * 7) % 200;
            let text = scrambled(&ascii, len, seed);
            assert_eq!(count_words(&text), plain_word_count(&text), "{text:?}");
            let text = scrambled(&unicode, len, seed);
            assert_eq!(count_words(&text), plain_word_count(&text), "{text:?}");
            let text = format!(
                "{}{}",
                scrambled(&ascii, len, seed),
                scrambled(&unicode, 9, seed)
            );
            assert_eq!(count_words(&text), plain_word_count(&text), "{text:?}");
        }
    }

    #[test]
    fn words_running_across_blocks_are_counted_once() {
        let text = format!("{}abc{}é d", " ".repeat(62), "x".repeat(70));
        assert_eq!(count_words(&text), 2);
        assert_eq!(count_words(&"word ".repeat(1000)), 1000);
    }

    #[test]
    fn streamed_html_is_the_same_bytes_as_buffered_html() {
        let body = "# Intro\n\nSee [foo](@/shows/foo.md#ep), *em* and `code`.\n\n\
                    ## Part {#p}\n\n|a|b|\n|-|-|\n|1|2|\n\n- [x] done\n\nNote[^1].\n\n\
                    [^1]: The [note](@/shows/foo.md).\n\n> quote <b>html</b>\n\n```rust\nfn x() {}\n```\n";
        let source = source(body);
        let config = toml::from_str("theme = \"nord\"").unwrap();
        let highlighter = highlight::Highlighter::new(&config).unwrap();
        let settings = Settings {
            smart_punctuation: true,
            highlighter: Some(&highlighter),
        };
        let html = |buffered| {
            let mut events = Events::new(&source, "https://x.org/a/", settings, &Links);
            write_html(&mut events, buffered)
        };
        let (streamed, buffered) = (html(false), html(true));
        assert_eq!(streamed.0, buffered.0);
        assert!(
            streamed.0.contains("<h2 id=\"p\">Part</h2>"),
            "{}",
            streamed.0
        );
        assert_eq!((streamed.1, buffered.1), (None, None));
    }

    #[test]
    fn anchor_links_know_their_lines_wherever_they_are() {
        let body = "[a](@/shows/foo.md#one)\n\ntext[^n]\n\n[^n]: [b](@/shows/foo.md#two)\n\n\
                    > [c](@/shows/foo.md#three) [d](@/shows/foo.md#four)\n";
        let lines: Vec<usize> = md(body)
            .unwrap()
            .anchor_links
            .iter()
            .map(|a| a.line)
            .collect();
        assert_eq!(lines, [3, 7, 9, 9]);
    }
}
