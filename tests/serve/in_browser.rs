//! `kiln serve` in headless Chromium: accounts with JavaScript off, live reload with it on.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::browser::{self, Browser};
use crate::support::{
    ABOUT_MD, ABOUT_URL, Server, Site, append_paragraph, eventually, stylesheet_path,
};

/// Runs a browser scenario, then closes the browser whether or not the scenario panicked.
pub async fn in_browser<F, Fut, T>(javascript: bool, scenario: F) -> T
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let browser = Browser::start(javascript).await;
    let outcome = tokio::spawn(scenario(browser.client.clone())).await;
    browser.close().await;
    outcome.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_signup_logout_and_login_work_and_auth_pages_have_no_chrome() {
    let test = "without_javascript_signup_logout_and_login_work_and_auth_pages_have_no_chrome";
    if !browser::available(test) {
        return;
    }
    let site = Site::example();
    let server = Server::start(&site);
    let url = server.url.clone();
    const PASSWORD: &str = "correct horse battery";
    in_browser(false, move |browser| async move {
        let email = "ada@example.com";
        let password = PASSWORD;

        browser
            .goto(&format!("{url}/signup/"))
            .await
            .expect("signup page");
        assert!(!runs_page_scripts(&browser).await, "page JavaScript is off");
        assert_no_chrome(&browser).await;
        let next = input_value(&browser, "next").await;
        fill(
            &browser,
            &[
                ("fullname", "Ada Lovelace"),
                ("email", email),
                ("password", password),
            ],
        )
        .await;
        submit(&browser).await;
        wait_for_path(&browser, &next).await;
        assert!(
            has_http_only_cookie(&browser).await,
            "signing up sets an HttpOnly session cookie"
        );

        log_out(&browser).await;

        wrong_password_is_refused_on_the_page(&browser, &url, email).await;

        browser
            .goto(&format!("{url}/login/"))
            .await
            .expect("login page");
        let next = input_value(&browser, "next").await;
        fill(&browser, &[("email", email), ("password", password)]).await;
        submit(&browser).await;
        wait_for_path(&browser, &next).await;
        assert!(
            has_http_only_cookie(&browser).await,
            "logging in sets an HttpOnly session cookie"
        );

        browser.goto(&format!("{url}/")).await.expect("home page");
        for chrome in ["header.site-header", "footer.site-footer"] {
            let element = browser.find(Locator::Css(chrome)).await.expect(chrome);
            assert!(
                element.is_displayed().await.expect("displayed"),
                "home shows {chrome}"
            );
        }
    })
    .await;
    let log = server.log().join("\n");
    assert!(
        log.contains("outcome=\"ok\""),
        "the sidecar's log reaches the serve log:\n{log}"
    );
    assert!(
        !log.contains(PASSWORD),
        "a password reached the log:\n{log}"
    );
}

/// Submits the logout form and waits for the session cookie to go.
async fn log_out(browser: &Client) {
    let logout = browser.form(Locator::Css("form[action$='/logout']")).await;
    logout
        .expect("the page after signup offers to log out")
        .submit()
        .await
        .expect("log out");
    eventually(
        Duration::from_secs(5),
        "logging out clears the session cookie",
        || {
            let browser = browser.clone();
            async move { (!has_http_only_cookie(&browser).await).then_some(()) }
        },
    )
    .await;
}

/// Logs in with a wrong password: the login page (without chrome) shows the error and sets
/// no session cookie.
async fn wrong_password_is_refused_on_the_page(browser: &Client, url: &str, email: &str) {
    browser
        .goto(&format!("{url}/login/"))
        .await
        .expect("login page");
    assert_no_chrome(browser).await;
    fill(
        browser,
        &[("email", email), ("password", "not the password")],
    )
    .await;
    submit(browser).await;
    let error = eventually(Duration::from_secs(10), "the login error shows", || {
        let browser = browser.clone();
        async move {
            let element = browser
                .find(Locator::Id("invalid-credentials"))
                .await
                .ok()?;
            element.is_displayed().await.ok()?.then_some(element)
        }
    })
    .await;
    assert!(!error.text().await.expect("error text").trim().is_empty());
    assert!(!has_http_only_cookie(browser).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_open_tab_shows_edits_within_two_seconds_swaps_styles_and_build_errors()
{
    if !browser::available(
        "with_javascript_the_open_tab_shows_edits_within_two_seconds_swaps_styles_and_build_errors",
    ) {
        return;
    }
    // Shared with the browser task; outlives the server, so the server never sees it vanish.
    let site = std::sync::Arc::new(Site::example());
    let server = Server::start(&site);
    let url = format!("{}{ABOUT_URL}", server.url);
    // The example site's /style.css is compiled from sass/style.scss, which uses this partial.
    let page_css = stylesheet_path(&server.get("/").await.text(), &server.url);
    assert_eq!(page_css, "/style.css");
    let css_file = "sass/_code.scss";
    let edited_site = site.clone();
    let took = in_browser(true, move |browser| async move {
        let site = edited_site;
        // No wait for the live-reload stream: a page that connects late is told what it missed.
        browser.goto(&url).await.expect("about page");
        assert!(runs_page_scripts(&browser).await, "page JavaScript is on");

        let edited_at = Instant::now();
        append_paragraph(&site, ABOUT_MD, "Freshly saved words.");
        wait_for_text(&browser, "Freshly saved words.").await;
        let took = edited_at.elapsed();

        // A stylesheet change applies in place: the page is not reloaded.
        mark_page(&browser).await;
        let css = site.read(css_file);
        site.write(
            css_file,
            &format!("{css}\nbody {{ outline: 3px solid rgb(1, 2, 3); }}\n"),
        );
        wait_for_outline_without_reload(&browser, "rgb(1, 2, 3)").await;

        // A broken template shows its error over the open page; fixing it takes it away.
        let template = site.read("templates/page.html");
        site.write("templates/page.html", &format!("{template}\n{{% if %}}\n"));
        let overlay = wait_for_overlay(&browser, true).await;
        assert!(
            overlay.contains("page.html"),
            "the overlay names the template: {overlay}"
        );
        site.write("templates/page.html", &template);
        wait_for_overlay(&browser, false).await;
        wait_for_text(&browser, "Freshly saved words.").await;
        took
    })
    .await;
    let log = server.log().join("\n");
    assert!(
        took < Duration::from_secs(2),
        "the edit took {took:?} to show; server log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stylesheet_whose_name_is_not_ascii_is_also_swapped_in_place() {
    if !browser::available("a_stylesheet_whose_name_is_not_ascii_is_also_swapped_in_place") {
        return;
    }
    let site = std::sync::Arc::new(Site::example());
    site.write("static/thème.css", "p { margin: 0; }\n");
    site.write(
        "content/styled.md",
        "+++\ntitle = \"Styled\"\ndescription = \"A page with its own sheet.\"\n+++\n\
         <link rel=\"stylesheet\" href=\"/th%C3%A8me.css\">\n\nStyled words.\n",
    );
    let server = Server::start(&site);
    let url = format!("{}/styled/", server.url);
    let edited_site = site.clone();
    in_browser(true, move |browser| async move {
        browser.goto(&url).await.expect("the styled page");
        wait_for_text(&browser, "Styled words.").await;
        mark_page(&browser).await;
        let rule = "body { outline: 3px solid rgb(4, 5, 6); }";
        edited_site.write("static/thème.css", &format!("p {{ margin: 0; }}\n{rule}\n"));
        wait_for_outline_without_reload(&browser, "rgb(4, 5, 6)").await;
    })
    .await;
}

/// Marks the open page, so that [`wait_for_outline_without_reload`] can tell it was not reloaded.
async fn mark_page(browser: &Client) {
    let mark = "window.kilnStillHere = true;";
    browser.execute(mark, vec![]).await.expect("mark the page");
}

/// Waits until the body's outline has `color`, failing if the marked page was reloaded.
async fn wait_for_outline_without_reload(browser: &Client, color: &str) {
    let script = "return [getComputedStyle(document.body).outlineColor, \
                  window.kilnStillHere === true];";
    eventually(
        Duration::from_secs(5),
        "the new style applies without a reload",
        || async move {
            let value = browser.execute(script, vec![]).await.ok()?;
            assert_eq!(value[1], serde_json::json!(true), "the page reloaded");
            (value[0].as_str()? == color).then_some(())
        },
    )
    .await;
}

/// No site header, footer or navigation; a language switcher is the page's own, not chrome.
async fn assert_no_chrome(browser: &Client) {
    for chrome in ["header", "footer", "nav:not(.lang-switch)"] {
        let found = browser.find_all(Locator::Css(chrome)).await.expect("query");
        assert!(
            found.is_empty(),
            "{} has a <{chrome}>",
            browser.current_url().await.expect("url")
        );
    }
}

pub async fn input_value(browser: &Client, name: &str) -> String {
    let input = browser
        .find(Locator::Css(&format!("input[name='{name}']")))
        .await
        .expect(name);
    input
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

pub async fn fill(browser: &Client, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        let input = browser
            .find(Locator::Css(&format!("input[name='{name}']")))
            .await
            .expect(name);
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }
}

pub async fn submit(browser: &Client) {
    let button = browser
        .find(Locator::Css("main form [type='submit']"))
        .await
        .expect("a submit button");
    button.click().await.expect("submit");
}

pub async fn wait_for_path(browser: &Client, path: &str) {
    eventually(
        Duration::from_secs(10),
        &format!("arriving at {path}"),
        || async move {
            let url = browser.current_url().await.ok()?;
            (url.path() == path).then_some(())
        },
    )
    .await;
}

/// Waits for `path#fragment`: for a form that sends the visitor back to the page it was
/// posted from, where the path alone matches before the post has even left.
pub async fn wait_for_path_and_fragment(browser: &Client, path: &str, fragment: &str) {
    eventually(
        Duration::from_secs(10),
        &format!("arriving at {path}#{fragment}"),
        || async move {
            let url = browser.current_url().await.ok()?;
            (url.path() == path && url.fragment() == Some(fragment)).then_some(())
        },
    )
    .await;
}

async fn has_http_only_cookie(browser: &Client) -> bool {
    let cookies = browser.get_all_cookies().await.expect("cookies");
    cookies
        .iter()
        .any(|cookie| cookie.http_only() == Some(true))
}

/// Whether the browser runs a page's own scripts, checked on a throwaway page (WebDriver's
/// `execute` works either way, so it cannot tell).
async fn runs_page_scripts(browser: &Client) -> bool {
    let back = browser.current_url().await.expect("current page");
    let probe = "data:text/html,<title>off</title><script>document.title='on'</script>";
    browser.goto(probe).await.expect("probe page");
    let title = browser.title().await.expect("probe title");
    browser.goto(back.as_str()).await.expect("back to the page");
    title == "on"
}

/// Waits until the build-error overlay is shown (returning its text) or gone.
async fn wait_for_overlay(browser: &Client, shown: bool) -> String {
    let what = if shown {
        "the error overlay shows"
    } else {
        "the error overlay goes"
    };
    eventually(Duration::from_secs(10), what, || async move {
        let text = match browser.find(Locator::Id("kiln-build-error")).await {
            Ok(overlay) => Some(overlay.text().await.ok()?),
            Err(_) => None,
        };
        (text.is_some() == shown).then(|| text.unwrap_or_default())
    })
    .await
}

async fn wait_for_text(browser: &Client, text: &str) {
    eventually(
        Duration::from_secs(5),
        &format!("{text:?} shows in the open tab"),
        || async move {
            let body = browser.find(Locator::Css("body")).await.ok()?;
            body.text().await.ok()?.contains(text).then_some(())
        },
    )
    .await;
}
