//! Roles and what each may do to a task. One function per action; handlers call these and
//! never test roles themselves.

use serde::{Deserialize, Serialize};

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ: reads everything.
    Viewer,
    /// Lãnh đạo đơn vị: updates the tasks its units lead; notes on tasks they partner.
    UnitLead,
    /// Lãnh đạo Bộ / đơn vị đầu mối: everything on every task, confirms, extends, settles, imports.
    Manager,
    /// Quản trị: accounts, roles and unit bindings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::UnitLead, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::UnitLead => "unit_lead",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Viewer => "Cán bộ (xem)",
            Role::UnitLead => "Lãnh đạo đơn vị",
            Role::Manager => "Lãnh đạo Bộ / đơn vị đầu mối",
            Role::Admin => "Quản trị hệ thống",
        }
    }
}

/// How the acting user stands to one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    /// One of the user's units leads the task (directly or as a member of a lead group).
    pub leads: bool,
    /// One of the user's units is a partner of the task.
    pub partners: bool,
}

/// Changes that can be made to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Set the state, propose or record completion, mark a milestone, attach evidence.
    Update,
    /// Add a progress note.
    Note,
    /// Confirm or return a proposed completion.
    Review,
    /// Extend the deadline.
    Extend,
    /// Set the due date of a deadline the importer could not read.
    Settle,
}

/// Whether `standing` allows `action`.
pub fn may(standing: Standing, action: Action) -> bool {
    match standing.role {
        Role::Manager => true,
        Role::UnitLead => match action {
            Action::Update => standing.leads,
            Action::Note => standing.leads || standing.partners,
            Action::Review | Action::Extend | Action::Settle => false,
        },
        Role::Viewer | Role::Admin => false,
    }
}

/// Follow-up work that is not a change to one task (rounds, explanations, programmes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUp {
    /// Open a reporting round.
    OpenRound,
    /// Return a unit's submitted report with a reason.
    ReturnReport,
    /// Ask lead units to explain overdue tasks; set the automatic requests.
    RequestExplanation,
    /// Accept or reject an explanation.
    DecideExplanation,
    /// Set which programmes a plan implements.
    EditProgrammes,
}

/// Whether a role may do a follow-up action: managers only.
pub fn may_follow_up(role: Role, action: FollowUp) -> bool {
    let _ = action;
    role == Role::Manager
}

/// Whether a user speaks for a unit — writes its report in a round, answers for a task it
/// leads: a unit lead or a manager bound to that unit (`bound`), nobody else.
pub fn may_speak_for_unit(role: Role, bound: bool) -> bool {
    bound && matches!(role, Role::UnitLead | Role::Manager)
}

/// Whether this role may import plans (the intake page): managers and administrators.
pub fn may_import(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// Whether a completion recorded by this role needs a manager's confirmation.
pub fn completion_needs_confirmation(role: Role, two_step: bool) -> bool {
    two_step && role != Role::Manager
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(role: Role, leads: bool, partners: bool) -> Standing {
        Standing {
            role,
            leads,
            partners,
        }
    }

    #[test]
    fn a_unit_lead_updates_only_tasks_its_unit_leads() {
        assert!(may(standing(Role::UnitLead, true, false), Action::Update));
        assert!(!may(standing(Role::UnitLead, false, true), Action::Update));
        assert!(!may(standing(Role::UnitLead, false, false), Action::Update));
    }

    #[test]
    fn a_partner_unit_lead_may_add_notes_only() {
        let partner = standing(Role::UnitLead, false, true);
        assert!(may(partner, Action::Note));
        for action in [
            Action::Update,
            Action::Review,
            Action::Extend,
            Action::Settle,
        ] {
            assert!(!may(partner, action), "{action:?}");
        }
    }

    #[test]
    fn only_managers_review_extend_and_settle() {
        for action in [Action::Review, Action::Extend, Action::Settle] {
            assert!(may(standing(Role::Manager, false, false), action));
            assert!(!may(standing(Role::UnitLead, true, true), action));
        }
    }

    #[test]
    fn viewers_and_admins_change_no_task() {
        for role in [Role::Viewer, Role::Admin] {
            for action in [
                Action::Update,
                Action::Note,
                Action::Review,
                Action::Extend,
                Action::Settle,
            ] {
                assert!(!may(standing(role, true, true), action));
            }
        }
    }

    #[test]
    fn only_managers_follow_up_and_only_a_bound_lead_speaks_for_its_unit() {
        for action in [
            FollowUp::OpenRound,
            FollowUp::ReturnReport,
            FollowUp::RequestExplanation,
            FollowUp::DecideExplanation,
            FollowUp::EditProgrammes,
        ] {
            assert!(may_follow_up(Role::Manager, action));
            for role in [Role::UnitLead, Role::Viewer, Role::Admin] {
                assert!(!may_follow_up(role, action), "{role:?} {action:?}");
            }
        }
        assert!(may_speak_for_unit(Role::UnitLead, true));
        assert!(may_speak_for_unit(Role::Manager, true));
        assert!(!may_speak_for_unit(Role::UnitLead, false));
        assert!(!may_speak_for_unit(Role::Manager, false));
        assert!(!may_speak_for_unit(Role::Viewer, true));
        assert!(!may_speak_for_unit(Role::Admin, true));
    }

    #[test]
    fn only_managers_and_admins_import_plans() {
        assert!(may_import(Role::Manager));
        assert!(may_import(Role::Admin));
        assert!(!may_import(Role::UnitLead));
        assert!(!may_import(Role::Viewer));
    }

    #[test]
    fn a_managers_completion_is_final() {
        assert!(completion_needs_confirmation(Role::UnitLead, true));
        assert!(!completion_needs_confirmation(Role::Manager, true));
        assert!(!completion_needs_confirmation(Role::UnitLead, false));
    }
}
