//! Changes to tasks written many to a statement.
//!
//! Every write to the plan data moves the shared data-version counters and notifies the
//! servers (migrations 0007–0009), and PostgreSQL serialises such transactions from the
//! counter's update to the end of their commit, WAL flush included. One change per transaction
//! made that window the ceiling: 64 writers queued on it (at 100,000 tasks, ~450 writes/s with
//! the machine a quarter idle, each write waiting ~80 ms for its turn). Here the changes that
//! arrive while a statement is being written are written together by the next one: one
//! statement, one commit, one move of each counter and one notification naming every task, for
//! any number of changes. The statement triggers (`for each statement`) see them all at once.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use crate::domain::ids::TaskId;
use crate::domain::update::Effect;

/// A change ready to be written: the task's new columns as judged, and its history row.
#[derive(Debug, Clone)]
pub struct PendingWrite {
    pub task: TaskId,
    /// The version the change was judged at; None for a note, which leaves the task alone and
    /// is written while the task is there (not retired).
    pub moves_from: Option<i32>,
    /// The task's state columns after the change, as judged (unused for a note).
    pub after: Effect,
    /// A granted extension: (new due date, basis, day granted).
    pub extension: Option<(NaiveDate, String, NaiveDate)>,
    /// A settled deadline for a task whose deadline could not be read.
    pub settled_due_on: Option<NaiveDate>,
    pub actor: String,
    pub user_id: i64,
    pub kind: &'static str,
    pub from_state: Option<&'static str>,
    pub to_state: Option<&'static str>,
    pub data: serde_json::Value,
    pub note: Option<String>,
    pub evidence_id: Option<i64>,
    pub evidence_url: Option<String>,
}

/// What the database made of a change it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// The task's version after the change: the new one for a change, the one it had for a
    /// note (which leaves the task alone).
    pub version: i32,
    /// The change's row in the history.
    pub event_id: i64,
    pub at: DateTime<Utc>,
    /// How many rows the task's history had before this one: with the version, what tells a
    /// copy of the task read earlier from one that missed a change since (`TaskDetail::after_write`).
    pub history_before: i64,
}

/// Writes the changes in one statement; for each, in order, what was written (`Written`), or
/// None when the task had moved from the version judged, or went (nothing written for it).
///
/// Two changes of one task judged at one version: the first is written, the other finds the
/// task moved (None), as if they had come one after the other.
pub async fn write_all(
    db: impl sqlx::PgExecutor<'_>,
    writes: &[PendingWrite],
) -> sqlx::Result<Vec<Option<Written>>> {
    let tasks: Vec<i64> = writes.iter().map(|w| w.task.0).collect();
    let moves_from: Vec<Option<i32>> = writes.iter().map(|w| w.moves_from).collect();
    let states: Vec<&str> = writes.iter().map(|w| w.after.state.as_str()).collect();
    let completed_on: Vec<Option<NaiveDate>> =
        writes.iter().map(|w| w.after.completed_on).collect();
    let pending: Vec<bool> = writes
        .iter()
        .map(|w| w.after.pending_confirmation)
        .collect();
    let proposed: Vec<Option<NaiveDate>> = writes
        .iter()
        .map(|w| w.after.proposed_completed_on)
        .collect();
    let extended_due_on: Vec<Option<NaiveDate>> = writes
        .iter()
        .map(|w| w.extension.as_ref().map(|e| e.0))
        .collect();
    let basis: Vec<Option<String>> = writes
        .iter()
        .map(|w| w.extension.as_ref().map(|e| e.1.clone()))
        .collect();
    let extended_on: Vec<Option<NaiveDate>> = writes
        .iter()
        .map(|w| w.extension.as_ref().map(|e| e.2))
        .collect();
    let settled: Vec<Option<NaiveDate>> = writes.iter().map(|w| w.settled_due_on).collect();
    let actors: Vec<String> = writes.iter().map(|w| w.actor.clone()).collect();
    let users: Vec<i64> = writes.iter().map(|w| w.user_id).collect();
    let kinds: Vec<&str> = writes.iter().map(|w| w.kind).collect();
    let from_states: Vec<Option<&str>> = writes.iter().map(|w| w.from_state).collect();
    let to_states: Vec<Option<&str>> = writes.iter().map(|w| w.to_state).collect();
    let data: Vec<serde_json::Value> = writes.iter().map(|w| w.data.clone()).collect();
    let notes: Vec<Option<String>> = writes.iter().map(|w| w.note.clone()).collect();
    let evidence: Vec<Option<i64>> = writes.iter().map(|w| w.evidence_id).collect();
    let urls: Vec<Option<String>> = writes.iter().map(|w| w.evidence_url.clone()).collect();
    // `moved` tries the first change of each task and returns its batch position: a second
    // change of the task is joined to nothing and records nothing (its writer judges it again).
    // A note's join to its task, the history's count and the update read the tasks as they were
    // before the statement. The history rows take their ids in the order of the changes.
    let written = sqlx::query!(
        r#"with batch as (
               select * from unnest($1::int8[], $2::int4[], $3::text[], $4::date[], $5::bool[], $6::date[],
                                    $7::date[], $8::text[], $9::date[], $10::date[],
                                    $11::text[], $12::int8[], $13::text[], $14::text[], $15::text[],
                                    $16::jsonb[], $17::text[], $18::int8[], $19::text[])
                   with ordinality as b(task_id, moves_from, state, completed_on, pending, proposed,
                                        extended_due_on, basis, extended_on, settled_due_on,
                                        actor, user_id, kind, from_state, to_state,
                                        data, note, evidence_id, evidence_url, ord)
           ), moved as (
               update tasks t
                  set state = b.state, completed_on = b.completed_on, pending_confirmation = b.pending,
                      proposed_completed_on = b.proposed,
                      extended_due_on = coalesce(b.extended_due_on, t.extended_due_on),
                      extension_basis = case when b.extended_due_on is null then t.extension_basis else b.basis end,
                      extended_on = case when b.extended_due_on is null then t.extended_on else b.extended_on end,
                      settled_due_on = coalesce(b.settled_due_on, t.settled_due_on),
                      version = t.version + 1
                 from (select distinct on (task_id) * from batch
                        where moves_from is not null order by task_id, ord) b
                where t.id = b.task_id and t.version = b.moves_from and not t.retired
                returning b.ord, t.version
           ), written as (
               select b.*, coalesce(m.version, t.version) as new_version,
                      (select count(*) from task_events e where e.task_id = b.task_id) as history_before
                 from batch b
                 left join moved m on m.ord = b.ord
                 left join tasks t on b.moves_from is null and t.id = b.task_id and not t.retired
                where m.ord is not null or t.id is not null
           ), numbered as (
               select w.*, nextval(pg_get_serial_sequence('task_events', 'id')) as event_id
                 from (select * from written order by ord) w
           ), recorded as (
               insert into task_events (id, task_id, actor, user_id, kind, from_state, to_state, data, note, evidence_id, evidence_url)
               select event_id, task_id, actor, user_id, kind, from_state, to_state, data, note, evidence_id, evidence_url
                 from numbered order by ord
               returning id, at
           )
           select n.ord as "ord!", n.new_version as "version!", n.event_id as "event_id!",
                  r.at as "at!", n.history_before as "history_before!"
             from numbered n join recorded r on r.id = n.event_id"#,
        &tasks,
        &moves_from as &[Option<i32>],
        &states as &[&str],
        &completed_on as &[Option<NaiveDate>],
        &pending,
        &proposed as &[Option<NaiveDate>],
        &extended_due_on as &[Option<NaiveDate>],
        &basis as &[Option<String>],
        &extended_on as &[Option<NaiveDate>],
        &settled as &[Option<NaiveDate>],
        &actors,
        &users,
        &kinds as &[&str],
        &from_states as &[Option<&str>],
        &to_states as &[Option<&str>],
        &data,
        &notes as &[Option<String>],
        &evidence as &[Option<i64>],
        &urls as &[Option<String>],
    )
    .fetch_all(db)
    .await?;
    let mut outcome: Vec<Option<Written>> = vec![None; writes.len()];
    for row in written {
        let slot = usize::try_from(row.ord - 1)
            .ok()
            .and_then(|i| outcome.get_mut(i));
        if let Some(slot) = slot {
            *slot = Some(Written {
                version: row.version,
                event_id: row.event_id,
                at: row.at,
                history_before: row.history_before,
            });
        }
    }
    // The statement counted each task's history as it was before it: a task's second row in
    // it comes after its first.
    let mut earlier: HashMap<TaskId, i64> = HashMap::new();
    for (write, written) in writes.iter().zip(outcome.iter_mut()) {
        if let Some(written) = written {
            let before = earlier.entry(write.task).or_default();
            written.history_before += *before;
            *before += 1;
        }
    }
    Ok(outcome)
}

/// The most changes one statement writes (a few hundred bytes each).
const MOST_AT_ONCE: usize = 256;
/// Changes waiting for a statement, beyond which writers wait to queue.
const QUEUE_ROOM: usize = 4096;

/// What a writer gets back: see `write_all`.
type Outcome = sqlx::Result<Option<Written>>;

struct Job {
    write: PendingWrite,
    /// Past this the change is not written (the writer was told the database is too slow).
    give_up_at: Instant,
    answer: oneshot::Sender<Outcome>,
}

/// The queue of changes waiting to be written, and the task writing them: one statement at a
/// time, each taking every change that arrived while the one before was written.
pub struct WriteQueue {
    db: PgPool,
    jobs: OnceLock<mpsc::Sender<Job>>,
}

impl WriteQueue {
    /// A queue writing to `db`; its task starts with the first change (in the caller's
    /// runtime) and ends when the queue is dropped.
    pub fn new(db: PgPool) -> Self {
        WriteQueue {
            db,
            jobs: OnceLock::new(),
        }
    }

    /// Writes one change with the others queued now; see `write_all` for the answer. A change
    /// not begun by `give_up_at` is not written: the error is `PoolTimedOut`, as when the pool
    /// has no connection to give in time.
    pub async fn write(&self, write: PendingWrite, give_up_at: Instant) -> Outcome {
        let jobs = self.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_ROOM);
            tokio::spawn(write_queued(self.db.clone(), receiver));
            sender
        });
        let (answer, answered) = oneshot::channel();
        let job = Job {
            write,
            give_up_at,
            answer,
        };
        let queued = tokio::time::timeout_at(give_up_at.into(), jobs.send(job)).await;
        if !matches!(queued, Ok(Ok(()))) {
            return Err(sqlx::Error::PoolTimedOut);
        }
        // A dropped answer (the writing task ended) is a closed pool in effect.
        answered.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }
}

/// The queue's task: takes what is waiting (each task once per statement: a second change of
/// it waits for the next), writes it, answers each writer.
async fn write_queued(db: PgPool, mut receiver: mpsc::Receiver<Job>) {
    let mut held: VecDeque<Job> = VecDeque::new();
    loop {
        let first = match held.pop_front() {
            Some(job) => job,
            None => match receiver.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        let mut batch = vec![first];
        let mut tasks: HashSet<TaskId> = batch.iter().map(|j| j.write.task).collect();
        let mut again = VecDeque::new();
        while batch.len() < MOST_AT_ONCE {
            let Some(job) = held.pop_front().or_else(|| receiver.try_recv().ok()) else {
                break;
            };
            if tasks.insert(job.write.task) {
                batch.push(job);
            } else {
                again.push_back(job);
            }
        }
        again.append(&mut held);
        held = again;
        write_batch(&db, batch).await;
    }
}

async fn write_batch(db: &PgPool, batch: Vec<Job>) {
    let now = Instant::now();
    // Writers gone (the request was dropped) or out of time are not written for.
    let (batch, late): (Vec<Job>, Vec<Job>) = batch
        .into_iter()
        .filter(|job| !job.answer.is_closed())
        .partition(|job| job.give_up_at > now);
    for job in late {
        let _ = job.answer.send(Err(sqlx::Error::PoolTimedOut));
    }
    if batch.is_empty() {
        return;
    }
    let (writes, answers): (Vec<PendingWrite>, Vec<oneshot::Sender<Outcome>>) =
        batch.into_iter().map(|job| (job.write, job.answer)).unzip();
    match write_all(db, &writes).await {
        Ok(outcomes) => {
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                let _ = answer.send(Ok(outcome));
            }
        }
        Err(error) if answers.len() == 1 => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(error));
            }
        }
        // The database away or the connection broken: every writer hears it as the pool's
        // "no connection in time" (503, try again).
        Err(error) if !matches!(error, sqlx::Error::Database(_)) => {
            crate::db::pool::note(&error);
            tracing::warn!(
                ?error,
                changes = answers.len(),
                "không ghi được các thay đổi đang chờ"
            );
            for answer in answers {
                let _ = answer.send(Err(sqlx::Error::PoolTimedOut));
            }
        }
        // One bad change fails the statement: each is written on its own, so that the others
        // go through and the bad one gets its own error.
        Err(_) => {
            for (write, answer) in writes.iter().zip(answers) {
                let outcome = write_all(db, std::slice::from_ref(write))
                    .await
                    .map(|mut outcomes| outcomes.pop().flatten());
                let _ = answer.send(outcome);
            }
        }
    }
}
