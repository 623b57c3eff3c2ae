//! The build loop of `kiln serve`: builds the site in memory, rebuilds it after each batch of
//! source changes, publishes every result as a new snapshot and logs one line per rebuild.

use std::cmp::Ordering;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use tokio::sync::watch;

use super::snapshot::{PageUpdate, Snapshot};
use super::watch::SourceWatcher;
use crate::BuildOptions;
use crate::incremental::Rebuilder;
use crate::output::{OutputFile, SiteOutput};

/// A [`Rebuilder`] that outlives a panic in the engine: the server keeps serving the last
/// good site and starts the next build afresh.
pub struct GuardedRebuilder {
    options: BuildOptions,
    rebuilder: Rebuilder,
}

impl GuardedRebuilder {
    pub fn new(options: BuildOptions) -> GuardedRebuilder {
        let rebuilder = Rebuilder::new(options.clone());
        GuardedRebuilder { options, rebuilder }
    }

    /// Builds the site for the first time and says how it went, for the first snapshot.
    pub fn first_build(&mut self, generation: u64) -> Snapshot {
        let started = Instant::now();
        match self.rebuild(&[]) {
            Ok((site, _)) => {
                print_new_warnings(None, &site);
                println!("{}", site.summary(started.elapsed().as_millis()));
                let update = PageUpdate::Reload;
                Snapshot {
                    site: Some(site),
                    error: None,
                    generation,
                    update,
                }
            }
            Err(error) => {
                eprintln!(
                    "error: the site does not build yet; showing why until it does:\n{error}"
                );
                let update = PageUpdate::ShowError;
                Snapshot {
                    site: None,
                    error: Some(error),
                    generation,
                    update,
                }
            }
        }
    }

    /// Rebuilds after `changed` sources changed; returns the new site and its log line. A
    /// panic in the engine becomes an error, so the server outlives a kiln bug.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<(Arc<SiteOutput>, String), String> {
        let rebuilder = &mut self.rebuilder;
        match std::panic::catch_unwind(AssertUnwindSafe(|| rebuilder.rebuild(changed))) {
            Ok(Ok((site, report))) => Ok((site, report.to_string())),
            Ok(Err(error)) => {
                // Printed here, not in the overlay: they may explain the errors below them.
                for warning in &error.warnings {
                    eprintln!("warning: {warning}");
                }
                Err(error.to_string())
            }
            Err(_) => {
                // What the rebuilder remembered may be half-updated: start it afresh.
                self.rebuilder = Rebuilder::new(self.options.clone());
                Err(
                    "the build crashed: this is a bug in kiln; the panic message is above. \
                     Please report it with the file you just changed."
                        .to_owned(),
                )
            }
        }
    }
}

/// Rebuilds after every batch of changes until the watcher stops, publishing each result.
pub fn run(
    mut builder: GuardedRebuilder,
    mut watcher: SourceWatcher,
    changes: Receiver<Vec<PathBuf>>,
    publish: watch::Sender<Arc<Snapshot>>,
    accounts_prefix: Option<String>,
) {
    while let Ok(mut changed) = changes.recv() {
        // Changes that arrived while the last build ran go into this one build.
        changed.extend(changes.try_iter().flatten());
        changed.sort();
        changed.dedup();
        watcher.rewatch_source_dirs(&changed);
        if changed.contains(&builder.options.root.join("config.toml")) {
            warn_if_accounts_moved(&builder.options.root, accounts_prefix.as_deref());
        }
        let current = publish.borrow().clone();
        let started = Instant::now();
        // The line is printed once the result is published, so whoever reads it (a developer,
        // or a test waiting for it) finds the served site already updated.
        let (next, line) = match builder.rebuild(&changed) {
            Ok((site, report)) => {
                print_new_warnings(current.site.as_deref(), &site);
                let update = page_update(&current, &site, &changed);
                let detail = match &update {
                    None => ", no page changed".to_owned(),
                    Some(PageUpdate::Stylesheets(paths)) => {
                        format!(", restyled {}", paths.join(" "))
                    }
                    Some(_) => String::new(),
                };
                let next = succeeded(&current, site, update);
                (next, Ok(format!("{report}{detail}")))
            }
            Err(error) => {
                let what = what_changed(&builder.options.root, &changed);
                let millis = started.elapsed().as_millis();
                let line = format!(
                    "error: build failed after {what} ({millis} ms); still serving the last \
                     good build:\n{error}"
                );
                (failed(&current, error), Err(line))
            }
        };
        publish.send_replace(Arc::new(next));
        match line {
            Ok(line) => println!("{line}"),
            Err(line) => eprintln!("{line}"),
        }
    }
}

/// The sidecar is mounted (or not) when kiln serve starts, so forms posting to a new
/// `[auth] url`, or a new `[auth]` table, would fail until a restart: say so.
fn warn_if_accounts_moved(root: &Path, mounted: Option<&str>) {
    let wanted = super::accounts_prefix(root);
    let restart = match (wanted.as_deref(), mounted) {
        (wanted, mounted) if wanted == mounted => return,
        (Some(wanted), Some(mounted)) => {
            format!("[auth] url is now {wanted}, but the accounts sidecar answers under {mounted}")
        }
        (Some(wanted), None) => format!(
            "config.toml now has [auth], but the accounts sidecar was not started; it would \
             answer under {wanted}"
        ),
        (None, Some(mounted)) => format!(
            "config.toml no longer has [auth], but the accounts sidecar answers under {mounted}"
        ),
        (None, None) => return,
    };
    eprintln!("warning: {restart} until you restart kiln serve");
}

/// `content/a.md changed` or `content/a.md and 2 more changed`, named from the site root.
fn what_changed(root: &Path, changed: &[PathBuf]) -> String {
    let named = |path: &PathBuf| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    crate::report::changed(&changed.iter().map(named).collect::<Vec<_>>())
}

/// Warnings the previous build did not have; the others were printed already.
fn print_new_warnings(previous: Option<&SiteOutput>, site: &SiteOutput) {
    let known = previous.map_or(&[][..], |previous| &previous.warnings[..]);
    for warning in site
        .warnings
        .iter()
        .filter(|warning| !known.contains(warning))
    {
        eprintln!("warning: {warning}");
    }
}

fn succeeded(current: &Snapshot, site: Arc<SiteOutput>, update: Option<PageUpdate>) -> Snapshot {
    let (generation, update) = match update {
        // Nothing a page shows changed: swap the site in without waking any page.
        None => (current.generation, current.update.clone()),
        Some(update) => (current.generation + 1, update),
    };
    Snapshot {
        site: Some(site),
        error: None,
        generation,
        update,
    }
}

fn failed(current: &Snapshot, error: String) -> Snapshot {
    Snapshot {
        site: current.site.clone(),
        error: Some(error),
        generation: current.generation + 1,
        update: PageUpdate::ShowError,
    }
}

/// What open pages must do to show `site` instead of `current`, or `None` if nothing changed.
fn page_update(current: &Snapshot, site: &SiteOutput, changed: &[PathBuf]) -> Option<PageUpdate> {
    // A page served while the build was broken carries the overlay: only a reload removes it.
    let Some(old) = current.site.as_deref().filter(|_| current.error.is_none()) else {
        return Some(PageUpdate::Reload);
    };
    let differing = differing_files(old, site, changed);
    if differing.is_empty() {
        None
    } else if differing.iter().all(|key| key.ends_with(".css")) {
        Some(PageUpdate::Stylesheets(
            differing.iter().map(|key| format!("/{key}")).collect(),
        ))
    } else {
        Some(PageUpdate::Reload)
    }
}

/// The output files whose bytes differ between two builds. A copied file is named by its
/// source path, so whether its bytes changed is known from the changed sources. Both file
/// maps are sorted, so one walk through them side by side finds every difference.
fn differing_files(old: &SiteOutput, new: &SiteOutput, changed: &[PathBuf]) -> Vec<String> {
    let differs = |a: Option<&OutputFile>, b: Option<&OutputFile>| match (a, b) {
        (Some(OutputFile::Generated(a)), Some(OutputFile::Generated(b))) => {
            !Arc::ptr_eq(a, b) && a != b
        }
        (Some(OutputFile::Copied(a)), Some(OutputFile::Copied(b))) => {
            // A changed folder (moved or replaced whole) changes every file in it.
            a != b || changed.iter().any(|path| b.starts_with(path))
        }
        _ => true,
    };
    let (mut old, mut new) = (old.files.iter().peekable(), new.files.iter().peekable());
    let mut differing = Vec::new();
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => return differing,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        let next = match order {
            Ordering::Less => old.next().map(|(k, a)| (k, Some(a), None)),
            Ordering::Greater => new.next().map(|(k, b)| (k, None, Some(b))),
            Ordering::Equal => old
                .next()
                .zip(new.next())
                .map(|((k, a), (_, b))| (k, Some(a), Some(b))),
        };
        let Some((key, a, b)) = next else {
            return differing;
        };
        if differs(a, b) {
            differing.push(key.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, OutputFile)]) -> SiteOutput {
        let files = files
            .iter()
            .map(|(key, file)| (key.to_string(), file.clone()))
            .collect();
        SiteOutput {
            files,
            ..SiteOutput::default()
        }
    }

    fn generated(text: &str) -> OutputFile {
        OutputFile::Generated(Arc::from(text.as_bytes()))
    }

    fn showing(site: SiteOutput, error: Option<&str>) -> Snapshot {
        let error = error.map(str::to_owned);
        Snapshot {
            site: Some(Arc::new(site)),
            error,
            generation: 7,
            update: PageUpdate::Reload,
        }
    }

    fn copied(path: &str) -> OutputFile {
        OutputFile::Copied(PathBuf::from(path))
    }

    #[test]
    fn an_unchanged_site_wakes_no_page() {
        let old = showing(site(&[("index.html", generated("a"))]), None);
        let new = site(&[("index.html", generated("a"))]);
        assert_eq!(page_update(&old, &new, &[]), None);
    }

    #[test]
    fn a_changed_page_reloads() {
        let old = showing(
            site(&[("index.html", generated("a")), ("s.css", generated("x"))]),
            None,
        );
        let new = site(&[("index.html", generated("b")), ("s.css", generated("y"))]);
        assert_eq!(page_update(&old, &new, &[]), Some(PageUpdate::Reload));
    }

    #[test]
    fn only_stylesheets_changed_swaps_them_in_place() {
        let old = showing(
            site(&[
                ("index.html", generated("a")),
                ("s.css", copied("/site/static/s.css")),
            ]),
            None,
        );
        let new = site(&[
            ("index.html", generated("a")),
            ("s.css", copied("/site/static/s.css")),
        ]);
        let changed = [PathBuf::from("/site/static/s.css")];
        let expected = PageUpdate::Stylesheets(vec!["/s.css".into()]);
        assert_eq!(page_update(&old, &new, &changed), Some(expected));
    }

    #[test]
    fn files_added_removed_or_changed_anywhere_in_the_order_all_differ() {
        let same = generated("same");
        let old = site(&[
            ("a.html", generated("gone")),
            ("c.html", generated("x")),
            ("e.html", same.clone()),
            ("f.html", generated("kept")),
        ]);
        let new = site(&[
            ("b.html", generated("new")),
            ("c.html", generated("y")),
            ("d.html", generated("new")),
            ("e.html", same),
            ("f.html", generated("kept")),
            ("g.html", generated("new")),
        ]);
        let differing = differing_files(&old, &new, &[]);
        assert_eq!(
            differing,
            ["a.html", "b.html", "c.html", "d.html", "g.html"]
        );
    }

    #[test]
    fn a_copied_file_in_a_replaced_folder_counts_as_changed() {
        let old = site(&[("img/logo.png", copied("/site/static/img/logo.png"))]);
        let new = site(&[("img/logo.png", copied("/site/static/img/logo.png"))]);
        let changed = [PathBuf::from("/site/static/img")];
        assert_eq!(differing_files(&old, &new, &changed), ["img/logo.png"]);
        let elsewhere = [PathBuf::from("/site/static/im")];
        assert!(differing_files(&old, &new, &elsewhere).is_empty());
    }

    #[test]
    fn a_failed_rebuild_names_what_changed_from_the_site_root() {
        let root = Path::new("/site");
        let one = [root.join("templates/page.html")];
        assert_eq!(what_changed(root, &one), "templates/page.html changed");
        let three = ["content/a.md", "content/b.md", "config.toml"].map(|p| root.join(p));
        assert_eq!(
            what_changed(root, &three),
            "content/a.md and 2 more changed"
        );
    }

    #[test]
    fn added_and_removed_files_count_as_changes() {
        let old = site(&[("a/index.html", generated("a"))]);
        let new = site(&[("b/index.html", generated("a"))]);
        assert_eq!(
            differing_files(&old, &new, &[]),
            ["a/index.html", "b/index.html"]
        );
    }

    #[test]
    fn the_first_good_build_after_an_error_reloads_to_drop_the_overlay() {
        let old = showing(site(&[("index.html", generated("a"))]), Some("broken"));
        let new = site(&[("index.html", generated("a"))]);
        assert_eq!(page_update(&old, &new, &[]), Some(PageUpdate::Reload));
    }

    #[test]
    fn a_failed_build_keeps_the_last_good_site_and_moves_on_a_generation() {
        let old = showing(site(&[("index.html", generated("a"))]), None);
        let next = failed(&old, "templates/page.html:3: oops".into());
        assert!(Arc::ptr_eq(
            next.site.as_ref().unwrap(),
            old.site.as_ref().unwrap()
        ));
        assert_eq!((next.generation, next.update), (8, PageUpdate::ShowError));
    }
}
