//! The workflow: who may take which step (`authorise`), what a step changes (`apply`, each
//! phase a method of `steps::Step`), the steps an actor is offered (`available_actions`), and
//! how the limits are counted again.

use super::steps::Step;
use super::*;

/// Applies an action. On success returns the new case (version + 1) and its audit events.
/// Who may take the step is [`authorise`]; what it changes is one [`Step`] method per phase.
pub fn apply(
    case: &Case,
    action: &Action,
    actor: &Actor,
    now: Moment,
    calendar: &Calendar,
) -> Result<(Case, Vec<Event>), TransitionError> {
    let kind = action.kind();
    authorise(case, kind, actor)?;
    let mut step = Step {
        case,
        actor,
        now,
        today: now.date(),
        calendar,
        kind,
        next: case.clone(),
        details: Vec::new(),
    };
    match action {
        Action::PreReview | Action::Return { .. } => step.intake(action)?,
        Action::Resubmit | Action::Withdraw => step.resume(action)?,
        Action::TownshipOpinion { .. } | Action::Approve { .. } | Action::Refuse { .. } => {
            step.decide(action)?
        }
        Action::Seal => step.seal(action)?,
        Action::RequestVerification { .. } | Action::AnswerVerification { .. } => {
            step.verify(action)?
        }
        Action::DeferOutOfCityCheck { .. } | Action::ForwardOut { .. } => step.refer(action)?,
        Action::Issue { .. } | Action::Deliver { .. } => step.issue(action)?,
        Action::DeemedIssue => step.deem(action)?,
        Action::Revoke { .. } | Action::Void { .. } => step.undo(action)?,
        Action::ResolveCorrection { .. } => step.correct(action)?,
    }
    let Step {
        mut next, details, ..
    } = step;
    next.version = case.version + 1;
    let event = Event {
        at: now,
        actor: actor.clone(),
        action: kind.code().into(),
        from: Some(case.state),
        to: next.state,
        details,
    };
    Ok((next, vec![event]))
}

/// The staff actions `actor` could take on `case` now: each is tried on a copy with a
/// placeholder payload, so the answer is exactly what [`apply`] allows (role, division, state,
/// an open 协查 to answer, a level not yet sealed) and the console offers nothing that would
/// be refused for anything but its own input.
pub fn available_actions(
    case: &Case,
    actor: &Actor,
    now: Moment,
    calendar: &Calendar,
) -> Vec<ActionKind> {
    let text = || vec!["-".to_string()];
    let open = case
        .verifications
        .iter()
        .find(|v| v.answered_on.is_none())
        .map_or(0, |v| v.id);
    let tries = [
        Action::PreReview,
        Action::Return {
            // An item this actor could name, if any: after a first return only what is still
            // open, or (a county approver, with a reason) anything on the list.
            missing: case
                .returnable()
                .iter()
                .find(|r| !r.needs_exception)
                .or(case.returnable().first())
                .map(|r| vec![r.code])
                .unwrap_or_default(),
            items: Vec::new(),
            note: String::new(),
            exception: Some("-".into()),
        },
        Action::TownshipOpinion {
            agree: true,
            opinion: "-".into(),
        },
        Action::Approve {
            basis: String::new(),
        },
        Action::Refuse { reasons: text() },
        Action::Seal,
        Action::RequestVerification {
            to: case.deciding,
            question: "-".into(),
        },
        Action::AnswerVerification {
            id: open,
            answer: "-".into(),
        },
        Action::DeferOutOfCityCheck {
            reason: "-".into(),
            to: None,
        },
        Action::ForwardOut { via: "-".into() },
        Action::Issue {
            out_of_city: Some(OutOfCityCheck {
                method: CheckMethod::Phone,
                contact: "-".into(),
                result: "-".into(),
            }),
        },
        Action::Deliver {
            delivery: Delivery::Pickup,
        },
        Action::Revoke { reasons: text() },
        Action::Void { reasons: text() },
        Action::ResolveCorrection {
            id: case.open_corrections().next().map_or(0, |c| c.id),
            resolution: "-".into(),
            holders: None,
        },
    ];
    tries
        .iter()
        .filter(|a| match apply(case, a, actor, now, calendar) {
            Ok(_) => true,
            // Outside the years that can be counted at all (before 2008, after 2099) the step
            // is still the actor's to take; the server explains why it has no due date.
            Err(TransitionError::Calendar(_)) => true,
            Err(_) => false,
        })
        .map(Action::kind)
        .collect()
}

pub(super) fn non_empty(reasons: &[String]) -> Result<Vec<String>, TransitionError> {
    let r: Vec<String> = reasons
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if r.is_empty() {
        Err(TransitionError::ReasonsRequired)
    } else {
        Ok(r)
    }
}

pub(super) fn staff_identity(actor: &Actor) -> (String, Option<DivisionCode>) {
    match actor {
        Actor::Staff {
            username, division, ..
        } => (username.clone(), *division),
        Actor::Applicant => ("applicant".into(), None),
        Actor::System => ("system".into(), None),
    }
}

/// Role × action, then scope: where in SPEC §4 the acting office stands. Public so the
/// server can refuse before it looks at versions, and the console can show what is allowed.
pub fn authorise(case: &Case, kind: ActionKind, actor: &Actor) -> Result<(), TransitionError> {
    match actor {
        Actor::Applicant => {
            if matches!(kind, ActionKind::Resubmit | ActionKind::Withdraw) {
                Ok(())
            } else {
                Err(TransitionError::NotPermitted {
                    role: None,
                    action: kind,
                })
            }
        }
        Actor::System => {
            if kind == ActionKind::DeemedIssue {
                Ok(())
            } else {
                Err(TransitionError::NotPermitted {
                    role: None,
                    action: kind,
                })
            }
        }
        Actor::Staff { role, division, .. } => {
            // One deciding office (issue 17 point 4): where a township decides, its officer
            // approves and no county approval is asked for.
            let permitted = if kind == ActionKind::Approve && case.township_decides() {
                *role == Role::TownshipOfficer
            } else {
                permits(*role, kind)
            };
            if !permitted {
                return Err(TransitionError::NotPermitted {
                    role: Some(*role),
                    action: kind,
                });
            }
            let Some(division) = division else {
                return Err(TransitionError::OutOfScope);
            };
            // Who must stand where: the deciding office decides, the accepting office
            // accepts and issues instant items, the office asked answers its 协查.
            let offices: Vec<DivisionCode> = match kind {
                ActionKind::Approve | ActionKind::Revoke | ActionKind::Void => vec![case.deciding],
                // The original office verifies and corrects (004 四(四)).
                ActionKind::ResolveCorrection => vec![case.deciding],
                // The first office sends the file it took (000 二(二)3).
                ActionKind::ForwardOut => vec![case.accepting],
                ActionKind::Refuse if case.processing == Processing::Promise => vec![case.deciding],
                // The 申报地 pre-reviews (004 四(三)); the township of a spouse's hukou gives
                // the re-birth opinion (002 第六条).
                ActionKind::PreReview | ActionKind::TownshipOpinion if case.reviewing.is_some() => {
                    case.reviewing.into_iter().collect()
                }
                ActionKind::TownshipOpinion => vec![case.accepting, case.deciding],
                ActionKind::AnswerVerification => case.verifications.iter().map(|v| v.to).collect(),
                ActionKind::Issue if case.processing == Processing::Promise => vec![case.deciding],
                // Every other step belongs to the offices that work the case; an office asked
                // for 协查 only answers it (issue 18).
                _ => case.working_offices(),
            };
            if in_scope(*division, &offices) {
                Ok(())
            } else {
                Err(TransitionError::OutOfScope)
            }
        }
    }
}

/// 000 二(二)5: the county has 20 days from *receipt* of the township's opinion, within the
/// 30-day whole; once the township is done, the county step is re-based on that day.
/// Why a resubmission restarts the review and its limits. 000 二(二)5 counts "自受理申请之日";
/// 行政许可法 第三十二条 makes an application 受理 once its materials are complete (补正齐全), so
/// the limits run again from the resubmission — this system's reading, the notices being silent.
/// It also means no case is deemed issued before the materials it was returned for have been
/// open to review for the whole limit (issue 17 point 7).
pub const RESTART_SOURCE: &str =
    "行政许可法 第三十二条；000 二(二)5 未规定补正后如何计算，本系统按补正齐全之日重新受理计算";

/// Every step of the review open again, counted from `from` (see [`RESTART_SOURCE`]).
pub(super) fn restart_review(
    case: &mut Case,
    from: Date,
    calendar: &Calendar,
) -> Result<(), TransitionError> {
    let fresh = policy::deadline_of(&case.situation, from, calendar)??;
    for step in case.deadlines.iter_mut() {
        if let Some(f) = fresh.steps.iter().find(|f| f.step == step.step) {
            step.due = f.due;
            step.provisional = f.provisional;
            step.done_on = None;
        }
    }
    case.review_from = Some(from);
    Ok(())
}

impl Case {
    /// The day the review's limits run from: acceptance, or the last completed resubmission.
    pub fn review_from(&self) -> Date {
        self.review_from.unwrap_or(self.accepted_on)
    }
}

pub(super) fn recompute_county_step(
    case: &mut Case,
    township_done: Date,
    calendar: &Calendar,
) -> Result<(), CalendarError> {
    // The deciding office's province counts (a file forwarded to another province, 000 二(二)3).
    let total_cap = match policy::rules::for_province(case.deciding.province_number())
        .map(|r| r.rebirth_limit.value)
    {
        Some(policy::rules::RebirthLimit::TownshipCounty { total, .. }) => {
            Some(calendar.due(case.review_from(), total)?)
        }
        _ => None,
    };
    if let Some(step) = case
        .deadlines
        .iter_mut()
        .find(|d| d.step == "county_decision" && d.done_on.is_none())
    {
        let mut due = calendar.due(township_done, step.limit)?;
        if let Some(cap) = total_cap
            && cap.date < due.date
        {
            due = cap;
        }
        step.due = due.date;
        step.provisional = due.provisional;
    }
    Ok(())
}

/// A date as a notice or the timeline writes it, with the provisional label when it rests on a
/// year whose holiday notice is not loaded.
pub fn dated(due: Due) -> String {
    if due.provisional {
        format!("{}（{PROVISIONAL_NOTE}）", due.date)
    } else {
        due.date.to_string()
    }
}
