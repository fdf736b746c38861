//! `/my/tasks` "Nhiệm vụ của đơn vị tôi": the tasks the signed-in user's units lead (groups
//! expanded) and those they partner, with what is waiting on them first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;

use super::page::{Layout, render};
use super::params;
use super::views::TaskLine;
use crate::auth::MaybeCaller;
use crate::db::tasks::{self, TaskFilter, TaskSort};
use crate::error::Result;

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    layout: Layout,
    units: Vec<String>,
    blocks: Vec<Block>,
    /// Requests for explanations of tasks the user's units lead, not yet decided.
    explanations: Vec<super::explanations::ExplanationLine>,
    /// The reports of the user's units in the reporting rounds, those to write first.
    rounds: Vec<super::rounds::MyReport>,
}

/// One table of the page: the tasks in one role.
struct Block {
    id: &'static str,
    title: &'static str,
    total: i64,
    rows: Vec<TaskLine>,
}

/// `GET /my/tasks`
pub async fn my_tasks(
    State(db): State<PgPool>,
    MaybeCaller(caller): MaybeCaller,
    Query(query): Query<params::Query>,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(Redirect::to("/login?next=/my/tasks").into_response());
    };
    let layout = Layout::from_query(&query, "mine", "/my/tasks")?;
    let list = |role: &'static str| TaskFilter {
        of_user: Some((caller.user.id, role)),
        sort: TaskSort::Due,
        ..TaskFilter::default()
    };
    let (lead_total, leading) = tasks::list_tasks(&db, &list("lead"), layout.as_of, 1, 500).await?;
    let (partner_total, partnering) =
        tasks::list_tasks(&db, &list("partner"), layout.as_of, 1, 500).await?;
    let explanations = crate::db::explanations::open_for_user(&db, caller.user.id, layout.as_of)
        .await?
        .iter()
        .map(|x| super::explanations::ExplanationLine::new(x, &layout))
        .collect();
    let rounds = super::rounds::my_reports(&db, caller.user.id, &layout).await?;
    let page = MinePage {
        explanations,
        rounds,
        units: caller.user.unit_names.clone(),
        blocks: vec![
            Block {
                id: "lead-tasks",
                title: "Đơn vị chủ trì",
                total: lead_total,
                rows: leading.iter().map(|r| TaskLine::new(r, &layout)).collect(),
            },
            Block {
                id: "partner-tasks",
                title: "Đơn vị phối hợp",
                total: partner_total,
                rows: partnering
                    .iter()
                    .map(|r| TaskLine::new(r, &layout))
                    .collect(),
            },
        ],
        layout,
    };
    Ok(render(&page)?.into_response())
}
