//! Rendered Markdown kept between rebuilds: a file is rendered again only when its text,
//! its own permalink, the permalink of a page it links to (`@/…`) or the template of a
//! shortcode it calls changed.

use std::collections::HashMap;
use std::sync::Arc;

use crate::content::Source;
use crate::markdown::shortcodes::context_version;
use crate::markdown::{Embeds, LinkResolver, Options, RenderedMarkdown, ShortcodeTemplates};

/// One file's rendered Markdown and what it was made from.
#[derive(Debug, Clone)]
struct Entry {
    text: Arc<str>,
    permalink: String,
    options: Options,
    /// Each `@/` target with the permalink it had when rendered.
    targets: Vec<(String, String)>,
    html: Arc<RenderedMarkdown>,
    generation: u64,
}

/// Rendered Markdown by content path. Each render gets a generation number never used before,
/// so later stages can tell "same HTML" from "new HTML" without comparing it.
#[derive(Debug, Clone, Default)]
pub struct MarkdownCache {
    entries: HashMap<String, Entry>,
    next_generation: u64,
    /// A number for every permalink of the site when the entries were last checked: while it
    /// stays the same, no `@/` target can have moved.
    urls: Option<u64>,
}

/// A file's Markdown body as HTML, with the generation of the render that made it: equal
/// generations mean equal HTML, without comparing it.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: Arc<RenderedMarkdown>,
    pub generation: u64,
}

impl std::ops::Deref for Body {
    type Target = RenderedMarkdown;
    fn deref(&self) -> &RenderedMarkdown {
        &self.html
    }
}

/// Whether every shortcode `html`'s body called still has the template it was rendered with.
pub fn calls_unchanged(html: &RenderedMarkdown, shortcodes: &dyn ShortcodeTemplates) -> bool {
    html.shortcodes
        .iter()
        .all(|(name, version)| shortcodes.version(name) == Some(*version))
}

impl MarkdownCache {
    /// The cached render of `source`, if nothing it was made from has changed.
    pub fn lookup(
        &self,
        source: &Source,
        permalink: &str,
        options: &Options,
        links: &dyn LinkResolver,
        urls: u64,
        embeds: &Embeds<'_>,
    ) -> Option<Body> {
        let entry = self.entries.get(&source.rel)?;
        if !calls_unchanged(&entry.html, embeds.templates) {
            return None;
        }
        if let Some(version) = entry.html.context_version
            && context_version(&(embeds.context)()) != version
        {
            return None;
        }
        let same_text = Arc::ptr_eq(&entry.text, &source.text) || entry.text == source.text;
        let targets_kept = self.urls == Some(urls)
            || entry
                .targets
                .iter()
                .all(|(rel, was)| links.permalink(rel) == Some(was.as_str()));
        (same_text && entry.permalink == permalink && entry.options == *options && targets_kept)
            .then(|| Body {
                html: Arc::clone(&entry.html),
                generation: entry.generation,
            })
    }

    /// A generation number for a fresh render; `count` of them are taken.
    pub fn take_generations(&mut self, count: usize) -> u64 {
        let first = self.next_generation;
        self.next_generation += count as u64;
        first
    }

    /// Forgets every body with a code block, whose HTML a new highlighting setting changes.
    pub fn forget_code(&mut self) {
        self.entries.retain(|_, entry| !entry.html.has_code);
    }

    /// Remembers exactly the renders in `renders`: entries whose generation is already held
    /// are kept as they are (they were reused, so nothing they were made from changed).
    pub fn replace<'a>(
        &mut self,
        renders: impl Iterator<Item = (&'a Source, &'a str, &'a Body, Options)>,
        links: &dyn LinkResolver,
        urls: u64,
    ) {
        self.urls = Some(urls);
        let mut kept = std::collections::HashSet::new();
        for (source, permalink, body, options) in renders {
            kept.insert(source.rel.as_str());
            if self
                .entries
                .get(&source.rel)
                .is_some_and(|e| e.generation == body.generation)
            {
                continue;
            }
            self.put(source, permalink, body, &options, links);
        }
        if kept.len() != self.entries.len() {
            self.entries.retain(|rel, _| kept.contains(rel.as_str()));
        }
    }

    /// Remembers one render of `source`, replacing any earlier one.
    pub fn put(
        &mut self,
        source: &Source,
        permalink: &str,
        body: &Body,
        options: &Options,
        links: &dyn LinkResolver,
    ) {
        let targets = body
            .html
            .links
            .iter()
            .filter_map(|rel| Some((rel.clone(), links.permalink(rel)?.to_string())))
            .collect();
        let entry = Entry {
            text: Arc::clone(&source.text),
            permalink: permalink.to_string(),
            options: options.clone(),
            targets,
            html: Arc::clone(&body.html),
            generation: body.generation,
        };
        self.entries.insert(source.rel.clone(), entry);
    }
}
