//! `sitemap.xml`: every rendered, indexable URL of every language (each pager of a paginated
//! listing too) with its last modification date when known, and the hreflang alternates of a
//! page or section with translations. A page or section whose `[extra]` has `noindex = true`
//! is left out: a sitemap that lists a page asking not to be indexed is flagged by search
//! consoles, and `[extra]` is where a Zola site can say it without breaking Zola.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::render::alternates::alternates;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::{PageOrSection, Site};

/// The sitemap.
#[derive(Debug)]
struct Sitemap;

pub fn plan(plan: &mut Plan<'_>) {
    if plan.site.config.generate_sitemap {
        plan.push("/sitemap.xml".into(), Sitemap);
    }
}

impl Output for Sitemap {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("sitemap.xml")
    }

    fn context(&self, renderer: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        let site = renderer.site;
        let entries = Value::Array(entries(site));
        // The `xhtml` namespace only where some entry has alternates: one-language sitemaps
        // stay as Zola writes them.
        let has_alternates = site.config.is_multilingual();
        Map::from_iter([
            ("entries".to_string(), entries),
            ("has_alternates".to_string(), json!(has_alternates)),
        ])
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "the sitemap".into()
    }

    fn counts_as(&self) -> Counted {
        Counted::Sitemap
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(made_of(renderer.site))
    }
}

fn day(timestamp: Option<i64>) -> Value {
    timestamp
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string()))
}

/// The newest date among `pages` (updated, else published).
fn newest(site: &Site, pages: &[usize]) -> Option<i64> {
    pages
        .iter()
        .filter_map(|&i| site.pages[i].updated.max(site.pages[i].date))
        .max()
}

/// Sitemap entries (`permalink`, `updated`, `alternates`) sorted by permalink, as in Zola.
fn entries(site: &Site) -> Vec<Value> {
    let mut alternates_of: std::collections::HashMap<String, Value> = Default::default();
    for (item, permalink) in with_alternates(site) {
        let links = alternates(site, item);
        alternates_of.insert(
            permalink.to_string(),
            crate::render::alternates::value(&links),
        );
    }
    urls(site)
        .into_iter()
        .map(|(permalink, updated)| {
            let links = alternates_of.remove(&permalink).unwrap_or(json!([]));
            json!({ "permalink": permalink, "updated": day(updated), "alternates": links })
        })
        .collect()
}

/// Whether a page's or section's `[extra]` asks search engines not to index it.
fn noindex(extra: Option<&Value>) -> bool {
    extra
        .and_then(|extra| extra.get("noindex"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The URLs of pagers 2 and on of a listing of `total` items at `permalink`: pager 1 is the
/// listing itself.
fn pager_urls(
    permalink: &str,
    (paginate_by, paginate_path): (Option<usize>, Option<&str>),
    total: usize,
) -> Vec<String> {
    let Some(per_page) = paginate_by.filter(|&n| n > 0) else {
        return Vec::new();
    };
    let path = paginate_path.unwrap_or("page");
    (2..=total.div_ceil(per_page))
        .map(|n| format!("{permalink}{path}/{n}/"))
        .collect()
}

/// The pages and sections with translations, with their permalinks.
fn with_alternates(site: &Site) -> impl Iterator<Item = (PageOrSection, &str)> {
    let pages = site.pages.iter().enumerate();
    let pages = pages.filter(|(_, p)| p.translations.len() > 1);
    let sections = site.sections.iter().enumerate();
    let sections = sections.filter(|(_, s)| s.translations.len() > 1);
    let pages = pages.map(|(i, p)| (PageOrSection::Page(i), p.permalink.as_str()));
    pages.chain(sections.map(|(i, s)| (PageOrSection::Section(i), s.permalink.as_str())))
}

/// Every URL with its newest date.
type Urls = Vec<(String, Option<i64>)>;

/// What the sitemap is made from: every URL with its newest date, and the alternates.
fn made_of(site: &Site) -> (Urls, Vec<Vec<(&str, &str)>>) {
    let links = with_alternates(site).map(|(item, _)| alternates(site, item));
    (urls(site), links.collect())
}

/// Every URL with its newest date, sorted by permalink.
fn urls(site: &Site) -> Urls {
    let mut list: Vec<(String, Option<i64>)> = Vec::new();
    for page in &site.pages {
        if page.front.render != Some(false) && !noindex(page.front.extra.as_ref()) {
            list.push((page.permalink.clone(), page.updated.max(page.date)));
        }
    }
    for section in &site.sections {
        let front = &section.front;
        if front.render == Some(false)
            || front.redirect_to.is_some()
            || noindex(front.extra.as_ref())
        {
            continue;
        }
        let updated = newest(site, &section.pages);
        list.push((section.permalink.clone(), updated));
        let paginate = (front.paginate_by, front.paginate_path.as_deref());
        for url in pager_urls(&section.permalink, paginate, section.pages.len()) {
            list.push((url, updated));
        }
    }
    let listed = |t: &&crate::site::Taxonomy| t.config.render && !t.terms.is_empty();
    for taxonomy in site.taxonomies.iter().filter(listed) {
        let all: Vec<usize> = taxonomy
            .terms
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect();
        list.push((taxonomy.permalink.clone(), newest(site, &all)));
        let paginate = (
            taxonomy.config.paginate_by,
            taxonomy.config.paginate_path.as_deref(),
        );
        for term in &taxonomy.terms {
            let updated = newest(site, &term.pages);
            list.push((term.permalink.clone(), updated));
            for url in pager_urls(&term.permalink, paginate, term.pages.len()) {
                list.push((url, updated));
            }
        }
    }
    list.sort();
    list.dedup_by(|a, b| a.0 == b.0);
    list
}
