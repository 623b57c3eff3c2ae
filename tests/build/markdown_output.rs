//! Markdown's HTML as a review's tools want it: task-list checkboxes with a label, no
//! `<!-- more -->` comment left in pages or feeds (Zola's `continue-reading` anchor instead),
//! and table alignment as classes when `[markdown] table_alignment = "classes"` asks.

use crate::markup::start_tags;
use crate::support::Site;

fn site(markdown: &str, body: &str) -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        &format!("base_url = \"https://example.org\"\n[markdown]\n{markdown}"),
    );
    site.write("templates/page.html", "{{ page.content | safe }}");
    site.write("templates/index.html", "home");
    site.write(
        "content/a.md",
        &format!("+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\n{body}"),
    );
    site
}

#[test]
fn task_list_checkboxes_are_labelled_by_their_item_text() {
    let body = "- [x] Backups restored\n- [ ] Disk *full* drill\n  - [ ] nested\n\nText.\n";
    let run = site("", body).build(&[]).succeeded();
    let html = run.read("a/index.html");
    assert_eq!(
        html,
        "<ul>\n\
         <li><label><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nBackups restored</label></li>\n\
         <li><label><input disabled=\"\" type=\"checkbox\"/>\nDisk <em>full</em> drill</label>\n\
         <ul>\n<li><label><input disabled=\"\" type=\"checkbox\"/>\nnested</label></li>\n</ul>\n</li>\n\
         </ul>\n<p>Text.</p>\n"
    );
    let loose = site("", "- [x] one\n\n- [ ] two\n").build(&[]).succeeded();
    let html = loose.read("a/index.html");
    assert_eq!(
        start_tags(&html, "label").len(),
        2,
        "a loose list's items are labelled too: {html}"
    );
    assert!(html.contains("two</label></p>"), "{html}");
}

#[test]
fn more_marker_becomes_zolas_continue_reading_anchor() {
    let run = site("", "Intro.\n\n<!-- more -->\n\nRest.\n")
        .build(&[])
        .succeeded();
    let html = run.read("a/index.html");
    assert_eq!(
        html,
        "<p>Intro.</p>\n<span id=\"continue-reading\"></span>\n<p>Rest.</p>\n"
    );
    // Feeds show `page.content`: the example site's podcast feeds are checked in
    // `example_site::no_more_marker_is_left_in_pages_or_podcast_feeds`.
}

const TABLE: &str = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n";

#[test]
fn table_alignment_is_inline_style_by_default_as_in_zola() {
    let html = site("", TABLE).build(&[]).succeeded().read("a/index.html");
    assert!(
        html.contains("<th style=\"text-align: left\">a</th>"),
        "{html}"
    );
    assert!(
        html.contains("<td style=\"text-align: right\">3</td><td>4</td>"),
        "{html}"
    );
}

#[test]
fn table_alignment_becomes_classes_when_the_setting_asks() {
    let run = site("table_alignment = \"classes\"\n", TABLE)
        .build(&[])
        .succeeded();
    let html = run.read("a/index.html");
    assert_eq!(
        html,
        "<table><thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th>\
         <th class=\"align-right\">c</th><th>d</th></tr></thead><tbody>\n\
         <tr><td class=\"align-left\">1</td><td class=\"align-center\">2</td>\
         <td class=\"align-right\">3</td><td>4</td></tr>\n</tbody></table>\n"
    );
    assert!(!html.contains("style="), "{html}");
}

#[test]
fn an_unknown_table_alignment_value_is_an_error_naming_the_line_and_the_choices() {
    let run = site("table_alignment = \"inline\"\n", TABLE)
        .build(&[])
        .failed();
    let output = run.output();
    assert!(
        output.contains("config.toml:3:") && output.contains("`style` or `classes`"),
        "{output}"
    );
}

#[test]
fn the_shortest_html_comment_is_kept_and_does_not_crash_the_build() {
    // `<!-->` is a whole comment in CommonMark; the summary marker check used to slice it.
    let html = site("", "Text.\n\n<!-->\n")
        .build(&[])
        .succeeded()
        .read("a/index.html");
    assert_eq!(html, "<p>Text.</p>\n<!-->\n");
}
