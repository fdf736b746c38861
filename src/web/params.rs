//! Query-string parameters shared by the API and the pages: parsed one by one so that a bad
//! value is reported with the parameter's name.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta, Utc};

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
