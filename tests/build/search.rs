//! `build_search_index`: the index files Zola writes (names, shape per `index_format`, the
//! `[search]` fields), pages and sections left out with `in_search_index = false`, truncation.

use serde_json::Value;

use crate::support::{Run, Site, names_file_line_and_column};

/// A small site: a home, a show section with two episodes (one hidden from search), a section
/// hidden from search with its page, and a redirecting section.
fn site(search: &str) -> Site {
    let site = Site::empty();
    site.write(
        "config.toml",
        &format!("base_url = \"https://pods.example\"\nbuild_search_index = true\n{search}\n"),
    );
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nAll the shows.\n",
    );
    site.write(
        "content/shows/_index.md",
        "+++\ntitle = \"Shows\"\ndescription = \"Every show\"\nsort_by = \"date\"\n+++\n",
    );
    site.write(
        "content/shows/pilot.md",
        "+++\ntitle = \"Pilot\"\ndescription = \"The first one\"\ndate = 2024-03-05\n+++\n\
         We talk about *kilns* and pottery.\n\n```\nlet code = \"left out\";\n```\n\nThe end.\n",
    );
    site.write(
        "content/shows/outtakes.md",
        "+++\ntitle = \"Outtakes\"\ndate = 2024-03-06\nin_search_index = false\n+++\nBloopers.\n",
    );
    site.write(
        "content/private/_index.md",
        "+++\ntitle = \"Private\"\nin_search_index = false\n+++\nStaff only.\n",
    );
    site.write(
        "content/private/notes.md",
        "+++\ntitle = \"Notes\"\n+++\nInternal notes.\n",
    );
    site.write(
        "content/old/_index.md",
        "+++\ntitle = \"Old\"\nredirect_to = \"shows/\"\n+++\n",
    );
    for template in ["index.html", "section.html", "page.html"] {
        site.write(&format!("templates/{template}"), "x");
    }
    site
}

const SEARCHABLE: [&str; 3] = [
    "https://pods.example/",
    "https://pods.example/shows/",
    "https://pods.example/shows/pilot/",
];

/// The JSON of an index file, after `window.searchIndex = ` where the format is JavaScript.
fn index_json(run: &Run, file: &str, javascript: bool) -> Value {
    let text = run.read(file);
    let json = if javascript {
        text.strip_prefix("window.searchIndex = ")
            .unwrap_or_else(|| panic!("{file} does not set window.searchIndex: {text:.80}"))
    } else {
        &text
    };
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{file} is not JSON ({e}): {text:.200}"))
}

/// The elasticlunr documents by URL.
fn elasticlunr_docs(index: &Value) -> &serde_json::Map<String, Value> {
    index["documentStore"]["docs"]
        .as_object()
        .expect("documentStore.docs is an object")
}

#[test]
fn default_index_is_elasticlunr_javascript_with_title_and_body() {
    let run = site("").build(&[]).succeeded();
    assert!(run.exists("search_index.en.js"));
    let index = index_json(&run, "search_index.en.js", true);
    assert_eq!(index["fields"], serde_json::json!(["title", "body"]));
    assert_eq!(index["ref"], "id");
    assert_eq!(index["version"], "0.9.5");
    assert_eq!(index["lang"], "English");
    let docs = elasticlunr_docs(&index);
    assert_eq!(docs.keys().collect::<Vec<_>>(), SEARCHABLE);
    let pilot = &docs["https://pods.example/shows/pilot/"];
    assert_eq!(pilot["title"], "Pilot");
    assert_eq!(pilot["id"], "https://pods.example/shows/pilot/");
    assert_eq!(pilot["body"], "We talk about kilns and pottery.\nThe end.");
    // The inverted index finds the stemmed word in the body.
    let kiln = &index["index"]["body"]["root"]["k"]["i"]["l"]["n"]["docs"];
    assert!(
        kiln.get("https://pods.example/shows/pilot/").is_some(),
        "{kiln}"
    );
}

#[test]
fn each_index_format_writes_zolas_file_name_and_shape() {
    let formats = [
        ("elasticlunr_javascript", "search_index.en.js", true, false),
        ("elasticlunr_json", "search_index.en.json", false, false),
        ("fuse_javascript", "search_index.en.js", true, true),
        ("fuse_json", "search_index.en.json", false, true),
    ];
    for (format, file, javascript, fuse) in formats {
        let run = site(&format!("[search]\nindex_format = \"{format}\""))
            .build(&[])
            .succeeded();
        let written: Vec<String> = run
            .files()
            .into_iter()
            .filter(|f| f.starts_with("search_index"))
            .collect();
        assert_eq!(written, [file], "{format}");
        let index = index_json(&run, file, javascript);
        let urls: Vec<&str> = if fuse {
            let items = index.as_array().expect("a Fuse index is an array");
            for item in items {
                let keys: Vec<&String> = item.as_object().expect("an item").keys().collect();
                assert_eq!(keys, ["body", "title", "url"], "{format}: {item}");
            }
            items.iter().map(|i| i["url"].as_str().unwrap()).collect()
        } else {
            elasticlunr_docs(&index)
                .keys()
                .map(String::as_str)
                .collect()
        };
        assert_eq!(urls, SEARCHABLE, "{format}");
    }
}

#[test]
fn search_fields_follow_the_search_table() {
    let search = "[search]\ninclude_title = false\ninclude_description = true\ninclude_date = true\ninclude_path = true\ninclude_content = false";
    let run = site(search).build(&[]).succeeded();
    let index = index_json(&run, "search_index.en.js", true);
    assert_eq!(
        index["fields"],
        serde_json::json!(["description", "date", "path"])
    );
    let pilot = &elasticlunr_docs(&index)["https://pods.example/shows/pilot/"];
    assert_eq!(pilot["description"], "The first one");
    assert_eq!(pilot["date"], "2024-03-05T00:00:00Z");
    assert_eq!(pilot["path"], "/shows/pilot/");
    assert!(pilot.get("body").is_none() && pilot.get("title").is_none());

    let fuse = format!("{search}\nindex_format = \"fuse_json\"");
    let run = site(&fuse).build(&[]).succeeded();
    let items = index_json(&run, "search_index.en.json", false);
    let shows = &items[1];
    assert_eq!(
        shows,
        &serde_json::json!({"url": "https://pods.example/shows/", "description": "Every show", "path": "/shows/"})
    );
}

#[test]
fn truncate_content_length_cuts_bodies_to_that_many_characters() {
    let run = site("[search]\ntruncate_content_length = 9\nindex_format = \"fuse_json\"")
        .build(&[])
        .succeeded();
    let items = index_json(&run, "search_index.en.json", false);
    assert_eq!(items[0]["body"], "All the s");
    assert_eq!(items[2]["body"], "We talk a");
}

#[test]
fn without_build_search_index_no_index_is_written() {
    let site = site("");
    site.replace_in("config.toml", "build_search_index = true", "");
    let run = site.build(&[]).succeeded();
    assert!(!run.files().iter().any(|f| f.starts_with("search_index")));
    assert!(!run.output().contains("elasticlunr"), "{}", run.output());
}

#[test]
fn elasticlunr_js_is_asked_for_once_unless_the_site_has_it() {
    let site = site("");
    let run = site.build(&[]).succeeded();
    let expected = format!(
        "{}",
        site.root().join("static/elasticlunr.min.js").display()
    );
    assert!(
        run.stderr.contains("/elasticlunr.min.js") && run.stderr.contains(&expected),
        "says where themes load it from and where to put it: {}",
        run.stderr
    );
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.contains("elasticlunr"))
            .count(),
        1
    );
    assert!(!run.exists("elasticlunr.min.js"));

    site.write("static/elasticlunr.min.js", "/* the site's own copy */");
    let run = site.build(&[]).succeeded();
    assert!(!run.stderr.contains("elasticlunr"), "{}", run.stderr);
    assert!(run.exists("elasticlunr.min.js"));

    let fuse = self::site("[search]\nindex_format = \"fuse_javascript\"");
    let run = fuse.build(&[]).succeeded();
    assert!(!run.stderr.contains("elasticlunr"), "{}", run.stderr);
}

#[test]
fn an_unknown_index_format_is_an_error_at_its_line() {
    let run = site("[search]\nindex_format = \"lunr\"")
        .build(&[])
        .failed();
    assert!(
        names_file_line_and_column(&run.stderr, "config.toml", 4),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fuse_json"), "{}", run.stderr);
}

/// Kiln's fragment search files of `run`: `meta.json`, the word files, the document files.
fn fragments(run: &Run) -> (Value, Vec<serde_json::Map<String, Value>>, Vec<Value>) {
    let meta: Value = serde_json::from_str(&run.read("kiln-search/meta.json")).expect("meta");
    let files = meta["first"].as_array().expect("first words").len();
    let words = (0..files)
        .map(|n| serde_json::from_str(&run.read(&format!("kiln-search/words/{n}.json"))).unwrap())
        .collect();
    let docs = (0..meta["docs"].as_u64().expect("a doc count"))
        .map(|n| serde_json::from_str(&run.read(&format!("kiln-search/docs/{n}.json"))).unwrap())
        .collect();
    (meta, words, docs)
}

#[test]
fn fragment_search_splits_words_and_results_into_small_files() {
    let run = site("[fragment_search]\nenable = true")
        .build(&[])
        .succeeded();
    let (meta, words, docs) = fragments(&run);
    let urls: Vec<&str> = docs.iter().map(|d| d["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls, SEARCHABLE,
        "the documents of Zola's index, in its order"
    );
    let pilot = &docs[2];
    assert_eq!(pilot["title"], "Pilot");
    assert_eq!(pilot["show"], "Shows");
    assert_eq!(pilot["date"], "5 Mar 2024");
    assert!(
        pilot["text"]
            .as_str()
            .unwrap()
            .starts_with("The first one\nWe talk about kilns")
    );

    let postings = |word: &str| -> Vec<u64> {
        let file = words.iter().find(|w| w.contains_key(word));
        let list = file.unwrap_or_else(|| panic!("no word file holds {word:?}"))[word].clone();
        serde_json::from_value(list).unwrap()
    };
    // `[doc step, score, …]`: the pilot (document 2) alone has these words, and its title
    // outweighs a word its body uses once.
    let pilot_title = postings("pilot");
    let pottery = postings("pottery");
    assert_eq!(pilot_title[0], 2);
    assert_eq!(pottery[0], 2);
    assert!(pilot_title[1] > pottery[1], "{pilot_title:?} {pottery:?}");
    // Home (0) says "shows", the section (1) is titled so, and it is the pilot's (2) show.
    let shows = postings("shows");
    let steps: Vec<u64> = shows.iter().step_by(2).copied().collect();
    assert_eq!(steps, [0, 1, 1], "{shows:?}");
    assert!(
        words
            .iter()
            .all(|w| !w.contains_key("the") && !w.contains_key("bloopers"))
    );
    assert!(
        meta["stop"]
            .as_array()
            .unwrap()
            .contains(&Value::from("the"))
    );
    assert!(
        run.read("kiln-search/search.js")
            .contains("data-kiln-search")
    );
}

#[test]
fn fragment_search_is_off_unless_enabled() {
    let run = site("").build(&[]).succeeded();
    assert!(!run.files().iter().any(|f| f.starts_with("kiln-search/")));
}
