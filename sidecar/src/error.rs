//! Why the sidecar could not start, worded for the person running it.

use std::fmt;
use std::path::PathBuf;

/// Everything that stops `Sidecar::start`; each variant names the setting or file at fault.
#[derive(Debug)]
pub enum StartError {
    /// A setting was given but cannot be used (`setting` is the flag or environment variable).
    Setting {
        setting: &'static str,
        problem: String,
    },
    /// The database folder or file could not be opened, created or migrated.
    Database { path: PathBuf, problem: String },
    /// The PostgreSQL database could not be reached or migrated (`url` has no password).
    Postgres { url: String, problem: String },
    /// The generated-secrets file could not be read or written.
    Secrets { path: PathBuf, problem: String },
    /// The operating system's random number generator failed.
    Random(String),
    /// The operating system refused to start a worker thread.
    Threads(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Setting { setting, problem } => {
                write!(f, "invalid setting {setting}: {problem}")
            }
            StartError::Database { path, problem } => write!(
                f,
                "cannot use the database {}: {problem} (check the --db / KILN_DB path and its folder's permissions)",
                path.display()
            ),
            StartError::Postgres { url, problem } => write!(
                f,
                "cannot use the database {url}: {problem} (check the --db / KILN_DB URL, that the server runs, and the role's rights)"
            ),
            StartError::Secrets { path, problem } => write!(
                f,
                "cannot use the secrets file {}: {problem} (fix or delete it, or set ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET)",
                path.display()
            ),
            StartError::Threads(problem) => write!(f, "cannot start worker threads: {problem}"),
            StartError::Random(problem) => {
                write!(
                    f,
                    "the operating system's random number generator failed: {problem}"
                )
            }
        }
    }
}

impl std::error::Error for StartError {}
