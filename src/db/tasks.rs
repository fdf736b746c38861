//! Tasks: the filtered, paginated list with each task's category as of a date, one task with
//! its units, milestones and history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, Postgres, QueryBuilder};

use crate::domain::ids::{DecisionId, ProgrammeId, TaskId, UnitId};
use crate::domain::search::SearchTerms;
use crate::domain::status::{Category, TaskState};

/// Which tasks to list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub decision_code: Option<String>,
    /// A section code of the chosen decision ("II").
    pub section: Option<String>,
    pub unit: Option<UnitId>,
    /// "lead" or "partner"; None for either.
    pub role: Option<&'static str>,
    pub lead_unit: Option<UnitId>,
    pub partner_unit: Option<UnitId>,
    /// Tasks of any unit an account is bound to, in a role: (user id, "lead" or "partner").
    pub of_user: Option<(i64, &'static str)>,
    /// Tasks of the plans that implement a programme.
    pub programme: Option<ProgrammeId>,
    /// Tasks of the plans one body (the issuer of the decision) issued.
    pub issuer: Option<String>,
    pub category: Option<Category>,
    pub state: Option<TaskState>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Free text, matched word by word without diacritics or case.
    pub query: Option<String>,
    pub sort: TaskSort,
}

/// The order of a task list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// As the plans list them: decision, then position.
    #[default]
    Plan,
    /// Soonest due first; tasks without a due date last.
    Due,
    /// By the lead unit as written.
    Unit,
    /// Searches: tasks where the words stand together first (`SearchTerms::rank`), then as the
    /// plans list them. The default when there is a search.
    Relevance,
}

impl TaskSort {
    pub fn parse(s: &str) -> Option<TaskSort> {
        match s {
            "plan" | "number" => Some(TaskSort::Plan),
            "due" => Some(TaskSort::Due),
            "unit" => Some(TaskSort::Unit),
            "relevance" => Some(TaskSort::Relevance),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskSort::Plan => "plan",
            TaskSort::Due => "due",
            TaskSort::Unit => "unit",
            TaskSort::Relevance => "relevance",
        }
    }

    /// The sort asked for, or the default: relevance for a search, else plan order.
    pub fn or_default_for(sort: Option<TaskSort>, query: Option<&str>) -> TaskSort {
        sort.unwrap_or(if query.and_then(SearchTerms::parse).is_some() {
            TaskSort::Relevance
        } else {
            TaskSort::Plan
        })
    }

    /// ` order by …`: the sort's own key, then the plans' order, which makes every order total
    /// (pages must not overlap).
    fn push_order_by(self, q: &mut QueryBuilder<Postgres>, query: Option<&str>) {
        q.push(" order by ");
        match self {
            TaskSort::Plan => {}
            TaskSort::Due => _ = q.push("t.due_on nulls last, "),
            TaskSort::Unit => _ = q.push("t.lead_text, "),
            TaskSort::Relevance => {
                let ranks = query
                    .and_then(SearchTerms::parse)
                    .map(|terms| terms.rank_patterns())
                    .unwrap_or_default();
                if !ranks.is_empty() {
                    q.push("(select 0");
                    for (pattern, weight) in ranks {
                        q.push(" + case when x.search_text like ")
                            .push_bind(pattern)
                            .push(" then ")
                            .push_bind(weight)
                            .push(" else 0 end");
                    }
                    q.push(" from task_texts x where x.task_id = t.id) desc nulls last, ");
                }
            }
        }
        q.push("d.issued_on nulls last, d.code, t.position");
    }
}

/// A task row with its category as of the list's date.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct TaskRow {
    pub id: TaskId,
    pub decision: String,
    pub section: Option<String>,
    pub section_title: Option<String>,
    pub number: String,
    #[serde(rename = "ref")]
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub heading: Option<String>,
    pub content: String,
    pub lead_text: String,
    pub partner_text: String,
    pub deadline_text: String,
    pub deadline_kind: String,
    /// The due date the plan gives (or a manager settled), before any extension.
    pub due_on: Option<NaiveDate>,
    /// The new due date a manager granted, which the category is judged by.
    pub extended_due_on: Option<NaiveDate>,
    /// The due date the category is judged by as of the row's date: the extended one from the
    /// day it was granted, else `due_on`.
    pub judged_due_on: Option<NaiveDate>,
    pub recurs_from: Option<NaiveDate>,
    pub deliverable: String,
    /// The plan table's columns with no meaning to the importer: `[{"name", "value"}]`.
    pub attributes: serde_json::Value,
    pub state: String,
    pub completed_on: Option<NaiveDate>,
    /// A unit lead proposed completion; a manager has not yet confirmed it.
    pub pending_confirmation: bool,
    pub proposed_completed_on: Option<NaiveDate>,
    pub version: i32,
    pub category: String,
    pub days_overdue: Option<i32>,
    /// Where the latest request for an explanation stood as of the row's date: `none`,
    /// `requested`, `answered`, `accepted`, `rejected` or `late` (migration 0031).
    pub explanation_status: String,
    /// The reason class of its answer, once answered by then.
    pub explanation_reason: Option<String>,
    pub explanation_id: Option<i64>,
}

const SELECT_TASK: &str = "
    select t.id, d.code as decision, s.code as section, s.title as section_title, t.number, t.ref, t.heading,
           t.content, t.lead_text, t.partner_text, t.deadline_text, t.deadline_kind,
           coalesce(t.settled_due_on, t.plan_due_on) as due_on, t.extended_due_on, t.recurs_from,
           t.deliverable, t.attributes, t.state, t.completed_on, t.pending_confirmation, t.proposed_completed_on,
           t.version, ";

pub(crate) fn push_select(q: &mut QueryBuilder<Postgres>, as_of: NaiveDate) {
    push_columns(q, as_of);
    push_from(q, as_of);
}

/// The task's columns with `task_category(t, as_of)` and `task_days_overdue(t, as_of)`
/// (migrations 0003 and 0010) written over the columns and `j.judged_due_on` of `push_from`:
/// given the whole row `t`, PostgreSQL builds the row as one value for every task it reads,
/// the long texts included.
fn push_columns(q: &mut QueryBuilder<Postgres>, as_of: NaiveDate) {
    q.push(SELECT_TASK);
    q.push("j.judged_due_on, task_category(t.state, t.completed_on, t.deadline_kind, j.judged_due_on, ")
        .push_bind(as_of);
    q.push(") as category, case when task_overdue(t.state, t.completed_on, t.deadline_kind, j.judged_due_on, ")
        .push_bind(as_of);
    q.push(") then ")
        .push_bind(as_of)
        .push(" - j.judged_due_on end as days_overdue");
    // The task's latest request for an explanation as of the date (a few index lookups, made
    // for the rows returned only).
    let latest = |q: &mut QueryBuilder<Postgres>, what: &str, alias: &str| {
        q.push(format!(
            ", (select {what} from explanations x where x.task_id = t.id and x.requested_on <= "
        ))
        .push_bind(as_of)
        .push(format!(
            " order by x.requested_on desc, x.id desc limit 1) as {alias}"
        ));
    };
    q.push(", coalesce((select explanation_status(x.requested_on, x.due_on, x.answered_on, x.decided_on, x.decision, ")
        .push_bind(as_of)
        .push(") from explanations x where x.task_id = t.id and x.requested_on <= ")
        .push_bind(as_of)
        .push(" order by x.requested_on desc, x.id desc limit 1), 'none') as explanation_status");
    q.push(", (select case when x.answered_on <= ")
        .push_bind(as_of)
        .push(" then x.reason_class end from explanations x where x.task_id = t.id and x.requested_on <= ")
        .push_bind(as_of)
        .push(" order by x.requested_on desc, x.id desc limit 1) as explanation_reason");
    latest(q, "x.id", "explanation_id");
}

/// The tasks with their plan and section, and `j.judged_due_on`: the deadline a task is judged
/// by as of the date, the extended one from the day it was granted (`task_due_as_of`,
/// migration 0010). PostgreSQL pulls the lateral expression up into the query, so it costs
/// nothing over writing it out at each use.
fn push_from(q: &mut QueryBuilder<Postgres>, as_of: NaiveDate) {
    q.push(
        " from tasks t
      join decisions d on d.id = t.decision_id
      left join sections s on s.id = t.section_id
      cross join lateral (select ",
    );
    q.push(super::due_as_of_call("t."))
        .push_bind(as_of)
        .push(") as judged_due_on) j");
}

fn push_where(q: &mut QueryBuilder<Postgres>, filter: &TaskFilter, as_of: NaiveDate) {
    q.push(" where not t.retired");
    if let Some(code) = &filter.decision_code {
        q.push(" and d.code = ").push_bind(code.clone());
    }
    if let Some(section) = &filter.section {
        q.push(" and s.code = ").push_bind(section.clone());
    }
    if let Some(programme) = filter.programme {
        q.push(" and t.decision_id in (select decision_id from decision_programmes where programme_id = ")
            .push_bind(programme)
            .push(")");
    }
    if let Some(issuer) = &filter.issuer {
        q.push(" and d.issuer = ").push_bind(issuer.clone());
    }
    let units = [
        (filter.unit, filter.role),
        (filter.lead_unit, Some("lead")),
        (filter.partner_unit, Some("partner")),
    ];
    for (unit, role) in units {
        let Some(unit) = unit else { continue };
        q.push(
            " and exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = ",
        )
        .push_bind(unit);
        if let Some(role) = role {
            q.push(" and tu.role = ").push_bind(role);
        }
        q.push(")");
    }
    if let Some((user, role)) = filter.of_user {
        q.push(" and exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id where tu.task_id = t.id and uu.user_id = ")
            .push_bind(user)
            .push(" and tu.role = ")
            .push_bind(role)
            .push(")");
    }
    if let Some(state) = filter.state {
        q.push(" and t.state = ").push_bind(state.as_str());
    }
    if let Some(from) = filter.due_from {
        q.push(" and t.due_on >= ").push_bind(from);
    }
    if let Some(to) = filter.due_to {
        q.push(" and t.due_on <= ").push_bind(to);
    }
    if let Some(category) = filter.category {
        push_category(q, category, as_of);
    }
    if let Some(terms) = filter.query.as_deref().and_then(SearchTerms::parse) {
        // The texts are in their own table, with the trigram index (migration 0034).
        q.push(" and t.id in (select x.task_id from task_texts x where true");
        for pattern in terms.word_patterns() {
            q.push(" and x.search_text like ").push_bind(pattern);
        }
        q.push(")");
    }
}

/// `task_category(t, as_of) = category` (migrations 0001 and 0010) written as conditions on
/// the columns, so that the planner can use the due-date and completion indexes instead of
/// classifying every task. The judged deadline differs from `due_on` only for a task whose
/// extension was granted after the date, hence the `due_on … or t.extended_on > as_of` ranges.
/// `tests/it/generate.rs` checks both agree for every category.
fn push_category(q: &mut QueryBuilder<Postgres>, category: Category, as_of: NaiveDate) {
    let done = |q: &mut QueryBuilder<Postgres>| {
        q.push(" and t.state = 'completed' and t.completed_on <= ")
            .push_bind(as_of);
    };
    let open = |q: &mut QueryBuilder<Postgres>| {
        q.push(" and not (t.state = 'completed' and t.completed_on <= ")
            .push_bind(as_of)
            .push(")");
    };
    let extended_later = |q: &mut QueryBuilder<Postgres>| {
        q.push(" or t.extended_on > ").push_bind(as_of).push(")");
    };
    let dated = " and t.deadline_kind not in ('continuous', 'periodic')";
    match category {
        Category::CompletedOnTime => {
            done(q);
            q.push(" and (j.judged_due_on is null or t.completed_on <= j.judged_due_on)");
        }
        Category::CompletedLate => {
            done(q);
            q.push(" and t.completed_on > j.judged_due_on");
        }
        Category::Continuous => {
            open(q);
            q.push(" and t.deadline_kind in ('continuous', 'periodic')");
        }
        Category::NoDeadline => {
            open(q);
            q.push(dated).push(" and (t.due_on is null");
            extended_later(q);
            q.push(" and j.judged_due_on is null");
        }
        Category::InProgressOnTime => {
            open(q);
            q.push(dated).push(" and (t.due_on >= ").push_bind(as_of);
            extended_later(q);
            q.push(" and j.judged_due_on >= ").push_bind(as_of);
        }
        Category::Overdue => {
            q.push(" and (t.due_on < ").push_bind(as_of);
            extended_later(q);
            q.push(" and task_overdue(t.state, t.completed_on, t.deadline_kind, j.judged_due_on, ")
                .push_bind(as_of)
                .push(")");
        }
    }
}

/// One page of tasks and the total count.
pub async fn list_tasks(
    db: impl PgExecutor<'_> + Copy,
    filter: &TaskFilter,
    as_of: NaiveDate,
    page: i64,
    per_page: i64,
) -> sqlx::Result<(i64, Vec<TaskRow>)> {
    let mut count = QueryBuilder::<Postgres>::new("select count(*)");
    push_from(&mut count, as_of);
    push_where(&mut count, filter, as_of);
    let total: i64 = count.build_query_scalar().fetch_one(db).await?;
    let offset = (page - 1).saturating_mul(per_page);
    let rows = list_task_rows(db, filter, as_of, offset, per_page).await?;
    Ok((total, rows))
}

/// At most `limit` tasks after the first `offset`, in the filter's order, without counting them
/// all (for pages that know their total from an aggregate).
pub async fn list_task_rows(
    db: impl PgExecutor<'_>,
    filter: &TaskFilter,
    as_of: NaiveDate,
    offset: i64,
    limit: i64,
) -> sqlx::Result<Vec<TaskRow>> {
    let mut q = QueryBuilder::<Postgres>::new("");
    push_select(&mut q, as_of);
    push_where(&mut q, filter, as_of);
    filter.sort.push_order_by(&mut q, filter.query.as_deref());
    q.push(" limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    q.build_query_as().fetch_all(db).await
}

/// A task with everything its page shows: units, milestones, history and its plan's id.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct TaskDetail {
    #[sqlx(flatten)]
    pub task: TaskRow,
    pub decision_id: DecisionId,
    #[sqlx(json)]
    pub units: Vec<TaskUnitRow>,
    #[sqlx(json)]
    pub milestones: Vec<MilestoneRow>,
    #[sqlx(json)]
    pub events: Vec<EventRow>,
}

/// One task as of a date with its units, milestones and history, in one round trip (the task
/// page is the most requested page; five queries cost five times the latency).
pub async fn fetch_task_detail(
    db: impl PgExecutor<'_>,
    id: TaskId,
    as_of: NaiveDate,
) -> sqlx::Result<Option<TaskDetail>> {
    let mut q = detail_query(as_of);
    q.push(" where t.id = ").push_bind(id);
    let detail: Option<TaskDetail> = q.build_query_as().fetch_optional(db).await?;
    Ok(detail.map(TaskDetail::in_order))
}

/// Up to `limit` tasks with ids above `after`, in id order, with everything their pages show
/// (to fill the cache of `crate::task_details`).
pub async fn fetch_task_details_after(
    db: impl PgExecutor<'_>,
    after: i64,
    limit: i64,
    as_of: NaiveDate,
) -> sqlx::Result<Vec<TaskDetail>> {
    let mut q = detail_query(as_of);
    q.push(" where t.id > ")
        .push_bind(after)
        .push(" order by t.id limit ")
        .push_bind(limit);
    let details: Vec<TaskDetail> = q.build_query_as().fetch_all(db).await?;
    Ok(details.into_iter().map(TaskDetail::in_order).collect())
}

/// The task columns with its units, milestones and history as JSON arrays. The arrays are
/// put in order in Rust (`TaskDetail::in_order`): an ordered `json_agg` sorts in PostgreSQL
/// with a sort set up per array, which cost a sixth of the query.
fn detail_query(as_of: NaiveDate) -> QueryBuilder<Postgres> {
    let mut q = QueryBuilder::<Postgres>::new("");
    push_columns(&mut q, as_of);
    q.push(
        ", d.id as decision_id,
         (select coalesce(json_agg(x), '[]')
            from (select tu.task_id, u.id, u.name, tu.role, tu.written, u.is_group, tu.via_group_id, tu.position
                    from task_units tu join units u on u.id = tu.unit_id
                   where tu.task_id = t.id) x) as units,
         (select coalesce(json_agg(m), '[]')
            from (select task_id, position, label, due_on, done_on
                    from milestones where task_id = t.id) m) as milestones,
         (select coalesce(json_agg(e), '[]')
            from (select id, at, actor, kind, from_state, to_state, data, note, evidence_id, evidence_url
                    from task_events where task_id = t.id) e) as events",
    );
    push_from(&mut q, as_of);
    q
}

impl TaskDetail {
    /// Units as the plan names them (leads first), milestones in order, newest history first.
    pub(crate) fn in_order(mut self) -> TaskDetail {
        self.units
            .sort_by(|a, b| (&a.role, a.position).cmp(&(&b.role, b.position)));
        self.milestones.sort_by_key(|m| m.position);
        self.events
            .sort_by_key(|e| (std::cmp::Reverse(e.at), std::cmp::Reverse(e.id)));
        self
    }
}

/// A unit a task names (or reaches through a group).
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct TaskUnitRow {
    pub task_id: TaskId,
    pub id: UnitId,
    pub name: String,
    pub role: String,
    pub written: Option<String>,
    pub is_group: bool,
    pub via_group_id: Option<UnitId>,
    /// Where the plan names the unit among the task's units of the same role.
    pub position: i32,
}

/// The units of several tasks, in the order the plan names them.
pub async fn units_of_tasks(
    db: impl PgExecutor<'_>,
    tasks: &[TaskId],
) -> sqlx::Result<Vec<TaskUnitRow>> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.0).collect();
    sqlx::query_as!(
        TaskUnitRow,
        r#"select tu.task_id as "task_id: TaskId", u.id as "id: UnitId", u.name, tu.role,
                  tu.written, u.is_group, tu.via_group_id as "via_group_id: UnitId", tu.position
             from task_units tu join units u on u.id = tu.unit_id
            where tu.task_id = any($1)
            order by tu.task_id, tu.role, tu.position"#,
        &ids
    )
    .fetch_all(db)
    .await
}

/// A milestone of a task.
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct MilestoneRow {
    pub task_id: TaskId,
    pub position: i32,
    pub label: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// The milestones of several tasks, in order.
pub async fn milestones_of_tasks(
    db: impl PgExecutor<'_>,
    tasks: &[TaskId],
) -> sqlx::Result<Vec<MilestoneRow>> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.0).collect();
    sqlx::query_as!(
        MilestoneRow,
        r#"select task_id as "task_id: TaskId", position, label, due_on, done_on
             from milestones where task_id = any($1) order by task_id, position"#,
        &ids
    )
    .fetch_all(db)
    .await
}

/// One entry of a task's history.
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub data: serde_json::Value,
    pub note: Option<String>,
    pub evidence_id: Option<i64>,
    pub evidence_url: Option<String>,
}
