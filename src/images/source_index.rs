//! The facts of source images kept between builds, in `.kiln/cache/image-sources.json`: a
//! later build (or `kiln serve` started again) reads only the length and modification time of
//! an unchanged source, not its bytes. Without this, every build read and hashed every source
//! whole (hundreds of megabytes for a site of 3,000-pixel covers) to name images it already had.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use image::ImageFormat;
use serde::{Deserialize, Serialize};

use super::source::{Facts, Format, Stamp};

/// Beside the processed images, not among them: pruning removes every file there that no
/// output names.
const INDEX: &str = ".kiln/cache/image-sources.json";

/// One source as written in the index (numbers too large for JSON as strings).
#[derive(Serialize, Deserialize)]
struct Entry {
    file: PathBuf,
    len: u64,
    modified: String,
    width: u32,
    height: u32,
    format: String,
    orientation: u32,
    hash: String,
}

pub(super) type Known = HashMap<PathBuf, (Stamp, Facts)>;

/// The index of the site at `root`; empty when there is none or it cannot be read (then each
/// source is read again, as on a first build).
pub(super) fn load(root: &Path) -> Known {
    let Ok(text) = std::fs::read_to_string(root.join(INDEX)) else {
        return Known::new();
    };
    let entries: Vec<Entry> = serde_json::from_str(&text).unwrap_or_default();
    entries.into_iter().filter_map(from_entry).collect()
}

fn from_entry(entry: Entry) -> Option<(PathBuf, (Stamp, Facts))> {
    let format = match entry.format.as_str() {
        "svg" => Format::Svg,
        ext => Format::Raster(ImageFormat::from_extension(ext)?),
    };
    let facts = Facts {
        width: entry.width,
        height: entry.height,
        format,
        orientation: entry.orientation,
        hash: u128::from_str_radix(&entry.hash, 16).ok()?,
    };
    let stamp = (entry.len, entry.modified.parse().ok()?);
    Some((entry.file, (stamp, facts)))
}

/// Writes `known` (the sources that still exist, sorted) as the index of the site at `root`.
/// A failure only costs the next build a re-read, so it is not an error.
pub(super) fn save(root: &Path, known: &Known) {
    let mut entries: Vec<Entry> = known
        .iter()
        .filter(|(file, _)| file.is_file())
        .map(|(file, ((len, modified), facts))| Entry {
            file: file.clone(),
            len: *len,
            modified: modified.to_string(),
            width: facts.width,
            height: facts.height,
            format: facts.format.extension().to_string(),
            orientation: facts.orientation,
            hash: format!("{:032x}", facts.hash),
        })
        .collect();
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let Ok(text) = serde_json::to_string(&entries) else {
        return;
    };
    let path = root.join(INDEX);
    let partial = path.with_extension("partial");
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&partial, text))
        .and_then(|()| std::fs::rename(&partial, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_keeps_what_was_read_of_sources_that_still_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (kept, gone) = (root.join("a.jpg"), root.join("gone.png"));
        std::fs::write(&kept, b"x").unwrap();
        let facts = |format, hash| Facts {
            width: 3000,
            height: 2000,
            format,
            orientation: 6,
            hash,
        };
        let mut known = Known::new();
        let jpeg = facts(Format::Raster(ImageFormat::Jpeg), u128::MAX - 7);
        known.insert(kept.clone(), ((1, 1_700_000_000_123_456_789), jpeg.clone()));
        known.insert(gone, ((2, 3), facts(Format::Svg, 1)));
        save(root, &known);
        let loaded = load(root);
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[&kept], ((1, 1_700_000_000_123_456_789), jpeg));

        std::fs::write(root.join(INDEX), "not json").unwrap();
        assert!(load(root).is_empty(), "a broken index is read as none");
    }
}
