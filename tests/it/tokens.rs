//! API tokens and calendar keys: a password reset or a disabled account ends them all; tokens
//! carry a label, their last use and an optional expiry, and are revoked one by one from the
//! account page or the command line.

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::import_seeds;

/// GET with a bearer token.
fn bearer_get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

async fn token_works(db: &PgPool, token: &str) -> bool {
    let answer = send(
        private_app(db.clone()),
        bearer_get("/api/v1/decisions", token),
    )
    .await;
    assert!(
        matches!(answer.status, StatusCode::OK | StatusCode::UNAUTHORIZED),
        "{}",
        answer.status
    );
    answer.status == StatusCode::OK
}

async fn key_works(db: &PgPool, key: &str) -> bool {
    let answer = send(
        private_app(db.clone()),
        get_request(&format!("/calendar.ics?key={key}"), None),
    )
    .await;
    answer.status == StatusCode::OK
}

async fn user_id(db: &PgPool, email: &str) -> i64 {
    actionplan::db::users::user_id_by_email(db, email)
        .await
        .expect("lookup")
        .expect("user")
}

#[sqlx::test]
async fn a_password_reset_or_disabling_ends_every_token_and_calendar_key(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "admin@bo.vn", "admin", &[]).await;
    let id = make_user(&db, "an@bo.vn", "viewer", &[]).await;
    let admin = sign_in(&db, "admin@bo.vn").await;
    let action = |action: &'static str| {
        form_request(
            &format!("/admin/users/{id}"),
            Some(&admin.cookie),
            &[("csrf", admin.csrf.as_str()), ("action", action)],
        )
    };

    let token = token_for(&db, "an@bo.vn").await;
    let key = actionplan::db::calendar::renew_calendar_key(&db, id)
        .await
        .expect("key");
    assert!(token_works(&db, &token).await && key_works(&db, &key).await);
    let reset = send(private_app(db.clone()), action("reset")).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert!(
        !token_works(&db, &token).await,
        "a reset ends the API tokens"
    );
    assert!(!key_works(&db, &key).await, "and the calendar key");

    let token = token_for(&db, "an@bo.vn").await;
    let key = actionplan::db::calendar::renew_calendar_key(&db, id)
        .await
        .expect("key");
    let disabled = send(private_app(db.clone()), action("disable")).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert!(!token_works(&db, &token).await);
    assert!(
        !key_works(&db, &key).await,
        "disabling ends the calendar key"
    );
    let enabled = send(private_app(db.clone()), action("enable")).await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);
    assert!(
        !token_works(&db, &token).await,
        "re-enabling brings no token back"
    );
    assert!(!key_works(&db, &key).await, "nor the old calendar key");
}

/// The one-time token shown on the account page after creating it.
fn shown_token(body: &str) -> String {
    body.split("id=\"new-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new token is shown once")
        .trim()
        .to_owned()
}

#[sqlx::test]
async fn tokens_have_labels_last_use_expiry_and_are_revoked_one_by_one(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "an@bo.vn", "viewer", &[]).await;
    let an = sign_in(&db, "an@bo.vn").await;
    let create = |label: &'static str, days: &'static str| {
        form_request(
            "/account/tokens",
            Some(&an.cookie),
            &[
                ("csrf", an.csrf.as_str()),
                ("label", label),
                ("expires_days", days),
            ],
        )
    };
    let first = send(private_app(db.clone()), create("Báo cáo tự động", "")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-store");
    let first = shown_token(&first.body);
    let second = send(private_app(db.clone()), create("Tích hợp thử", "30")).await;
    let second = shown_token(&second.body);
    assert!(token_works(&db, &first).await && token_works(&db, &second).await);

    let page = send(
        private_app(db.clone()),
        get_request("/account", Some(&an.cookie)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Báo cáo tự động") && page.body.contains("Tích hợp thử"));
    assert!(!page.body.contains(&first), "a token is never shown again");
    let stored: Vec<String> = sqlx::query_scalar("select token_hash from api_tokens")
        .fetch_all(&db)
        .await
        .expect("hashes");
    assert!(!stored.contains(&first), "tokens are kept hashed");
    let used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_used_at from api_tokens where label = 'Báo cáo tự động'")
            .fetch_one(&db)
            .await
            .expect("row");
    assert!(used.is_some(), "last use is noted");
    // Noted to the minute: a busy client's every request is not a write on its token's row.
    let last_use = async || -> Option<chrono::DateTime<chrono::Utc>> {
        sqlx::query_scalar("select last_used_at from api_tokens where label = 'Báo cáo tự động'")
            .fetch_one(&db)
            .await
            .expect("row")
    };
    assert!(token_works(&db, &first).await);
    assert_eq!(last_use().await, used, "not noted again within the minute");
    sqlx::query("update api_tokens set last_used_at = now() - interval '2 minutes' where label = 'Báo cáo tự động'")
        .execute(&db)
        .await
        .expect("ages the last use");
    let aged = last_use().await;
    assert!(token_works(&db, &first).await);
    assert!(last_use().await > aged, "noted again a minute later");
    let expires: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select expires_at from api_tokens where label = 'Tích hợp thử'")
            .fetch_one(&db)
            .await
            .expect("row");
    let days = (expires.expect("an expiry") - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "{days}");

    let first_id: i64 =
        sqlx::query_scalar("select id from api_tokens where label = 'Báo cáo tự động'")
            .fetch_one(&db)
            .await
            .expect("id");
    let revoked = send(
        private_app(db.clone()),
        form_request(
            &format!("/account/tokens/{first_id}/revoke"),
            Some(&an.cookie),
            &[("csrf", an.csrf.as_str())],
        ),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert!(!token_works(&db, &first).await, "the revoked token stops");
    assert!(token_works(&db, &second).await, "the other goes on");

    // Someone else's token cannot be revoked from this account.
    make_user(&db, "binh@bo.vn", "viewer", &[]).await;
    let binh_token = token_for(&db, "binh@bo.vn").await;
    let binh_id: i64 = sqlx::query_scalar("select id from api_tokens where label = 'test'")
        .fetch_one(&db)
        .await
        .expect("id");
    let refused = send(
        private_app(db.clone()),
        form_request(
            &format!("/account/tokens/{binh_id}/revoke"),
            Some(&an.cookie),
            &[("csrf", an.csrf.as_str())],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(token_works(&db, &binh_token).await);

    sqlx::query("update api_tokens set expires_at = now() - interval '1 second' where label = 'Tích hợp thử'")
        .execute(&db)
        .await
        .expect("expire");
    assert!(!token_works(&db, &second).await, "an expired token stops");
}

#[sqlx::test]
async fn tokens_are_listed_and_revoked_from_the_command_line(db: PgPool) {
    make_user(&db, "an@bo.vn", "viewer", &[]).await;
    let id = user_id(&db, "an@bo.vn").await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_actionplan"))
            .args(args)
            .env("DATABASE_URL", crate::cli::database_url(&db))
            .output()
            .expect("runs")
    };
    let made = run(&[
        "user",
        "token",
        "--email",
        "an@bo.vn",
        "--label",
        "Kho dữ liệu",
        "--expires-in-days",
        "7",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8_lossy(&made.stdout)
        .lines()
        .last()
        .expect("token line")
        .to_owned();
    assert_eq!(token.len(), 64);
    let list = run(&["user", "token", "list", "--email", "an@bo.vn"]);
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(list.status.success());
    assert!(listed.contains("Kho dữ liệu"), "{listed}");
    assert!(!listed.contains(&token), "the list never shows a token");
    let token_id: i64 = sqlx::query_scalar("select id from api_tokens where user_id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("id");
    assert!(listed.contains(&token_id.to_string()));
    let revoke = run(&[
        "user",
        "token",
        "revoke",
        "--email",
        "an@bo.vn",
        "--id",
        &token_id.to_string(),
    ]);
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    assert!(
        actionplan::db::users::token_user(&db, &token)
            .await
            .expect("lookup")
            .is_none()
    );
    let again = run(&[
        "user",
        "token",
        "revoke",
        "--email",
        "an@bo.vn",
        "--id",
        &token_id.to_string(),
    ]);
    assert!(!again.status.success(), "revoking what is gone says so");
}
