//! Outputs every site has whatever its content: `404.html`, `robots.txt`, and the redirect
//! pages of `aliases`, `redirect_to` and pagination's page 1.

use std::borrow::Cow;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::Diagnostic;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::url_path::safe_components;

/// A page that sends the browser on to `to`.
#[derive(Debug)]
pub struct Redirect {
    pub to: String,
    /// What asked for it, for messages.
    pub origin: String,
}

/// A file made from its template alone, with no data of its own: `404.html`, `robots.txt`.
#[derive(Debug)]
struct Standalone {
    template: &'static str,
    origin: &'static str,
    counts_as: Counted,
    /// The language it is in (`None`: the default language).
    lang: Option<String>,
}

/// `/404.html`, and for each other language `/<lang>/404.html` in it (beyond Zola, which has
/// one: hosts that serve a 404 page per folder find the visitor's language).
pub fn plan_not_found(plan: &mut Plan<'_>) {
    let config = &plan.site.config;
    let pages: Vec<(String, Option<String>)> = config
        .language_codes()
        .map(|lang| {
            let path = format!("{}/404.html", config.lang_prefix(lang));
            let other = (lang != config.default_language).then(|| lang.to_string());
            (path, other)
        })
        .collect();
    for (path, lang) in pages {
        let not_found = Standalone {
            template: "404.html",
            origin: "the 404 page",
            counts_as: Counted::Page,
            lang,
        };
        plan.push(path, not_found);
    }
}

pub fn plan_robots(plan: &mut Plan<'_>) {
    if plan.site.config.generate_robots_txt {
        let robots = Standalone {
            template: "robots.txt",
            origin: "robots.txt",
            counts_as: Counted::Other,
            lang: None,
        };
        plan.push("/robots.txt".into(), robots);
    }
}

/// Redirect pages for `list`, the `aliases` of `file`; an alias that would leave the output
/// folder is an error.
pub fn aliases(plan: &mut Plan<'_>, list: &[String], to: &str, file: &Path) {
    for alias in list {
        match safe_components(alias) {
            Ok(clean) if !clean.is_empty() => {
                let path = if alias.ends_with('/') || !clean.contains('.') {
                    format!("/{clean}/")
                } else {
                    format!("/{clean}")
                };
                let origin = format!("the alias `{alias}` of {}", file.display());
                let to = to.to_string();
                plan.push(path, Redirect { to, origin });
            }
            Ok(_) => plan.errors.push(Diagnostic::in_file(
                file,
                format!("alias `{alias}` is empty; remove it"),
            )),
            Err(e) => plan.errors.push(Diagnostic::in_file(
                file,
                format!("front matter `aliases`: {e}"),
            )),
        }
    }
}

impl Output for Redirect {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("internal/alias.html")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::from_iter([("url".to_string(), json!(self.to))])
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        self.origin.clone()
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own((&self.to, &self.origin))
    }

    fn redirects_to(&self) -> Option<&str> {
        Some(&self.to)
    }
}

impl Output for Standalone {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed(self.template)
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        self.lang
            .as_deref()
            .unwrap_or(&renderer.site.config.default_language)
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        match &self.lang {
            Some(lang) => format!("{} of language `{lang}`", self.origin),
            None => self.origin.to_string(),
        }
    }

    fn counts_as(&self) -> Counted {
        self.counts_as
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(&self.lang)
    }
}
