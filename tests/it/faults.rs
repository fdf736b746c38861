//! §3 faults on a private cluster the test stops and starts: what was written while this
//! process's listener was away is never hidden by its kept pages or task details, and a write in
//! flight when the database stops is committed whole or not at all.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::{json_request, make_user, send, token_for};
use crate::common::{get_from, import_seeds};
use crate::private_pg::{PrivatePg, serving_app, until_live};

async fn a_task(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "select t.id, t.decision_id from tasks t join decisions d on d.id = t.decision_id
          where d.code = '905/QĐ-BTTTT' and t.ref = 'I.1'",
    )
    .fetch_one(pool)
    .await
    .expect("task")
}

/// Ends the listener's connection from the server side (as a restart or a network cut
/// would), and waits until the process has noticed.
async fn cut_listener(other: &PgPool, state: &actionplan::AppState) {
    let cut: i64 = sqlx::query_scalar(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
          where query ilike 'listen%' and pid <> pg_backend_pid()) t",
    )
    .fetch_one(other)
    .await
    .expect("terminate");
    assert_eq!(cut, 1, "one listener connection");
    for _ in 0..200 {
        if !state.versions.is_live() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the listener did not notice its connection ended");
}

async fn write_elsewhere(other: &PgPool, id: i64, text: &str) {
    sqlx::query("update tasks set content = $2 where id = $1")
        .bind(id)
        .bind(text)
        .execute(other)
        .await
        .expect("write");
    sqlx::query(
        "insert into task_events (task_id, actor, kind, note) values ($1, 'tiến trình khác', 'note', $2)",
    )
    .bind(id)
    .bind(format!("Ghi chú: {text}"))
    .execute(other)
    .await
    .expect("note");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_missed_while_the_listener_was_away_are_shown_while_away_and_once_it_is_back() {
    let pg = PrivatePg::start();
    let pool = pg.pool().await;
    import_seeds(&pool).await;
    let (app, state) = serving_app(&pool);
    until_live(&state).await;
    let other = PgPool::connect(&pg.url())
        .await
        .expect("another process's connection");
    let (id, decision) = a_task(&pool).await;
    let list = format!("/decisions/{decision}");
    let page = format!("/tasks/{id}");
    let api = format!("/api/v1/tasks/{id}");
    let keep_all = async || {
        for path in [&list, &page, &api] {
            assert_eq!(get_from(&app, path).await.0, StatusCode::OK);
        }
    };
    let all_show = async |text: &str| {
        let (_, listed) = get_from(&app, &list).await;
        let (_, shown) = get_from(&app, &page).await;
        let (_, json) = get_from(&app, &api).await;
        assert!(listed.contains(text), "kept plan page: {text}");
        assert!(shown.contains(text), "task page: {text}");
        assert!(
            shown.contains(&format!("Ghi chú: {text}")),
            "history: {text}"
        );
        assert!(json.contains(text), "API task: {text}");
    };
    keep_all().await;
    assert!(state.task_details.size().0 > 0, "details kept");

    // 1. Written while the listener is away, not read until it is back: what memory held from
    //    before must have been forgotten on its return.
    cut_listener(&other, &state).await;
    write_elsewhere(&other, id, "Viết khi bộ nghe vắng mặt").await;
    assert!(!state.versions.is_live(), "the write fell while away");
    until_live(&state).await;
    all_show("Viết khi bộ nghe vắng mặt").await;

    // 2. Read while it is away too: right at once, from the table's versions.
    keep_all().await;
    cut_listener(&other, &state).await;
    write_elsewhere(&other, id, "Lần thứ hai khi vắng mặt").await;
    all_show("Lần thứ hai khi vắng mặt").await;
    assert!(!state.versions.is_live(), "read while away");
    until_live(&state).await;
    all_show("Lần thứ hai khi vắng mặt").await;

    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_in_flight_when_the_database_stops_is_committed_whole_or_not_at_all() {
    let pg = PrivatePg::start();
    let pool = pg.pool().await;
    import_seeds(&pool).await;
    make_user(&pool, "manager@bo.vn", "manager", &[]).await;
    let token = token_for(&pool, "manager@bo.vn").await;
    let (app, state) = serving_app(&pool);
    until_live(&state).await;
    let tasks: Vec<(i64, i32)> = sqlx::query_as(
        "select id, version from tasks where state = 'not_started' order by id limit 120",
    )
    .fetch_all(&pool)
    .await
    .expect("tasks");
    assert!(tasks.len() >= 60, "{}", tasks.len());
    let before: HashMap<i64, i32> = tasks.iter().copied().collect();
    // Each write changes the task row and appends its event: one statement (or, after a lost
    // race, one transaction).
    let mut writes = Vec::new();
    for (i, (id, version)) in tasks.iter().copied().enumerate() {
        let app = app.clone();
        let token = token.clone();
        writes.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(i as u64 * 3)).await;
            let body = json!({"kind": "state", "state": "in_progress", "note": format!("ghi-{id}"), "version": version});
            let answer = send(
                app,
                json_request(&format!("/api/v1/tasks/{id}/events"), Some(&token), &body),
            )
            .await;
            (id, answer.status)
        }));
    }
    tokio::time::sleep(Duration::from_millis(120)).await;
    let pg = tokio::task::spawn_blocking(move || {
        pg.stop();
        pg
    })
    .await
    .expect("stop");
    let mut answered = HashMap::new();
    for write in writes {
        let (id, status) = write.await.expect("write task");
        answered.insert(id, status);
    }
    let pg = tokio::task::spawn_blocking(move || {
        pg.resume();
        pg
    })
    .await
    .expect("resume");
    let check = PgPool::connect(&pg.url()).await.expect("connects again");
    let created = answered
        .values()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = answered
        .values()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(
        created > 0 && refused > 0,
        "the stop fell among the writes: {created} written, {refused} refused"
    );
    assert_eq!(
        created + refused,
        answered.len(),
        "every write answered 201 or 503: {answered:?}"
    );
    for (id, status) in &answered {
        let (state, version, events): (String, i32, i64) = sqlx::query_as(
            "select t.state, t.version,
                    (select count(*) from task_events e where e.task_id = t.id and e.note = 'ghi-' || t.id)
               from tasks t where t.id = $1",
        )
        .bind(id)
        .fetch_one(&check)
        .await
        .expect("task");
        let whole = (state.as_str(), version, events) == ("in_progress", before[id] + 1, 1);
        let none = (state.as_str(), version, events) == ("not_started", before[id], 0);
        assert!(
            whole || none,
            "task {id} half written: {state} v{version}, {events} events"
        );
        if *status == StatusCode::CREATED {
            assert!(whole, "task {id} answered 201 but not written");
        } else {
            assert!(none, "task {id} answered {status} but written");
        }
    }
    check.close().await;
}
