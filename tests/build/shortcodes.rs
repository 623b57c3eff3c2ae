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
                    <pre><code>{% quote(author=\"V\") %}\n{{ not_a_call() }}\n{% end %}\n</code></pre>\n";
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
