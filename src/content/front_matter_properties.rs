//! Property tests of the front-matter splitter and parser: any text, heavy in fences and
//! header syntax, splits at char boundaries in order and parses or fails without panicking.

use std::path::Path;

use proptest::prelude::*;

use super::front_matter::{PageFront, SectionFront, parse, split};

const PARTS: &[&str] = &[
    "+++",
    "---",
    "\n",
    "\r\n",
    " ",
    "title = \"A\"",
    "date = 2024-01-01",
    "title: A",
    "draft = true",
    "[extra]",
    "[taxonomies]",
    "tags = [\"x\"]",
    "=",
    ":",
    "\"",
    "é",
    "中",
    "#",
    "weight = -3",
    "render = false",
    "\t",
    "x",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PARTS), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_file_splits_in_order_at_char_boundaries_and_parses_without_panicking(text in text()) {
        let split = split(&text);
        prop_assert!(split.header_offset <= split.body_offset || !split.closed);
        prop_assert!(split.body_offset <= text.len());
        prop_assert!(text.is_char_boundary(split.body_offset));
        prop_assert!(text.is_char_boundary(split.header_offset));
        prop_assert!(text[split.header_offset..].starts_with(split.header));
        let _ = parse::<PageFront>(Path::new("a.md"), &text, &split);
        let _ = parse::<SectionFront>(Path::new("_index.md"), &text, &split);
    }
}
