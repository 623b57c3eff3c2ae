//! The `kiln-sidecar` binary: settings from flags and environment, then serve until a signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ipnet::IpNet;
use kiln_sidecar::{
    Config, DEFAULT_DB, DEFAULT_LISTEN, DEFAULT_ORIGINS, DEFAULT_PREFIX, Limits, Secret, Sidecar,
};

/// Signup and login for static sites: a small HTTP service on SQLite or PostgreSQL.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Print a fresh 32-byte secret in hex (for ACCESS_TOKEN_SECRET / REFRESH_TOKEN_SECRET).
    Secret,
}

#[derive(clap::Args)]
struct Settings {
    /// Address and port to listen on.
    #[arg(long, env = "KILN_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Database: a SQLite file (a path or sqlite:PATH; its folder is created if missing), or
    /// a PostgreSQL URL (postgres://user@host/dbname; sslmode=require for TLS, verified
    /// against the CA file sslrootcert=PATH names, else the system's) shared by several
    /// sidecars.
    // The value may hold the database password: `--help` must not show it.
    #[arg(long, env = "KILN_DB", hide_env_values = true, default_value = DEFAULT_DB)]
    db: String,
    /// Origin allowed to post forms and call with CORS (repeatable; the variable is comma separated).
    #[arg(long = "allowed-origin", env = "KILN_ALLOWED_ORIGINS", value_delimiter = ',', default_value = DEFAULT_ORIGINS)]
    allowed_origins: Vec<String>,
    /// Path prefix of every endpoint.
    #[arg(long, env = "KILN_PUBLIC_URL_PREFIX", default_value = DEFAULT_PREFIX)]
    public_url_prefix: String,
    /// Proxy address or CIDR whose X-Forwarded-For is believed (repeatable; comma separated).
    #[arg(long = "trusted-proxy", env = "KILN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    trusted_proxies: Vec<IpNet>,
    /// Password hashes computed at once [default: one per core].
    #[arg(long, env = "KILN_HASH_WORKERS")]
    hash_workers: Option<usize>,
    /// Hash requests that may wait for a worker before new ones get 503 [default: 4 per worker].
    #[arg(long, env = "KILN_HASH_QUEUE")]
    hash_queue: Option<usize>,
    /// Password hashes one client IP may have running or queued at once; more get 429. Behind
    /// a proxy this is per visitor only with --trusted-proxy set.
    #[arg(long, env = "KILN_HASH_JOBS_PER_IP", default_value_t = Config::default().hash_jobs_per_ip)]
    hash_jobs_per_ip: usize,
    /// Signup and login attempts allowed per client IP per minute (bursts of up to 10).
    #[arg(long, env = "KILN_IP_ATTEMPTS_PER_MINUTE", default_value_t = Limits::default().per_ip_per_minute)]
    ip_attempts_per_minute: u32,
    /// Failed logins forgiven per hour on one account from one address (after a burst of 5).
    #[arg(long, env = "KILN_ACCOUNT_IP_FAILURES_PER_HOUR", default_value_t = Limits::default().account_ip_failures_per_hour)]
    account_ip_failures_per_hour: u32,
    /// Failed logins forgiven per hour on one account from all addresses together, for browsers
    /// without a device cookie (after a burst of 20).
    #[arg(long, env = "KILN_ACCOUNT_FAILURES_PER_HOUR", default_value_t = Limits::default().account_failures_per_hour)]
    account_failures_per_hour: u32,
    /// Live sessions (logins) one account may hold; a new login revokes the oldest beyond it.
    #[arg(long, env = "KILN_MAX_SESSIONS_PER_ACCOUNT", default_value_t = Config::default().max_sessions_per_account)]
    max_sessions_per_account: usize,
    /// PostgreSQL only: connections this sidecar keeps open at most (N sidecars × this must
    /// stay under the server's max_connections).
    #[arg(long, env = "KILN_DB_POOL_SIZE", default_value_t = Config::default().postgres_pool_size)]
    db_pool_size: usize,
    /// Open connections at most (lowered to the descriptor limit, ulimit -n, minus 64); past it
    /// a new connection closes the oldest idle one, or is refused when all are busy.
    #[arg(long, env = "KILN_MAX_CONNECTIONS", default_value_t = Config::default().max_connections)]
    max_connections: usize,
}

fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or CIDR range such as 10.0.0.0/8"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Secret) = cli.command {
        return match Secret::generate() {
            Ok(secret) => {
                println!("{}", secret.to_hex());
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        };
    }
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .init();
    match config(cli.settings).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&*error),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("kiln-sidecar: {error}");
    ExitCode::FAILURE
}

type Error = Box<dyn std::error::Error>;

fn config(settings: Settings) -> Result<Config, Error> {
    let defaults = Config::default();
    let hash_workers = settings.hash_workers.unwrap_or(defaults.hash_workers);
    let (db_path, postgres_url) = database(&settings.db);
    Ok(Config {
        listen: settings.listen,
        db_path: db_path.unwrap_or(defaults.db_path.clone()),
        postgres_url,
        postgres_pool_size: settings.db_pool_size,
        allowed_origins: settings.allowed_origins,
        public_url_prefix: settings.public_url_prefix,
        trusted_proxies: settings.trusted_proxies,
        // Secrets come only from the environment: flags would show them in `ps`.
        access_token_secret: secret_from_env("ACCESS_TOKEN_SECRET")?,
        refresh_token_secret: secret_from_env("REFRESH_TOKEN_SECRET")?,
        previous_access_token_secret: secret_from_env("ACCESS_TOKEN_SECRET_PREVIOUS")?,
        previous_refresh_token_secret: secret_from_env("REFRESH_TOKEN_SECRET_PREVIOUS")?,
        limits: Limits {
            per_ip_per_minute: settings.ip_attempts_per_minute,
            account_ip_failures_per_hour: settings.account_ip_failures_per_hour,
            account_failures_per_hour: settings.account_failures_per_hour,
            ..Limits::default()
        },
        hash_workers,
        hash_queue: settings.hash_queue.unwrap_or(hash_workers * 4),
        hash_jobs_per_ip: settings.hash_jobs_per_ip,
        max_sessions_per_account: settings.max_sessions_per_account,
        max_connections: settings.max_connections,
        ..defaults
    })
}

/// `--db`: a PostgreSQL URL, or a SQLite path (bare, `sqlite:PATH` or `sqlite://PATH`).
fn database(db: &str) -> (Option<PathBuf>, Option<String>) {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return (None, Some(db.to_owned()));
    }
    let path = db
        .strip_prefix("sqlite:")
        .map_or(db, |rest| rest.strip_prefix("//").unwrap_or(rest));
    (Some(PathBuf::from(path)), None)
}

fn secret_from_env(name: &'static str) -> Result<Option<Secret>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(Secret::from_hex(name, &value)?)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("invalid setting {name}: must be hexadecimal").into())
        }
    }
}

fn run(config: Config) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listen = config.listen;
        let sidecar = Sidecar::start(config).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen} (--listen / KILN_LISTEN): {e}"))?;
        tracing::info!(%listen, "kiln-sidecar listening");
        kiln_sidecar::serve(sidecar, listener, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM; if the handlers cannot be installed, never (logged).
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_jobs_per_ip_is_set_by_its_flag() {
        let cli = Cli::try_parse_from(["kiln-sidecar", "--hash-jobs-per-ip", "6"]);
        let config = config(cli.map_err(|e| e.to_string()).unwrap().settings).unwrap();
        assert_eq!(config.hash_jobs_per_ip, 6);
    }

    #[test]
    fn db_takes_a_path_a_sqlite_url_or_a_postgres_url() {
        assert_eq!(database("data/k.db"), (Some("data/k.db".into()), None));
        assert_eq!(
            database("sqlite:data/k.db"),
            (Some("data/k.db".into()), None)
        );
        assert_eq!(
            database("sqlite:///var/k.db"),
            (Some("/var/k.db".into()), None)
        );
        let url = "postgres://kiln@db/kiln?sslmode=require";
        assert_eq!(database(url), (None, Some(url.to_owned())));
    }
}
