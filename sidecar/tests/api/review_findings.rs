//! The seven findings of the outside security review (issue 16), one or more tests each: every
//! test failed against the sidecar the review attacked and passes now.

use hyper::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, Server};

/// Believes `X-Forwarded-For` from the test client, so a test can play several client IPs.
#[allow(dead_code)] // used by the login-limit tests below
pub fn behind_a_proxy(config: &mut kiln_sidecar::Config) {
    config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
}

async fn signup_as(
    server: &Server,
    fullname: &str,
    email: &str,
    password: &str,
) -> crate::support::Reply {
    let body = json!({"fullname": fullname, "email": email, "password": password});
    server.post("/api/signup").json(&body).send().await
}

// Finding 4: look-alike emails made second accounts.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fullwidth_spelling_of_a_registered_email_is_the_same_account() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let fullwidth = signup_as(&server, "Ada", "ａda@example.com", PASSWORD).await;
    assert_eq!(
        fullwidth.status,
        StatusCode::CONFLICT,
        "{}",
        fullwidth.text()
    );
    let login = server
        .post("/api/login")
        .json(&json!({"email": "ＡＤＡ@EXAMPLE.COM", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_with_invisible_characters_or_mixed_scripts_are_422_naming_the_problem() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    for (email, problem) in [
        ("a\u{200b}da@example.com", "invisible"),
        ("ada@ex\u{0430}mple.com", "scripts"),
        ("\u{0430}da@example.com", "scripts"),
    ] {
        let reply = signup_as(&server, "Ada", email, PASSWORD).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email:?}: {}",
            reply.text()
        );
        let message = reply.json()["errors"]["email"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(problem), "{email:?}: {message}");
    }
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let users: i64 = db
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 1, "no second account was made");
}

// Finding 7 (smaller ones): full names, password length, token times.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_names_with_bidi_controls_or_invisible_characters_are_refused() {
    let server = Server::start().await;
    for name in ["Ada \u{202e}ecalevol", "Ada\u{200b}", "\u{2067}Ada"] {
        let reply = signup_as(&server, name, "ada@example.com", PASSWORD).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let message = reply.json()["errors"]["fullname"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("invisible"), "{name:?}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_minimum_counts_characters_not_bytes() {
    let server = Server::start().await;
    let four_letters = signup_as(&server, "Ada", "ada@example.com", "éééé").await;
    assert_eq!(
        four_letters.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "8 bytes, 4 characters"
    );
    let eight = signup_as(&server, "Ada", "ada@example.com", "éàüöçñßø").await;
    assert_eq!(eight.status, StatusCode::CREATED, "{}", eight.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_issued_or_valid_only_in_the_future_are_refused() {
    let server = crate::token_claims::server_with_known_secrets().await;
    server.signup("ada@example.com").await;
    let now = crate::token_claims::now();
    let valid = crate::token_claims::access_claims();
    let sign = |claims| crate::token_claims::sign(&claims, crate::token_claims::ACCESS_SECRET);
    assert_eq!(
        crate::sessions::me(&server, &sign(valid.clone())).await,
        StatusCode::OK
    );
    for (claim, at) in [("iat", now + 60), ("nbf", now + 60)] {
        let mut claims = valid.clone();
        claims[claim] = json!(at);
        let status = crate::sessions::me(&server, &sign(claims)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{claim} a minute ahead");
    }
    let mut within_leeway = valid.clone();
    within_leeway["nbf"] = json!(now + 2);
    within_leeway["iat"] = json!(now + 2);
    assert_eq!(
        crate::sessions::me(&server, &sign(within_leeway)).await,
        StatusCode::OK
    );
}
