//! What each patch of the index changed, task by task (the row before and after), for the
//! pages kept whole: a page that none of the changes since it was rendered touches is still
//! the page PostgreSQL would give now (`super::scope`), so it is served again instead of being
//! rendered again. Under a steady stream of state changes this is what keeps the busy lists
//! and the overview from being recomputed after every write.

use std::collections::VecDeque;
use std::sync::Arc;

use super::Task;

/// One task a patch changed: its place in the copy, its row before and after, and whether its
/// text changed too (the texts are kept beside the rows, not in them).
#[derive(Debug, Clone)]
pub struct Changed {
    pub index: usize,
    pub before: Task,
    pub after: Task,
    pub text_changed: bool,
}

/// The patches that moved the copy from one version to the next, an unbroken run.
#[derive(Default)]
pub struct PatchLog {
    patches: VecDeque<Patch>,
}

struct Patch {
    /// The copy's version before and after.
    from: i64,
    to: i64,
    changed: Arc<[Changed]>,
}

/// Patches remembered: past these a kept page rendered that long ago is rendered again.
const KEPT: usize = 4096;

impl PatchLog {
    /// Forgets every patch: the copy was read whole, so nothing before it can be followed.
    pub fn restart(&mut self) {
        self.patches.clear();
    }

    /// Records a patch from version `from` to `to`; one that does not continue the run starts
    /// a new one.
    pub fn record(&mut self, from: i64, to: i64, changed: Vec<Changed>) {
        if self.patches.back().is_some_and(|last| last.to != from) {
            self.patches.clear();
        }
        if self.patches.len() == KEPT {
            self.patches.pop_front();
        }
        self.patches.push_back(Patch {
            from,
            to,
            changed: changed.into(),
        });
    }

    /// Every task changed by the patches covering versions `after + 1 ..= upto` (perhaps a few
    /// more: a patch is taken whole), or None when the log does not cover them all.
    pub fn between(&self, after: i64, upto: i64) -> Option<Vec<Changed>> {
        if upto <= after {
            return Some(Vec::new());
        }
        let first = self.patches.iter().position(|p| p.to > after)?;
        if self.patches[first].from > after {
            return None;
        }
        let mut changed = Vec::new();
        for patch in self.patches.iter().skip(first) {
            changed.extend(patch.changed.iter().cloned());
            if patch.to >= upto {
                return Some(changed);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::DeadlineKind;
    use crate::domain::status::TaskState;

    fn change(id: i64) -> Changed {
        let task = Task {
            id,
            decision: 0,
            position: 1,
            state: TaskState::NotStarted,
            kind: DeadlineKind::Date,
            completed_on: None,
            due_on: None,
            unextended: None,
            extended_on: None,
        };
        Changed {
            index: 0,
            before: task.clone(),
            after: Task {
                state: TaskState::InProgress,
                ..task
            },
            text_changed: false,
        }
    }

    fn ids(changed: Option<Vec<Changed>>) -> Option<Vec<i64>> {
        changed.map(|c| c.iter().map(|c| c.after.id).collect())
    }

    #[test]
    fn changes_are_given_only_for_an_unbroken_run_of_patches() {
        let mut log = PatchLog::default();
        log.record(10, 11, vec![change(1)]);
        log.record(11, 13, vec![change(2), change(3)]);
        log.record(13, 14, vec![change(4)]);
        assert_eq!(ids(log.between(10, 14)), Some(vec![1, 2, 3, 4]));
        assert_eq!(ids(log.between(11, 13)), Some(vec![2, 3]));
        // Version 12 lies inside a patch: the whole patch counts.
        assert_eq!(ids(log.between(12, 13)), Some(vec![2, 3]));
        assert_eq!(ids(log.between(14, 14)), Some(vec![]));
        // Before the log, or past it.
        assert_eq!(ids(log.between(9, 14)), None);
        assert_eq!(ids(log.between(13, 15)), None);
        // A patch that does not follow the last one starts the log afresh.
        log.record(20, 21, vec![change(5)]);
        assert_eq!(ids(log.between(13, 14)), None);
        assert_eq!(ids(log.between(20, 21)), Some(vec![5]));
        log.restart();
        assert_eq!(ids(log.between(20, 21)), None);
    }

    #[test]
    fn the_log_keeps_a_bounded_number_of_patches() {
        let mut log = PatchLog::default();
        for v in 0..(KEPT as i64 + 10) {
            log.record(v, v + 1, vec![change(v)]);
        }
        assert_eq!(log.patches.len(), KEPT);
        assert_eq!(ids(log.between(0, 5)), None);
        let last = KEPT as i64 + 10;
        assert_eq!(
            ids(log.between(last - 2, last)),
            Some(vec![last - 2, last - 1])
        );
    }
}
