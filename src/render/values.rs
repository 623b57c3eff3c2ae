//! Template values: each page and section serialised once, in Zola's shape, shared by every render.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::markdown::RenderedMarkdown;
use crate::site::{Page, PageOrSection, Section, Site, Taxonomy, Term};

/// How much of each listed page a template gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// Everything, as in Zola.
    Full,
    /// Only the fields the template's text names at all (see `template_use`), so a listing
    /// copies a few small fields per page instead of whole pages; and no listed pages at all
    /// (`lists == false`) when the text never says `pages`.
    Only { keys: Arc<[String]>, lists: bool },
}

impl Detail {
    /// Whether this detail carries field `key` of each page.
    pub fn keeps(&self, key: &str) -> bool {
        match self {
            Detail::Full => true,
            Detail::Only { keys, .. } => keys.iter().any(|k| k == key),
        }
    }

    /// The smallest detail that serves both `self` and `other`.
    pub fn union(&self, other: &Detail) -> Detail {
        match (self, other) {
            (Detail::Only { keys: a, lists: la }, Detail::Only { keys: b, lists: lb }) => {
                let mut keys: Vec<String> = a.iter().chain(b.iter()).cloned().collect();
                keys.sort();
                keys.dedup();
                Detail::Only {
                    keys: keys.into(),
                    lists: *la || *lb,
                }
            }
            _ => Detail::Full,
        }
    }
}

/// Every field of a page value (kept in step with `page_value`, checked by a test).
pub const PAGE_KEYS: [&str; 30] = [
    "ancestors",
    "assets",
    "authors",
    "backlinks",
    "colocated_path",
    "components",
    "content",
    "date",
    "day",
    "description",
    "draft",
    "extra",
    "higher",
    "lang",
    "lower",
    "month",
    "path",
    "permalink",
    "reading_time",
    "relative_path",
    "slug",
    "summary",
    "taxonomies",
    "title",
    "toc",
    "translations",
    "updated",
    "weight",
    "word_count",
    "year",
];

/// The fields that make a page value large.
pub const HEAVY_FIELDS: [&str; 3] = ["content", "summary", "toc"];

/// Every page's and section's template value, built once per build and only read afterwards.
#[derive(Debug)]
pub struct Values {
    pub base_url: String,
    /// Each page's fields as templates see them, in `PAGE_KEYS` order: a listing picks its
    /// fields by position, with no lookup by name. `lower`/`higher` are `null` (filled per
    /// render) and so are the heavy fields (`content`, `summary`, `toc`): those come from
    /// `bodies` only where a template reads them, so the site's HTML is held once, not twice.
    pages: Vec<Arc<[Value]>>,
    /// Each page's rendered Markdown.
    bodies: Vec<Arc<RenderedMarkdown>>,
    /// What each page value was made from, as one number: equal numbers, equal values.
    pub versions: Vec<u64>,
    /// The same for the small fields only (front matter and place, not the rendered body), so
    /// listings that show titles are not redone when only a body changed.
    pub heads: Vec<u64>,
    /// Word counts, the one small field that comes from the body.
    pub words: Vec<usize>,
    /// Sections without their `pages` (added where a template lists them).
    pub sections: Vec<Value>,
    pub section_versions: Vec<u64>,
    pub section_pages: Vec<Vec<usize>>,
    pub by_rel: Arc<HashMap<String, PageOrSection>>,
    /// Taxonomy (`taxonomy_key`) → term name or slug → term permalink; looked up by `&str`,
    /// since templates ask once per tag shown.
    pub term_urls: HashMap<String, HashMap<String, String>>,
    pub taxonomies: Vec<Taxonomy>,
    pub default_language: String,
}

/// How `term_urls` names the taxonomy `name` of language `lang`.
pub fn taxonomy_key(name: &str, lang: &str) -> String {
    format!("{lang}:{name}")
}

impl Values {
    /// Serialises `site`'s pages and sections in parallel, reusing `previous` values of pages
    /// whose version did not change.
    pub fn new(site: &Site, previous: Option<&Values>) -> Values {
        use rayon::prelude::*;
        let versions: Vec<u64> = site
            .pages
            .par_iter()
            .map(|p| page_version(site, p))
            .collect();
        // A page whose version is unchanged keeps its value and its head number.
        let (pages, heads): (Vec<Arc<[Value]>>, Vec<u64>) = site
            .pages
            .par_iter()
            .zip(&versions)
            .enumerate()
            .map(
                |(i, (p, version))| match previous.and_then(|v| v.reuse(site, i, *version)) {
                    Some(kept) => kept,
                    None => (page_fields(site, p), page_head(site, p)),
                },
            )
            .unzip();
        let sections: Vec<Value> = site
            .sections
            .par_iter()
            .map(|s| section_value(site, s))
            .collect();
        let mut term_urls: HashMap<String, HashMap<String, String>> = HashMap::new();
        for taxonomy in &site.taxonomies {
            let key = taxonomy_key(&taxonomy.config.name, &taxonomy.lang);
            let urls = term_urls.entry(key).or_default();
            for term in &taxonomy.terms {
                urls.insert(term.name.clone(), term.permalink.clone());
                urls.insert(term.slug.clone(), term.permalink.clone());
            }
        }
        Values {
            base_url: site.config.base_url.clone(),
            pages,
            bodies: site
                .pages
                .iter()
                .map(|p| Arc::clone(&p.body.html))
                .collect(),
            versions,
            heads,
            words: site.pages.iter().map(|p| p.body.word_count).collect(),
            section_versions: site
                .sections
                .iter()
                .map(|s| section_version(site, s))
                .collect(),
            sections,
            section_pages: site.sections.iter().map(|s| s.pages.clone()).collect(),
            by_rel: Arc::clone(&site.by_rel),
            term_urls,
            taxonomies: site.taxonomies.clone(),
            default_language: site.config.default_language.clone(),
        }
    }

    /// The value of `site`'s page `i` if it was made from `version`.
    fn reuse(&self, site: &Site, i: usize, version: u64) -> Option<(Arc<[Value]>, u64)> {
        // The same index means the same pages at the same places (a patched site): no lookup.
        let was = if Arc::ptr_eq(&self.by_rel, &site.by_rel) {
            i
        } else {
            match self.by_rel.get(&site.pages[i].source.rel)? {
                PageOrSection::Page(was) => *was,
                PageOrSection::Section(_) => return None,
            }
        };
        (self.versions[was] == version).then(|| (Arc::clone(&self.pages[was]), self.heads[was]))
    }

    /// Page `i` with every field (`lower` and `higher` are `null`).
    pub fn page(&self, i: usize) -> Value {
        let all: Vec<(usize, &str)> = PAGE_KEYS.iter().copied().enumerate().collect();
        self.project(i, &all)
    }

    /// Field `key` of page `i` (`None` for a name that is no page field).
    pub fn field(&self, i: usize, key: &str) -> Option<Value> {
        let at = PAGE_KEYS.binary_search(&key).ok()?;
        Some(self.project_one(i, at, key))
    }

    /// The permalink of the page or section at content path `rel`.
    pub fn permalink_of(&self, rel: &str) -> Option<&str> {
        match self.by_rel.get(rel)? {
            PageOrSection::Page(i) => {
                let at = PAGE_KEYS.binary_search(&"permalink").ok()?;
                self.pages[*i][at].as_str()
            }
            PageOrSection::Section(i) => self.sections[*i].get("permalink")?.as_str(),
        }
    }

    /// Page `i` with only the fields at `slots` (position in `PAGE_KEYS`, name).
    fn project(&self, i: usize, slots: &[(usize, &str)]) -> Value {
        Value::Object(
            slots
                .iter()
                .map(|&(at, key)| (key.to_string(), self.project_one(i, at, key)))
                .collect(),
        )
    }

    fn project_one(&self, i: usize, at: usize, key: &str) -> Value {
        let body = &self.bodies[i];
        match key {
            "content" => Value::String(body.content.clone()),
            "summary" => body.summary.clone().map_or(Value::Null, Value::String),
            "toc" => serde_json::to_value(&body.toc).unwrap_or(Value::Null),
            _ => self.pages[i][at].clone(),
        }
    }

    /// Pages `indices` as a listing shows them.
    fn listed_all(&self, indices: &[usize], detail: &Detail) -> Vec<Value> {
        match detail {
            Detail::Full => indices.iter().map(|&i| self.page(i)).collect(),
            Detail::Only { keys, .. } => {
                let slots: Vec<(usize, &str)> = keys
                    .iter()
                    .filter_map(|k| Some((PAGE_KEYS.binary_search(&k.as_str()).ok()?, k.as_str())))
                    .collect();
                indices.iter().map(|&i| self.project(i, &slots)).collect()
            }
        }
    }

    /// Page `i` as a listing shows it.
    pub fn listed(&self, i: usize, detail: &Detail) -> Value {
        let mut one = self.listed_all(&[i], detail);
        one.pop().unwrap_or(Value::Null)
    }

    /// The listed pages `indices` as template values.
    pub fn page_list(&self, indices: &[usize], detail: &Detail) -> Value {
        if let Detail::Only { lists: false, .. } = detail {
            return Value::Array(Vec::new());
        }
        Value::Array(self.listed_all(indices, detail))
    }

    /// A page's value as its own template shows it (`own`), with its `lower` and `higher`
    /// neighbours filled in as listed pages (`detail`) where it shows them.
    pub fn page_with_neighbours(
        &self,
        page: &Page,
        index: usize,
        own: &Detail,
        detail: &Detail,
    ) -> Value {
        let neighbour = |n: Option<usize>| n.map_or(Value::Null, |i| self.listed(i, detail));
        let mut value = self.listed(index, own);
        if let Value::Object(map) = &mut value {
            for (key, n) in [("lower", page.lower), ("higher", page.higher)] {
                if own.keeps(key) {
                    map.insert(key.into(), neighbour(n));
                }
            }
        }
        value
    }

    /// A section's value; with `pages`, its listed pages are included (Zola's full form).
    pub fn section(&self, index: usize, pages: Option<&Detail>) -> Value {
        let mut value = self.sections[index].clone();
        if let (Some(detail), Value::Object(map)) = (pages, &mut value) {
            map.insert(
                "pages".into(),
                self.page_list(&self.section_pages[index], detail),
            );
        }
        value
    }

    /// A term's value: `name`, `slug`, `path`, `permalink`, `pages`, `page_count`.
    pub fn term(&self, term: &Term, pages: &[usize], detail: &Detail) -> Value {
        object([
            ("name", json!(term.name)),
            ("slug", json!(term.slug)),
            ("path", json!(term.path)),
            ("permalink", json!(term.permalink)),
            ("pages", self.page_list(pages, detail)),
            ("page_count", json!(term.pages.len())),
        ])
    }

    /// A taxonomy's value as `get_taxonomy` returns it: its config and its terms with pages.
    pub fn taxonomy_value(&self, taxonomy: &Taxonomy, detail: &Detail) -> Value {
        let items: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|t| self.term(t, &t.pages, detail))
            .collect();
        object([
            ("kind", json!(taxonomy.config)),
            ("permalink", json!(taxonomy.permalink)),
            ("items", Value::Array(items)),
        ])
    }
}

/// An object from owned values; unlike `json!`, it moves them instead of serialising copies.
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// What a page's value is made from: its rendered Markdown (which stands for its file's text)
/// and where it sits. Equal versions give equal values.
fn page_version(site: &Site, page: &Page) -> u64 {
    placed_hash(site, page, page.body.generation)
}

/// What a page value's small fields are made from: the front matter and where the page sits.
fn page_head(site: &Site, page: &Page) -> u64 {
    placed_hash(site, page, page.source.front_matter())
}

/// A hash of `made_from` together with where `page` sits: permalink, ancestors and assets.
fn placed_hash(site: &Site, page: &Page, made_from: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    made_from.hash(&mut hasher);
    page.permalink.hash(&mut hasher);
    hash_ancestors(site, page.section, &mut hasher);
    page.assets.iter().for_each(|a| a.rel.hash(&mut hasher));
    for &t in &page.translations {
        let other = &site.pages[t];
        (&other.permalink, &other.front.title, &other.source.file).hash(&mut hasher);
    }
    hasher.finish()
}

/// The same for a section, whose value also names its subsections.
fn section_version(site: &Site, section: &Section) -> u64 {
    let mut hasher = DefaultHasher::new();
    section.body.generation.hash(&mut hasher);
    section.permalink.hash(&mut hasher);
    hash_ancestors(site, section.parent, &mut hasher);
    section.assets.iter().for_each(|a| a.rel.hash(&mut hasher));
    section
        .subsections
        .iter()
        .for_each(|&s| site.sections[s].source.rel.hash(&mut hasher));
    for &t in &section.translations {
        let other = &site.sections[t];
        (&other.permalink, &other.front.title, &other.source.file).hash(&mut hasher);
    }
    hasher.finish()
}

/// A date's `year`, `month` and `day`, as Zola exposes them next to `date`.
fn date_parts(timestamp: Option<i64>) -> (Value, Value, Value) {
    use chrono::Datelike;
    match timestamp.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
        Some(d) => (json!(d.year()), json!(d.month()), json!(d.day())),
        None => (Value::Null, Value::Null, Value::Null),
    }
}

/// Hashes what `ancestors` lists, without building the list (every page, every rebuild).
fn hash_ancestors(site: &Site, mut section: Option<usize>, hasher: &mut DefaultHasher) {
    while let Some(s) = section {
        site.sections[s].source.rel.hash(hasher);
        section = site.sections[s].parent;
    }
}

fn ancestors(site: &Site, mut section: Option<usize>) -> Vec<Value> {
    let mut list = Vec::new();
    while let Some(s) = section {
        list.push(json!(site.sections[s].source.rel));
        section = site.sections[s].parent;
    }
    list.reverse();
    list
}

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

/// Page `page`'s fields in `PAGE_KEYS` order, heavy ones `null` (see [`Values::pages`]).
fn page_fields(site: &Site, page: &Page) -> Arc<[Value]> {
    let mut value = light_page_value(site, page);
    PAGE_KEYS
        .iter()
        .map(|k| value.get_mut(*k).map_or(Value::Null, Value::take))
        .collect()
}

fn light_page_value(site: &Site, page: &Page) -> Value {
    let (year, month, day) = date_parts(page.date);
    let word_count = page.body.word_count;
    let ancestors = ancestors(site, page.section);
    let taxonomies: Map<String, Value> = page
        .front
        .taxonomies
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "relative_path": page.source.rel,
        "colocated_path": page.colocated.then(|| format!("{}/", page.source.dir())),
        "permalink": page.permalink,
        "slug": page.slug,
        "ancestors": ancestors,
        "title": page.front.title,
        "description": page.front.description,
        "updated": page.front.updated.as_ref().map(|d| d.0.clone()),
        "date": page.date_text,
        "year": year, "month": month, "day": day,
        "taxonomies": taxonomies,
        "authors": page.front.authors,
        "extra": page.front.extra.clone().unwrap_or_else(crate::data::empty_object),
        "path": page.path,
        "components": components(&page.path),
        "word_count": word_count,
        "reading_time": word_count.div_ceil(200),
        "assets": crate::site::asset_paths(&page.source, &page.assets),
        "draft": page.front.draft,
        "lang": page.lang,
        "lower": null,
        "higher": null,
        "translations": translations(&page.translations, |i| {
            let p = &site.pages[i];
            (&p.lang, &p.permalink, &p.front.title, &p.source.file)
        }),
        "backlinks": [],
        "weight": page.front.weight,
    })
}

/// Zola's `translations`: the `lang`, `permalink`, `title` and file `path` of each item `of`.
fn translations<'s>(of: &[usize], item: impl Fn(usize) -> TranslatedItem<'s>) -> Value {
    let each = of.iter().map(|&i| {
        let (lang, permalink, title, file) = item(i);
        json!({ "lang": lang, "permalink": permalink, "title": title, "path": file })
    });
    Value::Array(each.collect())
}

/// What `translations` shows of one item.
type TranslatedItem<'a> = (&'a str, &'a str, &'a Option<String>, &'a std::path::Path);

fn section_value(site: &Site, section: &Section) -> Value {
    let word_count = section.body.word_count;
    let subsections: Vec<&str> = section
        .subsections
        .iter()
        .map(|&s| site.sections[s].source.rel.as_str())
        .collect();
    json!({
        "relative_path": section.source.rel,
        "colocated_path": format!("{}/", section.source.dir()),
        "content": section.body.content,
        "permalink": section.permalink,
        "draft": section.front.draft,
        "ancestors": ancestors(site, section.parent),
        "title": section.front.title,
        "description": section.front.description,
        "extra": section.front.extra.clone().unwrap_or_else(crate::data::empty_object),
        "path": section.path,
        "components": components(&section.path),
        "toc": section.body.toc,
        "word_count": word_count,
        "reading_time": word_count.div_ceil(200),
        "lang": section.lang,
        "assets": crate::site::asset_paths(&section.source, &section.assets),
        "pages": [],
        "subsections": subsections,
        "translations": translations(&section.translations, |i| {
            let s = &site.sections[i];
            (&s.lang, &s.permalink, &s.front.title, &s.source.file)
        }),
        "backlinks": [],
        "generate_feeds": section.front.generate_feeds,
        "paginate_by": section.front.paginate_by,
        "weight": section.front.weight,
    })
}
