//! Integration tests: one binary, a module per feature. Database tests use #[sqlx::test], which
//! gives each test a fresh, migrated PostgreSQL database.

mod accounts;
mod api;
mod auth_support;
mod authz_matrix;
mod browser;
mod browser_support;
mod cache;
mod calendar;
mod cli;
mod common;
mod corpus;
mod exports;
mod first_start;
mod generate;
mod hostile_input;
mod import_db;
mod kept_pages;
mod malformed;
mod outage;
mod pages_catalog;
mod pages_overview;
mod pages_paging;
mod pages_tasks;
mod parse_seeds;
mod parse_shapes;
mod parse_word;
mod parse_word_support;
mod private_pg;
mod reminders;
mod reports;
mod security;
mod sign_in;
mod task_details;
mod tokens;
