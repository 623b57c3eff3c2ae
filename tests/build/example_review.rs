//! The example site against the review of issue 17 (sitemap, feed, task lists, `<!-- more -->`,
//! table alignment, one description per pager) and the image check of issue 14: every `<img>`
//! has `width`, `height` and `alt`, and no image is sent at more than twice its width on screen.

use std::collections::BTreeMap;

use crate::example_site::{BASE, episodes, own_url, readable_pages, run};
use crate::markup::{start_tags, tags_with};
use crate::xml::{ATOM, CONTENT, channel, child, children, parse, plain, root};

fn description(html: &str) -> String {
    let metas = tags_with(html, "meta", "name", "description");
    metas
        .first()
        .and_then(|m| m.get("content").cloned())
        .unwrap_or_default()
}

#[test]
fn each_pager_of_a_listing_has_its_own_description() {
    let pages: BTreeMap<String, String> = readable_pages().into_iter().collect();
    let mut pagers = 0;
    for (file, html) in &pages {
        let Some((listing, _)) = file.split_once("page/") else {
            continue;
        };
        let first = pages
            .get(&format!("{listing}index.html"))
            .unwrap_or_else(|| panic!("{file} has no first page {listing}index.html"));
        assert_ne!(
            description(html),
            description(first),
            "{file} repeats the description of {listing}"
        );
        pagers += 1;
    }
    assert!(
        pagers > 0,
        "the example site has paginated listings to check"
    );
}

#[test]
fn the_site_feed_carries_every_episode_and_nothing_else() {
    let run = run();
    let xml = run.read("atom.xml");
    let doc = parse("atom.xml", &xml);
    let entries = children(root(&doc, (Some(ATOM), "feed")), (Some(ATOM), "entry"));
    let mut linked: Vec<String> = entries
        .iter()
        .map(|e| {
            let link = child(*e, (Some(ATOM), "link"));
            link.attribute("href").unwrap_or_default().to_string()
        })
        .collect();
    linked.sort();
    // The site feed is the default language's; each other language has its own (/ur/atom.xml).
    let english = episodes().into_iter().filter(|e| e.lang().is_none());
    let mut expected: Vec<String> = english.map(|e| own_url(&e.output())).collect();
    expected.sort();
    assert_eq!(linked, expected, "atom.xml (\"every new episode\")");
}

#[test]
fn no_more_marker_is_left_in_pages_or_podcast_feeds() {
    let run = run();
    let mut anchors = 0;
    for (file, html) in readable_pages() {
        assert!(!html.contains("<!-- more"), "{file} shows <!-- more -->");
        anchors += usize::from(html.contains("<span id=\"continue-reading\"></span>"));
    }
    assert!(anchors > 0, "episodes with a summary keep Zola's anchor");
    let feeds: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.ends_with("podcast.xml"))
        .collect();
    assert!(!feeds.is_empty());
    for feed in feeds {
        let xml = run.read(&feed);
        let doc = parse(&feed, &xml);
        for item in children(channel(&doc), plain("item")) {
            let encoded = child(item, (Some(CONTENT), "encoded")).text().unwrap_or("");
            assert!(!encoded.is_empty(), "{feed}: an item without content");
            assert!(!encoded.contains("<!--"), "{feed}: a comment in {encoded}");
        }
    }
}

#[test]
fn task_list_checkboxes_are_labelled_and_tables_align_by_class() {
    let (mut boxes, mut aligned) = (0, 0);
    for (file, html) in readable_pages() {
        let inputs = start_tags(&html, "input");
        let checkboxes = inputs.iter().filter(|i| i["type"] == "checkbox").count();
        let labelled = html
            .matches("<label><input disabled=\"\" type=\"checkbox\"")
            .count();
        assert_eq!(labelled, checkboxes, "{file}: a checkbox without its label");
        boxes += checkboxes;
        assert!(
            !html.contains("style=\"text-align"),
            "{file}: inline alignment styles, which a strict CSP blocks"
        );
        aligned += html.matches("class=\"align-right\"").count();
    }
    assert!(
        boxes > 0 && aligned > 0,
        "the example site has both to check"
    );
    let css = run().read("style.css");
    assert!(
        css.contains(".align-right"),
        "the stylesheet styles the classes"
    );
}

/// The file an `<img>` URL of the example site points at.
fn image_file(page: &str, url: &str) -> std::path::PathBuf {
    let local = url.strip_prefix(BASE).unwrap_or(url);
    assert!(
        local.starts_with('/'),
        "{page}: image {url} is not on the site"
    );
    run().path(local.trim_start_matches('/'))
}

#[test]
fn every_image_has_size_and_alt_and_is_sent_at_most_at_twice_its_width() {
    let mut checked = 0;
    for (page, html) in readable_pages() {
        for img in start_tags(&html, "img") {
            for key in ["width", "height", "alt"] {
                assert!(
                    img.contains_key(key),
                    "{page}: <img> without {key}: {img:?}"
                );
            }
            // The templates write the width the image has on screen (CSS pixels).
            let shown: u32 = img["width"]
                .parse()
                .unwrap_or_else(|_| panic!("{page}: width {:?} is not a number", img["width"]));
            let mut urls = vec![img["src"].clone()];
            if let Some(srcset) = img.get("srcset") {
                urls.extend(
                    srcset
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next().map(str::to_string)),
                );
            }
            for url in urls {
                let file = image_file(&page, &url);
                if url.ends_with(".svg") {
                    // Vector art (the creators' portraits) is sharp at any size and has no
                    // pixel width to hold to the rule.
                    assert!(file.is_file(), "{page}: {url} is missing");
                    continue;
                }
                let (width, _) =
                    image::image_dimensions(&file).unwrap_or_else(|e| panic!("{page}: {url}: {e}"));
                assert!(
                    width <= 2 * shown,
                    "{page}: {url} is {width} px wide for {shown} px on screen"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "the example site shows images");
}
