//! Storage: the one interface the handlers use (`Store`), and its two implementations, SQLite
//! (one file, the embedded default) and PostgreSQL (many sidecars on one database).
//!
//! Both give the same answers to the same calls; the handlers never learn which one runs.
//! Every operation is one atomic unit on its store, and a write is durable before it returns.

mod model;
#[cfg(feature = "postgres")]
mod postgres;
mod redact;
pub mod sqlite;

pub use model::{AuditEntry, DbError, NewUser, Presented, Rotation, StoredUser, User};

use crate::login_limits::Counter;

/// What a store does, one method per question the handlers ask. Implemented by
/// `sqlite::Db` and `postgres::Db`; `Store` picks one at startup.
pub(crate) trait Backend {
    /// A round trip to the database (`GET /health`).
    async fn healthy(&self) -> Result<(), DbError>;
    /// The account of `email` (with its hash) and the milliseconds until every failure
    /// counter in `counters` allows one more failure (`None`: all do now).
    async fn login_lookup(
        &self,
        email: String,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(Option<StoredUser>, Option<u64>), DbError>;
    async fn email_exists(&self, email: String) -> Result<bool, DbError>;
    /// Inserts the account; `Ok(None)` when the email is already registered (under any race).
    async fn insert_user(&self, new: NewUser) -> Result<Option<User>, DbError>;
    /// Starts a session (refresh-token family) with its first token, revoking the account's
    /// oldest live sessions beyond `max_live`; returns the family's id.
    async fn start_family(
        &self,
        user_id: i64,
        id_hash: Vec<u8>,
        expires_at: u64,
        now: u64,
        max_live: usize,
    ) -> Result<i64, DbError>;
    /// Spends `old` and records `new` in its family, or detects a reuse (see `Rotation`).
    async fn rotate(
        &self,
        old: Presented,
        new: Vec<u8>,
        new_expires_at: u64,
        now: u64,
        grace_secs: u64,
    ) -> Result<Rotation, DbError>;
    /// Revokes the family of the presented token (logout); `false` if the token is unknown.
    async fn revoke_family_of(&self, old: Presented, now: u64) -> Result<bool, DbError>;
    /// The generation of account `id`, or `None` when there is no such account.
    async fn account_generation(&self, id: i64) -> Result<Option<i64>, DbError>;
    /// Accounts deleted or given a new generation since change `after`: `(latest, ids)`.
    async fn account_changes(&self, after: i64) -> Result<(i64, Vec<i64>), DbError>;
    /// The number of the latest account change.
    async fn latest_change(&self) -> Result<i64, DbError>;
    /// Counts one failed login on every counter, durably.
    async fn charge_login_failure(
        &self,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(), DbError>;
    /// Queues an audit row without waiting for it (a failure is logged).
    fn record_audit(&self, entry: AuditEntry);
    /// Queues the minutely cleanup: expired tokens, empty families, old audit rows and
    /// account changes, forgiven failure counters.
    fn housekeeping(&self, now: u64);
}

/// The store this sidecar runs on, chosen by `--db` at startup.
pub enum Store {
    Sqlite(sqlite::Db),
    #[cfg(feature = "postgres")]
    Postgres(postgres::Db),
}

#[cfg(feature = "postgres")]
pub use postgres::Db as PostgresDb;
pub use redact::redact_url;

/// Calls the same `Backend` method on whichever store runs.
macro_rules! on_store {
    ($store:expr, $db:ident => $call:expr) => {
        match $store {
            Store::Sqlite($db) => $call,
            #[cfg(feature = "postgres")]
            Store::Postgres($db) => $call,
        }
    };
}

impl Store {
    pub async fn healthy(&self) -> Result<(), DbError> {
        on_store!(self, db => db.healthy().await)
    }

    pub async fn login_lookup(
        &self,
        email: String,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(Option<StoredUser>, Option<u64>), DbError> {
        on_store!(self, db => db.login_lookup(email, counters, now_ms).await)
    }

    pub async fn email_exists(&self, email: String) -> Result<bool, DbError> {
        on_store!(self, db => db.email_exists(email).await)
    }

    pub async fn insert_user(&self, new: NewUser) -> Result<Option<User>, DbError> {
        on_store!(self, db => db.insert_user(new).await)
    }

    pub async fn start_family(
        &self,
        user_id: i64,
        id_hash: Vec<u8>,
        expires_at: u64,
        now: u64,
        max_live: usize,
    ) -> Result<i64, DbError> {
        on_store!(self, db => db.start_family(user_id, id_hash, expires_at, now, max_live).await)
    }

    pub async fn rotate(
        &self,
        old: Presented,
        new: Vec<u8>,
        new_expires_at: u64,
        now: u64,
        grace_secs: u64,
    ) -> Result<Rotation, DbError> {
        on_store!(self, db => db.rotate(old, new, new_expires_at, now, grace_secs).await)
    }

    pub async fn revoke_family_of(&self, old: Presented, now: u64) -> Result<bool, DbError> {
        on_store!(self, db => db.revoke_family_of(old, now).await)
    }

    pub async fn account_generation(&self, id: i64) -> Result<Option<i64>, DbError> {
        on_store!(self, db => db.account_generation(id).await)
    }

    pub async fn account_changes(&self, after: i64) -> Result<(i64, Vec<i64>), DbError> {
        on_store!(self, db => db.account_changes(after).await)
    }

    pub async fn latest_change(&self) -> Result<i64, DbError> {
        on_store!(self, db => db.latest_change().await)
    }

    pub async fn charge_login_failure(
        &self,
        counters: Vec<Counter>,
        now_ms: i64,
    ) -> Result<(), DbError> {
        on_store!(self, db => db.charge_login_failure(counters, now_ms).await)
    }

    pub fn record_audit(&self, entry: AuditEntry) {
        on_store!(self, db => db.record_audit(entry))
    }

    pub fn housekeeping(&self, now: u64) {
        on_store!(self, db => db.housekeeping(now))
    }
}
