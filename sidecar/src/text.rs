//! What counts as an invisible character in text people type (names, emails), by Unicode's
//! own properties rather than a list of our own.

use icu_properties::CodePointSetData;
use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};

/// Whether `text` holds a control character, a bidi control (which reorders what is shown) or
/// a default-ignorable code point (zero-width spaces and joiners, fillers, variation selectors).
pub fn has_invisible(text: &str) -> bool {
    let bidi = CodePointSetData::new::<BidiControl>();
    let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    text.chars()
        .any(|c| c.is_control() || bidi.contains(c) || ignorable.contains(c))
}

#[cfg(test)]
mod tests {
    use super::has_invisible;

    #[test]
    fn zero_width_bidi_and_control_characters_are_invisible() {
        for text in [
            "a\u{200b}b",
            "a\u{202e}b",
            "a\u{2066}b",
            "a\u{feff}b",
            "a\u{3164}b",
            "a\nb",
        ] {
            assert!(has_invisible(text), "{text:?}");
        }
        assert!(!has_invisible("Ada Lovelace-Byron, Ōtomo 大伴"));
    }
}
