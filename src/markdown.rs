//! Markdown to HTML with pulldown-cmark, mapping its events for heading ids, `@/` links and summaries.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::error::{Diagnostic, line_col};
use crate::load::Source;

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
pub struct Rendered {
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
}

/// Resolves `@/…` content paths (without the anchor) to permalinks.
pub trait LinkResolver {
    fn permalink(&self, rel: &str) -> Option<&str>;
}

/// Renders `source`'s body; `permalink` is the page's own, for heading links in the `toc`.
pub fn render(
    source: &Source,
    permalink: &str,
    smart_punctuation: bool,
    links: &dyn LinkResolver,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let body = source.body();
    let mut state = State {
        source: Some(source),
        permalink,
        links: Some(links),
        ..State::default()
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        state.event(event, source.body_offset + range.start);
    }
    if !state.errors.is_empty() {
        return Err(state.errors);
    }
    let mut content = String::with_capacity(body.len() * 3 / 2);
    let summary = state.summary_cut.map(|cut| {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, state.events[..cut].iter().cloned());
        summary
    });
    pulldown_cmark::html::push_html(&mut content, state.events.into_iter());
    Ok(Rendered {
        content,
        summary,
        toc: state.toc,
        anchors: state.anchors,
        anchor_links: state.anchor_links,
        links: state.targets,
        word_count: count_words(body),
    })
}

/// Counts words as Zola does, roughly: runs of text holding at least one letter or digit.
pub fn count_words(text: &str) -> usize {
    // ASCII tokens are decided byte by byte; only tokens with other characters pay for
    // Unicode (which may also split them further on Unicode spaces).
    text.split_ascii_whitespace()
        .map(|token| {
            if token.is_ascii() {
                usize::from(token.bytes().any(|b| b.is_ascii_alphanumeric()))
            } else {
                token
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count()
            }
        })
        .sum()
}

/// A heading being collected until its end, so its id can come from its text.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    inner: Vec<Event<'a>>,
    text: String,
}

#[derive(Default)]
struct State<'a, 's> {
    source: Option<&'s Source>,
    permalink: &'s str,
    links: Option<&'s dyn LinkResolver>,
    events: Vec<Event<'a>>,
    heading: Option<OpenHeading<'a>>,
    summary_cut: Option<usize>,
    toc: Vec<Heading>,
    anchors: Vec<String>,
    anchor_links: Vec<AnchorLink>,
    targets: Vec<String>,
    errors: Vec<Diagnostic>,
}

impl<'a, 's> State<'a, 's> {
    /// Maps one event; `offset` is its byte position in the whole file, for error lines.
    fn event(&mut self, event: Event<'a>, offset: usize) {
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.heading = Some(OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    inner: Vec::new(),
                    text: String::new(),
                });
                return;
            }
            Event::End(TagEnd::Heading(_)) => return self.close_heading(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.resolve(dest_url, offset);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.resolve(dest_url, offset);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) if is_more_marker(html) => {
                self.summary_cut.get_or_insert(self.events.len());
                event
            }
            other => other,
        };
        match &mut self.heading {
            Some(heading) => {
                if let Event::Text(text) | Event::Code(text) = &event {
                    heading.text.push_str(text);
                }
                heading.inner.push(event);
            }
            None => self.events.push(event),
        }
    }

    fn close_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let wanted = heading
            .id
            .as_deref()
            .map_or_else(|| slug::slugify(&heading.text), str::to_string);
        let id = unique_id(
            &self.anchors,
            if wanted.is_empty() {
                "heading".into()
            } else {
                wanted
            },
        );
        self.anchors.push(id.clone());
        let level = heading.level as u32;
        let entry = Heading {
            level,
            permalink: format!("{}#{}", self.permalink, id),
            title: heading.text.trim().to_string(),
            id: id.clone(),
            children: Vec::new(),
        };
        insert_heading(&mut self.toc, entry);
        let tag = Tag::Heading {
            level: heading.level,
            id: Some(id.into()),
            classes: heading.classes,
            attrs: heading.attrs,
        };
        self.events.push(Event::Start(tag));
        self.events.extend(heading.inner);
        self.events.push(Event::End(TagEnd::Heading(heading.level)));
    }

    /// Turns `@/file.md#anchor` into a permalink; a missing target is an error at its line.
    fn resolve(&mut self, url: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let Some(rest) = url.strip_prefix("@/") else {
            return url;
        };
        let (target, anchor) = rest
            .split_once('#')
            .map_or((rest, None), |(t, a)| (t, Some(a)));
        let (Some(source), Some(links)) = (self.source, self.links) else {
            return url;
        };
        let (line, column) = line_col(&source.text, offset);
        match links.permalink(target) {
            Some(permalink) => {
                self.targets.push(target.to_string());
                if let Some(anchor) = anchor {
                    let target = target.to_string();
                    self.anchor_links.push(AnchorLink {
                        target,
                        anchor: anchor.to_string(),
                        line,
                    });
                    format!("{permalink}#{anchor}").into()
                } else {
                    permalink.to_string().into()
                }
            }
            None => {
                let message = format!(
                    "broken internal link `{url}`: there is no content/{target} (or it is a draft); link to an existing .md file"
                );
                self.errors
                    .push(Diagnostic::at(&source.file, line, Some(column), message));
                url
            }
        }
    }
}

fn is_more_marker(html: &str) -> bool {
    let html = html.trim();
    html.starts_with("<!--") && html.ends_with("-->") && html[4..html.len() - 3].trim() == "more"
}

/// `wanted`, or `wanted-1`, `wanted-2`… if already taken on this page (Zola's scheme).
fn unique_id(taken: &[String], wanted: String) -> String {
    if !taken.contains(&wanted) {
        return wanted;
    }
    (1..)
        .map(|n| format!("{wanted}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or(wanted)
}

/// Nests `heading` under the last heading of a smaller level, as a table of contents does.
fn insert_heading(toc: &mut Vec<Heading>, heading: Heading) {
    match toc.last_mut() {
        Some(last) if last.level < heading.level => insert_heading(&mut last.children, heading),
        _ => toc.push(heading),
    }
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

    fn md(body: &str) -> Result<Rendered, Vec<Diagnostic>> {
        render(&source(body), "https://x.org/a/", false, &Links)
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
        let out = md("First *para*.\n\n<!-- more -->\n\nRest.\n").unwrap();
        assert_eq!(
            out.summary.as_deref(),
            Some("<p>First <em>para</em>.</p>\n")
        );
        assert!(out.content.contains("Rest."));
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
        let out = render(&source("\"Hi\" -- there..."), "/", true, &Links).unwrap();
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
}
