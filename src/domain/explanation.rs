//! Explanations (giải trình) of overdue tasks: the reason classes reports count, the status of a
//! request as of a date (mirrored by the SQL function `explanation_status`, migration 0031), and
//! the checks of an answer and of a manager's decision. No I/O.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where an explanation stands as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplanationStatus {
    /// Not asked.
    None,
    /// Asked, not answered yet, the answer not yet due.
    Requested,
    /// Answered; a manager has not decided.
    Answered,
    Accepted,
    Rejected,
    /// Asked, not answered, past the day the answer was due.
    Late,
}

impl ExplanationStatus {
    pub const ALL: [ExplanationStatus; 6] = [
        ExplanationStatus::None,
        ExplanationStatus::Requested,
        ExplanationStatus::Answered,
        ExplanationStatus::Accepted,
        ExplanationStatus::Rejected,
        ExplanationStatus::Late,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExplanationStatus::None => "none",
            ExplanationStatus::Requested => "requested",
            ExplanationStatus::Answered => "answered",
            ExplanationStatus::Accepted => "accepted",
            ExplanationStatus::Rejected => "rejected",
            ExplanationStatus::Late => "late",
        }
    }

    pub fn parse(s: &str) -> Option<ExplanationStatus> {
        ExplanationStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ExplanationStatus::None => "Chưa yêu cầu giải trình",
            ExplanationStatus::Requested => "Đã yêu cầu giải trình",
            ExplanationStatus::Answered => "Đã giải trình, chờ xem xét",
            ExplanationStatus::Accepted => "Giải trình được chấp nhận",
            ExplanationStatus::Rejected => "Giải trình không được chấp nhận",
            ExplanationStatus::Late => "Quá hạn giải trình",
        }
    }

    /// Whether the request still waits on someone (the unit or the manager).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ExplanationStatus::Requested | ExplanationStatus::Answered | ExplanationStatus::Late
        )
    }
}

/// Why a task is late, as the units' answers are counted in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonClass {
    Legal,
    Funding,
    Infrastructure,
    Coordination,
    Staffing,
    Other,
}

impl ReasonClass {
    pub const ALL: [ReasonClass; 6] = [
        ReasonClass::Legal,
        ReasonClass::Funding,
        ReasonClass::Infrastructure,
        ReasonClass::Coordination,
        ReasonClass::Staffing,
        ReasonClass::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonClass::Legal => "legal",
            ReasonClass::Funding => "funding",
            ReasonClass::Infrastructure => "infrastructure",
            ReasonClass::Coordination => "coordination",
            ReasonClass::Staffing => "staffing",
            ReasonClass::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ReasonClass> {
        ReasonClass::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ReasonClass::Legal => "Vướng mắc thể chế, pháp lý",
            ReasonClass::Funding => "Kinh phí",
            ReasonClass::Infrastructure => "Hạ tầng kỹ thuật",
            ReasonClass::Coordination => "Phối hợp liên ngành",
            ReasonClass::Staffing => "Nhân lực",
            ReasonClass::Other => "Nguyên nhân khác",
        }
    }
}

/// The dates of one request, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    pub requested_on: NaiveDate,
    /// The day the answer is due.
    pub due_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    /// The day of the decision and whether it accepted.
    pub decided: Option<(NaiveDate, bool)>,
}

/// The status of a request as of `as_of`: what had happened by the end of that day.
pub fn status_as_of(steps: &Steps, as_of: NaiveDate) -> ExplanationStatus {
    if steps.requested_on > as_of {
        return ExplanationStatus::None;
    }
    match steps.decided {
        Some((on, true)) if on <= as_of => return ExplanationStatus::Accepted,
        Some((on, false)) if on <= as_of => return ExplanationStatus::Rejected,
        _ => {}
    }
    if steps.answered_on.is_some_and(|on| on <= as_of) {
        ExplanationStatus::Answered
    } else if steps.due_on < as_of {
        ExplanationStatus::Late
    } else {
        ExplanationStatus::Requested
    }
}

/// A field of a form and what is wrong with it.
pub type FieldError = (&'static str, String);

/// Checks the day an answer is asked by: today or later, within a year.
pub fn check_answer_due(due_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if due_on < today {
        return Err((
            "due_on",
            "Hạn giải trình không được trước ngày hôm nay.".to_owned(),
        ));
    }
    if (due_on - today).num_days() > 366 {
        return Err((
            "due_on",
            "Hạn giải trình quá xa (tối đa một năm).".to_owned(),
        ));
    }
    Ok(())
}

/// An answer as the unit gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub reason: ReasonClass,
    pub text: String,
    pub proposed_due_on: Option<NaiveDate>,
}

/// Reads an answer: a reason class, a text, and a proposed new date after today.
pub fn read_answer(
    reason: Option<&str>,
    text: Option<&str>,
    proposed: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Answer, FieldError> {
    let reason = reason
        .and_then(ReasonClass::parse)
        .ok_or(("reason_class", "Hãy chọn nhóm nguyên nhân.".to_owned()))?;
    let text = super::text::nfc(text.unwrap_or_default().trim());
    if text.is_empty() {
        return Err(("answer", "Hãy nêu nội dung giải trình.".to_owned()));
    }
    if text.chars().count() > 10_000 {
        return Err((
            "answer",
            "Nội dung giải trình quá dài (tối đa 10.000 ký tự).".to_owned(),
        ));
    }
    if proposed.is_some_and(|d| d <= today) {
        return Err((
            "proposed_due_on",
            "Thời hạn đề xuất phải sau ngày hôm nay.".to_owned(),
        ));
    }
    Ok(Answer {
        reason,
        text,
        proposed_due_on: proposed,
    })
}

/// A manager's decision on an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept, and extend the task's deadline to this day (None when the task was completed
    /// meanwhile and needs no extension).
    Accept { granted_due_on: Option<NaiveDate> },
    /// Reject, saying why.
    Reject { reason: String },
}

/// Reads a decision: accepting needs the new deadline (after the task's current one and after
/// today) unless the task is completed; rejecting needs a reason.
pub fn read_decision(
    accept: bool,
    granted: Option<NaiveDate>,
    note: &str,
    current_due: Option<NaiveDate>,
    completed: bool,
    today: NaiveDate,
) -> Result<Decision, FieldError> {
    if !accept {
        let reason = super::text::nfc(note.trim());
        if reason.is_empty() {
            return Err((
                "note",
                "Hãy ghi lý do không chấp nhận giải trình.".to_owned(),
            ));
        }
        return Ok(Decision::Reject { reason });
    }
    if completed {
        return Ok(Decision::Accept {
            granted_due_on: None,
        });
    }
    let granted = granted.ok_or((
        "granted_due_on",
        "Hãy nhập thời hạn mới được gia hạn (dd/mm/yyyy).".to_owned(),
    ))?;
    if granted <= today || current_due.is_some_and(|due| granted <= due) {
        return Err((
            "granted_due_on",
            "Thời hạn mới phải sau ngày hôm nay và sau thời hạn hiện tại của nhiệm vụ.".to_owned(),
        ));
    }
    Ok(Decision::Accept {
        granted_due_on: Some(granted),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    #[test]
    fn a_request_moves_through_its_statuses_day_by_day() {
        let steps = Steps {
            requested_on: d(3, 1),
            due_on: d(3, 10),
            answered_on: Some(d(3, 15)),
            decided: Some((d(3, 20), true)),
        };
        let at = |day| status_as_of(&steps, day);
        assert_eq!(at(d(2, 28)), ExplanationStatus::None);
        assert_eq!(at(d(3, 1)), ExplanationStatus::Requested);
        assert_eq!(at(d(3, 10)), ExplanationStatus::Requested);
        assert_eq!(at(d(3, 11)), ExplanationStatus::Late);
        assert_eq!(at(d(3, 15)), ExplanationStatus::Answered);
        assert_eq!(at(d(3, 20)), ExplanationStatus::Accepted);
        let rejected = Steps {
            decided: Some((d(3, 20), false)),
            ..steps
        };
        assert_eq!(
            status_as_of(&rejected, d(4, 1)),
            ExplanationStatus::Rejected
        );
    }

    #[test]
    fn statuses_and_reasons_have_codes_and_vietnamese_labels() {
        for s in ExplanationStatus::ALL {
            assert_eq!(ExplanationStatus::parse(s.as_str()), Some(s));
            assert!(!s.label_vi().is_empty());
        }
        for r in ReasonClass::ALL {
            assert_eq!(ReasonClass::parse(r.as_str()), Some(r));
        }
        assert_eq!(ReasonClass::Funding.label_vi(), "Kinh phí");
        assert!(ExplanationStatus::Late.is_open() && !ExplanationStatus::Accepted.is_open());
    }

    #[test]
    fn an_answer_needs_a_reason_a_text_and_a_future_date() {
        let today = d(3, 5);
        assert_eq!(
            read_answer(None, Some("x"), None, today).unwrap_err().0,
            "reason_class"
        );
        assert_eq!(
            read_answer(Some("funding"), Some("  "), None, today)
                .unwrap_err()
                .0,
            "answer"
        );
        assert_eq!(
            read_answer(Some("funding"), Some("Chưa có vốn"), Some(today), today)
                .unwrap_err()
                .0,
            "proposed_due_on"
        );
        let ok = read_answer(
            Some("funding"),
            Some(" Chưa có vốn "),
            Some(d(6, 30)),
            today,
        )
        .unwrap();
        assert_eq!(ok.reason, ReasonClass::Funding);
        assert_eq!(ok.text, "Chưa có vốn");
    }

    #[test]
    fn accepting_needs_a_later_deadline_and_rejecting_a_reason() {
        let today = d(3, 5);
        let due = Some(d(2, 28));
        assert_eq!(
            read_decision(false, None, " ", due, false, today)
                .unwrap_err()
                .0,
            "note"
        );
        assert_eq!(
            read_decision(true, None, "", due, false, today)
                .unwrap_err()
                .0,
            "granted_due_on"
        );
        assert!(read_decision(true, Some(d(3, 5)), "", due, false, today).is_err());
        assert_eq!(
            read_decision(true, Some(d(6, 30)), "", due, false, today),
            Ok(Decision::Accept {
                granted_due_on: Some(d(6, 30))
            })
        );
        assert_eq!(
            read_decision(true, None, "", due, true, today),
            Ok(Decision::Accept {
                granted_due_on: None
            })
        );
        assert!(check_answer_due(d(3, 4), today).is_err());
        assert!(check_answer_due(d(3, 15), today).is_ok());
    }
}
