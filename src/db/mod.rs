//! Database access: one module per aggregate, plus start-up and the plan import.

pub mod bootstrap;
pub mod calendar;
pub mod decisions;
pub mod generate;
pub mod import;
pub mod overdue;
pub mod overview;
pub mod reminders;
pub mod reports;
pub mod tasks;
pub mod units;
pub mod updates;
pub mod users;
