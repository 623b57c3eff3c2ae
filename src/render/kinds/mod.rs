//! Every kind of output, one file each, and the table that plans them all.

mod cdn;
mod feed;
mod fixed;
mod listing;
mod page;
mod podcast;
mod search_fragments;
mod search_index;
mod sitemap;

use crate::error::Diagnostic;
use crate::render::{Job, Plan};
use crate::site::Site;

/// The planners of the output kinds, in the order their outputs are listed.
const PLANNERS: [fn(&mut Plan<'_>); 11] = [
    // First: one long job, started at once and rendered while the other core takes the pages.
    search_index::plan,
    page::plan,
    listing::plan_sections,
    listing::plan_taxonomies,
    feed::plan,
    podcast::plan,
    fixed::plan_not_found,
    sitemap::plan,
    fixed::plan_robots,
    search_fragments::plan,
    // Last: `_redirects` lists the redirect pages planned above.
    cdn::plan,
];

/// Whether some planner reads Markdown bodies (the fragment search cuts its word files from
/// them): then a rebuild that changed only bodies must plan again rather than keep the plan.
pub fn plan_reads_bodies(site: &Site) -> bool {
    site.config.fragment_search.enable
}

/// Lists every output of `site`; bad `aliases` and the like are reported here.
pub fn plan(site: &Site) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut plan = Plan {
        site,
        jobs: Vec::new(),
        errors: Vec::new(),
    };
    for planner in PLANNERS {
        planner(&mut plan);
    }
    (plan.jobs, plan.errors)
}
