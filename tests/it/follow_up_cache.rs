//! The pages kept in memory follow the follow-up's writes, even those of another process: a
//! line saved in a round, an explanation asked, a plan's programmes changed.

use actionplan::db::{explanations, programmes, rounds, users};
use actionplan::domain::ids::{DecisionId, ProgrammeId, TaskId, UnitId};
use actionplan::domain::round::{Line, NewRound};
use actionplan::domain::status::TaskState;
use actionplan::web::params::today_in_vietnam;
use chrono::TimeDelta;
use sqlx::PgPool;

use crate::auth_support::make_user;
use crate::common::{get_from, import_seeds, test_app};

async fn user(db: &PgPool, email: &str) -> users::UserRow {
    let id = users::user_id_by_email(db, email)
        .await
        .expect("lookup")
        .expect("user");
    users::fetch_user(db, id)
        .await
        .expect("lookup")
        .expect("user")
}

#[sqlx::test]
async fn kept_pages_follow_writes_to_rounds_explanations_and_programmes(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    let manager = user(&db, "manager@bo.vn").await;
    let lead = user(&db, "lead@thh.vn").await;
    let app = test_app(db.clone());
    let today = today_in_vietnam();

    // A round: its progress page is kept, then a line is saved by another process.
    let mut tx = db.begin().await.expect("begin");
    let (round, _) = rounds::open_round(
        &mut tx,
        &NewRound {
            title: "Kỳ kiểm tra".into(),
            period_from: today - TimeDelta::days(30),
            period_to: today,
            due_on: today + TimeDelta::days(5),
        },
        None,
        false,
        &manager,
    )
    .await
    .expect("opens");
    tx.commit().await.expect("commit");
    let unit = UnitId(lead.unit_ids[0]);
    let page = format!("/rounds/{round}/units/{unit}");
    let (_, before) = get_from(&app, &page).await;
    assert!(before.contains("<dd id=\"lines-saved\">0/"));
    let task: TaskId = sqlx::query_scalar(
        "select task_id from round_lines where round_id = $1 and unit_id = $2 limit 1",
    )
    .bind(round)
    .bind(unit)
    .fetch_one(&db)
    .await
    .expect("a line");
    let mut tx = db.begin().await.expect("begin");
    let line = Line {
        state: TaskState::InProgress,
        completed_on: None,
        done: "Đang làm".into(),
        result: String::new(),
        evidence_url: None,
        difficulties: String::new(),
        proposal: String::new(),
    };
    rounds::save_lines(
        &mut tx,
        round,
        unit,
        &lead,
        &[rounds::LineInput {
            task,
            line,
            file: None,
        }],
    )
    .await
    .expect("saves");
    tx.commit().await.expect("commit");
    let (_, after) = get_from(&app, &page).await;
    assert!(
        after.contains("<dd id=\"lines-saved\">1/"),
        "the kept page was dropped"
    );

    // An explanation: the API list is kept under the plans counter.
    let i1: i64 = sqlx::query_scalar(
        "select t.id from tasks t join decisions d on d.id = t.decision_id where d.code = '905/QĐ-BTTTT' and t.ref = 'I.1'",
    )
    .fetch_one(&db)
    .await
    .expect("I.1");
    let list = "/api/v1/tasks?decision=905%2FQ%C4%90-BTTTT&per_page=1";
    let (_, first) = get_from(&app, list).await;
    assert!(first.contains("\"explanation_status\":\"none\""));
    let mut tx = db.begin().await.expect("begin");
    explanations::request(
        &mut tx,
        &[TaskId(i1)],
        today + TimeDelta::days(7),
        None,
        Some(&manager),
        today,
    )
    .await
    .expect("asks");
    tx.commit().await.expect("commit");
    let (_, second) = get_from(&app, list).await;
    assert!(
        second.contains("\"explanation_status\":\"requested\""),
        "{second}"
    );
    let (_, report) = get_from(&app, "/reports/overdue").await;
    assert!(report.contains("Đã yêu cầu giải trình"));

    // A programme page, then the plan taken out of it.
    let (programme, decision): (ProgrammeId, DecisionId) = sqlx::query_as(
        "select dp.programme_id, dp.decision_id from decision_programmes dp join decisions d on d.id = dp.decision_id where d.code = '94/QĐ-BKHCN'",
    )
    .fetch_one(&db)
    .await
    .expect("a link");
    let path = format!("/programmes/{programme}");
    let (_, shown) = get_from(&app, &path).await;
    assert!(shown.contains("94/QĐ-BKHCN"));
    programmes::edit_decision_programmes(
        &db,
        decision,
        &programmes::ProgrammeEdit::Remove(programme),
        manager.id,
    )
    .await
    .expect("edits");
    let (_, gone) = get_from(&app, &path).await;
    assert!(!gone.contains("94/QĐ-BKHCN"), "the kept page was dropped");
}
