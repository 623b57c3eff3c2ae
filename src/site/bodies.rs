//! Every page's and section's Markdown rendered to HTML (in parallel, reusing a cache when the
//! build runs again), and `@/file.md#anchor` links checked against the target's headings.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Bodies, PageOrSection, Permalinks, Site};
use crate::content::Source;
use crate::error::Diagnostic;
use crate::markdown::cache::MarkdownCache;
use crate::markdown::{self, Body, RenderedMarkdown};

/// One file's Markdown: a body kept from the cache, or HTML rendered just now.
enum Outcome {
    Kept(Body),
    Fresh(RenderedMarkdown),
}

type Results = Vec<Result<Outcome, Vec<Diagnostic>>>;

/// Renders every Markdown body in parallel; `@/` links resolve against all permalinks.
pub(super) fn render_markdown(site: &mut Site, bodies: Bodies<'_>, errors: &mut Vec<Diagnostic>) {
    let once = matches!(bodies, Bodies::RenderOnce);
    let (pages, sections) = match bodies {
        Bodies::RenderOnce => {
            let (pages, sections) = render_each(site, |_, _| None);
            let after_pages = fresh(&pages) as u64;
            (
                number(pages, 0, errors),
                number(sections, after_pages, errors),
            )
        }
        Bodies::Cached(cache) => cached(site, cache, errors),
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
    kept: impl Fn(&Source, &str) -> Option<Body> + Sync,
) -> (Results, Results) {
    let links = Permalinks(site);
    let settings = site.markdown_settings();
    let render = |source: &Source, permalink: &str| match kept(source, permalink) {
        Some(body) => Ok(Outcome::Kept(body)),
        None => markdown::render(source, permalink, settings, &links).map(Outcome::Fresh),
    };
    let pages = site.pages.par_iter();
    let pages = pages.map(|p| render(&p.source, &p.permalink)).collect();
    let sections = site.sections.par_iter();
    let sections = sections.map(|s| render(&s.source, &s.permalink)).collect();
    (pages, sections)
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
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Option<Body>>, Vec<Option<Body>>) {
    let links = Permalinks(site);
    let smart = site.config.markdown.smart_punctuation;
    // A number for every permalink, for the cache's reuse checks.
    let mut hasher = DefaultHasher::new();
    let sections = site.sections.iter().map(|s| (&s.source.rel, &s.permalink));
    let pages = site.pages.iter().map(|p| (&p.source.rel, &p.permalink));
    sections
        .chain(pages)
        .for_each(|pair| pair.hash(&mut hasher));
    let urls = hasher.finish();
    let kept =
        |source: &Source, permalink: &str| cache.lookup(source, permalink, smart, &links, urls);
    let (page_results, section_results) = render_each(site, kept);
    let fresh_pages = fresh(&page_results);
    let first = cache.take_generations(fresh_pages + fresh(&section_results));
    let pages = number(page_results, first, errors);
    let sections = number(section_results, first + fresh_pages as u64, errors);
    // Only what rendered: a file that failed must render again next run, not come back from
    // the cache as the empty body it holds meanwhile.
    let page_bodies = site
        .pages
        .iter()
        .zip(&pages)
        .filter_map(|(p, b)| Some((&*p.source, p.permalink.as_str(), b.as_ref()?)));
    let section_bodies = site
        .sections
        .iter()
        .zip(&sections)
        .filter_map(|(s, b)| Some((&*s.source, s.permalink.as_str(), b.as_ref()?)));
    cache.replace(page_bodies.chain(section_bodies), smart, &links, urls);
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
