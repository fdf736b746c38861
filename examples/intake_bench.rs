//! Speed of the intake page (`/plans/import`) on a generated 1,000-task Word plan, through its
//! HTTP routes and the whole middleware stack (in process, no socket): upload, preview and
//! commit of a new plan, then upload, preview and commit of a revision that changes every task.
//! The database (DATABASE_URL, required) is emptied of plan data and filled with a generated
//! registry of 2,000 units first. `bench/intake.sh`.

use std::time::{Duration, Instant};

use actionplan::accounts::{NewAccount, create_account};
use actionplan::config::Config;
use actionplan::db::bootstrap::{self, Database};
use actionplan::db::generate::{self, Scale};
use actionplan::{AppState, app};
use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[path = "support/plan_docx.rs"]
mod plan_docx;

use plan_docx::{TASKS, plan_docx, plan_docx_with};

const RUNS: usize = 3;
const EMAIL: &str = "bench-intake@bo.gov.vn";
const PASSWORD: &str = "mat-khau-bench-intake-2026";

struct Client {
    router: axum::Router,
    cookie: String,
    csrf: String,
}

struct Answer {
    status: StatusCode,
    location: String,
    body: String,
    took: Duration,
}

impl Client {
    async fn send(&self, request: Request<Body>) -> anyhow::Result<Answer> {
        let started = Instant::now();
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            took: started.elapsed(),
        })
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, &self.cookie)
    }

    async fn upload(&self, name: &str, bytes: &[u8]) -> anyhow::Result<(String, Duration)> {
        let boundary = "----intake-bench";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n",
            self.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .request("POST", "/plans/import")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))?;
        let answer = self.send(request).await?;
        if answer.status != StatusCode::SEE_OTHER {
            bail!("upload answered {}: {}", answer.status, answer.body);
        }
        Ok((answer.location, answer.took))
    }

    async fn get(&self, path: &str) -> anyhow::Result<Answer> {
        let answer = self
            .send(self.request("GET", path).body(Body::empty())?)
            .await?;
        if answer.status != StatusCode::OK {
            bail!("{path} answered {}", answer.status);
        }
        Ok(answer)
    }

    /// Posts the preview's form with the code and date supplied: `save` or `commit`.
    async fn post(
        &self,
        path: &str,
        page: &str,
        code: &str,
        action: &str,
    ) -> anyhow::Result<Answer> {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("csrf", self.csrf.as_str()),
                ("version", &hidden(page, "version")?),
                ("basis", &hidden(page, "basis")?),
                ("code", code),
                ("issued_on", "02/03/2026"),
                ("issuer", "Ủy ban nhân dân tỉnh Thử nghiệm"),
                ("action", action),
            ])
            .finish();
        let request = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))?;
        let answer = self.send(request).await?;
        let expected = if action == "commit" {
            "/decisions/"
        } else {
            "/plans/import/"
        };
        if answer.status != StatusCode::SEE_OTHER || !answer.location.starts_with(expected) {
            bail!("{action} answered {}: {}", answer.status, answer.body);
        }
        Ok(answer)
    }
}

fn hidden(page: &str, name: &str) -> anyhow::Result<String> {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .with_context(|| format!("no {name} on the preview"))
}

/// A fresh database: generated plans and units, one manager, signed in.
async fn prepare() -> anyhow::Result<Client> {
    let url = std::env::var("DATABASE_URL")
        .context("set DATABASE_URL to a database of your own (bench/intake.sh)")?;
    let config = Config {
        database_url: Some(url),
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: "seeds".into(),
        data_dir: "data".into(),
        db_max_connections: 10,
        task_cache_mb: 64,
        public_read: false,
        public_url: Config::DEFAULT_PUBLIC_URL.to_owned(),
        reminders: Default::default(),
        sessions: Default::default(),
    };
    let Database { pool, .. } = bootstrap::open(&config).await?;
    let mut tx = pool.begin().await?;
    generate::clear_data(&mut tx).await?;
    let scale = Scale {
        decisions: 20,
        tasks: 2_000,
        units: 2_000,
        events: 2_000,
        seed: 13,
    };
    let today = actionplan::web::params::today_in_vietnam();
    generate::generate(&mut tx, &scale, today).await?;
    sqlx::query("delete from intake_drafts")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    generate::vacuum_analyze(&pool).await?;
    generate::remove_accounts(&pool, &[EMAIL]).await?;
    create_account(
        &pool,
        &NewAccount {
            email: EMAIL.to_owned(),
            name: "Đo tốc độ nhập kế hoạch".to_owned(),
            role: "manager".to_owned(),
            password: PASSWORD.to_owned(),
            units: Vec::new(),
        },
    )
    .await?;
    let mut client = Client {
        router: app(AppState::new(pool, config)),
        cookie: String::new(),
        csrf: String::new(),
    };
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("email", EMAIL), ("password", PASSWORD), ("next", "/")])
        .finish();
    let signed = client
        .router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))?,
        )
        .await?;
    client.cookie = signed
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .context("sign-in sets a session cookie")?
        .to_owned();
    let page = client.get("/plans/import").await?;
    client.csrf = hidden(&page.body, "csrf")?;
    Ok(client)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[expect(clippy::print_stdout, reason = "the benchmark reports on stdout")]
async fn run() -> anyhow::Result<()> {
    let client = prepare().await?;
    let plan = plan_docx();
    let revised = plan_docx_with(" (sửa đổi)");
    println!(
        "intake of a generated {TASKS}-task .docx ({} KB; revision {} KB), registry of 2,000 units, {RUNS} runs",
        plan.len() / 1024,
        revised.len() / 1024
    );
    println!(
        "{:<4} {:<9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "run", "document", "upload", "preview", "save", "preview", "commit", "page KB"
    );
    for run in 1..=RUNS {
        let code = format!("{run}/KH-BENCH");
        for (kind, bytes) in [("new", &plan), ("revision", &revised)] {
            // Upload; preview as read; supply the code and date (save); preview again, now with
            // the difference for a revision; commit.
            let (path, upload) = client.upload("ke-hoach.docx", bytes).await?;
            let first = client.get(&path).await?;
            if !first.body.contains(&format!("{TASKS} nhiệm vụ")) {
                bail!("the preview does not list {TASKS} tasks");
            }
            let save = client.post(&path, &first.body, &code, "save").await?;
            let second = client.get(&path).await?;
            if kind == "revision" && !second.body.contains("id=\"revision-changed\"") {
                bail!("the revision's preview shows no difference");
            }
            let commit = client.post(&path, &second.body, &code, "commit").await?;
            println!(
                "{run:<4} {kind:<9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
                ms(upload),
                ms(first.took),
                ms(save.took),
                ms(second.took),
                ms(commit.took),
                second.body.len() / 1024
            );
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
