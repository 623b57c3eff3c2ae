#![cfg(feature = "serve")]
//! `kiln serve` end to end: the real binary on a copy of the example site, checked over plain
//! HTTP and in headless Chromium. One test binary; its parts live in `tests/serve/`.

#[path = "serve/browser.rs"]
mod browser;
#[path = "serve/csp_in_browser.rs"]
mod csp_in_browser;
#[path = "serve/in_browser.rs"]
mod in_browser;
#[path = "serve/languages_in_browser.rs"]
mod languages_in_browser;
#[path = "serve/phone_in_browser.rs"]
mod phone_in_browser;
#[path = "serve/player_in_browser.rs"]
mod player_in_browser;
#[path = "serve/rebuilds.rs"]
mod rebuilds;
#[path = "serve/search_in_browser.rs"]
mod search_in_browser;
#[path = "serve/static_host.rs"]
mod static_host;
#[path = "serve/support.rs"]
mod support;
