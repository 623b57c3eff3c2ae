//! Property tests: arbitrary text, heavy in the characters calls are made of, through the
//! scanner, the expansion and the whole Markdown stage; nothing may panic, and what the
//! scanner finds must lie where it says.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::scan::{Piece, scan};
use super::{Embeds, Kind, ShortcodeTemplates};
use crate::content::Source;
use crate::error::Diagnostic;
use crate::markdown::{LinkResolver, Options, render};

/// Pieces of text that make calls, escapes, bodies and Markdown likely.
const PARTS: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "/*",
    "*/",
    "(",
    ")",
    "sc",
    "h",
    "m",
    "end",
    " ",
    "\n",
    "=",
    ",",
    "\"",
    "'",
    "`",
    "[",
    "]",
    "1",
    "-2.5",
    "true",
    "a",
    "é",
    "中",
    "#",
    "`x`",
    "```\n",
    "> ",
    "- ",
    "[l](@/x.md)",
    "<b>",
    "<!-- more -->",
    "\r\n",
    "\t",
    "{",
    "}",
    "%",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PARTS), 0..80).prop_map(|parts| parts.concat())
}

/// Every name is a shortcode: `h…` ones HTML, others Markdown; outputs hold calls' markers.
struct Any;
impl ShortcodeTemplates for Any {
    fn kind(&self, name: &str) -> Option<Kind> {
        Some(if name.starts_with('h') {
            Kind::Html
        } else {
            Kind::Markdown
        })
    }
    fn version(&self, _: &str) -> Option<u64> {
        Some(1)
    }
    fn render(&self, name: &str, context: Map<String, Value>) -> Result<String, Diagnostic> {
        let body = context.get("body").and_then(Value::as_str).unwrap_or("");
        Ok(format!("<{name}>{{{{ x() }}}}\n{body}</{name}>"))
    }
    fn anchor_link(&self, _: Map<String, Value>) -> Result<String, Diagnostic> {
        Ok("<a>#</a>".into())
    }
}

struct NoLinks;
impl LinkResolver for NoLinks {
    fn permalink(&self, _: &str) -> Option<&str> {
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_scanner_never_panics_and_calls_lie_in_order_where_it_says(text in text()) {
        if let Ok(pieces) = scan(&text) {
            let mut last_end = 0;
            for piece in &pieces {
                if let Piece::Call(call) = piece {
                    prop_assert!(call.start >= last_end && call.start < call.end);
                    let (opens, closes) = (text[call.start..].starts_with('{'), text[..call.end].ends_with('}'));
                    prop_assert!(opens && closes, "call at {}..{}", call.start, call.end);
                    last_end = call.end;
                }
            }
            let plain = pieces.iter().all(|p| matches!(p, Piece::Text(_)));
            if plain {
                let joined: String = pieces.iter().map(|p| match p {
                    Piece::Text(t) => *t,
                    _ => "",
                }).collect();
                prop_assert_eq!(joined, text);
            }
        }
    }

    #[test]
    fn bodies_with_any_calls_render_without_panicking_or_leaking_placeholders(text in text()) {
        let source = Source {
            file: PathBuf::from("content/a.md"),
            rel: "a.md".into(),
            text: format!("+++\n+++\n{text}").into(),
            body_offset: 8,
        };
        let context = Map::new;
        let embeds = Embeds { templates: &Any, context: &context };
        let options = Options {
            anchors: crate::config::AnchorLinks::Heading,
            smart_punctuation: true,
            ..Options::default()
        };
        if let Ok(html) = render(&source, "/a/", &options, &NoLinks, &embeds, None) {
            prop_assert!(!html.content.contains(super::OPEN), "{}", html.content);
        }
    }
}
