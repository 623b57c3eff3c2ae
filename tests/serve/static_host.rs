//! `kiln serve` as a static host over plain HTTP: URLs, content types, ranges, the 404 page,
//! the sidecar's mount, drafts and shutdown.

use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::{Method, StatusCode};
use kiln::OutputFile;

use crate::support::{
    ABOUT_URL, Server, Site, full_build, request, request_with, site_404, stylesheet_path,
    without_live_reload,
};

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
    assert_eq!(head.header("content-length"), about.body.len().to_string());
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
async fn a_site_without_an_auth_table_is_served_without_accounts_or_a_database() {
    let site = Site::empty();
    site.write(
        "config.toml",
        "base_url = \"https://blog.example\"\ntitle = \"Notes\"\n",
    );
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("templates/index.html", "<h1>{{ section.title }}</h1>");
    let server = Server::start(&site);

    let home = server.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("<h1>Home</h1>"), "{}", home.text());
    assert_eq!(
        server.get("/api/health").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        server
            .log()
            .iter()
            .any(|line| line.contains("no [auth] table")),
        "the start line says why there are no accounts: {:?}",
        server.log()
    );
    assert!(
        !site.path(".kiln").exists(),
        "no accounts, so no database or secrets folder"
    );
}

#[test]
fn serve_outside_a_site_folder_says_where_it_looked_and_creates_nothing() {
    let folder = Site::empty();
    let binary = std::env::var_os("KILN_BIN").unwrap_or(env!("CARGO_BIN_EXE_kiln").into());
    let run = std::process::Command::new(binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(folder.root())
        .output()
        .expect("kiln serve runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    let canonical = std::fs::canonicalize(folder.root()).expect("the folder exists");
    assert!(
        stderr.contains("no config.toml") && stderr.contains(&*canonical.to_string_lossy()),
        "names the folder it looked in: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(folder.root())
        .expect("readable")
        .collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
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
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(site.path(".kiln"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "accounts and secrets are private");
    assert!(
        !server.log().iter().any(|line| line.contains("chmod")),
        "no permission warning on a fresh start"
    );
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
async fn every_page_but_login_and_signup_has_the_site_header_and_footer() {
    let site = Site::example();
    let server = Server::start(&site);
    let full = full_build(&site, &server);

    for key in full.files.keys().filter(|key| key.ends_with(".html")) {
        let page = server.get(&format!("/{key}")).await.text();
        if page.contains("http-equiv=\"refresh\"") {
            continue; // an alias: a redirect stub, not a page
        }
        // In every language: `login/` and `ur/login/` alike.
        let bare = key.ends_with("login/index.html") || key.ends_with("signup/index.html");
        for chrome in ["class=\"site-header", "class=\"site-footer"] {
            assert_eq!(page.contains(chrome), !bare, "{key}: {chrome}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_ends_live_reload_streams_and_stops_the_server_cleanly() {
    let site = Site::example();
    let server = Server::start(&site);
    let events = crate::support::open(Method::GET, &format!("{}/__kiln/events", server.url)).await;
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

#[tokio::test]
async fn a_page_hidden_by_the_sidecar_prefix_is_reported_at_start() {
    let site = Site::example();
    site.write(
        "content/api.md",
        "+++\ntitle = \"API\"\ndescription = \"Our API.\"\n+++\nEndpoints.\n",
    );
    let server = Server::start(&site);
    let warning = server.wait_for_log("hides /api/index.html", Duration::from_secs(5));
    assert!(warning.contains("[auth] url"), "says what to do: {warning}");
    assert_eq!(server.get("/api/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_for_other_host_names_are_refused_against_dns_rebinding() {
    let site = Site::example();
    let server = Server::start_with(&site, &["--allow-host", "podcasts.test"]);
    let port = server.url.rsplit(':').next().expect("a port");
    let with_host = |host: String| {
        let url = format!("{}{ABOUT_URL}", server.url);
        async move { request_with(Method::GET, &url, &[("host", &host)]).await }
    };

    let rebound = with_host(format!("evil.example:{port}")).await;
    assert_eq!(rebound.status, StatusCode::FORBIDDEN);
    assert!(
        rebound.text().contains("--allow-host"),
        "{}",
        rebound.text()
    );
    let api = request_with(
        Method::GET,
        &format!("{}/api/health", server.url),
        &[("host", "evil.example")],
    )
    .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "the sidecar too");

    for host in ["localhost", "127.0.0.1", "podcasts.test"] {
        let reply = with_host(format!("{host}:{port}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{host}");
    }

    // The sidecar accepts the allowed name's origin, so its forms work there too.
    let login = format!("{}/api/login", server.url);
    let post_from = |origin: String| {
        let (login, host) = (login.clone(), format!("podcasts.test:{port}"));
        async move {
            let headers = [
                ("host", host.as_str()),
                ("origin", origin.as_str()),
                ("content-type", "application/x-www-form-urlencoded"),
            ];
            request_with(Method::POST, &login, &headers).await.status
        }
    };
    let foreign = post_from("http://evil.example".into()).await;
    assert_eq!(
        foreign,
        StatusCode::FORBIDDEN,
        "a foreign origin is refused"
    );
    let own = post_from(format!("http://podcasts.test:{port}")).await;
    assert_ne!(own, StatusCode::FORBIDDEN, "the allowed name's own origin");
}
