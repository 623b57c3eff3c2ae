//! Small readers for the HTML and XML the build writes: attributes, elements by id or name,
//! and an XML well-formedness check (a parser dev-dependency would replace this; see report).

use std::collections::{BTreeMap, BTreeSet};

pub type Attrs = BTreeMap<String, String>;

/// The attributes of every start tag `<name …>` in `doc`, in document order.
pub fn start_tags(doc: &str, name: &str) -> Vec<Attrs> {
    let open = format!("<{name}");
    let mut tags = Vec::new();
    for (at, _) in doc.match_indices(&open) {
        let rest = &doc[at + open.len()..];
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            continue;
        }
        if let Some((attrs, _)) = parse_attrs(rest) {
            tags.push(attrs);
        }
    }
    tags
}

/// The start tags named `name` whose attribute `key` equals `value`.
pub fn tags_with(doc: &str, name: &str, key: &str, value: &str) -> Vec<Attrs> {
    start_tags(doc, name)
        .into_iter()
        .filter(|a| a.get(key).map(String::as_str) == Some(value))
        .collect()
}

/// Parses attributes up to the closing `>`; returns them and the byte length consumed.
/// `None` when an attribute value is unquoted-and-broken or the tag never closes.
fn parse_attrs(rest: &str) -> Option<(Attrs, usize)> {
    let bytes = rest.as_bytes();
    let mut attrs = Attrs::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i] as char).is_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => return Some((attrs, i + 1)),
            b'/' | b'?' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < bytes.len() && !b" \t\r\n=>/".contains(&bytes[i]) {
            i += 1;
        }
        let key = rest[start..i].to_ascii_lowercase();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            let (value, used) = attr_value(&rest[i..])?;
            i += used;
            attrs.insert(key, decode_entities(&value));
        } else {
            attrs.insert(key, String::new());
        }
    }
}

fn attr_value(rest: &str) -> Option<(String, usize)> {
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = rest[1..].find(quote)?;
        return Some((rest[1..1 + end].to_string(), end + 2));
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>')
        .unwrap_or(rest.len());
    Some((rest[..end].to_string(), end))
}

/// Decodes the entities templates and feeds commonly emit.
pub fn decode_entities(text: &str) -> String {
    let mut out = text.to_string();
    for (entity, plain) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#34;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&apos;", "'"),
        ("&#x2F;", "/"),
        ("&#47;", "/"),
        ("&amp;", "&"),
    ] {
        out = out.replace(entity, plain);
    }
    out
}

/// The inner markup of the element carrying `id="ID"`, nested same-name elements included.
pub fn by_id(doc: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let at = doc.find(&marker)?;
    let tag_start = doc[..at].rfind('<')?;
    let name: String = doc[tag_start + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':')
        .collect();
    let open_end = tag_start + doc[tag_start..].find('>')? + 1;
    inner_until_close(doc, open_end, &name)
}

/// The inner markup of every `<name>…</name>` element, in document order.
pub fn elements(doc: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    for (at, _) in doc.match_indices(&open) {
        let rest = &doc[at + open.len()..];
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '>') {
            continue;
        }
        let Some(end) = rest.find('>') else { continue };
        if rest[..end].ends_with('/') {
            found.push(String::new());
            continue;
        }
        if let Some(inner) = inner_until_close(doc, at + open.len() + end + 1, name) {
            found.push(inner);
        }
    }
    found
}

/// The text of every `<name>` element, with markup removed, entities decoded and CDATA unwrapped.
pub fn texts(doc: &str, name: &str) -> Vec<String> {
    elements(doc, name)
        .iter()
        .map(|inner| plain_text(inner))
        .collect()
}

/// The single text of `<name>` in `doc`; panics naming the element when there is not exactly one.
pub fn text(doc: &str, name: &str) -> String {
    let all = texts(doc, name);
    assert_eq!(
        all.len(),
        1,
        "expected exactly one <{name}>, found {all:?} in:\n{doc}"
    );
    all.into_iter().next().unwrap_or_default()
}

/// The text inside the element with `id`, trimmed; panics naming the id when it is missing.
pub fn text_by_id(doc: &str, id: &str) -> String {
    let inner = by_id(doc, id).unwrap_or_else(|| panic!("no element with id=\"{id}\" in:\n{doc}"));
    plain_text(&inner).trim().to_string()
}

/// The texts of the `<li>` items inside the element with `id`.
pub fn list_by_id(doc: &str, id: &str) -> Vec<String> {
    let inner = by_id(doc, id).unwrap_or_else(|| panic!("no element with id=\"{id}\" in:\n{doc}"));
    texts(&inner, "li")
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect()
}

fn inner_until_close(doc: &str, from: usize, name: &str) -> Option<String> {
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 1;
    let mut i = from;
    while depth > 0 {
        let next_close = doc[i..].find(&close)? + i;
        let next_open = doc[i..]
            .find(&open)
            .map(|p| p + i)
            .filter(|&p| p < next_close);
        match next_open {
            Some(p) if is_name_end(&doc[p + open.len()..]) => {
                depth += 1;
                i = p + open.len();
            }
            Some(p) => i = p + open.len(),
            None => {
                depth -= 1;
                if depth == 0 {
                    return Some(doc[from..next_close].to_string());
                }
                i = next_close + close.len();
            }
        }
    }
    None
}

fn is_name_end(rest: &str) -> bool {
    rest.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
}

/// Markup removed, CDATA unwrapped, entities decoded.
pub fn plain_text(markup: &str) -> String {
    let unwrapped = markup.replace("<![CDATA[", "").replace("]]>", "");
    let mut out = String::new();
    let mut in_tag = false;
    for c in unwrapped.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

/// Checks that `xml` is well-formed: one root, balanced and properly nested tags, quoted
/// attributes, no stray `<` or `&` in text. Returns what is wrong, where.
pub fn check_well_formed(xml: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    while i < xml.len() {
        let rest = &xml[i..];
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            check_text(&rest[..end], i)?;
            if stack.is_empty() && !rest[..end].trim().is_empty() {
                return Err(format!("text outside the root element at byte {i}"));
            }
            i += end;
            continue;
        }
        let used = match skip_special(rest) {
            Some(special) => special?,
            None => tag(rest, i, &mut stack, &mut roots)?,
        };
        i += used;
    }
    match (stack.last(), roots) {
        (Some(open), _) => Err(format!("<{open}> is never closed")),
        (None, 1) => check_namespaces(xml),
        (None, n) => Err(format!("expected one root element, found {n}")),
    }
}

/// Every prefix used on an element or attribute (`itunes:`, `content:`, `atom:`) is declared
/// with `xmlns:PREFIX` somewhere (scoping is not checked: feeds declare them on the root).
fn check_namespaces(xml: &str) -> Result<(), String> {
    let mut declared = BTreeSet::from(["xml".to_string()]);
    let mut used = BTreeSet::new();
    for (at, _) in xml.match_indices('<') {
        let rest = &xml[at + 1..];
        if !rest.starts_with(|c: char| c.is_alphabetic()) {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let Some((attrs, _)) = parse_attrs(&rest[name.len()..]) else {
            continue;
        };
        for key in attrs.keys().chain(std::iter::once(&name)) {
            match key.split_once(':') {
                Some(("xmlns", prefix)) => {
                    declared.insert(prefix.to_string());
                }
                Some((prefix, _)) => {
                    used.insert(prefix.to_string());
                }
                None => {}
            }
        }
    }
    match used.difference(&declared).next() {
        Some(prefix) => Err(format!(
            "the `{prefix}:` prefix is used but no xmlns:{prefix} declares it"
        )),
        None => Ok(()),
    }
}

/// Length of a declaration, comment, CDATA section or doctype at the start of `rest`.
fn skip_special(rest: &str) -> Option<Result<usize, String>> {
    for (open, close) in [
        ("<?", "?>"),
        ("<!--", "-->"),
        ("<![CDATA[", "]]>"),
        ("<!DOCTYPE", ">"),
    ] {
        if rest.starts_with(open) {
            return Some(
                rest.find(close)
                    .map(|end| end + close.len())
                    .ok_or_else(|| format!("unclosed {open}")),
            );
        }
    }
    None
}

fn tag(rest: &str, at: usize, stack: &mut Vec<String>, roots: &mut usize) -> Result<usize, String> {
    let closing = rest.starts_with("</");
    let name_start = if closing { 2 } else { 1 };
    let name: String = rest[name_start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        .collect();
    if name.is_empty() {
        return Err(format!("a `<` that starts no tag at byte {at}"));
    }
    let after = &rest[name_start + name.len()..];
    if closing {
        let end = after
            .find('>')
            .ok_or_else(|| format!("unclosed </{name} at byte {at}"))?;
        return match stack.pop() {
            Some(open) if open == name => Ok(name_start + name.len() + end + 1),
            other => Err(format!("</{name}> at byte {at} closes {other:?}")),
        };
    }
    let (_, used) =
        parse_attrs(after).ok_or_else(|| format!("broken attributes in <{name} at byte {at}"))?;
    let tag_text = &after[..used];
    check_quoted_attributes(tag_text, &name, at)?;
    if stack.is_empty() {
        *roots += 1;
    }
    if !tag_text.trim_end_matches('>').trim_end().ends_with('/') {
        stack.push(name.clone());
    }
    Ok(name_start + name.len() + used)
}

fn check_quoted_attributes(tag_text: &str, name: &str, at: usize) -> Result<(), String> {
    let mut in_quote: Option<char> = None;
    let chars: Vec<char> = tag_text.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        match (in_quote, c) {
            (Some(q), c) if c == q => in_quote = None,
            (None, '"' | '\'') => in_quote = Some(c),
            (None, '=') if !matches!(chars.get(k + 1), Some('"' | '\'')) => {
                return Err(format!("unquoted attribute value in <{name} at byte {at}"));
            }
            (Some(_), '<') => return Err(format!("`<` in an attribute of <{name} at byte {at}")),
            _ => {}
        }
    }
    Ok(())
}

fn check_text(text: &str, at: usize) -> Result<(), String> {
    for (k, _) in text.match_indices('&') {
        let entity: String = text[k + 1..]
            .chars()
            .take_while(|c| *c != ';')
            .take(10)
            .collect();
        let valid = matches!(entity.as_str(), "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || entity
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !valid || !text[k + 1..].contains(';') {
            return Err(format!("a bare `&` in text at byte {}", at + k));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_check_accepts_a_feed_and_rejects_broken_ones() {
        let good = r#"<?xml version="1.0"?><rss a="1"><channel><title>A &amp; B</title><x y='2'/><![CDATA[<b>]]></channel></rss>"#;
        assert_eq!(check_well_formed(good), Ok(()));
        assert!(check_well_formed("<rss><channel></rss>").is_err());
        assert!(check_well_formed("<rss><t>A & B</t></rss>").is_err());
        assert!(check_well_formed("<rss a=1></rss>").is_err());
        assert!(check_well_formed("<rss></rss><rss></rss>").is_err());
        assert!(check_well_formed("<rss><itunes:author>A</itunes:author></rss>").is_err());
        let declared = r#"<rss xmlns:itunes="x"><itunes:image href="i"/></rss>"#;
        assert_eq!(check_well_formed(declared), Ok(()));
    }

    #[test]
    fn by_id_returns_nested_markup() {
        let doc = r#"<div id="a"><div>x</div><p>y</p></div><div>z</div>"#;
        assert_eq!(by_id(doc, "a").as_deref(), Some("<div>x</div><p>y</p>"));
        assert_eq!(
            start_tags(r#"<a href="/x" rel=nofollow>"#, "a")[0]["rel"],
            "nofollow"
        );
    }
}
