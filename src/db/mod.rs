//! Database access: one module per aggregate, plus start-up and the plan import.

pub mod bootstrap;
pub mod decisions;
pub mod import;
pub mod overview;
pub mod tasks;
pub mod units;
pub mod updates;
pub mod users;
