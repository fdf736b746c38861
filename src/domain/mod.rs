//! The domain: pure types and rules with no I/O — deadlines, units, task status, text folding.

pub mod bodies;
pub mod deadline;
pub mod ids;
pub mod limits;
pub mod role;
pub mod status;
pub mod text;
pub mod throttle;
pub mod unit_match;
pub mod units;
pub mod update;
