//! Reporting rounds: the rounds with their progress, each unit's report, the lines of a unit or
//! those still missing, and the rows the compiled report is made of. The writes (opening a
//! round, saving lines, submitting and returning a report) are in `write`.

mod open;
mod write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgExecutor, PgPool};

use crate::domain::ids::{DecisionId, RoundId, TaskId, UnitId};

pub use open::open_round;
pub use write::{LineInput, return_report, save_lines, submit_report};

/// A round with its totals.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoundRow {
    pub id: RoundId,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
    pub all_plans: bool,
    pub with_completed: bool,
    pub opener: String,
    pub opened_at: DateTime<Utc>,
    /// The codes of the plans in scope (empty when every plan is).
    pub plan_codes: Vec<String>,
    pub units_total: i64,
    pub units_submitted: i64,
    pub lines_total: i64,
    pub lines_saved: i64,
}

/// One select for every way of finding rounds; `$tail` (a string literal) filters and orders.
macro_rules! round_select {
    ($tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            RoundRow,
            r#"select r.id as "id: RoundId", r.title, r.period_from, r.period_to, r.due_on, r.all_plans,
                      r.with_completed, r.opener, r.opened_at,
                      array(select d.code from round_plans p join decisions d on d.id = p.decision_id
                             where p.round_id = r.id order by d.code) as "plan_codes!",
                      (select count(*) from round_reports x where x.round_id = r.id) as "units_total!",
                      (select count(*) from round_reports x
                        where x.round_id = r.id and x.status = 'submitted') as "units_submitted!",
                      (select coalesce(sum(x.lines_total), 0)::bigint from round_reports x
                        where x.round_id = r.id) as "lines_total!",
                      (select coalesce(sum(x.lines_saved), 0)::bigint from round_reports x
                        where x.round_id = r.id) as "lines_saved!"
                 from rounds r "# + $tail
            $(, $arg)*
        )
    };
}

/// Every round, the latest due first.
pub async fn list_rounds(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<RoundRow>> {
    round_select!("order by r.due_on desc, r.id desc")
        .fetch_all(db)
        .await
}

/// One round.
pub async fn fetch_round(db: impl PgExecutor<'_>, id: RoundId) -> sqlx::Result<Option<RoundRow>> {
    round_select!("where r.id = $1", id as RoundId)
        .fetch_optional(db)
        .await
}

/// One unit's report in a round.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub round_id: RoundId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub status: String,
    pub lines_total: i32,
    pub lines_saved: i32,
    pub submitted_on: Option<NaiveDate>,
    pub submitter: Option<String>,
    pub return_reason: Option<String>,
}

/// One select for every way of finding reports; `$tail` (a string literal) filters and orders.
macro_rules! report_select {
    ($tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            ReportRow,
            r#"select x.round_id as "round_id: RoundId", x.unit_id as "unit_id: UnitId",
                      u.name as unit_name, x.status, x.lines_total, x.lines_saved,
                      x.submitted_on, x.submitter, x.return_reason
                 from round_reports x join units u on u.id = x.unit_id "# + $tail
            $(, $arg)*
        )
    };
}

/// Every unit's report in a round (all rounds when None), by round and unit name.
pub async fn list_reports(
    db: impl PgExecutor<'_>,
    round: Option<RoundId>,
) -> sqlx::Result<Vec<ReportRow>> {
    report_select!(
        "where $1::bigint is null or x.round_id = $1 order by x.round_id desc, u.name, u.id",
        round as Option<RoundId>
    )
    .fetch_all(db)
    .await
}

/// One unit's report.
pub async fn fetch_report(
    db: impl PgExecutor<'_>,
    round: RoundId,
    unit: UnitId,
) -> sqlx::Result<Option<ReportRow>> {
    report_select!(
        "where x.round_id = $1 and x.unit_id = $2",
        round as RoundId,
        unit as UnitId
    )
    .fetch_optional(db)
    .await
}

/// A report of one of an account's units, with its round.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitReportRow {
    #[sqlx(flatten)]
    pub report: ReportRow,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
}

/// The reports of the units an account is bound to, newest rounds first.
pub async fn reports_of_user(
    db: impl PgExecutor<'_>,
    user: i64,
) -> sqlx::Result<Vec<UnitReportRow>> {
    let rows = sqlx::query!(
        r#"select x.round_id as "round_id: RoundId", x.unit_id as "unit_id: UnitId",
                  u.name as unit_name, x.status, x.lines_total, x.lines_saved,
                  x.submitted_on, x.submitter, x.return_reason, r.title, r.period_from, r.period_to, r.due_on
             from round_reports x
             join units u on u.id = x.unit_id
             join rounds r on r.id = x.round_id
             join user_units uu on uu.unit_id = x.unit_id
            where uu.user_id = $1
            order by r.due_on desc, r.id desc, u.name limit 100"#,
        user
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UnitReportRow {
            report: ReportRow {
                round_id: r.round_id,
                unit_id: r.unit_id,
                unit_name: r.unit_name,
                status: r.status,
                lines_total: r.lines_total,
                lines_saved: r.lines_saved,
                submitted_on: r.submitted_on,
                submitter: r.submitter,
                return_reason: r.return_reason,
            },
            title: r.title,
            period_from: r.period_from,
            period_to: r.period_to,
            due_on: r.due_on,
        })
        .collect())
}

/// One plan's lines in a round.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PlanProgressRow {
    pub decision_id: DecisionId,
    pub code: String,
    pub issuer: String,
    pub lines: i64,
    pub saved: i64,
    /// Lines in submitted reports.
    pub submitted: i64,
    pub units: i64,
    pub units_submitted: i64,
}

/// The round's lines per plan: each plan's lines counted per unit first (one pass over the
/// lines, no distinct counts), then summed with the units' report status.
pub async fn plan_progress(db: &PgPool, round: RoundId) -> sqlx::Result<Vec<PlanProgressRow>> {
    sqlx::query_as!(
        PlanProgressRow,
        r#"with per_unit as (
             select l.decision_id, l.unit_id, count(*) as lines, count(l.state) as saved
               from round_lines l where l.round_id = $1 group by 1, 2)
         select p.decision_id as "decision_id!: DecisionId", d.code, d.issuer,
                sum(p.lines)::bigint as "lines!", sum(p.saved)::bigint as "saved!",
                coalesce(sum(p.lines) filter (where x.status = 'submitted'), 0)::bigint as "submitted!",
                count(*) as "units!", count(*) filter (where x.status = 'submitted') as "units_submitted!"
           from per_unit p
           join round_reports x on x.round_id = $1 and x.unit_id = p.unit_id
           join decisions d on d.id = p.decision_id
          group by p.decision_id, d.code, d.issuer, d.issued_on
          order by d.issued_on desc nulls last, d.code"#,
        round as RoundId
    )
    .fetch_all(db)
    .await
}

/// A line with its task.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LineRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub task_id: TaskId,
    pub decision: String,
    pub section: Option<String>,
    pub section_title: Option<String>,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub content: String,
    pub lead_text: String,
    pub deadline_text: String,
    pub task_state: String,
    pub state: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub done_text: String,
    pub result_text: String,
    pub evidence_url: Option<String>,
    pub evidence_id: Option<i64>,
    pub evidence_name: Option<String>,
    pub difficulties: String,
    pub proposal: String,
    pub saved_at: Option<DateTime<Utc>>,
    pub report_status: String,
}

const SELECT_LINE: &str = "
    select l.unit_id, u.name as unit_name, l.task_id, d.code as decision, s.code as section,
           s.title as section_title, t.ref, t.content, t.lead_text, t.deadline_text,
           t.state as task_state, l.state, l.completed_on, l.done_text, l.result_text,
           l.evidence_url, l.evidence_id, e.file_name as evidence_name, l.difficulties, l.proposal,
           l.saved_at, x.status as report_status
      from round_lines l
      join round_reports x on x.round_id = l.round_id and x.unit_id = l.unit_id
      join units u on u.id = l.unit_id
      join tasks t on t.id = l.task_id
      join decisions d on d.id = l.decision_id
      left join sections s on s.id = t.section_id
      left join evidence e on e.id = l.evidence_id";

/// Which lines to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineScope {
    pub unit: Option<UnitId>,
    pub decision: Option<DecisionId>,
    /// Only lines not written yet.
    pub missing: bool,
    /// Only lines of submitted reports.
    pub submitted: bool,
}

/// The lines of a round: one unit's in plan order, or several units' by unit (in the order of
/// the missing-lines index, so a page is an index range): at most `limit` after `offset`, and
/// how many there are.
pub async fn list_lines(
    db: &PgPool,
    round: RoundId,
    scope: LineScope,
    offset: i64,
    limit: i64,
) -> sqlx::Result<(i64, Vec<LineRow>)> {
    // Only the conditions that apply are written, so that every plan, generic ones included,
    // can use the missing-lines index.
    let mut filter = "l.round_id = $1".to_owned();
    if scope.unit.is_some() {
        filter.push_str(" and l.unit_id = $2");
    }
    if scope.decision.is_some() {
        filter.push_str(" and l.decision_id = $3");
    }
    if scope.missing {
        filter.push_str(" and l.state is null");
    }
    if scope.submitted {
        filter.push_str(" and x.status = 'submitted'");
    }
    let count_join = if scope.submitted {
        " join round_reports x on x.round_id = l.round_id and x.unit_id = l.unit_id"
    } else {
        ""
    };
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from round_lines l{count_join} where {filter}"
    )))
    .bind(round)
    .bind(scope.unit)
    .bind(scope.decision)
    .fetch_one(db)
    .await?;
    let order = if scope.unit.is_some() {
        "d.issued_on desc nulls last, d.code, t.position"
    } else {
        "l.unit_id, l.decision_id, l.task_id"
    };
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_LINE} where {filter} order by {order} offset $4 limit $5"
    )))
    .bind(round)
    .bind(scope.unit)
    .bind(scope.decision)
    .bind(offset)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok((total, rows))
}

/// The submitted lines of a round in the order of the plans (plan, section, task, unit): what
/// the compiled report is made of.
pub async fn compiled_lines(db: &PgPool, round: RoundId) -> sqlx::Result<Vec<LineRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_LINE} where l.round_id = $1 and x.status = 'submitted'
          order by d.issued_on desc nulls last, d.code, s.position nulls first, t.position, u.name"
    )))
    .bind(round)
    .fetch_all(db)
    .await
}

/// One step of a unit's report (submitted, returned).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LogRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub note: Option<String>,
}

/// The steps of one unit's report, newest first.
pub async fn report_log(
    db: impl PgExecutor<'_>,
    round: RoundId,
    unit: UnitId,
) -> sqlx::Result<Vec<LogRow>> {
    sqlx::query_as!(
        LogRow,
        "select at, actor, kind, note from round_report_log
          where round_id = $1 and unit_id = $2 order by at desc, id desc",
        round as RoundId,
        unit as UnitId
    )
    .fetch_all(db)
    .await
}
