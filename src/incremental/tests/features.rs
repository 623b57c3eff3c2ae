//! Rebuilds of sites with shortcodes, themes, anchor links and files that templates read.

use super::*;

#[test]
fn editing_a_shortcode_template_re_renders_exactly_the_pages_that_call_it() {
    let site = Site::new();
    site.write(
        "templates/shortcodes/note.html",
        "<aside>{{ body }}</aside>",
    );
    site.write("templates/shortcodes/cover.md", "**{{ page.title }}**");
    site.write("templates/shortcodes/unused.html", "never called");
    site.write("templates/macros.html", "{% macro star() %}*{% endmacro %}");
    site.write(
        "content/blog/p1.md",
        "+++\ntitle = \"Post 1\"\ndate = 2024-01-01\n+++\n# Head\n{% note() %}\nHi\n{% end %}\n",
    );
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n+++\n{{ cover() }} and {{ youtube(id=\"x\") }}\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write(
        "templates/shortcodes/note.html",
        "<aside class=\"n\">{{ body }}</aside>",
    );
    let note = rebuild_matches_full(&mut rebuilder, &site, &["templates/shortcodes/note.html"]);
    // The page and the feed that shows its body; nothing that does not call `note`.
    assert_eq!(note.rendered, ["/blog/p1/", "/atom.xml"], "{note}");

    site.write("templates/shortcodes/unused.html", "still never called");
    let unused = rebuild_matches_full(&mut rebuilder, &site, &["templates/shortcodes/unused.html"]);
    assert!(unused.rendered.is_empty(), "{unused}");

    // A site template replacing a built-in re-renders its callers.
    site.write("templates/shortcodes/youtube.html", "[video {{ id }}]");
    let youtube = rebuild_matches_full(
        &mut rebuilder,
        &site,
        &["templates/shortcodes/youtube.html"],
    );
    assert_eq!(youtube.rendered, ["/blog/p2/", "/atom.xml"], "{youtube}");

    // A shortcode that imports a macro changes with it.
    site.write(
        "templates/shortcodes/cover.md",
        "{% import \"macros.html\" as m %}{{ m::star() }}{{ page.title }}",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["templates/shortcodes/cover.md"]);
    site.write("templates/macros.html", "{% macro star() %}+{% endmacro %}");
    let macros = rebuild_matches_full(&mut rebuilder, &site, &["templates/macros.html"]);
    assert!(
        macros.rendered.contains(&"/blog/p2/".to_string()),
        "{macros}"
    );

    std::fs::remove_file(site.path("templates/shortcodes/youtube.html")).unwrap();
    rebuild_matches_full(
        &mut rebuilder,
        &site,
        &["templates/shortcodes/youtube.html"],
    );
    site.write(
        "content/blog/p3.md",
        "+++\ntitle = \"Post 3\"\n+++\n{{ gone() }}\n",
    );
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p3.md");
    assert!(error.contains("unknown shortcode `gone`"), "{error}");
    site.write("templates/shortcodes/gone.html", "back");
    rebuild_matches_full(&mut rebuilder, &site, &["templates/shortcodes/gone.html"]);

    // The `markdown` filter renders shortcodes in templates too.
    site.write(
        "templates/index.html",
        "{{ \"{{ gone() }} [p2](@/blog/p2.md)\" | markdown | safe }}",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["templates/index.html"]);
    site.write("templates/shortcodes/gone.html", "back again");
    let filter = rebuild_matches_full(&mut rebuilder, &site, &["templates/shortcodes/gone.html"]);
    assert!(filter.rendered.contains(&"/".to_string()), "{filter}");
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\nslug = \"moved\"\ndate = 2024-02-01\n+++\nMoved.\n",
    );
    let moved = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert!(moved.rendered.contains(&"/".to_string()), "{moved}");
}

#[test]
fn theme_edits_rebuild_to_what_a_full_build_gives() {
    let site = Site::new();
    site.write("config.toml", "base_url = \"https://x.org\"\ntitle = \"T\"\ntheme = \"t\"\ntaxonomies = [{ name = \"tags\" }]\n[extra]\nmine = 1\n");
    site.write("themes/t/theme.toml", "[extra]\ncolour = \"blue\"\n");
    site.write(
        "themes/t/templates/base.html",
        "<b>{{ config.extra.colour }}</b>{% block c %}{% endblock %}",
    );
    site.write("themes/t/templates/shortcodes/sig.html", "-- {{ who }}");
    site.write("themes/t/static/theme.css", "a{}");
    std::fs::remove_file(site.path("templates/base.html")).unwrap();
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n+++\n{{ sig(who=\"me\") }}\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write(
        "themes/t/templates/base.html",
        "<i>{{ config.extra.colour }}</i>{% block c %}{% endblock %}",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["themes/t/templates/base.html"]);
    site.write("themes/t/templates/shortcodes/sig.html", "— {{ who }}");
    rebuild_matches_full(
        &mut rebuilder,
        &site,
        &["themes/t/templates/shortcodes/sig.html"],
    );
    site.write("themes/t/theme.toml", "[extra]\ncolour = \"green\"\n");
    rebuild_matches_full(&mut rebuilder, &site, &["themes/t/theme.toml"]);
    site.write("themes/t/static/theme.css", "b{}");
    rebuild_matches_full(&mut rebuilder, &site, &["themes/t/static/theme.css"]);
    // The site's own file replaces the theme's, and removing it brings the theme's back.
    site.write("templates/base.html", "site{% block c %}{% endblock %}");
    rebuild_matches_full(&mut rebuilder, &site, &["templates/base.html"]);
    std::fs::remove_file(site.path("templates/base.html")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["templates/base.html"]);
    site.write("static/theme.css", "site{}");
    rebuild_matches_full(&mut rebuilder, &site, &["static/theme.css"]);
    std::fs::remove_file(site.path("static/theme.css")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["static/theme.css"]);
}

#[test]
fn anchor_links_transparency_and_unrendered_pages_rebuild_like_a_full_build() {
    let site = Site::new();
    site.write("config.toml", "base_url = \"https://x.org\"\ntitle = \"T\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n[markdown]\ninsert_anchor_links = \"left\"\n");
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write("templates/anchor-link.html", "<a href=\"#{{ id }}\">#</a>");
    let anchor = rebuild_matches_full(&mut rebuilder, &site, &["templates/anchor-link.html"]);
    assert!(
        anchor.rendered.contains(&"/blog/p1/".to_string()),
        "{anchor}"
    );
    site.write(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\nsort_by = \"date\"\npaginate_by = 2\ninsert_anchor_links = \"right\"\n+++\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/_index.md"]);
    site.write(
        "content/blog/deep/_index.md",
        "+++\ntransparent = true\npaginate_by = 5\n+++\n",
    );
    site.write(
        "content/blog/deep/p9.md",
        "+++\ntitle = \"Post 9\"\ndate = 2024-09-01\nrender = false\n+++\n# Nine\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/deep"]);
    site.write(
        "content/blog/deep/p9.md",
        "+++\ntitle = \"Post 9\"\ndate = 2024-09-01\n+++\n# Nine\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/deep/p9.md"]);
}

#[test]
fn links_in_a_shortcodes_markdown_filter_follow_their_target_moving() {
    let site = Site::new();
    site.write(
        "templates/shortcodes/note.html",
        "<aside>{{ body | markdown | safe }}</aside>",
    );
    site.write("content/blog/p2.md", "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n+++\n{% note() %}\nSee [three](@/blog/p3.md).\n{% end %}\n");
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    site.write(
        "content/blog/p3.md",
        "+++\ntitle = \"Post 3\"\nslug = \"moved\"\ndate = 2024-03-01\n+++\n# Head\n",
    );
    let moved = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p3.md"]);
    assert!(moved.rendered.contains(&"/blog/p2/".to_string()), "{moved}");
}

#[test]
fn a_shortcode_reading_page_assets_follows_a_colocated_file_added() {
    let site = Site::new();
    site.write(
        "templates/shortcodes/files.html",
        "{{ page.assets | join(sep=\",\") }}",
    );
    site.write(
        "content/blog/p9/index.md",
        "+++\ntitle = \"Post 9\"\ndate = 2024-09-01\n+++\n{{ files() }}\n",
    );
    site.write("content/blog/p9/a.txt", "a");
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    site.write("content/blog/p9/b.txt", "b");
    let added = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p9/b.txt"]);
    assert!(added.rendered.contains(&"/blog/p9/".to_string()), "{added}");
}

#[test]
fn files_read_by_templates_rebuild_like_a_full_build_when_they_change() {
    let site = Site::new();
    site.write("data/people.toml", "name = \"Ann\"\n");
    site.write("static/app.js", "1");
    site.write("content/blog/table.csv", "a,b\n1,2\n");
    site.write("templates/index.html", "{% set d = load_data(path=\"data/people.toml\") %}{{ d.name }} {{ get_url(path=\"app.js\", cachebust=true) }} {{ get_hash(path=\"app.js\") }}");
    site.write(
        "templates/shortcodes/table.html",
        "{% set t = load_data(path=\"@/blog/table.csv\") %}{{ t.records.0.1 }}",
    );
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n+++\n{{ table() }}\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write("data/people.toml", "name = \"Bo\"\n");
    let data = rebuild_matches_full(&mut rebuilder, &site, &["data/people.toml"]);
    assert!(data.full, "{data}");
    site.write("static/app.js", "2");
    rebuild_matches_full(&mut rebuilder, &site, &["static/app.js"]);
    site.write("content/blog/table.csv", "a,b\n1,3\n");
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/table.csv"]);
    std::fs::remove_file(site.path("data/people.toml")).unwrap();
    assert!(rebuilder.rebuild(&[site.path("data/people.toml")]).is_err());
    site.write("data/people.toml", "name = \"Cy\"\n");
    rebuild_matches_full(&mut rebuilder, &site, &["data/people.toml"]);
}

#[test]
fn noindex_and_term_pagers_rebuild_the_sitemap_like_a_full_build() {
    let site = Site::new();
    site.write("config.toml", "base_url = \"https://x.org\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\", paginate_by = 1 }]\n");
    site.write(
        "templates/tags/single.html",
        "{% for p in paginator.pages %}{{ p.title }}{% endfor %}",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    let noindex = "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"all\"]\n[extra]\nnoindex = true\n+++\nBody.\n";
    site.write("content/blog/p2.md", noindex);
    let report = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert!(
        report.rendered.iter().any(|path| path == "/sitemap.xml"),
        "{report}"
    );
    site.write("content/blog/p2.md", &noindex.replace("true", "false"));
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    // A new page tagged `all` adds a pager to the term, and to the sitemap.
    site.write(
        "content/blog/p5.md",
        "+++\ntitle = \"Post 5\"\ndate = 2024-06-01\n[taxonomies]\ntags = [\"all\"]\n+++\nNew.\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p5.md"]);
}
