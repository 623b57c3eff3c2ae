//! The single writer: one thread owns the write connection and commits queued jobs in batches.
//!
//! Every job runs in its own savepoint inside one transaction per batch, and its answer is sent
//! only after that transaction's `COMMIT` (with `synchronous=FULL`) returned. Jobs that arrive
//! while a commit is being flushed to disk share the next one: durability without one fsync each.

use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::DbError;

/// Enough to amortise an fsync over many requests, small enough to keep a batch short.
const MAX_BATCH: usize = 512;

trait Job: Send {
    /// Runs inside the batch's transaction; `false` rolls back this job's savepoint only.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Delivers the job's result once the batch is committed (or the commit's error).
    fn finish(self: Box<Self>, commit: Result<(), DbError>);
}

struct Task<T, F> {
    work: Option<F>,
    result: Option<Result<T, DbError>>,
    reply: oneshot::Sender<Result<T, DbError>>,
}

impl<T: Send, F: FnOnce(&Connection) -> Result<T, DbError> + Send> Job for Task<T, F> {
    fn run(&mut self, conn: &Connection) -> bool {
        let result = self
            .work
            .take()
            .map_or_else(|| Err(DbError::new("job ran twice")), |work| work(conn));
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), DbError>) {
        let result = match commit {
            Ok(()) => self
                .result
                .unwrap_or_else(|| Err(DbError::new("job never ran"))),
            Err(e) => Err(e),
        };
        // The requester may have gone away (client disconnected); the write still stands.
        let _ = self.reply.send(result);
    }
}

/// Handle to the writer thread; dropping the last one lets the thread finish its queue and stop.
pub struct Writer {
    jobs: Option<mpsc::Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn start(conn: Connection) -> Result<Writer, DbError> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("kiln-sidecar-writer".into())
            .spawn(move || run(conn, queue))
            .map_err(|e| DbError::new(format!("cannot start the database writer thread: {e}")))?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `work` in the next batch and answers once it is durably committed. An `Err` from
    /// `work` rolls back only its own changes.
    pub async fn write<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    {
        let answer = self.enqueue(work)?;
        answer
            .await
            .map_err(|_| DbError::new("the database writer stopped before answering"))?
    }

    /// Queues `work` without waiting for its commit (audit rows); a failure is logged.
    pub fn submit<F>(&self, work: F)
    where
        F: FnOnce(&Connection) -> Result<(), DbError> + Send + 'static,
    {
        let logged = move |conn: &Connection| {
            work(conn)
                .inspect_err(|e| tracing::error!(error = %e, "background database write failed"))
        };
        if let Err(error) = self.enqueue(logged) {
            tracing::error!(%error, "a background write was lost");
        }
    }

    fn enqueue<T, F>(&self, work: F) -> Result<oneshot::Receiver<Result<T, DbError>>, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let task = Box::new(Task {
            work: Some(work),
            result: None,
            reply,
        });
        match &self.jobs {
            Some(jobs) if jobs.send(task).is_ok() => Ok(answer),
            _ => Err(DbError::new("the database writer has stopped")),
        }
    }

    pub fn is_alive(&self) -> bool {
        self.thread
            .as_ref()
            .is_some_and(|thread| !thread.is_finished())
    }
}

impl Writer {
    /// Closes the queue and waits for the last batch, so a shutdown never leaves a write unanswered.
    pub fn stop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(mut conn: Connection, queue: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let commit = run_batch(&mut conn, &mut batch);
        if let Err(e) = &commit {
            tracing::error!(error = %e, jobs = batch.len(), "database batch failed to commit");
        }
        for job in batch {
            job.finish(commit.clone());
        }
    }
}

fn run_batch(conn: &mut Connection, batch: &mut [Box<dyn Job>]) -> Result<(), DbError> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in batch.iter_mut() {
        let savepoint = tx.savepoint()?;
        if job.run(&savepoint) {
            savepoint.commit()?;
        }
        // A savepoint dropped without commit rolls back to where it began.
    }
    tx.commit()?;
    Ok(())
}
