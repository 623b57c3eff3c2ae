//! Integration tests of `kiln build`: the real binary on real sites, asserting on the files it writes.
//!
//! One test binary (this folder) keeps link time down; each module covers one part of issue 2.

mod cdn;
mod check;
mod cli;
mod errors;
mod example_content;
mod example_design;
mod example_review;
mod example_site;
mod example_urdu;
mod functions;
mod highlighting;
mod images;
mod init;
mod languages;
mod markdown_output;
mod markup;
mod podcast;
mod safety;
mod sass;
mod search;
mod settings;
mod shortcodes;
mod sitemap;
mod support;
mod themes;
mod xml;
mod zola_basic;
