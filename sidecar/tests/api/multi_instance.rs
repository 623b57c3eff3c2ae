//! Many sidecars, one truth: `kiln-sidecar` processes sharing one PostgreSQL database, and
//! what happens when that database restarts or a sidecar is killed. Part of the PostgreSQL
//! run of the suite (`tests/api_postgres.rs`) only.
//!
//! The shared-database tests use the server named by `KILN_TEST_POSTGRES`; the fault tests
//! start a cluster of their own with `tests/pg-cluster.sh`, so stopping it disturbs no other
//! test.

use std::process::Command;
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use serde_json::json;

use crate::pg;
use crate::processes::{ACCESS_SECRET, Instance, REFRESH_SECRET, own_cluster};
use crate::support::{Call, PASSWORD};

/// A fresh database on the shared test server, and a folder for the sidecars' logs.
async fn shared_database() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = pg::database_for(dir.path()).await;
    (url, dir)
}

async fn count(url: &str, sql: &str) -> i64 {
    pg::rows(url, sql).await[0][0].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_signups_of_one_email_over_two_instances_make_one_account() {
    let (url, dir) = shared_database().await;
    let a = Instance::start(&url, &dir.path().join("a.log")).await;
    let b = Instance::start(&url, &dir.path().join("b.log")).await;
    let signups = (0..20).map(|n| {
        let instance = if n % 2 == 0 { &a } else { &b };
        async move {
            let ip = format!("192.0.2.{}", n + 1);
            instance.signup("same@example.com", &ip).await
        }
    });
    let replies = futures_join_all(signups).await;
    let statuses: Vec<u16> = replies
        .iter()
        .map(|r| r.as_ref().unwrap().status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM users").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_replayed_on_another_instance_gets_the_grace_pair_once_then_revokes_everywhere()
 {
    let (url, dir) = shared_database().await;
    let a = Instance::start(&url, &dir.path().join("a.log")).await;
    let b = Instance::start(&url, &dir.path().join("b.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    let first = a.login("ada@example.com", "192.0.2.1").await;
    let rotated = a.refresh(&first).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let second = rotated.json()["refreshToken"].as_str().unwrap().to_owned();

    let grace = b.refresh(&first).await;
    assert_eq!(
        grace.status,
        StatusCode::OK,
        "the other tab, on the other instance, within 5 s"
    );
    let tab = grace.json()["refreshToken"].as_str().unwrap().to_owned();
    let replay = b.refresh(&first).await;
    assert_eq!(
        replay.status,
        StatusCode::UNAUTHORIZED,
        "a second replay is a copy"
    );
    for (instance, token) in [(&a, &second), (&b, &second), (&a, &tab), (&b, &tab)] {
        let status = instance.refresh(token).await.status;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the family is revoked");
    }
    let live = count(
        &url,
        "SELECT count(*) FROM token_families WHERE revoked_at IS NULL",
    );
    assert_eq!(live.await, 1, "only signup's session is left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_replay_on_another_instance_revokes_the_session() {
    let (url, dir) = shared_database().await;
    let a = Instance::start(&url, &dir.path().join("a.log")).await;
    let b = Instance::start(&url, &dir.path().join("b.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    let first = a.login("ada@example.com", "192.0.2.1").await;
    let second = a.refresh(&first).await.json()["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(6_200)).await;
    assert_eq!(b.refresh(&first).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.refresh(&second).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_on_one_instance_ends_the_session_on_all() {
    let (url, dir) = shared_database().await;
    let a = Instance::start(&url, &dir.path().join("a.log")).await;
    let b = Instance::start(&url, &dir.path().join("b.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    let token = b.login("ada@example.com", "192.0.2.1").await;
    let out = a
        .post("/api/logout", json!({ "refreshToken": token }), "192.0.2.1")
        .send()
        .await;
    assert_eq!(out.status, StatusCode::OK);
    for instance in [&a, &b] {
        let status = instance.refresh(&token).await.status;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_account_failure_limit_holds_across_instances() {
    let (url, dir) = shared_database().await;
    let a = Instance::start(&url, &dir.path().join("a.log")).await;
    let b = Instance::start(&url, &dir.path().join("b.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    let wrong = json!({"email": "ada@example.com", "password": "not the password"});
    // 20 failures from 20 addresses, alternating instances: the account's ceiling (20 at
    // once) is one counter in the database, so both instances see all 20.
    for n in 0..20 {
        let instance = if n % 2 == 0 { &a } else { &b };
        let ip = format!("198.51.100.{}", n + 1);
        let reply = instance.post("/api/login", wrong.clone(), &ip).send().await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    for (instance, ip) in [(&a, "198.51.100.100"), (&b, "198.51.100.101")] {
        let right = json!({"email": "ada@example.com", "password": PASSWORD});
        let reply = instance.post("/api/login", right, ip).send().await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(reply.header("retry-after").is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_instances_starting_at_once_migrate_once() {
    let (url, dir) = shared_database().await;
    let (url, logs) = (&url, dir.path());
    let starts =
        (0..3).map(|n| async move { Instance::start(url, &logs.join(format!("{n}.log"))).await });
    let instances = futures_join_all(starts).await;
    assert_eq!(instances.len(), 3);
    assert_eq!(count(url, "SELECT version FROM kiln_schema").await, 1);
}

#[test]
fn without_both_secrets_a_postgres_sidecar_refuses_to_start_saying_why() {
    let output = Command::new(env!("CARGO_BIN_EXE_kiln-sidecar"))
        .args(["--db", "postgres://kiln@127.0.0.1:1/nowhere"])
        .env("ACCESS_TOKEN_SECRET", ACCESS_SECRET)
        .env_remove("REFRESH_TOKEN_SECRET")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("REFRESH_TOKEN_SECRET") && stderr.contains("same on every instance"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sidecar_killed_during_signups_loses_no_acknowledged_signup() {
    let (url, dir) = shared_database().await;
    let mut instance = Instance::start(&url, &dir.path().join("a.log")).await;
    let addr = instance.addr;
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = answered.clone();
    let signups = (0..60).map(move |n| {
        let answered = counter.clone();
        async move {
            // Spread over six seconds, so the kill lands among them.
            tokio::time::sleep(Duration::from_millis(100 * n)).await;
            let email = format!("user{n}@example.com");
            let body = json!({"fullname": "Ada Lovelace", "email": email, "password": PASSWORD});
            let ip = format!("203.0.113.{}", n + 1);
            let call = Call::to(addr, Method::POST, "/api/signup")
                .json(&body)
                .header("x-forwarded-for", &ip);
            let reply = call.try_send().await;
            if reply
                .as_ref()
                .is_ok_and(|r| r.status == StatusCode::CREATED)
            {
                answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            (email, reply)
        }
    });
    let all = tokio::spawn(futures_join_all(signups.collect::<Vec<_>>().into_iter()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.load(std::sync::atomic::Ordering::SeqCst) < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    instance.child.kill().unwrap(); // SIGKILL: no drain, no goodbye
    let _ = instance.child.wait();
    let results = all.await.unwrap();
    let acknowledged: Vec<&String> = results
        .iter()
        .filter(|(_, reply)| {
            reply
                .as_ref()
                .is_ok_and(|r| r.status == StatusCode::CREATED)
        })
        .map(|(email, _)| email)
        .collect();
    let lost = results.iter().filter(|(_, reply)| reply.is_err()).count();
    assert!(
        !acknowledged.is_empty() && lost > 0,
        "the kill should land among the signups: {} acknowledged, {lost} cut off",
        acknowledged.len()
    );
    let stored = pg::rows(&url, "SELECT email FROM users").await;
    for email in acknowledged {
        assert!(
            stored.iter().any(|row| &row[0] == email),
            "{email} was acknowledged but is not stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_down_health_and_requests_get_503_then_recover_by_themselves() {
    let cluster = own_cluster();
    let a = Instance::start(&cluster.url, &cluster.dir.path().join("a.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    cluster.stop();

    let health = a.call(Method::GET, "/api/health").send().await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    let started = Instant::now();
    let body = json!({"email": "ada@example.com", "password": PASSWORD});
    let login = a.post("/api/login", body.clone(), "192.0.2.2").send().await;
    assert_eq!(
        login.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        login.text()
    );
    assert!(login.header("retry-after").is_some());
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    let text = login.text().to_lowercase();
    assert!(
        !text.contains("postgres") && !text.contains("connect") && !text.contains("error"),
        "no driver message reaches the client: {text}"
    );

    cluster.start_again();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    while Instant::now() < deadline && status != StatusCode::OK {
        tokio::time::sleep(Duration::from_millis(200)).await;
        status = a.call(Method::GET, "/api/health").send().await.status;
    }
    assert_eq!(status, StatusCode::OK, "healthy again without a restart");
    let login = a.post("/api/login", body, "192.0.2.3").send().await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_gives_503s_never_500s_or_hangs() {
    let cluster = own_cluster();
    let a = Instance::start(&cluster.url, &cluster.dir.path().join("a.log")).await;
    a.signup("ada@example.com", "192.0.2.1").await.unwrap();
    let token = a.login("ada@example.com", "192.0.2.1").await;
    let addr = a.addr;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Four clients, each a read (a taken email: one lookup) and a write (a logout) in turn.
    let clients = (0..4).map(|n| {
        let (stop, token) = (stop.clone(), token.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // An address per request: the per-address limits are not what is tested.
                i += 1;
                let ip = format!("10.{n}.{}.{}", i / 256 % 256, i % 256);
                let taken =
                    json!({"fullname": "A", "email": "ada@example.com", "password": PASSWORD});
                let read = Call::to(addr, Method::POST, "/api/signup").json(&taken);
                let logout = json!({ "refreshToken": token });
                let write = Call::to(addr, Method::POST, "/api/logout").json(&logout);
                for call in [read, write] {
                    let reply = call
                        .header("x-forwarded-for", &ip)
                        .try_send()
                        .await
                        .unwrap();
                    seen.push((reply.status.as_u16(), reply.elapsed));
                }
            }
            seen
        })
    });
    let clients: Vec<_> = clients.collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _cluster = tokio::task::spawn_blocking(move || {
        cluster.restart();
        cluster
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(3_000)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen = Vec::new();
    for client in clients {
        seen.extend(client.await.unwrap());
    }
    let statuses: std::collections::BTreeSet<u16> = seen.iter().map(|(s, _)| *s).collect();
    assert!(
        statuses.iter().all(|s| [409, 200, 429, 503].contains(s)),
        "{statuses:?}"
    );
    let slowest = seen.iter().map(|(_, t)| *t).max().unwrap();
    assert!(
        slowest < Duration::from_secs(8),
        "slowest answer {slowest:?}"
    );
    let after = a.call(Method::GET, "/api/health").send().await;
    assert_eq!(after.status, StatusCode::OK, "recovered by itself");
    let write = a
        .post("/api/logout", json!({ "refreshToken": token }), "192.0.2.9")
        .send()
        .await;
    assert_eq!(write.status, StatusCode::OK);
}

/// Runs all futures concurrently and collects their outputs in order.
async fn futures_join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut pending: Vec<_> = pinned.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        *result = Some(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_require_is_never_downgraded_to_a_plain_connection() {
    let (url, _dir) = shared_database().await;
    // The test server has no TLS: asked for it, the sidecar must refuse to start, not go plain.
    let separator = if url.contains('?') { '&' } else { '?' };
    let config = kiln_sidecar::Config {
        postgres_url: Some(format!("{url}{separator}sslmode=require")),
        access_token_secret: Some(kiln_sidecar::Secret::from_hex("a", ACCESS_SECRET).unwrap()),
        refresh_token_secret: Some(kiln_sidecar::Secret::from_hex("r", REFRESH_SECRET).unwrap()),
        ..kiln_sidecar::Config::default()
    };
    let error = kiln_sidecar::Sidecar::start(config).await.err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("TLS") || message.contains("tls"),
        "{message}"
    );
}
