//! The example site's Urdu edition in headless Chromium: the language switcher goes to Urdu
//! and back, and a visitor signs up from the Urdu page (and a failure comes back to it).

use fantoccini::{Client, Locator};

use crate::browser;
use crate::in_browser::{
    fill, in_browser, input_value, submit, wait_for_path, wait_for_path_and_fragment,
};
use crate::support::{Server, Site};

/// The `dir` of the page's `<html>`.
async fn direction(browser: &Client) -> String {
    let html = browser.find(Locator::Css("html")).await.expect("<html>");
    html.attr("dir").await.expect("dir").unwrap_or_default()
}

async fn switch_to(browser: &Client, lang: &str) {
    let link = browser
        .find(Locator::Css(&format!(".lang-switch a[hreflang='{lang}']")))
        .await
        .expect("a language switcher link");
    link.click().await.expect("switch language");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_to_urdu_and_back_and_signing_up_from_the_urdu_page() {
    let test = "switching_to_urdu_and_back_and_signing_up_from_the_urdu_page";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    in_browser(false, move |browser| async move {
        browser
            .goto(&format!("{url}/signup/"))
            .await
            .expect("signup page");
        assert_eq!(direction(&browser).await, "ltr");
        switch_to(&browser, "ur").await;
        wait_for_path(&browser, "/ur/signup/").await;
        assert_eq!(
            direction(&browser).await,
            "rtl",
            "the Urdu page reads right to left"
        );
        switch_to(&browser, "en").await;
        wait_for_path(&browser, "/signup/").await;
        assert_eq!(direction(&browser).await, "ltr");

        switch_to(&browser, "ur").await;
        wait_for_path(&browser, "/ur/signup/").await;
        let next = input_value(&browser, "next").await;
        let fields = [
            ("fullname", "عائشہ خان"),
            ("email", "ayesha@example.com"),
            ("password", "ایک لمبا اور یادگار جملہ"),
        ];
        fill(&browser, &fields).await;
        submit(&browser).await;
        wait_for_path(&browser, &next).await;

        // The same email again: the sidecar sends the visitor back to the Urdu form, whose
        // message for it is in Urdu.
        browser
            .goto(&format!("{url}/ur/signup/"))
            .await
            .expect("Urdu signup page");
        fill(&browser, &fields).await;
        submit(&browser).await;
        wait_for_path_and_fragment(&browser, "/ur/signup/", "email-taken").await;
        let message = browser
            .find(Locator::Css("#email-taken"))
            .await
            .expect("the message")
            .text()
            .await
            .expect("text");
        assert!(
            message.contains("ای میل"),
            "the message is in Urdu: {message}"
        );
    })
    .await;
}
