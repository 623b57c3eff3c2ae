//! Emails with a signup in progress, so a second signup of one email does not cost a second hash.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::email::Email;

/// Emails with a signup being processed. A second signup for the same email while the first
/// is hashing is answered 409 at once instead of spending a second hash on a sure conflict.
#[derive(Default)]
pub struct SignupsInFlight(Mutex<HashSet<Email>>);

/// Releases the email when the signup finishes, whichever way.
pub struct Claim<'a> {
    set: &'a SignupsInFlight,
    email: Email,
}

impl SignupsInFlight {
    pub fn claim(&self, email: &Email) -> Option<Claim<'_>> {
        let mut set = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        set.insert(email.clone()).then(|| Claim {
            set: self,
            email: email.clone(),
        })
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut set = self
            .set
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        set.remove(&self.email);
    }
}
