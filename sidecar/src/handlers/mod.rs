//! One handler per endpoint, and what they share: the parsed call and starting a session.

mod health;
mod login;
mod session;
mod signup;

pub use health::health;
pub use login::login;
pub use session::{logout, me, refresh};
pub use signup::signup;

use hyper::HeaderMap;
use hyper::StatusCode;
use serde_json::json;

use crate::body::Fields;
use crate::client::Client;
use crate::db::{DbError, User};
use crate::reply::{Failure, Mode, Reply};
use crate::state::State;
use crate::tokens::{self, Kind};

/// A POST that passed the origin and body checks.
pub struct Call {
    pub client: Client,
    pub mode: Mode,
    pub fields: Fields,
    pub headers: HeaderMap,
}

/// A signed access/refresh pair.
pub struct Session {
    access: String,
    refresh: String,
    /// For the signed-in hint cookie.
    fullname: String,
}

/// Issues a pair of tokens for `user` and records the new refresh-token family durably.
pub async fn start_session(state: &State, user: &User) -> Result<Session, Failure> {
    let now = tokens::now();
    let (access_id, refresh_id) = (tokens::new_id(), tokens::new_id());
    let (Ok(access_id), Ok(refresh_id)) = (access_id, refresh_id) else {
        return Err(Failure::Internal);
    };
    let refresh_hash = tokens::id_hash(&refresh_id);
    let (user_id, expires_at) = (user.id, now + tokens::REFRESH_TTL_SECS);
    let max_live = state.config.max_sessions_per_account;
    let family = state
        .db
        .start_family(user_id, refresh_hash, expires_at, now, max_live)
        .await
        .map_err(stored("cannot record a new session"))?;
    sign(state, user, (access_id, refresh_id), family, now)
}

/// Signs an access token and a refresh token of session `family` with the given ids.
pub fn sign(
    state: &State,
    user: &User,
    (access_id, refresh_id): (String, String),
    family: i64,
    now: u64,
) -> Result<Session, Failure> {
    let access = state.tokens.issue(Kind::Access, user, access_id, now, None);
    let refresh = state
        .tokens
        .issue(Kind::Refresh, user, refresh_id, now, Some(family));
    match (access, refresh) {
        (Ok(access), Ok(refresh)) => Ok(Session {
            access,
            refresh,
            fullname: user.fullname.clone(),
        }),
        _ => Err(Failure::Internal),
    }
}

/// The success answer carrying a session: JSON with both tokens, or a form's 303 to `next`.
pub fn session_reply(
    state: &State,
    call: &Call,
    session: Session,
    json_status: StatusCode,
    json_body: Option<serde_json::Value>,
) -> Reply {
    let cookies = state
        .cookies
        .session(&session.access, &session.refresh, &session.fullname);
    let reply = match call.mode {
        Mode::Form => Reply::redirect(&state.origins.safe_next(call.fields.get("next"))),
        Mode::Json => {
            let body = json_body.unwrap_or_else(|| {
                json!({ "success": true, "accessToken": session.access, "refreshToken": session.refresh })
            });
            Reply::json(json_status, &body)
        }
    };
    reply.cookies(cookies)
}

/// Logs a failed store operation and answers it: `503` + `Retry-After` when the database
/// cannot be reached (it may be restarting: a retry soon will do), `500` otherwise. The
/// driver's message goes to the log only.
pub fn stored(what: &'static str) -> impl FnOnce(DbError) -> Failure {
    move |error| {
        if error.unavailable {
            tracing::warn!(%error, "{what}: the database is unavailable");
            Failure::Unavailable
        } else {
            tracing::error!(%error, "{what}");
            Failure::Internal
        }
    }
}
