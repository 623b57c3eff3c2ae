//! `kiln check`: builds the site in memory (writing nothing but caches under `.kiln/`) and
//! reviews what a build would publish: the build's own errors (broken `@/` links and
//! anchors among them), links in the built pages to files and anchors that do not exist,
//! links to other sites (`external.rs`), each page as a reviewer would (`pages.rs`), and the
//! feeds and sitemap (`feeds.rs`).
//!
//! A consumer of the pipeline's result, like `serve/`: it runs [`crate::render_site`] and
//! reads the [`crate::SiteOutput`]; no stage knows it exists.

mod external;
mod feeds;
pub mod finding;
mod html;
mod links;
mod pages;
mod policy;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::config::BuildOptions;
use crate::error::Diagnostic;
use crate::output::{OutputFile, SiteOutput};
pub use external::ExternalOptions;
pub use finding::{Finding, Report, Severity};
use html::PageFacts;
use links::{Broken, Target, Targets};

/// What `kiln check` builds and how it checks links to other sites.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    pub external: ExternalOptions,
}

/// Builds the site in memory and reports every finding, sorted.
pub fn run(opts: &CheckOptions) -> Report {
    let mut report = Report::default();
    let output = match crate::render_site(&opts.build) {
        Ok(output) => output,
        Err(error) => {
            // The build's own checks (front matter, `@/` links and anchors, templates) come
            // first: nothing else can be read of a site that does not build.
            let errors = error.diagnostics.into_iter();
            report.findings = errors.map(|d| Finding::error("build", d)).collect();
            add_warnings(&mut report, &error.warnings);
            report.sort();
            return report;
        }
    };
    add_warnings(&mut report, &output.warnings);
    let config = crate::config::load(&opts.build.root, opts.build.base_url.as_deref());
    let (base_url, auth_url, cdn) = config.map_or_else(
        |_| (String::new(), String::new(), Default::default()),
        |c| {
            // Without accounts no path is the sidecar's, so every link must reach a page.
            let auth_url = c.config.auth.map(|auth| auth.url).unwrap_or_default();
            (c.config.base_url, auth_url, c.config.cdn)
        },
    );
    // The policy is only sent when `_headers` is written.
    let inline = cdn
        .headers
        .then(|| policy::Inline::of(&cdn.content_security_policy));
    let pages = read_pages(&output);
    report.pages = pages.iter().filter(|(_, f)| !f.redirect).count();
    for (rel, facts) in &pages {
        pages::check(rel, facts, &mut report.findings);
        if let Some(inline) = inline {
            policy::check(rel, facts, inline, &mut report.findings);
        }
    }
    pages::duplicates(pages.iter().map(|(r, f)| (*r, f)), &mut report.findings);
    let targets = Targets {
        files: &output.files,
        ids: pages.iter().map(|(r, f)| (*r, f.ids.clone())).collect(),
    };
    let site = SiteLinks {
        targets: &targets,
        base_url: &base_url,
        auth_url: &auth_url,
    };
    let uses = site.check_links(&pages, &mut report.findings);
    let by_rel: HashMap<&str, &PageFacts> = pages.iter().map(|(r, f)| (*r, f)).collect();
    report.feeds = site.check_xml(&output, &by_rel, &mut report.findings);
    let (found, external) = external::check(&uses, &opts.build.root, &opts.external);
    report.findings.extend(found);
    report.external = external;
    report.sort();
    report
}

fn add_warnings(report: &mut Report, warnings: &[String]) {
    let each = warnings
        .iter()
        .map(|w| Finding::warning("build", Diagnostic::new(w.clone())));
    report.findings.extend(each);
}

/// Every HTML page the build made, read.
fn read_pages(output: &SiteOutput) -> Vec<(&str, PageFacts)> {
    let html: Vec<(&str, &[u8])> = output
        .files
        .iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .filter_map(|(rel, file)| match file {
            OutputFile::Generated(bytes) => Some((rel.as_str(), &bytes[..])),
            OutputFile::Copied(_) => None,
        })
        .collect();
    html.into_par_iter()
        .map(|(rel, bytes)| {
            let mut facts = html::read(&String::from_utf8_lossy(bytes));
            // Hosts serve it with status 404, which search engines never index.
            facts.noindex |= rel == "404.html";
            (rel, facts)
        })
        .collect()
}

/// The built site and what its links may point at.
struct SiteLinks<'a> {
    targets: &'a Targets<'a>,
    base_url: &'a str,
    /// Where the accounts sidecar answers: not files of the site.
    auth_url: &'a str,
}

impl SiteLinks<'_> {
    /// Checks every internal link of `pages`; returns the external ones, by URL.
    fn check_links(
        &self,
        pages: &[(&str, PageFacts)],
        findings: &mut Vec<Finding>,
    ) -> external::Uses {
        let mut uses: external::Uses = BTreeMap::new();
        for (rel, facts) in pages {
            for link in &facts.links {
                match links::resolve(&link.url, rel, self.base_url) {
                    Target::Skip => {}
                    Target::External(url) => uses
                        .entry(url)
                        .or_default()
                        .push((rel.to_string(), link.line)),
                    Target::Internal { path, anchor } => {
                        if self.is_sidecar(&path) {
                            continue;
                        }
                        let problem = match self.targets.check(&path, anchor.as_deref()) {
                            Ok(()) => continue,
                            Err(Broken::NoFile) => {
                                format!("links to {}, which the site does not have", link.url)
                            }
                            Err(Broken::NoAnchor(file)) => format!(
                                "links to {}, but {file} has no element with id `{}`",
                                link.url,
                                anchor.unwrap_or_default()
                            ),
                        };
                        let rule = if problem.contains("no element") {
                            "broken-anchor"
                        } else {
                            "broken-link"
                        };
                        findings.push(Finding::error(
                            rule,
                            Diagnostic::at(Path::new(rel), link.line, None, problem),
                        ));
                    }
                }
            }
        }
        uses
    }

    fn is_sidecar(&self, path: &str) -> bool {
        let auth = self.auth_url.trim_end_matches('/');
        !auth.is_empty() && (path == auth || path.starts_with(&format!("{auth}/")))
    }

    /// Parses every XML file; checks the sitemap against the pages' `noindex` and each
    /// podcast feed against the directories' rules. Returns how many feeds there were.
    fn check_xml(
        &self,
        output: &SiteOutput,
        pages: &HashMap<&str, &PageFacts>,
        findings: &mut Vec<Finding>,
    ) -> usize {
        let mut feeds = 0;
        for (rel, file) in &output.files {
            let OutputFile::Generated(bytes) = file else {
                continue;
            };
            if !rel.ends_with(".xml") {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            let doc = match feeds::parse(rel, &text) {
                Ok(doc) => doc,
                Err(finding) => {
                    findings.push(finding);
                    continue;
                }
            };
            feeds += usize::from(feeds::is_feed(&doc));
            for (url, line) in feeds::sitemap_urls(&doc) {
                let Target::Internal { path, .. } = links::resolve(&url, rel, self.base_url) else {
                    continue;
                };
                let page = self.targets.file_of(&path);
                if page
                    .as_deref()
                    .and_then(|p| pages.get(p))
                    .is_some_and(|f| f.noindex)
                {
                    let message = format!(
                        "lists {url}, which asks not to be indexed (`noindex`); search consoles flag it"
                    );
                    findings.push(Finding::error(
                        "sitemap-noindex",
                        Diagnostic::at(Path::new(rel), line, None, message),
                    ));
                }
            }
            let size = |url: &str| self.local_size(url, output);
            feeds::check_podcast(rel, &doc, &size, findings);
        }
        feeds
    }

    /// For a URL of this site, the size of its built file (`Some(None)`: no such file);
    /// `None` for another site's URL.
    fn local_size(&self, url: &str, output: &SiteOutput) -> Option<Option<u64>> {
        let Target::Internal { path, .. } = links::resolve(url, "", self.base_url) else {
            return None;
        };
        let file = self
            .targets
            .file_of(&path)
            .and_then(|f| output.files.get(&f));
        Some(file.and_then(|file| match file {
            OutputFile::Generated(bytes) => Some(bytes.len() as u64),
            OutputFile::Copied(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }))
    }
}
