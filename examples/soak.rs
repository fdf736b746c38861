//! The soak of bench/soak.sh: N connections for D seconds against a running server, reads of
//! every main route plus a share of signed-in writes (notes through the JSON API with a session
//! cookie and its CSRF token); the server's memory sampled every second; then every write
//! checked in the database: answered 201 ⇒ its note is in the history exactly once, anything
//! else ⇒ absent. Prints the figures; exits non-zero on any 5xx, lost or duplicated write.
//!
//! `cargo run --release --example soak -- --base URL --db URL --pid PID --email E --password P
//!  [--duration 60] [--connections 64] [--write-percent 5]`

#![expect(clippy::print_stdout, reason = "a bench prints its figures")]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sqlx::PgPool;

type Http = Client<HttpConnector, Full<Bytes>>;

#[derive(Debug)]
struct Args {
    base: String,
    db: String,
    pid: u32,
    email: String,
    password: String,
    duration: u64,
    connections: usize,
    write_percent: u64,
}

fn args() -> Result<Args, String> {
    let mut map = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(key) = it.next() {
        let key = key.trim_start_matches("--").to_owned();
        let value = it.next().ok_or(format!("--{key} needs a value"))?;
        map.insert(key, value);
    }
    let get = |k: &str| map.get(k).cloned().ok_or(format!("--{k} is required"));
    let num = |k: &str, d: u64| {
        map.get(k)
            .map_or(Ok(d), |v| v.parse().map_err(|_| format!("--{k}")))
    };
    Ok(Args {
        base: get("base")?,
        db: get("db")?,
        pid: get("pid")?.parse().map_err(|_| "--pid")?,
        email: get("email")?,
        password: get("password")?,
        duration: num("duration", 60)?,
        connections: usize::try_from(num("connections", 64)?).map_err(|_| "--connections")?,
        write_percent: num("write-percent", 5)?,
    })
}

/// xorshift64*: a worker's own cheap random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Reply {
    status: StatusCode,
    cookie: Option<String>,
    body: String,
}

async fn send(
    http: &Http,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: String,
) -> Result<Reply, String> {
    let mut builder = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let request = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(Duration::from_secs(30), http.request(request))
        .await
        .map_err(|_| "timeout".to_owned())?
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(Reply {
        status,
        cookie,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Signs in once; returns (cookie, CSRF token).
async fn sign_in(http: &Http, a: &Args) -> Result<(String, String), String> {
    let form: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("email", &a.email), ("password", &a.password)])
        .finish();
    let origin = a.base.clone();
    let reply = send(
        http,
        Method::POST,
        &format!("{}/login", a.base),
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", &origin),
        ],
        form,
    )
    .await?;
    let cookie = reply.cookie.ok_or(format!(
        "sign-in answered {} without a cookie",
        reply.status
    ))?;
    let page = send(
        http,
        Method::GET,
        &format!("{}/account", a.base),
        &[("cookie", &cookie)],
        String::new(),
    )
    .await?;
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .ok_or("no CSRF token on /account")?
        .to_owned();
    Ok((cookie, csrf))
}

#[derive(Default)]
struct Tally {
    reads: u64,
    by_status: HashMap<u16, u64>,
    errors: HashMap<String, u64>,
    latencies_us: Vec<u32>,
    /// (note, answered 201?)
    writes: Vec<(String, bool)>,
}

struct Shared {
    args: Args,
    task_ids: Vec<i64>,
    units: Vec<i64>,
    session: (String, String),
    deadline: Instant,
}

fn read_path(rng: &mut Rng, s: &Shared) -> String {
    let task = s.task_ids[rng.below(s.task_ids.len() as u64) as usize];
    let unit = s.units[rng.below(s.units.len() as u64) as usize];
    match rng.below(10) {
        0 => "/".to_owned(),
        1 => format!("/tasks?page={}", 1 + rng.below(20)),
        2 | 3 => format!("/tasks/{task}"),
        4 | 5 => format!("/api/v1/tasks/{task}"),
        6 => format!("/tasks?lead_unit={unit}"),
        7 => "/reports/overdue?as_of=2024-06-30".to_owned(),
        8 => "/api/v1/tasks?category=overdue".to_owned(),
        _ => "/decisions".to_owned(),
    }
}

async fn worker(n: usize, s: Arc<Shared>) -> Tally {
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build_http();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64 + 1).wrapping_mul(0x1000_0001));
    let mut tally = Tally::default();
    let mut written = 0u64;
    let origin = s.args.base.clone();
    while Instant::now() < s.deadline {
        let started = Instant::now();
        let outcome = if rng.below(100) < s.args.write_percent {
            let task = s.task_ids[rng.below(s.task_ids.len() as u64) as usize];
            written += 1;
            let note = format!("soak-{n}-{written}-{}", rng.next());
            let body = serde_json::json!({"kind": "note", "note": note}).to_string();
            let reply = send(
                &http,
                Method::POST,
                &format!("{}/api/v1/tasks/{task}/events", s.args.base),
                &[
                    ("content-type", "application/json"),
                    ("cookie", &s.session.0),
                    ("x-csrf-token", &s.session.1),
                    ("origin", &origin),
                ],
                body,
            )
            .await;
            let created = matches!(&reply, Ok(r) if r.status == StatusCode::CREATED);
            tally.writes.push((note, created));
            reply
        } else {
            tally.reads += 1;
            let path = read_path(&mut rng, &s);
            send(
                &http,
                Method::GET,
                &format!("{}{path}", s.args.base),
                &[("accept-encoding", "gzip")],
                String::new(),
            )
            .await
        };
        match outcome {
            Ok(reply) => *tally.by_status.entry(reply.status.as_u16()).or_default() += 1,
            Err(e) => *tally.errors.entry(e).or_default() += 1,
        }
        tally
            .latencies_us
            .push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
    }
    tally
}

fn rss_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, String> {
    let args = args()?;
    let db = PgPool::connect(&args.db).await.map_err(|e| e.to_string())?;
    let task_ids: Vec<i64> = sqlx::query_scalar("select id from tasks where not retired")
        .fetch_all(&db)
        .await
        .map_err(|e| e.to_string())?;
    let units: Vec<i64> = sqlx::query_scalar("select id from units where not is_group")
        .fetch_all(&db)
        .await
        .map_err(|e| e.to_string())?;
    let events_before: i64 = sqlx::query_scalar("select count(*) from task_events")
        .fetch_one(&db)
        .await
        .map_err(|e| e.to_string())?;
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let session = sign_in(&http, &args).await?;
    let pid = args.pid;
    let duration = Duration::from_secs(args.duration);
    let connections = args.connections;
    let shared = Arc::new(Shared {
        args,
        task_ids,
        units,
        session,
        deadline: Instant::now() + duration,
    });
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        let started = Instant::now();
        while started.elapsed() < duration {
            samples.push((started.elapsed().as_secs(), rss_kb(pid).unwrap_or(0)));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        samples.push((started.elapsed().as_secs(), rss_kb(pid).unwrap_or(0)));
        samples
    });
    let workers: Vec<_> = (0..connections)
        .map(|n| tokio::spawn(worker(n, Arc::clone(&shared))))
        .collect();
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.map_err(|e| e.to_string())?;
        all.reads += t.reads;
        for (k, v) in t.by_status {
            *all.by_status.entry(k).or_default() += v;
        }
        for (k, v) in t.errors {
            *all.errors.entry(k).or_default() += v;
        }
        all.latencies_us.extend(t.latencies_us);
        all.writes.extend(t.writes);
    }
    let samples = sampler.await.map_err(|e| e.to_string())?;

    // Every write: 201 ⇒ exactly once in the history; anything else ⇒ absent.
    let notes: Vec<String> = all.writes.iter().map(|(n, _)| n.clone()).collect();
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "select n, (select count(*) from task_events e where e.note = n)
           from unnest($1::text[]) n",
    )
    .bind(&notes)
    .fetch_all(&db)
    .await
    .map_err(|e| e.to_string())?;
    let counted: HashMap<String, i64> = counts.into_iter().collect();
    let mut lost = 0;
    let mut doubled = 0;
    let mut phantom = 0;
    for (note, created) in &all.writes {
        match (created, counted.get(note).copied().unwrap_or(0)) {
            (true, 1) | (false, 0) => {}
            (true, 0) => lost += 1,
            (true, _) => doubled += 1,
            (false, _) => phantom += 1,
        }
    }
    let events_after: i64 = sqlx::query_scalar("select count(*) from task_events")
        .fetch_one(&db)
        .await
        .map_err(|e| e.to_string())?;

    all.latencies_us.sort_unstable();
    let pct = |p: f64| {
        let i = ((all.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(all.latencies_us.get(i).copied().unwrap_or(0)) / 1000.0
    };
    let total: u64 = all.by_status.values().sum();
    let server_errors: u64 = all
        .by_status
        .iter()
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    let created = all.writes.iter().filter(|(_, c)| *c).count();
    let secs = duration.as_secs_f64();
    let at = |t: u64| {
        samples
            .iter()
            .find(|(s, _)| *s >= t)
            .map_or(0, |(_, kb)| *kb / 1024)
    };
    let peak = samples.iter().map(|(_, kb)| kb / 1024).max().unwrap_or(0);
    let end = samples.last().map_or(0, |(_, kb)| kb / 1024);
    let mut statuses: Vec<_> = all.by_status.iter().collect();
    statuses.sort();
    println!("soak: {connections} connections, {secs:.0} s");
    println!(
        "requests: {total} ({:.0}/s), reads {}, writes {} (201: {created})",
        total as f64 / secs,
        all.reads,
        all.writes.len()
    );
    println!("statuses: {statuses:?}; transport errors: {:?}", all.errors);
    println!(
        "latency ms: p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "server RSS MB: at 5 s {}, 15 s {}, 30 s {}, 45 s {}, end {end}, peak {peak}",
        at(5),
        at(15),
        at(30),
        at(45)
    );
    println!(
        "history: {} events added; writes answered 201 and present once: {}; lost {lost}, doubled {doubled}, present though not 201: {phantom}",
        events_after - events_before,
        created - lost - doubled
    );
    // Flat: from 15 s on (the task details are read in by then) it grows by under a fifth.
    let flat = end <= at(15) + at(15) / 5 + 8;
    let ok = server_errors == 0
        && all.errors.is_empty()
        && lost == 0
        && doubled == 0
        && phantom == 0
        && i64::try_from(created).is_ok_and(|c| c == events_after - events_before)
        && flat;
    println!(
        "verdict: {} (5xx {server_errors}, memory {})",
        if ok { "PASS" } else { "FAIL" },
        if flat { "flat" } else { "GREW" }
    );
    Ok(ok)
}
