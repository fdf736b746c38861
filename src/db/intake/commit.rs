//! Committing a draft: in one transaction, the draft is checked (its uploader's, live, the
//! version the form was rendered from), the plan of its code is checked to be as previewed,
//! the mappings are saved, the plan is written as the import writes it, and the draft is
//! deleted. Any refusal writes nothing.

use sqlx::PgPool;

use super::revision::basis_of;
use super::{DraftError, DraftRow};
use crate::db::import::{ImportOutcome, write_parsed};
use crate::domain::ids::{DraftId, UnitId};
use crate::import::ParsedPlan;
use crate::intake::Mappings;

/// What the person committing saw: the draft's version and the basis of its difference.
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    pub version: i32,
    pub basis: &'a str,
}

/// Writes `plan` (read from `draft` with its edits) with `mappings`; deletes the draft.
pub async fn commit(
    pool: &PgPool,
    draft: &DraftRow,
    user: i64,
    seen: &Seen<'_>,
    plan: &ParsedPlan,
    mappings: &Mappings,
    force: bool,
) -> Result<ImportOutcome, DraftError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"select user_id, version, expires_at <= now() as "expired!"
             from intake_drafts where id = $1 for update"#,
        draft.id as DraftId
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.user_id, r.version, r.expired));
    match row {
        None => return Err(DraftError::NotFound),
        Some((owner, _, _)) if owner != user => return Err(DraftError::NotYours),
        Some((_, _, true)) => return Err(DraftError::Expired),
        Some((_, version, _)) if version != seen.version || version != draft.version => {
            return Err(DraftError::StaleDraft);
        }
        Some(_) => {}
    }
    // The import takes the same lock; taking it first makes the check below hold until commit.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext($1))",
        &plan.header.code
    )
    .execute(&mut *tx)
    .await?;
    if basis_of(&mut tx, &plan.header.code).await? != seen.basis {
        return Err(DraftError::StalePlan);
    }
    save_mappings(&mut tx, mappings, user).await?;
    let outcome = write_parsed(&mut tx, &draft.file_name, &draft.content, plan, force).await?;
    delete(&mut tx, draft.id).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Records each mapping (a later choice for the same key replaces an earlier one); a unit
/// deleted since the preview is left out, so its mention becomes a unit of its own.
async fn save_mappings(
    tx: &mut sqlx::PgConnection,
    mappings: &Mappings,
    user: i64,
) -> sqlx::Result<()> {
    if mappings.is_empty() {
        return Ok(());
    }
    let (keys, units): (Vec<&str>, Vec<UnitId>) =
        mappings.iter().map(|(k, u)| (k.as_str(), *u)).unzip();
    sqlx::query!(
        "insert into unit_mappings (key, unit_id, mapped_by)
         select m.key, m.unit_id, $3 from unnest($1::text[], $2::bigint[]) as m(key, unit_id)
           join units u on u.id = m.unit_id
         on conflict (key) do update set unit_id = excluded.unit_id, mapped_by = excluded.mapped_by,
                                         created_at = now()",
        &keys as &[&str],
        &units as &[UnitId],
        user
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn delete(tx: &mut sqlx::PgConnection, id: DraftId) -> sqlx::Result<()> {
    sqlx::query!("delete from intake_drafts where id = $1", id as DraftId)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
