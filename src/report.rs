//! What a build tells its user: one line per stage, the names of what changed, and how
//! many errors stopped it. Every command words these the same way.

use std::fmt;
use std::time::Instant;

/// How long one stage took and what it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport {
    pub name: &'static str,
    pub detail: String,
    pub millis: u128,
}

impl StageReport {
    /// The report of stage `name`, begun at `started`, that produced `detail`.
    pub fn since(name: &'static str, started: Instant, detail: String) -> StageReport {
        StageReport {
            name,
            detail,
            millis: started.elapsed().as_millis(),
        }
    }
}

impl fmt::Display for StageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<7} {:>5} ms  {}", self.name, self.millis, self.detail)
    }
}

/// `a changed` or `a and 2 more changed`: the first name and how many others.
pub fn changed(names: &[String]) -> String {
    match names {
        [] => "nothing changed".to_string(),
        [one] => format!("{one} changed"),
        [first, rest @ ..] => format!("{first} and {} more changed", rest.len()),
    }
}

/// The line that closes a report of `count` errors (none for a single error).
pub fn error_count(count: usize) -> Option<String> {
    (count > 1).then(|| format!("{count} errors; the build stopped before writing anything"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_the_first_file_and_count_the_others() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(changed(&names(&["a.md"])), "a.md changed");
        assert_eq!(
            changed(&names(&["a.md", "b", "c"])),
            "a.md and 2 more changed"
        );
    }
}
