//! Explanations of overdue tasks: a manager asks, only the lead unit answers, a manager accepts
//! (the extension counts from its grant day, the plan's deadline stays) or rejects; statuses
//! and reason classes as of any date; many at once from the overdue report; automatic requests.

use actionplan::db::explanations as db;
use actionplan::db::users::UserRow;
use actionplan::domain::explanation::{
    Answer as UnitAnswer, Decision, ReasonClass, Steps, status_as_of,
};
use actionplan::domain::ids::{ExplanationId, TaskId};
use actionplan::web::params::today_in_vietnam;
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::{get_html, get_json, import_seeds, table_rows};

const LEAD: &str = "lead@thh.vn";
const OTHER_LEAD: &str = "lead@shtt.vn";
const MANAGER: &str = "manager@bo.vn";

async fn setup(db: &PgPool) -> i64 {
    import_seeds(db).await;
    make_user(db, LEAD, "unit_lead", &["Cục Tin học hóa"]).await;
    make_user(db, OTHER_LEAD, "unit_lead", &["Cục Sở hữu trí tuệ"]).await;
    make_user(db, MANAGER, "manager", &[]).await;
    task(db, "905/QĐ-BTTTT", "I.1").await.0
}

fn vi(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
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

async fn latest_request(db: &PgPool, task: i64) -> i64 {
    sqlx::query_scalar("select id from explanations where task_id = $1 order by id desc limit 1")
        .bind(task)
        .fetch_one(db)
        .await
        .expect("a request")
}

async fn kinds(db: &PgPool, task: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select kind from task_events where task_id = $1 and kind <> 'imported' order by id",
    )
    .bind(task)
    .fetch_all(db)
    .await
    .expect("events")
}

#[sqlx::test]
async fn explanation_flow_accepted_grants_the_extension_from_its_grant_day(db: PgPool) {
    let id = setup(&db).await;
    let today = today_in_vietnam();
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let other = sign_in(&db, OTHER_LEAD).await;
    // Only managers ask.
    let due = vi(today + TimeDelta::days(10));
    let refused = post(
        &db,
        &lead,
        "/explanations",
        &[("task", &id.to_string()), ("due_on", &due)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let asked = post(
        &db,
        &manager,
        "/explanations",
        &[("task", &id.to_string()), ("due_on", &due)],
    )
    .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let x = latest_request(&db, id).await;
    let (_, json) = get_json(&db, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(json["explanation_status"], "requested");
    // Only the lead unit answers: not another unit's lead, not a manager outside the unit.
    let answer = [
        ("reason_class", "funding"),
        ("answer", "Chưa được bố trí kinh phí năm 2022."),
        ("proposed_due_on", "31/12/2030"),
    ];
    let path = format!("/explanations/{x}/answer");
    assert_eq!(
        post(&db, &other, &path, &answer).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&db, &manager, &path, &answer).await.status,
        StatusCode::FORBIDDEN
    );
    let missing = post(
        &db,
        &lead,
        &path,
        &[("reason_class", "funding"), ("answer", " ")],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Hãy nêu nội dung giải trình."));
    let answered = post(&db, &lead, &path, &answer).await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    // Only managers decide.
    let decide = format!("/explanations/{x}/decide");
    let accept = [("decision", "accept"), ("granted_due_on", "30/06/2030")];
    assert_eq!(
        post(&db, &lead, &decide, &accept).await.status,
        StatusCode::FORBIDDEN
    );
    let accepted = post(&db, &manager, &decide, &accept).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    // The extension went through the extend path: the plan's deadline stays on record and the
    // extension counts from today.
    let (plan_due, extended_due, extended_on): (
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ) = sqlx::query_as("select plan_due_on, extended_due_on, extended_on from tasks where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("as set up");
    assert_eq!(plan_due, NaiveDate::from_ymd_opt(2022, 2, 28));
    assert_eq!(extended_due, NaiveDate::from_ymd_opt(2030, 6, 30));
    assert_eq!(extended_on, Some(today));
    assert_eq!(
        kinds(&db, id).await,
        [
            "explain_request",
            "explain_answer",
            "extend",
            "explain_accept"
        ]
    );
    let (_, now) = get_json(&db, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(now["explanation_status"], "accepted");
    assert_eq!(now["explanation_reason"], "funding");
    assert_eq!(now["category"], "in_progress_on_time");
    let yesterday = today - TimeDelta::days(1);
    let (_, before) = get_json(&db, &format!("/api/v1/tasks/{id}?as_of={yesterday}")).await;
    assert_eq!(
        before["category"], "overdue",
        "the day before the grant it was overdue"
    );
    assert_eq!(before["explanation_status"], "none");
    let (_, page) = get_html(&db, &format!("/tasks/{id}")).await;
    assert!(page.contains("Chấp nhận giải trình") && page.contains("gia hạn đến 30/06/2030"));
}

#[sqlx::test]
async fn a_rejection_needs_a_reason_keeps_the_deadline_and_allows_a_new_request(db: PgPool) {
    let id = setup(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    let due = vi(today_in_vietnam() + TimeDelta::days(3));
    post(
        &db,
        &manager,
        "/explanations",
        &[("task", &id.to_string()), ("due_on", &due)],
    )
    .await;
    let x = latest_request(&db, id).await;
    let early = post(
        &db,
        &manager,
        &format!("/explanations/{x}/decide"),
        &[("decision", "reject"), ("note", "Chưa trả lời")],
    )
    .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing to decide before the answer"
    );
    post(
        &db,
        &lead,
        &format!("/explanations/{x}/answer"),
        &[
            ("reason_class", "coordination"),
            ("answer", "Chờ Bộ Công an"),
        ],
    )
    .await;
    let before = footprint(&db, id).await;
    let no_reason = post(
        &db,
        &manager,
        &format!("/explanations/{x}/decide"),
        &[("decision", "reject"), ("note", "  ")],
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .body
            .contains("Hãy ghi lý do không chấp nhận giải trình.")
    );
    assert_eq!(
        footprint(&db, id).await,
        before,
        "a refused decision writes nothing"
    );
    let rejected = post(
        &db,
        &manager,
        &format!("/explanations/{x}/decide"),
        &[("decision", "reject"), ("note", "Lý do chưa thuyết phục")],
    )
    .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let (extended,): (Option<NaiveDate>,) =
        sqlx::query_as("select extended_due_on from tasks where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("as set up");
    assert_eq!(extended, None);
    let (_, json) = get_json(&db, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(json["explanation_status"], "rejected");
    assert_eq!(json["explanation_reason"], "coordination");
    assert_eq!(
        kinds(&db, id).await.last().map(String::as_str),
        Some("explain_reject")
    );
    let again = post(
        &db,
        &manager,
        "/explanations",
        &[("task", &id.to_string()), ("due_on", &due)],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_ne!(
        latest_request(&db, id).await,
        x,
        "a new request after the rejection"
    );
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("as set up")
}

async fn user(db: &PgPool, email: &str) -> UserRow {
    let id = actionplan::db::users::user_id_by_email(db, email)
        .await
        .expect("as set up")
        .expect("as set up");
    actionplan::db::users::fetch_user(db, id)
        .await
        .expect("as set up")
        .expect("as set up")
}

/// Three tasks asked on past days: A answered (funding) in time, B answered (legal) late, C
/// asked later and never answered.
async fn past_requests(db: &PgPool) -> [i64; 3] {
    let lead = user(db, LEAD).await;
    let refs = ["I.1", "I.3", "II.1"];
    let mut ids = [0; 3];
    for (slot, r) in ids.iter_mut().zip(refs) {
        *slot = task(db, "905/QĐ-BTTTT", r).await.0;
    }
    let ask = |task: i64, on: NaiveDate, due: NaiveDate| async move {
        let mut tx = db.begin().await.expect("as set up");
        let done = db::request(&mut tx, &[TaskId(task)], due, None, None, on)
            .await
            .expect("as set up");
        tx.commit().await.expect("as set up");
        assert_eq!(done.created.len(), 1, "task {task} asked on {on}");
        latest_request(db, task).await
    };
    let answer = |x: i64, reason: ReasonClass, on: NaiveDate| {
        let lead = lead.clone();
        async move {
            let mut tx = db.begin().await.expect("as set up");
            let a = UnitAnswer {
                reason,
                text: "Giải trình".into(),
                proposed_due_on: None,
            };
            db::answer(&mut tx, ExplanationId(x), &lead, &a, on)
                .await
                .expect("as set up");
            tx.commit().await.expect("as set up");
        }
    };
    let a = ask(ids[0], d(2024, 3, 1), d(2024, 3, 10)).await;
    answer(a, ReasonClass::Funding, d(2024, 3, 5)).await;
    let b = ask(ids[1], d(2024, 3, 1), d(2024, 3, 10)).await;
    answer(b, ReasonClass::Legal, d(2024, 4, 2)).await;
    ask(ids[2], d(2024, 4, 1), d(2024, 4, 8)).await;
    ids
}

fn count_in(html: &str, table: &str, attr: &str) -> i64 {
    let rows = table_rows(html, table);
    let row = rows
        .iter()
        .find(|r| r.contains(attr))
        .unwrap_or_else(|| panic!("{attr} in #{table}"));
    let cell = row.rsplit("<td class=\"num\">").next().expect("as set up");
    cell[..cell.find('<').expect("as set up")]
        .parse()
        .expect("as set up")
}

#[sqlx::test]
async fn statuses_and_reason_class_counts_as_of_two_dates(db: PgPool) {
    setup(&db).await;
    let [a, b, c] = past_requests(&db).await;
    let (_, march) = get_html(&db, "/explanations?as_of=2024-03-15").await;
    assert_eq!(
        count_in(
            &march,
            "explanation-status-counts",
            "data-status=\"answered\""
        ),
        1
    );
    assert_eq!(
        count_in(&march, "explanation-status-counts", "data-status=\"late\""),
        1
    );
    assert_eq!(
        count_in(
            &march,
            "explanation-status-counts",
            "data-status=\"requested\""
        ),
        0
    );
    assert_eq!(
        count_in(
            &march,
            "explanation-reason-counts",
            "data-reason=\"funding\""
        ),
        1
    );
    assert_eq!(
        count_in(&march, "explanation-reason-counts", "data-reason=\"legal\""),
        0
    );
    let (_, april) = get_html(&db, "/explanations?as_of=2024-04-15").await;
    assert_eq!(
        count_in(
            &april,
            "explanation-status-counts",
            "data-status=\"answered\""
        ),
        2
    );
    assert_eq!(
        count_in(&april, "explanation-status-counts", "data-status=\"late\""),
        1
    );
    assert_eq!(
        count_in(
            &april,
            "explanation-reason-counts",
            "data-reason=\"funding\""
        ),
        1
    );
    assert_eq!(
        count_in(&april, "explanation-reason-counts", "data-reason=\"legal\""),
        1
    );
    // The overview and the overdue report count the same way.
    let (_, overview) = get_html(&db, "/?as_of=2024-04-15").await;
    assert_eq!(
        count_in(
            &overview,
            "overview-explanation-reasons",
            "data-reason=\"legal\""
        ),
        1
    );
    let (_, report) = get_html(&db, "/reports/overdue?as_of=2024-03-15").await;
    assert_eq!(
        count_in(
            &report,
            "report-explanation-statuses",
            "data-status=\"late\""
        ),
        1
    );
    assert!(
        report.contains("Quá hạn giải trình"),
        "the late line says so"
    );
    // Each task's status as of each date, from the API list.
    for (as_of, expect) in [
        ("2024-03-15", ["answered", "late", "none"]),
        ("2024-04-15", ["answered", "answered", "late"]),
    ] {
        for (task, status) in [a, b, c].into_iter().zip(expect) {
            let (_, json) = get_json(&db, &format!("/api/v1/tasks/{task}?as_of={as_of}")).await;
            assert_eq!(
                json["explanation_status"], status,
                "task {task} as of {as_of}"
            );
        }
    }
}

#[sqlx::test]
async fn the_sql_status_agrees_with_the_domain_rule_on_every_day(db: PgPool) {
    let requested_on = d(2024, 3, 1);
    let due_on = d(2024, 3, 10);
    for answered in [None, Some(d(2024, 3, 5)), Some(d(2024, 3, 12))] {
        for decided in [
            None,
            Some((d(2024, 3, 20), true)),
            Some((d(2024, 3, 20), false)),
        ] {
            if decided.is_some() && answered.is_none() {
                continue;
            }
            let steps = Steps {
                requested_on,
                due_on,
                answered_on: answered,
                decided,
            };
            let mut day = d(2024, 2, 27);
            while day < d(2024, 3, 25) {
                let sql: Option<String> =
                    sqlx::query_scalar("select explanation_status($1, $2, $3, $4, $5, $6)")
                        .bind(requested_on)
                        .bind(due_on)
                        .bind(answered)
                        .bind(decided.map(|(on, _)| on))
                        .bind(decided.map(|(_, ok)| if ok { "accepted" } else { "rejected" }))
                        .bind(day)
                        .fetch_one(&db)
                        .await
                        .expect("as set up");
                let rust = status_as_of(&steps, day).as_str();
                assert_eq!(sql.as_deref().unwrap_or("none"), rust, "{steps:?} on {day}");
                day += TimeDelta::days(1);
            }
        }
    }
}

#[sqlx::test]
async fn a_manager_asks_many_at_once_from_the_overdue_report(db: PgPool) {
    setup(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let unit: i64 = sqlx::query_scalar("select id from units where name = 'Cục Tin học hóa'")
        .fetch_one(&db)
        .await
        .expect("as set up");
    let page = send(
        private_app(db.clone()),
        get_request(
            &format!("/reports/overdue?unit={unit}"),
            Some(&manager.cookie),
        ),
    )
    .await;
    assert!(
        page.body.contains("id=\"explain-form\""),
        "managers get the request form"
    );
    assert!(
        page.body.contains("form=\"explain-form\""),
        "and a box per line"
    );
    let overdue = actionplan::db::overdue::overdue_task_ids(
        &db,
        today_in_vietnam(),
        &actionplan::db::reports::ReportFilter {
            unit: Some(unit),
            ..Default::default()
        },
    )
    .await
    .expect("as set up");
    assert!(overdue.len() > 3);
    let all = post(
        &db,
        &manager,
        "/explanations",
        &[("scope", "overdue"), ("unit", &unit.to_string())],
    )
    .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER, "{}", all.body);
    let asked: i64 = sqlx::query_scalar("select count(*) from explanations")
        .fetch_one(&db)
        .await
        .expect("as set up");
    assert_eq!(asked as usize, overdue.len());
    let events: i64 =
        sqlx::query_scalar("select count(*) from task_events where kind = 'explain_request'")
            .fetch_one(&db)
            .await
            .expect("as set up");
    assert_eq!(events, asked, "every request is in its task's history");
    // Asking again makes nothing new: every one is open.
    post(
        &db,
        &manager,
        "/explanations",
        &[("scope", "overdue"), ("unit", &unit.to_string())],
    )
    .await;
    let again: i64 = sqlx::query_scalar("select count(*) from explanations")
        .fetch_one(&db)
        .await
        .expect("as set up");
    assert_eq!(again, asked);
    let lead = sign_in(&db, LEAD).await;
    let mine = send(
        private_app(db.clone()),
        get_request("/my/tasks", Some(&lead.cookie)),
    )
    .await;
    assert_eq!(
        table_rows(&mine.body, "my-explanations").len(),
        overdue.len()
    );
}

#[sqlx::test]
async fn requests_are_made_automatically_after_the_set_days_overdue(db: PgPool) {
    let id = setup(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let lead = sign_in(&db, LEAD).await;
    assert_eq!(
        post(&db, &lead, "/explanations/settings", &[("auto_days", "30")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = post(
        &db,
        &manager,
        "/explanations/settings",
        &[("auto_days", "ba mươi")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let set = post(
        &db,
        &manager,
        "/explanations/settings",
        &[("auto_days", "30")],
    )
    .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let (automatic, requester): (bool, String) =
        sqlx::query_as("select automatic, requester from explanations where task_id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("I.1, overdue for years, was asked");
    assert!(automatic && requester.contains("tự động"));
    let made = db::request_automatically(&db, today_in_vietnam())
        .await
        .expect("as set up");
    assert_eq!(made, 0, "one request per time a task falls due");
    // A task accepted and extended is asked again only once it is overdue again by 30 days.
    let x = latest_request(&db, id).await;
    let lead_user = user(&db, LEAD).await;
    let manager_user = user(&db, MANAGER).await;
    let today = today_in_vietnam();
    let mut tx = db.begin().await.expect("as set up");
    db::answer(
        &mut tx,
        ExplanationId(x),
        &lead_user,
        &UnitAnswer {
            reason: ReasonClass::Staffing,
            text: "Thiếu người".into(),
            proposed_due_on: None,
        },
        today,
    )
    .await
    .expect("as set up");
    db::decide(
        &mut tx,
        ExplanationId(x),
        &manager_user,
        &Decision::Accept {
            granted_due_on: Some(today + TimeDelta::days(1)),
        },
        today,
    )
    .await
    .expect("as set up");
    tx.commit().await.expect("as set up");
    let later = |days| today + TimeDelta::days(days);
    assert_eq!(
        db::request_automatically(&db, later(20))
            .await
            .expect("as set up"),
        0,
        "19 days past the new deadline"
    );
    assert_eq!(
        db::request_automatically(&db, later(40))
            .await
            .expect("as set up"),
        1,
        "39 days past it"
    );
}
