//! Every page's and section's Markdown rendered to HTML (in parallel, reusing a cache when the
//! build runs again), and `@/file.md#anchor` links checked against the target's headings.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::{Bodies, PageOrSection, Permalinks, Site};
use crate::content::Source;
use crate::error::Diagnostic;
use crate::markdown::cache::MarkdownCache;
use crate::markdown::{self, Body, Embeds, Options, RenderedMarkdown, ShortcodeTemplates};

/// One file's Markdown: a body kept from the cache, or HTML rendered just now.
enum Outcome {
    Kept(Body),
    Fresh(Box<RenderedMarkdown>),
}

type Results = Vec<Result<Outcome, Vec<Diagnostic>>>;

/// Renders every Markdown body in parallel; `@/` links resolve against all permalinks.
pub(super) fn render_markdown(
    site: &mut Site,
    bodies: Bodies<'_>,
    shortcodes: &dyn ShortcodeTemplates,
    errors: &mut Vec<Diagnostic>,
) {
    let once = matches!(bodies, Bodies::RenderOnce);
    let (pages, sections) = match bodies {
        Bodies::RenderOnce => {
            let (pages, sections) = render_each(site, shortcodes, |_, _, _, _| None);
            let after_pages = fresh(&pages) as u64;
            (
                number(pages, 0, errors),
                number(sections, after_pages, errors),
            )
        }
        Bodies::Cached(cache) => cached(site, cache, shortcodes, errors),
    };
    for (page, body) in site.pages.iter_mut().zip(pages) {
        if let Some(body) = body {
            page.body = body;
        }
    }
    for (section, body) in site.sections.iter_mut().zip(sections) {
        if let Some(body) = body {
            section.body = body;
        }
    }
    if once {
        release_sources(site);
    }
}

/// Keeps only the front matter of each source whose Markdown is rendered: the body is read no
/// more (values hash the front matter; errors carry their lines already).
fn release_sources(site: &mut Site) {
    let sources = site.pages.iter_mut().map(|p| &mut p.source);
    for source in sources.chain(site.sections.iter_mut().map(|s| &mut s.source)) {
        // Held elsewhere (never in a build that runs once), a source stays whole.
        if let Some(source) = Arc::get_mut(source) {
            source.text = Arc::from(source.front_matter());
        }
    }
}

/// Every page's and section's Markdown, taken from `kept` where it has it, else rendered.
fn render_each(
    site: &Site,
    shortcodes: &dyn ShortcodeTemplates,
    kept: impl Fn(&Source, &str, &Options, &Embeds<'_>) -> Option<Body> + Sync,
) -> (Results, Results) {
    let links = Permalinks(site);
    let config = serde_json::to_value(&site.config).unwrap_or(Value::Null);
    let render = |source: &Source, permalink: &str, item| {
        let options = options(site, item);
        let context = || embed_context(site, item, &config);
        let embeds = Embeds {
            templates: shortcodes,
            context: &context,
        };
        match kept(source, permalink, &options, &embeds) {
            Some(body) => Ok(Outcome::Kept(body)),
            None => {
                let rendered = markdown::render(
                    source,
                    permalink,
                    &options,
                    &links,
                    &embeds,
                    site.highlighter.as_deref(),
                );
                rendered.map(|html| Outcome::Fresh(Box::new(html)))
            }
        }
    };
    let pages = site.pages.par_iter().enumerate();
    let pages = pages
        .map(|(i, p)| render(&p.source, &p.permalink, PageOrSection::Page(i)))
        .collect();
    let sections = site.sections.par_iter().enumerate();
    let sections = sections
        .map(|(i, s)| render(&s.source, &s.permalink, PageOrSection::Section(i)))
        .collect();
    (pages, sections)
}

/// How `item`'s body is rendered: as `[markdown]` says, with the `insert_anchor_links` of a
/// page's section (or the section's own) in place of the config's.
pub(crate) fn options(site: &Site, item: PageOrSection) -> Options {
    let section_of = |rel: &str| match site.by_rel.get(rel) {
        Some(PageOrSection::Section(s)) => Some(*s),
        _ => None,
    };
    let section = match item {
        PageOrSection::Section(s) => Some(s),
        PageOrSection::Page(i) => {
            let page = &site.pages[i];
            let dir = page.source.dir();
            let dir = match page.colocated {
                true => dir.rsplit_once('/').map_or("", |(parent, _)| parent),
                false => dir,
            };
            let rel = if dir.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{dir}/_index.md")
            };
            section_of(&super::languages::translated_rel(
                &site.config,
                &rel,
                &page.lang,
            ))
        }
    };
    let anchors = section.and_then(|s| site.sections[s].front.insert_anchor_links);
    let config = &site.config;
    let lang = match item {
        PageOrSection::Page(i) => &site.pages[i].lang,
        PageOrSection::Section(s) => &site.sections[s].lang,
    };
    Options::new(&config.markdown, lang, anchors)
}

/// The variables a shortcode called in `item`'s body gets besides its arguments: `page` or
/// `section` as far as they are known before bodies are rendered (front matter and place,
/// with `colocated_path`: nothing a rebuild could change without changing the file or
/// `config.toml`), `config` and `lang`.
pub(crate) fn embed_context(
    site: &Site,
    item: PageOrSection,
    config: &Value,
) -> Map<String, Value> {
    let lang = json!(match item {
        PageOrSection::Page(i) => &site.pages[i].lang,
        PageOrSection::Section(i) => &site.sections[i].lang,
    });
    let (key, value) = match item {
        PageOrSection::Page(i) => {
            let page = &site.pages[i];
            let front = &page.front;
            let colocated = page.colocated.then(|| format!("{}/", page.source.dir()));
            let value = json!({
                "title": front.title, "description": front.description,
                "date": page.date_text, "updated": front.updated.as_ref().map(|d| d.0.clone()),
                "slug": page.slug, "path": page.path, "permalink": page.permalink,
                "relative_path": page.source.rel, "colocated_path": colocated,
                "extra": front.extra.clone().unwrap_or_else(crate::data::empty_object),
                "taxonomies": front.taxonomies, "draft": front.draft, "weight": front.weight,
                "lang": lang, "translations": [], "backlinks": [],
                "assets": super::asset_paths(&page.source, &page.assets),
            });
            ("page", value)
        }
        PageOrSection::Section(i) => {
            let section = &site.sections[i];
            let front = &section.front;
            let value = json!({
                "title": front.title, "description": front.description,
                "path": section.path, "permalink": section.permalink,
                "relative_path": section.source.rel,
                "colocated_path": format!("{}/", section.source.dir()),
                "extra": front.extra.clone().unwrap_or_else(crate::data::empty_object),
                "draft": front.draft, "weight": front.weight,
                "lang": lang, "translations": [], "backlinks": [], "pages": [],
                "assets": super::asset_paths(&section.source, &section.assets),
            });
            ("section", value)
        }
    };
    let mut context = Map::new();
    context.insert(key.into(), value);
    context.insert("config".into(), config.clone());
    context.insert("lang".into(), lang);
    context
}

/// How many of `results` were rendered just now.
fn fresh(results: &Results) -> usize {
    let is_fresh = |r: &&Result<Outcome, _>| matches!(r, Ok(Outcome::Fresh(_)));
    results.iter().filter(is_fresh).count()
}

/// The bodies of `results` (`None` where rendering failed, its errors added to `errors`), the
/// fresh ones numbered from generation `first`.
fn number(results: Results, first: u64, errors: &mut Vec<Diagnostic>) -> Vec<Option<Body>> {
    let mut generation = first;
    let mut body = |result| match result {
        Ok(Outcome::Kept(body)) => Some(body),
        Ok(Outcome::Fresh(html)) => {
            let html = *html;
            generation += 1;
            Some(Body {
                html: Arc::new(html),
                generation: generation - 1,
            })
        }
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    results.into_iter().map(&mut body).collect()
}

/// Each body reused from `cache` where nothing it was made from changed, else rendered;
/// `cache` is left holding exactly those that rendered.
fn cached(
    site: &Site,
    cache: &mut MarkdownCache,
    shortcodes: &dyn ShortcodeTemplates,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Option<Body>>, Vec<Option<Body>>) {
    let links = Permalinks(site);
    // A number for every permalink, for the cache's reuse checks.
    let mut hasher = DefaultHasher::new();
    let sections = site.sections.iter().map(|s| (&s.source.rel, &s.permalink));
    let pages = site.pages.iter().map(|p| (&p.source.rel, &p.permalink));
    sections
        .chain(pages)
        .for_each(|pair| pair.hash(&mut hasher));
    let urls = hasher.finish();
    let kept = |source: &Source, permalink: &str, options: &Options, embeds: &Embeds<'_>| {
        cache.lookup(source, permalink, options, &links, urls, embeds)
    };
    let (page_results, section_results) = render_each(site, shortcodes, kept);
    let fresh_pages = fresh(&page_results);
    let first = cache.take_generations(fresh_pages + fresh(&section_results));
    let pages = number(page_results, first, errors);
    let sections = number(section_results, first + fresh_pages as u64, errors);
    // Only what rendered: a file that failed must render again next run, not come back from
    // the cache as the empty body it holds meanwhile.
    let page_bodies = site.pages.iter().zip(&pages).enumerate();
    let page_bodies = page_bodies.filter_map(|(i, (p, b))| {
        let options = options(site, PageOrSection::Page(i));
        Some((&*p.source, p.permalink.as_str(), b.as_ref()?, options))
    });
    let section_bodies = site.sections.iter().zip(&sections).enumerate();
    let section_bodies = section_bodies.filter_map(|(i, (s, b))| {
        let options = options(site, PageOrSection::Section(i));
        Some((&*s.source, s.permalink.as_str(), b.as_ref()?, options))
    });
    cache.replace(page_bodies.chain(section_bodies), &links, urls);
    (pages, sections)
}

/// Fails on `@/file.md#anchor` links whose anchor is no heading of the target.
pub(crate) fn check_anchors(site: &Site, errors: &mut Vec<Diagnostic>) {
    let body_of = |rel: &str| match site.by_rel.get(rel) {
        Some(PageOrSection::Page(i)) => Some(&site.pages[*i].body),
        Some(PageOrSection::Section(i)) => Some(&site.sections[*i].body),
        None => None,
    };
    let sources = site.pages.iter().map(|p| (&p.source, &p.body));
    for (source, rendered) in sources.chain(site.sections.iter().map(|s| (&s.source, &s.body))) {
        for link in &rendered.anchor_links {
            let found = body_of(&link.target).is_some_and(|r| r.anchors.contains(&link.anchor));
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

/// The warnings of every body (code in a language no grammar knows), in file order.
pub(crate) fn body_warnings(site: &Site) -> impl Iterator<Item = &String> {
    let pages = site.pages.iter().map(|p| &p.body);
    let sections = site.sections.iter().map(|s| &s.body);
    pages.chain(sections).flat_map(|body| &body.warnings)
}
