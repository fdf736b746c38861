//! The queries behind the manager reports. Every figure is judged as of a date with the SQL
//! functions of migration 0003, so a completion dated after the report's date does not count and
//! an extension counts only from the day it was granted (or not at all when judging against the
//! plan's own deadline). The overdue report's own queries are in `super::overdue`.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::reports::model::{CompletedReport, CompletedRow, Figures, NamedFigures};
use crate::reports::period::Period;

/// Which tasks a report covers and how deadlines are judged.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub decision_code: Option<String>,
    /// Tasks this unit leads (groups expanded).
    pub unit: Option<i64>,
    pub min_days_overdue: Option<i32>,
    /// Judge against the plan's deadline, ignoring extensions.
    pub original_deadline: bool,
}

struct FigureLine {
    id: i64,
    name: String,
    due: i64,
    completed_on_time: i64,
    completed_late: i64,
    overdue: i64,
}

impl FigureLine {
    fn named(self) -> NamedFigures {
        NamedFigures {
            id: self.id,
            name: self.name,
            figures: Figures {
                due: self.due,
                completed_on_time: self.completed_on_time,
                completed_late: self.completed_late,
                overdue: self.overdue,
            },
        }
    }
}

/// The figures of each decision or unit: `$select` names the line, `$from` joins what it
/// needs, `$group` groups (and orders); `$1` is the date, `$2` the decision code, `$3` whether
/// extensions count.
macro_rules! figures_query {
    ($select:tt, $from:tt, $group:tt, $($arg:expr),+) => {
        sqlx::query_as!(
            FigureLine,
            "select " + $select + r#",
                count(*) filter (where task_category(t, $1, $3) in ('completed_on_time', 'completed_late', 'overdue')) as "due!",
                count(*) filter (where task_category(t, $1, $3) = 'completed_on_time') as "completed_on_time!",
                count(*) filter (where task_category(t, $1, $3) = 'completed_late') as "completed_late!",
                count(*) filter (where task_category(t, $1, $3) = 'overdue') as "overdue!"
               from tasks t join decisions d on d.id = t.decision_id "# + $from + "
              where not t.retired and d.code = coalesce($2, d.code) " + $group,
            $($arg),+
        )
    };
}

async fn figures_by(
    db: &PgPool,
    by_unit: bool,
    at: NaiveDate,
    filter: &ReportFilter,
) -> sqlx::Result<Vec<NamedFigures>> {
    let code = filter.decision_code.as_deref();
    let extended = !filter.original_deadline;
    let lines = if by_unit {
        figures_query!(
            "u.id, u.name",
            "join task_units tu on tu.task_id = t.id and tu.role = 'lead'
             join units u on u.id = tu.unit_id and not u.is_group",
            "group by u.id, u.name",
            at,
            code,
            extended
        )
        .fetch_all(db)
        .await?
    } else {
        figures_query!(
            "d.id, d.code as name",
            "",
            "group by d.id, d.code, d.issued_on order by d.issued_on desc nulls last, d.code",
            at,
            code,
            extended
        )
        .fetch_all(db)
        .await?
    };
    let mut named: Vec<NamedFigures> = lines.into_iter().map(FigureLine::named).collect();
    if by_unit {
        named.retain(|n| n.figures.due > 0);
        named.sort_by(|a, b| {
            b.figures
                .on_time_rate()
                .total_cmp(&a.figures.on_time_rate())
                .then(b.figures.completed().cmp(&a.figures.completed()))
                .then(a.name.cmp(&b.name))
        });
    }
    Ok(named)
}

/// Figures for all tasks (of the filtered decision) as of a date.
pub async fn totals(db: &PgPool, at: NaiveDate, filter: &ReportFilter) -> sqlx::Result<Figures> {
    sqlx::query_as!(
        Figures,
        r#"select
            count(*) filter (where task_category(t, $1, $3) in ('completed_on_time', 'completed_late', 'overdue')) as "due!",
            count(*) filter (where task_category(t, $1, $3) = 'completed_on_time') as "completed_on_time!",
            count(*) filter (where task_category(t, $1, $3) = 'completed_late') as "completed_late!",
            count(*) filter (where task_category(t, $1, $3) = 'overdue') as "overdue!"
           from tasks t join decisions d on d.id = t.decision_id
          where not t.retired and d.code = coalesce($2, d.code)"#,
        at,
        filter.decision_code.as_deref(),
        !filter.original_deadline
    )
    .fetch_one(db)
    .await
}

/// "Báo cáo kết quả thực hiện" for a period.
pub async fn completed_report(
    db: &PgPool,
    period: &Period,
    filter: &ReportFilter,
) -> sqlx::Result<CompletedReport> {
    struct Line {
        task_id: i64,
        decision: String,
        reference: String,
        content: String,
        lead_text: String,
        deadline_text: String,
        due_on: Option<NaiveDate>,
        completed_on: NaiveDate,
        deliverable: String,
    }
    let lines = sqlx::query_as!(
        Line,
        r#"select t.id as task_id, d.code as decision, t.ref as reference, t.content, t.lead_text, t.deadline_text,
                task_due_as_of(t, $2, $5) as due_on, t.completed_on as "completed_on!", t.deliverable
           from tasks t join decisions d on d.id = t.decision_id
          where not t.retired and t.state = 'completed' and t.completed_on between $1 and $2
            and ($3::text is null or d.code = $3)
            and ($4::bigint is null or exists (select 1 from task_units x where x.task_id = t.id and x.role = 'lead' and x.unit_id = $4))
          order by t.completed_on, d.code, t.position"#,
        period.from,
        period.to,
        filter.decision_code.as_deref(),
        filter.unit,
        !filter.original_deadline
    )
    .fetch_all(db)
    .await?;
    let completed = lines
        .into_iter()
        .map(|l| CompletedRow {
            on_time: l.due_on.is_none_or(|due| l.completed_on <= due),
            task_id: l.task_id,
            decision: l.decision,
            reference: l.reference,
            content: l.content,
            lead_text: l.lead_text,
            deadline_text: l.deadline_text,
            due_on: l.due_on,
            completed_on: l.completed_on,
            deliverable: l.deliverable,
        })
        .collect();
    Ok(CompletedReport {
        from: period.from,
        to: period.to,
        label: period.label.clone(),
        completed,
        totals: totals(db, period.to, filter).await?,
        per_decision: figures_by(db, false, period.to, filter).await?,
        per_unit: figures_by(db, true, period.to, filter).await?,
    })
}
