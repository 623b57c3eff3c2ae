//! Links to other sites: each distinct URL asked once (`HEAD`, then `GET` where a server
//! refuses `HEAD`), a bounded number at a time, each within a timeout; a URL that answered
//! well is remembered in `.kiln/cache/links.json` for a day, so the next check skips it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::check::finding::Finding;
use crate::error::Diagnostic;

/// Requests in flight at once: enough to hide latency, few enough not to look like an attack.
const PARALLEL: usize = 8;
/// How long a URL that answered well is trusted without asking again.
const FRESH_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// How to check external links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Ask nothing of the network.
    pub offline: bool,
    /// The longest a URL may take to answer.
    pub timeout: Duration,
}

/// Where each URL was found: output file and line.
pub type Uses = BTreeMap<String, Vec<(String, usize)>>;

/// The cache file: URL to the Unix time it last answered well.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    ok: BTreeMap<String, u64>,
}

/// What asking a URL gave.
enum Answer {
    Ok,
    /// A definite "not here" (404, 410): an error.
    Gone(u16),
    /// Anything else that went wrong (a timeout, 5xx, refused…): a warning, as it may pass.
    Trouble(String),
}

/// Checks every URL of `uses`, caching answers under `root`'s `.kiln/cache/`; returns the
/// findings and how many URLs were checked.
pub fn check(uses: &Uses, root: &Path, options: &ExternalOptions) -> (Vec<Finding>, usize) {
    // Offline, none is checked, and the summary says so by counting none.
    if options.offline || uses.is_empty() {
        return (Vec::new(), 0);
    }
    let path = cache_path(root);
    let mut cache: Cache = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let now = unix_now();
    cache
        .ok
        .retain(|_, at| now.saturating_sub(*at) < FRESH_FOR.as_secs());
    let to_ask: Vec<&String> = uses.keys().filter(|u| !cache.ok.contains_key(*u)).collect();
    let agent = agent(options.timeout);
    let answers: Vec<(&String, Answer)> = match rayon::ThreadPoolBuilder::new()
        .num_threads(PARALLEL)
        .build()
    {
        Ok(pool) => pool.install(|| to_ask.par_iter().map(|u| (*u, ask(&agent, u))).collect()),
        Err(_) => to_ask.iter().map(|u| (*u, ask(&agent, u))).collect(),
    };
    let mut findings = Vec::new();
    for (url, answer) in answers {
        let (finding, problem): (fn(&'static str, Diagnostic) -> Finding, String) = match answer {
            Answer::Ok => {
                cache.ok.insert(url.clone(), now);
                continue;
            }
            Answer::Gone(status) => (Finding::error, format!("answers {status}")),
            Answer::Trouble(why) => (Finding::warning, why),
        };
        for (file, line) in &uses[url] {
            let message = format!("the link to {url} {problem}");
            let at = Diagnostic::at(Path::new(file), *line, None, message);
            findings.push(finding("external-link", at));
        }
    }
    // The cache only saves time: a folder that cannot be written costs a slower next check.
    if let Ok(json) = serde_json::to_vec_pretty(&cache) {
        let _ = path.parent().map(std::fs::create_dir_all);
        let _ = std::fs::write(&path, json);
    }
    (findings, uses.len())
}

fn cache_path(root: &Path) -> PathBuf {
    root.join(".kiln").join("cache").join("links.json")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One agent for every request: connections to a host are reused; TLS on ring, trusting
/// the system's certificates (a certificate the system cannot load is left out; with none at
/// all, every https link fails with a warning naming the TLS error).
fn agent(timeout: Duration) -> ureq::Agent {
    // rustls deprecates ring's provider for lacking post-quantum key exchange, which guards
    // secrets against decryption years from now; a link check fetches public pages and sends
    // none. aws-lc, which has it, would add ~50 CPU-seconds of C to every first build.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let loaded = rustls_native_certs::load_native_certs();
    let roots = loaded
        .certs
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned());
    let tls = ureq::tls::TlsConfig::builder()
        .unversioned_rustls_crypto_provider(provider)
        .root_certs(ureq::tls::RootCerts::from(roots))
        .build();
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!("kiln-check/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build()
        .new_agent()
}

/// Asks `url` with `HEAD`, and with `GET` when the server does not do `HEAD` well.
fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    let status = |response: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        response.map(|r| r.status().as_u16())
    };
    let mut answer = status(agent.head(url).call());
    // Many servers answer HEAD with 403, 404 or 405 while GET works.
    if matches!(answer, Ok(400..=499 | 501) | Err(_)) {
        answer = status(agent.get(url).call());
    }
    match answer {
        Ok(200..=399) => Answer::Ok,
        Ok(code @ (404 | 410)) => Answer::Gone(code),
        Ok(code) => Answer::Trouble(format!("answers {code}")),
        Err(ureq::Error::Timeout(_)) => Answer::Trouble("did not answer in time".to_string()),
        Err(e) => Answer::Trouble(format!("failed: {e}")),
    }
}
