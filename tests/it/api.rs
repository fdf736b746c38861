//! The JSON API over the imported seeds.

use axum::http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::{get_json, import_seeds};

#[sqlx::test]
async fn decisions_list_both_seeds(db: PgPool) {
    import_seeds(&db).await;
    let (status, body) = get_json(&db, "/api/v1/decisions").await;
    assert_eq!(status, StatusCode::OK);
    let list = body.as_array().expect("array");
    assert_eq!(list.len(), 2);
    let d905 = list
        .iter()
        .find(|d| d["code"] == "905/QĐ-BTTTT")
        .expect("905");
    assert_eq!(d905["number"], "905");
    assert_eq!(d905["issuer"], "Bộ Thông tin và Truyền thông");
    assert_eq!(d905["issued_on"], "2022-05-12");
    assert_eq!(d905["signer"], "Nguyễn Huy Dũng");
    assert_eq!(d905["signer_title"], "KT. BỘ TRƯỞNG / THỨ TRƯỞNG");
    assert_eq!(d905["replaces"], serde_json::json!(["47/QĐ-BTTTT"]));
    assert_eq!(d905["legal_bases"].as_array().map(Vec::len), Some(4));
    assert_eq!(d905["task_count"], 42);
    for key in ["id", "title"] {
        assert!(d905.get(key).is_some(), "{key}");
    }
}

#[sqlx::test]
async fn units_carry_aliases_groups_and_counts(db: PgPool) {
    import_seeds(&db).await;
    let (status, body) = get_json(&db, "/api/v1/units").await;
    assert_eq!(status, StatusCode::OK);
    let units = body.as_array().expect("array");
    let thh = units
        .iter()
        .find(|u| u["name"] == "Cục Tin học hóa")
        .expect("Cục Tin học hóa");
    assert_eq!(thh["is_group"], false);
    assert_eq!(thh["lead_task_count"], 26);
    let group = units
        .iter()
        .find(|u| u["name"] == "Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ")
        .expect("group");
    assert_eq!(group["is_group"], true);
    assert_eq!(group["members"].as_array().map(Vec::len), Some(15));
    assert!(
        group["aliases"]
            .as_array()
            .expect("aliases")
            .contains(&Value::from("Các đơn vị chủ trì cung cấp TTHC"))
    );
}

#[sqlx::test]
async fn tasks_filter_by_decision_and_paginate(db: PgPool) {
    import_seeds(&db).await;
    let (status, body) = get_json(
        &db,
        "/api/v1/tasks?decision=905/QĐ-BTTTT&per_page=10&page=2&as_of=2022-07-01",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 42);
    assert_eq!(body["page"], 2);
    assert_eq!(body["per_page"], 10);
    assert_eq!(body["as_of"], "2022-07-01");
    let tasks = body["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 10);
    assert_eq!(
        tasks[0]["ref"], "II.6",
        "ordered by position: page 2 starts at the 11th task"
    );
    let t = &tasks[0];
    for key in [
        "id",
        "decision",
        "section",
        "number",
        "content",
        "lead_units",
        "lead_text",
        "partner_units",
        "partner_text",
        "deadline_text",
        "deadline_kind",
        "due_on",
        "milestones",
        "deliverable",
        "state",
        "completed_on",
        "category",
        "days_overdue",
    ] {
        assert!(t.get(key).is_some(), "task JSON has {key}");
    }
    assert_eq!(t["lead_units"][0]["name"], "Cục Tin học hóa");
}

#[sqlx::test]
async fn overdue_category_and_days_as_of_a_date(db: PgPool) {
    import_seeds(&db).await;
    let (_, body) = get_json(
        &db,
        "/api/v1/tasks?decision=905/QĐ-BTTTT&category=overdue&as_of=2022-07-01",
    )
    .await;
    let tasks = body["tasks"].as_array().expect("tasks");
    let i1 = tasks
        .iter()
        .find(|t| t["ref"] == "I.1")
        .expect("I.1 due 28/02/2022 is overdue");
    assert_eq!(i1["days_overdue"], 123);
    assert!(tasks.iter().all(|t| t["category"] == "overdue"));
    assert!(tasks.iter().any(|t| t["ref"] == "II.12"));
    let (_, earlier) = get_json(
        &db,
        "/api/v1/tasks?decision=905/QĐ-BTTTT&category=overdue&as_of=2022-06-30",
    )
    .await;
    assert_eq!(
        body["total"].as_i64().expect("n") - earlier["total"].as_i64().expect("n"),
        3
    );
}

#[sqlx::test]
async fn search_ignores_diacritics_and_case(db: PgPool) {
    import_seeds(&db).await;
    let (_, body) = get_json(
        &db,
        "/api/v1/tasks?q=KET%20NOI%20du%20lieu%20dan%20cu%20dat%20dai",
    )
    .await;
    let tasks = body["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["ref"], "II.4");
    let (_, none) = get_json(&db, "/api/v1/tasks?q=zzzkhongco").await;
    assert_eq!(none["total"], 0);
}

/// Issue 15 (target 5): words typed without diacritics are whole syllables, the last may be
/// unfinished, and tasks where the words stand together come first. The expected list is worked
/// out here from every task's folded text with the pure `SearchTerms`, and must differ from the
/// old reading (every word a prefix), so the test sees the change.
#[sqlx::test]
async fn search_takes_whole_syllables_and_ranks_words_standing_together_first(db: PgPool) {
    use actionplan::domain::search::SearchTerms;
    import_seeds(&db).await;
    let typed = "du lieu dan cu";
    let terms = SearchTerms::parse(typed).expect("words");
    let all: Vec<(i64, String)> = sqlx::query_as(
        "select t.id, x.search_text from tasks t join decisions d on d.id = t.decision_id
          join task_texts x on x.task_id = t.id
          where not t.retired order by d.issued_on nulls last, d.code, t.position",
    )
    .fetch_all(&db)
    .await
    .expect("tasks");
    let mut expected: Vec<(i64, i32)> = all
        .iter()
        .filter(|(_, text)| terms.matches(text))
        .map(|(id, text)| (*id, terms.rank(text)))
        .collect();
    // A stable sort keeps the plans' order among equal ranks, as the SQL's tie-break does.
    expected.sort_by_key(|(_, rank)| std::cmp::Reverse(*rank));
    let as_prefixes = all
        .iter()
        .filter(|(_, text)| {
            terms
                .words()
                .iter()
                .all(|w| text.contains(&format!(" {w}")))
        })
        .count();
    assert!(
        as_prefixes > expected.len(),
        "the old reading found more ({as_prefixes} > {})",
        expected.len()
    );
    assert!(
        expected.len() >= 2 && expected[0].1 > expected[expected.len() - 1].1,
        "the seeds give ranks to tell apart: {expected:?}"
    );

    let url = format!("/api/v1/tasks?q={}&per_page=500", typed.replace(' ', "+"));
    let (status, body) = get_json(&db, &url).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<i64> = body["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    let wanted: Vec<i64> = expected.iter().map(|(id, _)| *id).collect();
    assert_eq!(listed, wanted);
    assert_eq!(body["total"].as_i64(), i64::try_from(wanted.len()).ok());

    // The phrase itself ranks first; asking for plan order keeps the same tasks in plan order.
    let text_of = |id: i64| {
        all.iter()
            .find(|(t, _)| *t == id)
            .map(|(_, text)| text.as_str())
    };
    assert!(
        text_of(wanted[0]).is_some_and(|text| text.contains(" du lieu dan cu")),
        "{:?}",
        text_of(wanted[0])
    );
    let (_, by_plan) = get_json(&db, &format!("{url}&sort=plan")).await;
    let in_plan_order: Vec<i64> = all
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| wanted.contains(id))
        .collect();
    let by_plan: Vec<i64> = by_plan["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(by_plan, in_plan_order);
}

#[sqlx::test]
async fn unit_filter_includes_group_membership_and_role_narrows(db: PgPool) {
    import_seeds(&db).await;
    let (_, units) = get_json(&db, "/api/v1/units").await;
    let shtt = units
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "Cục Sở hữu trí tuệ")
        .expect("unit")["id"]
        .clone();
    let (_, lead) = get_json(&db, &format!("/api/v1/tasks?unit={shtt}&role=lead")).await;
    assert_eq!(lead["total"], 6);
    let (_, any) = get_json(&db, &format!("/api/v1/tasks?unit={shtt}")).await;
    assert_eq!(
        any["total"], 8,
        "6 as lead, plus tasks 2 (named) and 12 (through the group) of 94 as partner"
    );
}

#[sqlx::test]
async fn one_task_has_its_milestones_and_events(db: PgPool) {
    import_seeds(&db).await;
    let (_, list) = get_json(&db, "/api/v1/tasks?q=ho%20so%20de%20xuat%20cap%20do").await;
    let id = list["tasks"][0]["id"].clone();
    let (status, task) = get_json(&db, &format!("/api/v1/tasks/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(task["ref"], "III.10");
    assert_eq!(task["milestones"][0]["due_on"], "2022-06-30");
    assert_eq!(task["milestones"][1]["due_on"], "2022-11-15");
    assert_eq!(task["events"][0]["kind"], "imported");
    assert_eq!(task["lead_units"][0]["is_group"], true);
}

#[sqlx::test]
async fn bad_parameters_are_named(db: PgPool) {
    for (path, parameter) in [
        ("/api/v1/tasks?as_of=2022-13-01", "as_of"),
        ("/api/v1/tasks?category=late", "category"),
        ("/api/v1/tasks?page=0", "page"),
        ("/api/v1/tasks?per_page=501", "per_page"),
        ("/api/v1/tasks?unit=abc", "unit"),
        ("/api/v1/tasks?role=boss", "role"),
        ("/api/v1/tasks/xyz", "id"),
    ] {
        let (status, body) = get_json(&db, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["parameter"], parameter, "{path}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[sqlx::test]
async fn unknown_ids_are_404_json(db: PgPool) {
    for path in [
        "/api/v1/tasks/999999",
        "/api/v1/units/999999",
        "/api/v1/decisions/999999",
        "/api/v1/nothing",
    ] {
        let (status, body) = get_json(&db, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"], "not_found", "{path}");
    }
}
