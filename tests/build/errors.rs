//! Every build error tells a person what is wrong and where: file, line, column, template, key.

use crate::support::{Site, names_file_and_line, names_file_line_and_column};

/// The zola-basic fixture with one file replaced.
fn fixture_with(rel: &str, contents: &str) -> Site {
    let site = Site::fixture("zola-basic");
    site.write(rel, contents);
    site
}

#[test]
fn broken_toml_front_matter_names_file_line_and_column() {
    // Line 3 of the file holds the unterminated string.
    let site = fixture_with(
        "content/blog/broken.md",
        "+++\ntitle = \"Fine\"\ndate = \"2024-01-01\nweight = 3\n+++\nBody.\n",
    );
    let run = site.build(&[]).failed();
    assert!(
        names_file_line_and_column(&run.stderr, "content/blog/broken.md", 3),
        "expected content/blog/broken.md, line 3 and a column in:\n{}",
        run.stderr
    );
}

#[test]
fn broken_yaml_front_matter_names_file_line_and_column() {
    // Line 4 of the file opens a flow sequence that never closes.
    let site = fixture_with(
        "content/blog/broken.md",
        "---\ntitle: Fine\ndate: 2024-01-01\ntags: [one, two\n---\nBody.\n",
    );
    let run = site.build(&[]).failed();
    let err = &run.stderr;
    // YAML parsers report an unclosed sequence where they notice it: its line or the next.
    assert!(
        names_file_line_and_column(err, "content/blog/broken.md", 4)
            || names_file_line_and_column(err, "content/blog/broken.md", 5),
        "expected content/blog/broken.md, line 4 (or 5) and a column in:\n{err}"
    );
}

#[test]
fn front_matter_with_a_wrongly_typed_field_names_file_and_field() {
    let site = fixture_with(
        "content/blog/typed.md",
        "+++\ntitle = \"Typed\"\nweight = \"heavy\"\n+++\nBody.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/typed.md") && err.contains("weight"),
        "{err}"
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let site = Site::fixture("zola-basic");
    let page = site.read_source("templates/page.html");
    let mut lines: Vec<&str> = page.lines().collect();
    lines.insert(4, "<p>{{ page.title </p>");
    site.write("templates/page.html", &lines.join("\n"));
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_and_line(&err, "page.html", 5),
        "expected page.html and line 5 in:\n{err}"
    );
}

#[test]
fn template_render_error_names_template_and_the_page_being_rendered() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "templates/page.html",
        "{{ page.title }}</h1>",
        "{{ page.no_such_field.deeper }}</h1>",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("page.html"),
        "the template must be named:\n{err}"
    );
    assert!(
        err.contains("no_such_field"),
        "the failing expression must be named:\n{err}"
    );
    assert!(
        err.contains(".md"),
        "the page being rendered must be named:\n{err}"
    );
}

#[test]
fn missing_template_named_in_front_matter_names_it_and_who_asked() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "content/recipes/_index.md",
        "+++\n",
        "+++\ntemplate = \"menu.html\"\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("menu.html"),
        "the missing template must be named:\n{err}"
    );
    assert!(
        err.contains("content/recipes/_index.md"),
        "the file that asked for it must be named:\n{err}"
    );
}

#[test]
fn missing_default_page_template_names_it() {
    let site = Site::fixture("zola-basic");
    site.remove("templates/page.html");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("page.html"),
        "the template looked for must be named:\n{err}"
    );
    assert!(
        err.contains(".md"),
        "a page that needs it must be named:\n{err}"
    );
}

#[test]
fn two_files_claiming_one_url_name_both_files() {
    let site = fixture_with(
        "content/blog/impostor.md",
        "+++\ntitle = \"Impostor\"\ndate = 2024-05-01\nslug = \"third\"\n+++\nI want the third post's URL.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(err.contains("content/blog/impostor.md"), "{err}");
    assert!(err.contains("content/blog/third.md"), "{err}");
    assert!(
        err.contains("/blog/third/"),
        "the contested URL must be named:\n{err}"
    );
}

#[test]
fn broken_internal_link_names_file_and_line() {
    // Front matter is lines 1–4; the broken link is on line 7.
    let site = fixture_with(
        "content/blog/linker.md",
        "+++\ntitle = \"Linker\"\ndate = 2024-05-02\n+++\nFirst paragraph.\n\nSee [nowhere](@/blog/nowhere.md) here.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_and_line(&err, "content/blog/linker.md", 7),
        "expected linker.md line 7 in:\n{err}"
    );
    assert!(
        err.contains("@/blog/nowhere.md"),
        "the broken link must be quoted:\n{err}"
    );
}

#[test]
fn internal_link_to_a_missing_anchor_fails() {
    let site = fixture_with(
        "content/blog/anchor.md",
        "+++\ntitle = \"Anchor\"\ndate = 2024-05-03\n+++\nSee [this](@/docs/install.md#no-such-heading).\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/anchor.md") && err.contains("no-such-heading"),
        "{err}"
    );
}

#[test]
fn several_front_matter_errors_are_reported_in_one_run() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/blog/bad-one.md",
        "+++\ntitle = \"One\n+++\nBody.\n",
    );
    site.write("content/docs/bad-two.md", "---\ntitle: [Two\n---\nBody.\n");
    site.write(
        "content/recipes/bad-three.md",
        "+++\ntitle = \"Three\"\nweight = \"heavy\"\n+++\nBody.\n",
    );
    let err = site.build(&[]).failed().stderr;
    for file in [
        "content/blog/bad-one.md",
        "content/docs/bad-two.md",
        "content/recipes/bad-three.md",
    ] {
        assert!(
            err.contains(file),
            "{file} must be reported in the same run:\n{err}"
        );
    }
}

#[test]
fn several_broken_links_are_reported_in_one_run() {
    let site = Site::fixture("zola-basic");
    site.write(
        "content/blog/link-one.md",
        "+++\ntitle = \"L1\"\ndate = 2024-06-01\n+++\n[a](@/gone-one.md)\n",
    );
    site.write(
        "content/docs/link-two.md",
        "+++\ntitle = \"L2\"\nweight = 9\n+++\n[b](@/gone-two.md)\n",
    );
    let err = site.build(&[]).failed().stderr;
    for file in ["content/blog/link-one.md", "content/docs/link-two.md"] {
        assert!(
            err.contains(file),
            "{file} must be reported in the same run:\n{err}"
        );
    }
}

#[test]
fn unknown_config_key_names_key_and_line() {
    let site = Site::fixture("zola-basic");
    site.replace_in("config.toml", "title = ", "titel = \"typo\"\ntitle = ");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("titel"),
        "the unknown key must be named:\n{err}"
    );
    assert!(
        names_file_and_line(&err, "config.toml", 2),
        "expected config.toml line 2 in:\n{err}"
    );
}

#[test]
fn unknown_key_inside_a_config_table_is_an_error_too() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "config.toml",
        "smart_punctuation = true",
        "smart_punctuation = true\nsmrat = 1",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("smrat") && err.contains("config.toml"),
        "{err}"
    );
}

#[test]
fn unsupported_zola_key_warns_by_name_and_the_build_succeeds() {
    let site = Site::fixture("zola-basic");
    let config = site.read_source("config.toml");
    site.write(
        "config.toml",
        &format!("minify_html = true\nhard_link_static = false\n{config}"),
    );
    let run = site.build(&[]).succeeded();
    let said = run.output().to_lowercase();
    assert!(said.contains("warning"), "expected a warning:\n{said}");
    assert!(
        said.contains("minify_html") && said.contains("hard_link_static"),
        "each key is named:\n{said}"
    );
    assert!(run.exists("index.html"));
}

#[test]
fn missing_config_file_fails_with_its_path() {
    let site = Site::fixture("zola-basic");
    site.remove("config.toml");
    let err = site.build(&[]).failed().stderr;
    let folder = std::fs::canonicalize(site.root()).expect("the site folder");
    assert!(
        err.contains("config.toml") && err.contains(&*folder.to_string_lossy()),
        "names the file and the folder it looked in: {err}"
    );
}

#[test]
fn broken_config_toml_names_file_line_and_column() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "config.toml",
        "title = \"Zola Basic\"",
        "title = \"Zola Basic",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_line_and_column(&err, "config.toml", 2),
        "expected config.toml, line 2 and a column in:\n{err}"
    );
}

#[test]
fn taxonomy_missing_from_config_names_file_and_taxonomy() {
    let site = fixture_with(
        "content/blog/categorised.md",
        "+++\ntitle = \"Categorised\"\ndate = 2024-05-04\n[taxonomies]\ncategories = [\"News\"]\n+++\nBody.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/categorised.md") && err.contains("categories"),
        "{err}"
    );
}

#[test]
fn page_path_colliding_with_a_section_names_both_files() {
    let site = fixture_with(
        "content/docs-page.md",
        "+++\ntitle = \"Docs page\"\npath = \"docs\"\n+++\nMine.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/docs-page.md") && err.contains("content/docs/_index.md"),
        "{err}"
    );
}

#[test]
fn syntax_error_in_a_parent_template_names_that_template_and_line() {
    let site = Site::fixture("zola-basic");
    let base = site.read_source("templates/base.html");
    let mut lines: Vec<&str> = base.lines().collect();
    lines.insert(2, "{% if %}");
    site.write("templates/base.html", &lines.join("\n"));
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_and_line(&err, "base.html", 3),
        "expected base.html and line 3 in:\n{err}"
    );
}

#[test]
fn include_of_a_missing_partial_names_the_partial_and_the_includer() {
    let site = Site::fixture("zola-basic");
    site.replace_in(
        "templates/page.html",
        "<article",
        "{% include \"partials/byline.html\" %}<article",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("partials/byline.html"),
        "the missing partial must be named:\n{err}"
    );
    assert!(
        err.contains("page.html"),
        "the template that includes it must be named:\n{err}"
    );
}

#[test]
fn unclosed_front_matter_names_the_file_and_the_fence() {
    let site = fixture_with(
        "content/blog/open.md",
        "+++\ntitle = \"Open\"\ndate = 2024-05-08\nNo closing fence.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/open.md") && err.contains("+++"),
        "{err}"
    );
}

#[test]
fn invalid_date_names_file_and_field() {
    let site = fixture_with(
        "content/blog/when.md",
        "+++\ntitle = \"When\"\ndate = \"next tuesday\"\n+++\nBody.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("content/blog/when.md") && err.contains("date"),
        "{err}"
    );
}

#[test]
fn a_template_syntax_error_is_reported_once_in_kilns_words() {
    let site = Site::fixture("zola-basic");
    site.write("templates/index.html", "<h1>\n{{ config.title + }}\n</h1>");
    let err = site.build(&[]).failed().stderr;
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("index.html:2:"), "{err}");
    assert!(err.contains("template syntax error: expected "), "{err}");
    assert!(
        !err.contains("= expected") && !err.contains("not found"),
        "{err}"
    );
}

#[test]
fn warnings_are_printed_when_the_build_fails_too() {
    let site = Site::fixture("zola-basic");
    let config = site.read_source("config.toml");
    site.write("config.toml", &format!("minify_html = true\n{config}"));
    site.write("templates/index.html", "{{ nope.x }}");
    let run = site.build(&[]).failed();
    assert!(
        run.stderr.contains("warning:") && run.stderr.contains("minify_html"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failing_included_template_is_named_with_the_line_that_failed() {
    let site = Site::fixture("zola-basic");
    site.write(
        "templates/part.html",
        "fine\n{% if term.missing %}{% endif %}\n{{ term.missing.x }}\n",
    );
    site.write(
        "templates/tags/single.html",
        "{{ term.name }}{% include \"part.html\" %}",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(err.contains("part.html:3"), "{err}");
    assert!(err.contains("used by `tags/single.html`"), "{err}");
}
