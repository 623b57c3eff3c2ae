//! The PostgreSQL the tests use: the server named by `KILN_TEST_POSTGRES`, one fresh database
//! per test folder, and plain SQL on it for the tests that look inside.
//!
//! Without `KILN_TEST_POSTGRES` the PostgreSQL tests are skipped with one line saying how to
//! run them, except under `CI=true`, where they must run.

use std::io::Write;
use std::path::Path;
use std::sync::Once;

use sha2::Digest;
use tokio_postgres::{Client, NoTls};

pub const HOW_TO_RUN: &str = "skipping the PostgreSQL tests: set KILN_TEST_POSTGRES=postgres://… to run them (`sidecar/tests/pg-cluster.sh start /tmp/kiln-pg` starts a throwaway server and prints the URL)";

/// The server's URL, or (without one) the skip: one line, then this test binary ends.
pub fn server_url() -> String {
    match std::env::var("KILN_TEST_POSTGRES") {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("CI=true, so the PostgreSQL tests must run, but KILN_TEST_POSTGRES is not set")
        }
        _ => {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Straight to the descriptor: the test harness would swallow a print!.
                let _ = writeln!(std::io::stderr(), "{HOW_TO_RUN}");
            });
            std::process::exit(0)
        }
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let authority = rest.split('/').next().unwrap_or(rest);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

/// The database of the test folder `dir` (created on first use, kept across restarts).
pub async fn database_for(dir: &Path) -> String {
    let digest = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
    let name = format!("kiln_t_{}", &hex::encode(digest)[..20]);
    let server = server_url();
    let admin = connect(&server).await;
    let created = admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await;
    if let Err(error) = created {
        let duplicate = error.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE);
        assert!(duplicate, "cannot create the test database: {error}");
    }
    with_database(&server, &name)
}

pub async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    tokio::spawn(connection);
    client
}

/// Every row of `sql`, each column as text (`NULL` as an empty string).
pub async fn rows(url: &str, sql: &str) -> Vec<Vec<String>> {
    let client = connect(url).await;
    let messages = client.simple_query(sql).await.unwrap();
    messages
        .into_iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).unwrap_or("").to_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}
