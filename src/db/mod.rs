//! Database access: one module per aggregate, plus start-up and the plan import.

mod after_write;
pub mod bootstrap;
pub mod calendar;
pub mod decisions;
pub mod explanations;
pub mod generate;
pub mod import;
pub mod intake;
pub mod overdue;
pub mod overview;
pub mod pool;
pub mod programmes;
pub mod reminders;
pub mod reports;
pub mod rounds;
pub mod setup;
pub mod task_rows;
pub mod tasks;
pub mod throttle;
pub mod units;
pub mod updates;
pub mod users;
pub mod write_queue;

/// The deadline a task (columns prefixed `t`, e.g. `"t."` or `""`) is judged by as of `as_of`
/// (an SQL parameter or expression): `task_due_as_of` of migration 0010 written over the
/// columns, so that an index carrying them answers without the task rows. An extension counts
/// from the day it was granted.
pub(crate) fn due_as_of_sql(t: &str, as_of: &str) -> String {
    format!("{}{as_of})", due_as_of_call(t))
}

/// `due_as_of_sql` up to its last argument, for a query builder to bind the date.
pub(crate) fn due_as_of_call(t: &str) -> String {
    format!(
        "task_due_on_as_of({t}due_on, coalesce({t}settled_due_on, {t}plan_due_on), {t}extended_on, "
    )
}
