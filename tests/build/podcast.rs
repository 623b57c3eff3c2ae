//! A show's podcast feed (`<show>/podcast.xml`) carries what podcast directories require.

use roxmltree::{Document, Node};

use crate::support::{Run, Site};
use crate::xml::{
    ATOM, CONTENT, ITUNES, attr, channel, child, child_text, children, is, parse, plain, root,
    self_link,
};

const SHOW: &str = "shows/night-owls/podcast.xml";

fn feed() -> (Site, Run, String) {
    let site = Site::fixture("podcast");
    let run = site.build(&[]).succeeded();
    let xml = run.read(SHOW);
    parse(SHOW, &xml);
    (site, run, xml)
}

/// The channel's `<item>` elements, in feed order.
fn items<'a, 'x>(doc: &'a Document<'x>) -> Vec<Node<'a, 'x>> {
    children(channel(doc), plain("item"))
}

/// The `<item>` whose own `<title>` is `title`.
fn item<'a, 'x>(items: &[Node<'a, 'x>], title: &str) -> Node<'a, 'x> {
    let titles: Vec<String> = items
        .iter()
        .map(|i| child_text(*i, plain("title")))
        .collect();
    let at = titles
        .iter()
        .position(|t| t == title)
        .unwrap_or_else(|| panic!("no <item> titled {title:?} among {titles:?}"));
    items[at]
}

/// Seconds in an `itunes:duration` written as seconds, MM:SS or HH:MM:SS.
fn seconds(duration: &str) -> u64 {
    duration
        .trim()
        .split(':')
        .map(|part| {
            part.parse::<u64>()
                .unwrap_or_else(|_| panic!("bad itunes:duration {duration:?}"))
        })
        .fold(0, |total, part| total * 60 + part)
}

#[test]
fn podcast_feed_is_rss_2_with_the_itunes_namespace() {
    let (_, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    let rss = root(&doc, plain("rss"));
    assert_eq!(attr(rss, "version"), "2.0");
    // Directories read the conventional prefixes, so each must be bound to its own URI.
    for (prefix, uri) in [("itunes", ITUNES), ("atom", ATOM), ("content", CONTENT)] {
        assert_eq!(
            rss.lookup_namespace_uri(Some(prefix)),
            Some(uri),
            "xmlns:{prefix} on <rss>"
        );
    }
    assert_eq!(children(rss, plain("channel")).len(), 1);
    let this_feed = self_link(channel(&doc));
    assert_eq!(
        attr(this_feed, "href"),
        "https://pods.example/shows/night-owls/podcast.xml"
    );
    assert_eq!(attr(this_feed, "type"), "application/rss+xml");
}

#[test]
fn podcast_channel_has_the_tags_directories_require() {
    let (_, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    // The channel's own children only: `<image>` and `<item>` titles and links are not its.
    let head = channel(&doc);
    let itunes = |local| (Some(ITUNES), local);
    assert_eq!(child_text(head, plain("title")), "Night Owls");
    assert_eq!(
        child_text(head, plain("description")),
        "Late conversations & quiet music"
    );
    assert_eq!(
        child_text(head, plain("link")),
        "https://pods.example/shows/night-owls/"
    );
    assert_eq!(child_text(head, itunes("author")), "Ada Lovelace");
    assert_eq!(child_text(head, itunes("explicit")), "false");
    assert_eq!(child_text(head, itunes("type")), "episodic");
    assert_eq!(child_text(head, plain("copyright")), "2026 Ada Lovelace");
    assert_eq!(
        attr(child(head, itunes("image")), "href"),
        "https://pods.example/images/night-owls.jpg"
    );
    // Apple's form: the subcategory nests inside its category.
    let category = child(head, itunes("category"));
    assert_eq!(attr(category, "text"), "Arts");
    let subcategory = child(category, itunes("category"));
    assert_eq!(attr(subcategory, "text"), "Books");
    assert!(children(subcategory, itunes("category")).is_empty());
    let owner = child(head, itunes("owner"));
    assert_eq!(child_text(owner, itunes("name")), "Ada Lovelace");
    assert_eq!(child_text(owner, itunes("email")), "ada@pods.example");
}

#[test]
fn every_episode_is_an_item_newest_first_and_nothing_else_is() {
    let (_, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    let titles: Vec<String> = items(&doc)
        .iter()
        .map(|i| child_text(*i, plain("title")))
        .collect();
    assert_eq!(
        titles,
        ["Remote <guests> & friends", "Static audio", "First light"]
    );
    let everywhere = doc.descendants().filter(|n| is(*n, plain("item")));
    assert_eq!(everywhere.count(), 3, "no <item> outside the channel");
    for it in items(&doc) {
        let body = child_text(it, (Some(CONTENT), "encoded"));
        assert!(
            body.starts_with("<p>"),
            "content:encoded is the episode's HTML: {body:?}"
        );
    }
}

#[test]
fn enclosures_carry_url_real_length_and_type() {
    let (site, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    let items = items(&doc);
    let size = |rel: &str| {
        std::fs::metadata(site.root().join(rel))
            .expect("fixture audio")
            .len()
            .to_string()
    };
    let cases = [
        (
            "First light",
            "https://pods.example/shows/night-owls/first-light/first-light.mp3",
            size("content/shows/night-owls/first-light/first-light.mp3"),
        ),
        (
            "Static audio",
            "https://pods.example/audio/static-audio.mp3",
            size("static/audio/static-audio.mp3"),
        ),
        (
            "Remote <guests> & friends",
            "https://cdn.example/night-owls/remote.m4a",
            "5555555".to_string(),
        ),
    ];
    for (title, url, length) in cases {
        let enclosure = children(item(&items, title), plain("enclosure"));
        assert_eq!(enclosure.len(), 1, "{title}: one enclosure");
        assert_eq!(attr(enclosure[0], "url"), url, "{title}");
        assert_eq!(
            attr(enclosure[0], "length"),
            length,
            "{title}: length is the file's size in bytes"
        );
        let kind = attr(enclosure[0], "type");
        if url.ends_with(".mp3") {
            assert_eq!(kind, "audio/mpeg", "{title}");
        } else {
            assert!(
                ["audio/x-m4a", "audio/mp4"].contains(&kind),
                "{title}: m4a type, got {kind}"
            );
        }
    }
}

#[test]
fn colocated_episode_audio_is_copied_beside_the_episode() {
    let (site, run, _) = feed();
    let source = std::fs::read(
        site.root()
            .join("content/shows/night-owls/first-light/first-light.mp3"),
    );
    let output = std::fs::read(run.path("shows/night-owls/first-light/first-light.mp3"));
    assert_eq!(
        source.ok(),
        output.ok(),
        "the colocated mp3 must be copied as is"
    );
}

#[test]
fn items_have_unique_guids_rfc2822_dates_and_durations() {
    let (_, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    let items = items(&doc);
    let guids: std::collections::BTreeSet<String> = items
        .iter()
        .map(|i| child_text(*i, plain("guid")))
        .collect();
    assert_eq!(guids.len(), items.len(), "every guid is unique: {guids:?}");
    assert!(guids.iter().all(|g| !g.is_empty()));
    for (title, date, duration) in [
        ("First light", "Wed, 10 Jan 2024", 754),
        ("Static audio", "Tue, 20 Feb 2024", 7),
        ("Remote <guests> & friends", "Tue, 05 Mar 2024", 3723),
    ] {
        let it = item(&items, title);
        let pub_date = child_text(it, plain("pubDate"));
        assert!(
            is_rfc2822(&pub_date),
            "{title}: pubDate {pub_date:?} is not RFC 2822"
        );
        assert!(
            pub_date.starts_with(date),
            "{title}: pubDate {pub_date:?}, expected {date}"
        );
        assert_eq!(
            seconds(&child_text(it, (Some(ITUNES), "duration"))),
            duration,
            "{title}: itunes:duration"
        );
    }
}

#[test]
fn episode_numbers_seasons_and_explicit_flags_are_tagged() {
    let (_, _, xml) = feed();
    let doc = parse(SHOW, &xml);
    let items = items(&doc);
    let itunes = |local| (Some(ITUNES), local);
    let remote = item(&items, "Remote <guests> & friends");
    assert_eq!(child_text(remote, itunes("episode")), "3");
    assert_eq!(child_text(remote, itunes("season")), "1");
    assert_eq!(child_text(remote, itunes("explicit")), "true");
    let first = item(&items, "First light");
    assert_eq!(child_text(first, itunes("episode")), "1");
    assert_eq!(
        child_text(first, plain("link")),
        "https://pods.example/shows/night-owls/first-light/"
    );
}

#[test]
fn only_sections_that_describe_a_podcast_get_a_podcast_feed() {
    let (_, run, _) = feed();
    let feeds: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.ends_with("podcast.xml"))
        .collect();
    assert_eq!(feeds, [SHOW]);
}

#[test]
fn show_missing_a_required_key_fails_naming_file_and_key() {
    for key in ["author", "image", "category", "explicit"] {
        let site = Site::fixture("podcast");
        let rel = "content/shows/night-owls/_index.md";
        let kept: Vec<String> = site
            .read_source(rel)
            .lines()
            .filter(|line| !line.starts_with(&format!("{key} =")))
            .map(str::to_string)
            .collect();
        site.write(rel, &(kept.join("\n") + "\n"));
        let run = site.build(&[]).failed();
        let err = run.stderr.clone();
        assert!(
            err.contains("night-owls/_index.md"),
            "missing {key}: error must name the file:\n{err}"
        );
        assert!(
            err.contains(key),
            "missing {key}: error must name the key:\n{err}"
        );
    }
}

#[test]
fn episode_without_audio_fails_naming_file_and_key() {
    let site = Site::fixture("podcast");
    site.write(
        "content/shows/night-owls/silent.md",
        "+++\ntitle = \"Silent\"\ndate = 2024-04-01\n\n[extra.episode]\nduration = 10\n+++\nNo audio.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(err.contains("silent.md") && err.contains("audio"), "{err}");
}

#[test]
fn episode_audio_that_does_not_exist_fails_naming_the_file() {
    let site = Site::fixture("podcast");
    site.write(
        "content/shows/night-owls/ghost.md",
        "+++\ntitle = \"Ghost\"\ndate = 2024-04-01\n\n[extra.episode]\naudio = \"ghost.mp3\"\nduration = 10\n+++\nGone.\n",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("ghost.md") && err.contains("ghost.mp3"),
        "{err}"
    );
}

fn is_rfc2822(date: &str) -> bool {
    // e.g. "Tue, 05 Mar 2024 00:00:00 +0000" (GMT/UT and other zones accepted).
    let parts: Vec<&str> = date.split_whitespace().collect();
    let days = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    parts.len() == 6
        && days.contains(&parts[0])
        && parts[1].len() <= 2
        && parts[1].parse::<u8>().is_ok()
        && months.contains(&parts[2])
        && parts[3].len() == 4
        && parts[3].parse::<u16>().is_ok()
        && parts[4].split(':').count() == 3
        && parts[4]
            .split(':')
            .all(|p| p.len() == 2 && p.parse::<u8>().is_ok())
        && (matches!(parts[5], "GMT" | "UT" | "Z")
            || (parts[5].len() == 5 && parts[5].starts_with(['+', '-'])))
}

#[test]
fn remote_audio_without_length_fails_naming_file_and_key() {
    // A URL's size is unknown at build time and directories reject enclosures without it.
    let site = Site::fixture("podcast");
    site.replace_in(
        "content/shows/night-owls/remote.md",
        "length = 5555555\n",
        "",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(err.contains("remote.md") && err.contains("length"), "{err}");
}

#[test]
fn unreadable_duration_fails_naming_file_and_key() {
    let site = Site::fixture("podcast");
    site.replace_in(
        "content/shows/night-owls/site-path.md",
        "duration = \"00:00:07\"",
        "duration = \"seven seconds\"",
    );
    let err = site.build(&[]).failed().stderr;
    assert!(
        err.contains("site-path.md") && err.contains("duration"),
        "{err}"
    );
}

/// The podcast fixture with its show artwork replaced by a `width` × `height` picture,
/// greyscale or in colour, saved as `format`.
fn with_artwork(width: u32, height: u32, grey: bool, format: image::ImageFormat) -> Site {
    let site = Site::fixture("podcast");
    let path = site.root().join("static/images/night-owls.jpg");
    let picture = if grey {
        image::DynamicImage::ImageLuma8(image::GrayImage::new(width, height))
    } else {
        image::DynamicImage::ImageRgb8(image::RgbImage::new(width, height))
    };
    picture.save_with_format(&path, format).expect("artwork");
    site
}

#[test]
fn artwork_that_directories_would_refuse_fails_naming_the_file_what_and_the_rule() {
    use image::ImageFormat::{Gif, Jpeg, Png};
    for (width, height, grey, format, what) in [
        (1000, 1000, false, Jpeg, "1000 × 1000 pixels"),
        (3200, 3200, false, Png, "3200 × 3200 pixels"),
        (1400, 1500, false, Jpeg, "not square"),
        (1400, 1400, true, Png, "greyscale"),
        (1400, 1400, false, Gif, "not JPEG or PNG"),
    ] {
        let site = with_artwork(width, height, grey, format);
        let err = site.build(&[]).failed().stderr;
        assert!(
            err.contains("night-owls/_index.md"),
            "{what}: names the show:\n{err}"
        );
        assert!(
            err.contains("extra.podcast.image") && err.contains(what),
            "{what}:\n{err}"
        );
        assert!(
            err.contains("1400 to 3000 pixels"),
            "{what}: states the rule:\n{err}"
        );
    }
}

#[test]
fn a_site_may_lower_the_artwork_rules_to_a_warning() {
    let site = with_artwork(600, 600, false, image::ImageFormat::Jpeg);
    let config = site.read_source("config.toml");
    site.write(
        "config.toml",
        &format!("{config}\n[podcast]\nartwork = \"warning\"\n"),
    );
    let run = site.build(&[]).succeeded();
    assert!(
        run.stderr.contains("warning:") && run.stderr.contains("600 × 600 pixels"),
        "{}",
        run.stderr
    );
    assert!(run.exists("shows/night-owls/podcast.xml"));
}

/// The podcast fixture with an Urdu edition of the show and of its colocated episode.
fn translated_show() -> Site {
    let site = Site::fixture("podcast");
    let config = site.read_source("config.toml");
    site.write(
        "config.toml",
        &format!("{config}\n[languages.ur]\ntitle = \"پوڈز\"\n"),
    );
    let show = site.read_source("content/shows/night-owls/_index.md");
    site.write(
        "content/shows/night-owls/_index.ur.md",
        &show
            .replace("title = \"Night Owls\"", "title = \"رات کے الو\"")
            .replace(
                "A show for people who stay up late.",
                "دیر تک جاگنے والوں کے لیے ایک شو۔",
            ),
    );
    site.write("content/shows/_index.ur.md", "+++\ntitle = \"شو\"\n+++\n");
    let episode = site.read_source("content/shows/night-owls/first-light/index.md");
    site.write(
        "content/shows/night-owls/first-light/index.ur.md",
        &episode.replace("title = \"First light\"", "title = \"پہلی روشنی\""),
    );
    site
}

#[test]
fn a_translated_show_gets_its_own_feed_in_its_language_sharing_the_episode_audio() {
    let run = translated_show().build(&[]).succeeded();
    let english = run.read(SHOW);
    let urdu_path = "ur/shows/night-owls/podcast.xml";
    let urdu = run.read(urdu_path);
    let doc = parse(urdu_path, &urdu);
    assert_eq!(child_text(channel(&doc), plain("language")), "ur");
    assert_eq!(child_text(channel(&doc), plain("title")), "رات کے الو");
    let english_doc = parse(SHOW, &english);
    assert_eq!(child_text(channel(&english_doc), plain("language")), "en");
    let urdu_items = items(&doc);
    assert_eq!(
        urdu_items.len(),
        1,
        "only the translated episode is in the Urdu feed"
    );
    let enclosure = children(item(&urdu_items, "پہلی روشنی"), plain("enclosure"));
    assert_eq!(
        attr(enclosure[0], "url"),
        "https://pods.example/shows/night-owls/first-light/first-light.mp3",
        "the translation's enclosure is the original's audio"
    );
    assert!(!english.contains("پہلی روشنی"));
}
