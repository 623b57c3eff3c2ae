//! Stage 1: read `config.toml` (Zola's keys plus Kiln's `[auth]`), rejecting unknown keys.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, line_col};

/// What to build and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The site's root folder (with `config.toml`, `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// Replaces `base_url` from `config.toml` (e.g. the local address in `kiln serve`).
    pub base_url: Option<String>,
    /// Also render pages and sections marked `draft = true`.
    pub drafts: bool,
}

/// The site configuration, as templates see it under `config`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default = "default_feed_filenames")]
    pub feed_filenames: Vec<String>,
    #[serde(default)]
    pub feed_limit: Option<usize>,
    #[serde(default = "yes")]
    pub generate_sitemap: bool,
    #[serde(default = "yes")]
    pub generate_robots_txt: bool,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Compile the stylesheets of `sass/` to CSS.
    #[serde(default)]
    pub compile_sass: bool,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub auth: AuthConfig,
    #[serde(default = "crate::data::empty_object")]
    pub extra: serde_json::Value,
}

/// One `[[taxonomies]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub feed: bool,
    #[serde(default = "yes")]
    pub render: bool,
}

/// The `[markdown]` table: `smart_punctuation` and `[markdown.highlighting]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub smart_punctuation: bool,
    /// Present: code blocks are highlighted (Zola 0.22's table).
    #[serde(default)]
    pub highlighting: Option<HighlightingConfig>,
}

/// `[markdown.highlighting]`: one `theme`, or `light_theme` with `dark_theme`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighlightingConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light_theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dark_theme: Option<String>,
    #[serde(default)]
    pub style: HighlightStyle,
    /// A code block in a language Kiln cannot highlight fails the build instead of a warning.
    #[serde(default)]
    pub error_on_missing_language: bool,
}

/// How highlighted code carries its colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HighlightStyle {
    /// `style` attributes on the spans (`light-dark()` for two themes).
    #[default]
    Inline,
    /// Class names, coloured by the `giallo*.css` stylesheets the build writes.
    Class,
}

/// Kiln's `[auth]` table: where the accounts sidecar is mounted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthConfig {
    #[serde(default = "default_auth_url")]
    pub url: String,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            url: default_auth_url(),
        }
    }
}

/// The keys a table may hold: known ones, Zola ones we ignore with a warning, and sub-tables.
struct Schema {
    known: &'static [&'static str],
    unsupported: &'static [&'static str],
    tables: &'static [(&'static str, &'static Schema)],
}

const ROOT: Schema = Schema {
    known: &[
        "base_url",
        "title",
        "description",
        "default_language",
        "generate_feeds",
        "feed_filenames",
        "feed_limit",
        "generate_sitemap",
        "generate_robots_txt",
        "compile_sass",
        "extra",
    ],
    unsupported: &[
        "theme",
        "output_dir",
        "preserve_dotfiles_in_output",
        "minify_html",
        "ignored_content",
        "ignored_static",
        "hard_link_static",
        "author",
        "build_search_index",
        "languages",
        "link_checker",
        "slugify",
        "search",
        "translations",
        "mode",
        "generate_feed",
        "feed_filename",
        "exclude_paginated_pages_in_sitemap",
    ],
    tables: &[
        ("markdown", &MARKDOWN),
        ("auth", &AUTH),
        ("taxonomies", &TAXONOMY),
    ],
};
const MARKDOWN: Schema = Schema {
    known: &["smart_punctuation"],
    unsupported: &[
        "highlight_code",
        "highlight_theme",
        "highlight_themes_css",
        "render_emoji",
        "external_links_target_blank",
        "external_links_no_follow",
        "external_links_no_referrer",
        "definition_list",
        "bottom_footnotes",
        "insert_anchor_links",
        "lazy_async_image",
        "extra_syntaxes_and_themes",
        "github_alerts",
        "math",
    ],
    tables: &[("highlighting", &HIGHLIGHTING)],
};
const HIGHLIGHTING: Schema = Schema {
    known: &[
        "theme",
        "light_theme",
        "dark_theme",
        "style",
        "error_on_missing_language",
    ],
    unsupported: &["extra_grammars", "extra_themes"],
    tables: &[],
};
const AUTH: Schema = Schema {
    known: &["url"],
    unsupported: &[],
    tables: &[],
};
const TAXONOMY: Schema = Schema {
    known: &["name", "paginate_by", "paginate_path", "feed", "render"],
    unsupported: &["lang"],
    tables: &[],
};

/// Checks every key of `table` against `schema`: unknown keys are errors, unsupported ones warnings.
fn check_keys(table: &DeTable<'_>, schema: &Schema, prefix: &str, report: &mut KeyReport<'_>) {
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let full = format!("{prefix}{name}");
        if let Some((_, nested)) = schema.tables.iter().find(|(t, _)| *t == name) {
            match value.get_ref() {
                DeValue::Table(inner) => check_keys(inner, nested, &format!("{full}."), report),
                DeValue::Array(items) => {
                    for item in items {
                        if let DeValue::Table(inner) = item.get_ref() {
                            check_keys(inner, nested, &format!("{full}."), report);
                        }
                    }
                }
                _ => {}
            }
        } else if schema.unsupported.contains(&name) {
            report.warnings.push(format!(
                "{}: `{full}` is a Zola setting Kiln does not support yet; it is ignored",
                report.path.display()
            ));
        } else if !schema.known.contains(&name) {
            let (line, column) = line_col(report.text, key.span().start);
            report.errors.push(Diagnostic::at(
                report.path,
                line,
                Some(column),
                format!(
                    "unknown setting `{full}`; check its spelling (custom values go under [extra])"
                ),
            ));
        }
    }
}

struct KeyReport<'a> {
    path: &'a Path,
    text: &'a str,
    warnings: Vec<String>,
    errors: Vec<Diagnostic>,
}

fn default_language() -> String {
    "en".into()
}
fn default_feed_filenames() -> Vec<String> {
    vec!["atom.xml".into()]
}
fn default_auth_url() -> String {
    "/api".into()
}
fn yes() -> bool {
    true
}

/// A parsed configuration with the warnings it raised.
pub struct LoadedConfig {
    pub config: Config,
    pub warnings: Vec<String>,
}

/// Reads `<root>/config.toml`; `base_url` overrides the file's when given.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<LoadedConfig, Vec<Diagnostic>> {
    let path = under(root, "config.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![Diagnostic::in_file(
            &path,
            format!("could not read the site configuration: {e}"),
        )]
    })?;
    parse(&path, &text, base_url)
}

/// Parses configuration `text` read from `path`.
pub fn parse(
    path: &Path,
    text: &str,
    base_url: Option<&str>,
) -> Result<LoadedConfig, Vec<Diagnostic>> {
    let syntax_error = |e: toml::de::Error| {
        let (line, column) = e.span().map_or((1, 1), |span| line_col(text, span.start));
        vec![Diagnostic::at(
            path,
            line,
            Some(column),
            e.message().trim().to_string(),
        )]
    };
    let table = DeTable::parse(text).map_err(syntax_error)?;
    let mut report = KeyReport {
        path,
        text,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    check_keys(table.get_ref(), &ROOT, "", &mut report);
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|d| (d.line, d.column));
        return Err(report.errors);
    }
    let mut config: Config = toml::from_str(text).map_err(syntax_error)?;
    if let Some(url) = base_url {
        config.base_url = url.to_string();
    }
    config.base_url = config.base_url.trim_end_matches('/').to_string();
    crate::data::normalise_dates(&mut config.extra);
    check_taxonomies(path, &config).map_err(|d| vec![d])?;
    check_highlighting(path, &config).map_err(|d| vec![d])?;
    check_paths(path, &config).map_err(|d| vec![d])?;
    Ok(LoadedConfig {
        config,
        warnings: report.warnings,
    })
}

/// Refuses feed file names and taxonomy paths that would leave the output folder.
fn check_paths(path: &Path, config: &Config) -> Result<(), Diagnostic> {
    let bad = |key: &str, e: String| Diagnostic::in_file(path, format!("`{key}`: {e}"));
    for name in &config.feed_filenames {
        let clean = crate::url_path::single_segment(name).map_err(|e| bad("feed_filenames", e))?;
        if clean != name.as_str() {
            return Err(bad(
                "feed_filenames",
                format!("`{name}` must be a plain file name such as \"atom.xml\""),
            ));
        }
    }
    for taxonomy in &config.taxonomies {
        if let Some(p) = &taxonomy.paginate_path {
            crate::url_path::single_segment(p).map_err(|e| bad("taxonomies.paginate_path", e))?;
        }
    }
    Ok(())
}

/// `[markdown.highlighting]` names one theme, or a light and a dark one: not both, not neither.
fn check_highlighting(path: &Path, config: &Config) -> Result<(), Diagnostic> {
    let Some(h) = &config.markdown.highlighting else {
        return Ok(());
    };
    match (&h.theme, &h.light_theme, &h.dark_theme) {
        (Some(_), None, None) | (None, Some(_), Some(_)) => Ok(()),
        _ => Err(Diagnostic::in_file(
            path,
            "[markdown.highlighting] needs either `theme`, or both `light_theme` and `dark_theme`",
        )),
    }
}

fn check_taxonomies(path: &Path, config: &Config) -> Result<(), Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    for taxonomy in &config.taxonomies {
        if taxonomy.name.trim().is_empty() || !seen.insert(taxonomy.name.as_str()) {
            return Err(Diagnostic::in_file(
                path,
                format!(
                    "taxonomy name `{}` is empty or declared twice in [[taxonomies]]",
                    taxonomy.name
                ),
            ));
        }
    }
    Ok(())
}

/// `root/name`, without a leading `./` so messages read `content/a.md`.
pub fn under(root: &Path, name: &str) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        PathBuf::from(name)
    } else {
        root.join(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<LoadedConfig, Vec<Diagnostic>> {
        parse(Path::new("config.toml"), text, None)
    }

    #[test]
    fn defaults_follow_zola_and_auth_url_defaults_to_api() {
        let loaded = parse_text("base_url = \"https://example.com/\"\ntitle = \"T\"").unwrap();
        let config = loaded.config;
        assert_eq!(config.base_url, "https://example.com");
        assert_eq!(config.default_language, "en");
        assert_eq!(config.feed_filenames, vec!["atom.xml"]);
        assert!(config.generate_sitemap && config.generate_robots_txt && !config.generate_feeds);
        assert_eq!(config.auth.url, "/api");
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn unknown_key_is_an_error_naming_key_and_line() {
        let errors = parse_text("base_url = \"x\"\n\ntitel = \"typo\"\n[auth]\nurls = 1\n")
            .err()
            .unwrap();
        assert_eq!(errors.len(), 2);
        let error = &errors[0];
        assert_eq!(error.line, Some(3));
        assert_eq!(errors[1].line, Some(5));
        assert!(
            errors[1].message.contains("auth.urls"),
            "{}",
            errors[1].message
        );
        assert!(error.message.contains("titel"), "{}", error.message);
    }

    #[test]
    fn unsupported_zola_keys_warn_once_each() {
        let loaded =
            parse_text("base_url = \"x\"\nauthor = \"A\"\n[markdown]\nrender_emoji = true\n")
                .unwrap();
        assert_eq!(loaded.warnings.len(), 2);
        assert!(loaded.warnings[0].contains("author"));
        assert!(loaded.warnings[1].contains("markdown.render_emoji"));
    }

    #[test]
    fn feed_names_and_paginate_paths_cannot_leave_the_output() {
        let error = parse_text("feed_filenames = [\"../x.xml\"]").err().unwrap();
        assert!(
            error[0].message.contains("feed_filenames"),
            "{}",
            error[0].message
        );
        let taxonomy =
            "taxonomies = [{ name = \"tags\", paginate_by = 2, paginate_path = \"../p\" }]";
        assert!(parse_text(taxonomy).is_err());
    }

    #[test]
    fn base_url_flag_overrides_the_file() {
        let loaded = parse(
            Path::new("c"),
            "base_url = \"https://a.org\"",
            Some("http://127.0.0.1:1111/"),
        )
        .unwrap();
        assert_eq!(loaded.config.base_url, "http://127.0.0.1:1111");
    }
}
