//! The smaller bodies of the API — problem items, uploads, the staff identity, the calendar
//! load, the village search, the staff audit, one limit's due date, and the admin requests —
//! typed here so that the server only serialises them, the SPA only deserialises them, and
//! the OpenAPI document takes their schemas from them.

use serde::{Deserialize, Serialize};

use super::{DeadlineAnswer, FieldError, Reason};
use crate::calendar::HolidayNotice;
use crate::case::Moment;
use crate::materials::MaterialProblem;
use crate::roles::Role;
use crate::{Date, DivisionCode};

/// Why a situation cannot be applied for, as one item of a 422's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Ineligibility {
    /// The eligibility rules refuse it: every reason with its source.
    NotEligible { reasons: Vec<Reason> },
}

/// Any other problem: its code, and what it says where it says something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OtherProblem {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One item of a problem document's `errors`: a field, a material, the eligibility, or
/// another problem with its code. Every item has a `code`; a client branches on it.
///
/// Read by its `code` from a JSON value (below) rather than with serde's `untagged`, whose
/// buffering code cost every SPA bundle 12 KB of WebAssembly (brotli) for this one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ProblemItem {
    Material(MaterialProblem),
    Ineligible(Ineligibility),
    Field(FieldError),
    Other(OtherProblem),
}

impl<'de> Deserialize<'de> for ProblemItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        let value = Value::deserialize(d)?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let code = text("code").ok_or_else(|| serde::de::Error::missing_field("code"))?;
        let material = || {
            text("material")
                .as_deref()
                .and_then(crate::materials::MaterialCode::from_code)
        };
        let item = match (code.as_str(), material()) {
            ("material_missing", Some(material)) => {
                ProblemItem::Material(MaterialProblem::MaterialMissing { material })
            }
            ("material_duplicated", Some(material)) => {
                ProblemItem::Material(MaterialProblem::MaterialDuplicated { material })
            }
            ("material_unknown", _) => ProblemItem::Material(MaterialProblem::MaterialUnknown {
                material: text("material").unwrap_or_default(),
            }),
            ("not_eligible", _) => ProblemItem::Ineligible(Ineligibility::NotEligible {
                reasons: value
                    .get("reasons")
                    .cloned()
                    .and_then(|r| serde_json::from_value(r).ok())
                    .unwrap_or_default(),
            }),
            _ => match (text("field"), text("message")) {
                (Some(field), Some(message)) => ProblemItem::Field(FieldError {
                    code,
                    field,
                    message,
                    reason: text("reason"),
                }),
                (_, message) => ProblemItem::Other(OtherProblem { code, message }),
            },
        };
        Ok(item)
    }
}

impl ProblemItem {
    pub fn code(&self) -> &str {
        match self {
            ProblemItem::Material(MaterialProblem::MaterialMissing { .. }) => "material_missing",
            ProblemItem::Material(MaterialProblem::MaterialUnknown { .. }) => "material_unknown",
            ProblemItem::Material(MaterialProblem::MaterialDuplicated { .. }) => {
                "material_duplicated"
            }
            ProblemItem::Ineligible(Ineligibility::NotEligible { .. }) => "not_eligible",
            ProblemItem::Field(f) => &f.code,
            ProblemItem::Other(o) => &o.code,
        }
    }
}

/// A problem document (RFC 9457) as a client reads it: the server builds it in
/// `functions/src/problem.rs`, and a test there holds the two to the same fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemDocument {
    pub status: u16,
    /// The stable machine code.
    pub code: String,
    pub title: String,
    pub title_en: String,
    #[serde(default)]
    pub detail: Option<String>,
    /// Read into [`ProblemItem`]s by [`ProblemDocument::items`] where a page shows them, so a
    /// bundle that never does (verify) does not carry that code.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
    /// On a 409 version conflict: the case's version now.
    #[serde(default)]
    pub current_version: Option<u64>,
}

impl ProblemDocument {
    /// Every item of `errors`, typed.
    pub fn items(&self) -> Vec<ProblemItem> {
        self.errors
            .iter()
            .filter_map(|e| serde_json::from_value(e.clone()).ok())
            .collect()
    }
}

/// `GET /api/auth/me`: whom the token presented is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StaffIdentity {
    pub username: String,
    pub role: Role,
    pub division: Option<DivisionCode>,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// What recounting the open cases after a notice was loaded did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecomputeReport {
    /// Open cases looked at.
    pub examined: usize,
    /// Cases whose dates changed (each with an audit event).
    pub recomputed: usize,
    /// Cases that changed meanwhile twice in a row: the sweep counts them again.
    pub conflicts: usize,
    /// Cases left for the sweep when the request's time ran out (it finishes them within the
    /// hour).
    pub remaining: usize,
    /// Cases that could not be read or written (recorded for supervisors; issue 18).
    pub failed: usize,
}

/// What loading a holiday notice did to the notices kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoadOutcome {
    /// A year without a notice before.
    Loaded,
    /// A corrected notice, or one for a built-in year.
    Replaced,
    /// The same notice again: nothing changed.
    Unchanged,
}

impl LoadOutcome {
    pub fn code(self) -> &'static str {
        match self {
            LoadOutcome::Loaded => "loaded",
            LoadOutcome::Replaced => "replaced",
            LoadOutcome::Unchanged => "unchanged",
        }
    }
}

/// `POST /api/admin/calendar`: the outcome, the recount's report and the notice as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CalendarLoaded {
    pub year: i32,
    pub outcome: LoadOutcome,
    pub report: RecomputeReport,
    pub notice: HolidayNotice,
}

/// One village or community the search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VillageMatch {
    pub code: DivisionCode,
    /// The full name, province to village.
    pub name: String,
}

/// `GET /api/divisions/search`: at most 20 villages, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VillageMatches {
    pub results: Vec<VillageMatch>,
}

/// One thing a staff member did outside any case, kept in the store (issue 18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub at: Moment,
    pub by: String,
    pub role: Role,
    pub division: Option<DivisionCode>,
    /// `registry_read`, `queue_read`, `staff_created`, `staff_disabled`, `calendar_loaded`…
    pub action: String,
    /// What it concerned, never in full where it is personal (a masked ID number).
    pub subject: String,
    #[serde(default)]
    pub details: Vec<String>,
}

/// `GET /api/supervision/audit`: a day's entries of the supervisor's division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AuditDay {
    pub division: DivisionCode,
    pub day: Date,
    pub entries: Vec<AuditEntry>,
}

/// `POST /api/uploads` with a JSON body: ask for a presigned PUT instead of sending the file
/// (on AWS a Lambda request is at most 6 MB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UploadRequest {
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    /// Bytes, 1 to 10 MB.
    pub size: u64,
}

/// The 201 of `POST /api/uploads` with the file: its id, recognised type and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Uploaded {
    pub id: String,
    pub content_type: String,
    pub size: u64,
}

/// Where and how to send the file itself: a presigned URL of the object store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PresignedPut {
    pub url: String,
    pub method: String,
    pub content_type: String,
    pub content_length: u64,
    /// Seconds.
    pub expires_in: u64,
}

/// The 201 of `POST /api/uploads` with a JSON request: the id the case will name, and the
/// presigned PUT to send the file with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PresignedUpload {
    pub id: String,
    pub upload: PresignedPut,
}

/// The 201 of `POST /api/uploads`: the file stored, or the presigned PUT to send it with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum UploadAnswer {
    Presigned(PresignedUpload),
    Stored(Uploaded),
}

/// `GET /api/deadline` with `unit` and `value`: one limit's due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DueAnswer {
    pub due: Date,
    /// The count crossed a year whose holiday notice is not loaded: present only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

/// `GET /api/deadline`: the legal steps with their due dates, or one limit's due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum DeadlineReply {
    Steps(DeadlineAnswer),
    Due(DueAnswer),
}

/// `GET /api/cases/{number}` and the answer of an action: the staff view for staff in scope
/// (bearer), the applicant's view for the access code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum CaseReading {
    Staff(Box<super::StaffCaseView>),
    Applicant(Box<super::CaseView>),
}

/// `POST /api/admin/staff`: a new account of one role bound to a division of that role's
/// level (none for administrators and only those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffAccount {
    /// 3–32 of `a-z 0-9 . _ -`.
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = r"^[a-z0-9._-]{3,32}$")))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 50)))]
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub division: Option<DivisionCode>,
    #[cfg_attr(feature = "openapi", schemars(length(min = 10)))]
    pub password: String,
}

/// `POST /api/admin/staff/{username}/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PasswordReset {
    #[cfg_attr(feature = "openapi", schemars(length(min = 10)))]
    pub password: String,
}

/// `POST /api/admin/staff/{username}/role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
    #[serde(default)]
    pub division: Option<DivisionCode>,
}

/// `GET /api/health`. `version` lets the SPA and operators see which build is running;
/// `today` is the service's date (China time), which the SPA uses for its own checks so the
/// browser and the server reckon deadlines from the same day whatever the phone's clock says;
/// `calendar` is the confirmed holiday-data range and, from 60 days before it ends, the warning
/// that the next year's notice is not loaded (issue 16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    pub version: String,
    pub today: Date,
    pub calendar: super::CalendarCoverage,
    /// `checked`: division codes are checked against the country's data; `form_only`: this
    /// server has no division data, codes are checked for their form only (issue 22).
    pub divisions: String,
}

/// `GET /api/guides`: the office's service guide, with the office's name where the division
/// data knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GuideAnswer {
    #[serde(flatten)]
    pub guide: crate::guide::Guide,
    pub office: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_item_reads_back_as_the_kind_it_was_written_as() {
        let items = [
            ProblemItem::Material(MaterialProblem::MaterialMissing {
                material: crate::materials::MaterialCode::HukouBook,
            }),
            ProblemItem::Ineligible(Ineligibility::NotEligible {
                reasons: Vec::new(),
            }),
            ProblemItem::Field(FieldError::new("invalid_field", "applicant.phone", "11 位")),
            ProblemItem::Other(OtherProblem {
                code: "on_site_only".into(),
                message: None,
            }),
        ];
        for item in items {
            let json = serde_json::to_value(&item).unwrap_or_default();
            assert_eq!(json["code"], item.code());
            let back: ProblemItem =
                serde_json::from_value(json).unwrap_or(ProblemItem::Other(OtherProblem {
                    code: "unreadable".into(),
                    message: None,
                }));
            assert_eq!(back, item);
        }
    }

    #[test]
    fn one_due_date_and_a_step_list_read_back_as_themselves() {
        let due = DeadlineReply::Due(DueAnswer {
            due: Date::new(2026, 12, 4).unwrap_or(Date::UNIX_EPOCH),
            provisional: true,
        });
        let json = serde_json::to_string(&due).unwrap_or_default();
        assert_eq!(json, r#"{"due":"2026-12-04","provisional":true}"#);
        assert_eq!(serde_json::from_str::<DeadlineReply>(&json).ok(), Some(due));
    }
}
