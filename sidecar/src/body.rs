//! Request bodies: capped and timed reads, then JSON or form fields decoded into one shape.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};

use crate::reply::{Failure, Mode};

/// Larger bodies are refused with 413: every real request here is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The string fields of a request body, whichever encoding it came in.
#[derive(Debug, Default)]
pub struct Fields(HashMap<String, String>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Takes a field out (so a password is moved into its type rather than copied).
    pub fn take(&mut self, name: &str) -> String {
        self.0.remove(name).unwrap_or_default()
    }
}

/// The mode a request asks for, from its `Content-Type`; 415 for anything but JSON or a form.
/// No content type at all is a JSON caller with an empty body (e.g. refresh by cookie).
pub fn mode_of(headers: &HeaderMap) -> Result<Mode, Failure> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(Mode::Json);
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Mode::Json),
        "application/x-www-form-urlencoded" => Ok(Mode::Form),
        _ => Err(Failure::UnsupportedMediaType),
    }
}

/// Reads at most `MAX_BODY_BYTES` within `timeout` and decodes it for `mode`.
pub async fn read(
    body: Incoming,
    headers: &HeaderMap,
    mode: Mode,
    timeout: Duration,
) -> Result<Fields, Failure> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(Failure::TooLarge);
    }
    let bytes = read_limited(body, timeout).await?;
    match mode {
        Mode::Json => decode_json(&bytes),
        Mode::Form => decode_form(&bytes),
    }
}

async fn read_limited(body: Incoming, timeout: Duration) -> Result<Bytes, Failure> {
    let collected =
        tokio::time::timeout(timeout, Limited::new(body, MAX_BODY_BYTES).collect()).await;
    match collected {
        Err(_elapsed) => Err(Failure::Timeout),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Failure::TooLarge),
        Ok(Err(_)) => Err(Failure::BadRequest("The request body could not be read")),
    }
}

fn decode_json(bytes: &[u8]) -> Result<Fields, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Fields::default());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| Failure::BadRequest("The request body is not valid JSON"))?;
    let serde_json::Value::Object(object) = value else {
        return Err(Failure::BadRequest(
            "The request body must be a JSON object",
        ));
    };
    let mut fields = HashMap::with_capacity(object.len());
    for (name, value) in object {
        match value {
            serde_json::Value::String(text) => {
                fields.insert(name, text);
            }
            serde_json::Value::Null => {}
            _ => return Err(Failure::BadRequest("Every field must be a string")),
        }
    }
    Ok(Fields(fields))
}

/// Decodes a form body as browsers encode it, but strictly: a field whose percent-decoded
/// bytes are not UTF-8 is refused, never patched with U+FFFD, so two different passwords can
/// never decode to the same string. The first value of each name wins (browsers send one).
fn decode_form(bytes: &[u8]) -> Result<Fields, Failure> {
    let not_utf8 = || Failure::BadRequest("Every form field must be UTF-8 once percent-decoded");
    let mut fields = HashMap::new();
    for pair in bytes.split(|b| *b == b'&').filter(|pair| !pair.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let name = percent_decode(name).ok_or_else(not_utf8)?;
        let value = percent_decode(value).ok_or_else(not_utf8)?;
        fields.entry(name).or_insert(value);
    }
    Ok(Fields(fields))
}

/// `+` is a space and `%XY` a byte (a `%` without two hex digits stays as it is, as browsers
/// do); `None` when the result is not UTF-8. `form_urlencoded` only offers a lossy decode.
fn percent_decode(raw: &[u8]) -> Option<String> {
    let hex = |digit: &u8| char::from(*digit).to_digit(16);
    let mut decoded = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&first, tail)) = rest.split_first() {
        let escaped = match tail {
            [high, low, ..] if first == b'%' => hex(high).zip(hex(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                decoded.push((high * 16 + low) as u8);
                rest = &tail[2..];
            }
            None => {
                decoded.push(if first == b'+' { b' ' } else { first });
                rest = tail;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_form_bodies_decode_to_the_same_fields() {
        let json = decode_json(br#"{"email":"a@b.co","password":"p w+d"}"#).unwrap();
        let form = decode_form(b"email=a%40b.co&password=p+w%2Bd").unwrap();
        for name in ["email", "password"] {
            assert_eq!(json.get(name), form.get(name));
        }
    }

    #[test]
    fn form_fields_that_are_not_utf8_are_refused_instead_of_colliding() {
        for body in [
            &b"password=caf%E9caf%E9"[..],
            b"password=caf%E8caf%FF",
            b"pass%FFword=anything",
            b"password=caf\xe9caf\xe9",
        ] {
            assert!(
                decode_form(body).is_err(),
                "{:?} was accepted",
                String::from_utf8_lossy(body)
            );
        }
        let accepted = decode_form(b"password=caf%C3%A9+%25%zz%4&&next=%2Fa%2fb&empty").unwrap();
        assert_eq!(accepted.get("password"), Some("café %%zz%4"));
        assert_eq!(accepted.get("next"), Some("/a/b"));
        assert_eq!(accepted.get("empty"), Some(""));
        assert!(
            decode_json(b"{\"password\":\"caf\xe9caf\xe9\"}").is_err(),
            "JSON is checked too"
        );
        assert!(
            decode_json(br#"{"password":"caf\udce9caf\udce9"}"#).is_err(),
            "a lone surrogate is not text"
        );
    }

    #[test]
    fn non_object_or_non_string_json_is_a_bad_request() {
        assert!(decode_json(b"[1]").is_err());
        assert!(decode_json(br#"{"email": 5}"#).is_err());
        assert!(decode_json(b"{").is_err());
    }

    #[test]
    fn only_json_and_forms_are_accepted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(mode_of(&headers).ok(), Some(Mode::Json));
        headers.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(mode_of(&headers).is_err());
    }
}
