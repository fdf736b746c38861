//! The `actionplan import` command, run as a process against a test database.

use std::process::Command;

use sqlx::PgPool;

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
        stdout.contains("905/QĐ-BTTTT (đã nhập mới): 5 mục, 42 nhiệm vụ, 48 đơn vị"),
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
        stderr.contains("BỊ TỪ CHỐI") && stderr.contains("hong.txt") && stderr.contains("nhị phân"),
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
