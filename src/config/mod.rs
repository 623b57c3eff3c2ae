//! Stage 1: read `config.toml` (Zola's keys plus Kiln's `[auth]`, `[fragment_search]` and `[cdn]`),
//! rejecting unknown keys.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::de::DeTable;

use crate::error::{Diagnostic, line_col};

pub mod cdn;
mod languages;
mod schema;
mod theme;

pub use languages::{LanguageOptions, is_right_to_left};

/// What to build and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The site's root folder (with `config.toml`, `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// Replaces `base_url` from `config.toml` (e.g. the local address in `kiln serve`).
    pub base_url: Option<String>,
    /// Also render pages and sections marked `draft = true`.
    pub drafts: bool,
    /// Which command builds: templates read it as `config.mode`.
    pub mode: Mode,
}

/// The command a build runs for, as Zola 0.22 tells templates (`config.mode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Build,
    Serve,
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
    /// The site's author, for feed entries whose page names no `authors` (Zola's `author`).
    #[serde(default)]
    pub author: Option<String>,
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
    pub build_search_index: bool,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub fragment_search: FragmentSearchConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Present only when the site has accounts: `kiln serve` mounts the sidecar for it.
    #[serde(default)]
    pub auth: Option<AuthConfig>,
    #[serde(default)]
    pub podcast: PodcastConfig,
    #[serde(default)]
    pub cdn: cdn::CdnConfig,
    /// `themes/<theme>/` supplies templates and static files the site does not have.
    #[serde(default)]
    pub theme: Option<String>,
    /// `build` or `serve`, from the command (never from the file).
    #[serde(skip_deserializing, default)]
    pub mode: Mode,
    /// A folder the taxonomies' pages go under (`/blog/tags/` for `blog`).
    #[serde(default)]
    pub taxonomy_root: Option<String>,
    /// Every language with its options, the default one included (merged from the top level).
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, LanguageOptions>,
    /// The default language's `trans` keys.
    #[serde(default)]
    pub translations: std::collections::BTreeMap<String, String>,
    #[serde(default = "crate::data::empty_object")]
    pub extra: serde_json::Value,
}

/// One `[[taxonomies]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxonomyConfig {
    pub name: String,
    /// The name as it appears in URLs (Zola's `taxonomy.slug`), from `name`.
    #[serde(skip_deserializing, default)]
    pub slug: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub feed: bool,
    #[serde(default = "yes")]
    pub render: bool,
}

/// The `[markdown]` table, with Zola's defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub smart_punctuation: bool,
    /// A class for links to other sites.
    #[serde(default)]
    pub external_links_class: Option<String>,
    /// Open links to other sites in a new tab (with `rel="noopener"`).
    #[serde(default)]
    pub external_links_target_blank: bool,
    #[serde(default)]
    pub external_links_no_follow: bool,
    #[serde(default)]
    pub external_links_no_referrer: bool,
    /// `rel="external"` on links to other sites (Zola 0.22 does it by default).
    #[serde(default = "yes")]
    pub external_links_external: bool,
    /// Where heading anchor links go: `none`, `left`, `right` or `heading`.
    #[serde(default)]
    pub insert_anchor_links: AnchorLinks,
    /// Present: code blocks are highlighted (Zola 0.22's table).
    #[serde(default)]
    pub highlighting: Option<HighlightingConfig>,
    /// How table cell alignment is written (Kiln's key; Zola writes inline styles).
    #[serde(default)]
    pub table_alignment: TableAlignment,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: false,
            external_links_class: None,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
            external_links_external: true,
            insert_anchor_links: AnchorLinks::None,
            highlighting: None,
            table_alignment: TableAlignment::Style,
        }
    }
}

/// How a Markdown table's column alignment is written: `style="text-align: …"` on each cell
/// (Zola's output), or `class="align-left|center|right"`, which a Content-Security-Policy
/// without `'unsafe-inline'` styles lets through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableAlignment {
    #[default]
    Style,
    Classes,
}

/// Where `insert_anchor_links` puts a link to each heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    /// The whole heading text becomes the link.
    Heading,
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
    /// JSON TextMate grammars (VS Code's `.tmLanguage.json`), from the site root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_grammars: Vec<String>,
    /// JSON VS Code colour themes, from the site root, usable by their `name` or file stem.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_themes: Vec<String>,
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

/// Zola's `[search]` table: what the search index of `build_search_index` holds, and its format.
#[derive(Debug, Clone, Hash, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchConfig {
    pub include_title: bool,
    pub include_content: bool,
    pub include_description: bool,
    pub include_date: bool,
    pub include_path: bool,
    /// Cut each body to this many characters (Unicode scalar values, as Zola counts).
    pub truncate_content_length: Option<usize>,
    pub index_format: IndexFormat,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            include_title: true,
            include_content: true,
            include_description: false,
            include_date: false,
            include_path: false,
            truncate_content_length: None,
            index_format: IndexFormat::default(),
        }
    }
}

/// The search index formats Zola writes, under its names for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexFormat {
    #[default]
    ElasticlunrJavascript,
    ElasticlunrJson,
    FuseJavascript,
    FuseJson,
}

impl IndexFormat {
    /// The index file for language `lang`, named as Zola names it (`search_index.en.js`).
    pub fn file_name(self, lang: &str) -> String {
        let extension = if self.is_javascript() { "js" } else { "json" };
        format!("search_index.{lang}.{extension}")
    }

    /// Whether the index is a script that sets `window.searchIndex` rather than plain JSON.
    pub fn is_javascript(self) -> bool {
        matches!(
            self,
            IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript
        )
    }

    pub fn is_elasticlunr(self) -> bool {
        matches!(
            self,
            IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson
        )
    }
}

/// Kiln's own `[fragment_search]` table: a search index cut into small files under
/// `/kiln-search/`, so a query downloads only the few it needs (not one whole-site index).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FragmentSearchConfig {
    #[serde(default)]
    pub enable: bool,
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

/// Kiln's `[podcast]` table: how strictly show artwork is held to the directories' rules.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PodcastConfig {
    #[serde(default)]
    pub artwork: Strictness,
}

/// Whether a broken rule fails the build or is reported and let through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strictness {
    #[default]
    Error,
    Warning,
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
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            // Say where it looked: `.` is whatever folder the command happened to run in.
            let folder = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
            format!(
                "there is none in {}, so it is not a site's folder: run kiln in one, pass \
                 --root DIR, or start a new site with `kiln init DIR`",
                folder.display()
            )
        } else {
            format!("could not read the site configuration: {e}")
        };
        vec![Diagnostic::in_file(&path, message)]
    })?;
    let mut loaded = parse(&path, &text, base_url)?;
    let config = &mut loaded.config;
    if let Some(name) = &config.theme {
        theme::apply(root, &path, name, &mut config.extra).map_err(|d| vec![d])?;
    }
    loaded
        .warnings
        .extend(missing_elasticlunr_js(root, &loaded.config));
    Ok(loaded)
}

/// Zola ships `elasticlunr.min.js` beside an elasticlunr index; no package offers the build
/// themes need (crates keep it private, npm's is older), so Kiln says once where a theme
/// expects it, unless the site brings its own.
fn missing_elasticlunr_js(root: &Path, config: &Config) -> Option<String> {
    let wanted = config.build_search_index && config.search.index_format.is_elasticlunr();
    let own = under(root, "static").join("elasticlunr.min.js");
    (wanted && !own.is_file()).then(|| {
        format!(
            "build_search_index: themes load the elasticlunr library from /elasticlunr.min.js, which Kiln does not ship; \
             put the copy Zola or mdBook ships at {} (the npm package `elasticlunr` is an older build whose results \
             lack the `doc` that theme scripts read), or use [search] index_format = \"fuse_javascript\"",
            own.display()
        )
    })
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
    let mut report = schema::KeyReport {
        path,
        text,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    schema::check_keys(table.get_ref(), &schema::ROOT, "", &mut report);
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|d| (d.line, d.column));
        return Err(report.errors);
    }
    let mut config: Config = toml::from_str(text).map_err(syntax_error)?;
    let plain: toml::Table = toml::from_str(text).map_err(syntax_error)?;
    schema::map_renamed(&plain, &mut config);
    if let Some(url) = base_url {
        config.base_url = url.to_string();
    }
    config.base_url = config.base_url.trim_end_matches('/').to_string();
    crate::data::normalise_dates(&mut config.extra);
    languages::settle(path, &mut config, &plain).map_err(|d| vec![d])?;
    check_taxonomies(path, &config).map_err(|d| vec![d])?;
    let lists = config.languages.values_mut().map(|l| &mut l.taxonomies);
    for taxonomy in std::iter::once(&mut config.taxonomies)
        .chain(lists)
        .flatten()
    {
        taxonomy.slug = slug::slugify(&taxonomy.name);
    }
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
    let languages = config.languages.values();
    for name in languages.clone().flat_map(|l| &l.feed_filenames) {
        let clean = crate::url_path::single_segment(name).map_err(|e| bad("feed_filenames", e))?;
        if clean != name.as_str() {
            return Err(bad(
                "feed_filenames",
                format!("`{name}` must be a plain file name such as \"atom.xml\""),
            ));
        }
    }
    if let Some(root) = &config.taxonomy_root {
        crate::url_path::safe_components(root).map_err(|e| bad("taxonomy_root", e))?;
    }
    for taxonomy in languages.flat_map(|l| &l.taxonomies) {
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
    for (code, language) in &config.languages {
        let mut seen = std::collections::HashSet::new();
        for taxonomy in &language.taxonomies {
            if taxonomy.name.trim().is_empty() || !seen.insert(taxonomy.name.as_str()) {
                return Err(Diagnostic::in_file(
                    path,
                    format!(
                        "taxonomy name `{}` of language `{code}` is empty or declared twice in `taxonomies`",
                        taxonomy.name
                    ),
                ));
            }
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
    fn defaults_follow_zola_and_a_site_has_accounts_only_with_an_auth_table() {
        let loaded = parse_text("base_url = \"https://example.com/\"\ntitle = \"T\"").unwrap();
        let config = loaded.config;
        assert_eq!(config.base_url, "https://example.com");
        assert_eq!(config.default_language, "en");
        assert_eq!(config.feed_filenames, vec!["atom.xml"]);
        assert!(config.generate_sitemap && config.generate_robots_txt && !config.generate_feeds);
        assert!(config.auth.is_none(), "no [auth] table, no accounts");
        assert!(loaded.warnings.is_empty());
        let with_auth = parse_text("base_url = \"x\"\n[auth]\n").unwrap().config;
        assert_eq!(with_auth.auth.map(|auth| auth.url).as_deref(), Some("/api"));
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
            parse_text("base_url = \"x\"\nminify_html = true\n[markdown]\nrender_emoji = true\n")
                .unwrap();
        assert_eq!(loaded.warnings.len(), 2);
        let joined = loaded.warnings.join("\n");
        assert!(joined.contains("minify_html"), "{joined}");
        assert!(joined.contains("markdown.render_emoji"), "{joined}");
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
    fn settings_of_older_zola_versions_warn_with_the_new_way_and_map_when_alike() {
        let loaded = parse_text(
            "base_url = \"x\"\ngenerate_feed = true\nfeed_filename = \"rss.xml\"\nhighlight_code = true\n\
             taxonomies = [{ name = \"tags\", rss = true }]\n[markdown]\nhighlight_theme = \"x\"\n",
        )
        .unwrap();
        let config = &loaded.config;
        assert!(config.generate_feeds && config.taxonomies[0].feed);
        assert_eq!(config.feed_filenames, ["rss.xml"]);
        assert_eq!(loaded.warnings.len(), 5, "{:?}", loaded.warnings);
        let about = |key: &str| loaded.warnings.iter().find(|w| w.contains(key)).unwrap();
        assert!(about("`generate_feed`").contains("Zola 0.22 has `generate_feeds`"));
        assert!(about("`markdown.highlight_theme`").contains("[markdown.highlighting]"));
    }

    #[test]
    fn every_zola_022_markdown_setting_is_accepted() {
        let loaded = parse_text(
            "base_url = \"x\"\ntaxonomy_root = \"blog\"\n[markdown]\nexternal_links_class = \"ext\"\n\
             external_links_target_blank = true\nexternal_links_no_follow = true\n\
             external_links_no_referrer = true\nexternal_links_external = false\n\
             insert_anchor_links = \"right\"\nrender_emoji = false\ngithub_alerts = true\n\
             [markdown.highlighting]\ntheme = \"github-light\"\n",
        )
        .unwrap();
        let markdown = &loaded.config.markdown;
        assert_eq!(markdown.external_links_class.as_deref(), Some("ext"));
        assert!(!markdown.external_links_external && markdown.external_links_no_follow);
        assert_eq!(markdown.insert_anchor_links, AnchorLinks::Right);
        assert!(markdown.highlighting.is_some());
        assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    }

    #[test]
    fn languages_are_checked_and_the_default_one_merges_with_the_top_level() {
        let loaded = parse_text(
            "base_url = \"x\"\ntitle = \"T\"\n[translations]\nhi = \"Hi\"\n[languages.ur]\ntitle = \"ٹی\"\n\
             taxonomies = [{ name = \"Tags Ur\" }]\n[languages.ur.translations]\nhi = \"سلام\"\n",
        )
        .unwrap();
        let config = loaded.config;
        assert!(config.is_multilingual());
        assert_eq!(config.language("en").title.as_deref(), Some("T"));
        assert_eq!(config.language("ur").translations["hi"], "سلام");
        assert_eq!(config.language("ur").taxonomies[0].slug, "tags-ur");
        assert_eq!(config.language_codes().collect::<Vec<_>>(), ["en", "ur"]);
        let both = parse_text("base_url = \"x\"\ntitle = \"A\"\n[languages.en]\ntitle = \"B\"\n");
        assert!(
            both.err().unwrap()[0]
                .message
                .contains("both at the top level")
        );
        let bad = parse_text("base_url = \"x\"\n[languages.\"../x\"]\n");
        assert!(
            bad.err().unwrap()[0]
                .message
                .contains("not a language code")
        );
        let typo = parse_text("base_url = \"x\"\n[languages.fr]\ntitel = \"T\"\n");
        assert!(
            typo.err().unwrap()[0]
                .message
                .contains("languages.fr.titel")
        );
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
