//! Every SQL statement the sidecar runs, each with bound parameters only.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::DbError;
use crate::email::Email;
use crate::password::PasswordHash;

/// An account as the outside world may see it: never the hash.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub fullname: String,
    pub email: Email,
    pub created_at: String,
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

/// What presenting a refresh token did.
pub enum Rotation {
    /// The token was live, or spent within the grace window and not yet re-issued: its user.
    Rotated(User),
    /// The token was spent before (and re-issued, or outside the window): its family is revoked.
    Reused,
    /// Unknown, expired or already revoked.
    Refused,
}

/// How long the audit trail keeps an attempt: long enough to investigate, bounded under a flood.
pub const AUDIT_DAYS: u32 = 90;

const USER_COLUMNS: &str = "id, fullname, email, created_at";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        fullname: row.get(1)?,
        email: Email::from_stored(row.get(2)?),
        created_at: row.get(3)?,
    })
}

/// A one-row read that proves the connection and the file work.
pub fn ping(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
}

pub fn find_user_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<StoredUser>> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?1");
    conn.prepare_cached(&sql)?
        .query_row([email], |row| {
            Ok(StoredUser {
                user: user_from_row(row)?,
                hash: PasswordHash::from_stored(row.get(4)?),
            })
        })
        .optional()
}

pub fn email_exists(conn: &Connection, email: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE email = ?1")?
        .exists([email])
}

/// Inserts the account; `Ok(None)` when the email is already registered.
pub fn insert_user(conn: &Connection, new: &NewUser) -> Result<Option<User>, DbError> {
    let sql = format!(
        "INSERT INTO users (fullname, email, password_hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (email) DO NOTHING RETURNING {USER_COLUMNS}"
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row(
            params![new.fullname, new.email.as_str(), new.hash.as_str()],
            user_from_row,
        )
        .optional()?;
    Ok(row)
}

/// Starts a refresh-token family (one login session) with its first token.
pub fn start_family(
    conn: &Connection,
    user_id: i64,
    id_hash: &[u8],
    expires_at: u64,
    now: u64,
) -> Result<(), DbError> {
    conn.prepare_cached("INSERT INTO token_families (user_id, created_at) VALUES (?1, ?2)")?
        .execute(params![user_id, now as i64])?;
    let family = conn.last_insert_rowid();
    insert_token(conn, family, id_hash, expires_at)
}

fn insert_token(
    conn: &Connection,
    family: i64,
    id_hash: &[u8],
    expires_at: u64,
) -> Result<(), DbError> {
    conn.prepare_cached(
        "INSERT INTO refresh_tokens (id_hash, family_id, expires_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id_hash, family, expires_at as i64])?;
    Ok(())
}

/// A presented refresh token as stored, with its family's state.
struct Presented {
    family: i64,
    user_id: i64,
    expires_at: i64,
    spent_at: Option<i64>,
    reissued_at: Option<i64>,
    revoked: bool,
}

fn presented(conn: &Connection, id_hash: &[u8]) -> Result<Option<Presented>, DbError> {
    let sql = "SELECT t.family_id, f.user_id, t.expires_at, t.spent_at, t.reissued_at, f.revoked_at
        FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id WHERE t.id_hash = ?1";
    let row = conn
        .prepare_cached(sql)?
        .query_row([id_hash], |row| {
            Ok(Presented {
                family: row.get(0)?,
                user_id: row.get(1)?,
                expires_at: row.get(2)?,
                spent_at: row.get(3)?,
                reissued_at: row.get(4)?,
                revoked: row.get::<_, Option<i64>>(5)?.is_some(),
            })
        })
        .optional()?;
    Ok(row)
}

/// Spends the token `old` and records `new` in its family. A spent token gets one more `new`
/// if presented again within `grace_secs` (two tabs refreshing at once); any other reuse means
/// it was copied, and revokes the whole family.
pub fn rotate(
    conn: &Connection,
    old: &[u8],
    new: &[u8],
    new_expires_at: u64,
    now: u64,
    grace_secs: u64,
) -> Result<Rotation, DbError> {
    let Some(token) = presented(conn, old)? else {
        return Ok(Rotation::Refused);
    };
    let now_i = now as i64;
    if token.revoked || token.expires_at < now_i {
        return Ok(Rotation::Refused);
    }
    // Each UPDATE also re-checks its condition, so a token can never be spent or re-issued twice.
    let mark = match (token.spent_at, token.reissued_at) {
        (None, _) => {
            "UPDATE refresh_tokens SET spent_at = ?2 WHERE id_hash = ?1 AND spent_at IS NULL"
        }
        (Some(spent), None) if now_i - spent <= grace_secs as i64 => {
            "UPDATE refresh_tokens SET reissued_at = ?2 WHERE id_hash = ?1 AND reissued_at IS NULL"
        }
        (Some(_), _) => return revoke_family(conn, token.family, now).map(|()| Rotation::Reused),
    };
    if conn.prepare_cached(mark)?.execute(params![old, now_i])? != 1 {
        return revoke_family(conn, token.family, now).map(|()| Rotation::Reused);
    }
    insert_token(conn, token.family, new, new_expires_at)?;
    let user = conn
        .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([token.user_id], user_from_row)
        .optional()?;
    Ok(user.map_or(Rotation::Refused, Rotation::Rotated))
}

fn revoke_family(conn: &Connection, family: i64, now: u64) -> Result<(), DbError> {
    conn.prepare_cached(
        "UPDATE token_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![family, now as i64])?;
    Ok(())
}

/// Revokes the family of the token `id_hash` (logout); `false` if the token is unknown.
pub fn revoke_family_of(conn: &Connection, id_hash: &[u8], now: u64) -> Result<bool, DbError> {
    let family: Option<i64> = conn
        .prepare_cached("SELECT family_id FROM refresh_tokens WHERE id_hash = ?1")?
        .query_row([id_hash], |row| row.get(0))
        .optional()?;
    match family {
        Some(family) => revoke_family(conn, family, now).map(|()| true),
        None => Ok(false),
    }
}

pub fn record_audit(conn: &Connection, entry: &AuditEntry) -> Result<(), DbError> {
    conn.prepare_cached("INSERT INTO audit (action, outcome, ip, email) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![entry.action, entry.outcome, entry.ip, entry.email])?;
    Ok(())
}

/// Drops refresh tokens past their expiry, families left with none, and audit rows older than
/// `AUDIT_DAYS`; returns the number of tokens removed.
pub fn delete_expired(conn: &Connection, now: u64) -> Result<usize, DbError> {
    let removed = conn.execute(
        "DELETE FROM refresh_tokens WHERE expires_at < ?1",
        [now as i64],
    )?;
    conn.execute(
        "DELETE FROM audit WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, 'unixepoch', ?2)",
        params![now as i64, format!("-{AUDIT_DAYS} days")],
    )?;
    conn.execute(
        "DELETE FROM token_families WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = token_families.id)",
        [],
    )?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated_with_user() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO users (fullname, email, password_hash) VALUES ('A', 'a@b.co', 'x')",
            [],
        )
        .unwrap();
        conn
    }

    fn outcome(conn: &Connection, old: &[u8], new: &[u8], now: u64) -> &'static str {
        match rotate(conn, old, new, now + 1_000, now, 5).unwrap() {
            Rotation::Rotated(_) => "rotated",
            Rotation::Reused => "reused",
            Rotation::Refused => "refused",
        }
    }

    #[test]
    fn a_spent_token_is_reissued_once_in_the_grace_window_and_a_second_replay_revokes_all() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"r0", 1_000, 100).unwrap();
        assert_eq!(outcome(&conn, b"r0", b"r1", 100), "rotated");
        assert_eq!(
            outcome(&conn, b"r0", b"tab", 102),
            "rotated",
            "the other tab"
        );
        assert_eq!(outcome(&conn, b"r0", b"thief", 103), "reused");
        assert_eq!(outcome(&conn, b"r0", b"thief2", 103), "refused");
        for live in [&b"r1"[..], b"tab"] {
            assert_eq!(outcome(&conn, live, b"x", 104), "refused", "family revoked");
        }
        let stored: i64 = conn
            .query_row("SELECT count(*) FROM refresh_tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            stored, 3,
            "no token was minted for the replays: r0, r1, tab"
        );
    }

    #[test]
    fn a_token_issued_in_the_grace_window_rotates_like_any_other() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"r0", 1_000, 100).unwrap();
        assert_eq!(outcome(&conn, b"r0", b"r1", 100), "rotated");
        assert_eq!(outcome(&conn, b"r0", b"tab1", 101), "rotated");
        assert_eq!(outcome(&conn, b"tab1", b"tab2", 101), "rotated");
        assert_eq!(
            outcome(&conn, b"tab1", b"tab2b", 102),
            "rotated",
            "its own grace"
        );
        assert_eq!(outcome(&conn, b"tab2", b"tab3", 200), "rotated");
        assert_eq!(
            outcome(&conn, b"r1", b"r2", 200),
            "rotated",
            "the first tab too"
        );
        assert_eq!(
            outcome(&conn, b"tab1", b"x", 300),
            "reused",
            "late reuse still caught"
        );
    }

    #[test]
    fn housekeeping_drops_expired_tokens_and_old_audit_rows_only() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"old", 1_000, 0).unwrap();
        start_family(&conn, 1, b"live", 9_000_000_000, 0).unwrap();
        conn.execute("INSERT INTO audit (at, action, outcome, ip) VALUES ('2000-01-01T00:00:00.000Z', 'login', 'ok', '::1')", []).unwrap();
        let now = 1_800_000_000; // 2027
        record_audit(
            &conn,
            &AuditEntry {
                action: "login",
                outcome: "ok",
                ip: "::1".into(),
                email: None,
            },
        )
        .unwrap();
        assert_eq!(delete_expired(&conn, now).unwrap(), 1);
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("SELECT count(*) FROM refresh_tokens"), 1);
        assert_eq!(count("SELECT count(*) FROM token_families"), 1);
        assert_eq!(
            count("SELECT count(*) FROM audit"),
            1,
            "the recent row stays"
        );
    }
}
