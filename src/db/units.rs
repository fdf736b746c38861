//! The unit registry: units, their aliases and group members, with task counts.

use serde::Serialize;
use sqlx::PgExecutor;

use crate::domain::ids::UnitId;

/// A unit with what the API lists about it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitRow {
    pub id: UnitId,
    pub name: String,
    pub parent: Option<String>,
    pub body: Option<String>,
    pub is_group: bool,
    pub aliases: Vec<String>,
    pub member_ids: Vec<i64>,
    pub lead_task_count: i64,
    pub partner_task_count: i64,
}

/// The shared select list; `$tail` (a string literal) filters and orders.
macro_rules! select_unit {
    ($tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            UnitRow,
            r#"select u.id as "id: UnitId", u.name, u.parent, u.body, u.is_group,
                      coalesce((select array_agg(a.alias order by a.alias) from unit_aliases a
                                 where a.unit_id = u.id), '{}') as "aliases!",
                      coalesce((select array_agg(m.member_id order by m.member_id) from unit_group_members m
                                 where m.group_id = u.id), '{}') as "member_ids!",
                      (select count(*) from task_units tu join tasks t on t.id = tu.task_id
                        where tu.unit_id = u.id and tu.role = 'lead' and not t.retired) as "lead_task_count!",
                      (select count(*) from task_units tu join tasks t on t.id = tu.task_id
                        where tu.unit_id = u.id and tu.role = 'partner' and not t.retired) as "partner_task_count!"
                 from units u "# + $tail
            $(, $arg)*
        )
    };
}

/// Every unit, by name.
pub async fn list_units(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UnitRow>> {
    select_unit!("order by u.is_group, u.name, u.id")
        .fetch_all(db)
        .await
}

/// One unit by id.
pub async fn fetch_unit(db: impl PgExecutor<'_>, id: UnitId) -> sqlx::Result<Option<UnitRow>> {
    select_unit!("where u.id = $1", id as UnitId)
        .fetch_optional(db)
        .await
}

/// (id, label) of every unit, units before groups, for filter lists; the label names the parent
/// body so that namesakes ("Cục Công nghệ thông tin – Bộ Tư pháp") can be told apart.
pub async fn list_unit_names(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(UnitId, String)>> {
    let rows = sqlx::query!(
        r#"select id as "id: UnitId",
                  name || coalesce(' – ' || parent, '') || case when is_group then ' (nhóm)' else '' end as "label!"
             from units order by is_group, name, parent nulls first, id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|u| (u.id, u.label)).collect())
}

/// A unit with its task counts as of a date, for the unit list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitSummaryRow {
    pub id: UnitId,
    pub name: String,
    pub parent: Option<String>,
    pub body: Option<String>,
    pub is_group: bool,
    pub aliases: Vec<String>,
    /// Tasks it leads, named directly or through a group.
    pub lead_count: i64,
    /// Tasks it partners on, named directly or through a group.
    pub partner_count: i64,
    /// Tasks it leads that are overdue as of the date.
    pub overdue_count: i64,
}

/// Every unit with its counts as of a date: units before groups, by their folded name.
pub async fn list_unit_summaries(
    db: impl PgExecutor<'_>,
    as_of: chrono::NaiveDate,
) -> sqlx::Result<Vec<UnitSummaryRow>> {
    // The inner join in parentheses keeps retired tasks out without losing units that have none.
    sqlx::query_as!(
        UnitSummaryRow,
        r#"select u.id as "id: UnitId", u.name, u.parent, u.body, u.is_group,
                coalesce((select array_agg(a.alias order by a.alias) from unit_aliases a
                           where a.unit_id = u.id), '{}') as "aliases!",
                count(t.id) filter (where tu.role = 'lead') as "lead_count!",
                count(t.id) filter (where tu.role = 'partner') as "partner_count!",
                count(t.id) filter (where tu.role = 'lead'
                    and task_category(t, $1::date) = 'overdue') as "overdue_count!"
           from units u
           left join (task_units tu join tasks t on t.id = tu.task_id and not t.retired) on tu.unit_id = u.id
          group by u.id
          order by u.is_group, u.key, u.id"#,
        as_of
    )
    .fetch_all(db)
    .await
}

/// A unit's id and name, for links.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitNameRow {
    pub id: UnitId,
    pub name: String,
}

/// The members of a group, by folded name.
pub async fn list_group_members(
    db: impl PgExecutor<'_>,
    group: UnitId,
) -> sqlx::Result<Vec<UnitNameRow>> {
    sqlx::query_as!(
        UnitNameRow,
        r#"select u.id as "id: UnitId", u.name from unit_group_members m join units u on u.id = m.member_id
            where m.group_id = $1 order by u.key, u.id"#,
        group as UnitId
    )
    .fetch_all(db)
    .await
}

/// The groups a unit belongs to, by folded name.
pub async fn list_groups_of_unit(
    db: impl PgExecutor<'_>,
    member: UnitId,
) -> sqlx::Result<Vec<UnitNameRow>> {
    sqlx::query_as!(
        UnitNameRow,
        r#"select u.id as "id: UnitId", u.name from unit_group_members m join units u on u.id = m.group_id
            where m.member_id = $1 order by u.key, u.id"#,
        member as UnitId
    )
    .fetch_all(db)
    .await
}

/// How many tasks a unit has in one role and status category as of a date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitCategoryCountRow {
    /// "lead" or "partner".
    pub role: String,
    pub category: String,
    pub count: i64,
}

/// A unit's task counts per role and category as of a date, over all its tasks (named directly
/// or through a group). Categories without tasks have no row.
pub async fn count_unit_categories(
    db: impl PgExecutor<'_>,
    unit: UnitId,
    as_of: chrono::NaiveDate,
) -> sqlx::Result<Vec<UnitCategoryCountRow>> {
    sqlx::query_as!(
        UnitCategoryCountRow,
        r#"select tu.role, task_category(t, $2::date) as "category!", count(*) as "count!"
             from task_units tu join tasks t on t.id = tu.task_id
            where tu.unit_id = $1 and not t.retired
            group by 1, 2
            order by 1, 2"#,
        unit as UnitId,
        as_of
    )
    .fetch_all(db)
    .await
}
