//! Schema versions, applied in order under `PRAGMA user_version`; rerunning is harmless.

use rusqlite::{Connection, TransactionBehavior};

use super::DbError;

/// Each entry moves the schema one version up. Never edit a shipped entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, refresh-token families (hashed ids only), and the audit trail.
    "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        fullname TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    ) STRICT;
    CREATE TABLE token_families (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    ) STRICT;
    CREATE INDEX token_families_user ON token_families(user_id);
    CREATE TABLE refresh_tokens (
        id_hash BLOB PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES token_families(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        spent_at INTEGER
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
    CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        ip TEXT NOT NULL,
        email TEXT
    ) STRICT;
    CREATE INDEX audit_at ON audit(at);
    CREATE INDEX audit_email ON audit(email);",
    // 2: when a spent refresh token was re-issued inside the grace window; it gets one only.
    "ALTER TABLE refresh_tokens ADD COLUMN reissued_at INTEGER;",
    // 3: login failure counters (GCRA arrival times, unix ms), shared by every sidecar on this
    // database; keys are SHA-256 hashes of (scope, account, address or device).
    "CREATE TABLE login_limits (
        key BLOB PRIMARY KEY,
        tat INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX login_limits_tat ON login_limits(tat);",
];

/// Brings the schema up to date inside one immediate transaction, so two processes starting
/// at once take turns and the second finds nothing left to do.
pub fn apply(conn: &mut Connection) -> Result<(), DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(DbError(format!(
            "the database has schema version {current}, newer than this kiln-sidecar knows ({}); run a newer kiln-sidecar",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)
            .map_err(|e| DbError(format!("migration {} failed: {e}", index + 1)))?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_version_1_database_upgrades_keeping_its_tokens() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO users (fullname, email, password_hash) VALUES ('A', 'a@b.co', 'x');
             INSERT INTO token_families (user_id, created_at) VALUES (1, 0);
             INSERT INTO refresh_tokens (id_hash, family_id, expires_at, spent_at) VALUES (x'01', 1, 9, 5);",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let reissued: Option<i64> = conn
            .query_row("SELECT reissued_at FROM refresh_tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            reissued, None,
            "an old spent token still has its one grace re-issue"
        );
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_clear_message() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        let message = apply(&mut conn).unwrap_err().0;
        assert!(message.contains("newer"), "{message}");
    }
}
