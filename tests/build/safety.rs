//! The build is safe: all-or-nothing output, nothing outside the output folder, same bytes twice.

use crate::support::{Site, differing_files, entries_starting_with, snapshot};

#[test]
fn failed_build_leaves_previous_dist_untouched() {
    let site = Site::fixture("zola-basic");
    site.build(&[]).succeeded();
    let before = snapshot(&site.dist());
    assert!(before.contains_key("index.html"));

    // A later page breaks at render time, after other pages could already have been written.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About, rewritten\"\n+++\nA new about page.\n",
    );
    site.replace_in(
        "templates/page.html",
        "{{ page.title }}</h1>",
        "{{ page.title | no_such_filter }}</h1>",
    );
    site.build(&[]).failed();

    assert!(
        before == snapshot(&site.dist()),
        "a failed build changed dist/"
    );
    // The pages rendered before the failure were already written, beside dist/: gone too.
    assert_no_build_folders(&site);
}

#[test]
fn failed_build_leaves_no_temporary_folder_behind() {
    let site = Site::fixture("zola-basic");
    site.build(&[]).succeeded();
    site.write("content/broken.md", "+++\ntitle = \"Broken\n+++\n");
    site.build(&[]).failed();
    assert_no_build_folders(&site);
}

#[test]
fn successful_build_leaves_no_temporary_folder_behind() {
    let site = Site::fixture("zola-basic");
    site.build(&[]).succeeded();
    site.build(&[]).succeeded();
    assert_no_build_folders(&site);
}

#[test]
fn failed_first_build_creates_no_dist() {
    let site = Site::fixture("zola-basic");
    site.write("content/broken.md", "+++\ntitle = \"Broken\n+++\n");
    site.build(&[]).failed();
    assert!(
        !site.dist().exists(),
        "a failed build must not leave a partial dist/"
    );
}

#[test]
fn rebuild_replaces_dist_so_removed_pages_disappear() {
    let site = Site::fixture("zola-basic");
    let first = site.build(&[]).succeeded();
    assert!(first.exists("about/index.html"));
    site.remove("content/about.md");
    let second = site.build(&[]).succeeded();
    assert!(
        !second.exists("about/index.html"),
        "dist/ must be the new build, not a merge"
    );
}

#[test]
fn output_is_byte_identical_across_runs_and_checkouts() {
    // Two copies in different folders: no absolute path, time or folder order may leak in.
    let (one, two) = (Site::fixture("zola-basic"), Site::fixture("zola-basic"));
    let a = snapshot(&one.build(&[]).succeeded().out);
    let b = snapshot(&two.build(&[]).succeeded().out);
    let again = snapshot(&one.build(&[]).succeeded().out);
    assert!(!a.is_empty());
    assert!(
        differing_files(&a, &again).is_empty(),
        "a rebuild differs: {:?}",
        differing_files(&a, &again)
    );
    assert!(
        differing_files(&a, &b).is_empty(),
        "two checkouts differ: {:?}",
        differing_files(&a, &b)
    );
}

#[test]
fn podcast_output_is_byte_identical_across_runs() {
    let site = Site::fixture("podcast");
    let first = snapshot(&site.build(&[]).succeeded().out);
    let second = snapshot(&site.build(&[]).succeeded().out);
    assert!(first == second, "the podcast site built differently twice");
}

#[test]
fn slug_escaping_the_output_folder_is_an_error() {
    let front = "title = \"Escape\"\ndate = 2024-06-01\nslug = \"../../../x\"";
    assert_escape_rejected("content/blog/escape.md", front, "slug");
}

#[test]
fn path_escaping_the_output_folder_is_an_error() {
    assert_escape_rejected(
        "content/escape.md",
        "title = \"Escape\"\npath = \"../x\"",
        "path",
    );
}

#[test]
fn absolute_path_outside_the_site_is_an_error() {
    assert_escape_rejected(
        "content/escape.md",
        "title = \"Escape\"\npath = \"/../../x\"",
        "path",
    );
}

#[test]
fn alias_escaping_the_output_folder_is_an_error() {
    assert_escape_rejected(
        "content/escape.md",
        "title = \"Escape\"\naliases = [\"../../x/\"]",
        "aliases",
    );
}

/// A page whose front matter points outside the output fails the build naming file and key,
/// and nothing is written beside the site or the output.
fn assert_escape_rejected(rel: &str, front_matter: &str, key: &str) {
    let site = Site::fixture("zola-basic");
    site.write(rel, &format!("+++\n{front_matter}\n+++\nOut!\n"));
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains(rel) && err.contains(key),
        "expected {rel} and `{key}` in:\n{err}"
    );
    assert_nothing_escaped(&site);
}

fn assert_nothing_escaped(site: &Site) {
    for dir in [site.root(), site.parent(), site.root().join("content")] {
        for name in ["x", "x.xml"] {
            let path = dir.join(name);
            assert!(
                !path.exists(),
                "something was written to {}",
                path.display()
            );
        }
    }
    assert!(
        !site.dist().exists(),
        "a failed first build must not leave dist/"
    );
}

/// No `.kiln-build-*` folder in the site, beside it, or in the output.
fn assert_no_build_folders(site: &Site) {
    for dir in [site.root(), site.parent(), site.dist()] {
        let leftovers = entries_starting_with(&dir, ".kiln-build-");
        assert!(
            leftovers.is_empty(),
            "left behind in {}: {leftovers:?}",
            dir.display()
        );
    }
}

#[test]
fn output_dir_that_would_swallow_the_sources_is_refused() {
    // Swapping the output in replaces the folder: pointed at the site (or a folder holding it),
    // that would delete the sources.
    let site = Site::fixture("zola-basic");
    let targets = [site.root(), site.parent(), site.root().join("content")];
    for target in targets {
        let run = site
            .build(&["--output-dir", target.to_str().expect("utf-8")])
            .failed();
        assert!(
            run.stderr.contains("output"),
            "the refusal should say why:\n{}",
            run.stderr
        );
        assert!(
            site.root().join("content/blog/first.md").is_file(),
            "sources deleted by {}",
            target.display()
        );
        assert!(
            site.root().join("config.toml").is_file(),
            "config deleted by {}",
            target.display()
        );
    }
}

#[test]
fn two_builds_at_once_leave_one_complete_output_and_no_leftovers() {
    let site = Site::fixture("zola-basic");
    let reference = site.parent().join("reference");
    site.build(&["--output-dir", reference.to_str().expect("utf-8")])
        .succeeded();
    let (a, b) = std::thread::scope(|scope| {
        let first = scope.spawn(|| site.build(&[]));
        let second = scope.spawn(|| site.build(&[]));
        (
            first.join().expect("first build thread"),
            second.join().expect("second build thread"),
        )
    });
    assert!(
        a.success || b.success,
        "at least one of two concurrent builds succeeds:\n{}\n{}",
        a.stderr,
        b.stderr
    );
    let differing = differing_files(&snapshot(&reference), &snapshot(&site.dist()));
    assert!(
        differing.is_empty(),
        "dist/ after concurrent builds differs from a clean build: {differing:?}"
    );
    assert_no_build_folders(&site);
}

#[test]
fn paginate_path_escaping_the_output_folder_is_an_error() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "content/blog/_index.md",
        "paginate_by = 2",
        "paginate_by = 2\npaginate_path = \"../../x\"",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/_index.md") && err.contains("paginate_path"),
        "{err}"
    );
    assert_nothing_escaped(&site);
}

#[test]
fn feed_filename_escaping_the_output_folder_is_an_error() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "config.toml",
        "[\"atom.xml\", \"rss.xml\"]",
        "[\"../x.xml\"]",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("config.toml") && err.contains("feed_filenames"),
        "{err}"
    );
    assert_nothing_escaped(&site);
}

#[test]
fn taxonomy_name_never_writes_outside_the_output_folder() {
    // Zola slugifies taxonomy names into URLs; erroring is fine too. Escaping is not.
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "config.toml",
        "{ name = \"tags\" }",
        "{ name = \"tags\" }, { name = \"../../x\" }",
    );
    site.write(
        "content/escape.md",
        "+++\ntitle = \"Escape\"\n[taxonomies]\n\"../../x\" = [\"y\"]\n+++\nOut!\n",
    );
    let run = site.build(&[]);
    for dir in [site.root(), site.parent(), site.root().join("content")] {
        assert!(
            !dir.join("x").exists(),
            "a taxonomy wrote to {}",
            dir.join("x").display()
        );
    }
    if !run.success {
        assert!(
            run.stderr.contains("../../x"),
            "the error names the taxonomy:\n{}",
            run.stderr
        );
    }
}
