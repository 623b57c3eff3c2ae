//! Integration tests: each starts the real sidecar on a loopback port with a fresh SQLite file
//! and talks HTTP to it, as a browser form or a JSON client would.

mod support;

mod accounts;
mod defences;
mod hardening;
mod lifecycle;
mod review_findings;
mod sessions;
mod token_claims;
