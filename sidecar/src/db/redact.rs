//! A database URL as messages and logs may show it: never with its password. Always built,
//! so a sidecar without PostgreSQL support can still name the URL it refuses.

/// The URL with its password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None if tail.contains("password=") => format!("{scheme}://{authority}/…"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            redact_url("postgres://kiln:s3cret@db.example:5432/kiln?sslmode=require"),
            "postgres://kiln:***@db.example:5432/kiln?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://kiln@db/kiln"),
            "postgres://kiln@db/kiln"
        );
        assert!(!redact_url("postgresql://db/kiln?password=s3cret").contains("s3cret"));
    }
}
