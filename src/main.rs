//! The `kiln` command line: parse arguments, run one subcommand, report errors in one place.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};

// Rendering churns through small allocations on every core; mimalloc's per-thread heaps
// measured markedly faster than the system allocator on 10,000-page sites.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about = "Pre-render a whole website to plain HTML"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a new site in an empty folder.
    Init(kiln::init::InitArgs),
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Build in memory, write nothing, and report what a reviewer would find: broken links
    /// and anchors, pages missing a title, description, h1, canonical or lang, images without
    /// alt or size, feeds that do not parse, podcast feeds directories would refuse.
    Check(CheckArgs),
    /// Build in memory, serve with live reload and the auth sidecar under /api.
    #[cfg(feature = "serve")]
    Serve(kiln::serve::ServeArgs),
}

/// Arguments of `kiln build`.
#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The site's root folder (with config.toml, content/, templates/, static/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/dist]. It is replaced only if the build succeeds.
    #[arg(long)]
    output_dir: Option<PathBuf>,
    /// Use this base URL instead of `base_url` from config.toml.
    #[arg(long)]
    base_url: Option<String>,
    /// Also render pages and sections marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

/// Arguments of `kiln check`.
#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The site's root folder (with config.toml, content/, templates/, static/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Use this base URL instead of `base_url` from config.toml.
    #[arg(long)]
    base_url: Option<String>,
    /// Also check pages and sections marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Do not check links to other sites (no network).
    #[arg(long)]
    offline: bool,
    /// Seconds a link to another site may take to answer.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// `text` for people, `json` for CI (the shape is in README.md).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result: Result<(), String> = match cli.command {
        Command::Init(args) => kiln::init::run(args),
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => kiln::serve::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Every diagnostic on its own `error:` line, then how many there were.
fn describe(error: &kiln::BuildError) -> String {
    let lines: Vec<String> = error.diagnostics.iter().map(ToString::to_string).collect();
    let mut text = lines.join("\nerror: ");
    if let Some(count) = error.count_line() {
        text.push('\n');
        text.push_str(&count);
    }
    text
}

/// `kiln build`: render, write atomically, print one line per stage and the summary.
fn build(args: BuildArgs) -> Result<(), String> {
    let started = Instant::now();
    let output_dir = args.output_dir.unwrap_or_else(|| args.root.join("dist"));
    let opts = kiln::BuildOptions {
        root: args.root,
        base_url: args.base_url,
        drafts: args.drafts,
        mode: kiln::Mode::Build,
    };
    let output = kiln::build(&opts, &output_dir).map_err(|e| {
        // Warnings first, as a successful build prints them: they may explain the errors.
        for warning in &e.warnings {
            eprintln!("warning: {warning}");
        }
        describe(&e)
    })?;
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    for stage in &output.stages {
        println!("{stage}");
    }
    println!("{}", output.summary(started.elapsed().as_millis()));
    // The process ends next: the OS takes the memory back faster than freeing each buffer.
    std::mem::forget(output);
    Ok(())
}

/// `kiln check`: the report on stdout (text or JSON), failing when it holds an error.
fn check(args: CheckArgs) -> Result<(), String> {
    let opts = kiln::check::CheckOptions {
        build: kiln::BuildOptions {
            root: args.root,
            base_url: args.base_url,
            drafts: args.drafts,
            mode: kiln::Mode::Build,
        },
        external: kiln::check::ExternalOptions {
            offline: args.offline,
            timeout: std::time::Duration::from_secs(args.timeout),
        },
    };
    let report = kiln::check::run(&opts);
    match args.format {
        Format::Text => print!("{}", report.text()),
        Format::Json => println!("{}", report.json()),
    }
    match report.errors() {
        0 => Ok(()),
        1 => Err("kiln check found 1 error".to_string()),
        n => Err(format!("kiln check found {n} errors")),
    }
}
