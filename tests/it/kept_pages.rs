//! Whole list pages kept in memory (`response_cache`): each caller gets their own copy, the
//! compressed copy is the same page, and the gate in front still turns strangers away.

use axum::http::{StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::auth_support::{get_request, make_user, private_app, send, sign_in};
use crate::common::{get_from, import_seeds, test_app};

#[sqlx::test]
async fn each_caller_gets_their_own_copy_of_a_kept_page(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "an@bo.gov.vn", "viewer", &[]).await;
    make_user(&db, "binh@bo.gov.vn", "viewer", &[]).await;
    let an = sign_in(&db, "an@bo.gov.vn").await;
    let binh = sign_in(&db, "binh@bo.gov.vn").await;
    let app = private_app(db.clone());
    let list = "/tasks?category=overdue&as_of=2022-07-01";
    let first = send(app.clone(), get_request(list, Some(&an.cookie))).await;
    let again = send(app.clone(), get_request(list, Some(&an.cookie))).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(again.body, first.body, "the kept copy is the page");
    assert!(first.body.contains(&an.csrf));
    let other = send(app.clone(), get_request(list, Some(&binh.cookie))).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(
        other.body.contains(&binh.csrf),
        "Bình's page carries Bình's token"
    );
    assert!(
        !other.body.contains(&an.csrf),
        "and nothing of An's session"
    );
    assert!(other.body.contains("Người dùng binh@bo.gov.vn"));
    assert!(!other.body.contains("Người dùng an@bo.gov.vn"));
    let stranger = send(app.clone(), get_request(list, None)).await;
    assert_eq!(
        stranger.status,
        StatusCode::SEE_OTHER,
        "sign-in is still asked for"
    );
    let signed_out = send(
        app,
        get_request(list, Some("ap_session=khong-con-hieu-luc")),
    )
    .await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn the_gzipped_copy_is_the_same_page(db: PgPool) {
    import_seeds(&db).await;
    let app = test_app(db.clone());
    let get = |gzip: bool| {
        let mut request = axum::http::Request::get("/tasks?lead_unit=&q=du+lieu");
        if gzip {
            request = request.header(header::ACCEPT_ENCODING, "gzip, deflate, br");
        }
        app.clone()
            .oneshot(request.body(axum::body::Body::empty()).expect("request"))
    };
    for _ in 0..2 {
        let zipped = get(true).await.expect("answers");
        assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
        let vary = zipped.headers()[header::VARY]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(vary.contains("accept-encoding"), "{vary}");
        let bytes = zipped.into_body().collect().await.expect("body").to_bytes();
        let mut html = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut html)
            .expect("gunzips");
        let plain = get(false).await.expect("answers");
        assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
        let plain = plain.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(html.as_bytes(), &plain[..]);
        assert!(html.contains("Tìm thấy"));
    }
}

/// The API's lists and the pages of the same name share a router-relative path ("/decisions"
/// inside `/api/v1`); a kept answer of one must never be served for the other.
#[sqlx::test]
async fn api_lists_and_pages_of_the_same_name_are_kept_apart(db: PgPool) {
    import_seeds(&db).await;
    let app = test_app(db.clone());
    for path in [
        "/decisions",
        "/units",
        "/tasks?category=overdue&as_of=2022-07-01",
    ] {
        let (status, json) = get_from(&app, &format!("/api/v1{path}")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(json.trim_start().starts_with('{') || json.trim_start().starts_with('['));
        for _ in 0..2 {
            let (status, page) = get_from(&app, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(
                page.trim_start().starts_with("<!DOCTYPE html>") || page.contains("<html"),
                "{path} answers its page, not the API's JSON: {}",
                &page[..page.len().min(120)]
            );
        }
        let (_, again) = get_from(&app, &format!("/api/v1{path}")).await;
        assert_eq!(again, json, "and the API its JSON");
    }
}
