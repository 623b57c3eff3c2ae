//! `extra_grammars`: a JSON TextMate grammar (VS Code's `.tmLanguage.json`) as a syntect
//! [`SyntaxDefinition`], built the way syntect maps a `.sublime-syntax` file.
//!
//! A `match` rule is a match pattern; a `begin`/`end` rule is a match on `begin` that pushes
//! an anonymous context (meta scope `name`, meta content scope `contentName`) whose first
//! pattern is `end`, popping (TextMate tries `end` first on a tie, and so does that order);
//! repository entries are named contexts. `while` rules are approximated: the context pops at
//! the first line the `while` pattern does not continue. Both grammar dialects are Oniguruma's,
//! so patterns pass through unchanged.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};
use syntect::parsing::syntax_definition::{
    Context, ContextReference, MatchOperation, MatchPattern, Pattern,
};
use syntect::parsing::{Regex, Scope, SyntaxDefinition};

/// A converted grammar and the constructs of it Kiln could not carry over, each said once.
pub struct JsonGrammar {
    pub definition: SyntaxDefinition,
    /// The scope names of the other grammars it includes.
    pub includes: BTreeSet<String>,
    pub warnings: Vec<String>,
}

/// The `scopeName` of a grammar's JSON, if it has one.
pub fn scope_name(json: &Value) -> Option<&str> {
    json.get("scopeName").and_then(Value::as_str)
}

/// Converts the parsed JSON of a grammar; `file` names it in warnings, and `known_scope` says
/// which other grammars (by scope name) an `include` may reach.
pub fn convert(
    json: &Value,
    file: &str,
    known_scope: &dyn Fn(&str) -> bool,
) -> Result<JsonGrammar, String> {
    let scope_text = scope_name(json).ok_or("no `scopeName`: is this a TextMate grammar?")?;
    let top = Scope::new(scope_text).map_err(|e| format!("scopeName `{scope_text}`: {e:?}"))?;
    let short = scope_text.rsplit('.').next().unwrap_or(scope_text);
    let mut converter = Converter {
        file,
        own_scope: scope_text,
        known_scope,
        contexts: HashMap::new(),
        repositories: Vec::new(),
        anonymous: 0,
        includes: BTreeSet::new(),
        warnings: BTreeSet::new(),
    };
    if json.get("injections").is_some() || json.get("injectionSelector").is_some() {
        converter.warn("`injections` are not supported; the grammar is used without them");
    }
    converter.enter_repository(json, true);
    let main = converter.patterns_of(json, "patterns");
    converter.leave_repository(json);
    converter.add_start_contexts(main, top);

    let mut extensions: Vec<String> = json
        .get("fileTypes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|e| e.trim_start_matches('.').to_string())
        .collect();
    if !extensions.iter().any(|e| e.eq_ignore_ascii_case(short)) {
        extensions.push(short.to_string());
    }
    let name = json.get("name").and_then(Value::as_str).unwrap_or(short);
    let definition = SyntaxDefinition {
        name: name.to_string(),
        file_extensions: extensions,
        scope: top,
        first_line_match: json
            .get("firstLineMatch")
            .and_then(Value::as_str)
            .map(str::to_string),
        hidden: false,
        variables: HashMap::new(),
        contexts: converter.contexts,
    };
    Ok(JsonGrammar {
        definition,
        includes: converter.includes,
        warnings: converter.warnings.into_iter().collect(),
    })
}

/// The state of one conversion: the contexts made so far and the repositories in reach.
struct Converter<'a> {
    file: &'a str,
    own_scope: &'a str,
    known_scope: &'a dyn Fn(&str) -> bool,
    contexts: HashMap<String, Context>,
    /// Innermost last: each repository's keys and the contexts they became.
    repositories: Vec<HashMap<String, String>>,
    anonymous: usize,
    includes: BTreeSet<String>,
    warnings: BTreeSet<String>,
}

impl Converter<'_> {
    fn warn(&mut self, what: impl std::fmt::Display) {
        self.warnings.insert(format!("{}: {what}", self.file));
    }

    /// Names the contexts of `rule`'s `repository` (the grammar's own when `top`: those keep
    /// their `#key` name, so another grammar's `scope#key` include finds them), then converts
    /// each entry, all of them in reach of each other.
    fn enter_repository(&mut self, rule: &Value, top: bool) {
        let Some(repository) = rule.get("repository").and_then(Value::as_object) else {
            return;
        };
        let depth = self.repositories.len();
        let names: HashMap<String, String> = repository
            .keys()
            .map(|key| {
                let name = if top {
                    format!("#{key}")
                } else {
                    format!("#{key}@{depth}.{}", self.anonymous)
                };
                (key.clone(), name)
            })
            .collect();
        self.anonymous += 1;
        self.repositories.push(names.clone());
        for (key, entry) in repository {
            let mut context = Context::new(false);
            context.patterns = self.rule(entry, key);
            self.contexts.insert(names[key].clone(), context);
        }
    }

    fn leave_repository(&mut self, rule: &Value) {
        if rule.get("repository").is_some_and(Value::is_object) {
            self.repositories.pop();
        }
    }

    /// The rules of `rule[key]` (a list), in order, as patterns.
    fn patterns_of(&mut self, rule: &Value, key: &str) -> Vec<Pattern> {
        let rules = rule.get(key).and_then(Value::as_array);
        let mut patterns = Vec::new();
        for (index, inner) in rules.into_iter().flatten().enumerate() {
            patterns.extend(self.rule(inner, &format!("{key}[{index}]")));
        }
        patterns
    }

    /// One rule as the patterns it stands for; `at` names it in warnings.
    fn rule(&mut self, rule: &Value, at: &str) -> Vec<Pattern> {
        let Some(object) = rule.as_object() else {
            self.warn(format_args!("rule `{at}` is not an object; skipped"));
            return Vec::new();
        };
        if object.get("disabled").is_some_and(|d| d == 1 || d == true) {
            return Vec::new();
        }
        let label = object
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| at.to_string(), |name| format!("{at} ({name})"));
        self.enter_repository(rule, false);
        let patterns = if let Some(target) = object.get("include").and_then(Value::as_str) {
            self.include(target, &label).into_iter().collect()
        } else if let Some(regex) = object.get("match").and_then(Value::as_str) {
            self.match_rule(rule, regex, &label).into_iter().collect()
        } else if let Some(begin) = object.get("begin").and_then(Value::as_str) {
            self.begin_rule(rule, begin, &label).into_iter().collect()
        } else {
            // A rule of `patterns` alone groups them.
            self.patterns_of(rule, "patterns")
        };
        self.leave_repository(rule);
        patterns
    }

    fn match_rule(&mut self, rule: &Value, regex: &str, label: &str) -> Option<Pattern> {
        let regex = self.regex(regex, label)?;
        let scope = self.scopes(rule.get("name"), label);
        let captures = self.captures(rule.get("captures"), &regex, label);
        Some(Pattern::Match(MatchPattern::new(
            false,
            regex,
            scope,
            captures,
            MatchOperation::None,
            None,
        )))
    }

    /// `begin` pushing an anonymous context that `end` (or a failed `while`) pops.
    fn begin_rule(&mut self, rule: &Value, begin: &str, label: &str) -> Option<Pattern> {
        let begin = self.regex(begin, label)?;
        let end_text = match (rule.get("end"), rule.get("while")) {
            (Some(Value::String(end)), _) => end.clone(),
            (None, Some(Value::String(continues))) => {
                self.warn(format_args!(
                    "rule `{label}`: `while` is approximated: the block ends at the first line it does not match"
                ));
                format!("^(?!(?:{continues}))")
            }
            _ => {
                self.warn(format_args!(
                    "rule `{label}` has `begin` but no `end`; skipped"
                ));
                return None;
            }
        };
        let end = self.regex(&end_text, label)?;
        let shared = rule.get("captures");
        let end_captures = rule.get("endCaptures").or(shared);
        let end_captures = self.captures(end_captures, &end, label);
        let backrefs = has_backrefs(&end);
        let end = Pattern::Match(MatchPattern::new(
            backrefs,
            end,
            Vec::new(),
            end_captures,
            MatchOperation::Pop,
            None,
        ));
        let inner = self.patterns_of(rule, "patterns");
        let mut context = Context::new(false);
        context.meta_scope = self.scopes(rule.get("name"), label);
        context.meta_content_scope = self.scopes(rule.get("contentName"), label);
        context.uses_backrefs = backrefs;
        let end_last = rule
            .get("applyEndPatternLast")
            .is_some_and(|v| v == 1 || v == true);
        context.patterns = if end_last {
            inner.into_iter().chain([end]).collect()
        } else {
            [end].into_iter().chain(inner).collect()
        };
        let name = format!("@{}", self.anonymous);
        self.anonymous += 1;
        self.contexts.insert(name.clone(), context);
        let begin_captures = rule.get("beginCaptures").or(shared);
        let begin_captures = self.captures(begin_captures, &begin, label);
        Some(Pattern::Match(MatchPattern::new(
            false,
            begin,
            Vec::new(),
            begin_captures,
            MatchOperation::Push(vec![reference(json!({ "Inline": name }))?]),
            None,
        )))
    }

    /// `#key`, `$self`, `$base`, `scope.name` or `scope.name#key` as an include.
    fn include(&mut self, target: &str, label: &str) -> Option<Pattern> {
        let (scope, key) = match target.split_once('#') {
            Some((scope, key)) => (scope, Some(key)),
            None => (target, None),
        };
        let found = match (scope, key) {
            ("$self" | "$base", _) => Some(json!({ "Named": "main" })),
            ("", Some(key)) => self
                .repository_context(key)
                .map(|name| json!({ "Named": name })),
            (scope, None) if scope == self.own_scope => Some(json!({ "Named": "main" })),
            (scope, Some(key)) if scope == self.own_scope => {
                Some(json!({ "Named": format!("#{key}") }))
            }
            (scope, key) if (self.known_scope)(scope) => {
                self.includes.insert(scope.to_string());
                Some(json!({ "ByScope": {
                    "scope": scope,
                    "sub_context": key.map(|k| format!("#{k}")),
                    "with_escape": true,
                }}))
            }
            _ => None,
        };
        match found.and_then(reference) {
            Some(reference) => Some(Pattern::Include(reference)),
            None => {
                self.warn(format_args!(
                    "rule `{label}` includes `{target}`, which Kiln does not have; skipped"
                ));
                None
            }
        }
    }

    fn repository_context(&self, key: &str) -> Option<String> {
        self.repositories
            .iter()
            .rev()
            .find_map(|r| r.get(key).cloned())
    }

    /// `regex`, or a warning naming the rule when Oniguruma cannot compile it.
    fn regex(&mut self, regex: &str, label: &str) -> Option<String> {
        // Back-references in `end` name text `begin` matched: test with a stand-in.
        let testable = backref_placeholders(regex);
        match Regex::try_compile(&testable) {
            None => Some(regex.to_string()),
            Some(error) => {
                self.warn(format_args!(
                    "rule `{label}`: pattern `{regex}` does not compile ({error}); skipped"
                ));
                None
            }
        }
    }

    /// A rule's space-separated scope names. TextMate fills `$1` in a name with what the
    /// group matched (`entity.name.tag.$1.html`); syntect cannot, so that part is left out.
    fn scopes(&mut self, names: Option<&Value>, label: &str) -> Vec<Scope> {
        let text = names.and_then(Value::as_str).unwrap_or("");
        let mut scopes = Vec::new();
        for name in text.split_whitespace() {
            let atoms: Vec<&str> = name.split('.').filter(|a| !a.starts_with('$')).collect();
            if atoms.is_empty() {
                continue;
            }
            match Scope::new(&atoms.join(".")) {
                Ok(scope) => scopes.push(scope),
                Err(e) => self.warn(format_args!(
                    "rule `{label}`: scope `{name}`: {e:?}; left out"
                )),
            }
        }
        scopes
    }

    /// `captures` (`{"1": {"name": …}}`), for the groups `regex` really consumes: syntect's
    /// parser needs each capture inside the match, so groups in look-arounds are left out.
    fn captures(
        &mut self,
        captures: Option<&Value>,
        regex: &str,
        label: &str,
    ) -> Option<Vec<(usize, Vec<Scope>)>> {
        let captures = captures?.as_object()?;
        let consuming = consuming_groups(regex);
        let mut mapping = Vec::new();
        for (key, capture) in captures {
            let Ok(index) = key.parse::<usize>() else {
                continue;
            };
            if capture.get("patterns").is_some() {
                self.warn(format_args!(
                    "rule `{label}`: `patterns` inside capture {index} are not supported; its `name` is used"
                ));
            }
            let scopes = self.scopes(capture.get("name"), label);
            if !scopes.is_empty() && (index == 0 || consuming.contains(&index)) {
                mapping.push((index, scopes));
            }
        }
        mapping.sort_by_key(|(index, _)| *index);
        Some(mapping)
    }

    /// The contexts syntect starts a file in, as its own loader adds them: `__start` (the
    /// file's scope) pushes `__main`, which includes `main`.
    fn add_start_contexts(&mut self, main: Vec<Pattern>, top: Scope) {
        let mut context = Context::new(false);
        context.meta_content_scope = vec![top];
        context.patterns = main;
        self.contexts.insert("main".into(), context);
        let mut outer = Context::new(false);
        outer
            .patterns
            .extend(reference(json!({ "Named": "main" })).map(Pattern::Include));
        self.contexts.insert("__main".into(), outer);
        let mut start = Context::new(false);
        start.meta_content_scope = vec![top];
        let push = reference(json!({ "Named": "__main" })).map(|r| MatchOperation::Push(vec![r]));
        start.patterns.extend(push.map(|push| {
            Pattern::Match(MatchPattern::new(
                false,
                String::new(),
                Vec::new(),
                None,
                push,
                None,
            ))
        }));
        self.contexts.insert("__start".into(), start);
    }
}

/// syntect marks `ContextReference`'s variants non-exhaustive, so outside it a reference is
/// made through its serde form (`{"Named": "main"}`).
fn reference(value: Value) -> Option<ContextReference> {
    serde_json::from_value(value).ok()
}

/// Whether `regex` refers back to groups (`\1`) of the match that began its context.
fn has_backrefs(regex: &str) -> bool {
    backref_placeholders(regex) != regex
}

/// `regex` with each back-reference `\N` replaced by a literal stand-in.
fn backref_placeholders(regex: &str) -> String {
    let mut out = String::with_capacity(regex.len());
    let mut chars = regex.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(d) if d.is_ascii_digit() && d != '0' => out.push_str("backref"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The numbers of the capturing groups of `regex` outside look-arounds.
fn consuming_groups(regex: &str) -> Vec<usize> {
    let bytes = regex.as_bytes();
    let mut consuming = Vec::new();
    // For each open group: whether it is a look-around.
    let mut open: Vec<bool> = Vec::new();
    let mut number = 0;
    let mut in_class = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => in_class += 1,
            b']' if in_class > 0 => in_class -= 1,
            b'(' if in_class == 0 => {
                let rest = &bytes[i + 1..];
                let look = [&b"?="[..], b"?!", b"?<=", b"?<!"]
                    .iter()
                    .any(|p| rest.starts_with(p));
                let named = rest.starts_with(b"?<") && !look || rest.starts_with(b"?P<");
                if !rest.starts_with(b"?") || named {
                    number += 1;
                    if !open.contains(&true) {
                        consuming.push(number);
                    }
                }
                open.push(look);
            }
            b')' if in_class == 0 => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    consuming
}
