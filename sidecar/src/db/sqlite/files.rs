//! The database's folder and file: created private (0700 / 0600), since they hold password
//! hashes, emails and IP addresses; existing ones that others can read get a warning.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The folder the database file lives in (`.` for a bare file name).
pub fn folder_of(db_path: &Path) -> std::path::PathBuf {
    match db_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => std::path::PathBuf::from("."),
    }
}

/// Creates the database folder (0700) and file (0600) when they are missing: they hold password
/// hashes, emails and IPs. Existing ones are the operator's choice and only get a warning.
/// SQLite gives the `-wal` and `-shm` files the database file's mode.
pub fn create_private(folder: &Path, db_path: &Path) -> Result<(), String> {
    if folder.exists() {
        warn_if_shared(folder, "700");
    } else {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| format!("cannot create the folder {}: {e}", folder.display()))?;
    }
    if db_path.exists() {
        warn_if_shared(db_path, "600");
        return Ok(());
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(db_path);
    match created {
        // A second process starting at the same moment may have made it first.
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn warn_if_shared(path: &Path, private_mode: &str) {
    let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode()) & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "other users can read the sidecar's data (password hashes, emails, IPs); run: chmod {private_mode} {}",
            path.display()
        );
    }
}
