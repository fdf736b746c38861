//! §7 first start: with no account, the sign-in page says how to create the first administrator,
//! and the one-time set-up link the server prints creates it in the browser, once.

use actionplan::db::setup;
use axum::http::{StatusCode, header};
use sqlx::PgPool;

use crate::auth_support::*;

async fn issue(db: &PgPool) -> Option<String> {
    let mut conn = db.acquire().await.expect("connection");
    setup::issue_token(&mut conn).await.expect("issue")
}

async fn accounts(db: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as("select email, role from users order by id")
        .fetch_all(db)
        .await
        .expect("users")
}

fn setup_post(token: &str, email: &str, password: &str) -> axum::http::Request<axum::body::Body> {
    form_request(
        &format!("/setup/{token}"),
        None,
        &[
            ("email", email),
            ("name", "Quản trị hệ thống"),
            ("password", password),
        ],
    )
}

#[sqlx::test]
async fn with_no_account_the_sign_in_page_says_how_to_create_the_first_administrator(db: PgPool) {
    let login = send(private_app(db.clone()), get_request("/login", None)).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("id=\"first-start\""), "{}", login.body);
    assert!(login.body.contains("Liên kết thiết lập"));
    assert!(login.body.contains("user add --email EMAIL"));
    make_user(&db, "admin@bo.vn", "admin", &[]).await;
    let login = send(private_app(db.clone()), get_request("/login", None)).await;
    assert!(!login.body.contains("first-start"));
}

#[sqlx::test]
async fn a_set_up_link_creates_the_first_administrator_once_and_signs_them_in(db: PgPool) {
    let token = issue(&db).await.expect("a token while there is no account");
    let stored: String = sqlx::query_scalar("select token_hash from setup_tokens")
        .fetch_one(&db)
        .await
        .expect("stored");
    assert_ne!(stored, token, "only a hash is kept");
    let form = send(
        private_app(db.clone()),
        get_request(&format!("/setup/{token}"), None),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"setup-form\""));
    assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
    // A weak password: the form again with the reason, nothing created, the link still good.
    let weak = send(
        private_app(db.clone()),
        setup_post(&token, "admin@bo.vn", "1234567890"),
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("dễ đoán") && weak.body.contains("admin@bo.vn"));
    assert!(accounts(&db).await.is_empty());
    // From another site: refused.
    let mut forged = setup_post(&token, "evil@x.vn", PASSWORD);
    forged.headers_mut().insert(
        header::ORIGIN,
        "https://evil.example".parse().expect("origin"),
    );
    assert_eq!(
        send(private_app(db.clone()), forged).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(accounts(&db).await.is_empty());
    let made = send(
        private_app(db.clone()),
        setup_post(&token, "Admin@Bo.vn", PASSWORD),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.headers[header::LOCATION], "/admin/users");
    assert_eq!(
        accounts(&db).await,
        [("admin@bo.vn".to_owned(), "admin".to_owned())]
    );
    let cookie = made.headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let admin_page = send(
        private_app(db.clone()),
        get_request("/admin/users", Some(&cookie)),
    )
    .await;
    assert_eq!(admin_page.status, StatusCode::OK, "signed in as the admin");
    // Used once: the same link is gone, and no new link is issued now that an account exists.
    let again = send(
        private_app(db.clone()),
        setup_post(&token, "second@bo.vn", PASSWORD),
    )
    .await;
    assert_eq!(again.status, StatusCode::GONE);
    let shown = send(
        private_app(db.clone()),
        get_request(&format!("/setup/{token}"), None),
    )
    .await;
    assert_eq!(shown.status, StatusCode::GONE);
    assert!(issue(&db).await.is_none());
    assert_eq!(accounts(&db).await.len(), 1);
}

#[sqlx::test]
async fn an_expired_or_unknown_link_creates_nothing(db: PgPool) {
    let token = issue(&db).await.expect("token");
    sqlx::query("update setup_tokens set expires_at = now() - interval '1 second'")
        .execute(&db)
        .await
        .expect("expire");
    for t in [
        token.as_str(),
        "x".repeat(43).as_str(),
        "short",
        "../../etc",
    ] {
        let answer = send(
            private_app(db.clone()),
            setup_post(t, "admin@bo.vn", PASSWORD),
        )
        .await;
        assert!(
            [StatusCode::GONE, StatusCode::NOT_FOUND].contains(&answer.status),
            "{t}: {}",
            answer.status
        );
    }
    assert!(accounts(&db).await.is_empty());
}

#[sqlx::test]
async fn two_links_posted_at_once_make_one_administrator(db: PgPool) {
    let first = issue(&db).await.expect("token");
    let second = issue(&db).await.expect("token");
    let (a, b) = tokio::join!(
        send(
            private_app(db.clone()),
            setup_post(&first, "a@bo.vn", PASSWORD)
        ),
        send(
            private_app(db.clone()),
            setup_post(&second, "b@bo.vn", PASSWORD)
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::GONE]);
    assert_eq!(accounts(&db).await.len(), 1);
}
