//! §2 of the hardening: security headers on every kind of response, `no-store` for signed-in
//! callers only, no inline script or style anywhere, the JSON change API's CSRF rule for
//! session cookies, the last administrator, password strength, idle and absolute session expiry.

use actionplan::accounts::{self, AccountError, NewAccount};
use actionplan::config::Config;
use actionplan::domain::role::Role;
use actionplan::{AppState, app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::{import_seeds, test_app};

const D905: &str = "905/QĐ-BTTTT";

fn assert_security_headers(answer: &Answer, what: &str) {
    let h = &answer.headers;
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .expect("ascii");
    for part in [
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{what}");
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

#[sqlx::test]
async fn every_kind_of_response_carries_the_security_headers(db: PgPool) {
    import_seeds(&db).await;
    let open = test_app(db.clone());
    // A kept page twice: rendered, then served from its kept copy.
    for (path, status) in [
        ("/", StatusCode::OK),
        ("/", StatusCode::OK),
        ("/tasks?q=tin", StatusCode::OK),
        ("/api/v1/decisions", StatusCode::OK),
        ("/api/v1/nothing", StatusCode::NOT_FOUND),
        ("/no-such-page", StatusCode::NOT_FOUND),
        ("/healthz", StatusCode::OK),
        ("/readyz", StatusCode::OK),
        ("/login", StatusCode::OK),
        ("/tasks?as_of=%00", StatusCode::BAD_REQUEST),
    ] {
        let answer = send(open.clone(), get(path)).await;
        assert_eq!(answer.status, status, "{path}");
        assert_security_headers(&answer, path);
        assert!(
            !answer
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            "{path}: no HSTS over plain HTTP"
        );
    }
    let css = send(open.clone(), get("/assets/0/app.css")).await;
    assert_security_headers(&css, "asset");
    // A redirect to the sign-in page, from the private app.
    let redirect = send(private_app(db.clone()), get("/tasks")).await;
    assert_eq!(redirect.status, StatusCode::SEE_OTHER);
    assert_security_headers(&redirect, "redirect");
}

fn app_with_public_url(db: PgPool, public_url: &str) -> axum::Router {
    let config = Config {
        database_url: None,
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: "seeds".into(),
        data_dir: "data".into(),
        db_max_connections: 5,
        task_cache_mb: 0,
        public_read: true,
        public_url: public_url.to_owned(),
        reminders: Default::default(),
        sessions: Default::default(),
    };
    app(AppState::new(db, config))
}

#[sqlx::test]
async fn hsts_is_sent_only_when_the_site_is_reached_over_https(db: PgPool) {
    let plain = app_with_public_url(db.clone(), "http://127.0.0.1:8080");
    let answer = send(plain.clone(), get("/healthz")).await;
    assert!(
        !answer
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
    let proxied = Request::get("/healthz")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .expect("request");
    let answer = send(plain, proxied).await;
    assert_eq!(
        answer.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let https = app_with_public_url(db, "https://kehoach.bo.gov.vn");
    let answer = send(https, get("/healthz")).await;
    assert_eq!(
        answer.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

#[sqlx::test]
async fn signed_in_pages_are_not_stored_while_public_pages_and_assets_stay_cacheable(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "viewer@bo.vn", "viewer", &[]).await;
    let open = test_app(db.clone());
    let anonymous = send(open, get("/")).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert!(
        !anonymous.headers.contains_key(header::CACHE_CONTROL),
        "a public page keeps the default caching"
    );
    let session = sign_in(&db, "viewer@bo.vn").await;
    let private = private_app(db.clone());
    // Twice: the second answer comes from the kept copy and must say no-store too.
    for path in ["/", "/", "/tasks", "/tasks", "/api/v1/tasks", "/account"] {
        let answer = send(private.clone(), get_request(path, Some(&session.cookie))).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert_security_headers(&answer, path);
    }
    let version = actionplan::web::assets::VERSION.as_str();
    let css = send(
        private,
        get_request(&format!("/assets/{version}/app.css"), Some(&session.cookie)),
    )
    .await;
    assert_eq!(
        css.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

/// Inline script or style that the content policy would block: a `<script>` without `src`, a
/// `<style>` element, a `style=` or `on…=` attribute, a `javascript:` URL.
fn inline_code(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("<script") {
        let tag = &lower[at..lower[at..].find('>').map_or(lower.len(), |e| at + e)];
        if !tag.contains(" src=") {
            found.push(tag.to_owned());
        }
    }
    if lower.contains("<style") {
        found.push("<style>".to_owned());
    }
    if lower.contains("javascript:") {
        found.push("javascript:".to_owned());
    }
    // Attributes inside tags: ` style=` or ` on<letters>=`.
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b' ' | b'\n' | b'\t' if in_tag => {
                let rest = &lower[i + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
                    .collect();
                if rest[name.len()..].starts_with('=')
                    && (name == "style" || (name.starts_with("on") && name.len() > 2))
                {
                    found.push(rest.chars().take(40).collect());
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn the_inline_code_finder_finds_what_the_policy_blocks() {
    assert!(inline_code(r#"<p class="a">x</p><script src="/a.js"></script>"#).is_empty());
    assert_eq!(inline_code("<script>alert(1)</script>").len(), 1);
    assert_eq!(inline_code(r#"<span style="width: 3%">"#).len(), 1);
    assert_eq!(inline_code(r#"<button onclick="x()">"#).len(), 1);
    assert!(inline_code("<p>style=ok onclick= is text</p>").is_empty());
}

#[test]
fn no_template_served_over_http_has_inline_script_or_style() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root.clone()];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("templates") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                // E-mails are not web pages: mail clients need their styles inline.
                if !path.ends_with("reminders") {
                    stack.push(path);
                }
            } else {
                let text = std::fs::read_to_string(&path).expect("template");
                let found = inline_code(&text);
                assert!(found.is_empty(), "{}: {found:?}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 15, "only {checked} templates found");
}

#[sqlx::test]
async fn the_pages_as_rendered_carry_no_inline_script_or_style(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "admin@bo.vn", "admin", &[]).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let (task_id, _) = task(&db, D905, "I.1").await;
    let private = private_app(db.clone());
    let mut checked = Vec::new();
    for email in ["admin@bo.vn", "manager@bo.vn"] {
        let session = sign_in(&db, email).await;
        for path in [
            "/".to_owned(),
            "/tasks".to_owned(),
            format!("/tasks/{task_id}"),
            "/decisions".to_owned(),
            "/units".to_owned(),
            "/reports".to_owned(),
            "/reports/overdue?as_of=2024-06-30".to_owned(),
            "/reports/completed?year=2023".to_owned(),
            "/reports/deadlines".to_owned(),
            "/admin/users".to_owned(),
            "/account".to_owned(),
            "/calendar".to_owned(),
            "/no-such-page".to_owned(),
        ] {
            let answer = send(private.clone(), get_request(&path, Some(&session.cookie))).await;
            let found = inline_code(&answer.body);
            assert!(found.is_empty(), "{email} {path}: {found:?}");
            checked.push(path);
        }
    }
    let login = send(private, get("/login")).await;
    assert!(inline_code(&login.body).is_empty());
    assert!(checked.len() >= 26);
}

#[sqlx::test]
async fn the_json_api_takes_a_session_cookie_only_with_its_csrf_token_from_this_site(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let session = sign_in(&db, "manager@bo.vn").await;
    let (id, _) = task(&db, D905, "I.1").await;
    let path = format!("/api/v1/tasks/{id}/events");
    let note = json!({"kind": "note", "note": "Ghi chú qua API bằng cookie"});
    let with = |csrf: Option<&str>, origin: Option<&str>| {
        let mut builder = Request::post(path.as_str())
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, session.cookie.as_str());
        if let Some(csrf) = csrf {
            builder = builder.header("x-csrf-token", csrf);
        }
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(Body::from(note.to_string())).expect("request")
    };
    let before = footprint(&db, id).await;
    for (csrf, origin, why) in [
        (None, Some("http://localhost"), "no token"),
        (Some("wrong"), Some("http://localhost"), "a wrong token"),
        (
            Some(session.csrf.as_str()),
            Some("https://evil.example"),
            "another site",
        ),
    ] {
        let answer = send(private_app(db.clone()), with(csrf, origin)).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{why}: {}",
            answer.body
        );
        assert_eq!(answer.json()["error"], "csrf", "{why}");
        assert_eq!(footprint(&db, id).await, before, "{why}: nothing written");
    }
    let genuine = send(
        private_app(db.clone()),
        with(Some(&session.csrf), Some("http://localhost")),
    )
    .await;
    assert_eq!(genuine.status, StatusCode::CREATED, "{}", genuine.body);
    let token = token_for(&db, "manager@bo.vn").await;
    let bearer = send(
        private_app(db.clone()),
        json_request(&path, Some(&token), &note),
    )
    .await;
    assert_eq!(
        bearer.status,
        StatusCode::CREATED,
        "a bearer token needs no CSRF token"
    );
}

async fn role_and_disabled(db: &PgPool, email: &str) -> (String, bool) {
    sqlx::query_as("select role, disabled from users where email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .expect("user")
}

#[sqlx::test]
async fn the_last_administrator_cannot_be_demoted_or_disabled(db: PgPool) {
    let first = make_user(&db, "admin@bo.vn", "admin", &[]).await;
    let session = sign_in(&db, "admin@bo.vn").await;
    let demote = |id: i64, role: &str| {
        form_request(
            &format!("/admin/users/{id}"),
            Some(&session.cookie),
            &[("csrf", &session.csrf), ("action", "role"), ("role", role)],
        )
    };
    let refused = send(private_app(db.clone()), demote(first, "manager")).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("quản trị viên cuối cùng"));
    assert_eq!(
        role_and_disabled(&db, "admin@bo.vn").await,
        ("admin".into(), false)
    );
    assert!(matches!(
        accounts::set_disabled(&db, first, true).await,
        Err(AccountError::Invalid(_, _))
    ));
    assert_eq!(
        role_and_disabled(&db, "admin@bo.vn").await,
        ("admin".into(), false)
    );
    // With a second administrator either may go, but not both.
    let second = make_user(&db, "admin2@bo.vn", "admin", &[]).await;
    let ok = send(private_app(db.clone()), demote(first, "manager")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(accounts::set_disabled(&db, second, true).await.is_err());
    // Two administrators demoting each other at the same moment: one of them stays admin.
    let third = make_user(&db, "admin3@bo.vn", "admin", &[]).await;
    let (a, b) = tokio::join!(
        accounts::set_role(&db, second, Role::Viewer),
        accounts::set_role(&db, third, Role::Viewer),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let admins: i64 =
        sqlx::query_scalar("select count(*) from users where role = 'admin' and not disabled")
            .fetch_one(&db)
            .await
            .expect("count");
    assert_eq!(admins, 1);
}

#[sqlx::test]
async fn common_and_trivial_passwords_are_refused_with_a_clear_message(db: PgPool) {
    for weak in [
        "password123",
        "1234567890",
        "qwertyuiop",
        "aaaaaaaaaaaa",
        "matkhau2024",
        "abcdefghijk",
        "admin@bo.vn1",
        "Quantri123!",
    ] {
        let account = NewAccount {
            email: "admin@bo.vn".into(),
            name: "Quản trị".into(),
            role: "admin".into(),
            password: weak.into(),
            units: vec![],
        };
        match accounts::create_account(&db, &account).await {
            Err(AccountError::Invalid("password", message)) => {
                assert!(message.contains("dễ đoán"), "{weak}: {message}")
            }
            other => panic!("{weak}: {other:?}"),
        }
    }
    for strong in [
        PASSWORD,
        "tháng-Bảy mưa ngâu 1987",
        &accounts::generate_password(),
    ] {
        assert!(
            accounts::check_password(strong, &["admin@bo.vn", "Quản trị"]).is_ok(),
            "{strong}"
        );
    }
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(users, 0);
}

async fn age_session(db: &PgPool, column: &str, by: &str) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "update sessions set {column} = now() - interval '{by}'"
    )))
    .execute(db)
    .await
    .expect("age");
}

async fn page_status(db: &PgPool, session: &Session) -> StatusCode {
    send(
        private_app(db.clone()),
        get_request("/tasks", Some(&session.cookie)),
    )
    .await
    .status
}

#[sqlx::test]
async fn a_session_ends_when_idle_too_long_and_at_its_absolute_expiry(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "viewer@bo.vn", "viewer", &[]).await;
    let session = sign_in(&db, "viewer@bo.vn").await;
    // Used half an hour ago: still live, and the use is noted.
    age_session(&db, "last_seen_at", "30 minutes").await;
    assert_eq!(page_status(&db, &session).await, StatusCode::OK);
    let idle: f64 =
        sqlx::query_scalar("select extract(epoch from now() - last_seen_at)::float8 from sessions")
            .fetch_one(&db)
            .await
            .expect("idle");
    assert!(idle < 60.0, "the use was noted ({idle} s ago)");
    // Unused for more than the idle limit (60 minutes by default): ended.
    age_session(&db, "last_seen_at", "61 minutes").await;
    assert_eq!(page_status(&db, &session).await, StatusCode::SEE_OTHER);
    // Active, but past its absolute expiry: ended.
    sqlx::query("delete from sessions")
        .execute(&db)
        .await
        .expect("clear");
    let session = sign_in(&db, "viewer@bo.vn").await;
    let lasts: f64 = sqlx::query_scalar(
        "select extract(epoch from expires_at - created_at)::float8 from sessions",
    )
    .fetch_one(&db)
    .await
    .expect("expiry");
    assert!((lasts - 12.0 * 3600.0).abs() < 60.0, "{lasts}");
    age_session(&db, "expires_at", "1 second").await;
    assert_eq!(page_status(&db, &session).await, StatusCode::SEE_OTHER);
}
