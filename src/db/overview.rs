//! The overview's figures as of a date: tasks per plan and category, units with the most overdue
//! tasks, what falls due in the next 30 days, and the completion rate month by month.

use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, PgExecutor};

use super::due_as_of_sql;
use super::overdue::all_overdue_ids_sql;
use crate::domain::ids::{DecisionId, TaskId, UnitId};

/// How many tasks of one plan fall in one category. `category` is None for a plan without tasks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryCountRow {
    pub decision_id: DecisionId,
    pub decision: String,
    pub issuer: String,
    pub category: Option<String>,
    pub count: i64,
}

/// Task counts per plan and category as of a date (non-retired tasks; every plan appears).
pub async fn category_counts(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
) -> sqlx::Result<Vec<CategoryCountRow>> {
    // Aggregate the tasks first (an index-only scan of tasks_live_decision_idx, since the
    // category is computed from columns, not the whole row), then join the 300 plans.
    let sql = format!(
        "select d.id as decision_id, d.code as decision, d.issuer, c.category,
                coalesce(c.count, 0) as count
           from decisions d
           left join (select decision_id,
                             task_category(state, completed_on, deadline_kind, {due}, $1) as category,
                             count(*) as count
                        from tasks where not retired
                       group by 1, 2) c on c.decision_id = d.id
          order by d.issued_on desc nulls last, d.code, c.category",
        due = due_as_of_sql("", "$1")
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(as_of)
        .fetch_all(db)
        .await
}

/// A unit and the number of overdue tasks it leads.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverdueUnitRow {
    pub id: UnitId,
    pub name: String,
    pub overdue: i64,
}

/// The units (not groups) leading the most overdue tasks as of a date, counting tasks a unit
/// leads as a member of a lead group.
pub async fn top_overdue_units(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
    limit: i64,
) -> sqlx::Result<Vec<OverdueUnitRow>> {
    let sql = format!(
        "with overdue as ({ids})
         select u.id, u.name, count(distinct o.id) as overdue
           from overdue o
           join task_units tu on tu.task_id = o.id and tu.role = 'lead'
           join units u on u.id = tu.unit_id
          where not u.is_group
          group by u.id, u.name
          order by overdue desc, u.name
          limit $3",
        ids = all_overdue_ids_sql()
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(as_of)
        .bind(as_of.pred_opt().unwrap_or(NaiveDate::MIN))
        .bind(limit)
        .fetch_all(db)
        .await
}

/// A task, or one milestone of a task, falling due soon.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueSoonRow {
    pub task_id: TaskId,
    #[sqlx(rename = "ref")]
    pub reference: String,
    pub decision: String,
    pub content: String,
    /// The milestone's label when the row is a milestone rather than the task's last date.
    pub milestone: Option<String>,
    pub lead_text: String,
    pub due_on: NaiveDate,
}

/// What falls due in the window: how many lines (tasks and milestones) and the first of them,
/// soonest first. The overview shows 15 of the thousands a window holds (tens of thousands at
/// national scale): only those are read.
#[derive(Debug, Clone, Default)]
pub struct DueSoon {
    pub total: usize,
    pub first: Vec<DueSoonRow>,
}

/// A due-soon line with the window's counts, which every line carries (see `due_soon_sql`).
#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    row: DueSoonRow,
    lines: i64,
    milestone_lines: i64,
}

/// Tasks not completed as of `as_of` that are due in (as_of, as_of + days], and the open
/// milestones of such tasks due in that window: the first `shown` of them, soonest first, and
/// how many there are.
pub async fn due_soon(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
    days: i32,
    shown: usize,
) -> sqlx::Result<DueSoon> {
    // A milestone on the task's own due date is the task's line already. The judged deadline
    // falls in the window only if `due_on` does or the extension came after `as_of` (index
    // ranges of tasks_due_on_idx and tasks_extended_on_idx).
    let sql = due_soon_sql(
        "not t.retired
                    and not (t.state = 'completed' and t.completed_on <= $1)
                    and (t.due_on > $1 and t.due_on <= $1::date + $2 or t.extended_on > $1)
                    and {due} > $1 and {due} <= $1::date + $2",
        "$3",
    );
    let rows: Vec<CountedRow> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(as_of)
        .bind(days)
        .bind(i64::try_from(shown).unwrap_or(i64::MAX))
        .fetch_all(db)
        .await?;
    Ok(DueSoon::of(rows, 0, |r| r.lines))
}

/// `due_soon` for the tasks the task index found due in the window, in the window's order
/// (`crate::index::query::due_soon_ids`): only the first `shown` of them are looked up by id,
/// with the milestones due in the window as before (a milestone line can come before them).
pub async fn due_soon_of(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    as_of: NaiveDate,
    days: i32,
    shown: usize,
) -> sqlx::Result<DueSoon> {
    let sql = due_soon_sql("t.id = any($3)", "$4");
    let rows: Vec<CountedRow> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(as_of)
        .bind(days)
        .bind(&ids[..ids.len().min(shown)])
        .bind(i64::try_from(shown).unwrap_or(i64::MAX))
        .fetch_all(db)
        .await?;
    Ok(DueSoon::of(rows, ids.len(), |r| r.milestone_lines))
}

impl DueSoon {
    /// The lines read, and `known` lines more than `counted` says the window holds.
    fn of(rows: Vec<CountedRow>, known: usize, counted: impl Fn(&CountedRow) -> i64) -> Self {
        let counted = rows.first().map_or(0, counted);
        DueSoon {
            total: known + usize::try_from(counted).unwrap_or(0),
            first: rows.into_iter().map(|r| r.row).collect(),
        }
    }
}

/// The due-soon query: the tasks chosen by `tasks_where` (`{due}` in it is the judged
/// deadline, `$1` the date, `$2` the days), and the open milestones of live tasks due in the
/// window, soonest first, at most `limit` lines; every line carries how many lines and how many
/// milestone lines the window holds (counted before the limit). A milestone on the task's own
/// due date is the task's line already.
fn due_soon_sql(tasks_where: &str, limit: &str) -> String {
    let due = due_as_of_sql("t.", "$1");
    let tasks_where = tasks_where.replace("{due}", &due);
    format!(
        "select w.task_id, w.ref, w.decision, w.content, w.milestone, w.lead_text, w.due_on,
                count(*) over () as lines, count(w.milestone) over () as milestone_lines
           from (select t.id as task_id, t.ref, d.code as decision, d.issued_on, t.position, t.content,
                        null::text as milestone, t.lead_text, {due} as due_on
                   from tasks t join decisions d on d.id = t.decision_id
                  where {tasks_where}
                 union all
                 select t.id, t.ref, d.code, d.issued_on, t.position, t.content,
                        m.label, t.lead_text, m.due_on
                   from milestones m
                   join tasks t on t.id = m.task_id
                   join decisions d on d.id = t.decision_id
                  where not t.retired
                    and not (t.state = 'completed' and t.completed_on <= $1)
                    and (m.done_on is null or m.done_on > $1)
                    and m.due_on > $1 and m.due_on <= $1::date + $2
                    and m.due_on is distinct from {due}) w
          order by w.due_on, w.issued_on nulls last, w.decision, w.position, w.milestone nulls first
          limit {limit}"
    )
}

/// One point of the completion series.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CompletionPointRow {
    pub point: NaiveDate,
    /// Tasks due on or before the point.
    pub due: i64,
    /// Of those, the tasks completed on or before the point.
    pub completed: i64,
}

/// The completion series: the last days of the 11 months before `as_of`'s month, then `as_of`
/// itself, each with the tasks due by then and how many of them were completed by then.
pub async fn completion_series(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
) -> sqlx::Result<Vec<CompletionPointRow>> {
    // Per-day histograms of due dates and of "done by" dates (the later of due and completion),
    // each a few thousand rows from index ranges, summed up to each point. A task extended
    // after `as_of` counts at its unextended due date (the second range).
    let sql = format!(
        "with points as (
             select case when g = 0 then $1::date
                         else (date_trunc('month', $1::date) - make_interval(months => g - 1)
                               - interval '1 day')::date end as point
               from generate_series(11, 0, -1) as g),
         due as materialized (
             select day, count(*) as n from (
                 select due_on as day from tasks
                  where not retired and due_on <= $1 and (extended_on is null or extended_on <= $1)
                 union all
                 select coalesce(settled_due_on, plan_due_on) from tasks
                  where not retired and extended_on > $1 and coalesce(settled_due_on, plan_due_on) <= $1) judged
              group by 1),
         done as materialized (
             select greatest(completed_on, {due}) as day, count(*) as n from tasks
              where not retired and state = 'completed' and {due} <= $1 and completed_on <= $1
              group by 1)
         select p.point,
                (select coalesce(sum(n), 0) from due where day <= p.point)::bigint as due,
                (select coalesce(sum(n), 0) from done where day <= p.point)::bigint as completed
           from points p
          order by p.point",
        due = due_as_of_sql("", "$1")
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(as_of)
        .fetch_all(db)
        .await
}
