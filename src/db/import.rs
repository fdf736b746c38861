//! Writing a parsed plan: one transaction per document, so a document lands whole or not at all.
//! Re-importing the same bytes writes nothing; a revised document updates text and links but
//! never a task's state, milestones' progress or history.

mod registry;
mod tasks;

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use self::registry::Registry;
pub(crate) use self::registry::{mention_key, plan_units, scope_of};
use self::tasks::{retire_missing, write_milestones, write_tasks};
pub(crate) use self::tasks::{retired_references, stored_tasks, task_changes};
use crate::domain::ids::DecisionId;
use crate::domain::programme::find_programmes;
use crate::domain::text::fold;
use crate::import::{
    ImportError, Overrides, ParsedPlan, ParsedSection, ParsedTask, parse_document_with,
};

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
    import_document_with(pool, file, bytes, &Overrides::default()).await
}

/// The same, with the code and date the person importing supplied for a draft.
pub async fn import_document_with(
    pool: &PgPool,
    file: &str,
    bytes: &[u8],
    overrides: &Overrides,
) -> Result<ImportOutcome, ImportFailure> {
    let plan = parse_document_with(file, bytes, overrides)?;
    let database = |source| ImportFailure::Database {
        file: file.to_owned(),
        source,
    };
    let mut tx = pool.begin().await.map_err(database)?;
    let outcome = write_parsed(&mut tx, file, bytes, &plan, false)
        .await
        .map_err(database)?;
    tx.commit().await.map_err(database)?;
    Ok(outcome)
}

/// Writes a plan already read (and completed by the person importing) inside `tx`: what the
/// intake page commits. The same bytes imported again write nothing, unless `force` (the
/// person importing changed the header or mapped units, which the bytes do not show).
pub async fn write_parsed(
    tx: &mut PgConnection,
    file: &str,
    bytes: &[u8],
    plan: &ParsedPlan,
    force: bool,
) -> sqlx::Result<ImportOutcome> {
    write_plan(tx, file, &sha256_hex(bytes), plan, force).await
}

/// The SHA-256 of a source file as stored with its decision.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    force: bool,
) -> sqlx::Result<ImportOutcome> {
    let h = &plan.header;
    // Two imports of the same decision at once would race on its tasks; serialise them.
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", &h.code)
        .execute(&mut *tx)
        .await?;
    let existing = sqlx::query!(
        r#"select id as "id: DecisionId", source_sha256 from decisions where code = $1"#,
        &h.code
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|d| (d.id, d.source_sha256));
    if let Some((id, old_sha)) = &existing
        && old_sha == sha
        && !force
    {
        return summary(tx, *id, &h.code, ImportStatus::Unchanged, unparsed_of(plan)).await;
    }
    let decision_id = sqlx::query_scalar!(
        r#"insert into decisions (code, number, doc_type, issuer, issuer_code, place, issued_on, signer, signer_title,
                                title, plan_title, legal_bases, replaces, recipients, source_file, source_sha256)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         on conflict (code) do update set
            number = excluded.number, doc_type = excluded.doc_type, issuer = excluded.issuer,
            issuer_code = excluded.issuer_code, place = excluded.place, issued_on = excluded.issued_on,
            signer = excluded.signer, signer_title = excluded.signer_title, title = excluded.title,
            plan_title = excluded.plan_title, legal_bases = excluded.legal_bases, replaces = excluded.replaces,
            recipients = excluded.recipients, source_file = excluded.source_file, source_sha256 = excluded.source_sha256
         returning id as "id: DecisionId""#,
        &h.code,
        &h.number,
        &h.doc_type,
        &h.issuer,
        &h.issuer_code,
        h.place.as_deref(),
        h.issued_on,
        h.signer.as_deref(),
        h.signer_title.as_deref(),
        &h.title,
        h.plan_title.as_deref(),
        &h.legal_bases as _,
        &h.replaces as _,
        &h.recipients as _,
        file,
        sha
    )
    .fetch_one(&mut *tx)
    .await?;

    let programmes = find_programmes(&h.title, h.plan_title.as_deref(), &h.legal_bases);
    super::programmes::link_imported(tx, decision_id, &programmes).await?;
    let section_ids = write_sections(tx, decision_id, plan).await?;
    let registry = Registry::resolve(tx, plan).await?;
    let actor = format!("nhập: {file}");
    let written = write_tasks(tx, decision_id, &section_ids, plan, &actor).await?;
    write_milestones(tx, &written).await?;
    registry
        .link_tasks(tx, &written.tasks, &written.existed)
        .await?;
    retire_missing(tx, decision_id, &written, &actor).await?;
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
    let counted = sqlx::query!(
        r#"select (select count(*) from sections where decision_id = $1) as "sections!",
                  (select count(*) from tasks where decision_id = $1 and not retired) as "tasks!",
                  (select count(distinct tu.unit_id) from task_units tu join tasks t on t.id = tu.task_id
                    where t.decision_id = $1 and not t.retired) as "units!""#,
        id as DecisionId
    )
    .fetch_one(&mut *tx)
    .await?;
    let (sections, tasks, units) = (counted.sections, counted.tasks, counted.units);
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
    sqlx::query!(
        "delete from sections where decision_id = $1 and not (code = any($2))",
        decision as DecisionId,
        &codes as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    // A repeated code is one section: placed where it first appears, titled as it last does.
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut rows: Vec<(usize, &ParsedSection)> = Vec::new();
    for (position, section) in plan.sections.iter().enumerate() {
        match slots.get(section.code.as_str()) {
            Some(&slot) => rows[slot] = (position, section),
            None => {
                slots.insert(&section.code, rows.len());
                rows.push((position, section));
            }
        }
    }
    let codes: Vec<&str> = rows.iter().map(|(_, s)| s.code.as_str()).collect();
    let titles: Vec<&str> = rows.iter().map(|(_, s)| s.title.as_str()).collect();
    let positions: Vec<i32> = rows.iter().map(|(p, _)| position_i32(*p)).collect();
    let written: HashMap<String, i64> = sqlx::query!(
        "insert into sections (decision_id, code, title, position)
         select $1, code, title, position
           from unnest($2::text[], $3::text[], $4::integer[]) with ordinality as s(code, title, position, ord)
          order by ord
         on conflict (decision_id, code) do update set title = excluded.title, position = excluded.position
         returning code, id",
        decision as DecisionId,
        &codes as &[&str],
        &titles as &[&str],
        &positions
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|s| (s.code, s.id))
    .collect();
    plan.sections
        .iter()
        .map(|s| {
            written
                .get(&s.code)
                .copied()
                .ok_or(sqlx::Error::RowNotFound)
        })
        .collect()
}

fn position_i32(position: usize) -> i32 {
    i32::try_from(position + 1).unwrap_or(i32::MAX)
}

/// The folded words a task is searched by: reference, content, units, deadline, deliverable
/// and the values of its kept columns.
pub fn search_text(task: &ParsedTask) -> String {
    let mut all = [
        &task.reference,
        &task.content,
        &task.lead_text,
        &task.partner_text,
        &task.deadline_text,
        &task.deliverable,
    ]
    .map(|s| s.as_str())
    .join(" ");
    for (_, value) in &task.extras {
        all.push(' ');
        all.push_str(value);
    }
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
