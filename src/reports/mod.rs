//! Manager reports: what is overdue as of a date, what was completed in a period, and the
//! monthly pack that combines them — as data (`model`), from the database (`crate::db::reports`),
//! and as files (`export`); and the report a reporting round compiles into (`round`).

pub mod export;
pub mod model;
pub mod period;
pub mod round;
