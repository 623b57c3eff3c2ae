//! The storage interface on PostgreSQL: one statement per operation, on a pooled connection,
//! within the operation time limit.

use tokio_postgres::Row;

use super::super::model::{
    ACCOUNT_CHANGES_KEPT_SECS, AUDIT_DAYS, AuditEntry, NewUser, Presented, Rotation, StoredUser,
    User,
};
use super::super::{Backend, DbError};
use super::{Db, timed};
use crate::email::Email;
use crate::login_limits::Counter;
use crate::password::PasswordHash;

/// Changes committed out of sequence order (two transactions, the later number committing
/// first) would be skipped by reading only `seq > after`: each poll also rereads this many
/// seconds of changes. Forgetting an account twice only costs one more read of it.
const CHANGES_LOOKBACK_SECS: i64 = 10;

const USER_COLUMNS: &str = "id, fullname, email, created_at, generation";

fn user_from_row(row: &Row) -> Result<User, DbError> {
    Ok(User {
        id: row.try_get(0)?,
        fullname: row.try_get(1)?,
        email: Email::from_stored(row.try_get(2)?),
        created_at: row.try_get(3)?,
        generation: row.try_get(4)?,
    })
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Db {
    /// One statement on a pooled connection; its rows.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, DbError> {
        timed(async {
            let client = self.pool().get().await?;
            let statement = client.prepare_cached(sql).await?;
            Ok(client.query(&statement, params).await?)
        })
        .await
    }

    /// Like `query`, for a statement that returns exactly one row.
    async fn one(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Row, DbError> {
        self.query(sql, params)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| DbError::new("a statement returned no row"))
    }

    /// Runs `work` in the background (audit rows, housekeeping); a failure is logged.
    fn background<F, Fut>(&self, what: &'static str, work: F)
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<(), DbError>> + Send + 'static,
    {
        let work = work(self.clone());
        tokio::spawn(async move {
            if let Err(error) = work.await {
                tracing::error!(%error, "background database write failed: {what}");
            }
        });
    }
}

impl Backend for Db {
    async fn healthy(&self) -> Result<(), DbError> {
        self.one("SELECT 1", &[]).await.map(drop)
    }

    async fn login_lookup(
        &self,
        email: String,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(Option<StoredUser>, Option<u64>), DbError> {
        let keys: Vec<&[u8]> = counters.iter().map(|c| c.key.as_slice()).collect();
        let tats = self
            .query(
                "SELECT key, tat FROM login_limits WHERE key = ANY($1)",
                &[&keys],
            )
            .await?;
        let mut wait = None;
        for counter in &counters {
            let tat = tats
                .iter()
                .find(|row| row.get::<_, &[u8]>(0) == counter.key.as_slice())
                .map(|row| row.get::<_, i64>(1));
            wait = wait.max(counter.wait_ms(tat, now_ms));
        }
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
        let user = match self.query(&sql, &[&email]).await?.first() {
            Some(row) => Some(StoredUser {
                user: user_from_row(row)?,
                hash: PasswordHash::from_stored(row.try_get(5)?),
            }),
            None => None,
        };
        Ok((user, wait))
    }

    async fn email_exists(&self, email: String) -> Result<bool, DbError> {
        let rows = self
            .query("SELECT 1 FROM users WHERE email = $1", &[&email])
            .await?;
        Ok(!rows.is_empty())
    }

    async fn insert_user(&self, new: NewUser) -> Result<Option<User>, DbError> {
        let sql = format!(
            "INSERT INTO users (fullname, email, password_hash) VALUES ($1, $2, $3)
             ON CONFLICT (email) DO NOTHING RETURNING {USER_COLUMNS}"
        );
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&new.fullname, &new.email.as_str(), &new.hash.as_str()];
        match self.query(&sql, &params).await?.first() {
            Some(row) => Ok(Some(user_from_row(row)?)),
            None => Ok(None),
        }
    }

    async fn start_family(
        &self,
        user_id: i64,
        id_hash: Vec<u8>,
        expires_at: u64,
        now: u64,
        max_live: usize,
    ) -> Result<i64, DbError> {
        let max_live = i64::try_from(max_live).unwrap_or(i64::MAX);
        let row = self
            .one(
                "SELECT kiln_start_family($1, $2, $3, $4, $5)",
                &[
                    &user_id,
                    &id_hash,
                    &signed(expires_at),
                    &signed(now),
                    &max_live,
                ],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn rotate(
        &self,
        old: Presented,
        new: Vec<u8>,
        new_expires_at: u64,
        now: u64,
        grace_secs: u64,
    ) -> Result<Rotation, DbError> {
        let row = self
            .one(
                "SELECT * FROM kiln_rotate($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &old.id_hash,
                    &old.family,
                    &old.generation,
                    &new,
                    &signed(new_expires_at),
                    &signed(now),
                    &signed(grace_secs),
                ],
            )
            .await?;
        match row.try_get::<_, &str>(0)? {
            "rotated" => {
                let user = User {
                    id: row.try_get(2)?,
                    fullname: row.try_get(3)?,
                    email: Email::from_stored(row.try_get(4)?),
                    created_at: row.try_get(5)?,
                    generation: row.try_get(6)?,
                };
                let family = row.try_get(1)?;
                Ok(Rotation::Rotated { user, family })
            }
            "reused" => Ok(Rotation::Reused),
            _ => Ok(Rotation::Refused),
        }
    }

    async fn revoke_family_of(&self, old: Presented, now: u64) -> Result<bool, DbError> {
        let row = self
            .one(
                "SELECT kiln_logout($1, $2, $3)",
                &[&old.id_hash, &old.family, &signed(now)],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn account_generation(&self, id: i64) -> Result<Option<i64>, DbError> {
        let rows = self
            .query("SELECT generation FROM users WHERE id = $1", &[&id])
            .await?;
        rows.first()
            .map(|row| row.try_get(0))
            .transpose()
            .map_err(DbError::from)
    }

    async fn account_changes(&self, after: i64) -> Result<(i64, Vec<i64>), DbError> {
        let since = signed(crate::tokens::now()) - CHANGES_LOOKBACK_SECS;
        let rows = self
            .query(
                "SELECT seq, user_id FROM account_changes WHERE seq > $1 OR at >= $2 ORDER BY seq",
                &[&after, &since],
            )
            .await?;
        let mut latest = after;
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            latest = latest.max(row.try_get(0)?);
            ids.push(row.try_get(1)?);
        }
        Ok((latest, ids))
    }

    async fn latest_change(&self) -> Result<i64, DbError> {
        let row = self
            .one("SELECT coalesce(max(seq), 0) FROM account_changes", &[])
            .await?;
        Ok(row.try_get(0)?)
    }

    async fn charge_login_failure(
        &self,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(), DbError> {
        // One statement for every counter: the row locks of the upsert make concurrent
        // failures on several sidecars each move the arrival time on, none lost.
        let keys: Vec<&[u8]> = counters.iter().map(|c| c.key.as_slice()).collect();
        let steps: Vec<i64> = counters.iter().map(Counter::interval_ms).collect();
        self.query(
            "INSERT INTO login_limits (key, tat)
             SELECT key, $2 + step FROM unnest($1::bytea[], $3::bigint[]) AS c(key, step)
             ON CONFLICT (key) DO UPDATE
                 SET tat = greatest(login_limits.tat, $2) + (excluded.tat - $2)",
            &[&keys, &now_ms, &steps],
        )
        .await
        .map(drop)
    }

    fn record_audit(&self, entry: AuditEntry) {
        self.background("audit", move |db: Db| async move {
            db.query(
                "INSERT INTO audit (action, outcome, ip, email) VALUES ($1, $2, $3, $4)",
                &[&entry.action, &entry.outcome, &entry.ip, &entry.email],
            )
            .await
            .map(drop)
        });
    }

    fn housekeeping(&self, now: u64) {
        self.background("housekeeping", move |db: Db| async move {
            let now_i = signed(now);
            let now_ms = now_i.saturating_mul(1000);
            let audit_cutoff = now_i - i64::from(AUDIT_DAYS) * 86_400;
            db.query("DELETE FROM refresh_tokens WHERE expires_at < $1", &[&now_i])
                .await?;
            db.query(
                "DELETE FROM audit WHERE at < to_char(to_timestamp($1) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                &[&(audit_cutoff as f64)],
            )
            .await?;
            db.query(
                "DELETE FROM account_changes WHERE at < $1",
                &[&(now_i - ACCOUNT_CHANGES_KEPT_SECS)],
            )
            .await?;
            db.query(
                "DELETE FROM token_families f WHERE NOT EXISTS
                 (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id)",
                &[],
            )
            .await?;
            db.query("DELETE FROM login_limits WHERE tat < $1", &[&now_ms])
                .await
                .map(drop)
        });
    }
}
