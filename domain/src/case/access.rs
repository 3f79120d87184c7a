//! Who may do what with a case (SPEC §4, §5; issue 18): the capability a request needs, the
//! actor's role, and how the actor's division stands to the case. Workflow steps keep their
//! per-step rules in `authorise`; reading, revealing, opening scans and downloading the
//! certificate are decided here, so every route asks one function.

use super::{Case, TransitionError, authorise};
use crate::division::DivisionCode;
use crate::roles::{self, Actor, Capability, Relation, Role, in_scope};

/// The division works the case: it is, or encloses, the accepting or the deciding office.
pub fn works(case: &Case, division: DivisionCode) -> bool {
    in_scope(division, &case.working_offices())
}

/// The division was asked to verify (协查) for the case: it is the office asked, or one of its
/// own (a township of the county asked answers for it), or encloses it.
pub fn verifies(case: &Case, division: DivisionCode) -> bool {
    case.verifications
        .iter()
        .any(|v| division.contains(v.to) || v.to.contains(division))
}

/// How `division` stands to `case`.
pub fn relation(case: &Case, division: DivisionCode) -> Relation {
    if works(case, division) {
        Relation::Works
    } else if verifies(case, division) {
        Relation::Verifies
    } else {
        Relation::Outside
    }
}

/// May `actor` exercise `capability` on `case`? Staff only for everything but workflow steps
/// (the applicant reads with the access code, which the server checks itself). The role and
/// relation are the table's (`roles::may`); a workflow step's own office rules are
/// `authorise`'s.
pub fn may(case: &Case, actor: &Actor, capability: Capability) -> Result<(), TransitionError> {
    if let Capability::Act(kind) = capability {
        return authorise(case, kind, actor);
    }
    let Actor::Staff {
        role,
        division: Some(division),
        ..
    } = actor
    else {
        return Err(TransitionError::OutOfScope);
    };
    let role = *role;
    if roles::may(role, relation(case, *division), capability) {
        Ok(())
    } else if role == Role::Admin {
        Err(TransitionError::NoCaseAccess { role })
    } else {
        Err(TransitionError::OutOfScope)
    }
}
