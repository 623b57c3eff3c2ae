//! Maps a request path to an output file the way a static host does: pretty URLs, redirects to
//! the slash form, and content types from file names.

use percent_encoding::percent_decode_str;

/// Where a request path leads in the built site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Serve this output file (a key of `SiteOutput::files`).
    File(String),
    /// A folder asked for without its trailing slash: send the browser here instead, so that
    /// relative links on the page resolve as they will on the real host.
    Redirect(String),
    NotFound,
}

/// Resolves `raw_path` (still percent-encoded, as on the request line) against the site's files.
pub fn resolve(raw_path: &str, query: Option<&str>, exists: impl Fn(&str) -> bool) -> Resolved {
    let Ok(path) = percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::NotFound;
    };
    let Some(relative) = path.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    // Output keys never contain empty, `.` or `..` segments; refusing them here keeps one URL
    // per file, as on the real host.
    let empty_segment = relative.starts_with('/') || relative.contains("//");
    if empty_segment
        || relative
            .split('/')
            .any(|segment| segment == "." || segment == "..")
    {
        return Resolved::NotFound;
    }
    if relative.is_empty() || relative.ends_with('/') {
        // The same mapping the build uses to name the file it writes for a folder URL.
        let key = crate::url_path::output_file(&path);
        return if exists(&key) {
            Resolved::File(key)
        } else {
            Resolved::NotFound
        };
    }
    if exists(relative) {
        return Resolved::File(relative.to_owned());
    }
    if exists(&format!("{relative}/index.html")) {
        let location = match query {
            Some(query) => format!("{raw_path}/?{query}"),
            None => format!("{raw_path}/"),
        };
        return Resolved::Redirect(location);
    }
    Resolved::NotFound
}

/// The `Content-Type` for an output file, with `charset=utf-8` on text.
pub fn content_type(key: &str) -> String {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "javascript" | "json" | "xml")
        || mime
            .suffix()
            .is_some_and(|suffix| suffix == "xml" || suffix == "json");
    if textual && mime.get_param("charset").is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [&str; 5] = [
        "index.html",
        "shows/foo/index.html",
        "style.css",
        "café/index.html",
        "404.html",
    ];

    fn at(path: &str) -> Resolved {
        resolve(path, None, |key| FILES.contains(&key))
    }

    #[test]
    fn pretty_urls_serve_the_folder_index() {
        assert_eq!(at("/"), Resolved::File("index.html".into()));
        assert_eq!(
            at("/shows/foo/"),
            Resolved::File("shows/foo/index.html".into())
        );
        assert_eq!(at("/style.css"), Resolved::File("style.css".into()));
        assert_eq!(at("/caf%C3%A9/"), Resolved::File("café/index.html".into()));
    }

    #[test]
    fn a_folder_without_its_slash_redirects_keeping_the_query() {
        assert_eq!(at("/shows/foo"), Resolved::Redirect("/shows/foo/".into()));
        assert_eq!(
            resolve("/shows/foo", Some("a=1"), |key| FILES.contains(&key)),
            Resolved::Redirect("/shows/foo/?a=1".into())
        );
    }

    #[test]
    fn unknown_and_sneaky_paths_are_not_found() {
        assert_eq!(at("/nope/"), Resolved::NotFound);
        assert_eq!(at("/nope"), Resolved::NotFound);
        assert_eq!(at("/shows/../index.html"), Resolved::NotFound);
        assert_eq!(at("/shows/%2E%2E/index.html"), Resolved::NotFound);
        assert_eq!(at("/%FF"), Resolved::NotFound);
        assert_eq!(at("//"), Resolved::NotFound);
        assert_eq!(at("//shows/foo/"), Resolved::NotFound);
        assert_eq!(at("/shows//foo/"), Resolved::NotFound);
        assert_eq!(at("/%2Fshows/foo/"), Resolved::NotFound);
    }

    #[test]
    fn content_types_match_what_a_static_host_sends() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("episode.mp3"), "audio/mpeg");
        assert_eq!(content_type("cover.png"), "image/png");
        assert_eq!(content_type("data.bin"), "application/octet-stream");
    }
}
