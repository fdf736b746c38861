//! The figures kept between requests (overview, task list pages, unit names) are thrown away by
//! every write to the plans, by whatever process makes it, and kept across a mere note.

use sqlx::PgPool;

use crate::common::{eventually, get_from, get_html, import_seeds, test_app, test_state};

async fn versions(db: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "select (select n from data_versions where name = 'plans'), (select n from data_versions where name = 'events')",
    )
    .fetch_one(db)
    .await
    .expect("versions")
}

fn result_count(html: &str) -> String {
    html.split("Tìm thấy <strong>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .map(str::to_owned)
        .expect("result count")
}

async fn complete_i1(db: &PgPool) {
    sqlx::query(
        "update tasks set state = 'completed', completed_on = '2022-06-01'
          where ref = 'I.1' and decision_id = (select id from decisions where code = '905/QĐ-BTTTT')",
    )
    .execute(db)
    .await
    .expect("completes I.1");
}

/// A state whose listener follows the notifications, as `actionplan serve` runs it.
async fn following(db: &PgPool) -> (actionplan::state::AppState, tokio::task::JoinHandle<()>) {
    let state = test_state(db.clone());
    let listener = state
        .versions
        .spawn_listener(db.clone(), state.task_details.clone());
    assert!(
        eventually(async || state.versions.is_live()).await,
        "the listener connects"
    );
    (state, listener)
}

#[sqlx::test]
async fn a_write_outside_the_server_is_seen_on_the_next_request(db: PgPool) {
    import_seeds(&db).await;
    let app = test_app(db.clone());
    let list = "/tasks?category=overdue&as_of=2022-07-01";
    let (_, before) = get_from(&app, list).await;
    let (_, overview_before) = get_from(&app, "/?as_of=2022-07-01").await;
    assert_eq!(get_from(&app, list).await.1, before, "the same list twice");
    complete_i1(&db).await;
    let (_, after) = get_from(&app, list).await;
    let n = |html: &str| result_count(html).parse::<i64>().expect("a number");
    assert_eq!(n(&after), n(&before) - 1, "I.1 is no longer overdue");
    let (_, overview_after) = get_from(&app, "/?as_of=2022-07-01").await;
    assert_ne!(overview_after, overview_before);
    assert_eq!(
        overview_after,
        get_html(&db, "/?as_of=2022-07-01").await.1,
        "the long-lived app answers as a fresh one does"
    );
}

#[sqlx::test]
async fn a_new_unit_name_is_suggested_at_once(db: PgPool) {
    import_seeds(&db).await;
    let app = test_app(db.clone());
    let (_, before) = get_from(&app, "/units/labels.json").await;
    assert!(!before.contains("Cục Kiểm thử"));
    sqlx::query(
        "insert into units (key, name, is_group) values ('cuc kiem thu', 'Cục Kiểm thử', false)",
    )
    .execute(&db)
    .await
    .expect("adds a unit");
    let (_, after) = get_from(&app, "/units/labels.json").await;
    assert!(after.contains("Cục Kiểm thử"));
}

#[sqlx::test]
async fn a_note_changes_the_history_version_only(db: PgPool) {
    import_seeds(&db).await;
    let (plans, events) = versions(&db).await;
    let task: i64 = sqlx::query_scalar("select min(id) from tasks")
        .fetch_one(&db)
        .await
        .expect("a task");
    // What recording a note does: a new history entry and a new row version.
    sqlx::query("insert into task_events (task_id, actor, kind, note) values ($1, 'kiểm thử', 'note', 'ghi chú')")
        .bind(task)
        .execute(&db)
        .await
        .expect("a note");
    sqlx::query("update tasks set version = version + 1 where id = $1")
        .bind(task)
        .execute(&db)
        .await
        .expect("a new row version");
    assert_eq!(versions(&db).await, (plans, events + 1));
    complete_i1(&db).await;
    assert_eq!(
        versions(&db).await.0,
        plans + 1,
        "a state change is a plan change"
    );
}

#[sqlx::test]
async fn the_server_learns_of_other_processes_writes_from_notifications(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    let app = actionplan::app(state.clone());
    let list = "/tasks?category=overdue&as_of=2022-07-01";
    let (_, before) = get_from(&app, list).await;
    let seen_before = state.versions().await.expect("versions");
    complete_i1(&db).await;
    let (plans, events) = versions(&db).await;
    assert!(
        eventually(async || { state.versions().await.expect("versions") != seen_before }).await,
        "the notification raised the versions in memory"
    );
    assert_eq!(
        versions(&db).await,
        (plans, events),
        "nothing else wrote meanwhile"
    );
    let (_, after) = get_from(&app, list).await;
    let n = |html: &str| result_count(html).parse::<i64>().expect("a number");
    assert_eq!(n(&after), n(&before) - 1, "I.1 is no longer overdue");
    listener.abort();
}

#[sqlx::test]
async fn a_change_saved_through_the_server_shows_at_once(db: PgPool) {
    use crate::auth_support::{json_request, make_user, send, task, token_for};
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    let app = actionplan::app(state);
    let list = "/api/v1/tasks?category=overdue&as_of=2022-07-01";
    let total = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body).expect("json")["total"]
            .as_i64()
            .expect("total")
    };
    let before = total(&get_from(&app, list).await.1);
    make_user(&db, "quanly@bo.gov.vn", "manager", &[]).await;
    let token = token_for(&db, "quanly@bo.gov.vn").await;
    let (id, version) = task(&db, "905/QĐ-BTTTT", "I.1").await;
    let saved = send(
        app.clone(),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&token),
            &serde_json::json!({"kind": "state", "state": "completed", "completed_on": "2022-06-01", "version": version}),
        ),
    )
    .await;
    assert_eq!(
        saved.status,
        axum::http::StatusCode::CREATED,
        "{}",
        saved.body
    );
    assert_eq!(
        total(&get_from(&app, list).await.1),
        before - 1,
        "the very next list counts the change"
    );
    listener.abort();
}

/// Read-your-writes behind a proxy: a write committed through another process (here, straight
/// into the database) is in the very next signed-in request's answer, even though this process
/// learns of it only when the notification arrives. The listener is held back for a moment
/// (a slow network, a busy process) so the notification is surely late; the request waits for it.
#[sqlx::test]
async fn a_signed_in_request_right_after_another_process_wrote_sees_the_write(db: PgPool) {
    use crate::auth_support::{get_request, make_user, send, token_for};
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    let app = actionplan::app(state.clone());
    make_user(&db, "quanly@bo.gov.vn", "manager", &[]).await;
    let token = token_for(&db, "quanly@bo.gov.vn").await;
    let total = async |path: &str| {
        let mut request = get_request(path, None);
        let value = format!("Bearer {token}").parse().expect("header value");
        request
            .headers_mut()
            .insert(axum::http::header::AUTHORIZATION, value);
        let answer = send(app.clone(), request).await;
        assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.body);
        answer.json()["total"].as_i64().expect("total")
    };
    let list = "/api/v1/tasks?category=overdue&as_of=2022-07-01";
    let before = total(list).await;
    assert_eq!(total(list).await, before, "kept meanwhile");

    state.versions.freeze_listener_for_test(true);
    complete_i1(&db).await;
    let watch = state.versions.clone();
    let released = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        watch.freeze_listener_for_test(false);
    });
    assert!(state.versions.is_live(), "memory is still trusted");
    assert_eq!(
        total(list).await,
        before - 1,
        "the very next request counts the other process's write"
    );
    released.await.expect("released");
    listener.abort();
}

/// A listener that hears nothing any more (a frozen or half-open connection looks the same) is
/// found out by its missed heartbeats: memory stops being trusted, so pages show another
/// process's change instead of a kept copy; when it hears again it is trusted again.
#[sqlx::test]
async fn a_listener_that_stops_hearing_is_found_out_and_pages_are_not_stale(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    let app = actionplan::app(state.clone());
    let (id, _) = crate::auth_support::task(&db, "905/QĐ-BTTTT", "I.1").await;
    let decision: i64 = sqlx::query_scalar("select decision_id from tasks where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("decision");
    // A kept page (the plan with its tasks) and a task page (from the task details in memory).
    let list = format!("/decisions/{decision}");
    let page = format!("/tasks/{id}");
    let (_, before) = get_from(&app, &list).await;
    assert!(!before.contains("Nội dung mới do tiến trình khác"));
    get_from(&app, &page).await;
    assert!(
        state.task_details.size().0 > 0,
        "the task page is kept in memory"
    );

    state.versions.freeze_listener_for_test(true);
    // Another process changes the task; this process's listener does not hear of it.
    sqlx::query("update tasks set content = 'Nội dung mới do tiến trình khác' where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("update");
    let mut fresh = false;
    for _ in 0..100 {
        let (_, listed) = get_from(&app, &list).await;
        let (_, shown) = get_from(&app, &page).await;
        if listed.contains("Nội dung mới do tiến trình khác")
            && shown.contains("Nội dung mới do tiến trình khác")
        {
            fresh = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        fresh,
        "within the heartbeat bound the pages show the change"
    );
    assert!(
        !state.versions.is_live(),
        "memory is not trusted while deaf"
    );

    state.versions.freeze_listener_for_test(false);
    let back = async || state.versions.is_live();
    let mut live = false;
    for _ in 0..3 {
        live = live || eventually(back).await;
    }
    assert!(live, "trusted again once it hears");
    sqlx::query("update tasks set content = 'Lần sửa thứ hai' where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("update");
    assert!(
        eventually(async || get_from(&app, &page).await.1.contains("Lần sửa thứ hai")).await,
        "and follows changes again"
    );
    listener.abort();
}

/// Many clients asking for the same page nobody asked for yet have it rendered once and each
/// gets it (issue 15, target 4); after a write that changes it, once more.
#[sqlx::test]
async fn many_clients_asking_for_one_new_page_at_once_have_it_rendered_once(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    let pages = std::sync::Arc::clone(&state.caches);
    let app = actionplan::app(state.clone());
    let list = "/tasks?category=overdue&as_of=2022-07-01";
    let at_once = async || {
        let mut clients = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let app = app.clone();
            clients.spawn(async move { get_from(&app, list).await });
        }
        let answers = clients.join_all().await;
        assert!(answers.iter().all(|(status, _)| status.is_success()));
        assert!(
            answers.iter().all(|(_, body)| body == &answers[0].1),
            "every client got the same page"
        );
        answers[0].1.clone()
    };
    let rendered = || pages.plan_pages.stored_count();

    let first = at_once().await;
    assert_eq!(rendered(), 1, "32 clients, one rendering");

    let seen = state.versions().await.expect("versions");
    complete_i1(&db).await;
    assert!(
        eventually(async || state.versions().await.expect("versions") != seen).await,
        "the notification raised the versions in memory"
    );
    let second = at_once().await;
    assert_eq!(rendered(), 2, "after the write, one rendering more");
    let n = |html: &str| result_count(html).parse::<i64>().expect("a number");
    assert_eq!(n(&second), n(&first) - 1, "I.1 is no longer overdue");
    listener.abort();
}

/// Many writers refreshing the counters at once (one statement answered them all) each leave
/// memory at or past the counters as they were after their own write, while the listener hears
/// nothing: a shared read counts for a writer only if it began after that writer's commit.
#[sqlx::test]
async fn writers_refreshing_at_once_each_see_their_own_write_without_the_listener(db: PgPool) {
    import_seeds(&db).await;
    let (state, listener) = following(&db).await;
    state.versions.freeze_listener_for_test(true);
    let mut writers = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let (db, watch) = (db.clone(), state.versions.clone());
        writers.spawn(async move {
            sqlx::query("update data_versions set n = n + 1 where name = 'plans'")
                .execute(&db)
                .await
                .expect("bumps");
            let (after_mine, _) = versions(&db).await;
            watch.refresh(&db).await.expect("refreshed");
            let known = watch.current(&db).await.expect("current");
            (after_mine, known.of(actionplan::cache::Track::Plans))
        });
    }
    for (after_mine, known) in writers.join_all().await {
        assert!(
            known >= after_mine,
            "memory ({known}) is behind this writer's own write ({after_mine})"
        );
    }
    assert!(state.versions.is_live(), "memory was trusted throughout");
    assert_eq!(
        state
            .versions
            .current(&db)
            .await
            .expect("current")
            .of(actionplan::cache::Track::Plans),
        versions(&db).await.0
    );
    state.versions.freeze_listener_for_test(false);
    listener.abort();
}
