//! The example site's `content/` read the way Zola reads it (front matter, URL of each file,
//! colocated assets), so the example-site tests derive their expectations from it.

use std::path::Path;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::support::repo_root;

/// A Markdown file of the example site, with its front matter as JSON.
pub struct Content {
    /// Relative to `content/`, `/`-separated.
    pub rel: String,
    pub front: Value,
    pub body: String,
}

impl Content {
    pub fn is_section(&self) -> bool {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.starts_with("_index.")
    }

    /// The language code in the file name (`signup.ur.md` → `ur`), `None` for the default.
    pub fn lang(&self) -> Option<&str> {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        let stem = name.strip_suffix(".md")?;
        stem.split_once('.').map(|(_, code)| code)
    }

    /// `rel` without its language code (`signup.ur.md` → `signup.md`).
    fn plain_rel(&self) -> String {
        match self.lang() {
            Some(code) => self.rel.replace(&format!(".{code}.md"), ".md"),
            None => self.rel.clone(),
        }
    }

    pub fn extra(&self, key: &str) -> Option<&Value> {
        self.front.get("extra").and_then(|e| e.get(key))
    }

    pub fn is_draft(&self) -> bool {
        self.front.get("draft").and_then(Value::as_bool) == Some(true)
    }

    /// The folder a section describes, or the folder a page sits in (a bundle's parent).
    pub fn folder(&self) -> String {
        let parent = parent_of(&self.rel);
        if self.plain_rel().ends_with("/index.md") && !self.is_section() {
            parent_of(&parent)
        } else {
            parent
        }
    }

    /// The URL path Zola gives this file: `/dir/`, `path`, or `/dir/<slug or file name>/`,
    /// under `/<lang>/` for a translation (unless `path` says where).
    pub fn url_path(&self) -> String {
        if let Some(path) = self.front.get("path").and_then(Value::as_str) {
            return with_slashes(path);
        }
        match self.lang() {
            Some(code) => with_slashes(&format!("{code}{}", self.plain_url_path())),
            None => self.plain_url_path(),
        }
    }

    fn plain_url_path(&self) -> String {
        let rel = self.plain_rel();
        if self.is_section() {
            return with_slashes(&parent_of(&rel));
        }
        let stem = if rel.ends_with("/index.md") {
            parent_of(&self.rel)
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
        } else {
            rel.rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".md")
                .to_string()
        };
        let slug = self
            .front
            .get("slug")
            .and_then(Value::as_str)
            .map_or(stem, str::to_string);
        with_slashes(&format!("{}/{}", self.folder(), slugify(&slug)))
    }

    pub fn output(&self) -> String {
        format!("{}index.html", self.url_path().trim_start_matches('/'))
    }
}

pub fn parent_of(rel: &str) -> String {
    rel.rsplit_once('/')
        .map_or(String::new(), |(dir, _)| dir.to_string())
}

pub fn with_slashes(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

fn slugify(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    mapped
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Every published Markdown file under the repo's `content/`.
pub fn content() -> &'static Vec<Content> {
    static CONTENT: OnceLock<Vec<Content>> = OnceLock::new();
    CONTENT.get_or_init(|| {
        let root = repo_root().join("content");
        let mut files = Vec::new();
        collect_markdown(&root, &root, &mut files);
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        assert!(!files.is_empty(), "the example site has no content/");
        files.into_iter().filter(|c| !c.is_draft()).collect()
    })
}

fn collect_markdown(root: &Path, dir: &Path, out: &mut Vec<Content>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            let rel = path
                .strip_prefix(root)
                .expect("under content")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("read content file");
            let (front, body) = split_front_matter(&rel, &text);
            out.push(Content { rel, front, body });
        }
    }
}

fn split_front_matter(rel: &str, text: &str) -> (Value, String) {
    let text = text.trim_start_matches('\u{feff}');
    for fence in ["+++", "---"] {
        let Some(rest) = text.strip_prefix(fence) else {
            continue;
        };
        let Some(end) = rest.find(&format!("\n{fence}")) else {
            continue;
        };
        let raw = &rest[..end];
        let body = rest[end + 1 + fence.len()..].to_string();
        let front: Value = if fence == "+++" {
            let table: toml::Table =
                toml::from_str(raw).unwrap_or_else(|e| panic!("content/{rel}: {e}"));
            serde_json::to_value(table).expect("TOML as JSON")
        } else {
            serde_saphyr::from_str(raw).unwrap_or_else(|e| panic!("content/{rel}: {e}"))
        };
        return (front, body);
    }
    (Value::Object(Default::default()), text.to_string())
}

/// A run of 5+ plain words from the body's paragraphs, which the rendered page must contain.
/// Plain words (letters and digits) survive smart punctuation and HTML escaping unchanged.
pub fn sample_sentence(markdown: &str) -> Option<String> {
    let mut in_paragraph = false;
    let mut best: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => in_paragraph = false,
            Event::Text(text) if in_paragraph => {
                for run in text.split(|c: char| !(c.is_alphanumeric() || c == ' ')) {
                    let words: Vec<&str> = run.split(' ').filter(|w| !w.is_empty()).collect();
                    if words.len() >= 5
                        && best
                            .as_ref()
                            .is_none_or(|b| b.split(' ').count() < words.len())
                    {
                        best = Some(words.join(" "));
                    }
                }
            }
            _ => {}
        }
    }
    best
}

pub fn collect_assets(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            collect_assets(root, &path, out);
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(
                path.strip_prefix(root)
                    .expect("under content")
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
