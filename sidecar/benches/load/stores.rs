//! What the bench runs against, side by side: SQLite with one sidecar, and (given
//! `KILN_BENCH_POSTGRES=postgres://…`, a server whose role may create databases) PostgreSQL
//! with one sidecar and with two sharing one database. Every sidecar runs in this process.

use std::net::SocketAddr;

use kiln_sidecar::{Config, Limits, RefreshLimits, Secret, Sidecar};

use super::Error;

/// One column of the comparison.
pub struct Setup {
    pub name: String,
    /// `None`: SQLite; else the PostgreSQL server's URL.
    pub postgres: Option<String>,
    pub instances: usize,
}

/// The setups `KILN_BENCH_STORES` names (`sqlite`, `postgres`, `postgres2`), by default every
/// one that can run here.
pub fn setups() -> Vec<Setup> {
    let server = std::env::var("KILN_BENCH_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty());
    let default = if server.is_some() {
        "sqlite,postgres,postgres2"
    } else {
        println!("(SQLite only: set KILN_BENCH_POSTGRES=postgres://… to compare with PostgreSQL)");
        "sqlite"
    };
    let names = std::env::var("KILN_BENCH_STORES").unwrap_or_else(|_| default.into());
    names
        .split(',')
        .map(str::trim)
        .filter_map(|name| match name {
            "sqlite" => Some(Setup {
                name: "SQLite, 1 sidecar".into(),
                postgres: None,
                instances: 1,
            }),
            "postgres" | "postgres2" => Some(Setup {
                name: format!(
                    "PostgreSQL, {} sidecar{}",
                    if name == "postgres" { 1 } else { 2 },
                    if name == "postgres" { "" } else { "s" }
                ),
                postgres: Some(server.clone()?),
                instances: if name == "postgres" { 1 } else { 2 },
            }),
            _ => None,
        })
        .collect()
}

/// Starts the setup's sidecars (on a fresh database) and returns their addresses.
pub async fn start(
    setup: &Setup,
    dir: &std::path::Path,
    cores: usize,
    tag: usize,
) -> Result<Vec<SocketAddr>, Error> {
    let mut config = bench_config(cores);
    config.db_path = dir.join("kiln.db");
    if let Some(server) = &setup.postgres {
        let name = format!("kiln_bench_{}_{tag}", std::process::id());
        let (client, connection) = tokio_postgres::connect(server, tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        let commit = client.query_one("SHOW synchronous_commit", &[]).await?;
        println!(
            "  (PostgreSQL: synchronous_commit = {})",
            commit.get::<_, String>(0)
        );
        config.postgres_url = Some(with_database(server, &name));
        if let Some(size) = std::env::var("KILN_BENCH_PG_POOL")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            config.postgres_pool_size = size;
        }
        config.access_token_secret = Some(Secret::generate()?);
        config.refresh_token_secret = Some(Secret::generate()?);
    }
    // The sidecars share the cores: each gets its share of hashing workers.
    config.hash_workers = (cores / setup.instances).max(1);
    let mut addrs = Vec::new();
    for _ in 0..setup.instances {
        let sidecar = Sidecar::start(config.clone()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        addrs.push(listener.local_addr()?);
        tokio::spawn(kiln_sidecar::serve(
            sidecar,
            listener,
            std::future::pending(),
        ));
    }
    Ok(addrs)
}

/// Every limit lifted: one client IP plays every user here.
fn bench_config(cores: usize) -> Config {
    let mut config = Config::default();
    config.limits = Limits {
        per_ip_per_minute: 1_000_000,
        per_ip_burst: 1_000_000,
        account_ip_failures_burst: 1_000_000,
        account_ip_failures_per_hour: 1_000_000,
        account_failures_burst: 1_000_000,
        account_failures_per_hour: 1_000_000,
    };
    // Likewise the cap on one IP's hash jobs at once: here every client shares 127.0.0.1, and
    // the refresh limits and the cap on one account's sessions (64 sessions of one user rotate).
    config.hash_jobs_per_ip = usize::MAX;
    config.refresh_limits = RefreshLimits {
        per_session_per_minute: 1_000_000,
        per_session_burst: 1_000_000,
        per_ip_per_minute: 1_000_000,
        per_ip_burst: 1_000_000,
    };
    config.max_sessions_per_account = usize::MAX;
    config.hash_workers = cores;
    config
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}
