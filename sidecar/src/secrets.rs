//! Token signing secrets: given by the operator, or generated once and kept beside the database.

use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::StartError;

/// Fewer bytes than this would make HS256 keys guessable offline.
pub const MIN_SECRET_BYTES: usize = 32;

/// Key material for signing tokens. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Secret {
    /// Parses a hex secret of at least 32 bytes; `setting` names where it came from in errors.
    pub fn from_hex(setting: &'static str, hex_text: &str) -> Result<Secret, StartError> {
        let bytes = hex::decode(hex_text.trim()).map_err(|_| StartError::Setting {
            setting,
            problem: "must be hexadecimal (generate one with `kiln-sidecar secret`)".into(),
        })?;
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(StartError::Setting {
                setting,
                problem: format!(
                    "must be at least {MIN_SECRET_BYTES} bytes ({} hex digits), got {} bytes",
                    MIN_SECRET_BYTES * 2,
                    bytes.len()
                ),
            });
        }
        Ok(Secret(bytes))
    }

    /// A fresh 32-byte secret from the operating system's random number generator.
    pub fn generate() -> Result<Secret, StartError> {
        let mut bytes = vec![0u8; MIN_SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| StartError::Random(e.to_string()))?;
        Ok(Secret(bytes))
    }

    /// The secret as lowercase hex, for the secrets file and `kiln-sidecar secret`.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The two signing secrets; they must differ so one token kind can never pass as the other.
#[derive(Debug, Clone)]
pub struct SecretPair {
    pub access: Secret,
    pub refresh: Secret,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    access_token_secret: String,
    refresh_token_secret: String,
}

/// Uses the configured secrets, or loads (creating once) `<db folder>/secrets.toml`.
pub fn resolve(
    access: Option<Secret>,
    refresh: Option<Secret>,
    db_folder: &Path,
) -> Result<SecretPair, StartError> {
    let pair = match (access, refresh) {
        (Some(access), Some(refresh)) => SecretPair { access, refresh },
        (Some(_), None) => return Err(only_one("REFRESH_TOKEN_SECRET")),
        (None, Some(_)) => return Err(only_one("ACCESS_TOKEN_SECRET")),
        (None, None) => load_or_create(&db_folder.join("secrets.toml"))?,
    };
    distinct(pair)
}

/// With PostgreSQL: both secrets from the environment, never generated. Sidecars sharing a
/// database must sign and check the same tokens, and a file generated on one machine would
/// differ from the next one's.
#[cfg(feature = "postgres")]
pub fn required(access: Option<Secret>, refresh: Option<Secret>) -> Result<SecretPair, StartError> {
    let pair = match (access, refresh) {
        (Some(access), Some(refresh)) => SecretPair { access, refresh },
        (access, _) => {
            return Err(StartError::Setting {
                setting: if access.is_none() {
                    "ACCESS_TOKEN_SECRET"
                } else {
                    "REFRESH_TOKEN_SECRET"
                },
                problem: "with a PostgreSQL database both ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET must be set in the environment, the same on every instance (sidecars sharing a database must sign and check the same tokens, so none generates its own); make them with `kiln-sidecar secret`".into(),
            });
        }
    };
    distinct(pair)
}

fn distinct(pair: SecretPair) -> Result<SecretPair, StartError> {
    if pair.access == pair.refresh {
        return Err(StartError::Setting {
            setting: "ACCESS_TOKEN_SECRET / REFRESH_TOKEN_SECRET",
            problem: "the two secrets must be different".into(),
        });
    }
    Ok(pair)
}

fn only_one(missing: &'static str) -> StartError {
    StartError::Setting {
        setting: missing,
        problem: "set both ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET, or neither to have them generated".into(),
    }
}

fn load_or_create(path: &Path) -> Result<SecretPair, StartError> {
    if !path.exists() {
        create(path)?;
    }
    load(path)
}

fn load(path: &Path) -> Result<SecretPair, StartError> {
    let fail = |problem: String| StartError::Secrets {
        path: path.to_owned(),
        problem,
    };
    // Like OpenSSH with a private key: a secret others could have read is refused, not used.
    let mode = fs::metadata(path)
        .map_err(|e| fail(e.to_string()))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(fail(format!(
            "its permissions {mode:04o} let other users read the token secrets; run `chmod 600 {}` and start again",
            path.display()
        )));
    }
    let text = fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    // The toml error quotes the offending line, which would put a secret in a log: keep only its kind.
    let file: SecretsFile = toml::from_str(&text)
        .map_err(|_| fail("not the expected two hex secrets in TOML".into()))?;
    let access = Secret::from_hex(
        "access_token_secret in secrets.toml",
        &file.access_token_secret,
    );
    let refresh = Secret::from_hex(
        "refresh_token_secret in secrets.toml",
        &file.refresh_token_secret,
    );
    Ok(SecretPair {
        access: access?,
        refresh: refresh?,
    })
}

/// Writes a fresh pair atomically: a private temporary file hard-linked into place, so two
/// processes starting together agree on one pair and nobody ever reads a half-written file.
fn create(path: &Path) -> Result<(), StartError> {
    let fail = |problem: String| StartError::Secrets {
        path: path.to_owned(),
        problem,
    };
    let file = SecretsFile {
        access_token_secret: Secret::generate()?.to_hex(),
        refresh_token_secret: Secret::generate()?.to_hex(),
    };
    let text = toml::to_string(&file).map_err(|e| fail(e.to_string()))?;
    let temporary = temporary_path(path)?;
    let written = write_private(&temporary, &text);
    let linked = written.and_then(|()| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated token secrets and saved them (mode 0600)");
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e.to_string())),
    }
}

fn temporary_path(path: &Path) -> Result<PathBuf, StartError> {
    let mut tag = [0u8; 8];
    getrandom::fill(&mut tag).map_err(|e| StartError::Random(e.to_string()))?;
    Ok(path.with_extension(format!("toml.{}.tmp", hex::encode(tag))))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
