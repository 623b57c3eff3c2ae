#![cfg(feature = "serve")]
//! `kiln serve` end to end: the real binary on a copy of the example site, checked over plain
//! HTTP and in headless Chromium.

#[path = "serve/browser.rs"]
mod browser;
#[path = "serve/support.rs"]
mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use http_body_util::BodyExt;
use hyper::{Method, StatusCode};
use kiln::{BuildOptions, OutputFile, SiteOutput, render_site};

use browser::Browser;
use support::{Server, Site, eventually, request, request_with};

/// A content page of the example site: its Markdown file and its URL.
const ABOUT_MD: &str = "content/about.md";
const ABOUT_URL: &str = "/about/";

/// Removes what serve mode adds to HTML, to compare a served page with the built file.
fn without_live_reload(html: &str) -> String {
    let Some(start) = html.find("<script id=\"kiln-live-reload\"") else {
        return html.to_owned();
    };
    let end =
        start + html[start..].find("</script>").expect("the script closes") + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// Where two files part, with some context, for a readable failure.
fn first_difference(served: &[u8], built: &[u8]) -> String {
    let at = served.iter().zip(built).take_while(|(a, b)| a == b).count();
    let around = |bytes: &[u8]| {
        String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())])
            .into_owned()
    };
    format!(
        "at byte {at}:\nserved: {}\nbuilt:  {}",
        around(served),
        around(built)
    )
}

/// Appends a paragraph to a page's Markdown, as an author would.
fn append_paragraph(site: &Site, markdown: &str, text: &str) {
    let source = site.read(markdown);
    site.write(markdown, &format!("{}\n\n{text}\n", source.trim_end()));
}

// ---- plain HTTP -------------------------------------------------------------------------------

#[tokio::test]
async fn pages_are_served_at_pretty_urls_with_their_content_types() {
    let site = Site::example();
    let server = Server::start(&site);

    let home = server.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert!(home.text().contains("<title>"), "{}", home.text());

    let about = server.get(ABOUT_URL).await;
    assert_eq!(about.status, StatusCode::OK);
    assert_eq!(about.text(), server.get("/about/index.html").await.text());

    for (path, content_type) in [
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/atom.xml", "text/xml; charset=utf-8"),
    ] {
        let reply = server.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.header("content-type"), content_type, "{path}");
        assert!(
            !reply.text().contains("kiln-live-reload"),
            "{path} must not get the script"
        );
    }

    let stylesheet = stylesheet_path(&home.text(), &server.url);
    let css = server.get(&stylesheet).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");

    let head = request(Method::HEAD, &format!("{}{ABOUT_URL}", server.url)).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn audio_answers_range_requests_so_players_can_seek() {
    let site = Site::example();
    let server = Server::start(&site);
    let full = full_build(&site, &server);
    let (key, source) = full
        .files
        .iter()
        .find_map(|(key, file)| match file {
            OutputFile::Copied(source) if key.ends_with(".mp3") => Some((key, source)),
            _ => None,
        })
        .expect("the example site bundles mp3 episodes");
    let audio = std::fs::read(source).expect("the mp3");
    let url = format!("{}/{key}", server.url);

    let whole = request(Method::GET, &url).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.header("content-type"), "audio/mpeg");
    assert_eq!(whole.header("accept-ranges"), "bytes");
    assert_eq!(whole.body, audio);

    let part = request_with(Method::GET, &url, &[("range", "bytes=100-199")]).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.header("content-range"),
        format!("bytes 100-199/{}", audio.len())
    );
    assert_eq!(part.body, audio[100..200]);

    let past_the_end = format!("bytes={}-", audio.len());
    let beyond = request_with(Method::GET, &url, &[("range", &past_the_end)]).await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.header("content-range"),
        format!("bytes */{}", audio.len())
    );
}

#[tokio::test]
async fn a_folder_without_its_trailing_slash_redirects_to_the_slash_form() {
    let site = Site::example();
    let server = Server::start(&site);

    let reply = server.get("/about?from=test").await;
    assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(reply.header("location"), "/about/?from=test");
}

#[tokio::test]
async fn unknown_paths_get_the_sites_own_404_page_with_status_404() {
    let site = Site::example();
    let server = Server::start(&site);
    let built_404 = site_404(&site, &server);

    let reply = server.get("/no/such/page/").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(without_live_reload(&reply.text()), built_404);

    let post = request(Method::POST, &format!("{}/about/", server.url)).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.header("allow"), "GET, HEAD");
}

#[tokio::test]
async fn links_point_at_the_local_server_instead_of_the_configured_base_url() {
    let site = Site::example();
    let server = Server::start(&site);

    let home = server.get("/").await.text();
    assert!(home.contains(&format!("{}/about/", server.url)), "{home}");
    assert!(!home.contains("kiln-podcasts.example/about/"), "{home}");
}

#[tokio::test]
async fn the_sidecar_answers_under_api_on_the_same_origin() {
    let site = Site::example();
    let server = Server::start(&site);

    let health = server.get("/api/health").await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.text());

    let hint = server.get("/api/signup").await;
    assert_eq!(hint.status, StatusCode::OK);
    assert!(hint.header("content-type").starts_with("application/json"));
    assert!(hint.text().contains("POST"), "{}", hint.text());

    assert!(
        site.path(".kiln/kiln.db").exists(),
        "the dev database lives under .kiln/"
    );
    assert_eq!(site.read(".kiln/.gitignore").lines().last(), Some("*"));
}

#[tokio::test]
async fn only_html_responses_carry_the_live_reload_script() {
    let site = Site::example();
    let server = Server::start(&site);

    let about = server.get(ABOUT_URL).await.text();
    let script_tag = about
        .find("<script id=\"kiln-live-reload\"")
        .expect("script injected");
    assert!(
        script_tag < about.rfind("</body>").expect("a body"),
        "script sits inside <body>"
    );

    let script = server.get("/__kiln/live-reload.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    assert!(script.text().contains("EventSource"));
}

#[tokio::test]
async fn a_broken_template_shows_an_overlay_over_the_last_good_site_until_fixed() {
    let site = Site::example();
    let server = &Server::start(&site);
    let good = server.get(ABOUT_URL).await.text();
    assert!(!good.contains("kiln-build-error"));

    let template = site.read("templates/page.html");
    site.write("templates/page.html", &format!("{template}\n{{% if %}}\n"));
    let broken = eventually(
        Duration::from_secs(10),
        "the overlay appears",
        || async move {
            let page = server.get(ABOUT_URL).await.text();
            page.contains("id=\"kiln-build-error\"").then_some(page)
        },
    )
    .await;
    assert!(
        broken.contains("page.html"),
        "the overlay names the template:\n{broken}"
    );
    let before_overlay = &broken[..broken
        .find("<script id=\"kiln-live-reload\"")
        .expect("script")];
    assert_eq!(
        before_overlay,
        &good[..good
            .find("<script id=\"kiln-live-reload\"")
            .expect("script")]
    );
    server.wait_for_log("page.html", Duration::from_secs(5));

    site.write("templates/page.html", &template);
    eventually(
        Duration::from_secs(10),
        "the overlay goes away",
        || async move {
            let page = server.get(ABOUT_URL).await.text();
            (!page.contains("kiln-build-error")).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn after_each_kind_of_edit_the_served_site_equals_a_full_build_of_the_edited_tree() {
    let site = Site::example();
    let server = &Server::start(&site);
    let before = full_build(&site, server);
    let episode = first_episode(&site);

    // A page, a page shown in listings and feeds, a template, a page removed, the config:
    // what a rebuild must get right, each compared file by file with a fresh full build.
    append_paragraph(&site, ABOUT_MD, "A sentence added while the server runs.");
    let before = served_equals_full_build(&site, server, before, 1).await;
    let episode_md = site.read(&episode);
    let retitled = episode_md.replacen("title = \"", "title = \"Retitled: ", 1);
    assert_ne!(retitled, episode_md, "{episode} has a TOML title");
    site.write(&episode, &retitled);
    let before = served_equals_full_build(&site, server, before, 2).await;
    let template = site.read("templates/episode.html");
    let edited = template.replace("{% endblock main %}", "<p>Edited.</p>{% endblock main %}");
    assert_ne!(edited, template, "episode.html fills the main block");
    site.write("templates/episode.html", &edited);
    let before = served_equals_full_build(&site, server, before, 3).await;
    std::fs::remove_file(site.path(&episode)).expect("remove the episode");
    let before = served_equals_full_build(&site, server, before, 4).await;
    let config = site.read("config.toml");
    let renamed = config.replacen("title = \"", "title = \"Renamed ", 1);
    assert_ne!(renamed, config, "config.toml has a title");
    site.write("config.toml", &renamed);
    served_equals_full_build(&site, server, before, 5).await;
}

#[tokio::test]
async fn every_page_but_login_and_signup_has_the_site_header_and_footer() {
    let site = Site::example();
    let server = Server::start(&site);
    let full = full_build(&site, &server);

    for key in full.files.keys().filter(|key| key.ends_with(".html")) {
        let page = server.get(&format!("/{key}")).await.text();
        if page.contains("http-equiv=\"refresh\"") {
            continue; // an alias: a redirect stub, not a page
        }
        let bare = key == "login/index.html" || key == "signup/index.html";
        for chrome in ["class=\"site-header", "class=\"site-footer"] {
            assert_eq!(page.contains(chrome), !bare, "{key}: {chrome}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_ends_live_reload_streams_and_stops_the_server_cleanly() {
    let site = Site::example();
    let server = Server::start(&site);
    let events = support::open(Method::GET, &format!("{}/__kiln/events", server.url)).await;
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let events = tokio::spawn(events.into_body().collect());

    let asked = Instant::now();
    let status = tokio::task::block_in_place(|| server.interrupt());
    let took = asked.elapsed();
    let log = server.log().join("\n");
    assert!(status.success(), "exit status {status}:\n{log}");
    assert!(
        took < Duration::from_secs(2),
        "took {took:?} to stop:\n{log}"
    );
    let stream = tokio::time::timeout(Duration::from_secs(1), events).await;
    let stream = stream
        .expect("the event stream ended")
        .expect("the reader ran");
    assert!(
        stream.is_ok(),
        "the event stream ended cleanly, not cut off"
    );
}

#[tokio::test]
async fn drafts_are_served_only_with_the_drafts_flag() {
    let site = Site::example();
    site.write(
        "content/draft-note.md",
        "+++\ntitle = \"Draft note\"\ndescription = \"Not yet.\"\ndraft = true\n+++\nUnfinished.\n",
    );
    let without = Server::start(&site);
    assert_eq!(
        without.get("/draft-note/").await.status,
        StatusCode::NOT_FOUND
    );
    drop(without);
    let with = Server::start_with(&site, &["--drafts"]);
    let draft = with.get("/draft-note/").await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.text().contains("Unfinished."));
}

// ---- in a real browser ------------------------------------------------------------------------

/// Runs a browser scenario, then closes the browser whether or not the scenario panicked.
async fn in_browser<F, Fut, T>(javascript: bool, scenario: F) -> T
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

        browser
            .goto(&format!("{url}/login/"))
            .await
            .expect("login page");
        assert_no_chrome(&browser).await;
        fill(
            &browser,
            &[("email", email), ("password", "not the password")],
        )
        .await;
        submit(&browser).await;
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
        assert!(!has_http_only_cookie(&browser).await);

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_open_tab_shows_edits_within_two_seconds_swaps_styles_and_build_errors()
{
    // Shared with the browser task; outlives the server, so the server never sees it vanish.
    let site = std::sync::Arc::new(Site::example());
    let server = Server::start(&site);
    let url = format!("{}{ABOUT_URL}", server.url);
    let page_css = stylesheet_path(&server.get("/").await.text(), &server.url);
    let css_file = format!("static{page_css}");
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
        browser.execute("window.kilnStillHere = true;", vec![]).await.expect("mark the page");
        let css = site.read(&css_file);
        site.write(&css_file, &format!("{css}\nbody {{ outline: 3px solid rgb(1, 2, 3); }}\n"));
        eventually(Duration::from_secs(5), "the new style applies without a reload", || {
            let browser = browser.clone();
            async move {
                let script = "return [getComputedStyle(document.body).outlineColor, window.kilnStillHere === true];";
                let value = browser.execute(script, vec![]).await.ok()?;
                let color = value[0].as_str()?;
                assert_eq!(value[1], serde_json::json!(true), "the page reloaded");
                (color == "rgb(1, 2, 3)").then_some(())
            }
        })
        .await;

        // A broken template shows its error over the open page; fixing it takes it away.
        let template = site.read("templates/page.html");
        site.write("templates/page.html", &format!("{template}\n{{% if %}}\n"));
        let overlay = wait_for_overlay(&browser, true).await;
        assert!(overlay.contains("page.html"), "the overlay names the template: {overlay}");
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

// ---- helpers ----------------------------------------------------------------------------------

/// A full build of the site as the server would build it, in this process.
fn full_build(site: &Site, server: &Server) -> SiteOutput {
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some(server.url.clone()),
        drafts: false,
    };
    render_site(&options).unwrap_or_else(|e| panic!("{e}"))
}

/// The Markdown file of one episode, which show pages, feeds and the home page list.
fn first_episode(site: &Site) -> String {
    let shows = std::fs::read_dir(site.path("content/shows")).expect("content/shows");
    let mut episodes: Vec<String> = shows
        .flatten()
        .filter(|show| show.path().is_dir())
        .flat_map(|show| {
            std::fs::read_dir(show.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|entry| entry.path().join("index.md"))
        .filter(|index| index.is_file())
        .map(|index| {
            index
                .strip_prefix(site.root())
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    episodes.sort();
    episodes
        .into_iter()
        .next()
        .expect("the example site has episodes")
}

/// Waits for rebuild number `rebuilds`, then checks that every file the server serves is the
/// file a full build makes now, and that files the edit removed are gone.
async fn served_equals_full_build(
    site: &Site,
    server: &Server,
    before: SiteOutput,
    rebuilds: usize,
) -> SiteOutput {
    eventually(Duration::from_secs(20), "the rebuild", || async move {
        (rebuild_lines(server) >= rebuilds).then_some(())
    })
    .await;
    assert_eq!(rebuild_lines(server), rebuilds, "one log line per rebuild");
    let full = full_build(site, server);
    assert!(
        full.files != before.files,
        "edit {rebuilds} changed no output: a useless check"
    );
    for (key, file) in &full.files {
        let served = server.get(&format!("/{key}")).await;
        assert_eq!(served.status, StatusCode::OK, "{key}");
        let expected = match file {
            OutputFile::Generated(bytes) => bytes.to_vec(),
            OutputFile::Copied(source) => std::fs::read(source).expect("copied source"),
        };
        let served = if key.ends_with(".html") {
            without_live_reload(&served.text()).into_bytes()
        } else {
            served.body
        };
        if served != expected {
            let difference = first_difference(&served, &expected);
            panic!("after edit {rebuilds}, {key} differs from a full build: {difference}");
        }
    }
    for gone in before
        .files
        .keys()
        .filter(|key| !full.files.contains_key(*key))
    {
        let served = server.get(&format!("/{gone}")).await;
        assert_eq!(
            served.status,
            StatusCode::NOT_FOUND,
            "{gone} should be gone"
        );
    }
    full
}

fn rebuild_lines(server: &Server) -> usize {
    server
        .log()
        .iter()
        .filter(|line| line.contains(": re-rendered "))
        .count()
}

fn site_404(site: &Site, server: &Server) -> String {
    match full_build(site, server).files.get("404.html") {
        Some(OutputFile::Generated(bytes)) => String::from_utf8(bytes.to_vec()).expect("utf-8"),
        _ => panic!("the example site has a generated 404.html"),
    }
}

/// The URL path of the first stylesheet a page links.
fn stylesheet_path(html: &str, site_url: &str) -> String {
    let link = html
        .split("<link")
        .find(|tag| tag.contains("stylesheet"))
        .expect("a stylesheet link");
    let href = link
        .split("href=\"")
        .nth(1)
        .expect("an href")
        .split('"')
        .next()
        .expect("a value");
    let path = href.strip_prefix(site_url).unwrap_or(href);
    path.split('?').next().unwrap_or(path).to_owned()
}

async fn assert_no_chrome(browser: &Client) {
    for chrome in ["header", "footer", "nav"] {
        let found = browser.find_all(Locator::Css(chrome)).await.expect("query");
        assert!(
            found.is_empty(),
            "{} has a <{chrome}>",
            browser.current_url().await.expect("url")
        );
    }
}

async fn input_value(browser: &Client, name: &str) -> String {
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

async fn fill(browser: &Client, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        let input = browser
            .find(Locator::Css(&format!("input[name='{name}']")))
            .await
            .expect(name);
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }
}

async fn submit(browser: &Client) {
    let button = browser
        .find(Locator::Css("main form [type='submit']"))
        .await
        .expect("a submit button");
    button.click().await.expect("submit");
}

async fn wait_for_path(browser: &Client, path: &str) {
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
