//! Rebuilds while serving: every kind of edit ends in what a full build makes, and a broken
//! build shows its error over the last good site.

use std::time::Duration;

use hyper::StatusCode;
use kiln::{OutputFile, SiteOutput};

use crate::support::{
    ABOUT_MD, ABOUT_URL, Server, Site, append_paragraph, eventually, full_build,
    without_live_reload,
};

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
    let failure = server.wait_for_log("build failed", Duration::from_secs(5));
    assert!(
        failure.contains("after templates/page.html changed"),
        "the failure line says what changed: {failure}"
    );

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

    // A page, a page shown in listings and feeds, a template, a Sass partial, a page removed,
    // the config:
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
    // A Sass partial: the stylesheet that uses it is compiled again.
    let partial = site.read("sass/_code.scss");
    site.write(
        "sass/_code.scss",
        &format!(
            "{partial}
pre {{ outline: 1px solid red; }}
"
        ),
    );
    let before = served_equals_full_build(&site, server, before, 4).await;
    std::fs::remove_file(site.path(&episode)).expect("remove the episode");
    let before = served_equals_full_build(&site, server, before, 5).await;
    let config = site.read("config.toml");
    let renamed = config.replacen("title = \"", "title = \"Renamed ", 1);
    assert_ne!(renamed, config, "config.toml has a title");
    site.write("config.toml", &renamed);
    served_equals_full_build(&site, server, before, 6).await;
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
    wait_for_rebuilds(server, rebuilds).await;
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

#[tokio::test]
async fn a_source_folder_moved_away_and_back_is_watched_again() {
    let site = Site::example();
    let server = &Server::start(&site);
    // Moving a watched folder away takes its watch along, as `git checkout` or a sync tool does.
    let aside = site.path("static-aside");
    std::fs::rename(site.path("static"), &aside).expect("move static/ away");
    wait_for_rebuilds(server, 1).await;
    std::fs::rename(&aside, site.path("static")).expect("move static/ back");
    wait_for_rebuilds(server, 2).await;

    // Saved again until seen: an edit made before the server handled the move back is covered
    // by that rebuild, but names no file.
    let seen = |server: &Server| {
        let log = server.log();
        log.iter()
            .any(|line| line.contains("static/probe.txt changed"))
    };
    for _ in 0..10 {
        if seen(server) {
            break;
        }
        append_probe_line(&site);
        let started = std::time::Instant::now();
        while !seen(server) && started.elapsed() < Duration::from_secs(1) {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    assert!(
        seen(server),
        "edits in static/ are watched again:\n{:?}",
        server.log()
    );
}

/// Edits a file of `static/` (written on first use).
fn append_probe_line(site: &Site) {
    let text = std::fs::read_to_string(site.path("static/probe.txt")).unwrap_or_default();
    site.write("static/probe.txt", &format!("{text}one more line\n"));
}

async fn wait_for_rebuilds(server: &Server, rebuilds: usize) {
    eventually(Duration::from_secs(20), "the rebuild", || async move {
        (rebuild_lines(server) >= rebuilds).then_some(())
    })
    .await;
}

#[tokio::test]
async fn moving_the_accounts_url_in_config_says_a_restart_is_needed() {
    let site = Site::example();
    let server = Server::start(&site);
    let config = site.read("config.toml");
    let moved = config.replace("url = \"/api\"", "url = \"/accounts\"");
    assert_ne!(moved, config, "config.toml sets [auth] url = \"/api\"");
    site.write("config.toml", &moved);
    let warning = server.wait_for_log("[auth] url is now /accounts", Duration::from_secs(10));
    assert!(warning.contains("restart"), "says what to do: {warning}");
}

#[tokio::test]
async fn the_search_index_follows_edits_and_a_removed_page_leaves_it() {
    let site = Site::example();
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &format!("build_search_index = true\n{config}\n[search]\nindex_format = \"fuse_json\"\n"),
    );
    let server = &Server::start(&site);
    let index = || async move { server.get("/search_index.en.json").await.text() };
    assert!(
        index().await.contains("/about/"),
        "the about page is indexed"
    );

    append_paragraph(&site, ABOUT_MD, "Zymurgy is the word for brewing.");
    eventually(
        Duration::from_secs(10),
        "the edit is searchable",
        || async { index().await.contains("Zymurgy").then_some(()) },
    )
    .await;

    let notes = "content/listener-notes.md";
    site.write(
        notes,
        "+++\ntitle = \"Listener notes\"\n+++\nLetters from listeners.\n",
    );
    eventually(
        Duration::from_secs(10),
        "a new page is searchable",
        || async { index().await.contains("/listener-notes/").then_some(()) },
    )
    .await;
    std::fs::remove_file(site.path(notes)).expect("remove the page");
    eventually(
        Duration::from_secs(10),
        "a removed page leaves the index",
        || async { (!index().await.contains("/listener-notes/")).then_some(()) },
    )
    .await;
}
