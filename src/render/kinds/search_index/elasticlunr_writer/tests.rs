//! The writer against elasticlunr-rs itself: for the same documents, fields and language, the
//! same bytes as `Index::to_json`.

use elasticlunr::IndexBuilder;

use super::{AT_ONCE_PER_THREAD, Doc, Field, for_each_token, write};
use crate::render::kinds::search_index::plain_text;

/// The index elasticlunr-rs's own `Index` writes.
fn reference(code: &str, fields: &[Field], docs: &[Doc<'_>]) -> String {
    let language = elasticlunr::lang::from_code(code).expect("a language of the crate");
    let mut builder = IndexBuilder::with_language(language);
    for field in fields {
        builder = match field.tokenizer {
            Some(tokenize) => builder.add_field_with_tokenizer(field.name, Box::new(tokenize)),
            None => builder.add_field(field.name),
        };
    }
    let mut index = builder.build();
    for doc in docs {
        index.add_doc(doc.id, &doc.texts);
    }
    index.to_json()
}

/// The index the writer writes, after a prefix it must keep.
fn ours(code: &str, fields: &[Field], docs: &[Doc<'_>]) -> String {
    let mut out = b"window.searchIndex = ".to_vec();
    write(&mut out, code, fields, docs)
        .expect("a language of the crate")
        .expect("writing into memory");
    let text = String::from_utf8(out).expect("UTF-8");
    text.strip_prefix("window.searchIndex = ")
        .expect("the prefix is kept")
        .to_string()
}

/// Asserts the two are equal, showing where they part.
fn assert_same(code: &str, fields: &[Field], docs: &[Doc<'_>]) -> String {
    let expected = reference(code, fields, docs);
    let written = ours(code, fields, docs);
    if expected != written {
        let at = expected
            .bytes()
            .zip(written.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let from = (0..=at.saturating_sub(80))
            .rev()
            .find(|&i| expected.is_char_boundary(i) && written.is_char_boundary(i))
            .unwrap_or(0);
        panic!(
            "{code}, fields {:?}: they part at byte {at} of {}:\nelasticlunr-rs: {:.200}\nours:           {:.200}",
            fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            expected.len(),
            &expected[from..],
            &written[from..],
        );
    }
    expected
}

/// A path's words, as Kiln's `path` field splits them.
fn path_words(path: &str) -> Vec<String> {
    super::super::path_words(path)
}

/// Every subset of Zola's five fields, in Zola's order, `path` with its own tokenizer.
fn field_sets() -> Vec<Vec<Field>> {
    let names = ["title", "description", "date", "path", "body"];
    (0..1u32 << names.len())
        .map(|set| {
            let chosen = names
                .iter()
                .enumerate()
                .filter(|(n, _)| set & (1 << n) != 0);
            chosen
                .map(|(_, &name)| Field {
                    name,
                    tokenizer: (name == "path").then_some(path_words as fn(&str) -> Vec<String>),
                })
                .collect()
        })
        .collect()
}

/// A small deterministic generator (a linear congruential one), so the corpus is the same on
/// every run without a crate for it.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Words that try every rule: stop words, stems, case, hyphens, punctuation at the ends and
/// inside, quotes and backslashes (escaped in keys), control characters, final sigma, ß, the
/// Turkish dotted I, combining accents, emoji, CJK, Cyrillic, Arabic with diacritics, Hangul.
const WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "running",
    "runs",
    "ran",
    "Runner",
    "connection",
    "connections",
    "connected",
    "Kiln",
    "kilns",
    "pottery",
    "pots",
    "glaze",
    "GLAZING",
    "well-known",
    "e-mail",
    "(episode)",
    "«épisode»",
    "épisodes",
    "les",
    "chanson",
    "chansons",
    "Straße",
    "STRASSE",
    "häuser",
    "Häusern",
    "und",
    "ΟΔΟΣ",
    "Σίσυφος",
    "İstanbul",
    "ıslak",
    "cafe\u{301}",
    "café",
    "naïve",
    "🎙️",
    "podcast🎧",
    "日本語",
    "東京",
    "слово",
    "Слова",
    "говорить",
    "مُحَمَّد",
    "أحمد",
    "ٱلكتاب",
    "한국어",
    "팟캐스트를",
    "don\"t",
    "C:\\path\\to",
    "tab\there",
    "bell\u{7}",
    "x\u{1f}y",
    "v1.2.3",
    "100%",
    "#hashtag",
    "@mention",
    "a/b",
    "—",
    "...",
    "'quoted'",
    "42",
    "3.14",
    "under_score",
    "ĳssel",
    "ﬁnance",
    "Ǆemal",
    "ǅ",
];

/// A document text of up to `n` words from `WORDS`, some repeated many times.
fn text(draw: &mut Draw, n: usize) -> String {
    let mut words = Vec::new();
    for _ in 0..draw.below(n + 1) {
        let word = WORDS[draw.below(WORDS.len())];
        // Now and then a word many times over: term frequencies past any small table.
        let times = if draw.below(10) == 0 {
            1 + draw.below(300)
        } else {
            1
        };
        words.extend(std::iter::repeat_n(word, times));
    }
    let separators = [
        " ", "  ", "\n", " - ", "-", "\t", ", ", "! ", "\u{a0}", "\u{3000}", "\u{85}", "\u{2028}",
    ];
    let mut text = String::new();
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            text.push_str(separators[draw.below(separators.len())]);
        }
        text.push_str(word);
    }
    text
}

/// `count` documents with refs that repeat, sort out of document order and need escaping,
/// and titles with punctuation; bodies go through `plain_text`, some cut short as
/// `truncate_content_length` cuts them.
fn corpus(seed: u64, count: usize) -> Vec<(String, Vec<String>)> {
    let mut draw = Draw(seed);
    let refs = [
        "https://pods.example/b/",
        "https://pods.example/a/",
        "https://pods.example/shows/épisode-1/",
        "https://pods.example/shows/\"quoted\"/",
        "https://pods.example/shows/back\\slash/",
        "https://pods.example/a/",
        "https://pods.example/",
        "https://pods.example/日本/",
    ];
    (0..count)
        .map(|n| {
            let id = match draw.below(4) {
                0 => refs[draw.below(refs.len())].to_string(),
                _ => format!("https://pods.example/shows/show-{}/episode-{n}/", n % 7),
            };
            let title = format!(
                "{}: {}?! (part {n})",
                text(&mut draw, 3),
                text(&mut draw, 4)
            );
            let description = text(&mut draw, 12);
            let date = ["", "2024-05-01T00:00:00Z", "1999-12-31T23:59:59Z"][draw.below(3)];
            let path = format!("/shows/Show-{}/Épisode-{n}/", n % 5);
            let html = format!(
                "<p>{}</p>\n\n<pre>left out</pre><p>{}</p>",
                text(&mut draw, 60),
                text(&mut draw, 30)
            );
            let limit = [None, Some(0), Some(7), Some(40)][draw.below(4)];
            let body = plain_text(&html, limit);
            (id, vec![title, description, date.to_string(), path, body])
        })
        .collect()
}

/// The corpus's documents with the texts of `fields` only.
fn docs<'c>(corpus: &'c [(String, Vec<String>)], fields: &[Field]) -> Vec<Doc<'c>> {
    let names = ["title", "description", "date", "path", "body"];
    corpus
        .iter()
        .map(|(id, texts)| Doc {
            id,
            texts: fields
                .iter()
                .map(|f| texts[names.iter().position(|&n| n == f.name).unwrap()].clone())
                .collect(),
        })
        .collect()
}

#[test]
fn english_index_is_byte_for_byte_elasticlunr_rs_for_every_set_of_fields() {
    let corpus = corpus(7, 60);
    for fields in field_sets() {
        let json = assert_same("en", &fields, &docs(&corpus, &fields));
        if fields.len() == 5 {
            // The corpus reaches what a careless writer gets wrong: a refs's duplicate, a
            // term frequency past 255, escaped keys and refs, a word shared by many refs.
            assert!(
                json.contains(r#""https://pods.example/a/":{"tf":"#),
                "{json:.300}"
            );
            assert!(json.contains(r#""\"":{"docs""#) || json.contains(r#"\"quoted\""#));
            assert!(json.contains(r#"back\\slash"#));
            let big_tf = json
                .split("\"tf\":")
                .skip(1)
                .filter_map(|rest| rest.split('}').next()?.parse::<f64>().ok())
                .any(|tf| tf > 16.0);
            assert!(big_tf, "some word is counted more than 256 times");
            assert!(
                json.contains("\"df\":1") && json.len() > 50_000,
                "{}",
                json.len()
            );
        }
    }
}

#[test]
fn every_language_tokenizes_as_the_writer_does() {
    let mut draw = Draw(7);
    let texts: Vec<String> = (0..50).map(|_| text(&mut draw, 80)).collect();
    // Every language the crate is built with, so one added to its features is checked too.
    let languages = elasticlunr::lang::languages();
    assert_eq!(
        languages.len(),
        17,
        "the 16 of elasticlunr-rs's features in Cargo.toml, and English"
    );
    for language in languages {
        let code = language.code();
        for text in &texts {
            let mut ours = Vec::new();
            for_each_token(text, &mut String::new(), |t| ours.push(t.to_owned()));
            assert_eq!(ours, language.tokenize(text), "{code}: {text:?}");
        }
    }
}

#[test]
fn every_language_kiln_builds_gives_elasticlunr_rs_bytes() {
    let all = field_sets().pop().expect("all five fields");
    let some = field_sets().swap_remove(0b10101);
    // Every language the crate is built with (English has tests of its own above), so the
    // list is the one in Cargo.toml and a language added there is checked too.
    let codes = elasticlunr::lang::languages()
        .into_iter()
        .map(|language| language.code())
        .filter(|code| code != "en");
    for (n, code) in codes.enumerate() {
        let corpus = corpus(100 + n as u64, 40);
        assert_same(&code, &all, &docs(&corpus, &all));
        assert_same(&code, &some, &docs(&corpus, &some));
    }
}

#[test]
fn an_index_written_out_in_many_batches_is_still_elasticlunr_rs_bytes() {
    // On one thread, more than twice as many documents as the store writes at once, and
    // words under more first letters than the tree writes at once: batches must join cleanly.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let corpus = corpus(11, 64 * AT_ONCE_PER_THREAD * 2 + 37);
    let all = field_sets().pop().expect("all");
    let json = one.install(|| assert_same("en", &all, &docs(&corpus, &all)));
    let root = json.find("\"body\":{\"root\"").expect("a body field");
    let letters = json[root..]
        .split(":{\"docs\":")
        .filter(|part| part.len() >= 4 && part.ends_with('"'))
        .count();
    assert!(letters > AT_ONCE_PER_THREAD, "{letters} nodes");
}

#[test]
fn empty_indexes_match_too() {
    for fields in [
        field_sets().swap_remove(0),
        field_sets().pop().expect("all"),
    ] {
        assert_same("en", &fields, &[]);
        let corpus = corpus(3, 3);
        assert_same("en", &fields, &docs(&corpus, &fields));
        let blank = [Doc {
            id: "https://pods.example/",
            texts: vec![String::new(); fields.len()],
        }];
        assert_same("en", &fields, &blank);
    }
}

#[test]
fn a_language_elasticlunr_rs_lacks_is_refused() {
    let mut out = Vec::new();
    assert!(write(&mut out, "xx", &[], &[]).is_none());
}
