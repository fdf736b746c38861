//! Malformed documents are refused with the file, the line and the fault, and write nothing.

use actionplan::db::import::{ImportFailure, import_document};
use sqlx::PgPool;

use crate::common::{SEED_905, import_seeds, seed_text, table_counts};

async fn rejected(db: &PgPool, file: &str, bytes: &[u8]) -> actionplan::import::ImportError {
    let before = table_counts(db).await;
    let error = match import_document(db, file, bytes).await {
        Err(ImportFailure::Rejected(error)) => error,
        Err(other) => panic!("{file}: expected a rejection, got {other}"),
        Ok(outcome) => panic!("{file}: expected a rejection, imported {}", outcome.code),
    };
    assert_eq!(
        table_counts(db).await,
        before,
        "{file}: a rejected document wrote something"
    );
    assert_eq!(error.file, file);
    assert!(
        error.to_string().starts_with(file),
        "the message names the file: {error}"
    );
    error
}

#[sqlx::test]
async fn an_empty_file_is_refused(db: PgPool) {
    import_seeds(&db).await;
    let error = rejected(&db, "empty.txt", b"").await;
    assert!(error.message.contains("rỗng"), "{error}");
}

#[sqlx::test]
async fn a_binary_file_is_refused(db: PgPool) {
    import_seeds(&db).await;
    let error = rejected(&db, "scan.pdf", b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary").await;
    assert!(
        error.message.contains("PDF") && error.message.contains(".docx"),
        "a PDF is refused with what to use instead: {error}"
    );
    let error = rejected(&db, "data.bin", b"\x00\x01\x02\x03\xff\xfe\x00 binary").await;
    assert!(error.message.contains("nhị phân"), "{error}");
}

#[sqlx::test]
async fn an_unreadable_encoding_is_refused_with_its_line(db: PgPool) {
    import_seeds(&db).await;
    // "Kế hoạch" in Windows-1258-ish single bytes: not UTF-8.
    let error = rejected(&db, "legacy.txt", b"S\xe1: 1/Q\xd0-BTC\nK\xea ho\xb9ch\n").await;
    assert_eq!(error.line, Some(1));
    assert!(error.message.contains("bảng mã"), "{error}");
}

#[sqlx::test]
async fn a_document_without_a_plan_table_is_refused(db: PgPool) {
    import_seeds(&db).await;
    let text = "Số: 5/QĐ-BTC\nVề việc ban hành kế hoạch\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n";
    let error = rejected(&db, "no-table.txt", text.as_bytes()).await;
    assert!(
        error.message.contains("không tìm thấy bảng kế hoạch"),
        "{error}"
    );
}

#[sqlx::test]
async fn a_row_with_missing_cells_is_refused_with_its_line(db: PgPool) {
    // 905 with task I.2's row cut short after the lead unit.
    let text = seed_text(SEED_905);
    let broken: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("2\tNghiên cứu, rà soát") {
                l.split('\t').take(3).collect::<Vec<_>>().join("\t")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let line = text
        .lines()
        .position(|l| l.starts_with("2\tNghiên cứu, rà soát"))
        .expect("row I.2")
        + 1;
    let error = rejected(&db, "905-broken.txt", broken.join("\n").as_bytes()).await;
    assert_eq!(error.line, Some(line));
    assert!(error.message.contains("thiếu cột"), "{error}");
    assert!(error.message.contains("Thời gian hoàn thành"), "{error}");
    let decisions: i64 = sqlx::query_scalar("select count(*) from decisions")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(decisions, 0);
}

#[sqlx::test]
async fn a_document_without_a_number_is_refused(db: PgPool) {
    let text = "Về việc ban hành kế hoạch\nSTT\tNội dung công việc\tĐơn vị chủ trì\tThời gian hoàn thành\n1\tViệc\tCục A\tNăm 2024\n";
    let error = rejected(&db, "no-code.txt", text.as_bytes()).await;
    assert!(error.message.contains("số hiệu"), "{error}");
}
