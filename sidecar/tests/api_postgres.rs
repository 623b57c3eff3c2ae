//! The API suite of `tests/api/` again, every test but the SQLite-only ones, with each sidecar
//! on its own database of the PostgreSQL server named by `KILN_TEST_POSTGRES`, plus the
//! multi-instance and fault tests (`api/multi_instance.rs`) and the TLS tests (`api/tls.rs`).
//! Without that variable the whole binary is skipped with one line saying how to run it,
//! except under `CI=true`.

/// This run's store: PostgreSQL.
pub const POSTGRES: bool = true;

#[path = "api/pg.rs"]
mod pg;
#[path = "api/support.rs"]
mod support;

#[path = "api/accounts.rs"]
mod accounts;
#[path = "api/defences.rs"]
mod defences;
#[path = "api/hardening.rs"]
mod hardening;
#[path = "api/lifecycle.rs"]
mod lifecycle;
#[path = "api/multi_instance.rs"]
mod multi_instance;
#[path = "api/processes.rs"]
mod processes;
#[path = "api/review_findings.rs"]
mod review_findings;
#[path = "api/sessions.rs"]
mod sessions;
#[path = "api/tls.rs"]
mod tls;
#[path = "api/token_claims.rs"]
mod token_claims;
