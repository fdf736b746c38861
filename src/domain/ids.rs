//! Newtype identifiers, so a task id is never passed where a unit id belongs.

macro_rules! decl_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

decl_id! {
    /// A decision (and the plan it issues).
    DecisionId,
    /// A section of a plan.
    SectionId,
    /// A task of a plan.
    TaskId,
    /// A unit or a group of units.
    UnitId,
    /// A national programme (Đề án) plans implement.
    ProgrammeId,
    /// A reporting round (kỳ báo cáo).
    RoundId,
    /// A request for an explanation of an overdue task.
    ExplanationId,
    /// A plan uploaded in the browser and not yet committed.
    DraftId,
}
