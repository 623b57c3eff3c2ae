//! What templates read, found by scanning their text: which templates each one pulls in
//! (`extends`, `include`, `import`), and whether listed pages need their heavy fields.

use std::collections::{HashMap, HashSet};

use crate::values::Detail;

/// The facts about one template, including everything it pulls in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    /// This template and every template it extends, includes or imports, sorted.
    pub closure: Vec<String>,
    /// How much of each listed page its renders need.
    pub detail: Detail,
    /// Whether it calls `get_section`, `get_page` or `get_taxonomy` (reads any content).
    pub reads_content: bool,
    /// Whether it calls `get_url` or `get_taxonomy_url` (reads any URL).
    pub reads_urls: bool,
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
        let detail = if reads_listed_bodies(&text) {
            Detail::Full
        } else {
            Detail::Light
        };
        let reads_content = ["get_section", "get_page", "get_taxonomy("]
            .iter()
            .any(|f| text.contains(f));
        let reads_urls = text.contains("get_url") || text.contains("get_taxonomy_url");
        let uses = TemplateUse {
            closure,
            detail,
            reads_content,
            reads_urls,
        };
        result.insert(name.to_string(), uses);
    }
    result
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

/// True unless the only `content`/`summary`/`toc` reads are the rendered page's or section's own.
/// Conservative: a rebinding of `page`/`section`, a whole-object dump or key iteration counts.
fn reads_listed_bodies(text: &str) -> bool {
    let rebinds = [
        "for page in",
        "for section in",
        "set page",
        "set section",
        "set_global page",
        "set_global section",
    ]
    .iter()
    .any(|p| text.contains(p))
        || macro_parameters(text)
            .iter()
            .any(|p| p == "page" || p == "section");
    if rebinds || text.contains("json_encode") || has_key_value_loop(text) {
        return true;
    }
    const OWN: [&str; 5] = [
        "page.content",
        "page.summary",
        "page.toc",
        "section.content",
        "section.toc",
    ];
    for field in ["content", "summary", "toc"] {
        for (at, _) in text.match_indices(field) {
            let before = &text[..at];
            let bracketed = before.ends_with("[\"") || before.ends_with("['");
            if !before.ends_with('.') && !bracketed {
                continue;
            }
            let after = text[at + field.len()..].chars().next();
            if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let start = before
                .trim_end_matches(['.', '[', '"', '\''])
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .map_or(0, |i| i + 1);
            let token = format!("{}{field}", &before[start..]);
            if bracketed || !OWN.contains(&token.as_str()) {
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
        analyse(templates.iter().copied())[name].detail
    }

    #[test]
    fn own_content_and_blocks_named_content_keep_listings_light() {
        let base = ("base.html", "{% block content %}{% endblock content %}");
        let page = (
            "page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.content | safe }}{% for h in page.toc %}{{ h.title }}{% endfor %}{% endblock %}",
        );
        assert_eq!(detail(&[base, page], "page.html"), Detail::Light);
    }

    #[test]
    fn reading_a_listed_page_body_needs_full_values_even_through_a_parent() {
        let base = (
            "base.html",
            "{% for p in section.pages %}{{ p.summary }}{% endfor %}",
        );
        let section = ("section.html", "{% extends 'base.html' %}");
        assert_eq!(detail(&[base, section], "section.html"), Detail::Full);
        let rebound = (
            "s.html",
            "{% for page in paginator.pages %}{{ page.content }}{% endfor %}",
        );
        assert_eq!(detail(&[rebound], "s.html"), Detail::Full);
        let macro_arg = (
            "m.html",
            "{% macro card(page) %}{{ page.content }}{% endmacro %}",
        );
        assert_eq!(detail(&[macro_arg], "m.html"), Detail::Full);
        assert_eq!(
            detail(&[("j.html", "{{ page.lower | json_encode }}")], "j.html"),
            Detail::Full
        );
        assert_eq!(
            detail(&[("n.html", "{{ page.lower.content }}")], "n.html"),
            Detail::Full
        );
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
