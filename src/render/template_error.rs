//! Turns Tera render errors into diagnostics naming the template that failed (the one Tera
//! was rendering, which may be an included or parent template) and the line that failed.
//!
//! Tera 1 reports no line for a render error, only the name at fault: the line is the first
//! use of that name in the failing template that can fail (a name only tested by `if`,
//! `is defined` or `default` cannot).

use tera::Tera;

use crate::content::TemplateSource;
use crate::error::Diagnostic;

/// Describes a failed render of `template` for `origin`, locating the failing expression.
pub fn describe(
    sources: &[TemplateSource],
    tera: &Tera,
    template: &str,
    origin: &str,
    error: &tera::Error,
) -> Diagnostic {
    let text = crate::render::templates::chain(error);
    let cause = text.lines().last().unwrap_or(&text).trim().to_string();
    let failing = rendering(&text).unwrap_or(template);
    let message = if failing == template {
        format!("template `{template}` failed while rendering {origin}: {cause}")
    } else {
        format!(
            "template `{failing}` (used by `{template}`) failed while rendering {origin}: {cause}"
        )
    };
    // The template Tera names, else the one asked for and what it extends.
    let mut names: Vec<&str> = vec![failing];
    if failing == template
        && let Ok(parsed) = tera.get_template(template)
    {
        names.extend(parsed.parents.iter().map(String::as_str));
    }
    let found = quoted(&cause).and_then(|needle| {
        names.iter().find_map(|name| {
            let source = sources.iter().find(|s| s.name == *name)?;
            Some((source.file.clone(), failing_line(&source.text, needle)?))
        })
    });
    match found {
        Some((file, line)) => Diagnostic::at(&file, line, None, message),
        None => match sources.iter().find(|s| s.name == failing) {
            Some(source) => Diagnostic::in_file(&source.file, message),
            None => Diagnostic::new(format!("built-in {message}")),
        },
    }
}

/// The template Tera was rendering when it failed: the last `while rendering 'name'`.
fn rendering(text: &str) -> Option<&str> {
    let at = text.rfind("while rendering '")? + "while rendering '".len();
    let len = text[at..].find('\'')?;
    Some(&text[at..at + len])
}

/// The first name quoted in a Tera message (`` `page.x` `` or `'filter'`).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find(['`', '\''])?;
    let quote = &message[start..=start];
    let rest = &message[start + 1..];
    let name = &rest[..rest.find(quote)?];
    (!name.is_empty()).then_some(name)
}

/// The 1-based line of the first use of `needle` that can fail, else of its first use.
fn failing_line(text: &str, needle: &str) -> Option<usize> {
    let uses: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .collect();
    let can_fail = |line: &str| {
        line.match_indices(needle).any(|(at, _)| {
            let before = line[..at].trim_end();
            let after = line[at + needle.len()..].trim_start();
            let tested =
                before.ends_with("if") || before.ends_with("elif") || before.ends_with("not");
            let guarded = after.starts_with("is ") || after.starts_with("| default");
            !(tested || guarded)
        })
    };
    let line = uses.iter().find(|(_, l)| can_fail(l)).or(uses.first())?;
    Some(line.0 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            file: PathBuf::from(format!("templates/{name}")),
            text: text.into(),
        }
    }

    fn describe_render(
        sources: &[TemplateSource],
        name: &str,
        page: serde_json::Value,
    ) -> Diagnostic {
        let (tera, _) = crate::render::templates::compile(sources);
        let mut context = tera::Context::new();
        context.insert("page", &page);
        let error = tera.render(name, &context).unwrap_err();
        describe(sources, &tera, name, "content/a.md", &error)
    }

    #[test]
    fn undefined_variable_is_located_in_the_parent_template() {
        let sources = [
            source(
                "base.html",
                "a\nb\n{{ nope.x }}\n{% block c %}{% endblock %}",
            ),
            source("page.html", "{% extends \"base.html\" %}"),
        ];
        let diagnostic = describe_render(&sources, "page.html", serde_json::json!({}));
        assert_eq!(diagnostic.file, Some(PathBuf::from("templates/base.html")));
        assert_eq!(diagnostic.line, Some(3));
        assert!(
            diagnostic.message.contains("page.html") && diagnostic.message.contains("content/a.md"),
            "{}",
            diagnostic.message
        );
    }

    #[test]
    fn the_line_that_failed_is_named_not_an_earlier_guarded_use() {
        let sources = [source(
            "page.html",
            "{% if page.x %}\nguarded\n{% endif %}\n{{ page.x | default(value=1) }}\n{{ page.x }}\n",
        )];
        let diagnostic = describe_render(&sources, "page.html", serde_json::json!({}));
        assert_eq!(diagnostic.line, Some(5), "{diagnostic}");
    }

    #[test]
    fn an_included_template_that_fails_is_named_rather_than_any_other_using_the_name() {
        let sources = [
            source("404.html", "{{ term.x }}"),
            source("tags/single.html", "a\n{% include \"part.html\" %}"),
            source("part.html", "\n\n{{ term.x }}"),
        ];
        let diagnostic = describe_render(&sources, "tags/single.html", serde_json::json!({}));
        assert_eq!(diagnostic.file, Some(PathBuf::from("templates/part.html")));
        assert_eq!(diagnostic.line, Some(3));
        assert!(
            diagnostic
                .message
                .contains("`part.html` (used by `tags/single.html`)"),
            "{diagnostic}"
        );
    }

    #[test]
    fn an_unknown_filter_names_its_line() {
        let sources = [source("page.html", "ok\n{{ 1 | nofilter }}")];
        let diagnostic = describe_render(&sources, "page.html", serde_json::json!({}));
        assert_eq!(diagnostic.line, Some(2), "{diagnostic}");
        assert!(diagnostic.message.contains("nofilter"), "{diagnostic}");
    }
}
