//! Signup and login, over JSON and as HTML form posts.

use std::time::Duration;

use hyper::{Method, StatusCode};
use serde_json::json;

use crate::support::{PASSWORD, SITE, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_returns_201_with_the_user_and_stores_only_a_cost_12_hash() {
    let server = Server::start().await;
    let reply = server.signup("  Ada@Example.com ").await;
    let body = reply.json();
    assert_eq!(body["success"], true);
    let user = &body["user"];
    assert_eq!(user["fullname"], "Ada Lovelace");
    assert_eq!(
        user["email"], "ada@example.com",
        "emails are trimmed and lowercased"
    );
    assert!(
        user["id"].is_i64() && user["created_at"].is_string(),
        "{user}"
    );
    assert_eq!(
        user.as_object().unwrap().len(),
        4,
        "a user is exactly id, fullname, email, created_at"
    );

    let hash = server.rows("SELECT password_hash FROM users").await[0][0].clone();
    assert!(hash.starts_with("$2b$12$"), "{hash}");
    assert!(
        !reply.text().contains(&hash) && !reply.text().contains("$2b$"),
        "the response carries the hash"
    );
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_with_bad_fields_is_422_naming_each_field() {
    let server = Server::start().await;
    let reply = server
        .post("/api/signup")
        .json(&json!({"fullname": " ", "email": "not-an-email", "password": "short"}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = reply.json();
    assert_eq!(body["success"], false);
    for field in ["fullname", "email", "password"] {
        assert!(
            body["errors"][field].is_string(),
            "no message for {field}: {body}"
        );
    }
    let long = "x".repeat(73);
    let reply = server
        .post("/api/signup")
        .json(&json!({"fullname": "Ada", "email": "ada@example.com", "password": long}))
        .send()
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "73-byte passwords are refused, not truncated"
    );
    let reply = server
        .post("/api/signup")
        .json(
            &json!({"fullname": "Ada", "email": "ada@example.com", "password": "nul\u{0}inside!"}),
        )
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = server
        .post("/api/signup")
        .header("content-type", "application/json")
        .raw_body(b"{\"email\":".to_vec())
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_form_errors_redirect_back_with_a_fragment() {
    let server = Server::start().await;
    let cases = [
        (
            vec![
                ("fullname", "Ada"),
                ("email", "nope"),
                ("password", PASSWORD),
            ],
            "/signup/#invalid-email",
        ),
        (
            vec![
                ("fullname", "Ada"),
                ("email", "ada@example.com"),
                ("password", "short"),
            ],
            "/signup/#weak-password",
        ),
        (
            vec![
                ("fullname", ""),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ],
            "/signup/#invalid-name",
        ),
    ];
    for (fields, expected) in cases {
        let reply = server.post("/api/signup").form(&fields).send().await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.location(), expected);
    }
    let referer = format!("{SITE}/signup/?next=/shows/#weak-password");
    let fields = [("fullname", "Ada"), ("email", "x"), ("password", PASSWORD)];
    let reply = server
        .post("/api/signup")
        .form(&fields)
        .header("referer", &referer)
        .send()
        .await;
    assert_eq!(
        reply.location(),
        format!("{SITE}/signup/?next=/shows/#invalid-email"),
        "back to the page it came from"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signup_form_success_redirects_to_next_with_cookies_and_a_taken_email_says_so() {
    let server = Server::start().await;
    let fields = [
        ("fullname", "Ada"),
        ("email", "ada@example.com"),
        ("password", PASSWORD),
        ("next", "/shows/"),
    ];
    let reply = server.post("/api/signup").form(&fields).send().await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/shows/");
    let cookies = reply.set_cookies().join("\n");
    assert!(
        cookies.contains("kiln_access=") && cookies.contains("kiln_refresh="),
        "{cookies}"
    );
    assert!(
        !cookies.contains("Secure"),
        "plain HTTP on loopback is the development case"
    );

    let fields = [
        ("fullname", "Ada"),
        ("email", "ADA@example.com"),
        ("password", PASSWORD),
    ];
    let reply = server.post("/api/signup").form(&fields).send().await;
    assert_eq!(
        reply.location(),
        "/signup/#email-taken",
        "emails are unique case-insensitively"
    );
    let reply = server
        .post("/api/signup")
        .json(&json!({"fullname": "Ada", "email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json()["success"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_signups_of_one_email_create_exactly_one_account() {
    let server = Server::start_with(|config| {
        config.limits.per_ip_burst = 100;
        config.limits.per_ip_per_minute = 100;
    })
    .await;
    let body = json!({"fullname": "Ada", "email": "race@example.com", "password": PASSWORD});
    let calls = (0..50).map(|_| server.post("/api/signup").json(&body).send());
    let replies = futures_join_all(calls).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        1,
        "statuses: {:?}",
        replies
            .iter()
            .map(|r| r.status.as_u16())
            .collect::<Vec<_>>()
    );
    assert!(
        replies
            .iter()
            .all(|r| [201, 409, 503].contains(&r.status.as_u16()))
    );
    let count = server.number("SELECT count(*) FROM users").await;
    assert_eq!(count, 1);
}

/// Runs all futures concurrently on the runtime and collects their outputs in order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_returns_both_tokens_and_sets_scoped_cookies() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let reply = server
        .post("/api/login")
        .json(&json!({"email": "ADA@example.com ", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["success"], true);
    assert!(body["accessToken"].is_string() && body["refreshToken"].is_string());
    let cookies = reply.set_cookies();
    assert!(cookies.iter().any(|c| c.starts_with("kiln_access=")
        && c.contains("Path=/;")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    assert!(cookies.iter().any(|c| c.starts_with("kiln_refresh=")
        && c.contains("Path=/api/refresh;")
        && c.contains("SameSite=Strict")));
    let hint = cookies.iter().find(|c| c.starts_with("kiln_name="));
    assert_eq!(
        hint.map(String::as_str),
        Some("kiln_name=Ada; Path=/; Max-Age=604800; SameSite=Lax"),
        "the signed-in hint: the first name, readable by scripts, no token"
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_unknown_email_is_401_like_a_wrong_password() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let attempt = |email: &'static str| {
        let request = server.post("/api/login");
        async move {
            let body = json!({"email": email, "password": "wrong password"});
            request.json(&body).send().await
        }
    };
    // Three of each, interleaved: the fastest of each is its own cost, whatever else the
    // machine was doing (other tests, other builds) during the slower ones. Three wrong
    // passwords stay under the per-account burst of five.
    let (mut fastest_wrong, mut fastest_unknown) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let wrong = attempt("ada@example.com").await;
        let unknown = attempt("nobody@example.com").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.body, unknown.body, "same answer for both");
        assert_eq!(unknown.json()["message"], "Invalid email or password");
        fastest_wrong = fastest_wrong.min(wrong.elapsed);
        fastest_unknown = fastest_unknown.min(unknown.elapsed);
    }
    // Both pay one cost-12 bcrypt verification (~0.3 s); an unknown email must not be quicker.
    let ratio = fastest_unknown.as_secs_f64() / fastest_wrong.as_secs_f64();
    assert!(
        ratio > 0.5,
        "unknown email took {fastest_unknown:?} at best, wrong password {fastest_wrong:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_form_redirects_to_next_on_success_and_back_with_a_fragment_on_failure() {
    let server = Server::start().await;
    server.signup("ada@example.com").await;
    let reply = server
        .post("/api/login")
        .form(&[("email", "ada@example.com"), ("password", "wrong password")])
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login/#invalid-credentials");
    assert!(reply.set_cookies().is_empty());
    let fields = [
        ("email", "ada@example.com"),
        ("password", PASSWORD),
        ("next", "/shows/the-pod/"),
    ];
    let reply = server.post("/api/login").form(&fields).send().await;
    assert_eq!(reply.location(), "/shows/the-pod/");
    assert!(reply.cookie("kiln_access").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_on_signup_and_login_says_to_post_and_other_methods_are_405() {
    let server = Server::start().await;
    for (path, name) in [("/api/signup", "Signup"), ("/api/login", "Login")] {
        let reply = server.get(path).send().await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.json()["message"],
            format!("{name} API is working. Use POST to send data.")
        );
    }
    for (method, path, allow) in [
        (Method::PUT, "/api/login", "GET, POST, OPTIONS"),
        (Method::DELETE, "/api/signup", "GET, POST, OPTIONS"),
        (Method::GET, "/api/refresh", "POST, OPTIONS"),
        (Method::GET, "/api/logout", "POST, OPTIONS"),
        (Method::POST, "/api/me", "GET, OPTIONS"),
        (Method::POST, "/api/health", "GET, OPTIONS"),
    ] {
        let reply = server.request(method.clone(), path).send().await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
    }
    assert_eq!(
        server.get("/api/nothing").send().await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get("/elsewhere/login").send().await.status,
        StatusCode::NOT_FOUND
    );
}
