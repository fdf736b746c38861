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
        ("/\u{0}x", "/"),
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
