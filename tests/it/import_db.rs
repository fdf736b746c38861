//! Importing the seeds into PostgreSQL: structure, units and groups, categories as of dates,
//! idempotent re-import, revised documents and retired tasks.

use actionplan::db::import::{ImportStatus, import_document};
use sqlx::PgPool;

use crate::common::{SEED_94, SEED_905, import_seeds, seed, seed_text, table_counts};

async fn scalar(db: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.expect(sql)
}

#[sqlx::test]
async fn both_seeds_import_into_the_structure_they_describe(db: PgPool) {
    let (a, b) = import_seeds(&db).await;
    assert_eq!(
        (a.code.as_str(), a.sections, a.tasks, a.status),
        ("905/QĐ-BTTTT", 5, 42, ImportStatus::Created)
    );
    assert_eq!(
        (b.code.as_str(), b.sections, b.tasks),
        ("94/QĐ-BKHCN", 0, 20)
    );
    assert!(a.unparsed.is_empty() && b.unparsed.is_empty());
    let per_section: Vec<(String, i64)> = sqlx::query_as(
        "select s.code, count(t.id) from sections s join tasks t on t.section_id = s.id group by s.code, s.position order by s.position",
    )
    .fetch_all(&db)
    .await
    .expect("sections");
    let expected: Vec<(String, i64)> = [("I", 5), ("II", 20), ("III", 10), ("IV", 4), ("V", 3)]
        .map(|(c, n)| (c.to_owned(), n))
        .to_vec();
    assert_eq!(per_section, expected);
    assert_eq!(scalar(&db, "select count(*) from milestones").await, 2);
    let iii10: (String, Option<chrono::NaiveDate>) =
        sqlx::query_as("select deadline_kind, due_on from tasks where ref = 'III.10'")
            .fetch_one(&db)
            .await
            .expect("III.10");
    assert_eq!(
        iii10,
        (
            "date".to_owned(),
            chrono::NaiveDate::from_ymd_opt(2022, 11, 15)
        )
    );
    assert_eq!(
        scalar(
            &db,
            "select count(*) from task_events where kind = 'imported'"
        )
        .await,
        62
    );
}

#[sqlx::test]
async fn spelling_variants_become_one_unit_with_their_aliases(db: PgPool) {
    import_seeds(&db).await;
    let tin_hoc_hoa: Vec<(String, Vec<String>)> = sqlx::query_as(
        "select u.name, array_agg(a.alias order by a.alias) from units u join unit_aliases a on a.unit_id = u.id
          where u.key like 'cuc tin hoc hoa@%' group by u.id, u.name",
    )
    .fetch_all(&db)
    .await
    .expect("units");
    assert_eq!(
        tin_hoc_hoa.len(),
        1,
        "one unit for both spellings: {tin_hoc_hoa:?}"
    );
    assert_eq!(tin_hoc_hoa[0].1, ["Cục Tin học hoá", "Cục Tin học hóa"]);
    let attt: Vec<String> = sqlx::query_scalar(
        "select a.alias from units u join unit_aliases a on a.unit_id = u.id where u.name = 'Cục An toàn thông tin' order by a.alias",
    )
    .fetch_all(&db)
    .await
    .expect("aliases");
    assert_eq!(attt, ["Cục An toàn thông tin", "Cục An toàn thông tin tin"]);
    // The partner written with a typo in I.4 links to the canonical unit.
    let linked: i64 = scalar(
        &db,
        "select count(*) from task_units tu join tasks t on t.id = tu.task_id join units u on u.id = tu.unit_id
          where t.ref = 'I.4' and u.name = 'Cục An toàn thông tin' and tu.written = 'Cục An toàn thông tin tin'",
    )
    .await;
    assert_eq!(linked, 1);
    // MOST's own IT centre and the one 905 names with its ministry are different units.
    let centres: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "select parent, body from units where name = 'Trung tâm Công nghệ thông tin' order by parent nulls first",
    )
    .fetch_all(&db)
    .await
    .expect("centres");
    assert!(
        centres.contains(&(None, Some("Bộ Khoa học và Công nghệ".to_owned()))),
        "{centres:?}"
    );
    assert!(
        centres.contains(&(Some("Bộ Khoa học và Công nghệ".to_owned()), None)),
        "{centres:?}"
    );
}

#[sqlx::test]
async fn a_group_led_task_belongs_to_each_member(db: PgPool) {
    import_seeds(&db).await;
    let members = scalar(
        &db,
        "select count(*) from unit_group_members m join units g on g.id = m.group_id
          where g.name = 'Các đơn vị chủ trì cung cấp thủ tục hành chính của Bộ'",
    )
    .await;
    assert_eq!(members, 15);
    // Task 4 of 94 is led by the group: each member sees it as its own lead task.
    let leads = scalar(
        &db,
        "select count(*) from task_units tu join tasks t on t.id = tu.task_id join decisions d on d.id = t.decision_id
          where d.code = '94/QĐ-BKHCN' and t.ref = '4' and tu.role = 'lead' and tu.via_group_id is not null",
    )
    .await;
    assert_eq!(leads, 15);
    let shtt_leads = scalar(
        &db,
        "select count(distinct t.id) from task_units tu join tasks t on t.id = tu.task_id join units u on u.id = tu.unit_id
          where u.name = 'Cục Sở hữu trí tuệ' and tu.role = 'lead'",
    )
    .await;
    // 17 (its own) plus 4, 5, 9, 13, 14 through the group.
    assert_eq!(shtt_leads, 6);
    let group_written: String = sqlx::query_scalar(
        "select tu.written from task_units tu join tasks t on t.id = tu.task_id join decisions d on d.id = t.decision_id
          where d.code = '94/QĐ-BKHCN' and t.ref = '4' and tu.role = 'lead' and tu.via_group_id is null",
    )
    .fetch_one(&db)
    .await
    .expect("group link");
    assert_eq!(
        group_written, "Các đơn vị chủ trì cung cấp TTHC",
        "the group name as written is kept for display"
    );
}

#[sqlx::test]
async fn categories_follow_the_as_of_date(db: PgPool) {
    import_seeds(&db).await;
    let count = |as_of: &'static str, category: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from tasks t join decisions d on d.id = t.decision_id
                  where d.code = '905/QĐ-BTTTT' and task_category(t, $1::date) = $2",
            )
            .bind(as_of)
            .bind(category)
            .fetch_one(&db)
            .await
            .expect("count")
        }
    };
    // Nothing is completed yet; 905 has 14 continuous tasks and 28 with a date.
    assert_eq!(count("2022-06-30", "continuous").await, 14);
    // II.1, II.4 and II.12 are due "Tháng 6/2022": overdue from 01/07/2022, not on 30/06/2022.
    let before = count("2022-06-30", "overdue").await;
    let after = count("2022-07-01", "overdue").await;
    assert_eq!(after - before, 3);
    let newly: Vec<String> = sqlx::query_scalar(
        "select ref from tasks where task_category(tasks, '2022-07-01') = 'overdue'
            and task_category(tasks, '2022-06-30') <> 'overdue' order by position",
    )
    .fetch_all(&db)
    .await
    .expect("refs");
    assert_eq!(newly, ["II.1", "II.4", "II.12"]);
    assert_eq!(count("2022-01-01", "overdue").await, 0);
    assert_eq!(count("2030-01-01", "overdue").await, 28);
}

#[sqlx::test]
async fn importing_the_same_document_again_changes_nothing(db: PgPool) {
    import_seeds(&db).await;
    let before = table_counts(&db).await;
    let versions: Vec<i32> = sqlx::query_scalar("select version from tasks order by id")
        .fetch_all(&db)
        .await
        .expect("v");
    let again = import_document(&db, SEED_905, &seed(SEED_905))
        .await
        .expect("re-import");
    assert_eq!(again.status, ImportStatus::Unchanged);
    assert_eq!(again.tasks, 42);
    assert_eq!(table_counts(&db).await, before);
    let after: Vec<i32> = sqlx::query_scalar("select version from tasks order by id")
        .fetch_all(&db)
        .await
        .expect("v");
    assert_eq!(after, versions);
}

#[sqlx::test]
async fn a_revised_document_updates_text_but_keeps_state_and_history(db: PgPool) {
    import_seeds(&db).await;
    let task_id: i64 = sqlx::query_scalar("select id from tasks where ref = 'II.7'")
        .fetch_one(&db)
        .await
        .expect("II.7");
    sqlx::query("update tasks set state = 'completed', completed_on = '2022-11-30', version = version + 1 where id = $1")
        .bind(task_id)
        .execute(&db)
        .await
        .expect("complete");
    sqlx::query("insert into task_events (task_id, actor, kind, from_state, to_state, note) values ($1, 'test', 'state', 'not_started', 'completed', 'xong')")
        .bind(task_id)
        .execute(&db)
        .await
        .expect("event");
    let revised = seed_text(SEED_905).replace(
        "Cơ sở dữ liệu quốc gia về Khoa học và công nghệ\tCục Tin học hóa",
        "Cơ sở dữ liệu quốc gia về khoa học và công nghệ (sửa đổi)\tCục Tin học hóa",
    );
    assert_ne!(
        revised,
        seed_text(SEED_905),
        "the revision changes the text"
    );
    let texts_before = text_rows(&db).await;
    let outcome = import_document(&db, "905-sua-doi.txt", revised.as_bytes())
        .await
        .expect("revision");
    assert_eq!(outcome.status, ImportStatus::Updated);
    assert_eq!(outcome.tasks, 42);
    let (content, state, completed_on): (String, String, Option<chrono::NaiveDate>) =
        sqlx::query_as("select content, state, completed_on from tasks where id = $1")
            .bind(task_id)
            .fetch_one(&db)
            .await
            .expect("task");
    assert!(content.ends_with("(sửa đổi)"));
    assert_eq!(state, "completed");
    assert_eq!(completed_on, chrono::NaiveDate::from_ymd_opt(2022, 11, 30));
    let kinds: Vec<String> =
        sqlx::query_scalar("select kind from task_events where task_id = $1 order by id")
            .bind(task_id)
            .fetch_all(&db)
            .await
            .expect("events");
    assert_eq!(kinds, ["imported", "state", "revised"]);
    // The searched text follows the revision, and only the revised task's is written again
    // (each rewrite adds to the trigram index).
    let texts_after = text_rows(&db).await;
    let rewritten: Vec<i64> = texts_after
        .iter()
        .filter(|after| !texts_before.contains(after))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(rewritten, [task_id]);
    let text = texts_after
        .iter()
        .find(|(id, _, _)| *id == task_id)
        .map(|(_, _, text)| text.as_str());
    assert!(text.is_some_and(|t| t.contains(" sua doi ")), "{text:?}");
    assert_eq!(
        scalar(&db, "select count(*) from tasks").await,
        62,
        "no task duplicated"
    );
}

/// Every task's searched text with the transaction that wrote its row.
async fn text_rows(db: &PgPool) -> Vec<(i64, String, String)> {
    sqlx::query_as("select task_id, xmin::text, search_text from task_texts order by task_id")
        .fetch_all(db)
        .await
        .expect("texts")
}

#[sqlx::test]
async fn history_cannot_be_edited_or_deleted(db: PgPool) {
    import_seeds(&db).await;
    assert!(
        sqlx::query("update task_events set note = 'x'")
            .execute(&db)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("delete from task_events")
            .execute(&db)
            .await
            .is_err()
    );
}

#[sqlx::test]
async fn the_94_seed_alone_imports(db: PgPool) {
    let outcome = import_document(&db, SEED_94, &seed(SEED_94))
        .await
        .expect("94");
    assert_eq!(outcome.tasks, 20);
    assert!(outcome.units > 15);
}

#[sqlx::test]
async fn a_group_of_the_ministry_named_short_or_in_full_is_one_group(db: PgPool) {
    import_seeds(&db).await;
    let groups: Vec<String> = sqlx::query_scalar(
        "select a.alias from units u join unit_aliases a on a.unit_id = u.id
          where u.key like 'cac co quan, don vi thuoc bo%@bo thong tin va truyen thong' order by a.alias",
    )
    .fetch_all(&db)
    .await
    .expect("aliases");
    assert_eq!(groups.len(), 3, "{groups:?}");
    let units: i64 = sqlx::query_scalar("select count(distinct u.id) from units u where u.key like 'cac co quan, don vi thuoc bo%@bo thong tin va truyen thong'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(
        units, 1,
        "\"các cơ quan, đơn vị thuộc Bộ\" in 905 is the ministry's own group"
    );
}

#[sqlx::test]
async fn a_task_left_out_of_a_revision_is_retired_and_returns_with_its_history(db: PgPool) {
    import_seeds(&db).await;
    let original = seed_text(SEED_905);
    let without: String = original
        .lines()
        .filter(|line| !line.starts_with("5\tCó giải pháp khuyến khích"))
        .map(|line| format!("{line}\n"))
        .collect();
    let task_id: i64 = sqlx::query_scalar("select id from tasks where ref = 'I.5'")
        .fetch_one(&db)
        .await
        .expect("I.5");
    let links =
        "select count(*) from task_units tu join tasks t on t.id = tu.task_id where t.ref = 'I.5'";
    let linked = scalar(&db, links).await;
    let revised = import_document(&db, "905-bo-I5.txt", without.as_bytes())
        .await
        .expect("revision");
    assert_eq!((revised.status, revised.tasks), (ImportStatus::Updated, 41));
    let retired = "select count(*) from tasks where ref = 'I.5' and retired";
    assert_eq!(scalar(&db, retired).await, 1, "kept, not deleted");
    assert_eq!(scalar(&db, links).await, linked, "links stay");
    let back = import_document(&db, SEED_905, original.as_bytes())
        .await
        .expect("back");
    assert_eq!((back.status, back.tasks), (ImportStatus::Updated, 42));
    assert_eq!(scalar(&db, retired).await, 0);
    let kinds: Vec<String> =
        sqlx::query_scalar("select kind from task_events where task_id = $1 order by id")
            .bind(task_id)
            .fetch_all(&db)
            .await
            .expect("events");
    assert_eq!(kinds, ["imported", "retired", "revised"]);
    assert_eq!(scalar(&db, "select count(*) from tasks").await, 62);
}
