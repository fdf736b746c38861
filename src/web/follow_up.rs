//! What the follow-up pages (rounds, explanations, programmes) share: their small url-encoded
//! forms, the refusal of a forged or stale form, and making this process see its own write at
//! once.

use axum::extract::Form;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::params;
use crate::auth::Caller;
use crate::domain::ids::TaskId;
use crate::state::AppState;

/// The fields of a url-encoded form, in order; a key may repeat (checkboxes).
pub struct Fields(pub Vec<(String, String)>);

/// Reads a url-encoded form into `Fields`.
pub type FormFields = Form<Vec<(String, String)>>;

impl Fields {
    pub fn new(form: FormFields) -> Fields {
        Fields(form.0)
    }

    /// The last value of `key`, trimmed; None when absent or blank.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A date typed as dd/mm/yyyy (or YYYY-MM-DD); the message names the field.
    pub fn date(
        &self,
        key: &'static str,
        what: &str,
    ) -> Result<Option<NaiveDate>, (&'static str, String)> {
        let mut query = params::Query::new();
        if let Some(v) = self.text(key) {
            query.insert(key.to_owned(), v.to_owned());
        }
        params::date(&query, key).map_err(|_| {
            (
                key,
                format!(
                    "{what}: “{}” không phải ngày hợp lệ (dd/mm/yyyy).",
                    self.text(key).unwrap_or_default()
                ),
            )
        })
    }

    /// Whether the form carries the session's CSRF token and comes from this site.
    pub fn is_genuine(&self, caller: &Caller, headers: &HeaderMap) -> bool {
        crate::auth::form_is_genuine(caller, headers, self.text("csrf").unwrap_or_default())
    }
}

/// An anonymous post: to the sign-in page, then back to `next`.
/// A signed-in caller's genuine form, or the answer that refuses it: the sign-in page (coming
/// back to `back`) when nobody is signed in, the refusal of a forged or stale form.
pub fn signed_form(
    caller: Option<Caller>,
    headers: &HeaderMap,
    form: FormFields,
    back: &str,
) -> Result<(Caller, Fields), Box<Response>> {
    let Some(caller) = caller else {
        return Err(Box::new(to_login(back)));
    };
    let fields = Fields::new(form);
    if !fields.is_genuine(&caller, headers) {
        return Err(Box::new(refused_form()));
    }
    Ok((caller, fields))
}

pub fn to_login(next: &str) -> Response {
    axum::response::Redirect::to(&format!("/login?next={}", super::page::encode(next)))
        .into_response()
}

/// The answer to a forged or expired form: nothing changes.
pub fn refused_form() -> Response {
    (
        StatusCode::FORBIDDEN,
        crate::error::error_page(
            StatusCode::FORBIDDEN,
            "Biểu mẫu không hợp lệ hoặc đã hết hạn. Hãy tải lại trang và thử lại.".to_owned(),
        ),
    )
        .into_response()
}

/// After a write of this process: forgets the tasks it touched and reads the data versions, so
/// the page the user is sent to next shows the change (the notifications may come later).
pub async fn after_write(state: &AppState, tasks: &[TaskId]) {
    if !tasks.is_empty() {
        state.task_details.forget(tasks);
    }
    if let Err(error) = state.versions.refresh(&state.db).await {
        tracing::warn!(?error, "không đọc được phiên bản dữ liệu sau khi ghi");
    }
}
