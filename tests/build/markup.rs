//! Small readers for the HTML the build writes: attributes, elements by id or name, text.
//! (XML output is parsed for real by `crate::xml`.)

use std::collections::BTreeMap;

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

#[cfg(test)]
mod tests {
    use super::*;

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
