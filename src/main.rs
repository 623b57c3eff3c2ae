//! The `kiln` command line: parse arguments, run one subcommand, report errors in one place.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kiln", version, about = "Pre-render a whole website to plain HTML")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build,
    /// Build in memory, serve with live reload and the auth sidecar under /api.
    #[cfg(feature = "serve")]
    Serve(kiln::serve::ServeArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result: Result<(), String> = match cli.command {
        Command::Build => Err("kiln build is not built yet".into()),
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
