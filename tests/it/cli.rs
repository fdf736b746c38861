//! The `actionplan import` command, run as a process against a test database.

use std::process::Command;

use sqlx::PgPool;

pub fn database_url(db: &PgPool) -> String {
    let options = db.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().expect("test database name")
    )
}

#[sqlx::test]
async fn import_reports_each_document_and_fails_on_a_rejected_one(db: PgPool) {
    let dir = std::env::temp_dir().join(format!("actionplan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let broken = dir.join("hong.txt");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\n\x00\x00").expect("write");
    let unparsed = dir.join("kh.txt");
    std::fs::write(
        &unparsed,
        "Số: 9/KH-BTC\nVề việc triển khai\nSTT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n1\tSố hóa\tVăn phòng Bộ\tSau khi có hướng dẫn\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_actionplan"))
        .arg("import")
        .arg("seeds/000_9ca021430107ac42.txt")
        .arg(&broken)
        .arg(&unparsed)
        .env("DATABASE_URL", database_url(&db))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a rejected file makes the exit code non-zero\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("905/QĐ-BTTTT (đã nhập mới): 5 mục, 42 nhiệm vụ, 47 đơn vị"),
        "{stdout}"
    );
    assert!(
        stdout.contains("9/KH-BTC (đã nhập mới): 0 mục, 1 nhiệm vụ, 1 đơn vị"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1: \"Sau khi có hướng dẫn\""),
        "unparsed deadlines are listed: {stdout}"
    );
    assert!(
        stderr.contains("BỊ TỪ CHỐI") && stderr.contains("hong.txt") && stderr.contains("tệp ảnh"),
        "{stderr}"
    );
    let decisions: i64 = sqlx::query_scalar("select count(*) from decisions")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(
        decisions, 2,
        "the good files are imported, the rejected one is not"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[sqlx::test]
async fn user_commands_create_accounts_and_print_a_token_alone_on_the_last_line(db: PgPool) {
    crate::common::import_seeds(&db).await;
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_actionplan"))
            .args(args)
            .env("DATABASE_URL", database_url(&db))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        child.wait_with_output().expect("output")
    };
    let added = run(
        &[
            "user",
            "add",
            "--email",
            "Lead@THH.vn",
            "--name",
            "Trần Văn A",
            "--role",
            "unit_lead",
            "--unit",
            "Cục Tin học hóa",
            "--password-stdin",
        ],
        "mat-khau-rat-dai\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let generated = run(
        &[
            "user",
            "add",
            "--email",
            "admin@bo.vn",
            "--name",
            "Quản trị",
            "--role",
            "admin",
        ],
        "",
    );
    let out = String::from_utf8_lossy(&generated.stdout);
    assert!(out.contains("chỉ hiện một lần"), "{out}");
    let password = out.lines().last().expect("password line").trim().to_owned();
    assert!(password.len() >= 10);
    let bad = run(
        &[
            "user",
            "add",
            "--email",
            "x@bo.vn",
            "--name",
            "X",
            "--role",
            "unit_lead",
        ],
        "",
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("units"),
        "a unit lead needs a unit"
    );
    let token = run(&["user", "token", "--email", "lead@thh.vn"], "");
    let out = String::from_utf8_lossy(&token.stdout);
    let last = out.lines().last().expect("token line");
    assert_eq!(last.len(), 64, "the token alone on the last line: {out}");
    let user = actionplan::db::users::token_user(&db, last)
        .await
        .expect("lookup")
        .expect("the token works");
    assert_eq!(user.email, "lead@thh.vn");
    assert_eq!(user.unit_names, ["Cục Tin học hóa"]);
    let list = run(&["user", "list"], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains("lead@thh.vn"));
    let disabled = run(&["user", "disable", "--email", "lead@thh.vn"], "");
    assert!(disabled.status.success());
    assert!(
        actionplan::db::users::token_user(&db, last)
            .await
            .expect("lookup")
            .is_none(),
        "disabling revokes tokens"
    );
}
