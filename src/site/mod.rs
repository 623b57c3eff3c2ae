//! Stage 3: link the loaded files into the immutable site graph: where each page goes, its
//! Markdown as HTML, sections with their sorted pages, taxonomies, and podcast shows.

mod bodies;
pub mod languages;
mod place;
mod sections;
pub mod shows;
mod taxonomies;

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{Config, TaxonomyConfig};
use crate::content::front_matter::{PageFront, SectionFront};
use crate::content::{Loaded, PlainFile, Source};
use crate::error::Diagnostic;
use crate::markdown::cache::MarkdownCache;
use crate::markdown::highlight::Highlighter;
use crate::markdown::{Body, LinkResolver, ShortcodeTemplates};
use shows::Show;

/// A page: a Markdown file other than `_index.md`.
#[derive(Debug)]
pub struct Page {
    pub source: Arc<Source>,
    pub front: Arc<PageFront>,
    pub slug: String,
    /// Its language: the code in its file name (`post.fr.md`), else the default language.
    pub lang: String,
    /// `index.md` (or `index.<lang>.md`) in a folder of its own, with its files beside it.
    pub colocated: bool,
    /// Site path, e.g. `/shows/foo/ep-1/`.
    pub path: String,
    pub permalink: String,
    /// Every page that is this one in some language (itself included), default language
    /// first; empty on a site of one language, as in Zola.
    pub translations: Vec<usize>,
    /// Index of the section whose `_index.md` sits in the page's folder, if any.
    pub section: Option<usize>,
    /// The date as a Unix timestamp, and its text as written (possibly from the file name).
    pub date: Option<i64>,
    pub date_text: Option<String>,
    pub updated: Option<i64>,
    /// The Markdown body as HTML, shared with the rebuild cache.
    pub body: Body,
    /// Colocated files: (output path, source file).
    pub assets: Vec<PlainFile>,
    pub lower: Option<usize>,
    pub higher: Option<usize>,
}

/// A section: a folder with an `_index.md`.
#[derive(Debug)]
pub struct Section {
    pub source: Arc<Source>,
    pub front: Arc<SectionFront>,
    /// Its language: the code in its file name (`_index.fr.md`), else the default language.
    pub lang: String,
    pub path: String,
    pub permalink: String,
    /// Every section that is this one in some language, as `Page::translations`.
    pub translations: Vec<usize>,
    pub parent: Option<usize>,
    /// Listed pages, in the section's sort order.
    pub pages: Vec<usize>,
    /// Pages that could not be sorted (e.g. no date in a date-sorted section), as in Zola.
    pub ignored_pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub body: Body,
    pub assets: Vec<PlainFile>,
}

/// One term of a taxonomy, e.g. the tag `rust`.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    /// The language whose pages it groups (`[languages.<lang>] taxonomies`).
    pub lang: String,
    pub path: String,
    pub permalink: String,
    pub terms: Vec<Term>,
}

/// A page or a section, as named by a content path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOrSection {
    Page(usize),
    Section(usize),
}

/// The linked site: everything later stages read, nothing they change.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Shared with the template values, and between rebuilds of the same files.
    pub by_rel: Arc<HashMap<String, PageOrSection>>,
    pub static_files: Vec<PlainFile>,
    /// Content files that belong to no page or section, copied to their own path.
    pub loose_assets: Vec<PlainFile>,
    /// The podcast shows among the sections, checked.
    pub shows: Vec<Show>,
    /// Present when `[markdown.highlighting]` is: shared by every body's render.
    pub highlighter: Option<Arc<Highlighter>>,
    pub warnings: Vec<String>,
}

/// Where the link stage gets each file's HTML, chosen by the build's driver.
pub enum Bodies<'c> {
    /// A build that runs once: render every body, then let each Markdown source go, so the
    /// site's text is held once, as HTML.
    RenderOnce,
    /// A build that runs again: reuse from `cache` what no change touched, and refill it.
    Cached(&'c mut MarkdownCache),
}

impl Site {
    /// The index section of language `lang` (`content/_index.<lang>.md`, made up when missing).
    pub fn index_of(&self, lang: &str) -> usize {
        self.by_rel
            .get(&languages::translated_rel(&self.config, "_index.md", lang))
            .and_then(|item| match item {
                PageOrSection::Section(i) => Some(*i),
                PageOrSection::Page(_) => None,
            })
            .unwrap_or(0)
    }
}

/// Resolves `@/` content paths through the site's own index: no copy of 10,000 permalinks.
pub(crate) struct Permalinks<'a>(pub(crate) &'a Site);

impl LinkResolver for Permalinks<'_> {
    fn permalink(&self, rel: &str) -> Option<&str> {
        let site = self.0;
        match site.by_rel.get(rel)? {
            PageOrSection::Page(i) => Some(&site.pages[*i].permalink),
            PageOrSection::Section(i) => Some(&site.sections[*i].permalink),
        }
    }
}

/// Links `loaded` into a site; `drafts` keeps pages and sections marked `draft`; bodies call
/// the `shortcodes` the driver compiled; `root` is the site's folder, which the extra
/// highlighting files are named from.
pub fn link(
    config: Config,
    loaded: Loaded,
    drafts: bool,
    root: &std::path::Path,
    bodies: Bodies<'_>,
    shortcodes: &dyn ShortcodeTemplates,
) -> Result<Site, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let highlighter = highlighter(&config, root, &mut errors);
    shortcodes.highlight_with(highlighter.clone());
    let placed = place::place(&config, loaded.sections, loaded.pages, drafts, &mut errors);
    let (sections, pages) = placed;
    let items = pages.len() + sections.len();
    let mut site = Site {
        config,
        pages,
        sections,
        taxonomies: Vec::new(),
        by_rel: Arc::new(HashMap::with_capacity(items)),
        static_files: loaded.static_files,
        loose_assets: Vec::new(),
        shows: Vec::new(),
        highlighter,
        warnings: loaded.warnings,
    };
    place::index_items(&mut site, &mut errors);
    languages::find_translations(&mut site);
    place::attach_assets(&mut site, loaded.assets);
    bodies::render_markdown(&mut site, bodies, shortcodes, &mut errors);
    let loaded_warnings = std::mem::take(&mut site.warnings);
    site.warnings = site_warnings(&site, loaded_warnings);
    bodies::check_anchors(&site, &mut errors);
    sections::build_sections(&mut site);
    site.taxonomies = taxonomies::build_taxonomies(&site, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let (shows, warnings) = shows::shows(&site)?;
    site.shows = shows;
    site.warnings.extend(warnings);
    Ok(site)
}

/// The highlighter `[markdown.highlighting]` asks for, if any; an unknown theme or a broken
/// extra grammar or theme file is an error.
fn highlighter(
    config: &Config,
    root: &std::path::Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<Arc<Highlighter>> {
    let wanted = config.markdown.highlighting.as_ref()?;
    match Highlighter::new(wanted, root) {
        Ok(highlighter) => Some(Arc::new(highlighter)),
        Err(problems) => {
            errors.extend(problems);
            None
        }
    }
}

/// The site's warnings: `loaded`'s, the highlighter's, then each body's.
pub(crate) fn site_warnings(site: &Site, loaded: Vec<String>) -> Vec<String> {
    let highlighter = site.highlighter.iter().flat_map(|h| &h.warnings);
    let bodies = bodies::body_warnings(site);
    loaded
        .into_iter()
        .chain(highlighter.chain(bodies).cloned())
        .collect()
}

/// The colocated `assets` of the file `source` as Zola lists them in `page.assets` and
/// `section.assets`: site paths of the files beside it in `content/` (`/blog/post/photo.jpg`),
/// which `get_url` and `resize_image` both take.
pub fn asset_paths(source: &Source, assets: &[PlainFile]) -> Vec<String> {
    let dir = source.dir();
    let names = assets
        .iter()
        .map(|a| a.rel.rsplit('/').next().unwrap_or(&a.rel));
    let prefix = if dir.is_empty() {
        "/".to_string()
    } else {
        format!("/{dir}/")
    };
    names.map(|name| format!("{prefix}{name}")).collect()
}

/// `link`'s one line in the build report.
pub fn summary(site: &Site) -> String {
    format!(
        "{} pages, {} sections, {} taxonomies, {} shows",
        site.pages.len(),
        site.sections.len(),
        site.taxonomies.len(),
        site.shows.len()
    )
}

pub(crate) use bodies::{check_anchors, embed_context, options};
pub(crate) use place::missing_indexes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_by_value() {
        assert!(sections::natural_cmp("Episode 2", "Episode 10").is_lt());
        assert!(sections::natural_cmp("apple", "Banana").is_lt());
    }

    #[test]
    fn ancestors_walk_up_to_the_root() {
        assert_eq!(
            sections::ancestors("a/b/c").collect::<Vec<_>>(),
            ["a/b", "a", ""]
        );
        assert_eq!(sections::ancestors("a").collect::<Vec<_>>(), [""]);
    }

    /// A site folder holding `files` (path, text).
    fn site_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// The site in `dir`, linked with or without a Markdown cache.
    fn linked(dir: &tempfile::TempDir, bodies: Bodies<'_>) -> Site {
        let config = crate::config::load(dir.path(), None).unwrap().config;
        let loaded = crate::content::load(dir.path(), None).unwrap();
        let none = crate::markdown::shortcodes::NoShortcodes;
        link(config, loaded, false, dir.path(), bodies, &none).unwrap()
    }

    #[test]
    fn terms_merge_values_of_one_slug_and_list_each_page_once_newest_first() {
        let dir = site_dir(&[
            (
                "config.toml",
                "base_url = \"https://x.org\"\ntaxonomies = [{ name = \"tags\" }]\n",
            ),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"Rust\", \"rust\", \"Go\"]\n+++\n",
            ),
            (
                "content/b.md",
                "+++\ntitle = \"B\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"go\"]\n+++\n",
            ),
        ]);
        let site = linked(&dir, Bodies::RenderOnce);
        let terms: Vec<(&str, &str, usize)> = site.taxonomies[0]
            .terms
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.pages.len()))
            .collect();
        assert_eq!(terms, [("go", "Go", 2), ("rust", "Rust", 1)]);
        let newest_first: Vec<&str> = site.taxonomies[0].terms[0]
            .pages
            .iter()
            .map(|&i| site.pages[i].path.as_str())
            .collect();
        assert_eq!(newest_first, ["/b/", "/a/"]);
    }

    #[test]
    fn a_one_off_link_keeps_the_html_and_lets_the_markdown_go() {
        let dir = site_dir(&[
            ("config.toml", "base_url = \"https://x.org\"\n"),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\n+++\n# Hi\nSee [b](@/b.md).\n",
            ),
            ("content/b.md", "+++\ntitle = \"B\"\n+++\nB.\n"),
        ]);
        let kept = linked(&dir, Bodies::Cached(&mut MarkdownCache::default()));
        let one_off = linked(&dir, Bodies::RenderOnce);
        for (k, o) in kept.pages.iter().zip(&one_off.pages) {
            assert_eq!(k.body.content, o.body.content);
            assert_eq!(k.body.word_count, o.body.word_count);
            assert_eq!(&*o.source.text, k.source.front_matter());
            assert!(o.source.body().is_empty() && !k.source.body().is_empty());
        }
        assert!(one_off.pages[0].body.content.contains("https://x.org/b/"));
    }

    #[test]
    fn date_prefixes_are_taken_off_file_names() {
        assert_eq!(
            place::date_prefix("2024-05-01-hello"),
            Some(("2024-05-01", "hello"))
        );
        assert_eq!(
            place::date_prefix("2024-05-01_hello"),
            Some(("2024-05-01", "hello"))
        );
        assert_eq!(place::date_prefix("hello"), None);
    }
}
