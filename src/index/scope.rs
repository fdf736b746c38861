//! What a kept page shows of the tasks, so that a write which changed only task rows the page
//! does not show keeps it (`super::patches`). A task list (a unit's tasks, a search) holds a
//! few hundred of 100,000 tasks: a state change of any other task leaves it as it was, and
//! should not make the next request render it again.
//!
//! The rules are the pages' own rules (the same `ListMatcher` the index lists with), applied to
//! each changed task's row before and after; anything they cannot judge counts as touching.

use chrono::NaiveDate;

use super::patches::Changed;
use super::query::{ListMatcher, due_soon_until, is_due_soon};
use super::{Snapshot, Task};
use crate::db::tasks::TaskFilter;
use crate::domain::status::TaskState;

/// What a kept page shows of the task rows, and the version of the index copy its figures came
/// from: the writes after that version are the ones to judge. (A page rendered from SQL has no
/// such version, and no scope: the database may have moved on while it was read, past writes a
/// patch would show only as their sum.)
#[derive(Debug, Clone)]
pub struct PageScope {
    pub at: i64,
    pub shows: Shows,
}

/// What a kept page depends on among the task rows.
#[derive(Debug, Clone)]
pub enum Shows {
    /// One page of a task list (`/tasks`, `/api/v1/tasks`): the tasks the filter keeps as of
    /// `as_of`, in the list's order; `shown` are the ids on the page (their rows are printed).
    List {
        filter: Box<TaskFilter>,
        as_of: NaiveDate,
        shown: Vec<i64>,
    },
    /// The overview as of `as_of`: counts per category and plan, units with most overdue
    /// tasks, the completion series, and the tasks due in the next `due_soon_days` days
    /// (their reference, plan, text and date are printed, not their state).
    Overview {
        as_of: NaiveDate,
        due_soon_days: i32,
    },
}

impl Shows {
    /// Whether none of `changes` alters the page; `snap` is a copy at or after them (the
    /// units and texts a patch does not change).
    pub fn untouched_by(&self, snap: &Snapshot, changes: &[Changed]) -> bool {
        if changes.is_empty() {
            return true;
        }
        match self {
            Shows::List {
                filter,
                as_of,
                shown,
            } => {
                let Some(matcher) = ListMatcher::new(snap, filter) else {
                    return false;
                };
                changes.iter().all(|c| {
                    if shown.contains(&c.after.id) || (c.text_changed && matcher.searches()) {
                        return false;
                    }
                    let before = matcher.matches(snap, c.index, &c.before, *as_of);
                    let after = matcher.matches(snap, c.index, &c.after, *as_of);
                    match (before, after) {
                        (false, false) => true,
                        // Still in the list, not on this page: only a move in the order could
                        // bring it here.
                        (true, true) => {
                            !matcher.order_follows_rows() || c.before.due_on == c.after.due_on
                        }
                        // In or out of the list: the count changes.
                        _ => false,
                    }
                })
            }
            Shows::Overview {
                as_of,
                due_soon_days,
            } => {
                // The tasks due soon are printed without their state: a task that counts
                // alike (so stays due soon or not, at the same date) changes them only by its
                // text.
                let until = due_soon_until(*as_of, *due_soon_days);
                changes.iter().all(|c| {
                    same_for_counts(&c.before, &c.after)
                        && !(c.text_changed
                            && (is_due_soon(&c.before, *as_of, until)
                                || is_due_soon(&c.after, *as_of, until)))
                })
            }
        }
    }
}

/// Whether two rows of a task count alike in every figure of any date: the same dates, plan
/// and place, and a state that differs at most between not started and in progress (every
/// category and deadline rule asks only whether a task is completed).
fn same_for_counts(before: &Task, after: &Task) -> bool {
    let open = |s: TaskState| s != TaskState::Completed;
    before.id == after.id
        && before.decision == after.decision
        && before.position == after.position
        && before.kind == after.kind
        && before.completed_on == after.completed_on
        && before.due_on == after.due_on
        && before.unextended == after.unextended
        && before.extended_on == after.extended_on
        && (before.state == after.state || (open(before.state) && open(after.state)))
}
