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

/// The shared select list; `concat!` keeps every query a static string.
macro_rules! select_unit {
    () => {
        "
    select u.id, u.name, u.parent, u.body, u.is_group,
           coalesce((select array_agg(a.alias order by a.alias) from unit_aliases a where a.unit_id = u.id), '{}') as aliases,
           coalesce((select array_agg(m.member_id order by m.member_id) from unit_group_members m where m.group_id = u.id), '{}') as member_ids,
           (select count(*) from task_units tu join tasks t on t.id = tu.task_id
             where tu.unit_id = u.id and tu.role = 'lead' and not t.retired) as lead_task_count,
           (select count(*) from task_units tu join tasks t on t.id = tu.task_id
             where tu.unit_id = u.id and tu.role = 'partner' and not t.retired) as partner_task_count
      from units u"
    };
}

/// Every unit, by name.
pub async fn list_units(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as(concat!(
        select_unit!(),
        " order by u.is_group, u.name, u.id"
    ))
    .fetch_all(db)
    .await
}

/// One unit by id.
pub async fn fetch_unit(db: impl PgExecutor<'_>, id: UnitId) -> sqlx::Result<Option<UnitRow>> {
    sqlx::query_as(concat!(select_unit!(), " where u.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// (id, name) of every unit, units before groups, for filter lists.
pub async fn list_unit_names(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(UnitId, String)>> {
    sqlx::query_as("select id, name from units order by is_group, name, id")
        .fetch_all(db)
        .await
}
