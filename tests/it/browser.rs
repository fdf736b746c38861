//! The main pages in a real headless Chromium.

use fantoccini::Locator;
use sqlx::PgPool;

use crate::browser_support::Browser;
use crate::common::import_seeds;

#[sqlx::test]
async fn a_search_without_diacritics_finds_the_task(db: PgPool) {
    import_seeds(&db).await;
    let browser = Browser::open(&db).await;
    browser.goto("/tasks").await;
    let q = browser
        .client
        .find(Locator::Css("#q"))
        .await
        .expect("search box");
    q.send_keys("ket noi du lieu dat dai").await.expect("type");
    browser
        .client
        .find(Locator::Css("form.filters button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    browser
        .client
        .wait()
        .for_element(Locator::Css("#result-count"))
        .await
        .expect("results");
    assert!(
        browser
            .text("#result-count")
            .await
            .contains("Tìm thấy 1 nhiệm vụ")
    );
    let table = browser.text("#task-table").await;
    assert!(table.contains("II.4"), "{table}");
    assert!(table.contains("Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư với cơ sở dữ liệu quốc gia về đất đai"));
    browser.screenshot("tasks-search").await;
    browser.close().await;
}

#[sqlx::test]
async fn filters_narrow_the_list_and_survive_a_reload(db: PgPool) {
    import_seeds(&db).await;
    let browser = Browser::open(&db).await;
    browser.goto("/tasks?as_of=2022-07-01").await;
    assert!(
        browser
            .text("#result-count")
            .await
            .contains("Tìm thấy 62 nhiệm vụ")
    );
    // Choosing a plan submits the form (progressive enhancement) and narrows the list.
    browser
        .client
        .find(Locator::Css("#decision"))
        .await
        .expect("select")
        .select_by_value("905/QĐ-BTTTT")
        .await
        .expect("choose");
    browser.wait_for_url("decision=").await;
    assert!(
        browser
            .text("#result-count")
            .await
            .contains("Tìm thấy 42 nhiệm vụ")
    );
    browser
        .client
        .find(Locator::Css("#category"))
        .await
        .expect("select")
        .select_by_value("overdue")
        .await
        .expect("choose");
    browser.wait_for_url("category=overdue").await;
    let narrowed = browser.text("#result-count").await;
    assert!(narrowed.contains("Tìm thấy 11 nhiệm vụ"), "{narrowed}");
    browser.client.refresh().await.expect("reload");
    assert_eq!(browser.text("#result-count").await, narrowed);
    let chosen = browser
        .client
        .find(Locator::Css("#category option[selected]"))
        .await
        .expect("selected option");
    assert_eq!(
        chosen.attr("value").await.expect("attr").as_deref(),
        Some("overdue")
    );
    assert_eq!(
        browser
            .client
            .find(Locator::Css("#as_of"))
            .await
            .expect("date")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("01/07/2022")
    );
    browser.screenshot("tasks-filtered").await;
    browser.close().await;
}

#[sqlx::test]
async fn a_task_page_shows_its_history(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar("select id from tasks where ref = 'III.10'")
        .fetch_one(&db)
        .await
        .expect("III.10");
    sqlx::query("insert into task_events (task_id, actor, kind, note) values ($1, 'Cục An toàn thông tin', 'note', 'Đã trình hồ sơ cấp độ')")
        .bind(id)
        .execute(&db)
        .await
        .expect("event");
    let browser = Browser::open(&db).await;
    browser.goto(&format!("/tasks/{id}?as_of=2022-07-01")).await;
    let history = browser.text("#task-history").await;
    let newest = history
        .find("Đã trình hồ sơ cấp độ")
        .expect("the note is in the history");
    let imported = history
        .find("Nhập từ văn bản kế hoạch")
        .expect("the import is in the history");
    assert!(newest < imported, "newest first: {history}");
    assert_eq!(
        browser.text("#task-category").await,
        "Đang thực hiện trong hạn"
    );
    browser.screenshot("task").await;
    browser.close().await;
}

#[sqlx::test]
async fn a_unit_lead_proposes_completion_and_a_manager_confirms_it_in_the_browser(db: PgPool) {
    import_seeds(&db).await;
    crate::auth_support::make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    crate::auth_support::make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let (id, _) = crate::auth_support::task(&db, "905/QĐ-BTTTT", "I.1").await;
    let browser = Browser::open_private(&db).await;
    browser.sign_in("lead@thh.vn").await;
    browser.goto("/my/tasks").await;
    assert!(
        browser.text("#lead-tasks").await.contains("I.1"),
        "the lead's own tasks are listed"
    );
    browser.goto(&format!("/tasks/{id}")).await;
    browser
        .client
        .find(Locator::Css("#state"))
        .await
        .expect("state")
        .select_by_value("completed")
        .await
        .expect("choose");
    let date = browser
        .client
        .find(Locator::Css("#completed_on"))
        .await
        .expect("date");
    date.clear().await.expect("clear");
    date.send_keys("15/03/2022").await.expect("type");
    browser
        .client
        .find(Locator::Css("#state-note"))
        .await
        .expect("note")
        .send_keys("Đã ban hành hướng dẫn")
        .await
        .expect("type");
    browser
        .client
        .find(Locator::Css("#state-form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    browser.wait_for_url("saved=1").await;
    assert!(
        browser
            .text("#pending-notice")
            .await
            .contains("chờ xác nhận")
    );
    browser.screenshot("task-proposed").await;
    browser.sign_out().await;
    browser.sign_in("manager@bo.vn").await;
    browser.goto(&format!("/tasks/{id}?as_of=2022-07-01")).await;
    browser
        .client
        .find(Locator::Css("#confirm-form button[type=submit]"))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("submit");
    browser.wait_for_url("saved=1").await;
    browser.goto(&format!("/tasks/{id}?as_of=2022-07-01")).await;
    assert_eq!(browser.text("#task-category").await, "Hoàn thành quá hạn");
    assert!(
        browser
            .text("#task-history")
            .await
            .contains("Xác nhận hoàn thành")
    );
    browser.screenshot("task-confirmed").await;
    browser.close().await;
}

#[sqlx::test]
async fn the_overview_shows_the_counts_of_a_fixed_date_and_leads_to_a_units_overdue_tasks(
    db: PgPool,
) {
    import_seeds(&db).await;
    let browser = Browser::open(&db).await;
    browser.goto("/?as_of=2022-07-01").await;
    // 905: 11 overdue, 14 continuous, 17 not yet due; 94: 6 continuous or periodic, 14 due in 2024–2025.
    assert_eq!(browser.text(".stat.overdue .n").await, "11");
    assert_eq!(browser.text(".stat.continuous .n").await, "20");
    assert_eq!(browser.text(".stat.in_progress_on_time .n").await, "31");
    assert_eq!(browser.text(".stat.completed_on_time .n").await, "0");
    browser.screenshot("overview").await;
    // Click 1 (the date was chosen above): the unit in the most-overdue list.
    let unit = browser
        .client
        .find(Locator::XPath(
            "//ol[@id='top-overdue']//a[contains(., 'Cục Tin học hóa')]",
        ))
        .await
        .expect("unit link");
    unit.click().await.expect("click");
    browser.wait_for_url("/tasks").await;
    let count = browser.text("#result-count").await;
    assert!(count.contains("Tìm thấy 9 nhiệm vụ"), "{count}");
    assert_eq!(
        browser
            .client
            .find(Locator::Css("#as_of"))
            .await
            .expect("date")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("01/07/2022")
    );
    browser.close().await;
}

#[sqlx::test]
async fn every_main_page_renders_in_the_browser(db: PgPool) {
    import_seeds(&db).await;
    let task: i64 = sqlx::query_scalar("select id from tasks where ref = 'II.7'")
        .fetch_one(&db)
        .await
        .expect("task");
    let decision: i64 = sqlx::query_scalar("select id from decisions where code = '905/QĐ-BTTTT'")
        .fetch_one(&db)
        .await
        .expect("decision");
    let unit: i64 = sqlx::query_scalar("select id from units where name = 'Cục Tin học hóa'")
        .fetch_one(&db)
        .await
        .expect("unit");
    let browser = Browser::open(&db).await;
    for (name, path, heading) in [
        (
            "tasks",
            "/tasks?as_of=2022-07-01".to_owned(),
            "Danh sách nhiệm vụ",
        ),
        (
            "task-detail",
            format!("/tasks/{task}?as_of=2022-07-01"),
            "Nhiệm vụ II.7",
        ),
        ("decisions", "/decisions?as_of=2022-07-01".to_owned(), ""),
        (
            "decision",
            format!("/decisions/{decision}?as_of=2022-07-01"),
            "905/QĐ-BTTTT",
        ),
        ("units", "/units?as_of=2022-07-01".to_owned(), ""),
        (
            "unit",
            format!("/units/{unit}?as_of=2022-07-01"),
            "Cục Tin học hóa",
        ),
        (
            "report-overdue",
            "/reports/overdue?as_of=2022-07-01".to_owned(),
            "Báo cáo nhiệm vụ quá hạn",
        ),
        (
            "report-completed",
            "/reports/completed?quarter=2022-Q2".to_owned(),
            "Báo cáo kết quả thực hiện",
        ),
        (
            "not-found",
            "/khong-co-trang-nay".to_owned(),
            "Không tìm thấy trang",
        ),
    ] {
        browser.goto(&path).await;
        let h1 = browser.text("h1").await;
        assert!(h1.contains(heading), "{path}: {h1}");
        let lang = browser
            .client
            .find(Locator::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .expect("attr");
        assert_eq!(lang.as_deref(), Some("vi"), "{path}");
        browser.screenshot(name).await;
    }
    browser
        .client
        .set_window_size(390, 844)
        .await
        .expect("phone size");
    browser.goto("/tasks?as_of=2022-07-01").await;
    browser.screenshot("tasks-phone").await;
    browser.close().await;
}
