//! The programmes a plan implements, as its page shows them, and a programme's reference as
//! every page writes it. Apart from the programme pages, which list plans (`super::super::
//! decisions`), so that the plan's page can show its programmes without a circle.

use super::super::page::{Layout, date_vi};
use crate::db::programmes::{self, ProgrammeRow};
use crate::domain::ids::{DecisionId, ProgrammeId};
use crate::domain::programme::doc_type_name;
use crate::error::Result;

/// "Quyết định số 06/QĐ-TTg ngày 06/01/2022".
pub fn reference(p: &ProgrammeRow) -> String {
    format!(
        "{} số {} ngày {}",
        doc_type_name(&p.doc_type),
        p.code,
        date_vi(Some(p.issued_on))
    )
}

/// A programme a plan implements, on the plan's page.
pub struct DecisionProgramme {
    pub id: ProgrammeId,
    pub href: String,
    pub reference: String,
    pub title: String,
    pub by_manager: bool,
}

/// The programmes of a plan, for its page.
pub async fn of_decision(
    db: &sqlx::PgPool,
    decision: DecisionId,
    layout: &Layout,
) -> Result<Vec<DecisionProgramme>> {
    let rows = programmes::programmes_of_decision(db, decision).await?;
    Ok(rows
        .into_iter()
        .map(|(p, source)| DecisionProgramme {
            href: layout.href(&format!("/programmes/{}", p.id)),
            reference: reference(&p),
            title: p.title.clone(),
            by_manager: source == "manager",
            id: p.id,
        })
        .collect())
}
