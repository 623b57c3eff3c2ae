//! Load benchmark on loopback, per store (SQLite; PostgreSQL with one and two sidecars, see
//! `stores.rs`): bcrypt ceiling, logins/s against it, `/health` and `/me` latency
//! while logins saturate the CPU, `/me` and `/refresh` throughput, and peak memory.
//!
//! `cargo bench -p kiln-sidecar --bench load`; `KILN_BENCH_SECONDS` sets each phase's length
//! (default 9) and `KILN_BENCH_PHASES` picks phases (default `logins,me,refresh`, e.g. to profile
//! one). Every phase stops at its deadline or after `MAX_REQUESTS`, whichever is first.
//!
//! The `flood` phase (not run by default; `KILN_BENCH_FLOOD_SECONDS`, default 60) is the
//! review's attack on a sidecar with default limits: one session refreshed back to back on one
//! connection, and how much bigger the database and its WAL are afterwards.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kiln_sidecar::{Config, Sidecar};

mod client;
mod stores;

use client::{Conn, field, get, post};

const PASSWORD: &str = "correct horse battery";
/// No phase sends more than this many requests, whatever its duration.
const MAX_REQUESTS: u64 = 2_000_000;
/// Keep-alive connections used for the throughput phases.
const CONNECTIONS: usize = 64;
const PROBE_EVERY: Duration = Duration::from_millis(10);
/// Ceiling and login measurements alternate this many times.
const ROUNDS: u32 = 3;
/// Time for the logins to fill the hashing queue before a login window opens.
const WARM_UP: Duration = Duration::from_millis(1000);

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let seconds = std::env::var("KILN_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let phase = Duration::from_secs(seconds);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!("kiln-sidecar load benchmark: {cores} cores, {seconds} s per phase, loopback only");
    let phases = std::env::var("KILN_BENCH_PHASES").unwrap_or_else(|_| "logins,me,refresh".into());
    let phases: Vec<&str> = phases.split(',').map(str::trim).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cores, phase, &phases))?;
    println!(
        "peak RSS                {:>9.1} MiB      (server and load generator, one process)",
        peak_rss_mib()
    );
    Ok(())
}

/// Cost-12 verifications per second (as logins do) with every core busy for `slice`. Each
/// thread's rate is taken over its own run, so the last hash of one thread, running on while the
/// others are done, does not count as an idle core.
fn bcrypt_slice(cores: usize, slice: Duration) -> f64 {
    let hash = bcrypt::hash(PASSWORD, 12).unwrap_or_default();
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let mut count = 0u32;
                    while started.elapsed() < slice {
                        let _ = bcrypt::verify(PASSWORD, &hash);
                        count += 1;
                    }
                    f64::from(count) / started.elapsed().as_secs_f64()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0.0)).sum()
    })
}

async fn run(cores: usize, phase: Duration, phases: &[&str]) -> Result<(), Error> {
    let mut table = Vec::new();
    for (tag, setup) in stores::setups().iter().enumerate() {
        println!("\n== {} ==", setup.name);
        let dir = tempfile::tempdir()?;
        let addrs = stores::start(setup, dir.path(), cores, tag).await?;
        let figures = run_setup(
            &addrs,
            dir.path(),
            setup.postgres.is_none(),
            cores,
            phase,
            phases,
        )
        .await?;
        table.push((setup.name.clone(), figures));
    }
    if table.len() > 1 {
        print_table(&table);
    }
    Ok(())
}

/// What one setup measured, for the side-by-side table.
#[derive(Default)]
struct Figures {
    ceiling: f64,
    logins: f64,
    health_p99: f64,
    me_p99: f64,
    me: f64,
    refresh: f64,
}

/// A row of the table: its label and how a setup's figures read in it.
type Row = (&'static str, fn(&Figures) -> String);

fn print_table(table: &[(String, Figures)]) {
    println!(
        "\n{:<34}{}",
        "side by side",
        table
            .iter()
            .map(|(name, _)| format!("{name:>26}"))
            .collect::<String>()
    );
    let rows: [Row; 6] = [
        ("bcrypt ceiling (hashes/s)", |f| format!("{:.2}", f.ceiling)),
        ("logins/s (% of ceiling)", |f| {
            format!("{:.2} ({:.1} %)", f.logins, 100.0 * f.logins / f.ceiling)
        }),
        ("/health p99 under logins (ms)", |f| {
            format!("{:.2}", f.health_p99)
        }),
        ("/me p99 under logins (ms)", |f| format!("{:.2}", f.me_p99)),
        ("/me (req/s)", |f| format!("{:.0}", f.me)),
        ("/refresh (req/s)", |f| format!("{:.0}", f.refresh)),
    ];
    for (label, value) in rows {
        let cells: String = table
            .iter()
            .map(|(_, f)| format!("{:>26}", value(f)))
            .collect();
        println!("{label:<34}{cells}");
    }
}

async fn run_setup(
    addrs: &[SocketAddr],
    dir: &std::path::Path,
    sqlite: bool,
    cores: usize,
    phase: Duration,
    phases: &[&str],
) -> Result<Figures, Error> {
    let mut figures = Figures::default();
    let addr = addrs[0];
    let emails: Vec<String> = (0..cores).map(|n| format!("user{n}@example.com")).collect();
    for email in &emails {
        let body =
            format!(r#"{{"fullname":"Load {email}","email":"{email}","password":"{PASSWORD}"}}"#);
        let (status, _) = Conn::open(addr)
            .await?
            .send(&post("/api/signup", &body, ""))
            .await?;
        if status != 201 {
            return Err(format!("signup answered {status}").into());
        }
    }
    let (_, body) = Conn::open(addr)
        .await?
        .send(&login_request(&emails[0]))
        .await?;
    let access = field(&body, "accessToken").ok_or("login gave no access token")?;
    if phases.contains(&"logins") {
        login_phase(addrs, &emails, &access, cores, phase, &mut figures).await?;
    }
    if phases.contains(&"me") {
        let me = get("/api/me", &format!("Authorization: Bearer {access}\r\n"));
        figures.me = throughput(addrs, phase, vec![me; CONNECTIONS]).await?;
        println!(
            "/me                     {:>9.0} req/s    ({CONNECTIONS} keep-alive connections)",
            figures.me
        );
    }
    if phases.contains(&"flood") && sqlite {
        flood_phase().await?;
    }
    if phases.contains(&"refresh") {
        let chains = sessions(addr, &emails[0], CONNECTIONS, cores).await?;
        let before = db_bytes(dir);
        figures.refresh = refresh_throughput(addrs, phase, chains).await?;
        println!(
            "/refresh                {:>9.0} req/s    ({CONNECTIONS} sessions rotating, each rotation durably committed before its answer)",
            figures.refresh
        );
        if sqlite {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let after = db_bytes(dir);
            println!(
                "  database growth       {:>9.1} KiB      (limits lifted; kiln.db {} -> {} bytes, WAL {} -> {} bytes)",
                growth_kib(before, after),
                before.0,
                after.0,
                before.1,
                after.1
            );
        }
    }
    Ok(figures)
}

fn login_request(email: &str) -> Vec<u8> {
    post(
        "/api/login",
        &format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#),
        "",
    )
}

/// `count` independent sessions, one login each, as `count` people would hold them, logged in
/// `parallel` at a time. They cannot be forked from one token: presenting a spent refresh token
/// more than once is taken for theft and revokes the whole session.
async fn sessions(
    addr: SocketAddr,
    email: &str,
    count: usize,
    parallel: usize,
) -> Result<Vec<String>, Error> {
    let mut workers = Vec::with_capacity(parallel);
    for worker in 0..parallel {
        let request = login_request(email);
        let share = (worker..count).step_by(parallel).count();
        workers.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await?;
            let mut tokens = Vec::with_capacity(share);
            for _ in 0..share {
                let (status, body) = conn.send(&request).await?;
                let token = field(&body, "refreshToken").filter(|_| status == 200);
                tokens.push(token.ok_or_else(|| Error::from(format!("login answered {status}")))?);
            }
            Ok::<_, Error>(tokens)
        }));
    }
    let mut chains = Vec::with_capacity(count);
    for worker in workers {
        chains.extend(worker.await??);
    }
    Ok(chains)
}

/// Alternates slices of the bcrypt ceiling and of logins (the load other programs put on a shared
/// machine drifts, and this keeps both figures under the same drift), probing `/health` and
/// `/me` while the logins saturate the CPU.
async fn login_phase(
    addrs: &[SocketAddr],
    emails: &[String],
    access: &str,
    cores: usize,
    phase: Duration,
    figures: &mut Figures,
) -> Result<(), Error> {
    let slice = phase / ROUNDS;
    let (mut ceilings, mut logins, mut login_secs) = (0.0, 0, 0.0);
    let (mut health, mut me) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ceilings += bcrypt_slice(cores, slice);
        let round = login_slice(addrs, emails, access, cores, slice).await?;
        (logins, login_secs) = (logins + round.logins, login_secs + round.secs);
        health.extend(round.health);
        me.extend(round.me);
    }
    let (ceiling, rate) = (ceilings / f64::from(ROUNDS), logins as f64 / login_secs);
    println!("bcrypt ceiling          {ceiling:>9.2} hashes/s  (cost 12, {cores} threads busy)");
    println!(
        "logins                  {rate:>9.2} /s       ({:.1} % of the bcrypt ceiling, {} clients)",
        100.0 * rate / ceiling,
        cores * 3
    );
    (figures.ceiling, figures.logins) = (ceiling, rate);
    health.sort();
    me.sort();
    (figures.health_p99, figures.me_p99) = (ms(&health, 99), ms(&me, 99));
    for (name, latencies) in [("/health", health), ("/me", me)] {
        println!(
            "{:<24}p50 {:>6.2} ms  p99 {:>6.2} ms  ({} probes)",
            format!("{name} under load"),
            ms(&latencies, 50),
            ms(&latencies, 99),
            latencies.len()
        );
    }
    Ok(())
}

struct LoginSlice {
    logins: u64,
    secs: f64,
    health: Vec<Duration>,
    me: Vec<Duration>,
}

/// Logins from 3 clients per core; counts those completed within a window that opens once the
/// hashing queue is full, so start-up and drain are not measured.
async fn login_slice(
    addrs: &[SocketAddr],
    emails: &[String],
    access: &str,
    cores: usize,
    slice: Duration,
) -> Result<LoginSlice, Error> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for n in 0..cores * 3 {
        let (request, stop) = (login_request(&emails[n % emails.len()]), Arc::clone(&stop));
        let addr = addrs[n % addrs.len()];
        clients.push(tokio::spawn(async move {
            login_loop(addr, request, stop).await
        }));
    }
    tokio::time::sleep(WARM_UP).await;
    let addr = addrs[0];
    let opened = Instant::now();
    let health = tokio::spawn(probe(addr, get("/api/health", ""), slice));
    let me = tokio::spawn(probe(
        addr,
        get("/api/me", &format!("Authorization: Bearer {access}\r\n")),
        slice,
    ));
    let (health, me) = (health.await??, me.await??);
    let closed = Instant::now();
    stop.store(true, Ordering::Relaxed);
    let mut logins = 0;
    for client in clients {
        let finished = client.await??;
        logins += finished
            .iter()
            .filter(|at| **at >= opened && **at <= closed)
            .count() as u64;
    }
    Ok(LoginSlice {
        logins,
        secs: (closed - opened).as_secs_f64(),
        health,
        me,
    })
}

/// Logs in over and over on one connection; returns when each login completed.
async fn login_loop(
    addr: SocketAddr,
    request: Vec<u8>,
    stop: Arc<AtomicBool>,
) -> Result<Vec<Instant>, Error> {
    let mut conn = Conn::open(addr).await?;
    let mut completed = Vec::new();
    while !stop.load(Ordering::Relaxed) && (completed.len() as u64) < MAX_REQUESTS {
        let (status, _) = conn.send(&request).await?;
        if status != 200 {
            return Err(format!("login answered {status}").into());
        }
        completed.push(Instant::now());
    }
    Ok(completed)
}

/// Sends `request` every `PROBE_EVERY` for `phase`, returning each latency.
async fn probe(
    addr: SocketAddr,
    request: Vec<u8>,
    phase: Duration,
) -> Result<Vec<Duration>, Error> {
    let mut conn = Conn::open(addr).await?;
    let started = Instant::now();
    let mut latencies = Vec::new();
    while started.elapsed() < phase {
        let sent = Instant::now();
        let (status, _) = conn.send(&request).await?;
        latencies.push(sent.elapsed());
        if status != 200 {
            return Err(format!("probe answered {status}").into());
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
    Ok(latencies)
}

/// Requests per second with one task per connection sending its request back to back.
async fn throughput(
    addrs: &[SocketAddr],
    phase: Duration,
    requests: Vec<Vec<u8>>,
) -> Result<f64, Error> {
    let started = Instant::now();
    let per_connection = MAX_REQUESTS / requests.len() as u64;
    let tasks: Vec<_> = requests
        .into_iter()
        .enumerate()
        .map(|(n, request)| {
            let addr = addrs[n % addrs.len()];
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await?;
                let mut count = 0u64;
                while started.elapsed() < phase && count < per_connection {
                    let (status, _) = conn.send(&request).await?;
                    if status != 200 {
                        return Err::<u64, Error>(format!("answered {status}").into());
                    }
                    count += 1;
                }
                Ok(count)
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Each connection rotates its own session as fast as it can: every answer carries the next token.
async fn refresh_throughput(
    addrs: &[SocketAddr],
    phase: Duration,
    tokens: Vec<String>,
) -> Result<f64, Error> {
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(n, mut token)| {
            let addr = addrs[n % addrs.len()];
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await?;
                let mut count = 0u64;
                while started.elapsed() < phase && count < MAX_REQUESTS {
                    token = conn.refresh(&token).await?;
                    count += 1;
                }
                Ok::<u64, Error>(count)
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// One session refreshed back to back for `KILN_BENCH_FLOOD_SECONDS` against a sidecar with
/// the default limits; prints the answers and how much the database files grew.
async fn flood_phase() -> Result<(), Error> {
    let seconds = std::env::var("KILN_BENCH_FLOOD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir()?;
    let mut config = Config::default();
    config.db_path = dir.path().join("kiln.db");
    let sidecar = Sidecar::start(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(kiln_sidecar::serve(
        sidecar,
        listener,
        std::future::pending(),
    ));
    let body =
        format!(r#"{{"fullname":"Flood","email":"flood@example.com","password":"{PASSWORD}"}}"#);
    let mut conn = Conn::open(addr).await?;
    conn.send(&post("/api/signup", &body, "")).await?;
    let (_, answer) = conn.send(&login_request("flood@example.com")).await?;
    let mut token = field(&answer, "refreshToken").ok_or("login gave no refresh token")?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = db_bytes(dir.path());
    let started = Instant::now();
    let (mut rotated, mut refused) = (0u64, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        let body = format!(r#"{{"refreshToken":"{token}"}}"#);
        let (status, answer) = conn.send(&post("/api/refresh", &body, "")).await?;
        match (status, field(&answer, "refreshToken")) {
            (200, Some(next)) => (token, rotated) = (next, rotated + 1),
            (429, _) => refused += 1,
            _ => return Err(format!("refresh answered {status}").into()),
        }
    }
    let rate = (rotated + refused) as f64 / started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = db_bytes(dir.path());
    println!(
        "refresh flood           {rate:>9.0} req/s    ({seconds} s, one session: {rotated} rotated, {refused} refused with 429)"
    );
    println!(
        "  database growth       {:>9.1} KiB      (kiln.db {} -> {} bytes, WAL {} -> {} bytes)",
        growth_kib(before, after),
        before.0,
        after.0,
        before.1,
        after.1
    );
    Ok(())
}

fn growth_kib(before: (u64, u64), after: (u64, u64)) -> f64 {
    (after.0 + after.1) as f64 / 1024.0 - (before.0 + before.1) as f64 / 1024.0
}

/// Sizes of the database file and its WAL.
fn db_bytes(dir: &std::path::Path) -> (u64, u64) {
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    (size("kiln.db"), size("kiln.db-wal"))
}

fn ms(sorted: &[Duration], percentile: usize) -> f64 {
    let index = (sorted.len() * percentile / 100).min(sorted.len().saturating_sub(1));
    sorted
        .get(index)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        });
    kib.map_or(f64::NAN, |kib| kib / 1024.0)
}
