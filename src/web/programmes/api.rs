//! `GET /api/v1/programmes`: every programme with its reference and the plans under it.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;

use super::of_plan::reference;
use crate::db::programmes;
use crate::domain::ids::{DecisionId, ProgrammeId};
use crate::state::AppState;

/// A programme in the API, with its plans.
#[derive(Serialize)]
pub struct ProgrammeJson {
    id: ProgrammeId,
    code: String,
    reference: String,
    doc_type: String,
    issuer_code: String,
    issuer: String,
    issued_on: NaiveDate,
    title: String,
    plans: Vec<PlanJson>,
}

#[derive(Serialize)]
struct PlanJson {
    id: DecisionId,
    code: String,
    issuer: String,
    issued_on: Option<NaiveDate>,
    title: String,
    source: String,
}

/// `GET /api/v1/programmes`
pub async fn api_list(
    State(state): State<AppState>,
) -> std::result::Result<Json<Vec<ProgrammeJson>>, crate::web::api::ApiError> {
    let (list, plans) = tokio::try_join!(
        programmes::list_programmes(&state.db),
        programmes::list_plans(&state.db, None)
    )?;
    Ok(Json(
        list.into_iter()
            .map(|p| ProgrammeJson {
                reference: reference(&p),
                plans: plans
                    .iter()
                    .filter(|l| l.programme_id == p.id)
                    .map(|l| PlanJson {
                        id: l.decision_id,
                        code: l.code.clone(),
                        issuer: l.issuer.clone(),
                        issued_on: l.issued_on,
                        title: l.title.clone(),
                        source: l.source.clone(),
                    })
                    .collect(),
                id: p.id,
                code: p.code,
                doc_type: p.doc_type,
                issuer_code: p.issuer_code,
                issuer: p.issuer,
                issued_on: p.issued_on,
                title: p.title,
            })
            .collect(),
    ))
}
