//! Images that templates ask for. `resize_image` and `get_image_metadata` are answered while
//! pages render (from each source's header alone); the resizing is done afterwards, in
//! parallel and once per distinct request, into `.kiln/cache/images/` under the site root,
//! which later builds and `kiln serve` reuse. A processed image is named by a hash of its
//! source's bytes and of the arguments, so a changed source or argument makes a new file.

mod source;
mod source_index;

use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::ImageReader;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::PlainFile;
use crate::error::{Diagnostic, io_error};
pub use kiln_pixels::{Lossy, Op, Target, Variant};
pub use source::{Facts, Format};

/// Where processed images go in the output, as in Zola.
pub const OUTPUT_FOLDER: &str = "processed_images";
/// Where they are kept between builds, under the site root.
const CACHE_FOLDER: &str = ".kiln/cache/images";

/// The images of one site: the sources read so far and every processed image asked for.
pub struct Images {
    root: PathBuf,
    base_url: String,
    sources: source::Sources,
    asked: Mutex<BTreeMap<String, Request>>,
}

/// One processed image: its source, what to do and how to write it.
#[derive(Debug, Clone)]
struct Request {
    file: PathBuf,
    facts: Facts,
    op: Op,
    size: (u32, u32),
    target: Target,
}

/// The arguments of `resize_image`.
#[derive(Debug, Clone)]
pub struct ResizeArgs<'a> {
    pub path: &'a str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub op: &'a str,
    pub format: &'a str,
    pub quality: Option<u8>,
    pub speed: Option<u8>,
}

/// What `resize_image` returns, in Zola's shape.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Resized {
    pub url: String,
    pub static_path: String,
    pub width: u32,
    pub height: u32,
    pub orig_width: u32,
    pub orig_height: u32,
}

/// What `get_image_metadata` returns, in Zola's shape.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Metadata {
    pub width: u32,
    pub height: u32,
    pub format: &'static str,
    pub mime: &'static str,
}

impl Images {
    pub fn new(root: &Path, base_url: &str) -> Images {
        Images {
            root: root.to_path_buf(),
            base_url: base_url.trim_end_matches('/').to_string(),
            sources: source::Sources::load(root),
            asked: Mutex::default(),
        }
    }

    /// The folder processed images are kept in between builds.
    pub fn cache_folder(&self) -> PathBuf {
        self.root.join(CACHE_FOLDER)
    }

    /// The file at site path `path`, found as Zola finds it.
    pub fn find(&self, path: &str) -> Result<PathBuf, String> {
        source::find(&self.root, path, None)
    }

    /// The facts of the image at site path `path` (found as Zola finds it).
    pub fn facts(&self, path: &str) -> Result<(PathBuf, Facts), String> {
        let file = source::find(&self.root, path, None)?;
        let facts = self.sources.facts(&file)?;
        Ok((file, facts))
    }

    /// `get_image_metadata`: `None` for a missing file when `allow_missing`.
    pub fn metadata(&self, path: &str, allow_missing: bool) -> Result<Option<Metadata>, String> {
        let found = match source::find(&self.root, path, None) {
            Ok(file) => file,
            Err(_) if allow_missing => return Ok(None),
            Err(e) => return Err(e),
        };
        let facts = self.sources.facts(&found)?;
        Ok(Some(Metadata {
            width: facts.width,
            height: facts.height,
            format: facts.format.extension(),
            mime: facts.format.mime(),
        }))
    }

    /// `resize_image`: the processed image's URL and size, now; its pixels after rendering.
    pub fn resize(&self, args: &ResizeArgs<'_>) -> Result<Resized, String> {
        let (file, facts) = self.facts(args.path)?;
        if facts.format == Format::Svg {
            return Err(format!(
                "`{}` is an SVG, which scales by itself; use it as it is",
                args.path
            ));
        }
        let op = Op::parse(args.op)?;
        let size = op.size((facts.width, facts.height), args.width, args.height)?;
        let lossy = Lossy(facts.format.is_lossy());
        let target = Target::parse(args.format, lossy, args.quality, args.speed)?;
        let mut key = DefaultHasher::new();
        (facts.hash, op, size, target).hash(&mut key);
        let name = format!("{:016x}.{}", key.finish(), target.extension());
        let resized = Resized {
            url: format!("{}/{OUTPUT_FOLDER}/{name}", self.base_url),
            static_path: format!("{CACHE_FOLDER}/{name}"),
            width: size.0,
            height: size.1,
            orig_width: facts.width,
            orig_height: facts.height,
        };
        let request = Request {
            file,
            facts,
            op,
            size,
            target,
        };
        self.lock().insert(name, request);
        Ok(resized)
    }

    /// Whether no template has asked for a processed image yet.
    pub fn none_asked(&self) -> bool {
        self.lock().is_empty()
    }

    /// The names of every processed image asked for so far.
    pub fn asked(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// Makes the processed images `names` (each one not already in the cache), in parallel,
    /// removes cached files no longer named, and lists the output files to copy, with every
    /// image that could not be made.
    pub fn process(&self, names: &[String]) -> (Vec<PlainFile>, Vec<Diagnostic>) {
        if names.is_empty() {
            return (Vec::new(), Vec::new());
        }
        self.sources.save(&self.root);
        let cache = self.cache_folder();
        if let Err(e) = std::fs::create_dir_all(&cache) {
            return (
                Vec::new(),
                vec![io_error(&cache, "create the image cache folder", &e)],
            );
        }
        let requests: Vec<(String, Request)> = {
            let asked = self.lock();
            names
                .iter()
                .filter_map(|n| Some((n.clone(), asked.get(n)?.clone())))
                .collect()
        };
        // Each source is decoded once, however many sizes of it are asked for.
        let mut by_source: BTreeMap<&Path, Vec<(PathBuf, &Request)>> = BTreeMap::new();
        for (name, request) in &requests {
            let target = cache.join(name);
            if !target.is_file() {
                by_source
                    .entry(&request.file)
                    .or_default()
                    .push((target, request));
            }
        }
        let errors: Vec<Diagnostic> = by_source
            .into_par_iter()
            .flat_map_iter(|(file, wanted)| make_all(file, &wanted))
            .collect();
        if !errors.is_empty() {
            return (Vec::new(), errors);
        }
        prune(&cache, names);
        let files = requests.into_iter().map(|(name, _)| PlainFile {
            rel: format!("{OUTPUT_FOLDER}/{name}"),
            file: cache.join(name),
        });
        (files.collect(), Vec::new())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Request>> {
        // Each insert is one call: a panic elsewhere cannot leave the map half-written.
        self.asked.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The directories' rules for podcast artwork (Apple Podcasts, and the others that follow it).
pub const ARTWORK_RULE: &str =
    "podcast directories need a square JPEG or PNG in RGB, 1400 to 3000 pixels on a side";

/// What is wrong with `file` as podcast artwork, if anything.
pub fn artwork_problem(file: &Path) -> Option<String> {
    let reader = match ImageReader::open(file).and_then(|r| r.with_guessed_format()) {
        Ok(reader) => reader,
        Err(e) => return Some(format!("cannot be read ({e})")),
    };
    let format = reader.format();
    if !matches!(
        format,
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png)
    ) {
        let name = format.map_or("not an image".to_string(), |f| format!("{f:?}"));
        return Some(format!("is {name}, not JPEG or PNG"));
    }
    let decoder = match reader.into_decoder() {
        Ok(decoder) => decoder,
        Err(e) => return Some(format!("cannot be read ({e})")),
    };
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    let color = image::ImageDecoder::color_type(&decoder);
    if matches!(
        color,
        image::ColorType::L8
            | image::ColorType::La8
            | image::ColorType::L16
            | image::ColorType::La16
    ) {
        return Some("is greyscale, not RGB".to_string());
    }
    if width != height {
        return Some(format!("is {width} × {height} pixels, not square"));
    }
    if !(1400..=3000).contains(&width) {
        return Some(format!("is {width} × {height} pixels"));
    }
    None
}

/// The processed images `bytes` (a rendered output) links to, by name: each
/// `processed_images/` followed by a name, its slash written plainly or escaped as HTML
/// templates escape it (`&#x2F;`).
pub fn referenced(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for start in memchr::memmem::find_iter(bytes, OUTPUT_FOLDER.as_bytes()) {
        let rest = &bytes[start + OUTPUT_FOLDER.len()..];
        let Some(rest) = rest
            .strip_prefix(b"/")
            .or_else(|| rest.strip_prefix(b"&#x2F;"))
        else {
            continue;
        };
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.')
            .count();
        if let Ok(name) = std::str::from_utf8(&rest[..len]) {
            found.push(name.to_string());
        }
    }
    found
}

/// Reads `file` once and writes each `(target, request)` of it.
fn make_all(file: &Path, wanted: &[(PathBuf, &Request)]) -> Vec<Diagnostic> {
    let fail = |why: String| Diagnostic::in_file(file, format!("cannot resize this image: {why}"));
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => return vec![io_error(file, "read this image", &e)],
    };
    let orientation = wanted.first().map_or(1, |(_, r)| r.facts.orientation);
    let variants: Vec<Variant> = wanted
        .iter()
        .map(|(_, r)| Variant {
            op: r.op,
            size: r.size,
            target: r.target,
        })
        .collect();
    let made = match kiln_pixels::process(&bytes, orientation, &variants) {
        Ok(made) => made,
        Err(why) => return vec![fail(why)],
    };
    let mut errors = Vec::new();
    for ((target, _), result) in wanted.iter().zip(made) {
        let written = result.map_err(fail).and_then(|bytes| {
            // Written aside, then renamed: a build stopped half-way leaves no truncated image.
            let partial = target.with_extension("partial");
            std::fs::write(&partial, &bytes)
                .and_then(|()| std::fs::rename(&partial, target))
                .map_err(|e| io_error(target, "write this processed image", &e))
        });
        errors.extend(written.err());
    }
    errors
}

/// Removes cached images that `keep` does not name.
fn prune(cache: &Path, keep: &[String]) {
    let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !keep.contains(name.to_string_lossy().as_ref()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_whether_or_not_their_slashes_are_escaped() {
        let html = b"<img src=\"https://x.org/processed_images/0123456789abcdef.jpg\"> \
            <img src=\"https:&#x2F;&#x2F;x.org&#x2F;processed_images&#x2F;fedcba9876543210.webp\">";
        assert_eq!(
            referenced(html),
            ["0123456789abcdef.jpg", "fedcba9876543210.webp"]
        );
    }
}
