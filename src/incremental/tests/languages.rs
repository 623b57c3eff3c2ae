//! Translations added, edited and removed rebuild to what a full build gives.

use super::{Site, rebuild_matches_full};
use crate::incremental::Rebuilder;

/// A site in English and Urdu whose templates show translations, alternates and `trans`.
fn bilingual() -> Site {
    let site = Site::new();
    site.write(
        "config.toml",
        "base_url = \"https://x.org\"\ntitle = \"T\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\" }]\n\
         [translations]\nread = \"Read\"\n[languages.ur]\ntitle = \"ٹی\"\ngenerate_feeds = true\n\
         taxonomies = [{ name = \"tags\" }]\n[languages.ur.translations]\nread = \"پڑھیں\"\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block c %}{{ lang }} {{ lang_dir }} {{ trans(key=\"read\", lang=lang) }}\
         {% for t in page.translations %}[{{ t.lang }} {{ t.title }} {{ t.permalink }}]{% endfor %}\
         {% for a in alternates %}({{ a.hreflang }} {{ a.href }}){% endfor %}{{ page.content | safe }}{% endblock %}",
    );
    site.write(
        "content/blog/_index.ur.md",
        "+++\ntitle = \"بلاگ\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n",
    );
    site.write(
        "content/blog/p1.ur.md",
        "+++\ntitle = \"پہلی\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"t1\"]\n+++\n# Head\nپہلی تحریر\n",
    );
    site
}

#[test]
fn translations_added_edited_and_removed_rebuild_like_a_full_build() {
    let site = bilingual();
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    // A new translation: the English page now lists it, and so do the alternates.
    site.write(
        "content/blog/p2.ur.md",
        "+++\ntitle = \"دوسری\"\ndate = 2024-02-01\n+++\nدوسری تحریر\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.ur.md"]);

    // Its title edited: the English page shows the new one.
    site.write(
        "content/blog/p2.ur.md",
        "+++\ntitle = \"نئی دوسری\"\ndate = 2024-02-01\n+++\nدوسری تحریر\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.ur.md"]);

    // Only its body edited.
    site.write(
        "content/blog/p2.ur.md",
        "+++\ntitle = \"نئی دوسری\"\ndate = 2024-02-01\n+++\nبدلی ہوئی تحریر\n",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.ur.md"]);

    // Removed: the English page lists no translation again.
    std::fs::remove_file(site.path("content/blog/p2.ur.md")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.ur.md"]);

    // The Urdu index section appears, then goes (made up again).
    site.write("content/_index.ur.md", "+++\ntitle = \"گھر\"\n+++\n");
    rebuild_matches_full(&mut rebuilder, &site, &["content/_index.ur.md"]);
    std::fs::remove_file(site.path("content/_index.ur.md")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["content/_index.ur.md"]);

    // The section's translation removed: its pages lose their section.
    std::fs::remove_file(site.path("content/blog/_index.ur.md")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/_index.ur.md"]);

    // A language's title and translations edited in config.toml.
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write("config.toml", &config.replace("پڑھیں", "مزید پڑھیں"));
    rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
}

#[test]
fn a_translation_with_an_undeclared_code_fails_then_rebuilds_once_renamed() {
    let site = bilingual();
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    site.write("content/blog/p1.fr.md", "+++\ntitle = \"Premier\"\n+++\n");
    let failed = rebuilder.rebuild(&[site.path("content/blog/p1.fr.md")]);
    assert!(
        failed.is_err(),
        "an undeclared language code must fail the rebuild"
    );
    std::fs::rename(
        site.path("content/blog/p1.fr.md"),
        site.path("content/blog/p3.ur.md"),
    )
    .unwrap();
    let changed = ["content/blog/p1.fr.md", "content/blog/p3.ur.md"];
    rebuild_matches_full(&mut rebuilder, &site, &changed);
}
