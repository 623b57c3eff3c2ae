//! Sections put together: each page filed under its section, sorted as the section says,
//! with its neighbours; each section under its parent.

use std::collections::HashMap;

use super::{Page, Site};
use crate::content::front_matter::SortBy;

/// Files pages under their sections, sorts them, and links sections, parents and neighbours.
pub(super) fn build_sections(site: &mut Site) {
    // Each language's sections are a tree of their own: a page or section belongs to the
    // section of its own language (Zola has no fallback to the default language).
    let section_of_dir: HashMap<(String, String), usize> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.source.dir().to_string(), s.lang.clone()), i))
        .collect();
    let find = |dir: &str, lang: &str| {
        section_of_dir
            .get(&(dir.to_string(), lang.to_string()))
            .copied()
    };
    for (i, page) in site.pages.iter_mut().enumerate() {
        let dir = page.source.dir();
        let dir = if page.colocated {
            dir.rsplit_once('/').map_or("", |(p, _)| p)
        } else {
            dir
        };
        page.section = find(dir, &page.lang);
        if let Some(s) = page.section {
            site.sections[s].pages.push(i);
        }
    }
    for i in 0..site.sections.len() {
        let dir = site.sections[i].source.dir().to_string();
        if dir.is_empty() {
            continue;
        }
        let lang = &site.sections[i].lang;
        let parent = ancestors(&dir).find_map(|d| find(d, lang));
        site.sections[i].parent = parent;
        if let Some(p) = parent {
            site.sections[p].subsections.push(i);
        }
    }
    pass_up_transparent(site);
    for s in 0..site.sections.len() {
        sort_section(site, s);
    }
}

/// Lists the pages of each `transparent` section in its parent too, deepest first, so a
/// chain of transparent sections passes them all the way up (Zola's rule).
fn pass_up_transparent(site: &mut Site) {
    let mut order: Vec<usize> = (0..site.sections.len()).collect();
    order.sort_by_key(|&s| std::cmp::Reverse(site.sections[s].source.rel.matches('/').count()));
    for s in order {
        let section = &site.sections[s];
        if let (true, Some(parent)) = (section.front.transparent, section.parent) {
            let pages = section.pages.clone();
            site.sections[parent].pages.extend(pages);
        }
    }
}

/// `a/b/c` → `a/b`, `a`, `` (the folders above `dir`, nearest first).
pub(super) fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut current = Some(dir);
    std::iter::from_fn(move || {
        let next = current?.rsplit_once('/').map(|(p, _)| p);
        current = next;
        Some(next.unwrap_or(""))
    })
    .take_while({
        let mut done = false;
        move |d| !std::mem::replace(&mut done, d.is_empty())
    })
}

fn sort_section(site: &mut Site, s: usize) {
    let sort_by = site.sections[s].front.sort_by;
    let pages = std::mem::take(&mut site.sections[s].pages);
    let key_ok = |p: &Page| match sort_by {
        SortBy::Date => p.date.is_some(),
        SortBy::UpdateDate => p.updated.or(p.date).is_some(),
        SortBy::Weight => p.front.weight.is_some(),
        SortBy::Title => p.front.title.is_some(),
        SortBy::None => true,
    };
    let (mut sorted, ignored): (Vec<usize>, Vec<usize>) =
        pages.into_iter().partition(|&i| key_ok(&site.pages[i]));
    let all = &site.pages;
    sorted.sort_by(|&a, &b| {
        let (pa, pb) = (&all[a], &all[b]);
        let primary = match sort_by {
            SortBy::Date => pb.date.cmp(&pa.date),
            SortBy::UpdateDate => pb.updated.or(pb.date).cmp(&pa.updated.or(pa.date)),
            SortBy::Weight => pa.front.weight.cmp(&pb.front.weight),
            SortBy::Title => natural_cmp(
                pa.front.title.as_deref().unwrap_or(""),
                pb.front.title.as_deref().unwrap_or(""),
            ),
            SortBy::None => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    if sort_by != SortBy::None {
        for (n, &i) in sorted.iter().enumerate() {
            // Zola's order: `lower` is the page before in the sorted list, `higher` the one after.
            site.pages[i].lower = n.checked_sub(1).map(|h| sorted[h]);
            site.pages[i].higher = sorted.get(n + 1).copied();
        }
    }
    let subsections = std::mem::take(&mut site.sections[s].subsections);
    let mut subsections = subsections;
    let sections = &site.sections;
    subsections.sort_by(|&a, &b| {
        let (sa, sb) = (&sections[a], &sections[b]);
        sa.front
            .weight
            .unwrap_or(0)
            .cmp(&sb.front.weight.unwrap_or(0))
            .then_with(|| sa.path.cmp(&sb.path))
    });
    let section = &mut site.sections[s];
    section.pages = sorted;
    section.ignored_pages = ignored;
    section.subsections = subsections;
}

/// Compares case-insensitively, with digit runs compared by value ("Ep 2" < "Ep 10").
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, ta), (db, tb)) in ca.iter().zip(cb.iter()) {
        let order = if *da && *db {
            let (na, nb) = (ta.trim_start_matches('0'), tb.trim_start_matches('0'));
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            ta.cmp(tb)
        };
        if order.is_ne() {
            return order;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}
