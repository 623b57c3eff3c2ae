//! `kiln init`: each template gives a site that builds at once, with what its answers asked
//! for; a folder with files in it is never written to.

use crate::support::{Site, differing_files, snapshot};

/// `kiln init <site> ARGS…` from the folder beside the site (the site folder starts empty).
fn init(site: &Site, args: &[&str]) -> String {
    let root = site.root();
    let mut full = vec!["init", root.to_str().expect("utf-8 temp path")];
    full.extend_from_slice(args);
    site.kiln_in(&site.parent(), &full, site.dist())
        .succeeded()
        .output()
}

#[test]
fn the_blank_template_with_defaults_builds_a_blog_with_a_feed_and_no_accounts() {
    let site = Site::empty();
    init(&site, &["--yes"]);
    let run = site.build(&[]).succeeded();
    for wanted in [
        "index.html",
        "blog/index.html",
        "blog/first-post/index.html",
        "about/index.html",
        "tags/news/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "style.css",
    ] {
        assert!(run.exists(wanted), "{wanted} in {:?}", run.files());
    }
    let home = run.read("index.html");
    assert!(
        home.contains("The first post"),
        "the home page lists the post: {home}"
    );
    assert!(
        home.contains("href=\"https://example.com/blog/first-post/\""),
        "{home}"
    );
    assert!(!home.contains("Log in"), "no accounts unless asked: {home}");
    assert!(!site.read_source("config.toml").contains("[auth]"));
    assert!(!run.exists("login/index.html") && !run.exists("search/index.html"));
}

#[test]
fn the_blank_template_with_every_option_has_highlighting_search_and_account_forms() {
    let site = Site::empty();
    let flags = [
        "--url",
        "https://notes.test/",
        "--sass",
        "no",
        "--highlighting",
        "yes",
        "--search",
        "yes",
        "--accounts",
        "yes",
    ];
    init(&site, &flags);
    let run = site.build(&[]).succeeded();
    let post = run.read("blog/first-post/index.html");
    assert!(
        post.contains("href=\"https://notes.test/tags/news/\""),
        "{post}"
    );
    assert!(
        post.contains("<pre") && post.contains("style=\"color:"),
        "the code block is highlighted: {post}"
    );
    assert!(run.exists("style.css"), "static/style.css without Sass");
    let search = run.read("search/index.html");
    assert!(search.contains("kiln-search/search.js"), "{search}");
    assert!(run.exists("kiln-search/search.js"));
    let login = run.read("login/index.html");
    assert!(login.contains("action=\"/api/login\""), "{login}");
    let signup = run.read("signup/index.html");
    assert!(
        signup.contains("action=\"/api/signup\"") && signup.contains("name=\"fullname\""),
        "{signup}"
    );
    assert!(
        run.read("index.html").contains("Log in"),
        "the header links to log in"
    );
}

#[test]
fn the_podcast_template_builds_exactly_the_example_site() {
    let started = Site::empty();
    init(
        &started,
        &["--template", "podcast", "--url", "https://pods.test"],
    );
    let from_init = started.build(&[]).succeeded();
    let example = Site::example();
    let from_repo = example
        .build(&["--base-url", "https://pods.test"])
        .succeeded();
    let (a, b) = (snapshot(&from_init.path("")), snapshot(&from_repo.path("")));
    assert!(
        a.len() > 100,
        "the example site has over 100 files: {}",
        a.len()
    );
    assert_eq!(differing_files(&a, &b), Vec::<String>::new());
}

#[test]
fn init_refuses_a_folder_with_files_and_leaves_them_as_they_were() {
    let site = Site::empty();
    site.write("notes.md", "mine");
    let root = site.root();
    let args = ["init", root.to_str().expect("utf-8"), "--yes"];
    let run = site.kiln_in(&site.parent(), &args, site.dist()).failed();
    assert!(
        run.output().contains("is not empty (it has notes.md)"),
        "{}",
        run.output()
    );
    assert_eq!(site.read_source("notes.md"), "mine");
    assert!(!root.join("config.toml").exists());
}
