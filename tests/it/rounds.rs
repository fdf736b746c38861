//! Reporting rounds: a manager opens one, a unit writes its lines as a draft and submits its
//! report once, a manager returns it and the unit submits again; late and missing units; the
//! compiled .docx (read back) and the .xlsx of every line; who may do what.

use actionplan::web::params::today_in_vietnam;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, TimeDelta};
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::{get_html, get_json, import_seeds, table_rows};
use crate::exports::read::{docx_parts, open_xlsx, sheet, text};

pub const MANAGER: &str = "manager@bo.vn";
pub const LEAD: &str = "lead@thh.vn";
const OTHER_LEAD: &str = "lead@shtt.vn";
pub const UNIT: &str = "Cục Tin học hóa";

fn vi(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

pub async fn accounts(db: &PgPool) {
    make_user(db, MANAGER, "manager", &[]).await;
    make_user(db, LEAD, "unit_lead", &[UNIT]).await;
    make_user(db, OTHER_LEAD, "unit_lead", &["Cục Sở hữu trí tuệ"]).await;
    make_user(db, "viewer@bo.vn", "viewer", &[]).await;
}

async fn post(db: &PgPool, who: &Session, path: &str, fields: &[(&str, &str)]) -> Answer {
    let mut all = vec![("csrf", who.csrf.as_str())];
    all.extend_from_slice(fields);
    send(
        private_app(db.clone()),
        form_request(path, Some(&who.cookie), &all),
    )
    .await
}

/// Opens a round over plan 905 due `due` days from today; returns its id.
pub async fn open_905_round(db: &PgPool, manager: &Session, due: i64) -> i64 {
    let today = today_in_vietnam();
    let plan: i64 = sqlx::query_scalar("select id from decisions where code = '905/QĐ-BTTTT'")
        .fetch_one(db)
        .await
        .expect("905");
    let answer = post(
        db,
        manager,
        "/rounds",
        &[
            ("title", "Báo cáo quý IV/2026"),
            ("period_from", &vi(today - TimeDelta::days(60))),
            ("period_to", &vi(today + TimeDelta::days(30))),
            ("due_on", &vi(today + TimeDelta::days(due))),
            ("scope", "plans"),
            ("plan", &plan.to_string()),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    sqlx::query_scalar("select max(id) from rounds")
        .fetch_one(db)
        .await
        .expect("a round")
}

pub async fn unit_id(db: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("select id from units where name = $1")
        .bind(name)
        .fetch_one(db)
        .await
        .expect("unit")
}

/// (task id, reference) of a unit's lines in a round, in plan order.
pub async fn lines_of(db: &PgPool, round: i64, unit: i64) -> Vec<(i64, String)> {
    sqlx::query_as(
        "select l.task_id, t.ref from round_lines l join tasks t on t.id = l.task_id
          where l.round_id = $1 and l.unit_id = $2 order by t.position",
    )
    .bind(round)
    .bind(unit)
    .fetch_all(db)
    .await
    .expect("lines")
}

/// The multipart body of a report page's form.
fn lines_request(path: &str, who: &Session, fields: &[(String, String)]) -> Request<Body> {
    let boundary = "----round-test-boundary";
    let mut body = String::new();
    let mut all = vec![("csrf".to_owned(), who.csrf.clone())];
    all.extend_from_slice(fields);
    for (name, value) in &all {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, &who.cookie)
        .body(Body::from(body))
        .expect("request")
}

/// Writes every line: the first completed yesterday, the others in progress, each saying what
/// was done ("Đã làm REF"), a difficulty on the second and a proposal on the third.
async fn write_all(db: &PgPool, who: &Session, round: i64, unit: i64) -> Answer {
    let yesterday = vi(today_in_vietnam() - TimeDelta::days(1));
    let mut fields = Vec::new();
    for (i, (task, reference)) in lines_of(db, round, unit).await.into_iter().enumerate() {
        let f = |k: &str| format!("{k}-{task}");
        fields.push(("line".to_owned(), task.to_string()));
        let state = if i == 0 { "completed" } else { "in_progress" };
        fields.push((f("state"), state.to_owned()));
        if i == 0 {
            fields.push((f("completed_on"), yesterday.clone()));
        }
        fields.push((f("done"), format!("Đã làm {reference}")));
        if i == 1 {
            fields.push((f("difficulties"), "Thiếu kinh phí triển khai".to_owned()));
        }
        if i == 2 {
            fields.push((f("proposal"), "Đề nghị bổ sung nhân lực".to_owned()));
        }
    }
    let path = format!("/rounds/{round}/units/{unit}/lines");
    send(private_app(db.clone()), lines_request(&path, who, &fields)).await
}

async fn report_status(db: &PgPool, round: i64, unit: i64) -> (String, i32) {
    sqlx::query_as(
        "select status, lines_saved from round_reports where round_id = $1 and unit_id = $2",
    )
    .bind(round)
    .bind(unit)
    .fetch_one(db)
    .await
    .expect("report")
}

async fn report_events(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from task_events where kind = 'report'")
        .fetch_one(db)
        .await
        .expect("count")
}

#[sqlx::test]
async fn a_round_from_opening_to_its_compiled_docx_has_every_submitted_line(db: PgPool) {
    import_seeds(&db).await;
    accounts(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let round = open_905_round(&db, &manager, 10).await;
    let unit = unit_id(&db, UNIT).await;
    let lines = lines_of(&db, round, unit).await;
    assert!(
        lines.len() >= 5,
        "Cục Tin học hóa leads many of 905's tasks"
    );
    let saved = write_all(&db, &lead, round, unit).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        report_status(&db, round, unit).await,
        ("draft".to_owned(), lines.len() as i32)
    );
    let submitted = post(
        &db,
        &lead,
        &format!("/rounds/{round}/units/{unit}/submit"),
        &[],
    )
    .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    assert_eq!(report_status(&db, round, unit).await.0, "submitted");
    // Every line is in its task's history; the completion waits for a manager's confirmation.
    assert_eq!(report_events(&db).await, lines.len() as i64);
    let first = lines[0].0;
    let (state, pending): (String, bool) =
        sqlx::query_as("select state, pending_confirmation from tasks where id = $1")
            .bind(first)
            .fetch_one(&db)
            .await
            .expect("task");
    assert_eq!(
        (state.as_str(), pending),
        ("in_progress", true),
        "two-step confirmation"
    );
    let (_, page) = get_html(&db, &format!("/tasks/{first}")).await;
    assert!(page.contains("Báo cáo định kỳ") && page.contains("Báo cáo quý IV/2026"));
    // The overdue report quotes the line as the task's latest progress.
    let (_, overdue) = get_html(&db, &format!("/reports/overdue?unit={unit}")).await;
    assert!(
        overdue.contains(&format!("Đã làm {}", lines[0].1)),
        "{overdue}"
    );
    // The compiled report, read back: the national header, the title, every submitted line's
    // words, the difficulties and proposals under the unit, the units not yet submitted.
    let bytes = {
        let response = tower::ServiceExt::oneshot(
            private_app(db.clone()),
            get_request(
                &format!("/rounds/{round}/report.docx"),
                Some(&manager.cookie),
            ),
        )
        .await
        .expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes()
            .to_vec()
    };
    let (_, text) = docx_parts(bytes);
    assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(
        text.contains("BÁO CÁO")
            && text.contains("Tình hình thực hiện kế hoạch – Báo cáo quý IV/2026")
    );
    for (_, reference) in &lines {
        assert!(
            text.contains(&format!("Đã làm {reference}")),
            "line {reference} in the report"
        );
    }
    assert!(
        text.contains("III. KHÓ KHĂN, VƯỚNG MẮC") && text.contains("Thiếu kinh phí triển khai")
    );
    assert!(text.contains("IV. ĐỀ XUẤT, KIẾN NGHỊ") && text.contains("Đề nghị bổ sung nhân lực"));
    assert!(text.contains("Các đơn vị chưa nộp báo cáo:"));
    // Every line of every unit, written or not, in the workbook.
    let xlsx = tower::ServiceExt::oneshot(
        private_app(db.clone()),
        get_request(
            &format!("/rounds/{round}/lines.xlsx"),
            Some(&manager.cookie),
        ),
    )
    .await
    .expect("answers");
    let bytes = http_body_util::BodyExt::collect(xlsx.into_body())
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    let mut book = open_xlsx(bytes);
    let range = sheet(&mut book, "Các dòng báo cáo");
    let all: i64 = sqlx::query_scalar("select count(*) from round_lines where round_id = $1")
        .bind(round)
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(i64::from(range.end().expect("rows").0) - 2, all);
    assert_eq!(
        text_in_column(&range, 1)
            .iter()
            .filter(|u| u.as_str() == UNIT)
            .count(),
        lines.len()
    );
}

fn text_in_column(range: &calamine::Range<calamine::Data>, col: u32) -> Vec<String> {
    (3..=range.end().expect("rows").0)
        .map(|r| text(range, r, col))
        .collect()
}

#[sqlx::test]
async fn late_and_missing_units_are_listed(db: PgPool) {
    import_seeds(&db).await;
    accounts(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let round = open_905_round(&db, &manager, -1).await;
    let unit = unit_id(&db, UNIT).await;
    write_all(&db, &lead, round, unit).await;
    post(
        &db,
        &lead,
        &format!("/rounds/{round}/units/{unit}/submit"),
        &[],
    )
    .await;
    let units: i64 = sqlx::query_scalar("select count(*) from round_reports where round_id = $1")
        .bind(round)
        .fetch_one(&db)
        .await
        .expect("count");
    let (status, page) = get_html(&db, &format!("/rounds/{round}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("1/{units}</strong> đơn vị đã nộp")),
        "one of {units} submitted"
    );
    assert!(
        page.contains("<strong id=\"units-submitted-late\">1</strong>"),
        "submitted after the due day"
    );
    assert!(page.contains(&format!(
        "<strong id=\"units-missing-late\">{}</strong>",
        units - 1
    )));
    let (_, missing) = get_html(&db, &format!("/rounds/{round}?status=missing")).await;
    let rows = table_rows(&missing, "round-units");
    assert_eq!(rows.len() as i64, units - 1);
    assert!(
        rows.iter()
            .all(|r| r.contains("Trễ hạn") && !r.contains(UNIT))
    );
    // The one-click list of missing lines: every line of the units not submitted.
    let not_written: i64 = sqlx::query_scalar(
        "select count(*) from round_lines where round_id = $1 and state is null",
    )
    .bind(round)
    .fetch_one(&db)
    .await
    .expect("count");
    let (_, lines) = get_html(&db, &format!("/rounds/{round}/missing")).await;
    assert!(lines.contains(&format!("{not_written} dòng chưa được đơn vị nhập")));
    assert!(!lines.contains(&format!(">{UNIT}</a> —")));
    // The API gives every unit's submission.
    let (_, api) = get_json(&db, "/api/v1/rounds").await;
    let units_json = api[0]["units"].as_array().expect("units");
    assert_eq!(units_json.len() as i64, units);
    let mine = units_json
        .iter()
        .find(|u| u["unit"] == UNIT)
        .expect("the unit");
    assert_eq!(mine["status"], "submitted");
    assert_eq!(mine["late"], true);
    assert_eq!(api[0]["title"], "Báo cáo quý IV/2026");
    assert!(
        units_json
            .iter()
            .filter(|u| u["unit"] != UNIT)
            .all(|u| u["status"] == "draft" && u["late"] == true)
    );
}

#[sqlx::test]
async fn a_returned_report_can_be_edited_and_resubmitted_and_a_submitted_one_cannot(db: PgPool) {
    import_seeds(&db).await;
    accounts(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let round = open_905_round(&db, &manager, 10).await;
    let unit = unit_id(&db, UNIT).await;
    let report = format!("/rounds/{round}/units/{unit}");
    // Nothing can be submitted while lines are missing.
    let early = post(&db, &lead, &format!("{report}/submit"), &[]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("dòng chưa nhập tình trạng"));
    write_all(&db, &lead, round, unit).await;
    post(&db, &lead, &format!("{report}/submit"), &[]).await;
    let events = report_events(&db).await;
    // A submitted report is read-only.
    let again = write_all(&db, &lead, round, unit).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("Báo cáo đã nộp; chỉ sửa được khi lãnh đạo Bộ trả lại.")
    );
    assert_eq!(
        post(&db, &lead, &format!("{report}/submit"), &[])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, read_only) = get_html(&db, &report).await;
    assert!(read_only.contains("id=\"report-lines\"") && !read_only.contains("id=\"lines-form\""));
    // Only a manager returns it, with a reason.
    assert_eq!(
        post(&db, &lead, &format!("{report}/return"), &[("reason", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let no_reason = post(
        &db,
        &manager,
        &format!("{report}/return"),
        &[("reason", " ")],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let returned = post(
        &db,
        &manager,
        &format!("{report}/return"),
        &[("reason", "Bổ sung minh chứng")],
    )
    .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);
    assert_eq!(report_status(&db, round, unit).await.0, "returned");
    let mine = send(
        private_app(db.clone()),
        get_request(&report, Some(&lead.cookie)),
    )
    .await;
    assert!(mine.body.contains("Bổ sung minh chứng") && mine.body.contains("id=\"lines-form\""));
    // Edited and submitted again: the lines enter the history again.
    let edited = write_all(&db, &lead, round, unit).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let resubmitted = post(&db, &lead, &format!("{report}/submit"), &[]).await;
    assert_eq!(
        resubmitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        resubmitted.body
    );
    assert_eq!(report_status(&db, round, unit).await.0, "submitted");
    assert_eq!(report_events(&db).await, 2 * events);
    let log: Vec<String> =
        sqlx::query_scalar("select kind from round_report_log where round_id = $1 order by id")
            .bind(round)
            .fetch_all(&db)
            .await
            .expect("log");
    assert_eq!(log, ["submitted", "returned", "submitted"]);
}

#[sqlx::test]
async fn only_managers_open_rounds_and_only_the_units_own_lead_writes_its_report(db: PgPool) {
    import_seeds(&db).await;
    accounts(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let other = sign_in(&db, OTHER_LEAD).await;
    let viewer = sign_in(&db, "viewer@bo.vn").await;
    let fields = [
        ("title", "Kỳ thử"),
        ("period_from", "01/01/2026"),
        ("period_to", "31/03/2026"),
        ("due_on", "20/03/2026"),
    ];
    assert_eq!(
        post(&db, &lead, "/rounds", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&db, &viewer, "/rounds", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let bad = post(
        &db,
        &manager,
        "/rounds",
        &[
            ("title", "Kỳ thử"),
            ("period_from", "31/03/2026"),
            ("period_to", "01/01/2026"),
            ("due_on", "20/03/2026"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Ngày cuối kỳ phải sau ngày đầu kỳ."));
    let rounds: i64 = sqlx::query_scalar("select count(*) from rounds")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(rounds, 0, "refused openings write nothing");
    let round = open_905_round(&db, &manager, 10).await;
    let unit = unit_id(&db, UNIT).await;
    assert_eq!(
        write_all(&db, &other, round, unit).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        write_all(&db, &manager, round, unit).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(report_status(&db, round, unit).await.1, 0);
    // Bad input names the line and the field, and saves nothing.
    let (task, _) = lines_of(&db, round, unit).await[0].clone();
    let path = format!("/rounds/{round}/units/{unit}/lines");
    let fields = vec![
        ("line".to_owned(), task.to_string()),
        (format!("state-{task}"), "completed".to_owned()),
        (format!("done-{task}"), "Xong".to_owned()),
    ];
    let refused = send(
        private_app(db.clone()),
        lines_request(&path, &lead, &fields),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Hãy nhập ngày hoàn thành."));
    assert!(refused.body.contains("data-field=\"completed_on\""));
    assert!(
        refused.body.contains(">Xong</textarea>"),
        "what was typed is kept"
    );
    assert_eq!(report_status(&db, round, unit).await.1, 0);
    let mine = send(
        private_app(db.clone()),
        get_request("/my/tasks", Some(&lead.cookie)),
    )
    .await;
    let rows = table_rows(&mine.body, "my-rounds");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("Báo cáo quý IV/2026") && rows[0].contains("Chưa nộp"));
}

#[sqlx::test]
async fn the_benchmark_round_covers_every_task_of_a_generated_database(db: PgPool) {
    let options = db.connect_options();
    let url = format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().expect("test database name")
    );
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_actionplan"))
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(&[
        "gen",
        "--decisions",
        "4",
        "--tasks",
        "6000",
        "--units",
        "2000",
        "--events",
        "400",
    ]);
    let out = run(&["gen", "--round"]);
    assert!(out.contains("round_id="), "{out}");
    let (tasks, covered): (i64, i64) = sqlx::query_as(
        "select (select count(*) from tasks where not retired),
                (select count(distinct task_id) from round_lines)",
    )
    .fetch_one(&db)
    .await
    .expect("counts");
    assert_eq!(covered, tasks, "a line for every task");
    let (submitted_lines, report_events): (i64, i64) = sqlx::query_as(
        "select (select coalesce(sum(lines_total), 0)::bigint from round_reports where status = 'submitted'),
                (select count(*) from task_events where kind = 'report')",
    )
    .fetch_one(&db)
    .await
    .expect("counts");
    assert!(submitted_lines > 0);
    assert_eq!(report_events, submitted_lines);
    // More units submit than one account may be bound to: the reports are shared out.
    let (submitted_units, reporters): (i64, i64) = sqlx::query_as(
        "select (select count(*) from round_reports where status = 'submitted'),
                (select count(*) from users where email like 'baocao%@bench.local')",
    )
    .fetch_one(&db)
    .await
    .expect("counts");
    let per_account = i64::try_from(actionplan::accounts::MAX_UNITS).expect("small");
    assert!(
        submitted_units > per_account,
        "{submitted_units} units submit"
    );
    assert!(
        (reporters - 1) * per_account < submitted_units
            && submitted_units <= reporters * per_account,
        "{reporters} reporters for {submitted_units} units"
    );
    let programmes: i64 = sqlx::query_scalar("select count(*) from decision_programmes")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(
        programmes, 4,
        "generated plans are linked to Đề án 06 on start"
    );
}
