//! `kiln check`: a site seeded with each defect a reviewer looks for has each one found, in
//! its file; the example site has no errors; nothing is written but the link cache.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::support::{Run, Site, entries_starting_with};

/// `kiln check --root <site> ARGS…`.
fn check(site: &Site, args: &[&str]) -> Run {
    let root = site.root();
    let mut full = vec!["check", "--root", root.to_str().expect("utf-8 temp path")];
    full.extend_from_slice(args);
    site.kiln_in(&site.parent(), &full, site.dist())
}

/// The findings of a `--format json` run, as (rule, file, message).
fn findings(run: &Run) -> Vec<(String, String, String)> {
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| (text(f, "rule"), text(f, "file"), text(f, "message")))
        .collect()
}

fn has(found: &[(String, String, String)], rule: &str, file: &str, words: &str) -> bool {
    found
        .iter()
        .any(|(r, f, m)| r == rule && f == file && m.contains(words))
}

/// The podcast fixture with one page per defect, and feed and sitemap templates that break
/// the rules.
fn seeded() -> Site {
    let site = Site::fixture("podcast");
    site.write(
        "config.toml",
        "base_url = \"https://pods.example\"\ntitle = \"Pods\"\ngenerate_feeds = true\n[cdn]\nheaders = true\n",
    );
    site.write("templates/page.html", PAGE);
    let page = |name: &str, front: &str, body: &str| {
        let front = front.replace("DESCRIBED", &format!("description = \"The {name} page, described at a length search results quote well.\""));
        site.write(
            &format!("content/{name}.md"),
            &format!("+++\n{front}\n+++\n{body}\n"),
        );
    };
    let described = "DESCRIBED";
    page(
        "good",
        &format!("title = \"A page with everything in place\"\n{described}"),
        "## Notes\n\nSee [the notes](#notes).",
    );
    page(
        "defects",
        &format!(
            "title = \"Defects gathered on one page\"\n{described}\n[extra]\nno_lang = true\ntwo_h1 = true\nno_canonical = true"
        ),
        "<img src=\"/images/night-owls.jpg\">\n\n[nowhere](/nowhere/) and [an anchor](/good/#no-such-heading).",
    );
    page("untitled", described, "No title.");
    page(
        "undescribed",
        "title = \"A page without a description\"",
        "No description.",
    );
    let twin = "title = \"Twins share this one title\"\ndescription = \"Twins share this description too, which search results cannot tell apart.\"";
    page("twin-a", twin, "One.");
    page("twin-b", twin, "Two.");
    page(
        "hidden",
        &format!("title = \"A page kept out of search\"\n{described}\n[extra]\nnoindex = true"),
        "Hidden.",
    );
    page(
        "inline",
        &format!("title = \"Inline code the policy refuses\"\n{described}"),
        "<p style=\"color: red\">Red.</p>\n\n<script>document.title = 'x';</script>",
    );
    site.write("templates/sitemap.xml", SITEMAP);
    site.write("templates/atom.xml", "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{{ config.title }}</title>\n<entry>\n</feed>\n");
    site.write("templates/podcast.xml", PODCAST);
    site
}

const PAGE: &str = r#"<!doctype html>
<html{% if not page.extra.no_lang %} lang="en"{% endif %}><head><meta charset="utf-8">
{% if page.title %}<title>{{ page.title }}</title>{% endif %}
{% if page.description %}<meta name="description" content="{{ page.description }}">{% endif %}
{% if page.extra.noindex %}<meta name="robots" content="noindex">{% endif %}
{% if not page.extra.no_canonical %}<link rel="canonical" href="{{ page.permalink }}">{% endif %}
</head>
<body><h1>{{ page.title }}</h1>{% if page.extra.two_h1 %}
<h1>Twice</h1>{% endif %}
{{ page.content | safe }}</body></html>
"#;

const SITEMAP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{{ config.base_url }}/good/</loc></url>
<url><loc>{{ config.base_url }}/hidden/</loc></url>
</urlset>
"#;

const PODCAST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Night Owls</title>
<itunes:explicit>maybe</itunes:explicit>
<item><title>First light</title>
<enclosure url="{{ config.base_url }}/shows/night-owls/first-light/first-light.mp3" length="1" type="audio/ogg"/>
</item></channel></rss>
"#;

#[test]
fn check_finds_each_seeded_defect_in_its_file_and_fails() {
    let site = seeded();
    let run = check(&site, &["--offline", "--format", "json"]).failed();
    let found = findings(&run);
    let expected = [
        ("lang", "defects/index.html", "lang"),
        ("h1", "defects/index.html", "2 `<h1>`"),
        ("canonical", "defects/index.html", "canonical"),
        ("img-alt", "defects/index.html", "night-owls.jpg"),
        ("img-size", "defects/index.html", "night-owls.jpg"),
        ("broken-link", "defects/index.html", "/nowhere/"),
        ("broken-anchor", "defects/index.html", "no-such-heading"),
        ("title", "untitled/index.html", "no `<title>`"),
        ("description", "undescribed/index.html", "description"),
        ("duplicate-title", "twin-b/index.html", "twin-a/index.html"),
        (
            "duplicate-description",
            "twin-b/index.html",
            "twin-a/index.html",
        ),
        ("sitemap-noindex", "sitemap.xml", "/hidden/"),
        ("xml", "atom.xml", "XML"),
        ("csp", "inline/index.html", "1 inline script"),
        ("csp", "inline/index.html", "1 `style` attribute"),
        ("podcast", "shows/night-owls/podcast.xml", "itunes:image"),
        ("podcast", "shows/night-owls/podcast.xml", "itunes:category"),
        ("podcast", "shows/night-owls/podcast.xml", "`maybe`"),
        (
            "podcast",
            "shows/night-owls/podcast.xml",
            "`length` is 1 but",
        ),
        ("podcast", "shows/night-owls/podcast.xml", "`audio/ogg`"),
    ];
    for (rule, file, words) in expected {
        assert!(
            has(&found, rule, file, words),
            "no {rule} finding in {file} saying {words:?} among:\n{found:#?}"
        );
    }
    let good: Vec<_> = found
        .iter()
        .filter(|(_, f, _)| f == "good/index.html")
        .collect();
    assert!(good.is_empty(), "the good page is fine: {good:#?}");
}

#[test]
fn check_names_the_line_and_tells_errors_from_warnings_in_text() {
    let site = seeded();
    let run = check(&site, &["--offline"]).failed();
    assert!(
        run.stdout
            .contains("error[broken-link]: defects/index.html:11: links to /nowhere/"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning[img-size]: defects/index.html:10:"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("kiln check found"), "{}", run.stderr);
}

#[test]
fn check_writes_no_output_folder_and_no_staging_folder() {
    let site = seeded();
    check(&site, &["--offline"]).failed();
    assert!(!site.dist().exists(), "kiln check wrote dist/");
    let staging = entries_starting_with(&site.parent(), ".kiln-build");
    let staging_inside = entries_starting_with(&site.root(), ".kiln-build");
    assert!(
        staging.is_empty() && staging_inside.is_empty(),
        "{staging:?} {staging_inside:?}"
    );
}

#[test]
fn check_reports_a_site_that_does_not_build_with_the_builds_own_located_errors() {
    let site = seeded();
    site.write(
        "content/broken.md",
        "+++\ntitle = \"Broken\"\n+++\nSee [nothing](@/nothing.md).\n",
    );
    let run = check(&site, &["--offline", "--format", "json"]).failed();
    let found = findings(&run);
    assert!(
        found.iter().any(|(r, f, m)| r == "build"
            && f.ends_with("content/broken.md")
            && m.contains("nothing.md")),
        "{found:#?}"
    );
}

#[test]
fn the_example_site_has_no_errors() {
    let site = Site::example();
    let run = check(&site, &["--offline", "--format", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    // Kiln's sitemap listing `noindex` pages is a Kiln defect fixed on its own branch (issue
    // 17): until that lands, it is the one error the example site may show.
    let sitemap_defect = |f: &&Value| f["rule"] == "sitemap-noindex" && f["file"] == "sitemap.xml";
    let own: Vec<_> = errors.iter().filter(|f| !sitemap_defect(f)).collect();
    assert!(own.is_empty(), "the example site has errors: {own:#?}");
    assert_eq!(
        run.success,
        errors.is_empty(),
        "exit status follows the errors"
    );
}

/// A server on 127.0.0.1 that answers `/ok` 200, `/gone` 404 and `/slow` after 3 s, and
/// counts the requests for each path.
fn link_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(path.clone());
                let status = match path.as_str() {
                    "/ok" => "200 OK",
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(3));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let reply =
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = (&stream).write_all(reply.as_bytes());
            });
        }
    });
    (base, seen)
}

#[test]
fn external_links_are_checked_in_parallel_cached_and_skipped_offline() {
    let (base, seen) = link_server();
    let site = seeded();
    site.write(
        "content/links.md",
        &format!("+++\ntitle = \"Links to other sites\"\n+++\n[ok]({base}/ok)\n\n[gone]({base}/gone)\n\n[slow]({base}/slow)\n"),
    );
    let run = check(&site, &["--timeout", "1", "--format", "json"]).failed();
    let found = findings(&run);
    assert!(
        has(
            &found,
            "external-link",
            "links/index.html",
            "/gone answers 404"
        ),
        "{found:#?}"
    );
    let slow = found
        .iter()
        .find(|(r, _, m)| r == "external-link" && m.contains("/slow"));
    assert!(slow.is_some(), "{found:#?}");
    assert!(
        !found.iter().any(|(_, _, m)| m.contains("/ok ")),
        "{found:#?}"
    );
    assert!(site.root().join(".kiln/cache/links.json").is_file());

    seen.lock().unwrap().clear();
    check(&site, &["--timeout", "1", "--format", "json"]).failed();
    let asked = seen.lock().unwrap().clone();
    assert!(
        !asked.contains(&"/ok".to_string()),
        "a link that answered well is cached: {asked:?}"
    );
    assert!(
        asked.contains(&"/gone".to_string()),
        "a failing link is asked again: {asked:?}"
    );

    seen.lock().unwrap().clear();
    check(&site, &["--offline"]).failed();
    assert!(seen.lock().unwrap().is_empty(), "--offline asks nothing");
}
