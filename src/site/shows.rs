//! Podcasts: a show is a section with `[extra.podcast]`, an episode a page of it with `[extra.episode]`.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::config::Strictness;
use crate::error::Diagnostic;
use crate::site::{Page, Section, Site};

/// A show's channel data, checked and resolved (absolute image URL).
#[derive(Debug, Clone, Serialize)]
pub struct ShowMeta {
    pub author: String,
    pub image: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub explicit: bool,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub copyright: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// One episode's feed item data, checked and resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    #[serde(skip)]
    pub page: usize,
    pub url: String,
    pub length: u64,
    pub mime_type: String,
    /// `HH:MM:SS`.
    pub duration: String,
    /// RFC 2822, from the page's date.
    pub pub_date: String,
    pub number: Option<u64>,
    pub season: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Show {
    pub section: usize,
    pub meta: ShowMeta,
    pub episodes: Vec<Episode>,
}

/// Finds every show and episode of `site`, reporting each missing or wrong key; with them,
/// the warnings about artwork that `[podcast] artwork = "warning"` lets through.
pub fn shows(site: &Site) -> Result<(Vec<Show>, Vec<String>), Vec<Diagnostic>> {
    let mut shows = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (s, section) in site.sections.iter().enumerate() {
        let Some(podcast) = section.front.extra.as_ref().and_then(|e| e.get("podcast")) else {
            continue;
        };
        let mut keys = Keys {
            file: &section.source.file,
            table: "extra.podcast",
            value: podcast,
            errors: &mut errors,
            warnings: &mut warnings,
        };
        let meta = show_meta(site, section, &mut keys);
        let mut episodes = Vec::new();
        for &p in section.pages.iter().chain(&section.ignored_pages) {
            let page = &site.pages[p];
            let Some(episode) = page.front.extra.as_ref().and_then(|e| e.get("episode")) else {
                continue;
            };
            let mut keys = Keys {
                file: &page.source.file,
                table: "extra.episode",
                value: episode,
                errors: &mut errors,
                warnings: &mut warnings,
            };
            if let Some(episode) = episode_of(site, p, page, &mut keys) {
                episodes.push(episode);
            }
        }
        episodes.sort_by(|a, b| {
            let (pa, pb) = (&site.pages[a.page], &site.pages[b.page]);
            pb.date
                .cmp(&pa.date)
                .then_with(|| pa.permalink.cmp(&pb.permalink))
        });
        if let Some(meta) = meta {
            shows.push(Show {
                section: s,
                meta,
                episodes,
            });
        }
    }
    if errors.is_empty() {
        Ok((shows, warnings))
    } else {
        Err(errors)
    }
}

/// Reads keys of one `[extra.…]` table, recording an error naming file and key for each bad one.
struct Keys<'a> {
    file: &'a Path,
    table: &'static str,
    value: &'a Value,
    errors: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<String>,
}

impl Keys<'_> {
    fn fail(&mut self, key: &str, problem: &str) {
        self.errors.push(Diagnostic::in_file(
            self.file,
            format!("`{}.{key}` {problem}", self.table),
        ));
    }

    fn string(&mut self, key: &str, required: bool) -> Option<String> {
        match self.value.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            None | Some(Value::Null) if !required => None,
            None => {
                self.fail(key, "is required but missing");
                None
            }
            Some(_) => {
                self.fail(key, "must be a non-empty string");
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, required: bool) -> Option<bool> {
        match self.value.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            None if !required => None,
            None => {
                self.fail(key, "is required but missing (true or false)");
                None
            }
            Some(_) => {
                self.fail(key, "must be true or false");
                None
            }
        }
    }

    fn integer(&mut self, key: &str) -> Option<u64> {
        match self.value.get(key) {
            None => None,
            Some(v) => v.as_u64().or_else(|| {
                self.fail(key, "must be a whole number");
                None
            }),
        }
    }
}

fn show_meta(site: &Site, section: &Section, keys: &mut Keys<'_>) -> Option<ShowMeta> {
    if !keys.value.is_object() {
        keys.errors.push(Diagnostic::in_file(
            keys.file,
            "`extra.podcast` must be a table",
        ));
        return None;
    }
    let author = keys.string("author", true);
    let image = keys.string("image", true);
    let category = keys.string("category", true);
    let explicit = keys.boolean("explicit", true);
    let subcategory = keys.string("subcategory", false);
    let owner_name = keys.string("owner_name", false);
    let owner_email = keys.string("owner_email", false);
    let copyright = keys.string("copyright", false);
    let kind = keys
        .string("type", false)
        .unwrap_or_else(|| "episodic".into());
    if kind != "episodic" && kind != "serial" {
        keys.fail("type", "must be \"episodic\" or \"serial\"");
    }
    let image = image.and_then(|image| {
        let url = asset_url(site, &section.assets, &section.permalink, &image);
        match &url {
            None => keys.fail(
                "image",
                &format!(
                    "names `{image}`, which is not a file beside {}",
                    keys.file.display()
                ),
            ),
            Some((_, Some(file))) => check_artwork(site, keys, &image, file),
            Some((_, None)) => {}
        }
        url.map(|(url, _)| url)
    });
    let author = author?;
    Some(ShowMeta {
        owner_name: owner_name.unwrap_or_else(|| author.clone()),
        author,
        image: image?,
        category: category?,
        subcategory,
        explicit: explicit?,
        owner_email,
        copyright,
        kind,
    })
}

/// Holds the show's artwork `file` (named `image`) to the directories' rules: an error, or
/// with `[podcast] artwork = "warning"` a warning.
fn check_artwork(site: &Site, keys: &mut Keys<'_>, image: &str, file: &Path) {
    let Some(problem) = crate::images::artwork_problem(file) else {
        return;
    };
    let message = format!("`{image}` {problem}: {}", crate::images::ARTWORK_RULE);
    match site.config.podcast.artwork {
        Strictness::Error => keys.fail(
            "image",
            &format!("{message} (or set `artwork = \"warning\"` under [podcast] in config.toml)"),
        ),
        Strictness::Warning => keys
            .warnings
            .push(format!("{}: {message}", keys.file.display())),
    }
}

/// Resolves an audio or image reference: absolute URL, site path `/…`, or a colocated file name.
/// Returns the URL and, for local files, the file on disk.
fn asset_url(
    site: &Site,
    assets: &[crate::content::PlainFile],
    permalink: &str,
    reference: &str,
) -> Option<(String, Option<std::path::PathBuf>)> {
    if reference.starts_with("http://") || reference.starts_with("https://") {
        return Some((reference.to_string(), None));
    }
    if reference.starts_with('/') {
        let local = site
            .static_files
            .iter()
            .find(|f| format!("/{}", f.rel) == reference)
            .or_else(|| {
                site.pages
                    .iter()
                    .flat_map(|p| &p.assets)
                    .chain(site.sections.iter().flat_map(|s| &s.assets))
                    .find(|f| f.rel == reference)
            });
        return Some((
            format!("{}{reference}", site.config.base_url),
            local.map(|f| f.file.clone()),
        ));
    }
    let asset = assets
        .iter()
        .find(|a| a.rel.rsplit('/').next() == Some(reference))?;
    Some((format!("{permalink}{reference}"), Some(asset.file.clone())))
}

/// Where an episode's relative `audio` is looked for: beside the default language's version of
/// it when it has one (the translations of an episode share one audio file, so every feed
/// points at one URL), else beside the page itself.
fn audio_home<'s>(site: &'s Site, page: &'s Page) -> (&'s [crate::content::PlainFile], &'s str) {
    let original = page
        .translations
        .iter()
        .map(|&t| &site.pages[t])
        .find(|t| t.lang == site.config.default_language && !t.assets.is_empty());
    let home = original.unwrap_or(page);
    (&home.assets, &home.permalink)
}

fn episode_of(site: &Site, index: usize, page: &Page, keys: &mut Keys<'_>) -> Option<Episode> {
    let audio = keys.string("audio", true);
    let duration = duration(keys);
    let number = keys.integer("number");
    let season = keys.integer("season");
    let explicit = keys.boolean("explicit", false);
    let declared_length = keys.integer("length");
    let declared_type = keys.string("type", false);
    let pub_date = page.date.and_then(rfc2822);
    if pub_date.is_none() {
        keys.errors.push(Diagnostic::in_file(
            keys.file,
            "an episode needs a `date` in its front matter (its feed pubDate)",
        ));
    }
    let audio = audio?;
    let (assets, at) = audio_home(site, page);
    let Some((url, file)) = asset_url(site, assets, at, &audio) else {
        keys.fail(
            "audio",
            &format!(
                "names `{audio}`, which is not a file beside {}",
                keys.file.display()
            ),
        );
        return None;
    };
    let length = match (declared_length, &file) {
        (Some(length), _) => Some(length),
        (None, Some(file)) => std::fs::metadata(file).ok().map(|m| m.len()),
        (None, None) => {
            keys.fail(
                "length",
                "is required when `audio` is not a local file (its size in bytes)",
            );
            None
        }
    };
    let mime_type = declared_type
        .or_else(|| mime_of(&audio).map(str::to_string))
        .or_else(|| {
            keys.fail(
                "type",
                &format!("is needed: the kind of `{audio}` is unknown (e.g. \"audio/mpeg\")"),
            );
            None
        });
    Some(Episode {
        page: index,
        url,
        length: length?,
        mime_type: mime_type?,
        duration: duration?,
        pub_date: pub_date?,
        number,
        season,
        explicit,
    })
}

/// `duration` as `HH:MM:SS`, from whole seconds or `H:MM:SS` / `MM:SS` text.
fn duration(keys: &mut Keys<'_>) -> Option<String> {
    let seconds = match keys.value.get("duration") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => parse_clock(s),
        None => {
            keys.fail(
                "duration",
                "is required but missing (seconds, or \"HH:MM:SS\")",
            );
            return None;
        }
        Some(_) => None,
    };
    let Some(seconds) = seconds else {
        keys.fail("duration", "must be whole seconds or \"HH:MM:SS\"");
        return None;
    };
    Some(format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    ))
}

fn parse_clock(text: &str) -> Option<u64> {
    let parts: Vec<u64> = text
        .trim()
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 3 || parts[1..].iter().any(|&p| p >= 60) {
        return None;
    }
    Some(parts.iter().fold(0, |total, p| total * 60 + p))
}

/// The MIME type podcast apps expect for an audio file's extension.
fn mime_of(file: &str) -> Option<&'static str> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "mp3" => "audio/mpeg",
        "m4a" => "audio/x-m4a",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "wav" => "audio/wav",
        _ => return None,
    })
}

/// A Unix time in RFC 2822 with a two-digit day, as podcast directories print it.
pub(crate) fn rfc2822(timestamp: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|d| d.format("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_seconds_and_clock_text() {
        assert_eq!(parse_clock("1:02:03"), Some(3723));
        assert_eq!(parse_clock("05:09"), Some(309));
        assert_eq!(parse_clock("1:75"), None);
        assert_eq!(parse_clock("abc"), None);
    }

    #[test]
    fn pub_dates_are_rfc2822_with_two_digit_days() {
        assert_eq!(
            rfc2822(1_709_596_800).as_deref(),
            Some("Tue, 05 Mar 2024 00:00:00 +0000")
        );
    }

    #[test]
    fn mime_types_follow_the_extension() {
        assert_eq!(mime_of("a.MP3"), Some("audio/mpeg"));
        assert_eq!(mime_of("a.m4a"), Some("audio/x-m4a"));
        assert_eq!(mime_of("a.opus"), Some("audio/ogg"));
        assert_eq!(mime_of("a.flac"), None);
    }
}
