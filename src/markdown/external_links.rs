//! The tag of a link to another site, as Zola's `external_links_*` settings ask: class, `rel`
//! (`noopener`, `nofollow`, `noreferrer`, `external`) and `target`, in Zola's order.

use super::ExternalLinks;

/// The opening `<a …>` of a link to another site, as `options` asks; `None` when the link
/// is the site's own or nothing is asked (pulldown-cmark writes it then).
pub(super) fn external_link_tag(options: &ExternalLinks, url: &str, title: &str) -> Option<String> {
    let external =
        url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
    let rel: Vec<&str> = [
        (options.target_blank, "noopener"),
        (options.no_follow, "nofollow"),
        (options.no_referrer, "noreferrer"),
        (options.external, "external"),
    ]
    .into_iter()
    .filter_map(|(on, word)| on.then_some(word))
    .collect();
    if !external || (rel.is_empty() && options.class.is_none()) {
        return None;
    }
    let mut tag = String::from("<a");
    if let Some(class) = &options.class {
        tag.push_str(" class=\"");
        pulldown_cmark_escape::escape_html(&mut tag, class).ok()?;
        tag.push('"');
    }
    if !rel.is_empty() {
        tag.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
    }
    if options.target_blank {
        tag.push_str(" target=\"_blank\"");
    }
    tag.push_str(" href=\"");
    pulldown_cmark_escape::escape_href(&mut tag, url).ok()?;
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        pulldown_cmark_escape::escape_html(&mut tag, title).ok()?;
        tag.push('"');
    }
    tag.push('>');
    Some(tag)
}
