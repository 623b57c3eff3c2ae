//! Front matter: split a content file into its TOML (`+++`) or YAML (`---`) header and body.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Diagnostic, line_col};

/// A content file cut in two: its header text and its Markdown body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub format: Format,
    pub header: &'a str,
    /// Byte offset of `header` within the file, for error positions.
    pub header_offset: usize,
    /// Byte offset of `body` within the file.
    pub body_offset: usize,
    /// False when the opening fence has no closing one.
    pub closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    None,
}

/// Splits `text` at its front matter fences; a file without fences is all body.
pub fn split(text: &str) -> Split<'_> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let (fence, format) = if rest.starts_with("+++") {
        ("+++", Format::Toml)
    } else if rest.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return Split::all_body(text);
    };
    let after_open = match rest[3..].find('\n') {
        Some(i) if rest[3..3 + i].trim().is_empty() => start + 3 + i + 1,
        _ => return Split::all_body(text),
    };
    let mut offset = after_open;
    for line in text[after_open..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let body_offset = offset + line.len();
            return Split {
                format,
                header: &text[after_open..offset],
                header_offset: after_open,
                body_offset,
                closed: true,
            };
        }
        offset += line.len();
    }
    // An unclosed fence: report it as a header error at the end of the file.
    Split {
        format,
        header: &text[after_open..],
        header_offset: after_open,
        body_offset: text.len(),
        closed: false,
    }
}

impl<'a> Split<'a> {
    fn all_body(_text: &'a str) -> Self {
        Split {
            format: Format::None,
            header: "",
            header_offset: 0,
            body_offset: 0,
            closed: true,
        }
    }
}

/// Parses `split`'s header into `T`, placing errors at their line and column in `file`.
pub fn parse<T: for<'de> Deserialize<'de> + Default>(
    file: &Path,
    text: &str,
    split: &Split<'_>,
) -> Result<T, Diagnostic> {
    if !split.closed {
        let (line, _) = line_col(text, split.header_offset);
        return Err(Diagnostic::at(
            file,
            line.saturating_sub(1).max(1),
            Some(1),
            format!(
                "front matter opened with `{}` is never closed; add a `{}` line after it",
                fence(split.format),
                fence(split.format)
            ),
        ));
    }
    match split.format {
        Format::None => Ok(T::default()),
        Format::Toml => toml::from_str(split.header).map_err(|e| {
            let offset = split.header_offset + e.span().map_or(0, |s| s.start);
            let (line, column) = line_col(text, offset);
            let message = with_key(e.message().trim(), text, line, '=');
            Diagnostic::at(
                file,
                line,
                Some(column),
                format!("invalid front matter: {message}"),
            )
        }),
        Format::Yaml => serde_saphyr::from_str(split.header).map_err(|e| {
            let (first_line, _) = line_col(text, split.header_offset);
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let message = e.without_snippet().to_string();
            let line = first_line + line.max(1) - 1;
            let message = with_key(message.lines().next().unwrap_or("").trim(), text, line, ':');
            Diagnostic::at(
                file,
                line,
                Some(column.max(1)),
                format!("invalid front matter: {message}"),
            )
        }),
    }
}

/// Adds the key written on `line` (before `separator`) to a message that does not name it,
/// so "expected i64" becomes "expected i64 (key `weight`)".
fn with_key(message: &str, text: &str, line: usize, separator: char) -> String {
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once(separator))
        .map(|(k, _)| k.trim());
    match key {
        Some(key) if !key.is_empty() && !key.contains(' ') && !message.contains(key) => {
            format!("{message} (key `{key}`)")
        }
        _ => message.to_string(),
    }
}

fn fence(format: Format) -> &'static str {
    if format == Format::Yaml { "---" } else { "+++" }
}

/// A date as written in front matter: a string or a TOML date/datetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2024-05-01 or 2024-05-01T09:30:00Z")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.trim().to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<DateText, M::Error> {
                // The `toml` crate hands datetimes to serde as a one-entry map.
                match map.next_entry::<String, String>()? {
                    Some((_, text)) => Ok(DateText(text)),
                    None => Err(de::Error::custom("expected a date")),
                }
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

impl DateText {
    /// The date as seconds since the Unix epoch (UTC when no offset is given), for sorting and feeds.
    pub fn timestamp(&self) -> Option<i64> {
        parse_date(&self.0).map(|d| d.and_utc().timestamp())
    }
}

/// Parses the date forms Zola accepts: RFC 3339, `YYYY-MM-DD HH:MM:SS`, or `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDateTime> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.naive_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A page's front matter (Zola's keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PageFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateText>,
    pub updated: Option<DateText>,
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub aliases: Vec<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub extra: Option<serde_json::Value>,
    pub authors: Vec<String>,
    /// `false`: the page is listed in its section but gets no file of its own.
    pub render: Option<bool>,
    /// Kept for the search index (Zola's default: indexed).
    pub in_search_index: Option<bool>,
    /// A section key some sites put in pages; Zola ignores it there.
    pub sort_by: Option<IgnoredAny>,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    Date,
    UpdateDate,
    Weight,
    Title,
    #[default]
    None,
}

/// A section's front matter (`_index.md`, Zola's keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SectionFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: SortBy,
    pub weight: Option<i64>,
    pub draft: bool,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub paginate_reversed: bool,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    pub aliases: Vec<String>,
    pub generate_feeds: bool,
    /// The name before Zola 0.19; taken as `generate_feeds` when that is not set.
    pub generate_feed: Option<bool>,
    pub extra: Option<serde_json::Value>,
    /// Overrides `[markdown] insert_anchor_links` for this section's pages.
    pub insert_anchor_links: Option<crate::config::AnchorLinks>,
    /// Kept for the search index (Zola's default: indexed).
    pub in_search_index: Option<bool>,
    /// The section's pages are listed by its parent section as if they were its own.
    pub transparent: bool,
    /// Accepted by older Zola versions; a section has no date.
    pub date: Option<IgnoredAny>,
}

impl PageFront {
    /// Whether the page goes in the search index (Zola's default: yes).
    pub fn searchable(&self) -> bool {
        self.in_search_index != Some(false)
    }

    /// Warnings for Zola keys present here that Kiln ignores.
    pub fn unsupported(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.sort_by.is_some() {
            warnings.push(
                "`sort_by` has no effect in a page; it belongs in the section's _index.md".into(),
            );
        }
        warnings
    }
}

impl SectionFront {
    /// Whether the section goes in the search index (Zola's default: yes).
    pub fn searchable(&self) -> bool {
        self.in_search_index != Some(false)
    }

    /// Warnings for Zola keys present here that Kiln ignores or reads under their old name.
    pub fn unsupported(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.date.is_some() {
            warnings.push(
                "`date` is from an older Zola; Zola 0.22 sections have no date, and it is ignored"
                    .into(),
            );
        }
        if self.generate_feed.is_some() {
            warnings.push("`generate_feed` is from an older Zola; Zola 0.22 has `generate_feeds` (now used in its place)".into());
        }
        warnings
    }

    /// Folds keys read under their old name into their Zola 0.22 place.
    pub fn map_renamed(&mut self) {
        if let (Some(old), false) = (self.generate_feed, self.generate_feeds) {
            self.generate_feeds = old;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<PageFront, Diagnostic> {
        parse(Path::new("a.md"), text, &split(text))
    }

    #[test]
    fn toml_front_matter_and_body_split_at_the_fences() {
        let text = "+++\ntitle = \"Hi\"\ndate = 2024-05-01\n+++\nBody\n";
        let s = split(text);
        assert_eq!(s.format, Format::Toml);
        assert_eq!(&text[s.body_offset..], "Body\n");
        let front = page(text).unwrap();
        assert_eq!(front.title.as_deref(), Some("Hi"));
        assert_eq!(front.date, Some(DateText("2024-05-01".into())));
    }

    #[test]
    fn yaml_front_matter_parses_the_same_keys() {
        let front =
            page("---\ntitle: Hi\ndate: 2024-05-01T10:00:00Z\ntaxonomies:\n  tags: [a, b]\n---\nx")
                .unwrap();
        assert_eq!(front.title.as_deref(), Some("Hi"));
        assert_eq!(front.taxonomies["tags"], vec!["a", "b"]);
        assert!(front.date.unwrap().timestamp().is_some());
    }

    #[test]
    fn toml_error_points_at_the_line_in_the_whole_file() {
        let error = page("+++\ntitle = \"ok\"\ndate = = 3\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.column.is_some());
    }

    #[test]
    fn yaml_error_points_at_the_line_in_the_whole_file() {
        let error = page("---\ntitle: ok\ntitle2: [unclosed\n---\n").unwrap_err();
        assert!(error.line.unwrap() >= 3, "{error}");
    }

    #[test]
    fn unknown_page_key_is_an_error_with_its_line() {
        let error = page("+++\ntitle = \"x\"\ntitel = \"y\"\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("titel"), "{}", error.message);
    }

    #[test]
    fn wrongly_typed_value_names_its_key() {
        let error = page("+++\ntitle = \"x\"\nweight = \"heavy\"\n+++\n").unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("`weight`"), "{}", error.message);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(page("+++\ntitle = \"x\"\n").is_err());
    }

    #[test]
    fn dates_parse_in_zola_forms() {
        assert!(parse_date("2024-05-01").is_some());
        assert!(parse_date("2024-05-01 10:00:00").is_some());
        assert!(parse_date("2024-05-01T10:00:00+02:00").is_some());
        assert!(parse_date("May 1st").is_none());
    }
}
