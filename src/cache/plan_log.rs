//! What each recent bump of the `plans` counter changed, as its notification said, so that the
//! task index can follow a write by re-reading only the tasks it touched (migration 0033).
//!
//! The counter goes up by exactly one per committed bump (a rolled-back bump gives its number
//! back) and PostgreSQL delivers notifications in commit order, so from the version read right
//! after LISTEN on, every bump arrives here once and in order: the log covers an unbroken run
//! of versions, and a question about versions it does not cover gets no answer.

use std::collections::VecDeque;

/// What one bump changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanChange {
    /// Only these tasks' own rows (their units, plan and the rest untouched).
    Tasks(Vec<i64>),
    /// Something the notification does not name (a plan, a unit, a link, many tasks).
    Other,
}

impl PlanChange {
    /// Reads the part of a `plans:N…` payload after the number: `:tasks:17,204` or nothing.
    pub fn parse(rest: &str) -> PlanChange {
        rest.strip_prefix(":tasks:")
            .and_then(|ids| {
                ids.split(',')
                    .map(|id| id.parse::<i64>().ok())
                    .collect::<Option<Vec<_>>>()
            })
            .map_or(PlanChange::Other, PlanChange::Tasks)
    }
}

/// The bumps heard since the listener last (re)connected, bounded.
#[derive(Debug)]
pub struct PlanLog {
    /// Versions up to this one are not covered.
    from: i64,
    /// The changes of versions `from + 1 ..= from + entries.len()`.
    entries: VecDeque<PlanChange>,
}

/// The most bumps kept: an index further behind than this reads everything again anyway.
const KEPT: usize = 4096;

impl PlanLog {
    /// An empty log covering nothing before `version`.
    pub fn starting_at(version: i64) -> PlanLog {
        PlanLog {
            from: version,
            entries: VecDeque::new(),
        }
    }

    /// The last version covered.
    pub fn last(&self) -> i64 {
        self.from + i64::try_from(self.entries.len()).unwrap_or(i64::MAX)
    }

    /// Records bump `version`. One heard before the log starts is ignored; one that does not
    /// follow the last (which PostgreSQL's guarantees rule out) starts the log afresh.
    pub fn record(&mut self, version: i64, change: PlanChange) {
        if version <= self.last() {
            return;
        }
        if version != self.last() + 1 {
            *self = PlanLog::starting_at(version);
            return;
        }
        self.entries.push_back(change);
        if self.entries.len() > KEPT {
            self.entries.pop_front();
            self.from += 1;
        }
    }

    /// The tasks changed by versions `after + 1 ..= upto`, when every one of those bumps is in
    /// the log and changed task rows only; else None (read everything).
    pub fn tasks_changed_between(&self, after: i64, upto: i64) -> Option<Vec<i64>> {
        if after < self.from || upto > self.last() || upto < after {
            return None;
        }
        let skip = usize::try_from(after - self.from).ok()?;
        let take = usize::try_from(upto - after).ok()?;
        let mut ids = Vec::new();
        for change in self.entries.iter().skip(skip).take(take) {
            match change {
                PlanChange::Tasks(changed) => ids.extend_from_slice(changed),
                PlanChange::Other => return None,
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_tasks_or_something_else() {
        assert_eq!(
            PlanChange::parse(":tasks:17,204"),
            PlanChange::Tasks(vec![17, 204])
        );
        assert_eq!(PlanChange::parse(""), PlanChange::Other);
        assert_eq!(PlanChange::parse(":tasks:17,x"), PlanChange::Other);
        assert_eq!(PlanChange::parse(":units:3"), PlanChange::Other);
    }

    #[test]
    fn only_an_unbroken_run_of_task_changes_is_answered() {
        let mut log = PlanLog::starting_at(10);
        log.record(9, PlanChange::Other);
        log.record(11, PlanChange::Tasks(vec![5, 3]));
        log.record(12, PlanChange::Tasks(vec![3, 8]));
        log.record(13, PlanChange::Other);
        log.record(14, PlanChange::Tasks(vec![1]));
        assert_eq!(log.last(), 14);
        assert_eq!(log.tasks_changed_between(10, 12), Some(vec![3, 5, 8]));
        assert_eq!(log.tasks_changed_between(11, 12), Some(vec![3, 8]));
        assert_eq!(log.tasks_changed_between(12, 12), Some(vec![]));
        assert_eq!(log.tasks_changed_between(10, 13), None, "an unnamed change");
        assert_eq!(log.tasks_changed_between(13, 14), Some(vec![1]));
        assert_eq!(log.tasks_changed_between(9, 11), None, "before the log");
        assert_eq!(log.tasks_changed_between(13, 15), None, "not heard yet");
        log.record(14, PlanChange::Other);
        assert_eq!(
            log.tasks_changed_between(13, 14),
            Some(vec![1]),
            "heard once"
        );
        log.record(16, PlanChange::Tasks(vec![2]));
        assert_eq!(
            log.tasks_changed_between(13, 16),
            None,
            "a gap starts afresh"
        );
        assert_eq!(log.tasks_changed_between(15, 16), None);
        log.record(17, PlanChange::Tasks(vec![4]));
        assert_eq!(log.tasks_changed_between(16, 17), Some(vec![4]));
    }

    #[test]
    fn the_log_keeps_a_bounded_number_of_bumps() {
        let mut log = PlanLog::starting_at(0);
        for v in 1..=(KEPT as i64 + 10) {
            log.record(v, PlanChange::Tasks(vec![v]));
        }
        assert_eq!(log.tasks_changed_between(0, 5), None);
        assert_eq!(log.tasks_changed_between(10, 12), Some(vec![11, 12]));
    }
}
