//! A requested change to a task, checked against the task as it stands: the rules of states,
//! dates and confirmation, with no I/O. The outcome is what to write and what to log.

use chrono::NaiveDate;

use super::role::{Action, Role, Standing, completion_needs_confirmation, may};
use super::status::TaskState;

/// What a user asks to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Set the state; `completed_on` only (and required, defaulting to today) for Completed.
    State {
        state: TaskState,
        completed_on: Option<NaiveDate>,
    },
    /// A progress note.
    Note,
    /// Mark milestone `index` (0-based) done on a date.
    Milestone { index: usize, done_on: NaiveDate },
    /// Confirm a proposed completion.
    Confirm,
    /// Return a proposed completion (the note says why).
    Return,
    /// Extend the deadline to a new date, on the basis of a document.
    Extend { due_on: NaiveDate, basis: String },
    /// Set the due date of a deadline the importer could not read.
    Settle { due_on: NaiveDate },
}

impl Change {
    /// The event kind recorded in the history.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::State { .. } => "state",
            Change::Note => "note",
            Change::Milestone { .. } => "milestone",
            Change::Confirm => "confirm",
            Change::Return => "return",
            Change::Extend { .. } => "extend",
            Change::Settle { .. } => "settle",
        }
    }

    /// The permission this change needs.
    pub fn action(&self) -> Action {
        match self {
            Change::State { .. } | Change::Milestone { .. } => Action::Update,
            Change::Note => Action::Note,
            Change::Confirm | Change::Return => Action::Review,
            Change::Extend { .. } => Action::Extend,
            Change::Settle { .. } => Action::Settle,
        }
    }
}

/// The task as it stands, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskNow {
    pub state: TaskState,
    pub completed_on: Option<NaiveDate>,
    pub pending_confirmation: bool,
    pub proposed_completed_on: Option<NaiveDate>,
    pub milestone_count: usize,
    pub deadline_unparsed: bool,
}

/// What to write to the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub state: TaskState,
    pub completed_on: Option<NaiveDate>,
    pub pending_confirmation: bool,
    pub proposed_completed_on: Option<NaiveDate>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The user may not do this to this task (403).
    Forbidden,
    /// The request is wrong in one field (422): (field, message).
    Invalid(&'static str, String),
}

/// Checks a change and returns the task's new state fields.
pub fn apply(
    standing: Standing,
    now: &TaskNow,
    change: &Change,
    note: Option<&str>,
    today: NaiveDate,
    two_step: bool,
) -> Result<Effect, Refusal> {
    if !may(standing, change.action()) {
        return Err(Refusal::Forbidden);
    }
    let keep = Effect {
        state: now.state,
        completed_on: now.completed_on,
        pending_confirmation: now.pending_confirmation,
        proposed_completed_on: now.proposed_completed_on,
    };
    let invalid =
        |field: &'static str, message: &str| Err(Refusal::Invalid(field, message.to_owned()));
    match change {
        Change::State {
            state: TaskState::Completed,
            completed_on,
        } => {
            let date = completed_on.unwrap_or(today);
            if date > today {
                return invalid(
                    "completed_on",
                    "Ngày hoàn thành không được sau ngày hôm nay.",
                );
            }
            if now.state == TaskState::Completed {
                return invalid("state", "Nhiệm vụ đã hoàn thành.");
            }
            if completion_needs_confirmation(standing.role, two_step) {
                let state = if now.state == TaskState::NotStarted {
                    TaskState::InProgress
                } else {
                    now.state
                };
                Ok(Effect {
                    state,
                    completed_on: None,
                    pending_confirmation: true,
                    proposed_completed_on: Some(date),
                })
            } else {
                Ok(Effect {
                    state: TaskState::Completed,
                    completed_on: Some(date),
                    pending_confirmation: false,
                    proposed_completed_on: None,
                })
            }
        }
        Change::State {
            state,
            completed_on,
        } => {
            if completed_on.is_some() {
                return invalid(
                    "completed_on",
                    "Chỉ ghi ngày hoàn thành khi chuyển sang \"Hoàn thành\".",
                );
            }
            if *state == now.state && !now.pending_confirmation {
                return invalid("state", "Nhiệm vụ đã ở trạng thái này.");
            }
            if now.state == TaskState::Completed && standing.role != Role::Manager {
                return invalid(
                    "state",
                    "Chỉ lãnh đạo Bộ mới mở lại nhiệm vụ đã hoàn thành.",
                );
            }
            Ok(Effect {
                state: *state,
                completed_on: None,
                pending_confirmation: false,
                proposed_completed_on: None,
            })
        }
        Change::Note => match note.map(str::trim) {
            Some(text) if !text.is_empty() => Ok(keep),
            _ => invalid("note", "Hãy nhập nội dung ghi chú."),
        },
        Change::Milestone { index, done_on } => {
            if *index >= now.milestone_count {
                return invalid("milestone", "Nhiệm vụ không có mốc này.");
            }
            if *done_on > today {
                return invalid(
                    "done_on",
                    "Ngày hoàn thành mốc không được sau ngày hôm nay.",
                );
            }
            Ok(keep)
        }
        Change::Confirm => match now.proposed_completed_on {
            Some(date) if now.pending_confirmation => Ok(Effect {
                state: TaskState::Completed,
                completed_on: Some(date),
                pending_confirmation: false,
                proposed_completed_on: None,
            }),
            _ => invalid("kind", "Không có đề xuất hoàn thành nào chờ xác nhận."),
        },
        Change::Return => {
            if !now.pending_confirmation {
                return invalid("kind", "Không có đề xuất hoàn thành nào chờ xác nhận.");
            }
            if note.is_none_or(|n| n.trim().is_empty()) {
                return invalid("note", "Hãy ghi lý do trả lại.");
            }
            Ok(Effect {
                pending_confirmation: false,
                proposed_completed_on: None,
                ..keep
            })
        }
        Change::Extend { basis, .. } => {
            if basis.trim().is_empty() {
                return invalid("basis", "Hãy ghi văn bản cho phép gia hạn.");
            }
            Ok(keep)
        }
        Change::Settle { .. } => {
            if !now.deadline_unparsed {
                return invalid(
                    "kind",
                    "Thời hạn của nhiệm vụ này đã được xác định từ văn bản.",
                );
            }
            Ok(keep)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn open_task() -> TaskNow {
        TaskNow {
            state: TaskState::InProgress,
            completed_on: None,
            pending_confirmation: false,
            proposed_completed_on: None,
            milestone_count: 2,
            deadline_unparsed: false,
        }
    }

    const LEAD: Standing = Standing {
        role: Role::UnitLead,
        leads: true,
        partners: false,
    };
    const MANAGER: Standing = Standing {
        role: Role::Manager,
        leads: false,
        partners: false,
    };

    fn complete(on: NaiveDate) -> Change {
        Change::State {
            state: TaskState::Completed,
            completed_on: Some(on),
        }
    }

    #[test]
    fn a_lead_proposes_and_a_manager_confirms_on_the_proposed_date() {
        let today = d(2022, 8, 20);
        let proposed = apply(
            LEAD,
            &open_task(),
            &complete(d(2022, 8, 15)),
            None,
            today,
            true,
        )
        .unwrap();
        assert!(proposed.pending_confirmation);
        assert_eq!(proposed.state, TaskState::InProgress);
        let now = TaskNow {
            pending_confirmation: true,
            proposed_completed_on: Some(d(2022, 8, 15)),
            ..open_task()
        };
        let confirmed = apply(MANAGER, &now, &Change::Confirm, None, today, true).unwrap();
        assert_eq!(
            (confirmed.state, confirmed.completed_on),
            (TaskState::Completed, Some(d(2022, 8, 15)))
        );
        assert!(!confirmed.pending_confirmation);
    }

    #[test]
    fn a_managers_completion_is_final_and_one_step_setting_skips_confirmation() {
        let today = d(2022, 8, 20);
        let done = apply(MANAGER, &open_task(), &complete(today), None, today, true).unwrap();
        assert_eq!(done.state, TaskState::Completed);
        let direct = apply(LEAD, &open_task(), &complete(today), None, today, false).unwrap();
        assert_eq!(direct.state, TaskState::Completed);
    }

    #[test]
    fn completion_may_not_be_in_the_future_but_may_precede_the_plan() {
        let today = d(2022, 8, 20);
        let future = apply(
            MANAGER,
            &open_task(),
            &complete(d(2022, 8, 21)),
            None,
            today,
            true,
        );
        assert!(matches!(future, Err(Refusal::Invalid("completed_on", _))));
        assert!(
            apply(
                MANAGER,
                &open_task(),
                &complete(d(2021, 1, 1)),
                None,
                today,
                true
            )
            .is_ok()
        );
    }

    #[test]
    fn returning_needs_a_pending_proposal_and_a_reason() {
        let today = d(2022, 8, 20);
        let pending = TaskNow {
            pending_confirmation: true,
            proposed_completed_on: Some(today),
            ..open_task()
        };
        assert!(matches!(
            apply(MANAGER, &pending, &Change::Return, None, today, true),
            Err(Refusal::Invalid("note", _))
        ));
        let back = apply(
            MANAGER,
            &pending,
            &Change::Return,
            Some("Thiếu sản phẩm"),
            today,
            true,
        )
        .unwrap();
        assert!(!back.pending_confirmation && back.proposed_completed_on.is_none());
        assert!(matches!(
            apply(
                MANAGER,
                &open_task(),
                &Change::Return,
                Some("x"),
                today,
                true
            ),
            Err(Refusal::Invalid("kind", _))
        ));
    }

    #[test]
    fn a_lead_cannot_confirm_extend_or_touch_another_units_task() {
        let today = d(2022, 8, 20);
        let pending = TaskNow {
            pending_confirmation: true,
            proposed_completed_on: Some(today),
            ..open_task()
        };
        assert_eq!(
            apply(LEAD, &pending, &Change::Confirm, None, today, true),
            Err(Refusal::Forbidden)
        );
        let extend = Change::Extend {
            due_on: d(2022, 9, 30),
            basis: "Công văn 1".into(),
        };
        assert_eq!(
            apply(LEAD, &open_task(), &extend, None, today, true),
            Err(Refusal::Forbidden)
        );
        let other = Standing {
            role: Role::UnitLead,
            leads: false,
            partners: false,
        };
        assert_eq!(
            apply(other, &open_task(), &complete(today), None, today, true),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            apply(other, &open_task(), &Change::Note, Some("x"), today, true),
            Err(Refusal::Forbidden)
        );
    }

    #[test]
    fn milestones_must_exist_and_notes_must_say_something() {
        let today = d(2022, 8, 20);
        let bad = Change::Milestone {
            index: 2,
            done_on: today,
        };
        assert!(matches!(
            apply(LEAD, &open_task(), &bad, None, today, true),
            Err(Refusal::Invalid("milestone", _))
        ));
        assert!(matches!(
            apply(LEAD, &open_task(), &Change::Note, Some("  "), today, true),
            Err(Refusal::Invalid("note", _))
        ));
    }

    #[test]
    fn only_unparsed_deadlines_are_settled() {
        let today = d(2022, 8, 20);
        let settle = Change::Settle {
            due_on: d(2022, 12, 31),
        };
        assert!(matches!(
            apply(MANAGER, &open_task(), &settle, None, today, true),
            Err(Refusal::Invalid("kind", _))
        ));
        let unparsed = TaskNow {
            deadline_unparsed: true,
            ..open_task()
        };
        assert!(apply(MANAGER, &unparsed, &settle, None, today, true).is_ok());
    }
}
