//! Writing a parsed plan: one transaction per document, so a document lands whole or not at all.
//! Re-importing the same bytes writes nothing; a revised document updates text and links but
//! never a task's state, milestones' progress or history.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::domain::ids::{DecisionId, TaskId, UnitId};
use crate::domain::text::fold;
use crate::domain::units::{Mention, refers_to_group};
use crate::import::{ImportError, ParsedPlan, ParsedTask, parse_document};

/// What happened to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Created,
    Updated,
    Unchanged,
}

/// The figures `actionplan import` prints for a document.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub decision_id: DecisionId,
    pub code: String,
    pub status: ImportStatus,
    pub sections: usize,
    pub tasks: usize,
    pub units: usize,
    /// (task reference, deadline text) for each deadline that was not understood.
    pub unparsed: Vec<(String, String)>,
}

/// Why an import failed: the document, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{0}")]
    Rejected(#[from] ImportError),
    #[error("lỗi cơ sở dữ liệu khi nhập {file}: {source}")]
    Database { file: String, source: sqlx::Error },
}

/// Parses and writes one document.
pub async fn import_document(
    pool: &PgPool,
    file: &str,
    bytes: &[u8],
) -> Result<ImportOutcome, ImportFailure> {
    let plan = parse_document(file, bytes)?;
    let sha = hex(&Sha256::digest(bytes));
    let database = |source| ImportFailure::Database {
        file: file.to_owned(),
        source,
    };
    let mut tx = pool.begin().await.map_err(database)?;
    let outcome = write_plan(&mut tx, file, &sha, &plan)
        .await
        .map_err(database)?;
    tx.commit().await.map_err(database)?;
    Ok(outcome)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unparsed_of(plan: &ParsedPlan) -> Vec<(String, String)> {
    plan.tasks
        .iter()
        .filter(|t| t.deadline.kind == crate::domain::deadline::DeadlineKind::Unparsed)
        .map(|t| (t.reference.clone(), t.deadline_text.clone()))
        .collect()
}

async fn write_plan(
    tx: &mut PgConnection,
    file: &str,
    sha: &str,
    plan: &ParsedPlan,
) -> sqlx::Result<ImportOutcome> {
    let h = &plan.header;
    // Two imports of the same decision at once would race on its tasks; serialise them.
    sqlx::query("select pg_advisory_xact_lock(hashtext($1))")
        .bind(&h.code)
        .execute(&mut *tx)
        .await?;
    let existing: Option<(DecisionId, String)> =
        sqlx::query_as("select id, source_sha256 from decisions where code = $1")
            .bind(&h.code)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((id, old_sha)) = &existing
        && old_sha == sha
    {
        return summary(tx, *id, &h.code, ImportStatus::Unchanged, unparsed_of(plan)).await;
    }
    let decision_id: DecisionId = sqlx::query_scalar(
        "insert into decisions (code, number, doc_type, issuer, issuer_code, place, issued_on, signer, signer_title,
                                title, plan_title, legal_bases, replaces, recipients, source_file, source_sha256)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         on conflict (code) do update set
            number = excluded.number, doc_type = excluded.doc_type, issuer = excluded.issuer,
            issuer_code = excluded.issuer_code, place = excluded.place, issued_on = excluded.issued_on,
            signer = excluded.signer, signer_title = excluded.signer_title, title = excluded.title,
            plan_title = excluded.plan_title, legal_bases = excluded.legal_bases, replaces = excluded.replaces,
            recipients = excluded.recipients, source_file = excluded.source_file, source_sha256 = excluded.source_sha256
         returning id",
    )
    .bind(&h.code)
    .bind(&h.number)
    .bind(&h.doc_type)
    .bind(&h.issuer)
    .bind(&h.issuer_code)
    .bind(&h.place)
    .bind(h.issued_on)
    .bind(&h.signer)
    .bind(&h.signer_title)
    .bind(&h.title)
    .bind(&h.plan_title)
    .bind(&h.legal_bases)
    .bind(&h.replaces)
    .bind(&h.recipients)
    .bind(file)
    .bind(sha)
    .fetch_one(&mut *tx)
    .await?;

    let section_ids = write_sections(tx, decision_id, plan).await?;
    let mut registry = Registry::new(&h.issuer);
    registry.write_groups(tx, plan).await?;
    let actor = format!("nhập: {file}");
    let mut kept: Vec<TaskId> = Vec::with_capacity(plan.tasks.len());
    for (position, task) in plan.tasks.iter().enumerate() {
        let section_id = task.section.and_then(|s| section_ids.get(s).copied());
        let id = write_task(tx, decision_id, section_id, position, task, &actor).await?;
        write_milestones(tx, id, task).await?;
        registry.link_task(tx, id, task, plan).await?;
        kept.push(id);
    }
    retire_missing(tx, decision_id, &kept, &actor).await?;
    let status = if existing.is_some() {
        ImportStatus::Updated
    } else {
        ImportStatus::Created
    };
    summary(tx, decision_id, &h.code, status, unparsed_of(plan)).await
}

async fn summary(
    tx: &mut PgConnection,
    id: DecisionId,
    code: &str,
    status: ImportStatus,
    unparsed: Vec<(String, String)>,
) -> sqlx::Result<ImportOutcome> {
    let (sections, tasks, units): (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from sections where decision_id = $1),
                (select count(*) from tasks where decision_id = $1 and not retired),
                (select count(distinct tu.unit_id) from task_units tu join tasks t on t.id = tu.task_id
                  where t.decision_id = $1 and not t.retired)",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or_default();
    Ok(ImportOutcome {
        decision_id: id,
        code: code.to_owned(),
        status,
        sections: count(sections),
        tasks: count(tasks),
        units: count(units),
        unparsed,
    })
}

async fn write_sections(
    tx: &mut PgConnection,
    decision: DecisionId,
    plan: &ParsedPlan,
) -> sqlx::Result<Vec<i64>> {
    let codes: Vec<&str> = plan.sections.iter().map(|s| s.code.as_str()).collect();
    sqlx::query("delete from sections where decision_id = $1 and not (code = any($2))")
        .bind(decision)
        .bind(&codes)
        .execute(&mut *tx)
        .await?;
    let mut ids = Vec::with_capacity(plan.sections.len());
    for (position, section) in plan.sections.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "insert into sections (decision_id, code, title, position) values ($1, $2, $3, $4)
             on conflict (decision_id, code) do update set title = excluded.title, position = excluded.position
             returning id",
        )
        .bind(decision)
        .bind(&section.code)
        .bind(&section.title)
        .bind(position_i32(position))
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

fn position_i32(position: usize) -> i32 {
    i32::try_from(position + 1).unwrap_or(i32::MAX)
}

/// The folded words a task is searched by: reference, content, units, deadline, deliverable.
pub fn search_text(task: &ParsedTask) -> String {
    let all = [
        &task.reference,
        &task.content,
        &task.lead_text,
        &task.partner_text,
        &task.deadline_text,
        &task.deliverable,
    ]
    .map(|s| s.as_str())
    .join(" ");
    search_words(&all)
}

/// Folded text with punctuation turned to spaces, padded so that `like '% word%'` matches
/// whole-word prefixes.
pub fn search_words(text: &str) -> String {
    let folded: String = fold(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    format!(
        " {} ",
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

async fn write_task(
    tx: &mut PgConnection,
    decision: DecisionId,
    section: Option<i64>,
    position: usize,
    task: &ParsedTask,
    actor: &str,
) -> sqlx::Result<TaskId> {
    let before: Option<(TaskId, serde_json::Value)> = sqlx::query_as(
        "select id, jsonb_build_object('content', content, 'lead_text', lead_text, 'partner_text', partner_text,
                'deadline_text', deadline_text, 'deliverable', deliverable, 'heading', heading, 'retired', retired)
           from tasks where decision_id = $1 and ref = $2",
    )
    .bind(decision)
    .bind(&task.reference)
    .fetch_optional(&mut *tx)
    .await?;
    let id: TaskId = sqlx::query_scalar(
        "insert into tasks (decision_id, section_id, number, ref, position, heading, content, lead_text, partner_text,
                            deadline_text, deadline_kind, plan_due_on, recurs_from, deliverable, source_line, search_text)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         on conflict (decision_id, ref) do update set
            section_id = excluded.section_id, number = excluded.number, position = excluded.position,
            heading = excluded.heading, content = excluded.content, lead_text = excluded.lead_text,
            partner_text = excluded.partner_text, deadline_text = excluded.deadline_text,
            deadline_kind = excluded.deadline_kind, plan_due_on = excluded.plan_due_on, recurs_from = excluded.recurs_from,
            deliverable = excluded.deliverable, source_line = excluded.source_line,
            search_text = excluded.search_text, retired = false
         returning id",
    )
    .bind(decision)
    .bind(section)
    .bind(&task.number)
    .bind(&task.reference)
    .bind(position_i32(position))
    .bind(&task.heading)
    .bind(&task.content)
    .bind(&task.lead_text)
    .bind(&task.partner_text)
    .bind(&task.deadline_text)
    .bind(task.deadline.kind.as_str())
    .bind(task.deadline.due_on)
    .bind(task.deadline.recurs_from)
    .bind(&task.deliverable)
    .bind(i32::try_from(task.line).unwrap_or(i32::MAX))
    .bind(search_text(task))
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "content": task.content, "lead_text": task.lead_text, "partner_text": task.partner_text,
        "deadline_text": task.deadline_text, "deliverable": task.deliverable, "heading": task.heading, "retired": false,
    });
    match before {
        None => {
            record_event(
                tx,
                id,
                actor,
                "imported",
                serde_json::json!({ "ref": task.reference }),
                None,
            )
            .await?
        }
        Some((_, old)) if old != after => {
            let changed = changed_fields(&old, &after);
            record_event(
                tx,
                id,
                actor,
                "revised",
                changed,
                Some("Văn bản sửa đổi đã cập nhật nội dung"),
            )
            .await?;
        }
        Some(_) => {}
    }
    Ok(id)
}

/// `{field: {from, to}}` for the fields that differ.
fn changed_fields(old: &serde_json::Value, new: &serde_json::Value) -> serde_json::Value {
    let mut changed = serde_json::Map::new();
    if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
        for (field, to) in new {
            let from = old.get(field).cloned().unwrap_or(serde_json::Value::Null);
            if &from != to {
                changed.insert(field.clone(), serde_json::json!({ "from": from, "to": to }));
            }
        }
    }
    serde_json::Value::Object(changed)
}

async fn record_event(
    tx: &mut PgConnection,
    task: TaskId,
    actor: &str,
    kind: &str,
    data: serde_json::Value,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into task_events (task_id, actor, kind, data, note) values ($1, $2, $3, $4, $5)",
    )
    .bind(task)
    .bind(actor)
    .bind(kind)
    .bind(data)
    .bind(note)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn write_milestones(
    tx: &mut PgConnection,
    task: TaskId,
    parsed: &ParsedTask,
) -> sqlx::Result<()> {
    let count = i32::try_from(parsed.deadline.milestones.len()).unwrap_or(i32::MAX);
    sqlx::query("delete from milestones where task_id = $1 and position > $2")
        .bind(task)
        .bind(count)
        .execute(&mut *tx)
        .await?;
    for (index, milestone) in parsed.deadline.milestones.iter().enumerate() {
        sqlx::query(
            "insert into milestones (task_id, position, label, due_on) values ($1, $2, $3, $4)
             on conflict (task_id, position) do update set label = excluded.label, due_on = excluded.due_on",
        )
        .bind(task)
        .bind(position_i32(index))
        .bind(&milestone.label)
        .bind(milestone.due_on)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn retire_missing(
    tx: &mut PgConnection,
    decision: DecisionId,
    kept: &[TaskId],
    actor: &str,
) -> sqlx::Result<()> {
    let kept: Vec<i64> = kept.iter().map(|t| t.0).collect();
    let retired: Vec<TaskId> = sqlx::query_scalar(
        "update tasks set retired = true where decision_id = $1 and not retired and not (id = any($2)) returning id",
    )
    .bind(decision)
    .bind(&kept)
    .fetch_all(&mut *tx)
    .await?;
    for id in retired {
        record_event(
            tx,
            id,
            actor,
            "retired",
            serde_json::json!({}),
            Some("Nhiệm vụ không còn trong văn bản sửa đổi"),
        )
        .await?;
    }
    Ok(())
}

/// Resolves mentions to registry units, creating them on first sight.
struct Registry {
    /// Units of a plan named without a parent belong to its issuer; their keys carry it.
    scope: String,
    /// Defined groups of this plan: (definition, group unit id, member ids).
    groups: Vec<(crate::domain::units::GroupDefinition, UnitId, Vec<UnitId>)>,
    cache: HashMap<String, UnitId>,
}

impl Registry {
    fn new(issuer: &str) -> Self {
        Registry {
            scope: fold(issuer),
            groups: Vec::new(),
            cache: HashMap::new(),
        }
    }

    fn scoped_key(&self, mention: &Mention) -> String {
        if mention.parent.is_some() {
            return mention.key.clone();
        }
        // "… thuộc Bộ" in a ministry's own plan is "… thuộc Bộ <that ministry>": one group.
        let key = match mention.key.strip_suffix(" thuoc bo") {
            Some(stem) if mention.is_group && self.scope.starts_with("bo ") => {
                format!("{stem} thuoc {}", self.scope)
            }
            _ => mention.key.clone(),
        };
        format!("{key}@{}", self.scope)
    }

    async fn unit(
        &mut self,
        tx: &mut PgConnection,
        mention: &Mention,
        body: &str,
    ) -> sqlx::Result<UnitId> {
        let key = self.scoped_key(mention);
        let id = match self.cache.get(&key) {
            Some(id) => *id,
            None => {
                let id: UnitId = sqlx::query_scalar(
                    "insert into units (key, name, parent, body, is_group) values ($1, $2, $3, $4, $5)
                     on conflict (key) do update set is_group = units.is_group or excluded.is_group
                     returning id",
                )
                .bind(&key)
                .bind(&mention.name)
                .bind(&mention.parent)
                .bind(mention.parent.is_none().then_some(body))
                .bind(mention.is_group)
                .fetch_one(&mut *tx)
                .await?;
                self.cache.insert(key, id);
                id
            }
        };
        sqlx::query(
            "insert into unit_aliases (unit_id, alias) values ($1, $2) on conflict do nothing",
        )
        .bind(id)
        .bind(&mention.written)
        .execute(&mut *tx)
        .await?;
        Ok(id)
    }

    async fn write_groups(&mut self, tx: &mut PgConnection, plan: &ParsedPlan) -> sqlx::Result<()> {
        for group in &plan.groups {
            let as_mention = Mention {
                written: group.name.clone(),
                name: group.name.clone(),
                parent: None,
                is_group: true,
                key: fold(&group.name),
            };
            let group_id = self.unit(tx, &as_mention, &plan.header.issuer).await?;
            sqlx::query("update units set is_group = true where id = $1")
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
            let mut members = Vec::with_capacity(group.members.len());
            for member in &group.members {
                let member_id = self.unit(tx, member, &plan.header.issuer).await?;
                if member_id != group_id {
                    sqlx::query("insert into unit_group_members (group_id, member_id) values ($1, $2) on conflict do nothing")
                        .bind(group_id)
                        .bind(member_id)
                        .execute(&mut *tx)
                        .await?;
                    members.push(member_id);
                }
            }
            self.groups.push((group.clone(), group_id, members));
        }
        Ok(())
    }

    async fn link_task(
        &mut self,
        tx: &mut PgConnection,
        task: TaskId,
        parsed: &ParsedTask,
        plan: &ParsedPlan,
    ) -> sqlx::Result<()> {
        sqlx::query("delete from task_units where task_id = $1")
            .bind(task)
            .execute(&mut *tx)
            .await?;
        for (role, mentions) in [("lead", &parsed.leads), ("partner", &parsed.partners)] {
            let mut position = 0;
            let mut expanded: Vec<(UnitId, UnitId)> = Vec::new();
            for mention in mentions {
                let defined = self
                    .groups
                    .iter()
                    .find(|(def, _, _)| refers_to_group(mention, def));
                let unit_id = match defined {
                    Some((_, group_id, members)) => {
                        expanded.extend(members.iter().map(|m| (*m, *group_id)));
                        sqlx::query("insert into unit_aliases (unit_id, alias) values ($1, $2) on conflict do nothing")
                            .bind(group_id)
                            .bind(&mention.written)
                            .execute(&mut *tx)
                            .await?;
                        *group_id
                    }
                    None => self.unit(tx, mention, &plan.header.issuer).await?,
                };
                position += 1;
                sqlx::query(
                    "insert into task_units (task_id, unit_id, role, position, written) values ($1, $2, $3, $4, $5)
                     on conflict (task_id, role, unit_id) do nothing",
                )
                .bind(task)
                .bind(unit_id)
                .bind(role)
                .bind(position)
                .bind(&mention.written)
                .execute(&mut *tx)
                .await?;
            }
            for (member, group) in expanded {
                position += 1;
                sqlx::query(
                    "insert into task_units (task_id, unit_id, role, position, via_group_id) values ($1, $2, $3, $4, $5)
                     on conflict (task_id, role, unit_id) do nothing",
                )
                .bind(task)
                .bind(member)
                .bind(role)
                .bind(position)
                .bind(group)
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }
}
