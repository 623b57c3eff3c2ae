//! A show's podcast feed (`<show>/podcast.xml`), with the tags podcast directories require.

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value, json};

use crate::render::{Counted, MadeFrom, Output, Plan, Renderer};
use crate::site::shows::rfc2822;

/// The feed of show `0` (an index into the site's shows).
#[derive(Debug)]
struct PodcastFeed(usize);

pub fn plan(plan: &mut Plan<'_>) {
    for (i, show) in plan.site.shows.iter().enumerate() {
        let path = format!("{}podcast.xml", plan.site.sections[show.section].path);
        plan.push(path, PodcastFeed(i));
    }
}

impl Output for PodcastFeed {
    fn template<'r>(&'r self, _: &'r Renderer<'_>) -> Cow<'r, str> {
        Cow::Borrowed("podcast.xml")
    }

    fn context(&self, renderer: &Renderer<'_>, _: &str, path: &str) -> Map<String, Value> {
        context(renderer, self.0, path)
    }

    fn lang<'r>(&'r self, renderer: &'r Renderer<'_>) -> &'r str {
        &renderer.site.sections[renderer.site.shows[self.0].section].lang
    }

    fn origin(&self, renderer: &Renderer<'_>) -> String {
        let section = renderer.site.shows[self.0].section;
        let file = renderer.site.sections[section].source.file.display();
        format!("the podcast feed of {file}")
    }

    fn counts_as(&self) -> Counted {
        Counted::Feed
    }

    fn made_from<'r>(&'r self, renderer: &'r Renderer<'_>) -> MadeFrom<'r> {
        let show = &renderer.site.shows[self.0];
        let values = &renderer.values;
        let mut hasher = DefaultHasher::new();
        let section = values.section_versions[show.section];
        (section, format!("{:?}", show.meta)).hash(&mut hasher);
        for episode in &show.episodes {
            (values.versions[episode.page], format!("{episode:?}")).hash(&mut hasher);
        }
        MadeFrom::own(hasher.finish())
    }
}

/// The template context of show `index`'s feed at site path `path`.
fn context(renderer: &Renderer<'_>, index: usize, path: &str) -> Map<String, Value> {
    let site = renderer.site;
    let show = &renderer.site.shows[index];
    let mut map = Map::new();
    map.insert(
        "section".into(),
        renderer.values.section(show.section, None),
    );
    map.insert("show".into(), json!(show.meta));
    let episodes: Vec<Value> = show
        .episodes
        .iter()
        .map(|e| {
            let mut value = json!(e);
            value["page"] = renderer.values.page(e.page);
            value
        })
        .collect();
    map.insert("episodes".into(), Value::Array(episodes));
    let newest = show
        .episodes
        .iter()
        .filter_map(|e| site.pages[e.page].date)
        .max();
    let last = newest.and_then(rfc2822);
    map.insert("last_updated".into(), json!(last));
    map.insert(
        "feed_url".into(),
        json!(format!("{}{path}", site.config.base_url)),
    );
    map
}
