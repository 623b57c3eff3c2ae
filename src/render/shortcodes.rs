//! The site's shortcode templates (`templates/shortcodes/NAME.html` or `NAME.md`, the site's
//! own or Kiln's built-ins) as the Markdown stage renders them: the driver makes one after
//! compiling the templates and hands it to the link stage.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::config::Config;
use crate::content::TemplateSource;
use crate::error::Diagnostic;
use crate::images::Images;
use crate::markdown::highlight::Highlighter;
use crate::markdown::shortcodes::{ANCHOR_TEMPLATE, Kind, ShortcodeTemplates};
use crate::render::files::Files;
use crate::render::markdown_filter::MarkdownFilter;
use crate::render::templates::all_texts;

/// One shortcode: its kind, its template's name and its version.
struct Shortcode {
    kind: Kind,
    template: String,
    version: u64,
}

/// Every shortcode of a site, rendered with its own copy of the templates: the render
/// stage registers site functions on the main one, which a body must not see (Zola's
/// shortcodes cannot call `get_page` and the like either).
pub struct SiteShortcodes {
    tera: Tera,
    sources: Vec<TemplateSource>,
    shortcodes: HashMap<String, Shortcode>,
    /// The version of `anchor-link.html` (the site's or the built-in).
    anchor_version: u64,
    /// The files `load_data` and friends read, here and in the render stage.
    files: Arc<Files>,
    /// The site's highlighter, for code blocks the `markdown` filter meets in a shortcode's
    /// template: the link stage makes it after the shortcodes and hands it over here.
    highlighter: RwLock<Option<Arc<Highlighter>>>,
}

impl SiteShortcodes {
    /// The shortcodes among `sources` and the built-ins, from the compiled `tera`; a site's
    /// own template wins over a built-in of the same name, whatever its extension. Their
    /// templates get the `markdown` filter, which renders calls with these same shortcodes.
    pub fn new(
        tera: &Tera,
        sources: &[TemplateSource],
        config: &Config,
        files: Files,
        images: Option<Arc<Images>>,
    ) -> Arc<SiteShortcodes> {
        let texts = all_texts(sources);
        let mut everything = DefaultHasher::new();
        texts.hash(&mut everything);
        let everything = everything.finish();
        let mut shortcodes: HashMap<String, Shortcode> = HashMap::new();
        for (name, text) in &texts {
            let Some((stem, kind)) = shortcode_name(name) else {
                continue;
            };
            // The site's own templates come first: the first of a name wins.
            if tera.get_template(name).is_err() || shortcodes.contains_key(stem) {
                continue;
            }
            let mut hasher = DefaultHasher::new();
            (name, text).hash(&mut hasher);
            // A template that pulls in others changes with them: count every template.
            if ["include", "import", "extends"]
                .iter()
                .any(|w| text.contains(w))
            {
                everything.hash(&mut hasher);
            }
            let shortcode = Shortcode {
                kind,
                template: name.to_string(),
                version: hasher.finish(),
            };
            shortcodes.insert(stem.to_string(), shortcode);
        }
        let anchor_text = texts.iter().find(|(name, _)| *name == ANCHOR_TEMPLATE);
        let anchor_version = crate::render::hash_of(anchor_text);
        let config_value = serde_json::to_value(config).unwrap_or_default();
        Arc::new_cyclic(|this| {
            let mut tera = tera.clone();
            let filter = MarkdownFilter {
                shortcodes: this.clone(),
                values: None,
                config: config_value,
                options: crate::markdown::Options::new(
                    &config.markdown,
                    &config.default_language,
                    None,
                ),
                highlighter: None,
            };
            tera.register_filter("markdown", filter);
            let files = Arc::new(files);
            crate::render::filters::register(&mut tera, &config.default_language);
            crate::render::functions::register_trans(&mut tera, config);
            crate::render::files::register(&mut tera, &files);
            register_get_url(&mut tera, &config.base_url, &files);
            if let Some(images) = images {
                // A shortcode's output is kept with the body that calls it: the files it
                // reads are noted, so a change to one rebuilds everything.
                let reads = Some(files.reads.clone());
                crate::render::image_functions::register(&mut tera, images, reads);
            }
            SiteShortcodes {
                files,
                tera,
                sources: sources.to_vec(),
                shortcodes,
                anchor_version,
                highlighter: RwLock::new(None),
            }
        })
    }
}

/// `get_url` for shortcode templates, which render before the site's URLs are all known: full
/// URLs and files' site paths (Zola's gallery shortcode links each picture so); an `@/`
/// content path is an error that says how to link it instead.
fn register_get_url(tera: &mut Tera, base_url: &str, files: &Arc<Files>) {
    let (base_url, files) = (base_url.to_string(), Arc::clone(files));
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("get_url needs a string argument `path`".to_string())
        })?;
        if path.starts_with("http://") || path.starts_with("https://") {
            return Ok(Value::String(path.to_string()));
        }
        if path.starts_with("@/") {
            return Err(tera::Error::msg(format!(
                "get_url(path=\"{path}\") in a shortcode: content paths are resolved after \
                 shortcodes render; pass the link in from the Markdown as [text]({path})"
            )));
        }
        crate::render::files::file_url(&base_url, &files, path, args)
    });
}

/// `shortcodes/NAME.html` or `shortcodes/NAME.md` as (NAME, kind).
fn shortcode_name(template: &str) -> Option<(&str, Kind)> {
    let file = template.strip_prefix("shortcodes/")?;
    if let Some(stem) = file.strip_suffix(".html") {
        return Some((stem, Kind::Html));
    }
    file.strip_suffix(".md").map(|stem| (stem, Kind::Markdown))
}

impl ShortcodeTemplates for SiteShortcodes {
    fn kind(&self, name: &str) -> Option<Kind> {
        self.shortcodes.get(name).map(|s| s.kind)
    }

    fn version(&self, name: &str) -> Option<u64> {
        if name == ANCHOR_TEMPLATE {
            return Some(self.anchor_version);
        }
        self.shortcodes.get(name).map(|s| s.version)
    }

    fn anchor_link(&self, context: Map<String, Value>) -> Result<String, Diagnostic> {
        self.render_template(ANCHOR_TEMPLATE, context)
    }

    fn highlight_with(&self, highlighter: Option<Arc<Highlighter>>) {
        *self.highlighter.write().unwrap_or_else(|e| e.into_inner()) = highlighter;
    }

    fn render(&self, name: &str, context: Map<String, Value>) -> Result<String, Diagnostic> {
        let Some(shortcode) = self.shortcodes.get(name) else {
            return Err(Diagnostic::new(format!("no shortcode `{name}`")));
        };
        self.render_template(&shortcode.template, context)
    }
}

impl SiteShortcodes {
    /// Where templates find the files they read.
    pub fn files(&self) -> &Arc<Files> {
        &self.files
    }

    /// The highlighter the link stage handed over, if the site highlights code.
    pub fn highlighter(&self) -> Option<Arc<Highlighter>> {
        self.highlighter
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `template`'s output for `context`; a failure names the template and its line.
    fn render_template(
        &self,
        template: &str,
        context: Map<String, Value>,
    ) -> Result<String, Diagnostic> {
        let context = Context::from_value(Value::Object(context))
            .map_err(|e| Diagnostic::new(e.to_string()))?;
        self.tera.render(template, &context).map_err(|error| {
            let origin = "a Markdown body";
            crate::render::template_error::describe(
                &self.sources,
                &self.tera,
                template,
                origin,
                &error,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::templates;
    use std::path::PathBuf;

    fn config() -> Config {
        let path = std::path::Path::new("config.toml");
        crate::config::parse(path, "base_url = \"https://x.org\"", None)
            .unwrap()
            .config
    }

    fn files() -> Files {
        Files::new(&PathBuf::from("."), None)
    }

    fn source(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            file: PathBuf::from(format!("templates/{name}")),
            text: text.into(),
        }
    }

    #[test]
    fn a_site_template_wins_over_a_builtin_of_the_same_name_whatever_its_kind() {
        let sources = [
            source("shortcodes/youtube.md", "# {{ id }}"),
            source("shortcodes/quote.html", "<q>{{ body }}</q>"),
        ];
        let (tera, _) = templates::compile(&sources);
        let shortcodes = SiteShortcodes::new(&tera, &sources, &config(), files(), None);
        assert_eq!(shortcodes.kind("youtube"), Some(Kind::Markdown));
        assert_eq!(shortcodes.kind("quote"), Some(Kind::Html));
        assert_eq!(shortcodes.kind("vimeo"), Some(Kind::Html));
        let mut context = Map::new();
        context.insert("id".into(), "x".into());
        assert_eq!(shortcodes.render("youtube", context).unwrap(), "# x");
    }

    #[test]
    fn versions_change_with_the_template_and_with_what_it_includes() {
        let version = |sources: &[TemplateSource], name| {
            let (tera, _) = templates::compile(sources);
            SiteShortcodes::new(&tera, sources, &config(), files(), None).version(name)
        };
        let plain = [
            source("shortcodes/a.html", "a"),
            source("shortcodes/b.html", "{% include \"part.html\" %}"),
            source("part.html", "1"),
        ];
        let mut edited = plain.clone();
        edited[2].text = "2".into();
        assert_eq!(version(&plain, "a"), version(&edited, "a"));
        assert_ne!(version(&plain, "b"), version(&edited, "b"));
    }
}
