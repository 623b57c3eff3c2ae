//! TLS to PostgreSQL, against a cluster of the test's own that takes TCP connections only over
//! TLS and with a password, its certificate signed by a CA made for the test
//! (`pg-cluster.sh start-tls`). Every failure must say what failed, and no message (nor
//! `--help`) may carry the password of the URL.

use hyper::StatusCode;

use crate::pg;
use crate::processes::{Instance, OwnCluster, own_tls_cluster};

/// The cluster's address with `query`, and the password in it.
fn url_with(cluster: &OwnCluster, query: &str) -> (String, String) {
    let password = std::fs::read_to_string(cluster.dir.path().join("password")).unwrap();
    let password = password.trim().to_owned();
    let port = std::fs::read_to_string(cluster.dir.path().join("port")).unwrap();
    let url = format!(
        "postgres://kiln:{password}@127.0.0.1:{}/postgres?{query}",
        port.trim()
    );
    (url, password)
}

/// A file the test CA made (`ca.pem`, `other-ca.pem`).
fn ca(cluster: &OwnCluster, name: &str) -> String {
    cluster
        .dir
        .path()
        .join("tls")
        .join(name)
        .display()
        .to_string()
}

/// The cluster through its Unix socket (trusted, no TLS): how the test looks inside.
fn over_the_socket(cluster: &OwnCluster) -> String {
    let port = std::fs::read_to_string(cluster.dir.path().join("port")).unwrap();
    let socket = cluster.dir.path().display();
    format!(
        "host={socket} port={} user=kiln dbname=postgres",
        port.trim()
    )
}

fn assert_secret_kept(printed: &str, password: &str) {
    assert!(
        !printed.contains(password),
        "the URL's password was printed: {printed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_sslrootcert_naming_the_ca_signup_and_login_work_over_verified_tls() {
    let cluster = own_tls_cluster();
    let (url, password) = url_with(
        &cluster,
        &format!("sslmode=require&sslrootcert={}", ca(&cluster, "ca.pem")),
    );
    let log = cluster.dir.path().join("sidecar.log");
    let sidecar = Instance::start(&url, &log).await;
    let signup = sidecar
        .signup("ada@example.com", "192.0.2.1")
        .await
        .unwrap();
    assert_eq!(signup.status, StatusCode::CREATED, "{}", signup.text());
    sidecar.login("ada@example.com", "192.0.2.1").await;

    let sql = "SELECT s.ssl, s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
               WHERE a.application_name = 'kiln-sidecar'";
    let connections = pg::rows(&over_the_socket(&cluster), sql).await;
    assert!(!connections.is_empty(), "the sidecar's pool is connected");
    for connection in &connections {
        assert_eq!(
            connection[0], "t",
            "every connection is encrypted: {connections:?}"
        );
        assert!(connection[1].starts_with("TLSv1."), "{connections:?}");
    }
    drop(sidecar);
    assert_secret_kept(&std::fs::read_to_string(&log).unwrap(), &password);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_certificate_signed_by_another_ca_stops_the_sidecar_saying_so() {
    let cluster = own_tls_cluster();
    let other = format!(
        "sslmode=require&sslrootcert={}",
        ca(&cluster, "other-ca.pem")
    );
    // Without sslrootcert, `require` verifies against the system's store, which does not
    // hold the test CA either: stricter than libpq, whose `require` would connect.
    for query in [other.as_str(), "sslmode=require", "sslmode=verify-full"] {
        let (url, password) = url_with(&cluster, query);
        let printed = Instance::refused(&url, &cluster.dir.path().join("refused.log"));
        assert!(
            printed.contains("TLS") && printed.contains("certificate failed verification"),
            "{query}: {printed}"
        );
        assert!(printed.contains("kiln:***@127.0.0.1"), "{printed}");
        assert_secret_kept(&printed, &password);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_connection_to_a_server_that_requires_tls_fails_saying_so() {
    let cluster = own_tls_cluster();
    // `prefer` and no sslmode are plain here (README, "TLS"), so they fail the same way.
    for query in ["sslmode=disable", "sslmode=prefer", ""] {
        let (url, password) = url_with(&cluster, query);
        let printed = Instance::refused(&url, &cluster.dir.path().join("refused.log"));
        assert!(
            printed.contains("no pg_hba.conf entry") && printed.contains("no encryption"),
            "{query}: {printed}"
        );
        assert_secret_kept(&printed, &password);
    }
}

#[test]
fn a_ca_named_with_a_mode_that_would_not_check_it_is_refused() {
    // Refused before any connection: no server needed.
    let password = "s3cret-of-the-url";
    let url = format!(
        "postgres://kiln:{password}@127.0.0.1:1/kiln?sslmode=prefer&sslrootcert=/etc/db/ca.pem"
    );
    let dir = tempfile::tempdir().unwrap();
    let printed = Instance::refused(&url, &dir.path().join("refused.log"));
    assert!(
        printed.contains("sslmode=prefer would not check"),
        "{printed}"
    );
    assert_secret_kept(&printed, password);
}

#[test]
fn help_does_not_show_the_password_of_kiln_db() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kiln-sidecar"))
        .arg("--help")
        .env(
            "KILN_DB",
            "postgres://kiln:s3cret-of-the-url@db.internal/kiln",
        )
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("KILN_DB"), "{printed}");
    assert_secret_kept(&printed, "s3cret-of-the-url");
}
