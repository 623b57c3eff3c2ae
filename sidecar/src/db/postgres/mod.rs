//! The PostgreSQL store: a pool of connections to one database that several sidecars share.
//!
//! Every operation is one statement (the multi-step ones are functions in the schema, see
//! `migrations.rs`), so it is atomic without a client-side transaction and costs one round
//! trip; PostgreSQL's own group commit makes it durable (`synchronous_commit` as configured,
//! `on` by default) before it is answered.
//!
//! Failures to reach the database (refused, reset, restarting, too slow) are `unavailable`:
//! the request gets `503` with `Retry-After`, and the pool replaces the broken connection on
//! the next checkout, so a restarted database is used again without any restart here.

mod migrations;
mod store;
mod target;

use std::error::Error as _;
use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;

use super::{DbError, redact_url};
use target::Target;

/// How long opening a connection may take before the request is answered 503.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The most any one database operation may take, waiting for a connection included: far under
/// the 10 s a client is given to send its request, so no answer waits on a dead database.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

/// A pool of connections to one PostgreSQL database (cheap to clone).
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Connects, checks the database answers, and applies migrations (under an advisory lock,
    /// so several sidecars may start at once).
    /// `pool_size`: connections at most; N sidecars times this must stay under the server's
    /// `max_connections` (100 by default).
    pub async fn open(url: &str, pool_size: usize) -> Result<Db, DbError> {
        let target = Target::from_url(url)?;
        if target.plain_beyond_this_machine() {
            tracing::warn!(db = %redact_url(url), "the connection to PostgreSQL is not encrypted: passwords and emails cross the network in clear (add sslmode=require to the URL)");
        }
        let Target { mut config, tls } = target;
        config.application_name("kiln-sidecar");
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let recycling = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match tls {
            Some(tls) => Manager::from_config(config, tls, recycling),
            None => Manager::from_config(config, tokio_postgres::NoTls, recycling),
        };
        let pool = Pool::builder(manager)
            .max_size(pool_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(OPERATION_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| DbError::new(format!("cannot build the connection pool: {e}")))?;
        let db = Db { pool };
        timed(migrations::apply(&db.pool)).await?;
        Ok(db)
    }

    fn pool(&self) -> &Pool {
        &self.pool
    }
}

/// Runs one database operation with the overall time limit.
async fn timed<T>(operation: impl Future<Output = Result<T, DbError>>) -> Result<T, DbError> {
    tokio::time::timeout(OPERATION_TIMEOUT, operation)
        .await
        .unwrap_or_else(|_| {
            Err(DbError::unavailable(
                "the database did not answer within 5 s",
            ))
        })
}

/// SQLSTATEs that mean "the database cannot serve now" rather than "this query is wrong".
fn is_unavailable_state(state: &SqlState) -> bool {
    let code = state.code();
    code.starts_with("08") // connection exception
        || code.starts_with("57P") // shutting down, crashed, starting up
        || code.starts_with("53") // out of connections, memory or disk
        || *state == SqlState::QUERY_CANCELED // statement_timeout
}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> DbError {
        // No SQLSTATE: the socket or the protocol failed, not a statement.
        let unavailable = e.is_closed() || e.code().is_none_or(is_unavailable_state);
        let message = match refused_certificate(&e) {
            Some(why) => format!(
                "PostgreSQL: TLS: the server's certificate failed verification ({why}): it must be signed by the CA that sslrootcert names (or, without sslrootcert, one in the system's trust store) and name the host of the URL"
            ),
            None => format!("PostgreSQL: {}", with_causes(&e)),
        };
        DbError {
            message,
            unavailable,
        }
    }
}

/// `e` and its causes: tokio-postgres's own message is only the kind ("db error", "error
/// connecting to server"), the server's message or the socket's error is its source.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(inner) = cause {
        text = format!("{text}: {inner}");
        cause = inner.source();
    }
    text
}

/// rustls's reason, when `e` is a TLS handshake that refused the server's certificate.
fn refused_certificate(e: &tokio_postgres::Error) -> Option<String> {
    let io = e.source()?.downcast_ref::<std::io::Error>()?;
    match io.get_ref()?.downcast_ref::<rustls::Error>()? {
        refused @ rustls::Error::InvalidCertificate(_) => Some(refused.to_string()),
        _ => None,
    }
}

impl From<PoolError> for DbError {
    fn from(e: PoolError) -> DbError {
        match e {
            PoolError::Backend(e) => DbError::from(e),
            other => DbError::unavailable(format!("PostgreSQL connection pool: {other}")),
        }
    }
}
