//! Zola's multilingual settings: `[languages.<code>]` tables and `[translations]`, merged so
//! that every language, the default one too, has one `LanguageOptions`; and `config` as a
//! template of one language sees it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Config, SearchConfig, TaxonomyConfig, default_feed_filenames};
use crate::error::Diagnostic;

/// What may differ between languages (`[languages.<code>]`, or the top level for the default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LanguageOptions {
    pub title: Option<String>,
    pub description: Option<String>,
    pub generate_feeds: bool,
    pub feed_filenames: Vec<String>,
    pub build_search_index: bool,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub search: SearchConfig,
    /// Key → text, for `trans(key=…, lang=…)`.
    pub translations: BTreeMap<String, String>,
}

impl Default for LanguageOptions {
    fn default() -> Self {
        LanguageOptions {
            title: None,
            description: None,
            generate_feeds: false,
            feed_filenames: default_feed_filenames(),
            build_search_index: false,
            taxonomies: Vec::new(),
            search: SearchConfig::default(),
            translations: BTreeMap::new(),
        }
    }
}

/// Language codes written from right to left (ISO 639-1 and -3 of the scripts Arabic, Hebrew,
/// Thaana, Syriac, N'Ko and Adlam), so templates can set `dir="rtl"` without a table of their own.
const RIGHT_TO_LEFT: [&str; 22] = [
    "ar", "arc", "ckb", "dv", "fa", "ff", "he", "iw", "khw", "ks", "ku", "nqo", "ps", "sd", "syr",
    "ug", "ur", "yi", "arz", "azb", "pnb", "prs",
];

/// Whether language `code` (`ur`, `ar-EG`, `fa_IR`) is written from right to left.
pub fn is_right_to_left(code: &str) -> bool {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    RIGHT_TO_LEFT.contains(&primary.to_ascii_lowercase().as_str())
}

/// A language code as BCP 47 starts one: 2–3 letters, then `-` subtags of letters and digits.
fn valid_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Checks the codes and gives the default language its options, from the top-level keys
/// merged with a `[languages.<default>]` table (a value set in both places is an error, as in
/// Zola); the top-level keys then hold the merged values too.
pub(super) fn settle(
    path: &Path,
    config: &mut Config,
    table: &toml::Table,
) -> Result<(), Diagnostic> {
    let bad = |message: String| Diagnostic::in_file(path, message);
    for code in config.languages.keys().chain([&config.default_language]) {
        if !valid_code(code) {
            return Err(bad(format!(
                "`{code}` is not a language code; write one such as \"en\", \"ur\" or \"pt-BR\""
            )));
        }
    }
    let default = config.default_language.clone();
    if let Some(own) = config.languages.get(&default).cloned() {
        let set = |key: &str| table.contains_key(key);
        let clash = |key: &str| {
            bad(format!(
                "`{key}` of the default language `{default}` is set both at the top level and in [languages.{default}]; keep one"
            ))
        };
        merge(&mut config.title, own.title, set("title"), || {
            clash("title")
        })?;
        merge(
            &mut config.description,
            own.description,
            set("description"),
            || clash("description"),
        )?;
        if !set("taxonomies") && !own.taxonomies.is_empty() {
            config.taxonomies = own.taxonomies;
        }
        if !set("feed_filenames") && own.feed_filenames != default_feed_filenames() {
            config.feed_filenames = own.feed_filenames;
        }
        if !set("translations") {
            config.translations.extend(own.translations);
        }
        config.generate_feeds |= own.generate_feeds;
        config.build_search_index |= own.build_search_index;
    }
    let options = LanguageOptions {
        title: config.title.clone(),
        description: config.description.clone(),
        generate_feeds: config.generate_feeds,
        feed_filenames: config.feed_filenames.clone(),
        build_search_index: config.build_search_index,
        taxonomies: config.taxonomies.clone(),
        search: config.search.clone(),
        translations: config.translations.clone(),
    };
    config.languages.insert(default, options);
    Ok(())
}

/// Takes `theirs` into `ours` unless the top level set it; both set is `clash`.
fn merge(
    ours: &mut Option<String>,
    theirs: Option<String>,
    top_level: bool,
    clash: impl Fn() -> Diagnostic,
) -> Result<(), Diagnostic> {
    match (top_level, theirs) {
        (true, Some(_)) => Err(clash()),
        (false, Some(value)) => {
            *ours = Some(value);
            Ok(())
        }
        (_, None) => Ok(()),
    }
}

impl Config {
    /// The options of language `lang` (the default language's for a code not configured).
    pub fn language(&self, lang: &str) -> &LanguageOptions {
        self.languages
            .get(lang)
            .or_else(|| self.languages.get(&self.default_language))
            .unwrap_or(&FALLBACK)
    }

    /// Every configured language code, the default first, then the others sorted.
    pub fn language_codes(&self) -> impl Iterator<Item = &str> {
        let default = self.default_language.as_str();
        let others = self.languages.keys().map(String::as_str);
        std::iter::once(default).chain(others.filter(move |c| *c != default))
    }

    /// Whether the site has languages besides the default one.
    pub fn is_multilingual(&self) -> bool {
        self.languages.keys().any(|k| *k != self.default_language)
    }

    /// Where language `lang`'s outputs go: `""` for the default language, else `/<lang>`.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    /// `config` as Zola gives it to a template of language `lang`: that language's title,
    /// description, feeds, taxonomies and search settings, and `languages` without it.
    pub fn for_language(&self, lang: &str) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        let options = self.language(lang);
        if let Value::Object(map) = &mut value {
            let own = serde_json::to_value(options).unwrap_or(Value::Null);
            if let Value::Object(own) = own {
                for (key, field) in own {
                    if key != "translations" {
                        map.insert(key, field);
                    }
                }
            }
            if let Some(Value::Object(languages)) = map.get_mut("languages") {
                languages.remove(lang);
            }
        }
        value
    }
}

static FALLBACK: std::sync::LazyLock<LanguageOptions> =
    std::sync::LazyLock::new(LanguageOptions::default);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages_are_known_by_their_primary_code() {
        assert!(is_right_to_left("ur") && is_right_to_left("ar-EG") && is_right_to_left("fa"));
        assert!(is_right_to_left("he") && !is_right_to_left("en") && !is_right_to_left("fr"));
    }

    #[test]
    fn codes_look_like_bcp47() {
        assert!(valid_code("en") && valid_code("pt-BR") && valid_code("zh-Hant"));
        assert!(!valid_code("english") && !valid_code("e") && !valid_code("en/../x"));
    }
}
