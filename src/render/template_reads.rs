//! What templates read, found by scanning their text: which templates each one pulls in
//! (`extends`, `include`, `import`), and whether listed pages need their heavy fields.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::render::values::{Detail, HEAVY_FIELDS, PAGE_KEYS};

/// The facts about one template, including everything it pulls in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    /// This template and every template it extends, includes or imports, sorted.
    pub closure: Vec<String>,
    /// How much of each listed page its renders need.
    pub detail: Detail,
    /// How much of the rendered page's own value they need (`page` in a page template).
    pub own: Detail,
    /// Whether it calls `get_section`, `get_page` or `get_taxonomy` (reads any content).
    pub reads_content: bool,
    /// Whether it calls `get_url` or `get_taxonomy_url` (reads any URL).
    pub reads_urls: bool,
    /// Whether it calls `resize_image` or `get_image_metadata` (reads image files).
    pub reads_images: bool,
}

/// What template functions (`get_section`, `get_page`, `get_taxonomy`) must return: enough for
/// every template that calls them.
pub fn function_detail(uses: &HashMap<String, TemplateUse>) -> Detail {
    let callers = uses.values().filter(|u| u.reads_content).map(|u| &u.detail);
    callers
        .fold(None, |acc: Option<Detail>, d| {
            Some(acc.map_or_else(|| d.clone(), |a| a.union(d)))
        })
        .unwrap_or(Detail::Full)
}

/// Scans every template (`(name, text)` pairs) once.
pub fn analyse<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> HashMap<String, TemplateUse> {
    let texts: HashMap<&str, &str> = templates.into_iter().collect();
    let direct: HashMap<&str, Option<Vec<String>>> =
        texts.iter().map(|(n, t)| (*n, references(t))).collect();
    let mut result = HashMap::new();
    for name in texts.keys() {
        let closure = closure(name, &direct, &texts);
        let text: String = closure
            .iter()
            .filter_map(|n| texts.get(n.as_str()))
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        let (detail, own) = details_for(&text);
        let reads_content = [
            "get_section",
            "get_page",
            "get_taxonomy(",
            "get_taxonomy_term",
        ]
        .iter()
        .any(|f| text.contains(f));
        let reads_urls = text.contains("get_url") || text.contains("get_taxonomy_url");
        let reads_images = text.contains("resize_image") || text.contains("get_image_metadata");
        let uses = TemplateUse {
            closure,
            detail,
            own,
            reads_content,
            reads_urls,
            reads_images,
        };
        result.insert(name.to_string(), uses);
    }
    result
}

/// The top-level `config` fields the templates (`(name, text)` pairs) may read: those named
/// anywhere in them, so a render copies only those into its context; `None` (all of them)
/// where a field may be reached by a name computed at render time.
pub fn config_keys<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<HashSet<String>> {
    // `base_url` always: the projected config is never an empty (false) object.
    let mut keys = HashSet::from(["base_url".to_string()]);
    for (_, text) in templates {
        if reaches_fields_by_computed_name(text) || uses_whole(text, "config") {
            return None;
        }
        keys.extend(words(text).map(str::to_string));
    }
    Some(keys)
}

/// Every word of `text` (runs of letters, digits and `_`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Whether a field may be read by a name computed at render time (or a whole object dumped).
fn reaches_fields_by_computed_name(text: &str) -> bool {
    text.contains("json_encode")
        || text.contains("__tera_context")
        || has_key_value_loop(text)
        || has_dynamic_subscript(text)
        || has_dynamic_field_argument(text)
}

/// Every whole-word use of the variable `name` inside a tag (not a field such as `x.name`), as
/// the tag's text before and after it.
fn occurrences<'t>(text: &'t str, name: &'t str) -> impl Iterator<Item = (&'t str, &'t str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    tags(text).flat_map(move |tag| {
        tag.match_indices(name).filter_map(move |(at, _)| {
            let (before, after) = (&tag[..at], &tag[at + name.len()..]);
            let whole =
                !before.ends_with(|c: char| is_word(c) || c == '.') && !after.starts_with(is_word);
            whole.then_some((before, after))
        })
    })
}

/// Whether that use binds the variable: a loop variable (`for page in`, `for i, page in`) or a
/// `set`/`set_global` target.
fn binds(before: &str, after: &str) -> bool {
    let before = before.trim_end();
    ["for", "set", "set_global"]
        .iter()
        .any(|k| before.ends_with(k))
        || after.trim_start().starts_with("in ")
}

/// Whether `text` gives the variable `name` another value: a loop, a `set` or a macro parameter.
fn rebinds(text: &str, name: &str) -> bool {
    occurrences(text, name).any(|(before, after)| binds(before, after))
        || macro_parameters(text).iter().any(|p| p == name)
}

/// Whether a tag uses the variable `name` as a whole (`{% if page %}`, `page | length`,
/// `set p = page`), not just a field of it (`page.title`) nor as a loop or `set` target.
fn uses_whole(text: &str, name: &str) -> bool {
    occurrences(text, name)
        .any(|(before, after)| !binds(before, after) && !after.trim_start().starts_with(['.', '[']))
}

/// Every template `name` pulls in; a reference Kiln cannot read (a variable) means all of them.
fn closure(
    name: &str,
    direct: &HashMap<&str, Option<Vec<String>>>,
    texts: &HashMap<&str, &str>,
) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(next) = todo.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        match direct.get(next.as_str()) {
            Some(Some(refs)) => todo.extend(refs.iter().cloned()),
            Some(None) => {
                let mut all: Vec<String> = texts.keys().map(|n| n.to_string()).collect();
                all.sort();
                return all;
            }
            None => {}
        }
    }
    let mut list: Vec<String> = seen.into_iter().collect();
    list.sort();
    list
}

/// The template names in `{% extends/include/import "…" %}` tags; `None` if one is not a literal.
fn references(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for tag in text.split("{%").skip(1) {
        let body = tag
            .split("%}")
            .next()
            .unwrap_or("")
            .trim_start_matches(['-', ' ', '\n', '\t']);
        let keyword = body.split_whitespace().next().unwrap_or("");
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let args = body[keyword.len()..].split(" as ").next().unwrap_or("");
        let quoted = quoted_strings(args);
        if quoted.is_empty() {
            return None;
        }
        names.extend(quoted);
    }
    Some(names)
}

fn quoted_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// The page fields `text` needs: of each listed page, those it names anywhere, without the
/// heavy ones unless listed bodies are read; of the rendered page itself, those it names,
/// heavy ones included. Everything when fields may be reached by a name computed at render
/// time.
fn details_for(text: &str) -> (Detail, Detail) {
    if reaches_fields_by_computed_name(text) {
        return (Detail::Full, Detail::Full);
    }
    let words: HashSet<&str> = words(text).collect();
    let page_whole = uses_whole(text, "page");
    let heavy_allowed = reads_listed_bodies(text);
    // `permalink` always: a projected page is never an empty (false) object.
    let named = |heavy: bool| -> Arc<[String]> {
        PAGE_KEYS
            .iter()
            .filter(|k| {
                (words.contains(*k) || **k == "permalink") && (heavy || !HEAVY_FIELDS.contains(*k))
            })
            .map(|k| k.to_string())
            .collect()
    };
    let listed = Detail::Only {
        keys: named(heavy_allowed),
        lists: words.contains("pages"),
    };
    let own = if page_whole {
        Detail::Full
    } else {
        Detail::Only {
            keys: named(true),
            lists: true,
        }
    };
    (listed, own)
}

/// A filter's `key=` (`get`) or `attribute=` (`map`, `sort`, `group_by`…) that is not a
/// literal: a field chosen at render time.
fn has_dynamic_field_argument(text: &str) -> bool {
    tags(text).any(|tag| {
        ["key", "attribute"].iter().any(|name| {
            tag.match_indices(name).any(|(at, _)| {
                let rest = tag[at + name.len()..].trim_start();
                rest.strip_prefix('=')
                    .is_some_and(|value| !value.trim_start().starts_with(['"', '\'']))
            })
        })
    })
}

/// A `[name]` subscript inside a tag: a field chosen at render time.
fn has_dynamic_subscript(text: &str) -> bool {
    tags(text).any(|tag| {
        tag.match_indices('[').any(|(at, _)| {
            tag[at + 1..]
                .trim_start()
                .starts_with(|c: char| c.is_alphabetic() || c == '_')
        })
    })
}

/// The insides of every `{{ … }}` and `{% … %}` tag.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    let expressions = text
        .split("{{")
        .skip(1)
        .map(|t| t.split("}}").next().unwrap_or(""));
    let statements = text
        .split("{%")
        .skip(1)
        .map(|t| t.split("%}").next().unwrap_or(""));
    expressions.chain(statements)
}

/// True unless the only `content`/`summary`/`toc` reads are the rendered page's or section's own.
/// Conservative: where `page` (or `section`) is rebound, its body reads count; so do a
/// whole-object dump and key iteration.
fn reads_listed_bodies(text: &str) -> bool {
    // Where `page`/`section` may name a listed page, even `page.content` reads a listed body.
    let mut own: Vec<&str> = Vec::new();
    if !rebinds(text, "page") {
        own.extend(["page.content", "page.summary", "page.toc"]);
    }
    if !rebinds(text, "section") {
        own.extend(["section.content", "section.toc"]);
    }
    // Only tags can read a field: `<nav class="toc">` in the markup around them reads nothing.
    for (tag, field) in tags(text).flat_map(|tag| HEAVY_FIELDS.map(|field| (tag, field))) {
        for (at, _) in tag.match_indices(field) {
            let before = &tag[..at];
            let after = tag[at + field.len()..].chars().next();
            if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            // `p["content"]`, or a filter's `attribute = "content"`: a body read by name.
            let quoted = before.strip_suffix(['"', '\'']).map(str::trim_end);
            if quoted.is_some_and(|b| b.ends_with('[') || b.ends_with('=')) {
                return true;
            }
            if !before.ends_with('.') {
                continue;
            }
            let start = before
                .trim_end_matches('.')
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .map_or(0, |i| i + 1);
            let token = format!("{}{field}", &before[start..]);
            if !own.contains(&token.as_str()) {
                return true;
            }
        }
    }
    false
}

fn macro_parameters(text: &str) -> Vec<String> {
    let mut params = Vec::new();
    for (at, _) in text.match_indices("macro ") {
        let rest = &text[at..];
        if let (Some(open), Some(close)) = (rest.find('('), rest.find(')'))
            && open < close
        {
            let names = rest[open + 1..close].split(',');
            params.extend(names.map(|p| p.split('=').next().unwrap_or("").trim().to_string()));
        }
    }
    params
}

fn has_key_value_loop(text: &str) -> bool {
    text.split("{%").skip(1).any(|tag| {
        let body = tag
            .split("%}")
            .next()
            .unwrap_or("")
            .trim_start_matches(['-', ' ']);
        body.starts_with("for ")
            && body
                .split(" in ")
                .next()
                .is_some_and(|vars| vars.contains(','))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(templates: &[(&str, &str)], name: &str) -> Detail {
        analyse(templates.iter().copied())[name].detail.clone()
    }

    fn keeps(detail: &Detail, key: &str) -> bool {
        match detail {
            Detail::Full => true,
            Detail::Only { keys, .. } => keys.iter().any(|k| k == key),
        }
    }

    #[test]
    fn own_content_and_blocks_named_content_keep_listings_light() {
        let base = ("base.html", "{% block content %}{% endblock content %}");
        let page = (
            "page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.content | safe }}{% for h in page.toc %}{{ h.title }}{% endfor %}{% endblock %}",
        );
        let listed = detail(&[base, page], "page.html");
        assert!(
            !keys_heavy(&listed) && keeps(&listed, "title"),
            "{listed:?}"
        );
        assert!(
            !keeps(&listed, "word_count"),
            "fields the templates never name are left out"
        );
    }

    #[test]
    fn a_loop_rebinding_page_leaves_the_sections_own_body_its_own() {
        let section = |body: &str| {
            let text = format!(
                "{{{{ section.content | safe }}}}{{% for page in paginator.pages %}}{body}{{% endfor %}}"
            );
            detail(&[("section.html", &text)], "section.html")
        };
        assert!(!keys_heavy(&section("{{ page.title }}")));
        assert!(keys_heavy(&section("{{ page.summary | safe }}")));
        let set = "{% set section = get_section(path=\"a/_index.md\") %}{{ section.content }}";
        assert!(keys_heavy(&detail(&[("x.html", set)], "x.html")));
    }

    #[test]
    fn the_page_itself_carries_the_fields_named_bodies_included() {
        let page = (
            "page.html",
            "{{ page.title }}{{ page.content | safe }}{% if page.lower %}{{ page.lower.title }}{% endif %}",
        );
        let uses = &analyse([page])["page.html"];
        for key in ["title", "content", "lower"] {
            assert!(keeps(&uses.own, key), "{key}: {:?}", uses.own);
        }
        assert!(!keeps(&uses.own, "word_count") && !keeps(&uses.own, "higher"));
        assert!(!keys_heavy(&uses.detail), "the neighbour is listed light");
    }

    #[test]
    fn fields_chosen_at_render_time_keep_everything() {
        for text in [
            "{% set k = \"title\" %}{{ page | get(key=k) }}",
            "{% for p in paginator.pages | sort(attribute=by) %}{{ p.title }}{% endfor %}",
        ] {
            let uses = &analyse([("t.html", text)])["t.html"];
            assert_eq!(
                (&uses.detail, &uses.own),
                (&Detail::Full, &Detail::Full),
                "{text}"
            );
        }
        let literal =
            "{{ page.extra | get(key=\"title\") }}{{ paginator.pages | map(attribute='slug') }}";
        let uses = &analyse([("t.html", literal)])["t.html"];
        assert!(keeps(&uses.own, "extra") && !keeps(&uses.own, "word_count"));
    }

    #[test]
    fn whole_objects_keep_every_field() {
        for text in [
            "{% if page %}yes{% endif %}",
            "{{ page | length }}",
            "{{ __tera_context }}",
            "{% set p = page %}{{ p.title }}",
        ] {
            let uses = &analyse([("page.html", text)])["page.html"];
            assert_eq!(uses.own, Detail::Full, "{text}");
        }
        let fields = "{{ page.title }}{% for page in section.pages %}{{ page.slug }}{% endfor %}";
        let uses = &analyse([("page.html", fields)])["page.html"];
        assert!(uses.own != Detail::Full && keeps(&uses.own, "permalink"));
        assert_eq!(config_keys([("a.html", "{{ config | length }}")]), None);
        let spaced = "{{ paginator.pages | map(attribute = \"summary\") | join(sep=\"\") }}";
        assert!(keys_heavy(&detail(&[("s.html", spaced)], "s.html")));
    }

    #[test]
    fn config_keeps_the_fields_any_template_names() {
        let keys = config_keys([
            ("a.html", "{{ config.title }}"),
            (
                "b.html",
                "{% for i in config.extra.nav %}{{ i.name }}{% endfor %}",
            ),
        ])
        .unwrap();
        assert!(keys.contains("title") && keys.contains("extra"));
        assert!(!keys.contains("taxonomies"));
        let dynamic = [
            ("a.html", "{{ config.title }}"),
            ("b.html", "{{ config[k] }}"),
        ];
        assert_eq!(config_keys(dynamic), None);
    }

    #[test]
    fn markup_named_like_a_heavy_field_keeps_listings_light() {
        let page = (
            "page.html",
            "<nav class=\"toc\"><div class='content'>{{ page.content | safe }}</div></nav>{{ page.lower.title }}",
        );
        let listed = detail(&[page], "page.html");
        assert!(!keys_heavy(&listed), "{listed:?}");
        let by_name = (
            "section.html",
            "{% for p in paginator.pages | map(attribute=\"content\") %}{{ p }}{% endfor %}",
        );
        assert!(keys_heavy(&detail(&[by_name], "section.html")));
    }

    fn keys_heavy(detail: &Detail) -> bool {
        ["content", "summary", "toc"]
            .iter()
            .any(|k| keeps(detail, k))
    }

    #[test]
    fn fields_named_in_filters_are_kept_and_dynamic_access_keeps_everything() {
        let sorted = detail(
            &[(
                "s.html",
                "{% for p in section.pages | sort(attribute=\"weight\") %}{% endfor %}",
            )],
            "s.html",
        );
        assert!(keeps(&sorted, "weight"));
        assert_eq!(
            detail(&[("d.html", "{{ page.lower[name] }}")], "d.html"),
            Detail::Full
        );
    }

    #[test]
    fn looping_over_pages_named_page_keeps_bodies_out_unless_read() {
        let titles = detail(
            &[(
                "t.html",
                "{% block content %}{% for page in term.pages %}{{ page.title }}{% endfor %}{% endblock %}",
            )],
            "t.html",
        );
        assert!(
            !keys_heavy(&titles) && keeps(&titles, "title"),
            "{titles:?}"
        );
        let mapped = detail(
            &[(
                "m.html",
                "{{ section.pages | map(attribute=\"summary\") | join(sep=\"\") }}",
            )],
            "m.html",
        );
        assert!(keeps(&mapped, "summary"), "{mapped:?}");
    }

    #[test]
    fn templates_that_never_say_pages_get_no_listed_pages() {
        let list = detail(
            &[(
                "l.html",
                "{% for t in terms %}{{ t.name }} {{ t.page_count }}{% endfor %}",
            )],
            "l.html",
        );
        assert!(
            matches!(list, Detail::Only { lists: false, .. }),
            "{list:?}"
        );
        let paged = detail(
            &[("p.html", "{% for p in paginator.pages %}{% endfor %}")],
            "p.html",
        );
        assert!(
            matches!(paged, Detail::Only { lists: true, .. }),
            "{paged:?}"
        );
    }

    #[test]
    fn functions_return_enough_for_every_template_that_calls_them() {
        let uses = analyse([
            (
                "a.html",
                "{% set s = get_section(path='x') %}{% for p in s.pages %}{{ p.title }}{% endfor %}",
            ),
            ("b.html", "{% set q = get_page(path='y') %}{{ q.summary }}"),
            ("c.html", "{{ page.word_count }}"),
        ]);
        let detail = function_detail(&uses);
        assert!(
            keeps(&detail, "title") && keeps(&detail, "summary") && !keeps(&detail, "word_count"),
            "{detail:?}"
        );
    }

    #[test]
    fn reading_a_listed_page_body_needs_full_values_even_through_a_parent() {
        let base = (
            "base.html",
            "{% for p in section.pages %}{{ p.summary }}{% endfor %}",
        );
        let section = ("section.html", "{% extends 'base.html' %}");
        assert!(keeps(&detail(&[base, section], "section.html"), "summary"));
        let rebound = (
            "s.html",
            "{% for page in paginator.pages %}{{ page.content }}{% endfor %}",
        );
        assert!(keeps(&detail(&[rebound], "s.html"), "content"));
        let macro_arg = (
            "m.html",
            "{% macro card(page) %}{{ page.content }}{% endmacro %}",
        );
        assert!(keeps(&detail(&[macro_arg], "m.html"), "content"));
        assert_eq!(
            detail(&[("j.html", "{{ page.lower | json_encode }}")], "j.html"),
            Detail::Full
        );
        assert!(keeps(
            &detail(&[("n.html", "{{ page.lower.content }}")], "n.html"),
            "content"
        ));
    }

    #[test]
    fn closures_follow_extends_include_and_import() {
        let uses = analyse([
            (
                "a.html",
                "{% extends \"b.html\" %}{% import \"m.html\" as m %}",
            ),
            ("b.html", "{% include \"c.html\" %}"),
            ("c.html", "{{ get_section(path='x') }}"),
            ("m.html", ""),
            ("lone.html", "{% include name %}"),
        ]);
        assert_eq!(
            uses["a.html"].closure,
            ["a.html", "b.html", "c.html", "m.html"]
        );
        assert!(uses["a.html"].reads_content && !uses["m.html"].reads_content);
        assert_eq!(
            uses["lone.html"].closure.len(),
            5,
            "a variable include may pull in anything"
        );
    }
}
