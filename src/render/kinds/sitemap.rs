//! `sitemap.xml`: every rendered URL of every language with its last modification date when
//! known, and the hreflang alternates of a page or section with translations.

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
    for page in site.pages.iter().filter(|p| p.front.render != Some(false)) {
        list.push((page.permalink.clone(), page.updated.max(page.date)));
    }
    for section in &site.sections {
        if section.front.render == Some(false) || section.front.redirect_to.is_some() {
            continue;
        }
        let updated = newest(site, &section.pages);
        list.push((section.permalink.clone(), updated));
        if let Some(per_page) = section.front.paginate_by.filter(|&n| n > 0) {
            let path = section.front.paginate_path.as_deref().unwrap_or("page");
            for n in 2..=section.pages.len().div_ceil(per_page) {
                list.push((format!("{}{path}/{n}/", section.permalink), updated));
            }
        }
    }
    for taxonomy in site.taxonomies.iter().filter(|t| t.config.render) {
        let all: Vec<usize> = taxonomy
            .terms
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect();
        list.push((taxonomy.permalink.clone(), newest(site, &all)));
        for term in &taxonomy.terms {
            list.push((term.permalink.clone(), newest(site, &term.pages)));
        }
    }
    list.sort();
    list.dedup_by(|a, b| a.0 == b.0);
    list
}
