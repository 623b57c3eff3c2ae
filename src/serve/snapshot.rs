//! What the server shows right now: the last good site, the latest build error, and what open
//! pages should do about the latest change.

use std::sync::Arc;

use crate::output::SiteOutput;

/// One published state of the dev server; replaced whole after every build.
#[derive(Clone)]
pub struct Snapshot {
    /// The last site that built; `None` until a first build succeeds.
    pub site: Option<Arc<SiteOutput>>,
    /// Why the latest build failed, for people; `None` when it succeeded.
    pub error: Option<String>,
    /// Counts published states. It starts at the server's start time in milliseconds, so a page
    /// served by an earlier run never mistakes a restarted server for the one it knows.
    pub generation: u64,
    /// What pages showing the previous generation should do to show this one.
    pub update: PageUpdate,
}

/// How an open page catches up with one new generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageUpdate {
    /// Reload the page.
    Reload,
    /// Only these stylesheets (URL paths such as `/style.css`) changed: swap them in place.
    Stylesheets(Vec<String>),
    /// The build failed: show `Snapshot::error` over the page.
    ShowError,
}

impl Snapshot {
    /// The message an open page at generation `seen` needs, with the generation it reaches,
    /// or `None` if it is current. A page more than one generation behind reloads.
    pub fn update_since(&self, seen: u64) -> Option<(u64, PageUpdate)> {
        if seen == self.generation {
            return None;
        }
        let update = match (&self.error, &self.update) {
            (Some(_), _) => PageUpdate::ShowError,
            (None, update) if seen.checked_add(1) == Some(self.generation) => update.clone(),
            (None, _) => PageUpdate::Reload,
        };
        Some((self.generation, update))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(error: Option<&str>, update: PageUpdate) -> Snapshot {
        Snapshot {
            site: None,
            error: error.map(str::to_owned),
            generation: 10,
            update,
        }
    }

    #[test]
    fn a_current_page_needs_nothing() {
        assert_eq!(snapshot(None, PageUpdate::Reload).update_since(10), None);
    }

    #[test]
    fn a_page_one_behind_gets_the_precise_update() {
        let styles = PageUpdate::Stylesheets(vec!["/style.css".into()]);
        assert_eq!(
            snapshot(None, styles.clone()).update_since(9),
            Some((10, styles))
        );
    }

    #[test]
    fn a_page_further_behind_or_from_another_run_reloads() {
        let styles = PageUpdate::Stylesheets(vec!["/style.css".into()]);
        assert_eq!(
            snapshot(None, styles.clone()).update_since(7),
            Some((10, PageUpdate::Reload))
        );
        assert_eq!(
            snapshot(None, styles).update_since(99),
            Some((10, PageUpdate::Reload))
        );
    }

    #[test]
    fn a_failed_build_always_shows_its_error() {
        let failed = snapshot(Some("boom"), PageUpdate::ShowError);
        assert_eq!(failed.update_since(3), Some((10, PageUpdate::ShowError)));
    }
}
