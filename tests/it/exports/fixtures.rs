//! Hand-built reports with Vietnamese text: a unit name with a comma, quotes and an ampersand,
//! a note with a line break, a task led by two units, a deadline text starting with "-".

use actionplan::reports::model::{
    CompletedReport, CompletedRow, Figures, MonthlyPack, NamedFigures, OverdueMilestone,
    OverdueReport, OverdueRow, UnitOverdue,
};
use chrono::NaiveDate;

/// A unit name with a comma, quotes and an ampersand, to test quoting and XML escaping.
pub const ODD_UNIT: &str = "Cục \"An toàn thông tin\", Bộ TT&TT";
pub const NOTE: &str = "Đã dự thảo Kế hoạch.\nĐang lấy ý kiến các đơn vị";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn overdue_row(reference: &str, content: &str, due_on: NaiveDate, days: i32) -> OverdueRow {
    OverdueRow {
        task_id: 0,
        decision: "905/QĐ-BTTTT".into(),
        reference: reference.into(),
        content: content.into(),
        lead_text: "Vụ Kế hoạch - Tài chính, Cục Tin học hóa".into(),
        deadline_text: "Tháng 6/2022".into(),
        due_on,
        days_overdue: days,
        deliverable: "Báo cáo Bộ trưởng".into(),
        last_note: None,
        last_note_on: None,
    }
}

pub fn overdue_report() -> OverdueReport {
    let shared = OverdueRow {
        last_note: Some(NOTE.into()),
        last_note_on: Some(day(2022, 7, 15)),
        ..overdue_row(
            "II.7",
            "Xây dựng, hoàn thiện \"Nền tảng\" tích hợp, chia sẻ dữ liệu (LGSP) của Bộ",
            day(2022, 6, 30),
            31,
        )
    };
    let milestone_task = OverdueRow {
        deadline_text: "- Kết nối trước 30/6/2022 - Vận hành trước 15/7/2022".into(),
        ..overdue_row(
            "III.10",
            "- Kết nối CSDL quốc gia về dân cư với hệ thống TTHC",
            day(2022, 7, 15),
            16,
        )
    };
    let most = OverdueRow {
        decision: "94/QĐ-BKHCN".into(),
        lead_text: "Trung tâm CNTT".into(),
        deadline_text: "Quý I/2022".into(),
        ..overdue_row("7", "Số hóa kết quả giải quyết TTHC", day(2022, 3, 31), 122)
    };
    OverdueReport {
        as_of: day(2022, 7, 31),
        units: vec![
            UnitOverdue {
                unit_id: 1,
                unit_name: "Vụ Kế hoạch - Tài chính".into(),
                is_group: false,
                rows: vec![shared.clone(), milestone_task],
            },
            UnitOverdue {
                unit_id: 2,
                unit_name: ODD_UNIT.into(),
                is_group: false,
                rows: vec![most, shared],
            },
        ],
        total: 3,
        milestones: vec![OverdueMilestone {
            task_id: 0,
            decision: "905/QĐ-BTTTT".into(),
            reference: "III.10".into(),
            label: "Kết nối trước 30/6/2022".into(),
            lead_text: "Vụ Kế hoạch - Tài chính".into(),
            due_on: day(2022, 6, 30),
            days_overdue: 31,
        }],
    }
}

pub fn completed_row(reference: &str, due_on: Option<NaiveDate>, done: NaiveDate) -> CompletedRow {
    CompletedRow {
        task_id: 0,
        decision: "905/QĐ-BTTTT".into(),
        reference: reference.into(),
        content: format!("Nhiệm vụ {reference}: rà soát, đánh giá hiện trạng"),
        lead_text: ODD_UNIT.into(),
        deadline_text: "Tháng 7/2022".into(),
        due_on,
        completed_on: done,
        on_time: due_on.is_none_or(|due| done <= due),
        deliverable: "Kế hoạch".into(),
    }
}

pub fn figures(due: i64, on_time: i64, late: i64, overdue: i64) -> Figures {
    Figures {
        due,
        completed_on_time: on_time,
        completed_late: late,
        overdue,
    }
}

pub fn named(id: i64, name: &str, figures: Figures) -> NamedFigures {
    NamedFigures {
        id,
        name: name.into(),
        figures,
    }
}

pub fn completed_report() -> CompletedReport {
    CompletedReport {
        from: day(2022, 7, 1),
        to: day(2022, 7, 31),
        label: "Tháng 7/2022".into(),
        completed: vec![
            completed_row("I.1", Some(day(2022, 7, 31)), day(2022, 7, 20)),
            completed_row("IV.4", Some(day(2022, 5, 31)), day(2022, 7, 5)),
            CompletedRow {
                deadline_text: "Thường xuyên".into(),
                ..completed_row("V.1", None, day(2022, 7, 10))
            },
        ],
        totals: figures(12, 6, 3, 3),
        per_decision: vec![
            named(1, "905/QĐ-BTTTT", figures(9, 5, 2, 2)),
            named(2, "94/QĐ-BKHCN", figures(3, 1, 1, 1)),
        ],
        per_unit: vec![
            named(1, "Vụ Kế hoạch - Tài chính", figures(4, 3, 0, 1)),
            named(2, ODD_UNIT, figures(5, 2, 1, 2)),
            named(3, "Trung tâm Công nghệ thông tin", figures(3, 1, 1, 1)),
        ],
    }
}

pub fn monthly_pack() -> MonthlyPack {
    MonthlyPack {
        label: "Tháng 7/2022".into(),
        scope: "Tất cả kế hoạch".into(),
        completed: completed_report(),
        overdue: overdue_report(),
    }
}
