//! The example site's Urdu edition reads in Urdu throughout: no English word of the interface
//! (the `[translations]` of config.toml) is left on an Urdu page, and its links stay in Urdu
//! or say which language they lead to.

use std::collections::BTreeSet;

use html5gum::{Token, Tokenizer};

use crate::example_site::{internal_target, readable_pages, run};
use crate::markup::start_tags;
use crate::support::repo_root;

/// Names that stay as they are in every language: the product, formats and the language
/// switcher's own names are not interface words to translate.
const PROPER_NOUNS: &[&str] = &[
    "Kiln",
    "Ember",
    "FM",
    "RSS",
    "Atom",
    "HTML",
    "JavaScript",
    "SQL",
];

/// Attributes a browser shows or reads aloud, and those the optional scripts show.
const READ_ATTRIBUTES: &[&str] = &[
    "aria-label",
    "alt",
    "title",
    "placeholder",
    "data-pause",
    "data-hello",
    "data-log-out",
    "data-none",
    "data-one",
    "data-other",
];

/// Elements whose text a reader does not read as the page's language.
const NOT_PROSE: &[&str] = &["script", "style", "code", "svg"];

/// Elements that never have an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The interface tables of config.toml: `[translations]` and `[languages.ur.translations]`.
fn translations() -> (toml::Table, toml::Table) {
    let text = std::fs::read_to_string(repo_root().join("config.toml")).expect("config.toml");
    let config: toml::Table = toml::from_str(&text).expect("config.toml parses");
    let table = |value: Option<&toml::Value>| {
        value
            .and_then(toml::Value::as_table)
            .cloned()
            .expect("a translations table")
    };
    let urdu = config
        .get("languages")
        .and_then(|l| l.get("ur"))
        .and_then(|u| u.get("translations"));
    (table(config.get("translations")), table(urdu))
}

/// Every English word of the interface: the words of `[translations]`, placeholders and
/// proper nouns left out.
fn english_interface_words() -> BTreeSet<String> {
    let (english, _) = translations();
    let mut words = BTreeSet::new();
    for value in english.values().filter_map(toml::Value::as_str) {
        let mut text = value.to_string();
        while let (Some(open), Some(close)) = (text.find('{'), text.find('}')) {
            if close < open {
                break;
            }
            text.replace_range(open..=close, " ");
        }
        let found = text.split(|c: char| !c.is_ascii_alphabetic());
        words.extend(
            found
                .filter(|w| w.len() > 1 && !PROPER_NOUNS.contains(w))
                .map(str::to_string),
        );
    }
    words
}

/// What a reader of `html` meets as the page's language `lang`: its text and the attributes
/// of `READ_ATTRIBUTES` (and the meta description), leaving out code, scripts, drawings and
/// any element marked with another language (such as the switcher's "English").
fn readers_text(html: &str, lang: &str) -> String {
    let mut out = String::new();
    // Open elements, each with whether its content is left out.
    let mut open: Vec<(String, bool)> = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        let skipping = open.iter().any(|(_, skip)| *skip);
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_lowercase();
                let attr = |key: &str| {
                    (tag.attributes.get(key.as_bytes()))
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                };
                let other_language = attr("lang").is_some_and(|l| l != lang);
                let skip = skipping || other_language || NOT_PROSE.contains(&name.as_str());
                if !skip {
                    for key in READ_ATTRIBUTES {
                        out.extend(attr(key).map(|v| format!(" {v} ")));
                    }
                    if name == "meta" && attr("name").as_deref() == Some("description") {
                        out.extend(attr("content").map(|v| format!(" {v} ")));
                    }
                }
                if !tag.self_closing && !VOID.contains(&name.as_str()) {
                    open.push((name, skip));
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_lowercase();
                if let Some(at) = open.iter().rposition(|(n, _)| *n == name) {
                    open.truncate(at);
                }
            }
            Token::String(text) if !skipping => {
                out.push(' ');
                out.push_str(&String::from_utf8_lossy(&text));
            }
            _ => {}
        }
    }
    out
}

/// The words of `words` that `text` holds as whole words, outside addresses (`hello@…`,
/// `https://…`) and the `{placeholders}` the scripts fill in.
fn found_in<'w>(text: &str, words: &'w BTreeSet<String>) -> BTreeSet<&'w str> {
    let prose = text
        .split_whitespace()
        .filter(|t| !t.contains('@') && !t.contains("://") && !t.starts_with('{'));
    let in_text: BTreeSet<&str> = prose
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty())
        .collect();
    (words.iter().map(String::as_str))
        .filter(|w| in_text.contains(w))
        .collect()
}

#[test]
fn every_interface_word_has_its_urdu_translation() {
    let (english, urdu) = translations();
    let missing: Vec<&String> = english.keys().filter(|k| !urdu.contains_key(*k)).collect();
    let extra: Vec<&String> = urdu.keys().filter(|k| !english.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "keys only in English: {missing:?}; only in Urdu: {extra:?}"
    );
}

#[test]
fn urdu_pages_show_no_english_interface_word() {
    let words = english_interface_words();
    assert!(words.len() > 100, "the interface's words: {}", words.len());
    // The check finds them where they belong: the English home page has many.
    let home = readers_text(&run().read("index.html"), "en");
    assert!(
        found_in(&home, &words).len() > 40,
        "the English home page shows its interface words"
    );
    let urdu: Vec<(String, String)> = readable_pages()
        .into_iter()
        .filter(|(file, _)| file.starts_with("ur/"))
        .collect();
    assert!(urdu.len() >= 15, "Urdu pages: {}", urdu.len());
    for (file, html) in urdu {
        let text = readers_text(&html, "ur");
        let english = found_in(&text, &words);
        assert!(
            english.is_empty(),
            "{file} shows English interface words {english:?}; move them to trans() keys"
        );
    }
}

#[test]
fn links_on_urdu_pages_lead_to_pages_that_exist_in_urdu_or_say_their_language() {
    let run = run();
    let mut checked = 0;
    for (file, html) in readable_pages() {
        if !file.starts_with("ur/") {
            continue;
        }
        let links = ["a", "link"].into_iter().flat_map(|t| start_tags(&html, t));
        for link in links {
            let Some(href) = link.get("href") else {
                continue;
            };
            let Some(target) = internal_target(&file, href) else {
                continue;
            };
            checked += 1;
            assert!(
                run.exists(&target),
                "{file} links to {href}, but {target} is not in the output"
            );
            let is_page = target.ends_with(".html");
            assert!(
                !is_page || target.starts_with("ur/") || link.contains_key("hreflang"),
                "{file} links to the page {href} of another language without hreflang"
            );
        }
    }
    assert!(checked > 200, "only {checked} links on the Urdu pages");
}

#[test]
fn the_navigation_marks_where_the_reader_is_in_either_language() {
    let run = run();
    for (file, part) in [
        ("about/index.html", "about/"),
        ("search/index.html", "search/"),
        ("shows/slow-bytes/index.html", "shows/"),
        ("ur/about/index.html", "ur/about/"),
        ("ur/search/index.html", "ur/search/"),
        ("ur/shows/slow-bytes/index.html", "ur/shows/"),
        ("ur/creators/ada-okafor/index.html", "ur/creators/"),
    ] {
        let html = run.read(file);
        let nav = &html[html
            .find("class=\"site-nav\"")
            .expect("the main navigation")..];
        let nav = &nav[..nav.find("</nav>").expect("its end")];
        let current: Vec<String> = start_tags(nav, "a")
            .into_iter()
            .filter(|a| a.contains_key("aria-current"))
            .filter_map(|a| a.get("href").cloned())
            .collect();
        assert_eq!(
            current,
            [format!("{}/{part}", crate::example_site::BASE)],
            "{file}: the navigation's current link"
        );
    }
}
