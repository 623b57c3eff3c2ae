//! Markdown to HTML with pulldown-cmark, mapping its events for heading ids, `@/` links,
//! summaries and highlighted code blocks.

pub mod cache;
mod events;
mod external_links;
pub mod highlight;
mod rewrites;
pub mod shortcodes;
mod words;

pub use cache::Body;
pub use shortcodes::{Embeds, ShortcodeTemplates};

use pulldown_cmark::Event;
use serde::Serialize;

use crate::config::{AnchorLinks, MarkdownConfig, TableAlignment};
use crate::content::Source;
use crate::error::Diagnostic;
use events::Events;
use shortcodes::scan::may_hold_calls;

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
    /// Each shortcode the body calls, with the version of its template when rendered.
    pub shortcodes: Vec<(String, u64)>,
    /// The version of the variables its calls got (see `shortcodes::context_version`).
    pub context_version: Option<u64>,
    /// Code blocks in a language no grammar knows, shown as plain text.
    pub warnings: Vec<String>,
    /// Whether the body has a code block: its HTML depends on `[markdown.highlighting]`.
    pub has_code: bool,
}

/// How a body is rendered, from `[markdown]` in `config.toml` (and a section's
/// `insert_anchor_links`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub smart_punctuation: bool,
    pub external_links: ExternalLinks,
    pub anchors: AnchorLinks,
    /// The language anchor links are rendered for.
    pub lang: String,
    /// Table cell alignment as `align-*` classes instead of inline styles.
    pub table_alignment_classes: bool,
}

/// What links to other sites get: Zola's `external_links_*` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalLinks {
    pub class: Option<String>,
    pub target_blank: bool,
    pub no_follow: bool,
    pub no_referrer: bool,
    pub external: bool,
}

impl Options {
    /// The options `config` sets, with `anchors` in place of its `insert_anchor_links`.
    pub fn new(config: &MarkdownConfig, lang: &str, anchors: Option<AnchorLinks>) -> Options {
        Options {
            smart_punctuation: config.smart_punctuation,
            external_links: ExternalLinks {
                class: config.external_links_class.clone(),
                target_blank: config.external_links_target_blank,
                no_follow: config.external_links_no_follow,
                no_referrer: config.external_links_no_referrer,
                external: config.external_links_external,
            },
            anchors: anchors.unwrap_or(config.insert_anchor_links),
            lang: lang.to_string(),
            table_alignment_classes: config.table_alignment == TableAlignment::Classes,
        }
    }
}

/// Resolves `@/…` content paths (without the anchor) to permalinks.
pub trait LinkResolver {
    fn permalink(&self, rel: &str) -> Option<&str>;
    /// Whether `@/` links it cannot resolve are left as written, for the page the HTML ends
    /// up in to resolve (the `markdown` filter inside a shortcode, before permalinks exist).
    fn defers(&self) -> bool {
        false
    }
}

/// Renders `source`'s body, its shortcode calls with `embeds`; `permalink` is the page's
/// own, for heading links in the `toc`.
pub fn render(
    source: &Source,
    permalink: &str,
    options: &Options,
    links: &dyn LinkResolver,
    embeds: &Embeds<'_>,
    highlighter: Option<&highlight::Highlighter>,
) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
    let mut expanded = may_hold_calls(source.body())
        .then(|| shortcodes::expand(source, embeds))
        .transpose()?;
    let html = expanded.as_mut().map(|e| std::mem::take(&mut e.html));
    let body = match (&expanded, html) {
        (Some(expanded), Some(html)) => events::Body {
            text: &expanded.text,
            html,
            offsets: Some(&expanded.offsets),
        },
        _ => events::Body::of(source),
    };
    let more = may_have_more_marker(body.text);
    let mut events = Events::new(source, body, permalink, options, links);
    events.state.embeds = Some(embeds);
    events.state.highlighter = highlighter;
    let (content, summary) = write_html(&mut events, more);
    let mut state = events.state;
    if !state.errors.is_empty() {
        return Err(state.errors);
    }
    let mut used = expanded
        .as_ref()
        .map(|e| e.used.clone())
        .unwrap_or_default();
    used.append(&mut state.templates_used);
    Ok(RenderedMarkdown {
        content,
        summary,
        toc: state.toc,
        anchors: state.anchors,
        anchor_links: state.anchor_links,
        links: state.targets,
        word_count: count_words(source.body()),
        shortcodes: used,
        context_version: expanded.as_ref().and_then(|e| e.context_version),
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
    use serde_json::Map;
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
            &Options::default(),
            &Links,
            &no_embeds(),
            None,
        )
    }

    fn with_external(body: &str, external: ExternalLinks) -> String {
        let options = Options {
            external_links: external,
            ..Options::default()
        };
        let source = source(body);
        let out = render(&source, "/", &options, &Links, &no_embeds(), None).unwrap();
        out.content
    }

    #[test]
    fn external_links_get_class_rel_and_target_in_zolas_order() {
        let all = ExternalLinks {
            class: Some("ext".into()),
            target_blank: true,
            no_follow: true,
            no_referrer: true,
            external: true,
        };
        assert_eq!(
            with_external("<https://google.com> [x](/local) [y](@/shows/foo.md)", all),
            "<p><a class=\"ext\" rel=\"noopener nofollow noreferrer external\" target=\"_blank\" \
             href=\"https://google.com\">https://google.com</a> <a href=\"/local\">x</a> \
             <a href=\"https://x.org/shows/foo/\">y</a></p>\n"
        );
        let default = ExternalLinks {
            external: true,
            ..ExternalLinks::default()
        };
        assert_eq!(
            with_external("[a](https://a.org \"T&\")", default),
            "<p><a rel=\"external\" href=\"https://a.org\" title=\"T&amp;\">a</a></p>\n"
        );
        assert_eq!(
            with_external("[a](https://a.org)", ExternalLinks::default()),
            "<p><a href=\"https://a.org\">a</a></p>\n"
        );
    }

    fn no_embeds() -> Embeds<'static> {
        Embeds {
            templates: &shortcodes::NoShortcodes,
            context: &Map::new,
        }
    }

    #[test]
    fn unhighlighted_code_blocks_carry_the_language_as_zola_writes_them() {
        let out = md(
            "```rust,linenos,hl_lines=2\nif a < b && c != \"d\" {}\n```\n\n\
                      ```\nplain\n```\n\n    indented\n\n```txt\nnotes\n```\n",
        )
        .unwrap();
        assert_eq!(
            out.content,
            "<pre><code data-lang=\"rust\">if a &lt; b &amp;&amp; c != &quot;d&quot; {}\n</code></pre>\n\
             <pre><code>plain\n</code></pre>\n\
             <pre><code>indented\n</code></pre>\n\
             <pre><code data-lang=\"txt\">notes\n</code></pre>\n"
        );
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
        let out = render(
            &source("\"Hi\" -- there..."),
            "/",
            &Options {
                smart_punctuation: true,
                ..Options::default()
            },
            &Links,
            &no_embeds(),
            None,
        )
        .unwrap();
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
        let highlighter = highlight::Highlighter::new(&config, std::path::Path::new(".")).unwrap();
        let html = |buffered| {
            let body = events::Body::of(&source);
            let options = Options {
                smart_punctuation: true,
                ..Options::default()
            };
            let mut events = Events::new(&source, body, "https://x.org/a/", &options, &Links);
            events.state.highlighter = Some(&highlighter);
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
