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

mod assets;
mod cdn;
mod features;
mod languages;

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
        site.dir.path(),
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
