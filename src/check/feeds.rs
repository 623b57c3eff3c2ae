//! The built site's XML: every `.xml` file must parse; the sitemap must not list a page that
//! asks not to be indexed; each podcast feed is held to the rules the podcast directories
//! (Apple Podcasts, Spotify, …) apply before they list a show.

use std::path::Path;

use roxmltree::{Document, Node};

use crate::check::finding::Finding;
use crate::error::Diagnostic;

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// The media types Apple Podcasts accepts for an episode's enclosure.
const ENCLOSURE_TYPES: [&str; 7] = [
    "audio/mpeg",
    "audio/x-m4a",
    "audio/mp4",
    "audio/aac",
    "video/mp4",
    "video/quicktime",
    "video/x-m4v",
];

/// A parsed XML file of the site, or why it does not parse.
pub fn parse<'a>(rel: &str, text: &'a str) -> Result<Document<'a>, Finding> {
    Document::parse(text).map_err(|e| {
        let pos = e.pos();
        let diagnostic = Diagnostic::at(
            Path::new(rel),
            pos.row as usize,
            Some(pos.col as usize),
            format!("does not parse as XML: {e}; feed readers and search engines will reject it"),
        );
        Finding::error("xml", diagnostic)
    })
}

/// Whether `doc` is a feed (RSS or Atom), for the summary.
pub fn is_feed(doc: &Document<'_>) -> bool {
    matches!(doc.root_element().tag_name().name(), "rss" | "feed")
}

/// The `<loc>` URLs of a sitemap, with their lines; empty for any other document.
pub fn sitemap_urls(doc: &Document<'_>) -> Vec<(String, usize)> {
    if doc.root_element().tag_name().name() != "urlset" {
        return Vec::new();
    }
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| {
            (
                n.text().unwrap_or_default().trim().to_string(),
                line(doc, n),
            )
        })
        .collect()
}

fn line(doc: &Document<'_>, node: Node<'_, '_>) -> usize {
    doc.text_pos_at(node.range().start).row as usize
}

/// An enclosure or artwork URL of a podcast feed, and what the site knows of it: `Some(size)`
/// for a file of the built site, `None` for another site's.
pub type Sizes<'s> = &'s dyn Fn(&str) -> Option<Option<u64>>;

/// The directories' rules for a podcast feed (an RSS feed in the iTunes namespace): the show
/// has artwork, a category and `explicit`; each episode an enclosure with its length in
/// bytes (matching the file when it is the site's) and an accepted media type.
/// `local_size` says, for a URL of this site, the size of its file (`Some(None)`: missing).
pub fn check_podcast(
    rel: &str,
    doc: &Document<'_>,
    local_size: Sizes<'_>,
    findings: &mut Vec<Finding>,
) {
    let root = doc.root_element();
    let is_podcast = root.tag_name().name() == "rss"
        && root.lookup_prefix(ITUNES).is_some()
        && doc
            .descendants()
            .any(|n| n.tag_name().namespace() == Some(ITUNES));
    let Some(channel) = root.children().find(|n| n.has_tag_name("channel")) else {
        return;
    };
    if !is_podcast {
        return;
    }
    let mut fail = |node: Node<'_, '_>, message: String| {
        let at = Diagnostic::at(Path::new(rel), line(doc, node), None, message);
        findings.push(Finding::error("podcast", at));
    };
    match itunes(channel, "image").and_then(|n| n.attribute("href")) {
        None | Some("") => fail(
            channel,
            "the show has no `<itunes:image href>` artwork; directories refuse a show without it"
                .into(),
        ),
        Some(href) => {
            if local_size(href) == Some(None) {
                fail(
                    channel,
                    format!("the show's artwork {href} is not in the built site"),
                );
            }
        }
    }
    let category = itunes(channel, "category").and_then(|n| n.attribute("text"));
    if category.is_none_or(|c| c.trim().is_empty()) {
        fail(
            channel,
            "the show has no `<itunes:category text>`; directories file it nowhere without one"
                .into(),
        );
    }
    let explicit = itunes(channel, "explicit")
        .and_then(|n| n.text())
        .map(str::trim);
    if !matches!(explicit, Some("true" | "false")) {
        fail(
            channel,
            format!(
                "the show's `<itunes:explicit>` is {}; directories require `true` or `false`",
                explicit.map_or("missing".to_string(), |e| format!("`{e}`"))
            ),
        );
    }
    for item in channel.children().filter(|n| n.has_tag_name("item")) {
        check_episode(item, local_size, &mut fail);
    }
}

/// The child `<itunes:NAME>` of `node`.
fn itunes<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(ITUNES))
}

/// One `<item>`'s enclosure.
fn check_episode(
    item: Node<'_, '_>,
    local_size: Sizes<'_>,
    fail: &mut dyn FnMut(Node<'_, '_>, String),
) {
    let title = item
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or("an episode")
        .trim()
        .to_string();
    let Some(enclosure) = item.children().find(|n| n.has_tag_name("enclosure")) else {
        fail(
            item,
            format!(
                "“{title}” has no `<enclosure>`; directories skip an episode without its audio"
            ),
        );
        return;
    };
    let url = enclosure.attribute("url").unwrap_or_default();
    if url.is_empty() {
        fail(enclosure, format!("“{title}”: the enclosure has no `url`"));
    }
    let length = enclosure
        .attribute("length")
        .and_then(|l| l.trim().parse::<u64>().ok());
    match (length, local_size(url)) {
        (None | Some(0), _) => fail(
            enclosure,
            format!(
                "“{title}”: the enclosure's `length` must be the file's size in bytes, not {:?}",
                enclosure.attribute("length").unwrap_or("")
            ),
        ),
        (Some(_), Some(None)) => fail(
            enclosure,
            format!("“{title}”: the enclosure {url} is not in the built site"),
        ),
        (Some(length), Some(Some(size))) if length != size => fail(
            enclosure,
            format!("“{title}”: the enclosure's `length` is {length} but {url} has {size} bytes"),
        ),
        _ => {}
    }
    let kind = enclosure.attribute("type").unwrap_or_default();
    if !ENCLOSURE_TYPES.contains(&kind) {
        fail(
            enclosure,
            format!(
                "“{title}”: the enclosure's type `{kind}` is not one directories accept ({})",
                ENCLOSURE_TYPES.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings_of(xml: &str, size: Option<Option<u64>>) -> Vec<String> {
        let doc = parse("p.xml", xml).unwrap();
        let mut findings = Vec::new();
        check_podcast("p.xml", &doc, &|_| size, &mut findings);
        findings.iter().map(|f| f.diagnostic.to_string()).collect()
    }

    const HEAD: &str = "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel>";

    #[test]
    fn a_podcast_feed_missing_what_directories_require_is_reported_by_line() {
        let xml = format!(
            "{HEAD}\n<itunes:explicit>yes</itunes:explicit>\n<item><title>One</title>\n\
             <enclosure url=\"https://x.example/1.mp3\" length=\"10\" type=\"audio/ogg\"/></item>\n\
             </channel></rss>"
        );
        let found = findings_of(&xml, Some(Some(12))).join("\n");
        assert!(found.contains("itunes:image"), "{found}");
        assert!(found.contains("itunes:category"), "{found}");
        assert!(found.contains("`yes`"), "{found}");
        assert!(
            found.contains("p.xml:4: “One”: the enclosure's `length` is 10 but"),
            "{found}"
        );
        assert!(found.contains("type `audio/ogg`"), "{found}");
    }

    #[test]
    fn a_complete_podcast_feed_passes_and_a_plain_rss_feed_is_not_a_podcast() {
        let xml = format!(
            "{HEAD}<itunes:image href=\"https://x.example/c.png\"/>\
             <itunes:category text=\"Technology\"/><itunes:explicit>false</itunes:explicit>\
             <item><title>One</title><enclosure url=\"u\" length=\"12\" type=\"audio/mpeg\"/></item>\
             </channel></rss>"
        );
        assert!(findings_of(&xml, Some(Some(12))).is_empty());
        let plain = "<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>";
        assert!(findings_of(plain, None).is_empty());
    }

    #[test]
    fn xml_that_does_not_parse_is_an_error_at_its_line() {
        let error = parse("atom.xml", "<feed>\n<entry>\n</feed>").unwrap_err();
        assert_eq!(error.diagnostic.line, Some(3));
    }
}
