//! Query-string parameters shared by the API and the pages: parsed one by one so that a bad
//! value is reported with the parameter's name. `check_input`, in front of every route, refuses
//! what no handler should ever see.

use std::collections::HashMap;

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeDelta, Utc};
use serde_json::json;

use crate::domain::limits;

/// A parameter that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    pub parameter: &'static str,
    pub message: String,
}

/// Today in Vietnam (UTC+7 all year, no daylight saving).
pub fn today_in_vietnam() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(7)).date_naive()
}

/// The raw query string as a map; a repeated key keeps its last value.
pub type Query = HashMap<String, String>;

/// A non-empty, trimmed value.
pub fn text(query: &Query, key: &str) -> Option<String> {
    query
        .get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `YYYY-MM-DD`, or `dd/mm/yyyy` as Vietnamese users type it.
pub fn date(query: &Query, key: &'static str) -> Result<Option<NaiveDate>, BadParam> {
    let Some(raw) = text(query, key) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&raw, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| BadParam {
            parameter: key,
            message: format!("\"{raw}\" không phải ngày hợp lệ (dạng YYYY-MM-DD)"),
        })
}

/// A positive whole number within `max`.
pub fn positive(query: &Query, key: &'static str, default: i64, max: i64) -> Result<i64, BadParam> {
    let Some(raw) = text(query, key) else {
        return Ok(default);
    };
    match raw.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(BadParam {
            parameter: key,
            message: format!("\"{raw}\" không hợp lệ: cần số nguyên từ 1 đến {max}"),
        }),
    }
}

/// A value that must parse with `parse`, named `what` in the message.
pub fn parsed<T>(
    query: &Query,
    key: &'static str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, BadParam> {
    match text(query, key) {
        None => Ok(None),
        Some(raw) => parse(&raw).map(Some).ok_or_else(|| BadParam {
            parameter: key,
            message: format!("\"{raw}\" không phải {what} hợp lệ"),
        }),
    }
}

/// A 400 naming the parameter: JSON under `/api/`, the error page elsewhere.
fn refuse(path: &str, parameter: &str, message: String) -> Response {
    if path.starts_with("/api/") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "bad_parameter", "parameter": parameter, "message": message })),
        )
            .into_response();
    }
    crate::error::error_page(
        StatusCode::BAD_REQUEST,
        format!("Tham số \"{parameter}\" {message}"),
    )
}

/// What is wrong with one parameter or field, if anything.
fn fault(value: &str) -> Option<String> {
    limits::too_long(value, limits::QUERY_VALUE)
        .then(|| format!("quá dài (tối đa {} ký tự).", limits::QUERY_VALUE))
}

/// Middleware in front of every route: every query parameter is bounded in length, checked
/// once here rather than in each handler.
pub async fn check_input(request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query() {
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if let Some(message) = fault(&key).or_else(|| fault(&value)) {
                let key = limits::truncate(&key, 40).to_owned();
                return refuse(request.uri().path(), &key, message);
            }
        }
    }
    next.run(request).await
}
