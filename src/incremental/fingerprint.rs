//! What each output is made from, as one number: when a rebuild computes the same number
//! for an output, the bytes it rendered last time are still right and are reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::render::values::{Detail, HEAVY_FIELDS};
use crate::render::{Job, Renderer};

/// Site-wide numbers that several outputs depend on, computed once per rebuild.
pub struct Globals {
    /// Each template's facts, with everything it pulls in.
    templates: HashMap<String, Facts>,
    /// Every page and section value: for templates that call `get_section`/`get_page`.
    content: u64,
    /// Every URL: for templates that call `get_url`/`get_taxonomy_url`.
    urls: u64,
    /// Every static and content file as it is on disk: for templates that read images.
    files: u64,
}

/// What a template's outputs depend on besides their own data, decided once per rebuild
/// rather than once per output.
struct Facts {
    /// The template's text and the text of everything it pulls in.
    hash: u64,
    reads_content: bool,
    reads_urls: bool,
    reads_images: bool,
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
        let texts: HashMap<&str, &str> = crate::render::templates::all_texts(renderer.sources)
            .into_iter()
            .collect();
        // The `markdown` filter renders shortcodes and resolves `@/` links: a template that
        // may use it changes with every shortcode template and every URL.
        let mut shortcodes: Vec<_> = texts
            .iter()
            .filter(|(name, _)| name.starts_with("shortcodes/"))
            .collect();
        shortcodes.sort();
        let shortcodes = crate::render::hash_of(shortcodes);
        let templates: HashMap<String, Facts> = renderer
            .uses
            .iter()
            .map(|(name, uses)| {
                let mut hasher = DefaultHasher::new();
                let mut renders_markdown = false;
                for member in &uses.closure {
                    let text = texts.get(member.as_str());
                    renders_markdown |= text.is_some_and(|t| t.contains("markdown"));
                    (member, text).hash(&mut hasher);
                }
                if renders_markdown {
                    shortcodes.hash(&mut hasher);
                }
                let facts = Facts {
                    hash: hasher.finish(),
                    reads_content: uses.reads_content,
                    reads_urls: uses.reads_urls || renders_markdown,
                    reads_images: uses.reads_images,
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
        let reads_images = templates.values().any(|f: &Facts| f.reads_images);
        Globals {
            templates,
            content: content.finish(),
            urls: urls.finish(),
            files: if reads_images { files(site) } else { 0 },
        }
    }
}

/// A number for every file an image function may read (static and content files), by path,
/// length and modification time.
fn files(site: &crate::site::Site) -> u64 {
    let mut hasher = DefaultHasher::new();
    let assets = site.pages.iter().flat_map(|p| &p.assets);
    let assets = assets.chain(site.sections.iter().flat_map(|s| &s.assets));
    for file in site
        .static_files
        .iter()
        .chain(assets)
        .chain(&site.loose_assets)
    {
        let meta = std::fs::metadata(&file.file).ok();
        let stamp = meta.map(|m| (m.len(), m.modified().ok()));
        (&file.file, stamp).hash(&mut hasher);
    }
    hasher.finish()
}

/// The number standing for everything `job`'s bytes depend on.
pub fn of(renderer: &Renderer<'_>, globals: &Globals, job: &Job) -> u64 {
    let mut hasher = DefaultHasher::new();
    let template = job.output.template(renderer);
    let facts = globals.templates.get(&*template);
    (&job.path, &*template, facts.map(|f| f.hash)).hash(&mut hasher);
    let shown = match facts {
        Some(facts) => {
            if facts.reads_content {
                globals.content.hash(&mut hasher);
            }
            if facts.reads_urls {
                globals.urls.hash(&mut hasher);
            }
            if facts.reads_images {
                globals.files.hash(&mut hasher);
            }
            facts.listed
        }
        None => Listed::ALL,
    };
    let made_from = job.output.made_from(renderer);
    made_from.own.hash(&mut hasher);
    pages(renderer, shown, &made_from.listed, &mut hasher);
    // A neighbour is shown like a listed page, but even a template that lists nothing shows it.
    let as_listed = Listed {
        lists: true,
        ..shown
    };
    for neighbour in made_from.neighbours {
        neighbour.is_some().hash(&mut hasher);
        pages(renderer, as_listed, neighbour.as_slice(), &mut hasher);
    }
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
