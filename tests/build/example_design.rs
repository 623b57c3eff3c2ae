//! The example site's design promises, read from the files the build wrote: a play action on
//! every listed episode, creators' portraits, terms and privacy beside the account forms, the
//! optional scripts small and deferred, and feed URLs that break only after a slash.

use crate::example_site::{BASE, run};
use crate::markup::{Attrs, start_tags, tags_with};

/// The output file a URL of this site names.
fn file_of(url: &str) -> String {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not on {BASE}"));
    let path = path
        .split('#')
        .next()
        .unwrap_or_default()
        .trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

fn attr<'a>(tag: &'a Attrs, key: &str) -> &'a str {
    tag.get(key).map_or("", String::as_str)
}

#[test]
fn every_listed_episode_has_a_play_action_that_works_without_javascript() {
    let run = run();
    let mut seen = 0;
    for file in [
        "index.html",
        "shows/slow-bytes/index.html",
        "tags/index.html",
    ] {
        let html = run.read(file);
        for play in tags_with(&html, "a", "class", "play") {
            seen += 1;
            let href = attr(&play, "href");
            assert!(href.ends_with("#listen"), "{file}: {href}");
            let episode = run.read(&file_of(href));
            assert!(
                episode.contains("class=\"player\" id=\"listen\"") && episode.contains("<audio"),
                "{href} opens on its player"
            );
            let audio = file_of(attr(&play, "data-audio"));
            assert!(run.exists(&audio), "{file}: the audio {audio} exists");
        }
    }
    let listed = run
        .read("shows/slow-bytes/index.html")
        .matches("class=\"episode-row\"")
        .count();
    assert!(
        listed >= 4 && seen >= listed + 5,
        "home page and a show: {seen} play links"
    );
}

#[test]
fn creators_have_portraits_with_sizes_and_no_monogram() {
    let run = run();
    for file in ["creators/index.html", "creators/ada-okafor/index.html"] {
        let html = run.read(file);
        let portraits: Vec<Attrs> = start_tags(&html, "img")
            .into_iter()
            .filter(|img| attr(img, "class").starts_with("portrait"))
            .collect();
        assert!(!portraits.is_empty(), "{file} shows portraits");
        for img in &portraits {
            let src = file_of(attr(img, "src"));
            assert!(run.exists(&src), "{file}: {src}");
            assert!(
                run.read(&src).starts_with("<svg"),
                "{src} is a drawn portrait"
            );
            assert!(
                img.contains_key("width") && img.contains_key("height"),
                "{img:?}"
            );
            assert_eq!(attr(img, "alt"), "", "decorative beside the name: {img:?}");
        }
        assert!(!html.contains("monogram"), "{file} still shows initials");
    }
}

#[test]
fn account_forms_link_to_terms_and_privacy_pages_that_exist() {
    let run = run();
    for file in ["signup/index.html", "login/index.html"] {
        let html = run.read(file);
        for page in ["terms", "privacy"] {
            let url = format!("{BASE}/{page}/");
            assert!(
                html.contains(&format!("href=\"{url}\"")),
                "{file} links to {url}"
            );
            assert!(run.read(&file_of(&url)).contains("<h1"), "{url} is a page");
        }
    }
}

#[test]
fn the_optional_scripts_are_small_deferred_and_absent_from_the_bare_pages() {
    let run = run();
    let account = run.read("account.js");
    assert!(account.len() < 1024, "under 1 KB: {} bytes", account.len());
    assert!(
        account.contains("kiln_name="),
        "reads the sidecar's hint cookie"
    );
    let home = run.read("index.html");
    for script in ["player.js", "account.js"] {
        let tags = tags_with(&home, "script", "src", &format!("{BASE}/{script}"));
        assert_eq!(tags.len(), 1, "{script} once on the home page");
        assert!(
            tags[0].contains_key("defer"),
            "{script} never blocks rendering"
        );
    }
    let header = &home[home.find("site-header__account").expect("the account box")..];
    assert!(
        header.contains("Log in"),
        "signed out is the page's own state"
    );
    assert!(!run.read("login/index.html").contains("account.js"));
}

#[test]
fn a_show_feed_url_breaks_only_after_its_slashes() {
    let html = run().read("shows/slow-bytes/index.html");
    let shown = "https:/<wbr>/<wbr>kiln.test/<wbr>shows/<wbr>slow-bytes/<wbr>podcast.xml";
    assert!(
        html.contains(&format!(
            "<code class=\"feed-url\" dir=\"ltr\">{shown}</code>"
        )),
        "the feed URL, left to right in any page, with a break opportunity after each slash: {shown}"
    );
}

#[test]
fn the_welcome_page_claims_no_sign_in_it_cannot_see() {
    let html = run().read("welcome/index.html");
    assert!(
        !html.contains("You’re signed in"),
        "a static page cannot know"
    );
    assert!(html.contains("If you just created an account or logged in"));
}
