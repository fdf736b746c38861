//! Every role against every mutating route: allowed changes go through, refused ones answer
//! 401/403 and leave the task and its history exactly as they were.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::import_seeds;

/// Puts the task where each kind of change can apply: a pending proposal (confirm, return), a
/// milestone, an unparsed deadline (settle).
async fn prepare(db: &PgPool, task: i64, kind: &str) {
    match kind {
        "confirm" | "return" => {
            sqlx::query("update tasks set pending_confirmation = true, proposed_completed_on = '2022-03-01' where id = $1").bind(task).execute(db).await.expect("pending");
        }
        "milestone" => {
            sqlx::query("insert into milestones (task_id, position, label, due_on) values ($1, 1, 'Dự thảo', '2022-02-15') on conflict do nothing").bind(task).execute(db).await.expect("milestone");
        }
        "settle" => {
            sqlx::query(
                "update tasks set deadline_kind = 'unparsed', plan_due_on = null where id = $1",
            )
            .bind(task)
            .execute(db)
            .await
            .expect("unparsed");
        }
        _ => {}
    }
}

fn body(kind: &str, version: i32) -> serde_json::Value {
    match kind {
        "state" => json!({"kind": "state", "state": "in_progress", "version": version}),
        "note" => json!({"kind": "note", "note": "Tiến độ"}),
        "milestone" => {
            json!({"kind": "milestone", "milestone": 0, "done_on": "2022-02-10", "version": version})
        }
        "confirm" => json!({"kind": "confirm", "version": version}),
        "return" => json!({"kind": "return", "note": "Thiếu sản phẩm", "version": version}),
        "extend" => {
            json!({"kind": "extend", "due_on": "2022-12-31", "basis": "Công văn 5/BTTTT", "version": version})
        }
        _ => json!({"kind": "settle", "due_on": "2022-12-31", "version": version}),
    }
}

#[sqlx::test]
async fn every_role_against_every_task_change(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    make_user(&db, "lead@shtt.vn", "unit_lead", &["Cục Sở hữu trí tuệ"]).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    make_user(&db, "viewer@bo.vn", "viewer", &[]).await;
    make_user(&db, "admin@bo.vn", "admin", &[]).await;
    let kinds = [
        "state",
        "note",
        "milestone",
        "confirm",
        "return",
        "extend",
        "settle",
    ];
    // (who, token, allowed kinds); the task is I.1, led by Cục Tin học hóa.
    let mut callers: Vec<(&str, Option<String>, Vec<&str>)> = vec![("anonymous", None, vec![])];
    for (email, allowed) in [
        ("viewer@bo.vn", vec![]),
        ("admin@bo.vn", vec![]),
        ("lead@shtt.vn", vec![]),
        ("lead@thh.vn", vec!["state", "note", "milestone"]),
        ("manager@bo.vn", kinds.to_vec()),
    ] {
        callers.push((email, Some(token_for(&db, email).await), allowed));
    }
    let mut wrong = Vec::new();
    for (who, token, allowed) in &callers {
        for kind in kinds {
            // A fresh copy of the task's circumstances for every attempt.
            sqlx::query("update tasks set state = 'not_started', completed_on = null, pending_confirmation = false, proposed_completed_on = null,
                            deadline_kind = 'date', plan_due_on = '2022-02-28', extended_due_on = null, extension_basis = null, settled_due_on = null
                          where ref = 'I.1'")
                .execute(&db)
                .await
                .expect("reset");
            let (id, version) = task(&db, "905/QĐ-BTTTT", "I.1").await;
            prepare(&db, id, kind).await;
            let before = footprint(&db, id).await;
            let answer = send(
                private_app(db.clone()),
                json_request(
                    &format!("/api/v1/tasks/{id}/events"),
                    token.as_deref(),
                    &body(kind, version),
                ),
            )
            .await;
            let expected = match (token, allowed.contains(&kind)) {
                (None, _) => StatusCode::UNAUTHORIZED,
                (Some(_), true) => StatusCode::CREATED,
                (Some(_), false) => StatusCode::FORBIDDEN,
            };
            if answer.status != expected {
                wrong.push(format!(
                    "{who} {kind}: {} (expected {expected}) {}",
                    answer.status, answer.body
                ));
            }
            if expected != StatusCode::CREATED && footprint(&db, id).await != before {
                wrong.push(format!("{who} {kind}: a refused change wrote something"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[sqlx::test]
async fn every_role_against_the_form_and_admin_routes(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    make_user(&db, "viewer@bo.vn", "viewer", &[]).await;
    make_user(&db, "admin@bo.vn", "admin", &[]).await;
    let target = make_user(&db, "someone@bo.vn", "viewer", &[]).await;
    let mut wrong = Vec::new();
    for (email, may_update, is_admin) in [
        ("viewer@bo.vn", false, false),
        ("lead@thh.vn", true, false),
        ("manager@bo.vn", true, false),
        ("admin@bo.vn", false, true),
    ] {
        let session = sign_in(&db, email).await;
        let (id, _) = task(&db, "905/QĐ-BTTTT", "I.1").await;
        let form = send(
            private_app(db.clone()),
            multipart_request(
                &format!("/tasks/{id}/events"),
                &session.cookie,
                &[
                    ("csrf", &session.csrf),
                    ("kind", "note"),
                    ("note", "ghi chú"),
                ],
                None,
            ),
        )
        .await;
        let expected = if may_update {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FORBIDDEN
        };
        if form.status != expected {
            wrong.push(format!(
                "{email} task form: {} (expected {expected})",
                form.status
            ));
        }
        let admin_routes: [(String, Vec<(&str, &str)>); 4] = [
            (
                "/admin/users".to_owned(),
                vec![("email", "new@bo.vn"), ("name", "Mới"), ("role", "viewer")],
            ),
            (
                format!("/admin/users/{target}"),
                vec![("action", "disable")],
            ),
            (
                format!("/admin/users/{target}/units"),
                vec![("units", "Cục Tin học hóa")],
            ),
            ("/admin/settings".to_owned(), vec![("two_step", "on")]),
        ];
        for (path, fields) in admin_routes {
            let mut all = vec![("csrf", session.csrf.as_str())];
            all.extend(fields);
            let answer = send(
                private_app(db.clone()),
                form_request(&path, Some(&session.cookie), &all),
            )
            .await;
            let ok = answer.status.is_success() || answer.status == StatusCode::SEE_OTHER;
            if ok != is_admin || (!is_admin && answer.status != StatusCode::FORBIDDEN) {
                wrong.push(format!("{email} {path}: {}", answer.status));
            }
        }
    }
    let created: i64 = sqlx::query_scalar("select count(*) from users where email = 'new@bo.vn'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(created, 1, "only the admin's attempt created the account");
    let anonymous = send(
        private_app(db.clone()),
        form_request("/admin/users", None, &[("email", "x@bo.vn")]),
    )
    .await;
    assert_eq!(
        anonymous.status,
        StatusCode::SEE_OTHER,
        "anonymous posts go to the sign-in page"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
