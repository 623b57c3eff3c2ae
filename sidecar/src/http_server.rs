//! The HTTP/1 accept loop shared by the sidecar and `kiln serve`: accept until shutdown is
//! asked for, serve each connection with a header-read timeout, then drain in-flight requests.
//!
//! Connections are capped (`max_connections`, lowered to fit the process's descriptor limit),
//! so idle sockets can never fill the descriptor table: past the cap, each new connection
//! closes the oldest one that has no request in progress (an idle keep-alive or a client that
//! never sent its headers), and when every connection is busy the new one is refused at once.
//! Either way a new request, such as a health check, is served without waiting for a timeout.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc, watch};

/// How the loop treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Time a client has to send a request's headers before its connection is closed.
    pub header_read_timeout: Duration,
    /// Time in-flight requests get to finish once shutdown is asked for.
    pub drain_timeout: Duration,
    /// Open connections at most; lowered at start to the descriptor limit minus a reserve.
    pub max_connections: usize,
}

pub const DEFAULT_MAX_CONNECTIONS: usize = 1000;
/// Descriptors kept for everything but client connections: the database's files, the
/// listener, the runtime's own, a secrets file, logs.
const RESERVED_DESCRIPTORS: usize = 64;

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(30),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `handler` (called with each request and the peer's address) on `listener` until
/// `shutdown` resolves; then stops accepting, closes idle connections, and waits up to
/// `options.drain_timeout` for in-flight requests.
pub async fn serve_http<H, F, B>(
    listener: TcpListener,
    options: ServeOptions,
    handler: H,
    shutdown: impl Future<Output = ()>,
) where
    H: Fn(Request<Incoming>, SocketAddr) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .keep_alive(true);
    let open = Arc::new(Open::new(connection_cap(options.max_connections)));
    let (stop, stopping) = watch::channel(false);
    let (open_tasks, mut all_closed) = mpsc::channel::<()>(1);
    let mut warnings = Warnings::default();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    out_of_descriptors(&open, &mut warnings, &error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = open.admit() else {
            warnings.once_a_second(|| {
                tracing::warn!(
                    cap = open.cap,
                    "every connection is busy: refusing new ones"
                )
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            slot,
            open: Arc::clone(&open),
            _task: open_tasks.clone(),
        };
        let served = serve_one(
            &builder,
            stream,
            peer,
            handler.clone(),
            connection,
            stopping.clone(),
        );
        tokio::spawn(served);
    }
    drop(listener);
    let _ = stop.send(true);
    drop(open_tasks);
    tokio::select! {
        _ = all_closed.recv() => tracing::debug!("all connections closed"),
        () = tokio::time::sleep(options.drain_timeout) => tracing::warn!(
            "some requests were still running {:?} after shutdown; stopping anyway",
            options.drain_timeout
        ),
    }
}

/// Accepting failed (most often: no descriptor left). Frees one by closing the oldest idle
/// connection, logs at most once a second, and pauses briefly instead of spinning.
async fn out_of_descriptors(open: &Open, warnings: &mut Warnings, error: &std::io::Error) {
    let closed = open.shed_oldest_idle();
    warnings.once_a_second(|| {
        tracing::warn!(%error, open = open.len(), closed_an_idle_one = closed, "cannot accept a connection")
    });
    tokio::time::sleep(Duration::from_millis(if closed { 1 } else { 10 })).await;
}

/// Drives one connection until it ends, it is shed, or shutdown (then it finishes in-flight
/// requests and closes).
fn serve_one<H, F, B>(
    builder: &http1::Builder,
    stream: TcpStream,
    peer: SocketAddr,
    handler: H,
    connection: Connection,
    mut stopping: watch::Receiver<bool>,
) -> impl Future<Output = ()> + use<H, F, B>
where
    H: Fn(Request<Incoming>, SocketAddr) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let slot = Arc::clone(&connection.slot);
    let service = service_fn(move |request| {
        let busy = Busy::start(&slot);
        let answer = handler(request, peer);
        async move {
            let response = answer.await;
            drop(busy);
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    async move {
        let mut conn = pin!(conn);
        let slot = Arc::clone(&connection.slot);
        tokio::select! {
            ended = conn.as_mut() => return log_end(ended),
            () = slot.shed.notified() => {
                if slot.is_idle() {
                    return; // dropping the connection closes its socket
                }
            }
            _ = stopping.wait_for(|stop| *stop) => {}
        }
        conn.as_mut().graceful_shutdown();
        log_end(conn.await);
    }
}

fn log_end(ended: hyper::Result<()>) {
    // A client dropping its connection is routine: worth a debug line at most.
    if let Err(error) = ended {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// The effective cap: the configured one, lowered to what the descriptor limit allows.
fn connection_cap(configured: usize) -> usize {
    let Some(limit) = descriptor_limit() else {
        return configured.max(1);
    };
    let fits = limit.saturating_sub(RESERVED_DESCRIPTORS).max(1);
    if fits < configured {
        tracing::info!(
            descriptor_limit = limit,
            connections = fits,
            "connections capped below the configured {configured} to fit the descriptor limit (ulimit -n)"
        );
    }
    configured.min(fits).max(1)
}

/// The soft limit on open files, from `/proc/self/limits` (Linux; `None` elsewhere).
fn descriptor_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Open connections, oldest first, and the cap on them.
struct Open {
    cap: usize,
    slots: Mutex<(u64, BTreeMap<u64, Arc<Slot>>)>,
}

/// One open connection: its requests in progress, and the signal that sheds it.
struct Slot {
    id: u64,
    in_flight: AtomicUsize,
    shed: Notify,
}

impl Slot {
    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }
}

impl Open {
    fn new(cap: usize) -> Open {
        Open {
            cap,
            slots: Mutex::new((0, BTreeMap::new())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, BTreeMap<u64, Arc<Slot>>)> {
        self.slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn len(&self) -> usize {
        self.lock().1.len()
    }

    /// A slot for a new connection, shedding the oldest idle one at the cap; `None` when every
    /// open connection is busy.
    fn admit(&self) -> Option<Arc<Slot>> {
        if self.len() >= self.cap && !self.shed_oldest_idle() {
            return None;
        }
        let mut slots = self.lock();
        slots.0 += 1;
        let slot = Arc::new(Slot {
            id: slots.0,
            in_flight: AtomicUsize::new(0),
            shed: Notify::new(),
        });
        slots.1.insert(slot.id, Arc::clone(&slot));
        Some(slot)
    }

    /// Tells the oldest connection with no request in progress to close; `false` if none.
    fn shed_oldest_idle(&self) -> bool {
        let mut slots = self.lock();
        let oldest = slots
            .1
            .values()
            .find(|slot| slot.is_idle())
            .map(|slot| slot.id);
        match oldest.and_then(|id| slots.1.remove(&id)) {
            Some(slot) => {
                slot.shed.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A connection's registration; it leaves the open set when the connection ends.
struct Connection {
    slot: Arc<Slot>,
    open: Arc<Open>,
    /// Held until the connection ends, so the drain can wait for every connection.
    _task: mpsc::Sender<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.open.lock().1.remove(&self.slot.id);
    }
}

/// A request in progress on a connection (a connection with one is never shed).
struct Busy(Arc<Slot>);

impl Busy {
    fn start(slot: &Arc<Slot>) -> Busy {
        slot.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(slot))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Keeps a flood of refused connections or failed accepts to one log line a second.
#[derive(Default)]
struct Warnings {
    last: Option<Instant>,
}

impl Warnings {
    fn once_a_second(&mut self, log: impl FnOnce()) {
        if self
            .last
            .is_none_or(|last| last.elapsed() >= Duration::from_secs(1))
        {
            self.last = Some(Instant::now());
            log();
        }
    }
}
