//! Accepts connections on the dev server's one origin until Ctrl-C, then drains them.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::routes::App;

/// How long in-flight requests may take to finish after Ctrl-C.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Serves `app` on `listener` until Ctrl-C; then ends event streams, lets in-flight requests
/// finish (a sign-up in progress completes) and returns.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: watch::Sender<bool>) {
    let graceful = GracefulShutdown::new();
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: the next accept may well work.
                Err(error) => {
                    eprintln!("warning: cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            signal = &mut ctrl_c => {
                if let Err(error) = signal {
                    eprintln!("error: cannot listen for Ctrl-C ({error}); stopping");
                }
                break;
            }
        };
        let app = app.clone();
        let service = service_fn(move |request| {
            let app = app.clone();
            async move { Ok::<_, std::convert::Infallible>(app.handle(request, peer).await) }
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(10))
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A browser dropping a connection is routine, not worth a line in the log.
            let _ = connection.await;
        });
    }
    println!("Stopping: finishing in-flight requests…");
    drop(listener);
    let _ = shutdown.send(true);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "warning: some requests did not finish within {DRAIN_TIMEOUT:?}; stopping anyway"
        );
    }
}
