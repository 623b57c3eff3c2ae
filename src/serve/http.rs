//! Accepts connections on the dev server's one origin until Ctrl-C, then drains them, with the
//! accept loop the sidecar crate exports (one loop for both servers).

use std::sync::Arc;
use std::time::Duration;

use kiln_sidecar::{ServeOptions, serve_http};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::routes::App;

/// How long in-flight requests may take to finish after Ctrl-C.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Serves `app` on `listener` until Ctrl-C; then ends event streams, lets in-flight requests
/// finish (a sign-up in progress completes) and returns.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: watch::Sender<bool>) {
    let options = ServeOptions {
        header_read_timeout: Duration::from_secs(10),
        drain_timeout: DRAIN_TIMEOUT,
        ..ServeOptions::default()
    };
    let handler = move |request, peer| {
        let app = app.clone();
        async move { app.handle(request, peer).await }
    };
    let ctrl_c = async move {
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("error: cannot listen for Ctrl-C ({error}); stopping");
        }
        println!("Stopping: finishing in-flight requests…");
        // Live-reload event streams never end by themselves: tell them to, so the drain can.
        let _ = shutdown.send(true);
    };
    serve_http(listener, options, handler, ctrl_c).await;
}
