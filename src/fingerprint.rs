//! What each output is made from, as one number: when a rebuild computes the same number
//! for an output, the bytes it rendered last time are still right and are reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::render::{FeedScope, Job, JobKind, Renderer, feed_pages, listed_pages};
use crate::values::{Detail, HEAVY_FIELDS};

/// Site-wide numbers that several outputs depend on, computed once per rebuild.
pub struct Globals {
    /// Each template's facts, with everything it pulls in.
    templates: HashMap<String, Facts>,
    /// Every page and section value: for templates that call `get_section`/`get_page`.
    content: u64,
    /// Every URL: for templates that call `get_url`/`get_taxonomy_url`.
    urls: u64,
}

/// What a template's outputs depend on besides their own data, decided once per rebuild
/// rather than once per output.
struct Facts {
    /// The template's text and the text of everything it pulls in.
    hash: u64,
    reads_content: bool,
    reads_urls: bool,
    listed: Listed,
}

/// What an output shows of each listed page.
#[derive(Debug, Clone, Copy)]
struct Listed {
    /// Whether it lists pages at all.
    lists: bool,
    /// Whether it shows their bodies (then anything of a page can show).
    bodies: bool,
    /// Whether it shows word counts (the one small field that comes from the body).
    words: bool,
}

impl Listed {
    /// Everything: what a template Kiln knows nothing about may show.
    const ALL: Listed = Listed {
        lists: true,
        bodies: true,
        words: true,
    };

    fn of(detail: &Detail) -> Listed {
        Listed {
            lists: !matches!(detail, Detail::Only { lists: false, .. }),
            bodies: HEAVY_FIELDS.iter().any(|k| detail.keeps(k)),
            words: detail.keeps("word_count") || detail.keeps("reading_time"),
        }
    }
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
                let facts = Facts {
                    hash: hasher.finish(),
                    reads_content: uses.reads_content,
                    reads_urls: uses.reads_urls,
                    listed: Listed::of(&uses.detail),
                };
                (name.clone(), facts)
            })
            .collect();
        let values = &renderer.values;
        let mut content = DefaultHasher::new();
        let all: Vec<usize> = (0..values.versions.len()).collect();
        let listed = Listed::of(&renderer.function_detail);
        pages(renderer, listed, &all, &mut content);
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
    let facts = globals.templates.get(&*template);
    (&job.path, &*template, facts.map(|f| f.hash)).hash(&mut hasher);
    let listed = match facts {
        Some(facts) => {
            if facts.reads_content {
                globals.content.hash(&mut hasher);
            }
            if facts.reads_urls {
                globals.urls.hash(&mut hasher);
            }
            facts.listed
        }
        None => Listed::ALL,
    };
    inputs(renderer, job, listed, &mut hasher);
    hasher.finish()
}

/// Hashes what listed pages `indices` contribute: nothing when the template never lists
/// pages, their small fields when it reads no body, everything otherwise.
fn pages(renderer: &Renderer<'_>, listed: Listed, indices: &[usize], hasher: &mut DefaultHasher) {
    let values = &renderer.values;
    if !listed.lists {
        return;
    }
    for &i in indices {
        if listed.bodies {
            values.versions[i].hash(hasher);
        } else {
            values.heads[i].hash(hasher);
            if listed.words {
                values.words[i].hash(hasher);
            }
        }
    }
}

/// Hashes the data particular to `job`: the pages it shows, its pager…
fn inputs(renderer: &Renderer<'_>, job: &Job, shown: Listed, hasher: &mut DefaultHasher) {
    let site = renderer.site;
    let values = &renderer.values;
    let listed =
        |indices: &[usize], hasher: &mut DefaultHasher| pages(renderer, shown, indices, hasher);
    // A neighbour is shown like a listed page, but even a template that lists nothing shows it.
    let neighbour = |n: Option<usize>, hasher: &mut DefaultHasher| {
        n.is_some().hash(hasher);
        let shown = Listed {
            lists: true,
            ..shown
        };
        pages(renderer, shown, n.as_slice(), hasher);
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
