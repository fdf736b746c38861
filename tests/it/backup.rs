//! §5 backups with PostgreSQL's own tools: a database holding the seeds, accounts and a history
//! (with an evidence file, which lives in the database) is dumped with `pg_dump -Fc`, restored
//! with `pg_restore` into another database, and the real server started on the copy answers the
//! same pages, API answers and evidence download, and honours the sessions made before.

use std::process::Command;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::{
    PASSWORD, json_request, make_user, multipart_request, send, sign_in, task, token_for,
};
use crate::cli::database_url;
use crate::common::{get_from, import_seeds, test_app};
use crate::server_process::Server;

const D905: &str = "905/QĐ-BTTTT";

fn run(bin: &str, args: &[&str]) {
    let output = Command::new(crate::private_pg::pg_bin(bin))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{bin} runs (install postgresql): {e}"));
    assert!(
        output.status.success(),
        "{bin} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[sqlx::test]
async fn a_pg_dump_restored_into_another_database_serves_the_same_pages_and_answers(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let token = token_for(&db, "manager@bo.vn").await;
    let session = sign_in(&db, "manager@bo.vn").await;
    let (id, version) = task(&db, D905, "I.1").await;
    let (other, other_version) = task(&db, D905, "I.2").await;
    // A history: a completion with a note and an evidence file, a note, an extension.
    let app = crate::auth_support::private_app(db.clone());
    let done = send(
        app.clone(),
        multipart_request(
            &format!("/tasks/{id}/events"),
            &session.cookie,
            &[
                ("csrf", &session.csrf),
                ("kind", "state"),
                ("state", "completed"),
                ("completed_on", "15/03/2022"),
                ("note", "Đã hoàn thành, kèm biên bản"),
                ("version", &version.to_string()),
            ],
            Some(("bien-ban.pdf", b"%PDF-1.4 bien ban nghiem thu")),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    for body in [
        json!({"kind": "note", "note": "Tiến độ quý I"}),
        json!({"kind": "extend", "due_on": "2026-12-31", "basis": "Công văn số 12/BTTTT", "version": other_version}),
    ] {
        let target = if body["kind"] == "note" { id } else { other };
        let answer = send(
            app.clone(),
            json_request(
                &format!("/api/v1/tasks/{target}/events"),
                Some(&token),
                &body,
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    let evidence: i64 = sqlx::query_scalar("select id from evidence limit 1")
        .fetch_one(&db)
        .await
        .expect("evidence stored in the database");

    let paths = [
        "/".to_owned(),
        "/decisions".to_owned(),
        "/units".to_owned(),
        "/tasks?category=overdue&as_of=2024-06-30".to_owned(),
        format!("/tasks/{id}"),
        format!("/tasks/{other}"),
        "/reports/overdue?as_of=2024-06-30".to_owned(),
        "/api/v1/decisions".to_owned(),
        "/api/v1/units".to_owned(),
        "/api/v1/tasks?per_page=500".to_owned(),
        format!("/api/v1/tasks/{id}"),
        format!("/api/v1/tasks/{other}"),
        format!("/evidence/{evidence}"),
    ];
    let original = test_app(db.clone());
    let mut before = Vec::new();
    for path in &paths {
        let (status, body) = get_from(&original, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        before.push(body);
    }

    let dir = std::env::temp_dir().join(format!("actionplan-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let dump = dir.join("actionplan.dump");
    let dump_str = dump.to_string_lossy().into_owned();
    let url = database_url(&db);
    run("pg_dump", &["-Fc", "-d", &url, "-f", &dump_str]);
    let copy_name = format!("actionplan_restored_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists {copy_name}"
    )))
    .execute(&db)
    .await
    .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {copy_name}")))
        .execute(&db)
        .await
        .expect("create");
    let copy_url = format!("{}/{copy_name}", url.rsplit_once('/').expect("url").0);
    run("pg_restore", &["--no-owner", "-d", &copy_url, &dump_str]);

    {
        let server =
            Server::start(&[("DATABASE_URL", &copy_url), ("PUBLIC_READ", "true")], &[]).await;
        for (path, expected) in paths.iter().zip(&before) {
            let reply = server.get(path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{path} on the copy");
            assert!(
                reply.body == *expected,
                "{path} differs on the restored copy:\n{}\n---\n{}",
                &expected.chars().take(300).collect::<String>(),
                &reply.body.chars().take(300).collect::<String>()
            );
        }
        // Accounts, passwords and sessions came along.
        let page = server.get("/account", Some(&session.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("manager@bo.vn"));
        let signed = server
            .post_form(
                "/login",
                None,
                &[
                    ("email", "manager@bo.vn"),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER);
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database {copy_name} with (force)"
    )))
    .execute(&db)
    .await
    .expect("drop the copy");
    let _ = std::fs::remove_dir_all(&dir);
}
