//! `GET /healthz`: liveness, answered without touching anything (the process serves requests).
//! `GET /readyz`: readiness, whether requests can be served now: the database answers and has
//! every migration this binary expects; 503 otherwise.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// Always "ok".
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 `{"status":"ready"}`, or 503 saying what is missing.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let not_ready = |reason: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not_ready", "reason": reason })),
        )
            .into_response()
    };
    match crate::db::bootstrap::pending_migrations(&state.db).await {
        Ok(pending) if pending.is_empty() => Json(json!({ "status": "ready" })).into_response(),
        Ok(pending) => not_ready(format!("chưa áp dụng migration {pending:?}")),
        Err(error) => {
            crate::db::pool::note(&error);
            tracing::warn!(?error, "chưa sẵn sàng: không truy cập được cơ sở dữ liệu");
            not_ready("không truy cập được cơ sở dữ liệu".to_owned())
        }
    }
}
