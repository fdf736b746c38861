//! Reminder e-mails sent by the real lettre SMTP transport to a real SMTP receiver that the test
//! starts on 127.0.0.1; the messages are decoded back from MIME.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actionplan::config::Config;
use actionplan::reminders::{
    ReminderConfig, ReminderError, RunReport, SmtpConfig, schedule, send_digests,
};
use base64::Engine as _;
use chrono::NaiveDate;
use sqlx::PgPool;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::auth_support::make_user;
use crate::common::import_seeds;

/// A message as the receiver got it.
#[derive(Debug, Clone)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A minimal SMTP server: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
struct SmtpReceiver {
    addr: SocketAddr,
    messages: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpReceiver {
    /// Starts a receiver; with `refuse` it answers 550 to every recipient.
    async fn start(refuse: bool) -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone(), refuse));
            }
        });
        SmtpReceiver {
            addr,
            messages,
            task,
        }
    }

    fn messages(&self) -> Vec<Received> {
        self.messages.lock().expect("lock").clone()
    }
}

fn address_of(argument: &str) -> String {
    argument
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default()
}

async fn session(stream: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>, refuse: bool) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut reply = async |text: &str| write.write_all(text.as_bytes()).await.is_ok();
    if !reply("220 receiver.test ESMTP ready\r\n").await {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        match read.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-receiver.test\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => "250 OK\r\n",
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                "250 OK\r\n"
            }
            "MAIL" => {
                from = address_of(&command);
                "250 OK\r\n"
            }
            "RCPT" if refuse => "550 mailbox unavailable\r\n",
            "RCPT" => {
                to.push(address_of(&command));
                "250 OK\r\n"
            }
            "DATA" => {
                if !reply("354 end with <CRLF>.<CRLF>\r\n").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    match read.read_until(b'\n', &mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let text = String::from_utf8_lossy(&line).into_owned();
                    if text == ".\r\n" {
                        break;
                    }
                    data.push_str(text.strip_prefix('.').unwrap_or(&text));
                }
                store.lock().expect("lock").push(Received {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 OK queued\r\n"
            }
            "QUIT" => {
                reply("221 bye\r\n").await;
                return;
            }
            _ => "502 command not implemented\r\n",
        };
        if !reply(answer).await {
            return;
        }
    }
}

// ---- MIME decoding (what a mail client does with the message).

/// Headers (unfolded, names lower-cased) and the body of a message or a part.
fn split_headers(text: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let headers = unfolded
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()
}

fn quoted_printable(text: &str, underscore_is_space: bool) -> Vec<u8> {
    let bytes = text.replace("=\r\n", "").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if i + 3 <= bytes.len() && hex_byte(&bytes[i + 1..i + 3]).is_some() => {
                out.push(hex_byte(&bytes[i + 1..i + 3]).expect("hex"));
                i += 3;
            }
            b'_' if underscore_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn base64(text: &str) -> Vec<u8> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .expect("base64")
}

/// A header value with its RFC 2047 encoded words decoded.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for (i, token) in value.split(' ').enumerate() {
        let encoded = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| {
                let mut parts = t.splitn(3, '?');
                let (_charset, kind, text) = (parts.next()?, parts.next()?, parts.next()?);
                let bytes = match kind {
                    "b" | "B" => base64(text),
                    _ => quoted_printable(text, true),
                };
                String::from_utf8(bytes).ok()
            });
        match encoded {
            Some(text) => {
                if i > 0 && !last_encoded {
                    out.push(' ');
                }
                out.push_str(&text);
                last_encoded = true;
            }
            None => {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(token);
                last_encoded = false;
            }
        }
    }
    out
}

fn decode_body(headers: &[(String, String)], body: &str) -> String {
    let bytes = match header(headers, "content-transfer-encoding")
        .to_ascii_lowercase()
        .as_str()
    {
        "base64" => base64(body),
        "quoted-printable" => quoted_printable(body, false),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).expect("UTF-8 body")
}

/// (subject, plain text, HTML) of a multipart/alternative message.
fn decode_message(data: &str) -> (String, String, String) {
    let (headers, body) = split_headers(data);
    let subject = decode_words(header(&headers, "subject"));
    let content_type = header(&headers, "content-type");
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("boundary")
        .trim_matches('"')
        .to_owned();
    let (mut text, mut html) = (String::new(), String::new());
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (part_headers, part_body) = split_headers(part.trim_start_matches("\r\n"));
        let decoded = decode_body(&part_headers, part_body.trim_end_matches("\r\n"));
        let kind = header(&part_headers, "content-type");
        assert!(kind.contains("charset=utf-8"), "{kind}");
        if kind.starts_with("text/plain") {
            text = decoded;
        } else if kind.starts_with("text/html") {
            html = decoded;
        }
    }
    (subject, text, html)
}

// ---- The tests.

fn config(smtp: Option<SmtpConfig>) -> Config {
    Config {
        database_url: None,
        bind: ([127, 0, 0, 1], 0).into(),
        seeds_dir: "seeds".into(),
        data_dir: "data".into(),
        db_max_connections: 5,
        task_cache_mb: 64,
        public_read: false,
        public_url: "https://theodoi.example.gov.vn/".to_owned(),
        reminders: ReminderConfig {
            smtp,
            days: 7,
            hour: 7,
        },
        sessions: Default::default(),
    }
}

fn smtp_to(receiver: &SmtpReceiver) -> Option<SmtpConfig> {
    Some(SmtpConfig::plain(
        "127.0.0.1",
        receiver.addr.port(),
        "Theo dõi kế hoạch <noreply@example.gov.vn>",
    ))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

async fn task_id(db: &PgPool, reference: &str) -> i64 {
    sqlx::query_scalar(
        "select t.id from tasks t join decisions d on d.id = t.decision_id where d.code = '905/QĐ-BTTTT' and t.ref = $1",
    )
    .bind(reference)
    .fetch_one(db)
    .await
    .expect("task")
}

async fn complete(db: &PgPool, reference: &str, on: &str) {
    sqlx::query("update tasks set state = 'completed', completed_on = $2::date where id = $1")
        .bind(task_id(db, reference).await)
        .bind(on)
        .execute(db)
        .await
        .expect("complete");
}

/// The references "905/QĐ-BTTTT X" listed in a part of a digest, in order.
fn references(section: &str) -> Vec<String> {
    section
        .split("] ")
        .filter_map(|chunk| chunk.rsplit_once("[905/QĐ-BTTTT "))
        .map(|(_, reference)| reference.to_owned())
        .collect()
}

/// Seeds, a lead of "Cục Tin học hóa", a lead with nothing due, a disabled lead and a viewer;
/// II.2 completed before the day, II.3 after it (so still overdue on the day).
async fn setup(db: &PgPool) {
    import_seeds(db).await;
    make_user(
        db,
        "lanhdao.thh@mic.gov.vn",
        "unit_lead",
        &["Cục Tin học hóa"],
    )
    .await;
    make_user(
        db,
        "lanhdao.shtt@most.gov.vn",
        "unit_lead",
        &["Cục Sở hữu trí tuệ"],
    )
    .await;
    let disabled = make_user(db, "nghi.huu@mic.gov.vn", "unit_lead", &["Cục Tin học hóa"]).await;
    sqlx::query("update users set disabled = true where id = $1")
        .bind(disabled)
        .execute(db)
        .await
        .expect("disable");
    make_user(db, "canbo@mic.gov.vn", "viewer", &[]).await;
    complete(db, "II.2", "2022-03-15").await;
    complete(db, "II.3", "2022-07-10").await;
}

#[sqlx::test]
async fn a_unit_lead_gets_one_vietnamese_digest_of_overdue_and_due_soon_tasks(db: PgPool) {
    setup(&db).await;
    let receiver = SmtpReceiver::start(false).await;
    let report = send_digests(&db, &config(smtp_to(&receiver)), day(2022, 6, 25))
        .await
        .expect("sends");
    assert_eq!(
        report,
        RunReport {
            sent: 1,
            already_sent: 0,
            nothing_due: 1,
            failed: 0
        }
    );
    let messages = receiver.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message.from, "noreply@example.gov.vn");
    assert_eq!(message.to, ["lanhdao.thh@mic.gov.vn"]);

    assert!(
        message.data.is_ascii(),
        "the message travels MIME-encoded, so decoding is what brings the Vietnamese back"
    );
    let (subject, text, html) = decode_message(&message.data);
    assert_eq!(
        subject,
        "Nhắc việc ngày 25/06/2022: 6 nhiệm vụ quá hạn, 2 nhiệm vụ đến hạn trong 7 ngày tới"
    );
    assert!(
        text.starts_with("Kính gửi Người dùng lanhdao.thh@mic.gov.vn,"),
        "{text}"
    );
    assert!(text.contains("do Cục Tin học hóa chủ trì, tính đến ngày 25/06/2022"));
    let (overdue, due_soon) = text
        .split_once("NHIỆM VỤ ĐẾN HẠN TRONG 7 NGÀY TỚI (2)")
        .expect("both parts");
    assert!(overdue.contains("NHIỆM VỤ QUÁ HẠN (6)"), "{text}");
    // II.2 was completed before the day; II.3 only after it, so it was still overdue then.
    assert_eq!(
        references(overdue),
        ["I.1", "I.3", "II.3", "II.9", "II.10", "II.11"]
    );
    assert_eq!(references(due_soon), ["II.4", "II.12"]);
    let first = task_id(&db, "I.1").await;
    assert!(
        overdue.contains("1. [905/QĐ-BTTTT I.1] Ban hành hướng dẫn kết nối và chia sẻ dữ liệu"),
        "{overdue}"
    );
    assert!(overdue.contains("Hạn: 28/02/2022 (quá hạn 117 ngày)"));
    assert!(overdue.contains("Thời gian hoàn thành: Tháng 2/2022"));
    assert!(overdue.contains(&format!(
        "Xem và cập nhật: https://theodoi.example.gov.vn/tasks/{first}"
    )));
    assert!(due_soon.contains("Hạn: 30/06/2022 (còn 5 ngày)"));
    assert!(html.contains("Nhiệm vụ quá hạn (6)"), "{html}");
    assert!(html.contains(&format!(
        "<a href=\"https://theodoi.example.gov.vn/tasks/{first}\">905/QĐ-BTTTT I.1</a>"
    )));
}

#[sqlx::test]
async fn a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(db: PgPool) {
    setup(&db).await;
    let receiver = SmtpReceiver::start(false).await;
    let config = config(smtp_to(&receiver));
    let first = send_digests(&db, &config, day(2022, 6, 25))
        .await
        .expect("first run");
    assert_eq!(first.sent, 1);
    let second = send_digests(&db, &config, day(2022, 6, 25))
        .await
        .expect("second run");
    assert_eq!(
        second,
        RunReport {
            sent: 0,
            already_sent: 1,
            nothing_due: 1,
            failed: 0
        }
    );
    assert_eq!(receiver.messages().len(), 1);
    let logged: Vec<(String, i32, i32)> =
        sqlx::query_as("select recipient, overdue, due_soon from reminder_digests")
            .fetch_all(&db)
            .await
            .expect("log");
    assert_eq!(logged, [("lanhdao.thh@mic.gov.vn".to_owned(), 6, 2)]);

    let next_day = send_digests(&db, &config, day(2022, 6, 26))
        .await
        .expect("next day");
    assert_eq!(next_day.sent, 1);
    assert_eq!(receiver.messages().len(), 2);
}

#[sqlx::test]
async fn nothing_is_sent_when_smtp_is_not_configured(db: PgPool) {
    setup(&db).await;
    let receiver = SmtpReceiver::start(false).await;
    let config = config(None);
    let outcome = send_digests(&db, &config, day(2022, 6, 25)).await;
    assert!(
        matches!(outcome, Err(ReminderError::NotConfigured)),
        "{outcome:?}"
    );
    let daily = schedule::start_daily(db.clone(), Arc::new(config)).expect("starts");
    assert!(daily.is_none(), "no daily job without SMTP");
    assert!(receiver.messages().is_empty());
    let logged: i64 = sqlx::query_scalar("select count(*) from reminder_digests")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(logged, 0);
}

#[sqlx::test]
async fn a_refused_digest_is_not_logged_and_goes_out_on_the_next_run(db: PgPool) {
    setup(&db).await;
    let refusing = SmtpReceiver::start(true).await;
    let report = send_digests(&db, &config(smtp_to(&refusing)), day(2022, 6, 25))
        .await
        .expect("runs");
    assert_eq!(report.failed, 1);
    assert_eq!(report.sent, 0);
    assert!(refusing.messages().is_empty());

    let receiver = SmtpReceiver::start(false).await;
    let report = send_digests(&db, &config(smtp_to(&receiver)), day(2022, 6, 25))
        .await
        .expect("runs");
    assert_eq!(report.sent, 1);
    assert_eq!(receiver.messages().len(), 1);
}

#[sqlx::test]
async fn a_missing_sender_address_is_reported_before_anything_is_sent(db: PgPool) {
    setup(&db).await;
    let receiver = SmtpReceiver::start(false).await;
    let mut smtp = smtp_to(&receiver).expect("smtp");
    smtp.from = None;
    let config = Arc::new(config(Some(smtp)));
    let error = schedule::start_daily(db.clone(), config.clone()).expect_err("refused");
    assert!(format!("{error:#}").contains("SMTP_FROM"), "{error:#}");
    let outcome = send_digests(&db, &config, day(2022, 6, 25)).await;
    assert!(
        matches!(outcome, Err(ReminderError::Other(_))),
        "{outcome:?}"
    );
    assert!(receiver.messages().is_empty());
}

fn database_url(db: &PgPool) -> String {
    let options = db.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().expect("test database name")
    )
}

async fn remind(
    db: &PgPool,
    args: &[&str],
    smtp: Option<&SmtpReceiver>,
) -> (Option<i32>, String, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_actionplan"));
    command
        .arg("remind")
        .args(args)
        .env("DATABASE_URL", database_url(db))
        .env("PUBLIC_URL", "https://theodoi.example.gov.vn")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in [
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "SMTP_FROM",
        "REMINDER_DAYS",
    ] {
        command.env_remove(var);
    }
    if let Some(receiver) = smtp {
        command
            .env("SMTP_HOST", "127.0.0.1")
            .env("SMTP_PORT", receiver.addr.port().to_string())
            .env("SMTP_FROM", "noreply@example.gov.vn");
    }
    let output = command.output().await.expect("runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[sqlx::test]
async fn the_remind_command_prints_with_dry_run_refuses_without_smtp_and_sends_once(db: PgPool) {
    setup(&db).await;
    let (code, stdout, stderr) = remind(&db, &["--dry-run"], None).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("==== Tới: Người dùng lanhdao.thh@mic.gov.vn <lanhdao.thh@mic.gov.vn>"),
        "{stdout}"
    );
    assert!(stdout.contains("NHIỆM VỤ QUÁ HẠN"), "{stdout}");
    assert!(stdout.contains("2 thư sẽ gửi"), "{stdout}");

    let (code, stdout, stderr) = remind(&db, &[], None).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("SMTP_HOST"), "{stderr}");

    let receiver = SmtpReceiver::start(false).await;
    let (code, stdout, stderr) = remind(&db, &[], Some(&receiver)).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("đã gửi 2 thư nhắc việc"), "{stdout}");
    let (code, stdout, _) = remind(&db, &[], Some(&receiver)).await;
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("đã gửi 0 thư nhắc việc; 2 tài khoản đã nhận thư hôm nay"),
        "{stdout}"
    );
    // As of today every dated task of the seeds is past due: both enabled leads hear of it.
    assert_eq!(receiver.messages().len(), 2);
}

#[sqlx::test]
async fn a_unit_that_has_not_submitted_its_round_report_is_reminded_in_its_digest(db: PgPool) {
    setup(&db).await;
    let manager = make_user(&db, "quanly@bo.gov.vn", "manager", &[]).await;
    let manager = actionplan::db::users::fetch_user(&db, manager)
        .await
        .expect("lookup")
        .expect("manager");
    let round = actionplan::domain::round::NewRound {
        title: "Báo cáo quý II/2022".to_owned(),
        period_from: day(2022, 4, 1),
        period_to: day(2022, 6, 30),
        due_on: day(2022, 6, 20),
    };
    let mut tx = db.begin().await.expect("begin");
    let (id, _) = actionplan::db::rounds::open_round(&mut tx, &round, None, false, &manager)
        .await
        .expect("opens");
    tx.commit().await.expect("commit");
    let receiver = SmtpReceiver::start(false).await;
    let report = send_digests(&db, &config(smtp_to(&receiver)), day(2022, 6, 25))
        .await
        .expect("sends");
    assert_eq!(
        report.sent, 2,
        "the lead with nothing due owes a report: {report:?}"
    );
    let shtt = receiver
        .messages()
        .into_iter()
        .find(|m| m.to == ["lanhdao.shtt@most.gov.vn"])
        .expect("a digest for the unit with nothing due");
    let (subject, text, html) = decode_message(&shtt.data);
    assert!(
        subject.ends_with("; 1 báo cáo, giải trình cần gửi"),
        "{subject}"
    );
    let unit: i64 = sqlx::query_scalar("select id from units where name = 'Cục Sở hữu trí tuệ'")
        .fetch_one(&db)
        .await
        .expect("unit");
    assert!(text.contains("BÁO CÁO, GIẢI TRÌNH CẦN GỬI (1)"), "{text}");
    assert!(text.contains(
        "Báo cáo “Báo cáo quý II/2022” của Cục Sở hữu trí tuệ: chưa nộp, hạn 20/06/2022, đã quá hạn"
    ));
    assert!(text.contains(&format!(
        "https://theodoi.example.gov.vn/rounds/{id}/units/{unit}"
    )));
    assert!(html.contains("Báo cáo, giải trình cần gửi (1)"));
}
