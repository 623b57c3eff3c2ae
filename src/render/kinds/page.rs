//! A content page (`content/**/*.md` other than `_index.md`), rendered with its template.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::fixed::aliases;
use crate::render::alternates;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::{PageOrSection, Site};

/// Page `0` of the site.
#[derive(Debug)]
struct Page(usize);

/// Every page, each followed by the redirects of its `aliases`; a page with `render = false`
/// gets no file of its own (it is still listed, as in Zola).
pub fn plan(plan: &mut Plan<'_>) {
    for (i, page) in plan.site.pages.iter().enumerate() {
        if page.front.render != Some(false) {
            plan.push(page.path.clone(), Page(i));
        }
        let (aliases_of, to, file) = (&page.front.aliases, &page.permalink, &page.source.file);
        aliases(plan, aliases_of, to, file);
    }
}

/// The template of page `i`: its own, else the nearest section's `page_template` (and
/// that section), else `page.html`.
fn page_template(site: &Site, i: usize) -> (&str, Option<usize>) {
    let page = &site.pages[i];
    if let Some(t) = &page.front.template {
        return (t, None);
    }
    let mut section = page.section;
    while let Some(s) = section {
        if let Some(t) = &site.sections[s].front.page_template {
            return (t, Some(s));
        }
        section = site.sections[s].parent;
    }
    ("page.html", None)
}

impl Output for Page {
    fn template<'r>(&'r self, renderer: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed(page_template(renderer.site, self.0).0)
    }

    fn context(&self, renderer: &Renderer<'_>, template: &str, _path: &str) -> Map<String, Value> {
        let page = &renderer.site.pages[self.0];
        let own = renderer.own_detail(template);
        let listed = renderer.listed_detail(template);
        let value = renderer
            .values
            .page_with_neighbours(page, self.0, &own, &listed);
        let links = alternates::alternates(renderer.site, PageOrSection::Page(self.0));
        Map::from_iter([
            ("page".to_string(), value),
            ("alternates".to_string(), alternates::value(&links)),
        ])
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.pages[self.0].lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        renderer.site.pages[self.0]
            .source
            .file
            .display()
            .to_string()
    }

    fn counts_as(&self) -> Counted {
        Counted::Page
    }

    fn why(&self, renderer: &Renderer<'_>, template: &str) -> String {
        let site = renderer.site;
        let page = &site.pages[self.0];
        let file = page.source.file.display();
        match page_template(site, self.0) {
            (_, Some(s)) => format!(
                "{} sets `page_template = \"{template}\"` for its pages",
                site.sections[s].source.file.display()
            ),
            _ if page.front.template.is_some() => {
                format!("{file} sets `template = \"{template}\"`")
            }
            _ => format!("it is the default template of pages ({file} is one)"),
        }
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let page = &renderer.site.pages[self.0];
        MadeFrom {
            neighbours: [page.lower, page.higher],
            ..MadeFrom::own(renderer.values.versions[self.0])
        }
    }
}
