//! Hostile input: over-long fields, NUL bytes, dates PostgreSQL cannot hold and oversized
//! bodies are refused with a 4xx naming the field, before any work and without writing.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::import_seeds;

const D905: &str = "905/QĐ-BTTTT";

async fn people(db: &PgPool) {
    import_seeds(db).await;
    make_user(db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    make_user(db, "admin@bo.vn", "admin", &[]).await;
}

async fn attempts_from_unknown_address(db: &PgPool) -> i32 {
    sqlx::query_scalar(
        "select coalesce(max(attempts), 0) from login_throttle where key like 'addr:%'",
    )
    .fetch_one(db)
    .await
    .expect("throttle")
}

#[sqlx::test]
async fn an_over_long_sign_in_is_refused_before_hashing_and_counted(db: PgPool) {
    people(&db).await;
    let long_email = format!("{}@thh.vn", "a".repeat(12_000));
    let long_password = "p".repeat(100_000);
    let cases = [
        (long_email.as_str(), PASSWORD, "Email"),
        ("lead@thh.vn", long_password.as_str(), "Mật khẩu"),
    ];
    for (email, password, field) in cases {
        let answer = send(
            private_app(db.clone()),
            form_request("/login", None, &[("email", email), ("password", password)]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(answer.body.contains(field), "the message names {field}");
        assert!(
            answer.body.len() < 40_000,
            "the long value is not echoed whole"
        );
    }
    assert_eq!(
        attempts_from_unknown_address(&db).await,
        2,
        "both were counted"
    );
    let failures: i64 = sqlx::query_scalar("select count(*) from login_failures")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(failures, 2);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from sessions")
            .fetch_one(&db)
            .await
            .expect("count"),
        0
    );
}

#[sqlx::test]
async fn over_long_form_fields_are_refused_by_name(db: PgPool) {
    people(&db).await;
    let admin = sign_in(&db, "admin@bo.vn").await;
    let long_name = "Nguyễn ".repeat(1_000);
    let answer = send(
        private_app(db.clone()),
        form_request(
            "/admin/users",
            Some(&admin.cookie),
            &[
                ("csrf", admin.csrf.as_str()),
                ("email", "moi@bo.vn"),
                ("name", long_name.as_str()),
                ("role", "viewer"),
            ],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "name");
    assert!(answer.body.contains("Họ tên quá dài"), "names the field");
    let created: i64 = sqlx::query_scalar("select count(*) from users where email = 'moi@bo.vn'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(created, 0);

    let manager_token = {
        make_user(&db, "manager@bo.vn", "manager", &[]).await;
        token_for(&db, "manager@bo.vn").await
    };
    let (id, version) = task(&db, D905, "I.1").await;
    let before = footprint(&db, id).await;
    let long_basis = "căn cứ ".repeat(2_000);
    let answer = send(
        private_app(db.clone()),
        json_request(
            &format!("/api/v1/tasks/{id}/events"),
            Some(&manager_token),
            &json!({"kind": "extend", "due_on": "2030-01-01", "basis": long_basis, "version": version}),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(answer.json()["field"], "basis");
    assert_eq!(footprint(&db, id).await, before, "nothing written");
}

#[sqlx::test]
async fn over_long_query_parameters_are_refused_by_name(db: PgPool) {
    people(&db).await;
    let admin = sign_in(&db, "admin@bo.vn").await;
    let long = "du+lieu+".repeat(1_000);
    for path in [
        format!("/tasks?q={long}"),
        format!("/units?q={long}"),
        format!("/reports/overdue?decision={long}"),
    ] {
        let answer = send(
            private_app(db.clone()),
            get_request(&path, Some(&admin.cookie)),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", &path[..30]);
        assert!(answer.body.contains("quá dài"), "{}", &path[..30]);
    }
    let token = token_for(&db, "admin@bo.vn").await;
    let mut request = get_request(&format!("/api/v1/tasks?q={long}"), None);
    request.headers_mut().insert(
        axum::http::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    let answer = send(private_app(db.clone()), request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["parameter"], "q");
}

#[sqlx::test]
async fn nul_bytes_and_impossible_dates_in_query_parameters_are_refused_by_name(db: PgPool) {
    people(&db).await;
    let admin = sign_in(&db, "admin@bo.vn").await;
    let cases = [
        ("/tasks?decision=%00", "decision"),
        ("/tasks?q=abc%00def", "q"),
        ("/units?q=%00", "q"),
        ("/decisions?as_of=%00", "as_of"),
        ("/reports/overdue?decision=905%00", "decision"),
        ("/reports/completed?unit=%00", "unit"),
        ("/?as_of=-5000-01-01", "as_of"),
        ("/tasks?as_of=-4714-11-23", "as_of"),
        ("/tasks?due_from=-5000-01-01", "due_from"),
        ("/tasks?due_to=99999-01-01", "due_to"),
        ("/reports/overdue?as_of=-5000-01-01", "as_of"),
        ("/reports/completed?from=-5000-01-01&to=2022-01-01", "from"),
        ("/units?as_of=-5000-01-01", "as_of"),
        ("/my/tasks?as_of=-5000-01-01", "as_of"),
    ];
    for (path, field) in cases {
        let answer = send(
            private_app(db.clone()),
            get_request(path, Some(&admin.cookie)),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.body
        );
        assert!(answer.body.contains(field), "{path} names {field}");
    }
    let token = token_for(&db, "admin@bo.vn").await;
    for (path, field) in [
        ("/api/v1/tasks?decision=%00", "decision"),
        ("/api/v1/tasks?as_of=-5000-01-01", "as_of"),
        ("/api/v1/tasks?due_to=-5000-01-01", "due_to"),
        ("/api/v1/units?as_of=%00", "as_of"),
    ] {
        let mut request = get_request(path, None);
        request.headers_mut().insert(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("header"),
        );
        let answer = send(private_app(db.clone()), request).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            answer.body
        );
        assert_eq!(answer.json()["parameter"], field, "{path}");
    }
}

#[sqlx::test]
async fn nul_bytes_and_impossible_dates_in_form_fields_are_refused_by_name(db: PgPool) {
    people(&db).await;
    let before_users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .expect("count");
    let login = send(
        private_app(db.clone()),
        form_request(
            "/login",
            None,
            &[("email", "lead\0@thh.vn"), ("password", PASSWORD)],
        ),
    )
    .await;
    assert!(login.status.is_client_error(), "{}", login.status);
    assert!(login.body.contains("email"), "{}", login.body);
    let admin = sign_in(&db, "admin@bo.vn").await;
    let create = send(
        private_app(db.clone()),
        form_request(
            "/admin/users",
            Some(&admin.cookie),
            &[
                ("csrf", admin.csrf.as_str()),
                ("email", "moi@bo.vn"),
                ("name", "Nguyễn\0 Văn A"),
                ("role", "viewer"),
            ],
        ),
    )
    .await;
    assert!(create.status.is_client_error(), "{}", create.status);
    assert!(create.body.contains("name"), "names the field");
    let after_users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(after_users, before_users);

    let lead = sign_in(&db, "lead@thh.vn").await;
    let lead_token = token_for(&db, "lead@thh.vn").await;
    let (id, version) = task(&db, D905, "I.1").await;
    let before = footprint(&db, id).await;
    let path = format!("/api/v1/tasks/{id}/events");
    for (body, field) in [
        (json!({"kind": "note", "note": "có\u{0}NUL"}), "note"),
        (
            json!({"kind": "note", "note": "x", "evidence_url": "https://a.vn/\u{0}"}),
            "evidence_url",
        ),
        (
            json!({"kind": "state", "state": "completed", "completed_on": "-5000-01-01", "version": version}),
            "completed_on",
        ),
    ] {
        let answer = send(
            private_app(db.clone()),
            json_request(&path, Some(&lead_token), &body),
        )
        .await;
        assert!(answer.status.is_client_error(), "{body}: {}", answer.status);
        assert_eq!(answer.json()["field"], field, "{body}");
    }
    let version_text = version.to_string();
    let form = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &lead.cookie,
            &[
                ("csrf", lead.csrf.as_str()),
                ("kind", "state"),
                ("state", "completed"),
                ("completed_on", "-5000-01-01"),
                ("version", version_text.as_str()),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(
        form.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        form.body
    );
    let note = send(
        private_app(db.clone()),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &lead.cookie,
            &[
                ("csrf", lead.csrf.as_str()),
                ("kind", "note"),
                ("note", "a\0b"),
            ],
            None,
        ),
    )
    .await;
    assert_eq!(
        note.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        note.body
    );
    assert_eq!(footprint(&db, id).await, before, "nothing written");
}

#[sqlx::test]
async fn a_json_body_over_the_limit_is_413(db: PgPool) {
    people(&db).await;
    let token = token_for(&db, "lead@thh.vn").await;
    let (id, _) = task(&db, D905, "I.1").await;
    let before = footprint(&db, id).await;
    let huge = json!({"kind": "note", "note": "x".repeat(3 << 20)});
    let answer = send(
        private_app(db.clone()),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(&token), &huge),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
    assert_eq!(answer.json()["field"], "body");
    assert_eq!(footprint(&db, id).await, before);
}
