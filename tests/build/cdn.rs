//! Output a CDN understands (`[cdn]`, on in the example site): `_redirects` answers aliases
//! and redirect pages with a 301, `_headers` sends a Content-Security-Policy the site's own
//! pages keep to.

use crate::support::{Run, Site};

fn example() -> Run {
    Site::example().build(&[]).succeeded()
}

#[test]
fn the_example_sites_aliases_and_page_ones_answer_301_in_redirects() {
    let run = example();
    let redirects = run.read("_redirects");
    let alias =
        "/episodes/boring-technology/ /shows/slow-bytes/the-case-for-boring-technology/ 301\n";
    assert!(redirects.contains(alias), "{redirects}");
    assert!(
        redirects.contains("/tags/beginners/page/1/ /tags/beginners/ 301\n"),
        "{redirects}"
    );
    // The meta-refresh pages stay, for hosts that do not read `_redirects`.
    assert!(run.exists("episodes/boring-technology/index.html"));
}

#[test]
fn netlify_redirects_are_forced_over_the_alias_pages_that_exist() {
    let site = Site::example();
    site.replace_in(
        "config.toml",
        "redirects = \"cloudflare\"",
        "redirects = \"netlify\"",
    );
    let run = site.build(&[]).succeeded();
    assert!(
        run.read("_redirects")
            .contains("/shows/slow-bytes/the-case-for-boring-technology/ 301!\n")
    );
}

#[test]
fn the_example_sites_pages_keep_to_the_policy_in_headers() {
    let run = example();
    let headers = run.read("_headers");
    assert!(
        headers.starts_with("/*\n  Content-Security-Policy: default-src 'self';"),
        "{headers}"
    );
    assert!(!headers.contains("unsafe-inline"), "{headers}");
    assert!(
        headers
            .contains("/processed_images/*\n  Cache-Control: public, max-age=31536000, immutable"),
        "{headers}"
    );
    for file in run.html_files() {
        let html = run.read(&file);
        // Table alignment as inline style is Kiln's Markdown output, turned into classes on
        // its own branch (issue 17); everything else inline would be the site's fault.
        let styles = html.matches(" style=\"").count();
        let aligned = html.matches(" style=\"text-align: ").count();
        assert_eq!(styles, aligned, "{file} has inline style attributes");
        assert!(!html.contains("<style"), "{file} has a <style> element");
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(" src=") || tag.contains("application/ld+json"),
                "{file} has an inline script: <script{tag}>"
            );
        }
        assert!(
            !html.contains(" onclick=") && !html.contains(" onload="),
            "{file}"
        );
    }
}

#[test]
fn cdn_files_are_not_written_unless_asked_for() {
    let site = Site::fixture("zola-basic");
    let run = site.build(&[]).succeeded();
    assert!(!run.exists("_redirects") && !run.exists("_headers"));
}

#[test]
fn the_example_stylesheet_is_fingerprinted_and_cached_for_a_year() {
    use sha2::Digest;
    let run = example();
    let css = std::fs::read(run.path("style.css")).expect("style.css");
    let hash = hex::encode(sha2::Sha256::digest(&css));
    let home = run.read("index.html");
    let link = format!("href=\"https://kiln-podcasts.example/style.css?h={hash}\"");
    assert!(home.contains(&link), "{home}");
    let headers = run.read("_headers");
    assert!(
        headers.contains("/style.css\n  Cache-Control: public, max-age=31536000, immutable"),
        "{headers}"
    );
}
