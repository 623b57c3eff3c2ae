//! `kiln init`: start a new site in an empty folder, from a small blank starter or from the
//! example podcast platform, asking what Zola's `init` asks (plus accounts) in a terminal and
//! taking the same answers as flags in scripts.

mod prompt;
mod starter;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::builder::BoolishValueParser;

pub use starter::Template;

/// Arguments of `kiln init`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
In a terminal, each question not answered by a flag is asked, with its default in brackets; \
--yes takes the defaults instead. Without a terminal the defaults are taken and printed. The \
podcast template is the whole example platform (Sass, highlighting, search and accounts \
included): it asks only for the URL.")]
pub struct InitArgs {
    /// The folder to create the site in; it must be empty or not exist yet.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// What to start from.
    #[arg(long, value_enum, default_value_t = Template::Blank)]
    pub template: Template,
    /// The site's URL once published (`base_url`).
    #[arg(long)]
    pub url: Option<String>,
    /// Compile sass/ to CSS [default: yes].
    #[arg(long, value_name = "yes|no", value_parser = BoolishValueParser::new())]
    pub sass: Option<bool>,
    /// Highlight the code in fenced blocks [default: no].
    #[arg(long, value_name = "yes|no", value_parser = BoolishValueParser::new())]
    pub highlighting: Option<bool>,
    /// Build a search index and a search page [default: no].
    #[arg(long, value_name = "yes|no", value_parser = BoolishValueParser::new())]
    pub search: Option<bool>,
    /// Sign-up and log-in pages, served by the accounts sidecar [default: no].
    #[arg(long, value_name = "yes|no", value_parser = BoolishValueParser::new())]
    pub accounts: Option<bool>,
    /// Take the default for every question not answered by a flag.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// What the new site is made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub url: String,
    pub sass: bool,
    pub highlighting: bool,
    pub search: bool,
    pub accounts: bool,
}

const DEFAULT_URL: &str = "https://example.com";

/// Runs `kiln init`: checks the folder, settles the answers, writes the site.
pub fn run(args: InitArgs) -> Result<(), String> {
    ensure_empty(&args.dir)?;
    let asking = !args.yes && std::io::stdin().is_terminal();
    let answers = if asking {
        let stdin = std::io::stdin();
        let mut terminal = prompt::Terminal::new(stdin.lock(), std::io::stdout());
        settle(&args, &mut terminal)?
    } else {
        let answers = settle(&args, &mut prompt::Defaults)?;
        if !args.yes {
            println!(
                "Not a terminal, so nothing was asked: {}",
                describe(&answers, args.template)
            );
        }
        answers
    };
    let written = starter::write(&args.dir, args.template, &answers)?;
    let shown = args.dir.display();
    println!("Created {written} files in {shown}. Next:");
    if args.dir != Path::new(".") {
        println!("  cd {shown}");
    }
    println!("  kiln serve     # http://127.0.0.1:1111, rebuilt as you edit");
    println!("  kiln build     # every page into dist/, for any static host");
    Ok(())
}

/// Every answer: a flag's where given, else the one asked (or the default).
pub fn settle(args: &InitArgs, ask: &mut dyn prompt::Ask) -> Result<Answers, String> {
    let url = match &args.url {
        Some(url) => url.clone(),
        None => ask.text("What is the URL of your site?", DEFAULT_URL)?,
    };
    let url = checked_url(&url)?;
    if args.template == Template::Podcast {
        // The platform needs all of these; a flag saying otherwise is a mistake worth naming.
        let refused = [
            ("--sass", args.sass),
            ("--highlighting", args.highlighting),
            ("--search", args.search),
            ("--accounts", args.accounts),
        ];
        if let Some((flag, _)) = refused.iter().find(|(_, answer)| *answer == Some(false)) {
            return Err(format!(
                "the podcast template uses Sass, highlighting, search and accounts, so \
                 `{flag} no` cannot apply; start from the blank template instead"
            ));
        }
        return Ok(Answers {
            url,
            sass: true,
            highlighting: true,
            search: true,
            accounts: true,
        });
    }
    let mut yes_no = |given: Option<bool>, question: &str, default: bool| match given {
        Some(answer) => Ok(answer),
        None => ask.yes_no(question, default),
    };
    Ok(Answers {
        url,
        sass: yes_no(args.sass, "Do you want to compile Sass?", true)?,
        highlighting: yes_no(args.highlighting, "Do you want to highlight code?", false)?,
        search: yes_no(args.search, "Do you want a search page?", false)?,
        accounts: yes_no(
            args.accounts,
            "Do you want accounts (sign-up and log-in through the kiln sidecar)?",
            false,
        )?,
    })
}

/// `base_url` must be an absolute http(s) URL: feeds and sitemaps need one.
fn checked_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host)
            if !host.is_empty() && !host.contains(char::is_whitespace) && !url.contains('"') =>
        {
            Ok(url.to_owned())
        }
        _ => Err(format!(
            "\"{url}\" is not a site URL: give one such as {DEFAULT_URL} (feeds and the sitemap \
             need the whole address)"
        )),
    }
}

fn describe(answers: &Answers, template: Template) -> String {
    let on = |b: bool| if b { "yes" } else { "no" };
    match template {
        Template::Podcast => format!("the podcast template at {}", answers.url),
        Template::Blank => format!(
            "url {}, sass {}, highlighting {}, search {}, accounts {}",
            answers.url,
            on(answers.sass),
            on(answers.highlighting),
            on(answers.search),
            on(answers.accounts)
        ),
    }
}

/// A new site goes into a folder that does not exist or holds nothing but hidden files (a
/// fresh `git init` is fine), so that no one's files are ever overwritten.
fn ensure_empty(dir: &Path) -> Result<(), String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let visible = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| !name.starts_with('.'));
    match visible {
        None => Ok(()),
        Some(name) => Err(format!(
            "{} is not empty (it has {name}), so kiln init will not write there: pick a new \
             folder, e.g. `kiln init my-site`",
            dir.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        init: InitArgs,
    }

    fn args(line: &[&str]) -> InitArgs {
        let words = std::iter::once("kiln-init").chain(line.iter().copied());
        Cli::try_parse_from(words).expect("valid arguments").init
    }

    #[test]
    fn flags_answer_and_only_unanswered_questions_are_asked() {
        let input = b"https://notes.example/\n\ny\n" as &[u8];
        let mut said = Vec::new();
        let mut terminal = prompt::Terminal::new(input, &mut said);
        let answers = settle(&args(&["--sass", "no", "--accounts", "yes"]), &mut terminal).unwrap();
        assert_eq!(
            answers,
            Answers {
                url: "https://notes.example".into(),
                sass: false,
                highlighting: false,
                search: true,
                accounts: true,
            }
        );
        let said = String::from_utf8(said).unwrap();
        assert!(
            said.contains("URL of your site? [https://example.com]"),
            "{said}"
        );
        assert!(said.contains("highlight code? [y/N]"), "{said}");
        assert!(
            !said.contains("Sass"),
            "answered by a flag, so not asked: {said}"
        );
    }

    #[test]
    fn a_bad_url_is_refused_with_an_example() {
        let error = settle(&args(&["--url", "example.com"]), &mut prompt::Defaults).unwrap_err();
        assert!(error.contains("https://example.com"), "{error}");
    }

    #[test]
    fn the_podcast_template_refuses_to_go_without_what_it_needs() {
        let error = settle(
            &args(&["--template", "podcast", "--search", "no", "-y"]),
            &mut prompt::Defaults,
        )
        .unwrap_err();
        assert!(error.contains("--search no"), "{error}");
    }

    #[test]
    fn a_folder_with_visible_files_is_refused_and_hidden_ones_are_fine() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(ensure_empty(dir.path()).is_ok());
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = ensure_empty(dir.path()).unwrap_err();
        assert!(error.contains("notes.txt"), "{error}");
    }
}
