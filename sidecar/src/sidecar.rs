//! The running sidecar: its shared state, startup, and the entry point for one request.

use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

use crate::config::Config;
use crate::db::{self, Db};
use crate::error::StartError;
use crate::handlers::SignupsInFlight;
use crate::origin::Origins;
use crate::password::Hasher;
use crate::rate_limit::Limiters;
use crate::secrets;
use crate::tokens::{self, Tokens};

/// Everything a request may touch; built once by `Sidecar::start`.
pub struct State {
    pub config: Config,
    pub db: Db,
    pub hasher: Hasher,
    pub tokens: Tokens,
    pub limits: Limiters,
    pub origins: Origins,
    pub signups: SignupsInFlight,
}

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
        let folder = db_folder(&config.db_path);
        create_private(&folder, &config.db_path).map_err(|problem| StartError::Database {
            path: config.db_path.clone(),
            problem,
        })?;
        let (access, refresh) = (
            config.access_token_secret.clone(),
            config.refresh_token_secret.clone(),
        );
        let secrets = secrets::resolve(access, refresh, &folder)?;
        let path = config.db_path.clone();
        let opened = tokio::task::spawn_blocking(move || Db::open(&path)).await;
        let db = opened
            .map_err(|e| e.to_string())
            .and_then(|db| db.map_err(|e| e.0))
            .map_err(|problem| StartError::Database {
                path: config.db_path.clone(),
                problem,
            })?;
        let hasher = Hasher::new(config.hash_workers, config.hash_queue)
            .map_err(|e| StartError::Threads(e.to_string()))?;
        let state = Arc::new(State {
            hasher,
            tokens: Tokens::new(&secrets),
            limits: Limiters::new(config.limits, config.hash_jobs_per_ip),
            origins: Origins::new(config.allowed_origins.clone()),
            signups: SignupsInFlight::default(),
            db,
            config,
        });
        tokio::spawn(maintain(Arc::downgrade(&state)));
        tracing::info!(db = %state.config.db_path.display(), prefix = %state.config.public_url_prefix, "sidecar ready");
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

fn db_folder(db_path: &Path) -> std::path::PathBuf {
    match db_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => std::path::PathBuf::from("."),
    }
}

/// Creates the database folder (0700) and file (0600) when they are missing: they hold password
/// hashes, emails and IPs. Existing ones are the operator's choice and only get a warning.
/// SQLite gives the `-wal` and `-shm` files the database file's mode.
fn create_private(folder: &Path, db_path: &Path) -> Result<(), String> {
    if folder.exists() {
        warn_if_shared(folder, "700");
    } else {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| format!("cannot create the folder {}: {e}", folder.display()))?;
    }
    if db_path.exists() {
        warn_if_shared(db_path, "600");
        return Ok(());
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(db_path);
    match created {
        // A second process starting at the same moment may have made it first.
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn warn_if_shared(path: &Path, private_mode: &str) {
    let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode()) & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "other users can read the sidecar's data (password hashes, emails, IPs); run: chmod {private_mode} {}",
            path.display()
        );
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
        state
            .db
            .writer
            .submit(move |conn| db::delete_expired(conn, now).map(drop));
    }
}
