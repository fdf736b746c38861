//! Calendar feeds through the router with reading behind sign-in: a token or a private feed link
//! opens them, nothing else does; the iCalendar text is parsed back line by line.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::PgPool;

use crate::auth_support::{
    Answer, form_request, get_request, make_user, private_app, send, sign_in, token_for,
};
use crate::common::import_seeds;

/// Properties of a calendar or one VEVENT: name (without parameters) → unescaped value.
type Props = HashMap<String, String>;

fn get_with(path: &str, token: Option<&str>, etag: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(etag) = etag {
        builder = builder.header(header::IF_NONE_MATCH, etag);
    }
    builder.body(Body::empty()).expect("request")
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Checks the physical form (CRLF, 75 octets) and returns the calendar's properties and events.
fn parse_ics(text: &str) -> (Props, Vec<Props>) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    let physical: Vec<&str> = text
        .strip_suffix("\r\n")
        .expect("CRLF")
        .split("\r\n")
        .collect();
    for line in &physical {
        assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
    }
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut calendar = Props::new();
    let mut events = Vec::new();
    let mut current: Option<Props> = None;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').expect("name:value");
        let name = name.split(';').next().expect("name").to_owned();
        match (name.as_str(), value) {
            ("BEGIN", "VEVENT") => current = Some(Props::new()),
            ("END", "VEVENT") => events.push(current.take().expect("inside an event")),
            _ => {
                let target = current.as_mut().unwrap_or(&mut calendar);
                target.insert(name, unescape(value));
            }
        }
    }
    assert!(current.is_none(), "unterminated VEVENT");
    (calendar, events)
}

async fn id_of(db: &PgPool, sql: &str, value: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(value)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{value}: {e}"))
}

async fn unit_id(db: &PgPool, name: &str) -> i64 {
    id_of(db, "select id from units where name = $1", name).await
}

async fn task_id(db: &PgPool, code_and_ref: &str) -> i64 {
    id_of(
        db,
        "select t.id from tasks t join decisions d on d.id = t.decision_id where d.code || ' ' || t.ref = $1",
        code_and_ref,
    )
    .await
}

/// The UIDs a feed should have: dated, live tasks (of the unit) and their milestones.
async fn expected_uids(db: &PgPool, unit: Option<i64>) -> HashSet<String> {
    let tasks: Vec<i64> = sqlx::query_scalar(
        "select t.id from tasks t where t.due_on is not null and not t.retired
            and ($1::bigint is null or exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = $1))",
    )
    .bind(unit)
    .fetch_all(db)
    .await
    .expect("tasks");
    let milestones: Vec<(i64, i32)> = sqlx::query_as(
        "select m.task_id, m.position from milestones m join tasks t on t.id = m.task_id where not t.retired
            and ($1::bigint is null or exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = $1))",
    )
    .bind(unit)
    .fetch_all(db)
    .await
    .expect("milestones");
    tasks
        .iter()
        .map(|t| format!("task-{t}@actionplan"))
        .chain(
            milestones
                .iter()
                .map(|(t, p)| format!("milestone-{t}-{p}@actionplan")),
        )
        .collect()
}

fn uids(events: &[Props]) -> Vec<String> {
    events.iter().map(|e| e["UID"].clone()).collect()
}

fn event<'a>(events: &'a [Props], uid: &str) -> &'a Props {
    events
        .iter()
        .find(|e| e["UID"] == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))
}

fn assert_calendar(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
}

#[sqlx::test]
async fn the_feed_read_with_an_api_token_has_one_event_per_dated_task_and_milestone(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "canbo@mic.gov.vn", "viewer", &[]).await;
    let token = token_for(&db, "canbo@mic.gov.vn").await;
    let answer = send(
        private_app(db.clone()),
        get_with("/calendar.ics", Some(&token), None),
    )
    .await;
    assert_calendar(&answer);
    let (calendar, events) = parse_ics(&answer.body);
    assert_eq!(calendar["VERSION"], "2.0");
    assert_eq!(calendar["CALSCALE"], "GREGORIAN");
    assert_eq!(calendar["METHOD"], "PUBLISH");
    assert!(calendar.contains_key("PRODID"));
    assert_eq!(calendar["X-WR-CALNAME"], "Hạn nhiệm vụ – tất cả kế hoạch");

    let found = uids(&events);
    let unique: HashSet<String> = found.iter().cloned().collect();
    assert_eq!(unique.len(), found.len(), "UIDs are unique");
    assert_eq!(unique, expected_uids(&db, None).await);
    assert_eq!(
        found.len(),
        42 + 2,
        "905's 42 dated tasks and III.10's two milestones"
    );

    // A Vietnamese summary with a comma survives escaping and folding.
    let short = task_id(&db, "905/QĐ-BTTTT III.1").await;
    let e = event(&events, &format!("task-{short}@actionplan"));
    assert_eq!(
        e["SUMMARY"],
        "[905/QĐ-BTTTT III.1] Rà soát nâng cấp, hoàn thiện cơ sở hạ tầng công nghệ thông tin phục vụ triển khai Đề án 06"
    );
    assert_eq!(e["DTSTART"], "20221231");
    assert_eq!(e["DTEND"], "20230101");
    assert!(e["DTSTAMP"].ends_with('Z') && e["DTSTAMP"].len() == 16);
    assert_eq!(e["URL"], format!("http://127.0.0.1:8080/tasks/{short}"));
    let description = &e["DESCRIPTION"];
    for part in [
        "Đơn vị chủ trì: Cục Tin học hóa",
        "Thời gian hoàn thành: Tháng 12/2022 – hạn 31/12/2022",
        "Sản phẩm: ",
        "Tình trạng: Chưa thực hiện",
        &format!("Xem nhiệm vụ: http://127.0.0.1:8080/tasks/{short}"),
    ] {
        assert!(description.contains(part), "{part:?} not in {description}");
    }
    assert!(description.contains('\n'), "newlines come back from \\n");

    // A long content is shortened with an ellipsis, keeping the reference.
    let long = task_id(&db, "905/QĐ-BTTTT II.11").await;
    let summary = &event(&events, &format!("task-{long}@actionplan"))["SUMMARY"];
    let content = "Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư với cơ sở dữ liệu an sinh xã hội";
    let kept = summary
        .strip_prefix("[905/QĐ-BTTTT II.11] ")
        .and_then(|s| s.strip_suffix('…'))
        .expect("reference and ellipsis");
    assert!(content.starts_with(kept), "{summary}");

    let milestone = task_id(&db, "905/QĐ-BTTTT III.10").await;
    let first = event(&events, &format!("milestone-{milestone}-1@actionplan"));
    assert_eq!(first["DTSTART"], "20220630");
    assert!(
        first["SUMMARY"].starts_with("[905/QĐ-BTTTT III.10] Mốc: Hồ sơ đề xuất cấp độ"),
        "{}",
        first["SUMMARY"]
    );
}

#[sqlx::test]
async fn feeds_without_credentials_or_with_a_wrong_key_answer_401(db: PgPool) {
    import_seeds(&db).await;
    let unit = unit_id(&db, "Cục Sở hữu trí tuệ").await;
    for path in [
        "/calendar.ics".to_owned(),
        format!("/units/{unit}/calendar.ics"),
        "/calendar.ics?key=".to_owned(),
        format!("/calendar.ics?key={}", "0".repeat(64)),
        format!("/units/{unit}/calendar.ics?key=wrong"),
    ] {
        let answer = send(private_app(db.clone()), get_with(&path, None, None)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(!answer.body.contains("BEGIN:VCALENDAR"), "{path}");
    }
    let answer = send(
        private_app(db.clone()),
        get_with("/calendar.ics", Some("not-a-token"), None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // Other pages still send anonymous visitors to sign in.
    let answer = send(private_app(db.clone()), get_with("/tasks", None, None)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn a_unit_feed_contains_the_tasks_a_member_unit_leads_through_its_group(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "canbo@most.gov.vn", "viewer", &[]).await;
    let token = token_for(&db, "canbo@most.gov.vn").await;
    let unit = unit_id(&db, "Cục Sở hữu trí tuệ").await;
    let answer = send(
        private_app(db.clone()),
        get_with(&format!("/units/{unit}/calendar.ics"), Some(&token), None),
    )
    .await;
    assert_calendar(&answer);
    let (calendar, events) = parse_ics(&answer.body);
    assert_eq!(
        calendar["X-WR-CALNAME"],
        "Hạn nhiệm vụ – Cục Sở hữu trí tuệ"
    );
    let found: HashSet<String> = uids(&events).into_iter().collect();
    assert_eq!(found.len(), events.len(), "UIDs are unique");
    assert_eq!(found, expected_uids(&db, Some(unit)).await);

    let group_led = task_id(&db, "94/QĐ-BKHCN 4").await;
    let e = event(&events, &format!("task-{group_led}@actionplan"));
    assert!(
        e["SUMMARY"].starts_with("[94/QĐ-BKHCN 4] "),
        "{}",
        e["SUMMARY"]
    );
    assert!(
        e["DESCRIPTION"].contains("Vai trò của Cục Sở hữu trí tuệ: chủ trì (thuộc nhóm “"),
        "{}",
        e["DESCRIPTION"]
    );
    let tasks_of_905 = events
        .iter()
        .filter(|e| e["SUMMARY"].starts_with("[905/"))
        .count();
    assert_eq!(tasks_of_905, 0, "another ministry's tasks stay out");

    let answer = send(
        private_app(db.clone()),
        get_with("/units/999999/calendar.ics", Some(&token), None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

fn key_on_page(body: &str) -> String {
    body.split("calendar.ics?key=")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .expect("a private link on the page")
}

#[sqlx::test]
async fn a_private_link_from_the_calendar_page_opens_the_feed_until_renewed_or_revoked(db: PgPool) {
    import_seeds(&db).await;
    make_user(
        &db,
        "lanhdao@most.gov.vn",
        "unit_lead",
        &["Cục Sở hữu trí tuệ"],
    )
    .await;
    let session = sign_in(&db, "lanhdao@most.gov.vn").await;
    let unit = unit_id(&db, "Cục Sở hữu trí tuệ").await;

    let page = send(
        private_app(db.clone()),
        get_request("/calendar", Some(&session.cookie)),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bạn chưa có liên kết lịch riêng"));
    assert!(page.body.contains(&format!("/units/{unit}/calendar.ics")));

    let forged = send(
        private_app(db.clone()),
        form_request(
            "/calendar/key",
            Some(&session.cookie),
            &[("csrf", "forged"), ("action", "renew")],
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let renew = || {
        form_request(
            "/calendar/key",
            Some(&session.cookie),
            &[("csrf", session.csrf.as_str()), ("action", "renew")],
        )
    };
    let made = send(private_app(db.clone()), renew()).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let key = key_on_page(&made.body);
    assert_eq!(key.len(), 64);
    assert!(made.body.contains(&format!(
        "http://127.0.0.1:8080/units/{unit}/calendar.ics?key={key}"
    )));
    let stored: String = sqlx::query_scalar("select key_hash from calendar_keys")
        .fetch_one(&db)
        .await
        .expect("stored");
    assert_ne!(stored, key, "only a hash is stored");

    let feed = |key: String| {
        let db = db.clone();
        async move {
            send(
                private_app(db),
                get_with(&format!("/units/{unit}/calendar.ics?key={key}"), None, None),
            )
            .await
        }
    };
    let answer = feed(key.clone()).await;
    assert_calendar(&answer);
    let group_led = task_id(&db, "94/QĐ-BKHCN 4").await;
    assert!(
        answer
            .body
            .contains(&format!("UID:task-{group_led}@actionplan\r\n"))
    );
    let all = send(
        private_app(db.clone()),
        get_with(&format!("/calendar.ics?key={key}"), None, None),
    )
    .await;
    assert_calendar(&all);

    let page = send(
        private_app(db.clone()),
        get_request("/calendar", Some(&session.cookie)),
    )
    .await;
    assert!(page.body.contains("Bạn đã có liên kết riêng"));
    assert!(!page.body.contains(&key), "the link is shown once only");

    let renewed = send(private_app(db.clone()), renew()).await;
    let new_key = key_on_page(&renewed.body);
    assert_ne!(new_key, key);
    assert_eq!(feed(key).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(feed(new_key.clone()).await.status, StatusCode::OK);

    let revoked = send(
        private_app(db.clone()),
        form_request(
            "/calendar/key",
            Some(&session.cookie),
            &[("csrf", session.csrf.as_str()), ("action", "revoke")],
        ),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(feed(new_key).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn a_disabled_account_s_link_stops_working(db: PgPool) {
    import_seeds(&db).await;
    let user = make_user(&db, "canbo@mic.gov.vn", "viewer", &[]).await;
    let key = actionplan::db::calendar::renew_calendar_key(&db, user)
        .await
        .expect("key");
    let path = format!("/calendar.ics?key={key}");
    let answer = send(private_app(db.clone()), get_with(&path, None, None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    sqlx::query("update users set disabled = true where id = $1")
        .bind(user)
        .execute(&db)
        .await
        .expect("disable");
    let answer = send(private_app(db.clone()), get_with(&path, None, None)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn retired_tasks_leave_the_feed_and_completed_ones_say_so(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "canbo@mic.gov.vn", "viewer", &[]).await;
    let token = token_for(&db, "canbo@mic.gov.vn").await;
    let retired = task_id(&db, "905/QĐ-BTTTT I.1").await;
    let done = task_id(&db, "905/QĐ-BTTTT III.1").await;
    let with_milestones = task_id(&db, "905/QĐ-BTTTT III.10").await;
    sqlx::query("update tasks set retired = true where id = $1 or id = $2")
        .bind(retired)
        .bind(with_milestones)
        .execute(&db)
        .await
        .expect("retire");
    sqlx::query("update tasks set state = 'completed', completed_on = '2022-12-20' where id = $1")
        .bind(done)
        .execute(&db)
        .await
        .expect("complete");
    let answer = send(
        private_app(db.clone()),
        get_with("/calendar.ics", Some(&token), None),
    )
    .await;
    assert_calendar(&answer);
    let (_, events) = parse_ics(&answer.body);
    let found: HashSet<String> = uids(&events).into_iter().collect();
    assert_eq!(found, expected_uids(&db, None).await);
    assert!(!found.contains(&format!("task-{retired}@actionplan")));
    assert!(!found.contains(&format!("milestone-{with_milestones}-1@actionplan")));
    let e = event(&events, &format!("task-{done}@actionplan"));
    assert!(
        e["SUMMARY"].starts_with("[905/QĐ-BTTTT III.1] (đã hoàn thành) Rà soát"),
        "{}",
        e["SUMMARY"]
    );
    assert!(e["DESCRIPTION"].contains("Tình trạng: Hoàn thành ngày 20/12/2022"));
}

#[sqlx::test]
async fn an_unchanged_feed_answers_304_to_its_etag(db: PgPool) {
    import_seeds(&db).await;
    make_user(&db, "canbo@mic.gov.vn", "viewer", &[]).await;
    let token = token_for(&db, "canbo@mic.gov.vn").await;
    let first = send(
        private_app(db.clone()),
        get_with("/calendar.ics", Some(&token), None),
    )
    .await;
    let etag = first.headers[header::ETAG]
        .to_str()
        .expect("ascii")
        .to_owned();
    let again = send(
        private_app(db.clone()),
        get_with("/calendar.ics", Some(&token), Some(&etag)),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
}
