//! What one rebuild did, in the one line `kiln serve` prints for it.

use std::fmt;

/// What one rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// The changed paths, relative to the site root where possible.
    pub changed: Vec<String>,
    /// Outputs rendered afresh (their site paths), and all outputs.
    pub rendered: Vec<String>,
    pub outputs: usize,
    pub millis: u128,
    /// True when everything was read and rendered again (first run, config change).
    pub full: bool,
}

impl fmt::Display for RebuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.changed.as_slice() {
            [] => "full build".to_string(),
            names => crate::report::changed(names),
        };
        let scope = if self.full { ", everything" } else { "" };
        let count = self.rendered.len();
        write!(
            f,
            "{what}{scope}: re-rendered {count} of {} outputs in {} ms",
            self.outputs, self.millis
        )?;
        // Name a few, so an author sees which pages an edit touched.
        if !self.full && count > 0 {
            let shown: Vec<&str> = self.rendered.iter().take(4).map(String::as_str).collect();
            let more = if count > shown.len() {
                format!(" and {} more", count - shown.len())
            } else {
                String::new()
            };
            write!(f, " ({}{more})", shown.join(", "))?;
        }
        Ok(())
    }
}
