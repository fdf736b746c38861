//! Reporting rounds (kỳ báo cáo): what opening a round needs, what a unit's line must say, when
//! a report is late, and which state change a submitted line asks of its task (a completion goes
//! through the usual two-step confirmation). No I/O.

use chrono::NaiveDate;

use super::status::TaskState;
use super::update::{Change, TaskNow};

/// A field of a form and what is wrong with it.
pub type FieldError = (&'static str, String);

/// Where a unit's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    /// Being written (or not started): lines can be saved.
    Draft,
    /// Submitted: read-only unless a manager returns it.
    Submitted,
    /// Returned by a manager with a reason: editable, to be submitted again.
    Returned,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Draft,
            ReportStatus::Submitted,
            ReportStatus::Returned,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ReportStatus::Draft => "Chưa nộp",
            ReportStatus::Submitted => "Đã nộp",
            ReportStatus::Returned => "Bị trả lại, chưa nộp lại",
        }
    }

    /// Whether the unit may still change its lines.
    pub fn is_editable(self) -> bool {
        self != ReportStatus::Submitted
    }
}

/// Whether a report is late: submitted after the due day, or not submitted and the day passed.
pub fn is_late(due_on: NaiveDate, submitted_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    submitted_on.unwrap_or(today) > due_on
}

/// A round as a manager opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub due_on: NaiveDate,
}

/// Checks a new round: a title, a period in order and at most two years long.
pub fn check_round(
    title: &str,
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
) -> Result<NewRound, FieldError> {
    let title = super::text::squash_ws(&super::text::nfc(title));
    if title.is_empty() {
        return Err((
            "title",
            "Hãy đặt tên kỳ báo cáo (ví dụ: Báo cáo quý IV/2026).".to_owned(),
        ));
    }
    if title.chars().count() > 300 {
        return Err((
            "title",
            "Tên kỳ báo cáo quá dài (tối đa 300 ký tự).".to_owned(),
        ));
    }
    let need = |field: &'static str, what: &str| (field, format!("Hãy nhập {what} (dd/mm/yyyy)."));
    let period_from = period_from.ok_or_else(|| need("period_from", "ngày đầu kỳ"))?;
    let period_to = period_to.ok_or_else(|| need("period_to", "ngày cuối kỳ"))?;
    let due_on = due_on.ok_or_else(|| need("due_on", "hạn nộp báo cáo"))?;
    if period_to < period_from {
        return Err(("period_to", "Ngày cuối kỳ phải sau ngày đầu kỳ.".to_owned()));
    }
    if (period_to - period_from).num_days() > 731 {
        return Err(("period_to", "Kỳ báo cáo dài tối đa hai năm.".to_owned()));
    }
    Ok(NewRound {
        title,
        period_from,
        period_to,
        due_on,
    })
}

/// A line's fields as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineFields {
    pub state: String,
    pub completed_on: Option<NaiveDate>,
    pub done: String,
    pub result: String,
    pub evidence_url: String,
    pub difficulties: String,
    pub proposal: String,
    /// A file came with the line.
    pub has_file: bool,
}

/// A line as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub state: TaskState,
    pub completed_on: Option<NaiveDate>,
    pub done: String,
    pub result: String,
    pub evidence_url: Option<String>,
    pub difficulties: String,
    pub proposal: String,
}

const TEXT_LIMIT: usize = 5_000;

/// Checks one line: None when the unit left it blank; otherwise the state is required, a
/// completion needs its date (not in the future), and work done or completed needs a word on
/// what was done in the period.
pub fn read_line(fields: &LineFields, today: NaiveDate) -> Result<Option<Line>, FieldError> {
    let clean = |s: &str| super::text::nfc(s.trim());
    let (done, result) = (clean(&fields.done), clean(&fields.result));
    let (difficulties, proposal) = (clean(&fields.difficulties), clean(&fields.proposal));
    let url = fields.evidence_url.trim();
    let written = [&done, &result, &difficulties, &proposal]
        .iter()
        .any(|s| !s.is_empty())
        || !url.is_empty()
        || fields.has_file
        || fields.completed_on.is_some();
    let Some(state) = TaskState::parse(fields.state.trim()) else {
        if fields.state.trim().is_empty() && !written {
            return Ok(None);
        }
        return Err(("state", "Hãy chọn tình trạng thực hiện.".to_owned()));
    };
    for (field, text) in [
        ("done", &done),
        ("result", &result),
        ("difficulties", &difficulties),
        ("proposal", &proposal),
    ] {
        if text.chars().count() > TEXT_LIMIT {
            return Err((field, "Nội dung quá dài (tối đa 5.000 ký tự).".to_owned()));
        }
    }
    match (state, fields.completed_on) {
        (TaskState::Completed, None) => {
            return Err(("completed_on", "Hãy nhập ngày hoàn thành.".to_owned()));
        }
        (TaskState::Completed, Some(on)) if on > today => {
            return Err((
                "completed_on",
                "Ngày hoàn thành không được sau ngày hôm nay.".to_owned(),
            ));
        }
        (TaskState::NotStarted | TaskState::InProgress, Some(_)) => {
            return Err((
                "completed_on",
                "Chỉ ghi ngày hoàn thành khi chọn \"Hoàn thành\".".to_owned(),
            ));
        }
        _ => {}
    }
    if state != TaskState::NotStarted && done.is_empty() {
        return Err(("done", "Hãy ghi kết quả thực hiện trong kỳ.".to_owned()));
    }
    if !url.is_empty()
        && (!(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000)
    {
        return Err((
            "evidence_url",
            "Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://.".to_owned(),
        ));
    }
    Ok(Some(Line {
        state,
        completed_on: fields.completed_on,
        done,
        result,
        evidence_url: (!url.is_empty()).then(|| url.to_owned()),
        difficulties,
        proposal,
    }))
}

/// The change a submitted line asks of its task, if its state differs from the task's: a
/// completion (proposed, when the unit's completions need confirmation), or another state. A
/// completion already recorded or proposed for the same day asks nothing.
pub fn state_change(
    state: TaskState,
    completed_on: Option<NaiveDate>,
    task: &TaskNow,
) -> Option<Change> {
    match state {
        TaskState::Completed => {
            let already = task.state == TaskState::Completed
                || (task.pending_confirmation && task.proposed_completed_on == completed_on);
            (!already).then_some(Change::State {
                state,
                completed_on,
            })
        }
        _ if task.state == state => None,
        _ => Some(Change::State {
            state,
            completed_on: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn fields(state: &str) -> LineFields {
        LineFields {
            state: state.to_owned(),
            done: "Đã hoàn thiện dự thảo".to_owned(),
            ..LineFields::default()
        }
    }

    #[test]
    fn a_round_needs_a_title_and_an_ordered_period() {
        let ok = check_round(
            " Báo cáo  quý IV/2026 ",
            Some(d(10, 1)),
            Some(d(12, 31)),
            Some(d(12, 20)),
        );
        assert_eq!(ok.unwrap().title, "Báo cáo quý IV/2026");
        assert_eq!(
            check_round(" ", Some(d(10, 1)), Some(d(12, 31)), Some(d(12, 20)))
                .unwrap_err()
                .0,
            "title"
        );
        assert_eq!(
            check_round("Q", Some(d(12, 1)), Some(d(10, 31)), Some(d(12, 20)))
                .unwrap_err()
                .0,
            "period_to"
        );
        assert_eq!(
            check_round("Q", Some(d(10, 1)), Some(d(12, 31)), None)
                .unwrap_err()
                .0,
            "due_on"
        );
    }

    #[test]
    fn a_blank_line_is_left_alone_and_a_written_one_needs_its_state() {
        let today = d(12, 15);
        assert_eq!(read_line(&LineFields::default(), today), Ok(None));
        assert_eq!(read_line(&fields(""), today).unwrap_err().0, "state");
        let line = read_line(&fields("in_progress"), today).unwrap().unwrap();
        assert_eq!(line.state, TaskState::InProgress);
        let not_started = LineFields {
            state: "not_started".into(),
            ..LineFields::default()
        };
        assert!(read_line(&not_started, today).unwrap().is_some());
        let nothing_done = LineFields {
            state: "in_progress".into(),
            ..LineFields::default()
        };
        assert_eq!(read_line(&nothing_done, today).unwrap_err().0, "done");
    }

    #[test]
    fn a_completion_needs_a_past_date_and_only_a_completion_has_one() {
        let today = d(12, 15);
        assert_eq!(
            read_line(&fields("completed"), today).unwrap_err().0,
            "completed_on"
        );
        let future = LineFields {
            completed_on: Some(d(12, 16)),
            ..fields("completed")
        };
        assert_eq!(read_line(&future, today).unwrap_err().0, "completed_on");
        let stray = LineFields {
            completed_on: Some(d(12, 1)),
            ..fields("in_progress")
        };
        assert_eq!(read_line(&stray, today).unwrap_err().0, "completed_on");
        let bad_url = LineFields {
            evidence_url: "javascript:x".into(),
            ..fields("in_progress")
        };
        assert_eq!(read_line(&bad_url, today).unwrap_err().0, "evidence_url");
    }

    #[test]
    fn a_submitted_line_changes_its_task_only_when_it_says_something_new() {
        let task = TaskNow {
            state: TaskState::InProgress,
            completed_on: None,
            pending_confirmation: false,
            proposed_completed_on: None,
            milestone_count: 0,
            deadline_unparsed: false,
        };
        assert_eq!(state_change(TaskState::InProgress, None, &task), None);
        assert!(matches!(
            state_change(TaskState::Completed, Some(d(12, 1)), &task),
            Some(Change::State {
                state: TaskState::Completed,
                ..
            })
        ));
        let proposed = TaskNow {
            pending_confirmation: true,
            proposed_completed_on: Some(d(12, 1)),
            ..task.clone()
        };
        assert_eq!(
            state_change(TaskState::Completed, Some(d(12, 1)), &proposed),
            None
        );
        let done = TaskNow {
            state: TaskState::Completed,
            completed_on: Some(d(11, 1)),
            ..task
        };
        assert_eq!(
            state_change(TaskState::Completed, Some(d(12, 1)), &done),
            None
        );
        assert!(state_change(TaskState::InProgress, None, &done).is_some());
    }

    #[test]
    fn a_report_is_late_after_its_due_day() {
        assert!(!is_late(d(12, 20), Some(d(12, 20)), d(12, 25)));
        assert!(is_late(d(12, 20), Some(d(12, 21)), d(12, 21)));
        assert!(is_late(d(12, 20), None, d(12, 21)));
        assert!(!is_late(d(12, 20), None, d(12, 20)));
        assert!(ReportStatus::Returned.is_editable() && !ReportStatus::Submitted.is_editable());
    }
}
