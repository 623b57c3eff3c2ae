//! `[markdown.highlighting]`: code blocks highlighted as Zola 0.22 writes them, with the
//! stylesheets of the class style, and missing languages reported.

use crate::support::{Site, names_file_and_line};

/// The zola-basic fixture with `highlighting` as its `[markdown.highlighting]` table and a
/// page holding the documentation's example blocks.
fn highlighted_site(highlighting: &str) -> Site {
    let site = Site::fixture("zola-basic");
    let config = site.read_source("config.toml");
    site.write(
        "config.toml",
        &config.replace(
            "[markdown]\n",
            &format!("[markdown.highlighting]\n{highlighting}\n[markdown]\n"),
        ),
    );
    site.write(
        "content/docs/code.md",
        "+++\ntitle = \"Code\"\n+++\nSee:\n\n```rust,linenos,linenostart=20,hl_lines=2,name=mod.rs\nuse highlighter::highlight;\nlet code = \"...\";\nhighlight(code);\n```\n\n```toml\n[markdown]\nsmart = true\n```\n",
    );
    site
}

fn content(run: &crate::support::Run) -> String {
    run.read("docs/code/index.html")
}

#[test]
fn one_theme_inline_colours_each_block_in_zolas_shape() {
    let site = highlighted_site("theme = \"nord\"");
    let run = site.build(&[]).succeeded();
    let html = content(&run);
    assert!(
        html.contains("<pre class=\"giallo\" style=\"color: #"),
        "{html}"
    );
    assert!(
        html.contains("<code data-lang=\"rust\" data-name=\"mod.rs\">"),
        "{html}"
    );
    assert!(html.contains("<code data-lang=\"toml\">"), "{html}");
    assert!(html.contains("class=\"giallo-ln\""), "{html}");
    assert!(
        html.contains(">20</span>") && html.contains(">22</span>"),
        "{html}"
    );
    assert!(!run.exists("giallo.css"), "inline needs no stylesheet");
}

#[test]
fn two_themes_follow_the_visitors_colour_scheme() {
    let site = highlighted_site("light_theme = \"github-light\"\ndark_theme = \"dracula\"");
    let html = content(&site.build(&[]).succeeded());
    assert!(html.contains("color-scheme: light dark;"), "{html}");
    assert!(html.contains("light-dark(#"), "{html}");
}

#[test]
fn class_style_writes_the_stylesheets_zola_names() {
    let site = highlighted_site("theme = \"nord\"\nstyle = \"class\"");
    let run = site.build(&[]).succeeded();
    assert!(content(&run).contains("<pre class=\"giallo z-code\">"));
    assert!(run.read("giallo.css").contains(".z-code"));
    let site = highlighted_site(
        "light_theme = \"solarized-light\"\ndark_theme = \"solarized-dark\"\nstyle = \"class\"",
    );
    let run = site.build(&[]).succeeded();
    assert!(
        run.read("giallo-light.css").contains("#fdf6e3"),
        "light background"
    );
    assert!(
        run.read("giallo-dark.css").contains("#002b36"),
        "dark background"
    );
    assert!(!run.exists("giallo.css"));
}

#[test]
fn a_missing_language_warns_and_shows_plain_text() {
    let site = highlighted_site("theme = \"nord\"");
    site.write(
        "content/docs/odd.md",
        "+++\ntitle = \"Odd\"\n+++\n\n```klingon\nqapla'\n```\n",
    );
    let run = site.build(&[]).succeeded();
    assert!(
        names_file_and_line(&run.stderr, "content/docs/odd.md", 5)
            && run.stderr.contains("klingon"),
        "{}",
        run.stderr
    );
    assert!(run.read("docs/odd/index.html").contains("qapla&#39;"));
}

#[test]
fn a_missing_language_fails_the_build_with_error_on_missing_language() {
    let site = highlighted_site("theme = \"nord\"\nerror_on_missing_language = true");
    site.write(
        "content/docs/odd.md",
        "+++\ntitle = \"Odd\"\n+++\n\n```klingon\nqapla'\n```\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_and_line(&err, "content/docs/odd.md", 5) && err.contains("klingon"),
        "{err}"
    );
}

#[test]
fn an_unknown_theme_fails_naming_it_and_the_themes_there_are() {
    let site = highlighted_site("theme = \"no-such-theme\"");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("no-such-theme") && err.contains("nord"),
        "{err}"
    );
}

#[test]
fn without_the_table_code_blocks_are_left_as_they_were() {
    let site = highlighted_site("theme = \"nord\"");
    site.replace_in(
        "config.toml",
        "[markdown.highlighting]\ntheme = \"nord\"\n",
        "",
    );
    let html = content(&site.build(&[]).succeeded());
    assert!(
        html.contains("<pre><code class=\"language-rust,linenos"),
        "{html}"
    );
    assert!(!html.contains("giallo"));
}
