//! The domain: pure types and rules with no I/O — deadlines, units, task status, text folding,
//! and the follow-up: reporting rounds, explanations, programme references.

pub mod bodies;
pub mod deadline;
pub mod explanation;
pub mod ids;
pub mod limits;
pub mod programme;
pub mod role;
pub mod round;
pub mod search;
pub mod status;
pub mod text;
pub mod throttle;
pub mod unit_match;
pub mod units;
pub mod update;
