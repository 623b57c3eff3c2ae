//! Stage 3: link loaded files into the immutable site graph (paths, Markdown, listings, taxonomies).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, TaxonomyConfig};
use crate::error::Diagnostic;
use crate::front_matter::{PageFront, SectionFront, SortBy, parse_date};
use crate::load::{Loaded, PlainFile, Source};
use crate::markdown::{self, LinkResolver, Rendered};
use crate::markdown_cache::{MarkdownCache, Reused};
use crate::url_path::{dir_path, permalink, safe_components};

/// A page: a Markdown file other than `_index.md`.
#[derive(Debug)]
pub struct Page {
    pub source: Arc<Source>,
    pub front: Arc<PageFront>,
    pub slug: String,
    /// Site path, e.g. `/shows/foo/ep-1/`.
    pub path: String,
    pub permalink: String,
    /// Index of the section whose `_index.md` sits in the page's folder, if any.
    pub section: Option<usize>,
    /// The date as a Unix timestamp, and its text as written (possibly from the file name).
    pub date: Option<i64>,
    pub date_text: Option<String>,
    pub updated: Option<i64>,
    /// The rendered Markdown, shared with the rebuild cache.
    pub rendered: Reused,
    /// Colocated files: (output path, source file).
    pub assets: Vec<PlainFile>,
    pub lower: Option<usize>,
    pub higher: Option<usize>,
}

/// A section: a folder with an `_index.md`.
#[derive(Debug)]
pub struct Section {
    pub source: Arc<Source>,
    pub front: Arc<SectionFront>,
    pub path: String,
    pub permalink: String,
    pub parent: Option<usize>,
    /// Listed pages, in the section's sort order.
    pub pages: Vec<usize>,
    /// Pages that could not be sorted (e.g. no date in a date-sorted section), as in Zola.
    pub ignored_pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub rendered: Reused,
    pub assets: Vec<PlainFile>,
}

/// One term of a taxonomy, e.g. the tag `rust`.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub terms: Vec<Term>,
}

/// A page or a section, as named by a content path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Page(usize),
    Section(usize),
}

/// The linked site: everything later stages read, nothing they change.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Shared with the template values, and between rebuilds of the same files.
    pub by_rel: Arc<HashMap<String, Item>>,
    pub static_files: Vec<PlainFile>,
    /// Content files that belong to no page or section, copied to their own path.
    pub loose_assets: Vec<PlainFile>,
    pub warnings: Vec<String>,
}

impl Site {
    /// The index section (`content/_index.md`, made up when missing).
    pub fn index(&self) -> usize {
        self.by_rel
            .get("_index.md")
            .and_then(|item| match item {
                Item::Section(i) => Some(*i),
                Item::Page(_) => None,
            })
            .unwrap_or(0)
    }
}

/// Resolves `@/` content paths through the site's own index: no copy of 10,000 permalinks.
struct Permalinks<'a>(&'a Site);

impl LinkResolver for Permalinks<'_> {
    fn permalink(&self, rel: &str) -> Option<&str> {
        let site = self.0;
        match site.by_rel.get(rel)? {
            Item::Page(i) => Some(&site.pages[*i].permalink),
            Item::Section(i) => Some(&site.sections[*i].permalink),
        }
    }
}

/// Links `loaded` into a site; `drafts` keeps pages and sections marked `draft`.
/// Without a `cache` (a one-off build: nothing is kept for a next run), each Markdown body is
/// let go once rendered, so the site's text is held once, as HTML.
pub fn link(
    config: Config,
    loaded: Loaded,
    drafts: bool,
    cache: Option<&mut MarkdownCache>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let (sections, pages) = place(&config, loaded.sections, loaded.pages, drafts, &mut errors);
    let items = pages.len() + sections.len();
    let mut site = Site {
        config,
        pages,
        sections,
        taxonomies: Vec::new(),
        by_rel: Arc::new(HashMap::with_capacity(items)),
        static_files: loaded.static_files,
        loose_assets: Vec::new(),
        warnings: loaded.warnings,
    };
    index_items(&mut site, &mut errors);
    attach_assets(&mut site, loaded.assets);
    let one_off = cache.is_none();
    render_markdown(&mut site, cache, &mut errors);
    if one_off {
        release_bodies(&mut site);
    }
    check_anchors(&site, &mut errors);
    build_sections(&mut site);
    site.taxonomies = build_taxonomies(&site, &mut errors);
    if errors.is_empty() {
        Ok(site)
    } else {
        Err(errors)
    }
}

/// `previous` (linked from the files as last seen, with colocated files `assets_before`) with
/// the Markdown of each re-read file rendered again, when that is all that changed: the same
/// files, each with the same front matter, and the same colocated and static files. What a
/// full `link` of `loaded` gives then, at the cost of the changed files alone; `None` when
/// anything else changed (then only a full link is right).
pub fn patch(
    mut previous: Site,
    assets_before: &[PlainFile],
    loaded: &Loaded,
    cache: &mut MarkdownCache,
) -> Option<Result<Site, Vec<Diagnostic>>> {
    // Without `content/_index.md` the site has a made-up index section of its own.
    let made_up_index = !loaded.sections.iter().any(|s| s.source.rel == "_index.md");
    if loaded.assets != assets_before
        || loaded.static_files != previous.static_files
        || loaded.pages.len() != previous.pages.len()
        || loaded.sections.len() + usize::from(made_up_index) != previous.sections.len()
    {
        return None;
    }
    let pages = loaded.pages.iter().map(|p| (&p.source, false));
    let mut changed = Vec::new();
    for (source, is_section) in pages.chain(loaded.sections.iter().map(|s| (&s.source, true))) {
        let item = *previous.by_rel.get(&source.rel)?;
        let before = match item {
            Item::Page(i) if !is_section => &mut previous.pages[i].source,
            Item::Section(i) if is_section => &mut previous.sections[i].source,
            _ => return None,
        };
        if Arc::ptr_eq(&before.text, &source.text) {
            continue;
        }
        if before.file != source.file || before.front_matter() != source.front_matter() {
            return None;
        }
        if before.text == source.text {
            // Read again but unchanged (e.g. after a failed load): same render, new copy.
            *before = Arc::clone(source);
        } else {
            changed.push((item, Arc::clone(source)));
        }
    }
    let smart = previous.config.markdown.smart_punctuation;
    let links = Permalinks(&previous);
    let renders: Vec<_> = changed
        .par_iter()
        .map(|(_, source)| {
            let permalink = links.permalink(&source.rel).unwrap_or_default();
            markdown::render(source, permalink, smart, &links)
        })
        .collect();
    // A file that fails leaves a full link to report, as it would: its old headings must not
    // satisfy other pages' anchors meanwhile.
    let renders: Vec<Rendered> = renders.into_iter().collect::<Result<_, _>>().ok()?;
    let mut fresh = Vec::new();
    for ((item, source), rendered) in changed.into_iter().zip(renders) {
        let reused = Reused {
            rendered: Arc::new(rendered),
            generation: cache.take_generations(1),
        };
        let permalink = links.permalink(&source.rel).unwrap_or_default();
        cache.put(&source, permalink, &reused, smart, &links);
        fresh.push((item, source, reused));
    }
    for (item, source, reused) in fresh {
        match item {
            Item::Page(i) => {
                (previous.pages[i].source, previous.pages[i].rendered) = (source, reused);
            }
            Item::Section(i) => {
                (previous.sections[i].source, previous.sections[i].rendered) = (source, reused);
            }
        }
    }
    let mut errors = Vec::new();
    check_anchors(&previous, &mut errors);
    previous.warnings.clone_from(&loaded.warnings);
    Some(if errors.is_empty() {
        Ok(previous)
    } else {
        Err(errors)
    })
}

/// Gives every section and page its site path and permalink, leaving out drafts.
fn place(
    config: &Config,
    loaded_sections: Vec<crate::load::LoadedSection>,
    loaded_pages: Vec<crate::load::LoadedPage>,
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

/// A user-given folder name such as `paginate_path`: one or more safe segments, not empty.
pub fn single_segment(text: &str) -> Result<String, String> {
    let clean = safe_components(text)?;
    if clean.is_empty() {
        Err(format!("`{text}` is empty"))
    } else {
        Ok(clean)
    }
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
        rendered: Reused::default(),
        assets: Vec::new(),
    }
}

/// Splits a leading `YYYY-MM-DD` + `_`/`-` off a file stem, as Zola does.
fn date_prefix(stem: &str) -> Option<(&str, &str)> {
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
        rendered: Reused::default(),
        assets: Vec::new(),
        lower: None,
        higher: None,
    })
}

/// Maps content paths to items and finds two files claiming one URL.
fn index_items(site: &mut Site, errors: &mut Vec<Diagnostic>) {
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
        by_rel.insert(section.source.rel.clone(), Item::Section(i));
    }
    for (i, page) in site.pages.iter().enumerate() {
        by_rel.insert(page.source.rel.clone(), Item::Page(i));
    }
}

/// Hands each content asset to the page or section of its folder (copied beside its output).
fn attach_assets(site: &mut Site, assets: Vec<PlainFile>) {
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
            Some(Item::Page(i)) => {
                let page = &mut site.pages[*i];
                page.assets.push(PlainFile {
                    rel: format!("{}{name}", page.path),
                    file: asset.file,
                });
            }
            Some(Item::Section(i)) => {
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

/// Renders every Markdown body in parallel; `@/` links resolve against all permalinks.
fn render_markdown(
    site: &mut Site,
    cache: Option<&mut MarkdownCache>,
    errors: &mut Vec<Diagnostic>,
) {
    let (pages, sections) = markdown_of(site, cache, errors);
    for (page, reused) in site.pages.iter_mut().zip(pages) {
        if let Some(reused) = reused {
            page.rendered = reused;
        }
    }
    for (section, reused) in site.sections.iter_mut().zip(sections) {
        if let Some(reused) = reused {
            section.rendered = reused;
        }
    }
}

/// Keeps only the front matter of each source whose Markdown is rendered: the body is read no
/// more (values hash the front matter; errors carry their lines already).
fn release_bodies(site: &mut Site) {
    let sources = site.pages.iter_mut().map(|p| &mut p.source);
    for source in sources.chain(site.sections.iter_mut().map(|s| &mut s.source)) {
        // Held elsewhere (never in a one-off build), a source stays whole: nothing to gain.
        if let Some(source) = Arc::get_mut(source) {
            source.text = Arc::from(source.front_matter());
        }
    }
}

/// Each page's and section's rendered Markdown, reused from `cache` where nothing it was made
/// from changed (`None` where it failed); `cache` is left holding exactly those that rendered.
/// Without a cache everything is rendered and nothing is remembered.
fn markdown_of(
    site: &Site,
    mut cache: Option<&mut MarkdownCache>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Option<Reused>>, Vec<Option<Reused>>) {
    let links = Permalinks(site);
    let smart = site.config.markdown.smart_punctuation;
    // Only the cache needs it: a number for every permalink, for its reuse checks.
    let urls = cache.is_some().then(|| {
        let mut hasher = std::hash::DefaultHasher::new();
        let sections = site.sections.iter().map(|s| (&s.source.rel, &s.permalink));
        sections
            .chain(site.pages.iter().map(|p| (&p.source.rel, &p.permalink)))
            .for_each(|pair| {
                std::hash::Hash::hash(&pair, &mut hasher);
            });
        std::hash::Hasher::finish(&hasher)
    });
    let urls = urls.unwrap_or_default();
    let cached = cache.as_deref();
    let render = |source: &Source, permalink: &str| match cached
        .and_then(|c| c.lookup(source, permalink, smart, &links, urls))
    {
        Some(reused) => Ok(Ok(reused)),
        None => markdown::render(source, permalink, smart, &links).map(Err),
    };
    let page_results: Vec<_> = site
        .pages
        .par_iter()
        .map(|p| render(&p.source, &p.permalink))
        .collect();
    let section_results: Vec<_> = site
        .sections
        .par_iter()
        .map(|s| render(&s.source, &s.permalink))
        .collect();
    let fresh = page_results
        .iter()
        .chain(&section_results)
        .filter(|r| matches!(r, Ok(Err(_))))
        .count();
    let mut generation = cache.as_mut().map_or(0, |c| c.take_generations(fresh));
    let mut take = |result: Result<Result<Reused, Rendered>, Vec<Diagnostic>>| match result {
        Ok(Ok(reused)) => Some(reused),
        Ok(Err(rendered)) => {
            generation += 1;
            Some(Reused {
                rendered: Arc::new(rendered),
                generation: generation - 1,
            })
        }
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let pages: Vec<Option<Reused>> = page_results.into_iter().map(&mut take).collect();
    let sections: Vec<Option<Reused>> = section_results.into_iter().map(&mut take).collect();
    let Some(cache) = cache else {
        return (pages, sections);
    };
    // Only what rendered: a file that failed must render again next run, not come back from
    // the cache as the empty render it holds meanwhile.
    let page_renders = site
        .pages
        .iter()
        .zip(&pages)
        .filter_map(|(p, r)| Some((&*p.source, p.permalink.as_str(), r.as_ref()?)));
    let section_renders = site
        .sections
        .iter()
        .zip(&sections)
        .filter_map(|(s, r)| Some((&*s.source, s.permalink.as_str(), r.as_ref()?)));
    cache.replace(page_renders.chain(section_renders), smart, &links, urls);
    (pages, sections)
}

/// Fails on `@/file.md#anchor` links whose anchor is no heading of the target.
fn check_anchors(site: &Site, errors: &mut Vec<Diagnostic>) {
    let rendered_of = |rel: &str| match site.by_rel.get(rel) {
        Some(Item::Page(i)) => Some(&site.pages[*i].rendered),
        Some(Item::Section(i)) => Some(&site.sections[*i].rendered),
        None => None,
    };
    let sources = site.pages.iter().map(|p| (&p.source, &p.rendered));
    for (source, rendered) in sources.chain(site.sections.iter().map(|s| (&s.source, &s.rendered)))
    {
        for link in &rendered.anchor_links {
            let found = rendered_of(&link.target).is_some_and(|r| r.anchors.contains(&link.anchor));
            if !found {
                errors.push(Diagnostic::at(
                    &source.file,
                    link.line,
                    None,
                    format!(
                        "broken internal link `@/{}#{}`: that file has no heading with id `{}`",
                        link.target, link.anchor, link.anchor
                    ),
                ));
            }
        }
    }
}

/// Files pages under their sections, sorts them, and links sections, parents and neighbours.
fn build_sections(site: &mut Site) {
    let section_of_dir: HashMap<String, usize> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.source.dir().to_string(), i))
        .collect();
    for (i, page) in site.pages.iter_mut().enumerate() {
        let dir = page.source.dir();
        let dir = if page.source.file_name() == "index.md" {
            dir.rsplit_once('/').map_or("", |(p, _)| p)
        } else {
            dir
        };
        page.section = section_of_dir.get(dir).copied();
        if let Some(s) = page.section {
            site.sections[s].pages.push(i);
        }
    }
    for i in 0..site.sections.len() {
        let dir = site.sections[i].source.dir().to_string();
        if dir.is_empty() {
            continue;
        }
        let parent = ancestors(&dir).find_map(|d| section_of_dir.get(d).copied());
        site.sections[i].parent = parent;
        if let Some(p) = parent {
            site.sections[p].subsections.push(i);
        }
    }
    for s in 0..site.sections.len() {
        sort_section(site, s);
    }
}

/// `a/b/c` → `a/b`, `a`, `` (the folders above `dir`, nearest first).
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut current = Some(dir);
    std::iter::from_fn(move || {
        let next = current?.rsplit_once('/').map(|(p, _)| p);
        current = next;
        Some(next.unwrap_or(""))
    })
    .take_while({
        let mut done = false;
        move |d| !std::mem::replace(&mut done, d.is_empty())
    })
}

fn sort_section(site: &mut Site, s: usize) {
    let sort_by = site.sections[s].front.sort_by;
    let pages = std::mem::take(&mut site.sections[s].pages);
    let key_ok = |p: &Page| match sort_by {
        SortBy::Date => p.date.is_some(),
        SortBy::UpdateDate => p.updated.or(p.date).is_some(),
        SortBy::Weight => p.front.weight.is_some(),
        SortBy::Title => p.front.title.is_some(),
        SortBy::None => true,
    };
    let (mut sorted, ignored): (Vec<usize>, Vec<usize>) =
        pages.into_iter().partition(|&i| key_ok(&site.pages[i]));
    let all = &site.pages;
    sorted.sort_by(|&a, &b| {
        let (pa, pb) = (&all[a], &all[b]);
        let primary = match sort_by {
            SortBy::Date => pb.date.cmp(&pa.date),
            SortBy::UpdateDate => pb.updated.or(pb.date).cmp(&pa.updated.or(pa.date)),
            SortBy::Weight => pa.front.weight.cmp(&pb.front.weight),
            SortBy::Title => natural_cmp(
                pa.front.title.as_deref().unwrap_or(""),
                pb.front.title.as_deref().unwrap_or(""),
            ),
            SortBy::None => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    if sort_by != SortBy::None {
        for (n, &i) in sorted.iter().enumerate() {
            // Zola's order: `lower` is the page before in the sorted list, `higher` the one after.
            site.pages[i].lower = n.checked_sub(1).map(|h| sorted[h]);
            site.pages[i].higher = sorted.get(n + 1).copied();
        }
    }
    let subsections = std::mem::take(&mut site.sections[s].subsections);
    let mut subsections = subsections;
    let sections = &site.sections;
    subsections.sort_by(|&a, &b| {
        let (sa, sb) = (&sections[a], &sections[b]);
        sa.front
            .weight
            .unwrap_or(0)
            .cmp(&sb.front.weight.unwrap_or(0))
            .then_with(|| sa.path.cmp(&sb.path))
    });
    let section = &mut site.sections[s];
    section.pages = sorted;
    section.ignored_pages = ignored;
    section.subsections = subsections;
}

/// Compares case-insensitively, with digit runs compared by value ("Ep 2" < "Ep 10").
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, ta), (db, tb)) in ca.iter().zip(cb.iter()) {
        let order = if *da && *db {
            let (na, nb) = (ta.trim_start_matches('0'), tb.trim_start_matches('0'));
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            ta.cmp(tb)
        };
        if order.is_ne() {
            return order;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// Groups pages by the terms of each configured taxonomy; an undeclared taxonomy is an error.
fn build_taxonomies(site: &Site, errors: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
    let mut taxonomies: Vec<Taxonomy> = site
        .config
        .taxonomies
        .iter()
        .map(|config| {
            let slug = slug::slugify(&config.name);
            let path = dir_path(&slug);
            Taxonomy {
                permalink: permalink(&site.config.base_url, &path),
                path,
                slug,
                config: config.clone(),
                terms: Vec::new(),
            }
        })
        .collect();
    // Thousands of pages share a few dozen terms: each distinct (taxonomy, value) is slugified
    // and looked up once, then found again by a hash of the value.
    let mut term_of: HashMap<(usize, &str), usize> = HashMap::new();
    let mut by_slug: Vec<HashMap<String, usize>> =
        taxonomies.iter().map(|_| HashMap::new()).collect();
    let mut terms: Vec<Vec<Term>> = taxonomies.iter().map(|_| Vec::new()).collect();
    for (i, page) in site.pages.iter().enumerate() {
        for (name, values) in &page.front.taxonomies {
            let Some(t) = taxonomies.iter().position(|t| &t.config.name == name) else {
                errors.push(Diagnostic::in_file(&page.source.file, format!(
                    "taxonomy `{name}` is not declared; add `{{ name = \"{name}\" }}` to `taxonomies` in config.toml"
                )));
                continue;
            };
            for value in values {
                let index = *term_of.entry((t, value.as_str())).or_insert_with(|| {
                    let slug = slug::slugify(value);
                    *by_slug[t].entry(slug.clone()).or_insert_with(|| {
                        let path = format!("{}{slug}/", taxonomies[t].path);
                        terms[t].push(Term {
                            name: value.clone(),
                            permalink: permalink(&site.config.base_url, &path),
                            path,
                            slug,
                            pages: Vec::new(),
                        });
                        terms[t].len() - 1
                    })
                });
                // Pages come in order, so a page listing a term twice can only be the last one.
                let pages = &mut terms[t][index].pages;
                if pages.last() != Some(&i) {
                    pages.push(i);
                }
            }
        }
    }
    let rank = newest_first(&site.pages);
    for (taxonomy, mut terms) in taxonomies.iter_mut().zip(terms) {
        terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for term in &mut terms {
            term.pages.sort_unstable_by_key(|&i| rank[i]);
        }
        taxonomy.terms = terms;
    }
    taxonomies
}

/// Each page's place when all are listed newest first, then by permalink (a term's order):
/// sorting every page once is cheaper than comparing dates and permalinks within each term.
fn newest_first(pages: &[Page]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    let mut rank = vec![0; pages.len()];
    for (place, &i) in order.iter().enumerate() {
        rank[i] = place;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_by_value() {
        assert!(natural_cmp("Episode 2", "Episode 10").is_lt());
        assert!(natural_cmp("apple", "Banana").is_lt());
    }

    #[test]
    fn ancestors_walk_up_to_the_root() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a", ""]);
        assert_eq!(ancestors("a").collect::<Vec<_>>(), [""]);
    }

    /// A site folder holding `files` (path, text).
    fn site_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// The site in `dir`, linked with or without a Markdown cache.
    fn linked(dir: &tempfile::TempDir, cache: Option<&mut MarkdownCache>) -> Site {
        let config = crate::config::load(dir.path(), None).unwrap().config;
        let loaded = crate::load::load(dir.path()).unwrap();
        link(config, loaded, false, cache).unwrap()
    }

    #[test]
    fn terms_merge_values_of_one_slug_and_list_each_page_once_newest_first() {
        let dir = site_dir(&[
            (
                "config.toml",
                "base_url = \"https://x.org\"\ntaxonomies = [{ name = \"tags\" }]\n",
            ),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"Rust\", \"rust\", \"Go\"]\n+++\n",
            ),
            (
                "content/b.md",
                "+++\ntitle = \"B\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"go\"]\n+++\n",
            ),
        ]);
        let site = linked(&dir, None);
        let terms: Vec<(&str, &str, usize)> = site.taxonomies[0]
            .terms
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.pages.len()))
            .collect();
        assert_eq!(terms, [("go", "Go", 2), ("rust", "Rust", 1)]);
        let newest_first: Vec<&str> = site.taxonomies[0].terms[0]
            .pages
            .iter()
            .map(|&i| site.pages[i].path.as_str())
            .collect();
        assert_eq!(newest_first, ["/b/", "/a/"]);
    }

    #[test]
    fn a_one_off_link_keeps_the_html_and_lets_the_markdown_go() {
        let dir = site_dir(&[
            ("config.toml", "base_url = \"https://x.org\"\n"),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\n+++\n# Hi\nSee [b](@/b.md).\n",
            ),
            ("content/b.md", "+++\ntitle = \"B\"\n+++\nB.\n"),
        ]);
        let kept = linked(&dir, Some(&mut MarkdownCache::default()));
        let one_off = linked(&dir, None);
        for (k, o) in kept.pages.iter().zip(&one_off.pages) {
            assert_eq!(k.rendered.content, o.rendered.content);
            assert_eq!(k.rendered.word_count, o.rendered.word_count);
            assert_eq!(&*o.source.text, k.source.front_matter());
            assert!(o.source.body().is_empty() && !k.source.body().is_empty());
        }
        assert!(
            one_off.pages[0]
                .rendered
                .content
                .contains("https://x.org/b/")
        );
    }

    #[test]
    fn date_prefixes_are_taken_off_file_names() {
        assert_eq!(
            date_prefix("2024-05-01-hello"),
            Some(("2024-05-01", "hello"))
        );
        assert_eq!(
            date_prefix("2024-05-01_hello"),
            Some(("2024-05-01", "hello"))
        );
        assert_eq!(date_prefix("hello"), None);
    }
}
