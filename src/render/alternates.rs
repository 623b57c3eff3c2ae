//! Kiln's hreflang alternates, beyond Zola: for a page or section with translations, the
//! language and URL of each (itself included) and `x-default` (the default language's), as
//! search engines read them from `<link rel="alternate" hreflang>` and the sitemap's
//! `xhtml:link`.

use serde_json::{Value, json};

use crate::site::{PageOrSection, Site};

/// (hreflang, URL) of every translation of `item`, then `x-default`; none without translations.
pub fn alternates(site: &Site, item: PageOrSection) -> Vec<(&str, &str)> {
    let links: Vec<(&str, &str)> = match item {
        PageOrSection::Page(i) => site.pages[i]
            .translations
            .iter()
            .map(|&t| {
                (
                    site.pages[t].lang.as_str(),
                    site.pages[t].permalink.as_str(),
                )
            })
            .collect(),
        PageOrSection::Section(i) => site.sections[i]
            .translations
            .iter()
            .map(|&t| {
                (
                    site.sections[t].lang.as_str(),
                    site.sections[t].permalink.as_str(),
                )
            })
            .collect(),
    };
    if links.len() < 2 {
        return Vec::new();
    }
    let default = links
        .iter()
        .find(|(lang, _)| *lang == site.config.default_language)
        .map(|(_, url)| ("x-default", *url));
    links.iter().copied().chain(default).collect()
}

/// The alternates as templates see them: `[{hreflang, href}]`.
pub fn value(links: &[(&str, &str)]) -> Value {
    let each = links
        .iter()
        .map(|(hreflang, href)| json!({ "hreflang": hreflang, "href": href }));
    Value::Array(each.collect())
}
