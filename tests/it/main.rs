//! Integration tests: one binary, a module per feature. Database tests use #[sqlx::test], which
//! gives each test a fresh, migrated PostgreSQL database.

mod accounts;
mod api;
mod auth_support;
mod authz_matrix;
mod browser;
mod browser_rounds;
mod browser_support;
mod cache;
mod calendar;
mod cli;
mod common;
mod explanations;
mod exports;
mod follow_up_cache;
mod generate;
mod import_db;
mod kept_pages;
mod malformed;
mod pages_catalog;
mod pages_overview;
mod pages_paging;
mod pages_tasks;
mod parse_seeds;
mod parse_shapes;
mod programmes;
mod reminders;
mod reports;
mod rounds;
mod task_details;
