//! Answers `Range` requests as a CDN would, so audio and video players can seek in serve mode.

use bytes::Bytes;
use http_range_header::{RangeUnsatisfiableError, parse_range_header};

/// What to send for a file, given the request's `Range` header.
#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    /// The whole file, status 200: no range, several ranges, or one we may ignore.
    Whole(Bytes),
    /// One range, status 206, with its `Content-Range` value.
    Range { bytes: Bytes, content_range: String },
    /// Status 416, with the `Content-Range` value that gives the file's length.
    Unsatisfiable { content_range: String },
}

/// Picks the part of `file` that `range` (a `Range` header value) asks for.
pub fn select(range: Option<&str>, file: Bytes) -> Part {
    let Some(range) = range else {
        return Part::Whole(file);
    };
    let length = file.len() as u64;
    let validated = parse_range_header(range).and_then(|parsed| parsed.validate(length));
    match validated.as_deref() {
        Ok([one]) => {
            let (start, end) = (*one.start(), *one.end());
            // Both ends are within the file, as `validate` checked against its length.
            let bytes = file.slice(start as usize..=end as usize);
            let content_range = format!("bytes {start}-{end}/{length}");
            Part::Range {
                bytes,
                content_range,
            }
        }
        // Several ranges would need a multipart body; the whole file is an allowed answer.
        Ok(_) => Part::Whole(file),
        Err(RangeUnsatisfiableError::Unsatisfiable) => Part::Unsatisfiable {
            content_range: format!("bytes */{length}"),
        },
        // A malformed or abusive header may be ignored (RFC 9110, section 14.2).
        Err(_) => Part::Whole(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Bytes {
        Bytes::from_static(b"0123456789")
    }

    fn range(bytes: &'static [u8], content_range: &str) -> Part {
        Part::Range {
            bytes: Bytes::from_static(bytes),
            content_range: content_range.into(),
        }
    }

    #[test]
    fn no_range_sends_the_whole_file() {
        assert_eq!(select(None, file()), Part::Whole(file()));
    }

    #[test]
    fn one_range_sends_that_slice() {
        assert_eq!(
            select(Some("bytes=2-4"), file()),
            range(b"234", "bytes 2-4/10")
        );
        assert_eq!(
            select(Some("bytes=7-"), file()),
            range(b"789", "bytes 7-9/10")
        );
        assert_eq!(
            select(Some("bytes=-2"), file()),
            range(b"89", "bytes 8-9/10")
        );
        assert_eq!(
            select(Some("bytes=8-99"), file()),
            range(b"89", "bytes 8-9/10")
        );
    }

    #[test]
    fn a_range_past_the_end_is_unsatisfiable() {
        let expected = Part::Unsatisfiable {
            content_range: "bytes */10".into(),
        };
        assert_eq!(select(Some("bytes=10-"), file()), expected);
    }

    #[test]
    fn several_or_malformed_ranges_send_the_whole_file() {
        assert_eq!(select(Some("bytes=0-1,4-5"), file()), Part::Whole(file()));
        assert_eq!(select(Some("lines=1-2"), file()), Part::Whole(file()));
        assert_eq!(select(Some("bytes=5-2"), file()), Part::Whole(file()));
    }
}
