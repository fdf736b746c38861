//! Shared test helpers: seed documents, an app over a test database, JSON requests.

use std::path::PathBuf;

use actionplan::config::Config;
use actionplan::db::generate::{self, Scale};
use actionplan::db::import::{ImportOutcome, import_document};
use actionplan::{AppState, app};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

pub const SEED_905: &str = "000_9ca021430107ac42.txt";
pub const SEED_94: &str = "004_ac149ff07afd362b.txt";

/// The bytes of a seed document.
pub fn seed(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("seed {} unreadable: {e}", path.display()))
}

/// The text of a seed document.
pub fn seed_text(name: &str) -> String {
    String::from_utf8(seed(name)).expect("seeds are UTF-8")
}

/// Imports both seed plans.
pub async fn import_seeds(db: &PgPool) -> (ImportOutcome, ImportOutcome) {
    let a = import_document(db, SEED_905, &seed(SEED_905))
        .await
        .expect("905 imports");
    let b = import_document(db, SEED_94, &seed(SEED_94))
        .await
        .expect("94 imports");
    (a, b)
}

/// The day generated data is generated for: its states and histories end there.
pub fn generated_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// Fills a test database with generated data at a scale, as of `generated_today()`.
pub async fn fill_at(db: &PgPool, scale: &Scale) -> generate::Summary {
    let mut tx = db.begin().await.expect("begin");
    let summary = generate::generate(&mut tx, scale, generated_today())
        .await
        .expect("generates");
    tx.commit().await.expect("commit");
    summary
}

/// The application over a test database.
pub fn test_app(db: PgPool) -> axum::Router {
    app(test_state(db))
}

/// The state the test application runs on (reading open to all, as with `PUBLIC_READ=true`).
pub fn test_state(db: PgPool) -> AppState {
    let config = Config {
        database_url: None,
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: PathBuf::from("seeds"),
        data_dir: PathBuf::from("data"),
        db_max_connections: 5,
        task_cache_mb: 64,
        public_read: true,
        public_url: Config::DEFAULT_PUBLIC_URL.to_owned(),
        reminders: Default::default(),
        sessions: Default::default(),
    };
    AppState::new(db, config)
}

/// GET a path; returns the status and the body parsed as JSON (Null when it is not JSON).
pub async fn get_json(db: &PgPool, path: &str) -> (StatusCode, serde_json::Value) {
    let (status, body) = get_html(db, path).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// Counts of every table an import writes, to show that a rejected import wrote nothing.
pub async fn table_counts(db: &PgPool) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "decisions",
        "sections",
        "tasks",
        "task_texts",
        "milestones",
        "units",
        "unit_aliases",
        "unit_group_members",
        "task_units",
        "task_events",
    ] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(db)
                .await
                .expect("count");
        counts.push(n);
    }
    counts
}

/// GET a page; returns the status and the HTML.
pub async fn get_html(db: &PgPool, path: &str) -> (StatusCode, String) {
    get_from(&test_app(db.clone()), path).await
}

/// GET a path from one app (whose caches live between requests); returns status and body.
pub async fn get_from(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("router answers");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        String::from_utf8(bytes.to_vec()).expect("UTF-8 page"),
    )
}

/// Polls `check` for up to five seconds (notifications arrive asynchronously).
pub async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// The body rows (`<tr>…</tr>` inside `<tbody>`) of the table with this id, as HTML.
pub fn table_rows(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table #{id}"));
    let table = &html[start..];
    let table = &table[..table.find("</table>").expect("the table ends")];
    let Some(body) = table.find("<tbody>") else {
        return Vec::new();
    };
    let body = &table[body..table.find("</tbody>").unwrap_or(table.len())];
    body.split("<tr")
        .skip(1)
        .map(|row| row[..row.find("</tr>").unwrap_or(row.len())].to_owned())
        .collect()
}
