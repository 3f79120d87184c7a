//! Staff roles and the permission matrix (SPEC §5): role × action, and division scope.

use serde::{Deserialize, Serialize};

use crate::division::{DivisionCode, Level};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 村(居): accept, pre-review, issue instant items, village e-seal.
    VillageClerk,
    /// 乡镇(街道): pre-review, township opinion, issue instant items, e-seal.
    TownshipOfficer,
    /// 县级卫生健康部门: approve / refuse re-birth, e-seal, issue.
    CountyApprover,
    /// Any level, read-only: dashboard, red lights, audit.
    Supervisor,
    /// Manages staff accounts; no access to cases.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::VillageClerk => "village_clerk",
            Role::TownshipOfficer => "township_officer",
            Role::CountyApprover => "county_approver",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// The division level an account of this role is bound to (supervisors: any).
    pub fn level(self) -> Option<Level> {
        match self {
            Role::VillageClerk => Some(Level::Village),
            Role::TownshipOfficer => Some(Level::Township),
            Role::CountyApprover => Some(Level::County),
            Role::Supervisor | Role::Admin => None,
        }
    }
}

/// What an action is, for the permission matrix (the payloads live in `case::Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    PreReview,
    Return,
    TownshipOpinion,
    Approve,
    Refuse,
    Seal,
    RequestVerification,
    AnswerVerification,
    Issue,
    Deliver,
    Revoke,
    Void,
    /// Applicant actions.
    Resubmit,
    Withdraw,
    /// The deadline sweep (system).
    DeemedIssue,
    /// The issuing office answers a correction request (004 四(四)).
    ResolveCorrection,
    /// The window records that an out-of-province proof's checks cannot finish on the spot
    /// (004 三(三)).
    DeferOutOfCityCheck,
    /// The accepting office sends the file to a competent office outside the system.
    ForwardOut,
}

/// What a staff member may do with a case (SPEC §5; 吉林 art. 13), decided by
/// `case::may` from the role and how the staff member's division stands to the case: an
/// office that works the case (accepting or deciding, or one enclosing them), or an office
/// asked to verify (协查), which reads the case and answers its request — nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "capability", content = "action", rename_all = "snake_case")]
pub enum Capability {
    /// Read the case with ID numbers masked, and its audit trail.
    Read,
    /// See the ID numbers in full (audited).
    Reveal,
    /// Open the scans attached to the case (audited): ID cards and household registers carry
    /// what reveal guards, so the same rule applies.
    OpenScans,
    /// Download the electronic certificate (audited).
    DownloadCertificate,
    /// Take a workflow step.
    Act(ActionKind),
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Staff {
        username: String,
        role: Role,
        division: Option<DivisionCode>,
    },
    /// The applicant, proven by the case's access code.
    Applicant,
    /// The scheduled deadline sweep.
    System,
}

impl Actor {
    pub fn staff(username: &str, role: Role, division: DivisionCode) -> Actor {
        Actor::Staff {
            username: username.to_string(),
            role,
            division: Some(division),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Staff { role, .. } => Some(*role),
            _ => None,
        }
    }
}

/// The matrix: may this role perform this kind of action at all (scope is checked apart)?
pub fn permits(role: Role, action: ActionKind) -> bool {
    use ActionKind as A;
    match role {
        Role::VillageClerk => matches!(
            action,
            A::PreReview
                | A::Return
                | A::Seal
                | A::Issue
                | A::DeferOutOfCityCheck
                | A::ForwardOut
                | A::Deliver
                | A::Refuse
                | A::ResolveCorrection
        ),
        Role::TownshipOfficer => matches!(
            action,
            A::PreReview
                | A::Return
                | A::TownshipOpinion
                | A::Seal
                | A::Issue
                | A::DeferOutOfCityCheck
                | A::ForwardOut
                | A::Deliver
                | A::Refuse
                | A::RequestVerification
                | A::AnswerVerification
                | A::ResolveCorrection
        ),
        Role::CountyApprover => matches!(
            action,
            A::Return
                | A::Approve
                | A::Refuse
                | A::Seal
                | A::Issue
                | A::ForwardOut
                | A::Deliver
                | A::RequestVerification
                | A::AnswerVerification
                | A::Revoke
                | A::Void
                | A::ResolveCorrection
        ),
        Role::Supervisor | Role::Admin => false,
    }
}

/// Staff see a case when its accepting or deciding office lies inside their division (or,
/// for a county, when their division lies on the path: a township sees its county's cases
/// only when it is the accepting or deciding office's township).
pub fn in_scope(staff_division: DivisionCode, offices: &[DivisionCode]) -> bool {
    offices.iter().any(|o| staff_division.contains(*o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn only_the_county_approves_revokes_and_voids() {
        for a in [ActionKind::Approve, ActionKind::Revoke, ActionKind::Void] {
            assert!(permits(Role::CountyApprover, a));
            assert!(!permits(Role::TownshipOfficer, a));
            assert!(!permits(Role::VillageClerk, a));
        }
    }

    #[test]
    fn only_the_township_gives_the_township_opinion() {
        assert!(permits(Role::TownshipOfficer, ActionKind::TownshipOpinion));
        assert!(!permits(Role::VillageClerk, ActionKind::TownshipOpinion));
        assert!(!permits(Role::CountyApprover, ActionKind::TownshipOpinion));
    }

    #[test]
    fn supervisors_and_admins_change_nothing() {
        for a in [
            ActionKind::PreReview,
            ActionKind::Issue,
            ActionKind::Seal,
            ActionKind::Return,
        ] {
            assert!(!permits(Role::Supervisor, a));
            assert!(!permits(Role::Admin, a));
        }
    }

    #[test]
    fn scope_is_the_accepting_or_deciding_office_inside_the_division() {
        let offices = [c("500116001005"), c("500116")];
        assert!(in_scope(c("500116001005"), &offices), "the village itself");
        assert!(in_scope(c("500116001"), &offices), "its township");
        assert!(in_scope(c("500116"), &offices), "the deciding county");
        assert!(
            !in_scope(c("500116002"), &offices),
            "a neighbouring township"
        );
        assert!(
            !in_scope(c("500116001006"), &offices),
            "a neighbouring community"
        );
        assert!(!in_scope(c("420704"), &offices), "another county");
    }
}
