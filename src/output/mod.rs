//! Stage 5: the built site as files: what was rendered plus what is copied as it is, checked
//! for two files at one path, and written atomically (see [`staging`]).

pub mod staging;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::PlainFile;
use crate::error::{BuildError, Diagnostic};
use crate::render::{Counted, Produced, Rendered};
use crate::report::StageReport;
use crate::site::Site;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// Rendered in memory.
    Generated(Arc<[u8]>),
    /// Copied as is from this absolute source path.
    Copied(PathBuf),
}

/// The built site: its files in memory, or already written by a streamed build.
#[derive(Debug, Clone, Default)]
pub struct SiteOutput {
    /// Output-relative paths with `/` (e.g. `shows/foo/index.html`) to their contents.
    pub files: BTreeMap<String, OutputFile>,
    /// HTML pages rendered (content pages, listings, taxonomy pages, 404).
    pub pages: usize,
    /// How many of `pages` list others: sections, taxonomies, terms and their paginated pages.
    pub listings: usize,
    /// Feeds rendered (site, section, term and podcast feeds).
    pub feeds: usize,
    /// Sitemaps rendered (0 or 1).
    pub sitemaps: usize,
    /// Files copied as is.
    pub copied: usize,
    /// Rendered files a streamed build already wrote to the output folder as it rendered
    /// them; `files` then holds only what is left to copy.
    pub written: usize,
    pub stages: Vec<StageReport>,
    pub warnings: Vec<String>,
}

impl SiteOutput {
    /// `Built 58 pages (30 of them listings), 4 feeds, 1 sitemap in 37 ms`: a page is an HTML
    /// file a visitor reads, so the count is larger than the content files' whenever sections,
    /// taxonomies and pagination list them.
    pub fn summary(&self, millis: u128) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let listings = match self.listings {
            0 => String::new(),
            1 if self.pages == 1 => " (a listing)".to_owned(),
            1 => " (1 of them a listing)".to_owned(),
            n => format!(" ({n} of them listings)"),
        };
        format!(
            "Built {}{listings}, {}, {} in {millis} ms",
            plural(self.pages, "page"),
            plural(self.feeds, "feed"),
            plural(self.sitemaps, "sitemap")
        )
    }

    /// Every file of the site, written or held.
    pub fn file_count(&self) -> usize {
        self.written + self.files.len()
    }

    fn count(&mut self, counted: Counted) {
        match counted {
            Counted::Page => self.pages += 1,
            Counted::Listing => {
                self.pages += 1;
                self.listings += 1;
            }
            Counted::Feed => self.feeds += 1,
            Counted::Sitemap => self.sitemaps += 1,
            Counted::Other => {}
        }
    }
}

/// Frees `value` on another thread: a built site is tens of thousands of small buffers, and
/// whoever waits for the build (or the page to reload) need not wait for that.
pub fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Something a render pass produced: a file already written, or one held in memory.
pub trait Made {
    fn produced(&self) -> &Produced;
    /// Its bytes, when held in memory.
    fn bytes(&self) -> Option<&Arc<[u8]>>;
}

impl Made for Produced {
    fn produced(&self) -> &Produced {
        self
    }
    fn bytes(&self) -> Option<&Arc<[u8]>> {
        None
    }
}

impl Made for Arc<Rendered> {
    fn produced(&self) -> &Produced {
        &self.file
    }
    fn bytes(&self) -> Option<&Arc<[u8]>> {
        Some(&self.bytes)
    }
}

/// Gathers the site's files: the `rendered` ones (held, or written already), the compiled
/// `stylesheets`, and the static, colocated and `processed` image files to copy, refusing two
/// files at one path; `errors` so far are reported together with any found here.
pub fn assemble<M: Made>(
    site: &Site,
    rendered: &[(usize, M)],
    stylesheets: &[Arc<Rendered>],
    processed: &[PlainFile],
    mut errors: Vec<Diagnostic>,
) -> Result<SiteOutput, BuildError> {
    let rendered = rendered.iter().map(|(_, m)| m as &dyn Made);
    let all: Vec<&dyn Made> = rendered
        .chain(stylesheets.iter().map(|s| s as &dyn Made))
        .collect();
    let (rendered, clashes) = unique(all.into_iter());
    errors.extend(clashes);
    let mut output = SiteOutput::default();
    let mut generated = HashSet::with_capacity(rendered.len());
    let mut held = Vec::new();
    for made in &rendered {
        let produced = made.produced();
        output.count(produced.counts_as);
        generated.insert(produced.output.as_str());
        match made.bytes() {
            Some(bytes) => held.push((
                produced.output.clone(),
                OutputFile::Generated(Arc::clone(bytes)),
            )),
            None => output.written += 1,
        }
    }
    // Collected at once, the map is sorted and built in bulk: much cheaper than 10,000 inserts.
    output.files = held.into_iter().collect();
    let processed = processed.iter().map(|f| (f.rel.clone(), &f.file));
    for (rel, file) in copies(site).chain(processed) {
        if generated.contains(rel.as_str()) || output.files.contains_key(&rel) {
            errors.push(Diagnostic::in_file(
                file,
                format!("this file would overwrite the generated {rel}; rename or move it"),
            ));
            continue;
        }
        output.copied += 1;
        output.files.insert(rel, OutputFile::Copied(file.clone()));
    }
    BuildError::check(errors)?;
    Ok(output)
}

/// The files copied as they are: static files, then colocated and loose content files.
fn copies(site: &Site) -> impl Iterator<Item = (String, &PathBuf)> {
    let assets = site
        .pages
        .iter()
        .flat_map(|p| &p.assets)
        .chain(site.sections.iter().flat_map(|s| &s.assets))
        .chain(&site.loose_assets)
        .map(|f| (f.rel.trim_start_matches('/').to_string(), &f.file));
    let statics = site.static_files.iter().map(|f| (f.rel.clone(), &f.file));
    statics.chain(assets)
}

/// The outputs, in the given order, refusing a second output at one output path.
fn unique<'m, M: Made + ?Sized>(
    made: impl ExactSizeIterator<Item = &'m M>,
) -> (Vec<&'m M>, Vec<Diagnostic>) {
    let mut by_output: HashMap<&str, &Produced> = HashMap::with_capacity(made.len());
    let mut kept = Vec::with_capacity(made.len());
    let mut errors = Vec::new();
    for m in made {
        let produced = m.produced();
        match by_output.entry(&produced.output) {
            Entry::Occupied(existing) => errors.push(Diagnostic::new(format!(
                "{} and {} both produce {}; change one's `slug`, `path` or `aliases`",
                existing.get().origin,
                produced.origin,
                produced.output
            ))),
            Entry::Vacant(slot) => {
                slot.insert(produced);
                kept.push(m);
            }
        }
    }
    (kept, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_output_at_one_path_is_refused_naming_both_origins() {
        let produced = |output: &str, origin: &str| Produced {
            output: output.into(),
            origin: origin.into(),
            counts_as: Counted::Page,
        };
        let all = [
            produced("a/index.html", "a.md"),
            produced("b/index.html", "b.md"),
            produced("a/index.html", "alias in c.md"),
        ];
        let (kept, errors) = unique(all.iter());
        let kept: Vec<&str> = kept.iter().map(|p| p.origin.as_str()).collect();
        assert_eq!(kept, ["a.md", "b.md"]);
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(
            message.contains("a.md and alias in c.md both produce a/index.html"),
            "{message}"
        );
    }
}
