//! Tests: pages_overview, the page `/` (Tổng quan) as of a date.

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{get_html, import_seeds};

const CATEGORIES: [&str; 6] = [
    "completed_on_time",
    "completed_late",
    "in_progress_on_time",
    "overdue",
    "continuous",
    "no_deadline",
];
const D905: &str = "905%2FQ%C4%90-BTTTT";
const D94: &str = "94%2FQ%C4%90-BKHCN";

/// The page as of a date, with `&` in attributes unescaped so hrefs read as written.
async fn overview(db: &PgPool, as_of: &str) -> String {
    let (status, html) = get_html(db, &format!("/?as_of={as_of}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html.replace("&#38;", "&").replace("&amp;", "&")
}

/// The part of the page from the element with `id` to the next `end`.
fn part<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let rest = &html[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The text of every link to exactly `href`, tags stripped and spaces collapsed.
fn link_texts(html: &str, href: &str) -> Vec<String> {
    let needle = format!("href=\"{href}\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i..];
            let open = rest.find('>').expect("tag ends");
            let inner = &rest[open + 1..rest.find("</a>").expect("link closes")];
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The number shown by the one link to `href` inside `html`.
fn count_at(html: &str, href: &str) -> i64 {
    let texts = link_texts(html, href);
    assert_eq!(texts.len(), 1, "links to {href}: {texts:?}");
    texts[0]
        .parse()
        .unwrap_or_else(|_| panic!("{href}: {:?}", texts[0]))
}

async fn complete(db: &PgPool, reference: &str, on: &str) {
    let done = sqlx::query(
        "update tasks set state = 'completed', completed_on = $2::date
          where ref = $1 and decision_id = (select id from decisions where code = '905/QĐ-BTTTT')",
    )
    .bind(reference)
    .bind(on)
    .execute(db)
    .await
    .expect("task updated");
    assert_eq!(done.rows_affected(), 1);
}

async fn task_id(db: &PgPool, decision: &str, reference: &str) -> i64 {
    sqlx::query_scalar(
        "select t.id from tasks t join decisions d on d.id = t.decision_id where d.code = $1 and t.ref = $2",
    )
    .bind(decision)
    .bind(reference)
    .fetch_one(db)
    .await
    .expect("task exists")
}

async fn unit_id(db: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("select id from units where name = $1 and not is_group")
        .bind(name)
        .fetch_one(db)
        .await
        .expect("unit exists")
}

/// I.1 (due 28/02/2022) completed late on 15/03; I.4 (due 31/05/2022) on time on 20/05.
async fn seeds_with_two_completions(db: &PgPool) {
    import_seeds(db).await;
    complete(db, "I.1", "2022-03-15").await;
    complete(db, "I.4", "2022-05-20").await;
}

#[sqlx::test]
async fn the_overview_counts_each_category_for_all_plans_and_for_each_plan(db: PgPool) {
    seeds_with_two_completions(&db).await;
    let html = overview(&db, "2022-07-01").await;
    let table = part(&html, "by-plan", "</table>");
    // 905: 42 tasks, 14 continuous; of the 28 dated ones 11 were due by 30/06 (I.1 and I.4 done).
    let expected_905 = [1, 1, 17, 9, 14, 0];
    let expected_94 = [0, 0, 14, 0, 6, 0];
    for (i, category) in CATEGORIES.iter().enumerate() {
        let href = |d: &str| format!("/tasks?category={category}&decision={d}&as_of=2022-07-01");
        assert_eq!(
            count_at(table, &href(D905)),
            expected_905[i],
            "905 {category}"
        );
        assert_eq!(count_at(table, &href(D94)), expected_94[i], "94 {category}");
        let all = format!("/tasks?category={category}&as_of=2022-07-01");
        assert_eq!(
            count_at(table, &all),
            expected_905[i] + expected_94[i],
            "all {category}"
        );
    }
    assert_eq!(
        count_at(table, &format!("/tasks?decision={D905}&as_of=2022-07-01")),
        42
    );
    assert_eq!(
        count_at(table, &format!("/tasks?decision={D94}&as_of=2022-07-01")),
        20
    );
    assert_eq!(count_at(table, "/tasks?as_of=2022-07-01"), 62);

    // The same numbers, straight from the data.
    let from_sql: Vec<(String, String, i64)> = sqlx::query_as(
        "select d.code, task_category(t, '2022-07-01'), count(*)
           from tasks t join decisions d on d.id = t.decision_id where not t.retired group by 1, 2",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    for (code, category, n) in from_sql {
        let d = if code.starts_with("905") { D905 } else { D94 };
        let href = format!("/tasks?category={category}&decision={d}&as_of=2022-07-01");
        assert_eq!(count_at(table, &href), n, "{code} {category}");
    }

    let stats = part(&html, "stats", "</ul>");
    for (label, n) in [
        ("Hoàn thành đúng hạn", 1),
        ("Hoàn thành quá hạn", 1),
        ("Đang thực hiện trong hạn", 31),
        ("Quá hạn", 9),
        ("Thường xuyên", 20),
        ("Chưa xác định hạn", 0),
    ] {
        assert!(
            stats.contains(&format!("<span class=\"n\">{n}</span> {label}</a>")),
            "{label}"
        );
    }
}

#[sqlx::test]
async fn a_task_completed_after_the_report_date_is_overdue_in_that_report(db: PgPool) {
    seeds_with_two_completions(&db).await;
    let html = overview(&db, "2022-03-01").await;
    let table = part(&html, "by-plan", "</table>");
    let href = |c: &str| format!("/tasks?category={c}&decision={D905}&as_of=2022-03-01");
    assert_eq!(count_at(table, &href("overdue")), 1, "I.1 was not done yet");
    assert_eq!(count_at(table, &href("completed_late")), 0);
    assert_eq!(count_at(table, &href("completed_on_time")), 0);
    let later = overview(&db, "2022-07-01").await;
    let table = part(&later, "by-plan", "</table>");
    let href = |c: &str| format!("/tasks?category={c}&decision={D905}&as_of=2022-07-01");
    assert_eq!(count_at(table, &href("completed_late")), 1);
}

#[sqlx::test]
async fn retired_tasks_are_left_out_of_every_count(db: PgPool) {
    import_seeds(&db).await;
    sqlx::query("update tasks set retired = true where ref = 'II.1'")
        .execute(&db)
        .await
        .unwrap();
    let html = overview(&db, "2022-07-01").await;
    let table = part(&html, "by-plan", "</table>");
    assert_eq!(
        count_at(table, &format!("/tasks?decision={D905}&as_of=2022-07-01")),
        41
    );
    assert_eq!(
        count_at(
            table,
            &format!("/tasks?category=overdue&decision={D905}&as_of=2022-07-01")
        ),
        10
    );
}

#[sqlx::test]
async fn count_links_carry_the_category_the_plan_and_the_as_of_date(db: PgPool) {
    import_seeds(&db).await;
    let html = overview(&db, "2022-07-01").await;
    assert!(html.contains(&format!(
        "href=\"/tasks?category=overdue&decision={D905}&as_of=2022-07-01\""
    )));
    assert!(html.contains("href=\"/tasks?category=overdue&as_of=2022-07-01\""));
    // Without a chosen date, links stay plain (they mean "today").
    let (_, today) = get_html(&db, "/").await;
    assert!(today.contains("href=\"/tasks?category=overdue&#38;decision=905%2FQ%C4%90-BTTTT\""));
}

#[sqlx::test]
async fn the_headline_gives_the_total_and_the_completion_rate_with_its_definition(db: PgPool) {
    seeds_with_two_completions(&db).await;
    let html = overview(&db, "2022-07-01").await;
    let headline = part(&html, "headline", "</section>");
    assert!(headline.contains("<strong class=\"big\">62</strong> nhiệm vụ"));
    assert!(headline.contains("trong 2 kế hoạch"));
    // 2 completed over 2 completed + 9 overdue.
    assert!(headline.contains("id=\"completion-rate\">18,2%</strong>"));
    assert!(headline.contains("(2/11)"));
    assert!(headline.contains("Tỷ lệ hoàn thành = số nhiệm vụ đã hoàn thành"));
}

#[sqlx::test]
async fn cuc_tin_hoc_hoa_leads_the_most_overdue_tasks_in_july_2022(db: PgPool) {
    import_seeds(&db).await;
    let html = overview(&db, "2022-07-01").await;
    let list = part(&html, "top-overdue", "</ol>");
    let first = &list[list.find("<li>").unwrap()..list.find("</li>").unwrap()];
    let id = unit_id(&db, "Cục Tin học hóa").await;
    let href = format!("/tasks?lead_unit={id}&category=overdue&as_of=2022-07-01");
    assert!(
        first.contains(&format!("<a href=\"{href}\">Cục Tin học hóa</a>")),
        "{first}"
    );
    assert_eq!(link_texts(first, &href), ["Cục Tin học hóa", "9"]);
    assert!(first.contains("<rect class=\"fill\" width=\"100\""));
    assert!(list.matches("<li>").count() <= 10);
}

#[sqlx::test]
async fn units_leading_through_a_group_are_counted_and_groups_are_not_listed(db: PgPool) {
    import_seeds(&db).await;
    // III.10 is led by a group without known members; 94's tasks 4, 9 and 13 by a group of 15.
    let html = overview(&db, "2025-01-01").await;
    let list = part(&html, "top-overdue", "</ol>");
    assert_eq!(list.matches("<li>").count(), 10);
    assert!(!list.contains("Đơn vị quản lý, vận hành hệ thống, nền tảng"));
    assert!(!list.contains("Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ"));
    let direct: i64 = sqlx::query_scalar(
        "select count(*) from task_units tu join units u on u.id = tu.unit_id
          where u.name = 'Cục An toàn bức xạ và hạt nhân' and tu.role = 'lead' and tu.via_group_id is null",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(direct, 0, "it leads only as a member of the group");
    let id = unit_id(&db, "Cục An toàn bức xạ và hạt nhân").await;
    let href = format!("/tasks?lead_unit={id}&category=overdue&as_of=2025-01-01");
    assert_eq!(
        link_texts(list, &href),
        ["Cục An toàn bức xạ và hạt nhân", "3"]
    );
}

#[sqlx::test]
async fn the_30_day_window_lists_what_falls_due_by_mid_june(db: PgPool) {
    import_seeds(&db).await;
    let html = overview(&db, "2022-05-15").await;
    let due = part(&html, "due-soon", "</table>");
    for reference in ["I.4", "II.9", "II.10", "II.11"] {
        let id = task_id(&db, "905/QĐ-BTTTT", reference).await;
        assert!(
            due.contains(&format!(
                "<a href=\"/tasks/{id}?as_of=2022-05-15\">{reference}</a>"
            )),
            "{reference} due 31/05/2022"
        );
    }
    assert_eq!(due.matches("31/05/2022").count(), 4);
    assert!(due.contains("còn 16 ngày"));
    assert!(!due.contains("30/06/2022"), "II.1 is due after 14/06/2022");
    let ii1 = task_id(&db, "905/QĐ-BTTTT", "II.1").await;
    assert!(!due.contains(&format!("/tasks/{ii1}?")));
    assert!(due.contains("905/QĐ-BTTTT"));
    assert!(due.contains("Cục Tin học hóa"));
}

#[sqlx::test]
async fn the_window_shows_open_milestones_and_skips_tasks_completed_by_then(db: PgPool) {
    import_seeds(&db).await;
    complete(&db, "II.4", "2022-05-20").await;
    complete(&db, "II.12", "2022-06-10").await;
    let html = overview(&db, "2022-06-01").await;
    let due = part(&html, "due-soon", "</table>");
    let id = |r| task_id(&db, "905/QĐ-BTTTT", r);
    assert!(
        !due.contains(&format!("/tasks/{}?", id("II.4").await)),
        "done on 20/05"
    );
    assert!(
        due.contains(&format!("/tasks/{}?", id("II.12").await)),
        "done only on 10/06"
    );
    assert!(due.contains(&format!("/tasks/{}?", id("II.1").await)));
    // III.10's first milestone falls on 30/06/2022; the task itself is due on 15/11/2022.
    assert!(due.contains(&format!("/tasks/{}?", id("III.10").await)));
    assert!(due.contains("Mốc</span> Hồ sơ đề xuất cấp độ được thẩm định, duyệt"));
    sqlx::query("update milestones set done_on = '2022-05-30' where position = 1")
        .execute(&db)
        .await
        .unwrap();
    let html = overview(&db, "2022-06-01").await;
    assert!(!part(&html, "due-soon", "</table>").contains("Mốc</span>"));
}

#[sqlx::test]
async fn long_task_content_is_shortened_in_the_window(db: PgPool) {
    import_seeds(&db).await;
    let html = overview(&db, "2022-06-01").await;
    let due = part(&html, "due-soon", "</table>");
    let content: String = sqlx::query_scalar("select content from tasks where ref = 'II.1'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(content.chars().count() > 140, "II.1 is long");
    assert!(!due.contains(&content));
    assert!(due.contains('…'));
}

#[sqlx::test]
async fn an_empty_window_says_so(db: PgPool) {
    import_seeds(&db).await;
    let html = overview(&db, "2022-01-01").await;
    assert!(html.contains("Không có nhiệm vụ nào đến hạn trong 30 ngày tới."));
    assert!(!html.contains("<table class=\"responsive compact\" id=\"due-soon\""));
}

#[sqlx::test]
async fn the_completion_chart_has_a_title_and_its_table_holds_the_same_numbers(db: PgPool) {
    seeds_with_two_completions(&db).await;
    let html = overview(&db, "2022-07-01").await;
    let svg = part(&html, "completion-chart", "</svg>");
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-labelledby=\"completion-chart-title completion-chart-desc\""));
    assert!(
        svg.contains(
            "<title id=\"completion-chart-title\">Tỷ lệ hoàn thành theo thời gian</title>"
        )
    );
    assert!(svg.contains("<desc id=\"completion-chart-desc\">"));
    assert_eq!(svg.matches("<rect ").count(), 12);
    // Rate points only where something was due: 02/2022 to 07/2022.
    assert_eq!(svg.matches("<circle ").count(), 6);
    assert!(svg.contains("<title>03/2022: 50% (1/2 nhiệm vụ)</title>"));
    assert!(svg.contains("<title>07/2022: 18,2% (2/11 nhiệm vụ)</title>"));

    let table = part(&html, "completion-table", "</table>");
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 12);
    assert!(rows[0].contains(">08/2021</abbr>"));
    let expected = [
        ("01/2022", 0, 0, "—"),
        ("02/2022", 1, 0, "0%"),
        ("03/2022", 2, 1, "50%"),
        ("04/2022", 4, 1, "25%"),
        ("05/2022", 8, 2, "25%"),
        ("06/2022", 11, 2, "18,2%"),
        ("07/2022", 11, 2, "18,2%"),
    ];
    for (row, (month, due, done, rate)) in rows[5..].iter().zip(expected) {
        assert!(row.contains(&format!(">{month}</abbr>")), "{row}");
        assert!(
            row.contains(&format!(
                "<td class=\"num\">{due}</td><td class=\"num\">{done}</td><td class=\"num\">{rate}</td>"
            )),
            "{month}: {row}"
        );
        assert!(svg.contains(&format!(">{month}</text>")));
    }
    // Under each month the chart prints the same count of tasks due as the table.
    let chart_due: Vec<&str> = svg
        .split("<text class=\"due")
        .skip(1)
        .map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()])
        .collect();
    let table_due: Vec<&str> = rows
        .iter()
        .map(|r| {
            let cell = &r[r.find("<td class=\"num\">").unwrap() + 16..];
            &cell[..cell.find("</td>").unwrap()]
        })
        .collect();
    assert_eq!(chart_due, table_due);
    assert_eq!(
        chart_due,
        ["0", "0", "0", "0", "0", "0", "1", "2", "4", "8", "11", "11"]
    );
    assert!(rows[11].contains("title=\"đến ngày 01/07/2022\""));
    assert!(rows[10].contains("title=\"đến ngày 30/06/2022\""));

    let due_by_june: i64 = sqlx::query_scalar(
        "select count(*) from tasks where not retired and due_on <= '2022-06-30'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(due_by_june, 11, "the June figure, straight from the data");
}

#[sqlx::test]
async fn a_bad_as_of_date_is_refused_in_vietnamese(db: PgPool) {
    let (status, html) = get_html(&db, "/?as_of=2022-13-45").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Yêu cầu không hợp lệ"));
    assert!(html.contains("Ngày xem tình hình (as_of)"));
    assert!(html.contains("không phải ngày hợp lệ"));
}

#[sqlx::test]
async fn the_overview_of_an_empty_database_still_renders(db: PgPool) {
    let html = overview(&db, "2022-07-01").await;
    assert!(html.contains("<strong class=\"big\">0</strong> nhiệm vụ"));
    assert!(html.contains("id=\"completion-rate\">—</strong>"));
    assert!(html.contains("Không có đơn vị nào có nhiệm vụ quá hạn"));
    assert!(html.contains("Không có nhiệm vụ nào đến hạn trong 30 ngày tới."));
    assert_eq!(
        part(&html, "completion-chart", "</svg>")
            .matches("<rect ")
            .count(),
        12
    );
}

#[sqlx::test]
async fn each_count_matches_the_task_list_it_links_to(db: PgPool) {
    seeds_with_two_completions(&db).await;
    let html = overview(&db, "2022-07-01").await;
    let id = unit_id(&db, "Cục Tin học hóa").await;
    for href in [
        format!("/tasks?category=overdue&decision={D905}&as_of=2022-07-01"),
        format!("/tasks?category=completed_on_time&decision={D905}&as_of=2022-07-01"),
        format!("/tasks?decision={D94}&as_of=2022-07-01"),
        format!("/tasks?lead_unit={id}&category=overdue&as_of=2022-07-01"),
    ] {
        // The overview shows the number as the last link to the list.
        let texts = link_texts(&html, &href);
        let n = texts.last().unwrap_or_else(|| panic!("no link to {href}"));
        let (status, list) = get_html(&db, &href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert!(
            list.contains(&format!("Tìm thấy <strong>{n}</strong> nhiệm vụ")),
            "{href} lists {n}"
        );
    }
}
