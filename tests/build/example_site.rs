//! The example podcast platform at the repo root: expectations derived from its `content/`, so
//! they keep holding as the site grows.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

use crate::example_content::{
    Content, collect_assets, content, parent_of, sample_sentence, with_slashes,
};
use crate::markup::{Attrs, elements, start_tags, tags_with, texts};
use crate::support::{Run, Site, repo_root};
use crate::xml::{ITUNES, attr, channel, child, children, parse, plain, sitemap_locs};

pub const BASE: &str = "https://kiln.test";

/// One build of the example site shared by every test here (it is read, never changed).
fn built() -> &'static (Site, Run) {
    static BUILT: OnceLock<(Site, Run)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = Site::example_kept();
        let run = site.build(&["--base-url", BASE]).succeeded();
        (site, run)
    })
}

pub fn run() -> &'static Run {
    &built().1
}

fn is_redirect(html: &str) -> bool {
    !tags_with(html, "meta", "http-equiv", "refresh").is_empty()
}

/// HTML pages a visitor reads: every `.html` file except alias and `page/1/` redirects.
pub fn readable_pages() -> Vec<(String, String)> {
    let run = run();
    run.html_files()
        .into_iter()
        .map(|f| (f.clone(), run.read(&f)))
        .filter(|(_, html)| !is_redirect(html))
        .collect()
}

pub fn own_url(file: &str) -> String {
    format!("{BASE}/{}", file.trim_end_matches("index.html"))
}

fn shows() -> Vec<&'static Content> {
    content()
        .iter()
        .filter(|c| c.is_section() && c.extra("podcast").is_some())
        .collect()
}

pub fn episodes() -> Vec<&'static Content> {
    content()
        .iter()
        .filter(|c| !c.is_section() && c.extra("episode").is_some())
        .collect()
}

#[test]
fn example_site_builds_and_meets_the_issue_minimums() {
    let run = run();
    assert!(run.exists("index.html") && run.exists("404.html") && run.exists("sitemap.xml"));
    assert!(run.exists("robots.txt"));
    assert!(
        shows().len() >= 3,
        "at least 3 shows, found {}",
        shows().len()
    );
    assert!(
        episodes().len() >= 12,
        "at least 12 episodes, found {}",
        episodes().len()
    );
    let authors: BTreeSet<String> = shows()
        .iter()
        .filter_map(|s| {
            s.extra("podcast")?
                .get("author")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert!(authors.len() >= 3, "at least 3 creators, found {authors:?}");
    assert!(
        run.exists("signup/index.html")
            && run.exists("login/index.html")
            && run.exists("about/index.html")
    );
}

#[test]
fn every_content_file_has_its_page_with_its_own_main_text() {
    let run = run();
    let mut checked = 0;
    for file in content() {
        let output = file.output();
        assert!(
            run.exists(&output),
            "content/{} should be written to {output}",
            file.rel
        );
        if let Some(sentence) = sample_sentence(&file.body) {
            let html = run.read(&output);
            assert!(
                html.contains(&sentence),
                "{output} lacks its own text {sentence:?} (from content/{})",
                file.rel
            );
            checked += 1;
        }
    }
    assert!(
        checked >= episodes().len(),
        "every episode needs body text to check; checked {checked}"
    );
}

#[test]
fn every_page_has_lang_title_description_canonical_open_graph_and_json_ld() {
    for (file, html) in readable_pages() {
        let lang = start_tags(&html, "html");
        assert!(
            lang.first()
                .is_some_and(|h| !h.get("lang").is_none_or(String::is_empty)),
            "{file}: <html lang>"
        );
        assert!(
            texts(&html, "title")
                .first()
                .is_some_and(|t| !t.trim().is_empty()),
            "{file}: <title>"
        );
        let description = tags_with(&html, "meta", "name", "description");
        assert!(
            description
                .first()
                .is_some_and(|d| !d["content"].trim().is_empty()),
            "{file}: meta description"
        );
        for property in ["og:title", "og:description", "og:type", "og:url"] {
            let og = tags_with(&html, "meta", "property", property);
            assert!(
                og.first().is_some_and(|m| !m["content"].trim().is_empty()),
                "{file}: {property}"
            );
        }
        assert!(!json_ld(&file, &html).is_empty(), "{file}: JSON-LD");
        assert!(html.contains("<main"), "{file}: a <main> landmark");
        if file != "404.html" {
            let canonical = tags_with(&html, "link", "rel", "canonical");
            assert_eq!(
                canonical.first().map(|c| c["href"].clone()),
                Some(own_url(&file)),
                "{file}: canonical"
            );
            let og_url = tags_with(&html, "meta", "property", "og:url");
            assert_eq!(og_url[0]["content"], own_url(&file), "{file}: og:url");
        }
    }
}

/// Every JSON-LD block of a page, parsed (a block that is not JSON fails the test).
fn json_ld(file: &str, html: &str) -> Vec<Value> {
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("application/ld+json") {
        let after = &rest[at..];
        let start = after.find('>').map_or(after.len(), |p| p + 1);
        let end = after.find("</script>").unwrap_or(after.len());
        let json = &after[start..end.max(start)];
        blocks.push(
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{file}: JSON-LD is not JSON ({e}):\n{json}")),
        );
        rest = &after[end.max(start)..];
    }
    blocks
}

/// Every `@type` in a page's JSON-LD, nested ones (`@graph`, `partOfSeries`, …) included.
fn ld_types(file: &str, html: &str) -> BTreeSet<String> {
    fn walk(value: &Value, types: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                match map.get("@type") {
                    Some(Value::String(t)) => {
                        types.insert(t.clone());
                    }
                    Some(Value::Array(list)) => {
                        types.extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)))
                    }
                    _ => {}
                }
                map.values().for_each(|v| walk(v, types));
            }
            Value::Array(list) => list.iter().for_each(|v| walk(v, types)),
            _ => {}
        }
    }
    let mut types = BTreeSet::new();
    json_ld(file, html).iter().for_each(|v| walk(v, &mut types));
    types
}

#[test]
fn json_ld_describes_the_site_shows_episodes_and_creators() {
    let run = run();
    assert!(
        ld_types("index.html", &run.read("index.html")).contains("WebSite"),
        "home: WebSite"
    );
    for show in shows() {
        let file = show.output();
        assert!(
            ld_types(&file, &run.read(&file)).contains("PodcastSeries"),
            "{file}: PodcastSeries"
        );
    }
    for episode in episodes() {
        let file = episode.output();
        assert!(
            ld_types(&file, &run.read(&file)).contains("PodcastEpisode"),
            "{file}: PodcastEpisode"
        );
    }
    let persons = readable_pages()
        .iter()
        .filter(|(f, h)| ld_types(f, h).contains("Person"))
        .count();
    assert!(
        persons >= 3,
        "creator pages describe a Person; found {persons} pages"
    );
}

/// (banner header outside `<main>`, footer after `</main>`): the site chrome landmarks.
fn chrome(html: &str) -> (bool, bool) {
    let main_start = html.find("<main").unwrap_or(html.len());
    let main_end = html.rfind("</main>").unwrap_or(0);
    (
        html[..main_start].contains("<header"),
        html[main_end..].contains("<footer"),
    )
}

#[test]
fn auth_pages_have_no_site_header_or_footer_and_every_other_page_has_both() {
    for (file, html) in readable_pages() {
        let (header, footer) = chrome(&html);
        let page = file.strip_prefix("ur/").unwrap_or(&file);
        if page == "signup/index.html" || page == "login/index.html" {
            assert!(
                !header && !footer,
                "{file} must use the bare layout (header {header}, footer {footer})"
            );
        } else {
            assert!(
                header && footer,
                "{file} lacks the site chrome (header {header}, footer {footer})"
            );
        }
    }
}

/// The one form of an auth page, with its inputs keyed by `name`.
fn auth_form(file: &str, endpoint: &str) -> Vec<Attrs> {
    let html = run().read(file);
    let forms = start_tags(&html, "form");
    assert_eq!(forms.len(), 1, "{file}: one form");
    assert_eq!(
        forms[0].get("method").map(|m| m.to_lowercase()),
        Some("post".into()),
        "{file}: POST"
    );
    assert!(
        forms[0]
            .get("action")
            .is_some_and(|a| a.ends_with(endpoint)),
        "{file}: action {endpoint}"
    );
    let inner = elements(&html, "form")
        .into_iter()
        .next()
        .unwrap_or_default();
    let inputs = start_tags(&inner, "input");
    let next = inputs
        .iter()
        .find(|i| i.get("name").map(String::as_str) == Some("next"));
    assert!(
        next.is_some_and(|n| n.get("type").map(String::as_str) == Some("hidden")),
        "{file}: hidden next"
    );
    inputs
}

fn input<'a>(inputs: &'a [Attrs], name: &str, file: &str) -> &'a Attrs {
    inputs
        .iter()
        .find(|i| i.get("name").map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("{file}: no input named {name}"))
}

#[test]
fn signup_form_posts_to_the_sidecar_with_the_right_fields() {
    let file = "signup/index.html";
    let inputs = auth_form(file, "/api/signup");
    let expect = [
        ("fullname", "text", "name"),
        ("email", "email", "email"),
        ("password", "password", "new-password"),
    ];
    for (name, kind, autocomplete) in expect {
        let field = input(&inputs, name, file);
        assert_eq!(
            field.get("type").map(String::as_str).unwrap_or("text"),
            kind,
            "{file}: {name} type"
        );
        assert_eq!(
            field.get("autocomplete").map(String::as_str),
            Some(autocomplete),
            "{file}: {name} autocomplete"
        );
        assert!(field.contains_key("required"), "{file}: {name} is required");
    }
}

#[test]
fn login_form_posts_to_the_sidecar_with_the_right_fields() {
    let file = "login/index.html";
    let inputs = auth_form(file, "/api/login");
    let email = input(&inputs, "email", file);
    assert_eq!(email.get("type").map(String::as_str), Some("email"));
    assert!(matches!(
        email.get("autocomplete").map(String::as_str),
        Some("email" | "username")
    ));
    let password = input(&inputs, "password", file);
    assert_eq!(password.get("type").map(String::as_str), Some("password"));
    assert_eq!(
        password.get("autocomplete").map(String::as_str),
        Some("current-password")
    );
}

#[test]
fn login_errors_show_with_css_target_and_no_javascript() {
    let run = run();
    let html = run.read("login/index.html");
    assert!(
        html.contains(r#"id="invalid-credentials""#),
        "/login/#invalid-credentials must show a message"
    );
    let css = stylesheets(run);
    assert!(
        css.contains(":target") || html.contains(":target"),
        "error messages appear with :target"
    );
    for (file, html) in [
        ("login/index.html", &html),
        ("signup/index.html", &run.read("signup/index.html")),
    ] {
        let scripts = start_tags(html, "script");
        assert!(
            scripts
                .iter()
                .all(|s| s.get("type").map(String::as_str) == Some("application/ld+json")),
            "{file} must work without JavaScript"
        );
    }
}

/// Every stylesheet the build wrote, concatenated.
fn stylesheets(run: &Run) -> String {
    run.files()
        .iter()
        .filter(|f| f.ends_with(".css"))
        .map(|f| run.read(f))
        .collect()
}

#[test]
fn one_stylesheet_has_light_and_dark_schemes_and_is_responsive() {
    let run = run();
    let css = stylesheets(run);
    assert!(
        css.contains("prefers-color-scheme"),
        "a dark scheme via prefers-color-scheme"
    );
    assert!(css.contains("@media"), "responsive rules");
}

#[test]
fn the_stylesheet_is_compiled_from_sass_and_styles_code_blocks() {
    let run = run();
    let css = run.read("style.css");
    assert!(
        !css.contains("\n  "),
        "compressed, as Zola writes Sass output"
    );
    assert!(
        css.contains(".giallo-l{"),
        "highlighted lines are styled: {css}"
    );
    assert!(
        css.contains("pre code{"),
        "a code block is one block, not chips"
    );
    let files = run.files();
    assert!(
        !files
            .iter()
            .any(|f| f.contains("_tokens") || f.contains("_code")),
        "partials are not output"
    );
}

#[test]
fn show_notes_highlight_code_for_the_light_and_the_dark_scheme() {
    let run = run();
    let html = run.read("shows/slow-bytes/passwords-and-the-72-byte-surprise/index.html");
    // Classes, not inline colours: the site's Content-Security-Policy refuses inline style.
    assert!(html.contains("<pre class=\"giallo z-code\">"), "{html}");
    assert!(html.contains("<code data-lang=\"rust\">"), "{html}");
    assert!(html.contains("class=\"z-"), "{html}");
    assert!(
        html.contains("<span class=\"giallo-l z-hl\">"),
        "the marked line is highlighted: {html}"
    );
    assert!(!html.contains(" style=\"color"), "{html}");
    // Each scheme's colours, linked only where there is code to paint.
    assert!(
        html.contains("giallo-light.css\" media=\"not all and (prefers-color-scheme: dark)\""),
        "{html}"
    );
    assert!(
        html.contains("giallo-dark.css\" media=\"(prefers-color-scheme: dark)\""),
        "{html}"
    );
    assert!(run.read("giallo-dark.css").contains(".z-"));
    assert!(!run.read("index.html").contains("giallo-dark.css"));
}

#[test]
fn sitemap_lists_every_indexable_page_pagers_included_and_no_noindex_page() {
    let run = run();
    let sitemap = run.read("sitemap.xml");
    let locs = sitemap_locs(&sitemap);
    let mut expected = BTreeSet::new();
    for (file, html) in readable_pages() {
        // Pages that ask search engines not to index them stay out of the sitemap.
        let asks_not_to = tags_with(&html, "meta", "name", "robots")
            .iter()
            .any(|m| m.get("content").is_some_and(|c| c.contains("noindex")));
        if !asks_not_to && file != "404.html" {
            expected.insert(own_url(&file));
        }
    }
    assert!(
        expected.iter().any(|url| url.contains("/page/2/")),
        "the example site has a paginated listing to check"
    );
    assert_eq!(
        locs, expected,
        "sitemap.xml lists exactly the indexable readable pages"
    );
    for loc in &locs {
        let rel = loc
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{loc} is not under {BASE}"));
        assert!(
            run.exists(&format!("{}index.html", rel.trim_start_matches('/'))),
            "{loc} is not a page"
        );
    }
}

#[test]
fn every_show_has_a_podcast_feed_with_every_episode() {
    let run = run();
    for show in shows() {
        let feed = format!("{}podcast.xml", show.url_path().trim_start_matches('/'));
        let xml = run.read(&feed);
        let doc = parse(&feed, &xml);
        let expected = episodes()
            .iter()
            .filter(|e| e.folder() == parent_of(&show.rel) && e.lang() == show.lang())
            .count();
        let items = children(channel(&doc), plain("item"));
        assert!(!items.is_empty(), "{feed} has no items");
        assert_eq!(
            items.len(),
            expected,
            "{feed}: one item per episode in content/{}",
            show.rel
        );
        for item in items {
            let enclosure = children(item, plain("enclosure"));
            assert_eq!(enclosure.len(), 1, "{feed}: one enclosure per item");
            let local = attr(enclosure[0], "url")
                .strip_prefix(BASE)
                .unwrap_or_else(|| panic!("{feed}: bundled audio is served from the site"));
            let size = std::fs::metadata(run.path(local.trim_start_matches('/'))).map(|m| m.len());
            assert_eq!(
                size.ok().map(|n| n.to_string()).as_deref(),
                Some(attr(enclosure[0], "length")),
                "{feed}: length of {local}"
            );
        }
    }
}

#[test]
fn show_artwork_meets_podcast_directory_rules() {
    // Apple Podcasts: square JPEG or PNG, 1400 to 3000 pixels a side.
    let run = run();
    for show in shows() {
        let feed = format!("{}podcast.xml", show.url_path().trim_start_matches('/'));
        let xml = run.read(&feed);
        let doc = parse(&feed, &xml);
        let href = attr(child(channel(&doc), (Some(ITUNES), "image")), "href");
        let local = href
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{feed}: artwork {href:?} is not on the site"));
        let bytes = std::fs::read(run.path(local.trim_start_matches('/')))
            .unwrap_or_else(|e| panic!("{feed}: {href}: {e}"));
        let (width, height) =
            image_size(&bytes).unwrap_or_else(|| panic!("{feed}: {href} is neither PNG nor JPEG"));
        assert!(
            width == height && (1400..=3000).contains(&width),
            "{feed}: {href} is {width}x{height}"
        );
    }
}

/// Width and height of a PNG (IHDR) or JPEG (first SOFn marker).
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| Some(u32::from(*bytes.get(at)?) << 8 | u32::from(*bytes.get(at + 1)?));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let be32 = |at: usize| Some(be16(at)? << 16 | be16(at + 2)?);
        return Some((be32(16)?, be32(20)?));
    }
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    let mut at = 2;
    while at + 9 < bytes.len() {
        let (marker, length) = (bytes[at + 1], be16(at + 2)? as usize);
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            return Some((be16(at + 7)?, be16(at + 5)?));
        }
        at += 2 + length;
    }
    None
}

#[test]
fn every_episode_page_has_a_playable_audio_player() {
    let run = run();
    for episode in episodes() {
        let file = episode.output();
        let html = run.read(&file);
        let players = start_tags(&html, "audio");
        assert!(!players.is_empty(), "{file}: no <audio>");
        let player = &players[0];
        assert!(player.contains_key("controls"), "{file}: <audio controls>");
        assert_eq!(
            player.get("preload").map(String::as_str),
            Some("none"),
            "{file}: preload=none"
        );
        let audio_markup = elements(&html, "audio")
            .into_iter()
            .next()
            .unwrap_or_default();
        let src = player.get("src").cloned().or_else(|| {
            start_tags(&audio_markup, "source")
                .first()?
                .get("src")
                .cloned()
        });
        let src = src.unwrap_or_else(|| panic!("{file}: the player has no source"));
        let page_dir = file.trim_end_matches("index.html");
        let local = match src.strip_prefix(BASE) {
            Some(path) => Some(path.trim_start_matches('/').to_string()),
            None if src.starts_with('/') => Some(src.trim_start_matches('/').to_string()),
            None if !src.contains("://") => Some(format!("{page_dir}{src}")),
            None => None,
        };
        if let Some(rel) = local.as_deref() {
            assert!(run.exists(rel), "{file}: audio {src} is not in the output");
            let size = std::fs::metadata(run.path(rel))
                .map(|m| m.len())
                .unwrap_or(0);
            assert!(
                size > 0 && size <= 200 * 1024,
                "{file}: bundled audio should be a few KB, is {size} bytes"
            );
        }
    }
}

#[test]
fn example_site_builds_byte_identically_twice() {
    let site = Site::example();
    let again = site.build(&["--base-url", BASE]).succeeded();
    let first = crate::support::snapshot(&run().out);
    let second = crate::support::snapshot(&again.out);
    let differing = crate::support::differing_files(&first, &second);
    assert!(
        differing.is_empty(),
        "the example site built differently twice: {differing:?}"
    );
}

#[test]
fn colocated_assets_are_copied_beside_their_page_or_section() {
    let run = run();
    let root = repo_root().join("content");
    let mut assets = Vec::new();
    collect_assets(&root, &root, &mut assets);
    assert!(
        !assets.is_empty(),
        "the example site bundles its audio beside its episodes"
    );
    for rel in assets {
        let folder = parent_of(&rel);
        let owner = content().iter().find(|c| {
            c.rel == format!("{folder}/index.md") || c.rel == format!("{folder}/_index.md")
        });
        let base = owner.map_or_else(|| with_slashes(&folder), Content::url_path);
        let name = rel.rsplit('/').next().unwrap_or_default();
        let output = format!("{}{name}", base.trim_start_matches('/'));
        let source = std::fs::read(root.join(&rel)).expect("read asset");
        assert_eq!(
            std::fs::read(run.path(&output)).ok(),
            Some(source),
            "content/{rel} should be copied to {output}"
        );
    }
}

#[test]
fn every_episode_page_has_show_notes_and_its_transcript() {
    let run = run();
    for episode in episodes() {
        let file = episode.output();
        let html = run.read(&file);
        // `## Transcript`, or a translation's heading with the same id.
        let (notes, transcript) = (episode.body.split_once("## Transcript"))
            .or_else(|| episode.body.split_once("{#transcript}"))
            .unwrap_or_else(|| panic!("content/{} has no `## Transcript`", episode.rel));
        assert!(
            html.contains(r#"id="transcript""#),
            "{file}: the transcript heading is linkable"
        );
        for (part, text) in [("show notes", notes), ("transcript", transcript)] {
            let sentence = sample_sentence(text)
                .unwrap_or_else(|| panic!("content/{}: empty {part}", episode.rel));
            assert!(
                html.contains(&sentence),
                "{file}: {part} text {sentence:?} missing"
            );
        }
    }
}

#[test]
fn every_creator_page_describes_a_person() {
    let run = run();
    let creators: Vec<&Content> = content()
        .iter()
        .filter(|c| !c.is_section() && c.folder() == "creators")
        .collect();
    assert!(
        creators.len() >= 3,
        "at least 3 creator pages under content/creators/"
    );
    for creator in creators {
        let file = creator.output();
        assert!(
            ld_types(&file, &run.read(&file)).contains("Person"),
            "{file}: Person JSON-LD"
        );
    }
}

/// The output file an internal URL on page `file` points at; `None` for external, in-page and
/// sidecar URLs.
pub fn internal_target(file: &str, url: &str) -> Option<String> {
    let dir = file
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let relative = format!("/{dir}{url}");
    let path = match url.strip_prefix(BASE) {
        Some(path) => path,
        None if url.starts_with('/') && !url.starts_with("//") => url,
        None if url.contains(':') || url.starts_with('#') || url.starts_with("//") => return None,
        None => relative.as_str(),
    };
    let path = path.split(['#', '?']).next().unwrap_or_default();
    if path.starts_with("/api/") || path == "/api" {
        return None;
    }
    let rel = path.trim_start_matches('/');
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    })
}

#[test]
fn every_internal_link_and_asset_exists_in_the_output() {
    let run = run();
    let (mut checked, pages) = (0, readable_pages().len());
    let references = [
        ("a", "href"),
        ("link", "href"),
        ("img", "src"),
        ("audio", "src"),
        ("source", "src"),
    ];
    for (file, html) in readable_pages() {
        let mut urls: Vec<String> = references
            .iter()
            .flat_map(|(tag, attr)| {
                start_tags(&html, tag)
                    .into_iter()
                    .filter_map(|a| a.get(*attr).cloned())
            })
            .collect();
        urls.extend(
            tags_with(&html, "meta", "property", "og:image")
                .into_iter()
                .filter_map(|m| m.get("content").cloned()),
        );
        for url in urls {
            if let Some(target) = internal_target(&file, &url) {
                checked += 1;
                assert!(
                    run.exists(&target),
                    "{file} links to {url}, but {target} is not in the output"
                );
            }
        }
    }
    assert!(
        checked >= pages,
        "only {checked} internal links on {pages} pages: is the check finding them?"
    );
}

#[test]
fn the_urdu_auth_pages_read_right_to_left_in_urdu_and_post_their_language() {
    let run = run();
    for (file, endpoint) in [
        ("ur/signup/index.html", "signup"),
        ("ur/login/index.html", "login"),
    ] {
        let html = run.read(file);
        let root = start_tags(&html, "html");
        assert_eq!(
            root[0].get("lang").map(String::as_str),
            Some("ur"),
            "{file}"
        );
        assert_eq!(
            root[0].get("dir").map(String::as_str),
            Some("rtl"),
            "{file}"
        );
        let forms = start_tags(&html, "form");
        assert_eq!(
            forms[0]["action"],
            format!("/api/{endpoint}?lang=ur"),
            "{file}: the sidecar learns the language for its way back"
        );
        // Every fragment message of the English page exists here, in Urdu.
        for id in [
            "invalid-credentials",
            "email-taken",
            "invalid-email",
            "weak-password",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{file}: #{id}");
        }
        assert!(
            html.contains("پاس ورڈ") && !html.contains(">Password<"),
            "{file}"
        );
        let english = own_url(&format!("{endpoint}/index.html"));
        assert!(
            html.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"en\" href=\"{english}\">"
            )),
            "{file}: hreflang alternates ({english})"
        );
        assert!(html.contains("hreflang=\"x-default\""), "{file}");
        assert!(
            html.contains("class=\"lang-switch\""),
            "{file}: language switcher"
        );
    }
    let english = run.read("signup/index.html");
    assert!(
        english.contains("action=\"/api/signup\""),
        "the default language adds no ?lang"
    );
    assert!(english.contains("<html lang=\"en\" dir=\"ltr\">"));
}
