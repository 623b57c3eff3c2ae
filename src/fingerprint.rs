//! What each output is made from, as one number: when a rebuild computes the same number
//! for an output, the bytes it rendered last time are still right and are reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::render::{FeedScope, Job, JobKind, Renderer, feed_pages, listed_pages};

/// Site-wide numbers that several outputs depend on, computed once per rebuild.
pub struct Globals {
    /// Each template with everything it pulls in.
    templates: HashMap<String, u64>,
    /// Every page and section value: for templates that call `get_section`/`get_page`.
    content: u64,
    /// Every URL: for templates that call `get_url`/`get_taxonomy_url`.
    urls: u64,
}

impl Globals {
    pub fn new(renderer: &Renderer<'_>) -> Globals {
        let texts: HashMap<&str, &str> = crate::templates::all_texts(renderer.sources)
            .into_iter()
            .collect();
        let templates = renderer
            .uses
            .iter()
            .map(|(name, uses)| {
                let mut hasher = DefaultHasher::new();
                for member in &uses.closure {
                    (member, texts.get(member.as_str())).hash(&mut hasher);
                }
                (name.clone(), hasher.finish())
            })
            .collect();
        let values = &renderer.values;
        let mut content = DefaultHasher::new();
        (
            &values.versions,
            &values.section_versions,
            &values.section_pages,
        )
            .hash(&mut content);
        let mut urls = DefaultHasher::new();
        let site = renderer.site;
        site.pages
            .iter()
            .for_each(|p| (&p.source.rel, &p.permalink).hash(&mut urls));
        site.sections
            .iter()
            .for_each(|s| (&s.source.rel, &s.permalink).hash(&mut urls));
        for taxonomy in &site.taxonomies {
            taxonomy
                .terms
                .iter()
                .for_each(|t| (&taxonomy.config.name, &t.name, &t.permalink).hash(&mut urls));
        }
        Globals {
            templates,
            content: content.finish(),
            urls: urls.finish(),
        }
    }
}

/// The number standing for everything `job`'s bytes depend on.
pub fn of(renderer: &Renderer<'_>, globals: &Globals, job: &Job) -> u64 {
    let mut hasher = DefaultHasher::new();
    let template = renderer.template_of(job);
    (&job.path, &template, globals.templates.get(&template)).hash(&mut hasher);
    if let Some(uses) = renderer.uses.get(&template) {
        if uses.reads_content {
            globals.content.hash(&mut hasher);
        }
        if uses.reads_urls {
            globals.urls.hash(&mut hasher);
        }
    }
    inputs(renderer, job, &mut hasher);
    hasher.finish()
}

/// Hashes the data particular to `job`: the versions of the pages it shows, its pager…
fn inputs(renderer: &Renderer<'_>, job: &Job, hasher: &mut DefaultHasher) {
    let site = renderer.site;
    let values = &renderer.values;
    let versions = |pages: &[usize], hasher: &mut DefaultHasher| {
        pages.iter().for_each(|&i| values.versions[i].hash(hasher))
    };
    match &job.kind {
        JobKind::Page(i) => {
            let page = &site.pages[*i];
            (
                values.versions[*i],
                page.lower.map(|l| values.versions[l]),
                page.higher.map(|h| values.versions[h]),
            )
                .hash(hasher);
        }
        JobKind::Section { section, pager } => {
            values.section_versions[*section].hash(hasher);
            let listed = listed_pages(&site.sections[*section]);
            match pager {
                Some(p) => {
                    (p.index, p.count, listed.len()).hash(hasher);
                    versions(&listed[p.start..p.end], hasher);
                }
                None => versions(&listed, hasher),
            }
        }
        JobKind::TaxonomyList(t) => {
            for term in &site.taxonomies[*t].terms {
                (&term.name, &term.permalink).hash(hasher);
                versions(&term.pages, hasher);
            }
        }
        JobKind::Term {
            taxonomy,
            term,
            pager,
        } => {
            let term = &site.taxonomies[*taxonomy].terms[*term];
            (&term.name, &term.permalink, term.pages.len()).hash(hasher);
            match pager {
                Some(p) => {
                    (p.index, p.count).hash(hasher);
                    versions(&term.pages[p.start..p.end], hasher);
                }
                None => versions(&term.pages, hasher),
            }
        }
        JobKind::Feed { scope, .. } => {
            let pages = match scope {
                FeedScope::Site => (0..site.pages.len()).collect(),
                FeedScope::Section(s) => {
                    values.section_versions[*s].hash(hasher);
                    site.sections[*s].pages.clone()
                }
                FeedScope::Term(t, n) => {
                    let term = &site.taxonomies[*t].terms[*n];
                    (&term.name, &term.permalink).hash(hasher);
                    term.pages.clone()
                }
            };
            versions(&feed_pages(site, pages), hasher);
        }
        JobKind::Podcast(show) => {
            let show = &renderer.shows[*show];
            (
                values.section_versions[show.section],
                format!("{:?}", show.meta),
            )
                .hash(hasher);
            for episode in &show.episodes {
                (values.versions[episode.page], format!("{episode:?}")).hash(hasher);
            }
        }
        JobKind::Sitemap => serde_json::to_string(&crate::sitemap::entries(site))
            .unwrap_or_default()
            .hash(hasher),
        JobKind::Robots | JobKind::NotFound => {}
        JobKind::Redirect { to, origin } => (to, origin).hash(hasher),
    }
}
