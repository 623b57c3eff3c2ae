//! Build errors for people: each says what went wrong and where (file:line:col when known).

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found while building, with its location when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file at fault, if any.
    pub file: Option<PathBuf>,
    /// 1-based line and column within `file`.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What went wrong, and what to do about it.
    pub message: String,
}

impl Diagnostic {
    /// A problem with no particular file.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem in `file`.
    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: Some(file.to_path_buf()),
            ..Diagnostic::new(message)
        }
    }

    /// A problem at `line` (and optionally `column`) of `file`.
    pub fn at(file: &Path, line: usize, column: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            line: Some(line),
            column,
            ..Diagnostic::in_file(file, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Everything that stopped a build; several problems are reported together, with the
/// warnings the build gave before it stopped (a user fixing the errors wants those too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildError {
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<String>,
}

impl BuildError {
    /// A build error made of one diagnostic.
    pub fn one(diagnostic: Diagnostic) -> Self {
        BuildError {
            diagnostics: vec![diagnostic],
            warnings: Vec::new(),
        }
    }

    /// This error with `warnings` given before it.
    pub fn warned(mut self, warnings: &[String]) -> Self {
        let mut all = warnings.to_vec();
        all.append(&mut self.warnings);
        self.warnings = all;
        self
    }

    /// The line that closes a report of several errors (none for a single error).
    pub fn count_line(&self) -> Option<String> {
        crate::report::error_count(self.diagnostics.len())
    }

    /// Fails with all of `diagnostics` if there are any.
    pub fn check(diagnostics: Vec<Diagnostic>) -> Result<(), BuildError> {
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(BuildError::from(diagnostics))
        }
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        BuildError {
            diagnostics,
            warnings: Vec::new(),
        }
    }
}

impl From<Diagnostic> for BuildError {
    fn from(diagnostic: Diagnostic) -> Self {
        BuildError::one(diagnostic)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        if let Some(line) = self.count_line() {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// Turns a byte offset in `text` into a 1-based (line, column), counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Wraps an I/O failure on `path` as a diagnostic.
pub fn io_error(path: &Path, action: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::in_file(path, format!("could not {action}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 8), (3, 1));
    }

    #[test]
    fn several_errors_print_together_with_locations() {
        let error = BuildError {
            diagnostics: vec![
                Diagnostic::at(Path::new("content/a.md"), 3, Some(7), "bad date"),
                Diagnostic::new("no templates"),
            ],
            ..BuildError::default()
        };
        let text = error.to_string();
        assert!(text.contains("content/a.md:3:7: bad date"), "{text}");
        assert!(text.contains("no templates"), "{text}");
        assert!(text.contains("2 errors"), "{text}");
    }
}
