//! Readers for the XML the build writes (sitemaps, Atom, RSS, podcast feeds), via roxmltree.

use std::collections::BTreeSet;

use roxmltree::{Document, Node};

pub const ATOM: &str = "http://www.w3.org/2005/Atom";
pub const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
pub const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
pub const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// An element's expanded name: namespace URI (`None` for no namespace) and local name.
pub type Name<'n> = (Option<&'n str>, &'n str);

/// A name in no namespace, as plain RSS 2.0 elements are.
pub fn plain(local: &str) -> Name<'_> {
    (None, local)
}

/// `xml` (the output file `file`) parsed; panics with the parser's line:col when it is not
/// well-formed, namespace-well-formed XML (an undeclared `itunes:` prefix fails here).
pub fn parse<'x>(file: &str, xml: &'x str) -> Document<'x> {
    Document::parse(xml).unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}\n{xml}"))
}

/// The root element, checked to be `name`.
pub fn root<'a, 'x>(doc: &'a Document<'x>, name: Name) -> Node<'a, 'x> {
    let root = doc.root_element();
    assert!(
        is(root, name),
        "the root element is {:?}, expected {}",
        root.tag_name(),
        label(name)
    );
    root
}

/// The one `<channel>` of an RSS 2.0 document's `<rss>` root.
pub fn channel<'a, 'x>(doc: &'a Document<'x>) -> Node<'a, 'x> {
    child(root(doc, plain("rss")), plain("channel"))
}

/// The one `<link rel="self">` (Atom's element, also used inside RSS channels) among `node`'s
/// children: its `href` is the URL a feed reader subscribes to.
pub fn self_link<'a, 'x>(node: Node<'a, 'x>) -> Node<'a, 'x> {
    let selves: Vec<Node> = children(node, (Some(ATOM), "link"))
        .into_iter()
        .filter(|l| l.attribute("rel") == Some("self"))
        .collect();
    assert_eq!(selves.len(), 1, "one self link in:\n{}", source(node));
    selves[0]
}

/// Whether `node` is the element `name`, namespace included.
pub fn is(node: Node, name: Name) -> bool {
    node.is_element() && node.tag_name().namespace() == name.0 && node.tag_name().name() == name.1
}

/// The element children of `node` named `name`, in document order (grandchildren excluded).
pub fn children<'a, 'x>(node: Node<'a, 'x>, name: Name) -> Vec<Node<'a, 'x>> {
    node.children().filter(|c| is(*c, name)).collect()
}

/// The one child `name` of `node`; panics quoting `node` when there is not exactly one.
pub fn child<'a, 'x>(node: Node<'a, 'x>, name: Name) -> Node<'a, 'x> {
    let found = children(node, name);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {} in:\n{}",
        label(name),
        source(node)
    );
    found[0]
}

/// The trimmed text of the one child `name` of `node`.
pub fn child_text(node: Node, name: Name) -> String {
    all_text(child(node, name)).trim().to_string()
}

/// All the text inside `node`, entities decoded and CDATA unwrapped (by the parser).
pub fn all_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Attribute `key` of `node`; panics quoting `node` when it is missing.
pub fn attr<'a>(node: Node<'a, '_>, key: &str) -> &'a str {
    node.attribute(key)
        .unwrap_or_else(|| panic!("no {key}= attribute on:\n{}", source(node)))
}

/// The markup `node` was parsed from, for failure messages.
pub fn source<'x>(node: Node<'_, 'x>) -> &'x str {
    &node.document().input_text()[node.range()]
}

/// The `<loc>` of every `<url>` in a sitemap, checked to be a `<urlset>` without repeats.
pub fn sitemap_locs(sitemap: &str) -> BTreeSet<String> {
    let doc = parse("sitemap.xml", sitemap);
    let urlset = root(&doc, (Some(SITEMAP), "urlset"));
    let listed: Vec<String> = children(urlset, (Some(SITEMAP), "url"))
        .into_iter()
        .map(|u| child_text(u, (Some(SITEMAP), "loc")))
        .collect();
    let locs: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(locs.len(), listed.len(), "a page listed twice: {listed:?}");
    locs
}

fn label(name: Name) -> String {
    match name.0 {
        Some(ns) => format!("<{}> in {ns}", name.1),
        None => format!("<{}>", name.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_with_their_namespace_and_broken_xml_is_refused() {
        let xml = r#"<rss xmlns:i="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><i:title>A &amp; <![CDATA[<b>]]></i:title><title>T</title></channel></rss>"#;
        let doc = Document::parse(xml).expect("well-formed");
        let channel = child(doc.root_element(), plain("channel"));
        assert_eq!(child_text(channel, plain("title")), "T");
        assert_eq!(child_text(channel, (Some(ITUNES), "title")), "A & <b>");
        for broken in [
            "<rss><channel></rss>",
            "<rss><t>A & B</t></rss>",
            "<rss a=1></rss>",
            "<rss></rss><rss></rss>",
            "<rss><itunes:author>A</itunes:author></rss>",
        ] {
            assert!(Document::parse(broken).is_err(), "{broken} must be refused");
        }
    }
}
