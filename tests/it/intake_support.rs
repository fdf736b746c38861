//! Driving the intake page (`/plans/import`) over HTTP as a signed-in user: uploads, previews,
//! the preview form's hidden fields and choices, and the rows a draft or a commit leaves.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;

use crate::auth_support::{
    Answer, Session, form_request, get_request, make_user, private_app, send, sign_in,
};

/// The bytes of a file under `tests/` ("fixtures/docx/plan-merges.docx", "corpus/…").
pub fn fixture(path: &str) -> Vec<u8> {
    let path = fixture_path(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {} unreadable: {e}", path.display()))
}

/// The absolute path of a file under `tests/`.
pub fn fixture_path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(path)
}

/// A new account of `role`, signed in.
pub async fn signed_in(db: &PgPool, email: &str, role: &str, units: &[&str]) -> Session {
    make_user(db, email, role, units).await;
    sign_in(db, email).await
}

/// The upload form's post: the session's token and one file.
pub fn upload_request(session: &Session, csrf: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "----actionplan-intake-boundary";
    let mut body: Vec<u8> = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/plans/import")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, &session.cookie)
        .body(Body::from(body))
        .expect("request")
}

/// Uploads a file with the session's own token.
pub async fn upload(db: &PgPool, session: &Session, name: &str, bytes: &[u8]) -> Answer {
    send(
        private_app(db.clone()),
        upload_request(session, &session.csrf, name, bytes),
    )
    .await
}

/// Uploads a file that must become a draft; returns the draft's id.
pub async fn upload_draft(db: &PgPool, session: &Session, name: &str, bytes: &[u8]) -> i64 {
    let answer = upload(db, session, name, bytes).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.headers[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    location
        .strip_prefix("/plans/import/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirect to a draft, not {location}"))
}

/// GET a path as the session.
pub async fn get(db: &PgPool, session: &Session, path: &str) -> Answer {
    send(
        private_app(db.clone()),
        get_request(path, Some(&session.cookie)),
    )
    .await
}

/// The preview of a draft, which must answer 200.
pub async fn preview(db: &PgPool, session: &Session, id: i64) -> String {
    let answer = get(db, session, &format!("/plans/import/{id}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

/// Posts the preview form of draft `id`: the page's hidden fields (from `page`), the session's
/// token, then `fields`.
pub async fn post_draft(
    db: &PgPool,
    session: &Session,
    id: i64,
    page: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let version = hidden(page, "version");
    let basis = hidden(page, "basis");
    let mut all: Vec<(&str, &str)> = vec![
        ("csrf", session.csrf.as_str()),
        ("version", version.as_str()),
        ("basis", basis.as_str()),
    ];
    all.extend_from_slice(fields);
    send(
        private_app(db.clone()),
        form_request(&format!("/plans/import/{id}"), Some(&session.cookie), &all),
    )
    .await
}

/// Posts the cancel form of draft `id` with `csrf`.
pub async fn cancel(db: &PgPool, session: &Session, id: i64, csrf: &str) -> Answer {
    send(
        private_app(db.clone()),
        form_request(
            &format!("/plans/import/{id}/cancel"),
            Some(&session.cookie),
            &[("csrf", csrf)],
        ),
    )
    .await
}

/// The value of a hidden field of a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(unescape)
        .unwrap_or_else(|| panic!("no hidden field {name}"))
}

/// The option values of the page's unit choices.
pub fn choices(page: &str) -> Vec<String> {
    page.split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .collect()
}

/// The text of the element with `id` (up to its first tag), unescaped.
pub fn text_of(page: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let rest = page.split(&marker).nth(1)?;
    let rest = rest.split_once('>')?.1;
    Some(unescape(rest.split('<').next().unwrap_or_default()))
}

/// Text as askama escapes it, back.
pub fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Drafts stored, whoever's.
pub async fn draft_count(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from intake_drafts")
        .fetch_one(db)
        .await
        .expect("count")
}

/// Mappings saved at intakes.
pub async fn mapping_count(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from unit_mappings")
        .fetch_one(db)
        .await
        .expect("count")
}

/// The id of a unit by its registry key.
pub async fn unit_id(db: &PgPool, key: &str) -> i64 {
    sqlx::query_scalar("select id from units where key = $1")
        .bind(key)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("unit {key}: {e}"))
}

/// The lead units of a task, by decision code and reference: (unit id, text as written).
pub async fn leads_of(db: &PgPool, code: &str, reference: &str) -> Vec<(i64, Option<String>)> {
    sqlx::query_as(
        "select tu.unit_id, tu.written from task_units tu join tasks t on t.id = tu.task_id
           join decisions d on d.id = t.decision_id
          where d.code = $1 and t.ref = $2 and tu.role = 'lead' order by tu.position",
    )
    .bind(code)
    .bind(reference)
    .fetch_all(db)
    .await
    .expect("leads")
}
