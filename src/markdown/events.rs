//! The mapping of pulldown-cmark's events: heading ids and the table of contents, `@/` links
//! resolved to permalinks, the `<!-- more -->` summary marker, and highlighted code blocks.

use pulldown_cmark::{
    CodeBlockKind, CowStr, DefaultBrokenLinkCallback, Event, HeadingLevel, OffsetIter, Options,
    Parser, Tag, TagEnd,
};

use super::highlight::{Highlighter, MissingLanguage};
use super::{AnchorLink, Heading, LinkResolver, Settings};
use crate::content::Source;
use crate::error::{Diagnostic, line_col};

pub(super) struct Events<'a> {
    parser: OffsetIter<'a, DefaultBrokenLinkCallback>,
    pub(super) state: State<'a>,
    /// A closed heading's events, handed out before the parser is read again.
    pending: std::vec::IntoIter<Event<'a>>,
}

impl<'a> Events<'a> {
    pub(super) fn new(
        source: &'a Source,
        permalink: &'a str,
        settings: Settings<'a>,
        links: &'a dyn LinkResolver,
    ) -> Self {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if settings.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        let mut state = State::new(source, permalink, links);
        state.highlighter = settings.highlighter;
        Events {
            parser: Parser::new_ext(source.body(), options).into_offset_iter(),
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
                && !(self.state.highlighter.is_some() && is_code_start(&event))
            {
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

/// Whether `event` opens a code block (mapped when highlighting).
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
    /// A whole heading, now that its id is known.
    Heading(Vec<Event<'a>>),
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

pub(super) struct State<'a> {
    pub(super) source: &'a Source,
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
    highlighter: Option<&'a Highlighter>,
    code: Option<OpenCode>,
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
            warnings: Vec::new(),
            has_code: false,
            highlighter: None,
            code: None,
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
            Event::Start(Tag::CodeBlock(kind)) if self.highlighter.is_some() => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let text = String::new();
                self.code = Some(OpenCode { info, text, offset });
                return Mapped::Held;
            }
            Event::Text(text) if self.code.is_some() => {
                if let Some(code) = &mut self.code {
                    code.text.push_str(&text);
                }
                return Mapped::Held;
            }
            Event::End(TagEnd::CodeBlock) if self.code.is_some() => match self.close_code() {
                Some(html) => Event::Html(html.into()),
                None => return Mapped::Held,
            },
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

    /// The open code block, highlighted; a language no grammar knows is a warning, or an
    /// error at the block's line with `error_on_missing_language`.
    fn close_code(&mut self) -> Option<String> {
        let code = self.code.take()?;
        let highlighter = self.highlighter?;
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
