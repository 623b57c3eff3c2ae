//! Kiln: pre-render a whole website to plain HTML.
//!
//! The build is a one-way pipeline (config → load → link → render → write); see the modules.

#[cfg(feature = "serve")]
pub mod serve;
