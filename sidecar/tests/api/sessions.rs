//! Tokens after login: who-am-I, refresh rotation with reuse detection, logout, forgeries.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::StatusCode;
use serde_json::{Value, json};

use crate::support::{PASSWORD, Server};

pub async fn me(server: &Server, access: &str) -> StatusCode {
    server
        .get("/api/me")
        .header("authorization", &format!("Bearer {access}"))
        .send()
        .await
        .status
}

pub async fn refresh(server: &Server, refresh: &str) -> crate::support::Reply {
    server
        .post("/api/refresh")
        .json(&json!({ "refreshToken": refresh }))
        .send()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_answers_the_user_of_a_bearer_token_or_cookie_and_401_otherwise() {
    let server = Server::start().await;
    let id = server.signup("ada@example.com").await.json()["user"]["id"].clone();
    let (access, _) = server.login("ada@example.com").await;
    let reply = server
        .get("/api/me")
        .header("authorization", &format!("Bearer {access}"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["user"],
        json!({"id": id, "fullname": "Ada Lovelace", "email": "ada@example.com"})
    );
    let reply = server
        .get("/api/me")
        .header("cookie", &format!("theme=dark; kiln_access={access}"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = server.get("/api/me").send().await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["success"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_reusing_a_spent_token_revokes_the_whole_family() {
    let server = Server::start_with(|config| config.refresh_reuse_grace = Duration::ZERO).await;
    server.signup("ada@example.com").await;
    let (_, first) = server.login("ada@example.com").await;
    // Tokens issued within the same second must still differ (their ids are random).
    let reply = refresh(&server, &first).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let second = reply.json()["refreshToken"].as_str().unwrap().to_owned();
    let access = reply.json()["accessToken"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(me(&server, &access).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let replay = refresh(&server, &first).await;
    assert_eq!(
        replay.status,
        StatusCode::UNAUTHORIZED,
        "a spent token is refused"
    );
    let after = refresh(&server, &second).await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "reuse revoked the family, including the newest token"
    );

    let revoked = server
        .number("SELECT count(*) FROM token_families WHERE revoked_at IS NOT NULL")
        .await;
    assert_eq!(revoked, 1);
    let other = server
        .number("SELECT count(*) FROM refresh_tokens WHERE length(id_hash) <> 32")
        .await;
    assert_eq!(other, 0, "only SHA-256 hashes of token ids are stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_refreshing_at_once_both_get_a_new_pair() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (_, token) = server.login("ada@example.com").await;
    let (a, b) = tokio::join!(refresh(&server, &token), refresh(&server, &token));
    assert_eq!(
        (a.status, b.status),
        (StatusCode::OK, StatusCode::OK),
        "within the grace window"
    );
    let newer = b.json()["refreshToken"].as_str().unwrap().to_owned();
    assert_eq!(
        refresh(&server, &newer).await.status,
        StatusCode::OK,
        "the family was not revoked"
    );
}

fn refresh_token_of(reply: &crate::support::Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["refreshToken"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_token_replayed_in_the_grace_window_gets_one_new_token_then_revokes_the_session() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (_, first) = server.login("ada@example.com").await;
    let second = refresh_token_of(&refresh(&server, &first).await);
    let other_tab = refresh_token_of(&refresh(&server, &first).await);
    for attempt in 1..=2 {
        let replay = refresh(&server, &first).await;
        assert_eq!(
            replay.status,
            StatusCode::UNAUTHORIZED,
            "replay {attempt} of a token already re-issued minted another session"
        );
    }
    for token in [&second, &other_tab] {
        assert_eq!(
            refresh(&server, token).await.status,
            StatusCode::UNAUTHORIZED,
            "the second replay revoked every token of the session"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_issued_in_the_grace_window_rotates_normally() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (_, first) = server.login("ada@example.com").await;
    let second = refresh_token_of(&refresh(&server, &first).await);
    let other_tab = refresh_token_of(&refresh(&server, &first).await);
    let other_next = refresh_token_of(&refresh(&server, &other_tab).await);
    refresh_token_of(&refresh(&server, &other_next).await);
    refresh_token_of(&refresh(&server, &second).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_works_from_its_cookie_and_sets_new_cookies() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (_, token) = server.login("ada@example.com").await;
    let reply = server
        .post("/api/refresh")
        .header("cookie", &format!("kiln_refresh={token}"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let renewed = reply.cookie("kiln_refresh").unwrap();
    assert_ne!(renewed, token);
    assert!(reply.cookie("kiln_access").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_token_is_refused_at_refresh_and_a_refresh_token_at_me() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (access, refresh_token) = server.login("ada@example.com").await;
    assert_eq!(
        refresh(&server, &access).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&server, &refresh_token).await, StatusCode::UNAUTHORIZED);
    let reply = server
        .get("/api/me")
        .header("cookie", &format!("kiln_access={refresh_token}"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_with_alg_none_a_wrong_signature_or_a_foreign_key_are_refused() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (access, _) = server.login("ada@example.com").await;
    let parts: Vec<&str> = access.split('.').collect();

    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    for forged in [
        format!("{none_header}.{}.", parts[1]),
        format!("{none_header}.{}", parts[1]),
    ] {
        assert_eq!(
            me(&server, &forged).await,
            StatusCode::UNAUTHORIZED,
            "alg none accepted"
        );
    }
    let mut signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    signature[0] ^= 1;
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        URL_SAFE_NO_PAD.encode(&signature)
    );
    assert_eq!(
        me(&server, &tampered).await,
        StatusCode::UNAUTHORIZED,
        "bad signature accepted"
    );

    let mut claims = claims_of(&access);
    claims["sub"] = json!("999");
    let key = jsonwebtoken::EncodingKey::from_secret(&[7u8; 32]);
    kiln_sidecar::install_jwt_crypto();
    let foreign = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    assert_eq!(
        me(&server, &foreign).await,
        StatusCode::UNAUTHORIZED,
        "a token signed with another key was accepted"
    );

    // Edited claims under the original signature (expiry checks: token_claims.rs).
    let mut edited = claims_of(&access);
    edited["exp"] = json!(edited["iat"].as_u64().unwrap() - 60);
    let forged_payload = URL_SAFE_NO_PAD.encode(edited.to_string());
    let unsigned = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    assert_eq!(
        me(&server, &unsigned).await,
        StatusCode::UNAUTHORIZED,
        "edited claims kept the old signature"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_the_session_and_clears_the_cookies() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let (_, json_token) = server.login("ada@example.com").await;
    let reply = server
        .post("/api/logout")
        .json(&json!({ "refreshToken": json_token }))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.set_cookies().iter().all(|c| c.contains("Max-Age=0")),
        "{:?}",
        reply.set_cookies()
    );
    assert_eq!(
        refresh(&server, &json_token).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A plain form post with no JavaScript: the browser sends the refresh cookie scoped to /api/logout.
    let (_, form_token) = server.login("ada@example.com").await;
    let reply = server
        .post("/api/logout")
        .form(&[("next", "/goodbye/")])
        .header("cookie", &format!("kiln_refresh={form_token}"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/goodbye/");
    assert_eq!(reply.cookie("kiln_access").as_deref(), Some(""));
    assert_eq!(
        refresh(&server, &form_token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = server.post("/api/logout").form(&[]).send().await;
    assert_eq!(again.location(), "/", "signing out twice still signs out");
}

/// Each cookie's name with the attributes a browser matches it by (Path, Domain, and the
/// SameSite and Secure it was set with), sorted: a clearing cookie must repeat them exactly.
fn cookie_scopes(reply: &crate::support::Reply) -> Vec<String> {
    let mut scopes: Vec<String> = reply
        .set_cookies()
        .iter()
        .map(|cookie| {
            let mut parts = cookie.split(';').map(str::trim);
            let name = parts.next().unwrap_or("").split('=').next().unwrap_or("");
            let mut kept: Vec<&str> = parts
                .filter(|attribute| {
                    let key = attribute.split('=').next().unwrap_or("");
                    ["path", "domain", "samesite", "secure"].contains(&&*key.to_ascii_lowercase())
                })
                .collect();
            kept.sort_unstable();
            format!("{name}; {}", kept.join("; "))
        })
        .collect();
    scopes.sort();
    scopes
}

/// Logs in and signs out by JSON and by form (a form from `origin`), returning the cookies.
async fn assert_logout_clears_cookies_as_set(server: &Server, origin: &str) -> Vec<String> {
    server.signup("ada@example.com").await;
    let credentials = [("email", "ada@example.com"), ("password", PASSWORD)];
    let login = server
        .post("/api/login")
        .form(&credentials)
        .replace_header("origin", origin)
        .send()
        .await;
    let set = cookie_scopes(&login);
    assert_eq!(
        set.len(),
        5,
        "session, hint and device cookies: {:?}",
        login.set_cookies()
    );
    let refresh_name = set.iter().find(|c| c.contains("kiln_refresh")).unwrap();
    let refresh_name = refresh_name.split(';').next().unwrap();
    let token = login.cookie(refresh_name).unwrap();
    let json_logout = server
        .post("/api/logout")
        .json(&json!({ "refreshToken": token }));
    let form_logout = server
        .post("/api/logout")
        .form(&[])
        .replace_header("origin", origin);
    let session_scopes: Vec<String> = set
        .iter()
        .filter(|c| !c.contains("kiln_device"))
        .cloned()
        .collect();
    for logout in [json_logout, form_logout] {
        let reply = logout.send().await;
        assert_eq!(
            cookie_scopes(&reply),
            session_scopes,
            "{} {}",
            reply.status,
            reply.text()
        );
    }
    set
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_clears_each_cookie_with_the_path_samesite_and_secure_it_was_set_with() {
    let server = Server::start().await;
    let plain = assert_logout_clears_cookies_as_set(&server, crate::support::SITE).await;
    assert!(plain.iter().all(|c| !c.contains("Secure")), "{plain:?}");
    let https = Server::start_with(|config| {
        config.allowed_origins = vec!["https://example.com".into()];
    })
    .await;
    let secure = assert_logout_clears_cookies_as_set(&https, "https://example.com").await;
    assert!(secure.iter().all(|c| c.contains("Secure")), "{secure:?}");
}
