//! The mapping of pulldown-cmark's events: heading ids and the table of contents (with anchor
//! links where `insert_anchor_links` asks), `@/` links resolved to permalinks, links to other
//! sites marked as `external_links_*` ask, the `<!-- more -->` summary marker, highlighted
//! code blocks, and the rewrites of `rewrites.rs` (the marker as Zola writes it, task-list
//! labels, table alignment classes).

use pulldown_cmark::{
    CodeBlockKind, CowStr, DefaultBrokenLinkCallback, Event, HeadingLevel, OffsetIter,
    Options as Parsing, Parser, Tag, TagEnd,
};

use super::external_links::external_link_tag;
use super::highlight::{self, Highlighter, MissingLanguage};
use super::rewrites::{Rewrites, continue_reading, is_more_marker};
use super::shortcodes::{ANCHOR_TEMPLATE, Embeds, OffsetMap, Splice};
use super::{AnchorLink, ExternalLinks, Heading, LinkResolver, Options};
use crate::config::AnchorLinks;
use crate::content::Source;
use crate::error::{Diagnostic, line_col};

pub(super) struct Events<'a> {
    parser: Splice<'a, OffsetIter<'a, DefaultBrokenLinkCallback>>,
    pub(super) state: State<'a>,
    /// A closed heading's events, handed out before the parser is read again.
    pending: std::vec::IntoIter<Event<'a>>,
}

impl<'a> Events<'a> {
    /// The events of `body` (`source`'s body, or it with its shortcodes expanded: then
    /// `html` holds the outputs its placeholders stand for and `offsets` maps it back).
    pub(super) fn new(
        source: &'a Source,
        body: Body<'a>,
        permalink: &'a str,
        options: &'a Options,
        links: &'a dyn LinkResolver,
    ) -> Self {
        let mut parsing = Parsing::ENABLE_TABLES
            | Parsing::ENABLE_FOOTNOTES
            | Parsing::ENABLE_STRIKETHROUGH
            | Parsing::ENABLE_TASKLISTS
            | Parsing::ENABLE_HEADING_ATTRIBUTES;
        if options.smart_punctuation {
            parsing |= Parsing::ENABLE_SMART_PUNCTUATION;
        }
        let parser = Parser::new_ext(body.text, parsing).into_offset_iter();
        let mut state = State::new(source, permalink, links);
        state.options = options;
        state.rewrites.table_classes = options.table_alignment_classes;
        state.offsets = body.offsets;
        Events {
            parser: Splice::new(parser, body.html),
            state,
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
            if is_code_start(&event) {
                self.state.has_code = true;
            }
            // Most events pass through untouched: skip the mapping's moves for them.
            if self.state.heading.is_none()
                && self.state.code.is_none()
                && !is_mapped(&event)
                && !self.state.rewrites.wants(&event)
                && !is_code_start(&event)
            {
                self.state.emitted += 1;
                return Some(event);
            }
            let start = match self.state.offsets {
                Some(offsets) => offsets.original(range.start),
                None => range.start,
            };
            let offset = self.state.source.body_offset + start;
            match self.state.event(event, offset) {
                Mapped::Event(event) => {
                    self.state.emitted += 1;
                    return Some(event);
                }
                Mapped::Many(events) => self.pending = events.into_iter(),
                Mapped::Held => {}
            }
        }
    }
}

/// The Markdown text events are made from.
pub(super) struct Body<'a> {
    pub(super) text: &'a str,
    pub(super) html: Vec<String>,
    pub(super) offsets: Option<&'a OffsetMap>,
}

impl<'a> Body<'a> {
    /// A source's body as written.
    pub(super) fn of(source: &'a Source) -> Self {
        Body {
            text: source.body(),
            html: Vec::new(),
            offsets: None,
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

/// Whether `event` opens a code block (always mapped: highlighted, or written as Zola does).
fn is_code_start(event: &Event<'_>) -> bool {
    matches!(event, Event::Start(Tag::CodeBlock(_)))
}

/// A code block being collected until its end, to be highlighted whole.
struct OpenCode {
    info: String,
    text: String,
    /// Where it starts in the file, for messages.
    offset: usize,
}

/// What one parser event becomes.
enum Mapped<'a> {
    Event(Event<'a>),
    /// Kept inside the heading being collected.
    Held,
    /// Several events: a whole heading, now that its id is known, or what a rewrite put
    /// before an event.
    Many(Vec<Event<'a>>),
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

static NO_OPTIONS: Options = Options {
    smart_punctuation: false,
    external_links: ExternalLinks {
        class: None,
        target_blank: false,
        no_follow: false,
        no_referrer: false,
        external: false,
    },
    anchors: AnchorLinks::None,
    lang: String::new(),
    table_alignment_classes: false,
};

pub(super) struct State<'a> {
    pub(super) source: &'a Source,
    options: &'a Options,
    /// What anchor links are rendered with.
    pub(super) embeds: Option<&'a Embeds<'a>>,
    /// The templates rendered for this body besides shortcodes (the anchor link's).
    pub(super) templates_used: Vec<(String, u64)>,
    offsets: Option<&'a OffsetMap>,
    permalink: &'a str,
    links: &'a dyn LinkResolver,
    heading: Option<OpenHeading<'a>>,
    /// Events handed to the HTML writer so far: where a summary cut falls.
    emitted: usize,
    pub(super) summary_cut: Option<usize>,
    lines: LineCursor,
    pub(super) toc: Vec<Heading>,
    pub(super) anchors: Vec<String>,
    pub(super) anchor_links: Vec<AnchorLink>,
    pub(super) targets: Vec<String>,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<String>,
    /// Whether the body has a code block (its HTML then depends on the highlighting settings).
    pub(super) has_code: bool,
    pub(super) highlighter: Option<&'a Highlighter>,
    code: Option<OpenCode>,
    rewrites: Rewrites,
}

impl<'a> State<'a> {
    fn new(source: &'a Source, permalink: &'a str, links: &'a dyn LinkResolver) -> Self {
        State {
            source,
            options: &NO_OPTIONS,
            embeds: None,
            templates_used: Vec::new(),
            offsets: None,
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
            warnings: Vec::new(),
            has_code: false,
            highlighter: None,
            code: None,
            rewrites: Rewrites::default(),
        }
    }

    /// Maps one event; `offset` is its byte position in the whole file, for error lines.
    fn event(&mut self, event: Event<'a>, offset: usize) -> Mapped<'a> {
        let (before, event) = self.rewrites.rewrite(event);
        let mapped = self.map(event, offset);
        let Some(before) = before else {
            return mapped;
        };
        match mapped {
            Mapped::Event(event) => Mapped::Many(vec![before, event]),
            Mapped::Held => Mapped::Many(vec![before]),
            Mapped::Many(mut events) => {
                events.insert(0, before);
                Mapped::Many(events)
            }
        }
    }

    fn map(&mut self, event: Event<'a>, offset: usize) -> Mapped<'a> {
        let event = match self.code(event, offset) {
            Ok(held) => return held,
            Err(event) => event,
        };
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let inner = Vec::new();
                let text = String::new();
                let heading = OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    inner,
                    text,
                };
                self.heading = Some(heading);
                return Mapped::Held;
            }
            Event::End(TagEnd::Heading(_)) => return self.close_heading(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                },
                offset,
            ),
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
                continue_reading(&event)
            }
            // `@/` links a shortcode's `markdown` filter left for the page to resolve.
            Event::Html(html) if html.contains("href=\"@/") => {
                Event::Html(self.resolve_in_html(html, offset))
            }
            Event::InlineHtml(html) if html.contains("href=\"@/") => {
                Event::InlineHtml(self.resolve_in_html(html, offset))
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

    /// A code block, held while it is open: `Ok` with what the event became, or `Err` with
    /// the event to map as any other.
    fn code(&mut self, event: Event<'a>, offset: usize) -> Result<Mapped<'a>, Event<'a>> {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let text = String::new();
                self.code = Some(OpenCode { info, text, offset });
                Ok(Mapped::Held)
            }
            Event::Text(text) if self.code.is_some() => {
                if let Some(code) = &mut self.code {
                    code.text.push_str(&text);
                }
                Ok(Mapped::Held)
            }
            Event::End(TagEnd::CodeBlock) if self.code.is_some() => match self.close_code() {
                Some(html) => Err(Event::Html(html.into())),
                None => Ok(Mapped::Held),
            },
            other => Err(other),
        }
    }

    /// A link's opening `tag` with its `@/` target resolved, or the tag `external_links_*`
    /// ask for when it leads to another site.
    fn link(&mut self, tag: Tag<'a>, offset: usize) -> Event<'a> {
        let Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } = tag
        else {
            return Event::Start(tag);
        };
        // `@/` links are the site's own, whatever permalink they resolve to.
        let internal = dest_url.starts_with("@/");
        let dest_url = self.resolve(dest_url, offset);
        let external = &self.options.external_links;
        match (!internal)
            .then(|| external_link_tag(external, &dest_url, &title))
            .flatten()
        {
            Some(tag) => Event::InlineHtml(tag.into()),
            None => Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }),
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
        self.insert_anchor(&mut heading.inner, &id, level);
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
        Mapped::Many(heading.inner)
    }

    /// Puts the `anchor-link.html` template's link into a heading's `inner` events where
    /// `insert_anchor_links` says: first, last, or (`heading`) its opening tag around them all.
    fn insert_anchor(&mut self, inner: &mut Vec<Event<'a>>, id: &str, level: u32) {
        let placement = self.options.anchors;
        let Some(embeds) = self.embeds.filter(|_| placement != AnchorLinks::None) else {
            return;
        };
        let mut context = serde_json::Map::new();
        context.insert("id".into(), id.into());
        context.insert("level".into(), level.into());
        context.insert("lang".into(), self.options.lang.clone().into());
        let link = match embeds.templates.anchor_link(context) {
            Ok(link) => link,
            Err(error) => {
                self.errors.push(error);
                return;
            }
        };
        if self.templates_used.is_empty() {
            let version = embeds
                .templates
                .version(ANCHOR_TEMPLATE)
                .unwrap_or_default();
            self.templates_used
                .push((ANCHOR_TEMPLATE.to_string(), version));
        }
        match placement {
            AnchorLinks::Left => inner.insert(0, Event::InlineHtml(link.into())),
            AnchorLinks::Right => inner.push(Event::InlineHtml(link.into())),
            AnchorLinks::Heading => {
                let open = link.find('>').map_or(link.as_str(), |end| &link[..=end]);
                inner.insert(0, Event::InlineHtml(open.to_string().into()));
                inner.push(Event::InlineHtml("</a>".into()));
            }
            AnchorLinks::None => {}
        }
    }

    /// `html` with each `href="@/…"` resolved as a Markdown link is.
    fn resolve_in_html(&mut self, html: CowStr<'a>, offset: usize) -> CowStr<'a> {
        let mut out = String::with_capacity(html.len());
        let mut rest: &str = &html;
        while let Some(at) = rest.find("href=\"@/") {
            let start = at + "href=\"".len();
            let Some(len) = rest[start..].find('"') else {
                break;
            };
            out.push_str(&rest[..start]);
            let url = CowStr::from(rest[start..start + len].to_string());
            out.push_str(&self.resolve(url, offset));
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        out.into()
    }

    /// The open code block, highlighted; a language no grammar knows is a warning, or an
    /// error at the block's line with `error_on_missing_language`.
    fn close_code(&mut self) -> Option<String> {
        let code = self.code.take()?;
        let Some(highlighter) = self.highlighter else {
            return Some(highlight::plain_block(&code.info, &code.text));
        };
        let line = self.lines.line_at(&self.source.text, code.offset);
        match highlighter.highlight(&code.info, &code.text) {
            Ok(highlighted) => {
                if let Some(lang) = highlighted.missing {
                    let at = format!("{}:{line}", self.source.file.display());
                    self.warnings.push(format!(
                        "{at}: no grammar for the language `{lang}`; the code block is shown as plain text"
                    ));
                }
                Some(highlighted.html)
            }
            Err(MissingLanguage(lang)) => {
                let message = format!(
                    "no grammar for the language `{lang}` of this code block (error_on_missing_language is on); fix the name or remove it"
                );
                let file = &self.source.file;
                self.errors.push(Diagnostic::at(file, line, None, message));
                None
            }
        }
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
            None if self.links.defers() => url,
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
