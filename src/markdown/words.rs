//! Word counts as Zola counts them, 64 bytes at a time.

/// Words split on Unicode white space that hold a Unicode letter or digit, as
/// `text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()`.
pub fn count(text: &str) -> usize {
    let (blocks, rest) = text.as_bytes().as_chunks::<64>();
    let mut words = 0;
    // Whether the last space or letter/digit seen is a space: the next letter starts a word.
    let mut after_space = true;
    for (n, block) in blocks.iter().enumerate() {
        match Masks::of(block) {
            Some(masks) => words += masks.words(&mut after_space),
            None => return words + count_from(text, n * 64, !after_space),
        }
    }
    // Zero bytes are neither spaces nor letters, so padding changes no count.
    let mut last = [0; 64];
    last[..rest.len()].copy_from_slice(rest);
    match Masks::of(&last) {
        Some(masks) => words + masks.words(&mut after_space),
        None => words + count_from(text, blocks.len() * 64, !after_space),
    }
}

/// One bit per byte of a 64-byte ASCII block.
struct Masks {
    alnum: u64,
    space: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

impl Masks {
    /// The masks of `block`, or `None` if it holds a non-ASCII byte.
    fn of(block: &[u8; 64]) -> Option<Masks> {
        let mut masks = Masks { alnum: 0, space: 0 };
        for (i, word) in block.as_chunks::<8>().0.iter().enumerate() {
            let x = u64::from_le_bytes(*word);
            if x & HIGH != 0 {
                return None;
            }
            // Setting bit 5 turns A-Z into a-z and no other byte into a letter.
            let alnum = in_range(x, b'0', b'9') | in_range(x | (0x20 * ONES), b'a', b'z');
            // The ASCII characters Unicode calls white space: tab to carriage return, space.
            let space = in_range(x, b'\t', b'\r') | in_range(x, b' ', b' ');
            masks.alnum |= pack(alnum) << (8 * i);
            masks.space |= pack(space) << (8 * i);
        }
        Some(masks)
    }

    /// Words whose first letter or digit is in this block.
    fn words(&self, after_space: &mut bool) -> usize {
        // A letter starts a word when the closest space or letter before it is a space.
        // Adding a one just after each space carries through the bytes that are neither
        // and lands on that closest byte after the space.
        let neither = !(self.alnum | self.space);
        let after_spaces = (self.space << 1) | u64::from(*after_space);
        let (sum, carried_out) = neither.overflowing_add(after_spaces);
        let landed = sum & !neither;
        *after_space = carried_out || self.space >> 63 == 1;
        (landed & self.alnum).count_ones() as usize
    }
}

/// 0x80 in each byte of `x` (ASCII bytes only) that lies in `low..=high`, else 0.
fn in_range(x: u64, low: u8, high: u8) -> u64 {
    let at_least_low = x.wrapping_add((0x80 - u64::from(low)) * ONES);
    let above_high = x.wrapping_add((0x7f - u64::from(high)) * ONES);
    at_least_low & !above_high & HIGH
}

/// The high bit of each byte of `x`, packed into 8 bits (byte 0 to bit 0).
fn pack(x: u64) -> u64 {
    (x >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Counts from byte `start` (just after a block) one byte at a time; `counted` says if
/// the word running at `start` was already counted.
fn count_from(text: &str, start: usize, mut counted: bool) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() {
            // The whole token goes to the Unicode rule, taking back what it counted.
            let from = bytes[..i]
                .iter()
                .rposition(|&b| is_space(b))
                .map_or(0, |n| n + 1);
            let to = bytes[i..]
                .iter()
                .position(|&b| is_space(b))
                .map_or(bytes.len(), |n| i + n);
            words += unicode_words(&text[from..to]);
            words -= usize::from(counted);
            counted = false;
            i = to;
            continue;
        }
        let alnum = b.is_ascii_alphanumeric();
        words += usize::from(alnum && !counted);
        counted = (counted || alnum) && !is_space(b);
        i += 1;
    }
    words
}

/// Whether an ASCII byte is Unicode white space.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Words of a token holding non-ASCII text: Unicode spaces split it, Unicode letters count.
fn unicode_words(token: &str) -> usize {
    token
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}
