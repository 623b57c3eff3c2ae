//! Email addresses, normalised once so that one person's address has one spelling: Unicode
//! compatibility forms and case folded, the domain in its IDNA form, look-alikes refused.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

use crate::text::has_invisible;

/// A syntactically plausible address in its one normal form, so two spellings of one address
/// (`Ada@Example.com`, fullwidth `ａｄａ@example.com`) are the same account. Deliverability is
/// the business of a confirmation mail, not of this type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Email(String);

/// RFC 5321 caps a path at 256 octets including the angle brackets.
const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

impl Email {
    /// Parses what a person typed; the error is the message to show them.
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let input = input.trim();
        if input.is_empty() {
            return Err("Email is required");
        }
        if has_invisible(input) {
            return Err("Email must not contain invisible or text-direction characters");
        }
        let folded = fold(input);
        let (local, domain) = folded.rsplit_once('@').ok_or("Email must contain @")?;
        if local.is_empty() || local.len() > MAX_LOCAL_LEN || !local_part_ok(local) {
            return Err("Email is not a valid address");
        }
        if mixes_scripts(local) {
            return Err("Email mixes letters of different scripts (look-alike letters)");
        }
        let domain = idna_domain(domain)?;
        let email = format!("{local}@{domain}");
        if email.len() > MAX_LEN {
            return Err("Email is too long");
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

/// NFKC, full case folding, NFKC again (folding can undo a normal form): Unicode's
/// NFKC_Casefold in effect, so compatibility and case variants of a letter are that letter.
fn fold(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let folded = icu_casemap::CaseMapper::new().fold_string(&nfkc);
    folded.nfkc().collect()
}

/// The domain as DNS and mail servers see it (UTS #46, then punycode), each label checked
/// for mixed scripts in its Unicode form.
fn idna_domain(domain: &str) -> Result<String, &'static str> {
    let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| "Email domain is not valid")?;
    let (unicode, checked) = idna::domain_to_unicode(&ascii);
    checked.map_err(|_| "Email domain is not valid")?;
    if unicode.split('.').any(mixes_scripts) {
        return Err("Email domain mixes letters of different scripts (look-alike letters)");
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|label| !label_ok(label)) {
        return Err("Email domain is not valid");
    }
    Ok(ascii)
}

/// Whether a run of letters between punctuation is beyond UTS #39's "highly restrictive"
/// level: one script, or Latin with Han and Japanese or Korean, and nothing else.
fn mixes_scripts(part: &str) -> bool {
    part.split(|c: char| c.is_ascii_punctuation())
        .filter(|word| !word.is_ascii())
        .any(|word| word.detect_restriction_level() > RestrictionLevel::HighlyRestrictive)
}

fn local_part_ok(local: &str) -> bool {
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"\"(),:;<>[\\]@".contains(c))
}

fn label_ok(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::Email;

    fn parsed(input: &str) -> Result<String, &'static str> {
        Email::parse(input).map(|e| e.0)
    }

    #[test]
    fn emails_are_trimmed_and_case_folded() {
        assert_eq!(parsed("  Ada@Example.COM "), Ok("ada@example.com".into()));
        assert_eq!(parsed("STRASSE@example.com"), parsed("straße@example.com"));
    }

    #[test]
    fn compatibility_forms_are_the_letters_they_stand_for() {
        assert_eq!(
            parsed("ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            Ok("ada@example.com".into())
        );
        assert_eq!(
            parsed("ada@bücher.example"),
            Ok("ada@xn--bcher-kva.example".into())
        );
        assert_eq!(
            parsed("ada@BÜCHER.example"),
            parsed("ada@xn--bcher-kva.example")
        );
    }

    #[test]
    fn invisible_and_mixed_script_addresses_are_refused_naming_the_problem() {
        let invisible = parsed("a\u{200b}da@example.com").unwrap_err();
        assert!(invisible.contains("invisible"), "{invisible}");
        assert!(parsed("ada\u{202e}@example.com").is_err(), "bidi override");
        let cyrillic_a = parsed("ada@ex\u{430}mple.com").unwrap_err();
        assert!(cyrillic_a.contains("scripts"), "{cyrillic_a}");
        assert!(
            parsed("p\u{430}ypal@example.com").is_err(),
            "in the local part too"
        );
        assert!(parsed("иван@пример.рф").is_ok(), "one script is fine");
        assert!(
            parsed("山田.taro@example.jp").is_ok(),
            "Latin with Han is highly restrictive"
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
