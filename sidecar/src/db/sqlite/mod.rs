//! The SQLite store: one file, a writer thread committing in batches, a few readers.

mod checkpoint;
mod files;
mod login_limits;
mod migrations;
mod queries;
mod readers;
mod sessions;
mod store;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use files::{create_private, folder_of};
pub use login_limits::{charge_login_failure, forget_forgiven_failures, login_failure_wait};
pub use queries::{
    account_changes, account_generation, delete_expired, email_exists, find_user_by_email,
    insert_user, latest_change, record_audit,
};
pub use readers::Readers;
pub use sessions::{revoke_family_of, rotate, start_family};
pub use writer::Writer;

use super::DbError;

/// Read connections: enough for both cores to read while the writer commits.
const READERS: usize = 4;
/// Bytes the WAL file is cut back to after a burst (4 MiB).
const WAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;
/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One writer thread (all writes, batched into group commits) and a few readers.
pub struct Db {
    pub writer: Writer,
    pub readers: Readers,
    _checkpointer: checkpoint::Checkpointer,
}

impl Db {
    /// Opens (creating) the file, applies migrations and starts the writer thread.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let mut writer = connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        // WAL lets readers run during a commit; it is a property of the file, so set it once here.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // Checkpoints run on their own thread (below), not inside the writer's commits.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        // When a checkpoint lets the WAL start over, cut it back to this: a burst of writes
        // must not leave the file at its high-water mark for good.
        writer.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
        migrations::apply(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| connect_reader(path))
            .collect::<Result<Vec<_>, _>>()?;
        let checkpointer =
            checkpoint::Checkpointer::start(connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?)?;
        Ok(Db {
            writer: Writer::start(writer)?,
            readers: Readers::new(readers),
            _checkpointer: checkpointer,
        })
    }
}

/// Readers open read-write (WAL needs the shared-memory file) but refuse writes themselves.
fn connect_reader(path: &Path) -> Result<Connection, DbError> {
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, DbError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // FULL: a commit is on disk before its answer is sent; throughput comes from group commits.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::super::Backend;
    use super::*;

    #[tokio::test]
    async fn health_fails_once_the_writer_has_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("kiln.db")).unwrap();
        assert!(db.healthy().await.is_ok());
        db.writer.stop();
        let error = db.healthy().await.unwrap_err();
        assert!(error.message.contains("writer"), "{error}");
        let write = db.writer.write(|_| Ok(())).await;
        assert!(
            write.is_err(),
            "a stopped writer refuses work instead of hanging"
        );
    }
}
