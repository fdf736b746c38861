//! `/`: Tổng quan, the overview as of a date.

use axum::extract::{Query, State};
use axum::response::Html;
use sqlx::PgPool;

use super::params;
use crate::error::{AppError, Result};

/// `GET /`
pub async fn overview(
    State(_db): State<PgPool>,
    Query(_query): Query<params::Query>,
) -> Result<Html<String>> {
    Err(AppError::NotFound)
}
