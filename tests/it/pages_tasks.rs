//! Tests: pages_tasks.
