//! The manager reports on the seed plans, as of fixed dates, and their downloads.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::auth_support::*;
use crate::common::{get_html, get_json, import_seeds, test_app};

/// Task references in the overdue task tables (not the milestone table below them).
fn refs_in(html: &str) -> Vec<String> {
    let tasks = html.split("id=\"milestones\"").next().unwrap_or(html);
    tasks
        .split("href=\"/tasks/")
        .skip(1)
        .filter_map(|s| s.split("\">").nth(1))
        .map(|s| s.split('<').next().unwrap_or("").to_owned())
        .collect()
}

#[sqlx::test]
async fn the_overdue_lists_of_30_june_and_1_july_differ_by_the_tasks_due_in_june(db: PgPool) {
    import_seeds(&db).await;
    let (status, june) = get_html(
        &db,
        "/reports/overdue?decision=905%2FQ%C4%90-BTTTT&as_of=2022-06-30",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, july) = get_html(
        &db,
        "/reports/overdue?decision=905%2FQ%C4%90-BTTTT&as_of=2022-07-01",
    )
    .await;
    let mut before = refs_in(&june);
    let mut after = refs_in(&july);
    before.sort();
    before.dedup();
    after.sort();
    after.dedup();
    let added: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
    assert_eq!(added, ["II.1", "II.12", "II.4"]);
    assert!(
        before.iter().all(|r| after.contains(r)),
        "nothing leaves the list"
    );
    assert!(july.contains("Tổng số: <strong>11</strong> nhiệm vụ quá hạn"));
    assert!(june.contains("Tổng số: <strong>8</strong> nhiệm vụ quá hạn"));
    assert!(july.contains("Cục Tin học hóa") && july.contains("Số ngày quá hạn"));
}

#[sqlx::test]
async fn a_task_completed_late_is_overdue_between_its_due_date_and_its_completion(db: PgPool) {
    import_seeds(&db).await;
    sqlx::query(
        "update tasks set state = 'completed', completed_on = '2022-03-15' where ref = 'I.1'",
    )
    .execute(&db)
    .await
    .expect("complete");
    let (_, before) = get_html(&db, "/reports/overdue?as_of=2022-03-10").await;
    assert!(
        refs_in(&before).contains(&"I.1".to_owned()),
        "overdue on 10/03/2022"
    );
    let (_, after) = get_html(&db, "/reports/overdue?as_of=2022-03-20").await;
    assert!(
        !refs_in(&after).contains(&"I.1".to_owned()),
        "completed by 20/03/2022"
    );
    let (_, march) = get_html(&db, "/reports/completed?month=2022-03").await;
    assert!(march.contains("Nhiệm vụ hoàn thành trong kỳ (1)"));
    assert!(
        march.contains("badge completed_late"),
        "completed after its due date counts as late"
    );
}

/// An extension counts from the day it is granted: reports as of earlier dates still show the
/// task overdue against the plan's deadline (a report already sent stays true); from that day it
/// is judged by the new date, and it is overdue again once that date has passed. The overview,
/// the API and the reports agree on every one of those dates.
#[sqlx::test]
async fn an_extension_moves_the_task_out_of_the_overdue_list_from_the_day_it_is_granted(
    db: PgPool,
) {
    use actionplan::db::overview;
    use actionplan::domain::deadline::format_vi;
    use chrono::{Days, NaiveDate};
    import_seeds(&db).await;
    make_user(&db, "manager@bo.vn", "manager", &[]).await;
    let (id, version) = task(&db, "905/QĐ-BTTTT", "II.1").await;
    let token = token_for(&db, "manager@bo.vn").await;
    let new_due = actionplan::web::params::today_in_vietnam() + Days::new(30);
    let answer = send(
        private_app(db.clone()),
        json_request(&format!("/api/v1/tasks/{id}/events"), Some(&token), &json!({"kind": "extend", "due_on": new_due.to_string(), "basis": "Công văn số 99/BTTTT", "version": version})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let granted: NaiveDate = sqlx::query_scalar("select extended_on from tasks where id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("the day the extension was granted");
    let day_before = granted - Days::new(1);
    let after_new_date = new_due + Days::new(1);

    let listed = |html: &str| refs_in(html).contains(&"II.1".to_owned());
    let report = async |query: String| get_html(&db, &format!("/reports/overdue?{query}")).await.1;
    assert!(
        listed(&report(format!("as_of={day_before}")).await),
        "overdue the day before the extension was granted"
    );
    assert!(
        !listed(&report(format!("as_of={granted}")).await),
        "judged against the extended deadline from the day it was granted"
    );
    assert!(
        listed(&report(format!("as_of={granted}&deadline=original")).await),
        "judged against the plan's deadline"
    );
    assert!(
        listed(&report(format!("as_of={after_new_date}")).await),
        "overdue again after the new date"
    );

    for (day, overdue) in [(day_before, true), (granted, false), (after_new_date, true)] {
        let (_, body) = get_json(
            &db,
            &format!("/api/v1/tasks?decision=905/QĐ-BTTTT&category=overdue&as_of={day}"),
        )
        .await;
        let in_api = body["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .any(|t| t["id"] == id);
        assert_eq!(in_api, overdue, "the API's overdue list as of {day}");
        let (_, one) = get_json(&db, &format!("/api/v1/tasks/{id}?as_of={day}")).await;
        assert_eq!(
            one["category"] == "overdue",
            overdue,
            "the task as of {day}"
        );
        let counts_extension = day >= granted;
        let judged = if counts_extension {
            new_due.to_string()
        } else {
            one["due_on"].as_str().expect("a plan deadline").to_owned()
        };
        assert_eq!(
            one["judged_due_on"],
            judged.as_str(),
            "judged by, as of {day}"
        );
        let (_, page) = get_html(&db, &format!("/tasks/{id}?as_of={day}")).await;
        assert!(
            page.contains(&format!(
                "<dt>Hạn hoàn thành</dt><dd>{}",
                format_vi(judged.parse().expect("date"))
            )),
            "the task page as of {day} shows the deadline it is judged by"
        );
        assert_eq!(
            page.contains("id=\"extended-from\""),
            counts_extension,
            "the task page as of {day} says whether the deadline was extended"
        );

        let counted: i64 = overview::category_counts(&db, day)
            .await
            .expect("overview counts")
            .iter()
            .filter(|c| c.decision == "905/QĐ-BTTTT" && c.category.as_deref() == Some("overdue"))
            .map(|c| c.count)
            .sum();
        let reported = actionplan::db::overdue::overdue_task_ids(
            &db,
            day,
            &actionplan::db::reports::ReportFilter {
                decision_code: Some("905/QĐ-BTTTT".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("report ids");
        assert_eq!(reported.contains(&id), overdue, "the report as of {day}");
        assert_eq!(
            counted,
            i64::try_from(reported.len()).expect("count"),
            "the overview counts what the report lists as of {day}"
        );

        let series = overview::completion_series(&db, day)
            .await
            .expect("completion series");
        let last = series.last().expect("a point for the day itself");
        let judged: (i64, i64) = sqlx::query_as(
            "select count(*), count(*) filter (where state = 'completed' and completed_on <= $1)
               from tasks t where not retired and task_due_as_of(t, $1) <= $1",
        )
        .bind(day)
        .fetch_one(&db)
        .await
        .expect("tasks due by the day");
        assert_eq!(
            (last.point, last.due, last.completed),
            (day, judged.0, judged.1),
            "the completion chart's tasks due as of {day}"
        );
    }
}

#[sqlx::test]
async fn report_filters_narrow_by_unit_and_days(db: PgPool) {
    import_seeds(&db).await;
    let unit: i64 = sqlx::query_scalar("select id from units where name = 'Cục Viễn thông'")
        .fetch_one(&db)
        .await
        .expect("unit");
    let (_, html) = get_html(
        &db,
        &format!("/reports/overdue?as_of=2022-07-01&unit={unit}"),
    )
    .await;
    let mut refs = refs_in(&html);
    refs.dedup();
    assert_eq!(refs, ["II.1"]);
    let (_, html) = get_html(&db, "/reports/overdue?as_of=2022-07-01&min_days=90").await;
    let mut refs = refs_in(&html);
    refs.sort();
    refs.dedup();
    assert_eq!(
        refs,
        ["I.1", "II.2"],
        "only those at least 90 days late (I.1: 123, II.2: 92)"
    );
    let (status, _) = get_html(&db, "/reports/overdue?min_days=-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn the_overdue_report_shows_overdue_milestones(db: PgPool) {
    import_seeds(&db).await;
    let (_, html) = get_html(&db, "/reports/overdue?as_of=2022-07-01").await;
    let milestones = html
        .split("id=\"overdue-milestones\"")
        .nth(1)
        .expect("milestone table");
    assert!(
        milestones.contains("III.10")
            && milestones.contains("Hồ sơ đề xuất cấp độ được thẩm định, duyệt")
    );
}

#[sqlx::test]
async fn the_completion_report_gives_the_headline_ratios_per_decision_and_unit(db: PgPool) {
    import_seeds(&db).await;
    sqlx::query(
        "update tasks set state = 'completed', completed_on = '2022-02-20' where ref in ('I.1')",
    )
    .execute(&db)
    .await
    .expect("on time");
    sqlx::query("update tasks set state = 'completed', completed_on = '2022-06-20' where ref in ('II.2', 'II.3')").execute(&db).await.expect("late");
    let (status, html) = get_html(
        &db,
        "/reports/completed?quarter=2022-Q2&decision=905%2FQ%C4%90-BTTTT",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Báo cáo kết quả thực hiện – Quý II/2022"));
    // As of 30/06/2022 in 905: 3 completed (I.1 on time; II.2, II.3 late) and 5 overdue (I.3, I.4,
    // II.9, II.10, II.11) make 8 due; tasks due on 30/06 itself are not yet overdue.
    let table = html.split("id=\"decision-figures\"").nth(1).expect("table");
    assert!(table.contains("<td class=\"num\">8</td><td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">5</td>"), "{table}");
    assert!(table.contains("37,5%") && table.contains("12,5%") && table.contains("62,5%"));
    assert!(
        html.contains("Nhiệm vụ hoàn thành trong kỳ (2)"),
        "II.2 and II.3 completed in June"
    );
    let units = html.split("id=\"unit-figures\"").nth(1).expect("units");
    assert!(units.contains("Cục Tin học hóa"));
    let (status, _) = get_html(&db, "/reports/completed?month=2022-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn downloads_take_the_same_filters_and_name_their_files(db: PgPool) {
    import_seeds(&db).await;
    for (path, content_type) in [
        (
            "/reports/overdue.csv?as_of=2022-07-01",
            "text/csv; charset=utf-8",
        ),
        (
            "/reports/overdue.xlsx?as_of=2022-07-01",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "/reports/completed.csv?month=2022-06",
            "text/csv; charset=utf-8",
        ),
        (
            "/reports/completed.xlsx?month=2022-06",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "/reports/monthly.docx?month=2022-06",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "/reports/monthly.xlsx?month=2022-06",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let answer = send(test_app(db.clone()), get_request(path, None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.headers["content-type"], content_type, "{path}");
        assert!(
            answer.headers["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment; filename=\"bao-cao-"),
            "{path}"
        );
    }
    let csv = send(
        test_app(db.clone()),
        get_request(
            "/reports/overdue.csv?as_of=2022-07-01&decision=905%2FQ%C4%90-BTTTT",
            None,
        ),
    )
    .await;
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with BOM");
    assert!(csv.body.contains("Cục Tin học hóa") && csv.body.contains("28/02/2022"));
    let rows = csv
        .body
        .lines()
        .filter(|l| l.contains("905/QĐ-BTTTT"))
        .count();
    assert!(
        rows >= 11,
        "every overdue task of 905 as of 01/07/2022 is exported: {rows}"
    );
}

#[sqlx::test]
async fn the_api_the_overview_and_the_report_agree_for_the_same_date(db: PgPool) {
    import_seeds(&db).await;
    sqlx::query(
        "update tasks set state = 'completed', completed_on = '2022-08-15' where ref = 'II.1'",
    )
    .execute(&db)
    .await
    .expect("complete");
    for (as_of, expected) in [("2022-07-31", 11), ("2022-08-31", 10)] {
        let (_, api) = crate::common::get_json(
            &db,
            &format!("/api/v1/tasks?category=overdue&as_of={as_of}"),
        )
        .await;
        assert_eq!(api["total"], expected, "API as of {as_of}");
        let (_, report) = get_html(&db, &format!("/reports/overdue?as_of={as_of}")).await;
        assert!(
            report.contains(&format!(
                "Tổng số: <strong>{expected}</strong> nhiệm vụ quá hạn"
            )),
            "report as of {as_of}"
        );
        let (_, overview) = get_html(&db, &format!("/?as_of={as_of}")).await;
        let stat = overview
            .split("class=\"stat overdue\"")
            .nth(1)
            .expect("overdue stat");
        assert!(
            stat.contains(&format!("<span class=\"n\">{expected}</span>")),
            "overview as of {as_of}"
        );
    }
}

#[sqlx::test]
async fn the_monthly_workbook_holds_the_figures_the_page_shows(db: PgPool) {
    use calamine::{DataType, Reader, Xlsx};
    import_seeds(&db).await;
    sqlx::query("update tasks set state = 'completed', completed_on = '2022-06-20' where ref in ('II.2', 'II.3')").execute(&db).await.expect("late");
    let response = tower::ServiceExt::oneshot(
        test_app(db.clone()),
        get_request("/reports/monthly.xlsx?month=2022-06", None),
    )
    .await
    .expect("answer");
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let names = book.sheet_names();
    assert!(
        names.iter().any(|n| n == "Tổng hợp") && names.iter().any(|n| n == "Quá hạn"),
        "{names:?}"
    );
    let summary = book.worksheet_range("Tổng hợp").expect("summary sheet");
    let numbers: Vec<f64> = summary
        .cells()
        .filter_map(|(_, _, c)| c.get_float().or_else(|| c.get_int().map(|i| i as f64)))
        .collect();
    // The page's figures for June 2022, all plans: 8 due, 2 completed late, 6 overdue.
    let (_, page) = get_html(&db, "/reports/completed?month=2022-06").await;
    let totals = page.split("class=\"total-row\"").nth(1).expect("total row");
    for figure in [
        "<td class=\"num\">8</td>",
        "<td class=\"num\">2</td>",
        "<td class=\"num\">6</td>",
    ] {
        assert!(totals.contains(figure), "{figure} in {totals}");
    }
    for n in [8.0, 2.0, 6.0] {
        assert!(
            numbers.contains(&n),
            "{n} in the workbook's summary: {numbers:?}"
        );
    }
    let overdue = book.worksheet_range("Quá hạn").expect("overdue sheet");
    let text: Vec<String> = overdue
        .cells()
        .filter_map(|(_, _, c)| c.get_string().map(str::to_owned))
        .collect();
    for reference in ["I.1", "I.3", "I.4", "II.9", "II.10", "II.11"] {
        assert!(
            text.iter().any(|t| t == reference),
            "{reference} overdue at the end of June"
        );
    }
}

#[sqlx::test]
async fn the_monthly_word_report_names_every_overdue_task_and_unit(db: PgPool) {
    use std::io::Read;
    import_seeds(&db).await;
    let response = tower::ServiceExt::oneshot(
        test_app(db.clone()),
        get_request("/reports/monthly.docx?month=2022-06", None),
    )
    .await
    .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a docx is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("UTF-8 XML");
    assert!(xml.contains("Tháng 6/2022"));
    // I.4 is led by the national e-certification centre, whichever spelling became canonical.
    let centre: String = sqlx::query_scalar(
        "select name from units where key like 'trung tam chung thuc dien tu quoc gia@%'",
    )
    .fetch_one(&db)
    .await
    .expect("centre");
    for needle in [
        "I.1",
        "I.3",
        "I.4",
        "II.9",
        "II.10",
        "II.11",
        "Cục Tin học hóa",
        centre.as_str(),
    ] {
        assert!(xml.contains(needle), "{needle} in the Word report");
    }
}

/// The report's column predicates (migration 0006) select exactly the tasks that
/// `task_category(t, as_of, extended) = 'overdue'` does, whatever the completion, extension,
/// settled deadline, retirement and minimum days.
#[sqlx::test]
async fn the_overdue_predicate_agrees_with_task_category_on_every_date(db: PgPool) {
    use actionplan::db::{overdue, reports::ReportFilter};
    import_seeds(&db).await;
    for statement in [
        "update tasks set state = 'completed', completed_on = coalesce(plan_due_on, date '2023-03-15') + ((id % 7 - 3) * 40)::int where id % 3 = 0",
        "update tasks set state = 'in_progress' where id % 3 = 1",
        // granted 10 days before the plan's deadline, or 25 days after it
        "update tasks set extended_due_on = coalesce(plan_due_on, date '2022-06-30') + 45,
                extended_on = coalesce(plan_due_on, date '2022-06-30') + (id % 8 * 35 / 4 - 10)::int,
                extension_basis = 'Công văn' where id % 4 = 0",
        "update tasks set settled_due_on = date '2022-09-30' where deadline_kind = 'unparsed' or id % 10 = 7",
        "update tasks set retired = true where id % 11 = 5",
    ] {
        sqlx::query(statement).execute(&db).await.expect(statement);
    }
    let decision: String = sqlx::query_scalar("select code from decisions order by code limit 1")
        .fetch_one(&db)
        .await
        .expect("decision");
    let mut checked = 0;
    let mut before_grant = 0;
    let mut day = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
    let end = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    while day <= end {
        // Tasks overdue on the day only because their extension came later.
        let overdue_until_granted: i64 = sqlx::query_scalar(
            "select count(*) from tasks t
              where not t.retired and t.extended_on > $1 and task_category(t, $1) = 'overdue'
                and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, $1) <> 'overdue'",
        )
        .bind(day)
        .fetch_one(&db)
        .await
        .expect("count");
        before_grant += overdue_until_granted;
        for original in [false, true] {
            for min_days in [None, Some(0), Some(1), Some(60)] {
                for decision_code in [None, Some(decision.clone())] {
                    let filter = ReportFilter {
                        decision_code: decision_code.clone(),
                        unit: None,
                        min_days_overdue: min_days,
                        original_deadline: original,
                    };
                    let mut expected: Vec<i64> = sqlx::query_scalar(
                        "select t.id from tasks t join decisions d on d.id = t.decision_id
                          where not t.retired and task_category(t, $1, $2) = 'overdue'
                            and ($3::int is null or task_days_overdue(t, $1, $2) >= $3)
                            and ($4::text is null or d.code = $4)",
                    )
                    .bind(day)
                    .bind(!original)
                    .bind(min_days)
                    .bind(&decision_code)
                    .fetch_all(&db)
                    .await
                    .expect("expected");
                    expected.sort_unstable();
                    let mut found = overdue::overdue_task_ids(&db, day, &filter)
                        .await
                        .expect("ids");
                    found.sort_unstable();
                    assert_eq!(found, expected, "as of {day}, {filter:?}");
                    let summary = overdue::overdue_summary(&db, day, &filter)
                        .await
                        .expect("summary");
                    assert_eq!(summary.total, i64::try_from(expected.len()).expect("fits"));
                    let report = overdue::overdue_report(&db, day, &filter)
                        .await
                        .expect("report");
                    let mut listed: Vec<i64> = report
                        .units
                        .iter()
                        .flat_map(|u| u.rows.iter().map(|r| r.task_id))
                        .collect();
                    listed.sort_unstable();
                    listed.dedup();
                    assert_eq!(listed, expected, "listed as of {day}, {filter:?}");
                    checked += expected.len();
                }
            }
        }
        day = day + chrono::Days::new(17);
    }
    assert!(checked > 1000, "the dates cover overdue tasks: {checked}");
    assert!(
        before_grant > 0,
        "the dates cover tasks overdue before their extension was granted: {before_grant}"
    );
}

#[sqlx::test]
async fn the_overdue_report_takes_a_unit_typed_by_name(db: PgPool) {
    crate::common::import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar("select id from units where name = 'Cục Tin học hóa'")
        .fetch_one(&db)
        .await
        .expect("unit");
    let (_, by_id) =
        crate::common::get_html(&db, &format!("/reports/overdue?as_of=2022-07-01&unit={id}")).await;
    let (status, typed) = crate::common::get_html(
        &db,
        "/reports/overdue?as_of=2022-07-01&unit=cuc+tin+hoc+hoa",
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let lines = |html: &str| html.matches("<tr").count();
    assert_eq!(lines(&typed), lines(&by_id));
    assert!(typed.contains("value=\"Cục Tin học hóa"));
    let (status, unknown) = crate::common::get_html(&db, "/reports/overdue?unit=Vu+Khong+Co").await;
    assert_eq!(status, axum::http::StatusCode::BAD_REQUEST);
    assert!(unknown.contains("Không tìm thấy đơn vị chủ trì nào có tên “Vu Khong Co”."));
}
