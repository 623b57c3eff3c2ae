//! The highlighter against Zola's documented behaviour: annotations, both styles, one and two
//! themes, missing languages and the stylesheet names.

use super::*;

fn highlighter(toml: &str) -> Highlighter {
    let config: HighlightingConfig = toml::from_str(toml).unwrap();
    Highlighter::new(&config, Path::new(".")).unwrap()
}

fn lines_of(html: &str) -> Vec<&str> {
    html.split('\n').collect()
}

const CODE: &str = "use highlighter::highlight;\nlet code = \"...\";\nhighlight(code);\n";

#[test]
fn one_theme_inline_colours_spans_and_the_pre() {
    let h = highlighter("theme = \"Solarized (dark)\"");
    let html = h.highlight("rust", CODE).unwrap().html;
    assert!(
        html.starts_with("<pre class=\"giallo\" style=\"color: #839496; background-color: #002b36;\"><code data-lang=\"rust\">"),
        "{html}"
    );
    assert!(html.contains("<span style=\"color: #"), "{html}");
    assert_eq!(lines_of(&html).len(), 3, "one giallo-l per line: {html}");
    assert!(html.contains("&quot;"), "text is escaped: {html}");
    assert!(h.stylesheets().is_empty(), "inline needs no stylesheet");
}

#[test]
fn two_themes_inline_use_light_dark_and_follow_the_colour_scheme() {
    let h = highlighter("light_theme = \"solarized-light\"\ndark_theme = \"solarized-dark\"");
    let html = h.highlight("rust", CODE).unwrap().html;
    assert!(html.contains("color-scheme: light dark;"), "{html}");
    assert!(html.contains("color: light-dark(#"), "{html}");
}

#[test]
fn class_style_writes_z_classes_and_the_stylesheets_zola_names() {
    let one = highlighter("theme = \"nord\"\nstyle = \"class\"");
    let html = one.highlight("rust", CODE).unwrap().html;
    assert!(html.starts_with("<pre class=\"giallo z-code\">"), "{html}");
    assert!(html.contains("<span class=\"z-source z-rust\">"), "{html}");
    assert!(!html.contains("style="), "{html}");
    let sheets = one.stylesheets();
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0].0, "giallo.css");
    assert!(sheets[0].1.contains(".z-code{"), "{}", sheets[0].1);
    assert!(
        !sheets[0].1.contains("\n ") && !sheets[0].1.contains("/*"),
        "the stylesheet is written compressed: {}",
        sheets[0].1
    );
    let two = highlighter("light_theme = \"nord\"\ndark_theme = \"dracula\"\nstyle = \"class\"");
    let names: Vec<&str> = two.stylesheets().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["giallo-light.css", "giallo-dark.css"]);
}

#[test]
fn class_spans_are_closed_and_reopened_at_each_line() {
    let h = highlighter("theme = \"nord\"\nstyle = \"class\"");
    let html = h.highlight("rust", "/* a\nb */ fn x() {}\n").unwrap().html;
    for line in lines_of(&html) {
        let opened = line.matches("<span").count();
        let closed = line.matches("</span>").count();
        let ends_block = line.ends_with("</code></pre>");
        assert_eq!(opened, closed, "{line} (ends block: {ends_block})");
    }
}

#[test]
fn linenos_and_linenostart_number_each_line_padded() {
    let h = highlighter("theme = \"nord\"");
    let html = h
        .highlight("rust,linenos,linenostart=9", CODE)
        .unwrap()
        .html;
    let numbers: Vec<&str> = lines_of(&html)
        .iter()
        .map(|l| {
            let at = l.find("class=\"giallo-ln\"").unwrap();
            let rest = &l[at..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest.find("</span>").unwrap();
            &rest[start..end]
        })
        .collect();
    assert_eq!(numbers, [" 9", "10", "11"]);
}

#[test]
fn hl_lines_mark_lines_and_hide_lines_leave_them_out() {
    let h = highlighter("theme = \"InspiredGitHub\"");
    let html = h
        .highlight("rust,hl_lines=1 3,hide_lines=2", CODE)
        .unwrap()
        .html;
    let lines = lines_of(&html);
    assert_eq!(lines.len(), 2, "{html}");
    assert!(!html.contains("let"), "line 2 is hidden: {html}");
    for line in &lines {
        assert!(
            line.contains("<span class=\"giallo-l\" style=\"background-color: #"),
            "{line}"
        );
    }
    let class = highlighter("theme = \"nord\"\nstyle = \"class\"");
    let html = class.highlight("rust,hl_lines=2", CODE).unwrap().html;
    assert!(
        lines_of(&html)[1].starts_with("<span class=\"giallo-l z-hl\">"),
        "{html}"
    );
}

#[test]
fn a_missing_language_is_plain_text_or_an_error_when_asked() {
    let lenient = highlighter("theme = \"nord\"");
    let shown = lenient.highlight("klingon", "qapla'\n").unwrap();
    assert_eq!(shown.missing.as_deref(), Some("klingon"));
    assert!(shown.html.contains("qapla&#39;"), "{}", shown.html);
    let strict = highlighter("theme = \"nord\"\nerror_on_missing_language = true");
    assert_eq!(
        strict.highlight("klingon", "x\n").err(),
        Some(MissingLanguage("klingon".into()))
    );
    assert!(
        strict.highlight("", "plain\n").is_ok(),
        "no language is plain text"
    );
}

#[test]
fn zola_language_names_and_aliases_are_found() {
    let h = highlighter("theme = \"nord\"");
    for lang in [
        "rust",
        "rs",
        "Rust",
        "toml",
        "ts",
        "typescript",
        "bash",
        "sh",
        "shell",
        "js",
        "py",
        "yaml",
        "json",
        "html",
        "css",
        "scss",
        "go",
        "dockerfile",
        "sql",
        "console",
        "text",
    ] {
        let out = h.highlight(lang, "x\n").unwrap();
        assert_eq!(out.missing, None, "{lang}");
    }
}

#[test]
fn the_same_code_is_painted_once() {
    let h = highlighter("theme = \"nord\"");
    h.highlight("rust", CODE).unwrap();
    h.highlight("rust,linenos", CODE).unwrap();
    h.highlight("rs", CODE).unwrap();
    assert_eq!(h.painted.lock().unwrap().len(), 1);
    h.highlight("rust", "fn other() {}\n").unwrap();
    assert_eq!(h.painted.lock().unwrap().len(), 2);
}

#[test]
fn an_unknown_theme_is_an_error_naming_it() {
    let config: HighlightingConfig = toml::from_str("theme = \"nope\"").unwrap();
    let error = Highlighter::new(&config, Path::new(".")).err().unwrap();
    assert!(error[0].message.contains("`nope`"), "{error:?}");
}
