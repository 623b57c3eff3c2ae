//! Tera templates: the site's own plus overridable built-ins, compiled together.

use tera::Tera;

use crate::content::TemplateSource;
use crate::error::Diagnostic;

/// Built-in templates, used unless `templates/` has a file of the same name (as in Zola).
const BUILTINS: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtin_templates/atom.xml")),
    ("rss.xml", include_str!("builtin_templates/rss.xml")),
    ("sitemap.xml", include_str!("builtin_templates/sitemap.xml")),
    ("robots.txt", include_str!("builtin_templates/robots.txt")),
    ("404.html", include_str!("builtin_templates/404.html")),
    (
        "anchor-link.html",
        include_str!("builtin_templates/anchor-link.html"),
    ),
    (
        "internal/alias.html",
        include_str!("builtin_templates/alias.html"),
    ),
    ("podcast.xml", include_str!("builtin_templates/podcast.xml")),
    (
        "shortcodes/audio.html",
        include_str!("builtin_templates/shortcodes/audio.html"),
    ),
    (
        "shortcodes/figure.html",
        include_str!("builtin_templates/shortcodes/figure.html"),
    ),
    (
        "shortcodes/vimeo.html",
        include_str!("builtin_templates/shortcodes/vimeo.html"),
    ),
    (
        "shortcodes/youtube.html",
        include_str!("builtin_templates/shortcodes/youtube.html"),
    ),
];

/// Every template as Tera sees it: the site's own, then the built-ins they do not replace.
pub fn all_texts(sources: &[TemplateSource]) -> Vec<(&str, &str)> {
    let user = sources.iter().map(|t| (t.name.as_str(), t.text.as_str()));
    let builtins = BUILTINS
        .iter()
        .filter(|(name, _)| !sources.iter().any(|t| t.name == *name))
        .copied();
    user.chain(builtins).collect()
}

/// Parses every template. Broken ones are reported (all of them, with template and line) and
/// left out, so the build can go on to report what else needs them.
pub fn compile(sources: &[TemplateSource]) -> (Tera, Vec<Diagnostic>) {
    let user: Vec<(&str, &str)> = sources
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    let builtins: Vec<(&str, &str)> = BUILTINS
        .iter()
        .filter(|(name, _)| !user.iter().any(|(n, _)| n == name))
        .copied()
        .collect();
    let mut tera = Tera::default();
    if tera
        .add_raw_templates(builtins.iter().chain(&user).copied())
        .is_ok()
    {
        return (tera, Vec::new());
    }
    let mut errors = Vec::new();
    let mut good: Vec<(&TemplateSource, Option<String>)> = Vec::new();
    for source in sources {
        match tera::Template::new(&source.name, None, &source.text) {
            Ok(parsed) => good.push((source, parsed.parent)),
            Err(e) => errors.push(parse_error(source, &e)),
        }
    }
    drop_orphans(&mut good, &builtins, &mut errors);
    let mut tera = Tera::default();
    let kept = good.iter().map(|(s, _)| (s.name.as_str(), s.text.as_str()));
    if let Err(error) = tera.add_raw_templates(builtins.iter().copied().chain(kept)) {
        errors.push(Diagnostic::new(format!("templates: {}", chain(&error))));
        tera = Tera::default();
        let _ = tera.add_raw_templates(builtins.iter().copied());
    }
    (tera, errors)
}

/// Removes templates that extend a template that does not exist (or was removed), repeatedly.
fn drop_orphans(
    good: &mut Vec<(&TemplateSource, Option<String>)>,
    builtins: &[(&str, &str)],
    errors: &mut Vec<Diagnostic>,
) {
    loop {
        let names: Vec<String> = good
            .iter()
            .map(|(s, _)| s.name.clone())
            .chain(builtins.iter().map(|(n, _)| n.to_string()))
            .collect();
        let before = good.len();
        good.retain(|(source, parent)| match parent {
            Some(parent) if !names.contains(parent) => {
                errors.push(Diagnostic::in_file(&source.file, format!(
                    "extends `{parent}`, which is missing or broken; create or fix templates/{parent}"
                )));
                false
            }
            _ => true,
        });
        if good.len() == before {
            return;
        }
    }
}

/// A parse error in Kiln's words: what was expected where, without Tera's frame around it.
fn parse_error(template: &TemplateSource, error: &tera::Error) -> Diagnostic {
    let text = chain(error);
    // Tera's parser reports positions as ` --> line:column`.
    let position = text.split("--> ").nth(1).and_then(|rest| {
        let spot = rest.split_whitespace().next()?;
        let (line, column) = spot.split_once(':')?;
        Some((line.parse().ok()?, column.parse().ok()))
    });
    let detail = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    let near = position.and_then(|(line, column): (usize, Option<usize>)| {
        let text = template.text.lines().nth(line.checked_sub(1)?)?;
        let from = text.char_indices().nth(column?.saturating_sub(1))?.0;
        let snippet: String = text[from..].chars().take(30).collect();
        (!snippet.trim().is_empty()).then(|| format!(", at `{}`", snippet.trim_end()))
    });
    let message = if detail.is_empty() {
        let first = text.lines().last().unwrap_or(&text).trim();
        format!("template syntax error: {first}")
    } else {
        format!(
            "template syntax error: {detail}{}",
            near.unwrap_or_default()
        )
    };
    match position {
        Some((line, column)) => Diagnostic::at(&template.file, line, column, message),
        None => Diagnostic::in_file(&template.file, message),
    }
}

/// An error and all its causes, on one line each, as Tera nests the useful part.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push('\n');
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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

    #[test]
    fn syntax_errors_name_every_template_and_line() {
        let (_, errors) = compile(&[
            source("a.html", "ok\n{{ 1 + }}\nz"),
            source("b.html", "fine"),
            source("c.html", "x\ny\n{% if %}"),
        ]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].file, Some(PathBuf::from("templates/a.html")));
        assert_eq!(errors[0].line, Some(2));
        assert_eq!(errors[1].line, Some(3));
        assert!(
            errors[0]
                .message
                .starts_with("template syntax error: expected ")
                && errors[0].message.ends_with("at `}}`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_template_extending_a_missing_one_is_named_and_left_out() {
        let (tera, errors) = compile(&[
            source("doc.html", "{% extends \"page.html\" %}"),
            source("ok.html", "x"),
        ]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("page.html"),
            "{}",
            errors[0].message
        );
        assert!(tera.get_template("ok.html").is_ok() && tera.get_template("doc.html").is_err());
    }

    #[test]
    fn site_templates_override_builtins() {
        let (tera, errors) = compile(&[source("robots.txt", "mine")]);
        assert!(errors.is_empty());
        assert_eq!(
            tera.render("robots.txt", &tera::Context::new()).unwrap(),
            "mine"
        );
        assert!(tera.get_template("atom.xml").is_ok());
    }
}
