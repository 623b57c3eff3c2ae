//! Taxonomies: pages grouped by the terms of each taxonomy that config.toml declares.

use std::collections::HashMap;

use super::{Page, Site, Taxonomy, Term};
use crate::error::Diagnostic;
use crate::url_path::{dir_path, permalink, safe_components};

/// Groups pages by the terms of each taxonomy their language declares (`/tags/`, and
/// `/fr/tags/` for `[languages.fr] taxonomies`); an undeclared taxonomy is an error.
pub(super) fn build_taxonomies(site: &Site, errors: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
    let config = &site.config;
    let declared = config.language_codes().flat_map(|lang| {
        let list = &config.language(lang).taxonomies;
        list.iter().map(move |taxonomy| (lang, taxonomy))
    });
    let mut taxonomies: Vec<Taxonomy> = declared
        .map(|(lang, taxonomy)| {
            let name = slug::slugify(&taxonomy.name);
            let path = match config.taxonomy_root.as_deref().map(safe_components) {
                Some(Ok(root)) if !root.is_empty() => dir_path(&format!("{root}/{name}")),
                _ => dir_path(&name),
            };
            let path = format!("{}{path}", config.lang_prefix(lang));
            Taxonomy {
                permalink: permalink(&config.base_url, &path),
                path,
                lang: lang.to_string(),
                config: taxonomy.clone(),
                terms: Vec::new(),
            }
        })
        .collect();
    // Thousands of pages share a few dozen terms: each distinct (taxonomy, value) is slugified
    // and looked up once, then found again by a hash of the value.
    let mut term_of: HashMap<(usize, &str), usize> = HashMap::new();
    let mut by_slug: Vec<HashMap<String, usize>> =
        taxonomies.iter().map(|_| HashMap::new()).collect();
    let mut terms: Vec<Vec<Term>> = taxonomies.iter().map(|_| Vec::new()).collect();
    for (i, page) in site.pages.iter().enumerate() {
        for (name, values) in &page.front.taxonomies {
            let found = taxonomies
                .iter()
                .position(|t| &t.config.name == name && t.lang == page.lang);
            let Some(t) = found else {
                let table = if page.lang == config.default_language {
                    String::new()
                } else {
                    format!(" of [languages.{}]", page.lang)
                };
                errors.push(Diagnostic::in_file(&page.source.file, format!(
                    "taxonomy `{name}` is not declared; add `{{ name = \"{name}\" }}` to `taxonomies`{table} in config.toml"
                )));
                continue;
            };
            for value in values {
                let index = *term_of.entry((t, value.as_str())).or_insert_with(|| {
                    let slug = slug::slugify(value);
                    *by_slug[t].entry(slug.clone()).or_insert_with(|| {
                        let path = format!("{}{slug}/", taxonomies[t].path);
                        terms[t].push(Term {
                            name: value.clone(),
                            permalink: permalink(&site.config.base_url, &path),
                            path,
                            slug,
                            pages: Vec::new(),
                        });
                        terms[t].len() - 1
                    })
                });
                // Pages come in order, so a page listing a term twice can only be the last one.
                let pages = &mut terms[t][index].pages;
                if pages.last() != Some(&i) {
                    pages.push(i);
                }
            }
        }
    }
    let rank = newest_first(&site.pages);
    for (taxonomy, mut terms) in taxonomies.iter_mut().zip(terms) {
        terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        for term in &mut terms {
            term.pages.sort_unstable_by_key(|&i| rank[i]);
        }
        taxonomy.terms = terms;
    }
    taxonomies
}

/// Each page's place when all are listed newest first, then by permalink (a term's order):
/// sorting every page once is cheaper than comparing dates and permalinks within each term.
fn newest_first(pages: &[Page]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    let mut rank = vec![0; pages.len()];
    for (place, &i) in order.iter().enumerate() {
        rank[i] = place;
    }
    rank
}
