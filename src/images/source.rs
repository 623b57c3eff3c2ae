//! Source images: Zola's file search for a `path` argument, and what Kiln learns of a source
//! once (size, format, orientation, a hash of its bytes) without decoding its pixels.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::UNIX_EPOCH;

use image::{ImageFormat, ImageReader};

/// What a source image is, read from its header (and its EXIF block for the orientation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Width and height as displayed: swapped when EXIF says the pixels are turned.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// EXIF orientation, 1 to 8 (1: as stored).
    pub orientation: u32,
    /// A hash of the file's bytes: a processed image is named after it.
    pub hash: u128,
}

/// The formats Kiln reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Raster(ImageFormat),
    Svg,
}

impl Format {
    /// The usual extension, as Zola's `get_image_metadata` reports it.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Raster(ImageFormat::Jpeg) => "jpg",
            Format::Raster(format) => format.extensions_str().first().copied().unwrap_or("bin"),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Raster(format) => format.to_mime_type(),
        }
    }

    /// Whether the format loses detail (then `auto` encodes JPEG, else PNG), as in Zola.
    pub fn is_lossy(self) -> bool {
        matches!(
            self,
            Format::Raster(ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Avif)
        )
    }
}

/// Finds `path` as Zola does: `@/` means `content/`; then the site root, `static/`, `content/`,
/// the output folder, and the theme's `static/`. Paths that would leave the root are refused.
pub fn find(root: &Path, path: &str, theme: Option<&str>) -> Result<PathBuf, String> {
    let rel = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let rel = Path::new(&rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!(
            "`{path}` leaves the site folder; name a file inside it"
        ));
    }
    let mut bases = vec![
        PathBuf::new(),
        "static".into(),
        "content".into(),
        "dist".into(),
    ];
    if let Some(theme) = theme {
        bases.push(Path::new("themes").join(theme).join("static"));
    }
    bases
        .iter()
        .map(|base| root.join(base).join(rel))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!("no file `{path}` in the site root, static/, content/ or the output folder")
        })
}

/// A file's length and modification time: while both stay, its facts are still right.
pub(super) type Stamp = (u64, u128);

/// Facts about every source asked for, read once per file and version of it.
#[derive(Default)]
pub struct Sources {
    /// By file, with the stamp they were read at.
    known: Mutex<HashMap<PathBuf, (Stamp, Facts)>>,
    /// Whether a source was read since the index was loaded or saved.
    read_any: AtomicBool,
}

impl Sources {
    /// The sources the last build of the site at `root` knew (`source_index.rs`).
    pub fn load(root: &Path) -> Sources {
        Sources {
            known: Mutex::new(super::source_index::load(root)),
            read_any: AtomicBool::new(false),
        }
    }

    /// Keeps what is known for the next build, when a source was read since the last save.
    pub fn save(&self, root: &Path) {
        if self.read_any.swap(false, Ordering::Relaxed) {
            super::source_index::save(root, &self.lock());
        }
    }

    /// The facts of `file`, read again only if its length or modification time changed.
    pub fn facts(&self, file: &Path) -> Result<Facts, String> {
        let stamp = stamp(file)?;
        if let Some((seen, facts)) = self.lock().get(file)
            && *seen == stamp
        {
            return Ok(facts.clone());
        }
        let facts = read_facts(file)?;
        self.read_any.store(true, Ordering::Relaxed);
        self.lock()
            .insert(file.to_path_buf(), (stamp, facts.clone()));
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (Stamp, Facts)>> {
        // A panic elsewhere cannot leave the map half-written: each insert is one call.
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn stamp(file: &Path) -> Result<Stamp, String> {
    let meta =
        std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), modified))
}

fn read_facts(file: &Path) -> Result<Facts, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let hash = xxhash_rust::xxh3::xxh3_128(&bytes);
    if is_svg(file, &bytes) {
        let (width, height) = svg_size(&bytes).ok_or_else(|| {
            format!(
                "{}: an SVG without a width and height or viewBox",
                file.display()
            )
        })?;
        return Ok(Facts {
            width,
            height,
            format: Format::Svg,
            orientation: 1,
            hash,
        });
    }
    let reader = ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let format = reader
        .format()
        .ok_or_else(|| format!("{}: not an image format Kiln reads", file.display()))?;
    let (stored_w, stored_h) = reader
        .into_dimensions()
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let orientation = exif_orientation(&bytes);
    // Orientations 5 to 8 turn the picture a quarter: it shows wider than it is stored.
    let (width, height) = if orientation >= 5 {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    Ok(Facts {
        width,
        height,
        format: Format::Raster(format),
        orientation,
        hash,
    })
}

fn is_svg(file: &Path, bytes: &[u8]) -> bool {
    let named = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    named || bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml")
}

/// The orientation EXIF gives (1 when there is none or it cannot be read).
fn exif_orientation(bytes: &[u8]) -> u32 {
    let mut reader = std::io::Cursor::new(bytes);
    let Ok(exif) = exif::Reader::new().read_from_container(&mut reader) else {
        return 1;
    };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

/// An SVG's size from its root's `width` and `height`, else its `viewBox`.
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut text = String::new();
    BufReader::new(bytes).read_to_string(&mut text).ok()?;
    let doc = roxmltree::Document::parse(&text).ok()?;
    let svg = doc.root_element();
    let length = |name: &str| {
        let value = svg.attribute(name)?;
        let number = value.trim_end_matches("px").trim();
        number.parse::<f64>().ok().filter(|n| *n > 0.0)
    };
    if let (Some(w), Some(h)) = (length("width"), length("height")) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let view_box: Vec<f64> = svg
        .attribute("viewBox")?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match view_box.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_searched_in_zolas_order_and_may_not_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "static/a.png",
            "content/a.png",
            "content/blog/b.png",
            "c.png",
        ] {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), b"x").unwrap();
        }
        assert_eq!(
            find(root, "a.png", None).unwrap(),
            root.join("static/a.png")
        );
        assert_eq!(
            find(root, "@/blog/b.png", None).unwrap(),
            root.join("content/blog/b.png")
        );
        assert_eq!(find(root, "/c.png", None).unwrap(), root.join("c.png"));
        assert!(
            find(root, "../etc/passwd", None)
                .unwrap_err()
                .contains("leaves")
        );
        assert!(
            find(root, "missing.png", None)
                .unwrap_err()
                .contains("no file")
        );
    }

    #[test]
    fn svg_sizes_come_from_width_and_height_or_the_view_box() {
        assert_eq!(
            svg_size(br#"<svg width="120px" height="80"/>"#),
            Some((120, 80))
        );
        assert_eq!(
            svg_size(br#"<svg viewBox="0 0 300 150"/>"#),
            Some((300, 150))
        );
        assert_eq!(svg_size(br#"<svg/>"#), None);
    }
}
