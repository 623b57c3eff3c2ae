//! Integration tests: each starts the real sidecar on a loopback port with a fresh SQLite file
//! and talks HTTP to it, as a browser form or a JSON client would. `tests/api_postgres.rs`
//! runs the same tests (all but `sqlite_only`) on PostgreSQL.

/// This run's store: SQLite.
pub const POSTGRES: bool = false;

mod pg;
mod support;

mod accounts;
mod defences;
mod hardening;
mod lifecycle;
mod review_findings;
mod sessions;
mod sqlite_only;
mod token_claims;
