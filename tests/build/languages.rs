//! Zola's multilingual model, from its documentation (`content/multilingual.md`, the
//! `[languages]` and `[translations]` settings, `translations` and `lang` in templates, the
//! `lang` argument of the content functions), and what Kiln adds: hreflang alternates, the
//! sitemap's `xhtml:link`s and `lang_dir` for languages written right to left.

use crate::support::Site;

const CONFIG: &str = r#"base_url = "https://example.org"
title = "My blog"
default_language = "en"
generate_feeds = true
build_search_index = true
taxonomies = [{ name = "tags" }]

[search]
index_format = "fuse_json"

[translations]
summary = "My blog"

[languages.fr]
title = "Mon blog"
generate_feeds = true
build_search_index = true
taxonomies = [{ name = "tags" }, { name = "auteurs" }]

[languages.fr.translations]
summary = "Mon blog"

[languages.ur]
title = "میرا بلاگ"

[languages.ur.translations]
summary = "میرا بلاگ"
"#;

/// A site of three languages: English (default), French and Urdu.
fn site() -> Site {
    let site = Site::empty();
    site.write("config.toml", CONFIG);
    site.write(
        "templates/page.html",
        "<html lang=\"{{ lang }}\" dir=\"{{ lang_dir }}\">{{ config.title | safe }}|{{ page.lang }}|{{ page.title | safe }}|\
         {% for t in page.translations %}[{{ t.lang }} {{ t.permalink | safe }} {{ t.title | safe }}]{% endfor %}|\
         {% for a in alternates %}<link rel=\"alternate\" hreflang=\"{{ a.hreflang }}\" href=\"{{ a.href | safe }}\">{% endfor %}|\
         {{ trans(key=\"summary\", lang=lang) | safe }}</html>",
    );
    site.write(
        "templates/section.html",
        "{{ config.title | safe }}|{{ section.lang }}|{% for p in section.pages %}[{{ p.permalink | safe }}]{% endfor %}|\
         {% for t in section.translations %}[{{ t.lang }}]{% endfor %}",
    );
    site.write(
        "templates/index.html",
        "home {{ lang }} {{ config.title | safe }} {{ trans(key=\"summary\", lang=lang) | safe }}",
    );
    site.write(
        "templates/404.html",
        "404 {{ lang }} {{ config.title | safe }}",
    );
    site.write(
        "templates/tags/list.html",
        "{{ lang }}:{% for t in terms %}[{{ t.name | safe }} {{ t.permalink | safe }}]{% endfor %}",
    );
    site.write(
        "templates/tags/single.html",
        "{{ lang }}:{{ term.name | safe }}:{% for p in term.pages %}[{{ p.permalink | safe }}]{% endfor %}",
    );
    site.write(
        "templates/auteurs/list.html",
        "{% for t in terms %}[{{ t.name | safe }}]{% endfor %}",
    );
    site.write("templates/auteurs/single.html", "{{ term.name | safe }}");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.write("content/_index.fr.md", "+++\ntitle = \"Accueil\"\n+++\n");
    site.write(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\nsort_by = \"date\"\n+++\n",
    );
    site.write(
        "content/blog/_index.fr.md",
        "+++\ntitle = \"Blog FR\"\nsort_by = \"date\"\n+++\n",
    );
    site.write(
        "content/blog/first.md",
        "+++\ntitle = \"First\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"Rust\"]\n+++\nHello world",
    );
    site.write(
        "content/blog/first.fr.md",
        "+++\ntitle = \"Premier\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"Rust\"]\nauteurs = [\"Ana\"]\n+++\nBonjour le monde",
    );
    site.write(
        "content/blog/only-english.md",
        "+++\ntitle = \"Only English\"\ndate = 2024-02-01\n+++\nJust English",
    );
    site.write(
        "content/blog/moved.fr.md",
        "+++\ntitle = \"Déplacé\"\ndate = 2024-03-01\npath = \"ailleurs/deplace\"\n+++\nAilleurs",
    );
    site.write(
        "content/blog/folder/index.md",
        "+++\ntitle = \"Folder\"\ndate = 2024-01-05\n+++\nFolder",
    );
    site.write(
        "content/blog/folder/index.fr.md",
        "+++\ntitle = \"Dossier\"\ndate = 2024-01-05\n+++\nDossier",
    );
    site.write("content/blog/folder/photo.jpg", "not really a photo");
    site.write(
        "content/about.ur.md",
        "+++\ntitle = \"ہمارے بارے میں\"\n+++\nیہ ایک صفحہ ہے",
    );
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout us");
    site
}

#[test]
fn translations_are_published_under_their_language_code_as_zola_does() {
    let run = site().build(&[]).succeeded();
    for file in [
        "index.html",
        "fr/index.html",
        "ur/index.html",
        "blog/index.html",
        "fr/blog/index.html",
        "blog/first/index.html",
        "fr/blog/first/index.html",
        "blog/folder/index.html",
        "fr/blog/folder/index.html",
        "about/index.html",
        "ur/about/index.html",
    ] {
        assert!(run.exists(file), "{file} missing; wrote {:?}", run.files());
    }
    assert!(!run.exists("blog/first-fr/index.html") && !run.exists("blog/first.fr/index.html"));
    // Colocated files are copied beside each translation, as in Zola.
    assert!(run.exists("blog/folder/photo.jpg") && run.exists("fr/blog/folder/photo.jpg"));
    // A front-matter `path` is the whole path, with no language prefix.
    assert!(
        run.exists("ailleurs/deplace/index.html"),
        "{:?}",
        run.files()
    );
    assert!(!run.exists("fr/ailleurs/deplace/index.html"));
}

#[test]
fn each_language_has_its_own_sections_config_title_and_trans() {
    let run = site().build(&[]).succeeded();
    assert_eq!(run.read("index.html"), "home en My blog My blog");
    assert_eq!(run.read("fr/index.html"), "home fr Mon blog Mon blog");
    assert_eq!(run.read("ur/index.html"), "home ur میرا بلاگ میرا بلاگ");
    assert_eq!(
        run.read("fr/blog/index.html"),
        "Mon blog|fr|[https://example.org/ailleurs/deplace/][https://example.org/fr/blog/folder/]\
         [https://example.org/fr/blog/first/]|[en][fr]"
    );
    let english = run.read("blog/index.html");
    assert!(
        english.starts_with("My blog|en|[https://example.org/blog/only-english/]"),
        "{english}"
    );
    assert!(!english.contains("/fr/"), "{english}");
}

#[test]
fn a_page_lists_its_translations_and_hreflang_alternates_with_x_default() {
    let run = site().build(&[]).succeeded();
    let french = run.read("fr/blog/first/index.html");
    assert_eq!(
        french,
        "<html lang=\"fr\" dir=\"ltr\">Mon blog|fr|Premier|\
         [en https://example.org/blog/first/ First][fr https://example.org/fr/blog/first/ Premier]|\
         <link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/blog/first/\">\
         <link rel=\"alternate\" hreflang=\"fr\" href=\"https://example.org/fr/blog/first/\">\
         <link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/blog/first/\">|\
         Mon blog</html>"
    );
    let alone = run.read("blog/only-english/index.html");
    assert!(
        alone.contains("|Only English|[en https://example.org/blog/only-english/ Only English]||"),
        "{alone}"
    );
}

#[test]
fn a_language_written_right_to_left_gets_lang_dir_rtl() {
    let run = site().build(&[]).succeeded();
    let urdu = run.read("ur/about/index.html");
    assert!(
        urdu.starts_with("<html lang=\"ur\" dir=\"rtl\">میرا بلاگ|ur|ہمارے بارے میں|"),
        "{urdu}"
    );
    assert!(
        run.read("about/index.html")
            .starts_with("<html lang=\"en\" dir=\"ltr\">")
    );
}

#[test]
fn feeds_taxonomies_search_indexes_and_404_are_per_language() {
    let run = site().build(&[]).succeeded();
    let english = run.read("atom.xml");
    let french = run.read("fr/atom.xml");
    assert!(english.contains("https://example.org/blog/first/") && !english.contains("/fr/"));
    assert!(
        french.contains("https://example.org/fr/blog/first/"),
        "{french}"
    );
    assert!(!french.contains("https://example.org/blog/first/"));
    assert!(
        french.contains("xml:lang=\"fr\"") || french.contains("<language>fr"),
        "{french}"
    );
    // Urdu does not ask for a feed, a search index or taxonomies.
    assert!(!run.exists("ur/atom.xml") && !run.exists("search_index.ur.json"));
    assert_eq!(
        run.read("tags/rust/index.html"),
        "en:Rust:[https://example.org/blog/first/]"
    );
    assert_eq!(
        run.read("fr/tags/rust/index.html"),
        "fr:Rust:[https://example.org/fr/blog/first/]"
    );
    assert_eq!(run.read("fr/auteurs/ana/index.html"), "Ana");
    assert!(!run.exists("auteurs/index.html"));
    let index_en = run.read("search_index.en.json");
    let index_fr = run.read("search_index.fr.json");
    assert!(index_en.contains("Hello world") && !index_en.contains("Bonjour"));
    assert!(index_fr.contains("Bonjour le monde") && !index_fr.contains("Hello world"));
    assert_eq!(run.read("404.html"), "404 en My blog");
    assert_eq!(run.read("fr/404.html"), "404 fr Mon blog");
}

#[test]
fn kiln_fragment_search_has_an_index_per_language_under_its_folder() {
    let site = site();
    site.replace_in(
        "config.toml",
        "[search]",
        "[fragment_search]\nenable = true\n\n[search]",
    );
    let run = site.build(&[]).succeeded();
    let docs = |root: &str| -> String {
        let files = run.files().into_iter();
        let prefix = format!("{root}kiln-search/docs/");
        files
            .filter(|f| f.starts_with(&prefix))
            .map(|f| run.read(&f))
            .collect()
    };
    let (english, french) = (docs(""), docs("fr/"));
    assert!(english.contains("Hello world") && !english.contains("Bonjour"));
    assert!(french.contains("Bonjour le monde") && !french.contains("Hello world"));
    assert!(docs("ur/").contains("یہ ایک صفحہ ہے"));
    // Each folder has its reader, which fetches the index beside it.
    for root in ["", "fr/", "ur/"] {
        assert!(
            run.exists(&format!("{root}kiln-search/search.js")),
            "{root}"
        );
        assert!(
            run.exists(&format!("{root}kiln-search/meta.json")),
            "{root}"
        );
    }
}

#[test]
fn the_sitemap_lists_every_language_with_xhtml_alternates() {
    let run = site().build(&[]).succeeded();
    let sitemap = run.read("sitemap.xml");
    assert!(
        sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{sitemap}"
    );
    for url in [
        "https://example.org/fr/blog/first/",
        "https://example.org/ur/about/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} missing"
        );
    }
    let first = sitemap
        .split("<url>")
        .find(|entry| entry.contains("<loc>https://example.org/fr/blog/first/</loc>"))
        .unwrap();
    assert!(first.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/blog/first/\"/>"
    ));
    assert!(first.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/blog/first/\"/>"
    ));
}

#[test]
fn content_functions_take_zola_lang_argument() {
    let site = site();
    site.write(
        "templates/index.html",
        "{% set p = get_page(path=\"blog/first.md\", lang=\"fr\") %}\
         {% set s = get_section(path=\"blog/_index.md\", lang=\"fr\") %}\
         {% set t = get_taxonomy(kind=\"auteurs\", lang=\"fr\") %}\
         {% set term = get_taxonomy_term(kind=\"tags\", term=\"Rust\", lang=\"fr\") %}\
         {{ get_url(path=\"@/blog/first.md\", lang=\"fr\") | safe }}|{{ get_url(path=\"\", lang=\"fr\") | safe }}|\
         {{ p.title }}|{{ s.title }}|\
         {{ get_taxonomy_url(kind=\"tags\", name=\"Rust\", lang=\"fr\") | safe }}|\
         {{ t.items | length }}|{{ term.permalink | safe }}|\
         {{ get_url(path=\"@/blog/first.md\") | safe }}",
    );
    let run = site.build(&[]).succeeded();
    assert_eq!(
        run.read("index.html"),
        "https://example.org/fr/blog/first/|https://example.org/fr|Premier|Blog FR|\
         https://example.org/fr/tags/rust/|1|https://example.org/fr/tags/rust/|\
         https://example.org/blog/first/"
    );
}

#[test]
fn trans_of_a_missing_key_fails_naming_key_and_language() {
    let site = site();
    site.write(
        "templates/index.html",
        "{{ trans(key=\"nope\", lang=\"fr\") }}",
    );
    let run = site.build(&[]).failed();
    let output = run.output();
    assert!(
        output.contains("nope") && output.contains("languages.fr.translations"),
        "{output}"
    );
}

#[test]
fn an_unknown_language_code_in_a_file_name_is_an_error_naming_the_file() {
    let site = site();
    site.write("content/blog/first.de.md", "+++\ntitle = \"Erste\"\n+++\n");
    let run = site.build(&[]).failed();
    let output = run.output();
    assert!(
        output.contains("first.de.md") && output.contains("[languages.de]"),
        "{output}"
    );
}

#[test]
fn a_translated_section_file_is_read_as_a_section_not_a_page() {
    let site = site();
    site.write(
        "content/blog/_index.fr.md",
        "+++\ntitle = \"Blog FR\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n",
    );
    let run = site.build(&[]).succeeded();
    assert!(run.exists("fr/blog/page/2/index.html"), "{:?}", run.files());
    assert!(!run.exists("blog/index-fr/index.html"));
}

#[test]
fn one_language_sites_keep_dots_in_page_names_as_zola_does() {
    let site = Site::empty();
    site.write("config.toml", "base_url = \"https://example.org\"\n");
    site.write(
        "templates/page.html",
        "{{ page.lang }} {{ page.translations | length }}",
    );
    site.write("templates/index.html", "home");
    site.write("content/notes.v2.md", "+++\ntitle = \"V2\"\n+++\n");
    let run = site.build(&[]).succeeded();
    assert_eq!(run.read("notes-v2/index.html"), "en 0");
    let sitemap = run.read("sitemap.xml");
    assert!(!sitemap.contains("xhtml"), "{sitemap}");
}

#[test]
fn default_language_options_may_sit_under_its_languages_table() {
    let site = Site::empty();
    site.write(
        "config.toml",
        "base_url = \"https://example.org\"\n[languages.en]\ntitle = \"From the table\"\n\
         [languages.en.translations]\nhello = \"Hello\"\n[languages.fr]\ntitle = \"Bonjour\"\n",
    );
    site.write(
        "templates/index.html",
        "{{ config.title | safe }} {{ trans(key=\"hello\") }}",
    );
    let run = site.build(&[]).succeeded();
    assert_eq!(run.read("index.html"), "From the table Hello");
    assert_eq!(run.read("fr/index.html"), "Bonjour Hello");
}
