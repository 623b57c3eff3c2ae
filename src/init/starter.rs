//! The files of a new site: the blank starter (written from the answers) or the example
//! podcast platform (embedded in the binary by `build.rs`, so an installed `kiln` has it).

use std::path::Path;

use super::Answers;

/// What `kiln init` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// A small blog: home page, a paginated blog with tags, an about page, a feed.
    Blank,
    /// The example site: a multi-creator podcast platform with accounts.
    Podcast,
}

/// The repository's example site, file by file (`build.rs` lists it).
mod example {
    include!(concat!(env!("OUT_DIR"), "/example_site.rs"));
}

/// The blank starter's files that do not depend on the answers.
const BLANK: &[(&str, &str)] = &[
    (
        "templates/base.html",
        include_str!("blank/templates/base.html"),
    ),
    (
        "templates/index.html",
        include_str!("blank/templates/index.html"),
    ),
    (
        "templates/section.html",
        include_str!("blank/templates/section.html"),
    ),
    (
        "templates/page.html",
        include_str!("blank/templates/page.html"),
    ),
    (
        "templates/taxonomy_list.html",
        include_str!("blank/templates/taxonomy_list.html"),
    ),
    (
        "templates/taxonomy_single.html",
        include_str!("blank/templates/taxonomy_single.html"),
    ),
    (
        "templates/404.html",
        include_str!("blank/templates/404.html"),
    ),
    ("content/about.md", include_str!("blank/content/about.md")),
    (
        "content/blog/_index.md",
        include_str!("blank/content/blog/_index.md"),
    ),
];
const STYLE: &str = include_str!("blank/style/style.css");
const SEARCH_TEMPLATE: &str = include_str!("blank/templates/search.html");
const AUTH_TEMPLATE: &str = include_str!("blank/templates/auth.html");

const GITIGNORE: &str =
    "# The build's output, and kiln serve's local accounts and image cache.\n/dist\n/.kiln\n";

/// Writes the site into `dir` (made if missing) and returns how many files it wrote.
pub fn write(dir: &Path, template: Template, answers: &Answers) -> Result<usize, String> {
    let files = match template {
        Template::Blank => blank(answers),
        Template::Podcast => podcast(answers),
    };
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(files.len())
}

type Files = Vec<(String, Vec<u8>)>;

fn blank(answers: &Answers) -> Files {
    let mut files: Files = BLANK
        .iter()
        .map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()))
        .collect();
    let mut add = |path: &str, text: String| files.push((path.to_owned(), text.into_bytes()));
    add("config.toml", config(answers));
    add(".gitignore", GITIGNORE.to_owned());
    add("content/_index.md", HOME.to_owned());
    add("content/blog/first-post.md", first_post(&today()));
    let style = if answers.sass {
        "sass/style.scss"
    } else {
        "static/style.css"
    };
    add(style, STYLE.to_owned());
    if answers.search {
        add("templates/search.html", SEARCH_TEMPLATE.to_owned());
        add(
            "content/search.md",
            page("Search", "Search the site.", "search.html", "", ""),
        );
    }
    if answers.accounts {
        add("templates/auth.html", AUTH_TEMPLATE.to_owned());
        let signup = "Create an account to sign in on this site.";
        add(
            "content/signup.md",
            page("Sign up", signup, "auth.html", "form = \"signup\"", signup),
        );
        let login = "Log in to your account.";
        add(
            "content/login.md",
            page("Log in", login, "auth.html", "form = \"login\"", login),
        );
        let welcome = "You are signed in on this device until you log out.";
        add(
            "content/welcome.md",
            page("Welcome", welcome, "page.html", "", welcome),
        );
    }
    files
}

/// `config.toml` with the answers, each key commented where its use is not obvious.
fn config(answers: &Answers) -> String {
    let mut text = format!(
        "# Made by `kiln init`. Kiln reads Zola's keys (its README lists them) and a few of its own.\n\
         base_url = \"{url}\"\n\
         title = \"My site\"\n\
         description = \"A new site, made with Kiln.\"\n\
         default_language = \"en\"\n\
         generate_feeds = true\n\
         taxonomies = [{{ name = \"tags\" }}]\n\
         # sass/style.scss becomes /style.css.\n\
         compile_sass = {sass}\n",
        url = answers.url,
        sass = answers.sass,
    );
    if answers.search {
        text.push_str(
            "\n# Kiln's search: an index in small files under /kiln-search/, read by the search page.\n\
             [fragment_search]\nenable = true\n",
        );
    }
    text.push_str("\n[markdown]\nsmart_punctuation = true\n");
    if answers.highlighting {
        text.push_str(
            "# Code blocks follow the reader's light or dark scheme.\n\
             [markdown.highlighting]\nlight_theme = \"github-light\"\ndark_theme = \"catppuccin-mocha\"\n",
        );
    }
    if answers.accounts {
        text.push_str(
            "\n# This site has accounts: `kiln serve` mounts the sidecar here, and the forms post to it.\n\
             [auth]\nurl = \"/api\"\n",
        );
    }
    text
}

const HOME: &str = "+++\ntitle = \"Welcome\"\n+++\nThis is the home page, `content/_index.md`. \
Write posts in `content/blog/`, one Markdown file each; `kiln serve` shows every change as you \
save it.\n";

fn first_post(date: &str) -> String {
    format!(
        "+++\ntitle = \"The first post\"\ndescription = \"What this site is, and what comes next.\"\n\
         date = {date}\n[taxonomies]\ntags = [\"news\"]\n+++\n\
         This post is `content/blog/first-post.md`. Its front matter, between the `+++` lines, \
         gives its title, date and tags; the rest is Markdown.\n\n\
         ```rust\nfn main() {{\n    println!(\"Hello from Kiln\");\n}}\n```\n"
    )
}

/// A page with a template and optional `[extra]` keys.
fn page(title: &str, description: &str, template: &str, extra: &str, body: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("[extra]\n{extra}\n")
    };
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"{description}\"\ntemplate = \"{template}\"\n{extra}+++\n{body}\n"
    )
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() / 86_400);
    // 719,163 days from 1 January of year 1 to 1 January 1970.
    let date = i32::try_from(days + 719_163)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt);
    date.map_or_else(
        || "2026-01-01".to_owned(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// The example site, with the answers' URL as its `base_url`.
fn podcast(answers: &Answers) -> Files {
    let mut files: Files = example::FILES
        .iter()
        .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
        .collect();
    for (path, bytes) in &mut files {
        if path == "config.toml" {
            let text = String::from_utf8_lossy(bytes);
            let lines = text.lines().map(|line| {
                if line.starts_with("base_url") {
                    format!("base_url = \"{}\"", answers.url)
                } else {
                    line.to_owned()
                }
            });
            *bytes = (lines.collect::<Vec<_>>().join("\n") + "\n").into_bytes();
        }
    }
    files.push((".gitignore".to_owned(), GITIGNORE.as_bytes().to_vec()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_plausible_date() {
        let date = today();
        assert_eq!(date.len(), 10, "{date}");
        assert!(date.as_str() > "2024-01-01", "{date}");
    }

    #[test]
    fn the_podcast_template_is_the_example_site_with_the_answered_url() {
        let answers = Answers {
            url: "https://pods.test".into(),
            sass: true,
            highlighting: true,
            search: true,
            accounts: true,
        };
        let files = podcast(&answers);
        let config = files
            .iter()
            .find(|(path, _)| path == "config.toml")
            .unwrap();
        let config = String::from_utf8_lossy(&config.1);
        assert!(
            config.contains("base_url = \"https://pods.test\"\n"),
            "{config}"
        );
        assert!(config.contains("[auth]"), "{config}");
        for wanted in [
            "content/_index.md",
            "templates/base.html",
            "sass/style.scss",
        ] {
            assert!(files.iter().any(|(path, _)| path == wanted), "{wanted}");
        }
    }
}
