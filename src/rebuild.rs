//! The build pipeline with memory: the first run builds everything, later runs redo only what
//! the changed files can affect, and always produce what a full build would.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tera::Tera;

use crate::config::LoadedConfig;
use crate::error::{BuildError, Diagnostic};
use crate::load::Loaded;
use crate::markdown_cache::MarkdownCache;
use crate::render::{Cached, Counted, Renderer};
use crate::values::Values;
use crate::write::Staging;
use crate::{BuildOptions, OutputFile, SiteOutput, StageReport};

/// Rebuilds a site again and again, remembering what each output was made from.
pub struct Rebuilder {
    opts: BuildOptions,
    memory: Memory,
    last: Option<Arc<SiteOutput>>,
    /// Where a one-off build writes each output as it renders it (see [`crate::build`]).
    staging: Option<Arc<Staging>>,
    /// Tests turn the page and config projections off to prove they change no byte.
    #[cfg(test)]
    full_values: bool,
}

/// What the previous run left that the next one may reuse. Every part is either exact for the
/// files on disk as last seen, or absent (then rebuilt from scratch).
#[derive(Default)]
struct Memory {
    config: Option<LoadedConfig>,
    loaded: Option<Loaded>,
    templates: Option<(Tera, Vec<Diagnostic>)>,
    markdown: MarkdownCache,
    values: Option<Arc<Values>>,
    outputs: HashMap<String, Cached>,
    linked: Option<Linked>,
}

/// The last linked site, the colocated files it was linked with (for `site::patch`) and its
/// outputs to render, which a patched site keeps (same pages, same places).
struct Linked {
    site: crate::site::Site,
    assets: Vec<crate::load::PlainFile>,
    jobs: Vec<crate::render::Job>,
}

/// What one rebuild did, for the one line `kiln serve` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// The changed paths, relative to the site root where possible.
    pub changed: Vec<String>,
    /// Outputs rendered afresh (their site paths), and all outputs.
    pub rendered: Vec<String>,
    pub outputs: usize,
    pub millis: u128,
    /// True when everything was read and rendered again (first run, config change).
    pub full: bool,
}

impl fmt::Display for RebuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.changed.as_slice() {
            [] => "full build".to_string(),
            [one] => format!("{one} changed"),
            [first, rest @ ..] => format!("{first} and {} more changed", rest.len()),
        };
        let scope = if self.full { ", everything" } else { "" };
        let count = self.rendered.len();
        write!(
            f,
            "{what}{scope}: re-rendered {count} of {} outputs in {} ms",
            self.outputs, self.millis
        )?;
        // Name a few, so an author sees which pages an edit touched.
        if !self.full && count > 0 {
            let shown: Vec<&str> = self.rendered.iter().take(4).map(String::as_str).collect();
            let more = if count > shown.len() {
                format!(" and {} more", count - shown.len())
            } else {
                String::new()
            };
            write!(f, " ({}{more})", shown.join(", "))?;
        }
        Ok(())
    }
}

impl Rebuilder {
    pub fn new(opts: BuildOptions) -> Rebuilder {
        Rebuilder {
            opts,
            memory: Memory::default(),
            last: None,
            staging: None,
            #[cfg(test)]
            full_values: false,
        }
    }

    /// A rebuilder whose outputs go straight into `staging` instead of memory: for one build,
    /// since it keeps nothing to reuse.
    pub(crate) fn writing_to(opts: BuildOptions, staging: Arc<Staging>) -> Rebuilder {
        Rebuilder {
            staging: Some(staging),
            ..Rebuilder::new(opts)
        }
    }

    /// First call builds everything; later calls redo only what the changed paths can affect.
    /// The result equals what a full `render_site` would produce.
    pub fn rebuild(
        &mut self,
        changed: &[PathBuf],
    ) -> Result<(Arc<SiteOutput>, RebuildReport), BuildError> {
        let started = Instant::now();
        if self.staging.is_some() && (self.last.is_some() || self.memory.loaded.is_some()) {
            // Its first run gave its sources away (see `link_input`).
            return Err(errors(vec![Diagnostic::new(
                "a build that writes as it renders runs once",
            )]));
        }
        let names: Vec<String> = changed.iter().map(|p| self.display(p)).collect();
        if let (Some(last), true) = (&self.last, changed.is_empty()) {
            let report = RebuildReport {
                changed: names,
                rendered: Vec::new(),
                outputs: last.files.len(),
                millis: 0,
                full: false,
            };
            return Ok((Arc::clone(last), report));
        }
        let full = self.last.is_none() || names.iter().any(|n| n == "config.toml");
        if full {
            self.memory = Memory::default();
        }
        if names
            .iter()
            .any(|n| n.starts_with("templates/") || n == "templates")
        {
            self.memory.templates = None;
        }
        let (output, fresh) = self.run(if full { None } else { Some(changed) })?;
        let output = Arc::new(output);
        drop_later(self.last.replace(Arc::clone(&output)));
        let report = RebuildReport {
            changed: names,
            rendered: fresh,
            outputs: output.files.len() + output.written,
            millis: started.elapsed().as_millis(),
            full,
        };
        Ok((output, report))
    }

    /// Hands over the last output without copying it when nothing else holds it.
    pub fn into_output(self) -> Option<SiteOutput> {
        let Rebuilder { memory, last, .. } = self;
        // Freeing tens of thousands of small values takes a while; the caller need not wait.
        drop_later(memory);
        last.map(|last| Arc::try_unwrap(last).unwrap_or_else(|shared| (*shared).clone()))
    }

    /// `path` relative to the site root with `/` (as given, or through symlinks resolved),
    /// so `config.toml` and `templates/…` are recognised however the watcher spells them.
    fn display(&self, path: &Path) -> String {
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

    /// Runs every stage, reusing what `memory` holds; `changed: None` reads everything.
    fn run(
        &mut self,
        changed: Option<&[PathBuf]>,
    ) -> Result<(SiteOutput, Vec<String>), BuildError> {
        let mut stages = Vec::new();
        read_inputs(&mut self.memory, &self.opts, changed, &mut stages)?;
        let one_off = self.staging.is_some();
        let memory = &mut self.memory;
        let started = Instant::now();
        let (linked, planned) = link_site(memory, self.opts.drafts, one_off);
        let (Some(config), Some(loaded), Some((tera, template_errors))) = (
            memory.config.as_ref(),
            memory.loaded.as_ref(),
            memory.templates.as_mut(),
        ) else {
            return Err(errors(Vec::new()));
        };

        let linked = link_stage(linked, template_errors, started);
        let (site, shows) = linked.map(|(site, shows, report)| {
            stages.push(report);
            (site, shows)
        })?;

        let started = Instant::now();
        let values = Arc::new(Values::new(&site, memory.values.as_deref()));
        let texts = crate::templates::all_texts(&loaded.templates);
        #[allow(unused_mut)]
        let mut uses = crate::template_use::analyse(texts.iter().copied());
        #[allow(unused_mut)]
        let mut config_keys = crate::template_use::config_keys(texts);
        #[cfg(test)]
        if self.full_values {
            config_keys = None;
            uses.values_mut().for_each(|u| {
                u.detail = crate::values::Detail::Full;
                u.own = crate::values::Detail::Full;
            });
        }
        crate::templates::register_functions(
            tera,
            Arc::clone(&values),
            crate::template_use::function_detail(&uses),
        );
        let renderer = Renderer::new(
            &site,
            tera,
            Arc::clone(&values),
            &shows,
            &loaded.templates,
            uses,
            config_keys,
        );
        let (jobs, plan_errors) = match planned {
            Some(jobs) => (jobs, Vec::new()),
            None => crate::render::plan(&site, &shows),
        };
        let staging = self.staging.as_deref();
        let rendered = renderer.render_all(&jobs, &memory.outputs, staging);
        let diagnostics = template_errors
            .iter()
            .cloned()
            .chain(plan_errors)
            .chain(rendered.errors)
            .collect();
        let outputs = rendered.outputs.iter().map(|(_, c)| &*c.rendered);
        let mut output = crate::assemble(&site, outputs, diagnostics, staging.is_some())?;
        if staging.is_none() {
            drop_later(std::mem::replace(
                &mut memory.outputs,
                rendered.outputs.into_iter().collect(),
            ));
        }
        memory.values = Some(values);
        let fresh = rendered.fresh;
        let detail = format!(
            "{} files ({} rendered, {} copied)",
            output.files.len() + output.written,
            fresh.len(),
            output.copied
        );
        stages.push(stage("render", started, detail));
        output.stages = stages;
        output.warnings = config
            .warnings
            .iter()
            .chain(&site.warnings)
            .cloned()
            .collect();
        if one_off {
            drop_later(site);
        } else {
            memory.linked = Some(Linked {
                site,
                assets: loaded.assets.clone(),
                jobs,
            });
        }
        Ok((output, fresh))
    }
}

/// What the link stage takes of `loaded`: a copy (cheap: the files are shared), or for a
/// one-off build the pages and sections themselves, so their bodies can be let go once
/// rendered (see [`crate::site::link`]).
fn link_input(loaded: &mut Loaded, one_off: bool) -> Loaded {
    if !one_off {
        return loaded.clone();
    }
    Loaded {
        pages: std::mem::take(&mut loaded.pages),
        sections: std::mem::take(&mut loaded.sections),
        assets: loaded.assets.clone(),
        static_files: loaded.static_files.clone(),
        templates: Vec::new(),
        warnings: loaded.warnings.clone(),
    }
}

/// Links the loaded files: by patching the last site where only Markdown bodies changed
/// (see [`crate::site::patch`]), with the last plan, which still holds; else from scratch.
fn link_site(
    memory: &mut Memory,
    drafts: bool,
    one_off: bool,
) -> (
    Result<crate::site::Site, Vec<Diagnostic>>,
    Option<Vec<crate::render::Job>>,
) {
    let (Some(config), Some(loaded)) = (memory.config.as_ref(), memory.loaded.as_mut()) else {
        return (Err(Vec::new()), None);
    };
    if let Some(Linked { site, assets, jobs }) = memory.linked.take()
        && let Some(patched) = crate::site::patch(site, &assets, loaded, &mut memory.markdown)
    {
        return (patched, Some(jobs));
    }
    let input = link_input(loaded, one_off);
    let cache = (!one_off).then_some(&mut memory.markdown);
    let linked = crate::site::link(config.config.clone(), input, drafts, cache);
    (linked, None)
}

/// The link stage's result with the shows found in it; template errors are reported with its
/// own.
fn link_stage(
    linked: Result<crate::site::Site, Vec<Diagnostic>>,
    template_errors: &[Diagnostic],
    started: Instant,
) -> Result<(crate::site::Site, Vec<crate::podcast::Show>, StageReport), BuildError> {
    let with_templates = |mut diagnostics: Vec<Diagnostic>| {
        diagnostics.extend(template_errors.iter().cloned());
        BuildError { diagnostics }
    };
    let site = linked.map_err(with_templates)?;
    let shows = crate::podcast::shows(&site).map_err(with_templates)?;
    let detail = format!(
        "{} pages, {} sections, {} taxonomies, {} shows",
        site.pages.len(),
        site.sections.len(),
        site.taxonomies.len(),
        shows.len()
    );
    Ok((site, shows, stage("link", started, detail)))
}

/// The config, load and template stages: fills what `memory` lacks and re-reads `changed`.
fn read_inputs(
    memory: &mut Memory,
    opts: &BuildOptions,
    changed: Option<&[PathBuf]>,
    stages: &mut Vec<StageReport>,
) -> Result<(), BuildError> {
    let started = Instant::now();
    if memory.config.is_none() {
        memory.config =
            Some(crate::config::load(&opts.root, opts.base_url.as_deref()).map_err(errors)?);
    }
    stages.push(stage("config", started, "config.toml".into()));

    let started = Instant::now();
    // A failed load forgets the file lists, so the next run reads everything again.
    let loaded = match memory.loaded.take() {
        Some(previous) => crate::load::reload(previous, &opts.root, changed),
        None => crate::load::load(&opts.root),
    }
    .map_err(errors)?;
    let loaded = memory.loaded.insert(loaded);
    memory
        .templates
        .get_or_insert_with(|| crate::templates::compile(&loaded.templates));
    stages.push(stage(
        "load",
        started,
        format!(
            "{} pages, {} sections, {} templates, {} static files",
            loaded.pages.len(),
            loaded.sections.len(),
            loaded.templates.len(),
            loaded.static_files.len()
        ),
    ));
    Ok(())
}

/// Frees `value` on another thread: a previous site is tens of thousands of small buffers,
/// and the author waiting for the page to reload need not wait for that.
fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

fn errors(diagnostics: Vec<Diagnostic>) -> BuildError {
    BuildError { diagnostics }
}

pub(crate) fn stage(name: &'static str, started: Instant, detail: String) -> StageReport {
    StageReport {
        name,
        detail,
        millis: started.elapsed().as_millis(),
    }
}

/// Whether an output counts as a page, feed or sitemap in the summary.
pub(crate) fn count(output: &mut SiteOutput, counted: Counted) {
    match counted {
        Counted::Page => output.pages += 1,
        Counted::Feed => output.feeds += 1,
        Counted::Sitemap => output.sitemaps += 1,
        Counted::Other => {}
    }
}

impl From<&crate::render::Rendered> for OutputFile {
    fn from(rendered: &crate::render::Rendered) -> Self {
        OutputFile::Generated(Arc::clone(&rendered.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small Zola-style site with listings, tags, pagination, `@/` links and `get_section`.
    struct Site {
        dir: tempfile::TempDir,
    }

    impl Site {
        fn new() -> Site {
            let site = Site {
                dir: tempfile::tempdir().unwrap(),
            };
            site.write("config.toml", "base_url = \"https://x.org\"\ntitle = \"T\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n");
            site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHi.\n");
            site.write(
                "content/blog/_index.md",
                "+++\ntitle = \"Blog\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n",
            );
            for (n, date) in [(1, "2024-01-01"), (2, "2024-02-01"), (3, "2024-03-01")] {
                site.write(&format!("content/blog/p{n}.md"), &format!(
                    "+++\ntitle = \"Post {n}\"\ndate = {date}\n[taxonomies]\ntags = [\"t{n}\", \"all\"]\n+++\n# Head\nBody {n}, see [one](@/blog/p1.md#head).\n"
                ));
            }
            site.write(
                "templates/base.html",
                "<title>{{ config.title }}</title>{% block c %}{% endblock %}",
            );
            site.write("templates/index.html", "{% extends \"base.html\" %}{% block c %}{% set b = get_section(path=\"blog/_index.md\") %}{% for p in b.pages %}{{ p.title }}{% endfor %}{% endblock %}");
            site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}{% endblock %}");
            site.write("templates/page.html", "{% extends \"base.html\" %}{% block c %}{{ page.content | safe }}{% if page.lower %}{{ page.lower.title }}{% endif %}{% if page.higher %}{{ page.higher.title }}{% endif %}{% endblock %}");
            site.write(
                "templates/tags/list.html",
                "{% for t in terms %}{{ t.name }}{{ t.page_count }}{% endfor %}",
            );
            site.write(
                "templates/tags/single.html",
                "{% for p in term.pages %}{{ p.title }}{% endfor %}",
            );
            site.write("static/style.css", "a{}");
            site
        }

        fn write(&self, rel: &str, text: &str) {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        fn opts(&self) -> BuildOptions {
            BuildOptions {
                root: self.dir.path().to_path_buf(),
                base_url: None,
                drafts: false,
            }
        }
    }

    /// Rebuilds after `changed` and checks the result is byte for byte a full build's.
    fn rebuild_matches_full(
        rebuilder: &mut Rebuilder,
        site: &Site,
        changed: &[&str],
    ) -> RebuildReport {
        let paths: Vec<PathBuf> = changed.iter().map(|c| site.path(c)).collect();
        let (incremental, report) = rebuilder.rebuild(&paths).unwrap();
        let full = crate::render_site(&site.opts()).unwrap();
        assert_eq!(
            incremental.files.keys().collect::<Vec<_>>(),
            full.files.keys().collect::<Vec<_>>()
        );
        for (path, file) in &full.files {
            assert_eq!(
                &incremental.files[path], file,
                "{path} differs from a full build after {changed:?}"
            );
        }
        assert_eq!(
            (incremental.pages, incremental.feeds),
            (full.pages, full.feeds)
        );
        report
    }

    #[test]
    fn edits_rebuild_only_what_they_touch_and_equal_a_full_build() {
        let site = Site::new();
        let mut rebuilder = Rebuilder::new(site.opts());
        let (_, first) = rebuilder.rebuild(&[]).unwrap();
        assert!(
            first.full && first.rendered.len() == first.outputs - 1,
            "{first}"
        );

        site.write("content/blog/p2.md", "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"t2\", \"all\"]\n+++\nNew body.\n");
        let body = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        // Only the page and the feed (which shows bodies): the neighbours, listings and terms
        // show titles, which did not change.
        assert!(
            !body.full && body.rendered == ["/blog/p2/", "/atom.xml"],
            "a body edit re-rendered too much: {body}"
        );

        site.write("content/blog/p1.md", "+++\ntitle = \"Post 1 renamed\"\ndate = 2024-04-01\n[taxonomies]\ntags = [\"t9\"]\n+++\n# Head\nMoved.\n");
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

        site.write("content/blog/p4.md", "+++\ntitle = \"Post 4\"\ndate = 2024-05-01\n[taxonomies]\ntags = [\"all\"]\n+++\nNew.\n");
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p4.md"]);

        // Moving a link target re-renders the pages linking to it (their @/ links change).
        site.write("content/blog/p1.md", "+++\ntitle = \"Post 1 renamed\"\nslug = \"first\"\ndate = 2024-04-01\n+++\n# Head\nMoved.\n");
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

        std::fs::remove_file(site.path("content/blog/p3.md")).unwrap();
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p3.md"]);

        site.write(
            "templates/base.html",
            "<title>{{ config.title }}!</title>{% block c %}{% endblock %}",
        );
        let template = rebuild_matches_full(&mut rebuilder, &site, &["templates/base.html"]);
        assert!(
            template.rendered.len() >= 6,
            "every page extends base.html: {template}"
        );

        // Listings that show word counts must follow a body edit that changes them.
        site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}{{ p.title }} {{ p.word_count }}{% endfor %}{% endblock %}");
        rebuild_matches_full(&mut rebuilder, &site, &["templates/section.html"]);
        site.write("content/blog/p4.md", "+++\ntitle = \"Post 4\"\ndate = 2024-05-01\n[taxonomies]\ntags = [\"all\"]\n+++\nNew and longer now.\n");
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p4.md"]);

        site.write("static/new.js", "x");
        rebuild_matches_full(&mut rebuilder, &site, &["static/new.js"]);

        site.write("config.toml", "base_url = \"https://y.org\"\ntitle = \"U\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n");
        let config = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
        assert!(config.full, "{config}");
    }

    /// Rebuilds after a change to `rel` that must fail, and returns the error's text.
    fn rebuild_fails(rebuilder: &mut Rebuilder, site: &Site, rel: &str) -> String {
        rebuilder
            .rebuild(&[site.path(rel)])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_broken_file_fails_the_rebuild_and_fixing_it_recovers() {
        let site = Site::new();
        let mut rebuilder = Rebuilder::new(site.opts());
        rebuilder.rebuild(&[]).unwrap();
        site.write("content/blog/p2.md", "+++\ntitle = = \n+++\n");
        let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p2.md");
        assert!(error.contains("p2.md:2"), "{error}");
        site.write(
            "content/blog/p2.md",
            "+++\ntitle = \"Fixed\"\ndate = 2024-02-01\n+++\nOk.\n",
        );
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    }

    #[test]
    fn body_edits_patch_the_last_site_and_report_what_a_full_build_would() {
        let site = Site::new();
        let mut rebuilder = Rebuilder::new(site.opts());
        rebuilder.rebuild(&[]).unwrap();
        let p1 = std::fs::read_to_string(site.path("content/blog/p1.md")).unwrap();
        let full_error = |site: &Site| crate::render_site(&site.opts()).unwrap_err().to_string();

        // Same front matter, so only p1's Markdown is rendered again; but every post links to
        // p1#head, and that heading is gone now: the same errors as a full build.
        site.write("content/blog/p1.md", &p1.replace("# Head", "# Other"));
        let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
        assert_eq!(error, full_error(&site));
        assert!(error.contains("no heading with id `head`"), "{error}");

        site.write("content/blog/p1.md", &p1);
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

        // p1 itself fails now: as in a full build, its headings are gone for the anchors too.
        site.write("content/blog/p1.md", &format!("{p1}\n[x](@/nope.md)\n"));
        let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
        assert_eq!(error, full_error(&site));
        assert!(error.contains("p2.md"), "{error}");
        site.write("content/blog/p1.md", &p1);
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

        // A failed load forgets what was read; the same text read again renders nothing new.
        site.write("content/blog/p1.md", "+++\ntitle = = \n+++\n");
        rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
        site.write("content/blog/p1.md", &p1);
        let same = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);
        assert!(same.rendered.is_empty(), "{same}");

        // A new broken link in a body is reported at its line, then fixed.
        let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
        site.write(
            "content/blog/p2.md",
            &p2.replace("Body 2", "See [x](@/nope.md). Body 2"),
        );
        let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p2.md");
        assert_eq!(error, full_error(&site));
        site.write("content/blog/p2.md", &p2.replace("Body 2", "Fixed. Body 2"));
        let fixed = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        assert!(!fixed.full, "{fixed}");

        // A body edit together with a new colocated file is no patch, and still right.
        let p3 = std::fs::read_to_string(site.path("content/blog/p3.md")).unwrap();
        site.write("content/blog/p3.md", &p3.replace("Body 3", "Body 3, again"));
        site.write("content/blog/notes.txt", "loose");
        rebuild_matches_full(
            &mut rebuilder,
            &site,
            &["content/blog/p3.md", "content/blog/notes.txt"],
        );
    }

    #[test]
    fn pages_whose_links_broke_render_again_when_the_target_returns() {
        let site = Site::new();
        let mut rebuilder = Rebuilder::new(site.opts());
        rebuilder.rebuild(&[]).unwrap();
        // Every post links to p1#head, so while p1 is gone their Markdown cannot render.
        let p1 = std::fs::read_to_string(site.path("content/blog/p1.md")).unwrap();
        std::fs::remove_file(site.path("content/blog/p1.md")).unwrap();
        let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
        assert!(error.contains("p2.md"), "{error}");
        site.write("content/blog/p1.md", &p1);
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);
    }

    #[test]
    fn listings_render_the_same_bytes_with_light_or_full_page_values() {
        let site = Site::new();
        let light = crate::render_site(&site.opts()).unwrap();
        // The same template, plus a never-taken branch that reads listed bodies: full values.
        site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% if false %}{{ p.content }}{% endif %}{% endfor %}{% endblock %}");
        let full = crate::render_site(&site.opts()).unwrap();
        for path in ["blog/index.html", "blog/page/2/index.html"] {
            assert_eq!(light.files[path], full.files[path], "{path}");
        }
    }

    #[test]
    fn the_example_site_renders_the_same_bytes_with_projected_or_full_values() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let opts = BuildOptions {
            root,
            base_url: None,
            drafts: false,
        };
        let projected = crate::render_site(&opts).unwrap();
        let mut full = Rebuilder::new(opts);
        full.full_values = true;
        let (full, _) = full.rebuild(&[]).unwrap();
        assert_eq!(projected.files.len(), full.files.len());
        for (path, file) in &full.files {
            assert_eq!(&projected.files[path], file, "{path}");
        }
    }

    #[test]
    fn page_values_have_exactly_the_keys_listings_know() {
        let site = Site::new();
        let loaded = crate::load::load(site.dir.path()).unwrap();
        let config = crate::config::load(site.dir.path(), None).unwrap().config;
        let linked =
            crate::site::link(config, loaded, false, Some(&mut MarkdownCache::default())).unwrap();
        let values = Values::new(&linked, None);
        let page = values.page(0);
        let mut keys: Vec<&str> = page
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut known = crate::values::PAGE_KEYS.to_vec();
        keys.sort();
        known.sort();
        assert_eq!(keys, known);
    }

    #[cfg(unix)]
    #[test]
    fn changed_paths_are_named_from_the_root_whatever_their_spelling() {
        let site = Site::new();
        let links = tempfile::tempdir().unwrap();
        let alias = links.path().join("site");
        std::os::unix::fs::symlink(site.dir.path(), &alias).unwrap();
        let rebuilder = Rebuilder::new(BuildOptions {
            root: alias.clone(),
            ..site.opts()
        });
        // The watcher may report the real path while the root was given through a symlink.
        assert_eq!(rebuilder.display(&site.path("config.toml")), "config.toml");
        assert_eq!(
            rebuilder.display(&alias.join("templates/base.html")),
            "templates/base.html"
        );
    }

    #[test]
    fn the_report_says_what_changed_and_how_much_was_rendered() {
        let rendered = ["/a/", "/", "/atom.xml", "/tags/x/", "/sitemap.xml"]
            .map(String::from)
            .to_vec();
        let report = RebuildReport {
            changed: vec!["content/a.md".into()],
            rendered,
            outputs: 40,
            millis: 7,
            full: false,
        };
        assert_eq!(
            report.to_string(),
            "content/a.md changed: re-rendered 5 of 40 outputs in 7 ms (/a/, /, /atom.xml, /tags/x/ and 1 more)"
        );
    }

    #[test]
    fn a_streamed_build_writes_exactly_the_bytes_of_the_in_memory_render() {
        let site = Site::new();
        let in_memory = crate::render_site(&site.opts()).unwrap();
        let out = site.path("out");
        let streamed = crate::build(&site.opts(), &out).unwrap();
        assert_eq!(
            (streamed.pages, streamed.feeds, streamed.copied),
            (in_memory.pages, in_memory.feeds, in_memory.copied)
        );
        let mut written = Vec::new();
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&out).unwrap();
                written.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        written.sort();
        let held: Vec<&String> = in_memory.files.keys().collect();
        assert_eq!(written.iter().collect::<Vec<_>>(), held);
        for (rel, file) in &in_memory.files {
            let expected = match file {
                OutputFile::Generated(bytes) => bytes.to_vec(),
                OutputFile::Copied(source) => std::fs::read(source).unwrap(),
            };
            assert_eq!(std::fs::read(out.join(rel)).unwrap(), expected, "{rel}");
        }
    }
}
