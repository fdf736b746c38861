//! The follow-up pages in a real headless Chromium: a unit lead writes and submits its round
//! report; the manager's progress page, the programme page and an explanation.

use fantoccini::Locator;
use sqlx::PgPool;

use crate::auth_support::sign_in;
use crate::browser_support::Browser;
use crate::common::import_seeds;
use crate::rounds::{LEAD, MANAGER, UNIT, accounts, lines_of, open_905_round, unit_id};

#[sqlx::test]
async fn a_unit_lead_writes_and_submits_its_round_report_in_the_browser(db: PgPool) {
    import_seeds(&db).await;
    accounts(&db).await;
    let manager = sign_in(&db, MANAGER).await;
    let round = open_905_round(&db, &manager, 10).await;
    let unit = unit_id(&db, UNIT).await;
    let lines = lines_of(&db, round, unit).await;
    let yesterday = (actionplan::web::params::today_in_vietnam() - chrono::TimeDelta::days(1))
        .format("%d/%m/%Y")
        .to_string();
    let browser = Browser::open_private(&db).await;
    browser.sign_in(LEAD).await;
    browser.goto("/my/tasks").await;
    assert!(
        browser
            .text("#my-rounds")
            .await
            .contains("Báo cáo quý IV/2026")
    );
    browser
        .client
        .find(Locator::Css("#my-rounds a"))
        .await
        .expect("the round's link")
        .click()
        .await
        .expect("follow");
    browser
        .wait_for_url(&format!("/rounds/{round}/units/{unit}"))
        .await;
    for (page, chunk) in lines.chunks(50).enumerate() {
        if page > 0 {
            browser
                .goto(&format!("/rounds/{round}/units/{unit}?page={}", page + 1))
                .await;
        }
        for (i, (task, reference)) in chunk.iter().enumerate() {
            let first = page == 0 && i == 0;
            let state = if first { "completed" } else { "in_progress" };
            browser
                .client
                .find(Locator::Css(&format!("#state-{task}")))
                .await
                .expect("state")
                .select_by_value(state)
                .await
                .expect("choose");
            if first {
                browser
                    .client
                    .find(Locator::Css(&format!("#completed_on-{task}")))
                    .await
                    .expect("date")
                    .send_keys(&yesterday)
                    .await
                    .expect("type");
            }
            browser
                .client
                .find(Locator::Css(&format!("#done-{task}")))
                .await
                .expect("done")
                .send_keys(&format!("Đã triển khai {reference} trong kỳ"))
                .await
                .expect("type");
        }
        browser
            .client
            .find(Locator::Css("#save-lines"))
            .await
            .expect("save")
            .click()
            .await
            .expect("submit");
        browser.wait_for_url("done=saved").await;
        assert!(browser.text("#report-notice").await.contains("Đã lưu nháp"));
    }
    assert_eq!(
        browser.text("#lines-saved").await,
        format!("{0}/{0}", lines.len())
    );
    browser.screenshot("round-report-draft").await;
    browser
        .client
        .find(Locator::Css("#submit-form button[type=submit]"))
        .await
        .expect("submit button")
        .click()
        .await
        .expect("submit");
    browser.wait_for_url("done=submitted").await;
    assert_eq!(browser.text("#report-status").await, "Đã nộp");
    let table = browser.text("#report-lines").await;
    assert!(table.contains(&format!("Đã triển khai {} trong kỳ", lines[0].1)));
    assert!(
        browser
            .client
            .find(Locator::Css("#lines-form"))
            .await
            .is_err(),
        "a submitted report is read-only"
    );
    browser.screenshot("round-report-submitted").await;
    browser.sign_out().await;
    browser.sign_in(MANAGER).await;
    browser.goto(&format!("/rounds/{round}")).await;
    assert!(
        browser
            .text("#round-summary")
            .await
            .contains("đơn vị đã nộp")
    );
    browser.screenshot("round-progress").await;
    let programme: i64 = sqlx::query_scalar("select id from programmes limit 1")
        .fetch_one(&db)
        .await
        .expect("a programme");
    browser
        .goto(&format!("/programmes/{programme}?as_of=2022-07-01"))
        .await;
    assert!(
        browser
            .text("#body-ranking")
            .await
            .contains("Bộ Khoa học và Công nghệ")
    );
    browser.screenshot("programme").await;
    browser.close().await;
    let status: String =
        sqlx::query_scalar("select status from round_reports where round_id = $1 and unit_id = $2")
            .bind(round)
            .bind(unit)
            .fetch_one(&db)
            .await
            .expect("report");
    assert_eq!(status, "submitted");
}
