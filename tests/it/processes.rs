//! §4 and §7 with the real binary: two `actionplan serve` processes on one database. The first
//! administrator is made through the set-up link the first process prints; a session made on
//! one works on the other; a change through either shows on the other on the very next request
//! (kept list pages, task pages from memory, the API).

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::{PASSWORD, make_user};
use crate::cli::database_url;
use crate::server_process::{Server, cookie_of};

const D905: &str = "905/QĐ-BTTTT";

async fn start(url: &str) -> Server {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    Server::start(&[("DATABASE_URL", url), ("SEEDS_DIR", seeds)], &[]).await
}

fn printed_link(server: &Server) -> Option<String> {
    server.log.lock().expect("log").iter().find_map(|line| {
        line.split_once("Liên kết thiết lập: ")
            .map(|(_, link)| link.trim().to_owned())
    })
}

/// Polls the first process's log briefly: the link is printed right after it binds.
async fn wait_for_link(server: &Server) -> String {
    for _ in 0..100 {
        if let Some(link) = printed_link(server) {
            return link;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no set-up link printed:\n{}", server.log_text());
}

#[sqlx::test]
async fn two_processes_share_sessions_and_show_each_others_changes_on_the_next_request(db: PgPool) {
    let url = database_url(&db);
    let a = start(&url).await;
    // §7: no account yet, so the first process printed a one-time link; the sign-in page says so.
    let link = wait_for_link(&a).await;
    let path = link
        .strip_prefix(&format!("http://127.0.0.1:{}", a.port))
        .unwrap_or_else(|| panic!("the link points to this server: {link}"));
    let login = a.get("/login", None).await;
    assert!(login.body.contains("id=\"first-start\""));
    let form = a.get(path, None).await;
    assert_eq!(form.status, StatusCode::OK);
    let made = a
        .post_form(
            path,
            None,
            &[
                ("email", "admin@bo.vn"),
                ("name", "Quản trị"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let admin_cookie = cookie_of(&made);
    let b = start(&url).await;
    assert!(
        printed_link(&b).is_none(),
        "no link once an account exists:\n{}",
        b.log_text()
    );

    // A session made on A works on B, and one made on B works on A.
    let on_b = b.get("/admin/users", Some(&admin_cookie)).await;
    assert_eq!(on_b.status, StatusCode::OK);
    assert!(on_b.body.contains("admin@bo.vn"));
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let signed = b
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
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let manager_cookie = cookie_of(&signed);
    let on_a = a.get("/tasks", Some(&manager_cookie)).await;
    assert_eq!(on_a.status, StatusCode::OK);
    let csrf = crate::server_process::csrf_of(&on_a.body);

    let (id, version): (i64, i32) = sqlx::query_as(
        "select t.id, t.version from tasks t join decisions d on d.id = t.decision_id
          where d.code = $1 and t.ref = 'I.1'",
    )
    .bind(D905)
    .fetch_one(&db)
    .await
    .expect("task");
    let decision = form_urlencoded::byte_serialize(D905.as_bytes()).collect::<String>();
    let list = format!("/tasks?decision={decision}&state=in_progress");
    let api_list = format!("/api/v1/tasks?decision={decision}&state=in_progress");
    let task_page = format!("/tasks/{id}");
    let task_api = format!("/api/v1/tasks/{id}");
    // Both processes keep these (lists as pages, the task's details in memory).
    for server in [&a, &b] {
        for _ in 0..2 {
            for path in [&list, &api_list, &task_page, &task_api] {
                let reply = server.get(path, Some(&manager_cookie)).await;
                assert_eq!(reply.status, StatusCode::OK, "{path}");
            }
        }
        assert!(
            !server
                .get(&list, Some(&manager_cookie))
                .await
                .body
                .contains(&format!("href=\"/tasks/{id}\""))
        );
    }

    // A change through A (API, bearer token), read on B at once.
    let token = {
        let user: i64 = sqlx::query_scalar("select id from users where email = 'manager@bo.vn'")
            .fetch_one(&db)
            .await
            .expect("user");
        actionplan::db::users::create_token(&db, user, "processes")
            .await
            .expect("token")
    };
    let changed = a
        .post_json(
            &format!("/api/v1/tasks/{id}/events"),
            &token,
            &json!({"kind": "state", "state": "in_progress", "note": "Đổi qua tiến trình A", "version": version}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::CREATED, "{}", changed.body);
    let new_version = changed.json()["version"].as_i64().expect("version");
    let api = b.get(&task_api, Some(&manager_cookie)).await.json();
    assert_eq!(api["state"], "in_progress");
    assert_eq!(api["version"], new_version);
    let page = b.get(&task_page, Some(&manager_cookie)).await.body;
    assert!(page.contains("Đổi qua tiến trình A"), "task page on B");
    let kept = b.get(&list, Some(&manager_cookie)).await.body;
    assert!(
        kept.contains(&format!("href=\"/tasks/{id}\"")),
        "kept list on B"
    );
    let kept_api = b.get(&api_list, Some(&manager_cookie)).await.json();
    assert!(
        kept_api["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .any(|t| t["id"] == id),
        "kept API list on B"
    );

    // A change through B with the session (JSON with its CSRF token), read on A at once.
    let origin = format!("http://127.0.0.1:{}", b.port);
    let noted = b
        .request(
            Method::POST,
            &format!("/api/v1/tasks/{id}/events"),
            &[
                ("content-type", "application/json"),
                ("cookie", &manager_cookie),
                ("x-csrf-token", &csrf),
                ("origin", &origin),
            ],
            &json!({"kind": "note", "note": "Ghi chú qua tiến trình B"}).to_string(),
        )
        .await;
    assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
    let page = a.get(&task_page, Some(&manager_cookie)).await.body;
    assert!(page.contains("Ghi chú qua tiến trình B"), "task page on A");
    let api = a.get(&task_api, Some(&manager_cookie)).await.json();
    assert_eq!(api["events"][0]["note"], "Ghi chú qua tiến trình B");

    // Signing out on B ends the session on A too.
    let out = b
        .post_form("/logout", Some(&manager_cookie), &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        a.get("/tasks", Some(&manager_cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}
