//! The example site's search page in headless Chromium: results as you type with JavaScript,
//! shows and topics to browse without it.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser;
use crate::in_browser::{in_browser, wait_for_path};
use crate::support::{Server, Site, eventually};

/// The first result's link once it is the expected one, and its path. Results for a prefix of
/// the query (each keystroke searches) may show first and name another page.
async fn first_result(browser: &Client, title: &str) -> String {
    let what = format!("{title:?} as the first search result");
    eventually(Duration::from_secs(10), &what, || async move {
        let link = browser
            .find(Locator::Css("[data-kiln-results] li h3 a"))
            .await
            .ok()?;
        let href = link.attr("href").await.ok()??;
        (link.text().await.ok()? == title).then_some(href)
    })
    .await
}

/// The marked words of the results shown, lower-cased; `None` if the results were redrawn
/// while being read.
async fn marked_words(browser: &Client) -> Option<Vec<String>> {
    let marks = browser
        .find_all(Locator::Css("[data-kiln-results] li mark"))
        .await
        .ok()?;
    let mut marked = Vec::new();
    for mark in marks {
        marked.push(mark.text().await.ok()?.to_lowercase());
    }
    Some(marked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_query_shows_marked_results_and_the_first_opens_its_episode() {
    let test = "typing_a_query_shows_marked_results_and_the_first_opens_its_episode";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(true, move |browser| async move {
        browser
            .goto(&format!("{url}/search/"))
            .await
            .expect("search page");
        let input = browser
            .find(Locator::Css("#search-q"))
            .await
            .expect("the query box");
        input.send_keys("no dig").await.expect("type");
        let href = first_result(&browser, "The No-Dig Bed").await;
        // "no" alone may have been answered first; "dig" is marked once the whole query is.
        eventually(Duration::from_secs(10), "a word marked dig…", || async {
            let marked = marked_words(&browser).await?;
            marked.iter().any(|m| m.starts_with("dig")).then_some(())
        })
        .await;
        let results = browser
            .find(Locator::Css("[data-kiln-results]"))
            .await
            .expect("results");
        let shown = results.text().await.expect("results text");
        assert!(shown.contains("Field Notes"), "the show is named: {shown}");

        let path = href.strip_prefix(&url).unwrap_or(&href).to_string();
        browser
            .find(Locator::Css("[data-kiln-results] li h3 a"))
            .await
            .expect("first result")
            .click()
            .await
            .expect("click");
        wait_for_path(&browser, &path).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_search_form_lists_shows_and_topics() {
    let test = "without_javascript_the_search_form_lists_shows_and_topics";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(false, move |browser| async move {
        browser
            .goto(&format!("{url}/search/"))
            .await
            .expect("search page");
        let input = browser
            .find(Locator::Css("#search-q"))
            .await
            .expect("the query box");
        input.send_keys("garden").await.expect("type");
        browser
            .find(Locator::Css("form[data-kiln-search] [type='submit']"))
            .await
            .expect("submit button")
            .click()
            .await
            .expect("submit");
        eventually(Duration::from_secs(10), "the query in the URL", || async {
            let now = browser.current_url().await.ok()?;
            (now.query() == Some("q=garden")).then_some(())
        })
        .await;
        let shows = browser
            .find_all(Locator::Css(".search-browse__shows a"))
            .await
            .expect("show links");
        let topics = browser
            .find_all(Locator::Css(".search-browse .tag-cloud a"))
            .await
            .expect("topic links");
        assert_eq!(shows.len(), 3, "every show is listed");
        assert!(topics.len() >= 5, "topics are listed: {}", topics.len());
        let first = shows[0].attr("href").await.expect("href").expect("a link");
        assert!(first.contains("/shows/"), "{first}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_urdu_search_page_finds_urdu_episodes_and_says_so_in_urdu() {
    let test = "the_urdu_search_page_finds_urdu_episodes_and_says_so_in_urdu";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(true, move |browser| async move {
        browser
            .goto(&format!("{url}/ur/search/"))
            .await
            .expect("the Urdu search page");
        let input = browser
            .find(Locator::Css("#search-q"))
            .await
            .expect("the query box");
        input.send_keys("جامد").await.expect("type");
        let href = first_result(&browser, "جامد ویب سائٹیں کبھی گئی ہی نہیں").await;
        assert!(href.contains("/ur/shows/"), "an Urdu page: {href}");
        let status = browser
            .find(Locator::Css("[data-kiln-results] [role=status]"))
            .await
            .expect("the status line");
        let said = status.text().await.expect("status text");
        assert!(
            said.ends_with("نتائج") || said.ends_with("نتیجہ"),
            "the count in Urdu: {said}"
        );
    })
    .await;
}
