//! The storage interface on SQLite: each operation on the writer thread (writes, committed in
//! batches before they are answered) or a reader connection (reads).

use super::super::model::{AuditEntry, NewUser, Presented, Rotation, StoredUser, User};
use super::super::{Backend, DbError};
use super::{Db, queries};
use crate::login_limits::Counter;

impl Backend for Db {
    async fn healthy(&self) -> Result<(), DbError> {
        if !self.writer.is_alive() {
            return Err(DbError::new("the writer thread has stopped"));
        }
        self.readers.quick(queries::ping).await.map(drop)
    }

    async fn login_lookup(
        &self,
        email: String,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(Option<StoredUser>, Option<u64>), DbError> {
        self.readers
            .read(move |conn| {
                let wait = super::login_failure_wait(conn, &counters, now_ms)?;
                Ok((super::find_user_by_email(conn, &email)?, wait))
            })
            .await
    }

    async fn email_exists(&self, email: String) -> Result<bool, DbError> {
        self.readers
            .read(move |conn| super::email_exists(conn, &email))
            .await
    }

    async fn insert_user(&self, new: NewUser) -> Result<Option<User>, DbError> {
        self.writer
            .write(move |conn| super::insert_user(conn, &new))
            .await
    }

    async fn start_family(
        &self,
        user_id: i64,
        id_hash: Vec<u8>,
        expires_at: u64,
        now: u64,
        max_live: usize,
    ) -> Result<i64, DbError> {
        self.writer
            .write(move |conn| {
                super::start_family(conn, user_id, &id_hash, expires_at, now, max_live)
            })
            .await
    }

    async fn rotate(
        &self,
        old: Presented,
        new: Vec<u8>,
        new_expires_at: u64,
        now: u64,
        grace_secs: u64,
    ) -> Result<Rotation, DbError> {
        self.writer
            .write(move |conn| super::rotate(conn, &old, &new, new_expires_at, now, grace_secs))
            .await
    }

    async fn revoke_family_of(&self, old: Presented, now: u64) -> Result<bool, DbError> {
        self.writer
            .write(move |conn| super::revoke_family_of(conn, &old, now))
            .await
    }

    async fn account_generation(&self, id: i64) -> Result<Option<i64>, DbError> {
        self.readers
            .read(move |conn| super::account_generation(conn, id))
            .await
    }

    async fn account_changes(&self, after: i64) -> Result<(i64, Vec<i64>), DbError> {
        self.readers
            .quick(move |conn| super::account_changes(conn, after))
            .await
    }

    async fn latest_change(&self) -> Result<i64, DbError> {
        self.readers.read(super::latest_change).await
    }

    async fn charge_login_failure(
        &self,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(), DbError> {
        self.writer
            .write(move |conn| super::charge_login_failure(conn, &counters, now_ms))
            .await
    }

    fn record_audit(&self, entry: AuditEntry) {
        self.writer
            .submit(move |conn| super::record_audit(conn, &entry));
    }

    fn housekeeping(&self, now: u64) {
        self.writer.submit(move |conn| {
            super::delete_expired(conn, now)?;
            let now_ms = i64::try_from(now).unwrap_or(i64::MAX / 1000) * 1000;
            super::forget_forgiven_failures(conn, now_ms).map(drop)
        });
    }
}
