//! `[markdown.highlighting]`: code blocks highlighted as Zola 0.22 writes them, with the
//! stylesheets of the class style, and missing languages reported.

use crate::support::{Site, names_file_and_line, names_file_line_and_column};

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
    // Zola 0.22's form: the language without the fence's annotations, the text escaped.
    assert!(
        html.contains("<pre><code data-lang=\"rust\">use highlighter::highlight;\nlet code = &quot;...&quot;;\n"),
        "{html}"
    );
    assert!(
        html.contains("<pre><code data-lang=\"toml\">[markdown]\nsmart = true\n</code></pre>\n"),
        "{html}"
    );
    assert!(
        !html.contains("language-") && !html.contains("linenos"),
        "{html}"
    );
    assert!(!html.contains("giallo"));
}

/// A small JSON TextMate grammar, written for these tests: `let`/`fn` keywords, strings.
const MINI_GRAMMAR: &str = r##"{
  "name": "Mini",
  "scopeName": "source.mini",
  "fileTypes": ["mini"],
  "patterns": [{ "include": "#keywords" }, { "include": "#strings" }],
  "repository": {
    "keywords": { "match": "\\b(let|fn)\\b", "name": "keyword.other.mini" },
    "strings": { "name": "string.quoted.double.mini", "begin": "\"", "end": "\"" }
  }
}"##;

/// A VS Code colour theme, written for these tests.
const MINI_THEME: &str = r##"{
  "name": "Mini Dark",
  "type": "dark",
  "colors": { "editor.background": "#101010", "editor.foreground": "#e0e0e0" },
  "tokenColors": [
    { "scope": "keyword", "settings": { "foreground": "#ff8800", "fontStyle": "bold" } },
    { "scope": ["string"], "settings": { "foreground": "#8ad" } }
  ]
}"##;

/// `highlighted_site` with the mini grammar and theme as its extra files and a page in Mini.
fn site_with_extras(highlighting: &str) -> Site {
    let site = highlighted_site(&format!(
        "{highlighting}\nextra_grammars = [\"syntaxes/mini.tmLanguage.json\"]\nextra_themes = [\"highlight/mini.json\"]"
    ));
    site.write("syntaxes/mini.tmLanguage.json", MINI_GRAMMAR);
    site.write("highlight/mini.json", MINI_THEME);
    site.write(
        "content/docs/mini.md",
        "+++\ntitle = \"Mini\"\n+++\n\n```mini\nlet greeting = \"hi\"\n```\n",
    );
    site
}

#[test]
fn a_sites_own_grammar_and_theme_colour_its_code_inline() {
    let site = site_with_extras("theme = \"Mini Dark\"");
    let run = site.build(&[]).succeeded();
    let html = run.read("docs/mini/index.html");
    assert!(
        html.contains("<pre class=\"giallo\" style=\"color: #e0e0e0; background-color: #101010;\"><code data-lang=\"mini\">"),
        "{html}"
    );
    assert!(
        html.contains("<span style=\"color: #ff8800;font-weight: bold;\">let</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span style=\"color: #88aadd;\">&quot;hi&quot;</span>"),
        "{html}"
    );
}

#[test]
fn a_sites_own_theme_by_file_name_writes_the_class_stylesheet() {
    let site = site_with_extras(
        "light_theme = \"solarized-light\"\ndark_theme = \"mini\"\nstyle = \"class\"",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("docs/mini/index.html");
    assert!(
        html.contains("<span class=\"z-keyword z-other z-mini\">let</span>"),
        "{html}"
    );
    let dark = run.read("giallo-dark.css");
    assert!(
        dark.contains("#101010") && dark.contains(".z-keyword{color:#f80;font-weight:bold}"),
        "{dark}"
    );
    assert!(run.read("giallo-light.css").contains("#fdf6e3"));
}

#[test]
fn a_missing_extra_grammar_fails_the_build_naming_the_file() {
    let site = site_with_extras("theme = \"nord\"");
    site.remove("syntaxes/mini.tmLanguage.json");
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("syntaxes/mini.tmLanguage.json") && err.contains("extra_grammars"),
        "{err}"
    );
}

#[test]
fn a_broken_extra_theme_fails_the_build_at_its_line_and_column() {
    let site = site_with_extras("theme = \"nord\"");
    site.write(
        "highlight/mini.json",
        "{\n  \"name\": \"Mini Dark\",\n  \"tokenColors\": [,]\n}",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        names_file_line_and_column(&err, "highlight/mini.json", 3) && err.contains(":3:19"),
        "{err}"
    );
}
