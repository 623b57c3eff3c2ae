//! Stage 4: render every output of the linked site (pages, listings, taxonomies, feeds,
//! sitemap…) in parallel with Tera: [`plan`] lists the outputs, [`stream`] or [`in_memory`]
//! renders them.

mod alternates;
pub mod files;
mod filters;
pub(crate) mod functions;
pub mod image_functions;
pub mod kinds;
pub mod markdown_filter;
mod renderer;
pub mod sass;
pub mod shortcodes;
pub mod template_error;
pub mod template_reads;
pub mod templates;
pub mod values;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Tera;

use crate::content::TemplateSource;
use crate::error::Diagnostic;
use crate::images::Images;
use crate::site::Site;
use values::Values;

pub use kinds::{plan, plan_reads_bodies};
use renderer::Failure;
pub use renderer::{
    Counted, Job, MadeFrom, Output, Plan, Produced, Rendered, Renderer, WritesItself, hash_of,
    write_output,
};

/// Where a streamed render puts each output as soon as it is rendered.
pub trait Sink: Sync {
    /// Stores `bytes` at the output-relative path `rel`.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Stores at `rel` what `write` writes, as it writes it (by default gathered first).
    fn put_with(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(rel, &bytes)
    }
}

/// What a render pass produced: each rendered job's index with its output, the site paths
/// rendered afresh (in job order) and every failure.
pub struct Pass<T> {
    pub outputs: Vec<(usize, T)>,
    pub fresh: Vec<String>,
    pub errors: Vec<Diagnostic>,
}

/// Renders `jobs` in parallel into `sink`, keeping no bytes: for a build that runs once, so
/// the site's HTML is never all in memory.
pub fn stream(renderer: &Renderer<'_>, jobs: &[Job], sink: &dyn Sink) -> Pass<Produced> {
    run(jobs, |_, job| Ok((renderer.render_into(job, sink)?, true)))
}

/// Renders `jobs` in parallel into memory; job `i` is not rendered but kept as `reuse[i]`
/// where that holds its bytes from last time, still right.
pub fn in_memory(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    reuse: &[Option<Arc<Rendered>>],
) -> Pass<Arc<Rendered>> {
    run(jobs, |i, job| match &reuse[i] {
        Some(kept) => Ok((Arc::clone(kept), false)),
        None => {
            let (file, bytes) = renderer.render(job)?;
            let bytes = bytes.into();
            Ok((Arc::new(Rendered { file, bytes }), true))
        }
    })
}

/// Runs `render` (which says whether it rendered afresh) on every job in parallel, and
/// gathers the results; a missing template is one error, not one per output that needs it.
fn run<T: Send>(
    jobs: &[Job],
    render: impl Fn(usize, &Job) -> Result<(T, bool), Failure> + Sync,
) -> Pass<T> {
    let results: Vec<_> = jobs
        .par_iter()
        .enumerate()
        .map(|(i, job)| render(i, job))
        .collect();
    let mut pass = Pass {
        outputs: Vec::with_capacity(results.len()),
        fresh: Vec::new(),
        errors: Vec::new(),
    };
    let mut missing: BTreeMap<String, (String, String, String, usize)> = BTreeMap::new();
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok((output, fresh)) => {
                if fresh {
                    pass.fresh.push(jobs[i].path.clone());
                }
                pass.outputs.push((i, output));
            }
            Err(Failure::Other(e)) => pass.errors.push(e),
            Err(Failure::Broken) => {}
            Err(Failure::Missing {
                template,
                why,
                origin,
                path,
            }) => {
                missing.entry(template).or_insert((why, origin, path, 0)).3 += 1;
            }
        }
    }
    for (template, (why, origin, path, count)) in missing {
        let others = if count > 1 {
            format!(" and {} other outputs", count - 1)
        } else {
            String::new()
        };
        pass.errors.push(Diagnostic::new(format!(
            "template `{template}` not found, needed to render {origin} (URL {path}){others}: {why}; create templates/{template}"
        )));
    }
    pass
}

/// How far contexts are cut down to what templates read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// To what the template analysis found they read.
    Analysed,
    /// Not at all: tests prove the cut changes no byte.
    #[cfg(test)]
    Everything,
}

/// The renderer of `site`: its template values (reusing `previous` values where nothing
/// changed), what each template reads, and Zola's template functions registered on `tera`
/// (the `markdown` filter rendering calls of `shortcodes`, the image functions answered by
/// `images`).
pub fn prepare<'a>(
    site: &'a Site,
    tera: &'a mut Tera,
    sources: &'a [TemplateSource],
    shortcodes: &Arc<shortcodes::SiteShortcodes>,
    previous: Option<&Values>,
    images: Arc<Images>,
    reads: Reads,
) -> Renderer<'a> {
    let values = Arc::new(Values::new(site, previous));
    let filter = markdown_filter::MarkdownFilter {
        shortcodes: Arc::downgrade(shortcodes),
        values: Some(Arc::clone(&values)),
        config: serde_json::to_value(&site.config).unwrap_or_default(),
        options: crate::markdown::Options::new(
            &site.config.markdown,
            &site.config.default_language,
            None,
        ),
        highlighter: site.highlighter.clone(),
    };
    tera.register_filter("markdown", filter);
    filters::register(tera, &site.config.default_language);
    files::register(tera, shortcodes.files());
    let texts = templates::all_texts(sources);
    #[cfg_attr(not(test), allow(unused_mut))]
    let mut uses = template_reads::analyse(texts.iter().copied());
    #[cfg_attr(not(test), allow(unused_mut))]
    let mut config_keys = template_reads::config_keys(texts);
    match reads {
        Reads::Analysed => {}
        #[cfg(test)]
        Reads::Everything => {
            config_keys = None;
            uses.values_mut().for_each(|u| {
                u.detail = values::Detail::Full;
                u.own = values::Detail::Full;
            });
        }
    }
    let function_detail = template_reads::function_detail(&uses);
    let files = Arc::clone(shortcodes.files());
    functions::register_functions(tera, Arc::clone(&values), function_detail, files);
    functions::register_trans(tera, &site.config);
    image_functions::register(tera, images, None);
    Renderer::new(site, tera, values, sources, uses, config_keys)
}

/// `render`'s one line in the build report.
pub fn summary(files: usize, rendered: usize, copied: usize) -> String {
    format!("{files} files ({rendered} rendered, {copied} copied)")
}
