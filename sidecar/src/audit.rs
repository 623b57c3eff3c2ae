//! The trail of sign-up and login attempts: one log line and one `audit` row each (for a flood
//! of rate-limited ones, one a minute per client: see `routes::attempt`), no secrets.

use crate::client::Client;
use crate::db::{AuditEntry, Store};
use crate::email::Email;

/// Records one attempt. `email` is only kept when it parsed as an address, so a password typed
/// into the email box never reaches the log.
pub fn record(
    store: &Store,
    action: &'static str,
    outcome: &'static str,
    client: &Client,
    email: Option<&Email>,
) {
    let email = email.map(Email::to_string);
    tracing::info!(action, outcome, ip = %client.ip, email = email.as_deref().unwrap_or("-"), "attempt");
    let entry = AuditEntry {
        action,
        outcome,
        ip: client.ip.to_string(),
        email,
    };
    store.record_audit(entry);
}
