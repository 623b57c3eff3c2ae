//! `extra_themes`: a VS Code / TextMate JSON theme (`colors`, `tokenColors`) as a syntect
//! [`Theme`], so a site's own theme colours code like a bundled one, in either style.

use std::str::FromStr;

use serde_json::Value;
use syntect::highlighting::{
    Color, FontStyle, ScopeSelectors, StyleModifier, Theme, ThemeItem, ThemeSettings,
};

/// A converted theme, under the name its file gives it, with what could not be carried over.
pub struct JsonTheme {
    pub name: Option<String>,
    pub theme: Theme,
    pub warnings: Vec<String>,
}

/// Converts the parsed JSON of a theme; `file` names it in warnings. An error says what is
/// missing when the JSON is not a theme at all.
pub fn convert(json: &Value, file: &str) -> Result<JsonTheme, String> {
    let object = json
        .as_object()
        .ok_or("a theme is a JSON object with `tokenColors`")?;
    let mut warnings = Vec::new();
    if object.contains_key("include") {
        warnings.push(format!(
            "{file}: `include` of another theme file is not supported; only this file's colours are used"
        ));
    }
    let dark = object.get("type").and_then(Value::as_str) != Some("light");
    let mut settings = editor_settings(object.get("colors"), &mut warnings, file);
    let mut scopes = Vec::new();
    match object.get("tokenColors") {
        Some(Value::Array(entries)) => {
            for (index, entry) in entries.iter().enumerate() {
                token_colour(entry, &mut settings, &mut scopes)
                    .unwrap_or_else(|why| warnings.push(format!("{file}: tokenColors[{index}]: {why}")));
            }
        }
        Some(_) => warnings.push(format!(
            "{file}: `tokenColors` naming another file is not supported; code keeps the default colours"
        )),
        None => return Err("no `tokenColors`: is this a VS Code colour theme?".into()),
    }
    // VS Code's own defaults where the theme leaves the editor colours out.
    let (fg, bg) = if dark {
        ("#d4d4d4", "#1e1e1e")
    } else {
        ("#000000", "#ffffff")
    };
    settings.foreground = settings.foreground.or_else(|| colour(fg));
    settings.background = settings.background.or_else(|| colour(bg));
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let theme = Theme {
        name: name.clone(),
        author: object
            .get("author")
            .and_then(Value::as_str)
            .map(str::to_string),
        settings,
        scopes,
    };
    Ok(JsonTheme {
        name,
        theme,
        warnings,
    })
}

/// The editor colours Kiln shows: text, background, highlighted lines, line numbers.
fn editor_settings(
    colors: Option<&Value>,
    warnings: &mut Vec<String>,
    file: &str,
) -> ThemeSettings {
    let mut settings = ThemeSettings::default();
    let Some(colors) = colors.and_then(Value::as_object) else {
        return settings;
    };
    let mut pick = |key: &str| {
        let text = colors.get(key)?.as_str()?;
        let found = colour(text);
        if found.is_none() {
            warnings.push(format!(
                "{file}: colors.{key}: `{text}` is not a #rgb(a) or #rrggbb(aa) colour"
            ));
        }
        found
    };
    settings.foreground = pick("editor.foreground");
    settings.background = pick("editor.background");
    settings.line_highlight = pick("editor.lineHighlightBackground");
    settings.gutter_foreground = pick("editorLineNumber.foreground");
    settings.gutter = pick("editorGutter.background");
    settings.selection = pick("editor.selectionBackground");
    settings.caret = pick("editorCursor.foreground");
    settings
}

/// One `tokenColors` entry: a rule for its scopes, or (without `scope`) the old TextMate way
/// of giving the editor's own colours.
fn token_colour(
    entry: &Value,
    settings: &mut ThemeSettings,
    scopes: &mut Vec<ThemeItem>,
) -> Result<(), String> {
    let style = entry
        .get("settings")
        .and_then(Value::as_object)
        .ok_or("no `settings` object")?;
    let colour_of = |key: &str| -> Result<Option<Color>, String> {
        match style.get(key).and_then(Value::as_str) {
            None => Ok(None),
            Some(text) => colour(text)
                .map(Some)
                .ok_or_else(|| format!("{key} `{text}` is not a #rgb(a) or #rrggbb(aa) colour")),
        }
    };
    let foreground = colour_of("foreground")?;
    let background = colour_of("background")?;
    let selector = match entry.get("scope") {
        None => {
            settings.foreground = settings.foreground.or(foreground);
            settings.background = settings.background.or(background);
            return Ok(());
        }
        Some(Value::String(scope)) => scope.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Some(_) => return Err("`scope` is neither a string nor a list of strings".into()),
    };
    let scope = ScopeSelectors::from_str(&selector)
        .map_err(|e| format!("scope `{selector}` cannot be read: {e:?}"))?;
    let font_style = style.get("fontStyle").and_then(Value::as_str).map(font);
    scopes.push(ThemeItem {
        scope,
        style: StyleModifier {
            foreground,
            background,
            font_style,
        },
    });
    Ok(())
}

/// `"bold italic"`, `"underline"`, `""` (plain: resets what a wider scope set). Syntect has
/// no strikethrough, so that one word is dropped.
fn font(text: &str) -> FontStyle {
    text.split_whitespace()
        .fold(FontStyle::empty(), |style, word| match word {
            "bold" => style | FontStyle::BOLD,
            "italic" => style | FontStyle::ITALIC,
            "underline" => style | FontStyle::UNDERLINE,
            _ => style,
        })
}

/// `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` as a colour.
pub fn colour(text: &str) -> Option<Color> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
    let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    let (r, g, b, a) = match hex.len() {
        3 | 4 => {
            let short = |i: usize| digit(i).map(|d| d * 17);
            let a = if hex.len() == 4 { short(3)? } else { 255 };
            (short(0)?, short(1)?, short(2)?, a)
        }
        6 | 8 => {
            let a = if hex.len() == 8 { pair(6)? } else { 255 };
            (pair(0)?, pair(2)?, pair(4)?, a)
        }
        _ => return None,
    };
    Some(Color { r, g, b, a })
}
