//! The running sidecar: startup, housekeeping, and the entry points for a request and a server.

use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

use crate::accounts::Accounts;
use crate::client::Proxies;
use crate::config::Config;
use crate::cookies::Cookies;
use crate::db::{self, Store};
use crate::error::StartError;
use crate::http_server::{ServeOptions, serve_http};
use crate::origin::Origins;
use crate::password::Hasher;
use crate::pending_signups::SignupsInFlight;
use crate::rate_limit::Limiters;
use crate::secrets::{self, SecretPair};
use crate::state::State;
use crate::tokens::{self, Tokens};
use tokio::net::TcpListener;

/// A started sidecar. Cheap to clone; the database closes when the last clone is dropped.
#[derive(Clone)]
pub struct Sidecar {
    state: Arc<State>,
}

/// How often idle rate-limit entries are forgotten and expired refresh tokens deleted.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);

impl Sidecar {
    /// Opens the database (creating the folder), runs migrations, loads or creates secrets.
    pub async fn start(config: Config) -> Result<Sidecar, StartError> {
        let config = config.checked()?;
        let (db, secrets) = match &config.postgres_url {
            Some(url) => open_postgres(&config, url).await?,
            None => open_sqlite(&config).await?,
        };
        let hasher = Hasher::new(config.hash_workers, config.hash_queue)
            .map_err(|e| StartError::Threads(e.to_string()))?;
        let state = Arc::new(State {
            hasher,
            tokens: Tokens::new(&secrets, &previous_secrets(&config)),
            limits: Limiters::new(
                config.limits,
                config.refresh_limits,
                config.hash_jobs_per_ip,
            ),
            origins: Origins::new(config.allowed_origins.clone()),
            signups: SignupsInFlight::default(),
            cookies: Cookies::new(config.cookies_secure(), &config.public_url_prefix),
            accounts: Accounts::default(),
            proxies: Proxies::new(config.trusted_proxies.clone(), &config.public_url_prefix),
            db,
            config,
        });
        let latest = state
            .db
            .latest_change()
            .await
            .map_err(|e| database_error(&state.config, e.message))?;
        state.accounts.start_at(latest);
        tokio::spawn(maintain(Arc::downgrade(&state)));
        tokio::spawn(follow_account_changes(Arc::downgrade(&state)));
        warn_if_no_proxy_is_trusted(&state.config);
        let secure = state.config.cookies_secure();
        tracing::info!(db = %database_name(&state.config), prefix = %state.config.public_url_prefix, secure_cookies = secure, "sidecar ready");
        Ok(Sidecar { state })
    }

    /// Answers one request whose path starts with the configured prefix (e.g. /api/login).
    pub async fn handle(&self, req: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        crate::routes::route(&self.state, req, peer).await
    }

    /// The settings this sidecar runs with (normalised).
    pub fn config(&self) -> &Config {
        &self.state.config
    }
}

/// In-flight requests get this long to finish after shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the sidecar alone on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    sidecar: Sidecar,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let options = ServeOptions {
        header_read_timeout: sidecar.config().header_read_timeout,
        drain_timeout: DRAIN_TIMEOUT,
        max_connections: sidecar.config().max_connections,
    };
    let handler = move |request, peer| {
        let sidecar = sidecar.clone();
        async move { sidecar.handle(request, peer).await }
    };
    serve_http(listener, options, handler, shutdown).await;
    tracing::info!("all connections closed");
    Ok(())
}

/// Listening on loopback for an HTTPS site is the shape of a same-host proxy; without a trusted
/// proxy every visitor would share its address and limits. Said once, at startup.
fn warn_if_no_proxy_is_trusted(config: &Config) {
    if config.trusted_proxies.is_empty()
        && config.listen.ip().is_loopback()
        && config.cookies_secure()
    {
        tracing::warn!(
            listen = %config.listen,
            "the allowed origins are HTTPS but no proxy is trusted: if a proxy forwards to this sidecar, set --trusted-proxy / KILN_TRUSTED_PROXIES to its address, or every visitor shares its address and rate limits"
        );
    }
}

/// SQLite: the private folder, the secrets (given, or generated once beside the file), the file.
async fn open_sqlite(config: &Config) -> Result<(Store, SecretPair), StartError> {
    let folder = db::sqlite::folder_of(&config.db_path);
    db::sqlite::create_private(&folder, &config.db_path)
        .map_err(|problem| database_error(config, problem))?;
    let (access, refresh) = (
        config.access_token_secret.clone(),
        config.refresh_token_secret.clone(),
    );
    let secrets = secrets::resolve(access, refresh, &folder)?;
    let path = config.db_path.clone();
    let opened = tokio::task::spawn_blocking(move || db::sqlite::Db::open(&path)).await;
    let db = opened
        .map_err(|e| e.to_string())
        .and_then(|db| db.map_err(|e| e.message))
        .map_err(|problem| database_error(config, problem))?;
    Ok((Store::Sqlite(db), secrets))
}

/// PostgreSQL: the secrets must come from the environment (every instance signs and checks
/// the same tokens, so none may generate its own), then the pool and the migrations.
#[cfg(feature = "postgres")]
async fn open_postgres(config: &Config, url: &str) -> Result<(Store, SecretPair), StartError> {
    let (access, refresh) = (
        config.access_token_secret.clone(),
        config.refresh_token_secret.clone(),
    );
    let secrets = secrets::required(access, refresh)?;
    let db = db::PostgresDb::open(url, config.postgres_pool_size)
        .await
        .map_err(|e| database_error(config, e.message))?;
    Ok((Store::Postgres(db), secrets))
}

/// A sidecar built without its `postgres` feature (as `kiln serve` builds it) stores in
/// SQLite only, and says so.
#[cfg(not(feature = "postgres"))]
async fn open_postgres(config: &Config, _: &str) -> Result<(Store, SecretPair), StartError> {
    let problem = "this build has no PostgreSQL support; build kiln-sidecar with its default \
                   `postgres` feature, or give a SQLite path";
    Err(database_error(config, problem.into()))
}

/// The verifying-only former secrets, as given.
fn previous_secrets(config: &Config) -> [Option<crate::secrets::Secret>; 2] {
    [
        config.previous_access_token_secret.clone(),
        config.previous_refresh_token_secret.clone(),
    ]
}

fn database_error(config: &Config, problem: String) -> StartError {
    match &config.postgres_url {
        Some(url) => StartError::Postgres {
            url: db::redact_url(url),
            problem,
        },
        None => StartError::Database {
            path: config.db_path.clone(),
            problem,
        },
    }
}

/// The database as logs may show it: the file, or the URL without its password.
fn database_name(config: &Config) -> String {
    match &config.postgres_url {
        Some(url) => db::redact_url(url),
        None => config.db_path.display().to_string(),
    }
}

/// How often deletions and password changes made anywhere reach the account cache.
const FOLLOW_CHANGES_EVERY: Duration = Duration::from_secs(1);

/// Applies the database's account changes to the cache; stops once the sidecar is dropped.
async fn follow_account_changes(state: Weak<State>) {
    let mut every = tokio::time::interval(FOLLOW_CHANGES_EVERY);
    loop {
        every.tick().await;
        let Some(state) = state.upgrade() else { return };
        let after = state.accounts.change_mark();
        match state.db.account_changes(after).await {
            Ok((latest, ids)) if latest != after => state.accounts.forget(&ids, latest),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot read account changes; will retry"),
        }
    }
}

/// Periodic housekeeping; stops by itself once the sidecar is dropped.
async fn maintain(state: Weak<State>) {
    let mut every = tokio::time::interval(MAINTENANCE_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        let Some(state) = state.upgrade() else { return };
        state.limits.forget_idle();
        let now = tokens::now();
        state.db.housekeeping(now);
    }
}

#[cfg(all(test, not(feature = "postgres")))]
mod without_postgres {
    use super::*;

    #[tokio::test]
    async fn a_postgres_url_is_refused_naming_the_missing_feature_and_not_the_password() {
        let config = Config {
            postgres_url: Some("postgres://kiln:s3cret@db.example/kiln".into()),
            ..Config::default()
        };
        let Err(refused) = Sidecar::start(config).await else {
            panic!("a build without PostgreSQL started on a PostgreSQL URL");
        };
        let said = refused.to_string();
        assert!(said.contains("no PostgreSQL support"), "{said}");
        assert!(
            said.contains("postgres://kiln:***@db.example/kiln"),
            "{said}"
        );
        assert!(!said.contains("s3cret"), "{said}");
    }
}
