//! The data generator at a small scale: counts, categories, history, text, search, the guard
//! against filling a database twice, and a generated plan document that the importer reads.

use std::collections::HashSet;
use std::process::Command;

use actionplan::db::generate::{self, Scale};
use actionplan::db::import::import_document;
use actionplan::db::tasks::{TaskFilter, list_tasks};
use actionplan::domain::text::fold;
use chrono::NaiveDate;
use sqlx::PgPool;

use crate::common::{fill_at, generated_today as today};

const SMALL: Scale = Scale {
    decisions: 3,
    tasks: 300,
    units: 40,
    events: 2_000,
    seed: 6,
};

async fn fill(db: &PgPool) -> generate::Summary {
    fill_at(db, &SMALL).await
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[sqlx::test]
async fn generated_data_has_the_asked_counts_groups_and_history(db: PgPool) {
    let summary = fill(&db).await;
    assert_eq!(summary.decisions, 3);
    assert_eq!(summary.tasks, 300);
    assert_eq!(summary.units, 40);
    assert_eq!(count(&db, "select count(*) from decisions").await, 3);
    assert_eq!(count(&db, "select count(*) from tasks").await, 300);
    assert_eq!(count(&db, "select count(*) from units").await, 40);
    let events = count(&db, "select count(*) from task_events").await;
    assert!((2_000..=2_150).contains(&events), "{events} events");
    assert!(count(&db, "select count(*) from units where is_group").await >= 1);
    assert!(count(&db, "select count(*) from unit_group_members").await >= 4);
    assert!(
        count(
            &db,
            "select count(*) from task_units where via_group_id is not null"
        )
        .await
            > 0,
        "some tasks reach units through a group"
    );
    assert_eq!(
        count(&db, "select count(*) from tasks t where not exists (select 1 from task_units tu where tu.task_id = t.id and tu.role = 'lead')").await,
        0,
        "every task has a lead"
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from tasks t where (select kind from task_events e where e.task_id = t.id order by at, id limit 1) is distinct from 'imported'"
        )
        .await,
        0,
        "every task's history starts with 'imported'"
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from tasks where completed_on > date '2026-11-23'"
        )
        .await,
        0,
        "no completion in the future"
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from task_events where at > timestamptz '2026-11-23 00:00+07'"
        )
        .await,
        0,
        "no history in the future"
    );
    assert!(
        count(
            &db,
            "select count(*) from tasks where completed_on > due_on"
        )
        .await
            > 0,
        "some tasks were completed late"
    );
    assert_eq!(
        count(&db, "select count(*) from tasks where version <> 1 + (select count(*) from task_events e where e.task_id = tasks.id and e.kind not in ('imported', 'note'))").await,
        0,
        "the version counts the changes"
    );
    assert_eq!(
        count(&db, "select count(distinct deadline_kind) from tasks").await,
        4,
        "date, continuous, periodic and unparsed deadlines"
    );
    assert!(count(&db, "select count(*) from milestones").await > 0);
    assert_eq!(
        count(
            &db,
            "select count(*) from decisions where code !~ '^[0-9]+/QĐ-[A-ZĐ]+$'"
        )
        .await,
        0
    );
    // The sequences continue after the generated ids.
    let next: i64 = sqlx::query_scalar(
        "insert into units (key, name) values ('moi', 'Đơn vị mới') returning id",
    )
    .fetch_one(&db)
    .await
    .expect("insert after generation");
    assert_eq!(next, 41);
}

#[sqlx::test]
async fn categories_as_of_2024_spread_over_all_six(db: PgPool) {
    fill(&db).await;
    let categories: Vec<(String, i64)> = sqlx::query_as(
        "select task_category(state, completed_on, deadline_kind, due_on, date '2024-01-01'), count(*)
           from tasks group by 1 order by 1",
    )
    .fetch_all(&db)
    .await
    .expect("categories");
    let names: HashSet<&str> = categories.iter().map(|(c, _)| c.as_str()).collect();
    for wanted in [
        "completed_on_time",
        "completed_late",
        "in_progress_on_time",
        "overdue",
        "continuous",
        "no_deadline",
    ] {
        assert!(names.contains(wanted), "{wanted} missing: {categories:?}");
    }
}

#[sqlx::test]
async fn generated_text_is_nfc_and_found_without_diacritics(db: PgPool) {
    fill(&db).await;
    for (table, column) in [
        ("tasks", "content"),
        ("tasks", "lead_text"),
        ("tasks", "deadline_text"),
        ("units", "name"),
        ("decisions", "issuer"),
        ("task_events", "note"),
    ] {
        let sql = format!("select count(*) from {table} where {column} is not nfc normalized");
        assert_eq!(count(&db, &sql).await, 0, "{table}.{column} is NFC");
    }
    assert!(
        count(&db, "select count(*) from tasks where content ~ '[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]'").await > 250,
        "contents carry Vietnamese diacritics"
    );
    let (id, content): (i64, String) =
        sqlx::query_as("select id, content from tasks order by id limit 1 offset 17")
            .fetch_one(&db)
            .await
            .expect("a task");
    let words: Vec<&str> = content.split_whitespace().skip(2).take(3).collect();
    let query = fold(&words.join(" "));
    assert!(query.is_ascii(), "the query has no diacritics: {query}");
    let filter = TaskFilter {
        query: Some(query.clone()),
        ..TaskFilter::default()
    };
    let (total, rows) = list_tasks(&db, &filter, today(), 1, 500)
        .await
        .expect("search");
    assert!(total >= 1, "\"{query}\" finds tasks");
    assert!(
        rows.iter().any(|r| r.id.0 == id),
        "\"{query}\" finds task {id} ({content})"
    );
}

#[sqlx::test]
async fn a_generated_plan_document_imports_whole(db: PgPool) {
    let text = generate::plan_document(200, 9006, 6);
    let outcome = import_document(&db, "ke-hoach-sinh.txt", text.as_bytes())
        .await
        .expect("the generated document imports");
    assert_eq!(outcome.code, "9006/QĐ-BTTTT");
    assert_eq!(outcome.tasks, 200);
    assert_eq!(outcome.sections, 5);
    assert!(
        outcome.unparsed.len() <= 12,
        "about 2% unparsed: {:?}",
        outcome.unparsed
    );
}

fn database_url(db: &PgPool) -> String {
    let options = db.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().expect("test database name")
    )
}

fn run_gen(db: &PgPool, extra: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_actionplan"))
        .args([
            "gen",
            "--decisions",
            "2",
            "--tasks",
            "50",
            "--units",
            "20",
            "--events",
            "200",
        ])
        .args(extra)
        .env("DATABASE_URL", database_url(db))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[sqlx::test]
async fn gen_refuses_a_filled_database_unless_forced(db: PgPool) {
    let (code, stdout, stderr) = run_gen(&db, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("50 nhiệm vụ"), "{stdout}");
    assert!(stdout.contains("quanly@bench.local"), "{stdout}");
    let token = stdout.lines().last().unwrap_or_default();
    assert_eq!(token.len(), 64, "the token is printed last: {stdout}");

    let (code, stdout, stderr) = run_gen(&db, &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(count(&db, "select count(*) from tasks").await, 50);

    let (code, stdout, stderr) = run_gen(&db, &["--force", "--seed", "7"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(count(&db, "select count(*) from tasks").await, 50);
    assert_eq!(count(&db, "select count(*) from decisions").await, 2);
    assert_eq!(
        count(
            &db,
            "select count(*) from users where email like '%@bench.local'"
        )
        .await,
        2
    );
}

/// The task list filters a category with conditions on the columns (so that indexes serve it);
/// they must pick exactly the tasks `task_category` puts in that category, on any date, with
/// extensions, late completions and completions after the date among the generated tasks.
#[sqlx::test]
async fn category_filters_pick_the_tasks_task_category_classifies(db: PgPool) {
    fill(&db).await;
    sqlx::query(
        "update tasks set extended_due_on = due_on + 40, extension_basis = 'kiểm thử',
                extended_on = due_on + (id % 3 * 15)::int
          where id % 7 = 0 and due_on is not null",
    )
    .execute(&db)
    .await
    .expect("extends some deadlines");
    sqlx::query(
        "update tasks set extended_due_on = date '2024-12-31', extension_basis = 'kiểm thử',
                extended_on = date '2024-07-15'
          where id % 7 = 3 and due_on between date '2024-01-01' and date '2024-06-29'",
    )
    .execute(&db)
    .await
    .expect("extends some deadlines after 30/06/2024");
    let mut judged_before_grant = 0;
    for as_of in [
        "2022-03-31",
        "2023-12-31",
        "2024-06-30",
        "2025-07-01",
        "2026-11-23",
    ] {
        let date: NaiveDate = as_of.parse().expect("date");
        judged_before_grant += count(
            &db,
            &format!(
                "select count(*) from tasks t where not retired and t.extended_on > '{as_of}'
                    and task_category(t, '{as_of}')
                        <> task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, '{as_of}')"
            ),
        )
        .await;
        let mut seen = 0;
        for category in actionplan::domain::status::Category::ALL {
            let filter = TaskFilter {
                category: Some(category),
                ..TaskFilter::default()
            };
            let (total, rows) = list_tasks(&db, &filter, date, 1, 500).await.expect("lists");
            let expected = count(
                &db,
                &format!(
                    "select count(*) from tasks t where not retired and task_category(t, '{as_of}') = '{}'",
                    category.as_str()
                ),
            )
            .await;
            assert_eq!(total, expected, "{} as of {as_of}", category.as_str());
            assert!(rows.iter().all(|r| r.category == category.as_str()));
            for row in &rows {
                let (sql_category, sql_days): (String, Option<i32>) = sqlx::query_as(
                    "select task_category(t, $2), task_days_overdue(t, $2) from tasks t where id = $1",
                )
                .bind(row.id.0)
                .bind(date)
                .fetch_one(&db)
                .await
                .expect("the SQL functions");
                assert_eq!(
                    (row.category.as_str(), row.days_overdue),
                    (sql_category.as_str(), sql_days),
                    "task {} as of {as_of}",
                    row.id.0
                );
            }
            seen += total;
        }
        assert_eq!(
            seen,
            count(&db, "select count(*) from tasks where not retired").await,
            "every task is in one category as of {as_of}"
        );
    }
    assert!(
        judged_before_grant > 0,
        "the dates cover tasks judged before their extension was granted: {judged_before_grant}"
    );
}

/// At ministry scale the overview shows the newest plans and the soonest deadlines, with links
/// to the full lists, instead of every plan and every deadline.
#[sqlx::test]
async fn the_overview_lists_the_newest_plans_and_links_to_all(db: PgPool) {
    let scale = Scale {
        decisions: 30,
        tasks: 600,
        units: 40,
        events: 1_000,
        seed: 7,
    };
    fill_at(&db, &scale).await;
    let (_, html) = crate::common::get_html(&db, "/?as_of=2024-06-30").await;
    let table = html
        .split("id=\"by-plan\"")
        .nth(1)
        .and_then(|rest| rest.split("<tbody>").nth(1))
        .and_then(|rest| rest.split("</tbody>").next())
        .expect("plan table");
    assert_eq!(table.matches("<tr>").count(), 25);
    assert!(html.contains("Xem tất cả 30 kế hoạch"));
    assert!(html.contains("href=\"/decisions?as_of=2024-06-30\""));
}

/// The unit list pages its units (2,000 at ministry scale) and keeps the search in its links.
#[sqlx::test]
async fn the_unit_list_is_paged(db: PgPool) {
    let scale = Scale {
        decisions: 3,
        tasks: 300,
        units: 240,
        events: 500,
        seed: 8,
    };
    fill_at(&db, &scale).await;
    let units = count(&db, "select count(*) from units").await;
    assert!(units > 200, "{units} units");
    let (_, first) = crate::common::get_html(&db, "/units").await;
    assert_eq!(first.matches("<tr data-unit=").count(), 100);
    assert!(first.contains("href=\"/units?page=2\" rel=\"next\""));
    let last = (units + 99) / 100;
    let (_, end) = crate::common::get_html(&db, &format!("/units?page={last}")).await;
    let rows = i64::try_from(end.matches("<tr data-unit=").count()).expect("count");
    assert_eq!(rows, units - (last - 1) * 100);
    assert!(!end.contains("rel=\"next\""));
}

/// The plan list pages its plans; the totals row still counts every plan.
#[sqlx::test]
async fn the_plan_list_is_paged(db: PgPool) {
    let scale = Scale {
        decisions: 60,
        tasks: 300,
        units: 40,
        events: 500,
        seed: 9,
    };
    fill_at(&db, &scale).await;
    let (_, first) = crate::common::get_html(&db, "/decisions").await;
    assert!(first.contains("href=\"/decisions?page=2\" rel=\"next\""));
    assert!(first.contains("Trang 1/2 · 60 kế hoạch"));
    let (_, second) = crate::common::get_html(&db, "/decisions?page=2").await;
    assert!(second.contains("Trang 2/2"));
    assert!(!second.contains("rel=\"next\""));
    let rows = |html: &str| {
        html.split("<tbody>")
            .nth(1)
            .and_then(|rest| rest.split("</tbody>").next())
            .map_or(0, |body| body.matches("<tr").count())
    };
    assert_eq!(rows(&first) + rows(&second), 60);
}
