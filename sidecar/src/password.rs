//! Passwords: validated plaintext in, bcrypt hashes out, hashed on a bounded pool.

use std::fmt;
use std::sync::Arc;

use std::sync::{Mutex, mpsc};

use tokio::sync::{Semaphore, oneshot};

/// The cost every stored hash uses (~0.3 s per hash on one core of a small server).
pub const COST: u32 = 12;
/// Counted in characters, as people count: "naïveté!" is long enough.
const MIN_CHARS: usize = 8;
/// bcrypt ignores everything past 72 bytes; longer passwords are refused, never truncated.
const MAX_BYTES: usize = 72;

/// A password a person chose: at least 8 characters, at most 72 bytes of UTF-8, no NUL. `Debug` hides it.
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

impl Password {
    /// Checks bcrypt's real limits; the error is the message to show the person.
    pub fn parse(input: String) -> Result<Password, &'static str> {
        if input.is_empty() {
            return Err("Password is required");
        }
        if input.chars().count() < MIN_CHARS {
            return Err("Password must be at least 8 characters");
        }
        if input.len() > MAX_BYTES {
            return Err("Password must be at most 72 bytes");
        }
        if input.contains('\0') {
            return Err("Password must not contain NUL characters");
        }
        Ok(Password(input))
    }
}

/// A bcrypt hash. The only ways to get one are hashing a `Password` or reading one back from
/// the database, so plaintext can never be stored by mistake.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

impl PasswordHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn from_stored(stored: String) -> PasswordHash {
        PasswordHash(stored)
    }
}

/// A cost-12 hash of a random password nobody knows: verifying against it for unknown emails
/// makes their login take as long as a wrong password.
const DUMMY_HASH: &str = "$2b$12$8DqQGQ/C1TehCG.7y.xSCe8PCBOghN9PO9wfFUmvJh.OaeDAC2K66";

/// Why a hash job did not run.
#[derive(Debug, PartialEq, Eq)]
pub enum HashError {
    /// Every worker is busy and the queue is full: answer 503 and let the client retry.
    Busy,
    /// bcrypt itself failed (a corrupt stored hash), or the pool has stopped.
    Failed,
}

type Job = Box<dyn FnOnce() + Send>;

/// The bounded pool: `workers` threads of their own, at the lowest CPU priority, and at most
/// `queue` jobs waiting; anything more is refused at once. So a login flood can neither starve
/// `/health`, `/me` and `/refresh` of CPU nor pile up memory.
pub struct Hasher {
    admitted: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
}

impl Hasher {
    pub fn new(workers: usize, queue: usize) -> std::io::Result<Hasher> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..workers {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("kiln-bcrypt-{index}"))
                .spawn(move || work(&receiver))?;
        }
        Ok(Hasher {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            jobs,
        })
    }

    pub async fn hash(&self, password: Password) -> Result<PasswordHash, HashError> {
        // Not `non_truncating_hash`: it refuses exactly 72 bytes, although bcrypt keys on all 72
        // of them (only its own NUL terminator drops off). `Password::parse` caps the length.
        let hash = self
            .run(move || bcrypt::hash(password.0.as_bytes(), COST))
            .await?;
        Ok(PasswordHash(hash))
    }

    /// Checks `password` against `hash`, or against a dummy hash when there is no account.
    pub async fn verify(
        &self,
        password: Password,
        hash: Option<PasswordHash>,
    ) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.map_or_else(|| DUMMY_HASH.to_owned(), |h| h.0);
        let matches = self
            .run(move || bcrypt::verify(password.0.as_bytes(), &hash))
            .await?;
        Ok(matches && known)
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> bcrypt::BcryptResult<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| HashError::Busy)?;
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let result = job();
            drop(admitted);
            let _ = reply.send(result);
        });
        self.jobs.send(job).map_err(|_| HashError::Failed)?;
        match answer.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => {
                // Not the error itself: an `InvalidHash` carries the stored hash.
                tracing::error!("bcrypt refused a job: the stored hash is corrupt");
                Err(HashError::Failed)
            }
            Err(_) => Err(HashError::Failed),
        }
    }
}

/// A worker: lowest priority, then jobs until the `Hasher` is dropped.
fn work(jobs: &Mutex<mpsc::Receiver<Job>>) {
    use thread_priority::{ThreadPriority, set_current_thread_priority};
    if let Err(error) = set_current_thread_priority(ThreadPriority::Min) {
        tracing::warn!(?error, "cannot lower the priority of a hashing thread");
    }
    loop {
        let next = jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_outside_bcrypt_limits_are_refused() {
        assert!(Password::parse("short".into()).is_err());
        assert!(
            Password::parse("éééé".into()).is_err(),
            "8 bytes but 4 characters"
        );
        assert!(Password::parse("éééééééé".into()).is_ok());
        assert!(Password::parse("a".repeat(73)).is_err());
        assert!(Password::parse("with\0nul-inside".into()).is_err());
        assert!(
            Password::parse("é".repeat(36)).is_ok(),
            "72 bytes of UTF-8 fit"
        );
        assert!(Password::parse("é".repeat(37)).is_err(), "74 bytes do not");
    }

    #[tokio::test]
    async fn a_72_byte_password_hashes_and_every_byte_counts() {
        let hasher = Hasher::new(1, 1).unwrap();
        let full = "x".repeat(71) + "a";
        let hash = hasher
            .hash(Password::parse(full.clone()).unwrap())
            .await
            .unwrap();
        let right = hasher.verify(Password::parse(full).unwrap(), Some(hash.clone()));
        assert_eq!(right.await, Ok(true));
        let last_byte_differs = "x".repeat(71) + "b";
        let wrong = hasher.verify(Password::parse(last_byte_differs).unwrap(), Some(hash));
        assert_eq!(wrong.await, Ok(false));
    }

    #[tokio::test]
    async fn dummy_hash_has_the_real_cost_and_matches_nothing_common() {
        assert!(DUMMY_HASH.starts_with("$2b$12$"));
        let hasher = Hasher::new(1, 0).unwrap();
        let verdict = hasher
            .verify(Password::parse("password".into()).unwrap(), None)
            .await;
        assert_eq!(verdict, Ok(false));
    }

    #[tokio::test]
    async fn a_full_pool_refuses_at_once() {
        let hasher = Arc::new(Hasher::new(1, 0).unwrap());
        let busy = Arc::clone(&hasher);
        let first = tokio::spawn(async move {
            busy.hash(Password::parse("first-password".into()).unwrap())
                .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let second = hasher
            .hash(Password::parse("second-password".into()).unwrap())
            .await;
        assert_eq!(second.err(), Some(HashError::Busy));
        let hash = first.await.unwrap().unwrap();
        assert!(hash.as_str().starts_with("$2b$12$"));
    }
}
