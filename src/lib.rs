//! Kiln: pre-render a whole website to plain HTML.
//!
//! A build is a one-way pipeline; each stage is a folder and takes only what the stages
//! before it made:
//!
//! 1. `config/`: read `config.toml` into a `Config`;
//! 2. `content/`: read `content/`, `templates/` and `static/`, parsing front matter;
//! 3. `site/`: link those files into the immutable site graph (paths, Markdown as HTML via
//!    `markdown/`, sections, taxonomies, podcast shows);
//! 4. `render/`: plan every output (pages, listings, feeds…) and render each with Tera;
//!    the images templates ask for are made afterwards by `images/` (pixels in `kiln-pixels`);
//! 5. `output/`: gather rendered and copied files and write them atomically.
//!
//! [`build`] runs the stages once, streaming each output to disk. `incremental/` runs the
//! same stages again and again for `kiln serve`, redoing only what a change touched; its
//! invariant is that a rebuild equals a full build. `serve/` is the dev server around it;
//! `check/` (`kiln check`) reviews what a build would publish without writing it.
//! `error.rs`, `report.rs`, `url_path.rs` and `data.rs` are shared by every stage. `init/`
//! writes a new site's sources; it uses no stage.

pub mod check;
mod config;
mod content;
mod data;
mod error;
mod images;
mod incremental;
pub mod init;
mod markdown;
mod output;
mod render;
mod report;
#[cfg(feature = "serve")]
pub mod serve;
mod site;
mod url_path;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

pub use config::{BuildOptions, Mode};
pub use error::{BuildError, Diagnostic};
pub use output::{OutputFile, SiteOutput};
pub use report::StageReport;

use content::SassSource;
use images::Images;
use incremental::Rebuilder;
use output::staging::{Staging, check_output_dir};
use render::Reads;
use render::sass::{SassMemory, Stylesheets};
use site::Bodies;

/// Builds the site at `opts.root` into `output_dir`, once and atomically: each file is
/// written into a folder beside the output as soon as it is rendered (the site's HTML is never
/// all in memory), and that folder replaces the output only if the whole build succeeded.
pub fn build(opts: &BuildOptions, output_dir: &Path) -> Result<SiteOutput, BuildError> {
    let mut warnings = Vec::new();
    build_once(opts, output_dir, &mut warnings).map_err(|e| e.warned(&warnings))
}

/// [`build`], gathering into `warnings` every warning given, so a failed build shows them too.
fn build_once(
    opts: &BuildOptions,
    output_dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<SiteOutput, BuildError> {
    check_output_dir(&opts.root, output_dir)?;
    let mut staging = Staging::new(output_dir)?;
    let mut stages = Vec::new();
    let started = Instant::now();
    let mut config = config::load(&opts.root, opts.base_url.as_deref())?;
    config.config.mode = opts.mode;
    warnings.append(&mut config.warnings);
    stages.push(StageReport::since("config", started, "config.toml".into()));

    let started = Instant::now();
    let mut loaded = content::load(&opts.root, config.config.theme.as_deref())?;
    warnings.extend(loaded.warnings.iter().cloned());
    let detail = loaded.summary();
    let templates = std::mem::take(&mut loaded.templates);
    let sass = std::mem::take(&mut loaded.sass);
    let (mut tera, template_errors) = render::templates::compile(&templates);
    let files = render::files::Files::new(&opts.root, config.config.theme.clone());
    let images = Arc::new(Images::new(&opts.root, &config.config.base_url));
    staging.link_from(images.cache_folder());
    let shortcodes = render::shortcodes::SiteShortcodes::new(
        &tera,
        &templates,
        &config.config,
        files,
        Some(Arc::clone(&images)),
    );
    stages.push(StageReport::since("load", started, detail));

    let started = Instant::now();
    let bodies = Bodies::RenderOnce;
    let linked = site::link(
        config.config,
        loaded,
        opts.drafts,
        &opts.root,
        bodies,
        &*shortcodes,
    );
    let site = linked.map_err(|e| [e, template_errors.clone()].concat())?;
    // The site's warnings are the loaded files' (counted already) and the link stage's own.
    add_new(warnings, &site.warnings);
    stages.push(StageReport::since("link", started, site::summary(&site)));

    let started = Instant::now();
    // Compiled before pages render, so `get_url(cachebust = true)` can hash them.
    let styles = stylesheets(&site, &opts.root, &sass, &mut SassMemory::default());
    hand_to_cachebust(shortcodes.files(), &styles, &sass, opts.mode);
    let renderer = render::prepare(
        &site,
        &mut tera,
        &templates,
        &shortcodes,
        None,
        Arc::clone(&images),
        Reads::Analysed,
    );
    let (jobs, plan_errors) = render::plan(&site);
    let pass = render::stream(&renderer, &jobs, &staging);
    let (processed, image_errors) = images.process(&images.asked());
    warnings.extend(styles.warnings.iter().cloned());
    let errors = [template_errors, plan_errors, pass.errors].concat();
    let errors = [errors, styles.errors, image_errors].concat();
    let mut output = output::assemble(&site, &pass.outputs, &styles.files, &processed, errors)?;
    let detail = render::summary(output.file_count(), pass.fresh.len(), output.copied);
    stages.push(StageReport::since("render", started, detail));

    let started = Instant::now();
    staging.put_all(&output)?;
    staging.commit()?;
    let (copied, all, to) = (output.copied, output.file_count(), output_dir.display());
    let written = format!("{copied} copied, {all} files in all to {to}");
    stages.push(StageReport::since("write", started, written));
    output.stages = stages;
    output.warnings = std::mem::take(warnings);
    output::drop_later((site, jobs));
    Ok(output)
}

/// Adds to `warnings` those of `more` it does not hold yet.
fn add_new(warnings: &mut Vec<String>, more: &[String]) {
    let new: Vec<String> = more
        .iter()
        .filter(|w| !warnings.contains(w))
        .cloned()
        .collect();
    warnings.extend(new);
}

/// Runs the pipeline up to rendering, keeping every output in memory.
pub fn render_site(opts: &BuildOptions) -> Result<SiteOutput, BuildError> {
    let mut rebuilder = Rebuilder::new(opts.clone());
    let (output, _) = rebuilder.rebuild(&[])?;
    Ok(rebuilder.into_output(output))
}

/// Hands the compiled `styles` (made from the `sass` sources) to `get_url(cachebust)`, which
/// hashes them in `kiln build` and leaves them unhashed in `kiln serve`.
fn hand_to_cachebust(
    files: &render::files::Files,
    styles: &Stylesheets,
    sass: &[SassSource],
    mode: Mode,
) {
    let css: Vec<(String, Arc<[u8]>)> = styles
        .files
        .iter()
        .map(|r| (r.file.output.clone(), Arc::clone(&r.bytes)))
        .collect();
    let sources = sass.iter().map(|s| s.file.clone()).collect();
    files.compiled.set(&css, sources, mode == Mode::Build);
}

/// The stylesheets the build writes: `sass/` compiled when `compile_sass` is on, and the
/// highlighting themes' CSS for the class style.
fn stylesheets(
    site: &site::Site,
    root: &Path,
    sources: &[SassSource],
    memory: &mut SassMemory,
) -> Stylesheets {
    let mut made = if site.config.compile_sass {
        render::sass::compile(&config::under(root, "sass"), sources, memory)
    } else {
        Stylesheets::default()
    };
    let themes = site.highlighter.iter().flat_map(|h| h.stylesheets());
    made.files.extend(themes.map(|(name, css)| {
        let file = render::Produced {
            output: name.to_string(),
            origin: "[markdown.highlighting]".to_string(),
            counts_as: render::Counted::Other,
        };
        let bytes = css.into_bytes().into();
        std::sync::Arc::new(render::Rendered { file, bytes })
    }));
    made
}
