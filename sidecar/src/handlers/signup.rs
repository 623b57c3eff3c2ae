//! `POST /signup`: validate, hash on the pool, insert; the email stays unique under any race.

use hyper::StatusCode;
use serde_json::json;

use super::{Call, session_reply, start_session, stored};
use crate::db::NewUser;
use crate::email::Email;
use crate::password::Password;
use crate::reply::{Failure, Reply};
use crate::state::State;

const MAX_NAME_CHARS: usize = 100;

pub async fn signup(state: &State, mut call: Call) -> Result<Reply, Failure> {
    state
        .limits
        .check_ip(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let (fullname, email, password) = validate(&mut call)?;
    let Some(_claim) = state.signups.claim(&email) else {
        return Err(Failure::EmailTaken);
    };
    let exists = state.db.email_exists(email.to_string()).await;
    if exists.map_err(stored("cannot look up an email"))? {
        return Err(Failure::EmailTaken);
    }
    let _slot = state
        .limits
        .hash_slot(call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let hash = state.hasher.hash(password).await?;
    let new = NewUser {
        fullname,
        email,
        hash,
    };
    let user = state
        .db
        .insert_user(new)
        .await
        .map_err(stored("cannot insert a user"))?
        .ok_or(Failure::EmailTaken)?;
    let session = start_session(state, &user).await?;
    let body = json!({ "success": true, "user": user });
    Ok(session_reply(
        state,
        &call,
        session,
        StatusCode::CREATED,
        Some(body),
    ))
}

fn validate(call: &mut Call) -> Result<(String, Email, Password), Failure> {
    let fullname = check_name(call.fields.get("fullname").unwrap_or(""));
    let email = Email::parse(call.fields.get("email").unwrap_or(""));
    let password = Password::parse(call.fields.take("password"));
    match (fullname, email, password) {
        (Ok(fullname), Ok(email), Ok(password)) => Ok((fullname, email, password)),
        (fullname, email, password) => {
            let errors = [
                ("fullname", fullname.err()),
                ("email", email.err()),
                ("password", password.err()),
            ];
            Err(Failure::Invalid(
                errors
                    .into_iter()
                    .filter_map(|(field, e)| Some((field, e?)))
                    .collect(),
            ))
        }
    }
}

fn check_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Full name is required");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err("Full name must be at most 100 characters");
    }
    if crate::text::has_invisible(name) {
        return Err("Full name must not contain invisible or text-direction characters");
    }
    Ok(name.to_owned())
}
