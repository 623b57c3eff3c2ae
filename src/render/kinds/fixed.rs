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

/// `404.html`.
#[derive(Debug)]
struct NotFound;

/// `robots.txt`.
#[derive(Debug)]
struct Robots;

pub fn plan_not_found(plan: &mut Plan<'_>) {
    plan.push("/404.html".into(), NotFound);
}

pub fn plan_robots(plan: &mut Plan<'_>) {
    if plan.site.config.generate_robots_txt {
        plan.push("/robots.txt".into(), Robots);
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
}

impl Output for NotFound {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("404.html")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "the 404 page".into()
    }

    fn counts_as(&self) -> Counted {
        Counted::Page
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(())
    }
}

impl Output for Robots {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("robots.txt")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        "robots.txt".into()
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(())
    }
}
