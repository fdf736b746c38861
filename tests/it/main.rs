//! Integration tests: one binary, a module per feature. Database tests use #[sqlx::test], which
//! gives each test a fresh, migrated PostgreSQL database.

mod api;
mod common;
mod import_db;
mod malformed;
mod parse_seeds;
mod parse_shapes;
