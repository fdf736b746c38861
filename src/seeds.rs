//! Loading the seed plans into an empty database on first start.

use std::path::{Path, PathBuf};

use sqlx::PgPool;

use crate::db::import::{ImportOutcome, import_document};

/// The plan documents in a folder, in name order.
pub fn plan_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "txt" || e == "md"))
        .collect();
    files.sort();
    Ok(files)
}

/// Imports every seed plan when the database holds no decision yet.
pub async fn load_if_empty(pool: &PgPool, dir: &Path) -> anyhow::Result<Vec<ImportOutcome>> {
    let empty = sqlx::query_scalar!(r#"select not exists (select 1 from decisions) as "empty!""#)
        .fetch_one(pool)
        .await?;
    if !empty {
        return Ok(Vec::new());
    }
    let mut outcomes = Vec::new();
    for file in plan_files(dir)? {
        let bytes = tokio::fs::read(&file).await?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = import_document(pool, &name, &bytes).await?;
        tracing::info!(code = %outcome.code, tasks = outcome.tasks, "đã nạp kế hoạch mẫu");
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
