//! HTML pulldown-cmark's writer gets wrong for accessibility and strict security policies:
//! task-list checkboxes without a label, and table alignment as inline `style` attributes
//! (blocked by a Content-Security-Policy without `'unsafe-inline'`), which become classes
//! when `[markdown] table_alignment = "classes"` asks; and the `<!-- more -->` comment, which
//! Zola writes as an empty anchor.

use pulldown_cmark::{Alignment, CowStr, Event, Tag, TagEnd};

/// The rewriting of one body's events; `State::event` hands it each event first.
#[derive(Debug, Default)]
pub(super) struct Rewrites {
    /// Whether alignments become `align-*` classes.
    pub(super) table_classes: bool,
    /// Whether a task-list item's `<label>` is open, waiting for the end of the item's text.
    label_open: bool,
    /// The table being written, while its alignments become classes.
    table: Option<TableCursor>,
}

/// Where the writer is in a table whose alignments become classes.
#[derive(Debug)]
struct TableCursor {
    alignments: Vec<Alignment>,
    cell: usize,
    head: bool,
}

impl Rewrites {
    /// Whether `event` may be rewritten: the events of most bodies skip the mapping.
    pub(super) fn wants(&self, event: &Event<'_>) -> bool {
        self.label_open
            || matches!(event, Event::TaskListMarker(_))
            || (self.table_classes && matches!(event, Event::Start(Tag::Table(_))))
            || self.table.is_some()
    }

    /// `event` as it is written, and the `</label>` to write before it when it ends the text
    /// of a task-list item.
    pub(super) fn rewrite<'a>(&mut self, event: Event<'a>) -> (Option<Event<'a>>, Event<'a>) {
        let close = (self.label_open && ends_label(&event)).then(|| {
            self.label_open = false;
            Event::InlineHtml("</label>".into())
        });
        let event = match event {
            // The checkbox inside a label holding the item's text: its accessible name.
            Event::TaskListMarker(checked) => {
                self.label_open = true;
                let checked = if checked { " checked=\"\"" } else { "" };
                let html = format!("<label><input disabled=\"\" type=\"checkbox\"{checked}/>\n");
                Event::InlineHtml(html.into())
            }
            event => self.table_event(event),
        };
        (close, event)
    }

    /// A table event with the cell alignments as classes, when they become classes.
    fn table_event<'a>(&mut self, event: Event<'a>) -> Event<'a> {
        if let Event::Start(Tag::Table(alignments)) = event {
            if !self.table_classes {
                return Event::Start(Tag::Table(alignments));
            }
            // The writer sees no alignment, so it writes no `style`; the cells get classes.
            let none = vec![Alignment::None; alignments.len()];
            let head = false;
            let cell = 0;
            self.table = Some(TableCursor {
                alignments,
                cell,
                head,
            });
            return Event::Start(Tag::Table(none));
        }
        let Some(table) = &mut self.table else {
            return event;
        };
        match &event {
            Event::Start(Tag::TableHead) => (table.head, table.cell) = (true, 0),
            Event::End(TagEnd::TableHead) => table.head = false,
            Event::Start(Tag::TableRow) => table.cell = 0,
            Event::End(TagEnd::TableCell) => table.cell += 1,
            Event::End(TagEnd::Table) => self.table = None,
            Event::Start(Tag::TableCell) => {
                if let Some(class) = align_class(table.alignments.get(table.cell)) {
                    let name = if table.head { "th" } else { "td" };
                    let html = format!("<{name} class=\"{class}\">");
                    return Event::InlineHtml(CowStr::from(html));
                }
            }
            _ => {}
        }
        event
    }
}

/// What `<!-- more -->` becomes, as in Zola: an anchor a "read more" link can point at.
const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>";

/// Whether `html` is the `<!-- more -->` summary marker.
pub(super) fn is_more_marker(html: &str) -> bool {
    // Stripped, not sliced: `<!-->` is a whole comment whose ends overlap.
    html.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inside| inside.trim() == "more")
}

/// The marker `event` as written: Zola's anchor, inline where the marker was inline.
pub(super) fn continue_reading<'a>(event: &Event<'_>) -> Event<'a> {
    match event {
        Event::InlineHtml(_) => Event::InlineHtml(CONTINUE_READING.into()),
        _ => Event::Html(CONTINUE_READING.into()),
    }
}

/// The class of an aligned column (`None` for a column without alignment).
fn align_class(alignment: Option<&Alignment>) -> Option<&'static str> {
    match alignment? {
        Alignment::Left => Some("align-left"),
        Alignment::Center => Some("align-center"),
        Alignment::Right => Some("align-right"),
        Alignment::None => None,
    }
}

/// Whether `event` ends a task-list item's own text: the item's end, its paragraph's end (a
/// loose list), or any block inside the item (a nested list, a code block).
fn ends_label(event: &Event<'_>) -> bool {
    match event {
        Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Rule => true,
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_more_marker_is_recognised_and_short_comments_are_not_sliced() {
        for marker in ["<!-- more -->", "<!--more-->\n", "  <!--  more -->"] {
            assert!(is_more_marker(marker), "{marker:?}");
        }
        for other in ["<!-->", "<!--->", "<!-- more", "<!-- less -->", "more"] {
            assert!(!is_more_marker(other), "{other:?}");
        }
    }
}
