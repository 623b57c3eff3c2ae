//! `POST /login`: the same answer and the same work for an unknown email and a wrong password.

use hyper::StatusCode;

use super::{Call, internal, session_reply, start_session};
use crate::db;
use crate::email::Email;
use crate::password::Password;
use crate::reply::{Failure, Reply};
use crate::state::State;

pub async fn login(state: &State, mut call: Call) -> Result<Reply, Failure> {
    state
        .limits
        .check_ip(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let email = Email::parse(call.fields.get("email").unwrap_or(""))
        .map_err(|e| Failure::Invalid(vec![("email", e)]))?;
    // A password outside bcrypt's limits cannot belong to any account; the rule is public.
    let password =
        Password::parse(call.fields.take("password")).map_err(|_| Failure::InvalidCredentials)?;
    state
        .limits
        .check_account(&email)
        .map_err(Failure::TooManyAttempts)?;
    let key = email.to_string();
    let stored = state
        .db
        .readers
        .read(move |conn| db::find_user_by_email(conn, &key))
        .await;
    let stored = stored.map_err(internal("cannot look up a user"))?;
    let (user, hash) = match stored {
        Some(stored) => (Some(stored.user), Some(stored.hash)),
        None => (None, None),
    };
    let _slot = state
        .limits
        .hash_slot(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let matches = state.hasher.verify(password, hash).await?;
    let user = user
        .filter(|_| matches)
        .ok_or(Failure::InvalidCredentials)?;
    let session = start_session(state, &user).await?;
    Ok(session_reply(state, &call, session, StatusCode::OK, None))
}
