//! The programme view: plans linked at import to the national decision they implement (by
//! number, issuer and date), the programme page and API, a manager's edits, the backfill.

use actionplan::db::import::import_document;
use actionplan::db::programmes;
use axum::http::StatusCode;
use sqlx::PgPool;

use crate::auth_support::{form_request, make_user, private_app, send, sign_in};
use crate::common::{SEED_94, get_html, get_json, import_seeds, seed_text};

/// Seed 94 turned into another ministry decision (120/QĐ-BKHCN) implementing a decision that
/// shares 06/QĐ-TTg's number but was signed on 10/02/2021.
fn other_programme_document() -> String {
    seed_text(SEED_94)
        .replace("94/QĐ-BKHCN", "120/QĐ-BKHCN")
        .replace("06/01/2022", "10/02/2021")
}

async fn programme_06_of_2022(db: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select id from programmes where code = '06/QĐ-TTg' and issued_on = '2022-01-06'",
    )
    .fetch_one(db)
    .await
    .expect("programme 06/QĐ-TTg of 06/01/2022")
}

#[sqlx::test]
async fn both_seeds_implement_decision_06_of_2022_and_another_years_06_is_kept_apart(db: PgPool) {
    import_seeds(&db).await;
    import_document(&db, "120.txt", other_programme_document().as_bytes())
        .await
        .expect("the third document imports");
    let (status, list) = get_json(&db, "/api/v1/programmes").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 2, "{list:#?}");
    let of = |date: &str| {
        list.iter()
            .find(|p| p["issued_on"] == date)
            .unwrap_or_else(|| panic!("a programme of {date}"))
    };
    let p2022 = of("2022-01-06");
    assert_eq!(p2022["code"], "06/QĐ-TTg");
    assert_eq!(p2022["issuer"], "Thủ tướng Chính phủ");
    assert_eq!(
        p2022["reference"],
        "Quyết định số 06/QĐ-TTg ngày 06/01/2022"
    );
    assert!(
        p2022["title"]
            .as_str()
            .expect("as set up")
            .starts_with("Đề án phát triển ứng dụng dữ liệu về dân cư")
    );
    let codes = |p: &serde_json::Value| {
        let mut c: Vec<String> = p["plans"]
            .as_array()
            .expect("as set up")
            .iter()
            .map(|x| x["code"].as_str().expect("as set up").to_owned())
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(p2022), ["905/QĐ-BTTTT", "94/QĐ-BKHCN"]);
    let p2021 = of("2021-02-10");
    assert_eq!(p2021["code"], "06/QĐ-TTg");
    assert_eq!(codes(p2021), ["120/QĐ-BKHCN"]);
}

#[sqlx::test]
async fn the_programme_page_shows_every_bodys_plan_ranked_with_drill_down(db: PgPool) {
    import_seeds(&db).await;
    let id = programme_06_of_2022(&db).await;
    let (status, html) = get_html(&db, &format!("/programmes/{id}?as_of=2022-07-01")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let plans = crate::common::table_rows(&html, "programme-plans");
    assert_eq!(plans.len(), 2);
    assert!(plans.iter().any(|r| r.contains("905/QĐ-BTTTT")));
    assert!(plans.iter().any(|r| r.contains("94/QĐ-BKHCN")));
    let bodies = crate::common::table_rows(&html, "body-ranking");
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies[0].contains("<td data-label=\"Hạng\" class=\"num\">1</td>"),
        "{bodies:?}"
    );
    assert!(html.contains("Bộ Thông tin và Truyền thông"));
    assert!(html.contains("Bộ Khoa học và Công nghệ"));
    // The total and the overdue count link to the task list narrowed to the programme, and
    // that list agrees with the page.
    assert!(
        html.contains("<strong>62</strong> nhiệm vụ"),
        "both seeds: 62 tasks"
    );
    let overdue_href = format!("/tasks?programme={id}&#38;category=overdue&#38;as_of=2022-07-01");
    assert!(html.contains(&overdue_href), "{html}");
    let (_, api) = get_json(
        &db,
        &format!("/api/v1/tasks?programme={id}&category=overdue&as_of=2022-07-01&per_page=1"),
    )
    .await;
    let (_, all) = get_json(
        &db,
        "/api/v1/tasks?category=overdue&as_of=2022-07-01&per_page=1",
    )
    .await;
    assert_eq!(
        api["total"], all["total"],
        "every overdue task is in the programme"
    );
    let (_, list) = get_html(
        &db,
        &format!(
            "/tasks?programme={id}&body=B%E1%BB%99+Khoa+h%E1%BB%8Dc+v%C3%A0+C%C3%B4ng+ngh%E1%BB%87"
        ),
    )
    .await;
    assert!(
        list.contains("Tìm thấy <strong>20</strong> nhiệm vụ"),
        "94's 20 tasks"
    );
    assert!(list.contains("Chỉ các kế hoạch thực hiện Quyết định số 06/QĐ-TTg"));
}

#[sqlx::test]
async fn a_manager_sets_a_plans_programmes_and_a_revised_import_keeps_the_choice(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    make_user(&db, "lead@thh.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    let decision: i64 = sqlx::query_scalar("select id from decisions where code = '94/QĐ-BKHCN'")
        .fetch_one(&db)
        .await
        .expect("as set up");
    let path = format!("/decisions/{decision}/programmes");
    let lead = sign_in(&db, "lead@thh.vn").await;
    let refused = send(
        private_app(db.clone()),
        form_request(
            &path,
            Some(&lead.cookie),
            &[
                ("csrf", &lead.csrf),
                ("reference", "Quyết định số 749/QĐ-TTg ngày 03/6/2020"),
            ],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let manager = sign_in(&db, "manager@bo.vn").await;
    let post = |fields: Vec<(&'static str, String)>| {
        let db = db.clone();
        let (cookie, csrf, path) = (manager.cookie.clone(), manager.csrf.clone(), path.clone());
        async move {
            let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            send(private_app(db), form_request(&path, Some(&cookie), &all)).await
        }
    };
    let bad = post(vec![("reference", "Quyết định số 749/QĐ-TTg".to_owned())]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("hãy ghi đủ số, ký hiệu và ngày ban hành"));
    let added = post(vec![(
        "reference",
        "Quyết định số 749/QĐ-TTg ngày 03/6/2020".to_owned(),
    )])
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let id06 = programme_06_of_2022(&db).await;
    let removed = post(vec![("remove", id06.to_string())]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let linked = |db: PgPool| async move {
        let rows: Vec<String> = sqlx::query_scalar(
            "select p.code || ' ' || p.issued_on from decision_programmes dp join programmes p on p.id = dp.programme_id where dp.decision_id = $1 order by 1",
        )
        .bind(decision)
        .fetch_all(&db)
        .await
        .expect("as set up");
        rows
    };
    assert_eq!(linked(db.clone()).await, ["749/QĐ-TTg 2020-06-03"]);
    // A revised document (new bytes) goes through the writer again; the manager's choice stays.
    let revised = format!("{}\n", seed_text(SEED_94));
    import_document(&db, SEED_94, revised.as_bytes())
        .await
        .expect("re-imports");
    assert_eq!(linked(db.clone()).await, ["749/QĐ-TTg 2020-06-03"]);
    let (_, page) = get_html(&db, &format!("/decisions/{decision}")).await;
    let card = &page[page.find("programmes-card").expect("the programmes card")..];
    assert!(
        card.contains("Quyết định số 749/QĐ-TTg ngày 03/06/2020"),
        "{}",
        &card[..1500]
    );
    assert!(page.contains("do lãnh đạo Bộ xác định"));
}

#[sqlx::test]
async fn decisions_stored_without_programmes_are_linked_by_the_backfill(db: PgPool) {
    import_seeds(&db).await;
    sqlx::query("delete from decision_programmes")
        .execute(&db)
        .await
        .expect("as set up");
    assert_eq!(programmes::backfill(&db).await.expect("backfill"), 2);
    let links: i64 = sqlx::query_scalar("select count(*) from decision_programmes")
        .fetch_one(&db)
        .await
        .expect("as set up");
    assert_eq!(links, 2);
    assert_eq!(
        programmes::backfill(&db).await.expect("again"),
        0,
        "nothing left to link"
    );
}
