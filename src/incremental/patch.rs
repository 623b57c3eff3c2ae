//! The patch path: when an edit changed only Markdown bodies, the last linked site is kept
//! and only those bodies are rendered again, with every anchor checked as a full link would.

use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{Loaded, PlainFile, Source};
use crate::error::Diagnostic;
use crate::markdown::cache::{MarkdownCache, calls_unchanged};
use crate::markdown::{self, Body, Embeds, LinkResolver, RenderedMarkdown, ShortcodeTemplates};
use crate::site::{
    PageOrSection, Permalinks, Site, check_anchors, embed_context, options, site_warnings,
};

/// The Markdown of each `changed` file of `site`, rendered again, in parallel.
fn render_changed(
    site: &Site,
    changed: &[(PageOrSection, Arc<Source>)],
    shortcodes: &dyn ShortcodeTemplates,
) -> Vec<Result<RenderedMarkdown, Vec<Diagnostic>>> {
    let links = Permalinks(site);
    let config = serde_json::to_value(&site.config).unwrap_or_default();
    changed
        .par_iter()
        .map(|(item, source)| {
            let permalink = links.permalink(&source.rel).unwrap_or_default();
            let context = || embed_context(site, *item, &config);
            let embeds = Embeds {
                templates: shortcodes,
                context: &context,
            };
            let options = options(site, *item);
            let highlighter = site.highlighter.as_deref();
            markdown::render(source, permalink, &options, &links, &embeds, highlighter)
        })
        .collect()
}

/// `previous` (linked from the files as last seen, with colocated files `assets_before`) with
/// the Markdown of each re-read file rendered again, when that is all that changed: the same
/// files, each with the same front matter, and the same colocated and static files. Bodies
/// that call a shortcode whose template changed are rendered again too. What a full `link` of
/// `loaded` gives then, at the cost of the changed files alone; `None` when anything else
/// changed (then only a full link is right).
pub fn patch(
    mut previous: Site,
    assets_before: &[PlainFile],
    loaded: &Loaded,
    cache: &mut MarkdownCache,
    shortcodes: &dyn ShortcodeTemplates,
) -> Option<Result<Site, Vec<Diagnostic>>> {
    // Without `content/_index.md` (or a language's `_index.<lang>.md`) the site has a made-up
    // index section of its own.
    let rels: Vec<&str> = loaded
        .sections
        .iter()
        .map(|s| s.source.rel.as_str())
        .collect();
    let made_up = crate::site::missing_indexes(&previous.config, &rels).len();
    if loaded.assets != assets_before
        || loaded.static_files != previous.static_files
        || loaded.pages.len() != previous.pages.len()
        || loaded.sections.len() + made_up != previous.sections.len()
    {
        return None;
    }
    let pages = loaded.pages.iter().map(|p| (&p.source, false));
    let mut changed = Vec::new();
    for (source, is_section) in pages.chain(loaded.sections.iter().map(|s| (&s.source, true))) {
        let item = *previous.by_rel.get(&source.rel)?;
        let (before, body) = match item {
            PageOrSection::Page(i) if !is_section => {
                let page = &mut previous.pages[i];
                (&mut page.source, &page.body)
            }
            PageOrSection::Section(i) if is_section => {
                let section = &mut previous.sections[i];
                (&mut section.source, &section.body)
            }
            _ => return None,
        };
        let calls_kept = calls_unchanged(body, shortcodes);
        if Arc::ptr_eq(&before.text, &source.text) && calls_kept {
            continue;
        }
        if before.file != source.file || before.front_matter() != source.front_matter() {
            return None;
        }
        if before.text == source.text && calls_kept {
            // Read again but unchanged (e.g. after a failed load): same render, new copy.
            *before = Arc::clone(source);
        } else {
            changed.push((item, Arc::clone(source)));
        }
    }
    let links = Permalinks(&previous);
    let renders = render_changed(&previous, &changed, shortcodes);
    // A file that fails leaves a full link to report, as it would: its old headings must not
    // satisfy other pages' anchors meanwhile.
    let renders: Vec<RenderedMarkdown> = renders.into_iter().collect::<Result<_, _>>().ok()?;
    let mut fresh = Vec::new();
    for ((item, source), rendered) in changed.into_iter().zip(renders) {
        let body = Body {
            html: Arc::new(rendered),
            generation: cache.take_generations(1),
        };
        let permalink = links.permalink(&source.rel).unwrap_or_default();
        cache.put(&source, permalink, &body, &options(&previous, item), &links);
        fresh.push((item, source, body));
    }
    for (item, source, body) in fresh {
        match item {
            PageOrSection::Page(i) => {
                (previous.pages[i].source, previous.pages[i].body) = (source, body);
            }
            PageOrSection::Section(i) => {
                (previous.sections[i].source, previous.sections[i].body) = (source, body);
            }
        }
    }
    let mut errors = Vec::new();
    check_anchors(&previous, &mut errors);
    previous.warnings = site_warnings(&previous, loaded.warnings.clone());
    Some(if errors.is_empty() {
        Ok(previous)
    } else {
        Err(errors)
    })
}
