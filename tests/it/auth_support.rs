//! Accounts, sign-in and requests as a signed-in user or an API client.

use actionplan::accounts::{NewAccount, create_account};
use actionplan::config::Config;
use actionplan::db::users;
use actionplan::{AppState, app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

pub const PASSWORD: &str = "mat-khau-du-dai-2024";

/// The app with reading behind sign-in (`PUBLIC_READ` unset).
pub fn private_app(db: PgPool) -> axum::Router {
    let config = Config {
        database_url: None,
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: "seeds".into(),
        data_dir: "data".into(),
        db_max_connections: 5,
        task_cache_mb: 64,
        public_read: false,
        public_url: Config::DEFAULT_PUBLIC_URL.to_owned(),
        reminders: Default::default(),
        sessions: Default::default(),
    };
    app(AppState::new(db, config))
}

/// Creates an account; `units` are unit names.
pub async fn make_user(db: &PgPool, email: &str, role: &str, units: &[&str]) -> i64 {
    let account = NewAccount {
        email: email.to_owned(),
        name: format!("Người dùng {email}"),
        role: role.to_owned(),
        password: PASSWORD.to_owned(),
        units: units.iter().map(|u| (*u).to_owned()).collect(),
    };
    create_account(db, &account)
        .await
        .unwrap_or_else(|e| panic!("create {email}: {e}"))
}

/// An API token for an account.
pub async fn token_for(db: &PgPool, email: &str) -> String {
    let id = users::user_id_by_email(db, email)
        .await
        .expect("lookup")
        .expect("user");
    users::create_token(db, id, "test").await.expect("token")
}

/// A signed-in browser-like session.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Sends a request to a fresh router over `db`.
pub async fn send(router: axum::Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn same_site(builder: axum::http::request::Builder) -> axum::http::request::Builder {
    builder
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
}

/// POSTs an url-encoded form.
pub fn form_request(path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut builder = same_site(Request::post(path))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body)).expect("request")
}

/// POSTs a multipart form (as the task page's forms do).
pub fn multipart_request(
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Request<Body> {
    let boundary = "----actionplan-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    same_site(Request::post(path))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request")
}

/// GET with a session cookie.
pub fn get_request(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = same_site(Request::get(path));
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).expect("request")
}

/// POSTs JSON with a bearer token.
pub fn json_request(path: &str, token: Option<&str>, body: &serde_json::Value) -> Request<Body> {
    let mut builder = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::from(body.to_string())).expect("request")
}

/// Signs in through the form and returns the session (cookie and CSRF token of its pages).
pub async fn sign_in(db: &PgPool, email: &str) -> Session {
    let answer = send(
        private_app(db.clone()),
        form_request(
            "/login",
            None,
            &[("email", email), ("password", PASSWORD), ("next", "/")],
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "sign-in of {email}: {}",
        answer.body
    );
    let set_cookie = answer.headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let page = send(
        private_app(db.clone()),
        get_request("/tasks", Some(&cookie)),
    )
    .await;
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token on the page")
        .to_owned();
    Session { cookie, csrf }
}

/// The id and version of a task by reference ("I.1") within a decision code.
pub async fn task(db: &PgPool, decision: &str, reference: &str) -> (i64, i32) {
    sqlx::query_as("select t.id, t.version from tasks t join decisions d on d.id = t.decision_id where d.code = $1 and t.ref = $2")
        .bind(decision)
        .bind(reference)
        .fetch_one(db)
        .await
        .expect("task")
}

/// Rows in the history and the version of a task: what a refused change must leave alone.
pub async fn footprint(db: &PgPool, task: i64) -> (i64, i32) {
    sqlx::query_as("select (select count(*) from task_events where task_id = $1), (select version from tasks where id = $1)")
        .bind(task)
        .fetch_one(db)
        .await
        .expect("footprint")
}
