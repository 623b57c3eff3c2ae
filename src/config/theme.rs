//! `theme = "name"`: the theme's folder must exist, and the `[extra]` of its `theme.toml` is
//! merged under the site's own, as Zola does (the site's values win, tables merge key by key).

use std::path::Path;

use serde_json::Value;

use crate::error::Diagnostic;

/// Checks `themes/<name>/` under `root` and merges its `theme.toml` `[extra]` into `extra`.
pub fn apply(
    root: &Path,
    config_path: &Path,
    name: &str,
    extra: &mut Value,
) -> Result<(), Diagnostic> {
    let plain = !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && !name.starts_with('.');
    if !plain {
        return Err(Diagnostic::in_file(
            config_path,
            format!("`theme = \"{name}\"`: a theme is named by its folder under themes/"),
        ));
    }
    let folder = super::under(root, "themes").join(name);
    if !folder.is_dir() {
        return Err(Diagnostic::in_file(
            config_path,
            format!(
                "`theme = \"{name}\"`: there is no folder {}; put the theme there (e.g. git clone it into themes/)",
                folder.display()
            ),
        ));
    }
    let theme_toml = folder.join("theme.toml");
    let Ok(text) = std::fs::read_to_string(&theme_toml) else {
        return Ok(());
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| crate::error::line_col(&text, s.start));
        Diagnostic::at(&theme_toml, line, Some(column), e.message().trim())
    })?;
    if let Some(theirs) = table.get("extra") {
        let mut theirs = serde_json::to_value(theirs).unwrap_or_default();
        crate::data::normalise_dates(&mut theirs);
        merge_under(extra, theirs);
    }
    Ok(())
}

/// Adds to `ours` what `theirs` has and it lacks, table by table.
fn merge_under(ours: &mut Value, theirs: Value) {
    let (Value::Object(ours), Value::Object(theirs)) = (ours, theirs) else {
        return;
    };
    for (key, value) in theirs {
        match ours.get_mut(&key) {
            Some(mine) => merge_under(mine, value),
            None => {
                ours.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn site_values_win_and_tables_merge_key_by_key() {
        let mut ours = json!({"a": 1, "t": {"x": "mine"}});
        merge_under(
            &mut ours,
            json!({"a": 2, "b": 3, "t": {"x": "theirs", "y": true}}),
        );
        assert_eq!(ours, json!({"a": 1, "b": 3, "t": {"x": "mine", "y": true}}));
    }
}
