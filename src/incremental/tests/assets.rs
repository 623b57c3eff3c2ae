//! Rebuilds of sites with images, podcast artwork, search indexes, Sass and highlighted code.

use super::*;

/// Saves a `size` × `size` PNG of one `colour` at `path`.
fn png(path: &std::path::Path, size: u32, colour: [u8; 3]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(size, size, image::Rgb(colour))
        .save_with_format(path, image::ImageFormat::Png)
        .unwrap();
}

#[test]
fn image_edits_rebuild_the_pages_that_resize_them_and_equal_a_full_build() {
    let site = Site::new();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block c %}{% set i = resize_image(path=\"cover.png\", width=8, height=8) %}<img src=\"{{ i.url }}\">{{ page.content | safe }}{% endblock %}");
    png(&site.path("static/cover.png"), 32, [200, 0, 0]);
    let mut rebuilder = Rebuilder::new(site.opts());
    let (first, _) = rebuilder.rebuild(&[]).unwrap();
    let processed = |output: &crate::output::SiteOutput| {
        let names = output
            .files
            .keys()
            .filter(|k| k.starts_with("processed_images/"));
        names.cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        processed(&first).len(),
        1,
        "one processed image for every page"
    );

    png(&site.path("static/cover.png"), 32, [0, 0, 200]);
    let report = rebuild_matches_full(&mut rebuilder, &site, &["static/cover.png"]);
    assert!(report.rendered.iter().any(|p| p == "/blog/p1/"), "{report}");
    let (now, _) = rebuilder.rebuild(&[]).unwrap();
    assert_eq!(
        processed(&now).len(),
        1,
        "the old image is gone: {:?}",
        processed(&now)
    );
    assert_ne!(processed(&now), processed(&first));

    // A body edit re-renders one page, which asks for the same image: still there.
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write("content/blog/p2.md", &p2.replace("Body 2", "Body two"));
    rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block c %}{{ page.content | safe }}{% endblock %}",
    );
    rebuild_matches_full(&mut rebuilder, &site, &["templates/page.html"]);
    let (last, _) = rebuilder.rebuild(&[]).unwrap();
    assert!(processed(&last).is_empty(), "no page asks for it any more");
}

#[test]
fn replacing_colocated_artwork_is_checked_again_as_a_full_build_checks_it() {
    let site = Site::new();
    site.write("content/show/_index.md", "+++\ntitle = \"Show\"\npaginate_by = 5\n[extra.podcast]\nauthor = \"A\"\nimage = \"cover.png\"\ncategory = \"Technology\"\nexplicit = false\n+++\n");
    png(&site.path("content/show/cover.png"), 1400, [10, 20, 30]);
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    png(&site.path("content/show/cover.png"), 500, [10, 20, 30]);
    let error = rebuild_fails(&mut rebuilder, &site, "content/show/cover.png");
    assert!(error.contains("500 × 500 pixels"), "{error}");
    let full = crate::render_site(&site.opts()).unwrap_err().to_string();
    assert_eq!(error, full);

    png(&site.path("content/show/cover.png"), 1400, [10, 20, 30]);
    rebuild_matches_full(&mut rebuilder, &site, &["content/show/cover.png"]);
}

/// The search index's bytes from `output` as text.
fn search_index(output: &crate::SiteOutput, file: &str) -> String {
    match &output.files[file] {
        OutputFile::Generated(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        OutputFile::Copied(source) => panic!("{file} was copied from {}", source.display()),
    }
}

#[test]
fn search_indexes_follow_edits_and_removals_like_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    for format in ["elasticlunr_json", "fuse_json"] {
        site.write(
            "config.toml",
            &format!("build_search_index = true\n{config}[search]\nindex_format = \"{format}\"\n[fragment_search]\nenable = true\n"),
        );
        let mut rebuilder = Rebuilder::new(site.opts());
        rebuilder.rebuild(&[]).unwrap();
        let file = "search_index.en.json";

        let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
        site.write(
            "content/blog/p2.md",
            &p2.replace("Body 2", "Body 2 about pottery"),
        );
        let edit = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        assert!(
            edit.rendered.iter().any(|r| r == "/search_index.en.json"),
            "{edit}"
        );
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(search_index(&output, file).contains("pottery"), "{format}");

        let hidden = p2.replace(
            "title = \"Post 2\"\n",
            "title = \"Post 2\"\nin_search_index = false\n",
        );
        site.write("content/blog/p2.md", &hidden);
        let p2_url = "https://x.org/blog/p2/";
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(!search_index(&output, file).contains(p2_url), "{format}");

        let p3_url = "https://x.org/blog/p3/";
        assert!(search_index(&output, file).contains(p3_url), "{format}");
        std::fs::remove_file(site.path("content/blog/p3.md")).unwrap();
        rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p3.md"]);
        let (output, _) = rebuilder.rebuild(&[]).unwrap();
        assert!(!search_index(&output, file).contains(p3_url), "{format}");

        site.write("content/blog/p2.md", &p2);
        site.write(
            "content/blog/p3.md",
            &p2.replace("Post 2", "Post 3").replace("Body 2", "Body 3"),
        );
        rebuild_matches_full(
            &mut rebuilder,
            &site,
            &["content/blog/p2.md", "content/blog/p3.md"],
        );
    }
}

#[test]
fn sass_edits_recompile_exactly_the_stylesheets_that_use_them_and_equal_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write("config.toml", &format!("compile_sass = true\n{config}"));
    site.write("sass/_vars.scss", "$accent: #c40;\n");
    site.write(
        "sass/main.scss",
        "@use \"vars\";\nnav { a { color: vars.$accent; } }\n",
    );
    site.write("sass/print.scss", "body { color: black; }\n");
    site.write(
        "sass/css/theme.sass",
        "@import \"../vars\"\np\n  color: $accent\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write("sass/_vars.scss", "$accent: #06c;\n");
    let partial = rebuild_matches_full(&mut rebuilder, &site, &["sass/_vars.scss"]);
    assert_eq!(
        partial.rendered,
        ["/css/theme.css", "/main.css"],
        "{partial}"
    );

    site.write("sass/print.scss", "body { color: #111; }\n");
    let one = rebuild_matches_full(&mut rebuilder, &site, &["sass/print.scss"]);
    assert_eq!(one.rendered, ["/print.css"], "{one}");

    // An import that fails until its partial is written; then only its stylesheet compiles.
    site.write(
        "sass/print.scss",
        "@use \"extra\";\nbody { color: #111; }\n",
    );
    rebuild_fails(&mut rebuilder, &site, "sass/print.scss");
    site.write("sass/_extra.scss", "a { color: red; }\n");
    let created = rebuild_matches_full(&mut rebuilder, &site, &["sass/_extra.scss"]);
    assert_eq!(created.rendered, ["/print.css"], "{created}");

    site.write("sass/print.scss", "body { color: ; }\n");
    let error = rebuild_fails(&mut rebuilder, &site, "sass/print.scss");
    assert!(error.contains("print.scss:1:"), "{error}");
    site.write("sass/print.scss", "body { color: #222; }\n");
    rebuild_matches_full(&mut rebuilder, &site, &["sass/print.scss"]);

    std::fs::remove_file(site.path("sass/main.scss")).unwrap();
    rebuild_matches_full(&mut rebuilder, &site, &["sass/main.scss"]);
}

#[test]
fn code_edits_re_highlight_only_their_page_and_equal_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    let highlighted = "[markdown.highlighting]\nlight_theme = \"solarized-light\"\ndark_theme = \"solarized-dark\"\nstyle = \"class\"\n";
    site.write("config.toml", &format!("{config}{highlighted}"));
    let p2 =
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"t2\", \"all\"]\n+++\n";
    site.write(
        "content/blog/p2.md",
        &format!("{p2}```rust,hl_lines=1\nfn main() {{}}\n```\n"),
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write(
        "content/blog/p2.md",
        &format!("{p2}```rust,linenos\nfn main() {{ println!(\"hi\"); }}\n```\n"),
    );
    let edit = rebuild_matches_full(&mut rebuilder, &site, &["content/blog/p2.md"]);
    assert_eq!(edit.rendered, ["/blog/p2/", "/atom.xml"], "{edit}");

    // A highlighting setting re-renders the pages with code blocks (and the feed showing
    // them), nothing else; the stylesheets follow the style.
    site.write(
        "config.toml",
        &format!("{config}{}", highlighted.replace("class", "inline")),
    );
    let setting = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(!setting.full, "{setting}");
    assert_eq!(setting.rendered, ["/blog/p2/", "/atom.xml"], "{setting}");
    let nord = "[markdown.highlighting]\ntheme = \"nord\"\n";
    site.write("config.toml", &format!("{config}{nord}"));
    let theme = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert_eq!(theme.rendered, ["/blog/p2/", "/atom.xml"], "{theme}");
    site.write("config.toml", &config);
    let off = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(!off.full, "{off}");

    // Any other setting is a full rebuild.
    site.write(
        "config.toml",
        &config.replace("title = \"T\"", "title = \"V\""),
    );
    let other = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    assert!(other.full, "{other}");
}

#[test]
fn extra_grammar_and_theme_edits_re_highlight_only_pages_with_code_and_equal_a_full_build() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!(
            "{config}[markdown.highlighting]\ntheme = \"Mini\"\n\
             extra_grammars = [\"syntaxes/mini.json\"]\nextra_themes = [\"highlight/mini.json\"]\n"
        ),
    );
    let grammar = |keyword: &str| {
        format!(
            r#"{{"name": "Mini", "scopeName": "source.mini", "patterns": [{{"match": "\\b{keyword}\\b", "name": "keyword.mini"}}]}}"#
        )
    };
    let theme = |colour: &str| {
        format!(
            r#"{{"name": "Mini", "tokenColors": [{{"scope": "keyword", "settings": {{"foreground": "{colour}"}}}}]}}"#
        )
    };
    site.write("syntaxes/mini.json", &grammar("let"));
    site.write("highlight/mini.json", &theme("#123456"));
    let p2 =
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"t2\", \"all\"]\n+++\n";
    site.write(
        "content/blog/p2.md",
        &format!("{p2}```mini\nlet x = fn\n```\n"),
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write("highlight/mini.json", &theme("#abcdef"));
    let recoloured = rebuild_matches_full(&mut rebuilder, &site, &["highlight/mini.json"]);
    assert!(!recoloured.full, "{recoloured}");
    assert_eq!(
        recoloured.rendered,
        ["/blog/p2/", "/atom.xml"],
        "{recoloured}"
    );

    site.write("syntaxes/mini.json", &grammar("fn"));
    let regrammared = rebuild_matches_full(&mut rebuilder, &site, &["syntaxes/mini.json"]);
    assert_eq!(
        regrammared.rendered,
        ["/blog/p2/", "/atom.xml"],
        "{regrammared}"
    );

    // A broken file fails the rebuild; mending it gives the full build's bytes again.
    site.write("syntaxes/mini.json", "{");
    assert!(
        rebuilder
            .rebuild(&[site.path("syntaxes/mini.json")])
            .is_err()
    );
    site.write("syntaxes/mini.json", &grammar("let"));
    rebuild_matches_full(&mut rebuilder, &site, &["syntaxes/mini.json"]);
}

#[test]
fn a_highlighting_change_reaches_code_a_template_passes_through_the_markdown_filter() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}[markdown.highlighting]\ntheme = \"nord\"\n"),
    );
    site.write(
        "templates/page.html",
        "{% if page.extra.snippet %}{{ page.extra.snippet | markdown | safe }}{% endif %}",
    );
    site.write(
        "content/blog/p2.md",
        "+++\ntitle = \"Post 2\"\ndate = 2024-02-01\n[extra]\nsnippet = \"```rust\\nfn main() {}\\n```\"\n+++\nNo code here.\n",
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    site.write(
        "config.toml",
        &format!("{config}[markdown.highlighting]\ntheme = \"dracula\"\n"),
    );
    let setting = rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    let full = crate::render_site(&site.opts()).unwrap();
    let page = match full.files.get("blog/p2/index.html") {
        Some(crate::output::OutputFile::Generated(bytes)) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        _ => String::new(),
    };
    assert!(page.contains("<pre class=\"giallo\""), "{setting}\n{page}");
    assert!(setting.full, "the filter may show code: {setting}");
}

#[test]
fn code_a_shortcodes_template_passes_through_the_markdown_filter_is_highlighted() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    let themed = |theme: &str| format!("{config}[markdown.highlighting]\ntheme = \"{theme}\"\n");
    site.write("config.toml", &themed("nord"));
    site.write(
        "templates/shortcodes/example.html",
        "<figure>{{ body | markdown | safe }}</figure>",
    );
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write(
        "content/blog/p2.md",
        &format!("{p2}\n{{% example() %}}\n```rust\nfn main() {{}}\n```\n{{% end %}}\n"),
    );
    let page = |output: &crate::output::SiteOutput| match output.files.get("blog/p2/index.html") {
        Some(crate::output::OutputFile::Generated(bytes)) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        _ => String::new(),
    };
    let first = page(&crate::render_site(&site.opts()).unwrap());
    assert!(
        first.contains("<figure><pre class=\"giallo\" style=\"color: #"),
        "{first}"
    );
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();

    // Another theme reaches the shortcode's code too, as a full build gives it.
    site.write("config.toml", &themed("dracula"));
    rebuild_matches_full(&mut rebuilder, &site, &["config.toml"]);
    let second = page(&crate::render_site(&site.opts()).unwrap());
    assert!(second.contains("<figure><pre class=\"giallo\""), "{second}");
    assert_ne!(first, second, "the theme's colours changed");
}

#[test]
fn an_image_a_shortcode_resizes_is_followed_when_it_changes() {
    let site = Site::new();
    site.write("templates/shortcodes/thumb.html", "{% set i = resize_image(path=\"cover.png\", width=8, height=8) %}<img src=\"{{ i.url }}\">");
    let p2 = std::fs::read_to_string(site.path("content/blog/p2.md")).unwrap();
    site.write("content/blog/p2.md", &format!("{p2}\n{{{{ thumb() }}}}\n"));
    png(&site.path("static/cover.png"), 32, [200, 0, 0]);
    let mut rebuilder = Rebuilder::new(site.opts());
    rebuilder.rebuild(&[]).unwrap();
    png(&site.path("static/cover.png"), 32, [0, 200, 0]);
    rebuild_matches_full(&mut rebuilder, &site, &["static/cover.png"]);
}
