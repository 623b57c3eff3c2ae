//! Shortcodes in Markdown bodies, as Zola has them: each call is rendered with a template of
//! `templates/shortcodes/` before the body is parsed. A `.md` template's output becomes part of
//! the Markdown; an `.html` one's is held aside behind a placeholder and put back as raw HTML
//! while the events are mapped ([`Splice`]), so Markdown never rewrites it.
//!
//! The templates themselves belong to the render stage: the build's driver hands them in as a
//! [`ShortcodeTemplates`], so this stage imports nothing from a later one.

#[cfg(test)]
mod properties;
pub mod scan;
mod splice;

use std::cell::OnceCell;

use serde_json::{Map, Value};

use crate::content::Source;
use crate::error::{Diagnostic, line_col};
use scan::{Call, Piece};
pub use splice::Splice;

/// What a shortcode template's output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `NAME.html`: inserted as HTML.
    Html,
    /// `NAME.md`: rendered as Markdown with the page.
    Markdown,
}

/// The shortcode templates of a site, and how to render one.
pub trait ShortcodeTemplates: Sync {
    /// The kind of the template named `name`, if the site has one.
    fn kind(&self, name: &str) -> Option<Kind>;
    /// A number standing for the template of shortcode `name` (or for [`ANCHOR_TEMPLATE`])
    /// and all it pulls in: equal numbers, same output for the same variables (the Markdown
    /// cache keeps bodies by it); `None` when there is no such template.
    fn version(&self, name: &str) -> Option<u64>;
    /// The template's output for `context`; a failure names the template and its line.
    fn render(&self, name: &str, context: Map<String, Value>) -> Result<String, Diagnostic>;
    /// The link `insert_anchor_links` puts in a heading, for `id`, `level` and `lang`.
    fn anchor_link(&self, context: Map<String, Value>) -> Result<String, Diagnostic>;
    /// Takes the site's highlighter, for code the templates themselves turn into HTML (the
    /// `markdown` filter); made after the shortcodes, so it is handed over when known.
    fn highlight_with(
        &self,
        _highlighter: Option<std::sync::Arc<crate::markdown::highlight::Highlighter>>,
    ) {
    }
}

/// The template of heading anchor links, as the Markdown cache names it among a body's.
pub const ANCHOR_TEMPLATE: &str = "anchor-link.html";

/// No shortcode templates at all (for tests of what calls none).
#[cfg(test)]
pub struct NoShortcodes;

#[cfg(test)]
impl ShortcodeTemplates for NoShortcodes {
    fn kind(&self, _: &str) -> Option<Kind> {
        None
    }
    fn version(&self, _: &str) -> Option<u64> {
        None
    }
    fn render(&self, name: &str, _: Map<String, Value>) -> Result<String, Diagnostic> {
        Err(Diagnostic::new(format!("no shortcode `{name}`")))
    }
    fn anchor_link(&self, _: Map<String, Value>) -> Result<String, Diagnostic> {
        Err(Diagnostic::new("no anchor-link.html"))
    }
}

/// What a body's calls are rendered with: the templates, and the variables every call gets
/// besides its arguments (`page` or `section`, `config`, `lang`), made only if a call needs them.
pub struct Embeds<'a> {
    pub templates: &'a dyn ShortcodeTemplates,
    pub context: &'a dyn Fn() -> Map<String, Value>,
}

/// A body with its calls rendered: Markdown text holding placeholders for the HTML outputs.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// The output of each `.html` call, by placeholder number.
    pub html: Vec<String>,
    pub offsets: OffsetMap,
    /// Each shortcode called, with the version of its template.
    pub used: Vec<(String, u64)>,
    /// The version of the variables calls got besides their arguments, if any call got them.
    pub context_version: Option<u64>,
}

/// One number for the variables calls get (`page`, `config`…): the Markdown cache renders a
/// body with calls again when it changes (a colocated file added, say).
pub fn context_version(context: &Map<String, Value>) -> u64 {
    crate::render::hash_of(serde_json::to_string(context).unwrap_or_default())
}

/// Maps offsets in expanded text back to the body as written, for error lines.
#[derive(Debug, Default)]
pub struct OffsetMap {
    /// (start in the expanded text, start in the body, whether offsets run on one to one).
    segments: Vec<(usize, usize, bool)>,
}

impl OffsetMap {
    /// The body offset that expanded offset `at` came from.
    pub fn original(&self, at: usize) -> usize {
        let index = self.segments.partition_point(|s| s.0 <= at);
        match index.checked_sub(1).map(|i| self.segments[i]) {
            Some((expanded, original, true)) => original + (at - expanded),
            Some((_, original, false)) => original,
            None => at,
        }
    }
}

/// The first and last characters of a placeholder: private-use code points, which no text
/// means, around the output's number.
pub const OPEN: char = '\u{E000}';
pub const CLOSE: char = '\u{E001}';

/// Renders every call in `source`'s body; errors name the file, line and column of the call.
pub fn expand(source: &Source, embeds: &Embeds<'_>) -> Result<Expanded, Vec<Diagnostic>> {
    let body = source.body();
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(&source.text, source.body_offset + offset);
        Diagnostic::at(&source.file, line, Some(column), message)
    };
    let pieces = scan::scan(body).map_err(|e| vec![at(e.offset, e.message)])?;
    let mut expander = Expander {
        embeds,
        base: OnceCell::new(),
        used: Vec::new(),
        errors: Vec::new(),
        at: &at,
    };
    let mut out = Expanded::default();
    let mut cursor = 0;
    for piece in &pieces {
        let start = match piece {
            Piece::Text(text) => text.as_ptr() as usize - body.as_ptr() as usize,
            Piece::Escaped(_) => cursor,
            Piece::Call(call) => call.start,
        };
        let linear = matches!(piece, Piece::Text(_));
        out.offsets.segments.push((out.text.len(), start, linear));
        match piece {
            Piece::Text(text) => out.text.push_str(text),
            Piece::Escaped(text) => out.text.push_str(text),
            Piece::Call(call) => {
                let Some((kind, output)) = expander.call(call) else {
                    continue;
                };
                if kind == Kind::Html {
                    out.text.push(OPEN);
                    out.text.push_str(&out.html.len().to_string());
                    out.text.push(CLOSE);
                    out.html.push(output);
                } else {
                    out.text.push_str(&output);
                }
            }
        }
        cursor = match piece {
            Piece::Text(text) => start + text.len(),
            Piece::Call(call) => call.end,
            Piece::Escaped(_) => cursor,
        };
    }
    if !expander.errors.is_empty() {
        return Err(expander.errors);
    }
    out.used = expander.used;
    out.context_version = expander.base.get().map(context_version);
    out.used.sort();
    out.used.dedup();
    Ok(out)
}

/// Renders calls, collecting what they used and every error.
struct Expander<'e, 'a> {
    embeds: &'e Embeds<'a>,
    base: OnceCell<Map<String, Value>>,
    used: Vec<(String, u64)>,
    errors: Vec<Diagnostic>,
    at: &'e dyn Fn(usize, String) -> Diagnostic,
}

impl Expander<'_, '_> {
    /// The kind and output of `call` (its body's calls rendered first); `None` after an error.
    fn call(&mut self, call: &Call<'_>) -> Option<(Kind, String)> {
        let templates = self.embeds.templates;
        let Some(kind) = templates.kind(call.name) else {
            let name = call.name;
            self.errors.push((self.at)(call.start, format!(
                "unknown shortcode `{name}`: create templates/shortcodes/{name}.html (or .md), or escape the call as `{{{{/* … */}}}}` to show it as text"
            )));
            return None;
        };
        let version = templates.version(call.name).unwrap_or_default();
        self.used.push((call.name.to_string(), version));
        let body = match &call.body {
            Some(pieces) => Some(self.body(pieces)?),
            None => None,
        };
        let context = self.context(call, body);
        match templates.render(call.name, context) {
            Ok(output) => Some((kind, output.replace("\r\n", "\n"))),
            Err(mut error) => {
                let (line, column) = match (self.at)(call.start, String::new()) {
                    Diagnostic {
                        file: Some(file),
                        line: Some(line),
                        column,
                        ..
                    } => (format!("{}:{line}", file.display()), column.unwrap_or(1)),
                    _ => (String::new(), 1),
                };
                error.message = format!(
                    "shortcode `{}` called at {line}:{column}: {}",
                    call.name, error.message
                );
                self.errors.push(error);
                None
            }
        }
    }

    /// A body's text with its own calls rendered, whatever their kind (as Zola does).
    fn body(&mut self, pieces: &[Piece<'_>]) -> Option<String> {
        let mut text = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Escaped(t) => text.push_str(t),
                Piece::Call(call) => text.push_str(&self.call(call)?.1),
            }
        }
        Some(text)
    }

    /// The call's arguments, then `nth` and `lang` unless given as arguments, then `page` or
    /// `section` and `config`, which win over arguments (Zola's documented order), and `body`.
    fn context(&self, call: &Call<'_>, body: Option<String>) -> Map<String, Value> {
        let base = self.base.get_or_init(|| (self.embeds.context)());
        let mut context = call.args.clone();
        context
            .entry("nth")
            .or_insert_with(|| Value::from(call.nth));
        for (key, value) in base {
            if key == "lang" {
                context.entry(key).or_insert_with(|| value.clone());
            } else {
                context.insert(key.clone(), value.clone());
            }
        }
        if let Some(body) = body {
            context.insert("body".into(), Value::String(body));
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Two templates: `.html` ones echo their arguments, `.md` ones a heading.
    struct Echo;
    impl ShortcodeTemplates for Echo {
        fn kind(&self, name: &str) -> Option<Kind> {
            match name {
                "h" => Some(Kind::Html),
                "m" => Some(Kind::Markdown),
                _ => None,
            }
        }
        fn version(&self, name: &str) -> Option<u64> {
            Some(name.len() as u64)
        }
        fn anchor_link(&self, _: Map<String, Value>) -> Result<String, Diagnostic> {
            Ok("#".into())
        }
        fn render(&self, name: &str, c: Map<String, Value>) -> Result<String, Diagnostic> {
            let body = c.get("body").and_then(Value::as_str).unwrap_or("");
            Ok(match name {
                "h" => format!("<b>{}:{}:{body}</b>", c["nth"], c["lang"]),
                _ => format!("## M{} {body}", c["nth"]),
            })
        }
    }

    fn source(body: &str) -> Source {
        Source {
            file: PathBuf::from("content/a.md"),
            rel: "a.md".into(),
            text: format!("+++\n+++\n{body}").into(),
            body_offset: 8,
        }
    }

    fn expand_body(body: &str) -> Result<Expanded, Vec<Diagnostic>> {
        let context = || {
            let mut map = Map::new();
            map.insert("lang".into(), "en".into());
            map
        };
        let embeds = Embeds {
            templates: &Echo,
            context: &context,
        };
        expand(&source(body), &embeds)
    }

    #[test]
    fn html_outputs_wait_behind_placeholders_and_markdown_ones_join_the_text() {
        let out =
            expand_body("a {{ h() }} b\n{{ m() }}\n{% h(lang=\"fr\") %}\n{{ m() }}\n{% end %}")
                .unwrap();
        assert_eq!(out.text, "a \u{E000}0\u{E001} b\n## M1 \n\u{E000}1\u{E001}");
        assert_eq!(out.html, ["<b>1:\"en\":</b>", "<b>2:\"fr\":## M2 </b>"]);
        assert_eq!(out.used, [("h".to_string(), 1), ("m".to_string(), 1)]);
    }

    #[test]
    fn offsets_map_back_to_the_body_as_written() {
        let out = expand_body("{% h() %}\nlong\nbody\n{% end %}\nafter").unwrap();
        let after = out.text.find("after").unwrap();
        assert_eq!(out.offsets.original(after), 30);
        assert_eq!(out.offsets.original(1), 0);
    }

    #[test]
    fn unknown_names_are_errors_at_the_call() {
        let errors = expand_body("ok\n\nsee {{ nope() }}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (Some(5), Some(5)));
        assert!(
            errors[0].message.contains("`nope`"),
            "{}",
            errors[0].message
        );
    }
}
