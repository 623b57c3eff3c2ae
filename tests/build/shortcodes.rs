//! Shortcodes as Zola 0.22 documents them (`content/shortcodes.md`): each test is one of its
//! examples, built by the real binary, compared with the HTML Zola gives (whitespace aside).

use crate::support::{Run, Site, names_file_line_and_column};

/// The templates of Zola's shortcode documentation, word for word where it gives them.
const YOUTUBE: &str = r#"<div {% if class %}class="{{class}}"{% endif %}>
    <iframe
        src="https://www.youtube.com/embed/{{id}}{% if autoplay %}?autoplay=1{% endif %}"
        webkitallowfullscreen
        mozallowfullscreen
        allowfullscreen>
    </iframe>
</div>
"#;
const QUOTE: &str = "<blockquote>\n    {{ body }} <br>\n    -- {{ author}}\n</blockquote>\n";
const ASIDE: &str = "<aside>\n    {{ body }}\n</aside>\n";
const TRUE_STATEMENT: &str = "<p id=\"number{{ nth }}\">{{ value }} is equal to {{ nth }}.</p>\n";
const BOOKCOVER: &str = "![Book cover in {{ lang }}](cover.{{ lang }}.png)\n";

/// A site whose page `content/doc.md` has `body`, with the documentation's shortcodes.
fn site(body: &str) -> Site {
    let site = Site::empty();
    site.write("config.toml", "base_url = \"https://example.org\"\n");
    site.write(
        "templates/page.html",
        "{{ page.content | safe }}<nav>{% for h in page.toc %}[{{ h.id }}]{% endfor %}</nav>",
    );
    site.write("templates/index.html", "home");
    site.write("templates/shortcodes/youtube.html", YOUTUBE);
    site.write("templates/shortcodes/quote.html", QUOTE);
    site.write("templates/shortcodes/aside.html", ASIDE);
    site.write("templates/shortcodes/true_statement.html", TRUE_STATEMENT);
    site.write("templates/shortcodes/bookcover.md", BOOKCOVER);
    site.write(
        "templates/shortcodes/books.md",
        "{% for title in titles %}\n### {{ title }}\n\nAbout {{ title }}.\n{% endfor %}",
    );
    site.write(
        "templates/shortcodes/where.html",
        "{{ page.colocated_path | safe }}|{{ page.title }}|{{ config.base_url | safe }}",
    );
    site.write(
        "content/doc.md",
        &format!("+++\ntitle = \"Doc\"\n+++\n{body}"),
    );
    site
}

/// The page's HTML before the table of contents.
fn content(run: &Run, page: &str) -> String {
    let html = run.read(page);
    html.split("<nav>").next().unwrap_or_default().to_string()
}

/// `html` with whitespace runs made one space and none between tags: "whitespace aside".
fn squash(html: &str) -> String {
    let spaced = html.split_whitespace().collect::<Vec<_>>().join(" ");
    spaced.replace("> <", "><")
}

fn youtube(class: Option<&str>, autoplay: bool) -> String {
    let class = class.map_or(String::new(), |c| format!("class=\"{c}\""));
    let query = if autoplay { "?autoplay=1" } else { "" };
    format!(
        "<div {class}> <iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ{query}\" webkitallowfullscreen mozallowfullscreen allowfullscreen> </iframe> </div>"
    )
}

#[test]
fn calls_without_a_body_render_their_template_alone_or_inline() {
    let run = site(
        "Here is a YouTube video:\n\n{{ youtube(id=\"dQw4w9WgXcQ\") }}\n\n\
         {{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true) }}\n\n\
         An inline {{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true, class=\"youtube\") }} shortcode\n",
    )
    .build(&[])
    .succeeded();
    let expected = format!(
        "<p>Here is a YouTube video:</p>{}{}<p>An inline {} shortcode</p>",
        youtube(None, false),
        youtube(None, true),
        youtube(Some("youtube"), true)
    );
    assert_eq!(squash(&content(&run, "doc/index.html")), squash(&expected));
}

#[test]
fn a_body_is_passed_as_body_and_the_paragraph_after_stays_a_paragraph() {
    let run = site(
        "As someone said:\n\n{% quote(author=\"Vincent\") %}\nA quote\n{% end %}\n\n\
         Readers can refer to the aside for more information.\n\n{% aside() %}\nAn aside\n{% end %}\n",
    )
    .build(&[])
    .succeeded();
    let expected = "<p>As someone said:</p><blockquote> A quote <br> -- Vincent </blockquote>\
                    <p>Readers can refer to the aside for more information.</p><aside> An aside </aside>";
    assert_eq!(squash(&content(&run, "doc/index.html")), expected);
}

#[test]
fn nth_counts_the_calls_of_each_shortcode_in_the_file() {
    let run = site("{{ true_statement(value=1) }}\n{{ true_statement(value=2) }}\n")
        .build(&[])
        .succeeded();
    // Two calls in one paragraph: Zola keeps the paragraph around both outputs.
    let expected =
        "<p><p id=\"number1\">1 is equal to 1.</p><p id=\"number2\">2 is equal to 2.</p></p>";
    assert_eq!(squash(&content(&run, "doc/index.html")), expected);
}

#[test]
fn markdown_shortcodes_flow_with_the_page_and_their_headings_join_the_toc() {
    let run = site("{{ bookcover() }}\n\n{{ books(titles=[\"Dune\", 'Emma']) }}\n")
        .build(&[])
        .succeeded();
    let html = run.read("doc/index.html");
    let expected = "<p><img src=\"cover.en.png\" alt=\"Book cover in en\" /></p>\
                    <h3 id=\"dune\">Dune</h3><p>About Dune.</p><h3 id=\"emma\">Emma</h3><p>About Emma.</p>";
    assert_eq!(squash(&content(&run, "doc/index.html")), expected);
    assert!(html.contains("<nav>[dune][emma]</nav>"), "{html}");
}

#[test]
fn shortcodes_see_the_page_with_its_colocated_path_and_the_config() {
    let site = site("");
    site.write(
        "content/post/index.md",
        "+++\ntitle = \"Post\"\n+++\n{{ where() }}\n",
    );
    let run = site.build(&[]).succeeded();
    assert_eq!(
        content(&run, "post/index.html"),
        "post/|Post|https://example.org"
    );
}

#[test]
fn escaped_calls_show_as_written_in_text_code_spans_and_fenced_blocks() {
    let run = site(
        "{{/* youtube(id=\"x\") */}}\n\n`{{/* youtube(id=\"x\") */}}`\n\n\
         ```\n{%/* quote(author=\"V\") */%}\n{{ not_a_call() }}\n{%/* end */%}\n```\n",
    )
    .build(&[])
    .succeeded();
    let expected = "<p>{{ youtube(id=\"x\") }}</p>\n\
                    <p><code>{{ youtube(id=\"x\") }}</code></p>\n\
                    <pre><code>{% quote(author=&quot;V&quot;) %}\n{{ not_a_call() }}\n{% end %}\n</code></pre>\n";
    assert_eq!(content(&run, "doc/index.html"), expected);
}

#[test]
fn a_call_in_a_code_span_or_block_shows_its_output_never_a_placeholder() {
    let run = site("`{{ where() }}`\n\n```\n{{ where() }}\n```\n")
        .build(&[])
        .succeeded();
    let expected = "<p><code>|Doc|https://example.org</code></p>\n\
                    <pre><code>|Doc|https://example.org\n</code></pre>\n";
    assert_eq!(content(&run, "doc/index.html"), expected);
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_file_line_and_column() {
    let run = site("Intro.\n\nWatch {{ youtub(id=\"x\") }} now.\n")
        .build(&[])
        .failed();
    let output = run.output();
    assert!(
        names_file_line_and_column(&output, "doc.md", 6) && output.contains(":6:7"),
        "{output}"
    );
    assert!(output.contains("unknown shortcode `youtub`"), "{output}");
}

#[test]
fn an_unclosed_body_is_an_error_at_its_file_line_and_column() {
    let run = site("Intro.\n\n{% quote(author=\"V\") %}\nNo end.\n")
        .build(&[])
        .failed();
    let output = run.output();
    assert!(output.contains("doc.md:6:1"), "{output}");
    assert!(output.contains("`{% end %}`"), "{output}");
}

#[test]
fn a_failing_shortcode_template_names_its_line_and_the_call() {
    let site = site("ok\n\n{{ broken() }}\n");
    site.write(
        "templates/shortcodes/broken.html",
        "fine\n{{ missing.field }}\n",
    );
    let output = site.build(&[]).failed().output();
    assert!(
        output.contains("templates/shortcodes/broken.html:2"),
        "{output}"
    );
    assert!(output.contains("doc.md:6:1"), "{output}");
}

#[test]
fn the_markdown_filter_renders_shortcodes_and_links_in_templates_and_shortcode_bodies() {
    let site = site("{% note() %}\n**Bold** body\n{% end %}\n");
    site.write(
        "templates/shortcodes/note.html",
        "<div class=\"note\">{{ body | markdown | safe }}</div>",
    );
    site.write(
        "templates/page.html",
        "{{ page.content | safe }}<nav>{{ page.extra.blurb | markdown(inline=true) | safe }}</nav>",
    );
    site.write(
        "content/doc.md",
        "+++\ntitle = \"Doc\"\n[extra]\nblurb = \"See [me](@/doc.md), {{ true_statement(value=3) }}\"\n+++\n{% note() %}\n**Bold** [body](@/doc.md#top)\n{% end %}\n\n# Top\n",
    );
    let run = site.build(&[]).succeeded();
    let html = run.read("doc/index.html");
    assert!(
        html.starts_with(
            "<div class=\"note\"><p><strong>Bold</strong> <a href=\"https://example.org/doc/#top\">body</a></p>\n</div>"
        ),
        "{html}"
    );
    assert!(
        html.ends_with("<nav>See <a href=\"https://example.org/doc/\">me</a>, <p id=\"number1\">3 is equal to 1.</p>\n</nav>"),
        "{html}"
    );

    site.write(
        "content/doc.md",
        "+++\ntitle = \"Doc\"\n+++\nok\n\n{% note() %}\n[gone](@/gone.md)\n{% end %}\n",
    );
    site.write("templates/page.html", "{{ page.content | safe }}");
    let said = site.build(&[]).failed().output();
    assert!(
        said.contains("doc.md:6") && said.contains("@/gone.md"),
        "{said}"
    );
}

/// A site with Kiln's built-in shortcodes only, the page at `content/ep/index.md` with a
/// colocated `clip.mp3`.
fn builtins_site(body: &str) -> Site {
    let site = Site::empty();
    site.write("config.toml", "base_url = \"https://example.org\"\n");
    site.write("templates/page.html", "{{ page.content | safe }}");
    site.write("templates/index.html", "home");
    site.write("content/ep/clip.mp3", "ID3");
    site.write(
        "content/ep/index.md",
        &format!("+++\ntitle = \"Ep\"\n+++\n{body}"),
    );
    site
}

#[test]
fn builtin_video_players_use_privacy_enhanced_urls_load_lazily_and_have_titles() {
    let run = builtins_site(
        "{{ youtube(id=\"dQw4w9WgXcQ\", title=\"The talk\") }}\n\n{{ vimeo(id=\"124313553\") }}\n",
    )
    .build(&[])
    .succeeded();
    let html = run.read("ep/index.html");
    let frames = crate::markup::start_tags(&html, "iframe");
    assert_eq!(frames.len(), 2, "{html}");
    assert_eq!(
        frames[0]["src"],
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    assert_eq!(frames[0]["title"], "The talk");
    assert_eq!(
        frames[1]["src"],
        "https://player.vimeo.com/video/124313553?dnt=1"
    );
    assert_eq!(frames[1]["title"], "Vimeo video player");
    assert!(frames.iter().all(|f| f["loading"] == "lazy"), "{html}");
    assert!(
        !html.contains("<p><div"),
        "a call alone gets no paragraph: {html}"
    );
}

#[test]
fn builtin_audio_plays_a_colocated_file_with_a_download_link_inside() {
    let run = builtins_site("{{ audio(src=\"clip.mp3\", title=\"A clip\") }}\n")
        .build(&[])
        .succeeded();
    let html = run.read("ep/index.html");
    let audio = &crate::markup::start_tags(&html, "audio")[0];
    assert_eq!(audio["src"], "https://example.org/ep/clip.mp3");
    assert!(audio.contains_key("controls"), "{html}");
    let inside = html.split("<audio").nth(1).unwrap_or_default();
    let link = &crate::markup::start_tags(inside, "a")[0];
    assert_eq!(link["href"], "https://example.org/ep/clip.mp3");
    assert!(link.contains_key("download"), "{html}");
    assert!(run.exists("ep/clip.mp3"));
}

#[test]
fn builtin_figure_has_its_image_alt_and_caption_and_a_site_template_replaces_it() {
    let site = builtins_site(
        "{{ figure(src=\"/img/a.png\", alt=\"A chart\", caption=\"Sales, 2026\") }}\n",
    );
    let html = site.build(&[]).succeeded().read("ep/index.html");
    let img = &crate::markup::start_tags(&html, "img")[0];
    assert_eq!(
        (img["src"].as_str(), img["alt"].as_str()),
        ("/img/a.png", "A chart")
    );
    assert!(
        html.contains("<figcaption>Sales, 2026</figcaption>"),
        "{html}"
    );

    site.write("templates/shortcodes/figure.md", "![{{ alt }}]({{ src }})");
    let html = site.build(&[]).succeeded().read("ep/index.html");
    assert_eq!(html, "<p><img src=\"/img/a.png\" alt=\"A chart\" /></p>\n");
}

#[test]
fn the_example_site_embeds_with_builtin_shortcodes_and_leaves_no_call_text() {
    let run = Site::example().build(&[]).succeeded();
    let html = run.read("shows/field-notes/bees-on-the-balcony/index.html");
    let figure = html.split("<figure>").nth(1).unwrap_or_default();
    let img = &crate::markup::start_tags(figure, "img")[0];
    assert_eq!(img["src"], "/shows/field-notes/cover.png");
    assert!(run.exists("shows/field-notes/cover.png"));
    for file in run.html_files() {
        let html = run.read(&file);
        assert!(
            !html.contains("{{ figure(") && !html.contains('\u{E000}'),
            "{file} shows a call"
        );
    }
}
