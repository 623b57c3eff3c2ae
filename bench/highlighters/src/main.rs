//! Times three highlighters on the fenced `rust`, `python` and `toml` blocks of a site made by
//! `bench/gen-site.py --more-code`: each block to inline-coloured HTML with a GitHub light
//! theme, one thread, `RUNS` passes (default 5), the median printed per highlighter.
//!
//! Usage: kiln-bench-highlighters CONTENT_DIR

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: kiln-bench-highlighters CONTENT_DIR");
    let runs: usize = std::env::var("RUNS").map_or(5, |r| r.parse().expect("RUNS: a number"));
    let blocks = fenced_blocks(Path::new(&dir));
    let lines: usize = blocks.iter().map(|b| b.code.lines().count()).sum();
    let bytes: usize = blocks.iter().map(|b| b.code.len()).sum();
    println!(
        "{} blocks, {lines} lines, {bytes} bytes of code, {runs} runs each",
        blocks.len()
    );
    println!(
        "{:<12} {:>10} {:>12} {:>12} {:>10}",
        "highlighter", "load ms", "median s", "lines/s", "HTML bytes"
    );
    report("syntect", lines, runs, syntect::Painter::new, &blocks);
    report("giallo", lines, runs, giallo::Painter::new, &blocks);
    report(
        "tree-sitter",
        lines,
        runs,
        tree_sitter::Painter::new,
        &blocks,
    );
}

struct Block {
    lang: String,
    code: String,
}

/// Every fenced block of every `.md` file under `dir`, in path order.
fn fenced_blocks(dir: &Path) -> Vec<Block> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder") {
            let path: PathBuf = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut blocks = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a UTF-8 Markdown file");
        let mut open: Option<Block> = None;
        for line in text.lines() {
            match (line.strip_prefix("```"), open.take()) {
                (Some(_), Some(block)) => blocks.push(block),
                (Some(lang), None) => {
                    let lang = lang.trim().to_owned();
                    open = Some(Block {
                        lang,
                        code: String::new(),
                    });
                }
                (None, Some(mut block)) => {
                    block.code.push_str(line);
                    block.code.push('\n');
                    open = Some(block);
                }
                (None, None) => {}
            }
        }
    }
    blocks
}

/// One highlighter, loaded: `paint` returns the block's HTML.
trait Paint {
    fn paint(&mut self, block: &Block) -> String;
}

fn report<P: Paint>(name: &str, lines: usize, runs: usize, load: fn() -> P, blocks: &[Block]) {
    let started = Instant::now();
    let mut painter = load();
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::new();
    let mut html_bytes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        html_bytes = blocks.iter().map(|b| painter.paint(b).len()).sum();
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{name:<12} {load_ms:>10.1} {median:>12.3} {:>12.0} {html_bytes:>10}",
        lines as f64 / median
    );
}

mod syntect {
    use syntect::highlighting::Theme;
    use syntect::parsing::SyntaxSet;

    pub struct Painter {
        syntaxes: SyntaxSet,
        theme: Theme,
    }

    impl Painter {
        pub fn new() -> Self {
            let themes = two_face::theme::extra();
            let theme = themes
                .get(two_face::theme::EmbeddedThemeName::Github)
                .clone();
            Painter {
                syntaxes: two_face::syntax::extra_newlines(),
                theme,
            }
        }
    }

    impl super::Paint for Painter {
        fn paint(&mut self, block: &super::Block) -> String {
            let syntax = self
                .syntaxes
                .find_syntax_by_token(&block.lang)
                .expect("a known language");
            syntect::html::highlighted_html_for_string(
                &block.code,
                &self.syntaxes,
                syntax,
                &self.theme,
            )
            .expect("highlighted")
        }
    }
}

mod giallo {
    use giallo::{HighlightOptions, HtmlRenderer, Registry, RenderOptions, ThemeVariant};

    pub struct Painter {
        registry: Registry,
    }

    impl Painter {
        pub fn new() -> Self {
            let mut registry = Registry::builtin().expect("giallo's grammars");
            registry.link_grammars();
            Painter { registry }
        }
    }

    impl super::Paint for Painter {
        fn paint(&mut self, block: &super::Block) -> String {
            let options = HighlightOptions::new(&block.lang, ThemeVariant::Single("github-light"));
            let highlighted = self
                .registry
                .highlight(&block.code, &options)
                .expect("highlighted");
            HtmlRenderer::default().render(&highlighted, &RenderOptions::default())
        }
    }
}

mod tree_sitter {
    use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

    /// The capture names the three grammars' highlight queries use, each with a GitHub light
    /// colour (tree-sitter has no themes: a site would map these names to its own).
    const CAPTURES: &[(&str, &str)] = &[
        ("attribute", "#6f42c1"),
        ("boolean", "#005cc5"),
        ("comment", "#6a737d"),
        ("constant", "#005cc5"),
        ("constant.builtin", "#005cc5"),
        ("constructor", "#6f42c1"),
        ("escape", "#22863a"),
        ("function", "#6f42c1"),
        ("function.builtin", "#6f42c1"),
        ("function.macro", "#6f42c1"),
        ("function.method", "#6f42c1"),
        ("keyword", "#d73a49"),
        ("label", "#e36209"),
        ("number", "#005cc5"),
        ("operator", "#d73a49"),
        ("property", "#005cc5"),
        ("punctuation", "#24292e"),
        ("punctuation.bracket", "#24292e"),
        ("punctuation.delimiter", "#24292e"),
        ("string", "#032f62"),
        ("type", "#6f42c1"),
        ("type.builtin", "#d73a49"),
        ("variable", "#24292e"),
        ("variable.builtin", "#005cc5"),
        ("variable.parameter", "#e36209"),
        ("embedded", "#24292e"),
    ];

    pub struct Painter {
        highlighter: Highlighter,
        renderer: HtmlRenderer,
        rust: HighlightConfiguration,
        python: HighlightConfiguration,
        toml: HighlightConfiguration,
        attributes: Vec<String>,
    }

    fn config(language: tree_sitter::Language, name: &str, query: &str) -> HighlightConfiguration {
        let mut config =
            HighlightConfiguration::new(language, name, query, "", "").expect("a query");
        let names: Vec<&str> = CAPTURES.iter().map(|(name, _)| *name).collect();
        config.configure(&names);
        config
    }

    impl Painter {
        pub fn new() -> Self {
            Painter {
                highlighter: Highlighter::new(),
                renderer: HtmlRenderer::new(),
                rust: config(
                    tree_sitter_rust::LANGUAGE.into(),
                    "rust",
                    tree_sitter_rust::HIGHLIGHTS_QUERY,
                ),
                python: config(
                    tree_sitter_python::LANGUAGE.into(),
                    "python",
                    tree_sitter_python::HIGHLIGHTS_QUERY,
                ),
                toml: config(
                    tree_sitter_toml_ng::LANGUAGE.into(),
                    "toml",
                    tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
                ),
                attributes: CAPTURES
                    .iter()
                    .map(|(_, c)| format!(r#"style="color:{c}""#))
                    .collect(),
            }
        }
    }

    impl super::Paint for Painter {
        fn paint(&mut self, block: &super::Block) -> String {
            let config = match block.lang.as_str() {
                "rust" => &self.rust,
                "python" => &self.python,
                "toml" => &self.toml,
                other => panic!("no tree-sitter grammar here for {other}"),
            };
            let code = block.code.as_bytes();
            let events = self
                .highlighter
                .highlight(config, code, None, |_| None)
                .expect("parsed");
            self.renderer.reset();
            let attributes = &self.attributes;
            self.renderer
                .render(events, code, &|h, out: &mut Vec<u8>| {
                    out.extend_from_slice(attributes[h.0].as_bytes())
                })
                .expect("rendered");
            String::from_utf8_lossy(&self.renderer.html).into_owned()
        }
    }
}
