//! Tests: pages_overview.
