//! What a case looks like to the applicant tracking it and to staff in scope: the views the
//! read routes answer, built from the record and its events.

use domain::case::{Case, CaseState, Delivery, Event, StepDeadline};
use domain::materials::MaterialCode;
use domain::roles::{ActionKind, Actor, Capability};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::audit_only;
use crate::ports::{CaseRecord, SignedCommitment};

/// What the applicant sees when tracking a case.
#[derive(Debug, Serialize)]
pub struct CaseView {
    number: String,
    version: u64,
    service: domain::Service,
    state: CaseState,
    processing: domain::contract::Processing,
    accepted_on: domain::Date,
    accepting_division: String,
    deciding_division: String,
    applicant: Map<String, Value>,
    deadlines: Vec<StepDeadline>,
    next_due: Option<domain::Date>,
    overdue: Vec<String>,
    missing: Vec<Value>,
    timeline: Vec<Value>,
    honor_certificate_cancelled_on: Option<domain::Date>,
    deemed_issue: bool,
    /// How the applicant asked to receive the certificate.
    delivery_requested: Option<Delivery>,
    commitment: Option<SignedCommitment>,
    /// The electronic certificate once issued: its number, its standing, and the verify page's
    /// address with the signed payload (what its QR code holds), to show or share.
    certificate: Option<Value>,
    /// Another province's re-birth card recognised and registered, with no card of this
    /// province (吉林 002 第七条).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    recognised: bool,
}

fn timeline_entry(e: &Event) -> Value {
    let by = match &e.actor {
        Actor::Staff { role, division, .. } => {
            json!({"kind": "staff", "role": role, "division": division})
        }
        Actor::Applicant => json!({"kind": "applicant"}),
        Actor::System => json!({"kind": "system"}),
    };
    json!({"at": e.at.0, "action": e.action, "from": e.from, "to": e.to, "by": by, "details": e.details})
}

/// What the applicant sees: their case with the ID masked and no staff reads in the timeline.
pub fn applicant_view(record: &CaseRecord, events: &[Event], today: domain::Date) -> CaseView {
    let case = &record.case;
    let mut applicant = Map::new();
    applicant.insert("name".into(), json!(record.applicant.name));
    applicant.insert(
        "id_number".into(),
        json!(record.applicant.id_number.masked()),
    );
    CaseView {
        number: case.number.clone(),
        version: case.version,
        service: case.service,
        state: case.state,
        processing: case.processing,
        accepted_on: case.accepted_on,
        accepting_division: case.accepting.to_string(),
        deciding_division: case.deciding.to_string(),
        applicant,
        deadlines: case.deadlines.clone(),
        next_due: case.next_due(),
        overdue: case.overdue(today),
        missing: missing_list(case),
        timeline: events
            .iter()
            .filter(|e| !audit_only(e))
            .map(timeline_entry)
            .collect(),
        honor_certificate_cancelled_on: case.honor_certificate_cancelled_on,
        deemed_issue: case.deemed_issue,
        delivery_requested: record.applicant.delivery.clone(),
        commitment: record.applicant.commitment.clone(),
        certificate: case.certificate.as_ref().map(|c| {
            json!({
                "number": c.facts.number,
                "status": crate::certificates::status_of(case),
                "verify_path": crate::certificates::verify_path(c),
            })
        }),
        recognised: case.is_recognition() && case.state == CaseState::Issued,
    }
}

/// What the last return asked for, each with what is wrong (one-time notice, 000 二(二)2).
fn missing_list(case: &Case) -> Vec<Value> {
    let last = case.returns.last();
    case.missing
        .iter()
        .map(|m: &MaterialCode| {
            let item = last.and_then(|r| r.items.iter().find(|i| i.code == *m));
            let defect = item.map(|i| i.defect).unwrap_or_default();
            json!({
                "code": m, "name": m.name_zh(), "name_en": m.name_en(),
                "defect": defect, "defect_name": defect.name_zh(), "defect_name_en": defect.name_en(),
                "detail": item.map(|i| i.detail.as_str()).unwrap_or_default(),
            })
        })
        .collect()
}

pub(super) fn actor_name(actor: &Actor) -> &str {
    match actor {
        Actor::Staff { username, .. } => username,
        Actor::Applicant => "applicant",
        Actor::System => "system",
    }
}

/// The full record for staff in scope.
pub fn staff_view(
    record: &CaseRecord,
    events: &[Event],
    today: domain::Date,
    actor: &Actor,
) -> Value {
    let case = &record.case;
    let a = &record.applicant;
    let permitted: Vec<ActionKind> = crate::review::STAFF_ACTIONS
        .into_iter()
        .filter(|k| domain::case::authorise(case, *k, actor).is_ok())
        .collect();
    // Which actions apply does not depend on the loaded notices (a date is always counted,
    // provisionally if need be), so the built-in calendar answers it without a store read.
    let available = domain::case::available_actions(
        case,
        actor,
        domain::case::Moment::start_of(today),
        domain::Calendar::builtin(),
    );
    json!({
        "number": case.number,
        "version": case.version,
        "service": case.service,
        "state": case.state,
        "processing": case.processing,
        "accepted_on": case.accepted_on,
        "accepting_division": case.accepting.to_string(),
        "deciding_division": case.deciding.to_string(),
        "reviewing_division": case.reviewing.map(|d| d.to_string()),
        "situation": case.situation,
        "applicant": {
            "name": a.name, "id_number": a.id_number.masked(), "phone": a.phone,
            "spouse_name": a.spouse_name,
            "spouse_id_number": a.spouse_id_number.as_ref().map(domain::IdNumber::masked),
        },
        "materials": record.materials,
        "deadlines": case.deadlines,
        "next_due": case.next_due(),
        "overdue": case.overdue(today),
        "red_lights": case.red_lights,
        "seals": case.seals,
        "verifications": case.verifications,
        "corrections": case.corrections,
        "missing": missing_list(case),
        // What a return may name now (000 二(二)2): the applicant's items, each saying whether
        // it was accepted before and so needs a county approver's written reason.
        "returnable": case.returnable().iter().map(|r| json!({
            "code": r.code, "name": r.code.name_zh(), "name_en": r.code.name_en(),
            "needs_exception": r.needs_exception,
        })).collect::<Vec<_>>(),
        "returns": case.returns,
        // 003 三(二): an out-of-province proof is issued after the window's recorded check.
        "out_of_city_check_required": case.needs_out_of_city_check(),
        "out_of_city_check": case.out_of_city_check,
        "out_of_city_deferred": case.out_of_city_deferred,
        "delivery": case.delivery,
        "delivery_requested": a.delivery,
        "commitment": a.commitment,
        "decided_on": case.decided_on,
        "deemed_issue": case.deemed_issue,
        "honor_certificate_cancelled_on": case.honor_certificate_cancelled_on,
        "certificate": case.certificate,
        // What this role may do here by role and division; the case's state decides the rest.
        "permitted_actions": permitted,
        // What else this person may do with the case (domain::case::may): the console offers
        // only these (an office asked for 协查 and supervisors read; they do not open scans).
        "may": {
            "reveal": domain::case::may(case, actor, Capability::Reveal).is_ok(),
            "open_scans": domain::case::may(case, actor, Capability::OpenScans).is_ok(),
            "download_certificate": domain::case::may(case, actor, Capability::DownloadCertificate).is_ok(),
        },
        // Of those, what the case's state allows now: what the console offers.
        "available_actions": available,
        "timeline": events.iter().filter(|e| !audit_only(e)).map(timeline_entry).collect::<Vec<_>>(),
        "audit": events.iter().map(audit_entry).collect::<Vec<_>>(),
    })
}

/// An audit row names the person (staff see who did what); the applicant's timeline does not.
fn audit_entry(e: &Event) -> Value {
    let mut v = timeline_entry(e);
    if let Actor::Staff { username, .. } = &e.actor {
        v["by"]["username"] = json!(username);
    }
    v
}
