//! The site's own grammars and themes (`extra_grammars`, `extra_themes`): JSON files named
//! from the site root, as Zola names them, read and converted, each failure located.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use syntect::highlighting::Theme;
use syntect::parsing::{SyntaxSet, SyntaxSetBuilder};

use super::{json_grammar, json_theme};
use crate::config::{HighlightingConfig, under};
use crate::error::Diagnostic;

/// What the extra files add to the bundled grammars and themes.
pub struct Extras {
    /// The bundled grammars.
    pub bundled: SyntaxSet,
    /// The site's own grammars, searched before the bundled ones: in a set of their own, or,
    /// when one includes a bundled grammar, added to a copy of the bundled set (which costs
    /// relinking all of it).
    pub own: Option<SyntaxSet>,
    /// Each theme with the names it answers to: its `name` and its file's stem.
    pub themes: Vec<(Vec<String>, Theme)>,
    pub warnings: Vec<String>,
}

impl Extras {
    /// The site's own theme called `name` (any case), if there is one.
    pub fn theme(&self, name: &str) -> Option<&Theme> {
        self.themes
            .iter()
            .find(|(names, _)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
            .map(|(_, theme)| theme)
    }
}

/// Reads and converts every file `config` lists; the errors name each file that is missing,
/// is not JSON (with line and column) or is not a grammar or theme.
pub fn load(config: &HighlightingConfig, root: &Path) -> Result<Extras, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut themes = Vec::new();
    for rel in &config.extra_themes {
        let converted = read_json(root, rel, "extra_themes").and_then(|(path, json)| {
            json_theme::convert(&json, rel).map_err(|why| {
                Diagnostic::in_file(&path, format!("not a theme Kiln can read: {why}"))
            })
        });
        match converted {
            Ok(theme) => {
                let stem = Path::new(rel)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned());
                let names = theme.name.into_iter().chain(stem).collect();
                warnings.extend(theme.warnings);
                themes.push((names, theme.theme));
            }
            Err(error) => errors.push(error),
        }
    }
    let grammars: Vec<(&String, PathBuf, Value)> = config
        .extra_grammars
        .iter()
        .filter_map(|rel| match read_json(root, rel, "extra_grammars") {
            Ok((path, json)) => Some((rel, path, json)),
            Err(error) => {
                errors.push(error);
                None
            }
        })
        .collect();
    let bundled = two_face::syntax::extra_newlines();
    let own = own_grammars(&bundled, &grammars, &mut errors, &mut warnings);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Extras {
        bundled,
        own,
        themes,
        warnings,
    })
}

/// `grammars` as a syntax set, each able to include the others and the bundled ones.
fn own_grammars(
    bundled: &SyntaxSet,
    grammars: &[(&String, PathBuf, Value)],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<String>,
) -> Option<SyntaxSet> {
    if grammars.is_empty() {
        return None;
    }
    let own: HashSet<String> = grammars
        .iter()
        .filter_map(|(_, _, json)| json_grammar::scope_name(json).map(str::to_string))
        .collect();
    let bundled_scopes: HashSet<String> = bundled
        .syntaxes()
        .iter()
        .map(|s| s.scope.build_string())
        .collect();
    let known_scope = |scope: &str| own.contains(scope) || bundled_scopes.contains(scope);
    let mut definitions = Vec::new();
    let mut reaches_bundled = false;
    for (rel, path, json) in grammars {
        match json_grammar::convert(json, rel, &known_scope) {
            Ok(grammar) => {
                warnings.extend(grammar.warnings);
                reaches_bundled |= grammar.includes.iter().any(|s| !own.contains(s));
                definitions.push(grammar.definition);
            }
            Err(why) => errors.push(Diagnostic::in_file(
                path,
                format!("not a grammar Kiln can read: {why}"),
            )),
        }
    }
    let mut builder = match reaches_bundled {
        true => two_face::syntax::extra_newlines().into_builder(),
        false => SyntaxSetBuilder::new(),
    };
    for definition in definitions {
        builder.add(definition);
    }
    Some(builder.build())
}

/// The JSON of the file `rel` (from the site root) that config key `key` lists.
fn read_json(root: &Path, rel: &str, key: &str) -> Result<(PathBuf, Value), Diagnostic> {
    let path = under(root, rel.trim_start_matches("./"));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::in_file(
            &path,
            format!(
                "could not read this file, listed in [markdown.highlighting] {key}: {e}; \
                 the paths are relative to the site root"
            ),
        )
    })?;
    let json = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        Diagnostic::at(
            &path,
            e.line(),
            Some(e.column()),
            format!("is not valid JSON ({message}); {key} takes JSON files"),
        )
    })?;
    Ok((path, json))
}
