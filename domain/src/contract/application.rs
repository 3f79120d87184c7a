//! The application body of `POST /api/cases` (SPEC §9, with the delivery and commitment
//! extensions) and its one check: the SPA runs [`read_submission`] on the body it is about to
//! send and shows every problem at its field; the server runs the same function on the body
//! it receives (issue 19: one submission check, in `domain`, for both sides).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{EligibilityRequest, FieldError, Marriage};
use crate::IdNumber;
use crate::case::Delivery;
use crate::materials::ProvidedMaterial;

/// A person as the form sends them: a name and an ID number, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PersonEntry {
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 50)))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::id_number::PATTERN)))]
    pub id_number: String,
}

/// The applicant: a person with a mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ApplicantEntry {
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 50)))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::id_number::PATTERN)))]
    pub id_number: String,
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = r"^\s*1[0-9]{10}\s*$")))]
    pub phone: String,
}

/// The online commitment (承诺; 002 art. 10, 004 三(二)): accepted, on the text of `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CommitmentEntry {
    pub accepted: bool,
    pub version: String,
}

impl CommitmentEntry {
    /// Accepting the text this build shows.
    pub fn current() -> CommitmentEntry {
        CommitmentEntry {
            accepted: true,
            version: crate::commitment::VERSION.to_string(),
        }
    }
}

/// What the SPA sends: the situation checked, who applies, what they bring, how the
/// certificate should reach them, and the commitment if they signed it online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Application {
    pub situation: EligibilityRequest,
    pub applicant: ApplicantEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<PersonEntry>,
    #[serde(default)]
    pub materials: Vec<ProvidedMaterial>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CommitmentEntry>,
    /// How the applicant wants to hear of each step (issue 20); absent: SMS to the phone
    /// given, in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<crate::notify::Preference>,
}

/// Something the applicant should know about an accepted submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SubmissionNotice {
    /// `material_not_required`: a material beyond the list, accepted and not kept (002 第八条).
    pub code: String,
    pub material: crate::materials::MaterialCode,
    pub message: String,
}

/// The 201 answer of `POST /api/cases` (kept sealed as the idempotent replay: it holds the
/// access code, shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CaseSubmitted {
    pub number: String,
    pub access_code: String,
    pub state: crate::case::CaseState,
    pub deciding_division: crate::DivisionCode,
    pub due: Option<crate::Date>,
    pub deadlines: Vec<crate::case::StepDeadline>,
    pub materials: Vec<super::MaterialItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<SubmissionNotice>,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The answer of `POST /api/auth/login`: a bearer token (JWT) with the role and division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LoginAnswer {
    pub token: String,
    pub role: crate::roles::Role,
    pub division: Option<crate::DivisionCode>,
    /// RFC 3339, UTC.
    pub expires_at: String,
    pub username: String,
    pub display_name: String,
}

/// A person as read: a valid name (trimmed, not yet in Unicode NFC: the server normalises) and
/// a valid ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub id_number: IdNumber,
}

/// A submission as far as it could be read: every part that is valid, so that the checks that
/// depend on it still run and every problem is reported in the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submission {
    pub situation: Option<EligibilityRequest>,
    pub applicant: Option<Person>,
    pub phone: Option<String>,
    pub spouse: Option<Person>,
    pub materials: Option<Vec<ProvidedMaterial>>,
    pub delivery: Option<Delivery>,
    pub committed: bool,
    /// The applicant's choice of messages (SMS in Chinese when the body said nothing).
    pub notify: crate::notify::Preference,
}

fn invalid(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new("invalid_field", field, message)
}

/// Who a field is about, in both languages.
fn who(field: &str) -> (&'static str, &'static str) {
    if field == "spouse" {
        ("配偶", "spouse")
    } else {
        ("申请人", "applicant")
    }
}

/// The delivery way, its address checked for express delivery.
fn check_delivery(delivery: Delivery, errors: &mut Vec<FieldError>) -> Option<Delivery> {
    match delivery {
        Delivery::ExpressCod { address } => match crate::applicant::address(&address) {
            Some(a) => Some(Delivery::ExpressCod {
                address: a.to_string(),
            }),
            None => {
                errors.push(invalid(
                    "delivery.address",
                    "请填写收件地址（5至200字）/ Enter a delivery address (5 to 200 characters)",
                ));
                None
            }
        },
        d => Some(d),
    }
}

/// The commitment counts when accepted on the text this build shows.
fn check_commitment(accepted: bool, version: Option<&str>, errors: &mut Vec<FieldError>) -> bool {
    if !accepted {
        errors.push(invalid(
            "commitment.accepted",
            "请阅读并勾选承诺，或不作承诺并上传书面承诺书 / Read and accept the commitment, or leave it out and bring the letter",
        ));
        return false;
    }
    if version != Some(crate::commitment::VERSION) {
        errors.push(invalid(
            "commitment.version",
            format!(
                "承诺书文本已更新，请重新阅读 / The commitment text changed: read version {}",
                crate::commitment::VERSION
            ),
        ));
        return false;
    }
    true
}

/// A person's name and ID number, each problem saying whom it is about.
fn check_person(
    field: &str,
    name: Option<&str>,
    id_number: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<Person> {
    let (who_zh, who_en) = who(field);
    let name = match name.map(crate::applicant::name) {
        Some(Ok(n)) => Some(n.to_string()),
        Some(Err(crate::applicant::NameProblem::Character(code))) => {
            errors.push(invalid(
                &format!("{field}.name"),
                format!("{who_zh}的姓名含有不可见或控制字符（U+{code:04X}），请重新输入 / The {who_en}'s name holds an invisible or control character (U+{code:04X}): type it again"),
            ));
            None
        }
        Some(Err(crate::applicant::NameProblem::Length)) | None => {
            errors.push(invalid(
                &format!("{field}.name"),
                format!("请填写{who_zh}的姓名（最多50字）/ Enter the {who_en}'s name (at most 50 characters)"),
            ));
            None
        }
    };
    let id_number = match id_number.map(str::trim) {
        None | Some("") => {
            errors.push(invalid(
                &format!("{field}.id_number"),
                format!("请填写{who_zh}的身份证号码 / Enter the {who_en}'s ID number"),
            ));
            None
        }
        Some(s) => match IdNumber::parse(s) {
            Ok(id) => Some(id),
            Err(e) => {
                let text = e.to_string();
                let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
                let mut error = invalid(
                    &format!("{field}.id_number"),
                    format!("{who_zh}：{zh} / The {who_en}: {en}"),
                );
                error.reason = Some(e.code().to_string());
                errors.push(error);
                None
            }
        },
    };
    Some(Person {
        name: name?,
        id_number: id_number?,
    })
}

fn check_phone(phone: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let phone = phone.and_then(crate::applicant::phone).map(str::to_string);
    if phone.is_none() {
        errors.push(invalid(
            "applicant.phone",
            "请填写11位手机号码 / Enter an 11-digit mobile number",
        ));
    }
    phone
}

fn spouse_required(errors: &mut Vec<FieldError>) {
    errors.push(FieldError::new(
        "missing_field",
        "spouse",
        "已婚申请须填写配偶信息 / Enter the spouse: the couple is married",
    ));
}

fn married(situation: Option<&EligibilityRequest>) -> bool {
    situation.is_some_and(|s| s.marriage != Marriage::Unmarried)
}

/// A list past its bounds is reported and not looked into: each attachment costs a look-up
/// in the file store (issue 18).
fn check_materials(
    materials: Vec<ProvidedMaterial>,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<ProvidedMaterial>> {
    let over = crate::limits::materials_problems("materials", &materials);
    if over.is_empty() {
        Some(materials)
    } else {
        errors.extend(over);
        None
    }
}

/// Persons on the dishonesty list apply at a window, not by an online commitment.
fn check_dishonest(
    situation: Option<&EligibilityRequest>,
    committed: bool,
    errors: &mut Vec<FieldError>,
) {
    if committed && situation.is_some_and(|s| s.dishonest) {
        errors.push(invalid(
            "commitment",
            "失信联合惩戒对象不能网上承诺办理，请到窗口现场审核（004 三(二)、四(三)）/ persons on the dishonesty list cannot commit online (004 3(2), 4(3))",
        ));
    }
}

/// The one check of an application, on the typed body the SPA is about to send: every problem
/// at once, in the order of the form. The server runs the same checks on what it reads
/// ([`read_submission`]).
pub fn check_application(application: &Application) -> (Submission, Vec<FieldError>) {
    let mut errors = Vec::new();
    let situation = Some(application.situation.clone());
    let a = &application.applicant;
    let applicant = check_person("applicant", Some(&a.name), Some(&a.id_number), &mut errors);
    let phone = check_phone(Some(&a.phone), &mut errors);
    let spouse = match &application.spouse {
        None if married(situation.as_ref()) => {
            spouse_required(&mut errors);
            None
        }
        None => None,
        Some(p) => check_person("spouse", Some(&p.name), Some(&p.id_number), &mut errors),
    };
    let materials = check_materials(application.materials.clone(), &mut errors);
    let delivery = application
        .delivery
        .clone()
        .and_then(|d| check_delivery(d, &mut errors));
    let committed = application
        .commitment
        .as_ref()
        .is_some_and(|c| check_commitment(c.accepted, Some(&c.version), &mut errors));
    check_dishonest(situation.as_ref(), committed, &mut errors);
    let notify = check_notify(application.notify.clone(), &mut errors);
    let submission = Submission {
        situation,
        applicant,
        phone,
        spouse,
        materials,
        delivery,
        committed,
        notify,
    };
    (submission, errors)
}

/// `POST /api/cases/{number}/notify`: the applicant's new choice of messages, every problem
/// at once.
pub fn read_preference(body: &Value) -> (crate::notify::Preference, Vec<FieldError>) {
    let mut errors = Vec::new();
    let preference = match serde_json::from_value::<crate::notify::Preference>(body.clone()) {
        Ok(p) => check_notify(Some(p), &mut errors),
        Err(_) => {
            errors.push(invalid(
                "notify",
                "通知方式有误 / {channel: sms | email | null, email, lang: zh | en}",
            ));
            crate::notify::Preference::default()
        }
    };
    (preference, errors)
}

/// E-mail needs an address of plausible form; an address is kept trimmed.
fn check_notify(
    preference: Option<crate::notify::Preference>,
    errors: &mut Vec<FieldError>,
) -> crate::notify::Preference {
    let mut preference = preference.unwrap_or_default();
    let wants_email = preference.channel == Some(crate::notify::Channel::Email);
    match preference.email.as_deref().map(crate::notify::email) {
        Some(Ok(address)) => preference.email = Some(address.to_string()),
        Some(Err(_))
            if wants_email
                || preference
                    .email
                    .as_deref()
                    .is_some_and(|e| !e.trim().is_empty()) =>
        {
            errors.push(invalid(
                "notify.email",
                "电子邮箱格式不正确 / not an e-mail address",
            ));
        }
        _ if wants_email => errors.push(invalid(
            "notify.email",
            "选择邮件通知须填写电子邮箱 / e-mail notices need an address",
        )),
        _ => preference.email = None,
    }
    preference
}

/// A person's object: no field but `name`, `id_number` (and the applicant's `phone`).
fn read_person(v: Option<&Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<Person> {
    let (who_zh, who_en) = who(field);
    let Some(obj) = v.and_then(Value::as_object) else {
        errors.push(FieldError::new(
            "missing_field",
            field,
            format!("请填写{who_zh}的姓名和身份证号码 / Enter the {who_en}'s name and ID number"),
        ));
        return None;
    };
    for key in obj
        .keys()
        .filter(|k| !["name", "id_number", "phone"].contains(&k.as_str()))
    {
        errors.push(FieldError::new(
            "unknown_field",
            &format!("{field}.{key}"),
            "未知字段 / unknown field",
        ));
    }
    let text = |key: &str| obj.get(key).and_then(Value::as_str);
    check_person(field, text("name"), text("id_number"), errors)
}

/// Reads a submission body (`POST /api/cases`): every field error at once — unknown fields,
/// the situation's own, then the same checks as [`check_application`] — nothing trusted that
/// the domain has not parsed.
// Long: every field of an application read, every problem collected at once (one visit, everything told).
pub fn read_submission(body: &Value) -> (Submission, Vec<FieldError>) {
    let mut errors = Vec::new();
    let empty = Map::new();
    let obj = body.as_object().unwrap_or_else(|| {
        errors.push(invalid("(body)", "应为对象 / expected an object"));
        &empty
    });
    let known = [
        "situation",
        "applicant",
        "spouse",
        "materials",
        "delivery",
        "commitment",
        "notify",
    ];
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        errors.push(FieldError::new(
            "unknown_field",
            key,
            "未知字段 / unknown field",
        ));
    }
    let situation = match obj.get("situation") {
        None => {
            errors.push(FieldError::new(
                "missing_field",
                "situation",
                "缺少申请情况 / required",
            ));
            None
        }
        Some(v) => EligibilityRequest::read(v, "situation", &mut errors),
    };
    let applicant = read_person(obj.get("applicant"), "applicant", &mut errors);
    let phone = check_phone(
        obj.get("applicant")
            .and_then(|a| a.get("phone"))
            .and_then(Value::as_str),
        &mut errors,
    );
    let spouse = match obj.get("spouse") {
        None | Some(Value::Null) if married(situation.as_ref()) => {
            spouse_required(&mut errors);
            None
        }
        None | Some(Value::Null) => None,
        Some(v) => read_person(Some(v), "spouse", &mut errors),
    };
    let materials = match obj.get("materials") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(v) => match serde_json::from_value::<Vec<ProvidedMaterial>>(v.clone()) {
            Ok(m) => check_materials(m, &mut errors),
            Err(e) => {
                errors.push(invalid(
                    "materials",
                    format!("材料清单格式有误 / [{{code, attachments[], checked_in_person}}]: {e}"),
                ));
                None
            }
        },
    };
    let delivery = match obj.get("delivery").filter(|v| !v.is_null()) {
        None => None,
        Some(v) => match serde_json::from_value::<Delivery>(v.clone()) {
            Ok(d) => check_delivery(d, &mut errors),
            Err(_) => {
                errors.push(invalid(
                    "delivery.method",
                    "请选择领取方式 / pickup | express_cod (with address) | self_print",
                ));
                None
            }
        },
    };
    let committed = match obj.get("commitment").filter(|v| !v.is_null()) {
        None => false,
        Some(v) => check_commitment(
            v.get("accepted") == Some(&Value::Bool(true)),
            v.get("version").and_then(Value::as_str),
            &mut errors,
        ),
    };
    check_dishonest(situation.as_ref(), committed, &mut errors);
    let notify = match obj.get("notify").filter(|v| !v.is_null()) {
        None => check_notify(None, &mut errors),
        Some(v) => match serde_json::from_value::<crate::notify::Preference>(v.clone()) {
            Ok(p) => check_notify(Some(p), &mut errors),
            Err(_) => {
                errors.push(invalid(
                    "notify",
                    "通知方式有误 / {channel: sms | email | null, email, lang: zh | en}",
                ));
                crate::notify::Preference::default()
            }
        },
    };
    let submission = Submission {
        situation,
        applicant,
        phone,
        spouse,
        materials,
        delivery,
        committed,
        notify,
    };
    (submission, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Value {
        serde_json::json!({
            "situation": {"service": "birth_service", "division": "500116001005",
                "date": "2026-12-04", "marriage": "first"},
            "applicant": {"name": "赵先生", "id_number": "420704199001011231", "phone": "13800138000"},
            "spouse": {"name": "钱女士", "id_number": "11010519491231002X"},
            "materials": [],
            "commitment": {"accepted": true, "version": crate::commitment::VERSION}
        })
    }

    #[test]
    fn a_good_body_reads_whole() {
        let (sub, errors) = read_submission(&body());
        assert_eq!(errors, vec![], "{errors:?}");
        assert!(sub.committed);
        assert_eq!(sub.spouse.map(|s| s.name), Some("钱女士".to_string()));
    }

    #[test]
    fn every_problem_is_told_at_once_with_who_it_is_about() {
        // Arrange: a wrong check digit, no phone, no spouse for a married couple, an unknown
        // field and a stale commitment text.
        let mut b = body();
        b["applicant"]["id_number"] = "420704199001011238".into();
        b["applicant"]["phone"] = "".into();
        b["spouse"] = Value::Null;
        b["extra"] = 1.into();
        b["commitment"]["version"] = "1999-01-01".into();

        // Act
        let (_, errors) = read_submission(&b);

        // Assert
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "extra",
                "applicant.id_number",
                "applicant.phone",
                "spouse",
                "commitment.version"
            ]
        );
        assert!(
            errors[1].message.starts_with("申请人："),
            "{}",
            errors[1].message
        );
        assert_eq!(errors[1].reason.as_deref(), Some("id_check_digit"));
    }

    #[test]
    fn the_typed_check_finds_what_the_reading_finds() {
        // Arrange: an application with a bad ID, no phone and no spouse for a married couple.
        let mut app: Application = serde_json::from_value(body()).unwrap();
        app.applicant.id_number = "420704199001011238".into();
        app.applicant.phone = String::new();
        app.spouse = None;

        // Act
        let (_, typed) = check_application(&app);
        let (_, read) = read_submission(&serde_json::to_value(&app).unwrap());

        // Assert: the same problems, in the same order.
        assert_eq!(typed, read);
        assert_eq!(typed.len(), 3, "{typed:?}");
    }

    #[test]
    fn the_typed_application_is_read_as_sent() {
        // What the SPA serialises is what the check reads.
        let app: Application = serde_json::from_value(body()).unwrap();
        let (sub, errors) = read_submission(&serde_json::to_value(&app).unwrap());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sub.phone.as_deref(), Some("13800138000"));
    }
}
