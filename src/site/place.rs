//! Where each page and section goes: its site path and permalink, its drafts left out, its
//! colocated files attached, and two files that want one URL refused.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::{Page, PageOrSection, Section, Site};
use crate::config::Config;
use crate::content::front_matter::{PageFront, SectionFront, parse_date};
use crate::content::{LoadedPage, LoadedSection, PlainFile, Source};
use crate::error::Diagnostic;
use crate::markdown::Body;
use crate::url_path::{dir_path, permalink, safe_components, single_segment};

/// Gives every section and page its site path and permalink, leaving out drafts.
pub(super) fn place(
    config: &Config,
    loaded_sections: Vec<LoadedSection>,
    loaded_pages: Vec<LoadedPage>,
    drafts: bool,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Section>, Vec<Page>) {
    let mut sections: Vec<Section> = Vec::new();
    let rels: Vec<&str> = loaded_sections
        .iter()
        .map(|s| s.source.rel.as_str())
        .collect();
    for lang in missing_indexes(config, &rels) {
        let source = Arc::new(made_up_index(config, &lang));
        sections.push(new_section(config, source, Arc::default(), lang));
    }
    let draft_dirs: Vec<String> = loaded_sections
        .iter()
        .filter(|s| s.front.draft && !drafts)
        .map(|s| format!("{}/", s.source.dir()))
        .collect();
    let in_draft = |rel: &str| {
        draft_dirs
            .iter()
            .any(|d| d != "/" && rel.starts_with(d.as_str()))
    };
    for mut loaded in loaded_sections {
        if in_draft(&loaded.source.rel) {
            continue;
        }
        if let Some(paginate_path) = &loaded.front.paginate_path {
            match single_segment(paginate_path) {
                Ok(clean) => Arc::make_mut(&mut loaded.front).paginate_path = Some(clean),
                Err(e) => {
                    let message = format!("front matter `paginate_path`: {e}");
                    errors.push(Diagnostic::in_file(&loaded.source.file, message));
                    continue;
                }
            }
        }
        match super::languages::file_language(config, &loaded.source) {
            Ok(found) => {
                let lang = found.lang;
                sections.push(new_section(config, loaded.source, loaded.front, lang));
            }
            Err(error) => errors.push(error),
        }
    }
    let placed: Vec<Result<Page, Diagnostic>> = loaded_pages
        .into_par_iter()
        .filter(|loaded| (drafts || !loaded.front.draft) && !in_draft(&loaded.source.rel))
        .map(|loaded| new_page(config, loaded.source, loaded.front))
        .collect();
    let mut pages = Vec::with_capacity(placed.len());
    for result in placed {
        match result {
            Ok(page) => pages.push(page),
            Err(error) => errors.push(error),
        }
    }
    (sections, pages)
}

/// The languages whose index section (`_index.md`, `_index.<lang>.md`) is not among the
/// section files `rels`: Kiln makes one up for each, as Zola does.
pub(crate) fn missing_indexes(config: &Config, rels: &[&str]) -> Vec<String> {
    config
        .language_codes()
        .filter(|lang| {
            let rel = super::languages::translated_rel(config, "_index.md", lang);
            !rels.contains(&rel.as_str())
        })
        .map(str::to_string)
        .collect()
}

fn made_up_index(config: &Config, lang: &str) -> Source {
    let rel = super::languages::translated_rel(config, "_index.md", lang);
    Source {
        file: PathBuf::from("content").join(&rel),
        rel,
        text: Arc::from(""),
        body_offset: 0,
    }
}

fn new_section(
    config: &Config,
    source: Arc<Source>,
    front: Arc<SectionFront>,
    lang: String,
) -> Section {
    let path = format!("{}{}", config.lang_prefix(&lang), dir_path(source.dir()));
    Section {
        permalink: permalink(&config.base_url, &path),
        path,
        lang,
        translations: Vec::new(),
        source,
        front,
        parent: None,
        pages: Vec::new(),
        ignored_pages: Vec::new(),
        subsections: Vec::new(),
        body: Body::default(),
        assets: Vec::new(),
    }
}

/// Splits a leading `YYYY-MM-DD` + `_`/`-` off a file stem, as Zola does.
pub(super) fn date_prefix(stem: &str) -> Option<(&str, &str)> {
    let (date, rest) = (stem.get(..10)?, stem.get(10..)?);
    let rest = rest.strip_prefix('_').or_else(|| rest.strip_prefix('-'))?;
    (parse_date(date).is_some() && !rest.is_empty()).then_some((date, rest))
}

fn new_page(
    config: &Config,
    source: Arc<Source>,
    front: Arc<PageFront>,
) -> Result<Page, Diagnostic> {
    let found = super::languages::file_language(config, &source)?;
    let colocated = found.name.split('.').next() == Some("index") && !source.dir().is_empty();
    let (parent_dir, stem) = if colocated {
        let dir = source.dir();
        dir.rsplit_once('/').map_or(("", dir), |(p, d)| (p, d))
    } else {
        (source.dir(), found.name)
    };
    let lang = found.lang;
    let (file_date, stem) = date_prefix(stem).map_or((None, stem), |(d, s)| (Some(d), s));
    if let Some(custom) = &front.slug
        && (custom.contains(['/', '\\']) || custom.trim() == ".." || custom.trim() == ".")
    {
        let message = format!(
            "front matter `slug = \"{custom}\"` would leave its folder; a slug is one path segment, use `path` to move a page"
        );
        return Err(Diagnostic::in_file(&source.file, message));
    }
    let slug = slug::slugify(front.slug.as_deref().unwrap_or(stem));
    // A `path` in the front matter is the whole path, with no language prefix (Zola's rule).
    let path = match &front.path {
        Some(custom) => safe_components(custom)
            .map(|c| dir_path(&c))
            .map_err(|e| Diagnostic::in_file(&source.file, format!("front matter `path`: {e}")))?,
        None => {
            let parts = [parent_dir, slug.as_str()];
            let joined: Vec<&str> = parts.into_iter().filter(|s| !s.is_empty()).collect();
            format!(
                "{}{}",
                config.lang_prefix(&lang),
                dir_path(&joined.join("/"))
            )
        }
    };
    let date_text = front
        .date
        .as_ref()
        .map(|d| d.0.clone())
        .or(file_date.map(str::to_string));
    let date = match &date_text {
        Some(text) => Some(parse_date(text).map(|d| d.and_utc().timestamp()).ok_or_else(|| {
            Diagnostic::in_file(&source.file, format!("front matter `date = \"{text}\"` is not a date; write 2024-05-01 or 2024-05-01T09:30:00Z"))
        })?),
        None => None,
    };
    let updated = front.updated.as_ref().and_then(|d| d.timestamp());
    Ok(Page {
        permalink: permalink(&config.base_url, &path),
        path,
        slug,
        lang,
        colocated,
        translations: Vec::new(),
        source,
        front,
        section: None,
        date,
        date_text,
        updated,
        body: Body::default(),
        assets: Vec::new(),
        lower: None,
        higher: None,
    })
}

/// Maps content paths to items and finds two files claiming one URL.
pub(super) fn index_items(site: &mut Site, errors: &mut Vec<Diagnostic>) {
    let mut by_path: HashMap<&str, &Source> =
        HashMap::with_capacity(site.pages.len() + site.sections.len());
    let sections = site.sections.iter().map(|s| (&s.path, &s.source));
    let pages = site.pages.iter().map(|p| (&p.path, &p.source));
    for (path, source) in sections.chain(pages) {
        if let Some(other) = by_path.insert(path.as_str(), source) {
            errors.push(Diagnostic::in_file(
                &source.file,
                format!(
                    "this file and {} both want the URL {path}; change one's `slug` or `path`",
                    other.file.display()
                ),
            ));
        }
    }
    let by_rel = Arc::make_mut(&mut site.by_rel);
    for (i, section) in site.sections.iter().enumerate() {
        by_rel.insert(section.source.rel.clone(), PageOrSection::Section(i));
    }
    for (i, page) in site.pages.iter().enumerate() {
        by_rel.insert(page.source.rel.clone(), PageOrSection::Page(i));
    }
}

/// Hands each content asset to the pages of its folder (`index.md` and its translations), or
/// else to its sections (each language's `_index.md`); it is copied beside each one's output,
/// as in Zola.
pub(super) fn attach_assets(site: &mut Site, assets: Vec<PlainFile>) {
    let mut owners: HashMap<&str, Vec<PageOrSection>> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate().filter(|(_, p)| p.colocated) {
        owners
            .entry(page.source.dir())
            .or_default()
            .push(PageOrSection::Page(i));
    }
    for (i, section) in site.sections.iter().enumerate() {
        let dir = section.source.dir();
        if !owners
            .get(dir)
            .is_some_and(|o| matches!(o[0], PageOrSection::Page(_)))
        {
            owners
                .entry(dir)
                .or_default()
                .push(PageOrSection::Section(i));
        }
    }
    let owners: HashMap<String, Vec<PageOrSection>> = owners
        .into_iter()
        .map(|(d, o)| (d.to_string(), o))
        .collect();
    for asset in assets {
        let (dir, name) = asset
            .rel
            .rsplit_once('/')
            .map_or(("", asset.rel.as_str()), |(d, n)| (d, n));
        let Some(found) = owners.get(dir) else {
            site.loose_assets.push(PlainFile {
                rel: format!("/{}", asset.rel),
                file: asset.file,
            });
            continue;
        };
        for owner in found {
            let (path, list) = match *owner {
                PageOrSection::Page(i) => {
                    let page = &mut site.pages[i];
                    (&page.path, &mut page.assets)
                }
                PageOrSection::Section(i) => {
                    let section = &mut site.sections[i];
                    (&section.path, &mut section.assets)
                }
            };
            list.push(PlainFile {
                rel: format!("{path}{name}"),
                file: asset.file.clone(),
            });
        }
    }
}
