//! Every setting of the sidecar, its default, and the checks that make a bad one stop startup.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;

use crate::error::StartError;
use crate::secrets::Secret;

/// Settings of one sidecar. `Config::default()` is what the binary uses with no flags.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the binary listens (`--listen`, `KILN_LISTEN`).
    pub listen: SocketAddr,
    /// The SQLite file; its folder is created (`--db`, `KILN_DB`). Unused with `postgres_url`.
    pub db_path: PathBuf,
    /// A PostgreSQL URL (`--db postgres://user@host/dbname`): when set, the sidecar stores
    /// everything there instead of in `db_path`, and several sidecars may share it.
    pub postgres_url: Option<String>,
    /// Connections to PostgreSQL this sidecar keeps at most (`--db-pool-size`). 32 rotated
    /// refresh tokens faster than 16 or 64 in the bench: more commits wait together and share
    /// a flush, up to the point where the server's processes crowd the cores.
    pub postgres_pool_size: usize,
    /// Origins (`scheme://host[:port]`) allowed to post forms and call with CORS.
    pub allowed_origins: Vec<String>,
    /// The path every endpoint lives under, e.g. `/api`.
    pub public_url_prefix: String,
    /// Peers whose `X-Forwarded-For` is believed (a CDN or reverse proxy).
    pub trusted_proxies: Vec<IpNet>,
    /// Signing secrets; when both are `None` they are generated into `<db folder>/secrets.toml`.
    pub access_token_secret: Option<Secret>,
    pub refresh_token_secret: Option<Secret>,
    /// Former secrets that still verify (never sign) tokens, so secrets can be rotated without
    /// signing anyone out (`ACCESS_TOKEN_SECRET_PREVIOUS`, `REFRESH_TOKEN_SECRET_PREVIOUS`).
    pub previous_access_token_secret: Option<Secret>,
    pub previous_refresh_token_secret: Option<Secret>,
    /// Attempt limits, checked before any password hashing.
    pub limits: Limits,
    /// Threads that hash passwords at once (default: one per core).
    pub hash_workers: usize,
    /// Hash requests allowed to wait for a worker; beyond that the answer is 503.
    pub hash_queue: usize,
    /// Hash jobs one client IP may have running or waiting at once; more are answered 429, so
    /// one IP can never fill the pool and make everyone else's login 503.
    pub hash_jobs_per_ip: usize,
    /// How long after a rotation the old refresh token may still be used (two tabs at once).
    pub refresh_reuse_grace: Duration,
    /// Refresh limits per session and per client IP, checked before any database work.
    pub refresh_limits: RefreshLimits,
    /// Live sessions (logins) one account may hold; a new login revokes the oldest beyond it.
    pub max_sessions_per_account: usize,
    /// Time allowed for a client to send its request headers.
    pub header_read_timeout: Duration,
    /// Time allowed for a client to send its request body.
    pub body_read_timeout: Duration,
    /// Open connections at most (lowered to the descriptor limit minus 64 at start); past it
    /// a new connection closes the oldest idle one, or is refused when all are busy.
    pub max_connections: usize,
    /// Set by `kiln serve` alone: a development server on plain HTTP, reached from this
    /// machine or (with `--allow-host`) from a phone on the local network, where a browser
    /// would drop `Secure` cookies. Never set by the `kiln-sidecar` binary.
    pub development: bool,
}

/// Rate limits for the endpoints that cost a password hash.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sustained signup + login attempts per client IP per minute (any outcome).
    pub per_ip_per_minute: u32,
    /// Attempts one client IP may make in a quick burst.
    pub per_ip_burst: u32,
    /// Failed logins on one account from one address (or one device) at once...
    pub account_ip_failures_burst: u32,
    /// ...and forgiven per hour after that.
    pub account_ip_failures_per_hour: u32,
    /// Failed logins on one account from all addresses together, for browsers without a
    /// device cookie for it, at once...
    pub account_failures_burst: u32,
    /// ...and forgiven per hour after that.
    pub account_failures_per_hour: u32,
}

impl Default for Limits {
    /// One IP gets ~0.5 hash/s (under a tenth of two cores' bcrypt capacity); one address 5
    /// wrong guesses at an account, then one a minute; all addresses together 20, then 20 an
    /// hour.
    fn default() -> Limits {
        Limits {
            per_ip_per_minute: 30,
            per_ip_burst: 10,
            account_ip_failures_burst: 5,
            account_ip_failures_per_hour: 60,
            account_failures_burst: 20,
            account_failures_per_hour: 20,
        }
    }
}

/// How often a session may be refreshed. A browser refreshes once per access token (15
/// minutes), a few tabs at once at most; the rest is a client stuck in a loop, or an attack.
#[derive(Debug, Clone, Copy)]
pub struct RefreshLimits {
    pub per_session_per_minute: u32,
    pub per_session_burst: u32,
    pub per_ip_per_minute: u32,
    pub per_ip_burst: u32,
}

impl Default for RefreshLimits {
    fn default() -> RefreshLimits {
        RefreshLimits {
            per_session_per_minute: 6,
            per_session_burst: 10,
            per_ip_per_minute: 120,
            per_ip_burst: 60,
        }
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_DB: &str = "./data/kiln.db";
pub const DEFAULT_ORIGINS: &str = "http://127.0.0.1:1111,http://localhost:1111";
pub const DEFAULT_PREFIX: &str = "/api";

impl Default for Config {
    fn default() -> Config {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            db_path: PathBuf::from(DEFAULT_DB),
            postgres_url: None,
            postgres_pool_size: 32,
            allowed_origins: DEFAULT_ORIGINS.split(',').map(str::to_owned).collect(),
            public_url_prefix: DEFAULT_PREFIX.to_owned(),
            trusted_proxies: Vec::new(),
            access_token_secret: None,
            refresh_token_secret: None,
            previous_access_token_secret: None,
            previous_refresh_token_secret: None,
            limits: Limits::default(),
            hash_workers: workers,
            hash_queue: workers * 4,
            hash_jobs_per_ip: 2,
            refresh_reuse_grace: Duration::from_secs(5),
            refresh_limits: RefreshLimits::default(),
            max_sessions_per_account: 10,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_connections: crate::http_server::DEFAULT_MAX_CONNECTIONS,
            development: false,
        }
    }
}

impl Config {
    /// Every default of the binary (listen 127.0.0.1:8787, db ./data/kiln.db, prefix /api, …).
    #[allow(clippy::should_implement_trait)]
    pub fn default() -> Config {
        <Config as Default>::default()
    }

    /// Checks and normalises the settings; the error names the one at fault.
    pub(crate) fn checked(mut self) -> Result<Config, StartError> {
        self.allowed_origins = self
            .allowed_origins
            .iter()
            .map(|origin| normalise_origin(origin))
            .collect::<Result<_, _>>()?;
        self.public_url_prefix = normalise_prefix(&self.public_url_prefix)?;
        for (setting, value) in [
            ("--hash-workers / KILN_HASH_WORKERS", self.hash_workers),
            (
                "--hash-jobs-per-ip / KILN_HASH_JOBS_PER_IP",
                self.hash_jobs_per_ip,
            ),
            (
                "--max-connections / KILN_MAX_CONNECTIONS",
                self.max_connections,
            ),
            (
                "--max-sessions-per-account / KILN_MAX_SESSIONS_PER_ACCOUNT",
                self.max_sessions_per_account,
            ),
            (
                "--db-pool-size / KILN_DB_POOL_SIZE",
                self.postgres_pool_size,
            ),
        ] {
            if value == 0 {
                return Err(StartError::Setting {
                    setting,
                    problem: "must be at least 1".into(),
                });
            }
        }
        let l = self.limits;
        if [
            l.per_ip_per_minute,
            l.per_ip_burst,
            l.account_ip_failures_burst,
            l.account_ip_failures_per_hour,
            l.account_failures_burst,
            l.account_failures_per_hour,
            self.refresh_limits.per_session_per_minute,
            self.refresh_limits.per_session_burst,
            self.refresh_limits.per_ip_per_minute,
            self.refresh_limits.per_ip_burst,
        ]
        .contains(&0)
        {
            return Err(StartError::Setting {
                setting: "limits",
                problem: "every rate limit must be at least 1".into(),
            });
        }
        Ok(self)
    }
}

impl Config {
    /// Whether cookies get `Secure` (and the `__Host-` / `__Secure-` prefixes): always, unless
    /// every allowed origin is plain `http://` on loopback or `localhost` (local development).
    /// Decided by configuration, never by the peer, so a forgotten `--trusted-proxy` behind a
    /// same-host HTTPS proxy cannot turn `Secure` off.
    pub fn cookies_secure(&self) -> bool {
        let local = self
            .allowed_origins
            .iter()
            .all(|origin| is_local_http(origin));
        !(local
            || self.development
                && self
                    .allowed_origins
                    .iter()
                    .all(|o| o.starts_with("http://")))
    }
}

/// `http://localhost:1111`, `http://127.0.0.1`, `http://[::1]:8080` (normalised origins).
fn is_local_http(origin: &str) -> bool {
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `Scheme://Host:443/` → `scheme://host`, the form browsers send in `Origin`.
pub fn normalise_origin(origin: &str) -> Result<String, StartError> {
    let fail = |problem: &str| StartError::Setting {
        setting: "--allowed-origin / KILN_ALLOWED_ORIGINS",
        problem: format!("{origin:?} {problem}"),
    };
    let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, host) = lower
        .split_once("://")
        .ok_or_else(|| fail("must look like https://example.com"))?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return Err(fail("must start with http:// or https://")),
    };
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
        return Err(fail("must be only scheme, host and port, with no path"));
    }
    let host = host.strip_suffix(default_port).unwrap_or(host);
    Ok(format!("{scheme}://{host}"))
}

fn normalise_prefix(prefix: &str) -> Result<String, StartError> {
    let trimmed = prefix.trim().trim_end_matches('/');
    if !prefix.trim().starts_with('/') || trimmed.contains(['?', '#', ' ']) {
        return Err(StartError::Setting {
            setting: "--public-url-prefix",
            problem: format!("{prefix:?} must be a path starting with / such as /api"),
        });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_unless_every_origin_is_plain_http_on_loopback() {
        let with = |origins: &[&str]| Config {
            allowed_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
            ..Config::default()
        };
        assert!(
            !with(&[
                "http://127.0.0.1:1111",
                "http://localhost:1111",
                "http://[::1]:80"
            ])
            .cookies_secure()
        );
        assert!(with(&["https://example.com"]).cookies_secure());
        assert!(with(&["http://localhost:1111", "http://example.com"]).cookies_secure());
        assert!(with(&["https://127.0.0.1:1111"]).cookies_secure());
        let serve = |origins: &[&str]| Config {
            development: true,
            ..with(origins)
        };
        assert!(!serve(&["http://localhost:1111", "http://laptop.lan:1111"]).cookies_secure());
        assert!(
            serve(&["https://laptop.lan"]).cookies_secure(),
            "HTTPS is Secure, even in development"
        );
    }

    #[test]
    fn zero_hash_jobs_per_ip_is_refused_naming_the_flag() {
        let config = Config {
            hash_jobs_per_ip: 0,
            ..Config::default()
        };
        let message = config.checked().unwrap_err().to_string();
        assert!(message.contains("--hash-jobs-per-ip"), "{message}");
    }
}
