//! The `kiln build` command line: flags, defaults, exit codes, the summary line, `--help`.

use crate::markup::text_by_id;
use crate::support::{Site, snapshot};

#[test]
fn help_lists_every_build_flag() {
    let site = Site::empty();
    let run = site
        .kiln_in(&site.parent(), &["build", "--help"], site.dist())
        .succeeded();
    for flag in ["--root", "--output-dir", "--base-url", "--drafts"] {
        assert!(
            run.stdout.contains(flag),
            "`kiln build --help` does not mention {flag}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn top_level_help_lists_the_build_command() {
    let site = Site::empty();
    let run = site
        .kiln_in(&site.parent(), &["--help"], site.dist())
        .succeeded();
    assert!(run.stdout.contains("build"), "{}", run.stdout);
}

#[test]
fn root_defaults_to_the_current_folder_and_output_to_its_dist() {
    let site = Site::fixture("zola-basic");
    let run = site
        .kiln_in(&site.root(), &["build"], site.dist())
        .succeeded();
    assert!(run.exists("index.html") && run.exists("blog/first/index.html"));
}

#[test]
fn root_flag_builds_another_folder_into_its_dist() {
    let site = Site::fixture("zola-basic");
    let run = site.build(&[]).succeeded();
    assert!(run.exists("index.html"));
    assert!(
        !site.parent().join("dist").exists(),
        "output must go to <root>/dist, not the cwd"
    );
}

#[test]
fn output_dir_flag_writes_there_and_nowhere_else() {
    let site = Site::fixture("zola-basic");
    let out = site.parent().join("public");
    let mut run = site
        .build(&["--output-dir", out.to_str().expect("utf-8")])
        .succeeded();
    run.out = out;
    assert!(run.exists("index.html") && run.exists("sitemap.xml"));
    assert!(
        !site.dist().exists(),
        "nothing must be written to the default dist/"
    );
}

#[test]
fn relative_output_dir_is_taken_from_the_current_folder() {
    let site = Site::fixture("zola-basic");
    let root = site.root();
    let mut run = site
        .kiln_in(
            &site.parent(),
            &[
                "build",
                "--root",
                root.to_str().expect("utf-8"),
                "--output-dir",
                "rel-out",
            ],
            site.dist(),
        )
        .succeeded();
    run.out = site.parent().join("rel-out");
    assert!(
        run.exists("index.html"),
        "relative --output-dir resolves against the cwd like any CLI path"
    );
}

#[test]
fn base_url_flag_overrides_config_everywhere() {
    let site = Site::fixture("zola-basic");
    let run = site
        .build(&["--base-url", "https://preview.example.net"])
        .succeeded();
    let page = run.read("blog/first/index.html");
    assert_eq!(
        text_by_id(&page, "page-permalink"),
        "https://preview.example.net/blog/first/"
    );
    assert!(
        run.read("sitemap.xml")
            .contains("https://preview.example.net/blog/first/")
    );
    assert!(
        run.read("robots.txt")
            .contains("https://preview.example.net/sitemap.xml")
    );
    assert!(
        run.read("atom.xml")
            .contains("https://preview.example.net/blog/first/")
    );
    let all_text: String = run.html_files().iter().map(|f| run.read(f)).collect();
    assert!(
        !all_text.contains("https://example.org"),
        "the config base_url leaked into the HTML"
    );
}

#[test]
fn base_url_with_a_trailing_slash_gives_the_same_urls() {
    let site = Site::fixture("zola-basic");
    let plain = site.parent().join("plain");
    let slash = site.parent().join("slash");
    site.build(&[
        "--base-url",
        "https://b.example",
        "--output-dir",
        plain.to_str().expect("utf-8"),
    ])
    .succeeded();
    site.build(&[
        "--base-url",
        "https://b.example/",
        "--output-dir",
        slash.to_str().expect("utf-8"),
    ])
    .succeeded();
    assert!(
        snapshot(&plain) == snapshot(&slash),
        "a trailing slash on --base-url changed the output"
    );
}

#[test]
fn summary_line_counts_pages_feeds_and_sitemap() {
    let run = Site::fixture("zola-basic").build(&[]).succeeded();
    let line = run
        .output()
        .lines()
        .find(|l| l.trim_start().starts_with("Built "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no `Built N pages, …` line in:\n{}", run.output()));
    let words: Vec<&str> = line.split_whitespace().collect();
    let pages: usize = words
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(
        words.get(2).map(|w| w.trim_end_matches(',')),
        Some("pages"),
        "{line}"
    );
    // A page is an HTML file a visitor reads: alias and `page/1/` redirects do not count.
    let readable = run
        .html_files()
        .iter()
        .filter(|f| !run.read(f).contains("http-equiv=\"refresh\""))
        .count();
    assert_eq!(
        pages, readable,
        "pages in the summary vs readable HTML files: {line}"
    );
    // What the count is made of: the fixture's 12 published content pages and 404.html, and
    // every other readable page lists others (sections, taxonomies, their paginated pages).
    let listings = readable - 12 - 1;
    assert!(
        line.contains(&format!("({listings} of them listings)")),
        "{listings} listings: {line}"
    );
    assert!(line.contains("2 feeds"), "atom.xml and rss.xml: {line}");
    assert!(line.contains("1 sitemap"), "{line}");
    assert!(
        line.trim_end().ends_with("ms") || line.contains(" ms"),
        "{line}"
    );
}

#[test]
fn missing_root_fails_naming_the_folder() {
    let site = Site::empty();
    let missing = site.parent().join("no-such-site");
    let run = site
        .kiln_in(
            &site.parent(),
            &["build", "--root", missing.to_str().expect("utf-8")],
            site.dist(),
        )
        .failed();
    assert!(run.stderr.contains("no-such-site"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("panicked"),
        "a missing folder is a user error, not a panic:\n{}",
        run.stderr
    );
}

#[test]
fn errors_exit_non_zero_without_panicking() {
    let site = Site::fixture("zola-basic");
    site.write("content/broken.md", "+++\ntitle = \"Broken\n+++\n");
    let run = site.build(&[]).failed();
    // 101 is Rust's panic exit code; a signal gives no code at all.
    assert!(
        run.code.is_some_and(|c| c != 0 && c != 101),
        "exit code {:?}: {}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn unknown_flag_is_rejected_with_usage() {
    let site = Site::fixture("zola-basic");
    let run = site.build(&["--no-such-flag"]).failed();
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    assert!(!site.dist().exists());
}

#[test]
fn each_stage_reports_what_it_read() {
    let site = Site::fixture("zola-basic");
    let templates = walkdir::WalkDir::new(site.root().join("templates"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
        .count();
    let run = site.build(&[]).succeeded();
    let output = run.output();
    let stage = |name: &str| {
        let line = output.lines().find(|l| l.starts_with(name));
        line.map(str::to_string)
            .unwrap_or_else(|| panic!("no `{name}` line in:\n{output}"))
    };
    let load = stage("load");
    assert!(load.contains(&format!(" {templates} templates")), "{load}");
    for name in ["config", "link", "render", "write"] {
        assert!(stage(name).contains(" ms "), "{}", stage(name));
    }
}
