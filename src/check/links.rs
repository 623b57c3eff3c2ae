//! Where a URL in a built page leads: a file of the built site (checked here, with its
//! anchor), another site (checked by `external.rs`), or nowhere to check (`mailto:`…).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::output::OutputFile;

/// What a URL found in a page points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A path of this site (decoded, without query), and the anchor after `#`, if any.
    Internal {
        path: String,
        anchor: Option<String>,
    },
    /// Another site's URL, without its anchor.
    External(String),
    /// Nothing to check: `mailto:`, `tel:`, `data:`, a template placeholder…
    Skip,
}

/// Resolves `url`, found on the page at output path `page` (`shows/a/index.html`), against
/// the site's `base_url`.
pub fn resolve(url: &str, page: &str, base_url: &str) -> Target {
    let url = url.trim();
    let base = base_url.trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    if url.is_empty() || url.contains("{{") || url.contains("{%") {
        return Target::Skip;
    }
    let site_relative = if !base.is_empty() && (url == base || url.starts_with(&format!("{base}/")))
    {
        match &url[base.len()..] {
            "" => "/".to_string(),
            rest => rest.to_string(),
        }
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        let without_anchor = url.split('#').next().unwrap_or(url);
        return Target::External(without_anchor.to_string());
    } else if url.starts_with("//") {
        return Target::External(format!("https:{}", url.split('#').next().unwrap_or(url)));
    } else if has_scheme(&lower) {
        return Target::Skip;
    } else if url.starts_with('/') {
        url.to_string()
    } else if url.starts_with('#') {
        format!("/{page}{url}")
    } else {
        join(&page_dir(page), url)
    };
    let (rest, anchor) = match site_relative.split_once('#') {
        Some((rest, anchor)) => (rest, Some(anchor.to_string()).filter(|a| !a.is_empty())),
        None => (site_relative.as_str(), None),
    };
    let path = rest.split('?').next().unwrap_or(rest);
    let path = if path.is_empty() {
        format!("/{page}")
    } else {
        path.to_string()
    };
    Target::Internal {
        path: percent_decode(&path),
        anchor,
    }
}

/// `mailto:`, `tel:`, `javascript:`, `data:` and the like.
fn has_scheme(lower: &str) -> bool {
    match lower.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// The site folder a page's relative links start from: `/shows/a/` for `shows/a/index.html`.
fn page_dir(page: &str) -> String {
    match page.rfind('/') {
        Some(i) => format!("/{}/", &page[..i]),
        None => "/".to_string(),
    }
}

/// `relative` resolved against the folder `dir`, with `.` and `..` taken away.
fn join(dir: &str, relative: &str) -> String {
    let (path, tail) = match relative.find(['?', '#']) {
        Some(i) => relative.split_at(i),
        None => (relative, ""),
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let slash = if path.ends_with('/') || path.is_empty() || path.ends_with("/.") {
        "/"
    } else {
        ""
    };
    let joined = format!("/{}{slash}", parts.join("/"));
    format!("{}{tail}", joined.replace("//", "/"))
}

/// `%20` and the like decoded; anything malformed kept as written.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The built site as links see it: its files, and the anchors of each page.
pub struct Targets<'a> {
    pub files: &'a BTreeMap<String, OutputFile>,
    pub ids: HashMap<&'a str, HashSet<String>>,
}

/// Why an internal link does not lead anywhere.
#[derive(Debug, PartialEq, Eq)]
pub enum Broken {
    NoFile,
    NoAnchor(String),
}

impl Targets<'_> {
    /// The output file a site path is served from, as a static host finds it
    /// (`/a/` → `a/index.html`, `/a` → `a` or `a/index.html`).
    pub fn file_of(&self, path: &str) -> Option<String> {
        let rel = path.trim_start_matches('/');
        let candidates = if rel.is_empty() || rel.ends_with('/') {
            vec![format!("{rel}index.html")]
        } else {
            vec![rel.to_string(), format!("{rel}/index.html")]
        };
        candidates.into_iter().find(|c| self.files.contains_key(c))
    }

    /// Whether `path#anchor` leads to a file (and to that anchor on it).
    pub fn check(&self, path: &str, anchor: Option<&str>) -> Result<(), Broken> {
        let file = self.file_of(path).ok_or(Broken::NoFile)?;
        let Some(anchor) = anchor else {
            return Ok(());
        };
        // Text fragments and the top of the page need no element.
        if anchor == "top" || anchor.starts_with(":~:") {
            return Ok(());
        }
        match self.ids.get(file.as_str()) {
            Some(ids) if !ids.contains(anchor) && !ids.contains(&percent_decode(anchor)) => {
                Err(Broken::NoAnchor(file))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(path: &str, anchor: Option<&str>) -> Target {
        Target::Internal {
            path: path.into(),
            anchor: anchor.map(Into::into),
        }
    }

    #[test]
    fn urls_resolve_against_the_page_and_the_base_url() {
        let base = "https://x.example";
        let page = "shows/a/index.html";
        assert_eq!(resolve("/b/", page, base), internal("/b/", None));
        assert_eq!(
            resolve("https://x.example/b/#ep", page, base),
            internal("/b/", Some("ep"))
        );
        assert_eq!(
            resolve("https://x.example", page, base),
            internal("/", None)
        );
        assert_eq!(
            resolve("../c/d%20e.mp3?x=1", page, base),
            internal("/shows/c/d e.mp3", None)
        );
        assert_eq!(
            resolve("#notes", page, base),
            internal("/shows/a/index.html", Some("notes"))
        );
        assert_eq!(
            resolve("https://other.example/x#y", page, base),
            Target::External("https://other.example/x".into())
        );
        assert_eq!(resolve("mailto:a@x.example", page, base), Target::Skip);
        assert_eq!(
            resolve("data:image/png;base64,AA", page, base),
            Target::Skip
        );
    }

    #[test]
    fn paths_find_files_as_a_static_host_does_and_anchors_are_checked() {
        let files: BTreeMap<String, OutputFile> = ["index.html", "a/index.html", "b.xml"]
            .into_iter()
            .map(|f| (f.to_string(), OutputFile::Generated(Vec::new().into())))
            .collect();
        let ids = HashMap::from([("a/index.html", HashSet::from(["x".to_string()]))]);
        let targets = Targets { files: &files, ids };
        assert_eq!(targets.check("/", None), Ok(()));
        assert_eq!(targets.check("/a", Some("x")), Ok(()));
        assert_eq!(targets.check("/b.xml", None), Ok(()));
        assert_eq!(targets.check("/c/", None), Err(Broken::NoFile));
        assert_eq!(
            targets.check("/a/", Some("y")),
            Err(Broken::NoAnchor("a/index.html".into()))
        );
    }
}
