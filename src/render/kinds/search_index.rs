//! Zola's search index (`build_search_index`): `search_index.<lang>.js` or `.json`, in the
//! elasticlunr shape the `elasticlunr-rs` crate writes or in Fuse.js's, holding what `[search]`
//! asks for of every page and section not marked `in_search_index = false`.

use std::borrow::Cow;
use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::{IndexFormat, SearchConfig};
use crate::error::Diagnostic;
use crate::render::{Counted, MadeFrom, Output, Plan, Renderer, WritesItself};
use crate::site::Site;

mod elasticlunr_writer;

use elasticlunr_writer::{Doc, Field};

/// The search index of one language.
#[derive(Debug)]
struct SearchIndex {
    /// The language whose pages it holds; its file is named after it.
    lang: String,
}

/// One index per language with `build_search_index`, all at the top (`search_index.fr.js`).
pub fn plan(plan: &mut Plan<'_>) {
    let config = &plan.site.config;
    let wanted: Vec<String> = config
        .language_codes()
        .filter(|lang| config.language(lang).build_search_index)
        .map(str::to_string)
        .collect();
    for lang in wanted {
        let path = format!("/{}", config.search.index_format.file_name(&lang));
        plan.push(path, SearchIndex { lang });
    }
}

/// What the index of `lang` holds: its language's `[search]` choices (the top-level table
/// for the default language), in the site's one `index_format`.
fn search_config(site: &Site, lang: &str) -> SearchConfig {
    SearchConfig {
        index_format: site.config.search.index_format,
        ..site.config.language(lang).search.clone()
    }
}

impl Output for SearchIndex {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        // No template: the name only tells fingerprints this kind apart.
        Cow::Borrowed("(search index)")
    }

    fn context(&self, _: &Renderer<'_>, _: &str, _: &str) -> Map<String, Value> {
        Map::new()
    }

    fn origin(&self, _: &Renderer<'_>) -> String {
        format!("the search index of language `{}`", self.lang)
    }

    fn counts_as(&self) -> Counted {
        Counted::Other
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let site = renderer.site;
        let items = documents(site, &self.lang);
        // Every field a document shows, with its body's render number standing for its text.
        let shown: Vec<_> = items
            .iter()
            .map(|d| (d.url, d.title, d.description, d.date, d.path, d.generation))
            .collect();
        MadeFrom::own((search_config(site, &self.lang), &self.lang, shown))
    }

    fn writes_itself(&self) -> Option<&dyn WritesItself> {
        Some(self)
    }
}

impl WritesItself for SearchIndex {
    fn write(&self, renderer: &Renderer<'_>, out: &mut dyn Write) -> Result<(), Diagnostic> {
        let site = renderer.site;
        let search = &search_config(site, &self.lang);
        let documents = documents(site, &self.lang);
        let mut written = || -> std::io::Result<Result<(), Diagnostic>> {
            if search.index_format.is_javascript() {
                out.write_all(b"window.searchIndex = ")?;
            }
            match search.index_format {
                IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson => {
                    elasticlunr_index(out, search, &self.lang, &documents)
                }
                IndexFormat::FuseJavascript | IndexFormat::FuseJson => {
                    fuse_index(out, search, &documents).map(Ok)
                }
            }
        };
        written().map_err(|e| Diagnostic::new(format!("writing {}: {e}", self.origin(renderer))))?
    }
}

/// A page or section as the index sees it.
pub struct Document<'a> {
    pub url: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Unix time (pages only).
    pub date: Option<i64>,
    pub path: &'a str,
    /// Its body as HTML.
    pub html: &'a str,
    /// The render number of that HTML: equal numbers, equal HTML.
    pub generation: u64,
    /// The page's index in the site; `None` for a section.
    pub page: Option<usize>,
}

/// Every document of language `lang` in Zola's order: each section not left out, then its
/// pages not left out; a section left out takes its pages with it, and a redirecting section
/// is not itself a document.
pub fn documents<'a>(site: &'a Site, lang: &str) -> Vec<Document<'a>> {
    let mut documents = Vec::new();
    let sections = site.sections.iter().filter(|s| s.lang == lang);
    for section in sections.filter(|s| s.front.searchable()) {
        if section.front.redirect_to.is_none() {
            documents.push(Document {
                url: &section.permalink,
                title: section.front.title.as_deref(),
                description: section.front.description.as_deref(),
                date: None,
                path: &section.path,
                html: &section.body.content,
                generation: section.body.generation,
                page: None,
            });
        }
        let pages = section.pages.iter().map(|&i| (i, &site.pages[i]));
        for (i, page) in pages.filter(|(_, p)| p.front.searchable()) {
            documents.push(Document {
                url: &page.permalink,
                title: page.front.title.as_deref(),
                description: page.front.description.as_deref(),
                date: page.date,
                path: &page.path,
                html: &page.body.content,
                generation: page.body.generation,
                page: Some(i),
            });
        }
    }
    documents
}

/// The index as elasticlunr.js loads it (`elasticlunr.Index.load`), as `elasticlunr-rs` writes
/// it with the fields `[search]` asks for, in Zola's order, into `out`; the outer error is
/// `out`'s, the inner one a language elasticlunr has no rules for.
fn elasticlunr_index(
    out: &mut dyn Write,
    search: &SearchConfig,
    lang: &str,
    documents: &[Document<'_>],
) -> std::io::Result<Result<(), Diagnostic>> {
    let wanted = || fields(search).into_iter().filter(|(_, wanted)| *wanted);
    let fields: Vec<Field> = wanted()
        .map(|(name, _)| Field {
            name,
            tokenizer: (name == "path").then_some(path_words as fn(&str) -> Vec<String>),
        })
        .collect();
    // The texts in parallel: taking tags out of the bodies is most of the work.
    let docs: Vec<Doc<'_>> = documents
        .par_iter()
        .map(|document| Doc {
            id: document.url,
            texts: wanted()
                .map(|(field, _)| field_text(search, document, field))
                .collect(),
        })
        .collect();
    let Some(written) = elasticlunr_writer::write(out, lang, &fields, &docs) else {
        return Ok(Err(Diagnostic::new(format!(
            "build_search_index: the elasticlunr index has no word rules for language `{lang}` in Kiln; \
             set [search] index_format = \"fuse_javascript\" or \"fuse_json\", which work for any language"
        ))));
    };
    written.map(Ok)
}

/// The fields an elasticlunr document may have, in Zola's order, with whether `search` wants each.
fn fields(search: &SearchConfig) -> [(&'static str, bool); 5] {
    [
        ("title", search.include_title),
        ("description", search.include_description),
        ("date", search.include_date),
        ("path", search.include_path),
        ("body", search.include_content),
    ]
}

/// What `document` shows in `field`; a missing title, description or date is empty.
fn field_text(search: &SearchConfig, document: &Document<'_>, field: &str) -> String {
    match field {
        "title" => document.title.unwrap_or_default().to_string(),
        "description" => document.description.unwrap_or_default().to_string(),
        "date" => document.date.map(rfc3339).unwrap_or_default(),
        "path" => document.path.to_string(),
        _ => plain_text(document.html, search.truncate_content_length),
    }
}

/// A path's words: `/shows/my-show/` is `shows`, `my`, `show`.
fn path_words(path: &str) -> Vec<String> {
    path.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A Unix time as Zola writes dates in the index: `2024-05-01T00:00:00Z`.
fn rfc3339(timestamp: i64) -> String {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One Fuse.js item: `url` always, the other fields only where `[search]` asks for them.
#[derive(Serialize)]
struct FuseItem<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
}

/// The index as an array for Fuse.js (and tinysearch), as Zola writes it (no dates), into
/// `out`. Each item is serialised in parallel, then the items are joined.
fn fuse_index(
    out: &mut dyn Write,
    search: &SearchConfig,
    documents: &[Document<'_>],
) -> std::io::Result<()> {
    let items: Vec<Vec<u8>> = documents
        .par_iter()
        .map(|d| {
            let item = FuseItem {
                url: d.url,
                title: search.include_title.then(|| d.title.unwrap_or_default()),
                description: search
                    .include_description
                    .then(|| d.description.unwrap_or_default()),
                body: search
                    .include_content
                    .then(|| plain_text(d.html, search.truncate_content_length)),
                path: search.include_path.then_some(d.path),
            };
            // Serialising strings into a `Vec` cannot fail.
            serde_json::to_vec(&item).unwrap_or_default()
        })
        .collect();
    out.write_all(b"[")?;
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        out.write_all(item)?;
    }
    out.write_all(b"]")
}

/// The text of `html` as Zola puts it in an index: no tags, nothing of `script`, `style` and
/// `pre` (code reads as noise in results), each line's spaces collapsed, blank lines dropped,
/// then cut to `limit` characters.
pub fn plain_text(html: &str, limit: Option<usize>) -> String {
    let text = strip_tags(html);
    let mut clean = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !clean.is_empty() {
            clean.push('\n');
        }
        for (n, word) in words.enumerate() {
            if n > 0 {
                clean.push(' ');
            }
            clean.push_str(word);
        }
    }
    if let Some((cut, _)) = limit.and_then(|n| clean.char_indices().nth(n)) {
        clean.truncate(cut);
    }
    clean
}

/// `html` without its tags, comments and the contents of `script`, `style` and `pre`; the
/// entities Markdown writes for quotes are turned back into quotes.
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let end = memchr::memchr(b'>', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let name_len = rest[1..end]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &rest[1..1 + name_len];
        rest = &rest[end..];
        if ["script", "style", "pre"]
            .iter()
            .any(|skipped| name.eq_ignore_ascii_case(skipped))
        {
            rest = closing_tag(rest, name).map_or("", |at| &rest[at..]);
        }
    }
    text.push_str(rest);
    unescape_quotes(text)
}

/// Where `</name` first starts in `html`, in any case.
fn closing_tag(html: &str, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    memchr::memmem::find_iter(bytes, b"</").find(|&at| {
        bytes[at + 2..]
            .get(..name.len())
            .is_some_and(|tag| tag.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// `text` with `&quot;` and `&#39;` as the quotes they stand for, in one pass (neither entity
/// can overlap the other or be formed by replacing it, so this is both replacements in turn).
fn unescape_quotes(text: String) -> String {
    if memchr::memchr(b'&', text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let entity = &rest[at..];
        let (quote, after) = if let Some(after) = entity.strip_prefix("&quot;") {
            ('"', after)
        } else if let Some(after) = entity.strip_prefix("&#39;") {
            ('\'', after)
        } else {
            ('&', &entity[1..])
        };
        out.push(quote);
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_code_and_blank_lines() {
        let html = "<h1 id=\"a\">Hello   <em>world</em></h1>\n\n<pre><code>let x = 1;\n</code></pre>\n<p>Say &quot;hi&quot; &amp; go</p><script>alert(1)</script>\n";
        assert_eq!(plain_text(html, None), "Hello world\nSay \"hi\" &amp; go");
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(plain_text("<p>héllo wörld</p>", Some(7)), "héllo w");
        assert_eq!(plain_text("<p>short</p>", Some(100)), "short");
    }

    /// What `strip_tags` was before it stopped copying the rest of the page at every `pre`:
    /// the plain statement of the rules, for the property below.
    fn strip_tags_oracle(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            rest = &rest[open..];
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let name: String = rest[1..end]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            rest = &rest[end..];
            if matches!(name.as_str(), "script" | "style" | "pre") {
                let skip = rest.to_ascii_lowercase().find(&format!("</{name}"));
                rest = skip.map_or("", |at| &rest[at..]);
            }
        }
        text.push_str(rest);
        text.replace("&quot;", "\"").replace("&#39;", "'")
    }

    #[test]
    fn code_is_skipped_whatever_the_case_of_its_tags() {
        let html = "<p>a</p><PRE>x</pre><p>b</p><Script>y</SCRIPT>c<pre>z</PrE>d<style>w";
        assert_eq!(strip_tags(html), "abcd");
        assert_eq!(strip_tags("e<pre>never closed</p>"), "e");
        assert_eq!(
            strip_tags("say &quot;hi&#39;&amp;&quot"),
            "say \"hi'&amp;&quot"
        );
    }

    proptest::proptest! {
        #[test]
        fn strip_tags_keeps_its_rules(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "<p>", "</p>", "<pre>", "</pre>", "<PRE class=\"x\">", "</Pre>", "<script>",
                "</SCRIPT>", "<style>", "</style", "<!--", "-->", "<", ">", "</", "&quot;",
                "&#39;", "&", "&qu", "ot;", "&#3", "9;", "text", " ", "\n", "é", "<b>", "-",
            ]),
            0..40,
        )) {
            let html = pieces.concat();
            proptest::prop_assert_eq!(strip_tags(&html), strip_tags_oracle(&html));
        }
    }

    #[test]
    fn path_words_split_on_slashes_and_hyphens() {
        assert_eq!(path_words("/shows/My-Show/"), ["shows", "my", "show"]);
    }
}
