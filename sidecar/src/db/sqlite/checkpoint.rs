//! Background WAL checkpoints, so the writer never stalls copying pages into the main file.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::DbError;

/// Often enough that the WAL stays a few MiB under sustained writes.
const EVERY: Duration = Duration::from_millis(250);

/// A thread running passive checkpoints on its own connection; stops when dropped.
pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(conn: Connection) -> Result<Checkpointer, DbError> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kiln-sidecar-checkpoint".into())
            .spawn(move || run(&conn, &stopped))
            .map_err(|e| DbError::new(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        // PASSIVE never waits for the writer or readers; what it cannot copy now, it copies next time.
        let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            row.get::<_, i64>(0)
        });
        if let Err(error) = result {
            tracing::warn!(%error, "background checkpoint failed; will retry");
        }
    }
}
