//! `kiln serve`: build in memory, serve it with the sidecar under `/api`, watch and live-reload.

mod allowed_hosts;
mod build_loop;
mod byte_range;
mod headers;
mod http;
mod live_reload;
mod resolve;
mod routes;
mod snapshot;
mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use kiln_sidecar::Sidecar;
use tokio::net::TcpListener;

use crate::BuildOptions;
use allowed_hosts::AllowedHosts;
use build_loop::GuardedRebuilder;
use routes::App;
use watch::SourceWatcher;

/// Arguments of `kiln serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Builds the site in memory (nothing is written to dist/) with the base URL set to the local \
address, and serves it. A site with an [auth] table in config.toml gets the accounts sidecar \
on the same origin, so sign-up and log-in work out of the box; its accounts and secrets live \
in <ROOT>/.kiln/ (git-ignored).

Edits to content/, templates/, static/ and config.toml rebuild only what they affect; open \
pages reload by themselves (stylesheets swap in place), and a build error shows over the last \
good page until it is fixed.")]
pub struct ServeArgs {
    /// The site's root folder (with config.toml, content/, templates/, static/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The interface to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: IpAddr,
    /// The port to listen on; 0 picks a free one (the address is printed).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Also render pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Also answer requests addressed to this host name (repeatable). IP addresses and
    /// `localhost` always work; other names are refused, so that no web page can read the
    /// site through DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
}

/// Runs the development server until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<(), String> {
    // The sidecar reports through `tracing`; without a subscriber its warnings would be lost.
    // `try_init` leaves one a host program installed in place.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(colours)
        .try_init();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?
        .block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let root = std::fs::canonicalize(&args.root)
        .map_err(|e| format!("cannot open the site folder {}: {e}", args.root.display()))?;
    // Started in the wrong folder, serving would only show an error page (and, with accounts,
    // leave a database behind there): stop before anything is created.
    if !root.join("config.toml").is_file() {
        return Err(format!(
            "there is no config.toml in {}, so it is not a site's folder: run kiln serve in \
             one, pass --root DIR, or start a new site with `kiln init DIR`",
            root.display()
        ));
    }
    let wanted = SocketAddr::new(args.interface, args.port);
    let listener = TcpListener::bind(wanted).await.map_err(|e| {
        format!("cannot listen on {wanted}: {e} (is another server using it? try --port 0)")
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {wanted}: {e}"))?;
    let site_url = format!("http://{}", browsable(address));
    let hosts = &args.allow_hosts;
    let sidecar = match accounts_prefix(&root) {
        Some(prefix) => Some(start_sidecar(&root, address, prefix, hosts).await?),
        None => None,
    };
    let mounted = sidecar
        .as_ref()
        .map(|sidecar| sidecar.config().public_url_prefix.clone());

    let (changes_sender, changes) = std::sync::mpsc::channel();
    let watcher = SourceWatcher::start(&root, extra_highlighting_files(&root), changes_sender)?;
    let options = BuildOptions {
        root,
        base_url: Some(site_url.clone()),
        drafts: args.drafts,
        mode: crate::config::Mode::Serve,
    };
    let (builder, first) = tokio::task::spawn_blocking(move || {
        let mut builder = GuardedRebuilder::new(options);
        let first = builder.first_build(start_generation());
        (builder, first)
    })
    .await
    .map_err(|e| format!("the first build crashed: {e}"))?;
    if let Some(prefix) = &mounted {
        warn_of_shadowed_pages(&first, prefix);
    }
    let (publish, snapshots) = tokio::sync::watch::channel(Arc::new(first));
    let accounts = mounted.clone();
    std::thread::Builder::new()
        .name("kiln rebuild".into())
        .spawn(move || build_loop::run(builder, watcher, changes, publish, accounts))
        .map_err(|e| format!("cannot start the rebuild thread: {e}"))?;

    let (shutdown, shutdown_signal) = tokio::sync::watch::channel(false);
    let app = Arc::new(App {
        allowed_hosts: AllowedHosts::new(&args.allow_hosts),
        snapshots,
        sidecar,
        shutdown: shutdown_signal,
    });
    match &mounted {
        Some(prefix) => {
            println!("Serving {site_url}/ with accounts under {site_url}{prefix} (Ctrl-C to stop)")
        }
        None => println!(
            "Serving {site_url}/ (Ctrl-C to stop); config.toml has no [auth] table, so no \
             accounts sidecar"
        ),
    }
    http::serve(listener, app, shutdown).await;
    Ok(())
}

/// The sidecar answers every path under its prefix, so site pages there can never be seen.
fn warn_of_shadowed_pages(snapshot: &snapshot::Snapshot, prefix: &str) {
    let Some(site) = &snapshot.site else { return };
    let folder = format!("{}/", prefix.trim_start_matches('/'));
    if let Some(hidden) = site.files.keys().find(|key| key.starts_with(&folder)) {
        eprintln!(
            "warning: the accounts sidecar answers under {prefix}/, which hides /{hidden} (and \
             anything else there); move those pages or set [auth] url in config.toml"
        );
    }
}

/// Mounts the sidecar's library in this process, its database and secrets under `<root>/.kiln/`,
/// accepting form posts from this server's own origins, `--allow-host` names included.
async fn start_sidecar(
    root: &Path,
    address: SocketAddr,
    prefix: String,
    allowed_hosts: &[String],
) -> Result<Sidecar, String> {
    let state_dir = root.join(".kiln");
    // Private, like the folder the sidecar makes for itself: it holds hashes, emails and secrets.
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&state_dir)
        .map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
    // Keeps the dev database and its secrets out of git without touching the site's .gitignore.
    let ignore = state_dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# Created by `kiln serve`: local accounts and secrets.\n*\n",
        )
        .map_err(|e| format!("cannot write {}: {e}", ignore.display()))?;
    }
    let port = address.port();
    let mut origins = vec![
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ];
    let own = format!("http://{}", browsable(address));
    let named = allowed_hosts
        .iter()
        .map(|host| format!("http://{host}:{port}"));
    for origin in std::iter::once(own).chain(named) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    let config = kiln_sidecar::Config {
        listen: address,
        db_path: state_dir.join("kiln.db"),
        allowed_origins: origins,
        public_url_prefix: prefix,
        development: true,
        ..kiln_sidecar::Config::default()
    };
    Sidecar::start(config)
        .await
        .map_err(|e| format!("cannot start the account sidecar: {e}"))
}

/// Where the site's forms post to, when it has accounts: the path of `[auth] url` in
/// `config.toml` (default `/api`); `None` without an `[auth]` table. A URL on another host cannot
/// be served here, so the sidecar then stays at `/api`.
fn accounts_prefix(root: &Path) -> Option<String> {
    const DEFAULT: &str = "/api";
    let url = match crate::config::load(root, None) {
        Ok(loaded) => loaded.config.auth?.url,
        // A config that does not load is reported by the first build; until it is fixed, its
        // `[auth]` table decides, if the file is TOML at all.
        Err(_) => {
            let text = std::fs::read_to_string(root.join("config.toml")).ok()?;
            let table: toml::Table = text.parse().ok()?;
            let auth = table.get("auth")?;
            let url = auth.get("url").and_then(toml::Value::as_str);
            url.unwrap_or(DEFAULT).to_owned()
        }
    };
    Some(match url.trim_end_matches('/') {
        "" => DEFAULT.to_owned(),
        path if path.starts_with('/') => path.to_owned(),
        _ => {
            eprintln!(
                "warning: [auth] url = \"{url}\" is on another host, so the site's forms post \
                 there; the local sidecar answers under {DEFAULT}"
            );
            DEFAULT.to_owned()
        }
    })
}

/// The `extra_grammars` and `extra_themes` files `config.toml` lists when the server starts,
/// which the watcher follows wherever they lie (a file listed later needs a restart).
fn extra_highlighting_files(root: &Path) -> Vec<PathBuf> {
    let Ok(loaded) = crate::config::load(root, None) else {
        return Vec::new();
    };
    let Some(highlighting) = loaded.config.markdown.highlighting else {
        return Vec::new();
    };
    let files = highlighting.extra_grammars.iter();
    files
        .chain(&highlighting.extra_themes)
        .map(|rel| root.join(rel.trim_start_matches("./")))
        .collect()
}

/// The address to put in links: a wildcard interface is reached through loopback.
fn browsable(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), address.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), address.port())
        }
        _ => address,
    }
}

/// The first generation number: the start time in milliseconds, so that a page left open
/// across a restart sees a different generation and reloads.
fn start_generation() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_millis() as u64)
}
