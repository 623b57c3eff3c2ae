//! Rebuilds of a site that writes `_redirects` and `_headers` (`[cdn]`).

use super::*;

fn bytes_of(output: &crate::output::SiteOutput, rel: &str) -> String {
    match &output.files[rel] {
        OutputFile::Generated(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        OutputFile::Copied(path) => std::fs::read_to_string(path).unwrap(),
    }
}

#[test]
fn cdn_files_follow_aliases_and_cachebust_calls_across_rebuilds() {
    let site = Site::new();
    site.write(
        "config.toml",
        "base_url = \"https://x.org\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }]\n[cdn]\nredirects = \"netlify\"\nheaders = true\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    // A new alias joins `_redirects`; a body-only edit keeps it as it was.
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\naliases = [\"/old/\"]\n+++\nBody.\n",
    );
    let alias = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert!(
        alias.rendered.contains(&"/_redirects".to_string()),
        "{alias}"
    );
    let (output, _) = rebuilder.rebuild(&[]).unwrap();
    assert!(bytes_of(&output, "_redirects").contains("/old/ /blog/p2/ 301!\n"));
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\naliases = [\"/old/\"]\n+++\nAnother body.\n",
    );
    let body = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert!(
        !body.rendered.contains(&"/_redirects".to_string()),
        "{body}"
    );

    // A template that starts cache-busting a file makes `_headers` cache it for a year.
    site.write(
        "templates/base.html",
        "<link href=\"{{ get_url(path='style.css', cachebust=true) }}\"><title>{{ config.title }}</title>{% block c %}{% endblock %}",
    );
    let busted = rebuild_matches_full(&mut rebuilder, &site, &["templates/base.html"]);
    assert!(
        busted.rendered.contains(&"/_headers".to_string()),
        "{busted}"
    );
    let (output, _) = rebuilder.rebuild(&[]).unwrap();
    assert!(
        bytes_of(&output, "_headers")
            .contains("/style.css\n  Cache-Control: public, max-age=31536000, immutable")
    );

    site.write(
        "config.toml",
        "base_url = \"https://x.org\"\ntitle = \"T\"\ntaxonomies = [{ name = \"tags\" }]\n[cdn]\nredirects = \"cloudflare\"\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    let (output, _) = rebuilder.rebuild(&[]).unwrap();
    assert!(!output.files.contains_key("_headers"));
    assert!(bytes_of(&output, "_redirects").contains("/old/ /blog/p2/ 301\n"));
}

#[test]
fn a_cache_busted_stylesheet_compiled_from_sass_changes_its_url_with_its_partials() {
    let site = Site::new();
    site.write(
        "config.toml",
        "base_url = \"https://x.org\"\ntitle = \"T\"\ncompile_sass = true\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site.write(
        "sass/site.scss",
        "@use \"colours\";\nbody { color: colours.$ink; }\n",
    );
    site.write("sass/_colours.scss", "$ink: #111;\n");
    site.write(
        "templates/base.html",
        "<link href=\"{{ get_url(path='site.css', cachebust=true) }}\"><title>{{ config.title }}</title>{% block c %}{% endblock %}",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    let (first, _) = rebuilder.rebuild(&[]).unwrap();
    let page = bytes_of(&first, "blog/p1/index.html");
    let css = match &first.files["site.css"] {
        OutputFile::Generated(bytes) => bytes.clone(),
        OutputFile::Copied(_) => panic!("compiled CSS is generated"),
    };
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(&css));
    assert!(page.contains(&format!("site.css?h={hash}")), "{page}");

    site.write("sass/_colours.scss", "$ink: #222;\n");
    rebuild_matches_full(&mut rebuilder, &site, &["sass/_colours.scss"]);
    let (second, _) = rebuilder.rebuild(&[]).unwrap();
    let page = bytes_of(&second, "blog/p1/index.html");
    assert!(
        !page.contains(&hash),
        "a new stylesheet is a new URL: {page}"
    );
}
