//! The keys `config.toml` may hold, table by table: those Kiln implements, Zola 0.22's that it
//! does not yet (one warning each), and those older Zola versions (0.17–0.21) accepted and 0.22
//! renamed or removed (one warning naming the 0.22 way; mapped where the meaning is the same).
//! Any other key is an error naming its line.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::Config;
use crate::error::{Diagnostic, line_col};

/// The keys a table may hold.
pub(super) struct Schema {
    known: &'static [&'static str],
    unsupported: &'static [&'static str],
    /// (old key, what Zola 0.22 has instead).
    renamed: &'static [(&'static str, &'static str)],
    tables: &'static [(&'static str, &'static Schema)],
    /// For a table whose keys are names the site chooses (`[languages.ur]`): the schema of
    /// every table under them; `Some(&OPEN)` takes any key at all (`[translations]`).
    each: Option<&'static Schema>,
}

const HIGHLIGHTING: &str = "the [markdown.highlighting] table";

pub(super) const ROOT: Schema = Schema {
    known: &[
        "base_url",
        "title",
        "description",
        "author",
        "default_language",
        "generate_feeds",
        "feed_filenames",
        "feed_limit",
        "generate_sitemap",
        "generate_robots_txt",
        "extra",
        "theme",
        "taxonomy_root",
        "build_search_index",
        "compile_sass",
    ],
    unsupported: &[
        "output_dir",
        "preserve_dotfiles_in_output",
        "minify_html",
        "ignored_content",
        "ignored_static",
        "hard_link_static",
        "link_checker",
        "slugify",
        "exclude_paginated_pages_in_sitemap",
    ],
    renamed: &[
        ("generate_feed", "`generate_feeds` (now used in its place)"),
        ("generate_rss", "`generate_feeds` (now used in its place)"),
        (
            "feed_filename",
            "`feed_filenames = [\"…\"]` (now used in its place)",
        ),
        ("rss_limit", "`feed_limit` (now used in its place)"),
        ("highlight_code", HIGHLIGHTING),
        ("highlight_theme", HIGHLIGHTING),
        ("highlight_themes_css", HIGHLIGHTING),
        ("extra_syntaxes", HIGHLIGHTING),
        ("extra_syntaxes_and_themes", HIGHLIGHTING),
    ],
    tables: &[
        ("markdown", &MARKDOWN),
        ("auth", &AUTH),
        ("podcast", &PODCAST),
        ("search", &SEARCH),
        ("fragment_search", &FRAGMENT_SEARCH),
        ("cdn", &CDN),
        ("taxonomies", &TAXONOMY),
        ("languages", &LANGUAGES),
        ("translations", &OPEN),
    ],
    each: None,
};
/// `[languages]`: one table per language code.
const LANGUAGES: Schema = Schema {
    known: &[],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: Some(&LANGUAGE),
};
const LANGUAGE: Schema = Schema {
    known: &[
        "title",
        "description",
        "generate_feeds",
        "feed_filenames",
        "build_search_index",
    ],
    unsupported: &[],
    renamed: &[
        ("generate_feed", "`generate_feeds`"),
        ("feed_filename", "`feed_filenames = [\"…\"]`"),
    ],
    tables: &[
        ("taxonomies", &TAXONOMY),
        ("search", &SEARCH),
        ("translations", &OPEN),
    ],
    each: None,
};
/// In `known`: any key at all.
const ANY_KEY: &str = "*";
/// A table of names the site chooses, each holding any value.
const OPEN: Schema = Schema {
    known: &[ANY_KEY],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const MARKDOWN: Schema = Schema {
    known: &[
        "smart_punctuation",
        "external_links_class",
        "external_links_target_blank",
        "external_links_no_follow",
        "external_links_no_referrer",
        "external_links_external",
        "insert_anchor_links",
        "table_alignment",
    ],
    unsupported: &[
        "render_emoji",
        "definition_list",
        "bottom_footnotes",
        "lazy_async_image",
        "github_alerts",
        "math",
    ],
    renamed: &[
        ("highlight_code", HIGHLIGHTING),
        ("highlight_theme", HIGHLIGHTING),
        ("highlight_themes_css", HIGHLIGHTING),
        ("extra_syntaxes", HIGHLIGHTING),
        ("extra_syntaxes_and_themes", HIGHLIGHTING),
    ],
    tables: &[("highlighting", &HIGHLIGHTING_TABLE)],
    each: None,
};
const SEARCH: Schema = Schema {
    known: &[
        "include_title",
        "include_content",
        "include_description",
        "include_date",
        "include_path",
        "truncate_content_length",
        "index_format",
    ],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const CDN: Schema = Schema {
    known: &["redirects", "headers", "content_security_policy"],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const FRAGMENT_SEARCH: Schema = Schema {
    known: &["enable"],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const HIGHLIGHTING_TABLE: Schema = Schema {
    known: &[
        "theme",
        "light_theme",
        "dark_theme",
        "style",
        "error_on_missing_language",
        "extra_grammars",
        "extra_themes",
    ],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const PODCAST: Schema = Schema {
    known: &["artwork"],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const AUTH: Schema = Schema {
    known: &["url"],
    unsupported: &[],
    renamed: &[],
    tables: &[],
    each: None,
};
const TAXONOMY: Schema = Schema {
    known: &["name", "paginate_by", "paginate_path", "feed", "render"],
    unsupported: &["lang"],
    renamed: &[("rss", "`feed` (now used in its place)")],
    tables: &[],
    each: None,
};

/// What checking the keys found.
pub(super) struct KeyReport<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub warnings: Vec<String>,
    pub errors: Vec<Diagnostic>,
}

/// Checks every key of `table` against `schema`: unknown keys are errors, unsupported and
/// renamed ones warnings.
pub(super) fn check_keys(
    table: &DeTable<'_>,
    schema: &Schema,
    prefix: &str,
    report: &mut KeyReport<'_>,
) {
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let full = format!("{prefix}{name}");
        let nested = schema
            .tables
            .iter()
            .find(|(t, _)| *t == name)
            .map(|(_, n)| *n);
        if let Some(nested) = nested.or(schema.each) {
            if nested.known == [ANY_KEY] {
                continue;
            }
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
        } else if let Some((_, instead)) = schema.renamed.iter().find(|(old, _)| *old == name) {
            report.warnings.push(format!(
                "{}: `{full}` is from an older Zola; Zola 0.22 has {instead}",
                report.path.display()
            ));
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

/// Takes the value of each renamed key whose meaning is the same into its 0.22 key, unless
/// the file sets that key too.
pub(super) fn map_renamed(table: &toml::Table, config: &mut Config) {
    let has = |key: &str| table.contains_key(key);
    let old_feed = table
        .get("generate_feed")
        .or_else(|| table.get("generate_rss"));
    if let (Some(value), false) = (
        old_feed.and_then(toml::Value::as_bool),
        has("generate_feeds"),
    ) {
        config.generate_feeds = value;
    }
    let old_name = table.get("feed_filename").and_then(toml::Value::as_str);
    if let (Some(name), false) = (old_name, has("feed_filenames")) {
        config.feed_filenames = vec![name.to_string()];
    }
    let old_limit = table.get("rss_limit").and_then(toml::Value::as_integer);
    if let (Some(limit), false) = (old_limit, has("feed_limit")) {
        config.feed_limit = usize::try_from(limit).ok();
    }
    let taxonomies = table.get("taxonomies").and_then(toml::Value::as_array);
    for (taxonomy, declared) in config
        .taxonomies
        .iter_mut()
        .zip(taxonomies.into_iter().flatten())
    {
        let old = declared.get("rss").and_then(toml::Value::as_bool);
        if let (Some(feed), None) = (old, declared.get("feed")) {
            taxonomy.feed = feed;
        }
    }
}
