//! One consistent copy of what the as-of figures need, read in a single repeatable-read
//! transaction together with the `plans` data version it belongs to.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use sqlx::PgPool;

use super::chunked::Chunked;
use super::patches::Changed;
use super::texts::Texts;
use crate::domain::deadline::DeadlineKind;
use crate::domain::status::{self, Category, TaskState};

/// A non-retired task's as-of-relevant columns (the arguments of `task_category` and
/// `task_due_on_as_of`, migrations 0001 and 0010).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    /// Index into `Snapshot::decisions`.
    pub decision: u32,
    pub position: i32,
    pub state: TaskState,
    pub kind: DeadlineKind,
    pub completed_on: Option<NaiveDate>,
    /// The generated `due_on`: the extended deadline when there is one.
    pub due_on: Option<NaiveDate>,
    /// `coalesce(settled_due_on, plan_due_on)`: the deadline before any extension.
    pub unextended: Option<NaiveDate>,
    /// The day the extension was granted.
    pub extended_on: Option<NaiveDate>,
}

impl Task {
    /// `task_due_on_as_of(due_on, coalesce(settled_due_on, plan_due_on), extended_on, as_of)`:
    /// an extension counts from the day it was granted.
    pub fn judged_due(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        match self.extended_on {
            Some(granted) if granted > as_of => self.unextended,
            _ => self.due_on,
        }
    }

    /// `task_category(t, as_of)`, through the Rust twin of the SQL function.
    pub fn category(&self, as_of: NaiveDate) -> Category {
        status::category(
            self.state,
            self.completed_on,
            self.kind,
            self.judged_due(as_of),
            as_of,
        )
    }

    /// Whether the task is overdue as of `as_of` by at least one day more than `as_of -
    /// latest_due`, judged by `due` (the overdue report's `overdue_where`).
    pub fn overdue_by(
        &self,
        due: Option<NaiveDate>,
        as_of: NaiveDate,
        latest_due: NaiveDate,
    ) -> bool {
        due.is_some_and(|due| due <= latest_due)
            && status::category(self.state, self.completed_on, self.kind, due, as_of)
                == Category::Overdue
    }
}

/// A link of a task to a unit (`task_units`), as read from the packed lists.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// Index into `Snapshot::tasks`.
    pub task: u32,
    /// Index into `Snapshot::units`.
    pub unit: u32,
    pub lead: bool,
    /// Named by the task itself (`via_group_id is null`), not reached through a group.
    pub direct: bool,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub id: i64,
    pub code: String,
    pub issuer: String,
    /// Rank in the overview's order (`issued_on desc nulls last, code`).
    pub overview_rank: u32,
    /// Rank in the task list's order (`issued_on nulls last, code`).
    pub list_rank: u32,
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub is_group: bool,
    /// Rank by `name, id` in the database's collation.
    pub name_rank: u32,
}

/// Everything the index holds at one data version. A copy patched from another (`patched`)
/// shares with it what the change of task rows left alone: the links, plans and units, and
/// every chunk of tasks and texts it did not touch.
pub struct Snapshot {
    /// The `plans` counter of `data_versions` this copy was read at.
    pub version: i64,
    /// By id.
    pub tasks: Chunked<Task>,
    /// `search_text` of each task (folded, with a space before every word), as word numbers.
    pub texts: Texts,
    /// The units of each task's links (packed, see `Links`): those of task `i` are
    /// `links[link_start[i]..link_start[i + 1]]`.
    links: Arc<Vec<u32>>,
    link_start: Arc<Vec<u32>>,
    /// The tasks of each unit's links, likewise with `unit_start`.
    unit_links: Arc<Vec<u32>>,
    unit_start: Arc<Vec<u32>>,
    pub decisions: Arc<Vec<Decision>>,
    pub decision_by_id: Arc<HashMap<i64, u32>>,
    pub decision_by_code: Arc<HashMap<String, u32>>,
    pub units: Arc<Vec<Unit>>,
    pub unit_by_id: Arc<HashMap<i64, u32>>,
}

/// A task row as read again after a write named it (`Snapshot::changed_rows`).
pub struct ChangedRow {
    pub id: i64,
    pub retired: bool,
    pub decision_id: i64,
    pub position: i32,
    pub state: String,
    pub deadline_kind: String,
    pub completed_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub unextended: Option<NaiveDate>,
    pub extended_on: Option<NaiveDate>,
    pub search_text: String,
}

/// Tasks read per query when a whole copy is read.
const LOAD_BATCH: i64 = 50_000;

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Snapshot {
    /// The links of task `task` (by unit).
    pub fn links_of(&self, task: usize) -> Links<'_> {
        let from = self.link_start[task] as usize;
        let to = self.link_start[task + 1] as usize;
        Links {
            owner: index(task),
            packed: &self.links[from..to],
            of_unit: false,
        }
    }

    /// The links of unit `unit` (by task).
    pub fn links_of_unit(&self, unit: u32) -> Links<'_> {
        let from = self.unit_start[unit as usize] as usize;
        let to = self.unit_start[unit as usize + 1] as usize;
        Links {
            owner: unit,
            packed: &self.unit_links[from..to],
            of_unit: true,
        }
    }

    /// Bytes of memory the copy holds of its own or shares with its patched copies: the tasks,
    /// their texts (with the dictionary) and the links, for the log.
    pub fn heap_bytes(&self) -> HeapBytes {
        let slice = |v: &Vec<u32>| v.capacity() * size_of::<u32>();
        HeapBytes {
            tasks: self.tasks.len() * size_of::<Task>(),
            texts: self.texts.heap_bytes(),
            links: slice(&self.links)
                + slice(&self.link_start)
                + slice(&self.unit_links)
                + slice(&self.unit_start),
        }
    }

    /// Reads a consistent copy: every query in one repeatable-read transaction, so the rows
    /// are exactly those of the `plans` version read first.
    pub async fn load(db: &PgPool) -> sqlx::Result<Snapshot> {
        let mut tx = db.begin().await?;
        sqlx::query("set transaction isolation level repeatable read, read only")
            .execute(&mut *tx)
            .await?;
        let version = sqlx::query_scalar!("select n from data_versions where name = 'plans'")
            .fetch_one(&mut *tx)
            .await?;
        let decision_rows: Vec<(i64, String, String, i64, i64)> = sqlx::query!(
            r#"select id, code, issuer,
                      row_number() over (order by issued_on desc nulls last, code, id) as "overview!",
                      row_number() over (order by issued_on nulls last, code, id) as "list!"
                 from decisions"#
        )
        .map(|r| (r.id, r.code, r.issuer, r.overview, r.list))
        .fetch_all(&mut *tx)
        .await?;
        let unit_rows: Vec<(i64, String, bool, i64)> = sqlx::query!(
            r#"select id, name, is_group, row_number() over (order by name, id) as "name_rank!"
                 from units"#
        )
        .map(|r| (r.id, r.name, r.is_group, r.name_rank))
        .fetch_all(&mut *tx)
        .await?;
        let rank = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let decisions: Vec<Decision> = decision_rows
            .into_iter()
            .map(|(id, code, issuer, overview, list)| Decision {
                id,
                code,
                issuer,
                overview_rank: rank(overview),
                list_rank: rank(list),
            })
            .collect();
        let decision_by_id = decisions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id, index(i)))
            .collect::<HashMap<_, _>>();
        let decision_by_code = decisions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), index(i)))
            .collect();
        let units: Vec<Unit> = unit_rows
            .into_iter()
            .map(|(id, name, is_group, name_rank)| Unit {
                id,
                name,
                is_group,
                name_rank: rank(name_rank),
            })
            .collect();
        let unit_by_id = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id, index(i)))
            .collect::<HashMap<_, _>>();

        // The tasks and their links in batches by id, converted as they come: at 1,000,000
        // tasks the rows as read (their texts as `String`s) would otherwise be held all at once
        // beside what is built from them.
        let mut tasks = Chunked::default();
        let mut texts = Texts::default();
        // Each link as `task << 32 | packed unit`: sorted, the tasks' lists; turned around and
        // sorted again, the units'. 8 bytes a link while reading, 4 in each list after.
        let mut links: Vec<u64> = Vec::new();
        let mut after = i64::MIN;
        loop {
            let batch = sqlx::query!(
                r#"select t.id, t.decision_id, t.position, t.state, t.deadline_kind, t.completed_on, t.due_on,
                          coalesce(t.settled_due_on, t.plan_due_on) as unextended, t.extended_on,
                          coalesce(x.search_text, '') as "search_text!"
                     from tasks t left join task_texts x on x.task_id = t.id
                    where not t.retired and t.id > $1 order by t.id limit $2"#,
                after,
                LOAD_BATCH
            )
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = batch.last().map(|row| row.id) else {
                break;
            };
            let batch_start = tasks.len();
            for row in batch {
                let id = row.id;
                // The table's checks allow nothing else; a row that does not parse would be
                // judged differently here than in SQL, so the copy is refused instead.
                let (Some(state), Some(kind), Some(&decision)) = (
                    TaskState::parse(&row.state),
                    DeadlineKind::parse(&row.deadline_kind),
                    decision_by_id.get(&row.decision_id),
                ) else {
                    return Err(sqlx::Error::Protocol(format!(
                        "task {id}: unexpected state, deadline kind or plan"
                    )));
                };
                tasks.push(Task {
                    id,
                    decision,
                    position: row.position,
                    state,
                    kind,
                    completed_on: row.completed_on,
                    due_on: row.due_on,
                    unextended: row.unextended,
                    extended_on: row.extended_on,
                });
                texts.push(&row.search_text);
            }
            // The links of the tasks in this id range (a retired task's are not among them).
            let link_rows = sqlx::query!(
                r#"select task_id, unit_id, role = 'lead' as "lead!", via_group_id is null as "direct!"
                     from task_units where task_id > $1 and task_id <= $2"#,
                after,
                last
            )
            .fetch_all(&mut *tx)
            .await?;
            for row in link_rows {
                let task = tasks
                    .binary_search_in(batch_start.., &row.task_id, |t| t.id)
                    .ok();
                if let (Some(task), Some(&unit)) = (task, unit_by_id.get(&row.unit_id)) {
                    let task = index(task);
                    let unit = pack(unit, row.lead, row.direct).ok_or_else(too_many)?;
                    links.push(u64::from(task) << 32 | u64::from(unit));
                }
            }
            after = last;
        }
        tx.commit().await?;
        texts.renumber_by_use();
        if tasks.len() > INDEX_MASK as usize {
            return Err(too_many());
        }
        let (task_links, link_start) = grouped(&mut links, tasks.len());
        for link in &mut links {
            // `task << 32 | unit << 2 | flags` → `unit << 32 | task << 2 | flags`.
            let (task, packed) = ((*link >> 32) as u32, *link as u32);
            let flags = packed & FLAGS;
            *link = u64::from(packed >> 2) << 32 | u64::from(task << 2 | flags);
        }
        let (unit_links, unit_start) = grouped(&mut links, units.len());
        drop(links);
        Ok(Snapshot {
            version,
            tasks,
            texts,
            links: Arc::new(task_links),
            link_start: Arc::new(link_start),
            unit_links: Arc::new(unit_links),
            unit_start: Arc::new(unit_start),
            decisions: Arc::new(decisions),
            decision_by_id: Arc::new(decision_by_id),
            decision_by_code: Arc::new(decision_by_code),
            units: Arc::new(units),
            unit_by_id: Arc::new(unit_by_id),
        })
    }

    /// Reads again the rows of the tasks `ids` (retired ones too, so a retirement is seen),
    /// inside the caller's transaction.
    pub async fn changed_rows(
        tx: &mut sqlx::PgConnection,
        ids: &[i64],
    ) -> sqlx::Result<Vec<ChangedRow>> {
        sqlx::query_as!(
            ChangedRow,
            r#"select t.id, t.retired, t.decision_id, t.position, t.state, t.deadline_kind, t.completed_on,
                      t.due_on, coalesce(t.settled_due_on, t.plan_due_on) as unextended, t.extended_on,
                      coalesce((select x.search_text from task_texts x where x.task_id = t.id), '')
                        as "search_text!"
                 from tasks t where t.id = any($1)"#,
            ids
        )
        .fetch_all(&mut *tx)
        .await
    }

    /// This copy moved to `version` by the rows of the tasks a write changed (read at that
    /// version), sharing what they leave alone; None when the change is not one of task rows
    /// alone as this copy holds them (a task added, retired or brought back, moved to a plan
    /// this copy does not know): then the caller reads everything.
    /// Also says what changed, task by task.
    pub fn patched(&self, version: i64, rows: &[ChangedRow]) -> Option<(Snapshot, Vec<Changed>)> {
        let mut tasks = self.tasks.clone();
        let mut texts = self.texts.clone();
        let mut changed = Vec::with_capacity(rows.len());
        for row in rows {
            let at = self.tasks.binary_search_by_key(&row.id, |t| t.id);
            let i = match (at, row.retired) {
                (Ok(i), false) => i,
                // Retired before and still: nothing the index holds.
                (Err(_), true) => continue,
                _ => return None,
            };
            let task = Task {
                id: row.id,
                decision: *self.decision_by_id.get(&row.decision_id)?,
                position: row.position,
                state: TaskState::parse(&row.state)?,
                kind: DeadlineKind::parse(&row.deadline_kind)?,
                completed_on: row.completed_on,
                due_on: row.due_on,
                unextended: row.unextended,
                extended_on: row.extended_on,
            };
            let text_changed = texts.set(i, &row.search_text);
            if let Some(before) = self.tasks.get(i)
                && (*before != task || text_changed)
            {
                changed.push(Changed {
                    index: i,
                    before: before.clone(),
                    after: task.clone(),
                    text_changed,
                });
            }
            tasks.set(i, task);
        }
        let snapshot = Snapshot {
            version,
            tasks,
            texts,
            links: Arc::clone(&self.links),
            link_start: Arc::clone(&self.link_start),
            unit_links: Arc::clone(&self.unit_links),
            unit_start: Arc::clone(&self.unit_start),
            decisions: Arc::clone(&self.decisions),
            decision_by_id: Arc::clone(&self.decision_by_id),
            decision_by_code: Arc::clone(&self.decision_by_code),
            units: Arc::clone(&self.units),
            unit_by_id: Arc::clone(&self.unit_by_id),
        };
        Some((snapshot, changed))
    }
}

/// What the last two bits of a packed link say; the bits above are the index of the other end.
const LEAD: u32 = 0b10;
const DIRECT: u32 = 0b01;
const FLAGS: u32 = LEAD | DIRECT;
/// The largest index a packed link holds.
const INDEX_MASK: u32 = u32::MAX >> 2;

fn pack(index: u32, lead: bool, direct: bool) -> Option<u32> {
    let flags = if lead { LEAD } else { 0 } | if direct { DIRECT } else { 0 };
    (index <= INDEX_MASK).then_some(index << 2 | flags)
}

fn too_many() -> sqlx::Error {
    sqlx::Error::Protocol("more tasks or units than the task index holds".to_owned())
}

/// Sorts `task_or_unit << 32 | packed` keys and splits them into the packed lists and the
/// offsets of each owner's run (owners below `n`: `n + 1` entries).
fn grouped(keys: &mut [u64], n: usize) -> (Vec<u32>, Vec<u32>) {
    keys.sort_unstable();
    let mut start = vec![0u32; n + 1];
    for key in keys.iter() {
        start[(key >> 32) as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    (keys.iter().map(|&key| key as u32).collect(), start)
}

/// The links of one task or one unit, each packed in 32 bits (the other end's index and the
/// two flags): 4 bytes a link in each direction instead of a 12-byte `Link` (at 1,000,000
/// tasks, 3,900,000 links: 31 MB instead of 93).
#[derive(Clone, Copy)]
pub struct Links<'a> {
    owner: u32,
    packed: &'a [u32],
    of_unit: bool,
}

impl<'a> Links<'a> {
    pub fn iter(&self) -> impl Iterator<Item = Link> + 'a {
        let (owner, of_unit) = (self.owner, self.of_unit);
        self.packed.iter().map(move |&packed| {
            let other = packed >> 2;
            let (task, unit) = if of_unit {
                (other, owner)
            } else {
                (owner, other)
            };
            Link {
                task,
                unit,
                lead: packed & LEAD != 0,
                direct: packed & DIRECT != 0,
            }
        })
    }
}

/// The memory of one copy of the index, by part (`Snapshot::heap_bytes`).
#[derive(Debug, Clone, Copy)]
pub struct HeapBytes {
    pub tasks: usize,
    pub texts: usize,
    pub links: usize,
}
