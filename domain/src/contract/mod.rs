//! The JSON contracts of SPEC §9, shared by the SPA and the functions. Their shapes are fixed:
//! outside systems depend on them. Extensions are optional fields only.
//!
//! Requests are read field by field from a `serde_json::Value` by [`EligibilityRequest::from_json`]
//! so that a malformed request is answered with **every** bad field at once, not serde's first.

mod answers;
mod application;
mod lookup;
mod supervision;
mod views;

pub use answers::{
    AuditDay, AuditEntry, CalendarLoaded, CaseReading, DeadlineReply, DueAnswer, GuideAnswer,
    Health, Ineligibility, LoadOutcome, NewStaffAccount, OtherProblem, PasswordReset, PresignedPut,
    PresignedUpload, ProblemDocument, ProblemItem, RecomputeReport, RoleChange, StaffIdentity,
    UploadAnswer, UploadRequest, Uploaded, VillageMatch, VillageMatches,
};
pub use application::{
    ApplicantEntry, Application, CaseSubmitted, CommitmentEntry, LoginAnswer, LoginRequest, Person,
    PersonEntry, Submission, SubmissionNotice, check_application, read_preference, read_submission,
};

pub use lookup::{
    CorrectionRequest, CorrectionRequested, LookupAnswer, LookupEntry, LookupRequest,
    RegistryAnswer, RegistryChild, RegistryRequest,
};
pub use supervision::{
    CalendarCoverage, CalendarOverview, CoverageWarning, FailedMessage, NoticeYear, OfficeSummary,
    ProcessingBand, ReturnException, SupervisionSummary, SweepFailure,
};
pub use views::{
    ActionRequest, CaseHead, CaseView, CertificateSummary, MaskedApplicant, MissingItem, QueuePage,
    QueueRow, ReturnableItem, Revealed, RevealedPerson, SignedCommitment, StaffAccountView,
    StaffAccounts, StaffApplicant, StaffCaseView, StaffMay, StepBy, TimelineEntry,
};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calendar::TimeLimit;
use crate::date::Date;
use crate::division::DivisionCode;
use crate::materials::MaterialCode;
use crate::service::Service;

/// Marital situation of the applying couple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Marriage {
    First,
    Remarried,
    /// 复婚: married again to the former spouse — outside the remarried quotas (001 一(一)).
    RemarriedFormerSpouse,
    Unmarried,
}

/// Whose child: the couple's, or one spouse's from before this marriage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChildOf {
    Joint,
    Husband,
    Wife,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    None,
    /// 病残儿 with the 病残儿医学鉴定结论 of the municipal or district health commission.
    NonHereditaryAppraised,
}

/// One child: twins are two entries ("两孩" counts children, not births; 001 一(一)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Child {
    pub born: Date,
    pub of: ChildOf,
    pub disability: Disability,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hukou {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub husband: Option<DivisionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wife: Option<DivisionCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Residence {
    pub division: DivisionCode,
    pub since: Date,
}

/// `POST /api/eligibility` — the applicant's situation (also `situation` in `POST /api/cases`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EligibilityRequest {
    pub service: Service,
    /// The accepting office; its province picks the rules.
    pub division: DivisionCode,
    /// The day of application.
    pub date: Date,
    pub marriage: Marriage,
    #[serde(default)]
    pub children: Vec<Child>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hukou: Option<Hukou>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<Residence>,
    #[serde(default)]
    pub honor_certificate: bool,
    #[serde(default)]
    pub dishonest: bool,
    #[serde(default)]
    pub other_province_rebirth_card: bool,
    /// Extension: applying through a delegate (委托代办; 吉林 art. 7(2nd), 000 二(二)1).
    #[serde(default, skip_serializing_if = "is_false")]
    pub delegated: bool,
    /// Extension: a birth-service card for a child already born, the last in `children`
    /// (吉林 art. 4, 补办).
    #[serde(default, skip_serializing_if = "is_false")]
    pub retroactive: bool,
}

impl EligibilityRequest {
    /// Every hukou place given, the wife's first.
    pub fn hukou_places(&self) -> impl Iterator<Item = DivisionCode> + '_ {
        self.hukou
            .iter()
            .flat_map(|h| [h.wife, h.husband])
            .flatten()
    }

    /// The hukou places in the accepting office's province.
    pub fn hukou_in_province(&self) -> impl Iterator<Item = DivisionCode> + '_ {
        let province = self.division.province();
        self.hukou_places().filter(move |h| province.contains(*h))
    }

    /// A first-married couple with no children and no special facts: the situation a
    /// service guide or a deadline table describes.
    pub fn typical(service: Service, division: DivisionCode, date: Date) -> EligibilityRequest {
        EligibilityRequest {
            service,
            division,
            date,
            marriage: Marriage::First,
            children: Vec::new(),
            hukou: None,
            residence: None,
            honor_certificate: false,
            dishonest: false,
            other_province_rebirth_card: false,
            delegated: false,
            retroactive: false,
        }
    }
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// How a decision bears on the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The rule that allows it.
    Allows,
    /// A rule that is not met.
    Denies,
    /// A consequence or condition the applicant must know (e.g. honour certificate cancelled).
    Note,
}

/// One reason, always with the seed article it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Reason {
    pub code: String,
    pub text: String,
    pub source: String,
    /// Extension: the English text.
    #[serde(default)]
    pub text_en: String,
    /// Extension: allows, denies or note.
    pub effect: Effect,
}

/// Who produces a material: the applicant brings it, or the window/database provides it
/// (SPEC §3: 婚育情况证明 is issued by the window; data the population database holds is not asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProvidedBy {
    Applicant,
    Window,
    /// Confirmed from the population database or the e-licence platform: not asked
    /// (吉林 art. 9; 004 三(二)).
    Database,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct MaterialItem {
    pub code: MaterialCode,
    pub name: String,
    pub source: String,
    /// Extension: English name.
    #[serde(default)]
    pub name_en: String,
    /// Extension: details (which pages, originals and copies, ...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Extension: who provides it.
    pub provided_by: ProvidedBy,
    /// Extension: original, or original and copy — only where the text says which
    /// (issue 17 point 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<MaterialForm>,
}

/// What the guide asks to see of a paper (003 附件2: "原件及复印件"; 生育服务证指南 四1: the
/// originals are seen and handed back, "不得收取任何材料").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    /// The original is shown, checked and handed back; nothing is kept.
    Original,
    /// The original is shown and a copy is handed in.
    OriginalAndCopy,
}

impl MaterialForm {
    pub fn name_zh(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件（当场查验后退还）",
            MaterialForm::OriginalAndCopy => "原件及复印件",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            MaterialForm::Original => "original (checked and handed back)",
            MaterialForm::OriginalAndCopy => "original and a copy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Processing {
    /// 即办件: issued on the spot when materials are complete.
    Instant,
    /// 承诺件/承办件: decided within a legal time limit.
    Promise,
}

/// `POST /api/eligibility` 200 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct EligibilityAnswer {
    pub eligible: bool,
    pub service: Service,
    pub processing: Processing,
    /// Never empty: an eligible answer cites the rule that allows it.
    pub reasons: Vec<Reason>,
    /// The complete list for this situation; empty only when not eligible.
    pub materials: Vec<MaterialItem>,
    pub deciding_division: DivisionCode,
    pub time_limit: TimeLimit,
    /// Extension: the office that pre-reviews and gives the opinion, where the texts name one
    /// other than the accepting office (重庆: the 申报地, 004 四(三); 吉林 re-birth: the township
    /// of a spouse's hukou, 002 第六条). It sees the case in its queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewing_division: Option<DivisionCode>,
}

/// One step of a legal procedure with its limit and due date (`GET /api/deadline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeadlineStep {
    pub step: String,
    pub unit: crate::calendar::TimeUnit,
    pub value: u32,
    pub due: Date,
    /// Extension: the article that sets this limit.
    #[serde(default)]
    pub source: String,
    /// The count crossed a year whose holiday notice is not loaded (SPEC §9): present only
    /// when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeadlineAnswer {
    pub steps: Vec<DeadlineStep>,
    pub due: Date,
    /// Some step's due date is provisional (SPEC §9): present only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
}

/// One problem with one field of a request, in a problem document's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FieldError {
    /// `invalid_field` (or `unknown_field`, `missing_field`).
    pub code: String,
    /// JSON path, e.g. `children[1].born`.
    pub field: String,
    pub message: String,
    /// A finer code where one helps a client (an ID number's `id_check_digit`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FieldError {
    pub fn new(code: &str, field: &str, message: impl Into<String>) -> Self {
        FieldError {
            code: code.to_string(),
            field: field.to_string(),
            message: message.into(),
            reason: None,
        }
    }
}

/// Collects field errors while reading an object.
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    prefix: String,
    errors: &'a mut Vec<FieldError>,
}

impl<'a> Reader<'a> {
    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn unknown(&mut self, known: &[&str]) {
        for key in self.obj.keys() {
            if !known.contains(&key.as_str()) {
                let p = self.path(key);
                self.errors.push(FieldError::new(
                    "unknown_field",
                    &p,
                    "未知字段 / unknown field",
                ));
            }
        }
    }

    /// A required field parsed by serde; records an error and returns None when bad.
    fn required<T: serde::de::DeserializeOwned>(&mut self, key: &str, what: &str) -> Option<T> {
        match self.obj.get(key) {
            None | Some(Value::Null) => {
                let p = self.path(key);
                self.errors.push(FieldError::new(
                    "missing_field",
                    &p,
                    format!("缺少必填字段 / required: {what}"),
                ));
                None
            }
            Some(v) => self.parse(key, v, what),
        }
    }

    fn optional<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        what: &str,
    ) -> Option<Option<T>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => self.parse(key, v, what).map(Some),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(
        &mut self,
        key: &str,
        v: &Value,
        what: &str,
    ) -> Option<T> {
        match T::deserialize(v) {
            Ok(t) => Some(t),
            Err(e) => {
                let p = self.path(key);
                self.errors
                    .push(FieldError::new("invalid_field", &p, format!("{what}: {e}")));
                None
            }
        }
    }
}

fn object<'a>(
    v: &'a Value,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match v.as_object() {
        Some(o) => Some(o),
        None => {
            errors.push(FieldError::new(
                "invalid_field",
                field,
                "应为对象 / expected an object",
            ));
            None
        }
    }
}

impl EligibilityRequest {
    /// Reads a request, reporting every bad field at once.
    pub fn from_json(value: &Value) -> Result<EligibilityRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let parsed = Self::read(value, "", &mut errors);
        match parsed {
            Some(r) if errors.is_empty() => Ok(r),
            _ => Err(errors),
        }
    }

    /// Reads the situation at `prefix` (e.g. `situation` inside a case), adding to `errors`.
    pub fn read(
        value: &Value,
        prefix: &str,
        errors: &mut Vec<FieldError>,
    ) -> Option<EligibilityRequest> {
        let field = if prefix.is_empty() { "(body)" } else { prefix };
        let obj = object(value, field, errors)?;
        let mut r = Reader {
            obj,
            prefix: prefix.to_string(),
            errors,
        };
        r.unknown(&[
            "service",
            "division",
            "date",
            "marriage",
            "children",
            "hukou",
            "residence",
            "honor_certificate",
            "dishonest",
            "other_province_rebirth_card",
            "delegated",
            "retroactive",
        ]);
        let service = r.required::<Service>(
            "service",
            "service: birth_service | rebirth | only_child_honor | marital_status_proof",
        );
        let division =
            r.required::<DivisionCode>("division", "division: GB/T 2260 code of 6, 9 or 12 digits");
        let date = r.required::<Date>("date", "date: YYYY-MM-DD");
        let marriage = r.required::<Marriage>(
            "marriage",
            "marriage: first | remarried | remarried_former_spouse | unmarried",
        );
        let children = read_children(r.obj.get("children"), &r.path("children"), r.errors);
        let hukou = r.optional::<Hukou>("hukou", "hukou: {husband, wife} division codes");
        let residence = r.optional::<Residence>("residence", "residence: {division, since}");
        let honor_certificate = r.optional::<bool>("honor_certificate", "true or false");
        let dishonest = r.optional::<bool>("dishonest", "true or false");
        let other = r.optional::<bool>("other_province_rebirth_card", "true or false");
        let delegated = r.optional::<bool>("delegated", "true or false");
        let retroactive = r.optional::<bool>("retroactive", "true or false");
        Some(EligibilityRequest {
            service: service?,
            division: division?,
            date: date?,
            marriage: marriage?,
            children: children?,
            hukou: hukou?,
            residence: residence?,
            honor_certificate: honor_certificate?.unwrap_or(false),
            dishonest: dishonest?.unwrap_or(false),
            other_province_rebirth_card: other?.unwrap_or(false),
            delegated: delegated?.unwrap_or(false),
            retroactive: retroactive?.unwrap_or(false),
        })
    }
}

fn read_children(
    v: Option<&Value>,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<Child>> {
    let Some(v) = v else { return Some(Vec::new()) };
    if v.is_null() {
        return Some(Vec::new());
    }
    let Some(items) = v.as_array() else {
        errors.push(FieldError::new(
            "invalid_field",
            path,
            "应为数组 / expected an array",
        ));
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(obj) = object(item, &p, errors) else {
            ok = false;
            continue;
        };
        let mut r = Reader {
            obj,
            prefix: p,
            errors,
        };
        r.unknown(&["born", "of", "disability"]);
        let born = r.required::<Date>("born", "born: YYYY-MM-DD");
        let of = r.required::<ChildOf>("of", "of: joint | husband | wife");
        let disability =
            r.optional::<Disability>("disability", "disability: none | non_hereditary_appraised");
        match (born, of, disability) {
            (Some(born), Some(of), Some(disability)) => out.push(Child {
                born,
                of,
                disability: disability.unwrap_or(Disability::None),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec_example() -> Value {
        json!({
            "service": "rebirth",
            "division": "500116",
            "date": "2026-03-02",
            "marriage": "first",
            "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}],
            "hukou": {"husband": "420704", "wife": "500116"},
            "residence": {"division": "500116", "since": "2025-01-01"},
            "honor_certificate": false,
            "dishonest": false,
            "other_province_rebirth_card": false
        })
    }

    #[test]
    fn the_spec_example_request_reads() {
        let r = EligibilityRequest::from_json(&spec_example()).unwrap();
        assert_eq!(r.service, Service::Rebirth);
        assert_eq!(r.division.to_string(), "500116");
        assert_eq!(r.children.len(), 1);
        assert_eq!(r.hukou.unwrap().husband.unwrap().to_string(), "420704");
        // serde reads the same request the same way.
        let via_serde: EligibilityRequest = serde_json::from_value(spec_example()).unwrap();
        assert_eq!(via_serde, r);
    }

    #[test]
    fn optional_fields_may_be_absent() {
        let r = EligibilityRequest::from_json(&json!({
            "service": "birth_service", "division": "500116001005", "date": "2026-03-02", "marriage": "first"
        }))
        .unwrap();
        assert!(r.children.is_empty() && r.hukou.is_none() && r.residence.is_none());
        assert!(!r.honor_certificate && !r.dishonest && !r.other_province_rebirth_card);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = json!({
            "service": "rebirth2",
            "division": "5001",
            "date": "2026-02-30",
            "children": [{"born": "2012-05-01", "of": "neighbour"}, {"of": "joint", "disability": "none"}],
            "hukou": {"husband": "99"},
            "honor_certificate": "no",
            "colour": "red"
        });
        let errors = EligibilityRequest::from_json(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "service",
            "date",
            "marriage",
            "children[0].of",
            "children[1].born",
            "hukou",
            "honor_certificate",
            "colour",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert!(!fields.contains(&"division"), "5001 is a valid city code");
        assert_eq!(
            errors.iter().find(|e| e.field == "colour").unwrap().code,
            "unknown_field"
        );
        assert_eq!(
            errors.iter().find(|e| e.field == "marriage").unwrap().code,
            "missing_field"
        );
    }

    #[test]
    fn a_non_object_body_is_one_clear_error() {
        let errors = EligibilityRequest::from_json(&json!([1, 2])).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "(body)");
    }
}
