//! The auth sidecar: signup, login, refresh, logout and who-am-I over HTTP, backed by SQLite
//! or by PostgreSQL shared by several instances.
//!
//! `kiln serve` mounts it in-process; the `kiln-sidecar` binary runs it alone:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sidecar = kiln_sidecar::Sidecar::start(kiln_sidecar::Config::default()).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
//! kiln_sidecar::serve(sidecar, listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

mod accounts;
mod audit;
mod body;
mod client;
mod config;
mod cookies;
mod db;
mod email;
mod error;
mod handlers;
mod http_server;
mod jwt_crypto;
mod login_limits;
mod origin;
mod password;
mod pending_signups;
mod rate_limit;
mod reply;
mod routes;
mod secrets;
mod sidecar;
mod state;
mod text;
mod tokens;

pub use config::{
    Config, DEFAULT_DB, DEFAULT_LISTEN, DEFAULT_ORIGINS, DEFAULT_PREFIX, Limits, RefreshLimits,
};
pub use error::StartError;
pub use http_server::{ServeOptions, serve_http};
/// The sidecar's JWT crypto (HS256 on ring) for a program that signs or checks its tokens
/// in-process: call it once before using `jsonwebtoken` there.
pub use jwt_crypto::install as install_jwt_crypto;
pub use secrets::Secret;
pub use sidecar::{Sidecar, serve};
