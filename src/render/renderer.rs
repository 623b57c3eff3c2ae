//! One output rendered: the [`Output`] trait every output kind implements, and the
//! [`Renderer`] that holds what every render reads (site, templates, values).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use tera::{Context, Tera};

use crate::content::TemplateSource;
use crate::error::Diagnostic;
use crate::render::Sink;
use crate::render::template_reads::{TemplateUse, function_detail};
use crate::render::values::{Detail, Values};
use crate::site::Site;
use crate::url_path::output_file;

/// One kind of output (a page, a listing, a feed…): the template that renders it, the
/// variables it gets and what its bytes are made from. A new kind is one implementation
/// plus one planner in `plan.rs`'s table.
pub trait Output: Debug + Send + Sync {
    /// The template it renders with (borrowed where a name is at hand: this is asked for
    /// every output on every rebuild).
    fn template<'r>(&'r self, renderer: &'r Renderer<'_>) -> Cow<'r, str>;
    /// The variables particular to it at site path `path`, rendered with `template`.
    fn context(&self, renderer: &Renderer<'_>, template: &str, path: &str) -> Map<String, Value>;
    /// What it is, for messages (`content/a.md`, `the site feed`).
    fn origin(&self, renderer: &Renderer<'_>) -> String;
    /// What it counts as in the build summary.
    fn counts_as(&self) -> Counted;
    /// Why it looked for `template`, for the error when that template does not exist.
    fn why(&self, _renderer: &Renderer<'_>, _template: &str) -> String {
        "Kiln renders this file on every site".to_string()
    }
    /// The language it is in: templates get it as `lang` and `config` as that language's.
    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.config.default_language
    }
    /// What its bytes depend on besides its template and path.
    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r>;
    /// A kind that writes its bytes itself rather than with a template (a search index);
    /// such a kind's `template` is only a name for what makes it, for fingerprints.
    fn writes_itself(&self) -> Option<&dyn WritesItself> {
        None
    }
    /// Where a redirect page sends the browser (for `_redirects`); `None` for anything else.
    fn redirects_to(&self) -> Option<&str> {
        None
    }
}

/// An output kind that makes its bytes without a template, into any writer: a build streams
/// them into the file (a search index can be hundreds of megabytes), `serve` into memory.
pub trait WritesItself {
    /// Writes the whole output into `out`.
    fn write(&self, renderer: &Renderer<'_>, out: &mut dyn Write) -> Result<(), Diagnostic>;
}

/// `bytes` into `out` for a kind that writes itself; a failure names what was written.
pub fn write_output(out: &mut dyn Write, bytes: &[u8], origin: &str) -> Result<(), Diagnostic> {
    out.write_all(bytes)
        .map_err(|e| Diagnostic::new(format!("writing {origin}: {e}")))
}

/// What an output's bytes are made from, besides its template and path: rebuilds reuse the
/// output while all of this stays the same (see `incremental::fingerprint`).
pub struct MadeFrom<'a> {
    /// A number standing for its own data.
    pub own: u64,
    /// The pages it lists, shown as far as its template shows listed pages.
    pub listed: Cow<'a, [usize]>,
    /// Neighbouring pages, shown like listed pages even by a template that lists none.
    pub neighbours: [Option<usize>; 2],
}

impl MadeFrom<'_> {
    /// Made from `own` data alone.
    pub fn own(own: impl Hash) -> MadeFrom<'static> {
        MadeFrom {
            own: hash_of(own),
            listed: Cow::Borrowed(&[]),
            neighbours: [None, None],
        }
    }

    /// Made from `own` data and the `listed` pages.
    pub fn listing<'l>(own: impl Hash, listed: impl Into<Cow<'l, [usize]>>) -> MadeFrom<'l> {
        MadeFrom {
            own: hash_of(own),
            listed: listed.into(),
            neighbours: [None, None],
        }
    }
}

/// One number for `value`.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// One output to produce: where it goes and what makes it.
#[derive(Debug)]
pub struct Job {
    /// Site path, e.g. `/shows/foo/` or `/atom.xml`.
    pub path: String,
    pub output: Box<dyn Output>,
}

/// The outputs planned so far, and the problems found planning them.
pub struct Plan<'a> {
    pub site: &'a Site,
    pub jobs: Vec<Job>,
    pub errors: Vec<Diagnostic>,
}

impl Plan<'_> {
    /// Plans `output` at site path `path`.
    pub fn push(&mut self, path: String, output: impl Output + 'static) {
        let output = Box::new(output);
        self.jobs.push(Job { path, output });
    }
}

/// What the build summary counts an output as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// An HTML page a visitor reads, made from one content file (or 404.html).
    Page,
    /// An HTML page that lists others: a section, a taxonomy or a term, or one of their
    /// paginated pages. The summary counts it as a page and says how many pages were these.
    Listing,
    Feed,
    Sitemap,
    Other,
}

/// A file a job produced: where it goes, what made it (for messages) and how it counts.
#[derive(Debug, Clone)]
pub struct Produced {
    /// Output-relative path, e.g. `shows/foo/index.html`.
    pub output: String,
    pub origin: String,
    pub counts_as: Counted,
}

/// A produced file with its bytes, held in memory.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub file: Produced,
    pub bytes: Arc<[u8]>,
}

/// Why a job could not be rendered.
pub enum Failure {
    Missing {
        template: String,
        why: String,
        origin: String,
        path: String,
    },
    Other(Diagnostic),
    /// Its template exists but did not compile: that error is reported once, already.
    Broken,
}

/// Everything a render reads; shared by all threads, never changed.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    pub values: Arc<Values>,
    pub sources: &'a [TemplateSource],
    /// What each template reads (see `template_reads`).
    pub uses: HashMap<String, TemplateUse>,
    /// What `get_section` and friends return of each page.
    pub function_detail: Detail,
    /// `config` as templates of each language see it: only the keys some template names.
    configs: HashMap<String, Value>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        values: Arc<Values>,
        sources: &'a [TemplateSource],
        uses: HashMap<String, TemplateUse>,
        config_keys: Option<HashSet<String>>,
    ) -> Self {
        let function_detail = function_detail(&uses);
        let configs = site.config.language_codes().map(|lang| {
            let mut config = site.config.for_language(lang);
            // Copied into every render's context: only what some template may read.
            if let (Some(keys), Value::Object(fields)) = (&config_keys, &mut config) {
                fields.retain(|key, _| keys.contains(key));
            }
            (lang.to_string(), config)
        });
        Renderer {
            site,
            tera,
            values,
            sources,
            uses,
            function_detail,
            configs: configs.collect(),
        }
    }

    /// How much of each listed page `template` needs (everything when unsure).
    pub fn listed_detail(&self, template: &str) -> Detail {
        self.uses
            .get(template)
            .map_or(Detail::Full, |u| u.detail.clone())
    }

    /// How much of the rendered page's own value `template` needs.
    pub fn own_detail(&self, template: &str) -> Detail {
        self.uses
            .get(template)
            .map_or(Detail::Full, |u| u.own.clone())
    }

    /// Whether the site has a template called `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template(name).is_ok()
    }

    /// Renders `job` into `sink`: what it produced. A kind that writes itself writes straight
    /// into the file, never all in memory.
    pub fn render_into(&self, job: &Job, sink: &dyn Sink) -> Result<Produced, Failure> {
        if let Some(kind) = job.output.writes_itself() {
            let produced = self.produced(job, job.output.origin(self));
            let mut write = |out: &mut dyn Write| kind.write(self, out);
            sink.put_with(&produced.output, &mut write)
                .map_err(Failure::Other)?;
            return Ok(produced);
        }
        let (produced, bytes) = self.render(job)?;
        sink.put(&produced.output, &bytes).map_err(Failure::Other)?;
        Ok(produced)
    }

    /// What rendering `job`, made from `origin`, produces, bytes aside.
    fn produced(&self, job: &Job, origin: String) -> Produced {
        Produced {
            output: output_file(&job.path),
            origin,
            counts_as: job.output.counts_as(),
        }
    }

    /// Renders `job`: what it produced, and its bytes.
    pub fn render(&self, job: &Job) -> Result<(Produced, Vec<u8>), Failure> {
        if let Some(kind) = job.output.writes_itself() {
            let mut bytes = Vec::new();
            kind.write(self, &mut bytes).map_err(Failure::Other)?;
            return Ok((self.produced(job, job.output.origin(self)), bytes));
        }
        let origin = job.output.origin(self);
        let template = job.output.template(self);
        if !self.has_template(&template) {
            if self.sources.iter().any(|s| s.name == *template) {
                return Err(Failure::Broken);
            }
            return Err(Failure::Missing {
                why: job.output.why(self, &template),
                template: template.into_owned(),
                origin,
                path: job.path.clone(),
            });
        }
        let context = job.output.context(self, &template, &job.path);
        let lang = job.output.lang(self);
        let bytes = self
            .fill(&template, context, (&job.path, lang), &origin)
            .map_err(Failure::Other)?;
        Ok((self.produced(job, origin), bytes))
    }

    /// Renders `template` with `map` plus the variables every template gets at site path
    /// `path` in language `lang`: `lang_dir` is Kiln's, `rtl` or `ltr` for `<html dir>`.
    fn fill(
        &self,
        template: &str,
        mut map: Map<String, Value>,
        (path, lang): (&str, &str),
        origin: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let config = self.configs.get(lang).cloned().unwrap_or(Value::Null);
        map.insert("config".into(), config);
        map.insert("lang".into(), json!(lang));
        let dir = if crate::config::is_right_to_left(lang) {
            "rtl"
        } else {
            "ltr"
        };
        map.insert("lang_dir".into(), json!(dir));
        map.insert("current_path".into(), json!(path));
        map.insert(
            "current_url".into(),
            json!(format!("{}{path}", self.site.config.base_url)),
        );
        let context =
            Context::from_value(Value::Object(map)).map_err(|e| Diagnostic::new(e.to_string()))?;
        let mut bytes = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &context, &mut bytes)
            .map_err(|e| {
                crate::render::template_error::describe(
                    self.sources,
                    self.tera,
                    template,
                    origin,
                    &e,
                )
            })?;
        Ok(bytes)
    }
}
