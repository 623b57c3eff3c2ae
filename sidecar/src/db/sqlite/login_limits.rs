//! The stored state of the login failure counters (`login_limits.rs` says what they limit).

use rusqlite::{Connection, OptionalExtension, params};

use super::DbError;
use crate::login_limits::Counter;

/// Milliseconds until every counter allows one more failure; `None` when all do now.
pub fn login_failure_wait(
    conn: &Connection,
    counters: &[Counter],
    now_ms: i64,
) -> rusqlite::Result<Option<u64>> {
    let mut statement = conn.prepare_cached("SELECT tat FROM login_limits WHERE key = ?1")?;
    let mut longest = None;
    for counter in counters {
        let tat: Option<i64> = statement
            .query_row([&counter.key], |row| row.get(0))
            .optional()?;
        longest = longest.max(counter.wait_ms(tat, now_ms));
    }
    Ok(longest)
}

/// Counts one failure on every counter (GCRA: the arrival time moves on by one interval).
pub fn charge_login_failure(
    conn: &Connection,
    counters: &[Counter],
    now_ms: i64,
) -> Result<(), DbError> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO login_limits (key, tat) VALUES (?1, ?2 + ?3)
         ON CONFLICT (key) DO UPDATE SET tat = max(tat, ?2) + ?3",
    )?;
    for counter in counters {
        statement.execute(params![counter.key, now_ms, counter.interval_ms()])?;
    }
    Ok(())
}

/// Forgets counters that have forgiven every failure.
pub fn forget_forgiven_failures(conn: &Connection, now_ms: i64) -> Result<usize, DbError> {
    Ok(conn.execute("DELETE FROM login_limits WHERE tat < ?1", [now_ms])?)
}
