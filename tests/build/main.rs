//! Integration tests of `kiln build`: the real binary on real sites, asserting on the files it writes.
//!
//! One test binary (this folder) keeps link time down; each module covers one part of issue 2.

mod cli;
mod errors;
mod example_content;
mod example_site;
mod functions;
mod highlighting;
mod images;
mod languages;
mod markup;
mod podcast;
mod safety;
mod sass;
mod search;
mod settings;
mod shortcodes;
mod support;
mod themes;
mod xml;
mod zola_basic;
