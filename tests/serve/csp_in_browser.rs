//! The example site under its own Content-Security-Policy: `kiln serve` sends the `_headers`
//! that `[cdn] headers` writes, and headless Chromium, with page JavaScript on, reports no
//! violation on any page type, while the player and the search still work.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser;
use crate::in_browser::in_browser;
use crate::support::{Server, Site, eventually};

/// One page of each kind the example site has, in both languages where it has them.
const PAGES: &[&str] = &[
    "/",
    "/shows/",
    "/shows/slow-bytes/",
    "/shows/slow-bytes/passwords-and-the-72-byte-surprise/",
    "/creators/",
    "/creators/ada-okafor/",
    "/tags/",
    "/about/",
    "/terms/",
    "/signup/",
    "/login/",
    "/welcome/",
    "/ur/",
    "/ur/signup/",
    "/no-such-page/",
];

/// A page that breaks the policy three ways, to show the check below sees violations at all.
const CANARY: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Canary</title>\
    <p style=\"color:red\">inline style</p><script>document.title = 'ran';</script>\
    <img src=\"https://example.com/pixel.png\" alt=\"\"></html>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_site_breaks_none_of_its_own_content_security_policy() {
    let test = "the_example_site_breaks_none_of_its_own_content_security_policy";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    site.write("static/csp-canary.html", CANARY);
    let server = Server::start(&site);

    let home = server.get("/").await;
    let policy = home.header("content-security-policy").to_string();
    assert!(
        policy.contains("default-src 'self'") && policy.contains("object-src 'none'"),
        "kiln serve sends the policy `_headers` gives every page: {policy:?}"
    );
    assert_eq!(home.header("x-content-type-options"), "nosniff");
    assert_eq!(
        home.header("cache-control"),
        "no-store",
        "the dev server keeps its own caching"
    );

    let url = server.url.clone();
    in_browser(true, move |browser| async move {
        let canary = violations_on(&browser, &format!("{url}/csp-canary.html")).await;
        for blocked in ["style-src", "script-src", "img-src"] {
            assert!(
                canary.iter().any(|v| v.contains(blocked)),
                "the canary's {blocked} violation is seen: {canary:?}"
            );
        }
        for path in PAGES {
            let found = violations_on(&browser, &format!("{url}{path}")).await;
            assert!(found.is_empty(), "{path} breaks the policy: {found:?}");
        }
        search_still_answers(&browser, &url).await;
        let found = violations_on_current(&browser).await;
        assert!(found.is_empty(), "searching breaks the policy: {found:?}");
    })
    .await;
}

/// Opens a page and returns the policy violations it caused, as "directive blocked-url".
async fn violations_on(browser: &Client, url: &str) -> Vec<String> {
    browser
        .goto(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    violations_on_current(browser).await
}

/// The violations the current page has caused since it loaded: a buffered ReportingObserver
/// also receives the reports queued before it was made.
async fn violations_on_current(browser: &Client) -> Vec<String> {
    let script = "const done = arguments[0];
        const seen = [];
        const observer = new ReportingObserver((reports) => {
          for (const r of reports) seen.push(r.body.effectiveDirective + ' ' + r.body.blockedURL);
        }, { types: ['csp-violation'], buffered: true });
        observer.observe();
        setTimeout(() => { observer.disconnect(); done(seen); }, 300);";
    let found = browser
        .execute_async(script, vec![])
        .await
        .expect("the report observer runs");
    match found {
        Value::Array(items) => items
            .into_iter()
            .map(|item| item.as_str().unwrap_or_default().to_string())
            .collect(),
        other => panic!("unexpected reports: {other}"),
    }
}

/// The search page's script, under the policy, fetches its index and shows a result.
async fn search_still_answers(browser: &Client, url: &str) {
    browser
        .goto(&format!("{url}/search/"))
        .await
        .expect("the search page");
    let input = browser
        .find(Locator::Css("#search-q"))
        .await
        .expect("a search box");
    input.send_keys("password").await.expect("type a query");
    eventually(Duration::from_secs(10), "a search result shows", || {
        let browser = browser.clone();
        async move {
            let results = browser
                .find_all(Locator::Css("[data-kiln-results] li h3 a"))
                .await;
            results.ok().filter(|found| !found.is_empty()).map(|_| ())
        }
    })
    .await;
}
