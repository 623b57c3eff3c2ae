//! `kiln-sidecar` processes, and PostgreSQL clusters of a test's own: what the multi-instance,
//! fault and TLS tests start. Part of the PostgreSQL run of the suite only.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use serde_json::json;

use crate::pg;
use crate::support::{Call, PASSWORD, Reply};

pub(crate) const ACCESS_SECRET: &str =
    "6b696c6e2d6d756c74692d696e7374616e63652d6163636573732d7365637265";
pub(crate) const REFRESH_SECRET: &str =
    "6b696c6e2d6d756c74692d696e7374616e63652d726566726573682d73656372";

/// One `kiln-sidecar` process on a free loopback port.
pub(crate) struct Instance {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Instance {
    /// Starts the binary on `db` and waits until it answers; it believes `X-Forwarded-For`
    /// from loopback, so each test client can have an address of its own.
    pub async fn start(db: &str, log: &Path) -> Instance {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Instance::command(db, addr, log).spawn().unwrap();
        let instance = Instance { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let health = instance.call(Method::GET, "/api/health").try_send().await;
            if health.is_ok_and(|reply| reply.status == StatusCode::OK) {
                return instance;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the sidecar did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    }

    /// Runs the binary on `db`, which must refuse to start (within 30 s); what it printed.
    pub fn refused(db: &str, log: &Path) -> String {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut child = Instance::command(db, addr, log).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the sidecar should have refused to start on {db}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let printed = std::fs::read_to_string(log).unwrap();
        assert!(!status.success(), "{printed}");
        printed
    }

    fn command(db: &str, addr: SocketAddr, log: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kiln-sidecar"));
        command
            .args(["--listen", &addr.to_string(), "--db", db])
            .args(["--trusted-proxy", "127.0.0.1", "--hash-queue", "64"])
            .env("ACCESS_TOKEN_SECRET", ACCESS_SECRET)
            .env("REFRESH_TOKEN_SECRET", REFRESH_SECRET)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap());
        command
    }

    pub fn call(&self, method: Method, path: &str) -> Call {
        Call::to(self.addr, method, path)
    }

    /// A JSON POST from the client at `ip`.
    pub fn post(&self, path: &str, body: serde_json::Value, ip: &str) -> Call {
        self.call(Method::POST, path)
            .json(&body)
            .header("x-forwarded-for", ip)
    }

    pub async fn signup(&self, email: &str, ip: &str) -> Result<Reply, String> {
        let body = json!({"fullname": "Ada Lovelace", "email": email, "password": PASSWORD});
        self.post("/api/signup", body, ip).try_send().await
    }

    /// Logs in and returns the refresh token.
    pub async fn login(&self, email: &str, ip: &str) -> String {
        let body = json!({"email": email, "password": PASSWORD});
        let reply = self.post("/api/login", body, ip).send().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()["refreshToken"].as_str().unwrap().to_owned()
    }

    pub async fn refresh(&self, token: &str) -> Reply {
        let body = json!({ "refreshToken": token });
        self.post("/api/refresh", body, "192.0.2.200").send().await
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PostgreSQL cluster of this test's own, in `dir`, stopped when dropped.
pub(crate) struct OwnCluster {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl OwnCluster {
    /// `how`: `start`, or `start-tls` (TCP only over TLS, see `pg-cluster.sh`).
    fn start(how: &str) -> OwnCluster {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let output = OwnCluster::script(&[how, dir.path().to_str().unwrap(), &port]);
        let url = String::from_utf8(output).unwrap().trim().to_owned();
        OwnCluster { dir, url }
    }

    fn script(args: &[&str]) -> Vec<u8> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pg-cluster.sh");
        let output = Command::new("bash")
            .arg(script)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pg-cluster.sh {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    pub fn stop(&self) {
        OwnCluster::script(&["stop", self.dir.path().to_str().unwrap()]);
    }

    pub fn start_again(&self) {
        let port = std::fs::read_to_string(self.dir.path().join("port")).unwrap();
        OwnCluster::script(&["start", self.dir.path().to_str().unwrap(), port.trim()]);
    }

    pub fn restart(&self) {
        OwnCluster::script(&["restart", self.dir.path().to_str().unwrap()]);
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pg-cluster.sh");
        let _ = Command::new("bash")
            .arg(script)
            .args(["stop", self.dir.path().to_str().unwrap()])
            .output();
    }
}

/// The fault tests need PostgreSQL's programs here, as the shared-database tests need a server.
pub(crate) fn own_cluster() -> OwnCluster {
    pg::server_url();
    OwnCluster::start("start")
}

/// A cluster of the test's own that takes TCP connections only over TLS, with a password;
/// its URL asks for TLS verified against the CA that signed the server's certificate.
pub(crate) fn own_tls_cluster() -> OwnCluster {
    pg::server_url();
    OwnCluster::start("start-tls")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
