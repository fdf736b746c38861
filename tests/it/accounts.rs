//! Accounts, sign-in, roles and task updates through forms and the API.

use axum::http::{StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::import_seeds;

const D905: &str = "905/QĐ-BTTTT";
const D94: &str = "94/QĐ-BKHCN";

async fn people(db: &PgPool) {
    import_seeds(db).await;
    make_user(db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    make_user(db, "lead@shtt.vn", "unit_lead", &["Cục Sở hữu trí tuệ"]).await;
    make_user(db, "lead@attt.vn", "unit_lead", &["Cục An toàn thông tin"]).await;
    make_user(db, "manager@bo.vn", "manager", &[]).await;
    make_user(db, "viewer@bo.vn", "viewer", &[]).await;
    make_user(db, "admin@bo.vn", "admin", &[]).await;
}

#[sqlx::test]
async fn signing_in_starts_a_fresh_http_only_session(db: PgPool) {
    people(&db).await;
    let planted = "ap_session=planted-by-someone-else";
    let answer = send(private_app(db.clone()), {
        let mut r = form_request(
            "/login",
            Some(planted),
            &[
                ("email", "LEAD@thh.vn"),
                ("password", PASSWORD),
                ("next", "/tasks"),
            ],
        );
        r.headers_mut()
            .insert(header::HOST, "localhost".parse().expect("host"));
        r
    })
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[header::LOCATION], "/tasks");
    let cookie = answer.headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("planted-by-someone-else"),
        "the session id is new at sign-in"
    );
    let stored: String = sqlx::query_scalar("select id_hash from sessions")
        .fetch_one(&db)
        .await
        .expect("session");
    assert!(!cookie.contains(&stored), "only a hash of the id is stored");
}

#[sqlx::test]
async fn a_failed_sign_in_does_not_reveal_whether_the_account_exists(db: PgPool) {
    people(&db).await;
    let wrong = send(
        private_app(db.clone()),
        form_request(
            "/login",
            None,
            &[("email", "lead@thh.vn"), ("password", "sai-mat-khau-roi")],
        ),
    )
    .await;
    let unknown = send(
        private_app(db.clone()),
        form_request(
            "/login",
            None,
            &[("email", "ai-do@thh.vn"), ("password", "sai-mat-khau-roi")],
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let message = |a: &Answer| {
        a.body
            .split("id=\"login-error\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .map(str::to_owned)
    };
    assert_eq!(message(&wrong), message(&unknown));
    assert!(message(&wrong).is_some_and(|m| m.contains("Email hoặc mật khẩu không đúng")));
}

#[sqlx::test]
async fn repeated_wrong_passwords_are_throttled(db: PgPool) {
    people(&db).await;
    for _ in 0..5 {
        let a = send(
            private_app(db.clone()),
            form_request(
                "/login",
                None,
                &[("email", "lead@thh.vn"), ("password", "doan-sai-mat-khau")],
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let locked = send(
        private_app(db.clone()),
        form_request(
            "/login",
            None,
            &[("email", "lead@thh.vn"), ("password", PASSWORD)],
        ),
    )
    .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits after 5 failures"
    );
    assert!(locked.body.contains("quá nhiều lần"));
    assert_eq!(
        send(
            private_app(db.clone()),
            form_request(
                "/login",
                None,
                &[("email", "manager@bo.vn"), ("password", PASSWORD)]
            )
        )
        .await
        .status,
        StatusCode::SEE_OTHER,
        "other accounts are not locked"
    );
}

#[sqlx::test]
async fn reading_requires_sign_in_unless_public(db: PgPool) {
    people(&db).await;
    let page = send(
        private_app(db.clone()),
        get_request("/tasks?decision=x", None),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.headers[header::LOCATION]
            .to_str()
            .expect("ascii")
            .starts_with("/login?next=%2Ftasks")
    );
    let api = send(private_app(db.clone()), get_request("/api/v1/tasks", None)).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let token = token_for(&db, "viewer@bo.vn").await;
    let mut with_token = get_request("/api/v1/tasks", None);
    with_token.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    assert_eq!(
        send(private_app(db.clone()), with_token).await.status,
        StatusCode::OK
    );
    let session = sign_in(&db, "viewer@bo.vn").await;
    assert_eq!(
        send(
            private_app(db.clone()),
            get_request("/tasks", Some(&session.cookie))
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        send(private_app(db.clone()), get_request("/login", None))
            .await
            .status,
        StatusCode::OK
    );
}

#[sqlx::test]
async fn a_unit_lead_proposes_completion_and_a_manager_confirms_it(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let proposed = send(
        private_app(db.clone()),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(&lead), &json!({"kind": "state", "state": "completed", "completed_on": "2022-03-15", "note": "Đã ban hành văn bản", "evidence_url": "https://example.gov.vn/vb.pdf", "version": version})),
    )
    .await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    let body = proposed.json();
    assert_eq!(body["pending_confirmation"], true);
    assert_eq!(body["state"], "in_progress");
    assert_eq!(
        body["category"], "overdue",
        "a proposal is not yet a completion"
    );
    let manager = token_for(&db, "manager@bo.vn").await;
    let confirmed = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&manager),
            &json!({"kind": "confirm", "version": body["version"]}),
        ),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::CREATED, "{}", confirmed.body);
    let done = confirmed.json();
    assert_eq!(done["state"], "completed");
    assert_eq!(
        done["completed_on"], "2022-03-15",
        "counts as completed on the proposed date"
    );
    assert_eq!(
        done["category"], "completed_late",
        "due 28/02/2022, completed 15/03/2022"
    );
    let kinds: Vec<&str> = done["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["confirm", "state", "imported"]);
    assert_eq!(
        done["events"][1]["evidence_url"],
        "https://example.gov.vn/vb.pdf"
    );
}

#[sqlx::test]
async fn a_unit_lead_is_refused_on_another_units_task_and_nothing_is_written(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "II.1").await; // led by Cục Viễn thông
    let before = footprint(&db, id).await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let refused = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&lead),
            &json!({"kind": "state", "state": "in_progress", "version": version}),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(footprint(&db, id).await, before);
}

#[sqlx::test]
async fn a_partner_unit_lead_may_add_a_note_but_not_change_the_state(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await; // Cục An toàn thông tin is a partner
    let partner = token_for(&db, "lead@attt.vn").await;
    let note = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&partner),
            &json!({"kind": "note", "note": "Đã góp ý dự thảo"}),
        ),
    )
    .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    let state = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&partner),
            &json!({"kind": "state", "state": "in_progress", "version": version}),
        ),
    )
    .await;
    assert_eq!(state.status, StatusCode::FORBIDDEN);
}

/// A note is one new history row: the task row stays as it was (same version, same
/// `updated_at`), and a task retired meanwhile takes none.
#[sqlx::test]
async fn a_note_adds_one_history_row_leaves_the_task_alone_and_a_retired_task_takes_none(
    db: PgPool,
) {
    people(&db).await;
    let (id, _) = task(&db, D905, "I.1").await;
    let partner = token_for(&db, "lead@attt.vn").await;
    let row = async || -> (i32, String, i64) {
        sqlx::query_as(
            "select version, updated_at::text,
                    (select count(*) from task_events where task_id = $1)
               from tasks where id = $1",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("task")
    };
    let post_note = async || {
        send(
            private_app(db.clone()),
            json_request(
                &format!("/api/v1/tasks/{id}/events"),
                Some(&partner),
                &json!({"kind": "note", "note": "Đã góp ý dự thảo"}),
            ),
        )
        .await
    };
    let (version, updated_at, events) = row().await;
    let note = post_note().await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(row().await, (version, updated_at.clone(), events + 1));

    sqlx::query("update tasks set retired = true where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("retires");
    let refused = post_note().await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(
        row().await.2,
        events + 1,
        "no history row for a retired task"
    );
}

#[sqlx::test]
async fn a_lead_of_a_group_member_updates_a_group_led_task(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D94, "4").await; // led by "Các đơn vị chủ trì cung cấp TTHC"
    let lead = token_for(&db, "lead@shtt.vn").await;
    let answer = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&lead),
            &json!({"kind": "state", "state": "in_progress", "version": version}),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.json()["state"], "in_progress");
}

#[sqlx::test]
async fn a_viewer_sees_no_update_controls_and_is_refused_if_it_posts(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    let viewer = sign_in(&db, "viewer@bo.vn").await;
    let page = send(
        private_app(db.clone()),
        get_request(&format!("/tasks/{id}"), Some(&viewer.cookie)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"update-forms\""));
    let lead = sign_in(&db, "lead@thh.vn").await;
    let lead_page = send(
        private_app(db.clone()),
        get_request(&format!("/tasks/{id}"), Some(&lead.cookie)),
    )
    .await;
    assert!(
        lead_page.body.contains("id=\"update-forms\"")
            && lead_page.body.contains("id=\"state-form\"")
    );
    let before = footprint(&db, id).await;
    let version = version.to_string();
    let posted = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &viewer.cookie,
            &[
                ("csrf", &viewer.csrf),
                ("kind", "state"),
                ("state", "in_progress"),
                ("version", &version),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert_eq!(footprint(&db, id).await, before);
}

#[sqlx::test]
async fn a_form_without_the_sessions_csrf_token_or_from_another_site_is_refused(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    let lead = sign_in(&db, "lead@thh.vn").await;
    let before = footprint(&db, id).await;
    let version = version.to_string();
    let fields = [
        ("csrf", "not-the-token"),
        ("kind", "state"),
        ("state", "in_progress"),
        ("version", version.as_str()),
    ];
    let forged = send(
        private_app(db.clone()),
        multipart_request(&format!("/tasks/{id}/events"), &lead.cookie, &fields, None),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut cross_site = multipart_request(
        &format!("/tasks/{id}/events"),
        &lead.cookie,
        &[
            ("csrf", &lead.csrf),
            ("kind", "state"),
            ("state", "in_progress"),
            ("version", &version),
        ],
        None,
    );
    cross_site.headers_mut().insert(
        header::ORIGIN,
        "https://evil.example".parse().expect("origin"),
    );
    assert_eq!(
        send(private_app(db.clone()), cross_site).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(footprint(&db, id).await, before);
    let genuine = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &lead.cookie,
            &[
                ("csrf", &lead.csrf),
                ("kind", "state"),
                ("state", "in_progress"),
                ("version", &version),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER, "{}", genuine.body);
}

#[sqlx::test]
async fn two_concurrent_updates_one_wins_and_the_other_gets_409(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.3").await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let manager = token_for(&db, "manager@bo.vn").await;
    let path = format!("/api/v1/tasks/{id}/events");
    let (a, b) = tokio::join!(
        send(
            private_app(db.clone()),
            json_request(
                &path,
                Some(&lead),
                &json!({"kind": "state", "state": "in_progress", "version": version})
            )
        ),
        send(
            private_app(db.clone()),
            json_request(
                &path,
                Some(&manager),
                &json!({"kind": "extend", "due_on": "2022-09-30", "basis": "Công văn 12/BTTTT", "version": version})
            )
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{} / {}",
        a.body,
        b.body
    );
    let loser = if a.status == StatusCode::CONFLICT {
        &a
    } else {
        &b
    };
    assert_eq!(loser.json()["field"], "version");
    let changes: i64 = sqlx::query_scalar(
        "select count(*) from task_events where task_id = $1 and kind <> 'imported'",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("count");
    assert_eq!(changes, 1, "the history holds only the committed change");
    let current: i32 = sqlx::query_scalar("select version from tasks where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("version");
    assert_eq!(current, version + 1);
}

#[sqlx::test]
async fn a_stale_form_gets_a_clear_message_and_keeps_the_note(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    sqlx::query("update tasks set version = version + 1 where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("bump");
    let lead = sign_in(&db, "lead@thh.vn").await;
    let version = version.to_string();
    let stale = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &lead.cookie,
            &[
                ("csrf", &lead.csrf),
                ("kind", "state"),
                ("state", "in_progress"),
                ("version", &version),
                ("note", "Báo cáo tiến độ dài đã gõ"),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("vừa được người khác cập nhật"));
    assert!(
        stale.body.contains("Báo cáo tiến độ dài đã gõ"),
        "the typed note is kept"
    );
}

#[sqlx::test]
async fn a_script_tag_in_a_note_is_shown_as_text(db: PgPool) {
    people(&db).await;
    let (id, _) = task(&db, D905, "I.1").await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let answer = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&lead),
            &json!({"kind": "note", "note": "<script>alert('x')</script>"}),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let viewer = sign_in(&db, "viewer@bo.vn").await;
    let page = send(
        private_app(db.clone()),
        get_request(&format!("/tasks/{id}"), Some(&viewer.cookie)),
    )
    .await;
    assert!(!page.body.contains("<script>alert('x')</script>"));
    assert!(page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"));
}

#[sqlx::test]
async fn api_errors_name_the_field_and_the_status(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    let lead = token_for(&db, "lead@thh.vn").await;
    let path = format!("/api/v1/tasks/{id}/events");
    let cases = [
        (
            json!({"kind": "state", "state": "completed", "completed_on": "2999-01-01", "version": version}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "completed_on",
        ),
        (
            json!({"kind": "state", "state": "done", "version": version}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "state",
        ),
        (
            json!({"kind": "state", "state": "in_progress"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
        ),
        (
            json!({"kind": "fly"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            json!({"kind": "state", "state": "in_progress", "version": version + 5}),
            StatusCode::CONFLICT,
            "version",
        ),
    ];
    for (body, status, field) in cases {
        let answer = send(
            private_app(db.clone()),
            json_request(&path, Some(&lead), &body),
        )
        .await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.json()["field"], field, "{body}");
    }
    let no_token = send(
        private_app(db.clone()),
        json_request(&path, None, &json!({"kind": "note", "note": "x"})),
    )
    .await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    let bad_token = send(
        private_app(db.clone()),
        json_request(
            &path,
            Some("not-a-token"),
            &json!({"kind": "note", "note": "x"}),
        ),
    )
    .await;
    assert_eq!(bad_token.status, StatusCode::UNAUTHORIZED);
    let missing = send(
        private_app(db.clone()),
        json_request(
            "/api/v1/tasks/999999/events",
            Some(&lead),
            &json!({"kind": "note", "note": "x"}),
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let not_json = send(private_app(db.clone()), {
        let mut r = json_request(&path, Some(&lead), &json!({}));
        *r.body_mut() = axum::body::Body::from("{not json");
        r
    })
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn a_deadline_extension_keeps_the_original_and_moves_the_task_out_of_overdue(db: PgPool) {
    people(&db).await;
    let (id, version) = task(&db, D905, "I.1").await;
    let manager = token_for(&db, "manager@bo.vn").await;
    let extended = send(
        private_app(db.clone()),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(&manager), &json!({"kind": "extend", "due_on": "2099-12-31", "basis": "Công văn số 1/BTTTT-THH", "version": version})),
    )
    .await;
    assert_eq!(extended.status, StatusCode::CREATED, "{}", extended.body);
    let task = extended.json();
    assert_eq!(task["due_on"], "2022-02-28", "the plan's deadline is kept");
    assert_eq!(task["extended_due_on"], "2099-12-31");
    assert_eq!(task["category"], "in_progress_on_time");
    let lead = token_for(&db, "lead@thh.vn").await;
    let refused = send(
        private_app(db.clone()),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(&lead), &json!({"kind": "extend", "due_on": "2099-12-31", "basis": "x", "version": task["version"]})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn evidence_files_are_kept_and_served_as_downloads(db: PgPool) {
    people(&db).await;
    let (id, _) = task(&db, D905, "I.1").await;
    let lead = sign_in(&db, "lead@thh.vn").await;
    let answer = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &lead.cookie,
            &[
                ("csrf", &lead.csrf),
                ("kind", "note"),
                ("note", "Kèm biên bản"),
            ],
            Some(("biên bản.html", b"<script>x</script>")),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let evidence: i64 = sqlx::query_scalar("select id from evidence")
        .fetch_one(&db)
        .await
        .expect("evidence");
    let file = send(
        private_app(db.clone()),
        get_request(&format!("/evidence/{evidence}"), Some(&lead.cookie)),
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.headers[header::CONTENT_TYPE],
        "application/octet-stream",
        "HTML is never served as HTML"
    );
    let disposition = file.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii");
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("filename*=UTF-8''bi%C3%AAn%20b%E1%BA%A3n.html"),
        "{disposition}"
    );
    assert_eq!(file.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}
