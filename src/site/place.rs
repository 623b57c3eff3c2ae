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
    if !loaded_sections.iter().any(|s| s.source.rel == "_index.md") {
        sections.push(new_section(
            config,
            Arc::new(made_up_index()),
            Arc::default(),
        ));
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
        sections.push(new_section(config, loaded.source, loaded.front));
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

fn made_up_index() -> Source {
    Source {
        file: PathBuf::from("content/_index.md"),
        rel: "_index.md".into(),
        text: Arc::from(""),
        body_offset: 0,
    }
}

fn new_section(config: &Config, source: Arc<Source>, front: Arc<SectionFront>) -> Section {
    let path = dir_path(source.dir());
    Section {
        permalink: permalink(&config.base_url, &path),
        path,
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
    let colocated = source.file_name() == "index.md";
    let (parent_dir, stem) = if colocated {
        let dir = source.dir();
        dir.rsplit_once('/').map_or(("", dir), |(p, d)| (p, d))
    } else {
        (source.dir(), source.file_name().trim_end_matches(".md"))
    };
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
    let path = match &front.path {
        Some(custom) => safe_components(custom)
            .map(|c| dir_path(&c))
            .map_err(|e| Diagnostic::in_file(&source.file, format!("front matter `path`: {e}")))?,
        None => dir_path(
            &[parent_dir, slug.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/"),
        ),
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

/// Hands each content asset to the page or section of its folder (copied beside its output).
pub(super) fn attach_assets(site: &mut Site, assets: Vec<PlainFile>) {
    for asset in assets {
        let (dir, name) = asset
            .rel
            .rsplit_once('/')
            .map_or(("", asset.rel.as_str()), |(d, n)| (d, n));
        let name = name.to_string();
        let page_rel = if dir.is_empty() {
            "index.md".to_string()
        } else {
            format!("{dir}/index.md")
        };
        let section_rel = if dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{dir}/_index.md")
        };
        match site
            .by_rel
            .get(&page_rel)
            .or_else(|| site.by_rel.get(&section_rel))
        {
            Some(PageOrSection::Page(i)) => {
                let page = &mut site.pages[*i];
                page.assets.push(PlainFile {
                    rel: format!("{}{name}", page.path),
                    file: asset.file,
                });
            }
            Some(PageOrSection::Section(i)) => {
                let section = &mut site.sections[*i];
                section.assets.push(PlainFile {
                    rel: format!("{}{name}", section.path),
                    file: asset.file,
                });
            }
            None => site.loose_assets.push(PlainFile {
                rel: format!("/{}", asset.rel),
                file: asset.file,
            }),
        }
    }
}
