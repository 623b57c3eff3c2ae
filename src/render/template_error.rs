//! Turns Tera render errors into diagnostics naming the template file and, when it can be found, the line.

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
    let message = format!("template `{template}` failed while rendering {origin}: {cause}");
    let needle = backticked(&cause);
    // Search the template, then what it extends, then everything it could include.
    let mut names: Vec<&str> = vec![template];
    if let Ok(parsed) = tera.get_template(template) {
        names.extend(parsed.parents.iter().map(String::as_str));
    }
    names.extend(sources.iter().map(|s| s.name.as_str()));
    let found = needle.and_then(|needle| {
        names.iter().find_map(|name| {
            let source = sources.iter().find(|s| s.name == *name)?;
            let line = source.text.lines().position(|l| l.contains(needle))?;
            Some((source.file.clone(), line + 1))
        })
    });
    match found {
        Some((file, line)) => Diagnostic::at(&file, line, None, message),
        None => match sources.iter().find(|s| s.name == template) {
            Some(source) => Diagnostic::in_file(&source.file, message),
            None => Diagnostic::new(format!("built-in {message}")),
        },
    }
}

/// The first `quoted` name in a Tera message, e.g. the variable of "Variable `page.x` not found".
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    let name = &message[start..start + len];
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn undefined_variable_is_located_in_the_parent_template() {
        let sources = vec![
            TemplateSource {
                name: "base.html".into(),
                file: "templates/base.html".into(),
                text: "a\nb\n{{ nope.x }}\n{% block c %}{% endblock %}".into(),
            },
            TemplateSource {
                name: "page.html".into(),
                file: "templates/page.html".into(),
                text: "{% extends \"base.html\" %}".into(),
            },
        ];
        let (tera, _) = crate::render::templates::compile(&sources);
        let error = tera.render("page.html", &tera::Context::new()).unwrap_err();
        let diagnostic = describe(&sources, &tera, "page.html", "content/a.md", &error);
        assert_eq!(diagnostic.file, Some(PathBuf::from("templates/base.html")));
        assert_eq!(diagnostic.line, Some(3));
        assert!(
            diagnostic.message.contains("page.html") && diagnostic.message.contains("content/a.md"),
            "{}",
            diagnostic.message
        );
    }
}
