//! Zola's template functions: `get_url` (with `cachebust`), `get_page`, `get_section`,
//! `get_taxonomy_url`, `get_taxonomy` and `get_taxonomy_term`, answered from the site's
//! template values, each with Zola's `lang` argument; and `trans`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tera::Tera;

use crate::render::files::Files;
use crate::render::values::{Detail, Values, taxonomy_key};
use crate::site::PageOrSection;

/// Registers `get_url`, `get_page`, `get_section`, `get_taxonomy_url`, `get_taxonomy` and
/// `get_taxonomy_term`. Their results carry `detail` of each page: enough for every template
/// that calls them.
pub fn register_functions(tera: &mut Tera, values: Arc<Values>, detail: Detail, files: Arc<Files>) {
    let detail = Arc::new(detail);
    let v = values.clone();
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        get_url(&v, &files, args)
    });
    let (v, d) = (values.clone(), detail.clone());
    tera.register_function("get_taxonomy_term", move |args: &HashMap<String, Value>| {
        get_taxonomy_term(&v, &d, args)
    });
    let (v, d) = (values.clone(), detail.clone());
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        let rel = content_arg(&v, args, "get_page")?;
        match v.by_rel.get(&rel) {
            Some(PageOrSection::Page(i)) => Ok(v.listed(*i, &d)),
            _ => Err(not_found("get_page", &rel)),
        }
    });
    let (v, d) = (values.clone(), detail.clone());
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        let metadata_only = args
            .get("metadata_only")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let rel = content_arg(&v, args, "get_section")?;
        match v.by_rel.get(&rel) {
            Some(PageOrSection::Section(i)) => Ok(v.section(*i, (!metadata_only).then_some(&*d))),
            _ => Err(not_found("get_section", &rel)),
        }
    });
    let v = values.clone();
    tera.register_function("get_taxonomy_url", move |args: &HashMap<String, Value>| {
        let kind = string_arg(args, "kind", "get_taxonomy_url")?;
        let name = string_arg(args, "name", "get_taxonomy_url")?;
        let lang = lang_arg(&v, args, "get_taxonomy_url")?;
        let urls = v.term_urls.get(&taxonomy_key(kind, lang));
        let url = urls.and_then(|urls| {
            urls.get(name)
                .or_else(|| urls.get(slug::slugify(name).as_str()))
        });
        url.map(|u| Value::String(u.clone())).ok_or_else(|| {
            tera::Error::msg(format!(
                "get_taxonomy_url: no term `{name}` in taxonomy `{kind}`"
            ))
        })
    });
    tera.register_function("get_taxonomy", move |args: &HashMap<String, Value>| {
        let kind = string_arg(args, "kind", "get_taxonomy")?;
        let lang = lang_arg(&values, args, "get_taxonomy")?;
        values
            .taxonomies
            .iter()
            .find(|t| t.config.name == kind && t.lang == lang)
            .map(|t| values.taxonomy_value(t, &detail))
            .ok_or_else(|| {
                tera::Error::msg(format!("get_taxonomy: no taxonomy `{kind}` in config.toml"))
            })
    });
}

fn string_arg<'a>(
    args: &'a HashMap<String, Value>,
    name: &str,
    function: &str,
) -> tera::Result<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("{function} needs a string argument `{name}`")))
}

fn path_arg<'a>(args: &'a HashMap<String, Value>, function: &str) -> tera::Result<&'a str> {
    let path = string_arg(args, "path", function)?;
    Ok(path
        .strip_prefix("@/")
        .unwrap_or(path)
        .trim_start_matches('/'))
}

/// The `lang` argument, the default language when absent.
fn lang_arg<'a>(
    values: &'a Values,
    args: &'a HashMap<String, Value>,
    function: &str,
) -> tera::Result<&'a str> {
    match args.get("lang") {
        None => Ok(&values.default_language),
        Some(Value::String(lang)) => Ok(lang),
        Some(_) => Err(tera::Error::msg(format!(
            "{function}: `lang` must be a language code such as \"fr\""
        ))),
    }
}

/// The content path `path` names, in the language of the `lang` argument (`blog/a.fr.md`).
fn content_arg(
    values: &Values,
    args: &HashMap<String, Value>,
    function: &str,
) -> tera::Result<String> {
    let path = path_arg(args, function)?;
    let lang = lang_arg(values, args, function)?;
    Ok(translated(values, path, lang))
}

/// `rel` in language `lang`, as Zola's `lang` arguments find it: `blog/a.md` → `blog/a.fr.md`.
fn translated(values: &Values, rel: &str, lang: &str) -> String {
    if lang == values.default_language {
        return rel.to_string();
    }
    match rel.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{lang}.{ext}"),
        None => format!("{rel}.{lang}"),
    }
}

/// `rel` is the file looked for, in the asked language (`a.md` with `lang = "fr"` → `a.fr.md`).
fn not_found(function: &str, rel: &str) -> tera::Error {
    tera::Error::msg(format!("{function}: there is no content/{rel} to return"))
}

/// Zola's `get_taxonomy_term`: one term with its pages (none with `include_pages = false`);
/// `null` for a missing one with `required = false`.
fn get_taxonomy_term(
    values: &Values,
    detail: &Detail,
    args: &HashMap<String, Value>,
) -> tera::Result<Value> {
    let kind = string_arg(args, "kind", "get_taxonomy_term")?;
    let name = string_arg(args, "term", "get_taxonomy_term")?;
    let include_pages = args.get("include_pages").and_then(Value::as_bool) != Some(false);
    let required = args.get("required").and_then(Value::as_bool) != Some(false);
    let lang = lang_arg(values, args, "get_taxonomy_term")?;
    let taxonomy = (values.taxonomies.iter()).find(|t| t.config.name == kind && t.lang == lang);
    let slug = slug::slugify(name);
    let term = taxonomy.and_then(|t| {
        t.terms
            .iter()
            .find(|term| term.name == name || term.slug == slug)
    });
    match term {
        Some(term) => {
            let pages: &[usize] = if include_pages { &term.pages } else { &[] };
            Ok(values.term(term, pages, detail))
        }
        None if !required => Ok(Value::Null),
        None => Err(tera::Error::msg(format!(
            "get_taxonomy_term: no term `{name}` in taxonomy `{kind}`"
        ))),
    }
}

/// Zola's `get_url`: `@/file.md` to its permalink, anything else under `base_url` (with
/// `?h=<sha256>` of the file for `cachebust = true`).
fn get_url(values: &Values, files: &Files, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let path = string_arg(args, "path", "get_url")?;
    if path.starts_with("http://") || path.starts_with("https://") {
        return Ok(Value::String(path.to_string()));
    }
    let lang = lang_arg(values, args, "get_url")?;
    if let Some(rel) = path.strip_prefix("@/") {
        let (rel, anchor) = rel
            .split_once('#')
            .map_or((rel, None), |(r, a)| (r, Some(a)));
        let rel = &translated(values, rel, lang);
        let permalink = match values.by_rel.get(rel) {
            Some(PageOrSection::Page(i)) => values.field(*i, "permalink"),
            Some(PageOrSection::Section(i)) => values.sections[*i].get("permalink").cloned(),
            None => {
                return Err(tera::Error::msg(format!(
                    "get_url: there is no content/{rel}"
                )));
            }
        };
        let permalink = permalink
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Ok(Value::String(anchor.map_or_else(
            || permalink.to_string(),
            |a| format!("{permalink}#{a}"),
        )));
    }
    // Any other path of another language is under its folder, unless it already says so.
    let prefixed;
    let bare = path.trim_start_matches('/');
    let path = if lang != values.default_language && !bare.starts_with(lang) {
        prefixed = match bare {
            "" => lang.to_string(),
            _ => format!("{lang}/{bare}"),
        };
        &prefixed
    } else {
        path
    };
    crate::render::files::file_url(&values.base_url, files, path, args)
}

/// Registers Zola's `trans(key, lang)`: the text of `key` in `[translations]` (the default
/// language, also when `lang` is absent) or `[languages.<lang>.translations]`; a missing key
/// or language is an error.
pub fn register_trans(tera: &mut Tera, config: &crate::config::Config) {
    let default = config.default_language.clone();
    let tables: HashMap<String, std::collections::BTreeMap<String, String>> = config
        .languages
        .iter()
        .map(|(code, options)| (code.clone(), options.translations.clone()))
        .collect();
    tera.register_function("trans", move |args: &HashMap<String, Value>| {
        let key = string_arg(args, "key", "trans")?;
        let lang = match args.get("lang") {
            None => default.as_str(),
            Some(Value::String(lang)) => lang.as_str(),
            Some(_) => return Err(tera::Error::msg("trans: `lang` must be a language code")),
        };
        let table = tables.get(lang).ok_or_else(|| {
            tera::Error::msg(format!(
                "trans: language `{lang}` is not in config.toml's [languages]"
            ))
        })?;
        table
            .get(key)
            .map(|text| Value::String(text.clone()))
            .ok_or_else(|| {
                let table = if lang == default {
                    "[translations]".to_string()
                } else {
                    format!("[languages.{lang}.translations]")
                };
                tera::Error::msg(format!(
                    "trans: no key `{key}` for language `{lang}`; add it to {table} in config.toml"
                ))
            })
    });
}
