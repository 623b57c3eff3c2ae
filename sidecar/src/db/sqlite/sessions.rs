//! Refresh-token families (one per login session) and their tokens, kept bounded: a family
//! holds its live tokens and the one spent last (for the two-tabs grace), never every ancestor.
//! A token that is neither, presented with its family's id, was spent earlier: a reuse.

use rusqlite::{Connection, OptionalExtension, params};

use super::super::model::{Presented, Rotation, User};
use super::DbError;
use super::queries::user_from_row;

/// Starts a refresh-token family (one login session) with its first token, and revokes the
/// account's oldest live sessions beyond `max_live`. Returns the family's id.
pub fn start_family(
    conn: &Connection,
    user_id: i64,
    id_hash: &[u8],
    expires_at: u64,
    now: u64,
    max_live: usize,
) -> Result<i64, DbError> {
    conn.prepare_cached("INSERT INTO token_families (user_id, created_at) VALUES (?1, ?2)")?
        .execute(params![user_id, now as i64])?;
    let family = conn.last_insert_rowid();
    insert_token(conn, family, id_hash, expires_at)?;
    let oldest: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM token_families WHERE user_id = ?1 AND revoked_at IS NULL
             ORDER BY id DESC LIMIT -1 OFFSET ?2",
        )?
        .query_map(
            params![user_id, i64::try_from(max_live).unwrap_or(i64::MAX)],
            |row| row.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    for old in oldest {
        revoke_family(conn, old, now)?;
    }
    Ok(family)
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
struct Stored {
    family: i64,
    user: User,
    expires_at: i64,
    spent_at: Option<i64>,
    reissued_at: Option<i64>,
    revoked: bool,
}

fn stored(conn: &Connection, id_hash: &[u8]) -> Result<Option<Stored>, DbError> {
    // One statement for the token, its family and its user: the writer thread runs it on
    // every refresh.
    // The user's columns first, in `user_from_row`'s order.
    let sql = "SELECT u.id, u.fullname, u.email, u.created_at, u.generation,
        t.family_id, t.expires_at, t.spent_at, t.reissued_at, f.revoked_at
        FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id
        JOIN users u ON u.id = f.user_id WHERE t.id_hash = ?1";
    let row = conn
        .prepare_cached(sql)?
        .query_row([id_hash], |row| {
            Ok(Stored {
                user: user_from_row(row)?,
                family: row.get(5)?,
                expires_at: row.get(6)?,
                spent_at: row.get(7)?,
                reissued_at: row.get(8)?,
                revoked: row.get::<_, Option<i64>>(9)?.is_some(),
            })
        })
        .optional()?;
    Ok(row)
}

/// Spends the presented token and records `new` in its family. A spent token gets one more
/// `new` if presented again within `grace_secs` (two tabs refreshing at once); any other reuse
/// means it was copied, and revokes the whole family. Spent tokens other than the one just
/// spent are deleted: a family never holds more than its live tokens and one spent.
pub fn rotate(
    conn: &Connection,
    old: &Presented,
    new: &[u8],
    new_expires_at: u64,
    now: u64,
    grace_secs: u64,
) -> Result<Rotation, DbError> {
    let Some(token) = stored(conn, &old.id_hash)? else {
        return reuse_of_pruned(conn, old.family, now);
    };
    let now_i = now as i64;
    if token.revoked || token.expires_at < now_i {
        return Ok(Rotation::Refused);
    }
    if token.user.generation != old.generation {
        return revoke_family(conn, token.family, now).map(|()| Rotation::Refused);
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
    if conn
        .prepare_cached(mark)?
        .execute(params![old.id_hash, now_i])?
        != 1
    {
        return revoke_family(conn, token.family, now).map(|()| Rotation::Reused);
    }
    insert_token(conn, token.family, new, new_expires_at)?;
    conn.prepare_cached(
        "DELETE FROM refresh_tokens
         WHERE family_id = ?1 AND spent_at IS NOT NULL AND id_hash != ?2",
    )?
    .execute(params![token.family, old.id_hash])?;
    Ok(Rotation::Rotated {
        user: token.user,
        family: token.family,
    })
}

/// A genuine token no longer stored, whose family still lives, was spent and pruned: reused.
fn reuse_of_pruned(conn: &Connection, family: Option<i64>, now: u64) -> Result<Rotation, DbError> {
    let Some(family) = family else {
        return Ok(Rotation::Refused);
    };
    let live: bool = conn
        .prepare_cached("SELECT 1 FROM token_families WHERE id = ?1 AND revoked_at IS NULL")?
        .exists([family])?;
    if !live {
        return Ok(Rotation::Refused);
    }
    revoke_family(conn, family, now).map(|()| Rotation::Reused)
}

/// Marks the family revoked (kept until housekeeping, so its tokens answer "refused") and
/// deletes its tokens, which can never be used again.
fn revoke_family(conn: &Connection, family: i64, now: u64) -> Result<(), DbError> {
    conn.prepare_cached(
        "UPDATE token_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![family, now as i64])?;
    conn.prepare_cached("DELETE FROM refresh_tokens WHERE family_id = ?1")?
        .execute([family])?;
    Ok(())
}

/// Revokes the family of the presented token (logout); `false` if the token is unknown.
pub fn revoke_family_of(conn: &Connection, old: &Presented, now: u64) -> Result<bool, DbError> {
    let family: Option<i64> = conn
        .prepare_cached("SELECT family_id FROM refresh_tokens WHERE id_hash = ?1")?
        .query_row([&old.id_hash], |row| row.get(0))
        .optional()?;
    match family.or(old.family) {
        Some(family) => revoke_family(conn, family, now).map(|()| true),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::migrations::migrated_with_user;

    fn outcome(conn: &Connection, old: &[u8], new: &[u8], now: u64) -> &'static str {
        let old = Presented {
            id_hash: old.to_vec(),
            family: Some(1),
            generation: 0,
        };
        match rotate(conn, &old, new, now + 1_000, now, 5).unwrap() {
            Rotation::Rotated { .. } => "rotated",
            Rotation::Reused => "reused",
            Rotation::Refused => "refused",
        }
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_spent_token_is_reissued_once_in_the_grace_window_and_a_second_replay_revokes_all() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"r0", 1_000, 100, 10).unwrap();
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
        let stored = count(&conn, "SELECT count(*) FROM refresh_tokens");
        assert_eq!(stored, 0, "a revoked family keeps no token");
    }

    #[test]
    fn a_token_issued_in_the_grace_window_rotates_like_any_other() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"r0", 1_000, 100, 10).unwrap();
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
            "late reuse of a pruned token still caught"
        );
    }

    #[test]
    fn a_family_keeps_its_live_tokens_and_one_spent_however_long_it_rotates() {
        let conn = migrated_with_user();
        start_family(&conn, 1, b"t0", 1_000_000, 100, 10).unwrap();
        for n in 0..100u32 {
            let (old, new) = (format!("t{n}"), format!("t{}", n + 1));
            assert_eq!(
                outcome(&conn, old.as_bytes(), new.as_bytes(), 100),
                "rotated"
            );
        }
        assert_eq!(count(&conn, "SELECT count(*) FROM refresh_tokens"), 2);
        assert_eq!(
            outcome(&conn, b"t3", b"x", 100),
            "reused",
            "an ancestor is still caught"
        );
    }

    #[test]
    fn an_account_keeps_its_newest_sessions_and_the_oldest_are_revoked() {
        let conn = migrated_with_user();
        for n in 0..5u8 {
            start_family(&conn, 1, &[n], 1_000, 100 + u64::from(n), 3).unwrap();
        }
        let live = count(
            &conn,
            "SELECT count(*) FROM token_families WHERE revoked_at IS NULL",
        );
        assert_eq!(live, 3);
        let kept = count(
            &conn,
            "SELECT min(id) FROM token_families WHERE revoked_at IS NULL",
        );
        assert_eq!(kept, 3, "families 1 and 2 went first");
        assert_eq!(count(&conn, "SELECT count(*) FROM refresh_tokens"), 3);
        start_family(&conn, 1, b"unbounded", 1_000, 200, usize::MAX).unwrap();
        let live = count(
            &conn,
            "SELECT count(*) FROM token_families WHERE revoked_at IS NULL",
        );
        assert_eq!(live, 4, "no cap revokes nothing");
    }
}
