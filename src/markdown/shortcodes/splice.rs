//! Puts `.html` shortcode outputs back in place of their placeholders in the parser's events:
//! as raw HTML in text and HTML, as text in code (escaped like the code around it, so a call
//! in a code span or block shows its output and never a placeholder), and without the `<p>` a
//! call alone in its paragraph would get (as Zola does).

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{CLOSE, OPEN};

type Item<'a> = (Event<'a>, Range<usize>);

/// The events of `inner` with every placeholder replaced by its output in `html`.
pub struct Splice<'a, I> {
    inner: I,
    html: Vec<String>,
    ready: VecDeque<Item<'a>>,
    in_code_block: bool,
}

impl<'a, I: Iterator<Item = Item<'a>>> Splice<'a, I> {
    pub fn new(inner: I, html: Vec<String>) -> Self {
        Splice {
            inner,
            html,
            ready: VecDeque::new(),
            in_code_block: false,
        }
    }

    /// The output a text holding only one placeholder stands for.
    fn alone(&self, text: &str) -> Option<&str> {
        let number = text.trim().strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
        self.html
            .get(number.parse::<usize>().ok()?)
            .map(String::as_str)
    }

    /// `text` with each placeholder replaced by its output.
    fn filled(&self, text: CowStr<'a>) -> CowStr<'a> {
        if !text.contains(OPEN) {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        for (part, _) in self.parts(&text) {
            out.push_str(part);
        }
        out.into()
    }

    /// `text` cut into plain parts and outputs, in order.
    fn parts<'t>(&'t self, text: &'t str) -> Vec<(&'t str, bool)> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(OPEN) {
            let after = &rest[open + OPEN.len_utf8()..];
            let output = after.find(CLOSE).and_then(|close| {
                let html = self.html.get(after[..close].parse::<usize>().ok()?)?;
                Some((html, close))
            });
            let Some((html, close)) = output else {
                parts.push((&rest[..open + OPEN.len_utf8()], false));
                rest = after;
                continue;
            };
            if open > 0 {
                parts.push((&rest[..open], false));
            }
            parts.push((html.as_str(), true));
            rest = &after[close + CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            parts.push((rest, false));
        }
        parts
    }

    /// Queues `event` with its placeholders replaced.
    fn push(&mut self, event: Event<'a>, range: Range<usize>) {
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                self.in_code_block = true;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Text(text) if !self.in_code_block && text.contains(OPEN) => {
                let parts: Vec<Event<'a>> = self
                    .parts(&text)
                    .into_iter()
                    .map(|(part, is_output)| {
                        let part = CowStr::from(part.to_string());
                        if is_output {
                            Event::InlineHtml(part)
                        } else {
                            Event::Text(part)
                        }
                    })
                    .collect();
                for part in parts {
                    self.ready.push_back((part, range.clone()));
                }
                return;
            }
            Event::Text(text) => Event::Text(self.filled(text)),
            Event::Code(text) => Event::Code(self.filled(text)),
            Event::Html(text) => Event::Html(self.filled(text)),
            Event::InlineHtml(text) => Event::InlineHtml(self.filled(text)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: self.filled(dest_url),
                title: self.filled(title),
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: self.filled(dest_url),
                title: self.filled(title),
                id,
            }),
            other => other,
        };
        self.ready.push_back((event, range));
    }

    /// A paragraph that holds one placeholder alone becomes its output alone; any other
    /// paragraph passes through.
    fn paragraph(&mut self, start: Item<'a>) {
        let Some(text) = self.inner.next() else {
            self.ready.push_back(start);
            return;
        };
        let output = match &text.0 {
            Event::Text(t) => self.alone(t).map(str::to_string),
            _ => None,
        };
        let end = if output.is_some() {
            self.inner.next()
        } else {
            None
        };
        match (output, end) {
            (Some(output), Some((Event::End(TagEnd::Paragraph), _))) => {
                self.ready.push_back((Event::Html(output.into()), start.1));
            }
            (_, end) => {
                self.ready.push_back(start);
                self.push(text.0, text.1);
                if let Some((event, range)) = end {
                    self.push(event, range);
                }
            }
        }
    }
}

impl<'a, I: Iterator<Item = Item<'a>>> Iterator for Splice<'a, I> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if self.html.is_empty() {
            return self.inner.next();
        }
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            let (event, range) = self.inner.next()?;
            match event {
                Event::Start(Tag::Paragraph) => {
                    self.paragraph((Event::Start(Tag::Paragraph), range));
                }
                event => self.push(event, range),
            }
        }
    }
}
