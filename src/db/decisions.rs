//! Decisions and their sections.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgExecutor;

use crate::domain::ids::DecisionId;

/// A decision as the API and pages show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: DecisionId,
    pub code: String,
    pub number: String,
    pub doc_type: String,
    pub issuer: String,
    pub place: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub signer: Option<String>,
    pub signer_title: Option<String>,
    pub title: String,
    pub plan_title: Option<String>,
    pub legal_bases: Vec<String>,
    pub replaces: Vec<String>,
    pub recipients: Vec<String>,
    pub source_file: String,
    pub task_count: i64,
}

/// The shared select list; `$tail` (a string literal) filters and orders.
macro_rules! select_decision {
    ($tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            DecisionRow,
            r#"select d.id as "id: DecisionId", d.code, d.number, d.doc_type, d.issuer, d.place, d.issued_on,
                      d.signer, d.signer_title, d.title, d.plan_title, d.legal_bases, d.replaces,
                      d.recipients, d.source_file,
                      (select count(*) from tasks t where t.decision_id = d.id and not t.retired) as "task_count!"
                 from decisions d "# + $tail
            $(, $arg)*
        )
    };
}

/// Every decision, newest first.
pub async fn list_decisions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<DecisionRow>> {
    select_decision!("order by d.issued_on desc nulls last, d.code")
        .fetch_all(db)
        .await
}

/// One decision by id.
pub async fn fetch_decision(
    db: impl PgExecutor<'_>,
    id: DecisionId,
) -> sqlx::Result<Option<DecisionRow>> {
    select_decision!("where d.id = $1", id as DecisionId)
        .fetch_optional(db)
        .await
}

/// A section of a plan.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SectionRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub task_count: i64,
}

/// The sections of a decision's plan, in document order.
pub async fn list_sections(
    db: impl PgExecutor<'_>,
    decision: DecisionId,
) -> sqlx::Result<Vec<SectionRow>> {
    sqlx::query_as!(
        SectionRow,
        r#"select s.id, s.code, s.title,
                  (select count(*) from tasks t where t.section_id = s.id and not t.retired) as "task_count!"
             from sections s where s.decision_id = $1 order by s.position"#,
        decision as DecisionId
    )
    .fetch_all(db)
    .await
}

/// How many tasks of a decision fall in one status category as of a date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CategoryCountRow {
    pub decision_id: DecisionId,
    pub category: String,
    pub count: i64,
}

/// Task counts per decision and category as of a date; only one decision's when `decision` is
/// given. Categories without tasks have no row.
pub async fn count_categories(
    db: impl PgExecutor<'_>,
    as_of: NaiveDate,
    decision: Option<DecisionId>,
) -> sqlx::Result<Vec<CategoryCountRow>> {
    sqlx::query_as!(
        CategoryCountRow,
        r#"select t.decision_id as "decision_id: DecisionId",
                  task_category(t, $1::date) as "category!",
                  count(*) as "count!"
             from tasks t
            where not t.retired and ($2::bigint is null or t.decision_id = $2)
            group by 1, 2
            order by 1, 2"#,
        as_of,
        decision as Option<DecisionId>
    )
    .fetch_all(db)
    .await
}

/// (id, code, issuer) of every decision, newest first: the plan menus, without the task counts
/// that `list_decisions` computes.
pub async fn list_decision_names(
    db: impl PgExecutor<'_>,
) -> sqlx::Result<Vec<(DecisionId, String, String)>> {
    let rows = sqlx::query!(
        r#"select id as "id: DecisionId", code, issuer from decisions
            order by issued_on desc nulls last, code"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|d| (d.id, d.code, d.issuer)).collect())
}
