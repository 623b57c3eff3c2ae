//! A plain Zola site (`tests/fixtures/zola-basic`) builds unchanged, to Zola's URLs and context.

use std::collections::BTreeSet;

use crate::markup::{by_id, list_by_id, start_tags, tags_with, text_by_id};
use crate::support::{Run, Site};
use crate::xml::{
    ATOM, SITEMAP, all_text, attr, channel, child, child_text, children, parse, plain, root,
    self_link, sitemap_locs,
};

const BASE: &str = "https://example.org";

fn build() -> Run {
    Site::fixture("zola-basic").build(&[]).succeeded()
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

/// The files Zola writes for this fixture (checked against Zola's site, sitemap and
/// pagination sources): pretty URLs, `page/1/` redirecting to the section, `page/N/`, taxonomy
/// list and terms, one file per alias, feeds per `feed_filenames`, and the colocated asset.
const ZOLA_FILES: &[&str] = &[
    "404.html",
    "about/index.html",
    "atom.xml",
    "blog/custom-second/index.html",
    "blog/first/index.html",
    "blog/index.html",
    "blog/page/1/index.html",
    "blog/page/2/index.html",
    "blog/third/index.html",
    "blog/with-asset/diagram.svg",
    "blog/with-asset/index.html",
    "docs/advanced/index.html",
    "docs/advanced/tuning/index.html",
    "docs/configure/index.html",
    "docs/index.html",
    "docs/install/index.html",
    "images/logo.txt",
    "index.html",
    "legal/terms/index.html",
    "old/second-post.html",
    "old/second/index.html",
    "recipes/apple/index.html",
    "recipes/banana/index.html",
    "recipes/cherry/index.html",
    "recipes/index.html",
    "robots.txt",
    "rss.xml",
    "sitemap.xml",
    "style.css",
    "tags/cafe-society/index.html",
    "tags/index.html",
    "tags/rust/index.html",
    "tags/static-sites/index.html",
    "tags/zola/index.html",
];

#[test]
fn zola_site_builds_to_exactly_the_files_zola_writes() {
    let run = build();
    let expected: BTreeSet<String> = ZOLA_FILES.iter().map(|f| f.to_string()).collect();
    let written = run.files();
    let missing: Vec<_> = expected.difference(&written).collect();
    let extra: Vec<_> = written.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nunexpected: {extra:?}"
    );
}

#[test]
fn drafts_and_their_only_terms_are_left_out_by_default() {
    let run = build();
    assert!(!run.exists("blog/unfinished/index.html") && !run.exists("blog/draft/index.html"));
    assert!(
        !run.exists("tags/secret/index.html"),
        "a term used only by a draft must not exist"
    );
    assert!(!run.read("sitemap.xml").contains("/blog/draft/"));
    assert!(!run.read("atom.xml").contains("Unfinished"));
}

#[test]
fn drafts_flag_publishes_drafts_and_their_terms() {
    let run = Site::fixture("zola-basic").build(&["--drafts"]).succeeded();
    let draft = run.read("blog/draft/index.html");
    assert!(draft.contains("This draft must not be published without the drafts flag."));
    assert!(run.exists("tags/secret/index.html"));
    // Five posts at two per pager: three pagers now.
    assert!(run.exists("blog/page/3/index.html"));
    assert_eq!(text_by_id(&run.read("blog/index.html"), "pager"), "1/3");
}

#[test]
fn page_context_has_zola_fields() {
    let run = build();
    let html = run.read("blog/first/index.html");
    assert_eq!(text_by_id(&html, "page-title"), "First post");
    assert_eq!(text_by_id(&html, "page-description"), "The first post");
    assert_eq!(text_by_id(&html, "page-permalink"), url("/blog/first/"));
    assert_eq!(text_by_id(&html, "page-path"), "/blog/first/");
    assert_eq!(text_by_id(&html, "page-slug"), "first");
    assert_eq!(text_by_id(&html, "page-date"), "10 January 2024");
    assert_eq!(text_by_id(&html, "page-mood"), "curious");
    assert_eq!(text_by_id(&html, "current-path"), "/blog/first/");
    assert_eq!(text_by_id(&html, "current-url"), url("/blog/first/"));
    assert_eq!(list_by_id(&html, "page-tags"), ["Rust", "Static Sites"]);
    let tag_links: Vec<String> = start_tags(&by_id(&html, "page-tags").unwrap_or_default(), "a")
        .into_iter()
        .map(|a| a["href"].clone())
        .collect();
    assert_eq!(tag_links, [url("/tags/rust/"), url("/tags/static-sites/")]);
}

#[test]
fn slug_and_path_in_front_matter_choose_the_url() {
    let run = build();
    let second = run.read("blog/custom-second/index.html");
    assert_eq!(text_by_id(&second, "page-updated"), "2024-02-25");
    assert_eq!(
        text_by_id(&second, "page-permalink"),
        url("/blog/custom-second/")
    );
    assert_eq!(text_by_id(&second, "page-slug"), "custom-second");
    let terms = run.read("legal/terms/index.html");
    assert_eq!(text_by_id(&terms, "page-permalink"), url("/legal/terms/"));
    assert!(terms.contains("These terms live at a path chosen in front matter."));
}

#[test]
fn aliases_are_redirect_pages_to_the_permalink() {
    let run = build();
    for alias in ["old/second/index.html", "old/second-post.html"] {
        let html = run.read(alias);
        let refresh = tags_with(&html, "meta", "http-equiv", "refresh");
        assert_eq!(refresh.len(), 1, "{alias} has no meta refresh:\n{html}");
        assert!(
            refresh[0]["content"].ends_with(&url("/blog/custom-second/")),
            "{alias}: {html}"
        );
        assert_eq!(
            tags_with(&html, "link", "rel", "canonical")[0]["href"],
            url("/blog/custom-second/")
        );
    }
}

#[test]
fn date_sorted_section_paginates_like_zola() {
    let run = build();
    let first = run.read("blog/index.html");
    assert_eq!(text_by_id(&first, "section-title"), "Blog");
    assert_eq!(text_by_id(&first, "pager"), "1/2");
    assert_eq!(
        list_by_id(&first, "pager-pages"),
        [url("/blog/third/"), url("/blog/custom-second/")]
    );
    assert_eq!(text_by_id(&first, "pager-first"), url("/blog/"));
    assert_eq!(text_by_id(&first, "pager-last"), url("/blog/page/2/"));
    assert_eq!(text_by_id(&first, "pager-previous"), "");
    assert_eq!(text_by_id(&first, "pager-next"), url("/blog/page/2/"));
    assert_eq!(text_by_id(&first, "current-path"), "/blog/");

    let second = run.read("blog/page/2/index.html");
    assert_eq!(text_by_id(&second, "pager"), "2/2");
    assert_eq!(
        list_by_id(&second, "pager-pages"),
        [url("/blog/first/"), url("/blog/with-asset/")]
    );
    assert_eq!(text_by_id(&second, "pager-previous"), url("/blog/"));
    assert_eq!(text_by_id(&second, "pager-next"), "");
    assert_eq!(text_by_id(&second, "current-path"), "/blog/page/2/");

    let redirect = run.read("blog/page/1/index.html");
    let refresh = tags_with(&redirect, "meta", "http-equiv", "refresh");
    assert!(
        refresh
            .first()
            .is_some_and(|m| m["content"].ends_with(&url("/blog/"))),
        "page/1/ must redirect to the section:\n{redirect}"
    );
}

#[test]
fn lower_and_higher_follow_the_section_order() {
    // Zola's code (not its old docs, fixed in getzola/zola#3164): `lower` is the page before
    // in the sorted list, `higher` the page after, whatever the sort key.
    let run = build();
    let second = run.read("blog/custom-second/index.html");
    assert_eq!(text_by_id(&second, "page-lower"), url("/blog/third/"));
    assert_eq!(text_by_id(&second, "page-higher"), url("/blog/first/"));
    let third = run.read("blog/third/index.html");
    assert_eq!(text_by_id(&third, "page-lower"), "");
    let install = run.read("docs/install/index.html");
    assert_eq!(text_by_id(&install, "page-lower"), "");
    assert_eq!(text_by_id(&install, "page-higher"), url("/docs/configure/"));
}

#[test]
fn weight_and_title_sorting_order_section_pages() {
    let run = build();
    let docs = run.read("docs/index.html");
    assert_eq!(
        list_by_id(&docs, "section-pages"),
        [url("/docs/install/"), url("/docs/configure/")]
    );
    assert_eq!(list_by_id(&docs, "subsections"), [url("/docs/advanced/")]);
    assert_eq!(text_by_id(&docs, "section-extra"), "Read these in order.");
    assert_eq!(
        text_by_id(&docs, "section-description"),
        "Documentation, by weight"
    );
    assert!(text_by_id(&docs, "section-content").contains("The docs section introduction."));
    let recipes = run.read("recipes/index.html");
    assert_eq!(
        list_by_id(&recipes, "section-pages"),
        [
            url("/recipes/apple/"),
            url("/recipes/banana/"),
            url("/recipes/cherry/")
        ]
    );
}

#[test]
fn section_template_and_page_template_are_honoured() {
    let run = build();
    assert!(
        run.read("docs/install/index.html")
            .contains(r#"<article class="doc">"#)
    );
    assert!(
        run.read("docs/advanced/tuning/index.html")
            .contains(r#"<article class="doc">"#)
    );
    assert!(
        !run.read("about/index.html")
            .contains(r#"<article class="doc">"#)
    );
    assert!(
        run.read("blog/index.html").contains(r#"id="pager""#),
        "blog uses blog.html"
    );
}

#[test]
fn summary_is_the_text_before_the_more_marker() {
    let run = build();
    let html = run.read("blog/first/index.html");
    let summary = by_id(&html, "page-summary").unwrap_or_default();
    assert!(
        summary.contains("This is the summary of the first post"),
        "summary: {summary}"
    );
    assert!(
        !summary.contains("only-in-full-content"),
        "summary runs past <!-- more -->: {summary}"
    );
    let content = by_id(&html, "page-content").unwrap_or_default();
    assert!(content.contains("only-in-full-content") && content.contains("This is the summary"));
}

#[test]
fn markdown_extensions_render_like_zola() {
    let run = build();
    let content = by_id(&run.read("blog/first/index.html"), "page-content").unwrap_or_default();
    assert!(
        content.contains("<table>")
            && content.contains("<th>Name</th>")
            && content.contains("<td>alpha</td>")
    );
    assert!(
        content.contains("<del>struck</del>"),
        "strikethrough: {content}"
    );
    let boxes = start_tags(&content, "input");
    assert_eq!(boxes.len(), 2, "two task-list checkboxes: {content}");
    assert!(
        boxes
            .iter()
            .all(|b| b["type"] == "checkbox" && b.contains_key("disabled"))
    );
    assert_eq!(
        boxes.iter().filter(|b| b.contains_key("checked")).count(),
        1
    );
    assert!(
        content.contains(r##"href="#note""##),
        "footnote reference: {content}"
    );
    assert!(content.contains(r#"id="note""#) && content.contains("The footnote text."));
    assert!(
        content.contains("\u{201c}quoted\u{201d}"),
        "smart punctuation is on in config: {content}"
    );
}

#[test]
fn headings_get_unique_ids_and_a_table_of_contents() {
    let run = build();
    let html = run.read("blog/first/index.html");
    let content = by_id(&html, "page-content").unwrap_or_default();
    let ids: Vec<String> = ["h2", "h3"]
        .iter()
        .flat_map(|h| start_tags(&content, h))
        .filter_map(|a| a.get("id").cloned())
        .collect();
    for id in [
        "getting-started",
        "getting-started-1",
        "install-steps",
        "tables-and-notes",
    ] {
        assert!(
            ids.contains(&id.to_string()),
            "heading id {id} missing; ids: {ids:?}"
        );
    }
    let toc = by_id(&html, "page-toc").unwrap_or_default();
    let links: Vec<(String, String)> = start_tags(&toc, "a")
        .into_iter()
        .map(|a| (a["href"].clone(), a["data-level"].clone()))
        .collect();
    let page = url("/blog/first/");
    assert_eq!(
        links,
        [
            (format!("{page}#getting-started"), "2".to_string()),
            (format!("{page}#install-steps"), "3".to_string()),
            (format!("{page}#getting-started-1"), "2".to_string()),
            (format!("{page}#tables-and-notes"), "2".to_string()),
        ]
    );
}

#[test]
fn internal_links_resolve_to_permalinks_with_anchors() {
    let run = build();
    let content = by_id(&run.read("blog/first/index.html"), "page-content").unwrap_or_default();
    let hrefs: Vec<String> = start_tags(&content, "a")
        .into_iter()
        .filter_map(|a| a.get("href").cloned())
        .collect();
    assert!(
        hrefs.contains(&url("/docs/install/#requirements")),
        "hrefs: {hrefs:?}"
    );
    assert!(hrefs.contains(&url("/")), "hrefs: {hrefs:?}");
    assert!(
        !content.contains("@/"),
        "an @/ link was left unresolved: {content}"
    );
}

#[test]
fn word_count_and_reading_time_match_zola() {
    // 201 plain words: Zola counts Unicode words and rounds reading time up at 200 a minute.
    let html = build().read("docs/configure/index.html");
    assert_eq!(text_by_id(&html, "page-word-count"), "201");
    assert_eq!(text_by_id(&html, "page-reading-time"), "2");
}

#[test]
fn template_functions_return_zola_values() {
    let html = build().read("index.html");
    assert_eq!(text_by_id(&html, "get-url-page"), url("/blog/first/"));
    assert_eq!(text_by_id(&html, "get-url-static"), url("/images/logo.txt"));
    assert_eq!(
        text_by_id(&html, "get-page"),
        format!("Second post|{}", url("/blog/custom-second/"))
    );
    assert_eq!(text_by_id(&html, "get-section"), "Docs|2");
    assert_eq!(text_by_id(&html, "get-section-metadata-only"), "Docs|0");
    assert_eq!(
        text_by_id(&html, "get-taxonomy-url"),
        url("/tags/static-sites/")
    );
    assert_eq!(text_by_id(&html, "config-title"), "Zola Basic");
    assert_eq!(text_by_id(&html, "current-path"), "/");
    assert_eq!(text_by_id(&html, "current-url"), url("/"));
    assert!(text_by_id(&html, "section-content").contains("Welcome to the home section."));
    let root_pages: BTreeSet<String> = list_by_id(&html, "root-pages").into_iter().collect();
    assert_eq!(
        root_pages,
        BTreeSet::from([url("/about/"), url("/legal/terms/")])
    );
    assert_eq!(text_by_id(&html, "site-author"), "Ada Example");
}

#[test]
fn taxonomy_list_and_term_pages_carry_terms() {
    let run = build();
    let list = run.read("tags/index.html");
    let terms: BTreeSet<String> = list_by_id(&list, "terms").into_iter().collect();
    assert_eq!(
        terms,
        BTreeSet::from([
            "Café Society|1".into(),
            "Rust|2".into(),
            "Static Sites|1".into(),
            "Zola|1".into()
        ])
    );
    let rust = run.read("tags/rust/index.html");
    assert_eq!(text_by_id(&rust, "term-name"), "Rust");
    assert_eq!(text_by_id(&rust, "term-slug"), "rust");
    assert_eq!(text_by_id(&rust, "term-permalink"), url("/tags/rust/"));
    assert_eq!(text_by_id(&rust, "term-page-count"), "2");
    let pages: BTreeSet<String> = list_by_id(&rust, "term-pages").into_iter().collect();
    assert_eq!(
        pages,
        BTreeSet::from([url("/blog/first/"), url("/blog/custom-second/")])
    );
    assert_eq!(text_by_id(&rust, "current-path"), "/tags/rust/");
}

#[test]
fn colocated_assets_and_static_files_are_copied_as_is() {
    let site = Site::fixture("zola-basic");
    let run = site.build(&[]).succeeded();
    for (source, output) in [
        (
            "content/blog/with-asset/diagram.svg",
            "blog/with-asset/diagram.svg",
        ),
        ("static/style.css", "style.css"),
        ("static/images/logo.txt", "images/logo.txt"),
    ] {
        assert_eq!(
            site.read_source(source),
            run.read(output),
            "{output} differs from {source}"
        );
    }
}

#[test]
fn sitemap_lists_every_page_section_and_term_with_lastmod_for_dated_pages() {
    let run = build();
    let sitemap = run.read("sitemap.xml");
    let locs = sitemap_locs(&sitemap);
    let expected: BTreeSet<String> = [
        "/",
        "/about/",
        "/legal/terms/",
        "/blog/",
        "/blog/first/",
        "/blog/custom-second/",
        "/blog/third/",
        "/blog/with-asset/",
        "/blog/page/2/",
        "/docs/",
        "/docs/install/",
        "/docs/configure/",
        "/docs/advanced/",
        "/docs/advanced/tuning/",
        "/recipes/",
        "/recipes/apple/",
        "/recipes/banana/",
        "/recipes/cherry/",
        "/tags/",
        "/tags/cafe-society/",
        "/tags/rust/",
        "/tags/static-sites/",
        "/tags/zola/",
    ]
    .into_iter()
    .map(url)
    .collect();
    assert_eq!(locs, expected, "sitemap.xml lists exactly these");
    for never in ["/old/second/", "/404.html", "/blog/draft/"] {
        assert!(!locs.contains(&url(never)), "sitemap must not list {never}");
    }
    // Every page written, less redirects (aliases, `page/1/`), is listed: none is forgotten.
    let written: BTreeSet<String> = run
        .html_files()
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .filter(|f| tags_with(&run.read(f), "meta", "http-equiv", "refresh").is_empty())
        .map(|f| url(&format!("/{}", f.trim_end_matches("index.html"))))
        .collect();
    assert_eq!(locs, written, "sitemap.xml lists every page written");
    assert!(
        lastmod(&sitemap, "/blog/third/").starts_with("2024-03-05"),
        "lastmod of third"
    );
}

/// The `<lastmod>` of the sitemap `<url>` whose `<loc>` is `path`.
fn lastmod(sitemap: &str, path: &str) -> String {
    let doc = parse("sitemap.xml", sitemap);
    let entry = children(doc.root_element(), (Some(SITEMAP), "url"))
        .into_iter()
        .find(|u| child_text(*u, (Some(SITEMAP), "loc")) == url(path))
        .unwrap_or_else(|| panic!("no <url> for {path} in:\n{sitemap}"));
    child_text(entry, (Some(SITEMAP), "lastmod"))
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let robots = build().read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l.trim() == format!("Sitemap: {BASE}/sitemap.xml")),
        "robots.txt:\n{robots}"
    );
    assert!(robots.contains("User-agent:"), "robots.txt:\n{robots}");
}

#[test]
fn feeds_are_written_per_feed_filename_newest_first_up_to_feed_limit() {
    let run = build();
    let atom = run.read("atom.xml");
    let doc = parse("atom.xml", &atom);
    let feed = root(&doc, (Some(ATOM), "feed"));
    assert_eq!(attr(self_link(feed), "href"), url("/atom.xml"));
    let titles: Vec<String> = children(feed, (Some(ATOM), "entry"))
        .into_iter()
        .map(|e| all_text(child(e, (Some(ATOM), "title"))))
        .collect();
    assert_eq!(
        titles,
        ["Third post", "Second post", "First post"],
        "feed_limit = 3, newest first"
    );

    let rss = run.read("rss.xml");
    let doc = parse("rss.xml", &rss);
    assert_eq!(attr(doc.root_element(), "version"), "2.0", "RSS 2.0");
    assert_eq!(attr(self_link(channel(&doc)), "href"), url("/rss.xml"));
    let links: Vec<String> = children(channel(&doc), plain("item"))
        .into_iter()
        .map(|i| child_text(i, plain("link")))
        .collect();
    // As in Zola's feed: a description's relative links (a heading's `#id`) resolve against
    // the page, not the feed.
    let bases: Vec<&str> = children(channel(&doc), plain("item"))
        .into_iter()
        .map(|i| {
            let description = child(i, plain("description"));
            let xml_base = ("http://www.w3.org/XML/1998/namespace", "base");
            description.attribute(xml_base).unwrap_or_default()
        })
        .collect();
    assert_eq!(bases, links);
    assert_eq!(
        links,
        [
            url("/blog/third/"),
            url("/blog/custom-second/"),
            url("/blog/first/")
        ]
    );
}

#[test]
fn not_found_page_is_written_at_the_root() {
    let html = build().read("404.html");
    assert!(html.contains("Nothing lives at this address."));
}

#[test]
fn generate_switches_turn_feeds_sitemap_and_robots_off() {
    let site = Site::fixture("zola-basic");
    for key in ["generate_feeds", "generate_sitemap", "generate_robots_txt"] {
        site.replace_in(
            "config.toml",
            &format!("{key} = true"),
            &format!("{key} = false"),
        );
    }
    let run = site.build(&[]).succeeded();
    for file in ["atom.xml", "rss.xml", "sitemap.xml", "robots.txt"] {
        assert!(
            !run.exists(file),
            "{file} must not be written when switched off"
        );
    }
    assert!(run.exists("index.html"));
}

#[test]
fn smart_punctuation_follows_the_markdown_config() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "config.toml",
        "smart_punctuation = true",
        "smart_punctuation = false",
    );
    let run = site.build(&[]).succeeded();
    let content = by_id(&run.read("blog/first/index.html"), "page-content").unwrap_or_default();
    assert!(
        !content.contains('\u{201c}'),
        "smart punctuation is off: {content}"
    );
    assert!(
        content.contains("&quot;quoted&quot;") || content.contains("\"quoted\""),
        "{content}"
    );
}

#[test]
fn sitemap_lastmod_prefers_updated_over_date() {
    let sitemap = build().read("sitemap.xml");
    let lastmod = lastmod(&sitemap, "/blog/custom-second/");
    assert!(
        lastmod.starts_with("2024-02-25"),
        "updated wins over date: {lastmod}"
    );
}

#[test]
fn yaml_front_matter_gives_the_same_page_fields() {
    let html = build().read("blog/third/index.html");
    assert_eq!(text_by_id(&html, "page-title"), "Third post");
    assert_eq!(
        text_by_id(&html, "page-description"),
        "The third post, written with YAML front matter"
    );
    assert_eq!(text_by_id(&html, "page-date"), "05 March 2024");
    assert_eq!(list_by_id(&html, "page-tags"), ["Zola", "Café Society"]);
    assert_eq!(
        text_by_id(&html, "page-summary"),
        "",
        "no <!-- more -->, no summary"
    );
}

#[test]
fn paginate_path_names_the_pager_folder() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "content/blog/_index.md",
        "paginate_by = 2",
        "paginate_by = 2\npaginate_path = \"seite\"",
    );
    let run = site.build(&[]).succeeded();
    assert!(run.exists("blog/seite/2/index.html") && run.exists("blog/seite/1/index.html"));
    assert!(!run.exists("blog/page/2/index.html"));
    assert_eq!(
        text_by_id(&run.read("blog/index.html"), "pager-next"),
        url("/blog/seite/2/")
    );
}

#[test]
fn non_ascii_terms_get_zola_transliterated_slugs() {
    let run = build();
    let term = run.read("tags/cafe-society/index.html");
    assert_eq!(text_by_id(&term, "term-name"), "Café Society");
    assert_eq!(text_by_id(&term, "term-slug"), "cafe-society");
    let third = run.read("blog/third/index.html");
    assert!(
        third.contains(&format!("href=\"{}\"", url("/tags/cafe-society/"))),
        "{third}"
    );
}

#[test]
fn base_url_with_a_subpath_prefixes_every_url_but_not_the_files() {
    let run = Site::fixture("zola-basic")
        .build(&["--base-url", "https://user.example.io/site"])
        .succeeded();
    let base = "https://user.example.io/site";
    let first = run.read("blog/first/index.html");
    assert_eq!(
        text_by_id(&first, "page-permalink"),
        format!("{base}/blog/first/")
    );
    assert_eq!(text_by_id(&first, "current-path"), "/blog/first/");
    let content = by_id(&first, "page-content").unwrap_or_default();
    assert!(
        content.contains(&format!("href=\"{base}/docs/install/#requirements\"")),
        "{content}"
    );
    assert!(
        run.read("sitemap.xml")
            .contains(&format!("<loc>{base}/blog/first/</loc>"))
    );
    assert!(
        run.read("robots.txt")
            .contains(&format!("Sitemap: {base}/sitemap.xml"))
    );
    assert!(run.exists("blog/first/index.html") && !run.exists("site/blog/first/index.html"));
}

#[test]
fn dated_file_names_give_the_date_and_the_slug_like_zola() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/blog/2024-05-06-dated-post.md",
        "+++\ntitle = \"Dated\"\n+++\nA post dated by its file name.\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("blog/dated-post/index.html");
    assert_eq!(text_by_id(&html, "page-date"), "06 May 2024");
    assert_eq!(text_by_id(&html, "page-slug"), "dated-post");
    assert_eq!(
        list_by_id(&run.read("blog/index.html"), "pager-pages")[0],
        url("/blog/dated-post/"),
        "newest first"
    );
}

#[test]
fn file_names_are_slugified_like_zola() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/recipes/Dark_Chocolate.md",
        "+++\ntitle = \"Dark Chocolate Mousse\"\n+++\nRich.\n",
    );
    let run = site.build(&[]).succeeded();
    assert!(
        run.exists("recipes/dark-chocolate/index.html"),
        "files: {:?}",
        run.files()
    );
    assert_eq!(
        list_by_id(&run.read("recipes/index.html"), "section-pages").last(),
        Some(&url("/recipes/dark-chocolate/"))
    );
}

#[test]
fn pages_in_a_folder_without_section_index_are_orphans_at_their_folder_url() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/notes/loose.md",
        "+++\ntitle = \"Loose note\"\n+++\nA page with no section of its own.\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("notes/loose/index.html");
    assert!(html.contains("A page with no section of its own."));
    assert!(
        !run.exists("notes/index.html"),
        "a folder without _index.md is not a section"
    );
    assert!(run.read("sitemap.xml").contains(&url("/notes/loose/")));
}

#[test]
fn front_matter_slug_is_slugified_like_zola() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/blog/spaced.md",
        "+++\ntitle = \"Spaced\"\ndate = 2024-05-07\nslug = \"Hello Wörld\"\n+++\nSpaced out.\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("blog/hello-world/index.html");
    assert_eq!(text_by_id(&html, "page-slug"), "hello-world");
}

#[test]
fn heading_ids_come_from_heading_text_or_an_explicit_id() {
    let site = Site::fixture("zola-basic");
    let body = "## The *fast* path\n\nText.\n\n## Custom heading {#my-id}\n\nMore.\n\n## Ünïcode & symbols!\n";
    site.write(
        "content/blog/headings.md",
        &format!("+++\ntitle = \"Headings\"\ndate = 2024-05-09\n+++\n{body}"),
    );
    let run = site.build(&[]).succeeded();
    let content = by_id(&run.read("blog/headings/index.html"), "page-content").unwrap_or_default();
    let ids: Vec<String> = start_tags(&content, "h2")
        .into_iter()
        .filter_map(|h| h.get("id").cloned())
        .collect();
    assert_eq!(
        ids,
        ["the-fast-path", "my-id", "unicode-symbols"],
        "{content}"
    );
    assert!(
        !content.contains("{#my-id}"),
        "the id attribute must not show as text: {content}"
    );
}
