//! Starting, restarting and stopping: settings, secrets, migrations, health, drain, logs.

use std::time::Duration;

use hyper::StatusCode;
use serde_json::json;

use kiln_sidecar::Secret;

use crate::support::{PASSWORD, Server, log_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_200_after_a_database_round_trip() {
    let server = Server::start().await;
    let reply = server.get("/api/health").send().await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"success": true, "status": "ok"}));
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
    let sessions =
        crate::support::number_in(dir.path(), "SELECT count(*) FROM token_families").await;
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
    let sql =
        "SELECT action, outcome, ip FROM audit WHERE email = 'audited@example.com' ORDER BY id";
    let mut rows = Vec::new();
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        rows = server.rows(sql).await;
        if rows.len() >= 2 {
            break;
        }
    }
    let expected = [("signup", "ok"), ("login", "invalid-credentials")];
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    assert_eq!(got, expected);
    assert!(rows.iter().all(|row| row[2] == "127.0.0.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_secrets_with_the_old_ones_verifying_signs_nobody_out() {
    let (old_access, old_refresh) = (Secret::generate().unwrap(), Secret::generate().unwrap());
    let (new_access, new_refresh) = (Secret::generate().unwrap(), Secret::generate().unwrap());
    let (a, r) = (old_access.clone(), old_refresh.clone());
    let server = Server::start_with(move |config| {
        config.access_token_secret = Some(a);
        config.refresh_token_secret = Some(r);
    })
    .await;
    server.signup("ada@example.com").await;
    let (access, refresh) = server.login("ada@example.com").await;

    let (a, r) = (new_access.clone(), new_refresh.clone());
    let server = Server::start_in(server.stop().await, move |config| {
        config.access_token_secret = Some(a);
        config.refresh_token_secret = Some(r);
        config.previous_access_token_secret = Some(old_access);
        config.previous_refresh_token_secret = Some(old_refresh);
    })
    .await;
    assert_eq!(crate::sessions::me(&server, &access).await, StatusCode::OK);
    let renewed = crate::sessions::refresh(&server, &refresh).await;
    assert_eq!(
        renewed.status,
        StatusCode::OK,
        "old sessions rotate onto the new secret"
    );
    let renewed = renewed.json()["refreshToken"].as_str().unwrap().to_owned();

    let server = Server::start_in(server.stop().await, move |config| {
        config.access_token_secret = Some(new_access);
        config.refresh_token_secret = Some(new_refresh);
    })
    .await;
    assert_eq!(
        crate::sessions::me(&server, &access).await,
        StatusCode::UNAUTHORIZED,
        "once the old secret is dropped, its tokens stop verifying"
    );
    let again = crate::sessions::refresh(&server, &renewed).await;
    assert_eq!(again.status, StatusCode::OK, "the rotated session lives on");
}
