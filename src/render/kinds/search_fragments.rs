//! Kiln's own search (`[fragment_search] enable = true`): the index cut into small files
//! under `/kiln-search/`, so one query downloads a few of them rather than the whole site's.
//!
//! - `meta.json`: the first word of every word file, and the words left out (`stop`);
//! - `words/<n>.json`: a run of the sorted words, each with its postings `[doc, score, …]`,
//!   each document written as the step from the one before;
//! - `docs/<doc>.json`: what a result shows (URL, title, show, date, the start of the text);
//! - `search.js`: the reader (`search.js` beside this file), which binary-searches `meta.json`
//!   for the word files a query's words fall in, ranks the documents holding every word, and
//!   fetches the shown results' files.
//!
//! Which documents: those of Zola's index (`search_index::documents`), one index per language:
//! the default language's under `/kiln-search/`, each other's under `/<code>/kiln-search/`, so
//! a page's search (which loads `search.js` from its language's folder) finds pages of its
//! language. Everything is worked out once, while planning, and each file is a job whose
//! fingerprint is its own bytes.
//! Pagefind's crate does the same job but nearly doubles the binary and needs an async runtime
//! and the rendered HTML (figures in `bench/README.md`, "Search").

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::search_index::{Document, documents, plain_text};
use crate::error::Diagnostic;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer, WritesItself, write_output};
use crate::site::Site;

/// Where the default language's files go; another language's go under its code.
const ROOT: &str = "kiln-search/";
/// The reader, served at `/kiln-search/search.js`.
const SCRIPT: &str = include_str!("search.js");
/// About this many bytes of postings per word file (a word with more has a file to itself): on
/// 10,000 pages a two-word query reads about 150 KB and `meta.json` is about 10 KB.
const WORD_FILE_BYTES: usize = 24 * 1024;
/// Characters of text kept per document for its excerpt.
const EXCERPT_CHARS: usize = 600;
/// Words too common to tell documents apart; the reader skips them in queries too.
const STOP: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "we", "were", "with", "you",
];

/// One file of the fragment index, made while planning: its bytes are all it is made from.
#[derive(Debug)]
struct Fragment {
    bytes: Arc<str>,
    what: &'static str,
}

pub fn plan(plan: &mut Plan<'_>) {
    let site = plan.site;
    if !site.config.fragment_search.enable {
        return;
    }
    for lang in site.config.languages.keys() {
        let root = match *lang == site.config.default_language {
            true => format!("/{ROOT}"),
            false => format!("/{lang}/{ROOT}"),
        };
        plan_language(plan, lang, &root);
    }
}

/// The fragment index of the pages in `lang`, under `root`.
fn plan_language(plan: &mut Plan<'_>, lang: &str, root: &str) {
    let site = plan.site;
    let docs = documents(site, lang);
    let made: Vec<(String, Vec<(String, u32)>)> = docs
        .par_iter()
        .map(|d| {
            let text = plain_text(d.html, None);
            (doc_json(site, d, &text), weighed_words(site, d, &text))
        })
        .collect();
    let words = postings(&made);
    let files = word_files(&words);
    let first: Vec<&str> = files.iter().map(|(first, _)| first.as_str()).collect();
    let meta = json!({ "docs": made.len(), "first": first, "stop": STOP }).to_string();
    push(
        plan,
        root,
        "meta.json".into(),
        meta,
        "the fragment search's word list",
    );
    for (n, (_, json)) in files.into_iter().enumerate() {
        push(
            plan,
            root,
            format!("words/{n}.json"),
            json,
            "a fragment search word file",
        );
    }
    for (id, (json, _)) in made.into_iter().enumerate() {
        push(
            plan,
            root,
            format!("docs/{id}.json"),
            json,
            "a fragment search result",
        );
    }
    push(
        plan,
        root,
        "search.js".into(),
        SCRIPT.into(),
        "the fragment search script",
    );
}

/// Each word (sorted) with the documents that have it and their scores, documents ascending.
fn postings(made: &[(String, Vec<(String, u32)>)]) -> Vec<(&str, Vec<(u32, u32)>)> {
    // Hashed while gathering, sorted once: 2.5 million insertions into a sorted map cost more.
    let mut words: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
    for (id, (_, weighed)) in made.iter().enumerate() {
        for (word, score) in weighed {
            words.entry(word).or_default().push((id as u32, *score));
        }
    }
    let mut sorted: Vec<_> = words.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    sorted
}

fn push(plan: &mut Plan<'_>, root: &str, file: String, bytes: String, what: &'static str) {
    let bytes = Arc::from(bytes);
    plan.push(format!("{root}{file}"), Fragment { bytes, what });
}

/// What a result shows of document `d`.
fn doc_json(site: &Site, d: &Document<'_>, text: &str) -> String {
    let lead = match d.description {
        Some(description) => format!("{description}\n{text}"),
        None => text.to_string(),
    };
    let excerpt: String = lead.chars().take(EXCERPT_CHARS).collect();
    let date = d
        .date
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|t| t.format("%-d %b %Y").to_string());
    json!({
        "url": d.url,
        "title": d.title.unwrap_or_default(),
        "show": show(site, d),
        "date": date,
        "text": excerpt,
    })
    .to_string()
}

/// The title of the section a page sits in (for an episode, its show).
fn show<'s>(site: &'s Site, d: &Document<'_>) -> Option<&'s str> {
    let section = site.pages[d.page?].section?;
    site.sections[section].front.title.as_deref()
}

/// Every word of `d` with its score: a word in the title counts most, then in tags and the
/// show's name, the description, and the body once per use (at most 20 uses).
fn weighed_words(site: &Site, d: &Document<'_>, text: &str) -> Vec<(String, u32)> {
    // Hash maps of borrowed words: a sorted map of owned ones was a fifth of a 10,000-page build.
    let mut scores: HashMap<Cow<'_, str>, u32> = HashMap::new();
    let mut add = |text, weight: u32, cap: u32| {
        let mut seen: HashMap<Cow<'_, str>, u32> = HashMap::new();
        for word in words(text) {
            let uses = seen.entry(word).or_default();
            *uses = (*uses + 1).min(cap);
        }
        for (word, uses) in seen {
            *scores.entry(word).or_default() += uses * weight;
        }
    };
    add(d.title.unwrap_or_default(), 10, 1);
    add(show(site, d).unwrap_or_default(), 4, 1);
    if let Some(page) = d.page {
        for term in site.pages[page].front.taxonomies.values().flatten() {
            add(term, 5, 1);
        }
    }
    add(d.description.unwrap_or_default(), 3, 1);
    add(text, 1, 20);
    scores
        .into_iter()
        .map(|(word, score)| (word.into_owned(), score))
        .collect()
}

/// The words of `text` as the index keys them: lower case, split at anything not a letter or
/// digit, one-letter words and `STOP` words left out. The reader splits queries the same way.
fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(|w| match w.chars().any(char::is_uppercase) {
            true => Cow::Owned(w.to_lowercase()),
            false => Cow::Borrowed(w),
        })
        .filter(|w| !STOP.contains(&w.as_ref()))
}

/// The sorted words cut into files of about `WORD_FILE_BYTES`: each file's first word and JSON.
fn word_files(words: &[(&str, Vec<(u32, u32)>)]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut current = Map::new();
    let mut first = String::new();
    let mut size = 0;
    for (word, postings) in words {
        if current.is_empty() {
            first = word.to_string();
        }
        // Documents ascend, so each is written as the step from the one before: most steps
        // are a digit or two, which halves a common word's bytes.
        let mut last = 0;
        let flat: Vec<u32> = postings
            .iter()
            .flat_map(|&(d, s)| [d - std::mem::replace(&mut last, d), s])
            .collect();
        size += word.len() + flat.len() * 5;
        current.insert(word.to_string(), json!(flat));
        if size >= WORD_FILE_BYTES {
            let json = Value::Object(std::mem::take(&mut current)).to_string();
            files.push((std::mem::take(&mut first), json));
            size = 0;
        }
    }
    if !current.is_empty() || files.is_empty() {
        files.push((first, Value::Object(current).to_string()));
    }
    files
}

impl Output for Fragment {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        // No template: the name only tells fingerprints this kind apart.
        Cow::Borrowed("(fragment search)")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        self.what.to_string()
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, _: &'r Renderer<'_>) -> MadeFrom<'r> {
        MadeFrom::own(&*self.bytes)
    }

    fn writes_itself(&self) -> Option<&dyn WritesItself> {
        Some(self)
    }
}

impl WritesItself for Fragment {
    fn write(&self, renderer: &Renderer<'_>, out: &mut dyn Write) -> Result<(), Diagnostic> {
        write_output(out, self.bytes.as_bytes(), &self.origin(renderer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_case_and_skip_stop_words_and_single_letters() {
        let found: Vec<Cow<'_, str>> = words("The Kiln's No-Dig bed, a 2024 story").collect();
        assert_eq!(found, ["kiln", "no", "dig", "bed", "2024", "story"]);
    }

    #[test]
    fn word_files_start_where_the_last_one_ended() {
        let names: Vec<String> = (0..3000).map(|n| format!("w{n:05}")).collect();
        let words: Vec<(&str, Vec<(u32, u32)>)> = (0..3000)
            .map(|n| (names[n as usize].as_str(), vec![(n, 1), (n + 1, 2)]))
            .collect();
        let files = word_files(&words);
        assert!(files.len() > 1, "{} files", files.len());
        assert_eq!(files[0].0, "w00000");
        for (first, json) in &files {
            let map: Map<String, Value> = serde_json::from_str(json).unwrap();
            assert_eq!(map.keys().next(), Some(first));
            assert!(json.len() < 2 * WORD_FILE_BYTES, "{}", json.len());
        }
        let total: usize = files
            .iter()
            .map(|(_, j)| serde_json::from_str::<Map<String, Value>>(j).unwrap().len())
            .sum();
        assert_eq!(total, 3000);
    }
}
