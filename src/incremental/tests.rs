//! Tests of the invariant: every rebuild equals a full build, byte for byte.

use std::path::PathBuf;

use super::Rebuilder;
use super::report::RebuildReport;
use crate::config::BuildOptions;
use crate::markdown::cache::MarkdownCache;
use crate::output::OutputFile;
use crate::render::Reads;
use crate::render::values::Values;
use crate::site::Bodies;

/// A small Zola-style site with listings, tags, pagination, `@/` links and `get_section`.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        site.write("config.toml", "base_url = \"https://x.org\"\ntitle = \"T\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n");
        site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHi.\n");
        site.write(
            "content/blog/_index.md",
            "+++\ntitle = \"Blog\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n",
        );
        for (n, date) in [(1, "2024-01-01"), (2, "2024-02-01"), (3, "2024-03-01")] {
            site.write(&format!("content/blog/p{n}.md"), &format!(
                "+++\ntitle = \"Post {n}\"\ndate = {date}\n[taxonomies]\ntags = [\"t{n}\", \"all\"]\n+++\n# Head\nBody {n}, see [one](@/blog/p1.md#head).\n"
            ));
        }
        site.write(
            "templates/base.html",
            "<title>{{ config.title }}</title>{% block c %}{% endblock %}",
        );
        site.write("templates/index.html", "{% extends \"base.html\" %}{% block c %}{% set b = get_section(path=\"blog/_index.md\") %}{% for p in b.pages %}{{ p.title }}{% endfor %}{% endblock %}");
        site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}{% endblock %}");
        site.write("templates/page.html", "{% extends \"base.html\" %}{% block c %}{{ page.content | safe }}{% if page.lower %}{{ page.lower.title }}{% endif %}{% if page.higher %}{{ page.higher.title }}{% endif %}{% endblock %}");
        site.write(
            "templates/tags/list.html",
            "{% for t in terms %}{{ t.name }}{{ t.page_count }}{% endfor %}",
        );
        site.write(
            "templates/tags/single.html",
            "{% for p in term.pages %}{{ p.title }}{% endfor %}",
        );
        site.write("static/style.css", "a{}");
        site
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn opts(&self) -> BuildOptions {
        BuildOptions {
            root: self.dir.path().to_path_buf(),
            base_url: None,
            drafts: false,
            mode: crate::config::Mode::Build,
        }
    }
}

/// Rebuilds after `changed` and checks the result is byte for byte a full build's.
fn rebuild_matches_full(rebuilder: &mut Rebuilder, site: &Site, changed: &[&str]) -> RebuildReport {
    let paths: Vec<PathBuf> = changed.iter().map(|c| site.path(c)).collect();
    let (incremental, report) = rebuilder.rebuild(&paths).unwrap();
    let full = crate::render_site(&site.opts()).unwrap();
    assert_eq!(
        incremental.files.keys().collect::<Vec<_>>(),
        full.files.keys().collect::<Vec<_>>()
    );
    for (path, file) in &full.files {
        assert_eq!(
            &incremental.files[path], file,
            "{path} differs from a full build after {changed:?}"
        );
    }
    assert_eq!(
        (incremental.pages, incremental.feeds),
        (full.pages, full.feeds)
    );
    report
}

#[test]
fn edits_rebuild_only_what_they_touch_and_equal_a_full_build() {
    let site = Site::new();
    let mut rebuilder = Rebuilder::new(site.opts());
    let (_, first) = rebuilder.rebuild(&[]).unwrap();
    assert!(
        first.full && first.rendered.len() == first.outputs - 1,
        "{first}"
    );

    site.write("content/blog/p2.md", "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"t2\", \"all\"]\n+++\nNew body.\n");
    let body = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    // Only the page and the feed (which shows bodies): the neighbours, listings and terms
    // show titles, which did not change.
    assert!(
        !body.full && body.rendered == ["/blog/p2/", "/atom.xml"],
        "a body edit re-rendered too much: {body}"
    );

    site.write("content/blog/p1.md", "+++\ntitle = \"Post 1 renamed\"\ndate = 2024-04-01\n[taxonomies]\ntags = [\"t9\"]\n+++\n# Head\nMoved.\n");
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

    site.write(
        "content/blog/p4.md",
        "+++\ntitle = \"Post 4\"\ndate = 2024-05-01\n[taxonomies]\ntags = [\"all\"]\n+++\nNew.\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p4.md"]);

    // Moving a link target re-renders the pages linking to it (their @/ links change).
    site.write("content/blog/p1.md", "+++\ntitle = \"Post 1 renamed\"\nslug = \"first\"\ndate = 2024-04-01\n+++\n# Head\nMoved.\n");
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

    std::fs::remove_file(site.path("content/blog/p3.md")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p3.md"]);

    site.write(
        "templates/base.html",
        "<title>{{ config.title }}!</title>{% block c %}{% endblock %}",
    );
    let template = rebuild_matches_full(&mut rebuilder, &site, &["templates/base.html"]);
    assert!(
        template.rendered.len() >= 6,
        "every page extends base.html: {template}"
    );

    // Listings that show word counts must follow a body edit that changes them.
    site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}{{ p.title }} {{ p.word_count }}{% endfor %}{% endblock %}");
    rebuild_matches_full(&mut rebuilder, &site, &["templates/section.html"]);
    site.write("content/blog/p4.md", "+++\ntitle = \"Post 4\"\ndate = 2024-05-01\n[taxonomies]\ntags = [\"all\"]\n+++\nNew and longer now.\n");
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p4.md"]);

    site.write("static/new.js", "x");
    rebuild_matches_full(&mut rebuilder, &site, &["static/new.js"]);

    site.write("config.toml", "base_url = \"https://y.org\"\ntitle = \"U\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n");
    let config = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(config.full, "{config}");
}

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

/// Rebuilds after a change to `rel` that must fail, and returns the error's text.
fn rebuild_fails(rebuilder: &mut Rebuilder, site: &Site, rel: &str) -> String {
    rebuilder
        .rebuild(&[site.path(rel)])
        .unwrap_err()
        .to_string()
}

#[test]
fn a_broken_file_fails_the_rebuild_and_fixing_it_recovers() {
    let site = Site::new();
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    site.write("content/blog/p2.md", "+++\ntitle = = \n+++\n");
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p2.md");
    assert!(error.contains("p2.md:2"), "{error}");
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Fixed\"\ndate = 2024-02-01\n+++\nOk.\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
}

#[test]
fn body_edits_patch_the_last_site_and_report_what_a_full_build_would() {
    let site = Site::new();
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    let p1 = std::fs::read_to_string(site.path("content/blog/p1.md")).unwrap();
    let full_error = |site: &Site| crate::render_site(&site.opts()).unwrap_err().to_string();

    // Same front matter, so only p1's Markdown is rendered again; but every post links to
    // p1#head, and that heading is gone now: the same errors as a full build.
    site.write("content/blog/p1.md", &p1.replace("# Head", "# Other"));
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
    assert_eq!(error, full_error(&site));
    assert!(error.contains("no heading with id `head`"), "{error}");

    site.write("content/blog/p1.md", &p1);
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

    // p1 itself fails now: as in a full build, its headings are gone for the anchors too.
    site.write("content/blog/p1.md", &format!("{p1}\n[x](@/nope.md)\n"));
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
    assert_eq!(error, full_error(&site));
    assert!(error.contains("p2.md"), "{error}");
    site.write("content/blog/p1.md", &p1);
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);

    // A failed load forgets what was read; the same text read again renders nothing new.
    site.write("content/blog/p1.md", "+++\ntitle = = \n+++\n");
    rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
    site.write("content/blog/p1.md", &p1);
    let same = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);
    assert!(same.rendered.is_empty(), "{same}");

    // A new broken link in a body is reported at its line, then fixed.
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write(
        "content/blog/p2.md",
        &p2.replace("Body 2", "See [x](@/nope.md). Body 2"),
    );
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p2.md");
    assert_eq!(error, full_error(&site));
    site.write("content/blog/p2.md", &p2.replace("Body 2", "Fixed. Body 2"));
    let fixed = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert!(!fixed.full, "{fixed}");

    // A body edit together with a new colocated file is no patch, and still right.
    let p3 = std::fs::read_to_string(site.path("content/blog/p3.md")).unwrap();
    site.write("content/blog/p3.md", &p3.replace("Body 3", "Body 3, again"));
    site.write("content/blog/notes.txt", "loose");
    rebuild_matches_full(
        &mut rebuilder,
        &site,
        &["content/blog/p3.md", "content/blog/notes.txt"],
    );
}

#[test]
fn pages_whose_links_broke_render_again_when_the_target_returns() {
    let site = Site::new();
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    // Every post links to p1#head, so while p1 is gone their Markdown cannot render.
    let p1 = std::fs::read_to_string(site.path("content/blog/p1.md")).unwrap();
    std::fs::remove_file(site.path("content/blog/p1.md")).unwrap();
    let error = rebuild_fails(&mut rebuilder, &site, "content/blog/p1.md");
    assert!(error.contains("p2.md"), "{error}");
    site.write("content/blog/p1.md", &p1);
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p1.md"]);
}

#[test]
fn listings_render_the_same_bytes_with_light_or_full_page_values() {
    let site = Site::new();
    let light = crate::render_site(&site.opts()).unwrap();
    // The same template, plus a never-taken branch that reads listed bodies: full values.
    site.write("templates/section.html", "{% extends \"base.html\" %}{% block c %}{% for p in paginator.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% if false %}{{ p.content }}{% endif %}{% endfor %}{% endblock %}");
    let full = crate::render_site(&site.opts()).unwrap();
    for path in ["blog/index.html", "blog/page/2/index.html"] {
        assert_eq!(light.files[path], full.files[path], "{path}");
    }
}

#[test]
fn the_example_site_renders_the_same_bytes_with_projected_or_full_values() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let opts = BuildOptions {
        root,
        base_url: None,
        drafts: false,
        mode: crate::config::Mode::Build,
    };
    let projected = crate::render_site(&opts).unwrap();
    let mut full = Rebuilder::new(opts);
    full.reads = Reads::Everything;
    let (full, _) = full.rebuild(&[]).unwrap();
    assert_eq!(projected.files.len(), full.files.len());
    for (path, file) in &full.files {
        assert_eq!(&projected.files[path], file, "{path}");
    }
}

#[test]
fn page_values_have_exactly_the_keys_listings_know() {
    let site = Site::new();
    let loaded = crate::content::load(site.dir.path(), None).unwrap();
    let config = crate::config::load(site.dir.path(), None).unwrap().config;
    let linked = crate::site::link(
        config,
        loaded,
        false,
        Bodies::Cached(&mut MarkdownCache::default()),
        &crate::markdown::shortcodes::NoShortcodes,
    )
    .unwrap();
    let values = Values::new(&linked, None);
    let page = values.page(0);
    let mut keys: Vec<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut known = crate::render::values::PAGE_KEYS.to_vec();
    keys.sort();
    known.sort();
    assert_eq!(keys, known);
}

#[cfg(unix)]
#[test]
fn changed_paths_are_named_from_the_root_whatever_their_spelling() {
    let site = Site::new();
    let links = tempfile::tempdir().unwrap();
    let alias = links.path().join("site");
    std::os::unix::fs::symlink(site.dir.path(), &alias).unwrap();
    let rebuilder = Rebuilder::new(BuildOptions {
        root: alias.clone(),
        ..site.opts()
    });
    // The watcher may report the real path while the root was given through a symlink.
    assert_eq!(rebuilder.display(&site.path("config.toml")), "config.toml");
    assert_eq!(
        rebuilder.display(&alias.join("templates/base.html")),
        "templates/base.html"
    );
}

#[test]
fn the_report_says_what_changed_and_how_much_was_rendered() {
    let rendered = ["/a/", "/", "/atom.xml", "/tags/x/", "/sitemap.xml"]
        .map(String::from)
        .to_vec();
    let report = RebuildReport {
        changed: vec!["content/a.md".into()],
        rendered,
        outputs: 40,
        millis: 7,
        full: false,
    };
    assert_eq!(
        report.to_string(),
        "content/a.md changed: re-rendered 5 of 40 outputs in 7 ms (/a/, /, /atom.xml, /tags/x/ and 1 more)"
    );
}

#[test]
fn a_streamed_build_writes_exactly_the_bytes_of_the_in_memory_render() {
    let site = Site::new();
    let in_memory = crate::render_site(&site.opts()).unwrap();
    let out = site.path("out");
    let streamed = crate::build(&site.opts(), &out).unwrap();
    assert_eq!(
        (streamed.pages, streamed.feeds, streamed.copied),
        (in_memory.pages, in_memory.feeds, in_memory.copied)
    );
    let mut written = Vec::new();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&out).unwrap();
            written.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    written.sort();
    let held: Vec<&String> = in_memory.files.keys().collect();
    assert_eq!(written.iter().collect::<Vec<_>>(), held);
    for (rel, file) in &in_memory.files {
        let expected = match file {
            OutputFile::Generated(bytes) => bytes.to_vec(),
            OutputFile::Copied(source) => std::fs::read(source).unwrap(),
        };
        assert_eq!(std::fs::read(out.join(rel)).unwrap(), expected, "{rel}");
    }
}

/// Saves a `size` × `size` PNG of one `colour` at `path`.
fn png(path: &std::path::Path, size: u32, colour: [u8; 3]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(size, size, image::Rgb(colour))
        .save_with_format(path, image::ImageFormat::Png)
        .unwrap();
}

#[test]
fn image_edits_rebuild_the_pages_that_resize_them_and_equal_a_full_build() {
    let site = Site::new();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block c %}{% set i = resize_image(path=\"cover.png\", width=8, height=8) %}<img src=\"{{ i.url }}\">{{ page.content | safe }}{% endblock %}");
    png(&site.path("static/cover.png"), 32, [200, 0, 0]);
    let mut rebuilder = Rebuilder::new(site.opts());
    let (first, _) = rebuilder.rebuild(&[]).unwrap();
    let processed = |output: &crate::output::SiteOutput| {
        let names = output
            .files
            .keys()
            .filter(|k| k.starts_with("processed_images/"));
        names.cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        processed(&first).len(),
        1,
        "one processed image for every page"
    );

    png(&site.path("static/cover.png"), 32, [0, 0, 200]);
    let report = rebuild_matches_full(&mut rebuilder, &site, &["static/cover.png"]);
    assert!(report.rendered.iter().any(|p| p == "/blog/p1/"), "{report}");
    let (now, _) = rebuilder.rebuild(&[]).unwrap();
    assert_eq!(
        processed(&now).len(),
        1,
        "the old image is gone: {:?}",
        processed(&now)
    );
    assert_ne!(processed(&now), processed(&first));

    // A body edit re-renders one page, which asks for the same image: still there.
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write("content/blog/p2.md", &p2.replace("Body 2", "Body two"));
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block c %}{{ page.content | safe }}{% endblock %}",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["templates/page.html"]);
    let (last, _) = rebuilder.rebuild(&[]).unwrap();
    assert!(processed(&last).is_empty(), "no page asks for it any more");
}

#[test]
fn replacing_colocated_artwork_is_checked_again_as_a_full_build_checks_it() {
    let site = Site::new();
    site.write("content/show/_index.md", "+++\ntitle = \"Show\"\npaginate_by = 5\n[extra.podcast]\nauthor = \"A\"\nimage = \"cover.png\"\ncategory = \"Technology\"\nexplicit = false\n+++\n");
    png(&site.path("content/show/cover.png"), 1400, [10, 20, 30]);
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    png(&site.path("content/show/cover.png"), 500, [10, 20, 30]);
    let error = rebuild_fails(&mut rebuilder, &site, "content/show/cover.png");
    assert!(error.contains("500 × 500 pixels"), "{error}");
    let full = crate::render_site(&site.opts()).unwrap_err().to_string();
    assert_eq!(error, full);

    png(&site.path("content/show/cover.png"), 1400, [10, 20, 30]);
    rebuild_matches_full(&mut rebuilder, &site, &["content/show/cover.png"]);
}

/// The search index's bytes from `output` as text.
fn search_index(output: &crate::SiteOutput, file: &str) -> String {
    match &output.files[file] {
        OutputFile::Generated(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        OutputFile::Copied(source) => panic!("{file} was copied from {}", source.display()),
    }
}

#[test]
fn search_indexes_follow_edits_and_removals_like_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    for format in ["elasticlunr_json", "fuse_json"] {
        site.write(
            "config.toml",
            &format!("build_search_index = true\n{config}[search]\nindex_format = \"{format}\"\n[fragment_search]\nenable = true\n"),
        );
        let mut rebuilder = Rebuilder::new(site.opts());
        rebuilder.rebuild(&[]).unwrap();
        let file = "search_index.en.json";

        let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
        site.write(
            "content/blog/p2.md",
            &p2.replace("Body 2", "Body 2 about pottery"),
        );
        let edit = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        assert!(
            edit.rendered.iter().any(|r| r == "/search_index.en.json"),
            "{edit}"
        );
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(search_index(&output, file).contains("pottery"), "{format}");

        let hidden = p2.replace(
            "title = \"Post 2\"\n",
            "title = \"Post 2\"\nin_search_index = false\n",
        );
        site.write("content/blog/p2.md", &hidden);
        let p2_url = "https://x.org/blog/p2/";
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(!search_index(&output, file).contains(p2_url), "{format}");

        let p3_url = "https://x.org/blog/p3/";
        assert!(search_index(&output, file).contains(p3_url), "{format}");
        std::fs::remove_file(site.path("content/blog/p3.md")).unwrap();
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p3.md"]);
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(!search_index(&output, file).contains(p3_url), "{format}");

        site.write("content/blog/p2.md", &p2);
        site.write(
            "content/blog/p3.md",
            &p2.replace("Post 2", "Post 3").replace("Body 2", "Body 3"),
        );
        rebuild_matches_full(
            &mut rebuilder,
            &site,
            &["content/blog/p2.md", "content/blog/p3.md"],
        );
    }
}

#[test]
fn sass_edits_recompile_exactly_the_stylesheets_that_use_them_and_equal_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write("config.toml", &format!("compile_sass = true\n{config}"));
    site.write("sass/_vars.scss", "$accent: #c40;\n");
    site.write(
        "sass/main.scss",
        "@use \"vars\";\nnav { a { color: vars.$accent; } }\n",
    );
    site.write("sass/print.scss", "body { color: black; }\n");
    site.write(
        "sass/css/theme.sass",
        "@import \"../vars\"\np\n  color: $accent\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write("sass/_vars.scss", "$accent: #06c;\n");
    let partial = rebuild_matches_full(&mut rebuilder, &site, &["sass/_vars.scss"]);
    assert_eq!(
        partial.rendered,
        ["/css/theme.css", "/main.css"],
        "{partial}"
    );

    site.write("sass/print.scss", "body { color: #111; }\n");
    let one = rebuild_matches_full(&mut rebuilder, &site, &["sass/print.scss"]);
    assert_eq!(one.rendered, ["/print.css"], "{one}");

    // An import that fails until its partial is written; then only its stylesheet compiles.
    site.write(
        "sass/print.scss",
        "@use \"extra\";\nbody { color: #111; }\n",
    );
    rebuild_fails(&mut rebuilder, &site, "sass/print.scss");
    site.write("sass/_extra.scss", "a { color: red; }\n");
    let created = rebuild_matches_full(&mut rebuilder, &site, &["sass/_extra.scss"]);
    assert_eq!(created.rendered, ["/print.css"], "{created}");

    site.write("sass/print.scss", "body { color: ; }\n");
    let error = rebuild_fails(&mut rebuilder, &site, "sass/print.scss");
    assert!(error.contains("print.scss:1:"), "{error}");
    site.write("sass/print.scss", "body { color: #222; }\n");
    rebuild_matches_full(&mut rebuilder, &site, &["sass/print.scss"]);

    std::fs::remove_file(site.path("sass/main.scss")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["sass/main.scss"]);
}

#[test]
fn code_edits_re_highlight_only_their_page_and_equal_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    let highlighted = "[markdown.highlighting]\nlight_theme = \"solarized-light\"\ndark_theme = \"solarized-dark\"\nstyle = \"class\"\n";
    site.write("config.toml", &format!("{config}{highlighted}"));
    let p2 =
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"t2\", \"all\"]\n+++\n";
    site.write(
        "content/blog/p2.md",
        &format!("{p2}```rust,hl_lines=1\nfn main() {{}}\n```\n"),
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write(
        "content/blog/p2.md",
        &format!("{p2}```rust,linenos\nfn main() {{ println!(\"hi\"); }}\n```\n"),
    );
    let edit = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert_eq!(edit.rendered, ["/blog/p2/", "/atom.xml"], "{edit}");

    // A highlighting setting re-renders the pages with code blocks (and the feed showing
    // them), nothing else; the stylesheets follow the style.
    site.write(
        "config.toml",
        &format!("{config}{}", highlighted.replace("class", "inline")),
    );
    let setting = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(!setting.full, "{setting}");
    assert_eq!(setting.rendered, ["/blog/p2/", "/atom.xml"], "{setting}");
    let nord = "[markdown.highlighting]\ntheme = \"nord\"\n";
    site.write("config.toml", &format!("{config}{nord}"));
    let theme = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert_eq!(theme.rendered, ["/blog/p2/", "/atom.xml"], "{theme}");
    site.write("config.toml", &config);
    let off = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(!off.full, "{off}");

    // Any other setting is a full rebuild.
    site.write(
        "config.toml",
        &config.replace("title = \"T\"", "title = \"V\""),
    );
    let other = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(other.full, "{other}");
}

#[test]
fn an_image_a_shortcode_resizes_is_followed_when_it_changes() {
    let site = Site::new();
    site.write("templates/shortcodes/thumb.html", "{% set i = resize_image(path=\"cover.png\", width=8, height=8) %}<img src=\"{{ i.url }}\">");
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write("content/blog/p2.md", &format!("{p2}\n{{{{ thumb() }}}}\n"));
    png(&site.path("static/cover.png"), 32, [200, 0, 0]);
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    png(&site.path("static/cover.png"), 32, [0, 200, 0]);
    rebuild_matches_full(&mut rebuilder, &site, &["static/cover.png"]);
}
