//! Starting, restarting and stopping: settings, secrets, migrations, health, drain, logs.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use hyper::StatusCode;
use kiln_sidecar::{Config, Secret, Sidecar};
use serde_json::json;

use crate::support::{PASSWORD, Server, log_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_200_after_a_database_round_trip() {
    let server = Server::start().await;
    let reply = server.get("/api/health").send().await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"success": true, "status": "ok"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_users_sessions_and_generated_secrets() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (access, refresh) = server.login("ada@example.com").await;
    let secrets = server.dir.path().join("data").join("secrets.toml");
    let mode = std::fs::metadata(&secrets).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the generated secrets are private");
    let before = std::fs::read_to_string(&secrets).unwrap();

    let dir = server.stop().await;
    let server = Server::start_in(dir, |_| {}).await;
    assert_eq!(
        std::fs::read_to_string(&secrets).unwrap(),
        before,
        "secrets are generated once"
    );
    let me = server
        .get("/api/me")
        .header("authorization", &format!("Bearer {access}"))
        .send()
        .await;
    assert_eq!(
        me.status,
        StatusCode::OK,
        "tokens signed before the restart still verify"
    );
    let renewed = server
        .post("/api/refresh")
        .json(&json!({ "refreshToken": refresh }))
        .send()
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    server.login("ada@example.com").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sidecars_on_one_database_both_start() {
    let first = Server::start().await;
    let db_path = first.db_path();
    let second = Sidecar::start(Config {
        db_path,
        ..Config::default()
    })
    .await;
    assert!(
        second.is_ok(),
        "migrations are idempotent and the secrets file is shared"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_settings_stop_startup_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("kiln.db");
    let bad_origin = Config {
        db_path: db_path.clone(),
        allowed_origins: vec!["example.com".into()],
        ..Config::default()
    };
    let message = Sidecar::start(bad_origin).await.err().unwrap().to_string();
    assert!(message.contains("--allowed-origin"), "{message}");

    let short = Secret::from_hex("ACCESS_TOKEN_SECRET", "abcd")
        .unwrap_err()
        .to_string();
    assert!(
        short.contains("ACCESS_TOKEN_SECRET") && short.contains("32 bytes"),
        "{short}"
    );
    let not_hex = Secret::from_hex("REFRESH_TOKEN_SECRET", &"zz".repeat(32))
        .unwrap_err()
        .to_string();
    assert!(
        not_hex.contains("REFRESH_TOKEN_SECRET") && !not_hex.contains("zzzz"),
        "{not_hex}"
    );

    let same = Secret::generate().unwrap();
    let config = Config {
        db_path: db_path.clone(),
        access_token_secret: Some(same.clone()),
        refresh_token_secret: Some(same),
        ..Config::default()
    };
    let message = Sidecar::start(config).await.err().unwrap().to_string();
    assert!(message.contains("must be different"), "{message}");
    let only_one = Config {
        db_path,
        access_token_secret: Some(Secret::generate().unwrap()),
        ..Config::default()
    };
    let message = Sidecar::start(only_one).await.err().unwrap().to_string();
    assert!(message.contains("REFRESH_TOKEN_SECRET"), "{message}");
}

#[test]
fn the_binary_prints_a_fresh_secret_and_refuses_a_bad_setting() {
    let binary = env!("CARGO_BIN_EXE_kiln-sidecar");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        std::process::Command::new(binary)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let first = run(&["secret"], &[]);
    let second = run(&["secret"], &[]);
    let secret = String::from_utf8(first.stdout).unwrap();
    assert_eq!(secret.trim().len(), 64);
    assert!(secret.trim().bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(secret, String::from_utf8(second.stdout).unwrap());

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiln.db");
    let bad = run(
        &["--db", db.to_str().unwrap()],
        &[
            ("ACCESS_TOKEN_SECRET", "1234"),
            ("REFRESH_TOKEN_SECRET", "5678"),
        ],
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(stderr.contains("ACCESS_TOKEN_SECRET"), "{stderr}");
    let bad = run(&["--listen", "nowhere"], &[]);
    assert!(String::from_utf8(bad.stderr).unwrap().contains("--listen"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_an_in_flight_login_finish() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let login = server
        .post("/api/login")
        .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
        .send();
    let login = tokio::spawn(login);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let dir = server.stop().await;
    let reply = login.await.unwrap();
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "the login in flight when shutdown began completed"
    );
    let db = rusqlite::Connection::open(dir.path().join("data").join("kiln.db")).unwrap();
    let sessions: i64 = db
        .query_row("SELECT count(*) FROM token_families", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        sessions, 2,
        "signup's and login's sessions were both committed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_are_logged_and_audited_without_secrets() {
    let server = Server::start().await;
    server.signup("audited@example.com").await;
    let wrong = server
        .post("/api/login")
        .json(&json!({"email": "audited@example.com", "password": "not the password"}))
        .send()
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let log = log_text();
    let line = log
        .lines()
        .find(|l| l.contains("action=\"login\"") && l.contains("email=\"audited@example.com\""));
    let line = line.unwrap_or_else(|| panic!("no login attempt logged:\n{log}"));
    assert!(
        line.contains("outcome=\"invalid-credentials\"") && line.contains("ip=127.0.0.1"),
        "{line}"
    );
    assert!(!log.contains("not the password"));
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let rows: Vec<(String, String, String)> = db
        .prepare(
            "SELECT action, outcome, ip FROM audit WHERE email = 'audited@example.com' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected = [("signup", "ok"), ("login", "invalid-credentials")];
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|(a, o, _)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert!(rows.iter().all(|(_, _, ip)| ip == "127.0.0.1"));
}
