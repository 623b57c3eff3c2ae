//! Zola 0.22's template functions and filters (`templates/overview.md`), each used the way its
//! documentation shows, in a real build.

use crate::support::Site;

fn site(template: &str) -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site.write("templates/index.html", template);
    site.write("templates/page.html", "{{ page.content | safe }}");
    site.write("templates/tags/list.html", "");
    site.write("templates/tags/single.html", "");
    site
}

fn index(site: &Site) -> String {
    site.build(&[]).succeeded().read("index.html")
}

#[test]
fn load_data_reads_toml_json_csv_yaml_and_plain_files_found_as_zola_finds_them() {
    let site = site(
        "{% set t = load_data(path=\"data/a.toml\") %}{{ t.name }}|\
         {% set j = load_data(path=\"@/blog/b.json\") %}{{ j.n }}|\
         {% set c = load_data(path=\"content/blog/c.csv\") %}{{ c.headers | join(sep=\";\") }}/{{ c.records.1.1 }}|\
         {% set y = load_data(path=\"d.yaml\") %}{{ y.list | length }}|\
         {{ load_data(path=\"data/a.toml\", format=\"plain\") | trim }}|\
         {% set l = load_data(literal='{\"x\": 7}', format=\"json\") %}{{ l.x }}|\
         {% set n = load_data(path=\"nope.toml\", required=false) %}{% if n %}found{% else %}none{% endif %}",
    );
    site.write("data/a.toml", "name = \"Ann\"\n");
    site.write("content/blog/b.json", "{\"n\": 3}");
    site.write(
        "content/blog/c.csv",
        "Number, Title\n1,Gutenberg\n2,Printing\n",
    );
    site.write("static/d.yaml", "list: [a, b]\n");
    assert_eq!(
        index(&site),
        "Ann|3|Number;Title/Printing|2|name = &quot;Ann&quot;|7|none"
    );
}

#[test]
fn load_data_of_a_missing_file_or_a_url_fails_saying_what_to_do() {
    let site = site("{{ load_data(path=\"data/none.toml\") }}");
    let said = site.build(&[]).failed().output();
    assert!(
        said.contains("data/none.toml") && said.contains("required = false"),
        "{said}"
    );
    site.write(
        "templates/index.html",
        "{{ load_data(url=\"https://example.com/x.json\") }}",
    );
    let said = site.build(&[]).failed().output();
    assert!(
        said.contains("without the network") && said.contains("`path`"),
        "{said}"
    );
}

#[test]
fn a_markdown_shortcode_can_load_data_as_in_zolas_books_example() {
    let site = site("home");
    site.write(
        "templates/shortcodes/books.md",
        "{% set data = load_data(path=path) -%}\n{% for book in data.books %}\n### {{ book.title }}\n\n{{ book.description | safe }}\n{% endfor %}",
    );
    site.write(
        "content/books/data.toml",
        "[[books]]\ntitle = \"Dune\"\ndescription = \"Sand.\"\n",
    );
    site.write(
        "content/books/index.md",
        "+++\ntitle = \"Books\"\n+++\n{{ books(path=\"@/books/data.toml\") }}\n",
    );
    let html = site.build(&[]).succeeded().read("books/index.html");
    assert_eq!(html, "<h3 id=\"dune\">Dune</h3>\n<p>Sand.</p>\n");
}

#[test]
fn get_hash_digests_files_and_literals_in_hex_or_base64() {
    let site = site(
        "{{ get_hash(literal=\"Hello World\", sha_type=256, base64=false) }}|\
         {{ get_hash(literal=\"Hello World\") }}|\
         {{ get_hash(path=\"style.css\", sha_type=256, base64=false) }}",
    );
    site.write("static/style.css", "body{}");
    assert_eq!(
        index(&site),
        "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e|\
         mVFDKRhrL2rkoTKefubGEKcpY2M1F0rGt0D5AoOW&#x2F;MgD0Ok4Y6fD2Q+Gvu54L08&#x2F;|\
         7c98040a541657584690ae2a1cc3b42a8b53b159cc60c5d3abbfecbaeac6c94a"
    );
}

#[test]
fn get_url_cachebust_appends_the_files_sha256() {
    let site = site("{{ get_url(path=\"style.css\", cachebust=true) | safe }}");
    site.write("static/style.css", "body{}");
    assert_eq!(
        index(&site),
        "https://example.org/style.css?h=7c98040a541657584690ae2a1cc3b42a8b53b159cc60c5d3abbfecbaeac6c94a"
    );
}

#[test]
fn get_taxonomy_term_returns_one_term_with_or_without_its_pages() {
    let site = site(
        "{% set t = get_taxonomy_term(kind=\"tags\", term=\"Rust\") %}{{ t.name }} {{ t.page_count }} {{ t.pages | length }}|\
         {% set e = get_taxonomy_term(kind=\"tags\", term=\"rust\", include_pages=false) %}{{ e.pages | length }} {{ e.page_count }}|\
         {{ get_taxonomy_term(kind=\"tags\", term=\"go\", required=false) }}",
    );
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\n",
    );
    assert_eq!(index(&site), "Rust 1 1|0 1|");
}

#[test]
fn filters_and_config_mode_render_as_documented() {
    let site = site(
        "{{ 1000000 | num_format }} {{ 1000000 | num_format(locale=\"en-IN\") }}|\
         {{ \"World, Hello\" | regex_replace(pattern=`(?P<subject>\\w+), (?P<greeting>\\w+)`, rep=`$greeting $subject`) }}|\
         {{ \"kiln\" | base64_encode }} {{ \"a2lsbg==\" | base64_decode }}|{{ config.mode }}|{{ now() | date(format=\"%Y\") | length }}",
    );
    assert_eq!(
        index(&site),
        "1,000,000 10,00,000|Hello World|a2lsbg== kiln|build|4"
    );
}
