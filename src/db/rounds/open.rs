//! Opening a round, in the caller's transaction: one line per task in scope and responsible
//! lead unit, and one report per unit.

use sqlx::PgConnection;

use super::write::actor;
use crate::db::updates::UpdateError;
use crate::db::users::UserRow;
use crate::domain::ids::{DecisionId, RoundId};
use crate::domain::role::{FollowUp, may_follow_up};
use crate::domain::round::NewRound;

/// Opens a round over the plans given (every plan when None): a line for each live task (and
/// each of its lead units; a group's members each have their own) and a report per unit.
/// Tasks completed before the period are left out unless `with_completed`. Returns the round
/// and its number of lines.
pub async fn open_round(
    tx: &mut PgConnection,
    round: &NewRound,
    plans: Option<&[DecisionId]>,
    with_completed: bool,
    user: &UserRow,
) -> Result<(RoundId, i64), UpdateError> {
    if !may_follow_up(user.role(), FollowUp::OpenRound) {
        return Err(UpdateError::Forbidden);
    }
    let id = sqlx::query_scalar!(
        r#"insert into rounds (title, period_from, period_to, due_on, all_plans, with_completed, opened_by, opener)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id as "id: RoundId""#,
        &round.title,
        round.period_from,
        round.period_to,
        round.due_on,
        plans.is_none(),
        with_completed,
        user.id,
        actor(user)
    )
    .fetch_one(&mut *tx)
    .await?;
    let plan_ids: Option<Vec<i64>> = plans.map(|p| p.iter().map(|d| d.0).collect());
    if let Some(ids) = &plan_ids {
        sqlx::query!(
            "insert into round_plans (round_id, decision_id)
             select $1, unnest($2::bigint[]) on conflict do nothing",
            id as RoundId,
            ids
        )
        .execute(&mut *tx)
        .await?;
    }
    // The responsible units of a task: its lead units, a group standing for its members when
    // the plan lists them (a group without listed members keeps the line itself). The
    // statements on the temporary table stay unchecked: it exists only in this transaction,
    // not in the database the query macros are checked against.
    sqlx::query(
        "create temporary table round_scope (task_id bigint, decision_id bigint, unit_id bigint) on commit drop",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into round_scope (task_id, decision_id, unit_id)
         select t.id, t.decision_id, tu.unit_id
           from tasks t
           join task_units tu on tu.task_id = t.id and tu.role = 'lead'
           join units u on u.id = tu.unit_id
          where not t.retired
            and ($1::bigint[] is null or t.decision_id = any($1))
            and ($2 or not (t.state = 'completed' and t.completed_on < $3))
            and not (u.is_group and exists (select 1 from task_units m
                      where m.task_id = t.id and m.role = 'lead' and m.via_group_id = u.id))",
    )
    .bind(&plan_ids)
    .bind(with_completed)
    .bind(round.period_from)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into round_reports (round_id, unit_id, lines_total)
         select $1, unit_id, count(*) from round_scope group by unit_id",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let lines = sqlx::query(
        "insert into round_lines (round_id, unit_id, task_id, decision_id)
         select $1, unit_id, task_id, decision_id from round_scope",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("drop table round_scope")
        .execute(&mut *tx)
        .await?;
    Ok((id, i64::try_from(lines).unwrap_or(i64::MAX)))
}
