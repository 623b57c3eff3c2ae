//! The elasticlunr index byte for byte as elasticlunr-rs 3 writes it (`Index::to_json`), built
//! without its maps.
//!
//! elasticlunr-rs keeps every posting as a `BTreeMap` entry keyed by an owned copy of the
//! document's ref, in a tree of maps with one node per character of every word: 2.5 million URL
//! copies on the 10,000-page bench site, where the build spent most of its time allocating and
//! comparing them. Here a ref is a number, its rank among the sorted refs (the order those maps
//! write them in); a word's postings are a vector of ranks; the words are sorted once; and the
//! word tree, which is the sorted words' prefixes depth first, is written straight into the
//! output without being built. The crate still gives the words: each language's pipeline
//! (trimmer, stop words, stemmer), and the tokenizer all of Kiln's languages share, which
//! `for_each_token` follows without a `String` per token (a test holds it to the crate's for
//! each language), so a page has exactly the words Zola's index gives it.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::sync::Arc;

use elasticlunr::{Language, Pipeline};
use rayon::prelude::*;

/// A field of the index and how its text is split into tokens.
pub struct Field {
    pub name: &'static str,
    /// `None`: the language's own tokenizer.
    pub tokenizer: Option<fn(&str) -> Vec<String>>,
}

/// A document: its ref (the page's URL) and the text of each field, in the fields' order.
pub struct Doc<'a> {
    pub id: &'a str,
    pub texts: Vec<String>,
}

/// The name of the ref field, elasticlunr-rs's default (Zola does not change it).
const REF: &str = "id";

/// Writes the index of `docs` with `fields` in the words of language `code` (as
/// `elasticlunr::lang::from_code` knows it) into `out`; `None` if elasticlunr-rs has no such
/// language.
pub fn write(
    out: &mut dyn Write,
    code: &str,
    fields: &[Field],
    docs: &[Doc<'_>],
) -> Option<io::Result<()>> {
    let language = elasticlunr::lang::from_code(code)?;
    let terms: Vec<Vec<FieldTerms>> = docs
        .par_iter()
        .map_init(
            || Worker::new(code),
            |worker, doc| Some(worker.as_mut()?.terms(fields, &doc.texts)),
        )
        .collect::<Option<_>>()?;
    let refs = Refs::new(docs);
    let index = Index {
        refs: &refs,
        fields,
        docs,
        terms: &terms,
    };
    Some(index.write(out, &*language))
}

/// What the index is made of: the documents, their refs and their words.
struct Index<'a> {
    refs: &'a Refs,
    fields: &'a [Field],
    docs: &'a [Doc<'a>],
    terms: &'a [Vec<FieldTerms>],
}

impl Index<'_> {
    /// The whole index into `out`, in the order elasticlunr-rs's `to_json` writes it.
    fn write(&self, out: &mut dyn Write, language: &dyn Language) -> io::Result<()> {
        let fields = self.fields;
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let mut head = Vec::new();
        head.extend_from_slice(b"{\"fields\":");
        push_json(&mut head, &names);
        head.extend_from_slice(b",\"pipeline\":");
        push_json(&mut head, &language.make_pipeline());
        head.extend_from_slice(b",\"ref\":");
        push_json(&mut head, REF);
        head.extend_from_slice(b",\"version\":");
        push_json(&mut head, elasticlunr::ELASTICLUNR_VERSION);
        head.extend_from_slice(b",\"index\":{");
        out.write_all(&head)?;
        // elasticlunr-rs's `index` map, ordered by field name.
        let mut by_name: Vec<usize> = (0..fields.len()).collect();
        by_name.sort_by_key(|&f| fields[f].name);
        for (n, &f) in by_name.iter().enumerate() {
            let mut key = Vec::new();
            if n > 0 {
                key.push(b',');
            }
            push_str(&mut key, fields[f].name);
            key.extend_from_slice(b":{\"root\":{\"docs\":{},\"df\":0");
            out.write_all(&key)?;
            tree(out, self.refs, &postings(self.refs, self.terms, f))?;
            out.write_all(b"}}")?;
        }
        out.write_all(b"},\"documentStore\":")?;
        self.write_store(out)?;
        let mut tail = b",\"lang\":".to_vec();
        push_json(&mut tail, &language.name());
        tail.push(b'}');
        out.write_all(&tail)
    }
}

/// `value` as serde_json writes it (what elasticlunr-rs serialises with).
fn push_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing into a `Vec` cannot fail, and these values are strings, numbers and arrays of them.
    let _ = serde_json::to_writer(out, value);
}

/// `text` as a JSON string: serde_json escapes only control characters, `"` and `\`, so text
/// without them is copied as it is, and the rest goes through serde_json.
fn push_str(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        push_json(out, text);
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// What one rayon worker makes words with: its own pipeline (elasticlunr-rs's are not `Send`).
struct Worker {
    pipeline: Pipeline,
    /// Each token seen, and the word the pipeline made of it: a pipeline maps each token on its
    /// own, and pages share most of their tokens, so each is trimmed and stemmed once.
    seen: HashMap<String, Option<Arc<str>>>,
    /// Each word once: tokens that stem to the same word share its `Arc`, so a document's
    /// words are told apart by address, not by comparing their text.
    words: HashSet<Arc<str>>,
}

/// One field of one document: how many words it has, and each word once with its count (in
/// no particular order).
struct FieldTerms {
    length: usize,
    words: Vec<(Arc<str>, u32)>,
}

impl Worker {
    fn new(code: &str) -> Option<Self> {
        let pipeline = elasticlunr::lang::from_code(code)?.make_pipeline();
        Some(Worker {
            pipeline,
            seen: HashMap::new(),
            words: HashSet::new(),
        })
    }

    /// The words of each field of a document whose texts are `texts` (as `Index::add_doc`
    /// counts them).
    fn terms(&mut self, fields: &[Field], texts: &[String]) -> Vec<FieldTerms> {
        let fields = fields.iter().zip(texts);
        let mut lower = String::new();
        fields
            .map(|(field, text)| {
                let mut words: Vec<Arc<str>> = Vec::new();
                match field.tokenizer {
                    Some(tokenize) => {
                        for token in tokenize(text) {
                            words.extend(self.word(&token));
                        }
                    }
                    None => for_each_token(text, &mut lower, |token| {
                        words.extend(self.word(token));
                    }),
                }
                let length = words.len();
                // Equal words are one `Arc` (see `words`): sorting by address groups them.
                words.sort_unstable_by_key(|word| Arc::as_ptr(word).cast::<u8>());
                let mut counted: Vec<(Arc<str>, u32)> = Vec::new();
                for word in words {
                    match counted.last_mut() {
                        Some((last, count)) if Arc::ptr_eq(last, &word) => *count += 1,
                        _ => counted.push((word, 1)),
                    }
                }
                FieldTerms {
                    length,
                    words: counted,
                }
            })
            .collect()
    }

    /// What the pipeline makes of `token`.
    fn word(&mut self, token: &str) -> Option<Arc<str>> {
        if let Some(word) = self.seen.get(token) {
            return word.clone();
        }
        let word = self.pipeline.run(vec![token.to_owned()]).pop().map(|word| {
            match self.words.get(word.as_str()) {
                Some(known) => known.clone(),
                None => {
                    let word: Arc<str> = Arc::from(word);
                    self.words.insert(word.clone());
                    word
                }
            }
        });
        self.seen.insert(token.to_owned(), word.clone());
        word
    }
}

/// Calls `each` with every token of `text` as elasticlunr-rs's `tokenize_whitespace` makes
/// them (the tokenizer of every language Kiln builds with: a test holds each to it), without
/// a `String` per token: `text` split at whitespace and hyphens, each piece lowercased (its
/// `trim` has nothing left to trim). `lower` is room for a piece with capitals.
fn for_each_token(text: &str, lower: &mut String, mut each: impl FnMut(&str)) {
    for piece in text.split(|c: char| c.is_whitespace() || c == '-') {
        if piece.is_empty() {
            continue;
        }
        if !piece.is_ascii() {
            each(&piece.to_lowercase());
        } else if piece.bytes().any(|b| b.is_ascii_uppercase()) {
            lower.clear();
            lower.push_str(piece);
            lower.make_ascii_lowercase();
            each(lower);
        } else {
            each(piece);
        }
    }
}

/// The documents' refs: each distinct ref once, sorted, as JSON; each document's rank among
/// them; and the document whose fields each ref shows (the last one added with it, as in
/// elasticlunr-rs, where a later document with the same ref replaces the earlier one).
struct Refs {
    json: Vec<Vec<u8>>,
    rank: Vec<u32>,
    shown: Vec<usize>,
}

impl Refs {
    fn new(docs: &[Doc<'_>]) -> Self {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&d| docs[d].id);
        let mut json: Vec<Vec<u8>> = Vec::new();
        let mut rank = vec![0; docs.len()];
        let mut shown: Vec<usize> = Vec::new();
        let mut previous: Option<&str> = None;
        for d in order {
            if previous != Some(docs[d].id) {
                let mut text = Vec::with_capacity(docs[d].id.len() + 2);
                push_str(&mut text, docs[d].id);
                json.push(text);
                shown.push(d);
                previous = Some(docs[d].id);
            }
            rank[d] = (json.len() - 1) as u32;
            // Equal refs are sorted in document order, so the last one stays.
            if let Some(last) = shown.last_mut() {
                *last = d;
            }
        }
        Refs { json, rank, shown }
    }
}

/// A word of one field and its postings: each document's rank and the word's count there.
type Postings<'t> = (&'t str, Vec<(u32, u32)>);

/// The postings of field `f`, sorted by word; each word's postings sorted by rank, one per
/// ref (the last document's, as elasticlunr-rs's map insert keeps it).
fn postings<'t>(refs: &Refs, terms: &'t [Vec<FieldTerms>], f: usize) -> Vec<Postings<'t>> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut words: Vec<Postings<'t>> = Vec::new();
    for (d, doc) in terms.iter().enumerate() {
        // elasticlunr-rs counts an empty word in the field's length but never indexes it.
        let doc_words = doc[f].words.iter().filter(|(w, _)| !w.is_empty());
        for (word, count) in doc_words {
            let i = *at.entry(&**word).or_insert_with(|| {
                words.push((word, Vec::new()));
                words.len() - 1
            });
            words[i].1.push((refs.rank[d], *count));
        }
    }
    words.par_sort_unstable_by_key(|(word, _)| *word);
    words.par_iter_mut().for_each(|(_, list)| {
        if !list.is_sorted_by_key(|p| p.0) {
            list.sort_by_key(|p| p.0);
        }
        // Of equal ranks (in document order after the stable sort) the last one stays.
        list.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                *kept = *later;
            }
            same
        });
    });
    words
}

/// The texts of `sqrt(count)`, elasticlunr-rs's term frequency, for the commonest counts.
fn tf_texts() -> Vec<Vec<u8>> {
    (0..256u32)
        .map(|count| serde_json::to_vec(&f64::from(count).sqrt()).unwrap_or_default())
        .collect()
}

/// How many of a word tree's parts (or document store's entries) are made at once, per
/// thread: enough for the threads to share the work unevenly sized parts make, few enough
/// that the index is never all in memory (300 MB for 10,000 pages of prose).
const AT_ONCE_PER_THREAD: usize = 4;

/// The word tree of one field (`InvertedIndex`'s `root`) into `out`: a node per prefix of a
/// word with its `docs` (ref to `{"tf":…}`), `df`, and then its children by character, depth
/// first. The children of the root are made in parallel, one part per first character, a few
/// at a time into buffers that are written out and then reused for the next few.
fn tree(out: &mut dyn Write, refs: &Refs, words: &[Postings<'_>]) -> io::Result<()> {
    let tf = tf_texts();
    let mut groups: Vec<&[Postings<'_>]> = Vec::new();
    let mut rest = words;
    while let Some(first) = rest.first().and_then(|(w, _)| w.chars().next()) {
        let end = rest.partition_point(|(w, _)| w.starts_with(first));
        groups.push(&rest[..end]);
        rest = &rest[end..];
    }
    let at_once = AT_ONCE_PER_THREAD * rayon::current_num_threads();
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); at_once.min(groups.len())];
    for batch in groups.chunks(at_once) {
        buffers
            .par_iter_mut()
            .zip(batch)
            .for_each(|(buffer, group)| {
                buffer.clear();
                subtrees(buffer, refs, &tf, group);
            });
        for buffer in &buffers[..batch.len()] {
            out.write_all(buffer)?;
        }
    }
    Ok(())
}

/// The root's children for `words`, sorted: for each word, the nodes it does not share with
/// the word before are opened (each prefix comes before the words it begins, so a node opened
/// on the way to a word is not itself a word), after closing the ones it leaves.
fn subtrees(out: &mut Vec<u8>, refs: &Refs, tf: &[Vec<u8>], words: &[Postings<'_>]) {
    // Room for the most it can take (a node is at most 32 bytes a byte of its word, a posting
    // 32 bytes more than its ref), so it is never moved: room never written costs nothing.
    let room = words.iter().map(|(word, postings)| {
        let refs: usize = postings
            .iter()
            .map(|&(rank, _)| refs.json[rank as usize].len() + 32)
            .sum();
        32 * word.len() + 32 + refs
    });
    out.reserve(room.sum());
    // The open nodes: the byte offset in the current word where each one's character ends.
    let mut open: Vec<usize> = Vec::new();
    let mut previous = "";
    let mut key = [0u8; 4];
    for (word, postings) in words {
        let common = word
            .bytes()
            .zip(previous.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // The nodes both words pass through: those that end within the bytes they share.
        let shared = open.iter().take_while(|&&end| end <= common).count();
        out.extend(std::iter::repeat_n(b'}', open.len() - shared));
        open.truncate(shared);
        let from = open.last().copied().unwrap_or(0);
        for (at, c) in word[from..].char_indices() {
            let end = from + at + c.len_utf8();
            out.push(b',');
            push_str(out, c.encode_utf8(&mut key));
            out.extend_from_slice(b":{\"docs\":");
            if end == word.len() {
                write_docs(out, refs, tf, postings);
            } else {
                out.extend_from_slice(b"{},\"df\":0");
            }
            open.push(end);
        }
        previous = word;
    }
    out.extend(std::iter::repeat_n(b'}', open.len()));
}

/// A word's `docs` and `df`: `{"<ref>":{"tf":<sqrt(count)>},…},"df":<refs>`.
fn write_docs(out: &mut Vec<u8>, refs: &Refs, tf: &[Vec<u8>], postings: &[(u32, u32)]) {
    out.push(b'{');
    for (n, &(rank, count)) in postings.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&refs.json[rank as usize]);
        out.extend_from_slice(b":{\"tf\":");
        match tf.get(count as usize) {
            Some(text) => out.extend_from_slice(text),
            None => push_json(out, &f64::from(count).sqrt()),
        }
        out.push(b'}');
    }
    let _ = write!(out, "}},\"df\":{}", postings.len());
}

impl Index<'_> {
    /// `documentStore`: `save`, each ref's fields (and the ref itself) by name in `docs`, how
    /// many words each field has in `docInfo`, and the number of refs. The entries are made
    /// in parallel, a few at a time, like the word tree's parts.
    fn write_store(&self, out: &mut dyn Write) -> io::Result<()> {
        let (refs, fields) = (self.refs, self.fields);
        // A document's fields by name, the ref among them (`None`).
        let mut shown: Vec<(&str, Option<usize>)> = vec![(REF, None)];
        shown.extend(
            fields
                .iter()
                .enumerate()
                .map(|(f, field)| (field.name, Some(f))),
        );
        shown.sort_by_key(|(name, _)| *name);
        let mut by_name: Vec<usize> = (0..fields.len()).collect();
        by_name.sort_by_key(|&f| fields[f].name);

        out.write_all(b"{\"save\":true,\"docs\":{")?;
        let entries: Vec<(usize, &Vec<u8>)> = refs.shown.iter().copied().zip(&refs.json).collect();
        let at_once = 64 * AT_ONCE_PER_THREAD * rayon::current_num_threads();
        let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); at_once.min(entries.len())];
        for (b, batch) in entries.chunks(at_once).enumerate() {
            buffers
                .par_iter_mut()
                .zip(batch)
                .for_each(|(doc, &(d, json))| {
                    doc.clear();
                    doc.extend_from_slice(json);
                    doc.extend_from_slice(b":{");
                    for (n, (name, f)) in shown.iter().enumerate() {
                        if n > 0 {
                            doc.push(b',');
                        }
                        push_str(doc, name);
                        doc.push(b':');
                        push_str(doc, f.map_or(self.docs[d].id, |f| &self.docs[d].texts[f]));
                    }
                    doc.push(b'}');
                });
            for (n, doc) in buffers[..batch.len()].iter().enumerate() {
                if b + n > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(doc)?;
            }
        }
        let mut info = b"},\"docInfo\":{".to_vec();
        // elasticlunr-rs notes a length per field, so a document without fields has no entry.
        if !fields.is_empty() {
            for (n, &(d, json)) in entries.iter().enumerate() {
                if n > 0 {
                    info.push(b',');
                }
                info.extend_from_slice(json);
                info.extend_from_slice(b":{");
                for (n, &f) in by_name.iter().enumerate() {
                    if n > 0 {
                        info.push(b',');
                    }
                    push_str(&mut info, fields[f].name);
                    let _ = write!(info, ":{}", self.terms[d][f].length);
                }
                info.push(b'}');
            }
        }
        let _ = write!(info, "}},\"length\":{}}}", refs.json.len());
        out.write_all(&info)
    }
}

#[cfg(test)]
mod tests;
