//! Finds shortcode calls in a Markdown body, as Zola's grammar does: `{{ name(args) }}`,
//! `{% name(args) %}body{% end %}` (nested bodies included), and the escapes `{{/* … */}}`,
//! `{%/* … */%}` that show a call as text. Anything else that looks alike stays text.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

/// One part of a scanned text, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    /// Text as written.
    Text(&'a str),
    /// An escaped call, with its escape markers taken off.
    Escaped(String),
    Call(Call<'a>),
}

/// One shortcode call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    pub args: Map<String, Value>,
    /// The body of a `{% … %}` call, trimmed, as pieces (it may hold calls of its own).
    pub body: Option<Vec<Piece<'a>>>,
    /// Where the call starts and ends in the scanned text (byte offsets).
    pub start: usize,
    pub end: usize,
    /// How many calls of this name came before it in the file, plus one.
    pub nth: usize,
}

/// A call the scanner could not accept: a body never closed, or an `end` with no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: String,
}

/// The pieces of `text`. Fails only on a body call without `{% end %}` or the reverse.
pub fn scan(text: &str) -> Result<Vec<Piece<'_>>, ScanError> {
    let mut scanner = Scanner {
        text,
        counts: HashMap::new(),
    };
    scanner.pieces(0, text.len())
}

/// Whether `text` may hold a call or an escape at all: the cheap check before scanning.
pub fn may_hold_calls(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

struct Scanner<'a> {
    text: &'a str,
    counts: HashMap<&'a str, usize>,
}

/// What one opening `{{` or `{%` turned out to be.
enum Found<'a> {
    /// A piece (or pieces) ending at the offset.
    Pieces(Vec<Piece<'a>>, usize),
    /// Nothing: the opening is text.
    Text,
}

impl<'a> Scanner<'a> {
    /// The pieces of `text[from..to]`.
    fn pieces(&mut self, from: usize, to: usize) -> Result<Vec<Piece<'a>>, ScanError> {
        let mut pieces = Vec::new();
        let (mut text_start, mut at) = (from, from);
        while let Some(found) = self.text[at..to].find('{') {
            let open = at + found;
            match self.opening(open, to)? {
                Found::Pieces(found, end) => {
                    if text_start < open {
                        pieces.push(Piece::Text(&self.text[text_start..open]));
                    }
                    pieces.extend(found);
                    (text_start, at) = (end, end);
                }
                Found::Text => at = open + 1,
            }
        }
        if text_start < to {
            pieces.push(Piece::Text(&self.text[text_start..to]));
        }
        Ok(pieces)
    }

    /// What starts at `open` (a `{`), looking no further than `to`.
    fn opening(&mut self, open: usize, to: usize) -> Result<Found<'a>, ScanError> {
        let rest = &self.text[open..to];
        if rest.starts_with("{{/*") {
            return Ok(self.escaped(open, to, "{{/*", "*/}}"));
        }
        if rest.starts_with("{%/*") {
            return Ok(self.escaped_body(open, to));
        }
        if rest.starts_with("{{") {
            return Ok(match self.call(open + 2, to, "}}") {
                Some((name, args, end)) => {
                    let nth = self.count(name);
                    let call = Call {
                        name,
                        args,
                        body: None,
                        start: open,
                        end,
                        nth,
                    };
                    Found::Pieces(vec![Piece::Call(call)], end)
                }
                None => Found::Text,
            });
        }
        if rest.starts_with("{%") {
            if self.end_tag(open, to, "{%", "%}").is_some() {
                return Err(ScanError {
                    offset: open,
                    message: "`{% end %}` closes no shortcode: open one with `{% name() %}` before it, or escape it as `{%/* end */%}`".into(),
                });
            }
            return self.body_call(open, to);
        }
        Ok(Found::Text)
    }

    /// A `{% name(args) %}…{% end %}` call at `open`.
    fn body_call(&mut self, open: usize, to: usize) -> Result<Found<'a>, ScanError> {
        let Some((name, args, body_start)) = self.call(open + 2, to, "%}") else {
            return Ok(Found::Text);
        };
        let nth = self.count(name);
        let Some((body_end, end)) = self.body_end(body_start, to) else {
            return Err(ScanError {
                offset: open,
                message: format!(
                    "shortcode `{name}` opens a body that is never closed: add `{{% end %}}` after it"
                ),
            });
        };
        let raw = &self.text[body_start..body_end];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let from = body_start + lead;
        let body = self.pieces(from, from + trimmed.len())?;
        let call = Call {
            name,
            args,
            body: Some(body),
            start: open,
            end,
            nth,
        };
        Ok(Found::Pieces(vec![Piece::Call(call)], end))
    }

    /// Where the body starting at `from` ends (its `{% end %}`), skipping nested bodies and
    /// escaped ones: (start of the end tag, offset after it).
    fn body_end(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let mut at = from;
        while let Some(found) = self.text[at..to].find("{%") {
            let open = at + found;
            if let Some(end) = self.end_tag(open, to, "{%", "%}") {
                return Some((open, end));
            }
            if self.text[open..to].starts_with("{%/*") {
                at = match self.ignored_body_end(open, to) {
                    Some((_, end)) => end,
                    None => open + 2,
                };
                continue;
            }
            at = match self.call(open + 2, to, "%}") {
                Some((_, _, inner)) => self.body_end(inner, to)?.1,
                None => open + 2,
            };
        }
        None
    }

    /// An escaped inline call at `open`: its text with the escape markers off, or text.
    fn escaped(&mut self, open: usize, to: usize, start: &str, close: &str) -> Found<'a> {
        let inner = open + start.len();
        match self.call(inner, to, close) {
            Some((_, _, end)) => {
                let shown = &self.text[inner..end - close.len()];
                let text = format!("{}{shown}{}", &start[..2], &close[2..]);
                Found::Pieces(vec![Piece::Escaped(text)], end)
            }
            None => Found::Text,
        }
    }

    /// An escaped body call: the start, the body as written and the escaped end; or an
    /// escaped `end` alone; or a lone escaped start (shown, with no body to skip).
    fn escaped_body(&mut self, open: usize, to: usize) -> Found<'a> {
        if let Some(end) = self.end_tag(open, to, "{%/*", "*/%}") {
            return Found::Pieces(vec![Piece::Escaped(self.unescape(open, end))], end);
        }
        let Some((_, _, start_end)) = self.call(open + 4, to, "*/%}") else {
            return Found::Text;
        };
        let start = Piece::Escaped(self.unescape(open, start_end));
        match self.ignored_body_end(start_end, to) {
            Some((close, end)) => {
                let mut pieces = vec![start];
                if start_end < close {
                    pieces.push(Piece::Text(&self.text[start_end..close]));
                }
                pieces.push(Piece::Escaped(self.unescape(close, end)));
                Found::Pieces(pieces, end)
            }
            None => Found::Pieces(vec![start], start_end),
        }
    }

    /// The first `{%/* end */%}` from `from`: (its start, offset after it).
    fn ignored_body_end(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let mut at = from;
        while let Some(found) = self.text[at..to].find("{%/*") {
            let open = at + found;
            if let Some(end) = self.end_tag(open, to, "{%/*", "*/%}") {
                return Some((open, end));
            }
            at = open + 4;
        }
        None
    }

    /// `{%/* … */%}` at `open..end` shown as `{% … %}`.
    fn unescape(&self, open: usize, end: usize) -> String {
        format!("{{%{}%}}", &self.text[open + 4..end - 4])
    }

    /// The offset after an end tag (`start` ws `end` ws `close`) at `open`, if one is there.
    fn end_tag(&self, open: usize, to: usize, start: &str, close: &str) -> Option<usize> {
        let mut cursor = Cursor::new(self.text, open, to);
        cursor.literal(start)?;
        cursor.space();
        cursor.literal("end")?;
        cursor.space();
        cursor.literal(close)?;
        Some(cursor.at)
    }

    /// `ws name ( args ) ws close` from `from`: the name, the arguments and the offset after
    /// `close`; `None` when the text there is not a call.
    fn call(
        &self,
        from: usize,
        to: usize,
        close: &str,
    ) -> Option<(&'a str, Map<String, Value>, usize)> {
        let mut cursor = Cursor::new(self.text, from, to);
        cursor.space();
        let name = cursor.ident()?;
        cursor.space();
        cursor.literal("(")?;
        let args = cursor.arguments()?;
        cursor.literal(")")?;
        cursor.space();
        cursor.literal(close)?;
        Some((name, args, cursor.at))
    }

    /// The next `nth` of calls named `name`.
    fn count(&mut self, name: &'a str) -> usize {
        let count = self.counts.entry(name).or_insert(0);
        *count += 1;
        *count
    }
}

/// A position in the text, moved forward by each successful match.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
    to: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, at: usize, to: usize) -> Self {
        Cursor { text, at, to }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..self.to]
    }

    fn space(&mut self) {
        let rest = self.rest();
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        self.at += rest.len() - trimmed.len();
    }

    fn literal(&mut self, expected: &str) -> Option<()> {
        self.rest().starts_with(expected).then(|| {
            self.at += expected.len();
        })
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    fn ident(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or(rest.len());
        self.at += len;
        Some(&rest[..len])
    }

    /// `name = value` pairs separated by commas, up to (not including) the `)`.
    fn arguments(&mut self) -> Option<Map<String, Value>> {
        let mut args = Map::new();
        self.space();
        while !self.rest().starts_with(')') {
            let name = self.ident()?;
            self.space();
            self.literal("=")?;
            self.space();
            let value = self.value()?;
            args.insert(name.to_string(), value);
            self.space();
            if self.literal(",").is_some() {
                self.space();
            } else if !self.rest().starts_with(')') {
                return None;
            }
        }
        Some(args)
    }

    /// A string, bool, number or array.
    fn value(&mut self) -> Option<Value> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        match first {
            '"' | '\'' | '`' => {
                let len = rest[1..].find(first)?;
                self.at += len + 2;
                Some(Value::String(rest[1..1 + len].to_string()))
            }
            '[' => self.array(),
            't' if rest.starts_with("true") => {
                self.at += 4;
                Some(Value::Bool(true))
            }
            'f' if rest.starts_with("false") => {
                self.at += 5;
                Some(Value::Bool(false))
            }
            _ => self.number(),
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.literal("[")?;
        let mut items = Vec::new();
        self.space();
        while self.literal("]").is_none() {
            items.push(self.value()?);
            self.space();
            if self.literal(",").is_some() {
                self.space();
            } else {
                self.space();
                self.literal("]")?;
                break;
            }
        }
        Some(Value::Array(items))
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: an integer, or a float with its decimal point.
    fn number(&mut self) -> Option<Value> {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut len = usize::from(bytes.first() == Some(&b'-'));
        let digits = |from: usize| {
            bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let whole = digits(len);
        if whole == 0 || (whole > 1 && bytes[len] == b'0') {
            return None;
        }
        len += whole;
        let float = bytes.get(len) == Some(&b'.') && digits(len + 1) > 0;
        if float {
            len += 1 + digits(len + 1);
        }
        let text = &rest[..len];
        let value = if float {
            Value::Number(Number::from_f64(text.parse().ok()?)?)
        } else {
            Value::Number(text.parse::<i64>().ok()?.into())
        };
        self.at += len;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn calls<'a>(pieces: &'a [Piece<'a>]) -> Vec<&'a Call<'a>> {
        pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_five_kinds_of_argument_parse_as_zola_documents_them() {
        let text = r#"{{ sc(s1="a b", s2='c', s3=`d"e`, yes=true, no=false, i=-3, f=1.5, list=[1, "x", 2.5, true,]) }}"#;
        let pieces = scan(text).unwrap();
        let call = calls(&pieces)[0];
        assert_eq!(call.name, "sc");
        assert_eq!(
            Value::Object(call.args.clone()),
            json!({"s1": "a b", "s2": "c", "s3": "d\"e", "yes": true, "no": false,
                   "i": -3, "f": 1.5, "list": [1, "x", 2.5, true]})
        );
        assert_eq!((call.start, call.end), (0, text.len()));
    }

    #[test]
    fn text_that_only_looks_like_a_call_stays_text() {
        for text in [
            "{{ page.title }}",
            "{{ sc }}",
            "{% if x %}{% endif %}",
            "{{ sc(a=b) }}",
            "{{ sc(a=007) }}",
            "{{ 1sc() }}",
            "{{ sc(a=1 }}",
            "a { b } {",
            "{% set x = load_data(path=\"a\") %}",
        ] {
            let pieces = scan(text).unwrap();
            assert!(calls(&pieces).is_empty(), "{text}");
            assert_eq!(pieces, [Piece::Text(text)], "{text}");
        }
    }

    #[test]
    fn bodies_nest_and_count_nth_per_name_in_document_order() {
        let text = "{% q(a=1) %}\n  outer {% q() %}inner {{ x() }}{% end %}\n{%end%} {{ x() }}";
        let pieces = scan(text).unwrap();
        let outer = calls(&pieces)[0];
        assert_eq!((outer.name, outer.nth), ("q", 1));
        let body = outer.body.as_ref().unwrap();
        assert_eq!(body[0], Piece::Text("outer "));
        let inner = calls(body)[0];
        assert_eq!((inner.name, inner.nth), ("q", 2));
        let innermost = calls(inner.body.as_ref().unwrap())[0];
        assert_eq!((innermost.name, innermost.nth), ("x", 1));
        assert_eq!(calls(&pieces)[1].nth, 2);
    }

    #[test]
    fn escapes_show_the_call_without_their_markers() {
        let text = "a {{/* yt(id=\"x\") */}} b {%/* q() */%}\n{{ not_scanned() }}\n{%/* end */%} c";
        let pieces = scan(text).unwrap();
        assert_eq!(
            pieces,
            [
                Piece::Text("a "),
                Piece::Escaped("{{ yt(id=\"x\") }}".into()),
                Piece::Text(" b "),
                Piece::Escaped("{% q() %}".into()),
                Piece::Text("\n{{ not_scanned() }}\n"),
                Piece::Escaped("{% end %}".into()),
                Piece::Text(" c"),
            ]
        );
    }

    #[test]
    fn an_unclosed_body_and_a_stray_end_are_errors_at_their_offsets() {
        let error = scan("ab\n{% q() %}\nno end").unwrap_err();
        assert_eq!(error.offset, 3);
        assert!(error.message.contains("`q`"), "{}", error.message);
        let error = scan("x {% end %}").unwrap_err();
        assert_eq!(error.offset, 2);
    }
}
