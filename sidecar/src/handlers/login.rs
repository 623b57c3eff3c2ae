//! `POST /login`: the same answer and the same work for an unknown email and a wrong password;
//! only failures count against the login limits, and a success marks the browser's device.

use hyper::StatusCode;

use super::{Call, session_reply, start_session, stored};
use crate::email::Email;
use crate::login_limits::{self, Counter};
use crate::password::Password;
use crate::rate_limit::RetryAfter;
use crate::reply::{Failure, Reply};
use crate::state::State;
use crate::tokens;

pub async fn login(state: &State, mut call: Call) -> Result<Reply, Failure> {
    state
        .limits
        .check_ip(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let email = Email::parse(call.fields.get("email").unwrap_or(""))
        .map_err(|e| Failure::Invalid(vec![("email", e)]))?;
    // A password outside bcrypt's limits cannot belong to any account (the rule is public):
    // refused without counting as a guess.
    let password =
        Password::parse(call.fields.take("password")).map_err(|_| Failure::InvalidCredentials)?;
    let device = state
        .cookies
        .device_token(&call.headers)
        .and_then(|token| state.tokens.verify_device(token, &email));
    let limits = &state.config.limits;
    let counters = login_limits::counters(limits, &email, call.client.ip, device.as_deref());
    let (stored, wait) = state
        .db
        .login_lookup(email.to_string(), counters.clone(), now_ms())
        .await
        .map_err(stored("cannot look up a user"))?;
    if let Some(wait) = wait {
        let wait = std::time::Duration::from_millis(wait);
        return Err(Failure::TooManyAttempts(RetryAfter(wait)));
    }
    let (user, hash) = match stored {
        Some(stored) => (Some(stored.user), Some(stored.hash)),
        None => (None, None),
    };
    let _slot = state
        .limits
        .hash_slot(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let matches = state.hasher.verify(password, hash).await?;
    let Some(user) = user.filter(|_| matches) else {
        charge_failure(state, counters).await?;
        return Err(Failure::InvalidCredentials);
    };
    let session = start_session(state, &user).await?;
    let device = device_cookie(state, &email, device)?;
    let reply = session_reply(state, &call, session, StatusCode::OK, None);
    Ok(reply.cookies(vec![device]))
}

/// Counts a failed login, durably, before it is answered: the next guess sees it.
async fn charge_failure(state: &State, counters: Vec<Counter>) -> Result<(), Failure> {
    state
        .db
        .charge_login_failure(counters, now_ms())
        .await
        .map_err(stored("cannot count a failed login"))
}

/// A fresh device cookie for this browser (keeping its id if it had one for this account).
fn device_cookie(state: &State, email: &Email, device: Option<String>) -> Result<String, Failure> {
    let id = match device {
        Some(id) => id,
        None => tokens::new_id().map_err(|_| Failure::Internal)?,
    };
    let ttl = crate::cookies::DEVICE_TTL_SECS;
    let token = state
        .tokens
        .issue_device(email, id, tokens::now(), ttl)
        .map_err(|_| Failure::Internal)?;
    Ok(state.cookies.device(&token))
}

fn now_ms() -> i64 {
    i64::try_from(tokens::now()).unwrap_or(i64::MAX / 1000) * 1000
}
