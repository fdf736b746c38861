//! `GET /rounds/new` and `POST /rounds`: a manager opens a round — its title, the period it
//! covers, the day reports are due, and its scope (every plan by default, or chosen plans).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::MaybeCaller;
use crate::db::decisions;
use crate::db::rounds;
use crate::db::updates::UpdateError;
use crate::domain::ids::DecisionId;
use crate::domain::role::{FollowUp, may_follow_up};
use crate::domain::round::{NewRound, check_round};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::follow_up::{Fields, FormFields, after_write, signed_form, to_login};
use crate::web::page::{Layout, render};
use crate::web::params;
use crate::web::views::Choice;

#[derive(Template)]
#[template(path = "rounds/new.html")]
struct NewRoundPage {
    layout: Layout,
    title: String,
    period_from: String,
    period_to: String,
    due_on: String,
    all_plans: bool,
    with_completed: bool,
    plans: Vec<Choice>,
    error_field: String,
    error: String,
}

async fn form_page(state: &AppState, fields: Option<&Fields>) -> Result<NewRoundPage> {
    let layout = Layout::from_query(&params::Query::new(), "rounds", "/rounds/new")?;
    let chosen: Vec<&str> = fields.map(|f| f.all("plan").collect()).unwrap_or_default();
    let plans = decisions::list_decision_names(&state.db)
        .await?
        .into_iter()
        .map(|(id, code, issuer)| Choice {
            selected: chosen.contains(&id.to_string().as_str()),
            value: id.to_string(),
            label: format!("{code} – {issuer}"),
        })
        .collect();
    let text = |k: &str| {
        fields
            .and_then(|f| f.text(k))
            .unwrap_or_default()
            .to_owned()
    };
    Ok(NewRoundPage {
        title: text("title"),
        period_from: text("period_from"),
        period_to: text("period_to"),
        due_on: text("due_on"),
        all_plans: fields.is_none_or(|f| f.text("scope") != Some("plans")),
        with_completed: fields.is_some_and(|f| f.text("with_completed").is_some()),
        plans,
        error_field: String::new(),
        error: String::new(),
        layout,
    })
}

fn allowed(caller: &crate::auth::Caller) -> Result<()> {
    if may_follow_up(caller.user.role(), FollowUp::OpenRound) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /rounds/new`
pub async fn new_round_form(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(_query): Query<params::Query>,
) -> Result<Response> {
    let Some(caller) = caller else {
        return Ok(to_login("/rounds/new"));
    };
    allowed(&caller)?;
    Ok(render(&form_page(&state, None).await?)?.into_response())
}

async fn refused(
    state: &AppState,
    fields: &Fields,
    field: &str,
    message: String,
) -> Result<Response> {
    let mut page = form_page(state, Some(fields)).await?;
    page.error_field = field.to_owned();
    page.error = message;
    let html: Html<String> = render(&page)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

fn read_round(fields: &Fields) -> std::result::Result<NewRound, (&'static str, String)> {
    check_round(
        fields.text("title").unwrap_or_default(),
        fields.date("period_from", "Ngày đầu kỳ")?,
        fields.date("period_to", "Ngày cuối kỳ")?,
        fields.date("due_on", "Hạn nộp báo cáo")?,
    )
}

/// `POST /rounds`
pub async fn create_round(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response> {
    let (caller, fields) = match signed_form(caller, &headers, form, "/rounds/new") {
        Ok(signed) => signed,
        Err(refused) => return Ok(*refused),
    };
    allowed(&caller)?;
    let round = read_round(&fields);
    let round = match round {
        Ok(r) => r,
        Err((field, message)) => return refused(&state, &fields, field, message).await,
    };
    let plans: Option<Vec<DecisionId>> = if fields.text("scope") == Some("plans") {
        let ids: Vec<DecisionId> = fields.all("plan").filter_map(|p| p.parse().ok()).collect();
        if ids.is_empty() {
            return refused(
                &state,
                &fields,
                "plan",
                "Hãy chọn ít nhất một kế hoạch, hoặc chọn tất cả kế hoạch.".to_owned(),
            )
            .await;
        }
        Some(ids)
    } else {
        None
    };
    let with_completed = fields.text("with_completed").is_some();
    let mut tx = state.db.begin().await?;
    let (id, lines) = match rounds::open_round(
        &mut tx,
        &round,
        plans.as_deref(),
        with_completed,
        &caller.user,
    )
    .await
    {
        Ok(opened) => opened,
        Err(UpdateError::Forbidden) => return Err(AppError::Forbidden),
        Err(UpdateError::Database(e)) => return Err(AppError::Database(e)),
        Err(other) => return refused(&state, &fields, "title", other.to_string()).await,
    };
    if lines == 0 {
        return refused(
            &state,
            &fields,
            "plan",
            "Phạm vi đã chọn không có nhiệm vụ nào cần báo cáo.".to_owned(),
        )
        .await;
    }
    tx.commit().await?;
    tracing::info!(round.id = %id, user.id = caller.user.id, lines, "mở kỳ báo cáo");
    after_write(&state, &[]).await;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}
