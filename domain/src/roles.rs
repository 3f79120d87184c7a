//! Staff roles and the permission matrix (SPEC §5): role × action, and division scope.

use serde::{Deserialize, Serialize};

use crate::division::{DivisionCode, Level};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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

impl ActionKind {
    /// Every kind, in workflow order.
    pub const ALL: [ActionKind; 18] = [
        ActionKind::PreReview,
        ActionKind::Return,
        ActionKind::TownshipOpinion,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::Seal,
        ActionKind::RequestVerification,
        ActionKind::AnswerVerification,
        ActionKind::Issue,
        ActionKind::DeferOutOfCityCheck,
        ActionKind::ForwardOut,
        ActionKind::Deliver,
        ActionKind::Revoke,
        ActionKind::Void,
        ActionKind::ResolveCorrection,
        ActionKind::Resubmit,
        ActionKind::Withdraw,
        ActionKind::DeemedIssue,
    ];

    /// Taken by staff (the applicant resubmits and withdraws; the sweep deems issued).
    pub fn by_staff(self) -> bool {
        !matches!(
            self,
            ActionKind::Resubmit | ActionKind::Withdraw | ActionKind::DeemedIssue
        )
    }

    /// The action's code: its serde name, the `action` of its event.
    pub fn code(self) -> &'static str {
        match self {
            ActionKind::PreReview => "pre_review",
            ActionKind::Return => "return",
            ActionKind::TownshipOpinion => "township_opinion",
            ActionKind::Approve => "approve",
            ActionKind::Refuse => "refuse",
            ActionKind::Seal => "seal",
            ActionKind::RequestVerification => "request_verification",
            ActionKind::AnswerVerification => "answer_verification",
            ActionKind::Issue => "issue",
            ActionKind::Deliver => "deliver",
            ActionKind::Revoke => "revoke",
            ActionKind::Void => "void",
            ActionKind::Resubmit => "resubmit",
            ActionKind::Withdraw => "withdraw",
            ActionKind::DeemedIssue => "deemed_issue",
            ActionKind::ResolveCorrection => "resolve_correction",
            ActionKind::DeferOutOfCityCheck => "defer_out_of_city_check",
            ActionKind::ForwardOut => "forward_out",
        }
    }
}

/// What a staff member may do (SPEC §5; 吉林 art. 13): with a case, decided from the role and
/// how the staff member's division stands to the case ([`Relation`]), or outside any case
/// (window intake, registry, supervision, administration). [`may`] is the one table; handlers
/// and console pages ask it instead of matching on roles.
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
    /// Take a workflow step (the step's own office rules are `case::authorise`).
    Act(ActionKind),
    /// Have a work queue of cases (an office's list).
    WorkQueue,
    /// Take in an application at the window for an applicant and see originals (受理; 004
    /// 四(一)): the village and township windows.
    WindowIntake,
    /// Look up the registry by ID number to issue on the spot (SPEC §5: window roles).
    RegistryLookup,
    /// The supervision dashboard, red lights and the staff audit trail of a division.
    Supervise,
    /// Staff accounts: create, disable, reset, change role.
    ManageStaff,
    /// Load the State Council's holiday notices (dated law data, issue 16).
    ManageCalendar,
    /// Name an item again in a later return, with a written reason (issue 17 point 1).
    ReturnException,
}

/// How a staff member's division stands to what they ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// No case is involved (queues, intake, registry, supervision, administration).
    NoCase,
    /// The division works the case: it is, or encloses, the accepting or deciding office.
    Works,
    /// The division was asked to verify (协查) for the case, and does not work it.
    Verifies,
    /// Neither.
    Outside,
}

impl Capability {
    /// Whether the capability is about one case (needs a relation other than `NoCase`).
    pub fn concerns_a_case(self) -> bool {
        matches!(
            self,
            Capability::Read
                | Capability::Reveal
                | Capability::OpenScans
                | Capability::DownloadCertificate
                | Capability::Act(_)
        )
    }
}

/// The table: may a staff member of `role`, standing in `relation` to what is asked about,
/// exercise `capability`? Workflow steps are checked here for role and relation; the office a
/// particular step needs (the deciding office approves, …) is `case::authorise`'s, on top.
pub fn may(role: Role, relation: Relation, capability: Capability) -> bool {
    use Capability as C;
    use Relation as R;
    // A case capability needs a case; the others need none.
    if capability.concerns_a_case() == (relation == R::NoCase) {
        return false;
    }
    let works = relation == R::Works;
    match capability {
        // Administrators manage accounts and the calendar; they see no case (SPEC §5).
        _ if role == Role::Admin => matches!(capability, C::ManageStaff | C::ManageCalendar),
        C::ManageStaff | C::ManageCalendar => false,
        C::Read => works || relation == R::Verifies,
        // Supervisors oversee with masked numbers (data minimisation, 吉林 art. 13); an office
        // asked to verify answers a question, it does not work the file.
        C::Reveal | C::OpenScans => works && role != Role::Supervisor,
        C::DownloadCertificate => works,
        C::Act(ActionKind::AnswerVerification) => {
            permits(role, ActionKind::AnswerVerification) && relation != R::Outside
        }
        // Where a township decides (issue 17 point 4) its officer approves; `case::authorise`
        // says where.
        C::Act(ActionKind::Approve) if role == Role::TownshipOfficer => works,
        C::Act(kind) => works && permits(role, kind),
        C::WorkQueue => true,
        C::WindowIntake | C::RegistryLookup => {
            matches!(role, Role::VillageClerk | Role::TownshipOfficer)
        }
        C::Supervise => role == Role::Supervisor,
        C::ReturnException => role == Role::CountyApprover,
    }
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

    /// The whole table, written out: for each capability, the relations in which each role
    /// has it (columns: village, township, county, supervisor, admin; `W` works the case, `V`
    /// asked to verify, `N` no case involved, `-` never). Every combination is checked.
    #[test]
    fn the_capability_table() {
        use ActionKind as K;
        use Capability as C;
        let table: &[(Capability, [&str; 5])] = &[
            (C::Read, ["WV", "WV", "WV", "WV", "-"]),
            (C::Reveal, ["W", "W", "W", "-", "-"]),
            (C::OpenScans, ["W", "W", "W", "-", "-"]),
            (C::DownloadCertificate, ["W", "W", "W", "W", "-"]),
            (C::WorkQueue, ["N", "N", "N", "N", "-"]),
            (C::WindowIntake, ["N", "N", "-", "-", "-"]),
            (C::RegistryLookup, ["N", "N", "-", "-", "-"]),
            (C::Supervise, ["-", "-", "-", "N", "-"]),
            (C::ManageStaff, ["-", "-", "-", "-", "N"]),
            (C::ManageCalendar, ["-", "-", "-", "-", "N"]),
            (C::ReturnException, ["-", "-", "N", "-", "-"]),
            (C::Act(K::PreReview), ["W", "W", "-", "-", "-"]),
            (C::Act(K::Return), ["W", "W", "W", "-", "-"]),
            (C::Act(K::TownshipOpinion), ["-", "W", "-", "-", "-"]),
            (C::Act(K::Approve), ["-", "W", "W", "-", "-"]),
            (C::Act(K::Refuse), ["W", "W", "W", "-", "-"]),
            (C::Act(K::Seal), ["W", "W", "W", "-", "-"]),
            (C::Act(K::RequestVerification), ["-", "W", "W", "-", "-"]),
            (C::Act(K::AnswerVerification), ["-", "WV", "WV", "-", "-"]),
            (C::Act(K::Issue), ["W", "W", "W", "-", "-"]),
            (C::Act(K::Deliver), ["W", "W", "W", "-", "-"]),
            (C::Act(K::Revoke), ["-", "-", "W", "-", "-"]),
            (C::Act(K::Void), ["-", "-", "W", "-", "-"]),
            (C::Act(K::Resubmit), ["-", "-", "-", "-", "-"]),
            (C::Act(K::Withdraw), ["-", "-", "-", "-", "-"]),
            (C::Act(K::DeemedIssue), ["-", "-", "-", "-", "-"]),
            (C::Act(K::ResolveCorrection), ["W", "W", "W", "-", "-"]),
            (C::Act(K::DeferOutOfCityCheck), ["W", "W", "-", "-", "-"]),
            (C::Act(K::ForwardOut), ["W", "W", "W", "-", "-"]),
        ];
        let roles = [
            Role::VillageClerk,
            Role::TownshipOfficer,
            Role::CountyApprover,
            Role::Supervisor,
            Role::Admin,
        ];
        let relations = [
            (Relation::Works, 'W'),
            (Relation::Verifies, 'V'),
            (Relation::NoCase, 'N'),
            (Relation::Outside, 'O'),
        ];
        for (capability, cells) in table {
            for (role, cell) in roles.iter().zip(cells) {
                for (relation, letter) in relations {
                    assert_eq!(
                        may(*role, relation, *capability),
                        cell.contains(letter),
                        "{role:?} {relation:?} {capability:?}"
                    );
                }
            }
        }
        // Every action kind is in the table.
        let kinds = table.iter().filter(|(c, _)| matches!(c, C::Act(_))).count();
        assert_eq!(kinds, 18);
    }

    #[test]
    fn an_action_code_is_its_serde_name() {
        for kind in ActionKind::ALL {
            assert_eq!(serde_json::json!(kind), serde_json::json!(kind.code()));
        }
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
