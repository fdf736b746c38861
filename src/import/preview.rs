//! The preview of a parsed plan as plain text, for `actionplan import --dry-run`: the header as
//! read, the warnings, then every section and task as it would be stored.

use std::fmt::Write;

use super::model::ParsedPlan;
use crate::domain::deadline::{describe, format_vi};

/// The whole preview.
pub fn preview_text(plan: &ParsedPlan) -> String {
    let mut out = String::new();
    let h = &plan.header;
    let or_open = |value: &str, open: bool| -> String {
        match (value.is_empty(), open) {
            (false, _) => value.to_owned(),
            (true, true) => "(để trống trong văn bản: cần nhập)".to_owned(),
            (true, false) => "(không tìm thấy)".to_owned(),
        }
    };
    let _ = writeln!(out, "Số hiệu: {}", or_open(&h.code, h.open_number));
    let date = h.issued_on.map(format_vi).unwrap_or_default();
    let _ = writeln!(out, "Ngày ban hành: {}", or_open(&date, h.open_date));
    let _ = writeln!(out, "Cơ quan ban hành: {}", h.issuer);
    let _ = writeln!(out, "Trích yếu: {}", h.title);
    if let Some(signer) = &h.signer {
        let title = h.signer_title.as_deref().unwrap_or("");
        let _ = writeln!(out, "Người ký: {signer} ({title})");
    }
    let _ = writeln!(
        out,
        "{} mục, {} nhiệm vụ, {} cảnh báo",
        plan.sections.len(),
        plan.tasks.len(),
        plan.warnings.len()
    );
    for warning in &plan.warnings {
        let _ = writeln!(out, "  ! {}", plan.describe(warning));
    }
    let mut section = None;
    for task in &plan.tasks {
        if task.section != section {
            section = task.section;
            if let Some(s) = section.and_then(|i| plan.sections.get(i)) {
                let _ = writeln!(out, "\n{} {}", s.code, s.title);
            }
        }
        let _ = writeln!(out, "[{}] {}", task.reference, task.content);
        let _ = writeln!(out, "    chủ trì: {}", task.lead_text);
        if !task.partner_text.is_empty() {
            let _ = writeln!(out, "    phối hợp: {}", task.partner_text);
        }
        let _ = writeln!(
            out,
            "    thời hạn: {} → {}",
            task.deadline_text,
            describe(&task.deadline)
        );
        if !task.deliverable.is_empty() {
            let _ = writeln!(out, "    sản phẩm: {}", task.deliverable);
        }
        for (name, value) in &task.extras {
            let _ = writeln!(out, "    {name}: {value}");
        }
    }
    out
}
