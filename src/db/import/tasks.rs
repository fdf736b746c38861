//! The task side of an import, in bulk: tasks matched by reference against the decision's
//! existing tasks (read once), their history events, milestones and retirement.

use std::collections::HashMap;

use serde_json::{Value, json};
use sqlx::PgConnection;

use super::{position_i32, search_text};
use crate::domain::ids::{DecisionId, TaskId};
use crate::import::{ParsedPlan, ParsedTask};

/// Tasks per `insert`: large plans go in several statements that each take well under the
/// one-second slow-statement warning, at a negligible cost in round trips.
pub(super) const ROWS_PER_STATEMENT: usize = 1000;

/// The tasks one document wrote.
pub(super) struct WrittenTasks<'p> {
    /// Each distinct reference once, in document order, with the task it last describes (a
    /// repeated reference rewrites the same task, as one row per reference is kept).
    pub(super) tasks: Vec<(TaskId, &'p ParsedTask)>,
    /// The tasks that existed before this import (only they can have milestones or links).
    pub(super) existed: Vec<TaskId>,
}

/// The fields whose change makes a `revised` event, as stored.
fn fields_of(task: &ParsedTask) -> Value {
    json!({
        "content": task.content, "lead_text": task.lead_text, "partner_text": task.partner_text,
        "deadline_text": task.deadline_text, "deliverable": task.deliverable, "heading": task.heading, "retired": false,
        "attributes": attributes_of(task),
    })
}

/// The task's kept columns as stored: `[{"name": …, "value": …}]`.
pub(super) fn attributes_of(task: &ParsedTask) -> Value {
    Value::Array(
        task.extras
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect(),
    )
}

/// An event to record once the task has an id: (reference, kind, data, note).
type PendingEvent<'p> = (&'p str, &'static str, Value, Option<&'static str>);

/// A decision's tasks as an import compares them: (reference, id, fields as stored), in
/// plan order.
pub(crate) type StoredTasks = Vec<(String, TaskId, Value)>;

/// The decision's tasks, retired ones included, with the fields a revision compares.
pub(crate) async fn stored_tasks(
    conn: &mut PgConnection,
    decision: DecisionId,
) -> sqlx::Result<StoredTasks> {
    let rows = sqlx::query!(
        r#"select ref as reference, id as "id: TaskId",
                  jsonb_build_object('content', content, 'lead_text', lead_text, 'partner_text', partner_text,
                  'deadline_text', deadline_text, 'deliverable', deliverable, 'heading', heading, 'retired', retired,
                  'attributes', attributes) as "fields!"
             from tasks where decision_id = $1 order by position, id"#,
        decision as DecisionId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| (t.reference, t.id, t.fields))
        .collect())
}

/// What importing `plan` over `before` records, task by task in document order: `imported`
/// for a reference not stored yet, `revised` with `{field: {from, to}}` for one whose fields
/// differ (a reference the plan repeats is compared with its previous row); nothing for a
/// task that stays as it is. The import and the preview of a revision both read this.
pub(crate) fn task_changes<'p>(
    before: &StoredTasks,
    plan: &'p ParsedPlan,
) -> Vec<(&'p str, &'static str, Value)> {
    let mut current: HashMap<&str, Value> = before
        .iter()
        .map(|(r, _, fields)| (r.as_str(), fields.clone()))
        .collect();
    let mut changes = Vec::new();
    for task in &plan.tasks {
        let reference = task.reference.as_str();
        let after = fields_of(task);
        match current.get(reference) {
            None => changes.push((reference, "imported", json!({ "ref": reference }))),
            Some(old) if *old != after => {
                changes.push((reference, "revised", changed_fields(old, &after)));
            }
            Some(_) => {}
        }
        current.insert(reference, after);
    }
    changes
}

/// The references of the live tasks in `before` that `plan` no longer has: what the import
/// retires.
pub(crate) fn retired_references<'b>(before: &'b StoredTasks, plan: &ParsedPlan) -> Vec<&'b str> {
    let kept: std::collections::HashSet<&str> =
        plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    before
        .iter()
        .filter(|(r, _, fields)| fields["retired"] == json!(false) && !kept.contains(r.as_str()))
        .map(|(r, _, _)| r.as_str())
        .collect()
}

/// Upserts the plan's tasks, by reference, and records `imported` / `revised` events.
pub(super) async fn write_tasks<'p>(
    tx: &mut PgConnection,
    decision: DecisionId,
    section_ids: &[i64],
    plan: &'p ParsedPlan,
    actor: &str,
) -> sqlx::Result<WrittenTasks<'p>> {
    let before = stored_tasks(tx, decision).await?;
    let existing: HashMap<&str, TaskId> =
        before.iter().map(|(r, id, _)| (r.as_str(), *id)).collect();
    let events: Vec<PendingEvent<'p>> = task_changes(&before, plan)
        .into_iter()
        .map(|(reference, kind, data)| {
            let note = (kind == "revised").then_some("Văn bản sửa đổi đã cập nhật nội dung");
            (reference, kind, data, note)
        })
        .collect();
    // Slot of each reference in `rows`: the first occurrence places it, the last one fills it.
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut rows: Vec<(usize, &'p ParsedTask)> = Vec::with_capacity(plan.tasks.len());
    for (position, task) in plan.tasks.iter().enumerate() {
        let reference = task.reference.as_str();
        match slots.get(reference) {
            Some(&slot) => rows[slot] = (position, task),
            None => {
                slots.insert(reference, rows.len());
                rows.push((position, task));
            }
        }
    }

    let mut ids = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        ids.extend(upsert_tasks(tx, decision, section_ids, chunk).await?);
    }
    let id_of = |reference: &str| ids.get(reference).copied().ok_or(sqlx::Error::RowNotFound);
    let mut tasks = Vec::with_capacity(rows.len());
    for (_, task) in &rows {
        tasks.push((id_of(&task.reference)?, *task));
    }
    let mut resolved = Vec::with_capacity(events.len());
    for (reference, kind, data, note) in events {
        resolved.push((id_of(reference)?, kind, data, note));
    }
    record_events(tx, actor, resolved).await?;
    let existed = tasks
        .iter()
        .filter(|(_, t)| existing.contains_key(t.reference.as_str()))
        .map(|(id, _)| *id)
        .collect();
    Ok(WrittenTasks { tasks, existed })
}

/// One `insert … on conflict` for the rows; returns the id of each reference.
async fn upsert_tasks(
    tx: &mut PgConnection,
    decision: DecisionId,
    section_ids: &[i64],
    rows: &[(usize, &ParsedTask)],
) -> sqlx::Result<HashMap<String, TaskId>> {
    let sections: Vec<Option<i64>> = rows
        .iter()
        .map(|(_, t)| t.section.and_then(|s| section_ids.get(s).copied()))
        .collect();
    let text = |field: fn(&ParsedTask) -> &str| -> Vec<&str> {
        rows.iter().map(|(_, t)| field(t)).collect()
    };
    let positions: Vec<i32> = rows.iter().map(|(p, _)| position_i32(*p)).collect();
    let headings: Vec<Option<&str>> = rows.iter().map(|(_, t)| t.heading.as_deref()).collect();
    let due: Vec<_> = rows.iter().map(|(_, t)| t.deadline.due_on).collect();
    let recurs: Vec<_> = rows.iter().map(|(_, t)| t.deadline.recurs_from).collect();
    let lines: Vec<i32> = rows
        .iter()
        .map(|(_, t)| i32::try_from(t.line).unwrap_or(i32::MAX))
        .collect();
    let attributes: Vec<Value> = rows.iter().map(|(_, t)| attributes_of(t)).collect();
    let ids = sqlx::query!(
        r#"insert into tasks (decision_id, section_id, number, ref, position, heading, content, lead_text, partner_text,
                            deadline_text, deadline_kind, plan_due_on, recurs_from, deliverable, source_line, attributes)
         select $1, section_id, number, ref, position, heading, content, lead_text, partner_text,
                deadline_text, deadline_kind, plan_due_on, recurs_from, deliverable, source_line, attributes
           from unnest($2::bigint[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[], $12::date[], $13::date[], $14::text[], $15::integer[],
                       $16::jsonb[])
                with ordinality as t(section_id, number, ref, position, heading, content, lead_text, partner_text,
                                     deadline_text, deadline_kind, plan_due_on, recurs_from, deliverable,
                                     source_line, attributes, ord)
          order by ord
         on conflict (decision_id, ref) do update set
            section_id = excluded.section_id, number = excluded.number, position = excluded.position,
            heading = excluded.heading, content = excluded.content, lead_text = excluded.lead_text,
            partner_text = excluded.partner_text, deadline_text = excluded.deadline_text,
            deadline_kind = excluded.deadline_kind, plan_due_on = excluded.plan_due_on, recurs_from = excluded.recurs_from,
            deliverable = excluded.deliverable, source_line = excluded.source_line,
            attributes = excluded.attributes, retired = false
         returning id as "id: TaskId", ref as reference"#,
        decision as DecisionId,
        &sections as _,
        text(|t| &t.number) as _,
        text(|t| &t.reference) as _,
        &positions,
        &headings as _,
        text(|t| &t.content) as _,
        text(|t| &t.lead_text) as _,
        text(|t| &t.partner_text) as _,
        text(|t| &t.deadline_text) as _,
        text(|t| t.deadline.kind.as_str()) as _,
        &due as _,
        &recurs as _,
        text(|t| &t.deliverable) as _,
        &lines,
        &attributes
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: HashMap<String, TaskId> = ids
        .into_iter()
        .map(|task| (task.reference, task.id))
        .collect();
    upsert_texts(tx, rows, &ids).await?;
    Ok(ids)
}

/// Each task's folded text (migration 0034), rewritten only where it changed, so that importing
/// a plan again leaves the trigram index alone. The text is made of the task row's columns, so
/// a changed text comes with a changed row, whose notification tells every server (the task
/// index reads the text with the row).
async fn upsert_texts(
    tx: &mut PgConnection,
    rows: &[(usize, &ParsedTask)],
    ids: &HashMap<String, TaskId>,
) -> sqlx::Result<()> {
    let (tasks, texts): (Vec<i64>, Vec<String>) = rows
        .iter()
        .filter_map(|(_, t)| Some((ids.get(&t.reference)?.0, search_text(t))))
        .unzip();
    sqlx::query!(
        "insert into task_texts (task_id, search_text)
         select * from unnest($1::bigint[], $2::text[])
         on conflict (task_id) do update set search_text = excluded.search_text
          where task_texts.search_text is distinct from excluded.search_text",
        &tasks,
        &texts
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `{field: {from, to}}` for the fields that differ.
fn changed_fields(old: &Value, new: &Value) -> Value {
    let mut changed = serde_json::Map::new();
    if let (Some(old), Some(new)) = (old.as_object(), new.as_object()) {
        for (field, to) in new {
            let from = old.get(field).cloned().unwrap_or(Value::Null);
            if &from != to {
                changed.insert(field.clone(), json!({ "from": from, "to": to }));
            }
        }
    }
    Value::Object(changed)
}

/// Appends events, in the given order, in one statement.
async fn record_events(
    tx: &mut PgConnection,
    actor: &str,
    events: Vec<(TaskId, &str, Value, Option<&str>)>,
) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut tasks = Vec::with_capacity(events.len());
    let mut kinds = Vec::with_capacity(events.len());
    let mut data = Vec::with_capacity(events.len());
    let mut notes = Vec::with_capacity(events.len());
    for (task, kind, value, note) in events {
        tasks.push(task);
        kinds.push(kind);
        data.push(value);
        notes.push(note);
    }
    sqlx::query!(
        "insert into task_events (task_id, actor, kind, data, note)
         select task_id, $1, kind, data, note
           from unnest($2::bigint[], $3::text[], $4::jsonb[], $5::text[])
                with ordinality as e(task_id, kind, data, note, ord)
          order by ord",
        actor,
        &tasks as &[TaskId],
        &kinds as _,
        &data,
        &notes as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Sets each task's milestones to its deadline's: progress (`done_on`) stays with the position.
pub(super) async fn write_milestones(
    tx: &mut PgConnection,
    written: &WrittenTasks<'_>,
) -> sqlx::Result<()> {
    if !written.existed.is_empty() {
        let counts: HashMap<TaskId, i32> = written
            .tasks
            .iter()
            .map(|(id, t)| {
                let count = i32::try_from(t.deadline.milestones.len()).unwrap_or(i32::MAX);
                (*id, count)
            })
            .collect();
        let kept: Vec<i32> = written
            .existed
            .iter()
            .map(|id| counts.get(id).copied().unwrap_or_default())
            .collect();
        sqlx::query!(
            "delete from milestones m
              using unnest($1::bigint[], $2::integer[]) as k(task_id, kept)
              where m.task_id = k.task_id and m.position > k.kept",
            &written.existed as &[TaskId],
            &kept as _
        )
        .execute(&mut *tx)
        .await?;
    }
    let mut tasks = Vec::new();
    let mut positions = Vec::new();
    let mut labels = Vec::new();
    let mut due = Vec::new();
    for (id, task) in &written.tasks {
        for (index, milestone) in task.deadline.milestones.iter().enumerate() {
            tasks.push(*id);
            positions.push(position_i32(index));
            labels.push(milestone.label.as_str());
            due.push(milestone.due_on);
        }
    }
    if tasks.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "insert into milestones (task_id, position, label, due_on)
         select task_id, position, label, due_on
           from unnest($1::bigint[], $2::integer[], $3::text[], $4::date[])
                with ordinality as m(task_id, position, label, due_on, ord)
          order by ord
         on conflict (task_id, position) do update set label = excluded.label, due_on = excluded.due_on",
        &tasks as _,
        &positions as _,
        &labels as _,
        &due as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Retires the decision's live tasks the document no longer has (they are never deleted).
pub(super) async fn retire_missing(
    tx: &mut PgConnection,
    decision: DecisionId,
    written: &WrittenTasks<'_>,
    actor: &str,
) -> sqlx::Result<()> {
    let kept: Vec<TaskId> = written.tasks.iter().map(|(id, _)| *id).collect();
    let mut retired = sqlx::query_scalar!(
        r#"update tasks set retired = true
            where decision_id = $1 and not retired and not (id = any($2))
           returning id as "id: TaskId""#,
        decision as DecisionId,
        &kept as &[TaskId]
    )
    .fetch_all(&mut *tx)
    .await?;
    retired.sort_unstable();
    let events = retired
        .into_iter()
        .map(|id| {
            (
                id,
                "retired",
                json!({}),
                Some("Nhiệm vụ không còn trong văn bản sửa đổi"),
            )
        })
        .collect();
    record_events(tx, actor, events).await
}
