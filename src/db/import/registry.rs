//! The unit registry side of an import: resolving every mention of a plan to a unit in a few
//! bulk statements, and linking tasks to their units (groups expanded to their members).

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;

use super::tasks::ROWS_PER_STATEMENT;
use crate::domain::bodies::belongs_to_issuer;
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::text::fold;
use crate::domain::units::{GroupDefinition, Mention, refers_to_group};
use crate::import::{ParsedPlan, ParsedTask};

/// The units of one plan, resolved: mention keys to ids and the plan's defined groups.
pub(super) struct Registry<'p> {
    /// Units of a plan named without a parent belong to its issuer; their keys carry it.
    scope: String,
    /// Defined groups of this plan: (definition, group unit id, member ids).
    groups: Vec<(&'p GroupDefinition, UnitId, Vec<UnitId>)>,
    ids: HashMap<String, UnitId>,
}

fn group_mention(group: &GroupDefinition) -> Mention {
    Mention {
        written: group.name.clone(),
        name: group.name.clone(),
        parent: None,
        is_group: true,
        key: fold(&group.name),
    }
}

/// The registry key of a mention in a plan of `scope` (the folded issuer): a unit named
/// without a parent is the issuer's own, and its key carries the issuer, unless it stands
/// outside the issuer (a ministry, a mass organisation, a province's body in a ministry's
/// plan): then it is one unit whoever names it.
fn scoped_key(scope: &str, mention: &Mention) -> String {
    if mention.parent.is_some() || !belongs_to_issuer(&mention.name, scope) {
        return mention.key.clone();
    }
    // "… thuộc Bộ" in a ministry's own plan is "… thuộc Bộ <that ministry>": one group.
    let key = match mention.key.strip_suffix(" thuoc bo") {
        Some(stem) if mention.is_group && scope.starts_with("bo ") => {
            format!("{stem} thuoc {scope}")
        }
        _ => mention.key.clone(),
    };
    format!("{key}@{scope}")
}

fn mentions_of(task: &ParsedTask) -> impl Iterator<Item = &Mention> {
    task.leads.iter().chain(&task.partners)
}

/// The scope of a plan's own units: its issuer, folded.
pub(crate) fn scope_of(plan: &ParsedPlan) -> String {
    fold(&plan.header.issuer)
}

/// Every unit a plan names, keyed as the registry files it, once each in the order first
/// named: the plan's defined groups and their members, then the tasks' mentions (less those
/// naming a defined group: they are the group). The first mention decides name, parent and
/// group-ness.
pub(crate) fn plan_units(plan: &ParsedPlan) -> Vec<(String, Mention)> {
    let scope = scope_of(plan);
    let mut first_seen: HashSet<String> = HashSet::new();
    let mut units: Vec<(String, Mention)> = Vec::new();
    let mut note = |mention: &Mention| {
        let key = scoped_key(&scope, mention);
        if first_seen.insert(key.clone()) {
            units.push((key, mention.clone()));
        }
    };
    for group in &plan.groups {
        note(&group_mention(group));
        group.members.iter().for_each(&mut note);
    }
    for mention in plan.tasks.iter().flat_map(mentions_of) {
        if !plan.groups.iter().any(|def| refers_to_group(mention, def)) {
            note(mention);
        }
    }
    units
}

/// The registry key a task's mention resolves to: its own, or the defined group's it names.
pub(crate) fn mention_key(plan: &ParsedPlan, scope: &str, mention: &Mention) -> String {
    match plan.groups.iter().find(|def| refers_to_group(mention, def)) {
        Some(group) => scoped_key(scope, &group_mention(group)),
        None => scoped_key(scope, mention),
    }
}

impl<'p> Registry<'p> {
    /// Creates the units the plan names for the first time (in the order they are first named,
    /// the first mention deciding name, parent and group-ness) unless an intake mapped their
    /// key to an existing unit, records every spelling as an alias and the defined groups'
    /// members.
    pub(super) async fn resolve(tx: &mut PgConnection, plan: &'p ParsedPlan) -> sqlx::Result<Self> {
        let scope = scope_of(plan);
        let group_mentions: Vec<Mention> = plan.groups.iter().map(group_mention).collect();
        let units = plan_units(plan);
        refile_outside_units(tx, &plan.header.issuer, &scope).await?;
        // A mention someone mapped to an existing unit at an earlier intake is that unit.
        let mapped = mapped_units(tx, &units).await?;
        let new_units: Vec<&(String, Mention)> = units
            .iter()
            .filter(|(key, _)| !mapped.contains_key(key))
            .collect();
        let mut ids = upsert_units(tx, &new_units, &plan.header.issuer).await?;
        ids.extend(mapped);
        let mut registry = Registry {
            scope,
            groups: Vec::with_capacity(plan.groups.len()),
            ids,
        };
        let mut aliases: Vec<(UnitId, &str)> = Vec::new();
        let mut members: Vec<(UnitId, UnitId)> = Vec::new();
        for (group, mention) in plan.groups.iter().zip(&group_mentions) {
            let group_id = registry.id_of(mention)?;
            aliases.push((group_id, &mention.written));
            let mut ids = Vec::with_capacity(group.members.len());
            for member in &group.members {
                let member_id = registry.id_of(member)?;
                aliases.push((member_id, &member.written));
                if member_id != group_id {
                    members.push((group_id, member_id));
                    ids.push(member_id);
                }
            }
            registry.groups.push((group, group_id, ids));
        }
        for mention in plan.tasks.iter().flat_map(mentions_of) {
            let (unit_id, _) = registry.resolve_mention(mention)?;
            aliases.push((unit_id, &mention.written));
        }
        mark_groups(tx, &registry.groups).await?;
        insert_aliases(tx, &aliases).await?;
        insert_group_members(tx, &members).await?;
        Ok(registry)
    }

    fn id_of(&self, mention: &Mention) -> sqlx::Result<UnitId> {
        self.ids
            .get(&scoped_key(&self.scope, mention))
            .copied()
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The unit a task's mention names and, for a defined group, its members.
    fn resolve_mention(&self, mention: &Mention) -> sqlx::Result<(UnitId, &[UnitId])> {
        match self
            .groups
            .iter()
            .find(|(def, _, _)| refers_to_group(mention, def))
        {
            Some((_, group_id, members)) => Ok((*group_id, members)),
            None => Ok((self.id_of(mention)?, &[])),
        }
    }

    /// Replaces the unit links of `tasks`: the named units in order, then the members of the
    /// named groups (`via_group_id`); a unit linked twice in one role keeps its first link.
    /// `existed` are the tasks that may already have links.
    pub(super) async fn link_tasks(
        &self,
        tx: &mut PgConnection,
        tasks: &[(TaskId, &ParsedTask)],
        existed: &[TaskId],
    ) -> sqlx::Result<()> {
        if !existed.is_empty() {
            sqlx::query!(
                "delete from task_units where task_id = any($1)",
                existed as &[TaskId]
            )
            .execute(&mut *tx)
            .await?;
        }
        let mut rows = TaskUnitRows::default();
        let mut linked: HashSet<(TaskId, &str, UnitId)> = HashSet::new();
        for &(task, parsed) in tasks {
            for (role, mentions) in [("lead", &parsed.leads), ("partner", &parsed.partners)] {
                let mut position = 0;
                let mut expanded: Vec<(UnitId, UnitId)> = Vec::new();
                for mention in mentions {
                    let (unit_id, members) = self.resolve_mention(mention)?;
                    expanded.extend(members.iter().map(|m| (*m, unit_id)));
                    position += 1;
                    if linked.insert((task, role, unit_id)) {
                        rows.push(task, unit_id, role, position, Some(&mention.written), None);
                    }
                }
                for (member, group) in expanded {
                    position += 1;
                    if linked.insert((task, role, member)) {
                        rows.push(task, member, role, position, None, Some(group));
                    }
                }
            }
        }
        rows.insert(tx).await
    }
}

/// Units an earlier import filed under this issuer that stand outside it (a ministry named in
/// another ministry's plan, a mass organisation, a province's body) get their own key, joining
/// the unit of that key if another plan already named it: links, aliases, group memberships
/// and accounts bound to the unit move with it.
async fn refile_outside_units(
    tx: &mut PgConnection,
    issuer: &str,
    scope: &str,
) -> sqlx::Result<()> {
    let suffix = format!("@{scope}");
    let filed = sqlx::query!(
        r#"select id as "id: UnitId", key, name from units where right(key, length($1)) = $1"#,
        &suffix
    )
    .fetch_all(&mut *tx)
    .await?;
    for unit in filed {
        let (id, key, name) = (unit.id, unit.key, unit.name);
        if belongs_to_issuer(&name, issuer) {
            continue;
        }
        let own_key = key.trim_end_matches(suffix.as_str());
        let existing = sqlx::query_scalar!(
            r#"select id as "id: UnitId" from units where key = $1"#,
            own_key
        )
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            None => {
                sqlx::query!(
                    "update units set key = $2, body = null where id = $1",
                    id as UnitId,
                    own_key
                )
                .execute(&mut *tx)
                .await?;
            }
            Some(into) => {
                // A unit that has already reported in a round keeps its own row: its reports
                // are the unit's, and two reports of one round cannot become one.
                let reported = sqlx::query_scalar!(
                    r#"select exists (select 1 from round_reports where unit_id = $1) as "reported!""#,
                    id as UnitId
                )
                .fetch_one(&mut *tx)
                .await?;
                if !reported {
                    merge_unit(tx, id, into).await?;
                }
            }
        }
    }
    Ok(())
}

/// Moves everything of unit `from` to unit `into` and deletes `from`.
async fn merge_unit(tx: &mut PgConnection, from: UnitId, into: UnitId) -> sqlx::Result<()> {
    // One checked statement each, in this order; `$1` is `from`, `$2` is `into`.
    macro_rules! run {
        ($sql:literal, $($arg:expr),+) => {
            sqlx::query!($sql, $($arg),+).execute(&mut *tx).await?;
        };
    }
    let (from, into) = (from.0, into.0);
    run!(
        "insert into unit_aliases (unit_id, alias) select $2, alias from unit_aliases where unit_id = $1
         on conflict do nothing",
        from,
        into
    );
    run!(
        "update task_units t set unit_id = $2 where unit_id = $1 and not exists
           (select 1 from task_units o where o.task_id = t.task_id and o.role = t.role and o.unit_id = $2)",
        from,
        into
    );
    run!("delete from task_units where unit_id = $1", from);
    run!(
        "update task_units set via_group_id = $2 where via_group_id = $1",
        from,
        into
    );
    run!(
        "insert into unit_group_members (group_id, member_id)
         select $2, member_id from unit_group_members where group_id = $1 and member_id <> $2
         on conflict do nothing",
        from,
        into
    );
    run!(
        "insert into unit_group_members (group_id, member_id)
         select group_id, $2 from unit_group_members where member_id = $1 and group_id <> $2
         on conflict do nothing",
        from,
        into
    );
    run!(
        "insert into user_units (user_id, unit_id) select user_id, $2 from user_units where unit_id = $1
         on conflict do nothing",
        from,
        into
    );
    run!(
        "update unit_mappings set unit_id = $2 where unit_id = $1",
        from,
        into
    );
    run!("delete from units where id = $1", from);
    Ok(())
}

/// The units that mentions of these keys were mapped to at an intake, for the keys that name
/// no unit of their own (a unit of the key itself comes first).
async fn mapped_units(
    tx: &mut PgConnection,
    units: &[(String, Mention)],
) -> sqlx::Result<HashMap<String, UnitId>> {
    let keys: Vec<&str> = units.iter().map(|(key, _)| key.as_str()).collect();
    let rows = sqlx::query!(
        r#"select m.key, m.unit_id as "unit_id: UnitId" from unit_mappings m
            where m.key = any($1) and not exists (select 1 from units u where u.key = m.key)"#,
        &keys as &[&str]
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|m| (m.key, m.unit_id)).collect())
}

/// Inserts the units not yet in the registry; returns the id of every key.
async fn upsert_units(
    tx: &mut PgConnection,
    units: &[&(String, Mention)],
    issuer: &str,
) -> sqlx::Result<HashMap<String, UnitId>> {
    let keys: Vec<&str> = units.iter().map(|(key, _)| key.as_str()).collect();
    let names: Vec<&str> = units.iter().map(|(_, m)| m.name.as_str()).collect();
    let parents: Vec<Option<&str>> = units.iter().map(|(_, m)| m.parent.as_deref()).collect();
    // A unit standing outside the issuer has no body: it is its own.
    let bodies: Vec<Option<&str>> = units
        .iter()
        .map(|(_, m)| (m.parent.is_none() && belongs_to_issuer(&m.name, issuer)).then_some(issuer))
        .collect();
    let is_group: Vec<bool> = units.iter().map(|(_, m)| m.is_group).collect();
    let rows = sqlx::query!(
        r#"insert into units (key, name, parent, body, is_group)
         select key, name, parent, body, is_group
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
                with ordinality as u(key, name, parent, body, is_group, ord)
          order by ord
         on conflict (key) do update set is_group = units.is_group or excluded.is_group
         returning id as "id: UnitId", key"#,
        &keys as &[&str],
        &names as &[&str],
        &parents as _,
        &bodies as _,
        &is_group
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|u| (u.key, u.id)).collect())
}

async fn mark_groups(
    tx: &mut PgConnection,
    groups: &[(&GroupDefinition, UnitId, Vec<UnitId>)],
) -> sqlx::Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    let ids: Vec<UnitId> = groups.iter().map(|(_, id, _)| *id).collect();
    sqlx::query!(
        "update units set is_group = true where id = any($1)",
        &ids as &[UnitId]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_aliases(tx: &mut PgConnection, aliases: &[(UnitId, &str)]) -> sqlx::Result<()> {
    let mut seen = HashSet::new();
    let (ids, written): (Vec<UnitId>, Vec<&str>) =
        aliases.iter().copied().filter(|a| seen.insert(*a)).unzip();
    sqlx::query!(
        "insert into unit_aliases (unit_id, alias)
         select * from unnest($1::bigint[], $2::text[])
         on conflict do nothing",
        &ids as &[UnitId],
        &written as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_group_members(
    tx: &mut PgConnection,
    members: &[(UnitId, UnitId)],
) -> sqlx::Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    let (groups, units): (Vec<UnitId>, Vec<UnitId>) = members.iter().copied().unzip();
    sqlx::query!(
        "insert into unit_group_members (group_id, member_id)
         select * from unnest($1::bigint[], $2::bigint[])
         on conflict do nothing",
        &groups as &[UnitId],
        &units as &[UnitId]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `task_units` rows, column by column, for one `unnest` insert.
#[derive(Default)]
struct TaskUnitRows<'a> {
    tasks: Vec<TaskId>,
    units: Vec<UnitId>,
    roles: Vec<&'a str>,
    positions: Vec<i32>,
    written: Vec<Option<&'a str>>,
    via_groups: Vec<Option<UnitId>>,
}

impl<'a> TaskUnitRows<'a> {
    fn push(
        &mut self,
        task: TaskId,
        unit: UnitId,
        role: &'a str,
        position: i32,
        written: Option<&'a str>,
        via_group: Option<UnitId>,
    ) {
        self.tasks.push(task);
        self.units.push(unit);
        self.roles.push(role);
        self.positions.push(position);
        self.written.push(written);
        self.via_groups.push(via_group);
    }

    async fn insert(&self, tx: &mut PgConnection) -> sqlx::Result<()> {
        // A task has a few links: keep each statement to about the rows of one task chunk.
        let per_statement = 3 * ROWS_PER_STATEMENT;
        for start in (0..self.tasks.len()).step_by(per_statement) {
            let rows = start..self.tasks.len().min(start + per_statement);
            sqlx::query!(
                "insert into task_units (task_id, unit_id, role, position, written, via_group_id)
                 select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::integer[], $5::text[], $6::bigint[])",
                &self.tasks[rows.clone()] as &[TaskId],
                &self.units[rows.clone()] as &[UnitId],
                &self.roles[rows.clone()] as &[&str],
                &self.positions[rows.clone()],
                &self.written[rows.clone()] as &[Option<&str>],
                &self.via_groups[rows] as &[Option<UnitId>]
            )
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}
