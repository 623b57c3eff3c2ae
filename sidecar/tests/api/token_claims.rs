//! Token validation, claim by claim: tokens signed with the server's real secrets are refused
//! when expired, when a required claim is missing or wrong, or when `typ` names the other kind.

use std::time::{SystemTime, UNIX_EPOCH};

use hyper::StatusCode;
use jsonwebtoken::{EncodingKey, Header};
use kiln_sidecar::Secret;
use serde_json::{Value, json};

use crate::sessions::{me, refresh};
use crate::support::{Server, remember_secret};

pub const ACCESS_SECRET: [u8; 32] = [0x11; 32];
pub const REFRESH_SECRET: [u8; 32] = [0x22; 32];

/// A server whose secrets the tests know, with the account the test tokens name (id 1).
pub async fn server_with_known_secrets() -> Server {
    let server = Server::start_with(|config| {
        let secret = |name, bytes: [u8; 32]| Secret::from_hex(name, &hex::encode(bytes)).ok();
        config.access_token_secret = secret("ACCESS_TOKEN_SECRET", ACCESS_SECRET);
        config.refresh_token_secret = secret("REFRESH_TOKEN_SECRET", REFRESH_SECRET);
    })
    .await;
    server.signup("ada@example.com").await;
    server
}

pub fn now() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since_epoch.as_secs()).unwrap()
}

/// Claims the server issues for an access token, valid for the next 15 minutes.
pub fn access_claims() -> Value {
    json!({
        "sub": "1", "fullname": "Ada Lovelace", "email": "ada@example.com",
        "iat": now(), "exp": now() + 900, "iss": "kiln-sidecar", "aud": "kiln",
        "typ": "access", "jti": "00112233445566778899aabbccddeeff",
    })
}

pub fn sign(claims: &Value, secret: [u8; 32]) -> String {
    kiln_sidecar::install_jwt_crypto();
    let token = jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(&secret),
    )
    .unwrap();
    remember_secret(&token);
    token
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correctly_signed_access_token_is_refused_once_expired() {
    let server = server_with_known_secrets().await;
    let valid = sign(&access_claims(), ACCESS_SECRET);
    assert_eq!(
        me(&server, &valid).await,
        StatusCode::OK,
        "the test signs like the server"
    );
    let expired = with(access_claims(), "exp", json!(now() - 60));
    let expired = with(expired, "iat", json!(now() - 960));
    assert_eq!(
        me(&server, &sign(&expired, ACCESS_SECRET)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_seven_seconds_past_expiry_is_refused_as_leeway_is_at_most_five_seconds() {
    let server = server_with_known_secrets().await;
    let late = with(access_claims(), "exp", json!(now() - 7));
    assert_eq!(
        me(&server, &sign(&late, ACCESS_SECRET)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_missing_iss_aud_sub_or_exp_are_refused() {
    let server = server_with_known_secrets().await;
    for claim in ["iss", "aud", "sub", "exp"] {
        let mut claims = access_claims();
        claims.as_object_mut().unwrap().remove(claim);
        assert_eq!(
            me(&server, &sign(&claims, ACCESS_SECRET)).await,
            StatusCode::UNAUTHORIZED,
            "a token without {claim} was accepted"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_from_another_issuer_or_for_another_audience_are_refused() {
    let server = server_with_known_secrets().await;
    for (claim, value) in [("iss", "evil-issuer"), ("aud", "another-app")] {
        let claims = with(access_claims(), claim, json!(value));
        assert_eq!(
            me(&server, &sign(&claims, ACCESS_SECRET)).await,
            StatusCode::UNAUTHORIZED,
            "a token with {claim} {value:?} was accepted"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_typ_signed_with_the_access_secret_is_refused_at_me() {
    let server = server_with_known_secrets().await;
    let claims = with(access_claims(), "typ", json!("refresh"));
    assert_eq!(
        me(&server, &sign(&claims, ACCESS_SECRET)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_typ_signed_with_the_refresh_secret_is_refused_at_me() {
    let server = server_with_known_secrets().await;
    assert_eq!(
        me(&server, &sign(&access_claims(), REFRESH_SECRET)).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_refresh_an_access_typ_or_the_access_secret_is_refused() {
    let server = server_with_known_secrets().await;
    let (_, token) = server.login("ada@example.com").await;
    let claims = crate::sessions::claims_of(&token);
    let as_access = with(claims.clone(), "typ", json!("access"));
    let reply = refresh(&server, &sign(&as_access, REFRESH_SECRET)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text());
    let reply = refresh(&server, &sign(&claims, ACCESS_SECRET)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "typ refresh under the access secret: {}",
        reply.text()
    );
    // The same live token id, typ and secret are accepted: only what changed was refused above.
    let reply = refresh(&server, &sign(&claims, REFRESH_SECRET)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}
