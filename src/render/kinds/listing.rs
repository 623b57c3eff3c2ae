//! Listings of pages: a section's page (`_index.md`), a taxonomy's list of terms and a term's
//! page, each split into pagers when `paginate_by` says so.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::fixed::{Redirect, aliases};
use crate::render::alternates;
use crate::render::values::Detail;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::{PageOrSection, Section};

/// Section `section`'s page, or one pager of it.
#[derive(Debug)]
struct SectionPage {
    section: usize,
    pager: Option<Pager>,
}

/// The list of a taxonomy's terms (`/tags/`).
#[derive(Debug)]
struct TermList(usize);

/// One term's page (`/tags/rust/`), or one pager of it.
#[derive(Debug)]
struct TermPage {
    taxonomy: usize,
    term: usize,
    pager: Option<Pager>,
}

/// One page of a paginated listing: its 1-based number, and the slice of listed pages it shows.
#[derive(Debug, Clone)]
struct Pager {
    pub index: usize,
    pub count: usize,
    pub start: usize,
    pub end: usize,
    pub base_path: String,
    pub paginate_path: String,
    pub paginate_by: usize,
}

impl Pager {
    fn path_of(&self, index: usize) -> String {
        if index == 1 {
            self.base_path.clone()
        } else {
            format!("{}{}/{index}/", self.base_path, self.paginate_path)
        }
    }
}

/// Splits `total` listed pages into pagers of `per_page` under `base_path` (page 1 is the base).
fn pagers(base_path: &str, paginate_path: &str, per_page: usize, total: usize) -> Vec<Pager> {
    let count = total.div_ceil(per_page).max(1);
    (1..=count)
        .map(|index| Pager {
            index,
            count,
            start: (index - 1) * per_page,
            end: (index * per_page).min(total),
            base_path: base_path.to_string(),
            paginate_path: paginate_path.to_string(),
            paginate_by: per_page,
        })
        .collect()
}

/// A section's listed pages in pagination order.
fn listed_pages(section: &Section) -> Cow<'_, [usize]> {
    if section.front.paginate_reversed {
        Cow::Owned(section.pages.iter().rev().copied().collect())
    } else {
        Cow::Borrowed(&section.pages)
    }
}

/// Every section's listing, after the redirects of its `aliases` (or its `redirect_to`).
pub fn plan_sections(plan: &mut Plan<'_>) {
    let site = plan.site;
    for (s, section) in site.sections.iter().enumerate() {
        let (list, to, file) = (
            &section.front.aliases,
            &section.permalink,
            &section.source.file,
        );
        aliases(plan, list, to, file);
        if let Some(to) = &section.front.redirect_to {
            let to = if to.contains("://") {
                to.clone()
            } else {
                format!("{}/{}", site.config.base_url, to.trim_start_matches('/'))
            };
            let origin = format!("the redirect of {}", file.display());
            plan.push(section.path.clone(), Redirect { to, origin });
            continue;
        }
        if section.front.render == Some(false) {
            continue;
        }
        let paginate = (
            section.front.paginate_by,
            section.front.paginate_path.as_deref(),
        );
        let at = (section.path.as_str(), section.permalink.as_str());
        push_listing(plan, at, paginate, section.pages.len(), |pager| {
            SectionPage { section: s, pager }
        });
    }
}

/// Every rendered taxonomy's list of terms, and each term's listing; a taxonomy no page uses
/// has no list page, as in Zola.
pub fn plan_taxonomies(plan: &mut Plan<'_>) {
    for (t, taxonomy) in plan.site.taxonomies.iter().enumerate() {
        if !taxonomy.config.render || taxonomy.terms.is_empty() {
            continue;
        }
        plan.push(taxonomy.path.clone(), TermList(t));
        let paginate = (
            taxonomy.config.paginate_by,
            taxonomy.config.paginate_path.as_deref(),
        );
        for (n, term) in taxonomy.terms.iter().enumerate() {
            let at = (term.path.as_str(), term.permalink.as_str());
            push_listing(plan, at, paginate, term.pages.len(), |pager| TermPage {
                taxonomy: t,
                term: n,
                pager,
            });
        }
    }
}

/// The outputs of a listing of `total` items at (path, permalink): one page, or with
/// `paginate_by` one per pager plus Zola's `<paginate_path>/1/` redirect to the listing itself.
fn push_listing<O: Output + 'static>(
    plan: &mut Plan<'_>,
    (path, permalink): (&str, &str),
    (paginate_by, paginate_path): (Option<usize>, Option<&str>),
    total: usize,
    output: impl Fn(Option<Pager>) -> O,
) {
    let Some(per_page) = paginate_by.filter(|&n| n > 0) else {
        plan.push(path.to_string(), output(None));
        return;
    };
    let paginate_path = paginate_path.unwrap_or("page");
    let first = format!("{path}{paginate_path}/1/");
    let redirect = Redirect {
        to: permalink.to_string(),
        origin: format!("the redirect from {first}"),
    };
    plan.push(first, redirect);
    for pager in pagers(path, paginate_path, per_page, total) {
        plan.push(pager.path_of(pager.index), output(Some(pager)));
    }
}

/// Zola's `paginator` value for one pager showing `pages` of `total`.
fn paginator(
    renderer: &Renderer<'_>,
    pager: &Pager,
    pages: &[usize],
    total: usize,
    detail: &Detail,
) -> Value {
    let base_url = &renderer.site.config.base_url;
    let link = |i: usize| format!("{base_url}{}", pager.path_of(i));
    let previous = (pager.index > 1).then(|| link(pager.index - 1));
    let next = (pager.index < pager.count).then(|| link(pager.index + 1));
    let pager_base = format!("{base_url}{}{}/", pager.base_path, pager.paginate_path);
    crate::render::values::object([
        ("paginate_by", json!(pager.paginate_by)),
        ("first", json!(link(1))),
        ("last", json!(link(pager.count))),
        ("previous", json!(previous)),
        ("next", json!(next)),
        ("number_pagers", json!(pager.count)),
        ("current_index", json!(pager.index)),
        ("total_pages", json!(total)),
        ("paginate_path", json!(pager.paginate_path)),
        ("base_url", json!(pager_base)),
        ("pages", renderer.values.page_list(pages, detail)),
    ])
}

/// `<taxonomy>/<kind>.html`, falling back to Zola's `taxonomy_<kind>.html`.
fn taxonomy_template(renderer: &Renderer<'_>, name: &str, kind: &str) -> String {
    let specific = format!("{name}/{kind}.html");
    let generic = format!("taxonomy_{kind}.html");
    if !renderer.has_template(&specific) && renderer.has_template(&generic) {
        generic
    } else {
        specific
    }
}

/// Why a taxonomy's outputs need `template`.
fn taxonomy_why(renderer: &Renderer<'_>, t: usize) -> String {
    format!(
        "config.toml declares the taxonomy `{}` (templates/taxonomy_list.html and taxonomy_single.html also work)",
        renderer.site.taxonomies[t].config.name
    )
}

impl Output for SectionPage {
    fn template<'r>(&'r self, renderer: &'r Renderer<'_>) -> Cow<'r, str> {
        let site = renderer.site;
        let section = &site.sections[self.section];
        Cow::Borrowed(match &section.front.template {
            Some(t) => t,
            None if self.section == site.index_of(&section.lang) => "index.html",
            None => "section.html",
        })
    }

    fn context(&self, renderer: &Renderer<'_>, template: &str, _: &str) -> Map<String, Value> {
        let (s, values) = (self.section, &renderer.values);
        let detail = renderer.listed_detail(template);
        let mut map = Map::new();
        match &self.pager {
            Some(pager) => {
                map.insert("section".into(), values.section(s, None));
                let listed = listed_pages(&renderer.site.sections[s]);
                let pages = &listed[pager.start..pager.end];
                let paginator = paginator(renderer, pager, pages, listed.len(), &detail);
                map.insert("paginator".into(), paginator);
            }
            None => {
                map.insert("section".into(), values.section(s, Some(&detail)));
            }
        }
        let links = alternates::alternates(renderer.site, PageOrSection::Section(s));
        map.insert("alternates".into(), alternates::value(&links));
        map
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.sections[self.section].lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        let section = &renderer.site.sections[self.section];
        section.source.file.display().to_string()
    }

    fn counts_as(&self) -> Counted {
        Counted::Listing
    }

    fn why(&self, renderer: &Renderer<'_>, template: &str) -> String {
        let site = renderer.site;
        let file = site.sections[self.section].source.file.display();
        if site.sections[self.section].front.template.is_some() {
            format!("{file} sets `template = \"{template}\"`")
        } else if self.section == site.index_of(&site.sections[self.section].lang) {
            "it renders the home page".to_string()
        } else {
            format!("it is the default template of sections ({file} is one)")
        }
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let version = renderer.values.section_versions[self.section];
        let all = listed_pages(&renderer.site.sections[self.section]);
        match &self.pager {
            Some(p) => {
                let own = (version, p.index, p.count, all.len());
                let shown: Vec<usize> = all[p.start..p.end].to_vec();
                MadeFrom::listing(own, shown)
            }
            None => MadeFrom::listing(version, all),
        }
    }
}

impl Output for TermList {
    fn template<'r>(&'r self, renderer: &'r Renderer<'_>) -> Cow<'r, str> {
        let name = &renderer.site.taxonomies[self.0].config.name;
        Cow::Owned(taxonomy_template(renderer, name, "list"))
    }

    fn context(&self, renderer: &Renderer<'_>, template: &str, _: &str) -> Map<String, Value> {
        let taxonomy = &renderer.site.taxonomies[self.0];
        let detail = renderer.listed_detail(template);
        let terms = taxonomy
            .terms
            .iter()
            .map(|term| renderer.values.term(term, &term.pages, &detail));
        Map::from_iter([
            ("taxonomy".to_string(), json!(taxonomy.config)),
            ("terms".to_string(), Value::Array(terms.collect())),
        ])
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.taxonomies[self.0].lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        let name = &renderer.site.taxonomies[self.0].config.name;
        format!("the list of `{name}` (declared in config.toml)")
    }

    fn counts_as(&self) -> Counted {
        Counted::Listing
    }

    fn why(&self, renderer: &Renderer<'_>, _: &str) -> String {
        taxonomy_why(renderer, self.0)
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let terms = &renderer.site.taxonomies[self.0].terms;
        let own: Vec<_> = terms
            .iter()
            .map(|t| (&t.name, &t.permalink, t.pages.len()))
            .collect();
        let listed: Vec<usize> = terms.iter().flat_map(|t| t.pages.iter().copied()).collect();
        MadeFrom::listing(own, listed)
    }
}

impl Output for TermPage {
    fn template<'r>(&'r self, renderer: &'r Renderer<'_>) -> Cow<'r, str> {
        let name = &renderer.site.taxonomies[self.taxonomy].config.name;
        Cow::Owned(taxonomy_template(renderer, name, "single"))
    }

    fn context(&self, renderer: &Renderer<'_>, template: &str, _: &str) -> Map<String, Value> {
        let taxonomy = &renderer.site.taxonomies[self.taxonomy];
        let term = &taxonomy.terms[self.term];
        let detail = renderer.listed_detail(template);
        let mut map = Map::new();
        map.insert("taxonomy".into(), json!(taxonomy.config));
        match &self.pager {
            Some(pager) => {
                map.insert("term".into(), renderer.values.term(term, &[], &detail));
                let pages = &term.pages[pager.start..pager.end];
                let total = term.pages.len();
                let paginator = paginator(renderer, pager, pages, total, &detail);
                map.insert("paginator".into(), paginator);
            }
            None => {
                let value = renderer.values.term(term, &term.pages, &detail);
                map.insert("term".into(), value);
            }
        }
        map
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.taxonomies[self.taxonomy].lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        let taxonomy = &renderer.site.taxonomies[self.taxonomy];
        let name = &taxonomy.terms[self.term].name;
        format!("the `{}` term `{name}`", taxonomy.config.name)
    }

    fn counts_as(&self) -> Counted {
        Counted::Listing
    }

    fn why(&self, renderer: &Renderer<'_>, _: &str) -> String {
        taxonomy_why(renderer, self.taxonomy)
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let term = &renderer.site.taxonomies[self.taxonomy].terms[self.term];
        let own = (&term.name, &term.permalink, term.pages.len());
        match &self.pager {
            Some(p) => MadeFrom::listing((own, p.index, p.count), &term.pages[p.start..p.end]),
            None => MadeFrom::listing(own, &term.pages[..]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_cover_every_page_and_page_one_is_the_base() {
        let all = pagers("/blog/", "page", 3, 7);
        assert_eq!(all.len(), 3);
        assert_eq!((all[2].start, all[2].end), (6, 7));
        assert_eq!(all[0].path_of(1), "/blog/");
        assert_eq!(all[0].path_of(3), "/blog/page/3/");
        assert_eq!(pagers("/b/", "page", 3, 0).len(), 1);
    }
}
