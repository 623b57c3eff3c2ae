//! Test support: Debian's headless Chromium driven through chromedriver. Without it a browser
//! test is skipped with one line saying how to install it; under `CI=true` it fails instead
//! (CI installs the browser in `.ci/run`). Nothing here downloads one.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Map, Value, json};

/// A chromedriver process with one Chromium session; call [`Browser::close`] when done.
pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

const INSTALL: &str = "apt-get update && apt-get install -y chromium chromium-driver";

/// Whether Chromium and chromedriver are installed; says so once per test when they are not,
/// and fails the test under `CI=true`, where a skipped browser test would hide a regression.
pub fn available(test: &str) -> bool {
    let found = ["chromium", "chromedriver"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: Chromium and chromedriver are missing on CI: {INSTALL}"
        );
        // Written past the test harness's capture, so the skip shows in a passing run.
        let line =
            format!("skipped {test}: Chromium and chromedriver are not installed ({INSTALL})");
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    found
}

impl Browser {
    /// Starts a fresh headless Chromium, with page JavaScript on or off.
    pub async fn start(javascript: bool) -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("chromedriver is missing ({e}): {INSTALL}"));
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let mut browser_options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                // Media started from a test's script plays as if a person had pressed play.
                "--autoplay-policy=no-user-gesture-required",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if !javascript {
            // Blocks page scripts only; chromedriver's own commands still work.
            browser_options["prefs"] =
                json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = Map::new();
        capabilities.insert("goog:chromeOptions".into(), browser_options);
        let client = connect(port, capabilities).await;
        Browser {
            driver,
            client,
            _profile: profile,
        }
    }

    /// Ends the session (which quits Chromium) and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Retries until chromedriver listens, then opens a session.
async fn connect(port: u16, capabilities: Map<String, Value>) -> Client {
    let started = Instant::now();
    loop {
        let attempt = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => return client,
            Err(error) if started.elapsed() > Duration::from_secs(30) => {
                panic!("cannot start Chromium through chromedriver: {error}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
