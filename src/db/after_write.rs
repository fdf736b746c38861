//! A task's detail after a change the write queue wrote, made from a copy read before it.
//!
//! The answer to `POST /api/v1/tasks/{id}/events` is the task as it is after the change. Reading
//! it back (the task, its units, milestones and whole history as JSON) was the heaviest query
//! of a write and about a third of the writers' throughput (issue 15, target 3). The task page's
//! kept copy (`crate::task_details`) and what the write statement returns make the same answer
//! when nothing else changed the task in between, which the statement tells: the copy must be
//! at the version the change was written over and hold every history row the task had before
//! this one. Otherwise, and for changes of deadlines, the caller reads the task again.

use chrono::NaiveDate;

use super::tasks::{EventRow, TaskDetail};
use super::write_queue::{PendingWrite, Written};
use crate::domain::deadline::DeadlineKind;
use crate::domain::status;

impl TaskDetail {
    /// This detail (as of `today`, read before the change) with `write` as `written`; None when
    /// it cannot be told to be the task as it was just before the change.
    pub fn after_write(
        mut self,
        write: &PendingWrite,
        written: &Written,
        today: NaiveDate,
    ) -> Option<TaskDetail> {
        // An extension or a settled deadline moves the date the task is judged by: read again.
        if write.task != self.task.id || write.extension.is_some() || write.settled_due_on.is_some()
        {
            return None;
        }
        let version_before = write.moves_from.unwrap_or(written.version);
        let history = i64::try_from(self.events.len()).ok()?;
        if self.task.version != version_before || history != written.history_before {
            return None;
        }
        if write.moves_from.is_some() {
            let row = &mut self.task;
            row.state = write.after.state.as_str().to_owned();
            row.completed_on = write.after.completed_on;
            row.pending_confirmation = write.after.pending_confirmation;
            row.proposed_completed_on = write.after.proposed_completed_on;
            row.version = written.version;
            let category = status::category(
                write.after.state,
                write.after.completed_on,
                DeadlineKind::parse(&row.deadline_kind)?,
                row.judged_due_on,
                today,
            );
            row.category = category.as_str().to_owned();
            row.days_overdue = status::days_overdue(category, row.judged_due_on, today)
                .and_then(|days| i32::try_from(days).ok());
        }
        self.events.push(EventRow {
            id: written.event_id,
            at: written.at,
            actor: write.actor.clone(),
            kind: write.kind.to_owned(),
            from_state: write.from_state.map(str::to_owned),
            to_state: write.to_state.map(str::to_owned),
            data: write.data.clone(),
            note: write.note.clone(),
            evidence_id: write.evidence_id,
            evidence_url: write.evidence_url.clone(),
        });
        Some(self.in_order())
    }
}
