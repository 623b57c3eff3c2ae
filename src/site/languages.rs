//! Languages of content files: the code in a file name (`post.fr.md`, `_index.fr.md`,
//! `index.fr.md`), read as Zola reads it, and the translations of each page and section.

use std::collections::HashMap;

use super::Site;
use crate::config::Config;
use crate::content::Source;
use crate::error::Diagnostic;

/// A content file's language and its name without the code and `.md` (`post` for
/// `post.fr.md`).
pub(crate) struct FileLanguage<'s> {
    pub lang: String,
    pub name: &'s str,
}

/// The language of `source`. As in Zola, a code is read only on a site with other languages
/// (elsewhere `post.v2.md` is the page `post.v2`), from the first `.` of the name, and the
/// default language's code stays part of the name; a code `[languages]` does not declare is an
/// error naming the file. A section file (`_index.xx.md`) always has its code checked: two
/// sections in one folder are never meant.
pub(crate) fn file_language<'s>(
    config: &Config,
    source: &'s Source,
) -> Result<FileLanguage<'s>, Diagnostic> {
    let stem = source.file_name().trim_end_matches(".md");
    let default = || FileLanguage {
        lang: config.default_language.clone(),
        name: stem,
    };
    let Some((name, code)) = stem.split_once('.') else {
        return Ok(default());
    };
    let section = name == "_index";
    if !config.is_multilingual() && !section {
        return Ok(default());
    }
    if code == config.default_language && !section {
        return Ok(default());
    }
    if code == config.default_language || !config.languages.contains_key(code) {
        let message = format!(
            "the file name says language `{code}`, which config.toml does not declare; add a [languages.{code}] table, or rename the file{}",
            if code == config.default_language {
                format!(" to {name}.md (`{code}` is the default language)")
            } else {
                String::new()
            }
        );
        return Err(Diagnostic::in_file(&source.file, message));
    }
    Ok(FileLanguage {
        lang: code.to_string(),
        name,
    })
}

/// The content path of `rel`'s translation into `lang`, as Zola's `lang` arguments find it:
/// `blog/a.md` → `blog/a.fr.md`; unchanged for the default language.
pub fn translated_rel(config: &Config, rel: &str, lang: &str) -> String {
    if lang == config.default_language {
        return rel.to_string();
    }
    match rel.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{lang}.{ext}"),
        None => format!("{rel}.{lang}"),
    }
}

/// The order translations are listed in: the default language first, then by code.
fn lang_rank<'a>(config: &Config, lang: &'a str) -> (bool, &'a str) {
    (lang != config.default_language, lang)
}

/// Fills `translations` of every page and section: those of one folder and one name in other
/// languages (Zola's canonical path). A site of one language has none.
pub(super) fn find_translations(site: &mut Site) {
    if !site.config.is_multilingual() {
        return;
    }
    let mut pages: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        pages.entry(canonical(page)).or_default().push(i);
    }
    let mut sections: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, section) in site.sections.iter().enumerate() {
        sections.entry(section.source.dir()).or_default().push(i);
    }
    let config = &site.config;
    let mut page_groups: Vec<Vec<usize>> = pages.into_values().collect();
    for group in &mut page_groups {
        group.sort_by_key(|&i| lang_rank(config, &site.pages[i].lang));
    }
    let mut section_groups: Vec<Vec<usize>> = sections.into_values().collect();
    for group in &mut section_groups {
        group.sort_by_key(|&i| lang_rank(config, &site.sections[i].lang));
    }
    for group in page_groups {
        for &i in &group {
            site.pages[i].translations = group.clone();
        }
    }
    for group in section_groups {
        for &i in &group {
            site.sections[i].translations = group.clone();
        }
    }
}

/// A page's file without its language code: `blog/post` for `blog/post.fr.md`, `blog/a/index`
/// for `blog/a/index.fr.md`.
fn canonical(page: &super::Page) -> String {
    let name = page.source.file_name().trim_end_matches(".md");
    let name = match name.split_once('.') {
        Some((plain, code)) if code == page.lang => plain,
        _ => name,
    };
    match page.source.dir() {
        "" => name.to_string(),
        dir => format!("{dir}/{name}"),
    }
}
