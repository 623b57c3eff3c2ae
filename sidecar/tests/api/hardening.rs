//! Fixes from the security review: each test pins one hole that stays closed.

use std::time::Duration;

use hyper::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, Server, log_text};

/// Believes `X-Forwarded-For` from the test client, so each test can play several client IPs.
fn behind_a_proxy(config: &mut kiln_sidecar::Config) {
    config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_flood_from_one_ip_cannot_make_another_ips_login_busy() {
    let server = Server::start_with(|config| {
        behind_a_proxy(config);
        // Two workers and eight waiting: ten jobs, exactly one IP's rate-limit burst.
        config.hash_workers = 2;
        config.hash_queue = 8;
    })
    .await;
    server.signup("regular@example.com").await;
    let flood: Vec<_> = (0..10)
        .map(|n| {
            let guess =
                json!({"email": format!("guess{n}@example.com"), "password": "wrong password"});
            let call = server.post("/api/login").json(&guess);
            tokio::spawn(call.header("x-forwarded-for", "198.51.100.1").send())
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let regular = server
        .post("/api/login")
        .json(&json!({"email": "regular@example.com", "password": PASSWORD}))
        .header("x-forwarded-for", "198.51.100.2")
        .send()
        .await;
    assert_eq!(regular.status, StatusCode::OK, "{}", regular.text());
    let mut statuses = Vec::new();
    for call in flood {
        let reply = call.await.unwrap();
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(reply.header("retry-after"), Some("1"));
        }
        statuses.push(reply.status.as_u16());
    }
    assert!(
        statuses.iter().all(|s| [401, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&429),
        "a burst from one IP is held to its share of the pool: {statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_fields_that_are_not_utf8_are_refused_not_patched_into_another_password() {
    let server = Server::start().await;
    let latin1 = b"fullname=Ada&email=latin1%40example.com&password=caf%E9caf%E9".to_vec();
    let signup = server
        .post("/api/signup")
        .form(&[])
        .raw_body(latin1)
        .send()
        .await;
    assert_eq!(signup.location(), "/signup/#bad-request");
    let other_bytes = b"email=latin1%40example.com&password=caf%E8caf%FF".to_vec();
    let login = server
        .post("/api/login")
        .form(&[])
        .raw_body(other_bytes)
        .send()
        .await;
    assert_eq!(login.location(), "/login/#bad-request");
    let users = server.number("SELECT count(*) FROM users").await;
    assert_eq!(users, 0, "no account was made from a garbled password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_refused_attempts_leaves_one_audit_row_and_one_log_line() {
    // The burst of 10, refilled once a minute instead of every 2 s: 40 attempts may take longer
    // than 2 s on a busy machine, and the test is about what the refused ones leave behind.
    let server = Server::start_with(|config| {
        behind_a_proxy(config);
        config.limits.per_ip_per_minute = 1;
    })
    .await;
    let attempt = json!({"email": "flooded@example.com", "password": "short"});
    let from = |ip: &str| {
        server
            .post("/api/login")
            .json(&attempt)
            .header("x-forwarded-for", ip)
    };
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(from("192.0.2.40").send().await.status.as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        30,
        "{statuses:?}"
    );
    // Audit rows are committed in order: once this one is in, every row of the flood is too.
    from("192.0.2.41").send().await;
    let rows = async |ip: &str, outcome: &str| -> i64 {
        let sql = format!("SELECT count(*) FROM audit WHERE ip = '{ip}' AND outcome = '{outcome}'");
        server.number(&sql).await
    };
    for _ in 0..50 {
        if rows("192.0.2.41", "invalid-credentials").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows("192.0.2.41", "invalid-credentials").await, 1);
    // Audit rows are written in order on SQLite; on PostgreSQL each is its own background
    // insert, so the flood's rows may land just after the last one.
    for _ in 0..50 {
        if rows("192.0.2.40", "invalid-credentials").await == 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows("192.0.2.40", "invalid-credentials").await, 10);
    assert_eq!(rows("192.0.2.40", "too-many-attempts").await, 1);
    let logged = log_text()
        .lines()
        .filter(|l| l.contains("ip=192.0.2.40") && l.contains("too-many-attempts"))
        .count();
    assert_eq!(logged, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_of_exactly_72_bytes_sign_up_and_log_in_by_json_and_by_form() {
    let server = Server::start_with(|config| config.limits.per_ip_burst = 100).await;
    let ascii = "a".repeat(71) + "z";
    let multi_byte = "é".repeat(36);
    for (n, password) in [&ascii, &ascii, &multi_byte, &multi_byte]
        .into_iter()
        .enumerate()
    {
        assert_eq!(password.len(), 72);
        let email = format!("long{n}@example.com");
        let fields = [
            ("fullname", "Ada"),
            ("email", &email),
            ("password", password),
        ];
        if n % 2 == 0 {
            let body = json!({"fullname": "Ada", "email": email, "password": password});
            let signup = server.post("/api/signup").json(&body).send().await;
            assert_eq!(signup.status, StatusCode::CREATED, "{}", signup.text());
            let body = json!({"email": email, "password": password});
            let login = server.post("/api/login").json(&body).send().await;
            assert_eq!(login.status, StatusCode::OK, "{}", login.text());
        } else {
            for path in ["/api/signup", "/api/login"] {
                let reply = server.post(path).form(&fields).send().await;
                assert_eq!(reply.location(), "/", "{path} with {n}");
                assert!(reply.cookie("kiln_access").is_some(), "{path} with {n}");
            }
        }
    }
    let last_byte_differs = json!({"email": "long0@example.com", "password": "a".repeat(72)});
    let wrong = server
        .post("/api/login")
        .json(&last_byte_differs)
        .send()
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNAUTHORIZED,
        "the 72nd byte counts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_73_byte_password_is_refused_with_the_per_field_message() {
    let server = Server::start().await;
    let body = json!({"fullname": "Ada", "email": "ada@example.com", "password": "a".repeat(73)});
    let reply = server.post("/api/signup").json(&body).send().await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = &reply.json()["errors"];
    assert_eq!(errors["password"], "Password must be at most 72 bytes");
    let multi_byte = "é".repeat(36) + "a";
    let fields = [
        ("fullname", "Ada"),
        ("email", "ada@example.com"),
        ("password", &multi_byte),
    ];
    let reply = server.post("/api/signup").form(&fields).send().await;
    assert_eq!(reply.location(), "/signup/#weak-password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_of_another_language_without_referer_goes_back_to_that_languages_page() {
    let server = Server::start().await;
    let fields = [
        ("fullname", "Ada"),
        ("email", "not-an-email"),
        ("password", "long enough"),
    ];
    let reply = server
        .post("/api/signup?lang=ur")
        .form(&fields)
        .send()
        .await;
    assert_eq!(reply.location(), "/ur/signup/#invalid-email");
    let odd = server
        .post("/api/signup?lang=/evil.example")
        .form(&fields)
        .send()
        .await;
    assert_eq!(
        odd.location(),
        "/signup/#invalid-email",
        "a code that is no code is ignored"
    );
}
