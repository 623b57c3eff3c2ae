//! `sitemap.xml`: every rendered URL with its last modification date when known.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::Site;

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
        let entries = Value::Array(entries(renderer.site));
        Map::from_iter([("entries".to_string(), entries)])
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "the sitemap".into()
    }

    fn counts_as(&self) -> Counted {
        Counted::Sitemap
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(urls(renderer.site))
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

/// Sitemap entries (`permalink`, `updated`) sorted by permalink, as in Zola.
fn entries(site: &Site) -> Vec<Value> {
    urls(site)
        .into_iter()
        .map(|(permalink, updated)| json!({ "permalink": permalink, "updated": day(updated) }))
        .collect()
}

/// Every URL with its newest date, sorted by permalink: what the sitemap is made from.
fn urls(site: &Site) -> Vec<(String, Option<i64>)> {
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
