//! Today's task details kept in a file (`actionplan::task_details`): task pages are served from
//! them, and a task is forgotten as soon as any process changes what its page shows.

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use actionplan::domain::ids::TaskId;
use actionplan::state::AppState;
use actionplan::web::params::today_in_vietnam;

use crate::auth_support::{json_request, make_user, send, task, token_for};
use crate::common::{eventually, get_from, import_seeds, test_state};

/// A state whose listener follows the notifications, as `actionplan serve` runs it.
async fn following_state(db: &PgPool) -> (AppState, tokio::task::JoinHandle<()>) {
    let state = test_state(db.clone());
    let listener = state
        .versions
        .spawn_listener(db.clone(), state.task_details.clone());
    assert!(
        eventually(async || state.task_details.is_live()).await,
        "the listener connects"
    );
    (state, listener)
}

async fn note(db: &PgPool, id: i64, text: &str) {
    sqlx::query(
        "insert into task_events (task_id, actor, kind, note) values ($1, 'Kiểm thử', 'note', $2)",
    )
    .bind(id)
    .bind(text)
    .execute(db)
    .await
    .expect("a note");
}

#[sqlx::test]
async fn a_task_page_is_served_from_the_kept_detail_until_another_process_changes_it(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following_state(&db).await;
    let app = actionplan::app(state.clone());
    let (id, _) = task(&db, "905/QĐ-BTTTT", "I.1").await;
    let page = format!("/tasks/{id}");
    let today = today_in_vietnam();

    assert!(state.task_details.get(TaskId(id), today).is_none());
    let (status, _) = get_from(&app, &page).await;
    assert_eq!(status, 200);
    assert!(
        state.task_details.get(TaskId(id), today).is_some(),
        "the first visit keeps the task's detail"
    );

    // A write that does not notify (its trigger switched off) is not seen: the page comes
    // from the kept detail, not from the database.
    sqlx::query("alter table task_events disable trigger task_events_notify_insert")
        .execute(&db)
        .await
        .expect("trigger off");
    note(&db, id, "Ghi chú không báo").await;
    sqlx::query("alter table task_events enable trigger task_events_notify_insert")
        .execute(&db)
        .await
        .expect("trigger on");
    let (_, body) = get_from(&app, &page).await;
    assert!(
        !body.contains("Ghi chú không báo"),
        "served from the kept detail"
    );

    // A write that notifies, as every write does, is on the page within moments.
    note(&db, id, "Đã họp triển khai").await;
    assert!(
        eventually(async || get_from(&app, &page).await.1.contains("Đã họp triển khai")).await,
        "the note shows once its notification arrives"
    );
    assert!(get_from(&app, &page).await.1.contains("Ghi chú không báo"));

    sqlx::query("update tasks set content = 'Nội dung đã sửa' where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("content changed");
    assert!(eventually(async || get_from(&app, &page).await.1.contains("Nội dung đã sửa")).await);

    // A unit's new name shows on every task page that names it.
    let (unit, name): (i64, String) = sqlx::query_as(
        "select u.id, u.name from task_units tu join units u on u.id = tu.unit_id where tu.task_id = $1 order by tu.role, tu.position limit 1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("a unit of the task");
    sqlx::query("update units set name = $2 where id = $1")
        .bind(unit)
        .bind(format!("{name} (đổi tên)"))
        .execute(&db)
        .await
        .expect("renamed");
    assert!(eventually(async || get_from(&app, &page).await.1.contains("(đổi tên)")).await);
    listener.abort();
}

#[sqlx::test]
async fn a_note_saved_through_the_server_is_on_the_very_next_page(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following_state(&db).await;
    let app = actionplan::app(state.clone());
    make_user(&db, "quanly@bo.gov.vn", "manager", &[]).await;
    let token = token_for(&db, "quanly@bo.gov.vn").await;
    let (id, _) = task(&db, "905/QĐ-BTTTT", "I.2").await;
    let page = format!("/tasks/{id}");
    get_from(&app, &page).await;
    assert!(
        state
            .task_details
            .get(TaskId(id), today_in_vietnam())
            .is_some()
    );
    let saved = send(
        app.clone(),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&token),
            &serde_json::json!({"kind": "note", "note": "Đã gửi dự thảo lần 2"}),
        ),
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let (_, body) = get_from(&app, &page).await;
    assert!(
        body.contains("Đã gửi dự thảo lần 2"),
        "no wait for the notification"
    );
    let (_, json) = get_from(&app, &format!("/api/v1/tasks/{id}")).await;
    assert!(json.contains("Đã gửi dự thảo lần 2"));
    listener.abort();
}

#[sqlx::test]
async fn a_page_as_of_another_date_is_read_from_the_database(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following_state(&db).await;
    let app = actionplan::app(state.clone());
    let (id, _) = task(&db, "905/QĐ-BTTTT", "I.1").await;
    let (_, past) = get_from(&app, &format!("/api/v1/tasks/{id}?as_of=2022-01-01")).await;
    assert!(
        past.contains(r#""category":"in_progress_on_time""#),
        "{past}"
    );
    assert!(
        state
            .task_details
            .get(TaskId(id), today_in_vietnam())
            .is_none()
    );
    let (_, now) = get_from(&app, &format!("/api/v1/tasks/{id}")).await;
    assert!(now.contains(r#""category":"overdue""#), "{now}");
    let (_, again) = get_from(&app, &format!("/api/v1/tasks/{id}?as_of=2022-01-01")).await;
    assert_eq!(
        again, past,
        "the kept detail of today is not used for another date"
    );
    listener.abort();
}

#[sqlx::test]
async fn warming_keeps_every_task_and_pages_read_the_same_from_the_kept_details(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following_state(&db).await;
    let today = today_in_vietnam();
    let tasks: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&db)
        .await
        .expect("count");
    let kept = actionplan::task_details::warm(&db, &state.task_details, today)
        .await
        .expect("warmed");
    assert_eq!(i64::try_from(kept).ok(), Some(tasks));
    let (entries, bytes) = state.task_details.size();
    assert_eq!(i64::try_from(entries).ok(), Some(tasks));
    assert!(bytes > 0);

    let from_memory = actionplan::app(state.clone());
    let from_database = crate::common::test_app(db.clone());
    let ids: Vec<i64> = sqlx::query_scalar("select id from tasks order by id")
        .fetch_all(&db)
        .await
        .expect("ids");
    for id in ids {
        for path in [format!("/tasks/{id}"), format!("/api/v1/tasks/{id}")] {
            assert_eq!(
                get_from(&from_memory, &path).await,
                get_from(&from_database, &path).await,
                "{path}"
            );
        }
    }
    listener.abort();
}

/// The payloads migration 0009 sends.
#[sqlx::test]
async fn writes_notify_the_tasks_they_touch(db: PgPool) {
    // More tasks than one notification names.
    let scale = actionplan::db::generate::Scale {
        decisions: 2,
        tasks: 600,
        units: 10,
        events: 100,
        seed: 5,
    };
    crate::common::fill_at(&db, &scale).await;
    let mut listener = PgListener::connect_with(&db).await.expect("listener");
    listener.listen("task_changes").await.expect("listen");
    let ids: Vec<i64> = sqlx::query_scalar("select id from tasks order by id limit 2")
        .fetch_all(&db)
        .await
        .expect("ids");
    let mut next = async || {
        tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv())
            .await
            .expect("a notification")
            .expect("received")
            .payload()
            .to_owned()
    };

    sqlx::query("update tasks set state = 'in_progress' where id = any($1)")
        .bind(&ids)
        .execute(&db)
        .await
        .expect("update");
    let mut named: Vec<i64> = next()
        .await
        .split(',')
        .map(|id| id.parse().expect("an id"))
        .collect();
    named.sort_unstable();
    assert_eq!(named, ids);

    note(&db, ids[0], "x").await;
    assert_eq!(next().await, ids[0].to_string());

    sqlx::query(
        "update milestones set label = label where task_id = (select min(task_id) from milestones)",
    )
    .execute(&db)
    .await
    .expect("milestones");
    let milestone_task: Option<i64> = sqlx::query_scalar("select min(task_id) from milestones")
        .fetch_one(&db)
        .await
        .expect("min");
    let milestone_task = milestone_task.expect("generated plans have milestones");
    assert_eq!(next().await, milestone_task.to_string());

    // Too many to name, or shown on every page: everything.
    sqlx::query("update tasks set content = content")
        .execute(&db)
        .await
        .expect("all tasks");
    assert_eq!(next().await, "*");
    // Rows rewritten unchanged (as an import does) notify nothing; a new name notifies all.
    sqlx::query("update units set name = name, is_group = is_group")
        .execute(&db)
        .await
        .expect("units unchanged");
    note(&db, ids[1], "z").await;
    assert_eq!(
        next().await,
        ids[1].to_string(),
        "nothing for the unchanged units"
    );
    sqlx::query("update units set name = name || ' (mới)' where id = (select min(id) from units)")
        .execute(&db)
        .await
        .expect("a unit renamed");
    assert_eq!(next().await, "*");

    // A write that rolls back notifies nothing.
    let mut tx = db.begin().await.expect("begin");
    sqlx::query("update tasks set state = 'completed', completed_on = '2024-01-01' where id = $1")
        .bind(ids[1])
        .execute(&mut *tx)
        .await
        .expect("update");
    tx.rollback().await.expect("rollback");
    note(&db, ids[1], "y").await;
    assert_eq!(next().await, ids[1].to_string(), "only the committed note");
}

#[sqlx::test]
async fn the_server_fills_the_cache_after_start_and_again_after_a_change_to_every_page(db: PgPool) {
    import_seeds(&db).await;
    let tasks: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&db)
        .await
        .expect("count");
    let state = test_state(db.clone());
    let cache = state.task_details.clone();
    let warming = tokio::spawn(actionplan::task_details::keep_warm(
        db.clone(),
        cache.clone(),
        today_in_vietnam,
    ));
    let listener = state.versions.spawn_listener(db.clone(), cache.clone());
    let full = async || i64::try_from(cache.size().0).ok() == Some(tasks);
    assert!(eventually(full).await, "every task kept after start");

    sqlx::query("update units set name = name || ' (mới)' where id = (select min(id) from units)")
        .execute(&db)
        .await
        .expect("renamed");
    assert!(
        eventually(async || cache.size().0 == 0).await,
        "a renamed unit forgets every task"
    );
    assert!(eventually(full).await, "and every task is read again");
    warming.abort();
    listener.abort();
}

/// The task as the API answers it now (read afresh: the writer's server forgot it).
async fn task_now(app: &axum::Router, id: i64) -> serde_json::Value {
    let (status, body) = get_from(app, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("task JSON")
}

/// Posts `change` to task `id` as the holder of `token`, after its page was visited (so that
/// its detail is kept); the 201's task.
async fn post_kept(
    state: &AppState,
    app: &axum::Router,
    token: &str,
    id: i64,
    change: serde_json::Value,
) -> serde_json::Value {
    get_from(app, &format!("/tasks/{id}")).await;
    assert!(
        state
            .task_details
            .get(TaskId(id), today_in_vietnam())
            .is_some(),
        "the page keeps the task"
    );
    let answer = send(
        app.clone(),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(token), &change),
    )
    .await;
    assert_eq!(answer.status, 201, "{change}: {}", answer.body);
    answer.json()
}

/// Runs `sql` (with the task's id as $1) with every trigger off, so that no notification
/// tells the server of it.
async fn silently(db: &PgPool, sql: &'static str, id: i64) {
    let mut tx = db.begin().await.expect("begin");
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .expect("triggers off");
    sqlx::query(sql)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    tx.commit().await.expect("commit");
}

/// The 201 to a note or a state change is made from the task's kept detail and the change
/// (`TaskDetail::after_write`) when nothing else changed the task in between, and is then the
/// task as read again from the database; a copy that missed a change is not used.
#[sqlx::test]
async fn the_answer_to_a_change_is_the_task_as_read_again(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following_state(&db).await;
    let app = actionplan::app(state.clone());
    make_user(&db, "quanly@bo.gov.vn", "manager", &[]).await;
    make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    let manager = token_for(&db, "quanly@bo.gov.vn").await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let id: i64 = sqlx::query_scalar(
        "select t.id from tasks t
           join task_units tu on tu.task_id = t.id and tu.role = 'lead'
           join units u on u.id = tu.unit_id
          where u.name = 'Cục Tin học hóa' and t.deadline_kind = 'date' and not t.retired
            and t.state = 'not_started' and t.due_on < current_date
          order by t.id limit 1",
    )
    .fetch_one(&db)
    .await
    .expect("an overdue task of Cục Tin học hóa");
    let completed_on = today_in_vietnam().to_string();

    let mut version = task_now(&app, id).await["version"]
        .as_i64()
        .expect("version");
    for (token, change) in [
        (
            &lead,
            serde_json::json!({"kind": "note", "note": "Đã họp triển khai"}),
        ),
        (
            &lead,
            serde_json::json!({"kind": "state", "state": "in_progress"}),
        ),
        (
            &lead,
            serde_json::json!({"kind": "state", "state": "completed", "completed_on": completed_on, "note": "Đề nghị xác nhận", "evidence_url": "https://bo.gov.vn/bao-cao"}),
        ),
        (
            &manager,
            serde_json::json!({"kind": "return", "note": "Bổ sung minh chứng"}),
        ),
        (
            &lead,
            serde_json::json!({"kind": "state", "state": "completed", "completed_on": completed_on}),
        ),
        (&manager, serde_json::json!({"kind": "confirm"})),
    ] {
        let mut change = change;
        if change["kind"] != "note" {
            change["version"] = version.into();
        }
        let answered = post_kept(&state, &app, token, id, change.clone()).await;
        let read = task_now(&app, id).await;
        assert_eq!(answered, read, "{change}");
        version = read["version"].as_i64().expect("version");
    }
    let done = task_now(&app, id).await;
    assert_eq!(
        (done["state"].as_str(), done["category"].as_str()),
        (Some("completed"), Some("completed_late")),
        "the changes went through: {done}"
    );

    // Made from the kept copy: a change of the task no notification told of (so that the kept
    // copy still has the text before it) is not in the answer, as it is not on the task page.
    silently(
        &db,
        "update tasks set content = 'Nội dung sửa không báo' where id = $1",
        id,
    )
    .await;
    let answered = post_kept(
        &state,
        &app,
        &manager,
        id,
        serde_json::json!({"kind": "note", "note": "Ghi chú sau khi sửa"}),
    )
    .await;
    assert_ne!(
        answered["content"], "Nội dung sửa không báo",
        "from the kept copy"
    );
    assert_eq!(
        task_now(&app, id).await["content"],
        "Nội dung sửa không báo"
    );

    // A copy that misses a row of the history, or is at another version, is not used.
    for (unnotified, note) in [
        (
            "insert into task_events (task_id, actor, kind, note) values ($1, 'Kiểm thử', 'note', 'Ghi chú không báo')",
            "Ghi chú tiếp",
        ),
        (
            "update tasks set version = version + 1 where id = $1",
            "Ghi chú cuối",
        ),
    ] {
        silently(&db, unnotified, id).await;
        let change = serde_json::json!({"kind": "note", "note": note});
        let answered = post_kept(&state, &app, &manager, id, change).await;
        assert_eq!(
            answered,
            task_now(&app, id).await,
            "read again: {unnotified}"
        );
        assert!(answered.to_string().contains("Ghi chú không báo"));
    }
    assert_eq!(
        task_now(&app, id).await["version"].as_i64(),
        Some(version + 1)
    );
    listener.abort();
}
