//! Task state (what the unit says) and status category (how reports classify a task as of a
//! date), following DOMAIN.md "Status". The SQL function `task_category` mirrors `category`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::deadline::DeadlineKind;

/// The stored state of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    NotStarted,
    InProgress,
    Completed,
}

impl TaskState {
    pub const ALL: [TaskState; 3] = [
        TaskState::NotStarted,
        TaskState::InProgress,
        TaskState::Completed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::NotStarted => "not_started",
            TaskState::InProgress => "in_progress",
            TaskState::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TaskState::NotStarted => "Chưa thực hiện",
            TaskState::InProgress => "Đang thực hiện",
            TaskState::Completed => "Hoàn thành",
        }
    }
}

/// How a task stands as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    CompletedOnTime,
    CompletedLate,
    InProgressOnTime,
    Overdue,
    Continuous,
    NoDeadline,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::CompletedOnTime,
        Category::CompletedLate,
        Category::InProgressOnTime,
        Category::Overdue,
        Category::Continuous,
        Category::NoDeadline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::CompletedOnTime => "completed_on_time",
            Category::CompletedLate => "completed_late",
            Category::InProgressOnTime => "in_progress_on_time",
            Category::Overdue => "overdue",
            Category::Continuous => "continuous",
            Category::NoDeadline => "no_deadline",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Category::CompletedOnTime => "Hoàn thành đúng hạn",
            Category::CompletedLate => "Hoàn thành quá hạn",
            Category::InProgressOnTime => "Đang thực hiện trong hạn",
            Category::Overdue => "Quá hạn",
            Category::Continuous => "Thường xuyên",
            Category::NoDeadline => "Chưa xác định hạn",
        }
    }
}

/// The category of a task as of `as_of`. A completion dated after `as_of` had not happened yet.
pub fn category(
    state: TaskState,
    completed_on: Option<NaiveDate>,
    kind: DeadlineKind,
    due_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Category {
    if let (TaskState::Completed, Some(done)) = (state, completed_on)
        && done <= as_of
    {
        return match due_on {
            Some(due) if done > due => Category::CompletedLate,
            _ => Category::CompletedOnTime,
        };
    }
    match (kind, due_on) {
        (DeadlineKind::Continuous | DeadlineKind::Periodic, _) => Category::Continuous,
        (_, None) => Category::NoDeadline,
        (_, Some(due)) if as_of <= due => Category::InProgressOnTime,
        (_, Some(_)) => Category::Overdue,
    }
}

/// Days past the due date as of `as_of`, for an overdue task.
pub fn days_overdue(
    category: Category,
    due_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Option<i64> {
    match (category, due_on) {
        (Category::Overdue, Some(due)) => Some((as_of - due).num_days()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_task_completed_in_august_is_overdue_in_a_july_report() {
        let due = Some(d(2022, 6, 30));
        let done = Some(d(2022, 8, 15));
        let july = category(
            TaskState::Completed,
            done,
            DeadlineKind::Date,
            due,
            d(2022, 7, 31),
        );
        assert_eq!(july, Category::Overdue);
        assert_eq!(days_overdue(july, due, d(2022, 7, 31)), Some(31));
        let sept = category(
            TaskState::Completed,
            done,
            DeadlineKind::Date,
            due,
            d(2022, 9, 1),
        );
        assert_eq!(sept, Category::CompletedLate);
    }

    #[test]
    fn the_due_day_itself_is_still_on_time() {
        let due = Some(d(2022, 6, 30));
        assert_eq!(
            category(
                TaskState::InProgress,
                None,
                DeadlineKind::Date,
                due,
                d(2022, 6, 30)
            ),
            Category::InProgressOnTime
        );
        assert_eq!(
            category(
                TaskState::InProgress,
                None,
                DeadlineKind::Date,
                due,
                d(2022, 7, 1)
            ),
            Category::Overdue
        );
        assert_eq!(
            category(
                TaskState::Completed,
                due,
                DeadlineKind::Date,
                due,
                d(2022, 7, 1)
            ),
            Category::CompletedOnTime
        );
    }

    #[test]
    fn continuous_and_unparsed_tasks_are_never_overdue() {
        let late = d(2030, 1, 1);
        assert_eq!(
            category(
                TaskState::NotStarted,
                None,
                DeadlineKind::Continuous,
                None,
                late
            ),
            Category::Continuous
        );
        assert_eq!(
            category(
                TaskState::NotStarted,
                None,
                DeadlineKind::Periodic,
                None,
                late
            ),
            Category::Continuous
        );
        assert_eq!(
            category(
                TaskState::NotStarted,
                None,
                DeadlineKind::Unparsed,
                None,
                late
            ),
            Category::NoDeadline
        );
    }

    #[test]
    fn category_names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("late"), None);
    }
}
