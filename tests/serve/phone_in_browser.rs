//! The example site on a phone-wide screen: no page is wider than the screen, so nothing
//! (a show-notes paragraph beside a long code line, a table) has to be scrolled sideways
//! to be read. Code blocks and tables may scroll inside themselves; the page may not.

use fantoccini::Client;
use serde_json::Value;

use crate::browser;
use crate::in_browser::in_browser;
use crate::support::{Server, Site};

/// A page wider than a phone, to show the check below sees overflow at all.
const CANARY: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width\"><title>Wide</title><pre>";

/// Pages the sitemap leaves out (they are `noindex`), checked as well.
const NOT_IN_THE_SITEMAP: &[&str] = &["/signup/", "/login/", "/welcome/", "/ur/signup/"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_of_the_example_site_is_wider_than_a_phone_screen() {
    let test = "no_page_of_the_example_site_is_wider_than_a_phone_screen";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    site.write(
        "static/wide-canary.html",
        &format!(
            "{CANARY}{}</pre></html>",
            "wide ".repeat(100).replace(' ', "_")
        ),
    );
    let server = Server::start(&site);
    let url = server.url.clone();
    let sitemap = server.get("/sitemap.xml").await.text();
    let mut paths: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</loc>"))
        .filter_map(|(loc, _)| {
            let (_, after_scheme) = loc.split_once("://")?;
            Some(after_scheme[after_scheme.find('/')?..].to_string())
        })
        .collect();
    assert!(paths.len() > 40, "the sitemap lists the site: {sitemap}");
    paths.extend(NOT_IN_THE_SITEMAP.iter().map(|path| path.to_string()));

    in_browser(true, move |browser| async move {
        browser
            // 360 CSS pixels beside the window's scroll bar: the narrowest common phone.
            .set_window_size(375, 844)
            .await
            .expect("a phone-sized window");
        let canary = overflow_on(&browser, &format!("{url}/wide-canary.html")).await;
        assert!(canary.is_some(), "the canary is seen to be too wide");
        let too_wide: Vec<String> = {
            let mut found = Vec::new();
            for path in &paths {
                if let Some(widths) = overflow_on(&browser, &format!("{url}{path}")).await {
                    found.push(format!("{path}: {widths}"));
                }
            }
            found
        };
        assert!(too_wide.is_empty(), "wider than the screen: {too_wide:#?}");
    })
    .await;
}

/// Opens a page: `Some("<page width> > <screen width>")` when it is wider than the window.
async fn overflow_on(browser: &Client, url: &str) -> Option<String> {
    browser
        .goto(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let script = "const root = document.documentElement;
        return [root.scrollWidth, root.clientWidth];";
    let widths = browser
        .execute(script, vec![])
        .await
        .expect("the page's widths");
    let Value::Array(widths) = &widths else {
        panic!("unexpected widths: {widths}");
    };
    let (page, screen) = (widths[0].as_u64()?, widths[1].as_u64()?);
    assert!(
        screen <= 400,
        "{url}: the window is phone-wide, not {screen} px"
    );
    (page > screen).then(|| format!("{page} > {screen}"))
}
