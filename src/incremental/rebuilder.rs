//! The incremental driver: runs the same stages as a one-off build, again and again,
//! keeping what each made and redoing only what the changed files can affect.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use tera::Tera;

use super::report::RebuildReport;
use super::{fingerprint, patch};
use crate::config::{BuildOptions, LoadedConfig};
use crate::content::{Loaded, PlainFile};
use crate::error::{BuildError, Diagnostic};
use crate::images::Images;
use crate::markdown::cache::MarkdownCache;
use crate::output::{SiteOutput, drop_later};
use crate::render::files::{FileReads, Files};
use crate::render::sass::SassMemory;
use crate::render::shortcodes::SiteShortcodes;
use crate::render::values::Values;
use crate::render::{Job, Reads, Rendered};
use crate::report::StageReport;
use crate::site::{Bodies, Site};

/// An output's bytes from last time, where they are still right.
type Reusable = Option<Arc<Rendered>>;

/// What kinds of source a rebuild's changed paths (named from the site root) are.
#[derive(Debug, Clone, Copy)]
struct Touched {
    templates: bool,
    /// Files under `content/` other than Markdown: colocated images, audio…
    content_files: bool,
}

impl Touched {
    fn of(names: &[String]) -> Touched {
        let templates = names
            .iter()
            .any(|n| n.starts_with("templates/") || n == "templates");
        let content_files = names
            .iter()
            .any(|n| n.starts_with("content/") && !n.ends_with(".md"));
        Touched {
            templates,
            content_files,
        }
    }
}

/// The outputs of a site and the problems found planning them.
type Planned = (Vec<Job>, Vec<Diagnostic>);

/// Rebuilds a site again and again, remembering what each output was made from.
pub struct Rebuilder {
    opts: BuildOptions,
    /// The sources as last read; `None` before the first run and after a failed load.
    inputs: Option<Inputs>,
    memory: Memory,
    last: Option<Arc<SiteOutput>>,
    /// Tests turn the page and config projections off to prove they change no byte.
    pub(super) reads: Reads,
    /// The files templates read (`load_data`, `get_hash`…): a change to one rebuilds all.
    file_reads: FileReads,
}

/// The config, files and compiled templates as last read.
struct Inputs {
    config: LoadedConfig,
    loaded: Loaded,
    tera: Tera,
    /// The shortcode templates, compiled with `tera`.
    shortcodes: Arc<SiteShortcodes>,
    template_errors: Vec<Diagnostic>,
    /// The site's images: sources read so far and every processed image asked for.
    images: Arc<Images>,
}

/// What the previous run made that the next one may reuse. Every part is either exact for the
/// files on disk as last seen, or absent (then made from scratch).
#[derive(Default)]
struct Memory {
    markdown: MarkdownCache,
    values: Option<Arc<Values>>,
    outputs: HashMap<String, Kept>,
    linked: Option<Linked>,
    sass: SassMemory,
}

/// An output rendered last time, with the fingerprint of what it was made from and the
/// processed images it links to.
struct Kept {
    fingerprint: u64,
    rendered: Arc<Rendered>,
    images: Vec<String>,
}

/// The last linked site, the colocated files it was linked with (for `patch`) and its
/// outputs, which a patched site keeps (same pages, same places).
struct Linked {
    site: Site,
    assets: Vec<PlainFile>,
    jobs: Vec<Job>,
}

impl Rebuilder {
    pub fn new(opts: BuildOptions) -> Rebuilder {
        Rebuilder {
            opts,
            inputs: None,
            memory: Memory::default(),
            last: None,
            reads: Reads::Analysed,
            file_reads: FileReads::default(),
        }
    }

    /// First call builds everything; later calls redo only what the changed paths can affect.
    /// The result equals what a full build would produce.
    pub fn rebuild(
        &mut self,
        changed: &[PathBuf],
    ) -> Result<(Arc<SiteOutput>, RebuildReport), BuildError> {
        let started = Instant::now();
        let names: Vec<String> = changed.iter().map(|p| self.display(p)).collect();
        if let (Some(last), true) = (&self.last, changed.is_empty()) {
            let report = RebuildReport {
                changed: names,
                rendered: Vec::new(),
                outputs: last.file_count(),
                millis: 0,
                full: false,
            };
            return Ok((Arc::clone(last), report));
        }
        let templates_changed = names
            .iter()
            .any(|n| n.starts_with("templates/") || n == "templates");
        let config_changed = names.iter().any(|n| n == "config.toml");
        // A theme's files (and its `theme.toml`, merged into the config) are read again whole;
        // a config change that only touches `[markdown.highlighting]` is not a full rebuild.
        let full = self.last.is_none()
            || self.file_reads.any_of(changed)
            || names
                .iter()
                .any(|n| n == "themes" || n.starts_with("themes/"))
            || (config_changed && (templates_changed || !self.take_highlighting_change()))
            || (!config_changed
                && names.iter().any(|n| self.is_extra_highlighting_file(n))
                && !self.forget_highlighted());
        if full {
            self.inputs = None;
            self.memory = Memory::default();
        }
        let (output, fresh) = self.run(changed, Touched::of(&names)).map_err(|e| {
            // The warnings of what was read, shown with the errors as a good build shows them.
            let inputs = self.inputs.as_ref();
            let config = inputs.map(|i| &i.config.warnings[..]).unwrap_or_default();
            let loaded = inputs.map(|i| &i.loaded.warnings[..]).unwrap_or_default();
            e.warned(&[config, loaded].concat())
        })?;
        let output = Arc::new(output);
        drop_later(self.last.replace(Arc::clone(&output)));
        let report = RebuildReport {
            changed: names,
            rendered: fresh,
            outputs: output.file_count(),
            millis: started.elapsed().as_millis(),
            full,
        };
        Ok((output, report))
    }

    /// When `config.toml` now differs from the config in use only in `[markdown.highlighting]`
    /// (and no template can read that table), takes the new config and forgets what it
    /// changes: the bodies with code blocks and the linked site. Then only pages with code
    /// (and what shows their bodies) render again. Anything else needs a full rebuild: false.
    fn take_highlighting_change(&mut self) -> bool {
        let Some(inputs) = &mut self.inputs else {
            return false;
        };
        let opts = &self.opts;
        let Ok(mut new) = crate::config::load(&opts.root, opts.base_url.as_deref()) else {
            return false;
        };
        new.config.mode = inputs.config.config.mode;
        let without_highlighting = |config: &crate::config::Config| {
            let mut value = serde_json::to_value(config).ok()?;
            value
                .get_mut("markdown")?
                .as_object_mut()?
                .remove("highlighting");
            Some(value)
        };
        let old = &inputs.config;
        let rest = without_highlighting(&new.config);
        if rest.is_none()
            || rest != without_highlighting(&old.config)
            || new.warnings != old.warnings
        {
            return false;
        }
        if passes_code_to_markdown_filter(inputs) {
            return false;
        }
        inputs.config = new;
        self.forget_highlighted()
    }

    /// Whether `name` (from the site root) is an `extra_grammars` or `extra_themes` file of
    /// the config in use.
    fn is_extra_highlighting_file(&self, name: &str) -> bool {
        let config = self.inputs.as_ref().map(|i| &i.config.config);
        let Some(highlighting) = config.and_then(|c| c.markdown.highlighting.as_ref()) else {
            return false;
        };
        let root = &self.opts.root;
        let files = highlighting.extra_grammars.iter();
        files
            .chain(&highlighting.extra_themes)
            .any(|rel| self.display(&root.join(rel)) == name)
    }

    /// Forgets what highlighting made (the bodies with code blocks and the linked site, which
    /// holds the highlighter), so only pages with code render again; false (a full rebuild)
    /// when a template may pass code through the `markdown` filter.
    fn forget_highlighted(&mut self) -> bool {
        match &self.inputs {
            Some(inputs) if !passes_code_to_markdown_filter(inputs) => {}
            _ => return false,
        }
        self.memory.markdown.forget_code();
        self.memory.linked = None;
        true
    }

    /// Hands over `output`, the last one built, without copying it when nothing else holds it.
    pub fn into_output(self, output: Arc<SiteOutput>) -> SiteOutput {
        let Rebuilder { memory, last, .. } = self;
        drop(last);
        // Freeing tens of thousands of small values takes a while; the caller need not wait.
        drop_later(memory);
        Arc::unwrap_or_clone(output)
    }

    /// `path` relative to the site root with `/` (as given, or through symlinks resolved),
    /// so `config.toml` and `templates/…` are recognised however the watcher spells them.
    pub(super) fn display(&self, path: &Path) -> String {
        let root = std::path::absolute(&self.opts.root).unwrap_or_else(|_| self.opts.root.clone());
        let path_abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let resolved = || {
            let real_root = root.canonicalize().ok()?;
            let real = path
                .canonicalize()
                .ok()
                .or_else(|| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))?;
            real.strip_prefix(real_root).ok().map(Path::to_path_buf)
        };
        let shown = match path_abs.strip_prefix(&root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => resolved().unwrap_or_else(|| path.to_path_buf()),
        };
        shown
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Runs every stage, reusing what is remembered; returns the output and the site paths
    /// rendered afresh.
    fn run(
        &mut self,
        changed: &[PathBuf],
        touched: Touched,
    ) -> Result<(SiteOutput, Vec<String>), BuildError> {
        let mut stages = Vec::new();
        let inputs = read(
            self.inputs.take(),
            &self.opts,
            &self.file_reads,
            changed,
            touched.templates,
            &mut stages,
        )?;
        let inputs = self.inputs.insert(inputs);
        let memory = &mut self.memory;
        let started = Instant::now();
        let (site, planned) = link(memory, inputs, &self.opts, touched)?;
        stages.push(StageReport::since(
            "link",
            started,
            crate::site::summary(&site),
        ));

        let started = Instant::now();
        // Compiled before pages render, so `get_url(cachebust = true)` can hash them.
        let sass = &inputs.loaded.sass;
        let styles = crate::stylesheets(&site, &self.opts.root, sass, &mut memory.sass);
        crate::hand_to_cachebust(inputs.shortcodes.files(), &styles, sass, self.opts.mode);
        let (tera, sources) = (&mut inputs.tera, &inputs.loaded.templates);
        let images = &inputs.images;
        let previous = memory.values.as_deref();
        let shortcodes = &inputs.shortcodes;
        let images_now = Arc::clone(images);
        let renderer = crate::render::prepare(
            &site, tera, sources, shortcodes, previous, images_now, self.reads,
        );
        let (jobs, plan_errors) = planned.unwrap_or_else(|| crate::render::plan(&site));
        let globals = fingerprint::Globals::new(&renderer);
        let prints: Vec<u64> = jobs
            .par_iter()
            .map(|job| fingerprint::of(&renderer, &globals, job))
            .collect();
        let reuse: Vec<Reusable> = jobs
            .iter()
            .zip(&prints)
            .map(|(job, &print)| {
                let kept = memory.outputs.get(&job.path)?;
                (kept.fingerprint == print).then(|| Arc::clone(&kept.rendered))
            })
            .collect();
        let pass = crate::render::in_memory(&renderer, &jobs, &reuse);
        let scan = !images.none_asked();
        let kept = keep(
            &pass.outputs,
            (&jobs, &prints, &reuse),
            &memory.outputs,
            scan,
        );
        let (processed, image_errors) = images.process(&linked_images(&kept));
        let errors = inputs.template_errors.iter().cloned();
        let errors = errors.chain(plan_errors).chain(pass.errors);
        let errors = errors.chain(styles.errors).chain(image_errors).collect();
        let (css, images) = (&styles.files, &processed);
        let mut output = crate::output::assemble(&site, &pass.outputs, css, images, errors)?;
        drop_later(std::mem::replace(&mut memory.outputs, kept));
        memory.values = Some(Arc::clone(&renderer.values));
        drop(renderer);

        let detail = crate::render::summary(output.file_count(), pass.fresh.len(), output.copied);
        stages.push(StageReport::since("render", started, detail));
        output.stages = stages;
        let warnings = inputs.config.warnings.iter().chain(&site.warnings);
        output.warnings = warnings.chain(&styles.warnings).cloned().collect();
        let assets = inputs.loaded.assets.clone();
        memory.linked = Some(Linked { site, assets, jobs });
        Ok((output, [pass.fresh, styles.fresh].concat()))
    }
}

/// What to remember of this pass's outputs: each one's fingerprint, bytes and the processed
/// images it links to (found in its bytes when rendered afresh and `scan`, else as remembered).
fn keep(
    outputs: &[(usize, Arc<Rendered>)],
    (jobs, prints, reuse): (&[Job], &[u64], &[Reusable]),
    before: &HashMap<String, Kept>,
    scan: bool,
) -> HashMap<String, Kept> {
    let kept = outputs.iter().map(|(i, rendered)| {
        let path = &jobs[*i].path;
        let images = match (&reuse[*i], before.get(path)) {
            (Some(_), Some(before)) => before.images.clone(),
            _ if scan => crate::images::referenced(&rendered.bytes),
            _ => Vec::new(),
        };
        let rendered = Arc::clone(rendered);
        let fingerprint = prints[*i];
        (
            path.clone(),
            Kept {
                fingerprint,
                rendered,
                images,
            },
        )
    });
    kept.collect()
}

/// Every processed image some output links to, each once.
fn linked_images(kept: &HashMap<String, Kept>) -> Vec<String> {
    let mut names: Vec<String> = kept
        .values()
        .flat_map(|k| k.images.iter().cloned())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The config, load and template stages: reads what `previous` lacks and re-reads `changed`.
/// A failed load forgets what was read, so the next run reads everything again.
fn read(
    previous: Option<Inputs>,
    opts: &BuildOptions,
    file_reads: &FileReads,
    changed: &[PathBuf],
    templates_changed: bool,
    stages: &mut Vec<StageReport>,
) -> Result<Inputs, BuildError> {
    let started = Instant::now();
    let (config, loaded, templates, images) = match previous {
        Some(Inputs {
            config,
            loaded,
            tera,
            shortcodes,
            template_errors,
            images,
        }) => {
            let kept = (!templates_changed).then_some((tera, shortcodes, template_errors));
            (config, Some(loaded), kept, images)
        }
        None => {
            let mut config = crate::config::load(&opts.root, opts.base_url.as_deref())?;
            config.config.mode = opts.mode;
            let images = Arc::new(Images::new(&opts.root, &config.config.base_url));
            (config, None, None, images)
        }
    };
    stages.push(StageReport::since("config", started, "config.toml".into()));
    let started = Instant::now();
    let theme = config.config.theme.as_deref();
    let loaded = match loaded {
        Some(loaded) => crate::content::reload(loaded, &opts.root, theme, Some(changed))?,
        None => crate::content::load(&opts.root, theme)?,
    };
    let (tera, shortcodes, template_errors) = templates.unwrap_or_else(|| {
        let (tera, errors) = crate::render::templates::compile(&loaded.templates);
        let files = Files {
            root: opts.root.clone(),
            theme: config.config.theme.clone(),
            reads: file_reads.clone(),
            compiled: Default::default(),
        };
        let images = Some(Arc::clone(&images));
        let shortcodes =
            SiteShortcodes::new(&tera, &loaded.templates, &config.config, files, images);
        (tera, shortcodes, errors)
    });
    stages.push(StageReport::since("load", started, loaded.summary()));
    Ok(Inputs {
        config,
        loaded,
        tera,
        shortcodes,
        template_errors,
        images,
    })
}

/// Whether a template may use the `markdown` filter, whose text may hold code blocks. The keys
/// are every word of the templates, so any mention counts.
fn passes_code_to_markdown_filter(inputs: &Inputs) -> bool {
    let texts = crate::render::templates::all_texts(&inputs.loaded.templates);
    match crate::render::template_reads::config_keys(texts) {
        Some(keys) => keys.contains("markdown"),
        None => true,
    }
}

/// Links the loaded files: by patching the last site where only Markdown bodies changed
/// (see [`patch`]), with the last plan, which still holds unless a planner reads bodies
/// (`render::plan_reads_bodies`); else from scratch. Template
/// errors are reported with the link stage's own.
fn link(
    memory: &mut Memory,
    inputs: &Inputs,
    opts: &BuildOptions,
    touched: Touched,
) -> Result<(Site, Option<Planned>), BuildError> {
    let with_templates = |mut diagnostics: Vec<Diagnostic>| {
        diagnostics.extend(inputs.template_errors.iter().cloned());
        BuildError::from(diagnostics)
    };
    let loaded = &inputs.loaded;
    // A colocated file read by the link stage (artwork, audio) may have changed: link again.
    let last = memory.linked.take().filter(|_| !touched.content_files);
    if let Some(Linked { site, assets, jobs }) = last
        && let Some(patched) = patch::patch(
            site,
            &assets,
            loaded,
            &mut memory.markdown,
            &*inputs.shortcodes,
        )
    {
        let site = patched.map_err(with_templates)?;
        let planned = (!crate::render::plan_reads_bodies(&site)).then(|| (jobs, Vec::new()));
        return Ok((site, planned));
    }
    let bodies = Bodies::Cached(&mut memory.markdown);
    let config = inputs.config.config.clone();
    let site = crate::site::link(
        config,
        loaded.clone(),
        opts.drafts,
        &opts.root,
        bodies,
        &*inputs.shortcodes,
    );
    Ok((site.map_err(with_templates)?, None))
}
