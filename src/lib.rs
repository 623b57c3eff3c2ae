//! Kiln: pre-render a whole website to plain HTML.
//!
//! The build is a one-way pipeline (config → load → link → render → write); see the modules.

pub mod config;
pub mod error;
pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod podcast;
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

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub use error::{BuildError, Diagnostic};
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
    let mut stages = Vec::new();
    let started = Instant::now();
    let loaded_config = config::load(&opts.root, opts.base_url.as_deref())
        .map_err(|d| BuildError { diagnostics: d })?;
    stages.push(stage("config", started, "config.toml".into()));

    let started = Instant::now();
    let loaded = load::load(&opts.root).map_err(|d| BuildError { diagnostics: d })?;
    let templates = loaded.templates.clone();
    let (mut tera, mut template_errors) = templates::compile(&templates);
    stages.push(stage(
        "load",
        started,
        format!(
            "{} pages, {} sections, {} templates, {} static files",
            loaded.pages.len(),
            loaded.sections.len(),
            templates.len(),
            loaded.static_files.len()
        ),
    ));

    let started = Instant::now();
    let mut warnings = loaded_config.warnings;
    let site =
        site::link(loaded_config.config, loaded, opts.drafts).map_err(|mut diagnostics| {
            diagnostics.append(&mut template_errors);
            BuildError { diagnostics }
        })?;
    let shows = podcast::shows(&site).map_err(|mut diagnostics| {
        diagnostics.append(&mut template_errors);
        BuildError { diagnostics }
    })?;
    warnings.extend(site.warnings.iter().cloned());
    stages.push(stage(
        "link",
        started,
        format!(
            "{} pages, {} sections, {} taxonomies, {} shows",
            site.pages.len(),
            site.sections.len(),
            site.taxonomies.len(),
            shows.len()
        ),
    ));

    let started = Instant::now();
    let values = Arc::new(values::Values::new(&site));
    templates::register_functions(&mut tera, values.clone());
    let renderer = render::Renderer::new(&site, &tera, values, &shows, &templates);
    let mut output = assemble(&site, &renderer).map_err(|mut e| {
        template_errors.append(&mut e.diagnostics);
        BuildError {
            diagnostics: std::mem::take(&mut template_errors),
        }
    })?;
    BuildError::check(template_errors)?;
    stages.push(stage(
        "render",
        started,
        format!("{} files ({} copied)", output.files.len(), output.copied),
    ));
    output.stages = stages;
    output.warnings = warnings;
    Ok(output)
}

fn stage(name: &'static str, started: Instant, detail: String) -> StageReport {
    StageReport {
        name,
        detail,
        millis: started.elapsed().as_millis(),
    }
}

/// Renders every job and gathers copied files, refusing two outputs at one path.
fn assemble(site: &site::Site, renderer: &render::Renderer<'_>) -> Result<SiteOutput, BuildError> {
    let (jobs, mut errors) = render::plan(site, renderer.shows);
    let (rendered, render_errors) = renderer.render_all(&jobs);
    errors.extend(render_errors);
    let (rendered, collect_errors) = render::collect(rendered);
    errors.extend(collect_errors);
    let mut output = SiteOutput::default();
    for (path, r) in rendered {
        match r.counts_as {
            render::Counted::Page => output.pages += 1,
            render::Counted::Feed => output.feeds += 1,
            render::Counted::Sitemap => output.sitemaps += 1,
            render::Counted::Other => {}
        }
        output
            .files
            .insert(path, OutputFile::Generated(r.bytes.into()));
    }
    let copies = site.static_files.iter().map(|f| (f.rel.clone(), f)).chain(
        site.pages
            .iter()
            .flat_map(|p| &p.assets)
            .chain(site.sections.iter().flat_map(|s| &s.assets))
            .chain(&site.loose_assets)
            .map(|f| (f.rel.trim_start_matches('/').to_string(), f)),
    );
    for (rel, file) in copies {
        if output.files.contains_key(&rel) {
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

/// Builds the site at `opts.root` into `output_dir` (render in memory, then write atomically).
pub fn build(opts: &BuildOptions, output_dir: &Path) -> Result<SiteOutput, BuildError> {
    write::check_output_dir(&opts.root, output_dir)?;
    let mut output = render_site(opts)?;
    let started = Instant::now();
    write_site(&output, output_dir)?;
    output.stages.push(stage(
        "write",
        started,
        format!("{} files to {}", output.files.len(), output_dir.display()),
    ));
    Ok(output)
}
