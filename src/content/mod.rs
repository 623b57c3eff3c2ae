//! Stage 2: read `content/`, `templates/`, `static/` and `sass/` into memory, parsing front
//! matter; with a theme, its `templates/` and `static/` under the site's (the site's files win).

pub mod front_matter;
#[cfg(test)]
mod front_matter_properties;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::under;
use crate::error::{Diagnostic, io_error};
use front_matter::{PageFront, SectionFront};

/// A Markdown file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// Absolute path, for error messages and colocated assets.
    pub file: PathBuf,
    /// Path relative to `content/` with `/` separators, as `@/` links name it.
    pub rel: String,
    /// Shared, so a rebuild can keep unchanged files without copying them.
    pub text: Arc<str>,
    /// Where the Markdown body starts in `text`.
    pub body_offset: usize,
}

impl Source {
    /// The file as read, taking over its paths.
    fn new(file: PlainFile, text: String, body_offset: usize) -> Self {
        Source {
            file: file.file,
            rel: file.rel,
            text: Arc::from(text),
            body_offset,
        }
    }

    /// The Markdown body after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The front matter with its fences: everything before the body.
    pub fn front_matter(&self) -> &str {
        &self.text[..self.body_offset]
    }

    /// The folder holding the file, relative to `content/` ("" at the top).
    pub fn dir(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file name without its folder.
    pub fn file_name(&self) -> &str {
        self.rel
            .rsplit_once('/')
            .map_or(self.rel.as_str(), |(_, name)| name)
    }
}

/// Shared (`Arc`), so a rebuild hands unchanged files to the link stage without copying them.
#[derive(Debug, Clone)]
pub struct LoadedPage {
    pub source: Arc<Source>,
    pub front: Arc<PageFront>,
}

#[derive(Debug, Clone)]
pub struct LoadedSection {
    pub source: Arc<Source>,
    pub front: Arc<SectionFront>,
}

/// A file copied as is: a colocated asset or a file of `static/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainFile {
    pub file: PathBuf,
    /// Path relative to its tree (`content/` or `static/`) with `/` separators.
    pub rel: String,
}

/// A template file of `templates/`.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name as Tera sees it, e.g. `tags/list.html`.
    pub name: String,
    pub file: PathBuf,
    pub text: String,
}

/// A stylesheet source of `sass/` or the theme's `sass/` (`.scss`, `.sass`, or `.css` for
/// Sass to import), read whole: stylesheets import each other, so each compile needs them all
/// at hand.
#[derive(Debug, Clone)]
pub struct SassSource {
    pub file: PathBuf,
    /// Path relative to its `sass/` folder with `/` separators.
    pub rel: String,
    /// Shared, so a rebuild keeps unchanged files without copying them.
    pub text: Arc<str>,
}

/// Everything the build reads from disk, in a deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub pages: Vec<LoadedPage>,
    pub sections: Vec<LoadedSection>,
    pub assets: Vec<PlainFile>,
    pub static_files: Vec<PlainFile>,
    pub templates: Vec<TemplateSource>,
    pub sass: Vec<SassSource>,
    pub warnings: Vec<String>,
}

impl Loaded {
    /// `load`'s one line in the build report.
    pub fn summary(&self) -> String {
        format!(
            "{} pages, {} sections, {} templates, {} static files",
            self.pages.len(),
            self.sections.len(),
            self.templates.len(),
            self.static_files.len()
        )
    }
}

/// Reads the site under `root` (with `themes/<theme>/` when given); every unreadable or
/// malformed file is reported, not just the first.
pub fn load(root: &Path, theme: Option<&str>) -> Result<Loaded, Vec<Diagnostic>> {
    reload(Loaded::default(), root, theme, None)
}

/// The three trees a site reads, as paths for messages (`content`, not `./content`), and the
/// theme's two beneath them.
struct Trees {
    content: PathBuf,
    statics: PathBuf,
    templates: PathBuf,
    sass: PathBuf,
    theme: Option<Theme>,
}

/// A theme's folders and name (its templates are also named `<name>/templates/…`, so a
/// site's template can extend the one it replaces, as in Zola).
struct Theme {
    name: String,
    statics: PathBuf,
    templates: PathBuf,
    sass: PathBuf,
}

impl Trees {
    /// The files at `rel` under the site's `tree`, then the theme's `theme_tree` files at
    /// `rel` that the site has no file for.
    fn layered(
        &self,
        tree: &Path,
        theme_tree: impl Fn(&Theme) -> &Path,
        rel: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<PlainFile> {
        let mut files = list_at(tree, rel, errors);
        if let Some(theme) = &self.theme {
            let own: std::collections::HashSet<String> =
                files.iter().map(|f| f.rel.clone()).collect();
            let theirs = list_at(theme_tree(theme), rel, errors);
            files.extend(theirs.into_iter().filter(|f| !own.contains(&f.rel)));
        }
        files
    }
}

/// Files found (re)listed, before reading.
#[derive(Default)]
struct Listed {
    markdown: Vec<PlainFile>,
    templates: Vec<PlainFile>,
    sass: Vec<PlainFile>,
}

/// Whether a file of `sass/` is a stylesheet Sass reads (other files there are ignored).
fn is_stylesheet(file: &PlainFile) -> bool {
    [".scss", ".sass", ".css"]
        .iter()
        .any(|ext| file.rel.ends_with(ext))
}

/// Updates `loaded` for the files in `changed` (created, edited or deleted files or folders),
/// or reads everything when `changed` is `None`. Untouched files keep their parsed form.
pub fn reload(
    mut loaded: Loaded,
    root: &Path,
    theme: Option<&str>,
    changed: Option<&[PathBuf]>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let theme = theme.map(|name| {
        let folder = under(root, "themes").join(name);
        Theme {
            name: name.to_string(),
            statics: folder.join("static"),
            templates: folder.join("templates"),
            sass: folder.join("sass"),
        }
    });
    let trees = Trees {
        content: under(root, "content"),
        statics: under(root, "static"),
        templates: under(root, "templates"),
        theme,
        sass: under(root, "sass"),
    };
    let listed = match changed {
        None => {
            loaded = Loaded::default();
            list_everything(&mut loaded, &trees, &mut errors)
        }
        Some(paths) => patch_lists(&mut loaded, &trees, paths, &mut errors),
    };
    read_listed(&mut loaded, listed, &mut errors);
    loaded.pages.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    loaded
        .sections
        .sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
    loaded.templates.sort_by(|a, b| a.name.cmp(&b.name));
    loaded.assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.static_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.sass.sort_by(|a, b| a.rel.cmp(&b.rel));
    loaded.warnings = warnings(&loaded);
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

fn list_everything(loaded: &mut Loaded, trees: &Trees, errors: &mut Vec<Diagnostic>) -> Listed {
    let content = list_files(&trees.content, errors);
    let (markdown, assets): (Vec<_>, Vec<_>) =
        content.into_iter().partition(|f| f.rel.ends_with(".md"));
    loaded.assets = assets;
    loaded.static_files = trees.layered(&trees.statics, |t| &t.statics, "", errors);
    let mut templates = trees.layered(&trees.templates, |t| &t.templates, "", errors);
    if let Some(theme) = &trees.theme {
        let prefixed = list_files(&theme.templates, errors)
            .into_iter()
            .map(|f| PlainFile {
                rel: format!("{}/templates/{}", theme.name, f.rel),
                file: f.file,
            });
        templates.extend(prefixed);
    }
    let mut sass = list_files(&trees.sass, errors);
    // A theme's stylesheets are compiled too; where both have one at a path, the site's
    // wins (the Sass step tells them apart by folder).
    if let Some(theme) = &trees.theme {
        sass.extend(list_files(&theme.sass, errors));
    }
    sass.retain(is_stylesheet);
    Listed {
        markdown,
        templates,
        sass,
    }
}

/// Drops what `paths` name from `loaded` and lists what is now on disk there.
fn patch_lists(
    loaded: &mut Loaded,
    trees: &Trees,
    paths: &[PathBuf],
    errors: &mut Vec<Diagnostic>,
) -> Listed {
    let mut listed = Listed::default();
    for path in paths {
        if let Some(rel) = rel_under(&trees.content, path) {
            let gone = |r: &str| covers(&rel, r);
            loaded.pages.retain(|p| !gone(&p.source.rel));
            loaded.sections.retain(|s| !gone(&s.source.rel));
            loaded.assets.retain(|a| !gone(&a.rel));
            for file in list_at(&trees.content, &rel, errors) {
                if file.rel.ends_with(".md") {
                    listed.markdown.push(file)
                } else {
                    loaded.assets.push(file)
                }
            }
        } else if let Some(rel) = rel_under(&trees.statics, path) {
            loaded.static_files.retain(|f| !covers(&rel, &f.rel));
            let files = trees.layered(&trees.statics, |t| &t.statics, &rel, errors);
            loaded.static_files.extend(files);
        } else if let Some(rel) = rel_under(&trees.templates, path) {
            // A theme's templates by their `<theme>/templates/…` names change with it alone.
            let theirs = |name: &str| {
                (trees.theme.as_ref())
                    .is_some_and(|t| name.starts_with(&format!("{}/templates/", t.name)))
            };
            loaded
                .templates
                .retain(|t| theirs(&t.name) || !covers(&rel, &t.name));
            let files = trees.layered(&trees.templates, |t| &t.templates, &rel, errors);
            listed.templates.extend(files);
        } else if let Some(rel) = rel_under(&trees.sass, path) {
            loaded.sass.retain(|f| !covers(&rel, &f.rel));
            let now = list_at(&trees.sass, &rel, errors);
            listed.sass.extend(now.into_iter().filter(is_stylesheet));
        }
    }
    listed.markdown.sort_by(|a, b| a.rel.cmp(&b.rel));
    listed.markdown.dedup();
    listed.templates.sort_by(|a, b| a.rel.cmp(&b.rel));
    listed.templates.dedup();
    listed.sass.sort_by(|a, b| a.rel.cmp(&b.rel));
    listed.sass.dedup();
    loaded.assets.dedup();
    loaded.static_files.dedup();
    listed
}

/// Whether a change at `changed` (a file or folder, `""` for the whole tree) covers `rel`.
fn covers(changed: &str, rel: &str) -> bool {
    changed.is_empty()
        || rel == changed
        || rel
            .strip_prefix(changed)
            .is_some_and(|r| r.starts_with('/'))
}

/// The files now at `rel` under `tree`: none if deleted, one file, or a whole folder.
fn list_at(tree: &Path, rel: &str, errors: &mut Vec<Diagnostic>) -> Vec<PlainFile> {
    let path = if rel.is_empty() {
        tree.to_path_buf()
    } else {
        tree.join(rel)
    };
    if rel.split('/').any(|part| part.starts_with('.')) {
        return Vec::new();
    }
    if path.is_file() {
        return vec![PlainFile {
            file: path,
            rel: rel.to_string(),
        }];
    }
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    list_files(&path, errors)
        .into_iter()
        .map(|f| PlainFile {
            rel: format!("{prefix}{}", f.rel),
            file: f.file,
        })
        .collect()
}

/// `path` relative to `tree` with `/` separators, if it lies inside it (`""` for the tree).
fn rel_under(tree: &Path, path: &Path) -> Option<String> {
    let tree_abs = std::path::absolute(tree).ok()?;
    let path_abs = std::path::absolute(path).ok()?;
    let inside = path_abs
        .strip_prefix(&tree_abs)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let real_tree = tree.canonicalize().ok()?;
            let real_path = match path.canonicalize() {
                Ok(p) => p,
                Err(_) => path.parent()?.canonicalize().ok()?.join(path.file_name()?),
            };
            real_path
                .strip_prefix(real_tree)
                .ok()
                .map(Path::to_path_buf)
        })?;
    Some(relative_slash_path(Path::new(""), &inside))
}

/// Reads and parses the listed Markdown files and templates in parallel.
fn read_listed(loaded: &mut Loaded, listed: Listed, errors: &mut Vec<Diagnostic>) {
    let parsed: Vec<Result<Document, Diagnostic>> =
        listed.markdown.into_par_iter().map(read_document).collect();
    for document in parsed {
        match document {
            Ok(Document::Page(page)) => loaded.pages.push(page),
            Ok(Document::Section(section)) => loaded.sections.push(section),
            Err(error) => errors.push(error),
        }
    }
    for file in &listed.templates {
        match std::fs::read_to_string(&file.file) {
            Ok(text) => loaded.templates.push(TemplateSource {
                name: file.rel.clone(),
                file: file.file.clone(),
                text,
            }),
            Err(e) => errors.push(io_error(&file.file, "read this template", &e)),
        }
    }
    for file in listed.sass {
        match std::fs::read_to_string(&file.file) {
            Ok(text) => loaded.sass.push(SassSource {
                file: file.file,
                rel: file.rel,
                text: Arc::from(text),
            }),
            Err(e) => errors.push(io_error(&file.file, "read this stylesheet", &e)),
        }
    }
}

/// One warning per Zola front matter key that Kiln ignores.
fn warnings(loaded: &Loaded) -> Vec<String> {
    let mut warnings = Vec::new();
    for page in &loaded.pages {
        warn_unsupported(&mut warnings, &page.source, page.front.unsupported());
    }
    for section in &loaded.sections {
        warn_unsupported(&mut warnings, &section.source, section.front.unsupported());
    }
    warnings
}

enum Document {
    Page(LoadedPage),
    Section(LoadedSection),
}

/// Reads one Markdown file and parses its front matter as a page or a section.
fn read_document(file: PlainFile) -> Result<Document, Diagnostic> {
    let text = std::fs::read_to_string(&file.file)
        .map_err(|e| io_error(&file.file, "read this file", &e))?;
    let split = front_matter::split(&text);
    let body_offset = split.body_offset;
    // `_index.md`, or a translation of it such as `_index.fr.md`.
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    if name == "_index.md" || name.starts_with("_index.") {
        let mut front: SectionFront = front_matter::parse(&file.file, &text, &split)?;
        front.extra.as_mut().map(crate::data::normalise_dates);
        front.map_renamed();
        Ok(Document::Section(LoadedSection {
            source: Arc::new(Source::new(file, text, body_offset)),
            front: Arc::new(front),
        }))
    } else {
        let mut front: PageFront = front_matter::parse(&file.file, &text, &split)?;
        front.extra.as_mut().map(crate::data::normalise_dates);
        Ok(Document::Page(LoadedPage {
            source: Arc::new(Source::new(file, text, body_offset)),
            front: Arc::new(front),
        }))
    }
}

fn warn_unsupported(warnings: &mut Vec<String>, source: &Source, found: Vec<String>) {
    for warning in found {
        warnings.push(format!("{}: {warning}", source.file.display()));
    }
}

/// Lists the files under `dir` (sorted by `rel`, hidden files skipped); a missing folder is empty.
pub fn list_files(dir: &Path, errors: &mut Vec<Diagnostic>) -> Vec<PlainFile> {
    if !dir.is_dir() {
        return Vec::new();
    }
    // One sort of the paths at the end: walkdir's sort finds both file names again at every
    // comparison, a fifth of the load stage's instructions on a 10,000-page site.
    let walker = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut files = Vec::new();
    // The path below `dir` of each folder being walked, by depth: a file's `rel` is its
    // folder's plus its name, without taking the whole path apart again.
    let mut folders: Vec<String> = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.depth() > 0 => {
                let depth = entry.depth();
                let name = entry.file_name().to_string_lossy();
                let rel = match depth.checked_sub(2).map(|d| folders.get(d)) {
                    None => name.into_owned(),
                    Some(Some(folder)) => format!("{folder}/{name}"),
                    Some(None) => relative_slash_path(dir, entry.path()),
                };
                if entry.file_type().is_dir() {
                    folders.truncate(depth - 1);
                    folders.push(rel);
                } else if entry.file_type().is_file() {
                    let file = entry.into_path();
                    files.push(PlainFile { file, rel });
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                errors.push(Diagnostic::in_file(&path, format!("could not read: {e}")));
            }
        }
    }
    files.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// `path` relative to `base`, with `/` separators whatever the platform.
fn relative_slash_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reload_patches_only_what_changed_and_matches_a_full_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "content/a.md", "+++\ntitle = \"A\"\n+++\n");
        write(root, "content/b/index.md", "+++\n+++\n");
        write(root, "content/b/pic.png", "png");
        write(root, "templates/page.html", "x");
        write(root, "static/s.css", "x");
        let first = load(root, None).unwrap();
        let kept = Arc::clone(&first.pages[0].source.text);

        write(root, "content/c.md", "+++\ntitle = \"C\"\n+++\n");
        std::fs::remove_dir_all(root.join("content/b")).unwrap();
        write(root, "templates/page.html", "y");
        let changed = [
            root.join("content/c.md"),
            root.join("content/b"),
            root.join("templates/page.html"),
        ];
        let patched = reload(first, root, None, Some(&changed)).unwrap();
        let full = load(root, None).unwrap();
        let rels = |l: &Loaded| {
            l.pages
                .iter()
                .map(|p| p.source.rel.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(rels(&patched), rels(&full));
        assert_eq!(rels(&patched), ["a.md", "c.md"]);
        assert!(patched.assets.is_empty());
        assert_eq!(patched.templates[0].text, "y");
        assert!(
            Arc::ptr_eq(&patched.pages[0].source.text, &kept),
            "a.md was not re-read"
        );
    }

    #[test]
    fn loads_pages_sections_assets_and_reports_all_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
        write("content/blog/a.md", "+++\ntitle = \"A\"\n+++\nHello");
        write("content/blog/b/index.md", "+++\n+++\n");
        write("content/blog/b/pic.png", "png");
        write("templates/index.html", "x");
        let loaded = load(root, None).unwrap();
        assert_eq!(loaded.sections.len(), 1);
        assert_eq!(
            loaded
                .pages
                .iter()
                .map(|p| p.source.rel.as_str())
                .collect::<Vec<_>>(),
            ["blog/a.md", "blog/b/index.md"]
        );
        assert_eq!(loaded.pages[0].source.body(), "Hello");
        assert_eq!(loaded.assets[0].rel, "blog/b/pic.png");
        assert_eq!(loaded.templates[0].name, "index.html");

        write("content/bad1.md", "+++\ntitle = \n+++\n");
        write("content/bad2.md", "---\ntitle: [\n---\n");
        let errors = load(root, None).unwrap_err();
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn listing_gives_sorted_slash_paths_below_the_folder_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "z.md",
            "a/b/c.md",
            "a-b.md",
            "a/d.md",
            ".hidden/x.md",
            "a/.git/y",
            "a/.e.md",
        ] {
            write(root, rel, "x");
        }
        let mut errors = Vec::new();
        let files = list_files(root, &mut errors);
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a-b.md", "a/b/c.md", "a/d.md", "z.md"]);
        assert_eq!(files[1].file, root.join("a/b/c.md"));
        assert!(errors.is_empty());
    }
}
