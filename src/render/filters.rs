//! Zola's filters that need nothing of the site: `base64_encode`, `base64_decode`,
//! `regex_replace` and `num_format` (the `markdown` filter has a file of its own).

use std::collections::HashMap;

use base64::Engine;
use serde_json::Value;
use tera::Tera;

/// Registers the filters; `num_format` defaults to the locale of `default_language`.
pub fn register(tera: &mut Tera, default_language: &str) {
    tera.register_filter(
        "base64_encode",
        |value: &Value, _: &HashMap<String, Value>| {
            let text = string(value, "base64_encode")?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(text),
            ))
        },
    );
    tera.register_filter(
        "base64_decode",
        |value: &Value, _: &HashMap<String, Value>| {
            let text = string(value, "base64_decode")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| tera::Error::msg(format!("base64_decode: {e}")))?;
            String::from_utf8(bytes).map(Value::String).map_err(|_| {
                tera::Error::msg("base64_decode: the decoded bytes are not UTF-8 text")
            })
        },
    );
    tera.register_filter("regex_replace", regex_replace);
    let language = default_language.to_string();
    tera.register_filter(
        "num_format",
        move |value: &Value, args: &HashMap<String, Value>| {
            let locale = args.get("locale").and_then(Value::as_str);
            let number = value.as_i64().ok_or_else(|| {
                tera::Error::msg(format!("num_format takes an integer, got {value}"))
            })?;
            num_format(number, locale.unwrap_or(&language), locale.is_some()).map(Value::String)
        },
    );
}

fn string<'v>(value: &'v Value, filter: &str) -> tera::Result<&'v str> {
    value
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("{filter} takes a string, got {value}")))
}

fn regex_replace(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = string(value, "regex_replace")?;
    let arg = |name: &str| {
        args.get(name).and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg(format!("regex_replace needs a string argument `{name}`"))
        })
    };
    let pattern = regex::Regex::new(arg("pattern")?)
        .map_err(|e| tera::Error::msg(format!("regex_replace: bad `pattern`: {e}")))?;
    Ok(Value::String(
        pattern.replace_all(text, arg("rep")?).into_owned(),
    ))
}

/// `number` with the digit grouping of `locale`; a locale Kiln does not know is an error
/// when asked for by name, and English when it is only the site's language.
fn num_format(number: i64, locale: &str, named: bool) -> tera::Result<String> {
    let language = locale.split(['-', '_']).next().unwrap_or(locale);
    let (separator, indian) = match (language, locale) {
        (_, "en-IN" | "hi-IN" | "hi") => (",", true),
        ("en" | "ja" | "zh" | "ko" | "he", _) => (",", false),
        ("de" | "es" | "it" | "nl" | "pt" | "da" | "id" | "tr" | "el", _) => (".", false),
        ("fr" | "ru" | "sv" | "nb" | "no" | "fi" | "pl" | "cs" | "uk" | "sk", _) => {
            ("\u{a0}", false)
        }
        _ if named => {
            return Err(tera::Error::msg(format!(
                "num_format: Kiln does not know the digit grouping of locale `{locale}`"
            )));
        }
        _ => (",", false),
    };
    let digits = number.unsigned_abs().to_string();
    let mut groups: Vec<&str> = Vec::new();
    let mut end = digits.len();
    let mut size = 3;
    while end > size {
        groups.push(&digits[end - size..end]);
        end -= size;
        if indian {
            size = 2;
        }
    }
    groups.push(&digits[..end]);
    groups.reverse();
    let sign = if number < 0 { "-" } else { "" };
    Ok(format!("{sign}{}", groups.join(separator)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut tera = Tera::default();
        register(&mut tera, "en");
        tera.render_str(template, &tera::Context::new()).unwrap()
    }

    #[test]
    fn the_examples_of_zolas_documentation_render_as_documented() {
        assert_eq!(render("{{ 1000000 | num_format }}"), "1,000,000");
        assert_eq!(
            render("{{ 1000000 | num_format(locale=\"en-IN\") }}"),
            "10,00,000"
        );
        assert_eq!(
            render(
                "{{ \"World, Hello\" | regex_replace(pattern=`(?P<subject>\\w+), (?P<greeting>\\w+)`, rep=`$greeting $subject`) }}"
            ),
            "Hello World"
        );
        assert_eq!(
            render("{{ \"Hi there\" | base64_encode }}|{{ \"SGkgdGhlcmU=\" | base64_decode }}"),
            "SGkgdGhlcmU=|Hi there"
        );
    }

    #[test]
    fn numbers_group_by_locale_and_keep_their_sign() {
        assert_eq!(num_format(-1234567, "de", true).unwrap(), "-1.234.567");
        assert_eq!(num_format(999, "en", true).unwrap(), "999");
        assert_eq!(num_format(12345, "xx", false).unwrap(), "12,345");
        assert!(num_format(12345, "xx", true).is_err());
    }
}
