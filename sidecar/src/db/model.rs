//! What the stores take and give, whichever database runs: accounts, sessions, audit rows, errors.

use std::fmt;

use serde::Serialize;

use crate::email::Email;
use crate::password::PasswordHash;

/// An account as the outside world may see it: never the hash.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub fullname: String,
    pub email: Email,
    pub created_at: String,
    /// Bumped when the password changes: tokens carry it, and older ones stop working.
    #[serde(skip)]
    pub generation: i64,
}

/// An account with its hash, for checking a login.
pub struct StoredUser {
    pub user: User,
    pub hash: PasswordHash,
}

pub struct NewUser {
    pub fullname: String,
    pub email: Email,
    pub hash: PasswordHash,
}

/// One attempt for the audit table; it holds no password or token.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub action: &'static str,
    pub outcome: &'static str,
    pub ip: String,
    pub email: Option<String>,
}

/// How long the audit trail keeps an attempt: long enough to investigate, bounded under a flood.
pub const AUDIT_DAYS: u32 = 90;
/// Every sidecar reads the account changes each second; an hour is plenty to catch up.
pub const ACCOUNT_CHANGES_KEPT_SECS: i64 = 60 * 60;

/// What presenting a refresh token did.
pub enum Rotation {
    /// The token was live, or spent within the grace window and not yet re-issued: its user
    /// and its family, for the new token.
    Rotated { user: User, family: i64 },
    /// The token was spent before (and re-issued, or outside the window): its family is revoked.
    Reused,
    /// Unknown, expired or already revoked.
    Refused,
}

/// A presented refresh token, as the caller knows it.
#[derive(Debug, Clone)]
pub struct Presented {
    pub id_hash: Vec<u8>,
    /// The family named in the token's signed claims (older tokens have none).
    pub family: Option<i64>,
    /// The account generation in the token's claims: an older one than the account's is
    /// from before a password change, and its session is revoked.
    pub generation: i64,
}

/// A failed database operation; the message is for logs (it never holds a password or token,
/// and never reaches a response).
#[derive(Debug, Clone)]
pub struct DbError {
    pub message: String,
    /// The database could not be reached (down, restarting, out of connections, too slow):
    /// the request is answered `503` with `Retry-After`, not `500`.
    pub unavailable: bool,
}

impl DbError {
    pub fn new(message: impl Into<String>) -> DbError {
        DbError {
            message: message.into(),
            unavailable: false,
        }
    }

    /// Only PostgreSQL, across a network, can be briefly out of reach.
    #[cfg(feature = "postgres")]
    pub fn unavailable(message: impl Into<String>) -> DbError {
        DbError {
            message: message.into(),
            unavailable: true,
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> DbError {
        DbError::new(e.to_string())
    }
}
