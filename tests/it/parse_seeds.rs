//! The importer's parser on the two seed plans, without a database.

use actionplan::domain::deadline::DeadlineKind;
use actionplan::import::{ParsedPlan, parse_document};
use chrono::NaiveDate;

use crate::common::{SEED_94, SEED_905, seed};

fn plan(name: &str) -> ParsedPlan {
    parse_document(name, &seed(name)).expect("seed parses")
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn decision_905_has_42_tasks_in_five_sections() {
    let plan = plan(SEED_905);
    let codes: Vec<&str> = plan.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["I", "II", "III", "IV", "V"]);
    assert_eq!(plan.tasks.len(), 42);
    let per_section: Vec<usize> = (0..5)
        .map(|i| plan.tasks.iter().filter(|t| t.section == Some(i)).count())
        .collect();
    assert_eq!(per_section, [5, 20, 10, 4, 3]);
    assert_eq!(plan.sections[4].title, "TUYÊN TRUYỀN");
    assert!(plan.tasks.iter().any(|t| t.reference == "II.7"));
}

#[test]
fn decision_905_header_is_read() {
    let h = plan(SEED_905).header;
    assert_eq!(h.code, "905/QĐ-BTTTT");
    assert_eq!(h.number, "905");
    assert_eq!(h.issuer, "Bộ Thông tin và Truyền thông");
    assert_eq!(h.place.as_deref(), Some("Hà Nội"));
    assert_eq!(h.issued_on, date(2022, 5, 12));
    assert_eq!(h.signer.as_deref(), Some("Nguyễn Huy Dũng"));
    assert_eq!(
        h.signer_title.as_deref(),
        Some("KT. BỘ TRƯỞNG / THỨ TRƯỞNG")
    );
    assert!(h.title.starts_with("Về việc ban hành"));
    assert_eq!(h.legal_bases.len(), 4);
    assert!(h.legal_bases.iter().all(|b| b.starts_with("Căn cứ")));
    assert_eq!(h.replaces, ["47/QĐ-BTTTT"]);
    assert_eq!(h.recipients.len(), 15);
    assert_eq!(h.recipients[0], "Như Điều 4");
}

#[test]
fn decision_94_has_20_tasks_without_sections() {
    let plan = plan(SEED_94);
    assert!(plan.sections.is_empty());
    assert_eq!(plan.tasks.len(), 20);
    let refs: Vec<String> = plan.tasks.iter().map(|t| t.reference.clone()).collect();
    let expected: Vec<String> = (1..=20).map(|n| n.to_string()).collect();
    assert_eq!(refs, expected);
    let h = plan.header;
    assert_eq!(h.code, "94/QĐ-BKHCN");
    assert_eq!(h.issuer, "Bộ Khoa học và Công nghệ");
    assert_eq!(h.issued_on, date(2024, 1, 26));
    assert_eq!(h.signer.as_deref(), Some("Bùi Thế Duy"));
    assert_eq!(
        h.signer_title.as_deref(),
        Some("KT. BỘ TRƯỞNG / THỨ TRƯỞNG")
    );
    assert!(h.replaces.is_empty());
    assert_eq!(h.legal_bases.len(), 4);
    assert_eq!(h.recipients.len(), 8);
    assert!(
        h.title
            .contains("Kế hoạch thực hiện Quyết định số 06/QĐ-TTg"),
        "{}",
        h.title
    );
}

#[test]
fn a_row_split_across_a_page_break_is_joined() {
    let plan = plan(SEED_905);
    let task = plan
        .tasks
        .iter()
        .find(|t| t.reference == "III.10")
        .expect("III.10");
    assert!(
        task.deadline_text.ends_with("theo cấp độ trước 15/11/2022"),
        "{}",
        task.deadline_text
    );
    assert_eq!(task.deadline.kind, DeadlineKind::Date);
    let dates: Vec<_> = task.deadline.milestones.iter().map(|m| m.due_on).collect();
    assert_eq!(
        dates,
        [date(2022, 6, 30).unwrap(), date(2022, 11, 15).unwrap()]
    );
    assert_eq!(task.deadline.due_on, date(2022, 11, 15));
    let iv4 = plan
        .tasks
        .iter()
        .find(|t| t.reference == "IV.4")
        .expect("IV.4");
    assert!(iv4.deliverable.ends_with(
        "các kết nối được đưa vào sử dụng, hoạt động ổn định, bảo đảm an toàn, an ninh mạng"
    ));
}

#[test]
fn a_word_field_inside_a_unit_name_is_removed() {
    let plan = plan(SEED_94);
    let task = &plan.tasks[14];
    assert_eq!(
        task.lead_text,
        "Cục Thông tin khoa học và công nghệ quốc gia"
    );
    assert_eq!(task.leads.len(), 1);
}

#[test]
fn text_is_stored_in_nfc() {
    use unicode_normalization::is_nfc;
    for name in [SEED_905, SEED_94] {
        let plan = plan(name);
        for task in &plan.tasks {
            for text in [
                &task.content,
                &task.lead_text,
                &task.partner_text,
                &task.deadline_text,
                &task.deliverable,
            ] {
                assert!(is_nfc(text), "{} not NFC: {text}", task.reference);
            }
        }
    }
}

#[test]
fn spelling_variants_resolve_to_one_unit_and_keep_the_text_as_written() {
    let plan = plan(SEED_905);
    let mentions: Vec<_> = plan
        .tasks
        .iter()
        .flat_map(|t| t.leads.iter().chain(&t.partners))
        .collect();
    let key_of = |written: &str| {
        mentions
            .iter()
            .find(|m| m.written == written)
            .map(|m| m.key.clone())
            .expect(written)
    };
    assert_eq!(key_of("Cục Tin học hoá"), key_of("Cục Tin học hóa"));
    assert_eq!(key_of("Vụ pháp chế"), key_of("Vụ Pháp chế"));
    assert_eq!(
        key_of("Cục An toàn thông tin tin"),
        key_of("Cục An toàn thông tin")
    );
    assert_eq!(
        key_of("Trung tâm chứng thực điện tử quốc gia"),
        key_of("Trung tâm Chứng thực điện tử Quốc gia")
    );
    let i4 = plan
        .tasks
        .iter()
        .find(|t| t.reference == "I.4")
        .expect("I.4");
    assert!(
        i4.partner_text.contains("Cục An toàn thông tin tin"),
        "source text is kept as written"
    );
}

#[test]
fn the_notes_define_the_group_of_fifteen_units() {
    let plan = plan(SEED_94);
    assert_eq!(plan.groups.len(), 1);
    let group = &plan.groups[0];
    assert_eq!(group.members.len(), 15);
    assert!(
        group
            .members
            .iter()
            .any(|m| m.name == "Vụ Đánh giá, thẩm định và giám định công nghệ")
    );
    assert!(
        group
            .members
            .iter()
            .any(|m| m.name == "Vụ Kế hoạch - Tài chính")
    );
}

#[test]
fn every_seed_deadline_is_understood() {
    for name in [SEED_905, SEED_94] {
        for task in plan(name).tasks {
            assert_ne!(
                task.deadline.kind,
                DeadlineKind::Unparsed,
                "{} {}",
                task.reference,
                task.deadline_text
            );
        }
    }
}
