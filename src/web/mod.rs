//! The routes: the one place that lists every URL.

mod account;
mod admin;
pub mod api;
pub mod assets;
mod calendar;
mod deadlines;
mod decisions;
pub mod explanations;
mod follow_up;
pub mod headers;
mod health;
mod intake;
mod mine;
pub mod overview;
pub mod page;
pub mod params;
mod programmes;
mod reports;
pub mod response_cache;
mod retry;
pub mod rounds;
pub mod setup;
mod tasks;
mod tokens;
pub mod unit_field;
mod units;
mod updates;
pub mod views;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::error_page;
use crate::state::AppState;

/// The application router.
pub fn routes(state: AppState) -> Router {
    // Read-only pages kept whole until the plans change (or, for the overdue report, which
    // quotes the latest notes, until the history changes too): see `response_cache`. Pages of
    // one task are not kept: they are many, cheap, and read at random.
    let api_lists = Router::new()
        .route("/decisions", get(api::list_decisions))
        .route("/units", get(api::list_units))
        .route("/tasks", get(api::list_tasks))
        .route("/programmes", get(programmes::api_list))
        .route_layer(from_fn_with_state(
            state.clone(),
            response_cache::plan_pages,
        ));
    let plan_pages = Router::new()
        .route("/", get(overview::overview))
        .route("/decisions", get(decisions::list_decisions))
        .route("/decisions/{id}", get(decisions::show_decision))
        .route("/units", get(units::list_units))
        .route("/units/{id}", get(units::show_unit))
        .route("/tasks", get(tasks::list_tasks))
        .route("/programmes", get(programmes::list_programmes))
        .route("/programmes/{id}", get(programmes::show_programme))
        .route_layer(from_fn_with_state(
            state.clone(),
            response_cache::plan_pages,
        ));
    let history_pages = Router::new()
        .route("/reports/overdue", get(reports::overdue))
        .route("/explanations", get(explanations::list))
        .route("/rounds", get(rounds::list_rounds))
        .route("/rounds/{id}", get(rounds::show_round))
        .route("/rounds/{id}/missing", get(rounds::missing_lines))
        .route("/rounds/{id}/units/{unit}", get(rounds::show_report))
        .route_layer(from_fn_with_state(
            state.clone(),
            response_cache::history_pages,
        ));
    // Rounds change with every line a unit saves: kept with the pages that follow the history.
    let api_rounds = Router::new()
        .route("/rounds", get(rounds::api_list))
        .route_layer(from_fn_with_state(
            state.clone(),
            response_cache::history_pages,
        ));
    let api = Router::new()
        .merge(api_lists)
        .merge(api_rounds)
        .route("/decisions/{id}", get(api::show_decision))
        .route("/units/{id}", get(api::show_unit))
        .route("/tasks/{id}", get(api::show_task))
        .route(
            "/tasks/{id}/events",
            post(updates::post_event_json).layer(DefaultBodyLimit::max(updates::JSON_BODY_LIMIT)),
        )
        .fallback(api::not_found);
    let static_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static");
    Router::new()
        .merge(plan_pages)
        .merge(history_pages)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/units/labels.json", get(unit_field::labels_json))
        .route("/units/{id}/calendar.ics", get(calendar::unit_feed))
        .route("/calendar.ics", get(calendar::all_feed))
        .route("/calendar", get(calendar::show_calendar))
        .route("/calendar/key", post(calendar::post_calendar_key))
        .route("/reports", get(reports::index))
        .route("/reports/overdue.csv", get(reports::overdue_csv))
        .route("/reports/overdue.xlsx", get(reports::overdue_xlsx))
        .route("/reports/completed", get(reports::completed))
        .route("/reports/completed.csv", get(reports::completed_csv))
        .route("/reports/completed.xlsx", get(reports::completed_xlsx))
        .route("/reports/monthly.docx", get(reports::monthly_docx))
        .route("/reports/monthly.xlsx", get(reports::monthly_xlsx))
        .route("/reports/deadlines", get(deadlines::unsettled))
        .route("/rounds", post(rounds::create_round))
        .route("/rounds/new", get(rounds::new_round_form))
        .route("/rounds/{id}/report.docx", get(rounds::report_docx))
        .route("/rounds/{id}/lines.xlsx", get(rounds::lines_xlsx))
        .route(
            "/rounds/{id}/units/{unit}/lines",
            post(rounds::post_lines).layer(DefaultBodyLimit::max(rounds::MAX_REPORT_BYTES)),
        )
        .route(
            "/rounds/{id}/units/{unit}/submit",
            post(rounds::post_submit),
        )
        .route(
            "/rounds/{id}/units/{unit}/return",
            post(rounds::post_return),
        )
        .route("/explanations", post(explanations::post_request))
        .route("/explanations/settings", post(explanations::post_settings))
        .route("/explanations/{id}", get(explanations::show))
        .route("/explanations/{id}/answer", post(explanations::post_answer))
        .route(
            "/explanations/{id}/decide",
            post(explanations::post_decision),
        )
        .route(
            "/decisions/{id}/programmes",
            post(programmes::edit_decision_programmes),
        )
        .route("/tasks/{id}", get(tasks::show_task))
        .route(
            "/tasks/{id}/events",
            post(updates::post_event_form).layer(DefaultBodyLimit::max(
                updates::MAX_EVIDENCE_BYTES + 64 * 1024,
            )),
        )
        .route("/evidence/{id}", get(updates::evidence))
        .route(
            "/plans/import",
            get(intake::index)
                .post(intake::upload)
                .layer(DefaultBodyLimit::max(intake::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/plans/import/{id}",
            get(intake::show_draft).post(intake::post_draft),
        )
        .route("/plans/import/{id}/cancel", post(intake::cancel))
        .route("/my/tasks", get(mine::my_tasks))
        .route("/account", get(tokens::show))
        .route("/account/tokens", post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/setup/{token}",
            get(setup::setup_form).post(setup::create_admin),
        )
        .route(
            "/admin/users",
            get(admin::list_users).post(admin::create_user),
        )
        .route("/admin/users/{id}", post(admin::update_user))
        .route("/admin/users/{id}/units", post(admin::set_units))
        .route("/admin/settings", post(admin::settings))
        .route("/assets/{version}/{file}", get(assets::asset))
        .nest("/api/v1", api)
        .nest_service("/static", ServeDir::new(static_dir))
        .fallback(|| async {
            error_page(
                StatusCode::NOT_FOUND,
                "Trang bạn tìm không tồn tại.".to_owned(),
            )
        })
        .layer(from_fn_with_state(state.clone(), crate::auth::identify))
        .layer(axum::middleware::from_fn(params::check_input))
        .layer(axum::middleware::from_fn(retry::retry_reads))
        .with_state(state.clone())
        // gzip at its fastest level: measured under load, brotli (even at its fastest) took a
        // third of the server's time on a 60 KB list page, for a few KB less on the wire.
        // Bodies that fit in TCP's first round trip (about 14 KB) arrive no sooner compressed,
        // so they go as they are (the kept list pages come compressed already).
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(
                    SizeAbove::new(14 * 1024)
                        .and(NotForContentType::GRPC)
                        .and(NotForContentType::IMAGES)
                        .and(NotForContentType::SSE),
                ),
        )
        .layer(CatchPanicLayer::custom(|_| {
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Hệ thống gặp sự cố khi xử lý yêu cầu.".to_owned(),
            )
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn_with_state(state, headers::security_headers))
}
