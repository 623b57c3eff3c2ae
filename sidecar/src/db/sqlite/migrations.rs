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
    // 4: account ids are never reused (AUTOINCREMENT: SQLite can only add it by rebuilding
    // the table, see `apply`); a generation per account, bumped by a password change, that
    // tokens carry; and a log of deletions and new generations for every sidecar's cache.
    "CREATE TABLE users_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fullname TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        generation INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    INSERT INTO users_v4 (id, fullname, email, password_hash, created_at)
        SELECT id, fullname, email, password_hash, created_at FROM users;
    DROP TABLE users;
    ALTER TABLE users_v4 RENAME TO users;
    CREATE TABLE account_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        at INTEGER NOT NULL DEFAULT (unixepoch())
    ) STRICT;
    CREATE INDEX account_changes_at ON account_changes(at);
    CREATE TRIGGER users_password_changed AFTER UPDATE OF password_hash ON users
        WHEN old.password_hash IS NOT new.password_hash
        BEGIN UPDATE users SET generation = generation + 1 WHERE id = new.id; END;
    CREATE TRIGGER users_generation_changed AFTER UPDATE OF generation ON users
        BEGIN INSERT INTO account_changes (user_id) VALUES (new.id); END;
    CREATE TRIGGER users_deleted AFTER DELETE ON users
        BEGIN INSERT INTO account_changes (user_id) VALUES (old.id); END;",
    // 5: refresh_tokens now holds live tokens only (spent ones are pruned as sessions rotate),
    // so the minutely expiry sweep can scan it; the index cost every rotation two more writes.
    "DROP INDEX IF EXISTS refresh_tokens_expiry;",
];

/// Brings the schema up to date inside one immediate transaction, so two processes starting
/// at once take turns and the second finds nothing left to do.
///
/// Foreign keys are off while migrating (SQLite ignores that pragma inside a transaction):
/// rebuilding a table drops the old one, which would otherwise cascade into every row that
/// refers to it. `foreign_key_check` then proves nothing was left dangling.
pub fn apply(conn: &mut Connection) -> Result<(), DbError> {
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_in_transaction(conn);
    conn.pragma_update(None, "foreign_keys", true)?;
    applied
}

fn apply_in_transaction(conn: &mut Connection) -> Result<(), DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(DbError::new(format!(
            "the database has schema version {current}, newer than this kiln-sidecar knows ({}); run a newer kiln-sidecar",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)
            .map_err(|e| DbError::new(format!("migration {} failed: {e}", index + 1)))?;
    }
    let dangling = tx.prepare("PRAGMA foreign_key_check")?.exists([])?;
    if dangling {
        return Err(DbError::new(
            "a migration left rows pointing at missing ones; nothing was changed",
        ));
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
    tx.commit()?;
    Ok(())
}

/// A fresh in-memory database at the latest version holding one user: for the query tests.
#[cfg(test)]
pub(super) fn migrated_with_user() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    apply(&mut conn).unwrap();
    conn.execute(
        "INSERT INTO users (fullname, email, password_hash) VALUES ('A', 'a@b.co', 'x')",
        [],
    )
    .unwrap();
    conn
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
    fn a_version_3_database_keeps_its_users_and_sessions_and_stops_reusing_ids() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO users (fullname, email, password_hash) VALUES ('A', 'a@b.co', 'x'), ('B', 'b@b.co', 'y');
             INSERT INTO token_families (user_id, created_at) VALUES (2, 0);
             INSERT INTO refresh_tokens (id_hash, family_id, expires_at) VALUES (x'01', 1, 9);",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(
            count("SELECT count(*) FROM refresh_tokens"),
            1,
            "sessions survive"
        );
        conn.execute("DELETE FROM users WHERE id = 2", []).unwrap();
        assert_eq!(
            count("SELECT count(*) FROM token_families"),
            0,
            "cascades still work"
        );
        conn.execute(
            "INSERT INTO users (fullname, email, password_hash) VALUES ('C', 'c@b.co', 'z')",
            [],
        )
        .unwrap();
        assert_eq!(
            count("SELECT max(id) FROM users"),
            3,
            "id 2 is not given again"
        );
        conn.execute("UPDATE users SET password_hash = 'w' WHERE id = 1", [])
            .unwrap();
        assert_eq!(count("SELECT generation FROM users WHERE id = 1"), 1);
        assert_eq!(
            count("SELECT count(*) FROM account_changes"),
            2,
            "a delete and a new generation"
        );
    }

    #[test]
    fn a_newer_schema_is_refused_with_a_clear_message() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        let message = apply(&mut conn).unwrap_err().message;
        assert!(message.contains("newer"), "{message}");
    }
}
