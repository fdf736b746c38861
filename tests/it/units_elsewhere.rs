//! Units that do not belong to the body whose plan names them: a ministry named in another
//! ministry's plan, a mass organisation, a province's body in a ministry's plan. They are one
//! unit whoever names them, and no plan files them under its issuer.

use actionplan::db::import::import_document;
use sqlx::PgPool;

fn plan(code: &str, issuer_heading: &str, leads: &[&str]) -> String {
    let mut text = format!(
        "{issuer_heading}\nSố: {code}\nHà Nội, ngày 2 tháng 3 năm 2026\nKẾ HOẠCH\nSTT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n"
    );
    for (i, lead) in leads.iter().enumerate() {
        text.push_str(&format!("{}\tViệc {}\t{lead}\tNăm 2026\n", i + 1, i + 1));
    }
    text
}

async fn unit(db: &PgPool, name: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as("select key, body from units where name = $1 order by key")
        .bind(name)
        .fetch_all(db)
        .await
        .expect("units")
}

#[sqlx::test]
async fn a_ministry_named_in_two_plans_is_one_unit_of_its_own(db: PgPool) {
    let units = [
        "Bộ Công an",
        "Văn phòng Bộ",
        "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Sở Tư pháp các tỉnh",
    ];
    import_document(
        &db,
        "a.txt",
        plan("1/KH-BNV", "BỘ NỘI VỤ", &units).as_bytes(),
    )
    .await
    .expect("first plan");
    import_document(
        &db,
        "b.txt",
        plan("2/KH-BTP", "BỘ TƯ PHÁP", &units).as_bytes(),
    )
    .await
    .expect("second plan");
    assert_eq!(unit(&db, "Bộ Công an").await, [("bo cong an".into(), None)]);
    assert_eq!(
        unit(&db, "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh")
            .await
            .len(),
        1
    );
    assert_eq!(unit(&db, "Sở Tư pháp các tỉnh").await.len(), 1);
    // Each ministry's own office is its own unit.
    let offices = unit(&db, "Văn phòng Bộ").await;
    let bodies: Vec<Option<&str>> = offices.iter().map(|(_, b)| b.as_deref()).collect();
    assert_eq!(bodies, [Some("Bộ Nội vụ"), Some("Bộ Tư pháp")]);
}

#[sqlx::test]
async fn a_unit_filed_under_an_issuer_before_is_refiled_and_merged(db: PgPool) {
    import_document(
        &db,
        "a.txt",
        plan("1/KH-BNV", "BỘ NỘI VỤ", &["Bộ Công an"]).as_bytes(),
    )
    .await
    .expect("first plan");
    // As an earlier version of the importer left it: filed under the issuer.
    sqlx::query("update units set key = 'bo cong an@bo noi vu', body = 'Bộ Nội vụ' where key = 'bo cong an'")
        .execute(&db)
        .await
        .expect("legacy key");
    import_document(
        &db,
        "b.txt",
        plan("2/KH-BTP", "BỘ TƯ PHÁP", &["Bộ Công an"]).as_bytes(),
    )
    .await
    .expect("another issuer names it");
    assert_eq!(unit(&db, "Bộ Công an").await.len(), 2, "not yet refiled");
    import_document(
        &db,
        "c.txt",
        plan("3/KH-BNV", "BỘ NỘI VỤ", &["Vụ Pháp chế"]).as_bytes(),
    )
    .await
    .expect("the first issuer imports again");
    assert_eq!(unit(&db, "Bộ Công an").await, [("bo cong an".into(), None)]);
    let linked: i64 = sqlx::query_scalar(
        "select count(distinct t.decision_id) from task_units tu join units u on u.id = tu.unit_id
           join tasks t on t.id = tu.task_id where u.key = 'bo cong an'",
    )
    .fetch_one(&db)
    .await
    .expect("links");
    assert_eq!(linked, 2, "both plans' tasks now point at the one unit");
}
