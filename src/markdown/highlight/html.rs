//! Highlighted code as HTML in the shape Zola 0.22 writes: each line a `giallo-l` span inside
//! `<pre class="giallo"><code data-lang>`, colours inline (`light-dark()` for two themes) or
//! as `z-` classes, with line numbers, highlighted and hidden lines from the fence.

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use syntect::highlighting::{
    Color, FontStyle, HighlightState, Highlighter, RangedHighlightIterator, Style, Theme,
};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::fence::Fence;
use crate::config::HighlightStyle;

/// The lines of `code` as HTML (each without its line break), coloured for `themes` (one,
/// or light then dark) in `style`.
pub fn paint(
    syntaxes: &SyntaxSet,
    syntax: &SyntaxReference,
    themes: &[Theme],
    style: HighlightStyle,
    code: &str,
) -> Result<Vec<String>, syntect::Error> {
    let mut parse = ParseState::new(syntax);
    let lines = LinesWithEndings::from(code);
    match style {
        HighlightStyle::Inline => {
            let painters: Vec<Highlighter<'_>> = themes.iter().map(Highlighter::new).collect();
            let mut states: Vec<HighlightState> = painters
                .iter()
                .map(|p| HighlightState::new(p, ScopeStack::new()))
                .collect();
            let defaults: Vec<Style> = painters.iter().map(Highlighter::get_default).collect();
            let mut out = Vec::new();
            for line in lines {
                let ops = parse.parse_line(line, syntaxes)?;
                let styled: Vec<Vec<(Style, Range<usize>)>> = painters
                    .iter()
                    .zip(&mut states)
                    .map(|(painter, state)| {
                        RangedHighlightIterator::new(state, &ops, line, painter)
                            .map(|(style, _, range)| (style, range))
                            .collect()
                    })
                    .collect();
                out.push(inline_line(trim_break(line), &styled, &defaults));
            }
            Ok(out)
        }
        HighlightStyle::Class => {
            let mut stack = ScopeStack::new();
            let mut classes = HashMap::new();
            let mut out = Vec::new();
            for line in lines {
                let ops = parse.parse_line(line, syntaxes)?;
                out.push(class_line(
                    trim_break(line),
                    &ops,
                    &mut stack,
                    &mut classes,
                )?);
            }
            Ok(out)
        }
    }
}

/// `line` without its line break.
fn trim_break(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(line)
}

/// One line with a `style` on each run of text whose colours differ from the theme's default;
/// runs that look alike are one span.
fn inline_line(line: &str, styled: &[Vec<(Style, Range<usize>)>], defaults: &[Style]) -> String {
    let mut html = String::with_capacity(line.len() * 3);
    let mut run_css = String::new();
    let mut run_text = String::new();
    for (styles, range) in aligned(styled) {
        let end = range.end.min(line.len());
        if range.start >= end {
            continue;
        }
        let css = style_css(&styles, defaults);
        if css != run_css {
            flush(&mut html, &run_css, &run_text);
            run_text.clear();
            run_css = css;
        }
        escape_into(&mut run_text, &line[range.start..end]);
    }
    flush(&mut html, &run_css, &run_text);
    html
}

fn flush(html: &mut String, css: &str, text: &str) {
    match (text.is_empty(), css.is_empty()) {
        (true, _) => {}
        (false, true) => html.push_str(text),
        (false, false) => {
            let _ = write!(html, r#"<span style="{css}">{text}</span>"#);
        }
    }
}

/// The pieces of a line on which every theme's style stays the same, with those styles.
fn aligned(styled: &[Vec<(Style, Range<usize>)>]) -> Vec<(Vec<Style>, Range<usize>)> {
    let mut at = vec![0usize; styled.len()];
    let mut pos = 0;
    let mut pieces = Vec::new();
    loop {
        let current: Option<Vec<&(Style, Range<usize>)>> =
            styled.iter().zip(&at).map(|(s, &i)| s.get(i)).collect();
        let Some(current) = current else {
            return pieces;
        };
        let end = current.iter().map(|(_, r)| r.end).min().unwrap_or(pos);
        pieces.push((current.iter().map(|(s, _)| *s).collect(), pos..end));
        pos = end;
        for (i, (_, range)) in current.iter().enumerate() {
            if range.end <= pos {
                at[i] += 1;
            }
        }
    }
}

/// The `style` attribute for `styles` (one per theme), empty where they are the defaults.
fn style_css(styles: &[Style], defaults: &[Style]) -> String {
    let mut css = String::new();
    let pick = |f: fn(&Style) -> Color| -> Option<Vec<Color>> {
        let colours: Vec<Color> = styles.iter().map(f).collect();
        let default: Vec<Color> = defaults.iter().map(f).collect();
        (colours != default).then_some(colours)
    };
    if let Some(colours) = pick(|s| s.foreground) {
        let _ = write!(css, "color: {};", colour_value(&colours));
    }
    if let Some(colours) = pick(|s| s.background) {
        let _ = write!(css, "background-color: {};", colour_value(&colours));
    }
    // CSS cannot switch bold or italic with the colour scheme: only what every theme wants.
    let font = styles
        .iter()
        .fold(FontStyle::all(), |f, s| f & s.font_style);
    if font.contains(FontStyle::BOLD) {
        css.push_str("font-weight: bold;");
    }
    if font.contains(FontStyle::ITALIC) {
        css.push_str("font-style: italic;");
    }
    if font.contains(FontStyle::UNDERLINE) {
        css.push_str("text-decoration: underline;");
    }
    css
}

/// `#rrggbb`, or `light-dark(#light, #dark)` for two themes.
fn colour_value(colours: &[Color]) -> String {
    match colours {
        [one] => hex(*one),
        [light, dark] => format!("light-dark({}, {})", hex(*light), hex(*dark)),
        _ => String::new(),
    }
}

pub fn hex(c: Color) -> String {
    if c.a == 0xff {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    } else {
        format!("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a)
    }
}

/// One line with a span per scope (`z-` classes), nested as the scopes are, so the theme
/// stylesheet's descendant selectors apply; spans open at the line's start are reopened.
fn class_line(
    line: &str,
    ops: &[(usize, ScopeStackOp)],
    stack: &mut ScopeStack,
    classes: &mut HashMap<Scope, String>,
) -> Result<String, syntect::Error> {
    let mut html = String::with_capacity(line.len() * 4);
    let open = |html: &mut String, scope: Scope, classes: &mut HashMap<Scope, String>| {
        let names = classes.entry(scope).or_insert_with(|| {
            let name = scope.build_string();
            name.split('.')
                .map(|atom| format!("z-{atom}"))
                .collect::<Vec<_>>()
                .join(" ")
        });
        let _ = write!(html, r#"<span class="{names}">"#);
    };
    for scope in stack.as_slice() {
        open(&mut html, *scope, classes);
    }
    let mut pos = 0;
    for (at, op) in ops {
        let at = (*at).min(line.len());
        if at > pos {
            escape_into(&mut html, &line[pos..at]);
            pos = at;
        }
        stack.apply_with_hook(op, |basic, _| match basic {
            syntect::parsing::BasicScopeStackOp::Push(scope) => open(&mut html, scope, classes),
            syntect::parsing::BasicScopeStackOp::Pop => html.push_str("</span>"),
        })?;
    }
    if pos < line.len() {
        escape_into(&mut html, &line[pos..]);
    }
    for _ in stack.as_slice() {
        html.push_str("</span>");
    }
    Ok(html)
}

/// A code block when nothing is highlighted, as Zola writes it: the fence's language (its
/// first bare word, without the annotations after it) as `data-lang` on `<code>`, which
/// themes' stylesheets key on, and the text escaped as Zola escapes it.
pub fn plain_block(info: &str, text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 48);
    html.push_str("<pre><code");
    if let Some(lang) = Fence::parse(info).lang {
        html.push_str(" data-lang=\"");
        // Writing into a `String` cannot fail.
        let _ = pulldown_cmark_escape::escape_html(&mut html, &lang);
        html.push('"');
    }
    html.push('>');
    let _ = pulldown_cmark_escape::escape_html(&mut html, text);
    html.push_str("</code></pre>\n");
    html
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, appended to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(escaped);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// The whole block: `<pre>` with the theme's colours, `<code>` with `data-lang` and the
/// fence's other annotations, then the painted `lines` as the fence asks.
pub fn block(
    fence: &Fence,
    lang: &str,
    lines: &[&str],
    themes: &[Theme],
    style: HighlightStyle,
) -> String {
    let mut html = String::with_capacity(lines.iter().map(|l| l.len() + 32).sum::<usize>() + 128);
    html.push_str(&pre_open(themes, style));
    html.push_str("<code data-lang=\"");
    escape_into(&mut html, lang);
    html.push('"');
    for (key, value) in &fence.other {
        let key: String = key
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let _ = write!(html, " data-{key}=\"");
        escape_into(&mut html, value);
        html.push('"');
    }
    html.push('>');
    let last = fence.linenostart + lines.len().saturating_sub(1) as i64;
    let width = last
        .to_string()
        .len()
        .max(fence.linenostart.to_string().len());
    let line_highlight = line_highlight(themes, style);
    let gutter = gutter_style(themes, style);
    let mut first = true;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if fence.hides(n) {
            continue;
        }
        if !first {
            html.push('\n');
        }
        first = false;
        match (&line_highlight, fence.highlights(n)) {
            (Some(attrs), true) => {
                let _ = write!(html, "<span class=\"giallo-l{attrs}>");
            }
            _ => html.push_str("<span class=\"giallo-l\">"),
        }
        if fence.linenos {
            let number = fence.linenostart + i as i64;
            let _ = write!(
                html,
                "<span aria-hidden=\"true\" class=\"giallo-ln\"{gutter}>{number:>width$}</span>"
            );
        }
        html.push_str(line);
        html.push_str("</span>");
    }
    html.push_str("</code></pre>");
    html
}

fn pre_open(themes: &[Theme], style: HighlightStyle) -> String {
    if style == HighlightStyle::Class {
        return "<pre class=\"giallo z-code\">".to_string();
    }
    let fg: Vec<Color> = themes.iter().map(foreground).collect();
    let bg: Vec<Color> = themes.iter().map(background).collect();
    let scheme = if themes.len() == 2 {
        "color-scheme: light dark; "
    } else {
        ""
    };
    format!(
        "<pre class=\"giallo\" style=\"{scheme}color: {}; background-color: {};\">",
        colour_value(&fg),
        colour_value(&bg)
    )
}

/// The rest of a highlighted line's opening tag (after `giallo-l`), if the theme has a
/// colour for highlighted lines.
fn line_highlight(themes: &[Theme], style: HighlightStyle) -> Option<String> {
    if style == HighlightStyle::Class {
        return Some(" z-hl\"".to_string());
    }
    let colours: Option<Vec<Color>> = themes.iter().map(|t| t.settings.line_highlight).collect();
    colours.map(|c| format!("\" style=\"background-color: {};\"", colour_value(&c)))
}

/// The line numbers' `style` attribute, if the theme colours its gutter.
fn gutter_style(themes: &[Theme], style: HighlightStyle) -> String {
    let colours: Option<Vec<Color>> = themes
        .iter()
        .map(|t| t.settings.gutter_foreground)
        .collect();
    match colours {
        Some(c) if style == HighlightStyle::Inline => {
            format!(" style=\"color: {};\"", colour_value(&c))
        }
        _ => String::new(),
    }
}

pub fn foreground(theme: &Theme) -> Color {
    theme.settings.foreground.unwrap_or(Color::BLACK)
}

pub fn background(theme: &Theme) -> Color {
    theme.settings.background.unwrap_or(Color::WHITE)
}
