//! Kiln: pre-render a whole website to plain HTML.
//!
//! The build is a one-way pipeline (config → load → link → render → write); see the modules.

pub mod config;
pub mod error;
pub mod fingerprint;
pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod markdown_cache;
pub mod podcast;
pub mod rebuild;
pub mod render;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod template_error;
pub mod template_use;
pub mod templates;
pub mod url_path;
pub mod value;
pub mod values;
mod write;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub use error::{BuildError, Diagnostic};
pub use rebuild::{RebuildReport, Rebuilder};
pub use write::write_site;

/// What to build and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The site's root folder (with `config.toml`, `content/`, `templates/`, `static/`).
    pub root: PathBuf,
    /// Replaces `base_url` from `config.toml` (e.g. the local address in `kiln serve`).
    pub base_url: Option<String>,
    /// Also render pages and sections marked `draft = true`.
    pub drafts: bool,
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// Rendered in memory.
    Generated(Arc<[u8]>),
    /// Copied as is from this absolute source path.
    Copied(PathBuf),
}

/// How long one stage took and what it produced, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport {
    pub name: &'static str,
    pub detail: String,
    pub millis: u128,
}

impl fmt::Display for StageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<7} {:>5} ms  {}", self.name, self.millis, self.detail)
    }
}

/// The built site, all in memory.
#[derive(Debug, Clone, Default)]
pub struct SiteOutput {
    /// Output-relative paths with `/` (e.g. `shows/foo/index.html`) to their contents.
    pub files: BTreeMap<String, OutputFile>,
    /// HTML pages rendered (content pages, listings, taxonomy pages, 404).
    pub pages: usize,
    /// Feeds rendered (site, section, term and podcast feeds).
    pub feeds: usize,
    /// Sitemaps rendered (0 or 1).
    pub sitemaps: usize,
    /// Files copied as is.
    pub copied: usize,
    /// Rendered files a streaming build (see [`build`]) already wrote to the output folder
    /// as it rendered them; `files` then holds only what is left to copy.
    pub written: usize,
    pub stages: Vec<StageReport>,
    pub warnings: Vec<String>,
}

impl SiteOutput {
    /// `Built 58 pages, 4 feeds, 1 sitemap in 37 ms`.
    pub fn summary(&self, millis: u128) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "Built {}, {}, {} in {millis} ms",
            plural(self.pages, "page"),
            plural(self.feeds, "feed"),
            plural(self.sitemaps, "sitemap")
        )
    }
}

/// Runs the pipeline up to rendering, keeping every output in memory.
pub fn render_site(opts: &BuildOptions) -> Result<SiteOutput, BuildError> {
    let mut rebuilder = Rebuilder::new(opts.clone());
    rebuilder.rebuild(&[])?;
    rebuilder
        .into_output()
        .ok_or_else(|| BuildError::one(Diagnostic::new("the build produced nothing")))
}

/// Gathers rendered and copied files, refusing two outputs at one path; `errors` so far are
/// reported together with any found here. With `written`, the rendered files are already in
/// the output folder, so only their paths are kept (to refuse copies over them).
fn assemble<'r>(
    site: &site::Site,
    rendered: impl ExactSizeIterator<Item = &'r render::Rendered>,
    mut errors: Vec<Diagnostic>,
    written: bool,
) -> Result<SiteOutput, BuildError> {
    let (rendered, collect_errors) = render::collect(rendered);
    errors.extend(collect_errors);
    let mut output = SiteOutput::default();
    for r in &rendered {
        rebuild::count(&mut output, r.counts_as);
    }
    let generated: HashSet<&str> = if written {
        output.written = rendered.len();
        rendered.iter().map(|r| r.output.as_str()).collect()
    } else {
        // Collected at once, the map is sorted and built in bulk: much cheaper than 10,000 inserts.
        output.files = rendered
            .iter()
            .map(|r| (r.output.clone(), OutputFile::from(*r)))
            .collect();
        HashSet::new()
    };
    let assets = site
        .pages
        .iter()
        .flat_map(|p| &p.assets)
        .chain(site.sections.iter().flat_map(|s| &s.assets));
    let copies = site.static_files.iter().map(|f| (f.rel.clone(), f)).chain(
        assets
            .chain(&site.loose_assets)
            .map(|f| (f.rel.trim_start_matches('/').to_string(), f)),
    );
    for (rel, file) in copies {
        if output.files.contains_key(&rel) || generated.contains(rel.as_str()) {
            errors.push(Diagnostic::in_file(
                &file.file,
                format!("this file would overwrite the generated {rel}; rename or move it"),
            ));
            continue;
        }
        output.copied += 1;
        output
            .files
            .insert(rel, OutputFile::Copied(file.file.clone()));
    }
    BuildError::check(errors)?;
    Ok(output)
}

/// Builds the site at `opts.root` into `output_dir`, atomically: each file is written into a
/// folder beside the output as soon as it is rendered (the site's HTML is never all in
/// memory), and that folder replaces the output only if the whole build succeeded.
pub fn build(opts: &BuildOptions, output_dir: &Path) -> Result<SiteOutput, BuildError> {
    write::check_output_dir(&opts.root, output_dir)?;
    let staging = Arc::new(write::Staging::new(output_dir)?);
    let mut rebuilder = Rebuilder::writing_to(opts.clone(), Arc::clone(&staging));
    rebuilder.rebuild(&[])?;
    let mut output = rebuilder
        .into_output()
        .ok_or_else(|| BuildError::one(Diagnostic::new("the build produced nothing")))?;
    let started = Instant::now();
    staging.put_all(&output)?;
    let staging = Arc::try_unwrap(staging)
        .map_err(|_| BuildError::one(Diagnostic::new("the output folder is still in use")))?;
    staging.commit()?;
    output.stages.push(rebuild::stage(
        "write",
        started,
        format!(
            "{} copied, {} files in all to {}",
            output.copied,
            output.written + output.files.len(),
            output_dir.display()
        ),
    ));
    Ok(output)
}
