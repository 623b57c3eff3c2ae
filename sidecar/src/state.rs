//! What every request may touch, built once at startup and shared read-only.

use crate::accounts::Accounts;
use crate::client::Proxies;
use crate::config::Config;
use crate::cookies::Cookies;
use crate::db::Store;
use crate::origin::Origins;
use crate::password::Hasher;
use crate::pending_signups::SignupsInFlight;
use crate::rate_limit::Limiters;
use crate::tokens::Tokens;

/// Everything a request may touch; built once by `Sidecar::start`.
pub struct State {
    pub config: Config,
    /// SQLite or PostgreSQL: the handlers ask it the same questions either way.
    pub db: Store,
    pub hasher: Hasher,
    pub tokens: Tokens,
    pub limits: Limiters,
    pub origins: Origins,
    pub signups: SignupsInFlight,
    pub cookies: Cookies,
    pub proxies: Proxies,
    pub accounts: Accounts,
}
