//! What each output is made from, as one number: when a rebuild computes the same number
//! for an output, the bytes it rendered last time are still right and are reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::render::{FeedScope, Job, JobKind, Renderer, feed_pages, listed_pages};
use crate::values::Detail;

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
        let all: Vec<usize> = (0..values.versions.len()).collect();
        pages(renderer, &renderer.function_detail, &all, &mut content);
        (&values.section_versions, &values.section_pages).hash(&mut content);
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
    let detail = match renderer.uses.get(&template) {
        Some(uses) => {
            if uses.reads_content {
                globals.content.hash(&mut hasher);
            }
            if uses.reads_urls {
                globals.urls.hash(&mut hasher);
            }
            uses.detail.clone()
        }
        None => Detail::Full,
    };
    inputs(renderer, job, &detail, &mut hasher);
    hasher.finish()
}

/// Hashes what listed pages `indices` contribute under `detail`: nothing when the template
/// never lists pages, their small fields when it reads no body, everything otherwise.
fn pages(renderer: &Renderer<'_>, detail: &Detail, indices: &[usize], hasher: &mut DefaultHasher) {
    let values = &renderer.values;
    if let Detail::Only { lists: false, .. } = detail {
        return;
    }
    let body = ["content", "summary", "toc"]
        .iter()
        .any(|k| detail.keeps(k));
    let words = detail.keeps("word_count") || detail.keeps("reading_time");
    for &i in indices {
        if body {
            values.versions[i].hash(hasher);
        } else {
            values.heads[i].hash(hasher);
            if words {
                values.words[i].hash(hasher);
            }
        }
    }
}

/// Hashes the data particular to `job`: the pages it shows, its pager…
fn inputs(renderer: &Renderer<'_>, job: &Job, detail: &Detail, hasher: &mut DefaultHasher) {
    let site = renderer.site;
    let values = &renderer.values;
    let listed =
        |indices: &[usize], hasher: &mut DefaultHasher| pages(renderer, detail, indices, hasher);
    // A neighbour is shown like a listed page, but even a template that lists nothing shows it.
    let neighbour = |n: Option<usize>, hasher: &mut DefaultHasher| {
        let detail = match detail {
            Detail::Only { keys, .. } => Detail::Only {
                keys: keys.clone(),
                lists: true,
            },
            Detail::Full => Detail::Full,
        };
        n.is_some().hash(hasher);
        pages(renderer, &detail, n.as_slice(), hasher);
    };
    match &job.kind {
        JobKind::Page(i) => {
            let page = &site.pages[*i];
            values.versions[*i].hash(hasher);
            neighbour(page.lower, hasher);
            neighbour(page.higher, hasher);
        }
        JobKind::Section { section, pager } => {
            values.section_versions[*section].hash(hasher);
            let all = listed_pages(&site.sections[*section]);
            match pager {
                Some(p) => {
                    (p.index, p.count, all.len()).hash(hasher);
                    listed(&all[p.start..p.end], hasher);
                }
                None => listed(&all, hasher),
            }
        }
        JobKind::TaxonomyList(t) => {
            for term in &site.taxonomies[*t].terms {
                (&term.name, &term.permalink, term.pages.len()).hash(hasher);
                listed(&term.pages, hasher);
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
                    listed(&term.pages[p.start..p.end], hasher);
                }
                None => listed(&term.pages, hasher),
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
            let shown = feed_pages(site, pages);
            // `last_updated` comes from the dates of the pages shown.
            shown
                .iter()
                .for_each(|&i| (site.pages[i].date, site.pages[i].updated).hash(hasher));
            listed(&shown, hasher);
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
        JobKind::Sitemap => crate::sitemap::urls(site).hash(hasher),
        JobKind::Robots | JobKind::NotFound => {}
        JobKind::Redirect { to, origin } => (to, origin).hash(hasher),
    }
}
