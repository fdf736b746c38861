//! Tests: pages_catalog.
