//! Which accounts' tokens still hold: each account's generation, cached in memory, so `/me`
//! refuses a deleted account, or a token from before a password change, without a database
//! read per request.
//!
//! An account is read once, on its first token seen; after that, the database's
//! `account_changes` log (filled by triggers, whoever deletes or changes the account: this
//! sidecar, another one on the same database, or an operator with `sqlite3`) is read every
//! second and the accounts it names are forgotten, to be read again when next seen.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, Ordering};

/// Beyond this many accounts the cache starts over, so its memory stays bounded.
const MAX_CACHED: usize = 100_000;

#[derive(Debug, Default)]
pub struct Accounts {
    /// Account id → its generation, or `None` when the account does not exist.
    known: RwLock<HashMap<i64, Option<i64>>>,
    /// The last `account_changes` row applied.
    applied: AtomicI64,
}

/// What the cache knows of one account.
pub enum Known {
    Generation(Option<i64>),
    /// Not cached: read it, then `remember` it with the change number from `change_mark`.
    Unknown,
}

impl Accounts {
    pub fn lookup(&self, id: i64) -> Known {
        let known = self.known.read().unwrap_or_else(|p| p.into_inner());
        known
            .get(&id)
            .map_or(Known::Unknown, |g| Known::Generation(*g))
    }

    /// The change number to pass to `remember` for a read starting now.
    pub fn change_mark(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// Caches a generation read from the database, unless a change was applied since the
    /// read began (the read may predate it; the next lookup reads again).
    pub fn remember(&self, id: i64, generation: Option<i64>, mark: i64) {
        let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
        if self.applied.load(Ordering::Acquire) != mark {
            return;
        }
        if known.len() >= MAX_CACHED {
            known.clear();
        }
        known.insert(id, generation);
    }

    /// Forgets the accounts changed up to change number `latest`.
    pub fn forget(&self, ids: &[i64], latest: i64) {
        let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            known.remove(id);
        }
        self.applied.store(latest, Ordering::Release);
    }

    /// Starts from change number `latest` (at startup: nothing is cached yet).
    pub fn start_at(&self, latest: i64) {
        self.applied.store(latest, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_races_a_change_is_not_cached() {
        let accounts = Accounts::default();
        let mark = accounts.change_mark();
        accounts.forget(&[7], 1);
        accounts.remember(7, Some(0), mark);
        assert!(matches!(accounts.lookup(7), Known::Unknown));
        accounts.remember(7, Some(1), accounts.change_mark());
        assert!(matches!(accounts.lookup(7), Known::Generation(Some(1))));
    }
}
