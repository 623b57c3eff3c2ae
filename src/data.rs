//! Author data (`[extra]` tables of front matter and config) as plain JSON values for templates.

use serde_json::Value;

/// The key under which the `toml` crate passes a datetime through serde.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// Replaces TOML datetimes (which serde sees as one-key tables) by their text, recursively,
/// so `extra.date` reads as `"2024-05-01"` in templates, as in Zola.
pub fn normalise_dates(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(text))) = (map.len(), map.get(TOML_DATETIME_KEY)) {
                *value = Value::String(text.clone());
                return;
            }
            map.values_mut().for_each(normalise_dates);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_dates),
        _ => {}
    }
}

/// An empty JSON object, the default of every `extra` table.
pub fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_datetimes_become_strings_at_any_depth() {
        let mut value: Value =
            toml::from_str::<Value>("a = 2024-05-01\n[b]\nc = [1979-05-27T07:32:00Z]").unwrap();
        normalise_dates(&mut value);
        assert_eq!(value["a"], "2024-05-01");
        assert_eq!(value["b"]["c"][0], "1979-05-27T07:32:00Z");
    }
}
