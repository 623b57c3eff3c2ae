//! Test fixtures: a real sidecar on a loopback port with a fresh database (SQLite, or
//! PostgreSQL in the suite's PostgreSQL run: `crate::POSTGRES`), a small HTTP client, plain SQL
//! on the sidecar's database whichever it is, and a log capture that every request checks for
//! leaked passwords and tokens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use kiln_sidecar::{Config, Secret, Sidecar};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SITE: &str = "http://127.0.0.1:1111";
pub const PASSWORD: &str = "correct horse battery";

/// Everything logged by every sidecar in this test binary, and every secret the tests have
/// sent or received: after each request, no secret may appear in the log.
///
/// The log grows through the whole binary (every test's sidecars log into it), so each check
/// reads only what was logged since the last one, and a secret is looked for in the older log
/// once, when it is remembered: every secret is still held against every byte, without the
/// suite slowing down as its log grows.
struct Capture {
    log: Arc<Mutex<Vec<u8>>>,
    secrets: Mutex<Secrets>,
}

#[derive(Default)]
struct Secrets {
    all: Vec<String>,
    /// How much of the log every secret in `all` has been looked for in.
    checked: usize,
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || LogWriter(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the log capture is installed once");
        Capture {
            log,
            secrets: Mutex::default(),
        }
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Remembers a password or token so the log check looks for it.
pub fn remember_secret(secret: &str) {
    if secret.len() < 8 {
        return;
    }
    let capture = capture();
    // Always the secrets first, then the log: the check takes them in that order too.
    let mut secrets = capture.secrets.lock().unwrap();
    let log = capture.log.lock().unwrap();
    assert_absent(&log[..secrets.checked], secret);
    secrets.all.push(secret.to_owned());
}

/// The captured log so far.
pub fn log_text() -> String {
    String::from_utf8_lossy(&capture().log.lock().unwrap()).into_owned()
}

fn assert_no_secret_logged() {
    let capture = capture();
    let mut secrets = capture.secrets.lock().unwrap();
    let log = capture.log.lock().unwrap();
    // Back far enough that a secret written across the last check's end is still whole.
    let longest = secrets.all.iter().map(String::len).max().unwrap_or(0);
    let new = &log[secrets.checked.saturating_sub(longest)..];
    for secret in &secrets.all {
        assert_absent(new, secret);
    }
    secrets.checked = log.len();
}

fn assert_absent(log: &[u8], secret: &str) {
    assert!(
        memchr::memmem::find(log, secret.as_bytes()).is_none(),
        "a password or token reached the log: {secret}"
    );
}

/// A sidecar serving on `127.0.0.1:0` with its database in a fresh temporary folder.
pub struct Server {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Server {
        Server::start_in(tempfile::tempdir().unwrap(), tweak).await
    }

    /// Starts on an existing folder (to test restarts).
    pub async fn start_in(dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> Server {
        capture();
        let mut config = Config::default();
        config.db_path = dir.path().join("data").join("kiln.db");
        if crate::POSTGRES {
            config.postgres_url = Some(crate::pg::database_for(dir.path()).await);
            // Fixed per folder, so a restart keeps everyone signed in, as a deployment's would.
            let (access, refresh) = secrets_for(dir.path());
            config.access_token_secret = Some(access);
            config.refresh_token_secret = Some(refresh);
        }
        tweak(&mut config);
        let sidecar = Sidecar::start(config)
            .await
            .unwrap_or_else(|e| panic!("sidecar did not start: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(kiln_sidecar::serve(sidecar, listener, async move {
            let _ = stopped.await;
        }));
        Server {
            addr,
            dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The SQLite file (the SQLite-only tests look at it and its folder).
    #[allow(dead_code)]
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("data").join("kiln.db")
    }

    /// Every row of `sql` on this sidecar's database, each column as text.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        rows_in(self.dir.path(), sql).await
    }

    /// The first column of the first row of `sql`, as a number (`count(*)`, an id).
    pub async fn number(&self, sql: &str) -> i64 {
        number_in(self.dir.path(), sql).await
    }

    /// Runs `sql` (one or more statements) on this sidecar's database.
    pub async fn execute(&self, sql: &str) {
        self.rows(sql).await;
    }

    /// Asks for shutdown, waits for in-flight requests, and hands back the folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn get(&self, path: &str) -> Call {
        Call::new(self.addr, Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call {
        Call::new(self.addr, Method::POST, path)
    }

    pub fn request(&self, method: Method, path: &str) -> Call {
        Call::new(self.addr, method, path)
    }

    /// Signs up `email` with `PASSWORD` over JSON and returns the response.
    pub async fn signup(&self, email: &str) -> Reply {
        let reply = self.post("/api/signup").json(&serde_json::json!({"fullname": "Ada Lovelace", "email": email, "password": PASSWORD})).send().await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "signup failed: {}",
            reply.text()
        );
        reply
    }

    /// Logs in over JSON and returns `(access, refresh)`.
    pub async fn login(&self, email: &str) -> (String, String) {
        let reply = self
            .post("/api/login")
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "login failed: {}",
            reply.text()
        );
        let body = reply.json();
        (
            body["accessToken"].as_str().unwrap().to_owned(),
            body["refreshToken"].as_str().unwrap().to_owned(),
        )
    }
}

/// Every row of `sql` on the database of the test folder `dir`, each column as text.
pub async fn rows_in(dir: &std::path::Path, sql: &str) -> Vec<Vec<String>> {
    if crate::POSTGRES {
        return crate::pg::rows(&crate::pg::database_for(dir).await, sql).await;
    }
    let db = rusqlite::Connection::open(dir.join("data").join("kiln.db")).unwrap();
    let mut rows = Vec::new();
    let mut statements = sql.split(';').filter(|s| !s.trim().is_empty()).peekable();
    while let Some(one) = statements.next() {
        let mut statement = db.prepare(one).unwrap();
        let columns = statement.column_count();
        let mut result = statement.query([]).unwrap();
        while let Some(row) = result.next().unwrap() {
            let text = |i| match row.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Null => String::new(),
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Real(x) => x.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Blob(b) => hex::encode(b),
            };
            if statements.peek().is_none() {
                rows.push((0..columns).map(text).collect());
            }
        }
    }
    rows
}

pub async fn number_in(dir: &std::path::Path, sql: &str) -> i64 {
    let rows = rows_in(dir, sql).await;
    let first = rows.first().and_then(|row| row.first());
    first
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{sql} gave no number: {rows:?}"))
}

/// Two different secrets derived from the folder's path.
fn secrets_for(dir: &std::path::Path) -> (Secret, Secret) {
    use sha2::Digest;
    let secret = |kind: &str| {
        let digest = sha2::Sha256::digest(format!("{kind}\0{}", dir.display()).as_bytes());
        Secret::from_hex("test secret", &hex::encode(digest)).unwrap()
    };
    (secret("access"), secret("refresh"))
}

/// One HTTP request under construction.
pub struct Call {
    addr: SocketAddr,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call {
    /// A request to any server (e.g. a sidecar process of the multi-instance tests).
    #[allow(dead_code)]
    pub fn to(addr: SocketAddr, method: Method, path: &str) -> Call {
        Call::new(addr, method, path)
    }

    fn new(addr: SocketAddr, method: Method, path: &str) -> Call {
        Call {
            addr,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Call {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets `name` to `value`, replacing what was set before (e.g. a form's `Origin`).
    pub fn replace_header(mut self, name: &str, value: &str) -> Call {
        self.headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        self.header(name, value)
    }

    pub fn json(mut self, value: &Value) -> Call {
        if let Some(password) = value.get("password").and_then(Value::as_str) {
            remember_secret(password);
        }
        self.body = value.to_string().into_bytes();
        self.header("content-type", "application/json")
    }

    /// A browser form post from the example site.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Call {
        for (name, value) in fields {
            if *name == "password" {
                remember_secret(value);
            }
        }
        self.body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
            .into_bytes();
        self.header("content-type", "application/x-www-form-urlencoded")
            .header("origin", SITE)
    }

    pub fn raw_body(mut self, body: Vec<u8>) -> Call {
        self.body = body;
        self
    }

    /// Sends without asserting anything; `Err` when the connection failed (a killed server).
    #[allow(dead_code)]
    pub async fn try_send(self) -> Result<Reply, String> {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|e| e.to_string())?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .header("host", self.addr.to_string());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(Bytes::from(self.body))).unwrap();
        let started = Instant::now();
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?;
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.to_bytes().to_vec(),
            elapsed: started.elapsed(),
        })
    }

    pub async fn send(self) -> Reply {
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .header("host", self.addr.to_string());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request.body(Full::new(Bytes::from(self.body))).unwrap();
        let started = Instant::now();
        let response = sender.send_request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes().to_vec();
        let reply = Reply {
            status: parts.status,
            headers: parts.headers,
            body,
            elapsed: started.elapsed(),
        };
        reply.remember_tokens();
        assert_no_secret_logged();
        reply
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> &str {
        self.header("location")
            .unwrap_or_else(|| panic!("no Location header; status {}", self.status))
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value of cookie `name` as set by this response (first one).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
    }

    fn remember_tokens(&self) {
        if let Ok(body) = serde_json::from_slice::<Value>(&self.body) {
            for key in ["accessToken", "refreshToken"] {
                if let Some(token) = body.get(key).and_then(Value::as_str) {
                    remember_secret(token);
                }
            }
        }
        for cookie in self.set_cookies() {
            let value = cookie
                .split(';')
                .next()
                .and_then(|pair| pair.split_once('='));
            if let Some((_, token)) = value {
                remember_secret(token);
            }
        }
    }
}
