//! What a PostgreSQL URL asks for: tokio-postgres's settings, plus the libpq TLS parameters it
//! does not read (`sslrootcert`, `sslmode=verify-ca|verify-full`), and the TLS that follows.
//!
//! tokio-postgres refuses a URL with `sslrootcert` ("unknown option") and any `sslmode` but
//! `disable`, `prefer` and `require`, so both are taken out of the query here and decided
//! by us; everything else is left to its parser. The rules (README, "TLS"):
//! - `require`, `verify-ca`, `verify-full`: TLS, and the server's certificate is verified
//!   (chain and host name) against the CA file `sslrootcert` names, else the system's store;
//! - `sslrootcert` without `sslmode`: the same (as libpq does for `sslrootcert=system`);
//! - no `sslmode`, `prefer`, `disable`: plain; with `sslrootcert` that is refused, since the
//!   operator named a CA to check and would get no check at all.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::db::DbError;

/// Where the certificates that may sign the server's come from.
#[derive(Debug, PartialEq)]
enum Roots {
    /// The system's trust store (on Debian, /etc/ssl/certs from `ca-certificates`).
    System,
    /// The PEM file `sslrootcert` names.
    File(PathBuf),
}

/// The connection a URL describes: tokio-postgres's settings, and TLS (`None`: plain).
pub(super) struct Target {
    pub config: tokio_postgres::Config,
    pub tls: Option<MakeRustlsConnect>,
}

impl Target {
    pub fn from_url(url: &str) -> Result<Target, DbError> {
        let (rest, roots) = split_tls(url)?;
        let mut config: tokio_postgres::Config = rest.parse().map_err(|e| {
            let problem = super::with_causes(&e);
            DbError::new(format!("the PostgreSQL URL is not valid: {problem}"))
        })?;
        let tls = match roots {
            Some(roots) => {
                config.ssl_mode(SslMode::Require);
                Some(connector(&roots)?)
            }
            None => {
                config.ssl_mode(SslMode::Disable);
                None
            }
        };
        Ok(Target { config, tls })
    }

    /// A plain connection to a host other than this machine: worth a warning at startup,
    /// since the password and every email would cross the network in clear.
    pub fn plain_beyond_this_machine(&self) -> bool {
        self.tls.is_none() && self.config.get_hosts().iter().any(is_remote)
    }
}

fn is_remote(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            let loopback = name == "localhost"
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            !loopback
        }
        Host::Unix(_) => false,
    }
}

/// The URL without `sslmode` and `sslrootcert`, and the roots to verify against (`None`:
/// no TLS).
fn split_tls(url: &str) -> Result<(String, Option<Roots>), DbError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let (mut mode, mut root_file) = (None, None);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || {
            percent_decode_str(value)
                .decode_utf8()
                .map(|v| v.into_owned())
                .map_err(|_| DbError::new(format!("the PostgreSQL URL's {key} is not UTF-8")))
        };
        match key {
            "sslmode" => mode = Some(decoded()?),
            "sslrootcert" => root_file = Some(decoded()?),
            _ => kept.push(pair),
        }
    }
    let rest = match kept.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((rest, roots_for(mode.as_deref(), root_file)?))
}

fn roots_for(mode: Option<&str>, root_file: Option<String>) -> Result<Option<Roots>, DbError> {
    let named = root_file.is_some();
    let roots = match root_file {
        None => Roots::System,
        Some(system) if system == "system" => Roots::System,
        Some(path) => Roots::File(PathBuf::from(path)),
    };
    match (mode, named) {
        (Some("require" | "verify-ca" | "verify-full"), _) | (None, true) => Ok(Some(roots)),
        (None | Some("prefer" | "disable"), false) => Ok(None),
        (Some(weak @ ("prefer" | "disable")), true) => Err(DbError::new(format!(
            "sslmode={weak} would not check the server's certificate against sslrootcert: use sslmode=require (or verify-full)"
        ))),
        (Some(other), _) => Err(DbError::new(format!(
            "sslmode={other} is not supported: use require (TLS, certificate verified), or disable"
        ))),
    }
}

/// rustls on aws-lc-rs (given explicitly: no process-wide default), verifying the server's
/// certificate chain and host name against `roots`.
fn connector(roots: &Roots) -> Result<MakeRustlsConnect, DbError> {
    let roots = match roots {
        Roots::System => system_roots()?,
        Roots::File(path) => file_roots(path)?,
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::new(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

fn system_roots() -> Result<RootCertStore, DbError> {
    let loaded = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(loaded.certs);
    if added == 0 {
        return Err(DbError::new(
            "TLS was asked for (sslmode), but no trusted root certificate was found on this system: install ca-certificates, or name the database's CA with sslrootcert=/path/ca.pem",
        ));
    }
    Ok(roots)
}

fn file_roots(path: &Path) -> Result<RootCertStore, DbError> {
    let problem = |e: &dyn Display| {
        DbError::new(format!(
            "cannot use sslrootcert={}: {e} (it must be a PEM file of the CA certificates that may sign the server's)",
            path.display()
        ))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| problem(&e))?
        .collect::<Result<_, _>>()
        .map_err(|e| problem(&e))?;
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(problem(&"no usable certificate in it"));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(url: &str) -> Result<(String, Option<Roots>), String> {
        split_tls(url).map_err(|e| e.message)
    }

    #[test]
    fn sslrootcert_and_sslmode_are_read_here_and_the_rest_is_left_to_tokio_postgres() {
        let url = "postgres://kiln:pw@db/kiln?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Fdb%20ca.pem&connect_timeout=2";
        let (rest, roots) = roots(url).unwrap();
        assert_eq!(
            rest,
            "postgres://kiln:pw@db/kiln?application_name=x&connect_timeout=2"
        );
        assert_eq!(roots, Some(Roots::File(PathBuf::from("/etc/db ca.pem"))));
        assert!(rest.parse::<tokio_postgres::Config>().is_ok());
    }

    #[test]
    fn require_verifies_against_the_system_store_unless_a_ca_is_named() {
        let system = Some(Roots::System);
        assert_eq!(roots("postgres://db/k?sslmode=require").unwrap().1, system);
        assert_eq!(
            roots("postgres://db/k?sslmode=verify-ca").unwrap().1,
            system
        );
        let named = roots("postgres://db/k?sslrootcert=system").unwrap().1;
        assert_eq!(named, system, "a named store without sslmode asks for TLS");
        let file = roots("postgres://db/k?sslrootcert=ca.pem").unwrap().1;
        assert_eq!(file, Some(Roots::File(PathBuf::from("ca.pem"))));
    }

    #[test]
    fn without_require_the_connection_is_plain() {
        for url in [
            "postgres://db/k",
            "postgres://db/k?sslmode=prefer",
            "postgres://db/k?sslmode=disable",
        ] {
            assert_eq!(
                roots(url).unwrap(),
                (url.split('?').next().unwrap().into(), None)
            );
        }
    }

    #[test]
    fn a_named_ca_with_a_mode_that_would_not_check_it_is_refused() {
        let error = roots("postgres://db/k?sslmode=prefer&sslrootcert=ca.pem").unwrap_err();
        assert!(
            error.contains("sslmode=prefer") && error.contains("require"),
            "{error}"
        );
        let error = roots("postgres://db/k?sslmode=allow").unwrap_err();
        assert!(error.contains("sslmode=allow is not supported"), "{error}");
    }

    #[test]
    fn a_missing_ca_file_is_named_in_the_error() {
        let Err(error) = Target::from_url("postgres://db/k?sslrootcert=/nowhere/ca.pem") else {
            panic!("a missing CA file must be refused");
        };
        assert!(
            error.message.contains("sslrootcert=/nowhere/ca.pem"),
            "{}",
            error.message
        );
    }

    #[test]
    fn only_a_plain_connection_to_another_machine_is_worth_a_warning() {
        let plain = |url: &str| Target::from_url(url).unwrap().plain_beyond_this_machine();
        assert!(plain("postgres://kiln@db.internal/kiln"));
        assert!(plain("postgres://kiln@10.0.0.5/kiln?sslmode=prefer"));
        assert!(!plain("postgres://kiln@127.0.0.1/kiln"));
        assert!(!plain("postgres://kiln@localhost/kiln"));
        assert!(!plain("postgres://kiln@[::1]/kiln"));
        assert!(!plain("postgres://kiln@%2Fvar%2Frun%2Fpostgresql/kiln"));
    }
}
