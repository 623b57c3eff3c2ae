//! The site's own grammars and themes: a hand-written JSON TextMate grammar and VS Code theme,
//! converted, and the scopes and colours they give code.

use serde_json::{Value, json};
use syntect::highlighting::FontStyle;
use syntect::parsing::{ParseState, ScopeStack, SyntaxSetBuilder};

use super::*;

/// A small language with every construct a grammar converter must carry over: captures, a
/// string with escapes, a comment whose end repeats what its beginning matched, blocks
/// that include the whole grammar again, and repository includes.
fn mini_grammar() -> Value {
    json!({
        "name": "Mini",
        "scopeName": "source.mini",
        "fileTypes": ["mini", ".mn"],
        "patterns": [
            { "include": "#comments" },
            { "include": "#declarations" },
            { "include": "#strings" },
            { "include": "#blocks" },
            { "match": "\\b\\d+\\b", "name": "constant.numeric.mini" }
        ],
        "repository": {
            "declarations": {
                "match": "\\b(let|fn)\\s+(\\w+)",
                "captures": {
                    "1": { "name": "keyword.declaration.$1.mini" },
                    "2": { "name": "entity.name.mini" }
                }
            },
            "strings": {
                "name": "string.quoted.double.mini",
                "begin": "\"",
                "end": "\"",
                "beginCaptures": { "0": { "name": "punctuation.definition.string.begin.mini" } },
                "endCaptures": { "0": { "name": "punctuation.definition.string.end.mini" } },
                "patterns": [{ "include": "#escapes" }]
            },
            "escapes": { "match": "\\\\.", "name": "constant.character.escape.mini" },
            "comments": {
                "name": "comment.block.mini",
                "contentName": "comment.content.mini",
                "begin": "#(=+)\\[",
                "end": "\\]\\1#"
            },
            "blocks": {
                "name": "meta.block.mini",
                "begin": "\\{",
                "end": "\\}",
                "patterns": [{ "include": "$self" }]
            }
        }
    })
}

/// A light theme colouring keywords, strings and escapes, in the colour spellings themes use.
fn mini_theme() -> Value {
    json!({
        "name": "Mini Light",
        "type": "light",
        "colors": {
            "editor.background": "#fafafa",
            "editor.foreground": "#333",
            "editor.lineHighlightBackground": "#0000001a",
            "editorLineNumber.foreground": "#999999"
        },
        "tokenColors": [
            { "scope": "keyword", "settings": { "foreground": "#12ab34", "fontStyle": "bold italic" } },
            { "scope": ["string", "constant.numeric"], "settings": { "foreground": "#a31515" } },
            { "scope": "string constant.character.escape, comment", "settings": { "foreground": "#0000ffcc", "fontStyle": "" } },
            { "scope": "entity.name", "settings": { "fontStyle": "underline strikethrough" } }
        ]
    })
}

fn mini_set() -> SyntaxSet {
    let grammar = json_grammar::convert(&mini_grammar(), "mini.json", &|_| false).unwrap();
    assert_eq!(grammar.warnings, Vec::<String>::new());
    let mut builder = SyntaxSetBuilder::new();
    builder.add(grammar.definition);
    builder.build()
}

/// The scopes in force where `needle` first starts in `code`, as `a.b c.d`.
fn scopes_at(set: &SyntaxSet, code: &str, needle: &str) -> String {
    let syntax = set.find_syntax_by_token("mini").unwrap();
    let mut parse = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let at = code.find(needle).unwrap();
    let mut line_start = 0;
    for line in syntect::util::LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, set).unwrap();
        for (index, op) in ops {
            if line_start + index > at {
                break;
            }
            stack.apply(&op).unwrap();
        }
        if line_start + line.len() > at {
            break;
        }
        line_start += line.len();
    }
    let names: Vec<String> = stack.as_slice().iter().map(|s| s.build_string()).collect();
    names.join(" ")
}

#[test]
fn a_json_grammar_gives_code_the_scopes_its_rules_name() {
    let set = mini_set();
    let code = "let x = \"a\\\"b\" 42\n#==[ a ]=# still ]==# 7\n{ fn y { \"z\" } }\n";
    let at = |needle: &str| scopes_at(&set, code, needle);
    assert_eq!(at("let"), "source.mini keyword.declaration.mini");
    assert_eq!(at("x ="), "source.mini entity.name.mini");
    assert_eq!(
        at("\"a"),
        "source.mini string.quoted.double.mini punctuation.definition.string.begin.mini"
    );
    assert_eq!(at("a\\"), "source.mini string.quoted.double.mini");
    assert_eq!(
        at("\\\""),
        "source.mini string.quoted.double.mini constant.character.escape.mini"
    );
    assert_eq!(at("42"), "source.mini constant.numeric.mini");
    // `]=#` does not close a comment opened with two `=`: the end repeats the beginning.
    assert_eq!(
        at("still"),
        "source.mini comment.block.mini comment.content.mini"
    );
    assert_eq!(at("]==#"), "source.mini comment.block.mini");
    assert_eq!(at("7"), "source.mini constant.numeric.mini");
    // `$self` inside a block: the whole grammar again, nested.
    assert_eq!(
        at("fn y"),
        "source.mini meta.block.mini keyword.declaration.mini"
    );
    assert_eq!(
        at("\"z"),
        "source.mini meta.block.mini meta.block.mini string.quoted.double.mini \
         punctuation.definition.string.begin.mini"
    );
}

#[test]
fn a_json_grammar_is_found_by_name_file_types_and_scope_name() {
    let set = mini_set();
    for token in ["mini", "mn", "Mini"] {
        let found = set.find_syntax_by_token(token).map(|s| s.name.as_str());
        assert_eq!(found, Some("Mini"), "{token}");
    }
}

#[test]
fn constructs_kiln_cannot_carry_over_are_said_once_naming_file_and_rule() {
    let mut grammar = mini_grammar();
    grammar["patterns"] = json!([
        { "include": "source.klingon" },
        { "include": "#nowhere" },
        { "match": "(unclosed", "name": "invalid.mini" },
        { "name": "markup.quote.mini", "begin": ">", "while": ">" },
        { "match": "(a)", "captures": { "1": { "name": "x.mini", "patterns": [] } } }
    ]);
    let converted = json_grammar::convert(&grammar, "syntaxes/mini.json", &|_| false).unwrap();
    let warnings = converted.warnings.join("\n");
    for expected in [
        "`source.klingon`",
        "`#nowhere`",
        "`(unclosed`",
        "`while` is approximated",
        "`patterns` inside capture 1",
    ] {
        assert!(warnings.contains(expected), "{expected}: {warnings}");
    }
    assert!(
        converted
            .warnings
            .iter()
            .all(|w| w.starts_with("syntaxes/mini.json: rule `patterns[")),
        "{warnings}"
    );
}

#[test]
fn json_theme_colours_editor_settings_and_rules_in_every_spelling() {
    let theme = json_theme::convert(&mini_theme(), "mini-theme.json").unwrap();
    assert_eq!(theme.name.as_deref(), Some("Mini Light"));
    let settings = &theme.theme.settings;
    assert_eq!(
        settings.foreground.map(html::hex).as_deref(),
        Some("#333333")
    );
    assert_eq!(
        settings.background.map(html::hex).as_deref(),
        Some("#fafafa")
    );
    assert_eq!(
        settings.line_highlight.map(html::hex).as_deref(),
        Some("#0000001a")
    );
    let rules = &theme.theme.scopes;
    assert_eq!(rules.len(), 4);
    let keyword = &rules[0].style;
    assert_eq!(
        keyword.foreground.map(html::hex).as_deref(),
        Some("#12ab34")
    );
    assert_eq!(
        keyword.font_style,
        Some(FontStyle::BOLD | FontStyle::ITALIC)
    );
    assert_eq!(rules[1].scope.selectors.len(), 2, "a list of scopes");
    assert_eq!(rules[2].scope.selectors.len(), 2, "comma-separated scopes");
    assert_eq!(
        rules[2].style.font_style,
        Some(FontStyle::empty()),
        "\"\" resets"
    );
    assert_eq!(rules[3].style.font_style, Some(FontStyle::UNDERLINE));
    let dark =
        json_theme::convert(&json!({ "type": "dark", "tokenColors": [] }), "d.json").unwrap();
    assert_eq!(
        dark.theme.settings.background.map(html::hex).as_deref(),
        Some("#1e1e1e")
    );
    assert!(json_theme::convert(&json!({ "colors": {} }), "x.json").is_err());
}

/// A site folder holding the mini grammar and theme, as `extra_grammars` and `extra_themes`.
fn site_with_extras() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, json: Value| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    };
    write("syntaxes/mini.tmLanguage.json", mini_grammar());
    write("themes/mini-theme.json", mini_theme());
    dir
}

fn extra_highlighter(dir: &tempfile::TempDir, settings: &str) -> Highlighter {
    let toml = format!(
        "{settings}\nextra_grammars = [\"syntaxes/mini.tmLanguage.json\"]\nextra_themes = [\"themes/mini-theme.json\"]"
    );
    let config: HighlightingConfig = toml::from_str(&toml).unwrap();
    Highlighter::new(&config, dir.path()).unwrap()
}

#[test]
fn an_extra_theme_colours_an_extra_grammars_keywords_inline_and_by_class() {
    let dir = site_with_extras();
    let inline = extra_highlighter(&dir, "theme = \"Mini Light\"");
    let html = inline.highlight("mini", "let x = 1\n").unwrap().html;
    assert!(
        html.contains("style=\"color: #333333; background-color: #fafafa;\""),
        "{html}"
    );
    assert!(
        html.contains(
            "<span style=\"color: #12ab34;font-weight: bold;font-style: italic;\">let</span>"
        ),
        "{html}"
    );
    assert!(html.contains("<code data-lang=\"mini\">"), "{html}");

    let class = extra_highlighter(&dir, "theme = \"mini-theme\"\nstyle = \"class\"");
    let html = class.highlight("mn", "let x = 1\n").unwrap().html;
    assert!(
        html.contains("<span class=\"z-keyword z-declaration z-mini\">let</span>"),
        "{html}"
    );
    let (name, css) = &class.stylesheets()[0];
    assert_eq!(*name, "giallo.css");
    assert!(css.contains(".z-keyword{color:#12ab34"), "{css}");
}

#[test]
fn an_extra_theme_serves_as_light_or_dark_beside_a_bundled_one() {
    let dir = site_with_extras();
    let h = extra_highlighter(&dir, "light_theme = \"mini light\"\ndark_theme = \"nord\"");
    let html = h.highlight("mini", "let x = 1\n").unwrap().html;
    assert!(html.contains("color: light-dark(#12ab34, #"), "{html}");
}

#[test]
fn a_missing_or_broken_extra_file_is_an_error_naming_it() {
    let dir = site_with_extras();
    let config: HighlightingConfig =
        toml::from_str("theme = \"nord\"\nextra_grammars = [\"syntaxes/gone.json\"]").unwrap();
    let errors = Highlighter::new(&config, dir.path()).err().unwrap();
    let file = errors[0].file.as_ref().unwrap();
    assert!(file.ends_with("syntaxes/gone.json"), "{errors:?}");
    assert!(errors[0].message.contains("extra_grammars"), "{errors:?}");

    std::fs::write(
        dir.path().join("themes/broken.json"),
        "{\n  \"name\": \"x\",\n  oops\n}",
    )
    .unwrap();
    let config: HighlightingConfig =
        toml::from_str("theme = \"nord\"\nextra_themes = [\"themes/broken.json\"]").unwrap();
    let errors = Highlighter::new(&config, dir.path()).err().unwrap();
    assert_eq!(
        (errors[0].line, errors[0].column),
        (Some(3), Some(3)),
        "{errors:?}"
    );
    assert!(errors[0].message.contains("not valid JSON"), "{errors:?}");
    assert!(!errors[0].message.contains("at line"), "{errors:?}");
}

#[test]
fn an_extra_grammar_can_include_a_bundled_one_by_scope_name() {
    let dir = site_with_extras();
    let wrap = json!({
        "name": "Wrap",
        "scopeName": "source.wrap",
        "patterns": [{
            "begin": "<<", "end": ">>", "contentName": "meta.embedded.wrap",
            "patterns": [{ "include": "source.mini#declarations" }, { "include": "source.rust" }]
        }]
    });
    std::fs::write(dir.path().join("syntaxes/wrap.json"), wrap.to_string()).unwrap();
    let toml = "theme = \"nord\"\nstyle = \"class\"\n\
                extra_grammars = [\"syntaxes/wrap.json\", \"syntaxes/mini.tmLanguage.json\"]";
    let config: HighlightingConfig = toml::from_str(toml).unwrap();
    let h = Highlighter::new(&config, dir.path()).unwrap();
    assert_eq!(h.warnings, Vec::<String>::new());
    let html = h.highlight("wrap", "<< pub struct S; >>\n").unwrap().html;
    assert!(
        html.contains("<span class=\"z-meta z-embedded z-wrap\">"),
        "{html}"
    );
    assert!(
        html.contains("z-storage z-modifier z-rust\">pub<"),
        "{html}"
    );
    let html = h.highlight("wrap", "<< let x >>\n").unwrap().html;
    assert!(
        html.contains("z-keyword z-declaration z-mini\">let<"),
        "{html}"
    );
    // The bundled grammars are still there, and still found by their aliases.
    assert_eq!(h.highlight("rs", "fn x() {}\n").unwrap().missing, None);
}
