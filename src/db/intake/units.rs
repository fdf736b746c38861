//! The units a previewed plan names, each as the import will resolve it: an existing unit, a
//! unit a mention was mapped to at an earlier intake, or a new unit — with the existing units
//! it nearly matches (same loose key, same parent, filed under the same issuer or under none).
//! Two queries whatever the plan's size.

use std::collections::HashMap;

use sqlx::PgConnection;

use crate::db::import::{mention_key, plan_units, scope_of};
use crate::domain::ids::UnitId;
use crate::domain::unit_match::{near_key, same_scope_or_none};
use crate::import::ParsedPlan;

/// An existing unit as the preview names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    pub id: UnitId,
    pub name: String,
    pub parent: Option<String>,
}

impl UnitRef {
    /// "Trung tâm Công nghệ thông tin (Bộ Khoa học và Công nghệ)".
    pub fn label(&self) -> String {
        match &self.parent {
            Some(parent) => format!("{} ({parent})", self.name),
            None => self.name.clone(),
        }
    }
}

/// How a unit of the plan will be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitStatus {
    /// A unit of this key exists.
    Existing(UnitRef),
    /// A mention of this key was mapped to this unit at an earlier intake.
    Mapped(UnitRef),
    /// It will be created, unless mapped to one of `near`.
    New { near: Vec<UnitRef> },
}

/// One unit the plan names.
#[derive(Debug, Clone)]
pub struct PlanUnit {
    /// Its registry key (what a mapping is saved under).
    pub key: String,
    /// The key of its name and parent alone, whatever the issuer: what a choice on the form
    /// names it by, so that a choice made while the issuer is corrected still finds it.
    pub name_key: String,
    pub name: String,
    pub parent: Option<String>,
    pub is_group: bool,
    /// Every spelling the plan uses for it, in order of first use.
    pub written: Vec<String>,
    pub status: UnitStatus,
}

struct UnitRow {
    id: UnitId,
    key: String,
    name: String,
    parent: Option<String>,
    is_group: bool,
}

impl UnitRow {
    fn as_ref(&self) -> UnitRef {
        UnitRef {
            id: self.id,
            name: self.name.clone(),
            parent: self.parent.clone(),
        }
    }
}

/// Every unit `plan` names, in the order first named, with its status.
pub async fn plan_unit_statuses(
    conn: &mut PgConnection,
    plan: &ParsedPlan,
) -> sqlx::Result<Vec<PlanUnit>> {
    let scope = scope_of(plan);
    let named = plan_units(plan);
    let keys: Vec<&str> = named.iter().map(|(key, _)| key.as_str()).collect();
    // The plan's own keys, and every unit a near match may be: those filed under no issuer
    // or under this one.
    let rows = sqlx::query_as!(
        UnitRow,
        r#"select id as "id: UnitId", key, name, parent, is_group from units
            where key = any($1) or strpos(key, '@') = 0 or right(key, length($2)) = $2"#,
        &keys as &[&str],
        format!("@{scope}")
    )
    .fetch_all(&mut *conn)
    .await?;
    let mapped: Vec<(String, UnitRow)> = sqlx::query!(
        r#"select m.key as mention, u.id as "id: UnitId", u.key, u.name, u.parent, u.is_group
                 from unit_mappings m join units u on u.id = m.unit_id where m.key = any($1)"#,
        &keys as &[&str]
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|m| {
        (
            m.mention,
            UnitRow {
                id: m.id,
                key: m.key,
                name: m.name,
                parent: m.parent,
                is_group: m.is_group,
            },
        )
    })
    .collect();
    let by_key: HashMap<&str, &UnitRow> = rows.iter().map(|u| (u.key.as_str(), u)).collect();
    let mapped: HashMap<&str, &UnitRow> = mapped.iter().map(|(k, u)| (k.as_str(), u)).collect();
    let mut by_near: HashMap<(String, bool), Vec<&UnitRow>> = HashMap::new();
    for row in &rows {
        by_near
            .entry((near_key(&row.name, row.parent.as_deref()), row.is_group))
            .or_default()
            .push(row);
    }
    let written = spellings(plan, &scope);
    Ok(named
        .into_iter()
        .map(|(key, mention)| {
            let status = match (by_key.get(key.as_str()), mapped.get(key.as_str())) {
                (Some(unit), _) => UnitStatus::Existing(unit.as_ref()),
                (None, Some(unit)) => UnitStatus::Mapped(unit.as_ref()),
                (None, None) => {
                    let loose = (
                        near_key(&mention.name, mention.parent.as_deref()),
                        mention.is_group,
                    );
                    let mut near: Vec<UnitRef> = by_near
                        .get(&loose)
                        .into_iter()
                        .flatten()
                        .filter(|u| u.key != key && same_scope_or_none(&key, &u.key))
                        .map(|u| u.as_ref())
                        .collect();
                    near.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
                    UnitStatus::New { near }
                }
            };
            PlanUnit {
                name_key: mention.key.clone(),
                written: written
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| vec![mention.written.clone()]),
                key,
                name: mention.name,
                parent: mention.parent,
                is_group: mention.is_group,
                status,
            }
        })
        .collect())
}

/// The spellings of each key, in order of first use.
fn spellings(plan: &ParsedPlan, scope: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut add = |key: String, written: &str| {
        let list = out.entry(key).or_default();
        if !list.iter().any(|w| w == written) {
            list.push(written.to_owned());
        }
    };
    for group in &plan.groups {
        for member in &group.members {
            add(mention_key(plan, scope, member), &member.written);
        }
    }
    for task in &plan.tasks {
        for mention in task.leads.iter().chain(&task.partners) {
            add(mention_key(plan, scope, mention), &mention.written);
        }
    }
    out
}
