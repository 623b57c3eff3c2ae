//! `POST /refresh`, `POST /logout` and `GET /me`: the life of a session after login.

use hyper::header::AUTHORIZATION;
use hyper::{HeaderMap, StatusCode};
use serde_json::json;

use super::{Call, session_reply, sign, stored};
use crate::accounts::Known;
use crate::audit;
use crate::db::{Presented, Rotation};
use crate::reply::{Failure, Mode, Reply};
use crate::state::State;
use crate::tokens::{self, Kind};

/// Rotates the presented refresh token: the old one is spent, a new pair is issued. A token
/// spent earlier (outside the grace window) means it was copied: its whole family is revoked.
pub async fn refresh(state: &State, call: Call) -> Result<Reply, Failure> {
    let token = presented_refresh(state, &call).ok_or(Failure::Unauthorized)?;
    let claims = state
        .tokens
        .verify(Kind::Refresh, token)
        .map_err(|_| Failure::Unauthorized)?;
    // Before any database work: a flood of one session, or from one address, costs no write.
    let session_key = claims
        .sid
        .unwrap_or_else(|| -claims.sub.parse::<i64>().unwrap_or(0));
    state
        .limits
        .check_refresh(session_key, call.client.ip)
        .map_err(Failure::TooManyAttempts)?;
    let (Ok(access_id), Ok(refresh_id)) = (tokens::new_id(), tokens::new_id()) else {
        return Err(Failure::Internal);
    };
    let now = tokens::now();
    let (old, new) = (tokens::id_hash(&claims.jti), tokens::id_hash(&refresh_id));
    let expires_at = now + tokens::REFRESH_TTL_SECS;
    let grace = state.config.refresh_reuse_grace.as_secs();
    let old = Presented {
        id_hash: old,
        family: claims.sid,
        generation: claims.generation,
    };
    let rotation = state.db.rotate(old, new, expires_at, now, grace).await;
    match rotation.map_err(stored("cannot rotate a refresh token"))? {
        Rotation::Rotated { user, family } => {
            let session = sign(state, &user, (access_id, refresh_id), family, now)?;
            Ok(session_reply(state, &call, session, StatusCode::OK, None))
        }
        Rotation::Reused => {
            tracing::warn!(user = %claims.sub, "a spent refresh token was presented again; its session is revoked");
            audit::record(&state.db, "refresh", "reuse-revoked", &call.client, None);
            Err(Failure::Unauthorized)
        }
        Rotation::Refused => Err(Failure::Unauthorized),
    }
}

/// Revokes the session of the presented refresh token (if any) and clears the cookies. Always
/// succeeds: signing out twice, or with an expired session, is still signing out.
pub async fn logout(state: &State, call: Call) -> Result<Reply, Failure> {
    let claims = presented_refresh(state, &call)
        .and_then(|token| state.tokens.verify(Kind::Refresh, token).ok());
    if let Some(claims) = claims {
        let presented = Presented {
            id_hash: tokens::id_hash(&claims.jti),
            family: claims.sid,
            generation: 0,
        };
        let revoked = state.db.revoke_family_of(presented, tokens::now()).await;
        revoked.map_err(stored("cannot revoke a session"))?;
    }
    let reply = match call.mode {
        Mode::Form => Reply::redirect(&state.origins.safe_next(call.fields.get("next"))),
        Mode::Json => Reply::json(
            StatusCode::OK,
            &json!({ "success": true, "message": "Signed out" }),
        ),
    };
    Ok(reply.cookies(state.cookies.cleared()))
}

/// The user named by a valid access token, from `Authorization: Bearer` or the cookie. The
/// signature vouches for the claims; the account cache (no database read once an account is
/// cached) says whether the account still exists with the token's generation.
pub async fn me(state: &State, headers: &HeaderMap) -> Reply {
    let token = bearer(headers).or_else(|| state.cookies.access_token(headers));
    let claims = token.and_then(|token| state.tokens.verify(Kind::Access, token).ok());
    let user = claims.and_then(|claims| Some((claims.sub.parse::<i64>().ok()?, claims)));
    let Some((id, claims)) = user else {
        return Failure::Unauthorized.reply(Mode::Json, String::new);
    };
    match generation_of(state, id).await {
        Ok(Some(generation)) if generation == claims.generation => Reply::json(
            StatusCode::OK,
            &json!({ "success": true, "user": { "id": id, "fullname": claims.fullname, "email": claims.email } }),
        ),
        Ok(_) => Failure::Unauthorized.reply(Mode::Json, String::new),
        Err(failure) => failure.reply(Mode::Json, String::new),
    }
}

/// The account's current generation (`None`: deleted), from the cache or read once.
async fn generation_of(state: &State, id: i64) -> Result<Option<i64>, Failure> {
    if let Known::Generation(generation) = state.accounts.lookup(id) {
        return Ok(generation);
    }
    let mark = state.accounts.change_mark();
    let read = state.db.account_generation(id).await;
    let generation = read.map_err(stored("cannot read an account's generation"))?;
    state.accounts.remember(id, generation, mark);
    Ok(generation)
}

fn presented_refresh<'a>(state: &State, call: &'a Call) -> Option<&'a str> {
    call.fields
        .get("refreshToken")
        .or_else(|| state.cookies.refresh_token(&call.headers))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
