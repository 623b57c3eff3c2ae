//! Stage 5: write a rendered site into a fresh folder beside the output, swapped in only on success.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{BuildError, Diagnostic, io_error};
use crate::{OutputFile, SiteOutput};

/// Writes `site` to `output_dir` atomically: a failed write leaves the previous output untouched.
pub fn write_site(site: &SiteOutput, output_dir: &Path) -> Result<(), BuildError> {
    let parent = match output_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| io_error(&parent, "create the output's parent folder", &e))?;
    let name = output_dir
        .file_name()
        .map_or_else(|| "dist".into(), |n| n.to_string_lossy().into_owned());
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let temp = parent.join(format!(".kiln-build-{name}-{}-{stamp}", std::process::id()));
    let result = fill(site, &temp).and_then(|()| swap(&temp, output_dir));
    if result.is_err() {
        // Best effort: the temporary folder is ours alone, and the old output was never touched.
        let _ = std::fs::remove_dir_all(&temp);
    }
    result
}

/// Writes every file of `site` under `dir`, in parallel.
fn fill(site: &SiteOutput, dir: &Path) -> Result<(), BuildError> {
    std::fs::create_dir(dir).map_err(|e| io_error(dir, "create a temporary output folder", &e))?;
    let mut folders: Vec<PathBuf> = site
        .files
        .keys()
        .filter_map(|k| Path::new(k).parent().map(|p| dir.join(p)))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder)
            .map_err(|e| io_error(folder, "create an output folder", &e))?;
    }
    let errors: Vec<Diagnostic> = site
        .files
        .par_iter()
        .filter_map(|(rel, file)| {
            let target = dir.join(rel);
            match file {
                OutputFile::Generated(bytes) => std::fs::write(&target, bytes)
                    .err()
                    .map(|e| io_error(&target, "write", &e)),
                OutputFile::Copied(source) => std::fs::copy(source, &target)
                    .err()
                    .map(|e| io_error(source, "copy this file into the output", &e)),
            }
        })
        .collect();
    BuildError::check(errors)
}

/// Puts `temp` in place of `output_dir`, removing the previous output only once the new one is in.
fn swap(temp: &Path, output_dir: &Path) -> Result<(), BuildError> {
    if output_dir.exists() {
        let old = temp.with_extension("old");
        std::fs::rename(output_dir, &old)
            .map_err(|e| io_error(output_dir, "move the previous output aside", &e))?;
        if let Err(e) = std::fs::rename(temp, output_dir) {
            let _ = std::fs::rename(&old, output_dir);
            return Err(io_error(output_dir, "put the new output in place", &e).into());
        }
        std::fs::remove_dir_all(&old)
            .map_err(|e| io_error(&old, "remove the previous output", &e))?;
    } else {
        std::fs::rename(temp, output_dir)
            .map_err(|e| io_error(output_dir, "put the new output in place", &e))?;
    }
    Ok(())
}
