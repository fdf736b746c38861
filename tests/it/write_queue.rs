//! Changes written many to a statement (`actionplan::db::write_queue`): each exactly once, the
//! counters moved once per statement, and a race between two changes of one task decided as if
//! they had come one after the other.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use actionplan::db::write_queue::{PendingWrite, write_all};
use actionplan::domain::ids::TaskId;
use actionplan::domain::status::TaskState;
use actionplan::domain::update::Effect;

use crate::auth_support::*;
use crate::common::import_seeds;

fn note(task: i64, user: i64, text: &str) -> PendingWrite {
    PendingWrite {
        task: TaskId(task),
        moves_from: None,
        after: Effect {
            state: TaskState::NotStarted,
            completed_on: None,
            pending_confirmation: false,
            proposed_completed_on: None,
        },
        extension: None,
        settled_due_on: None,
        actor: "Quản lý <manager@bo.vn>".into(),
        user_id: user,
        kind: "note",
        from_state: None,
        to_state: None,
        data: json!({}),
        note: Some(text.into()),
        evidence_id: None,
        evidence_url: None,
    }
}

fn start(task: i64, version: i32, user: i64) -> PendingWrite {
    PendingWrite {
        moves_from: Some(version),
        after: Effect {
            state: TaskState::InProgress,
            ..note(task, user, "").after
        },
        kind: "state",
        from_state: Some("not_started"),
        to_state: Some("in_progress"),
        note: None,
        ..note(task, user, "")
    }
}

/// Tasks not started (id, version), in id order.
async fn not_started(db: &PgPool) -> Vec<(i64, i32)> {
    sqlx::query_as(
        "select id, version from tasks where not retired and state = 'not_started' order by id",
    )
    .fetch_all(db)
    .await
    .expect("tasks")
}

async fn counters(db: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "select (select n from data_versions where name = 'plans'),
                (select n from data_versions where name = 'events')",
    )
    .fetch_one(db)
    .await
    .expect("counters")
}

async fn history(db: &PgPool, task: i64) -> Vec<(String, Option<String>)> {
    sqlx::query_as("select kind, note from task_events where task_id = $1 order by id")
        .bind(task)
        .fetch_all(db)
        .await
        .expect("history")
}

#[sqlx::test]
async fn one_statement_writes_each_change_once_and_moves_each_counter_once(db: PgPool) {
    import_seeds(&db).await;
    let user = make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let [(a, a_version), (b, b_version), (gone, _), (c, c_version)] = not_started(&db).await[..4]
    else {
        panic!("the seeds have four tasks not started");
    };
    sqlx::query("update tasks set retired = true where id = $1")
        .bind(gone)
        .execute(&db)
        .await
        .expect("retires");
    let (a_before, b_before, c_before) = (
        history(&db, a).await.len(),
        history(&db, b).await.len(),
        history(&db, c).await.len(),
    );
    let (plans, events) = counters(&db).await;

    let outcome = write_all(
        &db,
        &[
            note(a, user, "Ghi chú thứ nhất"),
            start(b, b_version, user),
            note(a, user, "Ghi chú thứ hai"),
            // The same change of b judged at the same version: b has moved by then.
            start(b, b_version, user),
            note(gone, user, "Không ghi: nhiệm vụ đã bỏ"),
            // Judged at a version c is no longer at.
            start(c, c_version - 1, user),
        ],
    )
    .await
    .expect("written");

    let versions: Vec<Option<i32>> = outcome.iter().map(|w| w.map(|w| w.version)).collect();
    assert_eq!(
        versions,
        vec![
            Some(a_version),
            Some(b_version + 1),
            Some(a_version),
            None,
            None,
            None
        ],
        "a note leaves its task's version as it was"
    );
    let counted: Vec<Option<i64>> = outcome
        .iter()
        .map(|w| w.map(|w| w.history_before))
        .collect();
    assert_eq!(
        counted[..3],
        [
            Some(a_before as i64),
            Some(b_before as i64),
            Some(a_before as i64 + 1)
        ],
        "each change counts the history before it, the task's earlier change in the statement too"
    );
    let ids: Vec<(i64, i64)> =
        sqlx::query_as("select id, task_id from task_events where id = any($1) order by id")
            .bind(
                outcome
                    .iter()
                    .flatten()
                    .map(|w| w.event_id)
                    .collect::<Vec<_>>(),
            )
            .fetch_all(&db)
            .await
            .expect("rows");
    assert_eq!(
        ids,
        outcome
            .iter()
            .zip([a, b, a, b, gone, c])
            .filter_map(|(w, task)| w.map(|w| (w.event_id, task)))
            .collect::<Vec<_>>(),
        "the ids answered are the rows written, in the order of the changes"
    );
    let a_history = history(&db, a).await;
    assert_eq!(a_history.len(), a_before + 2);
    assert_eq!(
        a_history[a_before..],
        [
            ("note".to_owned(), Some("Ghi chú thứ nhất".to_owned())),
            ("note".to_owned(), Some("Ghi chú thứ hai".to_owned())),
        ],
        "notes in the order they were given"
    );
    assert_eq!(history(&db, b).await.len(), b_before + 1, "b moved once");
    assert_eq!(history(&db, c).await.len(), c_before, "c untouched");
    assert!(
        history(&db, gone)
            .await
            .iter()
            .all(|(_, n)| n.as_deref() != Some("Không ghi: nhiệm vụ đã bỏ"))
    );
    let (b_state, b_now): (String, i32) =
        sqlx::query_as("select state, version from tasks where id = $1")
            .bind(b)
            .fetch_one(&db)
            .await
            .expect("b");
    assert_eq!((b_state.as_str(), b_now), ("in_progress", b_version + 1));
    assert_eq!(
        counters(&db).await,
        (plans + 1, events + 1),
        "one statement moves each counter once, however many changes it writes"
    );
}

/// Writers posting at once through one server: every 201 is one row in the history, and the
/// changes share statements (the history's counter moved fewer times than there were changes).
#[sqlx::test]
async fn writers_at_once_are_each_written_once_sharing_statements(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let token = token_for(&db, "manager@bo.vn").await;
    let tasks: Vec<(i64, i32)> = not_started(&db).await.into_iter().take(8).collect();
    assert_eq!(tasks.len(), 8, "the seeds have eight tasks not started");
    let events_before: i64 = sqlx::query_scalar("select count(*) from task_events")
        .fetch_one(&db)
        .await
        .expect("count");
    let (_, counter_before) = counters(&db).await;
    let app = private_app(db.clone());
    let mut posts = tokio::task::JoinSet::new();
    for round in 0..4 {
        for &(id, version) in &tasks {
            let body = if round == 0 {
                json!({"kind": "state", "state": "in_progress", "version": version})
            } else {
                json!({"kind": "note", "note": format!("Tiến độ lần {round}")})
            };
            let request = json_request(&format!("/api/v1/tasks/{id}/events"), Some(&token), &body);
            posts.spawn(send(app.clone(), request));
        }
    }
    let answers = posts.join_all().await;
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    let events_after: i64 = sqlx::query_scalar("select count(*) from task_events")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(
        events_after - events_before,
        32,
        "each 201 is one row in the history"
    );
    let moved: i64 = sqlx::query_scalar(
        "select count(*) from tasks where id = any($1) and state = 'in_progress'",
    )
    .bind(tasks.iter().map(|t| t.0).collect::<Vec<_>>())
    .fetch_one(&db)
    .await
    .expect("moved");
    assert_eq!(moved, 8);
    let (_, counter_after) = counters(&db).await;
    assert!(
        counter_after - counter_before < 32,
        "32 changes at once share statements; the counter moved {} times",
        counter_after - counter_before
    );
}
