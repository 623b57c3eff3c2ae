//! The example site's optional scripts in headless Chromium with page JavaScript on: a list's
//! Play link plays its episode in place, the episode page's player plays at the speed chosen,
//! and the header greets a signed-in visitor by the name in the sidecar's hint cookie.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser;
use crate::in_browser::{fill, in_browser, submit, wait_for_path};
use crate::support::{Server, Site, eventually};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_listed_episode_plays_in_place_and_the_player_changes_speed() {
    let test = "with_javascript_a_listed_episode_plays_in_place_and_the_player_changes_speed";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(true, move |browser| async move {
        browser
            .goto(&format!("{url}/shows/slow-bytes/"))
            .await
            .expect("a show");
        let play = browser
            .find(Locator::Css("a.play"))
            .await
            .expect("a Play link");
        let audio = play
            .attr("data-audio")
            .await
            .expect("attr")
            .expect("its audio");
        play.click().await.expect("click Play");
        eventually(Duration::from_secs(10), "the link turns into Pause", || {
            let browser = browser.clone();
            async move {
                let label = script(
                    &browser,
                    "return document.querySelector('a.play .play__label').textContent",
                )
                .await;
                (label == "Pause").then_some(())
            }
        })
        .await;
        assert_eq!(
            browser.current_url().await.expect("url").path(),
            "/shows/slow-bytes/",
            "it played in place instead of opening the episode"
        );
        let fetched = format!(
            "return performance.getEntriesByType('resource').some(e => e.name === {audio:?})"
        );
        // The label changes on the click; the timing entry comes when the fetch completes.
        eventually(Duration::from_secs(10), &format!("{audio} fetched"), || {
            let (browser, fetched) = (browser.clone(), fetched.clone());
            async move { (script(&browser, &fetched).await == Value::Bool(true)).then_some(()) }
        })
        .await;

        let episode = play.attr("href").await.expect("attr").expect("a link");
        browser.goto(&episode).await.expect("the episode");
        let faster = browser
            .find(Locator::XPath(
                "//div[@class='player__speeds']/button[.='1.5×']",
            ))
            .await
            .expect("the optional script adds speed buttons");
        faster.click().await.expect("click 1.5×");
        assert_eq!(
            script(
                &browser,
                "return document.querySelector('.player audio').playbackRate"
            )
            .await,
            Value::from(1.5)
        );
        // Starts the native control's playback as its play button would, then waits for time
        // to pass in the media: the audio decodes and plays.
        script(
            &browser,
            "document.querySelector('.player audio').play(); return null",
        )
        .await;
        eventually(Duration::from_secs(10), "the episode's audio plays", || {
            let browser = browser.clone();
            async move {
                let at = script(
                    &browser,
                    "return document.querySelector('.player audio').currentTime",
                )
                .await;
                (at.as_f64().unwrap_or(0.0) > 0.5).then_some(())
            }
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_signed_in_visitor_is_greeted_by_name_and_logs_out_from_the_header() {
    let test =
        "with_javascript_a_signed_in_visitor_is_greeted_by_name_and_logs_out_from_the_header";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(true, move |browser| async move {
        browser
            .goto(&format!("{url}/about/"))
            .await
            .expect("a page");
        let account = "return document.querySelector('.site-header__account').textContent";
        let signed_out = script(&browser, account).await;
        assert!(
            signed_out.as_str().unwrap_or("").contains("Log in"),
            "{signed_out}"
        );

        browser
            .goto(&format!("{url}/signup/"))
            .await
            .expect("signup");
        let fields = [
            ("fullname", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("password", "correct horse battery"),
        ];
        fill(&browser, &fields).await;
        submit(&browser).await;
        wait_for_path(&browser, "/welcome/").await;
        browser
            .goto(&format!("{url}/about/"))
            .await
            .expect("a page");
        eventually(Duration::from_secs(5), "the header greets Ada", || {
            let browser = browser.clone();
            async move {
                let text = script(&browser, account).await;
                text.as_str()
                    .is_some_and(|t| t.contains("Hi, Ada") && !t.contains("Log in"))
                    .then_some(())
            }
        })
        .await;

        let log_out = browser
            .find(Locator::Css(".site-header__account form button"))
            .await
            .expect("a log-out button in the header");
        log_out.click().await.expect("log out");
        wait_for_path(&browser, "/").await;
        let after = script(&browser, account).await;
        assert!(
            after.as_str().unwrap_or("").contains("Log in"),
            "signed out again: {after}"
        );
    })
    .await;
}

async fn script(browser: &Client, code: &str) -> Value {
    browser
        .execute(code, vec![])
        .await
        .unwrap_or_else(|e| panic!("{code}: {e}"))
}
