//! What `kiln check` found: each finding a located [`Diagnostic`] with a severity and a rule
//! name, and the report in its two shapes (lines for people, JSON for CI).

use serde::Serialize;

use crate::error::Diagnostic;

/// How bad a finding is: errors fail `kiln check`, warnings are printed and let it pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, where it is, and which rule found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A stable name for the rule (`missing-title`, `broken-link`…), for CI filters.
    pub rule: &'static str,
    pub diagnostic: Diagnostic,
}

impl Finding {
    pub fn error(rule: &'static str, diagnostic: Diagnostic) -> Finding {
        Finding {
            severity: Severity::Error,
            rule,
            diagnostic,
        }
    }

    pub fn warning(rule: &'static str, diagnostic: Diagnostic) -> Finding {
        Finding {
            severity: Severity::Warning,
            rule,
            diagnostic,
        }
    }
}

/// Everything found, sorted: by file, then line, then rule.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Pages, feeds and external links looked at, for the summary line.
    pub pages: usize,
    pub feeds: usize,
    pub external: usize,
}

/// The JSON shape of one finding (documented in README.md; keep it stable).
#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: Severity,
    rule: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    findings: Vec<JsonFinding<'a>>,
}

impl Report {
    /// Puts the findings in a stable order (the checks run in parallel).
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.diagnostic.file.clone(),
                    f.diagnostic.line,
                    f.rule,
                    f.diagnostic.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.findings.dedup();
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// One `error:` or `warning:` line per finding, then the summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let word = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            out.push_str(&format!("{word}[{}]: {}\n", f.rule, f.diagnostic));
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        out.push_str(&format!(
            "Checked {}, {}, {}: {}, {}\n",
            plural(self.pages, "page"),
            plural(self.feeds, "feed"),
            plural(self.external, "external link"),
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
        ));
        out
    }

    /// `{"errors": N, "warnings": N, "findings": [{severity, rule, file, line, column,
    /// message}]}`.
    pub fn json(&self) -> String {
        let findings = self
            .findings
            .iter()
            .map(|f| JsonFinding {
                severity: f.severity,
                rule: f.rule,
                file: f
                    .diagnostic
                    .file
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned()),
                line: f.diagnostic.line,
                column: f.diagnostic.column,
                message: &f.diagnostic.message,
            })
            .collect();
        let report = JsonReport {
            errors: self.errors(),
            warnings: self.warnings(),
            findings,
        };
        serde_json::to_string_pretty(&report).unwrap_or_default()
    }
}
