//! Email addresses: trimmed, lowercased and checked once, so equal accounts compare equal.

use std::fmt;

/// A syntactically plausible address, normalised (trimmed, lowercase) for case-insensitive
/// uniqueness. Deliverability is the business of a confirmation mail, not of this type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Email(String);

/// RFC 5321 caps a path at 256 octets including the angle brackets.
const MAX_LEN: usize = 254;

impl Email {
    /// Parses what a person typed; the error is the message to show them.
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Email is required");
        }
        if email.len() > MAX_LEN {
            return Err("Email is too long");
        }
        let (local, domain) = email.rsplit_once('@').ok_or("Email must contain @")?;
        if local.is_empty() || local.len() > 64 || local.contains('@') || !local_part_ok(local) {
            return Err("Email is not a valid address");
        }
        if !domain_ok(domain) {
            return Err("Email domain is not valid");
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Rebuilds an address read back from our own database, where it was stored normalised.
    pub(crate) fn from_stored(stored: String) -> Email {
        Email(stored)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn local_part_ok(local: &str) -> bool {
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"\"(),:;<>[\\]".contains(c))
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").map(|e| e.0),
            Ok("ada@example.com".into())
        );
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@exa mple.com",
            "a..b@example.com",
            "ada@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
