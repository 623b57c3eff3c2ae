//! A small fixed set of read connections, used from tokio's blocking pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::DbError;

#[derive(Clone)]
pub struct Readers {
    inner: Arc<Inner>,
}

struct Inner {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Readers {
    pub fn new(conns: Vec<Connection>) -> Readers {
        let conns = conns.into_iter().map(Mutex::new).collect();
        Readers {
            inner: Arc::new(Inner {
                conns,
                next: AtomicUsize::new(0),
            }),
        }
    }

    /// For tiny queries on always-cached pages (the health check): runs on the calling thread
    /// when a connection is free, sparing two thread hand-offs; otherwise like `read`.
    pub async fn quick<T, F>(&self, query: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let query = match self
            .inner
            .conns
            .iter()
            .find_map(|conn| conn.try_lock().ok())
        {
            Some(conn) => return query(&conn).map_err(DbError::from),
            None => query,
        };
        self.read(query).await
    }

    /// Runs `query` on the next connection (round robin) off the async threads.
    pub async fn read<T, F>(&self, query: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let answer = tokio::task::spawn_blocking(move || {
            let index = inner.next.fetch_add(1, Ordering::Relaxed) % inner.conns.len();
            // A panic while holding the lock cannot leave SQLite half-done: reuse the connection.
            let conn = inner.conns[index]
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            query(&conn).map_err(DbError::from)
        })
        .await;
        answer.map_err(|e| DbError::new(format!("database read task failed: {e}")))?
    }
}
