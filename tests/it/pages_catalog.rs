//! Tests: pages_catalog — `/decisions`, `/decisions/{id}`, `/units`, `/units/{id}`.

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{get_html, import_seeds};

const CODE_905: &str = "905/QĐ-BTTTT";
const CODE_94: &str = "94/QĐ-BKHCN";
/// `905/QĐ-BTTTT` as it appears in a query string.
const CODE_905_IN_URL: &str = "905%2FQ%C4%90-BTTTT";
const GROUP_TTHC: &str = "Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ";

/// An `href` as askama writes it: `&` escaped.
fn href(url: &str) -> String {
    format!("href=\"{}\"", url.replace('&', "&#38;"))
}

/// The HTML of the table row that carries `marker` (`data-task="12"`), up to its `</tr>`.
fn row<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no row with {marker}"));
    let len = html[start..].find("</tr>").expect("row ends");
    &html[start..start + len]
}

/// The position of `needle` in `html`, failing the test when it is missing.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("page lacks {needle:?}"))
}

async fn decision_id(db: &PgPool, code: &str) -> i64 {
    sqlx::query_scalar("select id from decisions where code = $1")
        .bind(code)
        .fetch_one(db)
        .await
        .expect("decision exists")
}

async fn task_id(db: &PgPool, code: &str, reference: &str) -> i64 {
    sqlx::query_scalar(
        "select t.id from tasks t join decisions d on d.id = t.decision_id where d.code = $1 and t.ref = $2",
    )
    .bind(code)
    .bind(reference)
    .fetch_one(db)
    .await
    .expect("task exists")
}

async fn unit_id(db: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("select id from units where name = $1")
        .bind(name)
        .fetch_one(db)
        .await
        .expect("unit exists")
}

/// Tasks a unit leads in a category as of a date, computed with the SQL `task_category`.
async fn lead_count_in(db: &PgPool, unit: i64, category: &str, as_of: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from task_units tu join tasks t on t.id = tu.task_id
          where tu.unit_id = $1 and tu.role = 'lead' and not t.retired
            and task_category(t, $3::date) = $2",
    )
    .bind(unit)
    .bind(category)
    .bind(as_of)
    .fetch_one(db)
    .await
    .expect("count")
}

fn assert_vietnamese_404(status: StatusCode, html: &str) {
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy trang"), "{html}");
    assert!(html.contains("lang=\"vi\""));
}

#[sqlx::test]
async fn decision_list_shows_both_plans_with_their_task_counts(db: PgPool) {
    import_seeds(&db).await;
    let (status, html) = get_html(&db, "/decisions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Các kế hoạch</h1>"));
    let r905 = row(&html, &format!("data-decision=\"{CODE_905}\""));
    assert!(r905.contains("Bộ Thông tin và Truyền thông"));
    assert!(r905.contains("12/05/2022"));
    assert!(r905.contains(&format!(
        "{}>42</a>",
        href(&format!("/tasks?decision={CODE_905_IN_URL}"))
    )));
    let r94 = row(&html, &format!("data-decision=\"{CODE_94}\""));
    assert!(r94.contains("Bộ Khoa học và Công nghệ"));
    assert!(r94.contains("26/01/2024"));
    assert!(r94.contains(">20</a>"));
    assert!(html.contains("<th scope=\"col\" class=\"num\">Chưa xác định hạn</th>"));
}

#[sqlx::test]
async fn decision_list_counts_each_category_as_of_the_date(db: PgPool) {
    import_seeds(&db).await;
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "select c, count(t.id) from unnest(array['completed_on_time', 'completed_late', 'in_progress_on_time',
                'overdue', 'continuous', 'no_deadline']) as c
           left join tasks t on t.decision_id = (select id from decisions where code = $1) and not t.retired
                and task_category(t, date '2022-07-01') = c
          group by c",
    )
    .bind(CODE_905)
    .fetch_all(&db)
    .await
    .expect("counts");
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<i64>(), 42);
    assert!(counts.iter().any(|(c, n)| c == "overdue" && *n > 0));
    let (_, html) = get_html(&db, "/decisions?as_of=2022-07-01").await;
    let r905 = row(&html, &format!("data-decision=\"{CODE_905}\""));
    for (category, n) in counts {
        let link = href(&format!(
            "/tasks?decision={CODE_905_IN_URL}&category={category}&as_of=2022-07-01"
        ));
        assert!(
            r905.contains(&format!("{link} class=\"count {category}\">{n}</a>")),
            "{category} should count {n}: {r905}"
        );
    }
}

#[sqlx::test]
async fn decision_page_shows_the_header_as_the_document_states_it(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_905).await;
    let (status, html) = get_html(&db, &format!("/decisions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Quyết định số 905/QĐ-BTTTT"));
    assert!(html.contains("BỘ THÔNG TIN VÀ TRUYỀN THÔNG"));
    assert!(html.contains("Hà Nội, ngày 12/05/2022"));
    assert!(html.contains("<dd id=\"signer\">Nguyễn Huy Dũng</dd>"));
    assert!(html.contains("KT. BỘ TRƯỞNG / THỨ TRƯỞNG"));
    assert!(html.contains("<li>Thay thế Quyết định số 47/QĐ-BTTTT</li>"));
    let bases = &html[at(&html, "<ol id=\"legal-bases\">")..];
    let bases = &bases[..at(bases, "</ol>")];
    assert_eq!(bases.matches("<li>").count(), 4, "{bases}");
    assert!(bases.contains("Căn cứ Quyết định số 06/QĐ-TTg"));
    assert!(html.contains("<li>Như Điều 4</li>"));
    assert!(html.contains("000_9ca021430107ac42.txt"));
    assert!(html.contains("<button type=\"button\" data-print>In kế hoạch</button>"));
}

#[sqlx::test]
async fn decision_page_lists_sections_in_order_before_their_tasks(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_905).await;
    let (_, html) = get_html(&db, &format!("/decisions/{id}")).await;
    let sections: Vec<(String, String)> =
        sqlx::query_as("select code, title from sections where decision_id = $1 order by position")
            .bind(id)
            .fetch_all(&db)
            .await
            .expect("sections");
    assert_eq!(sections.len(), 5);
    let mut last = 0;
    for (code, title) in &sections {
        let section_at = at(
            &html,
            &format!(
                "<tr class=\"section-row\"><td>{code}</td><td colspan=\"6\">{title}</td></tr>"
            ),
        );
        assert!(section_at > last, "section {code} out of order");
        let first_task = task_id(&db, CODE_905, &format!("{code}.1")).await;
        let task_at = at(&html, &format!("data-task=\"{first_task}\""));
        assert!(task_at > section_at, "{code}.1 before its section");
        last = section_at;
    }
    let propaganda = at(&html, "TUYÊN TRUYỀN");
    for reference in ["IV.1", "IV.2", "IV.3", "IV.4"] {
        let task = task_id(&db, CODE_905, reference).await;
        assert!(at(&html, &format!("data-task=\"{task}\"")) < propaganda);
    }
    assert_eq!(html.matches("<tr data-task=").count(), 42);
}

#[sqlx::test]
async fn plan_rows_carry_the_document_columns_and_link_to_the_task(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_905).await;
    let (_, html) = get_html(&db, &format!("/decisions/{id}?as_of=2022-07-01")).await;
    for column in [
        "STT",
        "Nội dung công việc",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành",
        "Sản phẩm",
        "Tình trạng",
    ] {
        assert!(html.contains(&format!("<th scope=\"col\">{column}</th>")));
    }
    let task = task_id(&db, CODE_905, "III.10").await;
    let r = row(&html, &format!("data-task=\"{task}\""));
    assert!(r.contains(&href(&format!("/tasks/{task}?as_of=2022-07-01"))));
    assert!(r.contains(">10</a>"));
    assert!(r.contains("duyệt trước 30/6/2022"), "{r}");
    assert!(r.contains("Triển khai đầy đủ phương án đảm bảo theo cấp độ trước 15/11/2022"));
    assert!(r.contains("Hạn: 15/11/2022"));
    let late = task_id(&db, CODE_905, "I.1").await;
    let r = row(&html, &format!("data-task=\"{late}\""));
    assert!(r.contains("<span class=\"badge overdue\">Quá hạn</span>"));
    assert!(r.contains("Quá hạn 123 ngày"), "{r}");
}

#[sqlx::test]
async fn a_plan_without_sections_has_no_section_rows(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_94).await;
    let (status, html) = get_html(&db, &format!("/decisions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("class=\"section-row\""));
    assert_eq!(html.matches("<tr data-task=").count(), 20);
    assert!(html.contains("Ngày 26/01/2024") || html.contains(", ngày 26/01/2024"));
    assert!(!html.contains("Văn bản được thay thế"));
}

#[sqlx::test]
async fn category_links_carry_the_date_only_when_it_was_chosen(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_905).await;
    let base = format!("/tasks?decision={CODE_905_IN_URL}&category=overdue");
    let (_, today) = get_html(&db, &format!("/decisions/{id}")).await;
    assert!(today.contains(&href(&base)));
    let (_, chosen) = get_html(&db, &format!("/decisions/{id}?as_of=2022-07-01")).await;
    assert!(chosen.contains(&href(&format!("{base}&as_of=2022-07-01"))));
    assert!(!chosen.contains(&href(&base)));
    assert!(chosen.contains(&href("/decisions?as_of=2022-07-01")));
}

#[sqlx::test]
async fn unknown_or_malformed_decision_ids_get_the_vietnamese_404_page(db: PgPool) {
    import_seeds(&db).await;
    for path in ["/decisions/999999", "/decisions/abc", "/decisions/-1"] {
        let (status, html) = get_html(&db, path).await;
        assert_vietnamese_404(status, &html);
    }
}

#[sqlx::test]
async fn pages_without_data_say_so_in_vietnamese(db: PgPool) {
    let (status, html) = get_html(&db, "/decisions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chưa có kế hoạch nào được nhập."));
    let (status, html) = get_html(&db, "/units").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chưa có đơn vị nào."));
}

#[sqlx::test]
async fn unit_list_counts_lead_partner_and_overdue_tasks_as_of_the_date(db: PgPool) {
    import_seeds(&db).await;
    let id = unit_id(&db, "Cục Tin học hóa").await;
    let overdue = lead_count_in(&db, id, "overdue", "2022-07-01").await;
    assert!(overdue > 0);
    let partner: i64 = sqlx::query_scalar(
        "select count(*) from task_units tu join tasks t on t.id = tu.task_id
          where tu.unit_id = $1 and tu.role = 'partner' and not t.retired",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .expect("count");
    let (status, html) = get_html(&db, "/units?as_of=2022-07-01").await;
    assert_eq!(status, StatusCode::OK);
    let r = row(&html, &format!("data-unit=\"{id}\""));
    assert!(r.contains("Cục Tin học hóa"));
    assert!(r.contains("Bộ Thông tin và Truyền thông"));
    let as_of = "&as_of=2022-07-01";
    assert!(r.contains(&format!(
        "{} class=\"lead-count\">26</a>",
        href(&format!("/tasks?lead_unit={id}{as_of}"))
    )));
    assert!(r.contains(&format!(
        "{} class=\"partner-count\">{partner}</a>",
        href(&format!("/tasks?partner_unit={id}{as_of}"))
    )));
    assert!(r.contains(&format!(
        "{} class=\"overdue-count has-overdue\">{overdue}</a>",
        href(&format!("/tasks?lead_unit={id}&category=overdue{as_of}"))
    )));
}

#[sqlx::test]
async fn unit_list_puts_groups_last_and_marks_them(db: PgPool) {
    import_seeds(&db).await;
    let group = unit_id(&db, GROUP_TTHC).await;
    let member = unit_id(&db, "Cục Sở hữu trí tuệ").await;
    let (_, html) = get_html(&db, "/units").await;
    assert!(
        row(&html, &format!("data-unit=\"{group}\"")).contains("<span class=\"tag\">nhóm</span>")
    );
    assert!(!row(&html, &format!("data-unit=\"{member}\"")).contains("nhóm"));
    let last_unit: i64 =
        sqlx::query_scalar("select id from units where not is_group order by id desc limit 1")
            .fetch_one(&db)
            .await
            .expect("a unit");
    let groups_start = at(&html, &format!("data-unit=\"{group}\""));
    assert!(at(&html, &format!("data-unit=\"{last_unit}\"")) < groups_start);
    assert!(at(&html, &format!("data-unit=\"{member}\"")) < groups_start);
}

#[sqlx::test]
async fn unit_search_ignores_diacritics_and_case(db: PgPool) {
    import_seeds(&db).await;
    let id = unit_id(&db, "Cục Tin học hóa").await;
    let other = unit_id(&db, "Cục Viễn thông").await;
    for q in ["tin+hoc+hoa", "TIN+H%E1%BB%8CC+HO%C3%81", "tin%20hoc%20hoa"] {
        let (status, html) = get_html(&db, &format!("/units?q={q}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("data-unit=\"{id}\"")), "{q}");
        assert!(!html.contains(&format!("data-unit=\"{other}\"")), "{q}");
    }
    let (_, html) = get_html(&db, "/units?q=khong+co+don+vi+nay").await;
    assert!(html.contains("Không tìm thấy đơn vị nào có tên chứa “khong co don vi nay”."));
    assert!(!html.contains("data-unit="));
}

#[sqlx::test]
async fn unit_page_lists_tasks_reached_through_a_group_and_named_directly(db: PgPool) {
    import_seeds(&db).await;
    let id = unit_id(&db, "Cục Sở hữu trí tuệ").await;
    let group = unit_id(&db, GROUP_TTHC).await;
    let via_group = task_id(&db, CODE_94, "4").await;
    let direct = task_id(&db, CODE_94, "17").await;
    let (status, html) = get_html(&db, &format!("/units/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Cục Sở hữu trí tuệ</h1>"));
    let leads = &html[at(&html, "id=\"lead-table\"")..at(&html, "id=\"partner-tasks\"")];
    let r = row(leads, &format!("data-task=\"{via_group}\""));
    assert!(r.contains(&format!("qua nhóm {GROUP_TTHC}")), "{r}");
    assert!(r.contains(&href(&format!("/tasks/{via_group}"))));
    let r = row(leads, &format!("data-task=\"{direct}\""));
    assert!(!r.contains("qua nhóm"));
    assert!(r.contains(CODE_94));
    assert!(r.contains("Hạn: 31/12/2024"));
    let groups = &html[at(&html, "<ul id=\"groups\">")..];
    assert!(groups.contains(&format!(
        "{}>{GROUP_TTHC}</a>",
        href(&format!("/units/{group}"))
    )));
}

#[sqlx::test]
async fn group_page_lists_its_fifteen_members(db: PgPool) {
    import_seeds(&db).await;
    let group = unit_id(&db, GROUP_TTHC).await;
    let members: Vec<(i64, String)> = sqlx::query_as(
        "select u.id, u.name from unit_group_members m join units u on u.id = m.member_id where m.group_id = $1",
    )
    .bind(group)
    .fetch_all(&db)
    .await
    .expect("members");
    assert_eq!(members.len(), 15);
    let (status, html) = get_html(&db, &format!("/units/{group}?as_of=2024-06-01")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Các đơn vị thành viên (15)"));
    let list = &html[at(&html, "<ul id=\"members\">")..];
    let list = &list[..at(list, "</ul>")];
    assert_eq!(list.matches("<li>").count(), 15);
    for (id, name) in members {
        let link = href(&format!("/units/{id}?as_of=2024-06-01"));
        assert!(list.contains(&format!("{link}>{name}</a>")), "{name}");
    }
}

#[sqlx::test]
async fn unit_page_states_its_completion_rate_and_how_it_is_computed(db: PgPool) {
    import_seeds(&db).await;
    let id = unit_id(&db, "Cục Tin học hóa").await;
    // Completed on time; and completed in August, which a July report still counts overdue.
    for (reference, done) in [("I.1", "2022-02-20"), ("II.2", "2022-08-15")] {
        sqlx::query(
            "update tasks set state = 'completed', completed_on = $2::date
              where ref = $1 and decision_id = (select id from decisions where code = $3)",
        )
        .bind(reference)
        .bind(done)
        .bind(CODE_905)
        .execute(&db)
        .await
        .expect("update");
    }
    let on_time = lead_count_in(&db, id, "completed_on_time", "2022-07-01").await;
    let late = lead_count_in(&db, id, "completed_late", "2022-07-01").await;
    let overdue = lead_count_in(&db, id, "overdue", "2022-07-01").await;
    assert_eq!(on_time + late, 1);
    let counted = on_time + late + overdue;
    let (_, html) = get_html(&db, &format!("/units/{id}?as_of=2022-07-01")).await;
    let percent: i64 = sqlx::query_scalar("select round(100.0 * $1 / $2)::bigint")
        .bind(on_time + late)
        .bind(counted)
        .fetch_one(&db)
        .await
        .expect("percent");
    assert!(html.contains(&format!(
        "<span class=\"rate\">{percent}%</span> ({}/{counted} nhiệm vụ)",
        on_time + late
    )));
    assert!(html.contains("Cách tính:"));
    let overdue_link = href(&format!(
        "/tasks?lead_unit={id}&category=overdue&as_of=2022-07-01"
    ));
    assert!(html.contains(&format!(
        "{overdue_link}><span class=\"n\">{overdue}</span> Quá hạn</a>"
    )));
}

#[sqlx::test]
async fn unknown_or_malformed_unit_ids_get_the_vietnamese_404_page(db: PgPool) {
    import_seeds(&db).await;
    for path in ["/units/999999", "/units/abc"] {
        let (status, html) = get_html(&db, path).await;
        assert_vietnamese_404(status, &html);
    }
}

#[sqlx::test]
async fn unit_names_are_escaped(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar(
        "insert into units (key, name, body) values ('xss', '<script>alert(1)</script>', 'Bộ <b>X</b>') returning id",
    )
    .fetch_one(&db)
    .await
    .expect("insert");
    for path in [
        "/units".to_owned(),
        format!("/units/{id}"),
        "/units?q=%3Cscript".to_owned(),
    ] {
        let (status, html) = get_html(&db, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<b>X</b>"), "{path}");
        assert!(
            html.contains("&lt;script&gt;alert(1)") || html.contains("&#60;script&#62;alert(1)"),
            "{path}"
        );
    }
}

#[sqlx::test]
async fn sub_headings_show_once_where_they_change_and_empty_sections_still_show(db: PgPool) {
    import_seeds(&db).await;
    let id = decision_id(&db, CODE_905).await;
    for (heading, refs) in [
        ("Nhóm kết nối A", vec!["II.1", "II.2", "II.3"]),
        ("Nhóm kết nối B", vec!["II.4"]),
    ] {
        sqlx::query("update tasks set heading = $1 where decision_id = $2 and ref = any($3)")
            .bind(heading)
            .bind(id)
            .bind(refs)
            .execute(&db)
            .await
            .expect("update");
    }
    sqlx::query("insert into sections (decision_id, code, title, position) values ($1, 'VI', 'MỤC CHƯA CÓ NHIỆM VỤ', 6)")
        .bind(id)
        .execute(&db)
        .await
        .expect("insert");
    let (_, html) = get_html(&db, &format!("/decisions/{id}")).await;
    let heading_row = |text: &str| {
        format!("<tr class=\"heading-row\"><td></td><td colspan=\"6\">{text}</td></tr>")
    };
    assert_eq!(html.matches(&heading_row("Nhóm kết nối A")).count(), 1);
    let a = at(&html, &heading_row("Nhóm kết nối A"));
    let b = at(&html, &heading_row("Nhóm kết nối B"));
    let task = |r| task_id(&db, CODE_905, r);
    let (ii1, ii3, ii4) = (task("II.1").await, task("II.3").await, task("II.4").await);
    assert!(at(&html, "<td>II</td>") < a);
    assert!(a < at(&html, &format!("data-task=\"{ii1}\"")));
    assert!(at(&html, &format!("data-task=\"{ii3}\"")) < b);
    assert!(b < at(&html, &format!("data-task=\"{ii4}\"")));
    assert!(at(&html, "TUYÊN TRUYỀN") < at(&html, "MỤC CHƯA CÓ NHIỆM VỤ"));
}
