//! Test harness: copy a site into a temp dir, run the real `kiln build` on it, read what it wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A build that hangs is a failure, not a stuck CI job.
const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// The repository root, where the example site lives.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in its own temp dir. The site is `<tmp>/site`, so `<tmp>` is the folder *beside* the
/// site where escapes or leftover build folders would show up.
pub struct Site {
    /// The folder holding `site/`.
    dir: PathBuf,
    /// Removes `dir` when the last holder goes; shared with every `Run`, so a run's output
    /// outlives a `Site` dropped early. `None` for a folder kept for the whole test run.
    guard: Option<Arc<TempDir>>,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_tree(&repo_root().join("tests/fixtures").join(name), &site.root());
        site
    }

    /// A copy of the example site at the repo root (never built in place).
    pub fn example() -> Site {
        let site = Site::empty();
        site.copy_example();
        site
    }

    fn copy_example(&self) {
        let repo = repo_root();
        fs::copy(repo.join("config.toml"), self.root().join("config.toml"))
            .expect("the example site has a config.toml at the repo root");
        for folder in ["content", "templates", "static", "sass"] {
            if repo.join(folder).is_dir() {
                copy_tree(&repo.join(folder), &self.root().join(folder));
            }
        }
    }

    /// A site folder with nothing in it yet.
    pub fn empty() -> Site {
        let tmp = tempfile::Builder::new()
            .prefix("kiln-test-")
            .tempdir()
            .expect("temp dir");
        fs::create_dir(tmp.path().join("site")).expect("site dir");
        Site {
            dir: tmp.path().to_path_buf(),
            guard: Some(Arc::new(tmp)),
        }
    }

    /// A copy of the example site in a folder that is never removed during this run, for a
    /// build shared by many tests through a `static` (statics are never dropped). The folder is
    /// per process under cargo's target tmp dir; copies left by finished runs are removed here.
    pub fn example_kept() -> Site {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_copies_of_finished_runs(base, "kiln-example-");
        let dir = base.join(format!("kiln-example-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("site")).expect("example site dir");
        let site = Site { dir, guard: None };
        site.copy_example();
        site
    }

    pub fn root(&self) -> PathBuf {
        self.dir.join("site")
    }

    /// The folder that holds the site folder.
    pub fn parent(&self) -> PathBuf {
        self.dir.clone()
    }

    pub fn dist(&self) -> PathBuf {
        self.root().join("dist")
    }

    pub fn write(&self, rel: &str, contents: &str) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        fs::write(&path, contents).expect("write site file");
    }

    pub fn read_source(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).expect("read site file")
    }

    /// Replaces the first `from` in a site file with `to`. Panics when `from` is missing, so a
    /// fixture that drifts cannot turn a test into one that checks nothing.
    pub fn replace_in(&self, rel: &str, from: &str, to: &str) {
        let text = self.read_source(rel);
        assert!(
            text.contains(from),
            "{rel} no longer contains {from:?}; update the test"
        );
        self.write(rel, &text.replacen(from, to, 1));
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).expect("remove site file");
    }

    /// `kiln build --root <site> ARGS…`, run from the temp dir.
    pub fn build(&self, args: &[&str]) -> Run {
        let root = self.root();
        let mut full = vec!["build", "--root", root.to_str().expect("utf-8 temp path")];
        full.extend_from_slice(args);
        self.kiln_in(&self.parent(), &full, self.dist())
    }

    /// `kiln ARGS…` run from `cwd`; `out` is where the test expects the output.
    pub fn kiln_in(&self, cwd: &Path, args: &[&str], out: PathBuf) -> Run {
        // One log folder per run, so concurrent runs on one site never share a file.
        let logs = tempfile::Builder::new()
            .prefix("logs-")
            .tempdir_in(&self.dir)
            .expect("logs dir");
        let (out_log, err_log) = (logs.path().join("stdout"), logs.path().join("stderr"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(fs::File::create(&out_log).expect("stdout log"))
            .stderr(fs::File::create(&err_log).expect("stderr log"))
            .spawn()
            .expect("run the kiln binary");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for kiln") {
                break status;
            }
            if started.elapsed() > BUILD_TIMEOUT {
                let _ = child.kill();
                panic!(
                    "`kiln {}` ran longer than {BUILD_TIMEOUT:?}",
                    args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Run {
            args: args.join(" "),
            success: status.success(),
            code: status.code(),
            stdout: strip_ansi(&fs::read_to_string(out_log).unwrap_or_default()),
            stderr: strip_ansi(&fs::read_to_string(err_log).unwrap_or_default()),
            out,
            _keep: self.guard.clone(),
        }
    }
}

/// What one run of the binary did.
pub struct Run {
    pub args: String,
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The output folder this run was expected to write.
    pub out: PathBuf,
    _keep: Option<Arc<TempDir>>,
}

impl Run {
    pub fn succeeded(self) -> Run {
        assert!(
            self.success,
            "`kiln {}` failed ({:?}).\n--- stderr ---\n{}\n--- stdout ---\n{}",
            self.args, self.code, self.stderr, self.stdout
        );
        self
    }

    pub fn failed(self) -> Run {
        assert!(
            !self.success,
            "`kiln {}` should have failed but exited 0.\n--- stderr ---\n{}\n--- stdout ---\n{}",
            self.args, self.stderr, self.stdout
        );
        assert!(
            !self.stderr.trim().is_empty(),
            "`kiln {}` failed without a message on stderr",
            self.args
        );
        self
    }

    /// Everything the user saw, stdout and stderr together.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).is_file()
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|err| {
            let written: Vec<String> = files_under(&self.out).into_iter().collect();
            panic!("cannot read {rel} in the output ({err}); it holds: {written:?}")
        })
    }

    /// Every file the build wrote, as `/`-separated paths relative to the output folder.
    pub fn files(&self) -> BTreeSet<String> {
        files_under(&self.out)
    }

    /// The HTML files among `files()`.
    pub fn html_files(&self) -> Vec<String> {
        self.files()
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect()
    }
}

/// Every file under `dir`, relative and `/`-separated, sorted.
pub fn files_under(dir: &Path) -> BTreeSet<String> {
    snapshot(dir).into_keys().collect()
}

/// Every file under `dir` with its bytes: two equal snapshots mean byte-identical trees.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>();
                files.insert(rel.join("/"), fs::read(&path).expect("read output file"));
            }
        }
    }
    files
}

/// Paths whose bytes differ between two snapshots (or that only one of them has).
pub fn differing_files(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect()
}

/// Copy a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Removes `<base>/<prefix><pid>` folders whose process has ended (Linux `/proc`; elsewhere
/// nothing is removed, since a live run cannot be told from a finished one).
fn remove_copies_of_finished_runs(base: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    for name in entries_starting_with(base, prefix) {
        let pid = &name[prefix.len()..];
        if !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_dir_all(base.join(&name));
        }
    }
}

/// Names of entries directly in `dir` that start with `prefix`.
pub fn entries_starting_with(dir: &Path, prefix: &str) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

/// True when `message` points at `file` and `line`: `file:LINE:COL`, `file:LINE`, or the file
/// named with `line LINE` (the engine's wording may vary; the facts may not).
pub fn names_file_and_line(message: &str, file: &str, line: usize) -> bool {
    let compact = format!("{file}:{line}");
    if message.contains(&compact) {
        return true;
    }
    message.contains(file)
        && (message.contains(&format!("line {line}")) || message.contains(&format!("--> {line}:")))
}

/// Like `names_file_and_line`, and a column is given too (`file:LINE:COL` or `column N`).
pub fn names_file_line_and_column(message: &str, file: &str, line: usize) -> bool {
    let prefix = format!("{file}:{line}:");
    let compact = message
        .match_indices(&prefix)
        .any(|(at, _)| message[at + prefix.len()..].starts_with(|c: char| c.is_ascii_digit()));
    compact
        || (names_file_and_line(message, file, line)
            && (message.contains("column") || message.contains(&format!("{line}:"))))
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
