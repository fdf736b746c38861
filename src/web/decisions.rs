//! `/decisions` and `/decisions/{id}`: the plans, each read like the original document.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use sqlx::PgPool;

use super::params;
use crate::error::{AppError, Result};

/// `GET /decisions`
pub async fn list_decisions(
    State(_db): State<PgPool>,
    Query(_query): Query<params::Query>,
) -> Result<Html<String>> {
    Err(AppError::NotFound)
}

/// `GET /decisions/{id}`
pub async fn show_decision(
    State(_db): State<PgPool>,
    Path(_raw): Path<String>,
    Query(_query): Query<params::Query>,
) -> Result<Html<String>> {
    Err(AppError::NotFound)
}
