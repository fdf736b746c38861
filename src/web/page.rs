//! What every HTML page shares: the "as of" date the whole UI honours, links that keep it, the
//! navigation, and rendering through askama into an `AppError` on failure.

use askama::Template;
use axum::response::Html;
use chrono::NaiveDate;

use super::params::{self, Query, today_in_vietnam};
use crate::domain::deadline::format_vi;
use crate::domain::role::Role;
use crate::error::{AppError, Result};

/// The part of every page that the layout (`base.html`) reads.
#[derive(Debug, Clone)]
pub struct Layout {
    /// "Tình hình tại ngày": the date every count and category is computed for.
    pub as_of: NaiveDate,
    /// Whether the user chose the date (links then carry it); otherwise it is today.
    pub as_of_chosen: bool,
    /// The navigation entry to highlight: "overview", "tasks", "decisions", "units".
    pub nav: &'static str,
    /// The current path, for the date picker to come back to.
    pub path: String,
    /// The current query without `as_of`, carried by the date picker as hidden fields.
    pub carried: Vec<(String, String)>,
    /// Version of the stylesheet, so browsers may cache it for good.
    pub asset_version: &'static str,
    /// The signed-in user's name and role, for the header.
    pub user: Option<(String, &'static str)>,
    /// Whether the user may change tasks of some unit (shows "Nhiệm vụ của đơn vị tôi").
    pub has_units: bool,
    pub is_admin: bool,
    pub is_manager: bool,
    /// The session's CSRF token, for the forms a page renders.
    pub csrf: String,
}

impl Layout {
    /// Reads `as_of` from the query (a bad date is a 400 naming the field).
    pub fn from_query(query: &Query, nav: &'static str, path: &str) -> Result<Layout> {
        let chosen = params::date(query, "as_of").map_err(|e| {
            AppError::BadRequest(format!(
                "Ngày xem tình hình ({}) {}",
                e.parameter, e.message
            ))
        })?;
        let mut carried: Vec<(String, String)> = query
            .iter()
            .filter(|(k, v)| k.as_str() != "as_of" && k.as_str() != "page" && !v.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        carried.sort();
        let caller = crate::auth::current();
        Ok(Layout {
            as_of: chosen.unwrap_or_else(today_in_vietnam),
            as_of_chosen: chosen.is_some(),
            nav,
            path: path.to_owned(),
            carried,
            asset_version: super::assets::VERSION.as_str(),
            user: caller
                .as_ref()
                .map(|c| (c.user.name.clone(), c.user.role().label_vi())),
            has_units: caller.as_ref().is_some_and(|c| !c.user.unit_ids.is_empty()),
            is_admin: caller
                .as_ref()
                .is_some_and(|c| c.user.role() == Role::Admin),
            is_manager: caller
                .as_ref()
                .is_some_and(|c| c.user.role() == Role::Manager),
            csrf: caller.and_then(|c| c.csrf).unwrap_or_default(),
        })
    }

    /// dd/mm/yyyy of the as-of date.
    pub fn as_of_vi(&self) -> String {
        format_vi(self.as_of)
    }

    /// YYYY-MM-DD of the as-of date, for `<input type="date">`.
    pub fn as_of_iso(&self) -> String {
        self.as_of.format("%Y-%m-%d").to_string()
    }

    /// Whether the page shows today's situation.
    pub fn is_today(&self) -> bool {
        self.as_of == today_in_vietnam()
    }

    /// A link that keeps the chosen date.
    pub fn href(&self, path: &str) -> String {
        if !self.as_of_chosen {
            return path.to_owned();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}as_of={}", self.as_of_iso())
    }

    /// The CSS class of a navigation entry.
    pub fn nav_class(&self, entry: &str) -> &'static str {
        if self.nav == entry { "active" } else { "" }
    }
}

/// Renders a page, turning a template failure into a 500.
pub fn render(page: &impl Template) -> Result<Html<String>> {
    Ok(Html(page.render()?))
}

/// A query string of the non-empty parameters, sorted so that equal filters give equal links.
pub fn query_string(query: &Query) -> String {
    let mut pairs: Vec<(&String, &String)> = query.iter().filter(|(_, v)| !v.is_empty()).collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (form encoding, as browsers send it).
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// dd/mm/yyyy, or an empty string.
pub fn date_vi(date: Option<NaiveDate>) -> String {
    date.map(format_vi).unwrap_or_default()
}

/// One page of a list and the links of its numbered pager (`pager` in `_macros.html`).
#[derive(Debug, Clone)]
pub struct Pager {
    /// The page shown, from 1; a page past the end shows the last.
    pub page: i64,
    /// How many pages the list has (at least 1).
    pub count: i64,
    /// Items per page.
    pub per_page: i64,
    /// Items in the whole list.
    pub total: i64,
    /// The pages around the current one, each with its link.
    pub pages: Vec<(i64, String)>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Page `requested` of `total` items, `per_page` a page, linking page `p` with `link(p)`.
    pub fn new(requested: i64, total: i64, per_page: i64, link: impl Fn(i64) -> String) -> Pager {
        let count = ((total + per_page - 1) / per_page).max(1);
        let page = requested.clamp(1, count);
        Pager {
            page,
            count,
            per_page,
            total,
            pages: ((page - 3).max(1)..=(page + 3).min(count))
                .map(|p| (p, link(p)))
                .collect(),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < count).then(|| link(page + 1)),
        }
    }

    /// How many items come before this page.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Position (from 1) of the first item shown; 0 for an empty list.
    pub fn first(&self) -> i64 {
        (self.offset() + 1).min(self.total)
    }

    /// Position of the last item shown.
    pub fn last(&self) -> i64 {
        (self.offset() + self.per_page).min(self.total)
    }

    /// Whether the list runs to more than one page.
    pub fn is_paged(&self) -> bool {
        self.count > 1
    }

    /// This page's items of a list held whole in memory.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let len = usize::try_from(self.per_page).unwrap_or(0);
        &items[start..items.len().min(start.saturating_add(len))]
    }
}

/// A length as the pager counts it.
pub fn count(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}
