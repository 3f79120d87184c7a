//! What a case looks like to the applicant tracking it and to staff in scope: the views the
//! read routes answer (`domain::contract::{CaseView, StaffCaseView}`), built from the record
//! and its events.

use domain::case::{CaseState, Event};
use domain::contract::{
    CaseHead, CaseView, CertificateSummary, MaskedApplicant, MissingItem, ReturnableItem,
    StaffApplicant, StaffCaseView, StaffMay, TimelineEntry,
};
use domain::roles::{ActionKind, Actor, Capability};

use crate::access::audit_only;
use crate::ports::CaseRecord;

/// What the applicant sees: their case with the ID masked and no staff reads in the timeline.
pub fn applicant_view(record: &CaseRecord, events: &[Event], today: domain::Date) -> CaseView {
    let case = &record.case;
    CaseView {
        head: CaseHead::of(case),
        applicant: MaskedApplicant {
            name: record.applicant.name.clone(),
            id_number: record.applicant.id_number.masked(),
        },
        deadlines: case.deadlines.clone(),
        next_due: case.next_due(),
        overdue: case.overdue(today),
        missing: MissingItem::list(case),
        timeline: timeline(events),
        messages: Vec::new(),
        notify: Some(record.applicant.notify.clone()),
        honor_certificate_cancelled_on: case.honor_certificate_cancelled_on,
        deemed_issue: case.deemed_issue,
        delivery_requested: record.applicant.delivery.clone(),
        commitment: record.applicant.commitment.clone(),
        certificate: case.certificate.as_ref().map(|c| CertificateSummary {
            number: c.facts.number.to_string(),
            status: domain::certificate::Standing::of(case.state),
            verify_path: crate::signing::verify_path(c),
        }),
        recognised: case.is_recognition() && case.state == CaseState::Issued,
    }
}

/// The steps anyone reading the case sees: staff reads are audit-only.
fn timeline(events: &[Event]) -> Vec<TimelineEntry> {
    events
        .iter()
        .filter(|e| !audit_only(e))
        .map(|e| TimelineEntry::of(e, false))
        .collect()
}

/// The full record for staff in scope.
pub fn staff_view(
    record: &CaseRecord,
    events: &[Event],
    today: domain::Date,
    actor: &Actor,
) -> StaffCaseView {
    let case = &record.case;
    let a = &record.applicant;
    let permitted: Vec<ActionKind> = ActionKind::ALL
        .into_iter()
        .filter(|k| k.by_staff() && domain::case::authorise(case, *k, actor).is_ok())
        .collect();
    // Which actions apply does not depend on the loaded notices (a date is always counted,
    // provisionally if need be), so the built-in calendar answers it without a store read.
    let available = domain::case::available_actions(
        case,
        actor,
        domain::case::Moment::start_of(today),
        domain::Calendar::builtin(),
    );
    let may = |capability| domain::case::may(case, actor, capability).is_ok();
    StaffCaseView {
        head: CaseHead::of(case),
        reviewing_division: case.reviewing,
        situation: case.situation.clone(),
        applicant: StaffApplicant {
            name: a.name.clone(),
            id_number: a.id_number.masked(),
            phone: a.phone.clone(),
            spouse_name: a.spouse_name.clone(),
            spouse_id_number: a.spouse_id_number.as_ref().map(domain::IdNumber::masked),
        },
        materials: record.materials.clone(),
        deadlines: case.deadlines.clone(),
        next_due: case.next_due(),
        overdue: case.overdue(today),
        red_lights: case.red_lights.clone(),
        seals: case.seals.clone(),
        verifications: case.verifications.clone(),
        corrections: case.corrections.clone(),
        missing: MissingItem::list(case),
        returnable: ReturnableItem::list(case),
        returns: case.returns.clone(),
        out_of_city_check_required: case.needs_out_of_city_check(),
        out_of_city_check: case.out_of_city_check.clone(),
        out_of_city_deferred: case.out_of_city_deferred,
        delivery: case.delivery.clone(),
        delivery_requested: a.delivery.clone(),
        commitment: a.commitment.clone(),
        decided_on: case.decided_on,
        deemed_issue: case.deemed_issue,
        honor_certificate_cancelled_on: case.honor_certificate_cancelled_on,
        certificate: case.certificate.clone(),
        permitted_actions: permitted,
        // An office asked for 协查 and supervisors read; they do not open scans.
        may: StaffMay {
            reveal: may(Capability::Reveal),
            open_scans: may(Capability::OpenScans),
            download_certificate: may(Capability::DownloadCertificate),
        },
        available_actions: available,
        timeline: timeline(events),
        messages: Vec::new(),
        // An audit row names the person (staff see who did what); the timeline does not.
        audit: events.iter().map(|e| TimelineEntry::of(e, true)).collect(),
    }
}
