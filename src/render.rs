//! Stage 4: render every output (pages, listings, taxonomies, feeds, sitemap…) in parallel.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value, json};
use tera::{Context, Tera};

use crate::error::Diagnostic;
use crate::podcast::Show;
use crate::site::{Section, Site};
use crate::template_use::TemplateUse;
use crate::url_path::{output_file, safe_components};
use crate::values::{Detail, Values};
use crate::write::Staging;

/// One output to produce: where it goes and what makes it.
#[derive(Debug, Clone)]
pub struct Job {
    /// Site path, e.g. `/shows/foo/` or `/atom.xml`.
    pub path: String,
    pub kind: JobKind,
}

#[derive(Debug, Clone)]
pub enum JobKind {
    Page(usize),
    Section {
        section: usize,
        pager: Option<Pager>,
    },
    TaxonomyList(usize),
    Term {
        taxonomy: usize,
        term: usize,
        pager: Option<Pager>,
    },
    Feed {
        filename: String,
        scope: FeedScope,
    },
    Podcast(usize),
    Sitemap,
    Robots,
    NotFound,
    Redirect {
        to: String,
        origin: String,
    },
}

/// Which pages a feed carries.
#[derive(Debug, Clone, Copy)]
pub enum FeedScope {
    Site,
    Section(usize),
    Term(usize, usize),
}

/// One page of a paginated listing: its 1-based number, and the slice of listed pages it shows.
#[derive(Debug, Clone)]
pub struct Pager {
    pub index: usize,
    pub count: usize,
    pub start: usize,
    pub end: usize,
    pub base_path: String,
    pub paginate_path: String,
    pub paginate_by: usize,
}

impl Pager {
    fn path_of(&self, index: usize) -> String {
        if index == 1 {
            self.base_path.clone()
        } else {
            format!("{}{}/{index}/", self.base_path, self.paginate_path)
        }
    }
}

/// Splits `total` listed pages into pagers of `per_page` under `base_path` (page 1 is the base).
pub fn pagers(base_path: &str, paginate_path: &str, per_page: usize, total: usize) -> Vec<Pager> {
    let count = total.div_ceil(per_page).max(1);
    (1..=count)
        .map(|index| Pager {
            index,
            count,
            start: (index - 1) * per_page,
            end: (index * per_page).min(total),
            base_path: base_path.to_string(),
            paginate_path: paginate_path.to_string(),
            paginate_by: per_page,
        })
        .collect()
}

/// A rendered output with the fingerprint of what it was made from.
#[derive(Debug, Clone)]
pub struct Cached {
    pub fingerprint: u64,
    /// Shared, so reusing an output between rebuilds copies no text.
    pub rendered: Arc<Rendered>,
}

/// Every output of a render pass: (job path, output), how many were rendered afresh, and errors.
pub struct RenderedAll {
    pub outputs: Vec<(String, Cached)>,
    /// Site paths of the outputs rendered afresh (the others were reused), in job order.
    pub fresh: Vec<String>,
    pub errors: Vec<Diagnostic>,
}

/// How `render_all` treats each output.
enum Mode<'s> {
    /// Render it and write it into the folder a one-off build fills.
    Write(&'s Staging),
    /// Reuse the last render when the fingerprint matches, else render it into memory.
    Reuse(crate::fingerprint::Globals),
}

/// Why a job could not be rendered.
enum Failure {
    Missing {
        template: String,
        why: String,
        origin: String,
        path: String,
    },
    Other(Diagnostic),
}

/// What a job rendered, and what it counts as in the build summary.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub output: String,
    pub origin: String,
    pub bytes: Arc<[u8]>,
    pub counts_as: Counted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Page,
    Feed,
    Sitemap,
    Other,
}

/// Everything a render reads; shared by all threads, never changed.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    pub values: Arc<Values>,
    pub shows: &'a [Show],
    pub sources: &'a [crate::load::TemplateSource],
    pub uses: HashMap<String, TemplateUse>,
    /// What `get_section` and friends return of each page.
    pub function_detail: Detail,
    pub config: Value,
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        values: Arc<Values>,
        shows: &'a [Show],
        sources: &'a [crate::load::TemplateSource],
        uses: HashMap<String, TemplateUse>,
        config_keys: Option<HashSet<String>>,
    ) -> Self {
        let function_detail = crate::template_use::function_detail(&uses);
        let mut config = serde_json::to_value(&site.config).unwrap_or(Value::Null);
        // Copied into every render's context: only what some template may read.
        if let (Some(keys), Value::Object(fields)) = (config_keys, &mut config) {
            fields.retain(|key, _| keys.contains(key));
        }
        Renderer {
            site,
            tera,
            values,
            shows,
            sources,
            uses,
            function_detail,
            config,
        }
    }

    /// How much of each listed page `template` needs (everything when unsure).
    fn detail(&self, template: &str) -> Detail {
        self.uses
            .get(template)
            .map_or(Detail::Full, |u| u.detail.clone())
    }

    /// How much of the rendered page's own value `template` needs.
    fn own_detail(&self, template: &str) -> Detail {
        self.uses
            .get(template)
            .map_or(Detail::Full, |u| u.own.clone())
    }

    /// Renders `jobs` in parallel, collecting every failure.
    /// Outputs whose fingerprint matches their entry in `previous` are reused, not rendered.
    /// With `staging`, each output is written there as soon as it is rendered and its bytes
    /// are not kept (a one-off build: nothing to reuse, no memory of the whole site's HTML).
    pub fn render_all(
        &self,
        jobs: &[Job],
        previous: &HashMap<String, Cached>,
        staging: Option<&Staging>,
    ) -> RenderedAll {
        let mode = match staging {
            Some(staging) => Mode::Write(staging),
            None => Mode::Reuse(crate::fingerprint::Globals::new(self)),
        };
        let results: Vec<Result<(Cached, bool), Failure>> = jobs
            .par_iter()
            .map(|job| match &mode {
                Mode::Write(staging) => self.render_into(staging, job),
                Mode::Reuse(globals) => {
                    let fingerprint = crate::fingerprint::of(self, globals, job);
                    match previous.get(&job.path) {
                        Some(cached) if cached.fingerprint == fingerprint => {
                            Ok((cached.clone(), false))
                        }
                        _ => self.render(job).map(|rendered| {
                            let rendered = Arc::new(rendered);
                            (
                                Cached {
                                    fingerprint,
                                    rendered,
                                },
                                true,
                            )
                        }),
                    }
                }
            })
            .collect();
        let mut outputs = Vec::with_capacity(results.len());
        let mut fresh = Vec::new();
        let mut errors = Vec::new();
        // One error per missing template, not one per page that needs it.
        let mut missing: BTreeMap<String, (String, String, String, usize)> = BTreeMap::new();
        for (job, result) in jobs.iter().zip(results) {
            match result {
                Ok((cached, rendered)) => {
                    if rendered {
                        fresh.push(job.path.clone());
                    }
                    outputs.push((job.path.clone(), cached));
                }
                Err(Failure::Other(e)) => errors.push(e),
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
            errors.push(Diagnostic::new(format!(
                "template `{template}` not found, needed to render {origin} (URL {path}){others}: {why}; create templates/{template}"
            )));
        }
        RenderedAll {
            outputs,
            fresh,
            errors,
        }
    }

    /// Renders `job` straight into `staging`, keeping all but its bytes.
    fn render_into(&self, staging: &Staging, job: &Job) -> Result<(Cached, bool), Failure> {
        let (rendered, bytes) = self.render_bytes(job)?;
        staging
            .put(&rendered.output, &bytes)
            .map_err(Failure::Other)?;
        let rendered = Arc::new(rendered);
        Ok((
            Cached {
                fingerprint: 0,
                rendered,
            },
            true,
        ))
    }

    fn render(&self, job: &Job) -> Result<Rendered, Failure> {
        let (mut rendered, bytes) = self.render_bytes(job)?;
        rendered.bytes = bytes.into();
        Ok(rendered)
    }

    /// Renders `job`: what it is (its `bytes` left empty), and its bytes.
    fn render_bytes(&self, job: &Job) -> Result<(Rendered, Vec<u8>), Failure> {
        let template = self.template_of(job);
        let (context, origin, counts_as) = self.context(job, &template);
        if self.tera.get_template(&template).is_err() {
            let why = self.why(job, &template);
            let path = job.path.clone();
            return Err(Failure::Missing {
                template: template.into_owned(),
                why,
                origin,
                path,
            });
        }
        let bytes = self
            .render_template(&template, context, &job.path, &origin)
            .map_err(Failure::Other)?;
        let rendered = Rendered {
            output: output_file(&job.path),
            origin,
            bytes: Arc::from([]),
            counts_as,
        };
        Ok((rendered, bytes))
    }

    /// The template `job` renders with (borrowed where a name is at hand: this is asked for
    /// every output on every rebuild).
    pub fn template_of<'j>(&'j self, job: &'j Job) -> Cow<'j, str> {
        let site = self.site;
        match &job.kind {
            JobKind::Page(i) => Cow::Borrowed(self.page_template(*i).0),
            JobKind::Section { section, .. } => {
                Cow::Borrowed(match &site.sections[*section].front.template {
                    Some(t) => t,
                    None if *section == site.index() => "index.html",
                    None => "section.html",
                })
            }
            JobKind::TaxonomyList(t) => {
                Cow::Owned(self.taxonomy_template(&site.taxonomies[*t].config.name, "list"))
            }
            JobKind::Term { taxonomy, .. } => Cow::Owned(
                self.taxonomy_template(&site.taxonomies[*taxonomy].config.name, "single"),
            ),
            JobKind::Feed { filename, .. } => Cow::Borrowed(filename),
            JobKind::Podcast(_) => Cow::Borrowed("podcast.xml"),
            JobKind::Sitemap => Cow::Borrowed("sitemap.xml"),
            JobKind::Robots => Cow::Borrowed("robots.txt"),
            JobKind::NotFound => Cow::Borrowed("404.html"),
            JobKind::Redirect { .. } => Cow::Borrowed("internal/alias.html"),
        }
    }

    /// The variables particular to `job`, what it is (for messages), and how it counts.
    fn context(&self, job: &Job, template: &str) -> (Map<String, Value>, String, Counted) {
        let site = self.site;
        let detail = &self.detail(template);
        let mut map = Map::new();
        match &job.kind {
            JobKind::Page(i) => {
                let page = &site.pages[*i];
                let own = self.own_detail(template);
                map.insert(
                    "page".into(),
                    self.values.page_with_neighbours(page, *i, &own, detail),
                );
                (map, page.source.file.display().to_string(), Counted::Page)
            }
            JobKind::Section { section, pager } => {
                let map = self.section_context(*section, pager.as_ref(), detail);
                (
                    map,
                    site.sections[*section].source.file.display().to_string(),
                    Counted::Page,
                )
            }
            JobKind::TaxonomyList(t) => self.taxonomy_list(*t, detail),
            JobKind::Term {
                taxonomy,
                term,
                pager,
            } => self.term_context(*taxonomy, *term, pager.as_ref(), detail),
            JobKind::Feed { scope, .. } => self.feed_context(&job.path, *scope, detail),
            JobKind::Podcast(show) => {
                let (map, origin) = crate::podcast::context(self, &self.shows[*show], &job.path);
                (map, origin, Counted::Feed)
            }
            JobKind::Sitemap => (
                self.sitemap_context(),
                "the sitemap".into(),
                Counted::Sitemap,
            ),
            JobKind::Robots => (map, "robots.txt".into(), Counted::Other),
            JobKind::NotFound => (map, "the 404 page".into(), Counted::Page),
            JobKind::Redirect { to, origin } => {
                map.insert("url".into(), json!(to));
                (map, origin.clone(), Counted::Other)
            }
        }
    }

    /// Renders `template` with `map` plus the variables every template gets.
    fn render_template(
        &self,
        template: &str,
        mut map: Map<String, Value>,
        path: &str,
        origin: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        map.insert("config".into(), self.config.clone());
        map.insert("lang".into(), json!(self.site.config.default_language));
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
                crate::template_error::describe(self.sources, self.tera, template, origin, &e)
            })?;
        Ok(bytes)
    }

    /// The template of page `i`: its own, else the nearest section's `page_template` (and
    /// that section), else `page.html`.
    fn page_template(&self, i: usize) -> (&'a str, Option<usize>) {
        let site = self.site;
        let page = &site.pages[i];
        if let Some(t) = &page.front.template {
            return (t, None);
        }
        let mut section = page.section;
        while let Some(s) = section {
            if let Some(t) = &site.sections[s].front.page_template {
                return (t, Some(s));
            }
            section = site.sections[s].parent;
        }
        ("page.html", None)
    }

    /// Why `job` looked for `template`, for the error when it does not exist.
    fn why(&self, job: &Job, template: &str) -> String {
        let site = self.site;
        match &job.kind {
            JobKind::Page(i) => {
                let file = site.pages[*i].source.file.display();
                match self.page_template(*i) {
                    (_, Some(s)) => format!(
                        "{} sets `page_template = \"{template}\"` for its pages",
                        site.sections[s].source.file.display()
                    ),
                    _ if site.pages[*i].front.template.is_some() => {
                        format!("{file} sets `template = \"{template}\"`")
                    }
                    _ => format!("it is the default template of pages ({file} is one)"),
                }
            }
            JobKind::Section { section, .. } => {
                let file = site.sections[*section].source.file.display();
                if site.sections[*section].front.template.is_some() {
                    format!("{file} sets `template = \"{template}\"`")
                } else if *section == site.index() {
                    "it renders the home page".to_string()
                } else {
                    format!("it is the default template of sections ({file} is one)")
                }
            }
            JobKind::TaxonomyList(t) | JobKind::Term { taxonomy: t, .. } => format!(
                "config.toml declares the taxonomy `{}` (templates/taxonomy_list.html and taxonomy_single.html also work)",
                site.taxonomies[*t].config.name
            ),
            JobKind::Feed { .. } => "config.toml's `feed_filenames` lists it".to_string(),
            _ => "Kiln renders this file on every site".to_string(),
        }
    }

    fn section_context(
        &self,
        s: usize,
        pager: Option<&Pager>,
        detail: &Detail,
    ) -> Map<String, Value> {
        let section = &self.site.sections[s];
        let mut map = Map::new();
        match pager {
            Some(pager) => {
                map.insert("section".into(), self.values.section(s, None));
                let listed = listed_pages(section);
                let pages = &listed[pager.start..pager.end];
                map.insert(
                    "paginator".into(),
                    self.paginator(pager, pages, listed.len(), detail),
                );
            }
            None => {
                map.insert("section".into(), self.values.section(s, Some(detail)));
            }
        }
        map
    }

    /// Zola's `paginator` value for one pager.
    fn paginator(&self, pager: &Pager, pages: &[usize], total: usize, detail: &Detail) -> Value {
        let base_url = &self.site.config.base_url;
        let link = |i: usize| format!("{base_url}{}", pager.path_of(i));
        crate::values::object([
            ("paginate_by", json!(pager.paginate_by)),
            ("first", json!(link(1))),
            ("last", json!(link(pager.count))),
            (
                "previous",
                json!((pager.index > 1).then(|| link(pager.index - 1))),
            ),
            (
                "next",
                json!((pager.index < pager.count).then(|| link(pager.index + 1))),
            ),
            ("number_pagers", json!(pager.count)),
            ("current_index", json!(pager.index)),
            ("total_pages", json!(total)),
            ("paginate_path", json!(pager.paginate_path)),
            (
                "base_url",
                json!(format!(
                    "{base_url}{}{}/",
                    pager.base_path, pager.paginate_path
                )),
            ),
            ("pages", self.values.page_list(pages, detail)),
        ])
    }

    fn taxonomy_list(&self, t: usize, detail: &Detail) -> (Map<String, Value>, String, Counted) {
        let taxonomy = &self.site.taxonomies[t];
        let mut map = Map::new();
        map.insert("taxonomy".into(), json!(taxonomy.config));
        let terms = taxonomy
            .terms
            .iter()
            .map(|term| self.values.term(term, &term.pages, detail));
        map.insert("terms".into(), Value::Array(terms.collect()));
        (
            map,
            format!(
                "the list of `{}` (declared in config.toml)",
                taxonomy.config.name
            ),
            Counted::Page,
        )
    }

    fn term_context(
        &self,
        t: usize,
        term: usize,
        pager: Option<&Pager>,
        detail: &Detail,
    ) -> (Map<String, Value>, String, Counted) {
        let taxonomy = &self.site.taxonomies[t];
        let item = &taxonomy.terms[term];
        let mut map = Map::new();
        map.insert("taxonomy".into(), json!(taxonomy.config));
        match pager {
            Some(pager) => {
                map.insert("term".into(), self.values.term(item, &[], detail));
                let pages = &item.pages[pager.start..pager.end];
                map.insert(
                    "paginator".into(),
                    self.paginator(pager, pages, item.pages.len(), detail),
                );
            }
            None => {
                map.insert("term".into(), self.values.term(item, &item.pages, detail));
            }
        }
        let origin = format!("the `{}` term `{}`", taxonomy.config.name, item.name);
        (map, origin, Counted::Page)
    }

    /// `<taxonomy>/<kind>.html`, falling back to Zola's `taxonomy_<kind>.html`.
    fn taxonomy_template(&self, name: &str, kind: &str) -> String {
        let specific = format!("{name}/{kind}.html");
        let generic = format!("taxonomy_{kind}.html");
        if self.tera.get_template(&specific).is_err() && self.tera.get_template(&generic).is_ok() {
            generic
        } else {
            specific
        }
    }

    fn feed_context(
        &self,
        path: &str,
        scope: FeedScope,
        detail: &Detail,
    ) -> (Map<String, Value>, String, Counted) {
        let site = self.site;
        let mut map = Map::new();
        let (pages, origin): (Vec<usize>, String) = match scope {
            FeedScope::Site => ((0..site.pages.len()).collect(), "the site feed".into()),
            FeedScope::Section(s) => {
                map.insert("section".into(), self.values.section(s, None));
                (
                    site.sections[s].pages.clone(),
                    format!("the feed of {}", site.sections[s].source.file.display()),
                )
            }
            FeedScope::Term(t, term) => {
                let item = &site.taxonomies[t].terms[term];
                map.insert("term".into(), self.values.term(item, &[], &Detail::Full));
                (
                    item.pages.clone(),
                    format!(
                        "the feed of `{}` term `{}`",
                        site.taxonomies[t].config.name, item.name
                    ),
                )
            }
        };
        let pages = feed_pages(site, pages);
        let last = pages
            .iter()
            .filter_map(|&i| site.pages[i].updated.max(site.pages[i].date))
            .max()
            .unwrap_or(0);
        map.insert("last_updated".into(), json!(rfc3339(last)));
        map.insert(
            "feed_url".into(),
            json!(format!("{}{path}", site.config.base_url)),
        );
        map.insert("pages".into(), self.values.page_list(&pages, detail));
        (map, origin, Counted::Feed)
    }

    fn sitemap_context(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert(
            "entries".into(),
            Value::Array(crate::sitemap::entries(self.site)),
        );
        map
    }
}

/// The pages a feed shows: dated ones, newest first, at most `feed_limit`.
pub fn feed_pages(site: &Site, pages: Vec<usize>) -> Vec<usize> {
    let mut dated: Vec<usize> = pages
        .into_iter()
        .filter(|&i| site.pages[i].date.is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    if let Some(limit) = site.config.feed_limit {
        dated.truncate(limit);
    }
    dated
}

/// A Unix time as RFC 3339, the form Tera's `date` filter reads.
pub fn rfc3339(timestamp: i64) -> String {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .to_rfc3339()
}

/// A section's listed pages in pagination order.
pub fn listed_pages(section: &Section) -> Cow<'_, [usize]> {
    if section.front.paginate_reversed {
        Cow::Owned(section.pages.iter().rev().copied().collect())
    } else {
        Cow::Borrowed(&section.pages)
    }
}

/// Lists every output of `site`; bad `aliases` are reported here.
pub fn plan(site: &Site, shows: &[Show]) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        jobs.push(Job {
            path: page.path.clone(),
            kind: JobKind::Page(i),
        });
        aliases(
            site,
            &page.front.aliases,
            &page.permalink,
            &page.source.file,
            &mut jobs,
            &mut errors,
        );
    }
    for (s, section) in site.sections.iter().enumerate() {
        plan_section(site, s, section, &mut jobs, &mut errors);
    }
    plan_taxonomies(site, &mut jobs);
    plan_feeds(site, &mut jobs);
    for (i, show) in shows.iter().enumerate() {
        jobs.push(Job {
            path: format!("{}podcast.xml", site.sections[show.section].path),
            kind: JobKind::Podcast(i),
        });
    }
    jobs.push(Job {
        path: "/404.html".into(),
        kind: JobKind::NotFound,
    });
    if site.config.generate_sitemap {
        jobs.push(Job {
            path: "/sitemap.xml".into(),
            kind: JobKind::Sitemap,
        });
    }
    if site.config.generate_robots_txt {
        jobs.push(Job {
            path: "/robots.txt".into(),
            kind: JobKind::Robots,
        });
    }
    (jobs, errors)
}

fn plan_section(
    site: &Site,
    s: usize,
    section: &Section,
    jobs: &mut Vec<Job>,
    errors: &mut Vec<Diagnostic>,
) {
    aliases(
        site,
        &section.front.aliases,
        &section.permalink,
        &section.source.file,
        jobs,
        errors,
    );
    if let Some(to) = &section.front.redirect_to {
        let to = if to.contains("://") {
            to.clone()
        } else {
            format!("{}/{}", site.config.base_url, to.trim_start_matches('/'))
        };
        let origin = format!("the redirect of {}", section.source.file.display());
        jobs.push(Job {
            path: section.path.clone(),
            kind: JobKind::Redirect { to, origin },
        });
        return;
    }
    if section.front.render == Some(false) {
        return;
    }
    push_listing(
        jobs,
        (&section.path, &section.permalink),
        section.front.paginate_by,
        section.front.paginate_path.as_deref(),
        section.pages.len(),
        |pager| JobKind::Section { section: s, pager },
    );
}

/// The jobs of a listing of `total` items: one page, or with `paginate_by` one per pager plus
/// Zola's `<paginate_path>/1/` redirect back to the listing itself.
fn push_listing(
    jobs: &mut Vec<Job>,
    (path, permalink): (&str, &str),
    paginate_by: Option<usize>,
    paginate_path: Option<&str>,
    total: usize,
    kind: impl Fn(Option<Pager>) -> JobKind,
) {
    let Some(per_page) = paginate_by.filter(|&n| n > 0) else {
        jobs.push(Job {
            path: path.to_string(),
            kind: kind(None),
        });
        return;
    };
    let paginate_path = paginate_path.unwrap_or("page");
    jobs.push(Job {
        path: format!("{path}{paginate_path}/1/"),
        kind: JobKind::Redirect {
            to: permalink.to_string(),
            origin: format!("the redirect from {path}{paginate_path}/1/"),
        },
    });
    for pager in pagers(path, paginate_path, per_page, total) {
        jobs.push(Job {
            path: pager.path_of(pager.index),
            kind: kind(Some(pager)),
        });
    }
}

fn plan_taxonomies(site: &Site, jobs: &mut Vec<Job>) {
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if !taxonomy.config.render {
            continue;
        }
        jobs.push(Job {
            path: taxonomy.path.clone(),
            kind: JobKind::TaxonomyList(t),
        });
        for (n, term) in taxonomy.terms.iter().enumerate() {
            push_listing(
                jobs,
                (&term.path, &term.permalink),
                taxonomy.config.paginate_by,
                taxonomy.config.paginate_path.as_deref(),
                term.pages.len(),
                |pager| JobKind::Term {
                    taxonomy: t,
                    term: n,
                    pager,
                },
            );
        }
    }
}

fn plan_feeds(site: &Site, jobs: &mut Vec<Job>) {
    let filenames = &site.config.feed_filenames;
    let mut feed = |base: &str, scope: FeedScope| {
        for filename in filenames {
            let kind = JobKind::Feed {
                filename: filename.clone(),
                scope,
            };
            jobs.push(Job {
                path: format!("{base}{filename}"),
                kind,
            });
        }
    };
    if site.config.generate_feeds {
        feed("/", FeedScope::Site);
    }
    for (s, section) in site.sections.iter().enumerate() {
        if section.front.generate_feeds {
            feed(&section.path, FeedScope::Section(s));
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if taxonomy.config.feed && taxonomy.config.render {
            for (n, term) in taxonomy.terms.iter().enumerate() {
                feed(&term.path, FeedScope::Term(t, n));
            }
        }
    }
}

/// Redirect pages for `aliases`; an alias that would leave the output folder is an error.
fn aliases(
    site: &Site,
    list: &[String],
    to: &str,
    file: &std::path::Path,
    jobs: &mut Vec<Job>,
    errors: &mut Vec<Diagnostic>,
) {
    for alias in list {
        match safe_components(alias) {
            Ok(clean) if !clean.is_empty() => {
                let path = if alias.ends_with('/') || !clean.contains('.') {
                    format!("/{clean}/")
                } else {
                    format!("/{clean}")
                };
                let origin = format!("the alias `{alias}` of {}", file.display());
                jobs.push(Job {
                    path,
                    kind: JobKind::Redirect {
                        to: to.to_string(),
                        origin,
                    },
                });
            }
            Ok(_) => errors.push(Diagnostic::in_file(
                file,
                format!("alias `{alias}` is empty; remove it"),
            )),
            Err(e) => errors.push(Diagnostic::in_file(
                file,
                format!("front matter `aliases`: {e}"),
            )),
        }
    }
    let _ = site;
}

/// The rendered outputs, in the given order, refusing a second output at one output path.
pub fn collect<'r>(
    rendered: impl ExactSizeIterator<Item = &'r Rendered>,
) -> (Vec<&'r Rendered>, Vec<Diagnostic>) {
    let mut by_output: HashMap<&str, &Rendered> = HashMap::with_capacity(rendered.len());
    let mut unique = Vec::with_capacity(rendered.len());
    let mut errors = Vec::new();
    for r in rendered {
        match by_output.entry(&r.output) {
            Entry::Occupied(existing) => errors.push(Diagnostic::new(format!(
                "{} and {} both produce {}; change one's `slug`, `path` or `aliases`",
                existing.get().origin,
                r.origin,
                r.output
            ))),
            Entry::Vacant(slot) => {
                unique.push(*slot.insert(r));
            }
        }
    }
    (unique, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_output_at_one_path_is_refused_naming_both_origins() {
        let rendered = |output: &str, origin: &str| Rendered {
            output: output.into(),
            origin: origin.into(),
            bytes: Arc::from(origin.as_bytes()),
            counts_as: Counted::Page,
        };
        let all = [
            rendered("a/index.html", "a.md"),
            rendered("b/index.html", "b.md"),
            rendered("a/index.html", "alias in c.md"),
        ];
        let (unique, errors) = collect(all.iter());
        let kept: Vec<&str> = unique.iter().map(|r| r.origin.as_str()).collect();
        assert_eq!(kept, ["a.md", "b.md"]);
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(
            message.contains("a.md and alias in c.md both produce a/index.html"),
            "{message}"
        );
    }

    #[test]
    fn pagers_cover_every_page_and_page_one_is_the_base() {
        let all = pagers("/blog/", "page", 3, 7);
        assert_eq!(all.len(), 3);
        assert_eq!((all[2].start, all[2].end), (6, 7));
        assert_eq!(all[0].path_of(1), "/blog/");
        assert_eq!(all[0].path_of(3), "/blog/page/3/");
        assert_eq!(pagers("/b/", "page", 3, 0).len(), 1);
    }
}
