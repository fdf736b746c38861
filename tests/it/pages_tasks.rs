//! The task list and task pages through the router, and the pages every site needs (404, assets).

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{get_html, import_seeds};

#[sqlx::test]
async fn the_task_list_shows_every_task_and_its_count(db: PgPool) {
    import_seeds(&db).await;
    let (status, html) = get_html(&db, "/tasks?as_of=2022-07-01&per_page=100").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Tìm thấy <strong>62</strong> nhiệm vụ"));
    assert!(html.contains("Danh sách nhiệm vụ"));
    assert!(
        html.contains("rel=\"next\""),
        "62 tasks make two pages of 50"
    );
    assert!(html.contains("28/02/2022"), "dates are dd/mm/yyyy");
}

#[sqlx::test]
async fn filters_and_search_narrow_the_list(db: PgPool) {
    import_seeds(&db).await;
    let (_, html) = get_html(&db, "/tasks?q=Ket+Noi+du+lieu+dat+dai").await;
    assert!(
        html.contains("Tìm thấy <strong>1</strong> nhiệm vụ"),
        "search ignores diacritics and case"
    );
    assert!(html.contains("II.4"));
    let (_, html) = get_html(&db, "/tasks?decision=905%2FQ%C4%90-BTTTT&section=V").await;
    assert!(html.contains("Tìm thấy <strong>3</strong> nhiệm vụ"));
    let (_, html) = get_html(
        &db,
        "/tasks?decision=905%2FQ%C4%90-BTTTT&category=overdue&as_of=01%2F07%2F2022",
    )
    .await;
    assert!(
        html.contains("Tìm thấy <strong>11</strong> nhiệm vụ"),
        "as_of accepts dd/mm/yyyy"
    );
    let (_, html) = get_html(&db, "/tasks?due_from=2022-06-01&due_to=2022-06-30").await;
    assert!(html.contains("Tìm thấy <strong>3</strong> nhiệm vụ"));
    let (_, html) = get_html(&db, "/tasks?q=khongtontai").await;
    assert!(html.contains("Không có nhiệm vụ nào phù hợp với bộ lọc."));
}

#[sqlx::test]
async fn sorting_by_due_date_puts_the_soonest_first(db: PgPool) {
    import_seeds(&db).await;
    let (_, html) = get_html(&db, "/tasks?sort=due").await;
    let first = html.find("28/02/2022").expect("I.1 due 28/02/2022");
    let later = html.find("31/03/2022").expect("II.2 due 31/03/2022");
    assert!(first < later);
}

#[sqlx::test]
async fn pagination_links_keep_the_filters_and_date(db: PgPool) {
    import_seeds(&db).await;
    let (_, html) = get_html(&db, "/tasks?category=continuous&as_of=2022-07-01&page=1").await;
    assert!(
        !html.contains("rel=\"next\""),
        "20 continuous or periodic tasks fit one page"
    );
    let (_, html) = get_html(&db, "/tasks?state=not_started&as_of=2022-07-01").await;
    let next = html
        .split("rel=\"next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .expect("next link");
    assert!(
        next.contains("state=not_started")
            && next.contains("page=2")
            && next.contains("as_of=2022-07-01"),
        "{next}"
    );
}

#[sqlx::test]
async fn a_bad_filter_is_a_vietnamese_400(db: PgPool) {
    let (status, html) = get_html(&db, "/tasks?category=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Yêu cầu không hợp lệ"));
    assert!(html.contains("category"));
    let (status, _) = get_html(&db, "/tasks?as_of=31/02/2022").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn a_task_page_shows_the_plan_text_units_and_deadline_meaning(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar("select id from tasks where ref = 'III.10'")
        .fetch_one(&db)
        .await
        .expect("III.10");
    let (status, html) = get_html(&db, &format!("/tasks/{id}?as_of=2022-07-01")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nhiệm vụ III.10"));
    assert!(html.contains("Đơn vị quản lý, vận hành hệ thống, nền tảng"));
    assert!(
        html.contains("Hồ sơ đề xuất cấp độ được thẩm định, duyệt"),
        "milestone label"
    );
    assert!(html.contains("30/06/2022") && html.contains("15/11/2022"));
    assert!(
        html.contains("Quá hạn"),
        "the first milestone is late as of 01/07/2022"
    );
    assert!(html.contains("Đang thực hiện trong hạn"));
    assert!(html.contains("Nhập từ văn bản kế hoạch"));
}

#[sqlx::test]
async fn a_task_page_shows_days_overdue_and_typos_as_written(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar("select id from tasks where ref = 'I.4'")
        .fetch_one(&db)
        .await
        .expect("I.4");
    let (_, html) = get_html(&db, &format!("/tasks/{id}?as_of=2022-07-01")).await;
    assert!(
        html.contains("31 ngày"),
        "due 31/05/2022, 31 days overdue on 01/07/2022"
    );
    assert!(
        html.contains("Cục An toàn thông tin tin"),
        "the source text as written"
    );
    assert!(
        html.contains(">Cục An toàn thông tin</a>"),
        "and the resolved unit"
    );
}

#[sqlx::test]
async fn user_text_is_escaped(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar(
        "update tasks set content = '<script>alert(1)</script>' where ref = 'I.1' returning id",
    )
    .fetch_one(&db)
    .await
    .expect("update");
    let (_, html) = get_html(&db, &format!("/tasks/{id}")).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

#[sqlx::test]
async fn unknown_pages_and_tasks_get_the_vietnamese_404(db: PgPool) {
    for path in ["/khong-co", "/tasks/999999", "/tasks/abc"] {
        let (status, html) = get_html(&db, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Không tìm thấy trang"), "{path}");
        assert!(html.contains("lang=\"vi\""));
    }
}

#[sqlx::test]
async fn the_stylesheet_is_cached_under_its_content_hash(db: PgPool) {
    let (_, html) = get_html(&db, "/tasks").await;
    let start = html.find("/assets/").expect("stylesheet link");
    let href: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let response = tower::ServiceExt::oneshot(
        crate::common::test_app(db.clone()),
        axum::http::Request::get(&href)
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await
    .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );
}

#[sqlx::test]
async fn a_unit_typed_without_diacritics_filters_like_its_link(db: PgPool) {
    import_seeds(&db).await;
    let id: i64 = sqlx::query_scalar("select id from units where name = 'Cục Tin học hóa'")
        .fetch_one(&db)
        .await
        .expect("unit");
    let (_, by_link) = get_html(&db, &format!("/tasks?lead_unit={id}&as_of=2022-07-01")).await;
    let (status, typed) = get_html(&db, "/tasks?lead_unit=cuc+tin+hoc+hoa&as_of=2022-07-01").await;
    assert_eq!(status, StatusCode::OK);
    let count = |html: &str| {
        html.split("Tìm thấy <strong>")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .map(str::to_owned)
            .expect("result count")
    };
    assert_eq!(count(&by_link), count(&typed));
    assert_ne!(count(&typed), "0");
    assert!(
        typed.contains("value=\"Cục Tin học hóa"),
        "the field shows the unit's name"
    );
    let (_, unknown) = get_html(&db, "/tasks?lead_unit=Vu+Khong+Co").await;
    assert!(unknown.contains("Không tìm thấy đơn vị chủ trì nào có tên “Vu Khong Co”."));
    assert!(unknown.contains("Tìm thấy <strong>0</strong> nhiệm vụ"));
}

#[sqlx::test]
async fn the_unit_names_are_one_cached_list_not_part_of_every_page(db: PgPool) {
    import_seeds(&db).await;
    let (_, html) = get_html(&db, "/tasks").await;
    assert!(
        !html.contains("<option value=\"1\""),
        "no unit options in the page"
    );
    let (status, json) = get_html(&db, "/units/labels.json").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = serde_json::from_str(&json).expect("a JSON list");
    assert!(names.iter().any(|n| n == "Cục Tin học hóa"));
}
