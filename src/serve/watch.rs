//! Watches the site's sources and hands debounced batches of changed paths to the rebuild loop.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};

/// The folders whose content is part of the site (`data/` for files templates load); anything
/// else under the root is not watched.
const SOURCE_DIRS: [&str; 6] = ["content", "templates", "static", "sass", "themes", "data"];

/// Long enough to merge an editor's write-rename-chmod burst into one rebuild, short enough to
/// feel instant.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// A running watch on one site root; dropping it stops watching.
pub struct SourceWatcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: Vec<&'static str>,
}

impl SourceWatcher {
    /// Starts watching `root`, and the `extra` files (the highlighting's own grammars and
    /// themes, which may lie outside the source folders), and sends each batch of relevant
    /// changed paths to `changes`.
    pub fn start(
        root: &Path,
        extra: Vec<PathBuf>,
        changes: Sender<Vec<PathBuf>>,
    ) -> Result<SourceWatcher, String> {
        let folders: Vec<PathBuf> = extra
            .iter()
            .filter_map(|f| f.parent())
            .map(Path::to_path_buf)
            .collect();
        let handler = forward_source_changes(root.to_path_buf(), extra, changes);
        let debouncer = new_debouncer(DEBOUNCE, None, handler)
            .map_err(|e| format!("cannot start watching {}: {e}", root.display()))?;
        let mut watcher = SourceWatcher {
            root: root.to_path_buf(),
            debouncer,
            watched: Vec::new(),
        };
        // The root itself, not recursively: catches `config.toml` and source folders created
        // later, without descending into `target/`, `dist/` or `.kiln/`.
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        watcher.rewatch_source_dirs(&[]);
        for folder in folders {
            // Each file's folder, not the file: editors save by replacing the file.
            if let Err(e) = watcher
                .debouncer
                .watch(&folder, RecursiveMode::NonRecursive)
            {
                eprintln!(
                    "warning: cannot watch {}: {e}; edits there need a restart",
                    folder.display()
                );
            }
        }
        Ok(watcher)
    }

    /// Starts watching any source folder that appeared, and again any that `changed` names
    /// itself: a folder deleted or moved away takes its watch along, even if it comes back.
    pub fn rewatch_source_dirs(&mut self, changed: &[PathBuf]) {
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if changed.contains(&path) && self.watched.contains(&dir) {
                // Usually gone already; a watch on a folder that was only touched is renewed.
                let _ = self.debouncer.unwatch(&path);
                self.watched.retain(|watched| *watched != dir);
            }
            if self.watched.contains(&dir) || !path.is_dir() {
                continue;
            }
            match self.debouncer.watch(&path, RecursiveMode::Recursive) {
                Ok(()) => self.watched.push(dir),
                Err(e) => {
                    let hint = match e.kind {
                        notify::ErrorKind::MaxFilesWatch => {
                            " (raise the limit: sysctl fs.inotify.max_user_watches=524288)"
                        }
                        _ => "",
                    };
                    eprintln!(
                        "warning: cannot watch {}: {e}{hint}; edits there need a restart",
                        path.display()
                    );
                }
            }
        }
    }
}

/// The debouncer's callback: keeps the changes that can affect the site and sends them on.
fn forward_source_changes(
    root: PathBuf,
    extra: Vec<PathBuf>,
    changes: Sender<Vec<PathBuf>>,
) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result| match result {
        Ok(events) => {
            let paths = source_changes(&root, &extra, &events);
            if !paths.is_empty() {
                // The receiver is gone only while the server shuts down.
                let _ = changes.send(paths);
            }
        }
        Err(errors) => {
            for error in errors {
                eprintln!("warning: file watching: {error}");
            }
        }
    }
}

/// The paths in `events` whose change can affect the site, sorted. When the system dropped
/// events (its queue overflowed, say during a large checkout), every source is named.
fn source_changes(root: &Path, extra: &[PathBuf], events: &[DebouncedEvent]) -> Vec<PathBuf> {
    if events.iter().any(|event| event.need_rescan()) {
        let mut all: Vec<PathBuf> = SOURCE_DIRS.iter().map(|dir| root.join(dir)).collect();
        all.push(root.join("config.toml"));
        all.sort();
        return all;
    }
    let mut paths: Vec<PathBuf> = events
        .iter()
        .filter(|event| !matches!(event.kind, EventKind::Access(_)))
        .flat_map(|event| event.paths.iter())
        .filter(|path| is_source_path(root, path) || extra.contains(path))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Whether a change to `path` can change the site: `config.toml` or anything in a source
/// folder, except editors' temporary and backup files.
pub fn is_source_path(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = relative.components();
    let top = match components.next() {
        Some(Component::Normal(top)) => top,
        _ => return false,
    };
    let in_source_dir = SOURCE_DIRS.iter().any(|dir| top == *dir);
    if !(in_source_dir || (top == "config.toml" && components.next().is_none())) {
        return false;
    }
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    !is_editor_scratch_file(name)
}

/// Files editors write beside the real one while saving: swap files, backups, lock files,
/// atomic-save temporaries.
fn is_editor_scratch_file(name: &str) -> bool {
    const SUFFIXES: [&str; 9] = [
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".tmp",
        ".crswap",
        "___jb_tmp___",
        "___jb_old___",
        ".kate-swp",
    ];
    const PREFIXES: [&str; 3] = [".#", ".goutputstream-", ".~lock."];
    name == "4913" // Vim's probe for whether it may write in a folder.
        || name == ".DS_Store"
        || (name.starts_with('#') && name.ends_with('#'))
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
        || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relevant(relative: &str) -> bool {
        is_source_path(Path::new("/site"), &Path::new("/site").join(relative))
    }

    #[test]
    fn sources_and_config_are_watched() {
        assert!(relevant("content/shows/foo.md"));
        assert!(relevant("templates/page.html"));
        assert!(relevant("static/style.css"));
        assert!(relevant("sass/_partial.scss"));
        assert!(relevant("static/.well-known/security.txt"));
        assert!(relevant("config.toml"));
        assert!(relevant("content"));
    }

    #[test]
    fn output_state_and_other_files_are_ignored() {
        assert!(!relevant(".kiln/kiln.db"));
        assert!(!relevant("dist/index.html"));
        assert!(!relevant("target/debug/kiln"));
        assert!(!relevant("README.md"));
        assert!(!relevant("config.toml.bak/x"));
        assert!(!is_source_path(
            Path::new("/site"),
            Path::new("/elsewhere/content/a.md")
        ));
    }

    #[test]
    fn events_the_system_dropped_make_every_source_count_as_changed() {
        let root = Path::new("/site");
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let events = [DebouncedEvent::new(overflow, std::time::Instant::now())];
        let expected = [
            "config.toml",
            "content",
            "data",
            "sass",
            "static",
            "templates",
            "themes",
        ]
        .map(|p| root.join(p));
        assert_eq!(source_changes(root, &[], &events), expected);
    }

    #[test]
    fn the_highlightings_own_files_are_watched_wherever_they_lie() {
        let root = Path::new("/site");
        let grammar = root.join("syntaxes/gleam.json");
        let event = |path: &Path| {
            let kind = EventKind::Modify(notify::event::ModifyKind::Any);
            let event = notify::Event::new(kind).add_path(path.to_path_buf());
            DebouncedEvent::new(event, std::time::Instant::now())
        };
        let events = [event(&grammar), event(&root.join("syntaxes/other.json"))];
        let extra = vec![grammar];
        assert_eq!(source_changes(root, &extra, &events), extra);
        assert!(source_changes(root, &[], &events).is_empty());
    }

    #[test]
    fn editor_scratch_files_are_ignored() {
        for name in [
            "content/.about.md.swp",
            "content/about.md~",
            "content/.#about.md",
            "content/#about.md#",
            "content/4913",
            "templates/page.html___jb_tmp___",
            "static/.goutputstream-XYZ12",
        ] {
            assert!(!relevant(name), "{name} should be ignored");
        }
    }
}
