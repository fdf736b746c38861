//! `/reports/deadlines`: the tasks whose deadline text the importer could not read, for a
//! manager to set their due date. Each form posts a "settle" change, recorded in the history.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use sqlx::PgPool;

use super::page::{Layout, render};
use super::params;
use crate::auth::MaybeCaller;
use crate::domain::role::Role;
use crate::error::{AppError, Result};

/// A task waiting for its deadline to be settled.
struct Unsettled {
    id: i64,
    decision: String,
    reference: String,
    content: String,
    lead_text: String,
    deadline_text: String,
    version: i32,
}

#[derive(Template)]
#[template(path = "reports/deadlines.html")]
struct DeadlinesPage {
    layout: Layout,
    tasks: Vec<Unsettled>,
}

/// `GET /reports/deadlines` (managers).
pub async fn unsettled(
    State(db): State<PgPool>,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Html<String>> {
    if !caller.is_some_and(|c| c.user.role() == Role::Manager) {
        return Err(AppError::Forbidden);
    }
    let tasks: Vec<Unsettled> = sqlx::query_as!(
        Unsettled,
        "select t.id, d.code as decision, t.ref as reference, t.content, t.lead_text, t.deadline_text, t.version
           from tasks t join decisions d on d.id = t.decision_id
          where not t.retired and t.deadline_kind = 'unparsed' and t.settled_due_on is null
          order by d.issued_on desc nulls last, d.code, t.position",
    )
    .fetch_all(&db)
    .await?;
    render(&DeadlinesPage {
        layout: Layout::from_query(&params::Query::new(), "reports", "/reports/deadlines")?,
        tasks,
    })
}
