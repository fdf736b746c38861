//! Database access: one module per aggregate, plus start-up and the plan import.

pub mod bootstrap;
pub mod decisions;
pub mod import;
pub mod tasks;
pub mod units;
