//! Stage 2: read `content/`, `templates/` and `static/` into memory, parsing front matter.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, io_error};
use crate::front_matter::{self, PageFront, SectionFront};

/// A Markdown file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// Absolute path, for error messages and colocated assets.
    pub file: PathBuf,
    /// Path relative to `content/` with `/` separators, as `@/` links name it.
    pub rel: String,
    pub text: String,
    /// Where the Markdown body starts in `text`.
    pub body_offset: usize,
}

impl Source {
    /// The Markdown body after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
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

#[derive(Debug, Clone)]
pub struct LoadedPage {
    pub source: Source,
    pub front: PageFront,
}

#[derive(Debug, Clone)]
pub struct LoadedSection {
    pub source: Source,
    pub front: SectionFront,
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

/// Everything the build reads from disk, in a deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub pages: Vec<LoadedPage>,
    pub sections: Vec<LoadedSection>,
    pub assets: Vec<PlainFile>,
    pub static_files: Vec<PlainFile>,
    pub templates: Vec<TemplateSource>,
    pub warnings: Vec<String>,
}

/// Reads the site under `root`; every unreadable or malformed file is reported, not just the first.
pub fn load(root: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let content = list_files(&root.join("content"), &mut errors);
    let (markdown, assets): (Vec<_>, Vec<_>) =
        content.into_iter().partition(|f| f.rel.ends_with(".md"));
    let static_files = list_files(&root.join("static"), &mut errors);
    let template_files = list_files(&root.join("templates"), &mut errors);

    let parsed: Vec<Result<Document, Diagnostic>> =
        markdown.par_iter().map(read_document).collect();
    let templates: Vec<Result<TemplateSource, Diagnostic>> = template_files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f.file)
                .map_err(|e| io_error(&f.file, "read this template", &e))?;
            Ok(TemplateSource {
                name: f.rel.clone(),
                file: f.file.clone(),
                text,
            })
        })
        .collect();

    let mut loaded = Loaded {
        assets,
        static_files,
        ..Loaded::default()
    };
    for document in parsed {
        match document {
            Ok(Document::Page(page)) => {
                warn_unsupported(&mut loaded.warnings, &page.source, page.front.unsupported());
                loaded.pages.push(page);
            }
            Ok(Document::Section(section)) => {
                warn_unsupported(
                    &mut loaded.warnings,
                    &section.source,
                    section.front.unsupported(),
                );
                loaded.sections.push(section);
            }
            Err(error) => errors.push(error),
        }
    }
    for template in templates {
        match template {
            Ok(template) => loaded.templates.push(template),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

enum Document {
    Page(LoadedPage),
    Section(LoadedSection),
}

/// Reads one Markdown file and parses its front matter as a page or a section.
fn read_document(file: &PlainFile) -> Result<Document, Diagnostic> {
    let text = std::fs::read_to_string(&file.file)
        .map_err(|e| io_error(&file.file, "read this file", &e))?;
    let split = front_matter::split(&text);
    let body_offset = split.body_offset;
    let is_section = file.rel == "_index.md" || file.rel.ends_with("/_index.md");
    if is_section {
        let mut front: SectionFront = front_matter::parse(&file.file, &text, &split)?;
        front.extra.as_mut().map(crate::value::normalise_dates);
        let source = Source {
            file: file.file.clone(),
            rel: file.rel.clone(),
            text,
            body_offset,
        };
        Ok(Document::Section(LoadedSection { source, front }))
    } else {
        let mut front: PageFront = front_matter::parse(&file.file, &text, &split)?;
        front.extra.as_mut().map(crate::value::normalise_dates);
        let source = Source {
            file: file.file.clone(),
            rel: file.rel.clone(),
            text,
            body_offset,
        };
        Ok(Document::Page(LoadedPage { source, front }))
    }
}

fn warn_unsupported(warnings: &mut Vec<String>, source: &Source, keys: Vec<&'static str>) {
    for key in keys {
        warnings.push(format!(
            "{}: `{key}` is a Zola front matter key Kiln does not support yet; it is ignored",
            source.file.display()
        ));
    }
}

/// `root/name`, without a leading `./` so messages read `content/a.md`.
pub fn under(root: &Path, name: &str) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        PathBuf::from(name)
    } else {
        root.join(name)
    }
}

/// Lists the files under `dir` (sorted, hidden files skipped); a missing folder is empty.
pub fn list_files(dir: &Path, errors: &mut Vec<Diagnostic>) -> Vec<PlainFile> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let rel = relative_slash_path(dir, entry.path());
                files.push(PlainFile {
                    file: entry.path().to_path_buf(),
                    rel,
                });
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                errors.push(Diagnostic::in_file(&path, format!("could not read: {e}")));
            }
        }
    }
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
        let loaded = load(root).unwrap();
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
        let errors = load(root).unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
