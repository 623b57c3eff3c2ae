//! Every SQL statement the sidecar runs, each with bound parameters only.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::model::{
    ACCOUNT_CHANGES_KEPT_SECS, AUDIT_DAYS, AuditEntry, NewUser, StoredUser, User,
};
use super::DbError;
use crate::email::Email;
use crate::password::PasswordHash;

pub(super) const USER_COLUMNS: &str = "id, fullname, email, created_at, generation";

pub(super) fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        fullname: row.get(1)?,
        email: Email::from_stored(row.get(2)?),
        created_at: row.get(3)?,
        generation: row.get(4)?,
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
                hash: PasswordHash::from_stored(row.get(5)?),
            })
        })
        .optional()
}

/// The generation of account `id`, or `None` when there is no such account (deleted).
pub fn account_generation(conn: &Connection, id: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT generation FROM users WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()
}

/// Accounts deleted or given a new generation since change `after`: `(latest change, ids)`.
pub fn account_changes(conn: &Connection, after: i64) -> rusqlite::Result<(i64, Vec<i64>)> {
    let mut latest = after;
    let mut ids = Vec::new();
    let mut statement = conn
        .prepare_cached("SELECT seq, user_id FROM account_changes WHERE seq > ?1 ORDER BY seq")?;
    let mut rows = statement.query([after])?;
    while let Some(row) = rows.next()? {
        latest = row.get(0)?;
        ids.push(row.get(1)?);
    }
    Ok((latest, ids))
}

/// The number of the latest account change (where a starting sidecar's cache begins).
pub fn latest_change(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM account_changes",
        [],
        |row| row.get(0),
    )
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
        "DELETE FROM account_changes WHERE at < ?1",
        [now as i64 - ACCOUNT_CHANGES_KEPT_SECS],
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

    use super::super::migrations::migrated_with_user;

    use super::super::sessions::start_family;

    #[test]
    fn housekeeping_drops_expired_tokens_and_old_audit_rows_only() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"old", 1_000, 0, 10).unwrap();
        start_family(&conn, 1, b"live", 9_000_000_000, 0, 10).unwrap();
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
