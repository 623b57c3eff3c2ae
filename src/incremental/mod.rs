//! Rebuilds that redo only what a change touched, for `kiln serve`.
//!
//! **The invariant: a rebuild equals a full build, byte for byte**, whatever changed. Every
//! shortcut here keeps it, and `tests/` checks it after each kind of edit:
//! - [`Rebuilder`] keeps each stage's result between runs and re-reads only changed files;
//! - [`fingerprint`] gives each output one number for everything its bytes are made from
//!   (its [`crate::render::Output::made_from`], its templates, the values they read); an output
//!   whose number did not change is reused, not rendered;
//! - [`patch`] keeps the last linked site when an edit changed only Markdown bodies;
//! - a `config.toml` edit is a full rebuild, unless only `[markdown.highlighting]` changed
//!   and no template can read it: then only bodies with code blocks are rendered again.
//!
//! It relies on two analyses every build uses: what each template reads
//! (`render/template_reads.rs`, which also cuts contexts down) and the Markdown cache
//! (`markdown/cache.rs`, which reuses a body while its text and link targets stay the same).

mod fingerprint;
mod patch;
mod rebuilder;
mod report;
#[cfg(test)]
mod tests;

pub use rebuilder::Rebuilder;
