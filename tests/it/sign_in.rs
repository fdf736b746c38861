//! Sign-in under hostile input: where it sends the browser afterwards, field lengths, and the
//! throttle against guessing (raced, and from other addresses).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;

use crate::auth_support::*;

/// A sign-in form post from a given client address.
fn login_from(address: &str, email: &str, password: &str, next: &str) -> Request<Body> {
    let mut request = form_request(
        "/login",
        None,
        &[("email", email), ("password", password), ("next", next)],
    );
    let peer: SocketAddr = format!("{address}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

async fn sessions(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(db)
        .await
        .expect("count")
}

#[sqlx::test]
async fn after_sign_in_only_a_same_origin_path_is_followed(db: PgPool) {
    make_user(&db, "an@bo.gov.vn", "viewer", &[]).await;
    let cases = [
        (
            "/tasks?category=overdue&as_of=2022-07-01",
            "/tasks?category=overdue&as_of=2022-07-01",
        ),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\r\n/evil.example", "/"),
        ("/ /evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\/evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%09/evil.example", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/%0Ax", "/"),
        ("/\u{7}x", "/"),
        ("/\u{7f}x", "/"),
        ("/tìm-kiếm", "/"),
        ("", "/"),
    ];
    for (next, expected) in cases {
        let answer = send(
            private_app(db.clone()),
            login_from("10.0.0.1", "an@bo.gov.vn", PASSWORD, next),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "next={next:?}: {}",
            answer.body
        );
        assert_eq!(answer.headers[header::LOCATION], expected, "next={next:?}");
    }
    assert_eq!(sessions(&db).await, cases.len() as i64);
    // A NUL is refused before anything (a 400 naming the field), and no session is written.
    let nul = send(
        private_app(db.clone()),
        login_from("10.0.0.1", "an@bo.gov.vn", PASSWORD, "/\u{0}x"),
    )
    .await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);
    assert!(nul.body.contains("next"));
    assert_eq!(sessions(&db).await, cases.len() as i64);
}

#[sqlx::test]
async fn the_sign_in_form_carries_only_a_safe_next(db: PgPool) {
    let answer = send(
        private_app(db.clone()),
        get_request("/login?next=%2F%09%2Fevil.example", None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.body.contains("evil.example"), "{}", answer.body);
    let newline = send(
        private_app(db.clone()),
        get_request("/login?next=/%0Ax", None),
    )
    .await;
    assert_eq!(newline.status, StatusCode::OK);
}

/// Sends `count` sign-ins at once and tallies the statuses.
async fn at_once(db: &PgPool, requests: Vec<Request<Body>>) -> Vec<StatusCode> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let app = private_app(db.clone());
            tokio::spawn(async move { send(app, request).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.expect("request task"));
    }
    statuses
}

fn tally(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[sqlx::test]
async fn concurrent_guesses_cannot_outrun_the_throttle(db: PgPool) {
    make_user(&db, "an@bo.gov.vn", "viewer", &[]).await;
    let guesses = (0..30)
        .map(|i| {
            login_from(
                "10.0.0.66",
                "an@bo.gov.vn",
                &format!("doan-sai-{i:04}"),
                "/",
            )
        })
        .collect();
    let statuses = at_once(&db, guesses).await;
    let verified = tally(&statuses, StatusCode::UNAUTHORIZED);
    assert!(
        verified <= 5,
        "at most 5 of 30 racing guesses are checked, {verified} were: {statuses:?}"
    );
    assert_eq!(
        verified + tally(&statuses, StatusCode::TOO_MANY_REQUESTS),
        30
    );
    // The right password from that address waits too.
    let late = send(
        private_app(db.clone()),
        login_from("10.0.0.66", "an@bo.gov.vn", PASSWORD, "/"),
    )
    .await;
    assert_eq!(late.status, StatusCode::TOO_MANY_REQUESTS);
    // One address guessing across many accounts is held to its own limit.
    for i in 0..40 {
        make_user(&db, &format!("u{i}@bo.gov.vn"), "viewer", &[]).await;
    }
    let spread = (0..40)
        .map(|i| {
            login_from(
                "10.0.0.77",
                &format!("u{i}@bo.gov.vn"),
                "doan-sai-mat-khau",
                "/",
            )
        })
        .collect();
    let statuses = at_once(&db, spread).await;
    let verified = tally(&statuses, StatusCode::UNAUTHORIZED);
    assert!(
        verified <= 20,
        "at most 20 of 40 from one address: {statuses:?}"
    );
}

#[sqlx::test]
async fn someone_else_guessing_does_not_lock_the_user_out(db: PgPool) {
    make_user(&db, "an@bo.gov.vn", "viewer", &[]).await;
    let attack = (0..30)
        .map(|i| {
            login_from(
                "203.0.113.9",
                "an@bo.gov.vn",
                &format!("doan-sai-{i:04}"),
                "/",
            )
        })
        .collect();
    let statuses = at_once(&db, attack).await;
    assert!(tally(&statuses, StatusCode::UNAUTHORIZED) <= 5);
    // Meanwhile, and after, the user signs in from their own address.
    let own = send(
        private_app(db.clone()),
        login_from("198.51.100.7", "an@bo.gov.vn", PASSWORD, "/"),
    )
    .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "{}", own.body);
    // The attacker keeps being refused without a check.
    let again = send(
        private_app(db.clone()),
        login_from("203.0.113.9", "an@bo.gov.vn", PASSWORD, "/"),
    )
    .await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    // When the block has run out, the next one lasts twice as long.
    sqlx::query(
        "update login_throttle set blocked_until = now() - interval '1 second',
                window_start = now() - interval '1 hour' where key like 'acct:203.0.113.9|%'",
    )
    .execute(&db)
    .await
    .expect("expire the block");
    for i in 0..6 {
        let guess = format!("doan-lai-{i}");
        send(
            private_app(db.clone()),
            login_from("203.0.113.9", "an@bo.gov.vn", &guess, "/"),
        )
        .await;
    }
    let (strikes, minutes): (i32, f64) = sqlx::query_as(
        "select strikes, extract(epoch from blocked_until - now())::float8 / 60
           from login_throttle where key like 'acct:203.0.113.9|%'",
    )
    .fetch_one(&db)
    .await
    .expect("throttle row");
    assert_eq!(strikes, 2);
    assert!(
        (29.0..=30.0).contains(&minutes),
        "second block: {minutes} minutes"
    );
}
