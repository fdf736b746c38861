//! The overdue report's queries: the count per lead unit, one page of lines, the overdue
//! milestones, and the full list for the downloads. Overdue is judged with column predicates
//! equivalent to `task_category(t, as_of, extended) = 'overdue'` (migrations 0001 and 0010), so
//! the partial indexes of migrations 0006 and 0010 answer them.

use chrono::{Days, NaiveDate};
use sqlx::PgPool;

use super::reports::ReportFilter;
use crate::reports::model::{OverdueMilestone, OverdueReport, OverdueRow, UnitOverdue};

/// The deadline the plan gives (or a manager settled), extensions aside.
const PLAN_DUE: &str = "coalesce(t.settled_due_on, t.plan_due_on)";

/// Binds shared by every query here: `$1` the as-of date, `$2` the latest due date that is
/// overdue (by at least the minimum days), `$3` the decision code, `$4` the lead unit.
struct Scope<'a> {
    as_of: NaiveDate,
    latest_due: NaiveDate,
    filter: &'a ReportFilter,
}

impl<'a> Scope<'a> {
    fn new(as_of: NaiveDate, filter: &'a ReportFilter) -> Scope<'a> {
        // days overdue = as_of - due, at least 1 (due before as_of) and at least min_days.
        let min_days = filter.min_days_overdue.unwrap_or(0).clamp(1, 1_000_000);
        let back = Days::new(u64::try_from(min_days).unwrap_or(1));
        Scope {
            as_of,
            latest_due: as_of.checked_sub_days(back).unwrap_or(NaiveDate::MIN),
            filter,
        }
    }

    /// The deadline a task is judged by: `task_due_as_of(t, $1, extended)`.
    fn due(&self) -> String {
        if self.filter.original_deadline {
            PLAN_DUE.to_owned()
        } else {
            super::due_as_of_sql("t.", "$1")
        }
    }

    /// Conditions on `tasks t` for the decision and unit filters, only those that are set (so
    /// that a prepared statement's generic plan never has to allow for an unset filter).
    fn filters(&self) -> String {
        let mut sql = String::new();
        if self.filter.decision_code.is_some() {
            sql.push_str(" and t.decision_id = (select id from decisions where code = $3)");
        }
        if self.filter.unit.is_some() {
            sql.push_str(
                " and exists (select 1 from task_units x where x.task_id = t.id and x.role = 'lead' and x.unit_id = $4)",
            );
        }
        sql
    }

    /// Overdue tasks as one predicate on `tasks t`.
    fn overdue_where(&self) -> String {
        format!(
            "not t.retired and t.deadline_kind not in ('continuous', 'periodic') and {due} <= $2
             and (t.completed_on is null or t.completed_on > $1){filters}",
            due = self.due(),
            filters = self.filters()
        )
    }

    /// The ids of the overdue tasks, as index-only scans: tasks not completed, and tasks
    /// completed after the as-of date (only late completions can qualify); judged by the
    /// extended deadline, those whose extension was granted after the date are a third scan.
    fn overdue_ids(&self) -> String {
        let filters = self.filters();
        let kinds = "not t.retired and t.deadline_kind not in ('continuous', 'periodic')";
        if self.filter.original_deadline {
            return format!(
                "select t.id from tasks t
                  where {kinds} and t.completed_on is null and {PLAN_DUE} <= $2{filters}
                 union all
                 select t.id from tasks t
                  where {kinds} and t.completed_on > {PLAN_DUE} and t.completed_on > $1 and {PLAN_DUE} <= $2{filters}"
            );
        }
        let granted = "(t.extended_on is null or t.extended_on <= $1)";
        format!(
            "select t.id from tasks t
              where {kinds} and t.completed_on is null and t.due_on <= $2 and {granted}{filters}
             union all
             select t.id from tasks t
              where {kinds} and t.completed_on > t.due_on and t.completed_on > $1 and t.due_on <= $2 and {granted}{filters}
             union all
             select t.id from tasks t
              where {kinds} and t.extended_on > $1 and {PLAN_DUE} <= $2
                and (t.completed_on is null or t.completed_on > $1){filters}"
        )
    }

    fn query_as<'q, O>(
        &self,
        sql: String,
    ) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(self.as_of)
            .bind(self.latest_due)
            .bind(self.filter.decision_code.clone())
            .bind(self.filter.unit)
    }
}

/// SQL for the ids of every task overdue as of `$1`, judged by the extended deadline, where
/// `$2` is the day before `$1` (the latest due date that is overdue).
pub(crate) fn all_overdue_ids_sql() -> String {
    Scope::new(NaiveDate::MIN, &ReportFilter::default()).overdue_ids()
}

/// The ids of the tasks overdue as of a date under the filter, in no particular order.
pub async fn overdue_task_ids(
    db: &PgPool,
    as_of: NaiveDate,
    filter: &ReportFilter,
) -> sqlx::Result<Vec<i64>> {
    let scope = Scope::new(as_of, filter);
    let rows: Vec<(i64,)> = scope.query_as(scope.overdue_ids()).fetch_all(db).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// One lead unit's number of overdue tasks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCount {
    pub unit_id: i64,
    pub unit_name: String,
    pub is_group: bool,
    pub tasks: i64,
}

/// The overdue report's headline: distinct overdue tasks, and per named lead unit how many
/// (most first), which is also how the lines are ordered.
#[derive(Debug, Clone, Default)]
pub struct OverdueSummary {
    pub total: i64,
    pub units: Vec<UnitCount>,
}

/// Counts the overdue tasks, in total and per named lead unit.
pub async fn overdue_summary(
    db: &PgPool,
    as_of: NaiveDate,
    filter: &ReportFilter,
) -> sqlx::Result<OverdueSummary> {
    #[derive(sqlx::FromRow)]
    struct Line {
        total: i64,
        unit_id: Option<i64>,
        unit_name: Option<String>,
        is_group: Option<bool>,
        tasks: Option<i64>,
    }
    let scope = Scope::new(as_of, filter);
    let sql = format!(
        "with o as materialized ({ids}),
              per_unit as (
                select tu.unit_id, count(*) as tasks
                  from o join task_units tu on tu.task_id = o.id and tu.role = 'lead' and tu.via_group_id is null
                 group by tu.unit_id)
         select (select count(*) from o) as total, u.id as unit_id, u.name as unit_name, u.is_group, p.tasks
           from (select 1) one
           left join (per_unit p join units u on u.id = p.unit_id) on true
          order by p.tasks desc, u.name, u.id",
        ids = scope.overdue_ids()
    );
    let lines: Vec<Line> = scope.query_as(sql).fetch_all(db).await?;
    let total = lines.first().map_or(0, |l| l.total);
    let units = lines
        .into_iter()
        .filter_map(|l| {
            Some(UnitCount {
                unit_id: l.unit_id?,
                unit_name: l.unit_name?,
                is_group: l.is_group?,
                tasks: l.tasks?,
            })
        })
        .collect();
    Ok(OverdueSummary { total, units })
}

/// One line of the overdue report as the queries give it (here and in `task_rows`).
#[derive(sqlx::FromRow)]
pub(crate) struct OverdueLine {
    unit_id: i64,
    task_id: i64,
    decision: String,
    reference: String,
    content: String,
    lead_text: String,
    deadline_text: String,
    due_on: NaiveDate,
    days_overdue: i32,
    deliverable: String,
    last_note: Option<String>,
    last_note_on: Option<NaiveDate>,
}

impl OverdueLine {
    pub(crate) fn row(self) -> (i64, OverdueRow) {
        (
            self.unit_id,
            OverdueRow {
                task_id: self.task_id,
                decision: self.decision,
                reference: self.reference,
                content: self.content,
                lead_text: self.lead_text,
                deadline_text: self.deadline_text,
                due_on: self.due_on,
                days_overdue: self.days_overdue,
                deliverable: self.deliverable,
                last_note: self.last_note,
                last_note_on: self.last_note_on,
            },
        )
    }
}

/// Lines (lead unit, task) of the units `$5`, in the order of that list (one index range per
/// unit) and then most overdue first; `$6` lines skipped, at most `$7`. The latest note is looked up for the kept lines only.
fn lines_sql(scope: &Scope<'_>) -> String {
    format!(
        "with l as (
            select tu.unit_id, p.rank, t.id as task_id, d.code as decision, t.ref as reference, t.content, t.lead_text,
                   t.deadline_text, {due} as due_on, ($1::date - {due})::int as days_overdue, t.deliverable,
                   d.issued_on, t.position
              from unnest($5::bigint[]) with ordinality as p (unit_id, rank)
              join task_units tu on tu.unit_id = p.unit_id and tu.role = 'lead' and tu.via_group_id is null
              join tasks t on t.id = tu.task_id
              join decisions d on d.id = t.decision_id
             where {overdue}
             order by p.rank, days_overdue desc, d.issued_on, d.code, t.position, t.id
            offset $6 limit $7)
         select l.*, n.note as last_note, n.on_date as last_note_on
           from l
           left join lateral (
                select e.note, (e.at at time zone 'Asia/Ho_Chi_Minh')::date as on_date from task_events e
                 where e.task_id = l.task_id and e.note is not null
                   and e.kind in ('note', 'state', 'milestone', 'confirm', 'return', 'extend', 'report')
                   and e.at < (($1::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')
                 order by e.at desc, e.id desc limit 1) n on true
          order by l.rank, l.days_overdue desc, l.issued_on, l.decision, l.position, l.task_id",
        due = scope.due(),
        overdue = scope.overdue_where()
    )
}

/// The lines of the given units (in that order), skipping `skip` and keeping at most `limit`.
pub async fn overdue_lines(
    db: &PgPool,
    as_of: NaiveDate,
    filter: &ReportFilter,
    units: &[i64],
    skip: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, OverdueRow)>> {
    if units.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let scope = Scope::new(as_of, filter);
    let lines: Vec<OverdueLine> = scope
        .query_as(lines_sql(&scope))
        .bind(units)
        .bind(skip)
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(lines.into_iter().map(OverdueLine::row).collect())
}

/// Overdue milestones, earliest first: at most `limit`, with how many there are in all.
pub async fn overdue_milestones(
    db: &PgPool,
    as_of: NaiveDate,
    filter: &ReportFilter,
    limit: Option<i64>,
) -> sqlx::Result<(i64, Vec<OverdueMilestone>)> {
    #[derive(sqlx::FromRow)]
    struct Line {
        total: i64,
        task_id: i64,
        decision: String,
        reference: String,
        label: String,
        lead_text: String,
        due_on: NaiveDate,
        days_overdue: i32,
    }
    let scope = Scope::new(as_of, filter);
    // A milestone is overdue from the day after its date, by at least the minimum days; its task
    // must not be completed by the as-of date.
    let sql = format!(
        "select count(*) over () as total, t.id as task_id, d.code as decision, t.ref as reference, m.label,
                t.lead_text, m.due_on, ($1::date - m.due_on)::int as days_overdue
           from milestones m join tasks t on t.id = m.task_id join decisions d on d.id = t.decision_id
          where not t.retired and m.due_on <= $2 and (m.done_on is null or m.done_on > $1)
            and (t.completed_on is null or t.completed_on > $1){filters}
          order by m.due_on, d.code, t.position, m.position
          limit $5",
        filters = scope.filters()
    );
    let lines: Vec<Line> = scope.query_as(sql).bind(limit).fetch_all(db).await?;
    let total = lines.first().map_or(0, |l| l.total);
    let milestones = lines
        .into_iter()
        .map(|l| OverdueMilestone {
            task_id: l.task_id,
            decision: l.decision,
            reference: l.reference,
            label: l.label,
            lead_text: l.lead_text,
            due_on: l.due_on,
            days_overdue: l.days_overdue,
        })
        .collect();
    Ok((total, milestones))
}

/// "Báo cáo nhiệm vụ quá hạn" in full, for the downloads: every line of every unit.
pub async fn overdue_report(
    db: &PgPool,
    as_of: NaiveDate,
    filter: &ReportFilter,
) -> sqlx::Result<OverdueReport> {
    let summary = overdue_summary(db, as_of, filter).await?;
    let order: Vec<i64> = summary.units.iter().map(|u| u.unit_id).collect();
    let lines = overdue_lines(db, as_of, filter, &order, 0, i64::MAX).await?;
    let mut units: Vec<UnitOverdue> = summary
        .units
        .into_iter()
        .map(|u| UnitOverdue {
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            is_group: u.is_group,
            rows: Vec::with_capacity(usize::try_from(u.tasks).unwrap_or(0)),
        })
        .collect();
    let mut at = 0;
    for (unit_id, row) in lines {
        while units.get(at).is_some_and(|u| u.unit_id != unit_id) {
            at += 1;
        }
        if let Some(unit) = units.get_mut(at) {
            unit.rows.push(row);
        }
    }
    units.retain(|u| !u.rows.is_empty());
    let (_, milestones) = overdue_milestones(db, as_of, filter, None).await?;
    Ok(OverdueReport {
        as_of,
        total: usize::try_from(summary.total).unwrap_or(0),
        units,
        milestones,
    })
}
