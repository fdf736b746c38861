//! Synthetic data at ministry-wide scale, for benchmarks: decisions, units and groups, tasks with
//! their links, milestones and history, composed from the seeds' vocabulary and written with COPY
//! in one transaction. Deadline texts go through the real parser, so kinds and dates agree.

mod document;
mod model;
mod rng;
mod vocab;

use std::fmt::Write as _;

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use crate::domain::ids::UnitId;

pub use document::plan_document;
use model::{Dataset, build};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub decisions: usize,
    pub tasks: usize,
    pub units: usize,
    pub events: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub decisions: u64,
    pub sections: u64,
    pub units: u64,
    pub groups: u64,
    pub tasks: u64,
    pub task_units: u64,
    pub milestones: u64,
    pub events: u64,
}

/// Tables the generator fills (and the intake mappings that point into them), children first;
/// `clear_data` empties them.
const DATA_TABLES: &str = "round_report_log, round_lines, round_reports, round_plans, rounds, \
     explanations, programme_choices, decision_programmes, programmes, unit_mappings, \
     task_events, evidence, milestones, task_units, task_texts, tasks, sections, decisions, \
     user_units, unit_group_members, unit_aliases, units";

/// (decisions, units) already in the database.
pub async fn existing_data(db: &PgPool) -> sqlx::Result<(i64, i64)> {
    let counts = sqlx::query!(
        r#"select (select count(*) from decisions) as "decisions!",
                  (select count(*) from (select 1 from units limit 1) u) as "units!""#
    )
    .fetch_one(db)
    .await?;
    Ok((counts.decisions, counts.units))
}

/// Empties the plan data (decisions, units, tasks, history, evidence, unit bindings of
/// accounts); accounts, sessions and settings stay.
pub async fn clear_data(conn: &mut PgConnection) -> sqlx::Result<()> {
    let statement = format!("truncate table {DATA_TABLES} restart identity");
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Generates and writes a data set into empty data tables, in one transaction on `conn`
/// (the caller begins and commits it). `today` bounds every date of the history.
pub async fn generate(
    conn: &mut PgConnection,
    scale: &Scale,
    today: NaiveDate,
) -> sqlx::Result<Summary> {
    let data = build(scale, today);
    write(conn, &data).await
}

/// Deletes the accounts with these e-mails (their sessions and tokens go with them).
pub async fn remove_accounts(db: &PgPool, emails: &[&str]) -> sqlx::Result<u64> {
    let emails: Vec<String> = emails.iter().map(|e| (*e).to_owned()).collect();
    let done = sqlx::query!("delete from users where email = any($1)", &emails)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The unit (not a group) that leads the most tasks, and how many.
pub async fn busiest_lead_unit(db: &PgPool) -> sqlx::Result<Option<(UnitId, String, i64)>> {
    let busiest = sqlx::query!(
        r#"select u.id as "id: UnitId", u.name, count(*) as "tasks!"
             from task_units tu join units u on u.id = tu.unit_id
            where tu.role = 'lead' and not u.is_group
            group by u.id, u.name
            order by 3 desc, u.id
            limit 1"#
    )
    .fetch_optional(db)
    .await?;
    Ok(busiest.map(|u| (u.id, u.name, u.tasks)))
}

/// Refreshes planner statistics and the visibility map after a load (outside a transaction).
pub async fn vacuum_analyze(db: &PgPool) -> sqlx::Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "vacuum (analyze) {DATA_TABLES}"
    )))
    .execute(db)
    .await?;
    Ok(())
}

async fn write(conn: &mut PgConnection, data: &Dataset) -> sqlx::Result<Summary> {
    let mut summary = Summary {
        groups: data.groups,
        ..Summary::default()
    };
    summary.decisions = copy(
        conn,
        "decisions (id, code, number, doc_type, issuer, issuer_code, place, issued_on, signer, signer_title, \
         title, plan_title, legal_bases, replaces, recipients, source_file, source_sha256)",
        &data.decisions,
    )
    .await?;
    summary.sections = copy(
        conn,
        "sections (id, decision_id, code, title, position)",
        &data.sections,
    )
    .await?;
    summary.units = copy(
        conn,
        "units (id, key, name, parent, body, is_group)",
        &data.units,
    )
    .await?;
    copy(conn, "unit_aliases (unit_id, alias)", &data.aliases).await?;
    copy(
        conn,
        "unit_group_members (group_id, member_id)",
        &data.members,
    )
    .await?;
    summary.tasks = copy(
        conn,
        "tasks (id, decision_id, section_id, number, ref, position, content, lead_text, partner_text, \
         deadline_text, deadline_kind, plan_due_on, recurs_from, deliverable, state, completed_on, version, \
         source_line, created_at, updated_at, settled_due_on, extended_due_on, extended_on, \
         extension_basis, pending_confirmation, proposed_completed_on)",
        &data.tasks,
    )
    .await?;
    copy(conn, "task_texts (task_id, search_text)", &data.texts).await?;
    summary.task_units = copy(
        conn,
        "task_units (task_id, unit_id, role, position, written, via_group_id)",
        &data.task_units,
    )
    .await?;
    summary.milestones = copy(
        conn,
        "milestones (id, task_id, position, label, due_on, done_on)",
        &data.milestones,
    )
    .await?;
    summary.events = copy(
        conn,
        "task_events (id, task_id, at, actor, kind, from_state, to_state, data, note)",
        &data.events,
    )
    .await?;
    for table in [
        "decisions",
        "sections",
        "units",
        "tasks",
        "milestones",
        "task_events",
    ] {
        let statement = format!(
            "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce((select max(id) from {table}), 0) + 1, false)"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut *conn)
            .await?;
    }
    Ok(summary)
}

/// Streams COPY text chunks into `target`; returns the rows written.
async fn copy(conn: &mut PgConnection, target: &str, chunks: &[String]) -> sqlx::Result<u64> {
    let mut copy = conn
        .copy_in_raw(&format!("copy {target} from stdin"))
        .await?;
    for chunk in chunks {
        if let Err(error) = copy.send(chunk.as_bytes()).await {
            let _ = copy.abort("generator failed").await;
            return Err(error);
        }
    }
    copy.finish().await
}

/// Rows in COPY text format, cut into chunks of about 1 MiB.
#[derive(Debug, Default)]
pub(crate) struct CopyRows {
    chunks: Vec<String>,
    current: String,
    first: bool,
}

const CHUNK: usize = 1 << 20;

impl CopyRows {
    pub fn new() -> Self {
        CopyRows {
            chunks: Vec::new(),
            current: String::with_capacity(CHUNK + 4096),
            first: true,
        }
    }

    fn sep(&mut self) {
        if !self.first {
            self.current.push('\t');
        }
        self.first = false;
    }

    /// A text field.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.sep();
        for c in value.chars() {
            match c {
                '\\' => self.current.push_str("\\\\"),
                '\t' => self.current.push_str("\\t"),
                '\n' => self.current.push_str("\\n"),
                '\r' => self.current.push_str("\\r"),
                c => self.current.push(c),
            }
        }
        self
    }

    /// A nullable text field.
    pub fn opt(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.current.push_str("\\N");
        self
    }

    /// A field whose text needs no escaping (numbers, dates, booleans).
    pub fn raw(&mut self, value: impl std::fmt::Display) -> &mut Self {
        self.sep();
        let _ = write!(self.current, "{value}");
        self
    }

    pub fn date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        self.opt_raw(value)
    }

    /// A nullable field whose text needs no escaping.
    pub fn opt_raw(&mut self, value: Option<impl std::fmt::Display>) -> &mut Self {
        match value {
            Some(v) => self.raw(v),
            None => self.null(),
        }
    }

    /// A `text[]` field.
    pub fn array(&mut self, items: &[String]) -> &mut Self {
        let literal = items
            .iter()
            .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(",");
        self.text(&format!("{{{literal}}}"))
    }

    pub fn end(&mut self) {
        self.current.push('\n');
        self.first = true;
        if self.current.len() >= CHUNK {
            let full = std::mem::replace(&mut self.current, String::with_capacity(CHUNK + 4096));
            self.chunks.push(full);
        }
    }

    pub fn finish(mut self) -> Vec<String> {
        if !self.current.is_empty() {
            self.chunks.push(self.current);
        }
        self.chunks
    }
}
