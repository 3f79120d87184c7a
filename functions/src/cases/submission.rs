//! Reading a submission body (`POST /api/cases`): every field error at once, nothing trusted
//! that the domain has not parsed.

use domain::case::Delivery;
use domain::contract::{EligibilityRequest, FieldError, Marriage};
use domain::materials::ProvidedMaterial;
use serde_json::{Map, Value, json};

use super::invalid;

pub(super) struct Person {
    pub(super) name: String,
    pub(super) id_number: domain::IdNumber,
}

/// A submission as far as it could be read: every part that is valid, so that the checks
/// that depend on it still run and every problem is reported in the same answer.
pub(super) struct Submission {
    pub(super) situation: Option<EligibilityRequest>,
    pub(super) applicant: Option<Person>,
    pub(super) phone: Option<String>,
    pub(super) spouse: Option<Person>,
    pub(super) materials: Option<Vec<ProvidedMaterial>>,
    pub(super) delivery: Option<Delivery>,
    pub(super) committed: bool,
}

/// `"delivery": {"method": "pickup" | "express_cod" | "self_print", "address"}` (optional).
fn read_delivery(v: Option<&Value>, errors: &mut Vec<Value>) -> Option<Delivery> {
    let v = v.filter(|v| !v.is_null())?;
    match serde_json::from_value::<Delivery>(v.clone()) {
        Ok(Delivery::ExpressCod { address }) => match domain::applicant::address(&address) {
            Some(a) => Some(Delivery::ExpressCod {
                address: a.to_string(),
            }),
            None => {
                errors.push(invalid(
                    "delivery.address",
                    "请填写收件地址（5至200字）/ a delivery address of 5 to 200 characters",
                ));
                None
            }
        },
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(invalid(
                "delivery.method",
                "pickup | express_cod (with address) | self_print",
            ));
            None
        }
    }
}

/// `"commitment": {"accepted": true, "version": "<domain::commitment::VERSION>"}` (optional).
fn read_commitment(v: Option<&Value>, errors: &mut Vec<Value>) -> bool {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return false;
    };
    if v.get("accepted") != Some(&Value::Bool(true)) {
        errors.push(invalid(
            "commitment.accepted",
            "须阅读并同意承诺内容 / read and accept the commitment, or leave it out",
        ));
        return false;
    }
    if v.get("version").and_then(Value::as_str) != Some(domain::commitment::VERSION) {
        errors.push(invalid(
            "commitment.version",
            format!(
                "承诺书文本已更新，请重新阅读 / the commitment text changed: read version {}",
                domain::commitment::VERSION
            ),
        ));
        return false;
    }
    true
}

fn read_person(v: Option<&Value>, field: &str, errors: &mut Vec<Value>) -> Option<Person> {
    let Some(obj) = v.and_then(Value::as_object) else {
        errors.push(
            json!({"code": "missing_field", "field": field, "message": "缺少必填项 / required"}),
        );
        return None;
    };
    for key in obj
        .keys()
        .filter(|k| !["name", "id_number", "phone"].contains(&k.as_str()))
    {
        errors.push(json!({"code": "unknown_field", "field": format!("{field}.{key}"), "message": "未知字段 / unknown field"}));
    }
    let name = match obj
        .get("name")
        .and_then(Value::as_str)
        .map(domain::applicant::name)
    {
        Some(Ok(n)) => Some(crate::names::nfc(n)),
        Some(Err(problem)) => {
            errors.push(invalid(&format!("{field}.name"), problem.to_string()));
            None
        }
        None => {
            errors.push(invalid(
                &format!("{field}.name"),
                "请填写姓名（最多50字）/ a name of at most 50 characters",
            ));
            None
        }
    };
    let id_number = match obj.get("id_number").and_then(Value::as_str) {
        None => {
            errors.push(invalid(
                &format!("{field}.id_number"),
                "请填写身份证号码 / the ID number is required",
            ));
            None
        }
        Some(s) => match domain::IdNumber::parse(s) {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push(json!({"code": "invalid_field", "field": format!("{field}.id_number"), "reason": e.code(), "message": e.to_string()}));
                None
            }
        },
    };
    Some(Person {
        name: name?,
        id_number: id_number?,
    })
}

pub(super) fn read_submission(body: &Value, errors: &mut Vec<Value>) -> Submission {
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
    ];
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        errors.push(
            json!({"code": "unknown_field", "field": key, "message": "未知字段 / unknown field"}),
        );
    }
    let mut field_errors: Vec<FieldError> = Vec::new();
    let situation = match obj.get("situation") {
        None => {
            errors.push(json!({"code": "missing_field", "field": "situation", "message": "缺少申请情况 / required"}));
            None
        }
        Some(v) => EligibilityRequest::read(v, "situation", &mut field_errors),
    };
    errors.extend(
        field_errors
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok()),
    );
    let applicant = read_person(obj.get("applicant"), "applicant", errors);
    let phone = obj
        .get("applicant")
        .and_then(|a| a.get("phone"))
        .and_then(Value::as_str)
        .and_then(domain::applicant::phone)
        .map(str::to_string);
    if phone.is_none() {
        errors.push(invalid(
            "applicant.phone",
            "请填写11位手机号码 / an 11-digit mobile number",
        ));
    }
    let married = situation
        .as_ref()
        .is_some_and(|s| s.marriage != Marriage::Unmarried);
    let spouse = match obj.get("spouse") {
        None | Some(Value::Null) if married => {
            errors.push(json!({"code": "missing_field", "field": "spouse", "message": "已婚申请须填写配偶信息 / the spouse is required for a married couple"}));
            None
        }
        None | Some(Value::Null) => None,
        Some(v) => read_person(Some(v), "spouse", errors),
    };
    let materials = match obj.get("materials") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(v) => match serde_json::from_value::<Vec<ProvidedMaterial>>(v.clone()) {
            Ok(m) => {
                // A list past its bounds is reported and not looked into: each attachment
                // costs a look-up in the file store (issue 18).
                let over = domain::limits::materials_problems("materials", &m);
                if over.is_empty() {
                    Some(m)
                } else {
                    errors.extend(over.iter().filter_map(|e| serde_json::to_value(e).ok()));
                    None
                }
            }
            Err(e) => {
                errors.push(invalid(
                    "materials",
                    format!("[{{code, attachments[], checked_in_person}}]: {e}"),
                ));
                None
            }
        },
    };
    let delivery = read_delivery(obj.get("delivery"), errors);
    let committed = read_commitment(obj.get("commitment"), errors);
    if committed && situation.as_ref().is_some_and(|s| s.dishonest) {
        errors.push(invalid(
            "commitment",
            "失信联合惩戒对象不能网上承诺办理，请到窗口现场审核（004 三(二)、四(三)）/ persons on the dishonesty list cannot commit online (004 3(2), 4(3))",
        ));
    }
    Submission {
        situation,
        applicant,
        phone,
        spouse,
        materials,
        delivery,
        committed,
    }
}
