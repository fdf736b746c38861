//! Tests: the unit page and the plan page at scale — their tables come a page at a time while
//! the rate and the counts cover every task, and the whole plan stays one click away to print.

use std::collections::HashMap;

use actionplan::db::generate::{self, Scale};
use actionplan::db::import::import_document;
use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{fill_at, get_html};

/// Tasks per page of each table of the unit page, and of the plan table.
const UNIT_PAGE: usize = 50;
const PLAN_PAGE: usize = 100;
const AS_OF: &str = "2026-11-23";

/// Enough tasks on few units that the busiest leads several pages of them.
const SCALE: Scale = Scale {
    decisions: 4,
    tasks: 1_500,
    units: 20,
    events: 500,
    seed: 11,
};

/// An `href` as askama writes it: `&` escaped.
fn href(url: &str) -> String {
    format!("href=\"{}\"", url.replace('&', "&#38;"))
}

/// The part of `html` from `start` to the next `end`, failing the test when either is missing.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("page lacks {start:?}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The task ids of the rows of a table, in order.
fn task_ids(table: &str) -> Vec<i64> {
    table
        .split("data-task=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("quoted")].parse().expect("id"))
        .collect()
}

/// The task ids of one of the unit page's tables ("lead" or "partner").
fn unit_table(html: &str, role: &str) -> Vec<i64> {
    if !html.contains(&format!("id=\"{role}-table\"")) {
        return Vec::new();
    }
    task_ids(between(html, &format!("id=\"{role}-table\""), "</table>"))
}

/// The unit leading the most tasks, as the README's benchmark picks it.
async fn busiest_unit(db: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select u.id from task_units tu join units u on u.id = tu.unit_id
          where tu.role = 'lead' and not u.is_group group by u.id order by count(*) desc, u.id limit 1",
    )
    .fetch_one(db)
    .await
    .expect("a unit")
}

/// A unit's tasks in a role, named directly or through a group, in plan order.
async fn tasks_of(db: &PgPool, unit: i64, role: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "select t.id from tasks t join decisions d on d.id = t.decision_id
          where not t.retired
            and exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = $1 and tu.role = $2)
          order by d.issued_on nulls last, d.code, t.position",
    )
    .bind(unit)
    .bind(role)
    .fetch_all(db)
    .await
    .expect("tasks")
}

/// A unit's lead tasks per category as of the date, with the SQL `task_category`.
async fn lead_categories(db: &PgPool, unit: i64) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select task_category(t, $2::date), count(*) from task_units tu join tasks t on t.id = tu.task_id
          where tu.unit_id = $1 and tu.role = 'lead' and not t.retired group by 1",
    )
    .bind(unit)
    .bind(AS_OF)
    .fetch_all(db)
    .await
    .expect("counts");
    rows.into_iter().collect()
}

#[sqlx::test]
async fn unit_completion_rate_counts_every_lead_task_not_only_the_page_shown(db: PgPool) {
    fill_at(&db, &SCALE).await;
    let unit = busiest_unit(&db).await;
    let leads = tasks_of(&db, unit, "lead").await;
    assert!(leads.len() > 2 * UNIT_PAGE, "{} lead tasks", leads.len());
    let counts = lead_categories(&db, unit).await;
    let n = |c: &str| counts.get(c).copied().unwrap_or(0);
    let completed = n("completed_on_time") + n("completed_late");
    let counted = completed + n("overdue");
    assert!(
        counted > i64::try_from(UNIT_PAGE).expect("small"),
        "{counted}"
    );
    let percent: i64 = sqlx::query_scalar("select round(100.0 * $1 / $2)::bigint")
        .bind(completed)
        .bind(counted)
        .fetch_one(&db)
        .await
        .expect("percent");
    let rate = format!("<span class=\"rate\">{percent}%</span> ({completed}/{counted} nhiệm vụ)");
    for page in ["", "&lead_page=2", "&lead_page=3&partner_page=2"] {
        let (status, html) = get_html(&db, &format!("/units/{unit}?as_of={AS_OF}{page}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(unit_table(&html, "lead").len() <= UNIT_PAGE);
        assert!(html.contains(&rate), "{page}: {rate}");
        let stats = between(&html, "id=\"unit-categories\"", "</ul>");
        for (category, count) in &counts {
            let link = href(&format!(
                "/tasks?lead_unit={unit}&category={category}&as_of={AS_OF}"
            ));
            assert!(
                stats.contains(&format!("{link}><span class=\"n\">{count}</span>")),
                "{category} should count {count}: {stats}"
            );
        }
    }
}

#[sqlx::test]
async fn unit_page_shows_fifty_tasks_per_role_and_links_to_the_rest(db: PgPool) {
    fill_at(&db, &SCALE).await;
    let unit = busiest_unit(&db).await;
    let leads = tasks_of(&db, unit, "lead").await;
    let partners = tasks_of(&db, unit, "partner").await;
    let total = leads.len();
    let (_, first) = get_html(&db, &format!("/units/{unit}?as_of={AS_OF}")).await;
    assert_eq!(unit_table(&first, "lead"), leads[..UNIT_PAGE]);
    let shown = partners.len().min(UNIT_PAGE);
    assert_eq!(unit_table(&first, "partner"), partners[..shown]);
    assert!(first.contains(&format!("Nhiệm vụ chủ trì ({total})")));
    assert!(first.contains(&format!("Nhiệm vụ phối hợp ({})", partners.len())));
    assert!(first.contains(&format!("Nhiệm vụ 1–{UNIT_PAGE} trong {total} nhiệm vụ")));
    let all_leads = href(&format!("/tasks?lead_unit={unit}&as_of={AS_OF}"));
    assert!(
        first.contains(&format!("{all_leads}>Xem tất cả")),
        "{all_leads}"
    );
    if !partners.is_empty() {
        let all_partners = href(&format!("/tasks?partner_unit={unit}&as_of={AS_OF}"));
        assert!(first.contains(&format!("{all_partners}>Xem tất cả")));
    }
    let next = href(&format!(
        "/units/{unit}?lead_page=2&as_of={AS_OF}#lead-tasks"
    ));
    assert!(first.contains(&format!("{next} rel=\"next\"")), "{next}");

    // Walking the lead pages, each continuing the last, shows every lead task once; the other
    // table's page stays where it was.
    let pages = total.div_ceil(UNIT_PAGE);
    let mut walked = Vec::new();
    for page in 1..=pages {
        let path = format!("/units/{unit}?as_of={AS_OF}&lead_page={page}&partner_page=2");
        let (status, html) = get_html(&db, &path).await;
        assert_eq!(status, StatusCode::OK);
        let rows = unit_table(&html, "lead");
        let start = (page - 1) * UNIT_PAGE;
        assert_eq!(rows, leads[start..(start + UNIT_PAGE).min(total)], "{path}");
        walked.extend(rows);
        if page < pages {
            let next = href(&format!(
                "/units/{unit}?lead_page={}&partner_page=2&as_of={AS_OF}#lead-tasks",
                page + 1
            ));
            assert!(html.contains(&format!("{next} rel=\"next\"")), "{path}");
        } else {
            assert!(!between(&html, "id=\"lead-table\"", "</section>").contains("rel=\"next\""));
        }
        let partner_page = if partners.len() > UNIT_PAGE { 2 } else { 1 };
        let skip = (partner_page - 1) * UNIT_PAGE;
        let expected: Vec<i64> = partners
            .iter()
            .skip(skip)
            .take(UNIT_PAGE)
            .copied()
            .collect();
        assert_eq!(unit_table(&html, "partner"), expected, "{path}");
    }
    assert_eq!(walked, leads);

    // A page past the end shows the last page.
    let (status, past) = get_html(&db, &format!("/units/{unit}?lead_page=999")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unit_table(&past, "lead"), leads[(pages - 1) * UNIT_PAGE..]);
}

#[sqlx::test]
async fn unit_page_marks_tasks_reached_through_a_group_on_every_page(db: PgPool) {
    fill_at(&db, &SCALE).await;
    let (unit, role, group): (i64, String, String) = sqlx::query_as(
        "select tu.unit_id, tu.role, g.name from task_units tu join units g on g.id = tu.via_group_id
          group by 1, 2, 3 order by count(*) desc limit 1",
    )
    .fetch_one(&db)
    .await
    .expect("a unit reached through a group");
    let via: Vec<i64> = sqlx::query_scalar(
        "select task_id from task_units where unit_id = $1 and role = $2 and via_group_id is not null",
    )
    .bind(unit)
    .bind(&role)
    .fetch_all(&db)
    .await
    .expect("tasks");
    assert!(!via.is_empty());
    let all = tasks_of(&db, unit, &role).await;
    let mut seen = 0;
    for page in 1..=all.len().div_ceil(UNIT_PAGE) {
        let (_, html) = get_html(&db, &format!("/units/{unit}?{role}_page={page}")).await;
        let table = between(&html, &format!("id=\"{role}-table\""), "</table>");
        for task in task_ids(table) {
            let row = between(table, &format!("data-task=\"{task}\""), "</tr>");
            if via.contains(&task) {
                assert!(row.contains("qua nhóm"), "{task}: {row}");
                seen += 1;
            } else {
                assert!(!row.contains("qua nhóm"), "{task}: {row}");
            }
        }
    }
    assert_eq!(
        seen,
        via.len(),
        "every task reached through {group} is marked"
    );
}

#[sqlx::test]
async fn unit_page_rejects_malformed_page_numbers(db: PgPool) {
    fill_at(&db, &SCALE).await;
    let unit = busiest_unit(&db).await;
    for query in [
        "lead_page=abc",
        "lead_page=0",
        "lead_page=-2",
        "partner_page=1.5",
        "partner_page=99999999999999999999",
    ] {
        let (status, html) = get_html(&db, &format!("/units/{unit}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(html.contains("không hợp lệ"), "{query}: {html}");
    }
}

/// The code of the generated plan: 230 tasks in sections I–V of 46 tasks each.
const PLAN_CODE: &str = "9007/QĐ-BTTTT";
const PLAN_TASKS: usize = 230;

/// Imports the generated plan; returns its id and its task ids in document order.
async fn import_plan(db: &PgPool) -> (i64, Vec<i64>) {
    let text = generate::plan_document(PLAN_TASKS, 9007, 6);
    import_document(db, "ke-hoach-9007.txt", text.as_bytes())
        .await
        .expect("the generated plan imports");
    let id: i64 = sqlx::query_scalar("select id from decisions where code = $1")
        .bind(PLAN_CODE)
        .fetch_one(db)
        .await
        .expect("decision");
    let tasks: Vec<i64> = sqlx::query_scalar(
        "select id from tasks where decision_id = $1 and not retired order by position",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .expect("tasks");
    assert_eq!(tasks.len(), PLAN_TASKS);
    (id, tasks)
}

/// (code, title, continued) of the section rows of a plan page, in order.
fn section_rows(html: &str) -> Vec<(String, String, bool)> {
    html.split("<tr class=\"section-row")
        .skip(1)
        .map(|rest| {
            let row = &rest[..rest.find("</tr>").expect("row ends")];
            let cell = |n: usize| {
                let text = row.split("<td").nth(n).expect("cell");
                let text = &text[text.find('>').expect("tag") + 1..];
                text[..text.find('<').expect("cell ends")].trim().to_owned()
            };
            (cell(1), cell(2), row.starts_with(" continued"))
        })
        .collect()
}

/// The section code of each task of the plan, in document order.
async fn section_codes(db: &PgPool, decision: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select s.code from tasks t join sections s on s.id = t.section_id
          where t.decision_id = $1 and not t.retired order by t.position",
    )
    .bind(decision)
    .fetch_all(db)
    .await
    .expect("sections")
}

/// The counts of the plan page's six categories.
fn category_counts(html: &str) -> Vec<i64> {
    between(html, "id=\"decision-categories\"", "</ul>")
        .split("<span class=\"n\">")
        .skip(1)
        .map(|rest| {
            rest[..rest.find('<').expect("ends")]
                .parse()
                .expect("count")
        })
        .collect()
}

#[sqlx::test]
async fn plan_page_shows_a_hundred_tasks_and_repeats_the_section_a_page_continues(db: PgPool) {
    let (id, tasks) = import_plan(&db).await;
    let codes = section_codes(&db, id).await;
    // Tasks 95–105 under one sub-heading that runs across the first page break.
    sqlx::query("update tasks set heading = 'Nhóm nhiệm vụ chuyển tiếp' where id = any($1)")
        .bind(&tasks[94..105])
        .execute(&db)
        .await
        .expect("heading");
    let pages = PLAN_TASKS.div_ceil(PLAN_PAGE);
    let mut walked = Vec::new();
    for page in 1..=pages {
        let (status, html) = get_html(&db, &format!("/decisions/{id}?page={page}")).await;
        assert_eq!(status, StatusCode::OK);
        let rows = task_ids(between(&html, "id=\"plan-table\"", "</table>"));
        let start = (page - 1) * PLAN_PAGE;
        let end = (start + PLAN_PAGE).min(PLAN_TASKS);
        assert_eq!(rows, tasks[start..end], "page {page}");
        walked.extend(rows);
        assert!(html.contains(&format!(
            "Nhiệm vụ {}–{end} trong {PLAN_TASKS} nhiệm vụ",
            start + 1
        )));
        // Each section whose first task is on the page heads it there; the section the page
        // starts in the middle of is repeated first, marked as continued.
        let mut expected = Vec::new();
        if start > 0 && codes[start] == codes[start - 1] {
            expected.push((codes[start].clone(), true));
        }
        for at in start..end {
            if at == 0 || codes[at] != codes[at - 1] {
                expected.push((codes[at].clone(), false));
            }
        }
        let shown: Vec<(String, bool)> = section_rows(&html)
            .into_iter()
            .map(|(code, _, continued)| (code, continued))
            .collect();
        assert_eq!(shown, expected, "page {page}");
        if let Some((code, _)) = expected.iter().find(|(_, continued)| *continued) {
            let first_task = html
                .find(&format!("data-task=\"{}\"", tasks[start]))
                .expect("first task");
            let section = html
                .find(&format!(
                    "<tr class=\"section-row continued\"><td>{code}</td>"
                ))
                .expect("continued section");
            assert!(section < first_task, "page {page}");
        }
        // The counts cover the whole plan on every page.
        let counts = category_counts(&html);
        assert_eq!(counts.len(), 6);
        assert_eq!(counts.iter().sum::<i64>(), 230, "page {page}");
        assert!(html.contains(&href(&format!("/decisions/{id}?all=1"))));
        assert!(html.contains(">Bản đầy đủ để in</a>"));
    }
    assert_eq!(walked, tasks);
    assert_eq!(codes[99], codes[100], "page 2 starts inside a section");

    let (_, first) = get_html(&db, &format!("/decisions/{id}")).await;
    let heading = "<td colspan=\"6\">Nhóm nhiệm vụ chuyển tiếp";
    assert_eq!(first.matches(heading).count(), 1);
    assert!(!first.contains("heading-row continued"));
    assert!(first.contains(&format!(
        "{} rel=\"next\"",
        href(&format!("/decisions/{id}?page=2#plan-title"))
    )));
    let (_, second) = get_html(&db, &format!("/decisions/{id}?page=2&as_of={AS_OF}")).await;
    assert_eq!(second.matches(heading).count(), 1);
    let continued = second
        .find("<tr class=\"heading-row continued\"><td></td><td colspan=\"6\">Nhóm nhiệm vụ chuyển tiếp <span class=\"muted\">(tiếp theo)</span></td></tr>")
        .expect("the sub-heading is repeated");
    assert!(
        continued
            < second
                .find(&format!("data-task=\"{}\"", tasks[100]))
                .expect("task")
    );
    assert!(second.contains(&format!(
        "{} rel=\"prev\"",
        href(&format!("/decisions/{id}?page=1&as_of={AS_OF}#plan-title"))
    )));
    assert!(second.contains(&href(&format!("/decisions/{id}?all=1&as_of={AS_OF}"))));
}

#[sqlx::test]
async fn the_full_plan_view_holds_every_task_in_order_to_print(db: PgPool) {
    let (id, tasks) = import_plan(&db).await;
    sqlx::query("insert into sections (decision_id, code, title, position) values ($1, 'VI', 'MỤC CHƯA CÓ NHIỆM VỤ', 99)")
        .bind(id)
        .execute(&db)
        .await
        .expect("an empty section");
    let (status, html) = get_html(&db, &format!("/decisions/{id}?all=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        task_ids(between(&html, "id=\"plan-table\"", "</table>")),
        tasks
    );
    let sections: Vec<(String, bool)> = section_rows(&html)
        .into_iter()
        .map(|(code, _, continued)| (code, continued))
        .collect();
    let expected: Vec<(String, bool)> = ["I", "II", "III", "IV", "V", "VI"]
        .iter()
        .map(|c| ((*c).to_owned(), false))
        .collect();
    assert_eq!(sections, expected);
    assert!(!html.contains("class=\"pager\""));
    assert!(html.contains("<button type=\"button\" data-print>In kế hoạch</button>"));
    assert!(html.contains(&href(&format!("/decisions/{id}"))));
    assert!(html.contains(">Xem theo trang</a>"));
    assert_eq!(category_counts(&html).iter().sum::<i64>(), 230);

    // The empty last section shows at the end of the last page only; the paged view offers no
    // print button, which would print one page.
    let (_, first) = get_html(&db, &format!("/decisions/{id}")).await;
    assert!(!first.contains("MỤC CHƯA CÓ NHIỆM VỤ"));
    assert!(!first.contains("data-print"));
    let (_, last) = get_html(&db, &format!("/decisions/{id}?page=3")).await;
    assert!(last.contains(
        "<tr class=\"section-row\"><td>VI</td><td colspan=\"6\">MỤC CHƯA CÓ NHIỆM VỤ</td></tr>"
    ));
}

#[sqlx::test]
async fn plan_page_rejects_malformed_page_numbers_and_shows_the_last_past_the_end(db: PgPool) {
    let (id, tasks) = import_plan(&db).await;
    for query in ["page=abc", "page=0", "page=-1", "page=2.5", "page=100001"] {
        let (status, html) = get_html(&db, &format!("/decisions/{id}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(html.contains("không hợp lệ"), "{query}");
    }
    let (status, html) = get_html(&db, &format!("/decisions/{id}?page=999")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        task_ids(between(&html, "id=\"plan-table\"", "</table>")),
        tasks[200..]
    );
}
