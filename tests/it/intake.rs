//! The intake page over HTTP: who may use it, uploads refused on the form, drafts kept in
//! PostgreSQL and belonging to their uploader, the open code and date of a draft, near matches
//! mapped and remembered, the difference of a revision, commit, cancel, stale and expired
//! drafts, CSRF.

use actionplan::db::import::import_document;
use axum::http::StatusCode;
use sqlx::PgPool;

use crate::auth_support::{Answer, Session, private_app, send, sign_in};
use crate::common::{SEED_905, import_seeds, seed_text, table_counts};
use crate::intake_support::*;

const MERGES: &str = "fixtures/docx/plan-merges.docx";
const CORPUS_04: &str = "corpus/04_dongthap-617-KH-UBND-2025.md";

fn merges() -> Vec<u8> {
    fixture(MERGES)
}

async fn manager(db: &PgPool) -> Session {
    signed_in(db, "manager@bo.vn", "manager", &[]).await
}

fn assert_status(answer: &Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.body);
}

#[sqlx::test]
async fn viewers_and_unit_leads_get_403_on_every_intake_route(db: PgPool) {
    import_document(&db, "04.md", &fixture(CORPUS_04))
        .await
        .expect("04 imports");
    let manager = manager(&db).await;
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    let page = preview(&db, &manager, id).await;
    let counts = table_counts(&db).await;
    let lead_units = ["UBND các xã, phường"];
    for (email, role, units) in [
        ("viewer@bo.vn", "viewer", &[][..]),
        ("lead@ubnd.vn", "unit_lead", &lead_units[..]),
    ] {
        let session = signed_in(&db, email, role, units).await;
        let home = get(&db, &session, "/").await;
        assert!(!home.body.contains("/plans/import"), "{role} sees no link");
        for answer in [
            get(&db, &session, "/plans/import").await,
            upload(&db, &session, "plan-merges.docx", &merges()).await,
            get(&db, &session, &format!("/plans/import/{id}")).await,
            post_draft(
                &db,
                &session,
                id,
                &page,
                &[
                    ("code", "15/KH-UBND"),
                    ("issued_on", "02/03/2026"),
                    ("action", "commit"),
                ],
            )
            .await,
            cancel(&db, &session, id, &session.csrf).await,
        ] {
            assert_status(&answer, StatusCode::FORBIDDEN);
        }
    }
    assert_eq!(table_counts(&db).await, counts, "nothing written");
    assert_eq!(
        draft_count(&db).await,
        1,
        "the manager's draft is untouched"
    );
    let home = get(&db, &manager, "/").await;
    assert!(
        home.body.contains("id=\"nav-import\""),
        "managers get the link"
    );
    let admin = signed_in(&db, "admin@bo.vn", "admin", &[]).await;
    assert_status(&get(&db, &admin, "/plans/import").await, StatusCode::OK);
}

#[sqlx::test]
async fn an_upload_is_a_draft_in_the_database_that_a_restarted_server_still_shows(db: PgPool) {
    let manager = manager(&db).await;
    let counts = table_counts(&db).await;
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    assert_eq!(table_counts(&db).await, counts, "an upload writes no plan");
    let (name, bytes): (String, Vec<u8>) =
        sqlx::query_as("select file_name, content from intake_drafts where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("draft row");
    assert_eq!((name.as_str(), bytes), ("plan-merges.docx", merges()));
    // Every request goes to a new application over the same database, as after a restart.
    let page = preview(&db, &manager, id).await;
    assert!(page.contains("2 mục, 4 nhiệm vụ"), "{page}");
    assert!(page.contains("Rà soát văn bản quy phạm pháp luật"));
    assert!(page.contains("Quý II/2026 → <span class=\"deadline date\">Hạn 30/06/2026"));
    assert!(page.contains("Thường xuyên, không có hạn cuối"));
    assert!(
        page.contains("Cổng được nâng cấp"),
        "the product written in the content cell"
    );
    assert_eq!(hidden(&page, "version"), "1");
    let list = get(&db, &manager, "/plans/import").await;
    assert!(list.body.contains(&format!("href=\"/plans/import/{id}\"")));
}

#[sqlx::test]
async fn refused_files_are_named_on_the_form_and_nothing_is_stored(db: PgPool) {
    let manager = manager(&db).await;
    let ole: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let cases: [(&str, &[u8], &str); 5] = [
        ("quyet-dinh.doc", ole, ".doc (Word 97–2003)"),
        ("ban-quet.pdf", b"%PDF-1.7\n1 0 obj", "tệp PDF"),
        ("anh-chup.png", png, "tệp ảnh"),
        (
            "ghi-chu.txt",
            "Không có bảng nào ở đây.\n".as_bytes(),
            "không tìm thấy bảng",
        ),
        ("rong.docx", b"", "rỗng"),
    ];
    for (name, bytes, reason) in cases {
        let answer = upload(&db, &manager, name, bytes).await;
        assert_status(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        let error = text_of(&answer.body, "upload-error").expect("the error on the form");
        assert!(error.contains(&format!("“{name}”")), "{error}");
        assert!(error.contains(reason), "{error}");
        assert!(answer.body.contains("id=\"upload-form\""), "the form again");
    }
    // Over the limit, just (the file alone) or well past it (the whole request).
    for size in [10 * 1024 * 1024 + 1, 11 * 1024 * 1024] {
        let answer = upload(&db, &manager, "lon.txt", &vec![b'a'; size]).await;
        assert_status(&answer, StatusCode::PAYLOAD_TOO_LARGE);
        let error = text_of(&answer.body, "upload-error").expect("the error on the form");
        assert!(error.contains("Tệp quá lớn: tối đa 10 MB"), "{error}");
    }
    assert_eq!(draft_count(&db).await, 0);
}

#[sqlx::test]
async fn a_draft_commits_only_with_its_code_and_date_and_then_whole(db: PgPool) {
    let manager = manager(&db).await;
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    let page = preview(&db, &manager, id).await;
    assert_eq!(
        text_of(&page, "code-note").as_deref(),
        Some("Để trống trong văn bản (bản dự thảo): cần nhập.")
    );
    assert!(text_of(&page, "issued_on-note").is_some());
    assert!(
        page.contains("id=\"code\" name=\"code\" type=\"text\" value=\"\""),
        "never invented"
    );
    let counts = table_counts(&db).await;
    let commit = |fields: Vec<(&'static str, &'static str)>| {
        let (db, manager, page) = (db.clone(), &manager, page.clone());
        async move {
            let mut all = fields;
            all.push(("issuer", "Ủy ban nhân dân tỉnh Bắc Ninh"));
            all.push(("action", "commit"));
            post_draft(&db, manager, id, &page, &all).await
        }
    };
    let without_code = commit(vec![("code", ""), ("issued_on", "02/03/2026")]).await;
    assert_status(&without_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text_of(&without_code.body, "code-error").is_some_and(|e| e.contains("hãy nhập số hiệu"))
    );
    let without_date = commit(vec![("code", "15/KH-UBND"), ("issued_on", "")]).await;
    assert_status(&without_date, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&without_date.body, "issued_on-error").is_some());
    assert!(
        without_date.body.contains("value=\"15/KH-UBND\""),
        "what was typed stays"
    );
    let bad_date = commit(vec![("code", "15/KH-UBND"), ("issued_on", "31/02/2026")]).await;
    assert_status(&bad_date, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&bad_date.body, "issued_on-error").is_some_and(|e| e.contains("31/02/2026")));
    let bad_code = commit(vec![("code", "số mười lăm"), ("issued_on", "02/03/2026")]).await;
    assert_status(&bad_code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&bad_code.body, "code-error").is_some_and(|e| e.contains("không đúng dạng")));
    assert_eq!(
        table_counts(&db).await,
        counts,
        "refused commits write nothing"
    );
    assert_eq!(
        hidden(&preview(&db, &manager, id).await, "version"),
        "1",
        "nor save"
    );

    let done = commit(vec![("code", "15/KH-UBND"), ("issued_on", "02/03/2026")]).await;
    assert_status(&done, StatusCode::SEE_OTHER);
    let decision: (i64, String, Option<chrono::NaiveDate>, String) = sqlx::query_as(
        "select id, code, issued_on, source_file from decisions where code = '15/KH-UBND'",
    )
    .fetch_one(&db)
    .await
    .expect("the plan");
    assert_eq!(
        done.headers["location"].to_str().expect("ascii"),
        format!("/decisions/{}", decision.0)
    );
    assert_eq!(decision.2, chrono::NaiveDate::from_ymd_opt(2026, 3, 2));
    assert_eq!(decision.3, "plan-merges.docx");
    let tasks: i64 = sqlx::query_scalar("select count(*) from tasks where decision_id = $1")
        .bind(decision.0)
        .fetch_one(&db)
        .await
        .expect("tasks");
    assert_eq!(tasks, 4);
    assert_eq!(draft_count(&db).await, 0, "the committed draft is gone");
    let plan_page = get(
        &db,
        &manager,
        done.headers["location"].to_str().expect("ascii"),
    )
    .await;
    assert_status(&plan_page, StatusCode::OK);
    assert!(plan_page.body.contains("Nâng cấp Cổng dịch vụ công"));
}

/// plan-merges.html as a portal page would spell one unit another way.
fn merges_html_with(from: &str, to: &str) -> Vec<u8> {
    let html = String::from_utf8(fixture("fixtures/docx/plan-merges.html")).expect("UTF-8");
    assert!(html.contains(from), "{from} in the fixture");
    html.replace(from, to).into_bytes()
}

#[sqlx::test]
async fn a_near_match_mapped_at_commit_is_saved_as_an_alias_that_later_imports_follow(db: PgPool) {
    import_document(&db, "04.md", &fixture(CORPUS_04))
        .await
        .expect("04 imports");
    let existing = unit_id(&db, "ubnd cac xa, phuong").await;
    let units_before: i64 = sqlx::query_scalar("select count(*) from units")
        .fetch_one(&db)
        .await
        .expect("units");
    let manager = manager(&db).await;
    let bytes = merges_html_with("UBND các xã, phường", "UBND các xã/phường");
    let id = upload_draft(&db, &manager, "ke-hoach.html", &bytes).await;
    let page = preview(&db, &manager, id).await;
    assert!(
        page.contains("class=\"unit-row near\""),
        "marked as a near match"
    );
    let choice = format!("{existing}:ubnd cac xa/phuong");
    assert!(choices(&page).contains(&choice), "{:?}", choices(&page));
    assert!(choices(&page).contains(&"-:ubnd cac xa/phuong".to_owned()));
    let done = post_draft(
        &db,
        &manager,
        id,
        &page,
        &[
            ("code", "16/KH-UBND"),
            ("issued_on", "03/03/2026"),
            ("map", &choice),
            ("action", "commit"),
        ],
    )
    .await;
    assert_status(&done, StatusCode::SEE_OTHER);
    assert_eq!(
        leads_of(&db, "16/KH-UBND", "I.2").await,
        [
            (
                unit_id(&db, "cong an tinh@uy ban nhan dan tinh bac ninh").await,
                Some("Công an tỉnh".to_owned())
            ),
            (existing, Some("UBND các xã/phường".to_owned())),
        ]
    );
    let aliases: Vec<String> =
        sqlx::query_scalar("select alias from unit_aliases where unit_id = $1 order by alias")
            .bind(existing)
            .fetch_all(&db)
            .await
            .expect("aliases");
    assert!(
        aliases.contains(&"UBND các xã/phường".to_owned()),
        "{aliases:?}"
    );
    assert_eq!(mapping_count(&db).await, 1);
    let units_after: i64 = sqlx::query_scalar("select count(*) from units")
        .fetch_one(&db)
        .await
        .expect("units");

    // A later import of a plan spelling it so, through the command line's path, follows it.
    let later = String::from_utf8(bytes)
        .expect("UTF-8")
        .replace("Số:      /KH-UBND", "Số: 17/KH-UBND")
        .replace("ngày      tháng      năm 2026", "ngày 04 tháng 3 năm 2026");
    import_document(&db, "17.html", later.as_bytes())
        .await
        .expect("a later plan imports");
    assert_eq!(leads_of(&db, "17/KH-UBND", "I.2").await[1].0, existing);
    let units_later: i64 = sqlx::query_scalar("select count(*) from units")
        .fetch_one(&db)
        .await
        .expect("units");
    assert_eq!(
        units_later, units_after,
        "no unit made for the mapped spelling"
    );
    assert!(
        units_after > units_before,
        "the plan's own new units were made"
    );
    // And the next preview shows it resolved, not as a near match again.
    let again = upload_draft(
        &db,
        &manager,
        "ke-hoach-2.html",
        &merges_html_with("UBND các xã, phường", "UBND các xã/phường"),
    )
    .await;
    let page = preview(&db, &manager, again).await;
    assert!(!page.contains("class=\"unit-row near\""));
    assert!(page.contains(&format!("href=\"/units/{existing}\"")));
}

#[sqlx::test]
async fn a_revision_shows_tasks_added_changed_and_retired_before_it_commits(db: PgPool) {
    let original = seed_text(SEED_905);
    let stored: String = original
        .replace(
            "Cơ sở dữ liệu quốc gia về Khoa học và công nghệ\tCục Tin học hóa",
            "Cơ sở dữ liệu quốc gia về Khoa học và công nghệ (bản cũ)\tCục Tin học hóa",
        )
        .lines()
        .filter(|line| !line.starts_with("5\tCó giải pháp khuyến khích"))
        .map(|line| format!("{line}\n"))
        .collect();
    import_document(&db, "905-cu.txt", stored.as_bytes())
        .await
        .expect("the stored version");
    let revised: String = original
        .lines()
        .filter(|line| {
            !line.starts_with(
                "3\tPhối hợp các doanh nghiệp viễn thông di động triển khai nhắn tin mã OTP",
            )
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let manager = manager(&db).await;
    let id = upload_draft(&db, &manager, "905-sua-doi.txt", revised.as_bytes()).await;
    let page = preview(&db, &manager, id).await;
    assert_eq!(
        text_of(&page, "revision-summary").as_deref(),
        Some(
            "1 nhiệm vụ thêm mới, 1 nhiệm vụ thay đổi, 1 nhiệm vụ bỏ khỏi kế hoạch, 39 nhiệm vụ giữ nguyên."
        )
    );
    let added = page.split("id=\"revision-added\"").nth(1).expect("added");
    assert!(
        added.starts_with("><li><strong>I.5</strong> Có giải pháp khuyến khích"),
        "{added}"
    );
    let changed = page
        .split("id=\"revision-changed\"")
        .nth(1)
        .expect("changed");
    assert!(changed.contains(
        "<td data-label=\"Nhiệm vụ\">II.7</td><td data-label=\"Trường\">Nội dung công việc</td>"
    ));
    assert!(changed.contains("<del>Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư với Cơ sở dữ liệu quốc gia về Khoa học và công nghệ (bản cũ)</del>"), "{changed}");
    assert!(
        page.contains("<ol class=\"milestones\">"),
        "a deadline's milestones are listed"
    );
    assert!(page.contains(": 15/11/2022</li>"));
    let retired = page
        .split("id=\"revision-retired\"")
        .nth(1)
        .expect("retired");
    assert!(retired.starts_with("><li><strong>V.3</strong> Phối hợp các doanh nghiệp viễn thông"));

    let done = post_draft(&db, &manager, id, &page, &[("action", "commit")]).await;
    assert_status(&done, StatusCode::SEE_OTHER);
    let events: Vec<(String, String)> = sqlx::query_as(
        "select t.ref, e.kind from task_events e join tasks t on t.id = e.task_id
          where e.kind <> 'imported' or t.ref = 'I.5' order by e.id",
    )
    .fetch_all(&db)
    .await
    .expect("events");
    let events: Vec<(&str, &str)> = events
        .iter()
        .map(|(r, k)| (r.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        events,
        [("I.5", "imported"), ("II.7", "revised"), ("V.3", "retired")]
    );
}

#[sqlx::test]
async fn cancel_deletes_the_draft_and_writes_nothing_else(db: PgPool) {
    import_seeds(&db).await;
    let manager = manager(&db).await;
    let counts = table_counts(&db).await;
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    let page = preview(&db, &manager, id).await;
    let saved = post_draft(
        &db,
        &manager,
        id,
        &page,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "save"),
        ],
    )
    .await;
    assert_status(&saved, StatusCode::SEE_OTHER);
    let answer = cancel(&db, &manager, id, &manager.csrf).await;
    assert_status(&answer, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers["location"], "/plans/import?cancelled=1");
    assert_eq!(table_counts(&db).await, counts);
    assert_eq!((draft_count(&db).await, mapping_count(&db).await), (0, 0));
    let gone = get(&db, &manager, &format!("/plans/import/{id}")).await;
    assert_status(&gone, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("Bản nháp này không còn"));
}

#[sqlx::test]
async fn another_manager_can_neither_see_nor_commit_nor_cancel_a_draft(db: PgPool) {
    let owner = manager(&db).await;
    let other = signed_in(&db, "other@bo.vn", "manager", &[]).await;
    let id = upload_draft(&db, &owner, "plan-merges.docx", &merges()).await;
    let page = preview(&db, &owner, id).await;
    let counts = table_counts(&db).await;
    let seen = get(&db, &other, &format!("/plans/import/{id}")).await;
    assert_status(&seen, StatusCode::FORBIDDEN);
    assert!(seen.body.contains("do người khác tải lên"));
    assert!(
        !seen.body.contains("Rà soát văn bản"),
        "nothing of the draft shown"
    );
    let commit = post_draft(
        &db,
        &other,
        id,
        &page,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "commit"),
        ],
    )
    .await;
    assert_status(&commit, StatusCode::FORBIDDEN);
    assert_status(
        &cancel(&db, &other, id, &other.csrf).await,
        StatusCode::FORBIDDEN,
    );
    let list = get(&db, &other, "/plans/import").await;
    assert!(
        !list.body.contains(&format!("/plans/import/{id}")),
        "not in their list"
    );
    assert_eq!(table_counts(&db).await, counts);
    assert_eq!(draft_count(&db).await, 1);
    assert_eq!(hidden(&preview(&db, &owner, id).await, "version"), "1");
}

#[sqlx::test]
async fn forms_without_the_sessions_token_or_from_another_site_are_refused(db: PgPool) {
    let manager = manager(&db).await;
    let forged = send(
        private_app(db.clone()),
        upload_request(&manager, "not-the-token", "plan-merges.docx", &merges()),
    )
    .await;
    assert_status(&forged, StatusCode::FORBIDDEN);
    assert_eq!(draft_count(&db).await, 0);
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    let page = preview(&db, &manager, id).await;
    let counts = table_counts(&db).await;
    let fields = [
        ("csrf", "not-the-token"),
        ("version", "1"),
        ("basis", "mới"),
        ("code", "15/KH-UBND"),
        ("issued_on", "02/03/2026"),
        ("action", "commit"),
    ];
    let forged = send(
        private_app(db.clone()),
        crate::auth_support::form_request(
            &format!("/plans/import/{id}"),
            Some(&manager.cookie),
            &fields,
        ),
    )
    .await;
    assert_status(&forged, StatusCode::FORBIDDEN);
    assert_status(
        &cancel(&db, &manager, id, "not-the-token").await,
        StatusCode::FORBIDDEN,
    );
    // The right token from another site's page.
    let mut request = crate::auth_support::form_request(
        &format!("/plans/import/{id}"),
        Some(&manager.cookie),
        &[
            ("csrf", manager.csrf.as_str()),
            ("version", "1"),
            ("basis", "mới"),
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "commit"),
        ],
    );
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().expect("header"));
    assert_status(
        &send(private_app(db.clone()), request).await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(table_counts(&db).await, counts);
    assert_eq!(draft_count(&db).await, 1);
    assert_eq!(hidden(&page, "basis"), "mới");
}

#[sqlx::test]
async fn a_stale_form_an_expired_draft_and_a_plan_changed_meanwhile_write_nothing(db: PgPool) {
    let manager = manager(&db).await;
    let id = upload_draft(&db, &manager, "plan-merges.docx", &merges()).await;
    let first = preview(&db, &manager, id).await;
    // Saved from another window: the first page is stale.
    let saved = post_draft(
        &db,
        &manager,
        id,
        &first,
        &[("code", "15/KH-UBND"), ("action", "save")],
    )
    .await;
    assert_status(&saved, StatusCode::SEE_OTHER);
    let counts = table_counts(&db).await;
    let stale = post_draft(
        &db,
        &manager,
        id,
        &first,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "commit"),
        ],
    )
    .await;
    assert_status(&stale, StatusCode::CONFLICT);
    assert!(text_of(&stale.body, "intake-alert").is_some_and(|a| a.contains("cửa sổ khác")));
    assert_eq!(
        hidden(&stale.body, "version"),
        "2",
        "the page now shows the saved draft"
    );
    assert!(stale.body.contains("value=\"15/KH-UBND\""));
    assert_eq!(table_counts(&db).await, counts);

    // The same code imported by someone else after this preview: the difference shown is stale.
    let current = preview(&db, &manager, id).await;
    let other = String::from_utf8(fixture("fixtures/docx/plan-merges.html"))
        .expect("UTF-8")
        .replace("Số:      /KH-UBND", "Số: 15/KH-UBND")
        .replace("ngày      tháng      năm 2026", "ngày 01 tháng 3 năm 2026")
        .replace(
            "Cập nhật dữ liệu dân cư",
            "Cập nhật dữ liệu dân cư hằng tháng",
        );
    import_document(&db, "15-khac.html", other.as_bytes())
        .await
        .expect("the other import");
    let counts = table_counts(&db).await;
    let changed = post_draft(
        &db,
        &manager,
        id,
        &current,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "commit"),
        ],
    )
    .await;
    assert_status(&changed, StatusCode::CONFLICT);
    assert!(
        changed.body.contains("id=\"revision-changed\""),
        "the difference, computed again"
    );
    assert!(changed.body.contains("Cập nhật dữ liệu dân cư hằng tháng"));
    assert_eq!(table_counts(&db).await, counts);
    let source: String =
        sqlx::query_scalar("select source_file from decisions where code = '15/KH-UBND'")
            .fetch_one(&db)
            .await
            .expect("decision");
    assert_eq!(source, "15-khac.html");

    // Expired: refused with its reason, deleted, nothing written.
    sqlx::query("update intake_drafts set expires_at = now() - interval '1 minute' where id = $1")
        .bind(id)
        .execute(&db)
        .await
        .expect("expire");
    let expired = post_draft(
        &db,
        &manager,
        id,
        &changed.body,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "02/03/2026"),
            ("action", "commit"),
        ],
    )
    .await;
    assert_status(&expired, StatusCode::GONE);
    assert!(expired.body.contains("đã hết hạn"));
    assert_eq!(table_counts(&db).await, counts);
    assert_eq!(draft_count(&db).await, 0);
}

#[sqlx::test]
async fn saved_edits_and_unit_choices_come_back_with_the_draft(db: PgPool) {
    import_document(&db, "04.md", &fixture(CORPUS_04))
        .await
        .expect("04 imports");
    let existing = unit_id(&db, "ubnd cac xa, phuong").await;
    let manager = manager(&db).await;
    let bytes = merges_html_with("UBND các xã, phường", "Ủy ban nhân dân các xã/phường");
    let id = upload_draft(&db, &manager, "ke-hoach.html", &bytes).await;
    let page = preview(&db, &manager, id).await;
    let choice = format!("{existing}:uy ban nhan dan cac xa/phuong");
    assert!(
        choices(&page).contains(&choice),
        "UBND = Ủy ban nhân dân: {:?}",
        choices(&page)
    );
    let saved = post_draft(
        &db,
        &manager,
        id,
        &page,
        &[
            ("code", "15/KH-UBND"),
            ("issued_on", "2/3/2026"),
            ("title", "Kế hoạch triển khai Đề án 06 năm 2026"),
            ("map", &choice),
            ("action", "save"),
        ],
    )
    .await;
    assert_status(&saved, StatusCode::SEE_OTHER);
    let again = sign_in(&db, "manager@bo.vn").await;
    let page = preview(&db, &again, id).await;
    assert!(page.contains("value=\"15/KH-UBND\""));
    assert!(page.contains("value=\"02/03/2026\""), "dates as dd/mm/yyyy");
    assert!(page.contains(">Kế hoạch triển khai Đề án 06 năm 2026</textarea>"));
    assert!(page.contains(&format!("<option value=\"{choice}\" selected>")));
    assert_eq!(hidden(&page, "version"), "2");
    assert_eq!(
        mapping_count(&db).await,
        0,
        "a mapping is saved with the plan, not before"
    );
}
