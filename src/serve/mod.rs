//! `kiln serve`: build in memory, serve it with the sidecar under `/api`, watch and live-reload.

use std::path::PathBuf;

/// Arguments of `kiln serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The site's root folder (with config.toml, content/, templates/, static/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The interface to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// The port to listen on.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Also render pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}

/// Runs the development server until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<(), String> {
    let _ = args;
    Err("kiln serve is not built yet".into())
}
