//! Site paths: joining, slugs, and refusing any path that would leave the output folder.

/// Checks a user-written site path (`path`, `aliases`, …) and returns it as `a/b` with no
/// leading or trailing `/`; `..`, `.`, backslashes and drive letters are refused.
pub fn safe_components(text: &str) -> Result<String, String> {
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" => continue,
            "." | ".." => {
                return Err(format!(
                    "`{text}` would leave the output folder (it contains `{part}`)"
                ));
            }
            p if p.contains('\\') || p.contains(':') || p.chars().any(char::is_control) => {
                return Err(format!(
                    "`{text}` is not a safe site path (it contains `\\`, `:` or a control character)"
                ));
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// The site path of a folder-like URL: `""` → `/`, `a/b` → `/a/b/`.
pub fn dir_path(components: &str) -> String {
    if components.is_empty() {
        "/".to_string()
    } else {
        format!("/{components}/")
    }
}

/// The files without an extension that are files, not folders: what a CDN reads (`[cdn]`).
const CDN_FILES: [&str; 2] = ["_redirects", "_headers"];

/// The output file that serves site path `path`: `/a/` → `a/index.html`, `/a.html` → `a.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else if has_file_extension(trimmed) || CDN_FILES.contains(&trimmed) {
        trimmed.to_string()
    } else {
        format!("{trimmed}/index.html")
    }
}

fn has_file_extension(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty() && ext.len() <= 5)
}

/// The absolute URL of site path `path` under `base_url` (which has no trailing `/`).
pub fn permalink(base_url: &str, path: &str) -> String {
    format!("{base_url}{path}")
}

/// A user-given folder name such as `paginate_path`: one or more safe segments, not empty.
pub fn single_segment(text: &str) -> Result<String, String> {
    let clean = safe_components(text)?;
    if clean.is_empty() {
        Err(format!("`{text}` is empty"))
    } else {
        Ok(clean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_paths_are_refused() {
        assert!(safe_components("../etc").is_err());
        assert!(safe_components("a/./b").is_err());
        assert!(safe_components("a\\..\\b").is_err());
        assert!(safe_components("C:/x").is_err());
        assert_eq!(safe_components("/a//b/").unwrap(), "a/b");
    }

    #[test]
    fn output_files_use_pretty_urls() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/a/b/"), "a/b/index.html");
        assert_eq!(output_file("/old.html"), "old.html");
        assert_eq!(output_file("/old"), "old/index.html");
        assert_eq!(dir_path(""), "/");
        assert_eq!(dir_path("a/b"), "/a/b/");
    }
}
