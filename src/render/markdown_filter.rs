//! Zola's `markdown` filter: Markdown text as HTML, with its shortcode calls rendered as in a
//! page body (`lang` is the default language, as in Zola) and `@/` links resolved (inside a
//! shortcode, by the page its output goes into).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Weak};

use serde_json::{Map, Value, json};

use crate::content::Source;
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, Embeds, LinkResolver};
use crate::render::shortcodes::SiteShortcodes;
use crate::render::values::Values;

/// The filter, over the shortcodes it renders calls with and the permalinks it resolves
/// `@/` links with (none inside a shortcode, which renders before permalinks are known).
pub struct MarkdownFilter {
    /// Weak: the shortcodes' own templates hold this filter too.
    pub shortcodes: Weak<SiteShortcodes>,
    pub values: Option<Arc<Values>>,
    pub config: Value,
    pub options: markdown::Options,
    /// The site's highlighter, so code blocks in the text are highlighted as in a body; `None`
    /// in a shortcode's template, which renders before the site stage makes it: there the
    /// one the link stage handed to the shortcodes is used.
    pub highlighter: Option<Arc<Highlighter>>,
}

/// Resolves `@/` links through the template values, when there are any.
struct Links<'a>(Option<&'a Values>);

impl LinkResolver for Links<'_> {
    fn permalink(&self, rel: &str) -> Option<&str> {
        self.0?.permalink_of(rel)
    }

    /// Inside a shortcode (no values yet) the page resolves the links once the HTML is in it.
    fn defers(&self) -> bool {
        self.0.is_none()
    }
}

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("the markdown filter takes a string"))?;
        let inline = args.get("inline").and_then(Value::as_bool) == Some(true);
        let shortcodes = self
            .shortcodes
            .upgrade()
            .ok_or_else(|| tera::Error::msg("markdown filter used after its build ended"))?;
        let source = Source {
            file: PathBuf::from("(markdown filter)"),
            rel: String::new(),
            text: Arc::from(text),
            body_offset: 0,
        };
        let context = || {
            let mut map = Map::new();
            map.insert("config".into(), self.config.clone());
            map.insert("lang".into(), self.config["default_language"].clone());
            map
        };
        let embeds = Embeds {
            templates: &*shortcodes,
            context: &context,
        };
        let links = Links(self.values.as_deref());
        let highlighter = self
            .highlighter
            .clone()
            .or_else(|| shortcodes.highlighter());
        let highlighter = highlighter.as_deref();
        let rendered = markdown::render(&source, "", &self.options, &links, &embeds, highlighter)
            .map_err(|errors| {
            let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
            tera::Error::msg(format!("markdown filter: {}", messages.join("; ")))
        })?;
        let mut html = rendered.content;
        if inline {
            html = strip_paragraph(&html).to_string();
        }
        Ok(json!(html))
    }
}

/// `<p>…</p>` around one paragraph taken off, as Zola's `inline = true` does.
fn strip_paragraph(html: &str) -> &str {
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner,
        _ => html,
    }
}
