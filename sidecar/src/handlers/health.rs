//! `GET /health`: liveness plus a database round trip.

use hyper::StatusCode;
use serde_json::json;

use crate::reply::Reply;
use crate::state::State;

pub async fn health(state: &State) -> Reply {
    match state.db.healthy().await {
        Ok(()) => Reply::json(StatusCode::OK, &json!({ "success": true, "status": "ok" })),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            Reply::json(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({ "success": false, "status": "database unavailable" }),
            )
        }
    }
}
