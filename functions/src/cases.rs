//! The cases function: `POST /api/cases` and `GET /api/cases/{number}` (SPEC §9).
//!
//! A submission is checked again on the server with the same domain code the SPA ran — on the
//! server's date, never the browser's — and every problem comes back in one 422 answer.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::case::{Case, CaseState, Delivery, Event, Moment, StepDeadline};
use domain::contract::{EligibilityRequest, FieldError, Marriage};
use domain::materials::{self, MaterialCode, ProvidedMaterial};
use domain::roles::{ActionKind, Actor, Capability};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::auth::MaybeStaff;
use crate::errors;
use crate::ports::{Applicant, CaseRecord, IdempotencyRecord, SignedCommitment, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::{AppState, hex, random_code};
use crate::uploads::{check_materials, pin_all};

/// How long a retry with the same `Idempotency-Key` gets the first answer.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;
pub const ACCESS_CODE_HEADER: &str = "x-access-code";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", post(submit))
        .route("/cases/{number}", get(read))
        .route("/cases/{number}/reveal", post(reveal))
        .route("/cases/{number}/attachments/{id}", get(attachment))
        // Certificates are read where cases are: the same table, the same function.
        .merge(crate::certificates::router())
        // The lookup and correction requests read and change the same cases.
        .merge(crate::lookup::router())
        .merge(crate::corrections::router())
}

/// The same answer for "no such case" and "wrong access code": neither reveals anything.
pub fn case_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "case_not_found",
        "未找到该案件，或查询码不正确",
        "No such case, or the access code is wrong",
    )
}

fn invalid(field: &str, message: impl Into<String>) -> Value {
    json!({"code": "invalid_field", "field": field, "message": message.into()})
}

struct Person {
    name: String,
    id_number: domain::IdNumber,
}

/// A submission as far as it could be read: every part that is valid, so that the checks
/// that depend on it still run and every problem is reported in the same answer.
struct Submission {
    situation: Option<EligibilityRequest>,
    applicant: Option<Person>,
    phone: Option<String>,
    spouse: Option<Person>,
    materials: Option<Vec<ProvidedMaterial>>,
    delivery: Option<Delivery>,
    committed: bool,
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

fn read_submission(body: &Value, errors: &mut Vec<Value>) -> Submission {
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

/// The 201 answer (also kept as the idempotent replay).
#[derive(Debug, Serialize)]
struct Submitted<'a> {
    number: &'a str,
    access_code: &'a str,
    state: CaseState,
    deciding_division: String,
    due: Option<domain::Date>,
    deadlines: &'a [StepDeadline],
    materials: &'a [domain::contract::MaterialItem],
    /// What the applicant should know about the submission: materials beyond the list, accepted
    /// and not kept (002 第八条).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notices: Vec<Value>,
}

/// The submit event's line for materials brought beyond the list.
fn not_kept_line(extras: &[MaterialCode]) -> String {
    let names: Vec<&str> = extras.iter().map(|m| m.name_zh()).collect();
    format!(
        "清单以外的材料未保存：{}（{}）",
        names.join("、"),
        materials::BEYOND_THE_LIST_SOURCE
    )
}

/// The first answer again. It holds the access code, so it is kept sealed under the request's
/// own key (issue 18); one written before sealing began is replayed as it is.
fn replay(keys: &crate::state::Keys, record: &IdempotencyRecord) -> Result<Response, Problem> {
    let status = StatusCode::from_u16(record.status).unwrap_or(StatusCode::OK);
    let body = if crate::sealed::Sealer::is_sealed(&record.body) {
        let plain = keys
            .sealer(IDEMPOTENCY_PURPOSE)
            .open(&record.key, &record.body)
            .map_err(|_| errors::internal("idempotency record"))?;
        String::from_utf8_lossy(&plain).into_owned()
    } else {
        record.body.clone()
    };
    Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The purpose of the key that seals replayed answers.
const IDEMPOTENCY_PURPOSE: &str = "idempotency";

fn key_reused() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "idempotency_key_reused",
        "该幂等键已用于另一份申请",
        "This Idempotency-Key was used for a different request",
    )
}

/// Window staff may submit for an applicant at their own window and mark originals as seen.
fn window_staff(
    staff: Option<&crate::auth::Claims>,
    accepting: Option<domain::DivisionCode>,
) -> Option<Actor> {
    use domain::roles::Role;
    let claims = staff?;
    let at_window = matches!(claims.role, Role::VillageClerk | Role::TownshipOfficer);
    match (claims.division, accepting) {
        (Some(own), Some(office)) if at_window && own.contains(office) => Some(claims.actor()),
        _ => None,
    }
}

async fn submit(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let now = state.clock.now();
    let idempotency_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => match v.to_str() {
            Ok(k) if (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Some(k.to_string())
            }
            _ => {
                return Err(Problem::invalid_request(&[invalid(
                    "Idempotency-Key",
                    "1 to 128 visible ASCII characters",
                )]));
            }
        },
    };
    // serde_json's map is ordered, so equal bodies hash equally.
    let request_hash = hex(&Sha256::digest(
        serde_json::to_vec(&body).unwrap_or_default(),
    ));
    if let Some(key) = &idempotency_key
        && let Some(first) = state
            .store
            .idempotency(key)
            .await
            .map_err(|e| errors::store(&e))?
        && first.expires_at > now.0 / 1000
    {
        return if first.request_hash == request_hash {
            replay(&state.keys, &first)
        } else {
            Err(key_reused())
        };
    }

    let mut problems: Vec<Value> = Vec::new();
    let mut sub = read_submission(&body, &mut problems);
    let mut extras: Vec<MaterialCode> = Vec::new();
    let mut answer = None;
    let mut required = Vec::new();
    if let Some(situation) = &sub.situation {
        problems.extend(state.divisions.unknown(situation, "situation."));
    }
    if let Some(mut situation) = sub.situation.clone() {
        // The server's date decides, not the browser's.
        situation.date = now.date();
        let checked = domain::policy::check(&situation)
            .map_err(|e| Problem::unprocessable(e.code(), e.to_string()))?;
        if !checked.eligible {
            problems.push(json!({"code": "not_eligible", "reasons": checked.reasons}));
        }
        required = checked.materials.clone();
        if let Some(person) = &sub.applicant {
            materials::confirm_from_registry(
                &mut required,
                &state.registry.confirmed(&person.id_number),
            );
        }
        // The commitment signed online is the commitment letter (002 art. 10; 004 三(二)).
        if sub.committed {
            required.retain(|m| m.code != MaterialCode::CommitmentLetter);
        }
        // An ineligible situation has no list to check against: its reasons say it all.
        if let (true, Some(provided)) = (checked.eligible, &sub.materials) {
            problems.extend(
                materials::validate(&required, provided)
                    .iter()
                    .filter_map(|p| serde_json::to_value(p).ok()),
            );
            extras = materials::beyond_the_list(&required, provided);
        }
        answer = Some((situation, checked));
    }
    // Brought beyond the list: accepted, not kept (002 第八条; domain::materials::beyond_the_list).
    if let Some(m) = sub.materials.as_mut() {
        m.retain(|p| MaterialCode::from_code(&p.code).is_none_or(|c| !extras.contains(&c)));
    }
    let window = window_staff(staff.as_ref(), sub.situation.as_ref().map(|s| s.division));
    if staff.is_some() && sub.situation.is_some() && window.is_none() {
        problems.push(invalid(
            "situation.division",
            "工作人员只能在本窗口（本辖区）代为受理 / staff submit only for their own window's division",
        ));
    }
    // 004 四(二): 光荣证 and 再生育 are taken in at a township window, or online by the applicant.
    if let (Some(_), Some(situation)) = (&window, &sub.situation)
        && let Err(source) = domain::policy::village_window_may_take(
            situation.division,
            situation.service,
            now.date(),
        )
    {
        problems.push(json!({"code": "township_window_only", "field": "situation.division",
            "message": format!("该事项只能在乡镇（街道）窗口受理，或由申请人网上申办（{source}）/ a township window takes this in, or the applicant applies online")}));
    }
    let mut checked = Vec::new();
    if let Some(materials) = &sub.materials {
        checked = check_materials(
            state.blobs.as_ref(),
            materials,
            window.is_some(),
            &mut problems,
        )
        .await
        .map_err(|e| errors::unavailable(&e))?;
    }
    let (Some((situation, answer)), Some(person), Some(phone), Some(provided), true) = (
        answer,
        sub.applicant,
        sub.phone,
        sub.materials,
        problems.is_empty(),
    ) else {
        return Err(incomplete(problems));
    };
    // 004 四(三): a person on the dishonesty list applies at a window, originals seen there.
    let people: Vec<&domain::IdNumber> = std::iter::once(&person.id_number)
        .chain(sub.spouse.as_ref().map(|s| &s.id_number))
        .collect();
    let screening = crate::credit::screen(
        state.credit.as_ref(),
        situation.division,
        &people,
        window.is_some(),
        &provided,
        &mut problems,
    )?;
    if !problems.is_empty() {
        return Err(incomplete(problems));
    }
    // Only now, with nothing else wrong, are the uploads kept as they were checked.
    pin_all(state.blobs.as_ref(), &checked, &mut problems)
        .await
        .map_err(|e| errors::unavailable(&e))?;
    if !problems.is_empty() {
        return Err(incomplete(problems));
    }

    let applicant = Applicant {
        name: person.name,
        id_number: person.id_number,
        spouse_name: sub.spouse.as_ref().map(|p| p.name.clone()),
        spouse_id_number: sub.spouse.map(|p| p.id_number),
        phone,
        delivery: sub.delivery,
        commitment: sub.committed.then(|| SignedCommitment {
            version: domain::commitment::VERSION.to_string(),
            signed_at: now,
        }),
    };
    let id_hashes: Vec<String> = std::iter::once(&applicant.id_number)
        .chain(applicant.spouse_id_number.as_ref())
        .map(|id| state.keys.keyed_hash("id_number", id.expose()))
        .collect();
    let access_code = random_code(10).map_err(|_| errors::internal("random"))?;
    let calendar = state.calendar().await.map_err(|e| errors::store(&e))?;
    for _attempt in 0..3 {
        let number = new_case_number(now).map_err(|_| errors::internal("random"))?;
        let (mut case, mut events) = Case::open(
            number,
            situation.clone(),
            &answer,
            window.clone().unwrap_or(Actor::Applicant),
            now,
            &calendar,
        )
        .map_err(|e| Problem::unprocessable(e.code(), e.to_string()))?;
        if !extras.is_empty()
            && let Some(submitted) = events.first_mut()
        {
            submitted.details.push(not_kept_line(&extras));
        }
        // The dishonesty-list check is part of the acceptance, recorded with it (004 四(三)).
        if let (Some(screening), Some(submitted)) = (&screening, events.first_mut()) {
            submitted.details.push(screening.details.clone());
        }
        // What this applicant was asked for, after the registry and the online commitment took
        // items off: the only items a return may name (000 二(二)2; domain case/returns.rs).
        case.asked = required
            .iter()
            .filter(|m| m.provided_by == domain::contract::ProvidedBy::Applicant)
            .map(|m| m.code)
            .collect();
        let body = serde_json::to_string(&Submitted {
            number: &case.number,
            access_code: &access_code,
            state: case.state,
            deciding_division: case.deciding.to_string(),
            due: case.next_due(),
            deadlines: &case.deadlines,
            materials: &required,
            notices: extras
                .iter()
                .map(|m| json!({
                    "code": "material_not_required", "material": m,
                    "message": format!("{}不在本事项材料清单内，已受理申请，该材料未保存（{}）/ not on this service's list: the application is accepted and this material was not kept",
                        m.name_zh(), materials::BEYOND_THE_LIST_SOURCE),
                }))
                .collect(),
        })
        .map_err(|_| errors::internal("serialise"))?;
        let idem = match idempotency_key.as_ref() {
            None => None,
            Some(key) => Some(IdempotencyRecord {
                key: key.clone(),
                request_hash: request_hash.clone(),
                status: 201,
                body: state
                    .keys
                    .sealer(IDEMPOTENCY_PURPOSE)
                    .seal(key, body.as_bytes())
                    .map_err(|_| errors::internal("seal"))?,
                expires_at: now.0 / 1000 + IDEMPOTENCY_TTL_SECS,
            }),
        };
        let record = CaseRecord {
            access_code_hash: state.keys.keyed_hash("access_code", &access_code),
            applicant: applicant.clone(),
            materials: provided.clone(),
            id_hashes: id_hashes.clone(),
            created_at: now,
            case,
        };
        match state.store.create(&record, &events, idem.as_ref()).await {
            Ok(()) => {
                tracing::info!(case = %record.case.number, applicant = %applicant.id_number, "case submitted");
                let location = HeaderValue::from_str(&format!("/api/cases/{}", record.case.number))
                    .map_err(|_| errors::internal("location"))?;
                return Ok((
                    StatusCode::CREATED,
                    [
                        (header::LOCATION, location),
                        (
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("application/json"),
                        ),
                    ],
                    body,
                )
                    .into_response());
            }
            // A number collision: draw another.
            Err(StoreError::AlreadyExists) => continue,
            // The same key won a race meanwhile: answer as it did, or refuse another body.
            Err(StoreError::IdempotencyKeyUsed) => {
                let key = idempotency_key.as_deref().unwrap_or_default();
                return match state
                    .store
                    .idempotency(key)
                    .await
                    .map_err(|e| errors::store(&e))?
                {
                    Some(first) if first.request_hash == request_hash => {
                        replay(&state.keys, &first)
                    }
                    _ => Err(key_reused()),
                };
            }
            Err(e) => return Err(errors::store(&e)),
        }
    }
    Err(errors::internal("case number collisions"))
}

fn incomplete(problems: Vec<Value>) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "application_incomplete",
        "申请未通过校验：以下各项需补正（已一次性列出全部问题）",
        "The application cannot be accepted yet: every problem is listed below",
    );
    p.errors = problems;
    p
}

/// `JS` + acceptance date + 6 readable random characters, e.g. `JS20240927-7KQ4XM`.
fn new_case_number(now: Moment) -> Result<String, getrandom::Error> {
    let d = now.date();
    Ok(format!(
        "JS{:04}{:02}{:02}-{}",
        d.year(),
        d.month(),
        d.day(),
        random_code(6)?
    ))
}

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

async fn read(
    State(state): State<AppState>,
    Path(number): Path<String>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
) -> Result<Json<Value>, Problem> {
    if let Some(claims) = staff {
        return read_as_staff(&state, &number, &claims.actor())
            .await
            .map(Json);
    }
    let Some(code) = headers
        .get(ACCESS_CODE_HEADER)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "access_code_required",
            "请提供查询码（X-Access-Code），工作人员请登录",
            "Send the case's access code in the X-Access-Code header (staff: sign in)",
        ));
    };
    let record = applicant_record(&state, &number, code).await?;
    let events = state
        .store
        .events(&number)
        .await
        .map_err(|e| errors::store(&e))?;
    let view = applicant_view(&record, &events, state.clock.now().date());
    serde_json::to_value(view)
        .map(Json)
        .map_err(|_| errors::internal("serialise"))
}

/// The case, when `code` is its access code; otherwise the same 404 as for no case.
pub async fn applicant_record(
    state: &AppState,
    number: &str,
    code: &str,
) -> Result<CaseRecord, Problem> {
    if number.len() > 40 {
        return Err(case_not_found());
    }
    let record = state
        .store
        .get(number)
        .await
        .map_err(|e| errors::store(&e))?;
    record
        .filter(|r| state.keys.access_code_matches(code, &r.access_code_hash))
        .ok_or_else(case_not_found)
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

/// The audit action recorded when staff read a case (吉林 art. 13: every read is logged).
pub const READ_ACTION: &str = "read";

/// Staff in scope get the whole record — materials, seals, verifications, the timeline and
/// the audit trail — and the read itself is audited before it is answered. ID numbers stay
/// masked here; showing them in full is an act of its own ([`reveal`]), audited as such.
pub async fn read_as_staff(
    state: &AppState,
    number: &str,
    actor: &Actor,
) -> Result<Value, Problem> {
    let (record, events, today) =
        audited_staff_read(state, number, actor, Capability::Read, READ_ACTION).await?;
    Ok(staff_view(&record, &events, today, actor))
}

/// The audit action of showing a case's ID numbers in full (吉林 art. 13).
pub const REVEAL_ACTION: &str = "reveal_id_numbers";

/// Reads that change nothing and stay out of the timeline (they are in the audit trail).
fn audit_only(e: &Event) -> bool {
    e.action == READ_ACTION
        || e.action == REVEAL_ACTION
        || e.action.starts_with(ATTACHMENT_ACTION)
        || e.action == crate::lookup::LOOKUP_ACTION
        || e.action == crate::certificates::DOWNLOAD_ACTION
}

/// `POST /api/cases/{no}/reveal`: the full ID numbers, for staff in scope who work the case,
/// audited. Supervisors read cases to oversee deadlines, which masked numbers serve; they are
/// refused the full numbers (data minimisation, 吉林 art. 13).
async fn reveal(
    State(state): State<AppState>,
    Path(number): Path<String>,
    crate::auth::Staff(claims): crate::auth::Staff,
) -> Result<Json<Value>, Problem> {
    let (record, _, _) = audited_staff_read(
        &state,
        &number,
        &claims.actor(),
        Capability::Reveal,
        REVEAL_ACTION,
    )
    .await?;
    let a = &record.applicant;
    Ok(Json(json!({
        "number": record.case.number,
        "applicant": {"name": a.name, "id_number": a.id_number.expose()},
        "spouse": a.spouse_id_number.as_ref().map(|id| json!({"name": a.spouse_name, "id_number": id.expose()})),
    })))
}

/// The audit action of opening an attached scan.
pub const ATTACHMENT_ACTION: &str = "read_attachment";

/// `GET /api/cases/{no}/attachments/{id}`: a scan attached to the case, for staff in scope (the
/// opening is audited) or the applicant with the access code. Served as the stored type, never
/// sniffed, never cached.
async fn attachment(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, String)>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    // Only what this case attached: an upload id alone opens nothing, and the opening is
    // audited only once it is known to be the case's own (issue 18).
    let attached =
        |record: &CaseRecord| record.materials.iter().any(|m| m.attachments.contains(&id));
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "attachment_not_found",
            "该案件没有这个附件",
            "The case has no such attachment",
        )
    };
    match staff {
        Some(claims) => {
            let actor = claims.actor();
            let record = staff_record(&state, &number, &actor, Capability::OpenScans).await?;
            if !attached(&record) {
                return Err(not_found());
            }
            audit_read(
                &state,
                &record,
                &actor,
                &format!("{ATTACHMENT_ACTION}:{id}"),
            )
            .await?;
        }
        None => {
            let code = headers
                .get(ACCESS_CODE_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(crate::auth::unauthenticated)?;
            if !attached(&applicant_record(&state, &number, code).await?) {
                return Err(not_found());
            }
        }
    }
    let (content_type, bytes) = state
        .blobs
        .get(&id)
        .await
        .map_err(|e| errors::unavailable(&e))?
        .ok_or_else(not_found)?;
    // A PDF is downloaded, never shown in the app's origin; an image may show inline. Either
    // way a sandbox policy keeps anything in the file from acting as the app (issue 18).
    let disposition = if content_type == "application/pdf" {
        HeaderValue::from_static("attachment")
    } else {
        HeaderValue::from_static("inline")
    };
    let content_type =
        HeaderValue::from_str(&content_type).map_err(|_| errors::internal("content type"))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(crate::headers::SANDBOX),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The case for staff who may exercise `capability` on it (`domain::case::may`), after
/// recording `action` in its audit trail.
pub(crate) async fn audited_staff_read(
    state: &AppState,
    number: &str,
    actor: &Actor,
    capability: Capability,
    action: &str,
) -> Result<(CaseRecord, Vec<Event>, domain::Date), Problem> {
    let record = staff_record(state, number, actor, capability).await?;
    let (events, today) = audit_read(state, &record, actor, action).await?;
    Ok((record, events, today))
}

/// The case for staff who may exercise `capability` on it. A case they may not even read
/// answers exactly as a missing one, so nobody probes which case numbers exist (issue 18);
/// one they read but may not use this way is a 403.
pub(crate) async fn staff_record(
    state: &AppState,
    number: &str,
    actor: &Actor,
    capability: Capability,
) -> Result<CaseRecord, Problem> {
    let Actor::Staff {
        division: Some(_),
        role,
        ..
    } = actor
    else {
        return Err(errors::forbidden_role());
    };
    if *role == domain::roles::Role::Admin {
        return Err(errors::forbidden_role());
    }
    if number.len() > 40 {
        return Err(case_not_found());
    }
    let record = state
        .store
        .get(number)
        .await
        .map_err(|e| errors::store(&e))?
        .ok_or_else(case_not_found)?;
    if domain::case::may(&record.case, actor, Capability::Read).is_err() {
        return Err(case_not_found());
    }
    domain::case::may(&record.case, actor, capability).map_err(|e| errors::transition(&e))?;
    Ok(record)
}

/// Records that `actor` read the case (`action`, e.g. which scan), changing nothing else, and
/// answers its audit trail and the day.
pub(crate) async fn audit_read(
    state: &AppState,
    record: &CaseRecord,
    actor: &Actor,
    action: &str,
) -> Result<(Vec<Event>, domain::Date), Problem> {
    let number = record.case.number.as_str();
    let now = state.clock.now();
    let read = Event {
        at: now,
        actor: actor.clone(),
        action: action.into(),
        from: Some(record.case.state),
        to: record.case.state,
        details: Vec::new(),
    };
    state
        .store
        .append_events(number, std::slice::from_ref(&read))
        .await
        .map_err(|e| errors::store(&e))?;
    tracing::info!(case = %number, by = ?actor_name(actor), action, "case read");
    let events = state
        .store
        .events(number)
        .await
        .map_err(|e| errors::store(&e))?;
    Ok((events, now.date()))
}

fn actor_name(actor: &Actor) -> &str {
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
