//! What the read routes answer about a case: the applicant's tracking view
//! (`GET /api/cases/{number}`) and the staff view (`GET /api/staff/cases/{number}`). The
//! server builds and serialises them; the SPA deserialises the same types, so a field renamed
//! on one side fails to compile on the other instead of silently reading a default.

use serde::{Deserialize, Serialize};

use crate::case::{Action, Case, Defect};
use crate::case::{
    CaseState, Correction, Delivery, Event, IssuedCertificate, Moment, RecordedCheck, ReturnRecord,
    Seal, StepDeadline, Verification,
};
use crate::certificate::Standing;
use crate::contract::{EligibilityRequest, Processing};
use crate::date::Date;
use crate::division::DivisionCode;
use crate::materials::{MaterialCode, ProvidedMaterial};
use crate::roles::{ActionKind, Actor, Role};
use crate::service::Service;

/// The online commitment an application carries (承诺; 002 art. 10, 004 三(二)): which text,
/// and when it was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SignedCommitment {
    /// `commitment::VERSION` of the text agreed to.
    pub version: String,
    pub signed_at: Moment,
}

/// `POST /api/cases/{number}/actions`: the action, the case version the actor saw (a stale
/// one is refused, 409), and for a resubmission the materials brought. The server reads the
/// body field by field to answer every problem at once; the SPA sends this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ActionRequest {
    pub version: u64,
    #[serde(flatten)]
    pub action: Action,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<ProvidedMaterial>,
}

/// Who took a step, as a timeline shows it: staff by role and division (the audit adds the
/// username; the applicant's timeline never names a person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepBy {
    Staff {
        role: Role,
        division: Option<DivisionCode>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
    },
    Applicant,
    System,
}

/// One step of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    pub at: Moment,
    pub action: String,
    pub from: Option<CaseState>,
    pub to: CaseState,
    pub by: StepBy,
    /// Reasons, opinions, the missing list — in words, with sources where rules apply.
    pub details: Vec<String>,
}

impl TimelineEntry {
    /// The entry for `event`; `named` adds the staff member's username (the audit trail).
    pub fn of(event: &Event, named: bool) -> TimelineEntry {
        let by = match &event.actor {
            Actor::Staff {
                username,
                role,
                division,
            } => StepBy::Staff {
                role: *role,
                division: *division,
                username: named.then(|| username.clone()),
            },
            Actor::Applicant => StepBy::Applicant,
            Actor::System => StepBy::System,
        };
        TimelineEntry {
            at: event.at,
            action: event.action.clone(),
            from: event.from,
            to: event.to,
            by,
            details: event.details.clone(),
        }
    }
}

/// An item the last return asked for, with what is wrong with it (one-time notice, 000
/// 二(二)2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MissingItem {
    pub code: MaterialCode,
    pub name: String,
    pub name_en: String,
    pub defect: Defect,
    pub defect_name: String,
    pub defect_name_en: String,
    pub detail: String,
}

impl MissingItem {
    /// What the last return of `case` asked for, each with its defect.
    pub fn list(case: &Case) -> Vec<MissingItem> {
        let last = case.returns.last();
        case.missing
            .iter()
            .map(|m| {
                let item = last.and_then(|r| r.items.iter().find(|i| i.code == *m));
                let defect = item.map(|i| i.defect).unwrap_or_default();
                MissingItem {
                    code: *m,
                    name: m.name_zh().to_string(),
                    name_en: m.name_en().to_string(),
                    defect,
                    defect_name: defect.name_zh().to_string(),
                    defect_name_en: defect.name_en().to_string(),
                    detail: item.map(|i| i.detail.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// An item a return may name now (000 二(二)2): the applicant's items, each saying whether it
/// was accepted before and so needs a county approver's written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReturnableItem {
    pub code: MaterialCode,
    pub name: String,
    pub name_en: String,
    pub needs_exception: bool,
}

impl ReturnableItem {
    pub fn list(case: &Case) -> Vec<ReturnableItem> {
        case.returnable()
            .iter()
            .map(|r| ReturnableItem {
                code: r.code,
                name: r.code.name_zh().to_string(),
                name_en: r.code.name_en().to_string(),
                needs_exception: r.needs_exception,
            })
            .collect()
    }
}

/// The electronic certificate as the applicant sees it: its number, its standing, and the
/// verify page's address with the signed payload (what its QR code holds), to show or share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CertificateSummary {
    pub number: String,
    pub status: Standing,
    pub verify_path: Option<String>,
}

/// The applicant as the tracking view shows them: the ID number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MaskedApplicant {
    pub name: String,
    /// Masked (`IdNumber::masked`).
    pub id_number: String,
}

/// The applicant and spouse as staff see them: ID numbers masked until revealed (audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffApplicant {
    pub name: String,
    /// Masked.
    pub id_number: String,
    pub phone: String,
    pub spouse_name: Option<String>,
    /// Masked.
    pub spouse_id_number: Option<String>,
}

/// A person's name and full ID number, as an audited reveal shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RevealedPerson {
    pub name: Option<String>,
    /// In full (the reveal is audited).
    pub id_number: String,
}

/// `POST /api/cases/{number}/reveal`: the full ID numbers of the case (audited, 吉林 art. 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Revealed {
    pub number: String,
    pub applicant: RevealedPerson,
    pub spouse: Option<RevealedPerson>,
}

/// What else the reader may do with the case (`case::may`): the console offers only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffMay {
    pub reveal: bool,
    pub open_scans: bool,
    pub download_certificate: bool,
}

/// What every view of a case starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CaseHead {
    pub number: String,
    pub version: u64,
    pub service: Service,
    pub state: CaseState,
    pub processing: Processing,
    pub accepted_on: Date,
    pub accepting_division: DivisionCode,
    pub deciding_division: DivisionCode,
}

impl CaseHead {
    pub fn of(case: &Case) -> CaseHead {
        CaseHead {
            number: case.number.clone(),
            version: case.version,
            service: case.service,
            state: case.state,
            processing: case.processing,
            accepted_on: case.accepted_on,
            accepting_division: case.accepting,
            deciding_division: case.deciding,
        }
    }
}

/// What the applicant sees when tracking a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CaseView {
    /// Which case, where it stands, who accepted and who decides.
    #[serde(flatten)]
    pub head: CaseHead,
    pub applicant: MaskedApplicant,
    pub deadlines: Vec<StepDeadline>,
    pub next_due: Option<Date>,
    /// Steps past their last day: step codes, an open 协查 is `verification:<id>`.
    pub overdue: Vec<String>,
    pub missing: Vec<MissingItem>,
    pub timeline: Vec<TimelineEntry>,
    /// The messages sent to the applicant, with their delivery status (issue 20).
    #[serde(default)]
    pub messages: Vec<crate::notify::LogEntry>,
    /// How the applicant chose to hear of each step (they may change it on the tracking page).
    #[serde(default)]
    pub notify: Option<crate::notify::Preference>,
    pub honor_certificate_cancelled_on: Option<Date>,
    pub deemed_issue: bool,
    /// How the applicant asked to receive the certificate.
    pub delivery_requested: Option<Delivery>,
    pub commitment: Option<SignedCommitment>,
    pub certificate: Option<CertificateSummary>,
    /// Another province's re-birth card recognised and registered, with no card of this
    /// province (吉林 002 第七条).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recognised: bool,
}

/// The full record for staff in scope: ID numbers masked, every step and its audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffCaseView {
    /// Which case, where it stands, who accepted and who decides.
    #[serde(flatten)]
    pub head: CaseHead,
    pub reviewing_division: Option<DivisionCode>,
    pub situation: EligibilityRequest,
    pub applicant: StaffApplicant,
    pub materials: Vec<ProvidedMaterial>,
    pub deadlines: Vec<StepDeadline>,
    pub next_due: Option<Date>,
    pub overdue: Vec<String>,
    pub red_lights: Vec<String>,
    pub seals: Vec<Seal>,
    pub verifications: Vec<Verification>,
    pub corrections: Vec<Correction>,
    pub missing: Vec<MissingItem>,
    pub returnable: Vec<ReturnableItem>,
    pub returns: Vec<ReturnRecord>,
    /// 003 三(二): an out-of-province proof is issued after the window's recorded check.
    pub out_of_city_check_required: bool,
    pub out_of_city_check: Option<RecordedCheck>,
    pub out_of_city_deferred: Option<Date>,
    pub delivery: Option<Delivery>,
    pub delivery_requested: Option<Delivery>,
    pub commitment: Option<SignedCommitment>,
    pub decided_on: Option<Date>,
    pub deemed_issue: bool,
    pub honor_certificate_cancelled_on: Option<Date>,
    pub certificate: Option<IssuedCertificate>,
    /// What this role may do here by role and division; the case's state decides the rest.
    pub permitted_actions: Vec<ActionKind>,
    pub may: StaffMay,
    /// Of those, what the case's state allows now: what the console offers.
    pub available_actions: Vec<ActionKind>,
    pub timeline: Vec<TimelineEntry>,
    pub audit: Vec<TimelineEntry>,
    /// The messages sent about the case, with their delivery status (issue 20).
    #[serde(default)]
    pub messages: Vec<crate::notify::LogEntry>,
}

/// One row of a work queue (`GET /api/staff/cases`): masked, with its red light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct QueueRow {
    #[serde(flatten)]
    pub head: CaseHead,
    pub next_due: Option<Date>,
    /// Some step is past its last day (000 三(四)).
    pub red_light: bool,
    pub overdue: Vec<String>,
    pub applicant: MaskedApplicant,
    pub deemed_issue: bool,
}

/// A page of the work queue: next deadline first, red lights first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct QueuePage {
    /// The division listed (the caller's, or one inside it).
    pub division: DivisionCode,
    pub today: Date,
    pub items: Vec<QueueRow>,
    /// Pass as `cursor` for the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

/// A staff account as administrators see it (`/api/admin/staff…`), with the failed sign-ins
/// counted under its name; never a password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffAccountView {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub division: Option<DivisionCode>,
    pub failed_logins: u32,
    pub locked: bool,
}

/// `GET /api/admin/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffAccounts {
    pub accounts: Vec<StaffAccountView>,
}
