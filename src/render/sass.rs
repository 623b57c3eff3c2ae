//! The render stage's Sass step: with `compile_sass`, every stylesheet of `sass/` (and of the
//! theme's `sass/`, where the site has none at that path) whose name does not start with `_`
//! becomes compressed CSS at the same relative path, compiled by grass.
//!
//! grass reads files through [`SassFs`], which answers from the loaded sources (files outside
//! `sass/` from disk) and records every question it was asked with its answer. A rebuild
//! reuses a stylesheet's CSS while every one of those questions gets the same answer again:
//! an edited partial recompiles exactly the stylesheets that imported it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use grass_compiler::codemap::SpanLoc;
use rayon::prelude::*;

use crate::content::SassSource;
use crate::error::Diagnostic;
use crate::render::{Counted, Produced, Rendered};

/// What the Sass step made: the CSS files, the problems, `@warn` messages, and the output
/// paths compiled afresh (not reused).
#[derive(Default)]
pub struct Stylesheets {
    pub files: Vec<Arc<Rendered>>,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<String>,
    pub fresh: Vec<String>,
}

/// The stylesheets compiled last time, by source path below `sass/`, for a rebuild to reuse.
#[derive(Default)]
pub struct SassMemory {
    compiled: HashMap<String, Compiled>,
}

/// One stylesheet's CSS, its warnings, and every file question its compile asked.
struct Compiled {
    asked: Vec<Asked>,
    css: Arc<Rendered>,
    warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Question {
    IsFile,
    IsDir,
    Read,
}

/// A question grass asked about `path`, and a number for its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Asked {
    question: Question,
    path: PathBuf,
    answer: u64,
}

/// Compiles the site's stylesheets (`sass_dir` is the site's `sass/`), reusing from `memory`
/// every one whose inputs did not change, and leaves in `memory` what this run made.
pub fn compile(sass_dir: &Path, sources: &[SassSource], memory: &mut SassMemory) -> Stylesheets {
    let tree = Tree::new(sass_dir, sources);
    let (entries, mut errors) = entries(sass_dir, sources);
    let results: Vec<_> = entries
        .par_iter()
        .map(|source| match memory.compiled.get(&source.rel) {
            Some(kept) if tree.still_answers(&kept.asked) => Ok((reuse(kept), false)),
            _ => compile_one(&tree, source).map(|c| (c, true)),
        })
        .collect();
    let mut made = Stylesheets::default();
    let mut compiled = HashMap::with_capacity(entries.len());
    for (source, result) in entries.iter().zip(results) {
        match result {
            Ok((one, fresh)) => {
                if fresh {
                    made.fresh.push(format!("/{}", one.css.file.output));
                }
                made.files.push(Arc::clone(&one.css));
                made.warnings.extend(one.warnings.iter().cloned());
                compiled.insert(source.rel.clone(), one);
            }
            Err(e) => errors.push(e),
        }
    }
    memory.compiled = compiled;
    made.errors = errors;
    made
}

fn reuse(kept: &Compiled) -> Compiled {
    Compiled {
        asked: kept.asked.clone(),
        css: Arc::clone(&kept.css),
        warnings: kept.warnings.clone(),
    }
}

/// The stylesheets to compile, sorted: `.scss` and `.sass` files outside any `_` partial
/// or `_` folder. A site stylesheet replaces a theme's at the same output path, as in Zola;
/// two of one folder that would make one CSS file are an error naming both.
fn entries<'s>(
    sass_dir: &Path,
    sources: &'s [SassSource],
) -> (Vec<&'s SassSource>, Vec<Diagnostic>) {
    let mut by_output: BTreeMap<String, &SassSource> = BTreeMap::new();
    let mut errors = Vec::new();
    let from_site = |source: &SassSource| from_site(source, sass_dir);
    for source in sources {
        let Some(stem) = source
            .rel
            .strip_suffix(".scss")
            .or_else(|| source.rel.strip_suffix(".sass"))
        else {
            continue;
        };
        if source.rel.split('/').any(|part| part.starts_with('_')) {
            continue;
        }
        let output = format!("{stem}.css");
        match by_output.get(&output) {
            None => {}
            Some(first) if from_site(first) != from_site(source) => {
                if from_site(source) {
                    by_output.insert(output, source);
                }
                continue;
            }
            Some(first) => {
                errors.push(Diagnostic::in_file(
                    &source.file,
                    format!(
                        "{} and {} both compile to {output}; rename or remove one",
                        first.file.display(),
                        source.file.display()
                    ),
                ));
                continue;
            }
        }
        by_output.insert(output, source);
    }
    (by_output.into_values().collect(), errors)
}

/// Whether a stylesheet is the site's own (under `sass_dir`) rather than its theme's.
fn from_site(source: &SassSource, sass_dir: &Path) -> bool {
    source.file.starts_with(sass_dir)
}

/// Compiles one stylesheet to compressed CSS.
fn compile_one(tree: &Tree<'_>, source: &SassSource) -> Result<Compiled, Diagnostic> {
    let fs = SassFs {
        tree,
        asked: Mutex::default(),
    };
    let logger = Warnings::default();
    let options = grass_compiler::Options::default()
        .fs(&fs)
        .logger(&logger)
        // No load path, as in Zola: an import is found beside the file that makes it.
        .style(grass_compiler::OutputStyle::Compressed);
    let css = grass_compiler::from_path(&source.file, &options)
        .map_err(|e| diagnostic(&source.file, *e))?;
    let output = match source.rel.rsplit_once('.') {
        Some((stem, _)) => format!("{stem}.css"),
        None => format!("{}.css", source.rel),
    };
    let css = Rendered {
        file: Produced {
            output,
            origin: match from_site(source, tree.dir) {
                true => format!("sass/{}", source.rel),
                false => source.file.display().to_string(),
            },
            counts_as: Counted::Other,
        },
        bytes: css.into_bytes().into(),
    };
    let asked = fs
        .asked
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let warnings = logger
        .0
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    Ok(Compiled {
        asked,
        css: Arc::new(css),
        warnings,
    })
}

/// A grass error as a located diagnostic.
fn diagnostic(entry: &Path, error: grass_compiler::Error) -> Diagnostic {
    use grass_compiler::ErrorKind;
    match error.kind() {
        ErrorKind::ParseError { message, loc, .. } => Diagnostic::at(
            &normalise(Path::new(loc.file.name())),
            loc.begin.line + 1,
            Some(loc.begin.column + 1),
            format!("Sass: {message}"),
        ),
        ErrorKind::FromUtf8Error(message) => {
            Diagnostic::in_file(entry, format!("Sass: not UTF-8: {message}"))
        }
        ErrorKind::IoError(e) => Diagnostic::in_file(entry, format!("Sass: could not read: {e}")),
        other => Diagnostic::in_file(entry, format!("Sass: {other:?}")),
    }
}

/// The loaded `sass/` tree, by normalised path.
struct Tree<'a> {
    dir: &'a Path,
    norm_dir: PathBuf,
    files: HashMap<PathBuf, &'a str>,
    dirs: HashSet<PathBuf>,
}

impl<'a> Tree<'a> {
    fn new(dir: &'a Path, sources: &'a [SassSource]) -> Tree<'a> {
        let norm_dir = normalise(dir);
        let mut dirs = HashSet::from([norm_dir.clone()]);
        let mut files = HashMap::with_capacity(sources.len());
        for source in sources {
            let path = normalise(&source.file);
            for parent in path.ancestors().skip(1) {
                if !parent.starts_with(&norm_dir) || !dirs.insert(parent.to_path_buf()) {
                    break;
                }
            }
            files.insert(path, &*source.text);
        }
        Tree {
            dir,
            norm_dir,
            files,
            dirs,
        }
    }

    /// The answer to `question` about `path` now, and the file's bytes for `Read`. Paths
    /// inside `sass/` are answered from what was loaded; others (an import that reaches
    /// outside) from disk.
    fn answer(&self, question: Question, path: &Path) -> (u64, Option<Vec<u8>>) {
        let path = normalise(path);
        let inside = path.starts_with(&self.norm_dir);
        match question {
            Question::IsFile if inside => (self.files.contains_key(&path).into(), None),
            Question::IsFile => (path.is_file().into(), None),
            Question::IsDir if inside => (self.dirs.contains(&path).into(), None),
            Question::IsDir => (path.is_dir().into(), None),
            Question::Read => {
                let bytes = match self.files.get(&path) {
                    Some(text) => Some(text.as_bytes().to_vec()),
                    None if inside => None,
                    None => std::fs::read(&path).ok(),
                };
                let mut hasher = DefaultHasher::new();
                bytes.hash(&mut hasher);
                (hasher.finish(), bytes)
            }
        }
    }

    /// Whether every question of a past compile gets the same answer from this tree.
    fn still_answers(&self, asked: &[Asked]) -> bool {
        asked
            .iter()
            .all(|a| self.answer(a.question, &a.path).0 == a.answer)
    }
}

/// The file system grass sees for one compile: the tree, with every question recorded.
#[derive(Debug)]
struct SassFs<'t, 'a> {
    tree: &'t Tree<'a>,
    asked: Mutex<Vec<Asked>>,
}

impl std::fmt::Debug for Tree<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sass tree at {}", self.dir.display())
    }
}

impl SassFs<'_, '_> {
    fn ask(&self, question: Question, path: &Path) -> (u64, Option<Vec<u8>>) {
        let (answer, bytes) = self.tree.answer(question, path);
        let asked = Asked {
            question,
            path: path.to_path_buf(),
            answer,
        };
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(asked);
        (answer, bytes)
    }
}

impl grass_compiler::Fs for SassFs<'_, '_> {
    fn is_dir(&self, path: &Path) -> bool {
        self.ask(Question::IsDir, path).0 == 1
    }

    fn is_file(&self, path: &Path) -> bool {
        self.ask(Question::IsFile, path).0 == 1
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.ask(Question::Read, path)
            .1
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such stylesheet"))
    }

    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        Ok(normalise(path))
    }
}

/// `@warn` and `@debug` messages, as build warnings naming file and line.
#[derive(Debug, Default)]
struct Warnings(Mutex<Vec<String>>);

impl Warnings {
    fn push(&self, kind: &str, location: &SpanLoc, message: &str) {
        let file = normalise(Path::new(location.file.name()));
        let line = location.begin.line + 1;
        let text = format!("{}:{line}: Sass {kind}: {message}", file.display());
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(text);
    }
}

impl grass_compiler::Logger for Warnings {
    fn debug(&self, location: SpanLoc, message: &str) {
        self.push("@debug", &location, message);
    }

    fn warn(&self, location: SpanLoc, message: &str) {
        self.push("@warn", &location, message);
    }
}

/// `path` with `.` and `..` resolved without touching the disk (grass joins import URLs
/// onto the importer's folder, so `sass/css/../_vars.scss` must find `sass/_vars.scss`).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(rel: &str) -> SassSource {
        SassSource {
            file: PathBuf::from("sass").join(rel),
            rel: rel.to_string(),
            text: Arc::from(""),
        }
    }

    #[test]
    fn partials_partial_folders_and_plain_css_are_not_compiled() {
        let sources = [
            "_vars.scss",
            "_parts/a.scss",
            "css/site.sass",
            "main.scss",
            "vendor.css",
        ]
        .map(source);
        let (entries, errors) = entries(Path::new("sass"), &sources);
        let rels: Vec<&str> = entries.iter().map(|s| s.rel.as_str()).collect();
        assert_eq!(rels, ["css/site.sass", "main.scss"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn imports_resolve_through_dot_dot_without_the_disk() {
        assert_eq!(
            normalise(Path::new("sass/css/../_vars.scss")),
            Path::new("sass/_vars.scss")
        );
        assert_eq!(normalise(Path::new("sass/../../x")), Path::new("../x"));
        assert_eq!(normalise(Path::new("/a/../../b")), Path::new("/b"));
    }
}
