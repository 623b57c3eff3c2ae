//! Syntax highlighting of code blocks, Zola 0.22's way (`[markdown.highlighting]`), with
//! syntect and the grammars and themes two-face bundles (see the README for why).
//!
//! One [`Highlighter`] serves a whole build: it paints each distinct (language, text) once,
//! however many pages show it, and the Markdown cache keeps each page's HTML between rebuilds.

mod extra;
mod fence;
mod html;
mod json_grammar;
mod json_theme;
mod themes;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use syntect::highlighting::Theme;
use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};

use crate::config::{HighlightStyle, HighlightingConfig};
use crate::error::Diagnostic;
pub use fence::Fence;
pub use html::plain_block;

/// Language names Zola sites use that the bundled grammars know by another name.
const ALIASES: &[(&str, &str)] = &[
    ("plain", "txt"),
    ("text", "txt"),
    ("plaintext", "txt"),
    ("shell", "sh"),
    ("console", "sh"),
    ("shellscript", "sh"),
    ("zsh", "sh"),
    ("jsonc", "json"),
    ("dockerfile", "Dockerfile"),
    ("docker", "Dockerfile"),
    ("golang", "go"),
    ("py", "python"),
    ("rs", "rust"),
];

/// Painted lines, shared by every block with the same language and text: one buffer of
/// exactly their size (held for the whole build), the lines joined by `\n`, which no
/// painted line holds.
struct Painted {
    joined: Box<str>,
    count: usize,
}

impl Painted {
    fn new(lines: Vec<String>) -> Painted {
        Painted {
            count: lines.len(),
            joined: lines.join("\n").into_boxed_str(),
        }
    }

    fn lines(&self) -> Vec<&str> {
        self.joined.split('\n').take(self.count).collect()
    }
}

/// The build's highlighter: grammars, the theme or themes, the style, and what it painted.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// The site's own grammars (`extra_grammars`), searched first.
    own: Option<SyntaxSet>,
    /// One theme, or the light then the dark one.
    themes: Vec<Theme>,
    style: HighlightStyle,
    error_on_missing_language: bool,
    painted: Mutex<HashMap<(String, String), Arc<Painted>>>,
    /// Stand-in themes, said once per build.
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Highlighter({:?}, {} themes)",
            self.style,
            self.themes.len()
        )
    }
}

/// A code block in a language no grammar knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingLanguage(pub String);

/// What became of a code block: its HTML, and the language it was written in if no grammar
/// knows it (then it is shown as plain text).
pub struct Highlighted {
    pub html: String,
    pub missing: Option<String>,
}

impl Highlighter {
    /// The highlighter `config` asks for, its extra grammars and themes read from under
    /// `root`; the errors name an unknown theme (in `config.toml`) or a broken extra file.
    pub fn new(config: &HighlightingConfig, root: &Path) -> Result<Highlighter, Vec<Diagnostic>> {
        let in_config = |message: String| {
            let file = Path::new("config.toml");
            vec![Diagnostic::in_file(
                file,
                format!("[markdown.highlighting]: {message}"),
            )]
        };
        let names: Vec<&String> = match (&config.theme, &config.light_theme, &config.dark_theme) {
            (Some(theme), _, _) => vec![theme],
            (None, Some(light), Some(dark)) => vec![light, dark],
            _ => {
                return Err(in_config(
                    "needs `theme`, or `light_theme` and `dark_theme`".into(),
                ));
            }
        };
        let extras = extra::load(config, root)?;
        let set = two_face::theme::extra();
        let mut themes = Vec::new();
        let mut warnings = extras.warnings.clone();
        for name in names {
            if let Some(own) = extras.theme(name) {
                themes.push(own.clone());
                continue;
            }
            let found = themes::find(&set, name).map_err(|message| {
                let own = extras.themes.iter().flat_map(|(names, _)| names);
                let own: Vec<&str> = own.map(String::as_str).collect();
                match own.is_empty() {
                    true => in_config(message),
                    false => in_config(format!(
                        "{message}; and from extra_themes: {}",
                        own.join(", ")
                    )),
                }
            })?;
            themes.push(found.theme.clone());
            warnings.extend(found.warning);
        }
        Ok(Highlighter {
            syntaxes: extras.bundled,
            own: extras.own,
            themes,
            style: config.style,
            error_on_missing_language: config.error_on_missing_language,
            painted: Mutex::default(),
            warnings,
        })
    }

    /// The grammar for a fence's language, and the set it belongs to: the site's own by
    /// name, file type or scope name, then the bundled ones by name, file extension or alias.
    fn syntax(&self, lang: &str) -> Option<(&SyntaxSet, &SyntaxReference)> {
        if let Some(own) = &self.own
            && let Some(syntax) = own.find_syntax_by_token(lang)
        {
            return Some((own, syntax));
        }
        let s = &self.syntaxes;
        let bundled = s
            .find_syntax_by_token(lang)
            .or_else(|| {
                s.syntaxes()
                    .iter()
                    .find(|syntax| syntax.name.eq_ignore_ascii_case(lang))
            })
            .or_else(|| {
                let lower = lang.to_ascii_lowercase();
                let (_, to) = ALIASES.iter().find(|(from, _)| *from == lower)?;
                s.find_syntax_by_token(to)
            });
        bundled.map(|syntax| (s, syntax))
    }

    /// Highlights one code block with fence info `info`; a language no grammar knows is
    /// shown as plain text, or is an error with `error_on_missing_language`.
    pub fn highlight(&self, info: &str, code: &str) -> Result<Highlighted, MissingLanguage> {
        let fence = Fence::parse(info);
        let lang = fence.lang.as_deref().unwrap_or("plain");
        let ((set, syntax), missing) = match self.syntax(lang) {
            Some(found) => (found, None),
            None if self.error_on_missing_language => {
                return Err(MissingLanguage(lang.to_string()));
            }
            None => (
                (&self.syntaxes, self.syntaxes.find_syntax_plain_text()),
                Some(lang.to_string()),
            ),
        };
        let painted = self.painted(set, syntax, code);
        let html = html::block(&fence, lang, &painted.lines(), &self.themes, self.style);
        Ok(Highlighted { html, missing })
    }

    /// `code` painted with `syntax`: from an earlier block with the same text, or now.
    fn painted(&self, set: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> Arc<Painted> {
        let key = (syntax.name.clone(), code.to_string());
        let lock = || self.painted.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lines) = lock().get(&key) {
            return Arc::clone(lines);
        }
        let themes = &self.themes;
        let lines =
            html::paint(set, syntax, themes, self.style, code).unwrap_or_else(|_| plain(code));
        let lines = Arc::new(Painted::new(lines));
        lock().insert(key, Arc::clone(&lines));
        lines
    }

    /// The stylesheets the class style needs, named as Zola names them (none inline).
    pub fn stylesheets(&self) -> Vec<(&'static str, String)> {
        if self.style == HighlightStyle::Inline {
            return Vec::new();
        }
        let names: &[&'static str] = match self.themes.len() {
            1 => &["giallo.css"],
            _ => &["giallo-light.css", "giallo-dark.css"],
        };
        names
            .iter()
            .zip(&self.themes)
            .map(|(name, theme)| (*name, stylesheet(theme)))
            .collect()
    }
}

/// A theme as CSS for the `z-` classes, plus highlighted lines and line numbers.
fn stylesheet(theme: &Theme) -> String {
    let style = ClassStyle::SpacedPrefixed { prefix: "z-" };
    let mut css = css_for_theme_with_class_style(theme, style).unwrap_or_default();
    if let Some(colour) = theme.settings.line_highlight {
        css.push_str(&format!(
            ".z-hl {{\n background-color: {};\n}}\n",
            html::hex(colour)
        ));
    }
    if let Some(colour) = theme.settings.gutter_foreground {
        css.push_str(&format!(
            ".giallo-ln {{\n color: {};\n}}\n",
            html::hex(colour)
        ));
    }
    minified(css)
}

/// The stylesheet as compressed CSS, as the Sass stylesheets are written (grass reads plain
/// CSS too); syntect's own layout if grass refuses it, which it has no reason to.
fn minified(css: String) -> String {
    let options = grass_compiler::Options::default().style(grass_compiler::OutputStyle::Compressed);
    match grass_compiler::from_string(css.as_str(), &options) {
        Ok(compressed) => compressed,
        Err(_) => css,
    }
}

/// `code` as escaped lines without colour: what a grammar that fails midway leaves.
fn plain(code: &str) -> Vec<String> {
    code.lines()
        .map(|line| {
            let mut out = String::new();
            html::escape_into(&mut out, line);
            out
        })
        .collect()
}

#[cfg(test)]
mod extra_tests;
#[cfg(test)]
mod tests;
