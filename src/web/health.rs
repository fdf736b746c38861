//! `GET /healthz`: answers without touching anything, the ceiling of the stack.

/// Always "ok".
pub async fn healthz() -> &'static str {
    "ok"
}
