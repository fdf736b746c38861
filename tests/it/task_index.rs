//! The task index (`actionplan::index`) answers exactly as PostgreSQL does: random tasks
//! (states, completions, deadline kinds, settled and extended deadlines with their grant days,
//! retired tasks, lead and partner links direct and through groups) and random as-of dates;
//! the category counts per plan, the overdue lists and unit rankings, a unit's counts and the
//! filtered task lists from memory equal the SQL answers.
//!
//! Cases are drawn with proptest's runner inside one `#[sqlx::test]` (the database work is
//! async), so a failure prints the case's seed and mutations rather than a shrunk input.

use actionplan::db::generate::Scale;
use actionplan::db::overdue::{self, OverdueSummary};
use actionplan::db::overview;
use actionplan::db::reports::ReportFilter;
use actionplan::db::tasks::{self, TaskFilter, TaskSort};
use actionplan::db::units;
use actionplan::domain::ids::UnitId;
use actionplan::domain::status::{Category, TaskState};
use actionplan::index::{Shows, Snapshot, TaskIndex, query};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sqlx::PgPool;

use crate::common::fill_at;

/// The window every random date falls in, so that as-of dates meet due, completion and grant
/// days exactly (the boundaries of each category).
fn day(offset: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date") + Days::new(u64::from(offset))
}

/// What a case does to one generated task.
#[derive(Debug, Clone)]
struct Mutation {
    /// Which task (by rank of id, modulo the number of tasks).
    task: usize,
    kind: &'static str,
    plan_due: Option<u16>,
    settled_due: Option<u16>,
    /// The extended deadline and the day it was granted (None: no grant day recorded).
    extension: Option<(u16, Option<u16>)>,
    /// None: not completed; else the completion day.
    completed: Option<u16>,
    in_progress: bool,
    retired: bool,
    /// An extra link: (unit rank, lead?).
    link: Option<(usize, bool)>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let d = 0u16..60;
    (
        0usize..1000,
        prop::sample::select(vec![
            "date",
            "date",
            "date",
            "continuous",
            "periodic",
            "unparsed",
        ]),
        prop::option::of(d.clone()),
        prop::option::weighted(0.3, d.clone()),
        prop::option::weighted(0.4, (d.clone(), prop::option::weighted(0.8, d.clone()))),
        prop::option::weighted(0.4, d.clone()),
        any::<bool>(),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.3, (0usize..1000, any::<bool>())),
    )
        .prop_map(
            |(
                task,
                kind,
                plan_due,
                settled_due,
                extension,
                completed,
                in_progress,
                retired,
                link,
            )| {
                let dated = matches!(kind, "date" | "unparsed");
                Mutation {
                    task,
                    kind,
                    plan_due: plan_due.filter(|_| dated),
                    settled_due: settled_due.filter(|_| dated),
                    extension: extension.filter(|_| dated),
                    completed,
                    in_progress,
                    retired,
                    link,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Case {
    seed: u64,
    mutations: Vec<Mutation>,
    dates: Vec<u16>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0u64..1_000_000,
        prop::collection::vec(mutation(), 20..80),
        prop::collection::vec(0u16..62, 4),
    )
        .prop_map(|(seed, mutations, dates)| Case {
            seed,
            mutations,
            dates,
        })
}

async fn ids(db: &PgPool, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(db)
        .await
        .expect("ids")
}

async fn apply(db: &PgPool, case: &Case) {
    let task_ids = ids(db, "select id from tasks order by id").await;
    let unit_ids = ids(db, "select id from units order by id").await;
    for m in &case.mutations {
        let task = task_ids[m.task % task_ids.len()];
        let state = match (m.completed, m.in_progress) {
            (Some(_), _) => "completed",
            (None, true) => "in_progress",
            (None, false) => "not_started",
        };
        let (extended_due, extended_on) = match m.extension {
            Some((due, granted)) => (Some(day(due)), granted.map(day)),
            None => (None, None),
        };
        sqlx::query(
            "update tasks set deadline_kind = $2, plan_due_on = $3, settled_due_on = $4,
                    extended_due_on = $5, extended_on = $6,
                    extension_basis = case when $5::date is null then null else 'test' end,
                    state = $7, completed_on = $8, retired = $9
              where id = $1",
        )
        .bind(task)
        .bind(m.kind)
        .bind(m.plan_due.map(day))
        .bind(m.settled_due.map(day))
        .bind(extended_due)
        .bind(extended_on)
        .bind(state)
        .bind(m.completed.map(day))
        .bind(m.retired)
        .execute(db)
        .await
        .unwrap_or_else(|e| panic!("mutation {m:?}: {e}"));
        if let Some((unit, lead)) = m.link {
            sqlx::query(
                "insert into task_units (task_id, unit_id, role, position) values ($1, $2, $3, 99)
                 on conflict do nothing",
            )
            .bind(task)
            .bind(unit_ids[unit % unit_ids.len()])
            .bind(if lead { "lead" } else { "partner" })
            .execute(db)
            .await
            .expect("link");
        }
    }
}

fn summary_key(s: &OverdueSummary) -> (i64, Vec<(i64, String, bool, i64)>) {
    (
        s.total,
        s.units
            .iter()
            .map(|u| (u.unit_id, u.unit_name.clone(), u.is_group, u.tasks))
            .collect(),
    )
}

async fn check(db: &PgPool, snap: &Snapshot, as_of: NaiveDate, case: &Case) {
    let ctx = format!("as of {as_of}, case {case:?}");
    // Category counts per plan.
    let sql: Vec<_> = overview::category_counts(db, as_of)
        .await
        .expect("counts")
        .into_iter()
        .map(|r| (r.decision_id, r.category, r.count))
        .collect();
    let mem: Vec<_> = query::category_counts(snap, as_of)
        .into_iter()
        .map(|r| (r.decision_id, r.category, r.count))
        .collect();
    assert_eq!(mem, sql, "category counts, {ctx}");

    // What falls due in the next 30 days: all of it, and the first few lines (the index picks
    // the tasks among them, SQL the milestones).
    let key = |soon: overview::DueSoon| -> (usize, Vec<_>) {
        let lines = soon.first.into_iter();
        (
            soon.total,
            lines.map(|r| (r.task_id, r.milestone, r.due_on)).collect(),
        )
    };
    let soon = query::due_soon_ids(snap, as_of, 30);
    for shown in [3, 10_000] {
        let sql = key(overview::due_soon(db, as_of, 30, shown)
            .await
            .expect("due soon"));
        let mem = key(overview::due_soon_of(db, &soon, as_of, 30, shown)
            .await
            .expect("due soon by id"));
        assert_eq!(mem, sql, "due soon, first {shown}, {ctx}");
    }

    // The completion series.
    let sql = overview::completion_series(db, as_of)
        .await
        .expect("series");
    let mem = query::completion_series(snap, as_of);
    assert_eq!(mem, sql, "completion series, {ctx}");

    // Top overdue units (all of them, so no tie is cut by the limit).
    let mut sql: Vec<_> = overview::top_overdue_units(db, as_of, 10_000)
        .await
        .expect("top")
        .into_iter()
        .map(|r| (r.id, r.overdue))
        .collect();
    // SQL orders units of the same name (and count) as it finds them; the index by id.
    let name_rank = |id: UnitId| {
        snap.unit_by_id
            .get(&id.0)
            .map(|&u| snap.units[u as usize].name_rank)
    };
    sql.sort_by_key(|&(id, n)| (std::cmp::Reverse(n), name_rank(id)));
    let mem: Vec<_> = query::top_overdue_units(snap, as_of, 10_000)
        .into_iter()
        .map(|r| (r.id, r.overdue))
        .collect();
    assert_eq!(mem, sql, "top overdue units, {ctx}");

    // The overdue report's ids and unit summary, under each kind of filter.
    let some_unit = snap.units.first().map(|u| u.id);
    let some_code = snap.decisions.first().map(|d| d.code.clone());
    let filters = [
        ReportFilter::default(),
        ReportFilter {
            original_deadline: true,
            ..ReportFilter::default()
        },
        ReportFilter {
            min_days_overdue: Some(5),
            ..ReportFilter::default()
        },
        ReportFilter {
            decision_code: some_code,
            unit: None,
            min_days_overdue: None,
            original_deadline: true,
        },
        ReportFilter {
            unit: some_unit,
            ..ReportFilter::default()
        },
    ];
    for filter in &filters {
        let mut sql = overdue::overdue_task_ids(db, as_of, filter)
            .await
            .expect("overdue ids");
        sql.sort_unstable();
        let mem: Vec<i64> = query::overdue_tasks(snap, as_of, filter)
            .into_iter()
            .map(|i| snap.tasks[i].id)
            .collect();
        assert_eq!(mem, sql, "overdue ids under {filter:?}, {ctx}");
        let sql = overdue::overdue_summary(db, as_of, filter)
            .await
            .expect("summary");
        let mem = query::overdue_summary(snap, as_of, filter);
        assert_eq!(
            summary_key(&mem),
            summary_key(&sql),
            "overdue summary under {filter:?}, {ctx}"
        );
        // The report's lines for the units of a page, whole and cut.
        let units: Vec<i64> = sql.units.iter().map(|u| u.unit_id).collect();
        for (skip, limit) in [(0, 10_000), (3, 5)] {
            let sql: Vec<(i64, i64)> =
                overdue::overdue_lines(db, as_of, filter, &units, skip, limit)
                    .await
                    .expect("lines")
                    .into_iter()
                    .map(|(unit, row)| (unit, row.task_id))
                    .collect();
            let mem = query::overdue_lines(snap, as_of, filter, &units, skip, limit);
            assert_eq!(mem, sql, "overdue lines under {filter:?}, {ctx}");
            let by_id: Vec<(i64, i64)> = actionplan::db::task_rows::overdue_lines_of(
                db,
                as_of,
                filter.original_deadline,
                &mem,
            )
            .await
            .expect("lines by id")
            .into_iter()
            .map(|(unit, row)| (unit, row.task_id))
            .collect();
            assert_eq!(by_id, mem, "lines by id under {filter:?}, {ctx}");
        }
    }

    // A few units' counts per role and category.
    for unit in snap.units.iter().step_by(7) {
        let sql: Vec<_> = units::count_unit_categories(db, UnitId(unit.id), as_of)
            .await
            .expect("unit counts")
            .into_iter()
            .map(|r| (r.role, r.category, r.count))
            .collect();
        let mem: Vec<_> = query::unit_categories(snap, UnitId(unit.id), as_of)
            .into_iter()
            .map(|r| (r.role, r.category, r.count))
            .collect();
        assert_eq!(mem, sql, "unit {} counts, {ctx}", unit.id);
    }

    // Task lists: each category, a lead unit, a unit in any role, a state and a due range.
    let mut lists: Vec<TaskFilter> = Category::ALL
        .into_iter()
        .map(|c| TaskFilter {
            category: Some(c),
            ..TaskFilter::default()
        })
        .collect();
    lists.push(TaskFilter {
        lead_unit: some_unit.map(UnitId),
        category: Some(Category::Overdue),
        sort: TaskSort::Due,
        ..TaskFilter::default()
    });
    lists.push(TaskFilter {
        unit: snap.units.get(3).map(|u| UnitId(u.id)),
        state: Some(TaskState::NotStarted),
        ..TaskFilter::default()
    });
    lists.push(TaskFilter {
        due_from: Some(day(10)),
        due_to: Some(day(40)),
        sort: TaskSort::Due,
        ..TaskFilter::default()
    });
    for filter in &lists {
        list_equals_sql(db, snap, filter, as_of, 3..13, &ctx).await;
    }
}

/// The whole list from memory equals the SQL list (total and order), and so does one page of
/// it (`window`): only the tasks up to a page's end are sorted in memory.
async fn list_equals_sql(
    db: &PgPool,
    snap: &Snapshot,
    filter: &TaskFilter,
    as_of: NaiveDate,
    window: std::ops::Range<usize>,
    ctx: &str,
) {
    let (total, rows) = tasks::list_tasks(db, filter, as_of, 1, 100_000)
        .await
        .expect("list");
    let sql: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
    let (held, mem) =
        query::list_ids(snap, filter, as_of, 0..usize::MAX).expect("the index holds this filter");
    assert_eq!(
        usize::try_from(total).ok(),
        Some(held),
        "total of {filter:?}, {ctx}"
    );
    assert_eq!(mem, sql, "list {filter:?}, {ctx}");
    let (_, page) = query::list_ids(snap, filter, as_of, window.clone()).expect("held");
    let end = window.end.min(sql.len());
    assert_eq!(
        page,
        sql.get(window.start.min(end)..end).unwrap_or(&[]),
        "page {window:?} of {filter:?}, {ctx}"
    );
}

#[sqlx::test]
async fn memory_figures_equal_the_sql_answers_for_random_tasks_and_dates(db: PgPool) {
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = case();
    for _ in 0..12 {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let mut tx = db.begin().await.expect("begin");
        actionplan::db::generate::clear_data(&mut tx)
            .await
            .expect("empty");
        tx.commit().await.expect("commit");
        let scale = Scale {
            decisions: 3,
            tasks: 150,
            units: 20,
            events: 0,
            seed: case.seed,
        };
        fill_at(&db, &scale).await;
        apply(&db, &case).await;
        let snap = Snapshot::load(&db).await.expect("snapshot");
        for &d in &case.dates {
            check(&db, &snap, day(d), &case).await;
        }
    }
}

#[sqlx::test]
async fn a_list_by_search_words_from_memory_equals_the_sql_list(db: PgPool) {
    let scale = Scale {
        decisions: 4,
        tasks: 400,
        units: 30,
        events: 0,
        seed: 11,
    };
    fill_at(&db, &scale).await;
    let snap = Snapshot::load(&db).await.expect("snapshot");
    // Words taken from the tasks' own folded text: the first and second word of some tasks, and
    // a prefix of one.
    let texts: Vec<String> = sqlx::query_scalar(
        "select search_text from task_texts where task_id % 37 = 0 order by task_id limit 12",
    )
    .fetch_all(&db)
    .await
    .expect("texts");
    let mut queries: Vec<String> = Vec::new();
    for text in &texts {
        let words: Vec<&str> = text.split_whitespace().collect();
        if let [a, b, c, ..] = words.as_slice() {
            queries.push(format!("{a} {b}"));
            queries.push(a.chars().take(3).collect());
            // Words standing together and scattered, for the ranking.
            queries.push(format!("{a} {b} {c}"));
            queries.push(format!("{c} {a}"));
        }
    }
    queries.push("Bộ Y TẾ".to_owned());
    let sorts = [TaskSort::Plan, TaskSort::Relevance, TaskSort::Due];
    for (q, sort) in queries
        .iter()
        .flat_map(|q| sorts.iter().map(move |s| (q.clone(), *s)))
    {
        let filter = TaskFilter {
            query: Some(q.clone()),
            sort,
            ..TaskFilter::default()
        };
        list_equals_sql(
            &db,
            &snap,
            &filter,
            day(30),
            2..7,
            &format!("{q} by {sort:?}"),
        )
        .await;
    }
}

/// The pages that answer from the index are the very pages the SQL path renders, byte for
/// byte; and once the data moves past the index's version, the pages answer from SQL again.
#[sqlx::test]
async fn pages_from_the_index_equal_pages_from_sql(db: PgPool) {
    let scale = Scale {
        decisions: 4,
        tasks: 500,
        units: 30,
        events: 300,
        seed: 5,
    };
    fill_at(&db, &scale).await;
    let unit: i64 = sqlx::query_scalar(
        "select unit_id from task_units where role = 'lead' group by 1 order by count(*) desc, 1 limit 1",
    )
    .fetch_one(&db)
    .await
    .expect("a busy unit");
    let indexed = crate::common::test_state(db.clone());
    indexed
        .task_index
        .install(Snapshot::load(&db).await.expect("snapshot"));
    let with_index = actionplan::app(indexed.clone());
    let sql_only = crate::common::test_app(db.clone());
    let mut paths = Vec::new();
    for as_of in ["2024-06-30", "2025-07-15", "2026-11-23"] {
        paths.extend([
            format!("/?as_of={as_of}"),
            format!("/reports/overdue?as_of={as_of}"),
            format!("/reports/overdue?as_of={as_of}&deadline=original&min_days=30"),
            format!("/tasks?lead_unit={unit}&as_of={as_of}"),
            format!("/tasks?category=overdue&sort=due&as_of={as_of}&page=2"),
            format!("/api/v1/tasks?category=overdue&as_of={as_of}"),
            format!("/units/{unit}?as_of={as_of}"),
        ]);
    }
    paths.push("/tasks?q=ke+hoach".to_owned());
    paths.push("/api/v1/tasks?q=trien".to_owned());
    let seen = actionplan::cache::versions(&db).await.expect("versions");
    assert!(
        indexed.task_index.at(seen).is_some(),
        "the pages use the index"
    );
    for path in &paths {
        let (status, mem) = crate::common::get_from(&with_index, path).await;
        let (sql_status, sql) = crate::common::get_from(&sql_only, path).await;
        assert_eq!(status, sql_status, "{path}");
        assert_eq!(mem, sql, "{path}");
    }
    // A write moves the data version: the index is not used until read again.
    sqlx::query("update tasks set state = 'in_progress' where id = (select min(id) from tasks where state = 'not_started')")
        .execute(&db)
        .await
        .expect("write");
    let seen = actionplan::cache::versions(&db).await.expect("versions");
    assert!(
        indexed.task_index.at(seen).is_none(),
        "a stale index is not used"
    );
}

/// The task index as the server keeps it: a live listener of the notifications and the keeper
/// (abort both handles at the end).
async fn live_index(
    db: &PgPool,
) -> (
    TaskIndex,
    tokio::task::JoinHandle<()>,
    tokio::task::JoinHandle<()>,
) {
    let state = crate::common::test_state(db.clone());
    let listener = state
        .versions
        .spawn_listener(db.clone(), state.task_details.clone());
    assert!(
        crate::common::eventually(async || state.versions.is_live()).await,
        "the listener connects"
    );
    let keeper = state
        .task_index
        .spawn_keeper(db.clone(), state.versions.clone());
    (state.task_index.clone(), listener, keeper)
}

/// The index follows writes to task rows by re-reading only those rows (migration 0033 names
/// them), and the patched copy still answers exactly as PostgreSQL does; a write of anything
/// else (a retirement, a new link) makes it read everything again, and it still agrees.
#[sqlx::test]
async fn writes_to_task_rows_are_patched_into_the_index_which_still_equals_sql(db: PgPool) {
    fill_at(
        &db,
        &Scale {
            decisions: 3,
            tasks: 300,
            units: 20,
            events: 0,
            seed: 11,
        },
    )
    .await;
    let (index, listener, keeper) = live_index(&db).await;
    let current = async || {
        let seen = actionplan::cache::versions(&db).await.expect("versions");
        index.at(seen)
    };
    let caught_up = async || current().await.is_some();
    assert!(
        crate::common::eventually(caught_up).await,
        "the first copy is read"
    );
    let (loads, patches) = index.loads_and_patches();
    assert_eq!((loads, patches), (1, 0));

    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = case();
    for _ in 0..4 {
        let mut case = strategy.new_tree(&mut runner).expect("a case").current();
        // Task rows alone: states, completions, deadlines, extensions, grant days.
        for m in &mut case.mutations {
            m.retired = false;
            m.link = None;
        }
        apply(&db, &case).await;
        assert!(
            crate::common::eventually(caught_up).await,
            "the index reaches the version of the last write"
        );
        let snap = current().await.expect("at the current version");
        for &d in &case.dates {
            check(&db, &snap, day(d), &case).await;
        }
    }
    let (loads, patches) = index.loads_and_patches();
    assert_eq!(loads, 1, "no copy was read whole for task rows");
    assert!(patches >= 1, "the writes were patched in");

    // A retirement and a new link are not task rows alone: everything is read again.
    let case = strategy.new_tree(&mut runner).expect("a case").current();
    apply(&db, &case).await;
    sqlx::query(
        "update tasks set retired = true where id = (select min(id) from tasks where not retired)",
    )
    .execute(&db)
    .await
    .expect("retires");
    assert!(crate::common::eventually(caught_up).await);
    assert!(index.loads_and_patches().0 > 1, "read whole again");
    let snap = current().await.expect("at the current version");
    for &d in &case.dates {
        check(&db, &snap, day(d), &case).await;
    }
    keeper.abort();
    listener.abort();
}

/// What a kept page shows of the tasks, computed from one copy of the index: for a list, its
/// count, the ids on its first page and their rows; for the overview, every figure and what it
/// prints of the tasks due soon (their plan, place, date and text; not their state).
fn page_of(snap: &Snapshot, scope: &Shows) -> String {
    let rows = |ids: &[i64]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                let i = snap
                    .tasks
                    .binary_search_by_key(id, |t| t.id)
                    .expect("a listed task is in the copy");
                format!("{:?}", snap.tasks.get(i))
            })
            .collect()
    };
    match scope {
        Shows::List { filter, as_of, .. } => {
            let (total, ids) =
                query::list_ids(snap, filter, *as_of, 0..10).expect("the index holds this filter");
            format!("{total} {ids:?} {:?}", rows(&ids))
        }
        Shows::Overview {
            as_of,
            due_soon_days,
        } => {
            let soon: Vec<_> = query::due_soon_ids(snap, *as_of, *due_soon_days)
                .into_iter()
                .map(|id| {
                    let i = snap
                        .tasks
                        .binary_search_by_key(&id, |t| t.id)
                        .expect("a task due soon is in the copy");
                    let t = snap.tasks.get(i).expect("at its index");
                    let text = snap.texts.text(i);
                    (id, t.decision, t.position, t.judged_due(*as_of), text)
                })
                .collect();
            format!(
                "{:?} {:?} {:?} {soon:?}",
                query::category_counts(snap, *as_of),
                query::top_overdue_units(snap, *as_of, 5),
                query::completion_series(snap, *as_of),
            )
        }
    }
}

/// A kept page is served again after writes only when they leave it as it was: for random
/// writes to task rows (many of them only moving a task between not started and in progress,
/// which changes no count), whenever `Shows::untouched_by` says the changes since a page
/// was computed leave it alone, the page computed from the new copy is the same page. Both
/// answers occur (else the test would prove nothing).
#[sqlx::test]
async fn a_kept_page_outlives_only_writes_that_leave_it_as_it_was(db: PgPool) {
    fill_at(
        &db,
        &Scale {
            decisions: 3,
            tasks: 300,
            units: 12,
            events: 0,
            seed: 17,
        },
    )
    .await;
    let (index, listener, keeper) = live_index(&db).await;
    let current = async || {
        let seen = actionplan::cache::versions(&db).await.expect("versions");
        index.at(seen)
    };
    assert!(crate::common::eventually(async || current().await.is_some()).await);

    let units = ids(
        &db,
        "select id from units where not is_group order by id limit 4",
    )
    .await;
    let word: String = sqlx::query_scalar(
        "select split_part(trim(search_text), ' ', 1) from task_texts order by task_id limit 1",
    )
    .fetch_one(&db)
    .await
    .expect("a word");
    let task_ids = ids(&db, "select id from tasks order by id").await;
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = case();
    let (mut kept, mut dropped) = (0, 0);
    for round in 0..6 {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let as_of = day(case.dates[0]);
        let mut scopes = vec![Shows::Overview {
            as_of,
            due_soon_days: 30,
        }];
        let lists = units
            .iter()
            .map(|&u| TaskFilter {
                lead_unit: Some(UnitId(u)),
                ..TaskFilter::default()
            })
            .chain([
                TaskFilter {
                    category: Some(Category::Overdue),
                    ..TaskFilter::default()
                },
                TaskFilter {
                    category: Some(Category::InProgressOnTime),
                    sort: TaskSort::Due,
                    ..TaskFilter::default()
                },
                TaskFilter {
                    query: Some(word.clone()),
                    sort: TaskSort::Relevance,
                    ..TaskFilter::default()
                },
            ]);
        let before = current().await.expect("caught up");
        for filter in lists {
            let (_, shown) = query::list_ids(&before, &filter, as_of, 0..10).expect("held");
            scopes.push(Shows::List {
                filter: Box::new(filter),
                as_of,
                shown,
            });
        }
        let pages: Vec<String> = scopes.iter().map(|s| page_of(&before, s)).collect();

        // A few writes: most only move a task between not started and in progress; every
        // third round also changes dates and completions, another the text of a task due soon
        // (the overview prints it).
        let due_soon = query::due_soon_ids(&before, as_of, 30);
        for (k, m) in case.mutations.iter().take(5).enumerate() {
            if round % 3 == 1 && k == 0 {
                let task = due_soon
                    .first()
                    .copied()
                    .unwrap_or(task_ids[m.task % task_ids.len()]);
                // As a new reading of its plan would: the text and the task row change in one
                // transaction (the row's change is what tells the servers).
                let mut tx = db.begin().await.expect("begin");
                sqlx::query(
                    "update task_texts set search_text = search_text || ' sua' where task_id = $1",
                )
                .bind(task)
                .execute(&mut *tx)
                .await
                .expect("a text changes");
                sqlx::query("update tasks set content = content || ' sửa' where id = $1")
                    .bind(task)
                    .execute(&mut *tx)
                    .await
                    .expect("its row changes");
                tx.commit().await.expect("commit");
            } else if round % 3 == 2 && k == 0 {
                let one = Case {
                    mutations: vec![Mutation {
                        retired: false,
                        link: None,
                        ..m.clone()
                    }],
                    ..case.clone()
                };
                apply(&db, &one).await;
            } else {
                sqlx::query(
                    "update tasks set state = case state when 'not_started' then 'in_progress'
                                                         else 'not_started' end
                      where id = $1 and state <> 'completed'",
                )
                .bind(task_ids[m.task % task_ids.len()])
                .execute(&db)
                .await
                .expect("a state moves");
            }
        }
        assert!(crate::common::eventually(async || current().await.is_some()).await);
        let after = current().await.expect("caught up");
        let (copy, changes) = index
            .changes_between(before.version, after.version)
            .await
            .expect("task rows alone were patched in");
        for (scope, page) in scopes.iter().zip(&pages) {
            if scope.untouched_by(&copy, &changes) {
                kept += 1;
                assert_eq!(
                    &page_of(&after, scope),
                    page,
                    "{scope:?} was judged untouched by {changes:?}"
                );
            } else {
                dropped += 1;
            }
        }
    }
    assert!(kept > 0, "some pages outlive the writes");
    assert!(dropped > 0, "some pages are touched by them");
    keeper.abort();
    listener.abort();
}
