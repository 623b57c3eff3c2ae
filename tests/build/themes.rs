//! `theme = "name"`: a theme's templates, shortcodes and static files fill in what the site
//! lacks, and its `theme.toml` `[extra]` sits under the site's, as in Zola.

use crate::support::Site;

/// A site using theme `hyde`, which has a base, a page, an index, a shortcode and two static
/// files; the site replaces the page template (extending the theme's) and one static file.
fn themed_site() -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ntheme = \"hyde\"\n[extra]\ncolour = \"red\"\n[extra.menu]\nhome = \"Start\"\n",
    );
    site.write(
        "themes/hyde/theme.toml",
        "name = \"hyde\"\n[extra]\ncolour = \"blue\"\nsidebar = true\n[extra.menu]\nhome = \"Home\"\nabout = \"About\"\n",
    );
    site.write(
        "themes/hyde/templates/base.html",
        "[{{ config.extra.colour }} {{ config.extra.sidebar }} {{ config.extra.menu.home }} {{ config.extra.menu.about }}]{% block body %}{% endblock %}",
    );
    site.write(
        "themes/hyde/templates/index.html",
        "{% extends \"base.html\" %}{% block body %}theme index{% endblock %}",
    );
    site.write(
        "themes/hyde/templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<main>{% block main %}{{ page.content | safe }}{% endblock %}</main>{% endblock %}",
    );
    site.write(
        "themes/hyde/templates/shortcodes/note.html",
        "<aside>{{ body }}</aside>",
    );
    site.write("themes/hyde/static/style.css", "theme css");
    site.write("themes/hyde/static/theme.js", "theme js");
    site.write(
        "themes/hyde/content/demo.md",
        "+++\ntitle = \"Theme demo\"\n+++\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"hyde/templates/page.html\" %}{% block main %}site: {{ super() }}{% endblock %}",
    );
    site.write("static/style.css", "site css");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n{% note() %}\nHi\n{% end %}\n",
    );
    site
}

#[test]
fn a_theme_supplies_what_the_site_lacks_and_the_site_wins_where_both_have_a_file() {
    let run = themed_site().build(&[]).succeeded();
    assert_eq!(run.read("index.html"), "[red true Start About]theme index");
    assert_eq!(
        run.read("a/index.html"),
        "[red true Start About]<main>site: <aside>Hi</aside></main>"
    );
    assert_eq!(run.read("style.css"), "site css");
    assert_eq!(run.read("theme.js"), "theme js");
    // A theme's own content is its demo, not the site's.
    assert!(!run.exists("demo/index.html"));
}

#[test]
fn a_missing_theme_is_an_error_naming_the_folder() {
    let site = themed_site();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ntheme = \"jekyll\"\n",
    );
    let output = site.build(&[]).failed().output();
    assert!(
        output.contains("config.toml") && output.contains("themes/jekyll"),
        "{output}"
    );
}

#[test]
fn a_themes_sass_is_compiled_and_the_sites_stylesheet_wins_at_one_path() {
    let site = themed_site();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ntheme = \"hyde\"\ncompile_sass = true\n",
    );
    // The site's static/style.css would collide with the compiled one.
    site.remove("static/style.css");
    site.remove("themes/hyde/static/style.css");
    site.write("themes/hyde/sass/_vars.scss", "$ink: #123456;\n");
    site.write(
        "themes/hyde/sass/hyde.scss",
        "@use \"vars\";\nbody { nav { color: vars.$ink; } }\n",
    );
    site.write("themes/hyde/sass/style.scss", "p { color: red; }\n");
    site.write("sass/style.scss", "p { color: green; }\n");
    let run = site.build(&[]).succeeded();
    assert_eq!(run.read("hyde.css"), "body nav{color:#123456}");
    assert_eq!(run.read("style.css"), "p{color:green}");
    assert!(!run.exists("_vars.css"));
}
