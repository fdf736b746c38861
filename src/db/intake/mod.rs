//! Drafts of the intake page: a plan uploaded in the browser, kept in PostgreSQL with what its
//! uploader supplied until it is committed, cancelled or expires. A draft is its uploader's
//! alone. The preview's unit statuses and revision difference, and the commit, live beside.

mod commit;
mod revision;
mod units;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

pub use self::commit::{Seen, commit};
pub use self::revision::{FieldChange, Revision, TaskChange, basis_of, revision_of};
pub use self::units::{PlanUnit, UnitRef, UnitStatus, plan_unit_statuses};
use crate::domain::ids::{DecisionId, DraftId, TaskId};
use crate::intake::{Edits, Mappings};

/// How long a draft is kept after its last change.
pub const DRAFT_HOURS: i64 = 24;

/// A stored draft.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    pub id: DraftId,
    pub user_id: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    pub code: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub title: Option<String>,
    pub mappings: Json<Mappings>,
    pub version: i32,
    pub expires_at: DateTime<Utc>,
    /// Whether it has expired (by the database's clock).
    pub expired: bool,
}

impl DraftRow {
    /// What the uploader supplied or corrected.
    pub fn edits(&self) -> Edits {
        Edits {
            code: self.code.clone(),
            issued_on: self.issued_on,
            issuer: self.issuer.clone(),
            title: self.title.clone(),
        }
    }
}

/// A draft in the list of one's own drafts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftSummary {
    pub id: DraftId,
    pub file_name: String,
    pub code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Why a draft cannot be used by this user now.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("bản nháp không còn")]
    NotFound,
    #[error("bản nháp của người khác")]
    NotYours,
    #[error("bản nháp đã hết hạn")]
    Expired,
    /// The draft was saved since the form was rendered (another window).
    #[error("bản nháp đã được lưu lại sau khi trang được mở")]
    StaleDraft,
    /// The plan of this code was imported or revised since the preview was computed.
    #[error("kế hoạch cùng số hiệu đã thay đổi sau khi xem trước")]
    StalePlan,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The draft, if `user` may use it now.
pub fn check_access(draft: Option<DraftRow>, user: i64) -> Result<DraftRow, DraftError> {
    let draft = draft.ok_or(DraftError::NotFound)?;
    if draft.user_id != user {
        return Err(DraftError::NotYours);
    }
    if draft.expired {
        return Err(DraftError::Expired);
    }
    Ok(draft)
}

/// Stores an upload as a new draft of `user`.
pub async fn insert_draft(
    db: impl PgExecutor<'_>,
    user: i64,
    file_name: &str,
    content: &[u8],
) -> sqlx::Result<DraftId> {
    sqlx::query_scalar!(
        r#"insert into intake_drafts (user_id, file_name, content, expires_at)
           values ($1, $2, $3, now() + make_interval(hours => $4::integer)) returning id as "id: DraftId""#,
        user,
        file_name,
        content,
        DRAFT_HOURS as i32
    )
    .fetch_one(db)
    .await
}

/// One draft, whoever's it is.
pub async fn fetch_draft(db: impl PgExecutor<'_>, id: DraftId) -> sqlx::Result<Option<DraftRow>> {
    sqlx::query_as!(
        DraftRow,
        r#"select id as "id: DraftId", user_id, file_name, content, code, issued_on, issuer, title,
                  mappings as "mappings: Json<Mappings>", version,
                  expires_at, expires_at <= now() as "expired!"
             from intake_drafts where id = $1"#,
        id as DraftId
    )
    .fetch_optional(db)
    .await
}

/// Saves what the uploader supplied, if the draft is still theirs, live and at `version`;
/// returns the new version.
pub async fn save_draft(
    db: impl PgExecutor<'_>,
    id: DraftId,
    user: i64,
    version: i32,
    edits: &Edits,
    mappings: &Mappings,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "update intake_drafts
            set code = $4, issued_on = $5, issuer = $6, title = $7, mappings = $8, version = version + 1,
                expires_at = now() + make_interval(hours => $9::integer)
          where id = $1 and user_id = $2 and version = $3 and expires_at > now()
          returning version",
        id as DraftId,
        user,
        version,
        edits.code.as_deref(),
        edits.issued_on,
        edits.issuer.as_deref(),
        edits.title.as_deref(),
        Json(mappings) as _,
        DRAFT_HOURS as i32
    )
    .fetch_optional(db)
    .await
}

/// Deletes a draft of `user`; whether there was one.
pub async fn delete_draft(db: impl PgExecutor<'_>, id: DraftId, user: i64) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from intake_drafts where id = $1 and user_id = $2",
        id as DraftId,
        user
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Deletes every expired draft (their files go with them); how many.
pub async fn sweep_expired(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("delete from intake_drafts where expires_at <= now()")
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// The live drafts of `user`, newest first.
pub async fn list_drafts(db: impl PgExecutor<'_>, user: i64) -> sqlx::Result<Vec<DraftSummary>> {
    sqlx::query_as!(
        DraftSummary,
        r#"select id as "id: DraftId", file_name, code, created_at, expires_at from intake_drafts
            where user_id = $1 and expires_at > now() order by created_at desc, id desc"#,
        user
    )
    .fetch_all(db)
    .await
}

/// The ids of a decision's tasks (for the caches to forget after a commit).
pub async fn task_ids(db: impl PgExecutor<'_>, decision: DecisionId) -> sqlx::Result<Vec<TaskId>> {
    sqlx::query_scalar!(
        r#"select id as "id: TaskId" from tasks where decision_id = $1"#,
        decision as DecisionId
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(user: i64, expired: bool) -> DraftRow {
        DraftRow {
            id: DraftId(1),
            user_id: user,
            file_name: "ke-hoach.docx".into(),
            content: Vec::new(),
            code: None,
            issued_on: None,
            issuer: None,
            title: None,
            mappings: Json(Mappings::new()),
            version: 1,
            expires_at: Utc::now(),
            expired,
        }
    }

    #[test]
    fn a_draft_is_its_uploaders_alone_and_only_while_it_lives() {
        assert!(check_access(Some(draft(7, false)), 7).is_ok());
        assert!(matches!(
            check_access(Some(draft(7, false)), 8),
            Err(DraftError::NotYours)
        ));
        assert!(matches!(
            check_access(Some(draft(7, true)), 7),
            Err(DraftError::Expired)
        ));
        assert!(matches!(check_access(None, 7), Err(DraftError::NotFound)));
    }
}
