//! Load benchmark on loopback: bcrypt ceiling, logins/s against it, `/health` and `/me` latency
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

use kiln_sidecar::{Config, Limits, RefreshLimits, Sidecar};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    let dir = tempfile::tempdir()?;
    let addr = start_server(dir.path(), cores).await?;
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
        login_phase(addr, &emails, &access, cores, phase).await?;
    }
    if phases.contains(&"me") {
        let me = get("/api/me", &format!("Authorization: Bearer {access}\r\n"));
        let rate = throughput(addr, phase, vec![me; CONNECTIONS]).await?;
        println!(
            "/me                     {rate:>9.0} req/s    ({CONNECTIONS} keep-alive connections)"
        );
    }
    if phases.contains(&"flood") {
        flood_phase().await?;
    }
    if phases.contains(&"refresh") {
        let chains = sessions(addr, &emails[0], CONNECTIONS, cores).await?;
        let before = db_bytes(dir.path());
        let rate = refresh_throughput(addr, phase, chains).await?;
        println!(
            "/refresh                {rate:>9.0} req/s    ({CONNECTIONS} sessions rotating, each rotation committed with synchronous=FULL)"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = db_bytes(dir.path());
        println!(
            "  database growth       {:>9.1} KiB      (limits lifted; kiln.db {} -> {} bytes, WAL {} -> {} bytes)",
            growth_kib(before, after),
            before.0,
            after.0,
            before.1,
            after.1
        );
    }
    Ok(())
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

async fn start_server(dir: &std::path::Path, cores: usize) -> Result<SocketAddr, Error> {
    let mut config = Config::default();
    config.db_path = dir.join("kiln.db");
    // One client IP plays every user here, so the per-IP and per-account limits are lifted.
    config.limits = Limits {
        per_ip_per_minute: 1_000_000,
        per_ip_burst: 1_000_000,
        account_ip_failures_burst: 1_000_000,
        account_ip_failures_per_hour: 1_000_000,
        account_failures_burst: 1_000_000,
        account_failures_per_hour: 1_000_000,
    };
    // Likewise the cap on one IP's hash jobs at once: here every client shares 127.0.0.1, and
    // the refresh limits and the cap on one account's sessions (64 sessions of one user rotate).
    config.hash_jobs_per_ip = usize::MAX;
    config.refresh_limits = RefreshLimits {
        per_session_per_minute: 1_000_000,
        per_session_burst: 1_000_000,
        per_ip_per_minute: 1_000_000,
        per_ip_burst: 1_000_000,
    };
    config.max_sessions_per_account = usize::MAX;
    config.hash_workers = cores;
    let sidecar = Sidecar::start(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(kiln_sidecar::serve(
        sidecar,
        listener,
        std::future::pending(),
    ));
    Ok(addr)
}

/// Alternates slices of the bcrypt ceiling and of logins (the load other programs put on a shared
/// machine drifts, and this keeps both figures under the same drift), probing `/health` and
/// `/me` while the logins saturate the CPU.
async fn login_phase(
    addr: SocketAddr,
    emails: &[String],
    access: &str,
    cores: usize,
    phase: Duration,
) -> Result<(), Error> {
    let slice = phase / ROUNDS;
    let (mut ceilings, mut logins, mut login_secs) = (0.0, 0, 0.0);
    let (mut health, mut me) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ceilings += bcrypt_slice(cores, slice);
        let round = login_slice(addr, emails, access, cores, slice).await?;
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
    for (name, mut latencies) in [("/health", health), ("/me", me)] {
        latencies.sort();
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
    addr: SocketAddr,
    emails: &[String],
    access: &str,
    cores: usize,
    slice: Duration,
) -> Result<LoginSlice, Error> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for n in 0..cores * 3 {
        let (request, stop) = (login_request(&emails[n % emails.len()]), Arc::clone(&stop));
        clients.push(tokio::spawn(async move {
            login_loop(addr, request, stop).await
        }));
    }
    tokio::time::sleep(WARM_UP).await;
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
    addr: SocketAddr,
    phase: Duration,
    requests: Vec<Vec<u8>>,
) -> Result<f64, Error> {
    let started = Instant::now();
    let per_connection = MAX_REQUESTS / requests.len() as u64;
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
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
    addr: SocketAddr,
    phase: Duration,
    tokens: Vec<String>,
) -> Result<f64, Error> {
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|mut token| {
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

fn get(path: &str, headers: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n").into_bytes()
}

fn post(path: &str, body: &str, headers: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn field(body: &[u8], name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get(name)?.as_str().map(str::to_owned)
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

/// A minimal HTTP/1.1 keep-alive client: it costs far less CPU than a full client, so the
/// figures describe the server rather than the load generator sharing its cores.
struct Conn {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Conn, Error> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Rotates a refresh token and returns its successor.
    async fn refresh(&mut self, token: &str) -> Result<String, Error> {
        let body = format!(r#"{{"refreshToken":"{token}"}}"#);
        let (status, answer) = self.send(&post("/api/refresh", &body, "")).await?;
        let next = field(&answer, "refreshToken").filter(|_| status == 200);
        next.ok_or_else(|| format!("refresh answered {status}").into())
    }

    /// Sends one request and returns the status and body of its answer.
    async fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        self.stream.write_all(request).await?;
        loop {
            let complete = parse_head(&self.buffer)
                .filter(|(_, head, length)| self.buffer.len() >= head + length);
            if let Some((status, head, length)) = complete {
                let body = self.buffer[head..head + length].to_vec();
                self.buffer.drain(..head + length);
                return Ok((status, body));
            }
            let mut chunk = [0u8; 8192];
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                return Err("the server closed the connection".into());
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }
}

/// `(status, header length, content length)` once the whole head has arrived.
fn parse_head(buffer: &[u8]) -> Option<(u16, usize, usize)> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..end]).ok()?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    Some((status, end, length))
}
