//! A code fence's info string read as Zola reads it: the language, then comma-separated
//! annotations (`linenos`, `linenostart=N`, `hl_lines=1 3-5`, `hide_lines=2`, `name=…`).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// What a fence asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The first bare word (`rust`), if any.
    pub lang: Option<String>,
    pub linenos: bool,
    /// The number shown on the first line.
    pub linenostart: i64,
    /// 1-based lines of the block, whatever `linenostart` says.
    pub hl_lines: Vec<RangeInclusive<usize>>,
    pub hide_lines: Vec<RangeInclusive<usize>>,
    /// Other `key=value` annotations, written on `<code>` as `data-key="value"`.
    pub other: BTreeMap<String, String>,
}

impl Default for Fence {
    fn default() -> Self {
        Fence {
            lang: None,
            linenos: false,
            linenostart: 1,
            hl_lines: Vec::new(),
            hide_lines: Vec::new(),
            other: BTreeMap::new(),
        }
    }
}

impl Fence {
    pub fn parse(info: &str) -> Fence {
        let mut fence = Fence::default();
        for part in info.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((key, value)) => (key.trim(), Some(value.trim())),
                None => (part, None),
            };
            match (key, value) {
                ("linenos", _) => fence.linenos = true,
                ("linenostart", Some(n)) => {
                    if let Ok(n) = n.parse() {
                        fence.linenostart = n;
                    }
                }
                ("hl_lines", Some(ranges)) => fence.hl_lines.extend(line_ranges(ranges)),
                ("hide_lines", Some(ranges)) => fence.hide_lines.extend(line_ranges(ranges)),
                (key, Some(value)) => {
                    fence.other.insert(key.to_string(), value.to_string());
                }
                (word, None) => {
                    fence.lang.get_or_insert_with(|| word.to_string());
                }
            }
        }
        fence
    }

    /// Whether 1-based line `n` of the block is highlighted.
    pub fn highlights(&self, n: usize) -> bool {
        self.hl_lines.iter().any(|r| r.contains(&n))
    }

    /// Whether 1-based line `n` of the block is left out.
    pub fn hides(&self, n: usize) -> bool {
        self.hide_lines.iter().any(|r| r.contains(&n))
    }
}

/// `1 3-5 9` as ranges; a range written backwards is turned round, a malformed one skipped.
fn line_ranges(text: &str) -> impl Iterator<Item = RangeInclusive<usize>> + '_ {
    text.split_whitespace().filter_map(|range| {
        let (from, to) = range.split_once('-').unwrap_or((range, range));
        let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
        Some(from.min(to)..=from.max(to))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_reads_every_annotation() {
        let fence = Fence::parse("scss, linenos, linenostart=10, hl_lines=3-4 8-9, hide_lines=2 7");
        assert_eq!(fence.lang.as_deref(), Some("scss"));
        assert!(fence.linenos);
        assert_eq!(fence.linenostart, 10);
        assert_eq!(fence.hl_lines, [3..=4, 8..=9]);
        assert_eq!(fence.hide_lines, [2..=2, 7..=7]);
        assert!(fence.highlights(4) && !fence.highlights(5));
        assert!(fence.hides(7) && !fence.hides(6));
    }

    #[test]
    fn other_annotations_are_kept_and_a_bare_fence_has_no_language() {
        let fence = Fence::parse("rust,name=mod.rs,hl_lines=5-3 x");
        assert_eq!(fence.other["name"], "mod.rs");
        assert_eq!(fence.hl_lines, [3..=5]);
        assert_eq!(Fence::parse("").lang, None);
        assert_eq!(Fence::parse("  ").linenostart, 1);
    }
}
