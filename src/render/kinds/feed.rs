//! Atom and RSS feeds (`feed_filenames`): of the whole site, of a section with
//! `generate_feeds`, and of each term of a taxonomy with `feed = true`.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::render::values::Detail;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::Site;

/// One feed file.
#[derive(Debug)]
struct Feed {
    filename: String,
    scope: Scope,
    /// Its language, whose `feed_filenames` name it.
    lang: String,
}

/// Which pages a feed carries.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// Every page of the feed's language.
    Site,
    Section(usize),
    Term(usize, usize),
}

pub fn plan(plan: &mut Plan<'_>) {
    let site = plan.site;
    let config = &site.config;
    let mut feeds = |base: &str, scope: Scope, lang: &str| {
        for filename in &config.language(lang).feed_filenames {
            let filename = filename.clone();
            let lang = lang.to_string();
            plan.push(
                format!("{base}{filename}"),
                Feed {
                    filename,
                    scope,
                    lang,
                },
            );
        }
    };
    for lang in config.language_codes() {
        if config.language(lang).generate_feeds {
            feeds(&format!("{}/", config.lang_prefix(lang)), Scope::Site, lang);
        }
    }
    for (s, section) in site.sections.iter().enumerate() {
        if section.front.generate_feeds {
            feeds(&section.path, Scope::Section(s), &section.lang);
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if taxonomy.config.feed && taxonomy.config.render {
            for (n, term) in taxonomy.terms.iter().enumerate() {
                feeds(&term.path, Scope::Term(t, n), &taxonomy.lang);
            }
        }
    }
}

/// The pages a feed shows: dated ones, newest first, at most `feed_limit`.
fn feed_pages(site: &Site, pages: Vec<usize>) -> Vec<usize> {
    let mut dated: Vec<usize> = pages
        .into_iter()
        .filter(|&i| site.pages[i].date.is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    if let Some(limit) = site.config.feed_limit {
        dated.truncate(limit);
    }
    dated
}

/// A Unix time as RFC 3339, the form Tera's `date` filter reads.
fn rfc3339(timestamp: i64) -> String {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .to_rfc3339()
}

impl Feed {
    /// Every page in the feed's scope, before `feed_pages` picks the shown ones.
    fn candidates(&self, site: &Site) -> Vec<usize> {
        match self.scope {
            Scope::Site => (0..site.pages.len())
                .filter(|&i| site.pages[i].lang == self.lang)
                .collect(),
            Scope::Section(s) => site.sections[s].pages.clone(),
            Scope::Term(t, n) => site.taxonomies[t].terms[n].pages.clone(),
        }
    }
}

impl Output for Feed {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed(&self.filename)
    }

    fn context(&self, renderer: &Renderer<'_>, template: &str, path: &str) -> Map<String, Value> {
        let (site, values) = (renderer.site, &renderer.values);
        let mut map = Map::new();
        match self.scope {
            Scope::Site => {}
            Scope::Section(s) => {
                map.insert("section".into(), values.section(s, None));
            }
            Scope::Term(t, n) => {
                let term = &site.taxonomies[t].terms[n];
                map.insert("term".into(), values.term(term, &[], &Detail::Full));
            }
        }
        let pages = feed_pages(site, self.candidates(site));
        let last = pages
            .iter()
            .filter_map(|&i| site.pages[i].updated.max(site.pages[i].date))
            .max()
            .unwrap_or(0);
        map.insert("last_updated".into(), json!(rfc3339(last)));
        let feed_url = format!("{}{path}", site.config.base_url);
        map.insert("feed_url".into(), json!(feed_url));
        let detail = renderer.listed_detail(template);
        map.insert("pages".into(), values.page_list(&pages, &detail));
        map
    }

    fn lang<'r>(&'r self, _: &'r Renderer<'_>) -> &'r str {
        &self.lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        let site = renderer.site;
        match self.scope {
            Scope::Site => format!("the site feed of language `{}`", self.lang),
            Scope::Section(s) => {
                format!("the feed of {}", site.sections[s].source.file.display())
            }
            Scope::Term(t, n) => format!(
                "the feed of `{}` term `{}`",
                site.taxonomies[t].config.name, site.taxonomies[t].terms[n].name
            ),
        }
    }

    fn counts_as(&self) -> Counted {
        Counted::Feed
    }

    fn why(&self, _: &Renderer<'_>, _: &str) -> String {
        "config.toml's `feed_filenames` lists it".to_string()
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let site = renderer.site;
        let scope = match self.scope {
            Scope::Site => Some(crate::render::hash_of(&self.lang)),
            Scope::Section(s) => Some(renderer.values.section_versions[s]),
            Scope::Term(t, n) => {
                let term = &site.taxonomies[t].terms[n];
                Some(crate::render::hash_of((&term.name, &term.permalink)))
            }
        };
        let shown = feed_pages(site, self.candidates(site));
        // `last_updated` comes from the dates of the pages shown.
        let dates: Vec<_> = shown
            .iter()
            .map(|&i| (site.pages[i].date, site.pages[i].updated))
            .collect();
        MadeFrom::listing((scope, dates), shown)
    }
}
