//! The figures answered from a `Snapshot`, each the twin of an SQL query in `crate::db` and
//! returning the same rows in the same order (ties the SQL leaves open are broken by id).

use std::cmp::Reverse;
use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::{Compiled, Snapshot, Task};
use crate::db::overdue::{OverdueSummary, UnitCount};
use crate::db::overview::{CategoryCountRow, CompletionPointRow, OverdueUnitRow};
use crate::db::reports::ReportFilter;
use crate::db::tasks::{TaskFilter, TaskSort};
use crate::db::units::UnitCategoryCountRow;
use crate::domain::ids::{DecisionId, UnitId};
use crate::domain::search::SearchTerms;
use crate::domain::status::{Category, TaskState};

/// `crate::db::overview::category_counts`: per plan (overview order) its categories (by name)
/// with their counts; a plan without tasks has one row without a category.
pub fn category_counts(snap: &Snapshot, as_of: NaiveDate) -> Vec<CategoryCountRow> {
    let mut counts = vec![[0i64; 6]; snap.decisions.len()];
    for task in &snap.tasks {
        let c = task.category(as_of) as usize;
        counts[task.decision as usize][c] += 1;
    }
    let mut by_name = Category::ALL;
    by_name.sort_by_key(|c| c.as_str());
    let mut order: Vec<usize> = (0..snap.decisions.len()).collect();
    order.sort_by_key(|&d| snap.decisions[d].overview_rank);
    let mut rows = Vec::new();
    for d in order {
        let decision = &snap.decisions[d];
        let row = |category: Option<Category>, count: i64| CategoryCountRow {
            decision_id: DecisionId(decision.id),
            decision: decision.code.clone(),
            issuer: decision.issuer.clone(),
            category: category.map(|c| c.as_str().to_owned()),
            count,
        };
        let before = rows.len();
        for c in by_name {
            let n = counts[d][c as usize];
            if n > 0 {
                rows.push(row(Some(c), n));
            }
        }
        if rows.len() == before {
            rows.push(row(None, 0));
        }
    }
    rows
}

/// The day before `as_of` moved back by the report's minimum days overdue (at least one): the
/// latest deadline that is overdue (`crate::db::overdue::Scope`).
fn latest_due(as_of: NaiveDate, min_days: Option<i32>) -> NaiveDate {
    let min_days = min_days.unwrap_or(0).clamp(1, 1_000_000);
    let back = Days::new(u64::try_from(min_days).unwrap_or(1));
    as_of.checked_sub_days(back).unwrap_or(NaiveDate::MIN)
}

/// Indexes of the tasks overdue as of `as_of` under the report filter (the overdue report's
/// `overdue_ids`), in task id order.
pub fn overdue_tasks(snap: &Snapshot, as_of: NaiveDate, filter: &ReportFilter) -> Vec<usize> {
    let latest = latest_due(as_of, filter.min_days_overdue);
    let decision = match &filter.decision_code {
        Some(code) => match snap.decision_by_code.get(code) {
            Some(&d) => Some(d),
            None => return Vec::new(),
        },
        None => None,
    };
    let unit = match filter.unit {
        Some(id) => match snap.unit_by_id.get(&id) {
            Some(&u) => Some(u),
            None => return Vec::new(),
        },
        None => None,
    };
    let mut found = Vec::new();
    for (i, task) in snap.tasks.iter().enumerate() {
        if decision.is_some_and(|d| task.decision != d) {
            continue;
        }
        let due = if filter.original_deadline {
            task.unextended
        } else {
            task.judged_due(as_of)
        };
        if !task.overdue_by(due, as_of, latest) {
            continue;
        }
        if let Some(unit) = unit
            && !snap.links_of(i).iter().any(|l| l.lead && l.unit == unit)
        {
            continue;
        }
        found.push(i);
    }
    found
}

/// `crate::db::overdue::overdue_summary`: the overdue tasks in total and per unit named as
/// lead (groups as themselves), most first, then by name.
pub fn overdue_summary(snap: &Snapshot, as_of: NaiveDate, filter: &ReportFilter) -> OverdueSummary {
    let overdue = overdue_tasks(snap, as_of, filter);
    let mut per_unit: HashMap<u32, i64> = HashMap::new();
    for &i in &overdue {
        for link in snap.links_of(i).iter() {
            if link.lead && link.direct {
                *per_unit.entry(link.unit).or_default() += 1;
            }
        }
    }
    let mut units: Vec<(u32, i64)> = per_unit.into_iter().collect();
    units.sort_by_key(|&(u, n)| (std::cmp::Reverse(n), snap.units[u as usize].name_rank));
    OverdueSummary {
        total: i64::try_from(overdue.len()).unwrap_or(i64::MAX),
        units: units
            .into_iter()
            .map(|(u, tasks)| {
                let unit = &snap.units[u as usize];
                UnitCount {
                    unit_id: unit.id,
                    unit_name: unit.name.clone(),
                    is_group: unit.is_group,
                    tasks,
                }
            })
            .collect(),
    }
}

/// `crate::db::overview::top_overdue_units`: units (not groups) leading the most overdue tasks,
/// counting tasks led through a group.
pub fn top_overdue_units(snap: &Snapshot, as_of: NaiveDate, limit: i64) -> Vec<OverdueUnitRow> {
    let overdue = overdue_tasks(snap, as_of, &ReportFilter::default());
    let mut per_unit: HashMap<u32, i64> = HashMap::new();
    for &i in &overdue {
        let links = snap.links_of(i);
        for (k, link) in links.iter().enumerate() {
            // Count a task once per unit, however many ways it reaches the unit.
            let first = !links.iter().take(k).any(|l| l.lead && l.unit == link.unit);
            if link.lead && first && !snap.units[link.unit as usize].is_group {
                *per_unit.entry(link.unit).or_default() += 1;
            }
        }
    }
    let mut units: Vec<(u32, i64)> = per_unit.into_iter().collect();
    units.sort_by_key(|&(u, n)| (std::cmp::Reverse(n), snap.units[u as usize].name_rank));
    units.truncate(usize::try_from(limit.max(0)).unwrap_or(usize::MAX));
    units
        .into_iter()
        .map(|(u, overdue)| {
            let unit = &snap.units[u as usize];
            OverdueUnitRow {
                id: UnitId(unit.id),
                name: unit.name.clone(),
                overdue,
            }
        })
        .collect()
}

/// `crate::db::units::count_unit_categories`: a unit's links per role and category.
pub fn unit_categories(
    snap: &Snapshot,
    unit: UnitId,
    as_of: NaiveDate,
) -> Vec<UnitCategoryCountRow> {
    let Some(&u) = snap.unit_by_id.get(&unit.0) else {
        return Vec::new();
    };
    let mut counts = [[0i64; 6]; 2];
    for link in snap.links_of_unit(u).iter() {
        let role = usize::from(!link.lead);
        counts[role][snap.tasks[link.task as usize].category(as_of) as usize] += 1;
    }
    let mut by_name = Category::ALL;
    by_name.sort_by_key(|c| c.as_str());
    let mut rows = Vec::new();
    for (role, name) in [(0, "lead"), (1, "partner")] {
        for c in by_name {
            let count = counts[role][c as usize];
            if count > 0 {
                rows.push(UnitCategoryCountRow {
                    role: name.to_owned(),
                    category: c.as_str().to_owned(),
                    count,
                });
            }
        }
    }
    rows
}

/// A task list's filter made ready for one copy: which tasks it keeps, by the same rules as
/// `crate::db::tasks::list_tasks`.
pub struct ListMatcher<'f> {
    filter: &'f TaskFilter,
    /// An unknown code matches no task (`u32::MAX`).
    decision: Option<u32>,
    /// (unit, lead?) every kept task must have; `lead` None for either role.
    units: Vec<(u32, Option<bool>)>,
    /// A unit the copy does not know: nothing matches.
    nothing: bool,
    search: Option<Compiled>,
}

impl<'f> ListMatcher<'f> {
    /// None when the filter asks for something the index does not hold (a section, a
    /// programme, an account's units, the order by lead unit text, a search past the
    /// dictionary): then the list comes from SQL.
    pub fn new(snap: &Snapshot, filter: &'f TaskFilter) -> Option<Self> {
        if filter.section.is_some()
            || filter.programme.is_some()
            || filter.of_user.is_some()
            || filter.sort == TaskSort::Unit
        {
            return None;
        }
        let decision = filter
            .decision_code
            .as_ref()
            .map(|code| snap.decision_by_code.get(code).copied().unwrap_or(u32::MAX));
        let mut units = Vec::new();
        let mut nothing = false;
        for (unit, role) in [
            (filter.unit, filter.role),
            (filter.lead_unit, Some("lead")),
            (filter.partner_unit, Some("partner")),
        ] {
            let Some(unit) = unit else { continue };
            let lead = match role {
                Some("lead") => Some(true),
                Some("partner") => Some(false),
                Some(_) => return None,
                None => None,
            };
            match snap.unit_by_id.get(&unit.0) {
                Some(&u) => units.push((u, lead)),
                None => nothing = true,
            }
        }
        let search = match filter.query.as_deref().and_then(SearchTerms::parse) {
            Some(terms) => Some(snap.texts.compile(&terms)?),
            None => None,
        };
        Some(ListMatcher {
            filter,
            decision,
            units,
            nothing,
            search,
        })
    }

    /// Whether the list as of `as_of` holds the task at place `i` of the copy, were its row
    /// `task` (its units and text are the copy's).
    pub fn matches(&self, snap: &Snapshot, i: usize, task: &Task, as_of: NaiveDate) -> bool {
        let filter = self.filter;
        if self.nothing || self.decision.is_some_and(|d| task.decision != d) {
            return false;
        }
        if let Some(issuer) = &filter.issuer
            && snap.decisions[task.decision as usize].issuer != *issuer
        {
            return false;
        }
        if filter.state.is_some_and(|s| task.state != s) {
            return false;
        }
        if let Some(from) = filter.due_from
            && task.due_on.is_none_or(|due| due < from)
        {
            return false;
        }
        if let Some(to) = filter.due_to
            && task.due_on.is_none_or(|due| due > to)
        {
            return false;
        }
        if filter.category.is_some_and(|c| task.category(as_of) != c) {
            return false;
        }
        let links = snap.links_of(i);
        if !self.units.iter().all(|&(u, lead)| {
            links
                .iter()
                .any(|l| l.unit == u && lead.is_none_or(|lead| l.lead == lead))
        }) {
            return false;
        }
        self.search
            .as_ref()
            .is_none_or(|s| snap.texts.matches(i, s))
    }

    /// Whether the list's order depends on a task's row (the due date), not only on its plan,
    /// place and text.
    pub fn order_follows_rows(&self) -> bool {
        self.filter.sort == TaskSort::Due
    }

    /// Whether the list searches the tasks' texts.
    pub fn searches(&self) -> bool {
        self.search.is_some()
    }
}

/// How many tasks a list holds and the ids of those in `window` (positions in the list's
/// order, `crate::db::tasks::list_tasks`), or None when the filter asks for something the
/// index does not hold (`ListMatcher::new`): then the list comes from SQL. Only the tasks up to
/// the window's end are sorted (a search matching 300,000 of 1,000,000 tasks shows 50).
pub fn list_ids(
    snap: &Snapshot,
    filter: &TaskFilter,
    as_of: NaiveDate,
    window: std::ops::Range<usize>,
) -> Option<(usize, Vec<i64>)> {
    let matcher = ListMatcher::new(snap, filter)?;
    if matcher.nothing {
        return Some((0, Vec::new()));
    }
    // Split over the cores at national scale (`parallel`).
    let mut found = super::parallel::filter(snap.tasks.len(), |i| {
        matcher.matches(snap, i, &snap.tasks[i], as_of)
    });
    let plan_order = |i: usize| {
        let t = &snap.tasks[i];
        (
            snap.decisions[t.decision as usize].list_rank,
            t.position,
            t.id,
        )
    };
    let total = found.len();
    let end = window.end.min(total);
    let start = window.start.min(end);
    match (filter.sort, &matcher.search) {
        (TaskSort::Due, _) => first_sorted(&mut found, end, |&i| {
            let due = snap.tasks[i].due_on;
            (due.is_none(), due, plan_order(i))
        }),
        (TaskSort::Relevance, Some(search)) => {
            let mut ranked: Vec<(Reverse<i32>, PlanOrder, usize)> =
                super::parallel::map(&found, |i| {
                    let rank = Reverse(snap.texts.rank(i, search));
                    (rank, plan_order(i), i)
                });
            first_sorted(&mut ranked, end, |&(rank, order, _)| (rank, order));
            found = ranked.into_iter().map(|(_, _, i)| i).collect();
        }
        _ => first_sorted(&mut found, end, |&i| plan_order(i)),
    }
    let ids = found[start..end]
        .iter()
        .map(|&i| snap.tasks[i].id)
        .collect();
    Some((total, ids))
}

/// A task's place in a plan-ordered list: plan, position in the plan, id.
type PlanOrder = (u32, i32, i64);

/// Sorts the `end` smallest items by `key` into the front, dropping the rest (keys are unique:
/// they end with the task id).
fn first_sorted<T, K: Ord>(items: &mut Vec<T>, end: usize, key: impl Fn(&T) -> K) {
    if end < items.len() {
        items.select_nth_unstable_by_key(end, &key);
        items.truncate(end);
    }
    items.sort_unstable_by_key(key);
}

/// `crate::db::overview::completion_series`: at the last days of the 11 months before
/// `as_of`'s month and at `as_of`, the tasks whose judged deadline (as of `as_of`) had come by
/// then, and of those the ones completed by then (counted from the later of deadline and
/// completion).
pub fn completion_series(snap: &Snapshot, as_of: NaiveDate) -> Vec<CompletionPointRow> {
    let first = as_of.with_day(1).unwrap_or(as_of);
    let mut points: Vec<NaiveDate> = (1..=11u32)
        .rev()
        .filter_map(|g| first.checked_sub_months(Months::new(g - 1))?.pred_opt())
        .collect();
    points.push(as_of);
    let mut due_days = Vec::new();
    let mut done_days = Vec::new();
    for task in &snap.tasks {
        let Some(due) = task.judged_due(as_of).filter(|&d| d <= as_of) else {
            continue;
        };
        due_days.push(due);
        if let (TaskState::Completed, Some(done)) = (task.state, task.completed_on)
            && done <= as_of
        {
            done_days.push(done.max(due));
        }
    }
    due_days.sort_unstable();
    done_days.sort_unstable();
    let upto = |days: &[NaiveDate], p: NaiveDate| {
        i64::try_from(days.partition_point(|&d| d <= p)).unwrap_or(i64::MAX)
    };
    points
        .into_iter()
        .map(|point| CompletionPointRow {
            point,
            due: upto(&due_days, point),
            completed: upto(&done_days, point),
        })
        .collect()
}

/// The tasks `crate::db::overview::due_soon` lists (not completed by `as_of`, judged deadline
/// in `(as_of, as_of + days]`), in its order: soonest first, then in plan order.
pub fn due_soon_ids(snap: &Snapshot, as_of: NaiveDate, days: i32) -> Vec<i64> {
    let until = due_soon_until(as_of, days);
    let mut soon: Vec<(NaiveDate, u32, i32, i64)> = snap
        .tasks
        .iter()
        .filter(|t| is_due_soon(t, as_of, until))
        .filter_map(|t| {
            let plan = snap.decisions.get(t.decision as usize)?.list_rank;
            Some((t.judged_due(as_of)?, plan, t.position, t.id))
        })
        .collect();
    soon.sort_unstable();
    soon.into_iter().map(|(.., id)| id).collect()
}

/// Whether `due_soon_ids` lists the task: not completed by `as_of`, judged deadline in
/// `(as_of, until]`.
pub fn is_due_soon(task: &Task, as_of: NaiveDate, until: NaiveDate) -> bool {
    let done = task.state == TaskState::Completed && task.completed_on.is_some_and(|c| c <= as_of);
    !done
        && task
            .judged_due(as_of)
            .is_some_and(|due| due > as_of && due <= until)
}

/// The last day `due_soon_ids` looks at.
pub fn due_soon_until(as_of: NaiveDate, days: i32) -> NaiveDate {
    as_of
        .checked_add_days(Days::new(u64::try_from(days.max(0)).unwrap_or(0)))
        .unwrap_or(NaiveDate::MAX)
}

/// The (unit, task) lines `crate::db::overdue::overdue_lines` shows for the units `units` (in
/// that order), each unit's tasks it names as lead most overdue first, then in plan order;
/// skipping `skip` and keeping at most `limit`.
pub fn overdue_lines(
    snap: &Snapshot,
    as_of: NaiveDate,
    filter: &ReportFilter,
    units: &[i64],
    skip: i64,
    limit: i64,
) -> Vec<(i64, i64)> {
    let overdue = overdue_tasks(snap, as_of, filter);
    let mut is_overdue = vec![false; snap.tasks.len()];
    for &i in &overdue {
        is_overdue[i] = true;
    }
    let due = |i: usize| {
        let t = &snap.tasks[i];
        if filter.original_deadline {
            t.unextended
        } else {
            t.judged_due(as_of)
        }
    };
    let mut lines = Vec::new();
    for &unit_id in units {
        let Some(&u) = snap.unit_by_id.get(&unit_id) else {
            continue;
        };
        let mut tasks: Vec<usize> = snap
            .links_of_unit(u)
            .iter()
            .filter(|l| l.lead && l.direct && is_overdue[l.task as usize])
            .map(|l| l.task as usize)
            .collect();
        // Most overdue first is the earliest deadline first.
        tasks.sort_by_key(|&i| {
            let t = &snap.tasks[i];
            (
                due(i),
                snap.decisions[t.decision as usize].list_rank,
                t.position,
                t.id,
            )
        });
        lines.extend(tasks.into_iter().map(|i| (unit_id, snap.tasks[i].id)));
    }
    let skip = usize::try_from(skip.max(0)).unwrap_or(usize::MAX);
    let limit = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
    lines.into_iter().skip(skip).take(limit).collect()
}
