//! Zola 0.22's settings, in `config.toml` and front matter: those that change the output do
//! what Zola does; the settings older Zola versions had build with a warning naming the new way.

use crate::support::Site;

fn site(config_extra: &str) -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        &format!("base_url = \"https://example.org\"\n{config_extra}"),
    );
    site.write("templates/page.html", "{{ page.content | safe }}");
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}[{{ p.title }}]{% endfor %}",
    );
    site.write("templates/index.html", "home");
    site
}

const HEADINGS: &str = "# Hello\n## [Rust](https://rust-lang.org)\n";

#[test]
fn anchor_links_go_where_insert_anchor_links_says_as_in_zola() {
    let site = site("[markdown]\ninsert_anchor_links = \"left\"\n");
    site.write(
        "content/a.md",
        &format!("+++\ntitle = \"A\"\n+++\n{HEADINGS}"),
    );
    site.write(
        "content/notes/_index.md",
        "+++\ninsert_anchor_links = \"heading\"\n+++\n",
    );
    site.write(
        "content/notes/b.md",
        &format!("+++\ntitle = \"B\"\n+++\n{HEADINGS}"),
    );
    let run = site.build(&[]).succeeded();
    assert_eq!(
        run.read("a/index.html"),
        "<h1 id=\"hello\"><a class=\"zola-anchor\" href=\"#hello\" aria-label=\"Anchor link for: hello\">🔗</a>Hello</h1>\n\
         <h2 id=\"rust\"><a class=\"zola-anchor\" href=\"#rust\" aria-label=\"Anchor link for: rust\">🔗</a><a rel=\"external\" href=\"https://rust-lang.org\">Rust</a></h2>\n"
    );
    assert_eq!(
        run.read("notes/b/index.html"),
        "<h1 id=\"hello\"><a class=\"zola-anchor\" href=\"#hello\" aria-label=\"Anchor link for: hello\">Hello</a></h1>\n\
         <h2 id=\"rust\"><a class=\"zola-anchor\" href=\"#rust\" aria-label=\"Anchor link for: rust\"><a rel=\"external\" href=\"https://rust-lang.org\">Rust</a></a></h2>\n"
    );

    site.write(
        "templates/anchor-link.html",
        " <a href=\"#{{ id }}\">§{{ level }} {{ lang }}</a>",
    );
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\n[markdown]\ninsert_anchor_links = \"right\"\nexternal_links_external = false\n",
    );
    let run = site.build(&[]).succeeded();
    assert_eq!(
        run.read("a/index.html"),
        "<h1 id=\"hello\">Hello <a href=\"#hello\">§1 en</a></h1>\n\
         <h2 id=\"rust\"><a href=\"https://rust-lang.org\">Rust</a> <a href=\"#rust\">§2 en</a></h2>\n"
    );
}

#[test]
fn a_page_with_render_false_is_listed_but_gets_no_file() {
    let site = site("");
    site.write("content/blog/_index.md", "+++\nsort_by = \"title\"\n+++\n");
    site.write("content/blog/a.md", "+++\ntitle = \"A\"\n+++\n");
    site.write(
        "content/blog/b.md",
        "+++\ntitle = \"B\"\nrender = false\n+++\n",
    );
    let run = site.build(&[]).succeeded();
    assert!(run.exists("blog/a/index.html") && !run.exists("blog/b/index.html"));
    assert_eq!(run.read("blog/index.html"), "[A][B]");
    assert!(!run.read("sitemap.xml").contains("/blog/b/"));
}

#[test]
fn a_transparent_sections_pages_are_listed_by_its_parent() {
    let site = site("");
    site.write("content/blog/_index.md", "+++\nsort_by = \"title\"\n+++\n");
    site.write("content/blog/a.md", "+++\ntitle = \"A\"\n+++\n");
    site.write(
        "content/blog/2024/_index.md",
        "+++\ntransparent = true\n+++\n",
    );
    site.write("content/blog/2024/b.md", "+++\ntitle = \"B\"\n+++\n");
    site.write("content/blog/other/_index.md", "+++\n+++\n");
    site.write("content/blog/other/c.md", "+++\ntitle = \"C\"\n+++\n");
    let run = site.build(&[]).succeeded();
    assert_eq!(run.read("blog/index.html"), "[A][B]");
    assert_eq!(run.read("blog/2024/index.html"), "[B]");
}

#[test]
fn settings_of_older_zola_versions_build_with_a_warning_naming_the_new_way() {
    let site = site(
        "title = \"T\"\ngenerate_feed = true\nhighlight_code = true\ntaxonomies = [{ name = \"tags\", rss = true }]\n\
         [markdown]\nhighlight_theme = \"base16-ocean-dark\"\n",
    );
    site.write(
        "content/blog/_index.md",
        "+++\ndate = 2020-01-01\ngenerate_feed = true\n+++\n",
    );
    site.write(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\nsort_by = \"date\"\nin_search_index = false\nauthors = [\"Ann\"]\n[taxonomies]\ntags = [\"x\"]\n+++\n",
    );
    site.write("templates/tags/list.html", "tags");
    site.write("templates/tags/single.html", "tag");
    let run = site.build(&[]).succeeded();
    let said = run.output();
    for (old, new) in [
        ("`generate_feed`", "`generate_feeds`"),
        ("`highlight_code`", "[markdown.highlighting]"),
        ("`markdown.highlight_theme`", "[markdown.highlighting]"),
        ("`taxonomies.rss`", "`feed`"),
    ] {
        let line = said.lines().find(|l| l.contains(old)).unwrap_or_default();
        assert!(line.contains(new), "{old}: {said}");
    }
    assert!(said.contains("_index.md: `date`"), "{said}");
    assert!(said.contains("a.md: `sort_by`"), "{said}");
    assert!(!said.contains("in_search_index"), "{said}");
    // Mapped: the site feed, the section's and the tag's.
    assert!(run.exists("atom.xml") && run.exists("blog/atom.xml") && run.exists("tags/x/atom.xml"));
}

#[test]
fn taxonomy_root_puts_taxonomies_under_a_folder() {
    let site = site("taxonomy_root = \"blog\"\ntaxonomies = [{ name = \"tags\" }]\n");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\n",
    );
    site.write(
        "templates/tags/list.html",
        "{{ taxonomy.slug }}: {% for t in terms %}{{ t.permalink | safe }}{% endfor %}",
    );
    site.write("templates/tags/single.html", "{{ term.name }}");
    let run = site.build(&[]).succeeded();
    assert_eq!(
        run.read("blog/tags/index.html"),
        "tags: https://example.org/blog/tags/rust/"
    );
    assert_eq!(run.read("blog/tags/rust/index.html"), "Rust");
}

#[test]
fn feed_entries_name_the_pages_authors_else_the_sites_author_as_zola_does() {
    let site = site("generate_feeds = true\nauthor = \"Site Author\"\n");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-02\nauthors = [\"Ann\", \"Bo & Co\"]\n+++\nA\n",
    );
    site.write(
        "content/b.md",
        "+++\ntitle = \"B\"\ndate = 2024-01-01\n+++\nB\n",
    );
    let atom = site.build(&[]).succeeded().read("atom.xml");
    let names: Vec<&str> = atom
        .split("<name>")
        .skip(1)
        .filter_map(|rest| rest.split("</name>").next())
        .collect();
    assert_eq!(names, ["Ann", "Bo &amp; Co", "Site Author"], "{atom}");

    // No author anywhere: Zola's "Unknown". The site has no title and one page none either,
    // which the feed templates render as empty text, as Zola's do.
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ngenerate_feeds = true\n",
    );
    site.write("content/c.md", "+++\ndate = 2024-01-03\n+++\nC\n");
    let atom = site.build(&[]).succeeded().read("atom.xml");
    assert!(atom.contains("<name>Unknown</name>"), "{atom}");
    assert!(atom.contains("<title></title>"), "{atom}");
}

#[test]
fn a_taxonomy_no_page_uses_gets_no_list_page_and_no_sitemap_entry() {
    let site = site("taxonomies = [{ name = \"tags\" }, { name = \"unused\" }]\n");
    site.write("templates/tags/list.html", "tags");
    site.write("templates/tags/single.html", "{{ term.name }}");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"x\"]\n+++\nA\n",
    );
    let run = site.build(&[]).succeeded();
    assert!(run.exists("tags/index.html") && run.exists("tags/x/index.html"));
    assert!(
        !run.exists("unused/index.html"),
        "Zola writes no list for it"
    );
    let sitemap = run.read("sitemap.xml");
    assert!(
        sitemap.contains("/tags/") && !sitemap.contains("/unused/"),
        "{sitemap}"
    );
}
