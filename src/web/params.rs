//! Query-string parameters shared by the API and the pages: parsed one by one so that a bad
//! value is reported with the parameter's name. `check_input`, in front of every route, refuses
//! what no handler should ever see.

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
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
    let parsed = NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&raw, "%d/%m/%Y"))
        .map_err(|_| BadParam {
            parameter: key,
            message: format!("\"{raw}\" không phải ngày hợp lệ (dạng YYYY-MM-DD)"),
        })?;
    // chrono reads years PostgreSQL cannot hold (before 4713 BC); no plan is dated outside
    // four-digit years anyway.
    if !(1..=9999).contains(&parsed.year()) {
        return Err(BadParam {
            parameter: key,
            message: format!("\"{raw}\" nằm ngoài khoảng ngày cho phép (năm 1 đến 9999)"),
        });
    }
    Ok(Some(parsed))
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

/// Where a bad value came from, for the message.
#[derive(Clone, Copy)]
enum Source {
    Query,
    Form,
}

/// A 400 naming the parameter or field: JSON under `/api/`, the error page elsewhere.
fn refuse(path: &str, source: Source, name: &str, message: String) -> Response {
    if path.starts_with("/api/") {
        let body = match source {
            Source::Query => {
                json!({ "error": "bad_parameter", "parameter": name, "message": message })
            }
            Source::Form => json!({ "error": "invalid", "field": name, "message": message }),
        };
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let what = match source {
        Source::Query => "Tham số",
        Source::Form => "Trường",
    };
    crate::error::error_page(
        StatusCode::BAD_REQUEST,
        format!("{what} \"{name}\" {message}"),
    )
}

/// What is wrong with one parameter or field, if anything: PostgreSQL cannot store a NUL
/// character in text, and nothing legitimate is longer than `max`.
fn fault(value: &str, max: usize) -> Option<String> {
    if value.contains('\0') {
        return Some("chứa ký tự không hợp lệ (NUL).".to_owned());
    }
    limits::too_long(value, max).then(|| format!("quá dài (tối đa {max} ký tự)."))
}

/// The first fault among url-encoded pairs: (name, message).
fn first_fault(pairs: &[u8], max: usize) -> Option<(String, String)> {
    form_urlencoded::parse(pairs).find_map(|(key, value)| {
        let message = fault(&key, limits::SHORT).or_else(|| fault(&value, max))?;
        // A name is shown as typed, less what cannot be shown.
        let name: String = limits::truncate(&key, 40).replace('\0', "\\0");
        Some((name, message))
    })
}

/// Largest url-encoded form body (the forms of this site are a few KB).
const MAX_FORM_BYTES: usize = 1 << 20;

/// Middleware in front of every route, the one place that refuses what no handler should see:
/// a query parameter or an url-encoded form field holding a NUL character, or a query parameter
/// longer than any may be. (Multipart and JSON bodies are read by `crate::web::updates`, which
/// checks their fields the same way.)
pub async fn check_input(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if let Some((name, message)) = request
        .uri()
        .query()
        .and_then(|query| first_fault(query.as_bytes(), limits::QUERY_VALUE))
    {
        return refuse(&path, Source::Query, &name, message);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return crate::error::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Biểu mẫu quá lớn (tối đa {} KB).", MAX_FORM_BYTES / 1024),
        );
    };
    // Lengths are each form's own business (the sign-in counts an over-long attempt).
    if let Some((name, message)) = first_fault(&bytes, MAX_FORM_BYTES) {
        return refuse(&path, Source::Form, &name, message);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(key: &str, value: &str) -> Query {
        Query::from([(key.to_owned(), value.to_owned())])
    }

    #[test]
    fn dates_outside_four_digit_years_are_refused_by_name() {
        for raw in ["-5000-01-01", "0000-12-31", "10000-01-01", "-4714-11-24"] {
            let error = date(&query("as_of", raw), "as_of").expect_err(raw);
            assert_eq!(error.parameter, "as_of");
        }
        assert!(date(&query("as_of", "01/07/2022"), "as_of").is_ok_and(|d| d.is_some()));
        assert!(date(&query("as_of", "9999-12-31"), "as_of").is_ok_and(|d| d.is_some()));
    }

    #[test]
    fn a_nul_or_an_over_long_value_is_found_with_its_name() {
        assert_eq!(
            first_fault(b"a=1&decision=%00", 10).map(|(n, _)| n),
            Some("decision".to_owned())
        );
        assert_eq!(
            first_fault(b"a%00b=1", 10).map(|(n, _)| n),
            Some("a\\0b".to_owned())
        );
        assert_eq!(
            first_fault(b"q=12345678901", 10).map(|(n, _)| n),
            Some("q".to_owned())
        );
        assert_eq!(first_fault(b"q=du+lieu&as_of=2022-07-01", 10), None);
    }
}
