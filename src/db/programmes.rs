//! Programmes and the plans that implement them: links read at import (or by the backfill of
//! decisions stored before), links set by a manager, and the lists the pages and the API show.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::domain::ids::{DecisionId, ProgrammeId};
use crate::domain::programme::{ProgrammeRef, find_programmes};

/// A programme as the pages and the API show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProgrammeRow {
    pub id: ProgrammeId,
    pub code: String,
    pub doc_type: String,
    pub issuer_code: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub plan_count: i64,
}

/// A plan under a programme.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProgrammePlanRow {
    pub programme_id: ProgrammeId,
    pub decision_id: DecisionId,
    pub code: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    pub title: String,
    /// "import" or "manager".
    pub source: String,
}

/// One select for every list of programmes; `$tail` (a string literal) filters and orders.
macro_rules! programme_select {
    ($tail:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            ProgrammeRow,
            r#"select p.id as "id: ProgrammeId", p.code, p.doc_type, p.issuer_code, p.issuer, p.issued_on, p.title,
                      (select count(*) from decision_programmes dp where dp.programme_id = p.id) as "plan_count!"
                 from programmes p "# + $tail
            $(, $arg)*
        )
    };
}

/// Every programme, the most followed first.
pub async fn list_programmes(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ProgrammeRow>> {
    programme_select!(r#"order by "plan_count!" desc, p.issued_on desc, p.code"#)
        .fetch_all(db)
        .await
}

/// One programme.
pub async fn fetch_programme(
    db: impl PgExecutor<'_>,
    id: ProgrammeId,
) -> sqlx::Result<Option<ProgrammeRow>> {
    programme_select!("where p.id = $1", id as ProgrammeId)
        .fetch_optional(db)
        .await
}

/// The plans of the given programmes (all when None), by programme then issuer and date.
pub async fn list_plans(
    db: impl PgExecutor<'_>,
    programme: Option<ProgrammeId>,
) -> sqlx::Result<Vec<ProgrammePlanRow>> {
    sqlx::query_as!(
        ProgrammePlanRow,
        r#"select dp.programme_id as "programme_id: ProgrammeId", d.id as "decision_id: DecisionId",
                  d.code, d.issuer, d.issued_on, d.title, dp.source
             from decision_programmes dp join decisions d on d.id = dp.decision_id
            where $1::bigint is null or dp.programme_id = $1
            order by dp.programme_id, d.issuer, d.issued_on nulls last, d.code"#,
        programme as Option<ProgrammeId>
    )
    .fetch_all(db)
    .await
}

/// The programmes one plan implements, with how each link was made.
pub async fn programmes_of_decision(
    db: impl PgExecutor<'_>,
    decision: DecisionId,
) -> sqlx::Result<Vec<(ProgrammeRow, String)>> {
    let rows = sqlx::query!(
        r#"select p.id as "id: ProgrammeId", p.code, p.doc_type, p.issuer_code, p.issuer, p.issued_on, p.title,
                  (select count(*) from decision_programmes dp where dp.programme_id = p.id) as "plan_count!",
                  l.source
             from programmes p join decision_programmes l on l.programme_id = p.id
            where l.decision_id = $1 order by p.issued_on, p.code"#,
        decision as DecisionId
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let programme = ProgrammeRow {
                id: r.id,
                code: r.code,
                doc_type: r.doc_type,
                issuer_code: r.issuer_code,
                issuer: r.issuer,
                issued_on: r.issued_on,
                title: r.title,
                plan_count: r.plan_count,
            };
            (programme, r.source)
        })
        .collect())
}

/// The programme of a reference, created when new; a missing issuer or title is filled in.
async fn programme_id(tx: &mut PgConnection, r: &ProgrammeRef) -> sqlx::Result<ProgrammeId> {
    let (number, doc_type, issuer_key, issued_on) = r.key();
    let found = sqlx::query_scalar!(
        r#"select id as "id: ProgrammeId" from programmes
            where number = $1 and doc_type = $2 and issuer_key = $3 and issued_on = $4"#,
        number,
        doc_type,
        issuer_key,
        issued_on
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = found {
        sqlx::query!(
            "update programmes set issuer = case when issuer = '' then $2 else issuer end,
                                   title = case when title = '' then $3 else title end
              where id = $1 and ((issuer = '' and $2 <> '') or (title = '' and $3 <> ''))",
            id as ProgrammeId,
            &r.issuer,
            &r.title
        )
        .execute(&mut *tx)
        .await?;
        return Ok(id);
    }
    sqlx::query_scalar!(
        r#"insert into programmes (code, number, doc_type, issuer_code, issuer_key, issuer, issued_on, title)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (number, doc_type, issuer_key, issued_on) do update set code = programmes.code
           returning id as "id: ProgrammeId""#,
        &r.code,
        number,
        doc_type,
        &r.issuer_code,
        issuer_key,
        &r.issuer,
        issued_on,
        &r.title
    )
    .fetch_one(&mut *tx)
    .await
}

/// Links a decision to the programmes its document names (replacing the links an earlier
/// import made), unless a manager chose its programmes: then the choice stands.
pub async fn link_imported(
    tx: &mut PgConnection,
    decision: DecisionId,
    found: &[ProgrammeRef],
) -> sqlx::Result<()> {
    let chosen = sqlx::query_scalar!(
        r#"select exists (select 1 from programme_choices where decision_id = $1) as "chosen!""#,
        decision as DecisionId
    )
    .fetch_one(&mut *tx)
    .await?;
    if chosen {
        return Ok(());
    }
    let mut ids = Vec::with_capacity(found.len());
    for r in found {
        ids.push(programme_id(tx, r).await?);
    }
    sqlx::query!(
        "delete from decision_programmes
          where decision_id = $1 and source = 'import' and not (programme_id = any($2))",
        decision as DecisionId,
        &ids as &[ProgrammeId]
    )
    .execute(&mut *tx)
    .await?;
    if !ids.is_empty() {
        sqlx::query!(
            "insert into decision_programmes (decision_id, programme_id, source)
             select $1, unnest($2::bigint[]), 'import' on conflict do nothing",
            decision as DecisionId,
            &ids as &[ProgrammeId]
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Links every stored decision that has no programme yet (nor a manager's choice) to those its
/// title and legal bases name: decisions imported before programmes were read, or written by
/// the generator. Returns how many decisions were linked.
pub async fn backfill(db: &PgPool) -> sqlx::Result<usize> {
    let unlinked = sqlx::query!(
        r#"select d.id as "id: DecisionId", d.title, d.plan_title, d.legal_bases from decisions d
          where not exists (select 1 from decision_programmes dp where dp.decision_id = d.id)
            and not exists (select 1 from programme_choices c where c.decision_id = d.id)"#
    )
    .fetch_all(db)
    .await?;
    // In one statement, not one per decision: each statement bumps the data version and
    // notifies every process (the generator leaves thousands of plans to link on first start).
    let mut tx = db.begin().await?;
    let mut known: Vec<(ProgrammeRef, ProgrammeId)> = Vec::new();
    let (mut decisions, mut programmes) = (Vec::new(), Vec::new());
    for d in unlinked {
        let found = find_programmes(&d.title, d.plan_title.as_deref(), &d.legal_bases);
        for r in found {
            let id = match known.iter().find(|(k, _)| k.key() == r.key()) {
                Some((_, id)) => *id,
                None => {
                    let id = programme_id(&mut tx, &r).await?;
                    known.push((r, id));
                    id
                }
            };
            decisions.push(d.id);
            programmes.push(id);
        }
    }
    if decisions.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        "insert into decision_programmes (decision_id, programme_id, source)
         select unnest($1::bigint[]), unnest($2::bigint[]), 'import' on conflict do nothing",
        &decisions as &[DecisionId],
        &programmes as &[ProgrammeId]
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut linked = decisions;
    linked.dedup();
    Ok(linked.len())
}

/// A manager's change to a plan's programmes.
#[derive(Debug, Clone)]
pub enum ProgrammeEdit {
    Add(ProgrammeRef),
    Remove(ProgrammeId),
}

/// Applies a manager's change and records that the plan's list is now the manager's choice
/// (a later import of the document leaves it alone). False when the plan does not exist.
pub async fn edit_decision_programmes(
    db: &PgPool,
    decision: DecisionId,
    edit: &ProgrammeEdit,
    user: i64,
) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from decisions where id = $1) as "exists!""#,
        decision as DecisionId
    )
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Ok(false);
    }
    match edit {
        ProgrammeEdit::Add(r) => {
            let id = programme_id(&mut tx, r).await?;
            sqlx::query!(
                "insert into decision_programmes (decision_id, programme_id, source) values ($1, $2, 'manager')
                 on conflict (decision_id, programme_id) do update set source = 'manager'",
                decision as DecisionId,
                id as ProgrammeId
            )
            .execute(&mut *tx)
            .await?;
        }
        ProgrammeEdit::Remove(id) => {
            sqlx::query!(
                "delete from decision_programmes where decision_id = $1 and programme_id = $2",
                decision as DecisionId,
                *id as ProgrammeId
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query!(
        "insert into programme_choices (decision_id, edited_by) values ($1, $2)
         on conflict (decision_id) do update set edited_by = excluded.edited_by, edited_at = now()",
        decision as DecisionId,
        user
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
