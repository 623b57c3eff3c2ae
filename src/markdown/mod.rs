//! Markdown to HTML with pulldown-cmark, mapping its events for heading ids, `@/` links and summaries.

pub mod cache;

pub use cache::Body;

use pulldown_cmark::{
    CowStr, DefaultBrokenLinkCallback, Event, HeadingLevel, OffsetIter, Options, Parser, Tag,
    TagEnd,
};
use serde::Serialize;

use crate::content::Source;
use crate::error::{Diagnostic, line_col};

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
) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
    let mut events = Events::new(source, permalink, smart_punctuation, links);
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
struct Events<'a> {
    parser: OffsetIter<'a, DefaultBrokenLinkCallback>,
    state: State<'a>,
    /// A closed heading's events, handed out before the parser is read again.
    pending: std::vec::IntoIter<Event<'a>>,
}

impl<'a> Events<'a> {
    fn new(
        source: &'a Source,
        permalink: &'a str,
        smart_punctuation: bool,
        links: &'a dyn LinkResolver,
    ) -> Self {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        Events {
            parser: Parser::new_ext(source.body(), options).into_offset_iter(),
            state: State::new(source, permalink, links),
            pending: Vec::new().into_iter(),
        }
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.pending.next() {
                self.state.emitted += 1;
                return Some(event);
            }
            let (event, range) = self.parser.next()?;
            // Most events pass through untouched: skip the mapping's moves for them.
            if self.state.heading.is_none() && !is_mapped(&event) {
                self.state.emitted += 1;
                return Some(event);
            }
            let offset = self.state.source.body_offset + range.start;
            match self.state.event(event, offset) {
                Mapped::Event(event) => {
                    self.state.emitted += 1;
                    return Some(event);
                }
                Mapped::Heading(events) => self.pending = events.into_iter(),
                Mapped::Held => {}
            }
        }
    }
}

/// Whether `State::event` changes or watches this event outside a heading.
fn is_mapped(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Heading { .. } | Tag::Link { .. } | Tag::Image { .. })
            | Event::Html(_)
            | Event::InlineHtml(_)
    )
}

/// What one parser event becomes.
enum Mapped<'a> {
    Event(Event<'a>),
    /// Kept inside the heading being collected.
    Held,
    /// A whole heading, now that its id is known.
    Heading(Vec<Event<'a>>),
}

/// Counts words as Zola does, roughly: runs of text holding at least one letter or digit.
pub fn count_words(text: &str) -> usize {
    words::count(text)
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

struct State<'a> {
    source: &'a Source,
    permalink: &'a str,
    links: &'a dyn LinkResolver,
    heading: Option<OpenHeading<'a>>,
    /// Events handed to the HTML writer so far: where a summary cut falls.
    emitted: usize,
    summary_cut: Option<usize>,
    lines: LineCursor,
    toc: Vec<Heading>,
    anchors: Vec<String>,
    anchor_links: Vec<AnchorLink>,
    targets: Vec<String>,
    errors: Vec<Diagnostic>,
}

impl<'a> State<'a> {
    fn new(source: &'a Source, permalink: &'a str, links: &'a dyn LinkResolver) -> Self {
        State {
            source,
            permalink,
            links,
            heading: None,
            emitted: 0,
            summary_cut: None,
            lines: LineCursor::default(),
            toc: Vec::new(),
            anchors: Vec::new(),
            anchor_links: Vec::new(),
            targets: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Maps one event; `offset` is its byte position in the whole file, for error lines.
    fn event(&mut self, event: Event<'a>, offset: usize) -> Mapped<'a> {
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
                return Mapped::Held;
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
                self.summary_cut.get_or_insert(self.emitted);
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
                Mapped::Held
            }
            None => Mapped::Event(event),
        }
    }

    fn close_heading(&mut self) -> Mapped<'a> {
        let Some(mut heading) = self.heading.take() else {
            return Mapped::Held;
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
        // The heading's own events become the whole heading: one allocation per heading.
        heading.inner.insert(0, Event::Start(tag));
        heading
            .inner
            .push(Event::End(TagEnd::Heading(heading.level)));
        Mapped::Heading(heading.inner)
    }

    /// Turns `@/file.md#anchor` into a permalink; a missing target is an error at its line.
    fn resolve(&mut self, url: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let Some(rest) = url.strip_prefix("@/") else {
            return url;
        };
        let (target, anchor) = rest
            .split_once('#')
            .map_or((rest, None), |(t, a)| (t, Some(a)));
        match self.links.permalink(target) {
            Some(permalink) => {
                self.targets.push(target.to_string());
                if let Some(anchor) = anchor {
                    self.anchor_links.push(AnchorLink {
                        target: target.to_string(),
                        anchor: anchor.to_string(),
                        line: self.lines.line_at(&self.source.text, offset),
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
                let (line, column) = line_col(&self.source.text, offset);
                let file = &self.source.file;
                self.errors
                    .push(Diagnostic::at(file, line, Some(column), message));
                url
            }
        }
    }
}

/// The line of a byte offset, counted on from the last one asked for: links come in file
/// order, so a page's lines are counted once however many anchor links it has.
#[derive(Debug, Default)]
struct LineCursor {
    offset: usize,
    /// Newlines before `offset`.
    newlines: usize,
}

impl LineCursor {
    /// The 1-based line of `offset` in `text`.
    fn line_at(&mut self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let (low, high) = (self.offset.min(offset), self.offset.max(offset));
        let between = text.as_bytes()[low..high]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        if offset >= self.offset {
            self.newlines += between;
        } else {
            self.newlines -= between;
        }
        self.offset = offset;
        self.newlines + 1
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

/// Word counting, 64 bytes at a time while the text is ASCII (most Markdown is).
mod words {
    /// Words split on Unicode white space that hold a Unicode letter or digit, as
    /// `text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()`.
    pub fn count(text: &str) -> usize {
        let (blocks, rest) = text.as_bytes().as_chunks::<64>();
        let mut words = 0;
        // Whether the last space or letter/digit seen is a space: the next letter starts a word.
        let mut after_space = true;
        for (n, block) in blocks.iter().enumerate() {
            match Masks::of(block) {
                Some(masks) => words += masks.words(&mut after_space),
                None => return words + count_from(text, n * 64, !after_space),
            }
        }
        // Zero bytes are neither spaces nor letters, so padding changes no count.
        let mut last = [0; 64];
        last[..rest.len()].copy_from_slice(rest);
        match Masks::of(&last) {
            Some(masks) => words + masks.words(&mut after_space),
            None => words + count_from(text, blocks.len() * 64, !after_space),
        }
    }

    /// One bit per byte of a 64-byte ASCII block.
    struct Masks {
        alnum: u64,
        space: u64,
    }

    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;

    impl Masks {
        /// The masks of `block`, or `None` if it holds a non-ASCII byte.
        fn of(block: &[u8; 64]) -> Option<Masks> {
            let mut masks = Masks { alnum: 0, space: 0 };
            for (i, word) in block.as_chunks::<8>().0.iter().enumerate() {
                let x = u64::from_le_bytes(*word);
                if x & HIGH != 0 {
                    return None;
                }
                // Setting bit 5 turns A-Z into a-z and no other byte into a letter.
                let alnum = in_range(x, b'0', b'9') | in_range(x | (0x20 * ONES), b'a', b'z');
                // The ASCII characters Unicode calls white space: tab to carriage return, space.
                let space = in_range(x, b'\t', b'\r') | in_range(x, b' ', b' ');
                masks.alnum |= pack(alnum) << (8 * i);
                masks.space |= pack(space) << (8 * i);
            }
            Some(masks)
        }

        /// Words whose first letter or digit is in this block.
        fn words(&self, after_space: &mut bool) -> usize {
            // A letter starts a word when the closest space or letter before it is a space.
            // Adding a one just after each space carries through the bytes that are neither
            // and lands on that closest byte after the space.
            let neither = !(self.alnum | self.space);
            let after_spaces = (self.space << 1) | u64::from(*after_space);
            let (sum, carried_out) = neither.overflowing_add(after_spaces);
            let landed = sum & !neither;
            *after_space = carried_out || self.space >> 63 == 1;
            (landed & self.alnum).count_ones() as usize
        }
    }

    /// 0x80 in each byte of `x` (ASCII bytes only) that lies in `low..=high`, else 0.
    fn in_range(x: u64, low: u8, high: u8) -> u64 {
        let at_least_low = x.wrapping_add((0x80 - u64::from(low)) * ONES);
        let above_high = x.wrapping_add((0x7f - u64::from(high)) * ONES);
        at_least_low & !above_high & HIGH
    }

    /// The high bit of each byte of `x`, packed into 8 bits (byte 0 to bit 0).
    fn pack(x: u64) -> u64 {
        (x >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
    }

    /// Counts from byte `start` (just after a block) one byte at a time; `counted` says if
    /// the word running at `start` was already counted.
    fn count_from(text: &str, start: usize, mut counted: bool) -> usize {
        let bytes = text.as_bytes();
        let mut words = 0;
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii() {
                // The whole token goes to the Unicode rule, taking back what it counted.
                let from = bytes[..i]
                    .iter()
                    .rposition(|&b| is_space(b))
                    .map_or(0, |n| n + 1);
                let to = bytes[i..]
                    .iter()
                    .position(|&b| is_space(b))
                    .map_or(bytes.len(), |n| i + n);
                words += unicode_words(&text[from..to]);
                words -= usize::from(counted);
                counted = false;
                i = to;
                continue;
            }
            let alnum = b.is_ascii_alphanumeric();
            words += usize::from(alnum && !counted);
            counted = (counted || alnum) && !is_space(b);
            i += 1;
        }
        words
    }

    /// Whether an ASCII byte is Unicode white space.
    fn is_space(b: u8) -> bool {
        matches!(b, b'\t'..=b'\r' | b' ')
    }

    /// Words of a token holding non-ASCII text: Unicode spaces split it, Unicode letters count.
    fn unicode_words(token: &str) -> usize {
        token
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
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

    fn md(body: &str) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
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
        let html = |buffered| {
            let mut events = Events::new(&source, "https://x.org/a/", true, &Links);
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

    #[test]
    fn line_cursor_counts_back_as_well_as_forward() {
        let text = "a\nb\nc\nd\n";
        let mut lines = LineCursor::default();
        assert_eq!(lines.line_at(text, 6), 4);
        assert_eq!(lines.line_at(text, 2), 2);
        assert_eq!(lines.line_at(text, 0), 1);
        assert_eq!(lines.line_at(text, 99), 5);
    }
}
