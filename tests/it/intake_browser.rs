//! The intake page in a real headless Chromium: a manager uploads a Word plan, reads its
//! warning, maps a unit that nearly matches an existing one, supplies the missing code and
//! commits, landing on the plan page.

use fantoccini::Locator;
use sqlx::PgPool;

use crate::auth_support::make_user;
use crate::browser_support::Browser;
use crate::intake_support::{fixture_path, leads_of, mapping_count};

#[sqlx::test]
async fn a_manager_uploads_a_word_plan_maps_a_near_match_supplies_its_code_and_commits(db: PgPool) {
    // A unit already in the registry under another spelling of the Word plan's "Sở Văn hóa,
    // Thể thao và Du lịch" (a hyphen for the comma): a near match, not the same key.
    let culture: i64 = sqlx::query_scalar(
        "insert into units (key, name) values ('so van hoa - the thao va du lich', 'Sở Văn hóa - Thể thao và Du lịch') returning id",
    )
    .fetch_one(&db)
    .await
    .expect("an existing unit");
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let browser = Browser::open_private(&db).await;
    browser.sign_in("manager@bo.vn").await;

    browser
        .client
        .find(Locator::Css("#nav-import"))
        .await
        .expect("the navigation links the intake page")
        .click()
        .await
        .expect("open");
    browser.wait_for_url("/plans/import").await;
    let path = fixture_path("fixtures/docx/plan-appendices.docx");
    browser
        .client
        .find(Locator::Css("#file"))
        .await
        .expect("file field")
        .send_keys(path.to_str().expect("UTF-8 path"))
        .await
        .expect("choose the file");
    browser
        .client
        .find(Locator::Css("#upload-form button[type=submit]"))
        .await
        .expect("upload button")
        .click()
        .await
        .expect("upload");
    browser
        .client
        .wait()
        .for_element(Locator::Css("#warning-list"))
        .await
        .expect("the preview with its warnings");
    let warnings = browser.text("#warning-list").await;
    assert!(
        warnings.contains("bảng 1, hàng 1: cột \"Ghi chú\" được giữ nguyên"),
        "{warnings}"
    );
    assert!(
        browser
            .text("#code-note")
            .await
            .contains("Không tìm thấy trong văn bản")
    );
    let table = browser.text("#preview-table").await;
    assert!(table.contains("PL I.A.1"), "{table}");
    assert!(
        table.contains(
            "Hoàn thành trong quý II năm 2027; sau đó cập nhật hằng năm → Hạn 30/06/2027"
        )
    );
    assert!(
        table.contains("Ghi chú") && table.contains("Nguồn: ngân sách"),
        "the kept column by its name: {table}"
    );
    browser.screenshot("intake-preview").await;

    browser
        .client
        .find(Locator::Css(&format!(
            "tr.unit-row.near select option[value^='{culture}:']"
        )))
        .await
        .expect("the near match is offered")
        .click()
        .await
        .expect("map it to the existing unit");
    for (field, value) in [
        ("#code", "21/KH-BYT"),
        ("#issued_on", "05/01/2026"),
        ("#issuer", "Bộ Y tế"),
        ("#title", "Kế hoạch xây dựng cơ sở dữ liệu ngành y tế"),
    ] {
        let input = browser.client.find(Locator::Css(field)).await.expect(field);
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }
    browser
        .client
        .find(Locator::Css("#commit-draft"))
        .await
        .expect("commit button")
        .click()
        .await
        .expect("commit");
    browser.wait_for_url("/decisions/").await;
    let title = browser.text("#decision-title").await;
    assert_eq!(title, "Quyết định số 21/KH-BYT");
    let plan = browser.text("#plan-table").await;
    assert!(plan.contains("Xây dựng cơ sở dữ liệu"), "{plan}");
    assert!(plan.contains("Tuyên truyền"));
    browser.screenshot("intake-committed").await;
    browser.close().await;

    assert_eq!(
        leads_of(&db, "21/KH-BYT", "PL II.1").await,
        [(culture, Some("Sở Văn hóa, Thể thao và Du lịch".to_owned()))]
    );
    let alias: i64 = sqlx::query_scalar(
        "select count(*) from unit_aliases where unit_id = $1 and alias = 'Sở Văn hóa, Thể thao và Du lịch'",
    )
    .bind(culture)
    .fetch_one(&db)
    .await
    .expect("alias");
    assert_eq!(alias, 1, "the spelling is saved as an alias");
    assert_eq!(mapping_count(&db).await, 1);
    let drafts: i64 = sqlx::query_scalar("select count(*) from intake_drafts")
        .fetch_one(&db)
        .await
        .expect("drafts");
    assert_eq!(drafts, 0);
}
