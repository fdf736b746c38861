//! What committing a previewed plan would change in the stored plan of the same code — tasks
//! added, changed (field, before → after) and retired — read-only, and computed by the same
//! functions the import records its events with.

use std::collections::HashSet;

use serde_json::Value;
use sqlx::PgConnection;

use crate::db::import::{retired_references, sha256_hex, stored_tasks, task_changes};
use crate::domain::ids::DecisionId;
use crate::import::ParsedPlan;

/// One field of a task that the revision changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field as the plan's table names it ("Nội dung công việc").
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// A task the revision changes.
#[derive(Debug, Clone)]
pub struct TaskChange {
    pub reference: String,
    pub fields: Vec<FieldChange>,
}

/// The difference between the stored plan and the document.
#[derive(Debug, Clone)]
pub struct Revision {
    pub decision: DecisionId,
    /// The stored plan came from these very bytes.
    pub same_file: bool,
    /// (reference, content) of each task the document adds.
    pub added: Vec<(String, String)>,
    pub changed: Vec<TaskChange>,
    /// (reference, content) of each live task the document no longer has.
    pub retired: Vec<(String, String)>,
    /// Tasks that stay as they are.
    pub unchanged: usize,
}

impl Revision {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.retired.is_empty()
    }
}

/// The fields a revision compares, in the order of a plan's columns, with their names.
const FIELDS: &[(&str, &str)] = &[
    ("heading", "Nhóm nhiệm vụ"),
    ("content", "Nội dung công việc"),
    ("lead_text", "Đơn vị chủ trì"),
    ("partner_text", "Đơn vị phối hợp"),
    ("deadline_text", "Thời gian hoàn thành"),
    ("deliverable", "Sản phẩm"),
    ("attributes", "Cột khác"),
    ("retired", "Trong kế hoạch"),
];

/// The difference for a plan whose code is already stored; `None` for a new plan (or a plan
/// still without a code).
pub async fn revision_of(
    conn: &mut PgConnection,
    plan: &ParsedPlan,
    bytes: &[u8],
) -> sqlx::Result<Option<Revision>> {
    if plan.header.code.is_empty() {
        return Ok(None);
    }
    let stored = sqlx::query!(
        r#"select id as "id: DecisionId", source_sha256 from decisions where code = $1"#,
        &plan.header.code
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let (decision, sha) = (stored.id, stored.source_sha256);
    let before = stored_tasks(conn, decision).await?;
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut touched: HashSet<&str> = HashSet::new();
    for (reference, kind, data) in task_changes(&before, plan) {
        touched.insert(reference);
        if kind == "imported" {
            let content = plan
                .tasks
                .iter()
                .find(|t| t.reference == reference)
                .map(|t| t.content.clone())
                .unwrap_or_default();
            added.push((reference.to_owned(), content));
        } else {
            changed.push(TaskChange {
                reference: reference.to_owned(),
                fields: field_changes(&data),
            });
        }
    }
    let retired = retired_references(&before, plan)
        .into_iter()
        .map(|reference| {
            let content = before
                .iter()
                .find(|(r, _, _)| r == reference)
                .map(|(_, _, fields)| text_of("content", &fields["content"]))
                .unwrap_or_default();
            (reference.to_owned(), content)
        })
        .collect();
    let references: HashSet<&str> = plan.tasks.iter().map(|t| t.reference.as_str()).collect();
    Ok(Some(Revision {
        decision,
        same_file: sha == sha256_hex(bytes),
        added,
        changed,
        retired,
        unchanged: references.difference(&touched).count(),
    }))
}

/// What the preview's difference was computed against, for the commit to check that nobody
/// imported or revised the plan of this code in between: its id, source and last update.
pub async fn basis_of(conn: &mut PgConnection, code: &str) -> sqlx::Result<String> {
    let stored = sqlx::query!(
        r#"select id, source_sha256, (extract(epoch from updated_at) * 1000000)::bigint as "updated!"
             from decisions where code = $1"#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match stored {
        Some(d) => format!("{}:{}:{}", d.id, d.source_sha256, d.updated),
        None => "mới".to_owned(),
    })
}

/// `{field: {from, to}}` as the changes of a task, in the order of the plan's columns.
fn field_changes(data: &Value) -> Vec<FieldChange> {
    FIELDS
        .iter()
        .filter_map(|(field, label)| {
            let change = data.get(*field)?;
            Some(FieldChange {
                field: label,
                before: text_of(field, &change["from"]),
                after: text_of(field, &change["to"]),
            })
        })
        .collect()
}

/// A stored field as the person importing reads it.
fn text_of(field: &str, value: &Value) -> String {
    match (field, value) {
        ("retired", Value::Bool(true)) => "đã bỏ khỏi kế hoạch".to_owned(),
        ("retired", Value::Bool(false)) => "có trong văn bản".to_owned(),
        (_, Value::String(text)) => text.clone(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|item| {
                format!(
                    "{}: {}",
                    item["name"].as_str().unwrap_or_default(),
                    item["value"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Value::Null) => String::new(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_read_in_column_order_with_their_names() {
        let data = json!({
            "deadline_text": {"from": "Quý II/2026", "to": "Quý III/2026"},
            "content": {"from": "Rà soát", "to": "Rà soát, sửa đổi"},
            "retired": {"from": true, "to": false},
            "attributes": {"from": [], "to": [{"name": "Ghi chú", "value": "Ưu tiên"}]},
        });
        let changes = field_changes(&data);
        let rendered: Vec<(&str, &str, &str)> = changes
            .iter()
            .map(|c| (c.field, c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            rendered,
            [
                ("Nội dung công việc", "Rà soát", "Rà soát, sửa đổi"),
                ("Thời gian hoàn thành", "Quý II/2026", "Quý III/2026"),
                ("Cột khác", "", "Ghi chú: Ưu tiên"),
                ("Trong kế hoạch", "đã bỏ khỏi kế hoạch", "có trong văn bản"),
            ]
        );
    }
}
