//! `/units` and `/units/{id}`: every unit with its counts, and one unit's tasks.
use axum::extract::{Path, Query, State};
use axum::response::Html;
use sqlx::PgPool;

use super::params;
use crate::error::{AppError, Result};

/// `GET /units`
pub async fn list_units(
    State(_db): State<PgPool>,
    Query(_query): Query<params::Query>,
) -> Result<Html<String>> {
    Err(AppError::NotFound)
}

/// `GET /units/{id}`
pub async fn show_unit(
    State(_db): State<PgPool>,
    Path(_raw): Path<String>,
    Query(_query): Query<params::Query>,
) -> Result<Html<String>> {
    Err(AppError::NotFound)
}
