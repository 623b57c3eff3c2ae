//! Zola's template functions that read files of the site: `load_data` and `get_hash` (and the
//! file behind `get_url(cachebust = true)`), found by Zola's file searching logic. Every file
//! read is noted in [`FileReads`], so a rebuild that sees one change redoes everything.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;
use tera::Tera;

/// The files templates have read, kept by the driver across builds.
#[derive(Debug, Clone, Default)]
pub struct FileReads(Arc<Mutex<BTreeSet<PathBuf>>>);

impl FileReads {
    /// Notes that a template read `path`.
    pub fn note(&self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut reads = self.0.lock().unwrap_or_else(|e| e.into_inner());
        reads.insert(path);
    }

    /// Whether any of `changed` (or a folder holding one) was read by a template.
    pub fn any_of(&self, changed: &[PathBuf]) -> bool {
        let reads = self.0.lock().unwrap_or_else(|e| e.into_inner());
        changed.iter().any(|path| {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            reads.iter().any(|read| read.starts_with(&path))
        })
    }
}

/// The stylesheets this build compiled (`sass/`, highlighting themes), by output path, and
/// the Sass sources they came from: `get_url(cachebust = true)` hashes a compiled stylesheet
/// as Zola hashes its output folder's. Set by the driver before pages render.
#[derive(Debug, Clone, Default)]
pub struct CompiledCss(Arc<Mutex<Held>>);

#[derive(Debug, Default)]
struct Held {
    css: HashMap<String, Arc<[u8]>>,
    sources: Vec<PathBuf>,
    /// False in `kiln serve`: a hash would make every Sass edit re-render every page that
    /// links the sheet, where live reload swaps the sheet in place.
    hashed: bool,
}

impl CompiledCss {
    /// Holds `stylesheets` (output path, bytes), compiled from the files `sources`.
    pub fn set(&self, stylesheets: &[(String, Arc<[u8]>)], sources: Vec<PathBuf>, hashed: bool) {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *held = Held {
            css: stylesheets.iter().cloned().collect(),
            sources,
            hashed,
        };
    }

    /// For the stylesheet at output path `rel`: its hash (`None` when not hashed), noting
    /// its sources as read in `reads`.
    fn hash(&self, rel: &str, reads: &FileReads) -> Option<Option<String>> {
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let css = held.css.get(rel)?;
        if !held.hashed {
            return Some(None);
        }
        // A change to any Sass source then rebuilds everything, so the hash stays true.
        held.sources.iter().for_each(|s| reads.note(s));
        Some(Some(hex::encode(sha2::Sha256::digest(css))))
    }
}

/// Where templates find files: the site root and its theme.
#[derive(Debug, Clone)]
pub struct Files {
    pub root: PathBuf,
    pub theme: Option<String>,
    pub reads: FileReads,
    pub compiled: CompiledCss,
}

impl Files {
    /// The files of the site at `root` (with `theme`), none read yet.
    pub fn new(root: &Path, theme: Option<String>) -> Files {
        Files {
            root: root.to_path_buf(),
            theme,
            reads: FileReads::default(),
            compiled: CompiledCss::default(),
        }
    }

    /// Zola's file searching logic: `@/x` is `content/x`; then the root, `static/`,
    /// `content/` and the theme's `static/`, in that order. Paths leaving the site are refused.
    pub fn find(&self, path: &str) -> Result<Option<PathBuf>, String> {
        let path = match path.strip_prefix("@/") {
            Some(rest) => format!("content/{rest}"),
            None => path.to_string(),
        };
        let rel = crate::url_path::safe_components(&path)?;
        let mut places = vec![
            self.root.join(&rel),
            self.root.join("static").join(&rel),
            self.root.join("content").join(&rel),
        ];
        if let Some(theme) = &self.theme {
            places.push(
                self.root
                    .join("themes")
                    .join(theme)
                    .join("static")
                    .join(&rel),
            );
        }
        // Noted even when missing: creating it must rebuild what looked for it.
        places.iter().for_each(|p| self.reads.note(p));
        Ok(places.into_iter().find(|p| p.is_file()))
    }

    /// The bytes of the file `path` names, for `function`'s messages.
    pub fn read(&self, path: &str, function: &str) -> tera::Result<Option<Vec<u8>>> {
        let Some(file) = self.find(path).map_err(|e| fail(function, &e))? else {
            return Ok(None);
        };
        std::fs::read(&file)
            .map(Some)
            .map_err(|e| fail(function, &format!("cannot read {}: {e}", file.display())))
    }
}

fn fail(function: &str, message: &str) -> tera::Error {
    tera::Error::msg(format!("{function}: {message}"))
}

/// Zola's `get_url` of a file's site path (not an `@/` content path): under `base_url`, with
/// `trailing_slash` and `cachebust` (`?h=` and the file's SHA-256) as asked.
pub fn file_url(
    base_url: &str,
    files: &Files,
    path: &str,
    args: &HashMap<String, Value>,
) -> tera::Result<Value> {
    let mut url = format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    if args.get("trailing_slash").and_then(Value::as_bool) == Some(true) && !url.ends_with('/') {
        url.push('/');
    }
    if args.get("cachebust").and_then(Value::as_bool) == Some(true)
        && let Some(hash) = cachebust(files, path)?
    {
        url = format!("{url}?h={hash}");
    }
    Ok(Value::String(url))
}

/// Registers `load_data` and `get_hash` over `files`.
pub fn register(tera: &mut Tera, files: &Arc<Files>) {
    let f = Arc::clone(files);
    tera.register_function("load_data", move |args: &HashMap<String, Value>| {
        load_data(&f, args)
    });
    let f = Arc::clone(files);
    tera.register_function("get_hash", move |args: &HashMap<String, Value>| {
        get_hash(&f, args)
    });
}

fn load_data(files: &Files, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text_arg = |name: &str| args.get(name).and_then(Value::as_str);
    if let Some(url) = text_arg("url") {
        return Err(fail(
            "load_data",
            &format!(
                "`url = \"{url}\"`: Kiln builds without the network; save the data in the site and load it with `path`"
            ),
        ));
    }
    let (text, extension) = match (text_arg("literal"), text_arg("path")) {
        (Some(literal), _) => (literal.to_string(), None),
        (None, Some(path)) => {
            let required = args.get("required").and_then(Value::as_bool) != Some(false);
            match files.read(path, "load_data")? {
                Some(bytes) => {
                    let text = String::from_utf8(bytes)
                        .map_err(|_| fail("load_data", &format!("{path} is not UTF-8 text")))?;
                    (
                        text,
                        Path::new(path)
                            .extension()
                            .and_then(|e| e.to_str())
                            .map(str::to_lowercase),
                    )
                }
                None if required => {
                    return Err(fail(
                        "load_data",
                        &format!(
                            "there is no file {path} (searched the site root, static/, content/ and the theme's static/); pass `required = false` to get null instead"
                        ),
                    ));
                }
                None => return Ok(Value::Null),
            }
        }
        (None, None) => return Err(fail("load_data", "needs `path`, `literal` or `url`")),
    };
    let format = text_arg("format").map(str::to_lowercase).or(extension);
    parse_data(&text, format.as_deref().unwrap_or("plain")).map_err(|e| fail("load_data", &e))
}

/// `text` read as `format`; unknown extensions are plain text, as in Zola.
fn parse_data(text: &str, format: &str) -> Result<Value, String> {
    match format {
        "toml" => {
            let value: toml::Value = toml::from_str(text).map_err(|e| e.message().to_string())?;
            let mut value = serde_json::to_value(value).map_err(|e| e.to_string())?;
            crate::data::normalise_dates(&mut value);
            Ok(value)
        }
        "json" => serde_json::from_str(text).map_err(|e| e.to_string()),
        "yaml" | "yml" => serde_saphyr::from_str(text).map_err(|e| e.to_string()),
        "csv" => csv_value(text),
        "bibtex" | "xml" => Err(format!(
            "the {format} format is not supported by Kiln yet; load it as `format = \"plain\"`"
        )),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// A CSV file as Zola gives it: `{headers: [...], records: [[...], ...]}`.
fn csv_value(text: &str) -> Result<Value, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        records.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
    Ok(json!({ "headers": headers, "records": records }))
}

fn get_hash(files: &Files, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let bytes = match (
        args.get("literal"),
        args.get("path").and_then(Value::as_str),
    ) {
        (Some(literal), _) => literal
            .as_str()
            .map_or_else(|| literal.to_string(), str::to_string)
            .into_bytes(),
        (None, Some(path)) => files
            .read(path, "get_hash")?
            .ok_or_else(|| fail("get_hash", &format!("there is no file {path}")))?,
        (None, None) => return Err(fail("get_hash", "needs `path` or `literal`")),
    };
    let sha = args.get("sha_type").and_then(Value::as_u64).unwrap_or(384);
    let base64 = args.get("base64").and_then(Value::as_bool).unwrap_or(true);
    let digest = match sha {
        256 => sha2::Sha256::digest(&bytes).to_vec(),
        384 => sha2::Sha384::digest(&bytes).to_vec(),
        512 => sha2::Sha512::digest(&bytes).to_vec(),
        other => {
            return Err(fail(
                "get_hash",
                &format!("`sha_type = {other}`: use 256, 384 or 512"),
            ));
        }
    };
    Ok(Value::String(if base64 {
        base64::engine::general_purpose::STANDARD.encode(digest)
    } else {
        hex::encode(digest)
    }))
}

/// The SHA-256 of the file `path` names, in hex, for `get_url(cachebust = true)`.
pub fn cachebust(files: &Files, path: &str) -> tera::Result<Option<String>> {
    if let Some(hash) = files
        .compiled
        .hash(path.trim_start_matches('/'), &files.reads)
    {
        return Ok(hash);
    }
    let bytes = files.read(path, "get_url")?.ok_or_else(|| {
        fail(
            "get_url",
            &format!("`cachebust` needs a file, and there is no {path}"),
        )
    })?;
    Ok(Some(hex::encode(sha2::Sha256::digest(&bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_headers_and_records_trimmed_as_in_zolas_example() {
        let value = parse_data("Number, Title\n1,Gutenberg\n2,Printing\n", "csv").unwrap();
        assert_eq!(
            value,
            json!({"headers": ["Number", "Title"], "records": [["1", "Gutenberg"], ["2", "Printing"]]})
        );
    }

    #[test]
    fn data_formats_parse_and_unknown_ones_are_plain_text() {
        assert_eq!(
            parse_data("a = 2024-05-01", "toml").unwrap(),
            json!({"a": "2024-05-01"})
        );
        assert_eq!(
            parse_data("a: [1, 2]", "yaml").unwrap(),
            json!({"a": [1, 2]})
        );
        assert_eq!(parse_data("{\"a\": 1}", "json").unwrap(), json!({"a": 1}));
        assert_eq!(parse_data("a,b", "txt").unwrap(), json!("a,b"));
        assert!(parse_data("<a/>", "xml").unwrap_err().contains("plain"));
    }

    #[test]
    fn files_are_searched_in_zolas_order_and_never_outside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/blog")).unwrap();
        std::fs::write(dir.path().join("static/a.txt"), "static").unwrap();
        std::fs::write(dir.path().join("content/blog/a.txt"), "content").unwrap();
        let files = Files {
            root: dir.path().to_path_buf(),
            theme: None,
            reads: FileReads::default(),
            compiled: Default::default(),
        };
        let read = |p| String::from_utf8(files.read(p, "t").unwrap().unwrap()).unwrap();
        assert_eq!(read("a.txt"), "static");
        assert_eq!(read("@/blog/a.txt"), "content");
        assert_eq!(read("/blog/a.txt"), "content");
        assert!(files.read("../secret", "t").is_err());
        assert!(files.reads.any_of(&[dir.path().join("static")]));
    }
}
