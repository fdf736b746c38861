//! actionplan: Vietnamese ministries' action plans — import, browse, report.

pub mod accounts;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod import;
pub mod index;
pub mod intake;
pub mod reminders;
pub mod reports;
pub mod secret;
pub mod seeds;
pub mod state;
pub mod task_details;
pub mod telemetry;
pub mod web;

use axum::Router;

pub use state::AppState;

/// The whole application as a router; used by `main` and by the tests.
pub fn app(state: AppState) -> Router {
    web::routes(state)
}
