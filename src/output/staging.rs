//! Writes a site into a fresh folder beside the output, swapped in only on success.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{BuildError, Diagnostic, io_error};
use crate::output::{OutputFile, SiteOutput};

/// A fresh folder beside the output that a build fills, file by file and from any thread, and
/// that replaces the output only on [`Staging::commit`]; dropped uncommitted, it is removed, so
/// a failed build leaves the previous output untouched and no half-written folder behind.
#[derive(Debug)]
pub struct Staging {
    temp: PathBuf,
    output_dir: PathBuf,
    /// The output's parent folder if this build created it: removed again on failure.
    created_parent: Option<PathBuf>,
    /// Folders of Kiln's own whose files are hard-linked into the output instead of copied.
    linked: Vec<PathBuf>,
}

impl Staging {
    /// Creates the temporary folder (and the output's parent folder if needed).
    pub fn new(output_dir: &Path) -> Result<Staging, BuildError> {
        let parent = match output_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let created_parent = (!parent.exists()).then(|| parent.clone());
        std::fs::create_dir_all(&parent)
            .map_err(|e| io_error(&parent, "create the output's parent folder", &e))?;
        let name = output_dir
            .file_name()
            .map_or_else(|| "dist".into(), |n| n.to_string_lossy().into_owned());
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        remove_abandoned(&parent, &name);
        let temp = parent.join(format!(".kiln-build-{name}-{}-{stamp}", std::process::id()));
        std::fs::create_dir(&temp)
            .map_err(|e| io_error(&temp, "create a temporary output folder", &e))?;
        Ok(Staging {
            temp,
            output_dir: output_dir.to_path_buf(),
            created_parent,
            linked: Vec::new(),
        })
    }

    /// Writes `bytes` at output path `rel` (`/`-separated, checked to stay inside the folder).
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.target(rel)?;
        std::fs::write(&target, bytes).map_err(|e| io_error(&target, "write", &e))
    }

    /// Files under `folder` are hard-linked into the output rather than copied, where the file
    /// system allows. Only for a folder Kiln alone writes, whose files are never changed in
    /// place (each is written aside and renamed): the processed-image cache, so a build with
    /// every image cached writes none of their bytes again. A site's own files are copied, so
    /// nothing done to the output can reach them.
    pub fn link_from(&mut self, folder: PathBuf) {
        self.linked.push(folder);
    }

    /// Copies `source` to output path `rel` (or links it, see [`Staging::link_from`]).
    pub fn copy(&self, rel: &str, source: &Path) -> Result<(), Diagnostic> {
        let target = self.target(rel)?;
        if self.linked.iter().any(|folder| source.starts_with(folder))
            && std::fs::hard_link(source, &target).is_ok()
        {
            return Ok(());
        }
        std::fs::copy(source, &target)
            .map(drop)
            .map_err(|e| io_error(source, "copy this file into the output", &e))
    }

    /// Writes every file of `site`, in parallel.
    pub fn put_all(&self, site: &SiteOutput) -> Result<(), BuildError> {
        let errors: Vec<Diagnostic> = site
            .files
            .par_iter()
            .filter_map(|(rel, file)| {
                match file {
                    OutputFile::Generated(bytes) => self.put(rel, bytes),
                    OutputFile::Copied(source) => self.copy(rel, source),
                }
                .err()
            })
            .collect();
        BuildError::check(errors)
    }

    /// Puts the filled folder in place of the output.
    pub fn commit(mut self) -> Result<(), BuildError> {
        let result = swap(&self.temp, &self.output_dir);
        if result.is_ok() {
            self.created_parent = None;
        }
        // Committed or not, `Drop` has nothing left to do but remove a temporary folder that a
        // failed swap left behind.
        drop(self);
        result
    }

    /// Where `rel` goes, its folder created; the last line of defence: whatever produced `rel`,
    /// it must stay inside the folder.
    fn target(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        if crate::url_path::safe_components(rel).ok().as_deref() != Some(rel) {
            return Err(Diagnostic::new(format!(
                "refusing to write `{rel}`: it would leave the output folder"
            )));
        }
        let target = self.temp.join(rel);
        if let Some(folder) = target.parent() {
            // Tolerates another thread creating the same folder at the same time.
            std::fs::create_dir_all(folder)
                .map_err(|e| io_error(folder, "create an output folder", &e))?;
        }
        Ok(target)
    }
}

impl crate::render::Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        Staging::put(self, rel, bytes)
    }

    /// Into the file as it is written: a large output is never all in memory.
    fn put_with(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let target = self.target(rel)?;
        let file = std::fs::File::create(&target).map_err(|e| io_error(&target, "write", &e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out)?;
        out.flush().map_err(|e| io_error(&target, "write", &e))
    }
}

/// Removes the folders that builds of `name` left in `parent` when stopped half-way (Ctrl-C):
/// `.kiln-build-{name}-{pid}-{stamp}[.old]` whose process is gone. Only where `/proc` tells
/// which processes live; a folder whose process may still run is never touched.
fn remove_abandoned(parent: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".kiln-build-{name}-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((pid, stamp)) = rest.split_once('-') else {
            continue;
        };
        let stamp = stamp.strip_suffix(".old").unwrap_or(stamp);
        let well_formed = pid.parse::<u32>().is_ok() && stamp.parse::<u128>().is_ok();
        if well_formed && !proc.join(pid).exists() {
            let _ = remove_tree(&entry.path());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Best effort: the temporary folder is ours alone (gone already after a commit).
        if self.temp.exists() {
            let _ = remove_tree(&self.temp);
        }
        // Only if still empty: something else may have been put there meanwhile.
        if let Some(parent) = &self.created_parent {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// Refuses an output folder whose replacement would delete the site's sources: the root itself,
/// a folder holding it, or a folder inside `content/`, `templates/` or `static/`.
pub fn check_output_dir(root: &Path, output_dir: &Path) -> Result<(), BuildError> {
    let root = absolute(root);
    let output = absolute(output_dir);
    let sources = ["content", "templates", "static"].map(|d| root.join(d));
    if root.starts_with(&output) || sources.iter().any(|s| output.starts_with(s)) {
        return Err(Diagnostic::new(format!(
            "refusing to use {} as the output folder: replacing it would delete the site's sources in {}; choose a folder such as {}",
            output_dir.display(),
            root.display(),
            root.join("dist").display()
        ))
        .into());
    }
    Ok(())
}

/// `path` made absolute and resolved through symlinks as far as it exists.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path));
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(real, |p: PathBuf, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return joined,
        }
    }
}

/// Puts `temp` in place of `output_dir`, removing the previous output only once the new one is in.
fn swap(temp: &Path, output_dir: &Path) -> Result<(), BuildError> {
    if output_dir.exists() {
        // Appended, not `with_extension`: an output named `public.v2` would lose the stamp.
        let mut old = temp.as_os_str().to_owned();
        old.push(".old");
        let old = PathBuf::from(old);
        std::fs::rename(output_dir, &old)
            .map_err(|e| io_error(output_dir, "move the previous output aside", &e))?;
        if let Err(e) = std::fs::rename(temp, output_dir) {
            let _ = std::fs::rename(&old, output_dir);
            return Err(io_error(output_dir, "put the new output in place", &e).into());
        }
        remove_tree(&old).map_err(|e| io_error(&old, "remove the previous output", &e))?;
    } else {
        std::fs::rename(temp, output_dir)
            .map_err(|e| io_error(output_dir, "put the new output in place", &e))?;
    }
    Ok(())
}

/// Removes `dir` and everything in it, its subfolders in parallel (an old output holds one
/// folder per page).
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `site` to `output_dir` atomically.
    fn write_site(site: &SiteOutput, output_dir: &Path) -> Result<(), BuildError> {
        let staging = Staging::new(output_dir)?;
        staging.put_all(site)?;
        staging.commit()
    }
    use std::sync::Arc;

    #[test]
    fn a_second_write_replaces_the_first_entirely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dist");
        let site = |files: &[&str]| SiteOutput {
            files: files
                .iter()
                .map(|f| (f.to_string(), OutputFile::Generated(Arc::from(&b"x"[..]))))
                .collect(),
            ..SiteOutput::default()
        };
        write_site(&site(&["a/index.html", "a/b/c/index.html", "x.css"]), &out).unwrap();
        write_site(&site(&["d/index.html"]), &out).unwrap();
        assert!(
            out.join("d/index.html").is_file()
                && !out.join("a").exists()
                && !out.join("x.css").exists()
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            ["dist"],
            "no temporary or old folder is left beside the output"
        );
    }

    #[test]
    fn an_abandoned_build_leaves_no_folder_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/dist");
        let staging = Staging::new(&out).unwrap();
        staging.put("a/index.html", b"x").unwrap();
        drop(staging);
        assert!(!dir.path().join("new").exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn folders_of_builds_whose_process_is_gone_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 0 in /proc; this test's own process is alive.
        let gone = dir.path().join(".kiln-build-dist-0-123");
        let alive = dir
            .path()
            .join(format!(".kiln-build-dist-{}-456", std::process::id()));
        let other = dir.path().join(".kiln-build-docs-0-789");
        for folder in [&gone, &alive, &other] {
            std::fs::create_dir_all(folder.join("blog")).unwrap();
        }
        let staging = Staging::new(&dir.path().join("dist")).unwrap();
        assert!(!gone.exists(), "a dead build's folder is removed");
        assert!(
            alive.exists() && other.exists(),
            "a live build's and another output's stay"
        );
        drop(staging);
    }

    #[test]
    fn an_output_name_with_a_dot_is_replaced_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public.v2");
        let site = SiteOutput {
            files: [(
                "index.html".to_string(),
                OutputFile::Generated(Arc::from(&b"x"[..])),
            )]
            .into(),
            ..SiteOutput::default()
        };
        write_site(&site, &out).unwrap();
        write_site(&site, &out).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public.v2"]);
    }

    #[test]
    fn output_folders_that_hold_sources_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("dist")).is_ok());
        assert!(check_output_dir(&root, &dir.path().join("elsewhere")).is_ok());
    }
}
