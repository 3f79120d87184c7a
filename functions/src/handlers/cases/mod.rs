//! The cases function: `POST /api/cases` and `GET /api/cases/{number}` (SPEC §9).
//!
//! A submission is checked again on the server with the same domain code the SPA ran — on the
//! server's date, never the browser's — and every problem comes back in one 422 answer.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::{Case, Moment};
use domain::contract::{
    Application, CaseReading, CaseSubmitted, Ineligibility, Revealed, RevealedPerson,
    StaffCaseView, SubmissionNotice,
};
use domain::materials::{self, MaterialCode};
use domain::roles::{Actor, Capability};
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::access::MaybeStaff;
use crate::access::{
    ACCESS_CODE_HEADER, ATTACHMENT_ACTION, READ_ACTION, REVEAL_ACTION, applicant_record,
    audit_read, audited_staff_read, staff_record,
};
use crate::attachments::{check_materials, pin_all};
use crate::errors;
use crate::errors::invalid;
use crate::openapi::{Api, Operation};
use crate::ports::{Applicant, CaseRecord, IdempotencyRecord, SignedCommitment, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::{AppState, hex, random_code};
use crate::views::{applicant_view, staff_view};

mod submission;

use submission::read_submission;

/// How long a retry with the same `Idempotency-Key` gets the first answer.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

pub fn router() -> Api<AppState> {
    Api::new()
        .post(
            "/cases",
            submit,
            Operation::new(
                "submitCase",
                "Submit an application (re-checked on the server); window staff submit with their bearer token for their own division",
            )
            .header(
                "Idempotency-Key",
                false,
                "a retry with the same key and body returns the first answer and creates nothing",
                idempotency_key_schema,
            )
            .json_body::<Application>()
            .answer::<CaseSubmitted>(201, "accepted")
            .problem(400, "malformed JSON, or a bad Idempotency-Key")
            .problem(401, "a staff token that is not valid")
            .problem(409, "the key was used for another body")
            .problem(413, "too large")
            .problem(415, "not JSON")
            .problem(
                422,
                "every missing material and invalid field, all at once; on_site_only: the applicant or spouse is on the dishonesty list (Chongqing, 004 四(三)), nothing saved",
            )
            .problem(503, "store unavailable; nothing saved"),
        )
        .get(
            "/cases/{number}",
            read,
            Operation::new(
                "trackCase",
                "Track a case with its access code; staff in scope (bearer) get the full record, and the read is audited",
            )
            .bearer()
            .path("number", "the case number")
            .access_code("the applicant's code (or a staff bearer token)")
            .answer::<CaseReading>(
                200,
                "the case, its deadlines, what is missing and its timeline: `CaseView` with the access code, `StaffCaseView` for staff",
            )
            .problem(401, "no access code")
            .problem(403, "staff outside the case's divisions")
            .problem(404, "no such case or a wrong code (indistinguishable)")
            .problem(503, "store unavailable"),
        )
        .post(
            "/cases/{number}/reveal",
            reveal,
            Operation::new(
                "revealIdNumbers",
                "The case's ID numbers in full, for staff in scope who work the case (not supervisors); audited (吉林 art. 13)",
            )
            .bearer()
            .path("number", "the case number")
            .answer::<Revealed>(200, "applicant and spouse with full ID numbers")
            .problem(401, "not signed in")
            .problem(403, "outside the case's divisions, or a supervisor or an admin")
            .problem(404, "no such case")
            .problem(503, "store unavailable"),
        )
        .get(
            "/cases/{number}/attachments/{id}",
            attachment,
            Operation::new(
                "caseAttachment",
                "A scan attached to the case: staff in scope (audited) or the applicant (X-Access-Code)",
            )
            .bearer()
            .path("number", "the case number")
            .path("id", "the upload id")
            .access_code("the applicant's code")
            .answer_as(200, "the file as stored (JPEG, PNG or PDF)", "image/jpeg", None)
            .answer_as(200, "", "image/png", None)
            .answer_as(200, "", "application/pdf", None)
            .problem(401, "neither a token nor an access code")
            .problem(403, "outside the case's divisions")
            .problem(404, "no such case or attachment")
            .problem(503, "store unavailable"),
        )
}

fn idempotency_key_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "minLength": 1, "maxLength": 128})
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
    staff: Option<&crate::tokens::Claims>,
    accepting: Option<domain::DivisionCode>,
) -> Option<Actor> {
    let claims = staff?;
    let at_window = claims.require(Capability::WindowIntake).is_ok();
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
        && let Some(first) = state.store.idempotency(key).await?
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
            problems.push(errors::item(&Ineligibility::NotEligible {
                reasons: checked.reasons.clone(),
            }));
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
        problems.push(errors::field_error(
            "township_window_only",
            "situation.division",
            format!("该事项只能在乡镇（街道）窗口受理，或由申请人网上申办（{source}）/ a township window takes this in, or the applicant applies online"),
        ));
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
    let calendar = state.calendar().await?;
    for _attempt in 0..3 {
        let number = new_case_number(now)?;
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
        let body = serde_json::to_string(&CaseSubmitted {
            number: case.number.clone(),
            access_code: access_code.clone(),
            state: case.state,
            deciding_division: case.deciding,
            due: case.next_due(),
            deadlines: case.deadlines.clone(),
            materials: required.clone(),
            notices: extras
                .iter()
                .map(|m| SubmissionNotice {
                    code: "material_not_required".into(),
                    material: *m,
                    message: format!("{}不在本事项材料清单内，已受理申请，该材料未保存（{}）/ not on this service's list: the application is accepted and this material was not kept",
                        m.name_zh(), materials::BEYOND_THE_LIST_SOURCE),
                })
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
                return match state.store.idempotency(key).await? {
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
fn new_case_number(now: Moment) -> Result<String, Problem> {
    let code = random_code(6).map_err(|_| errors::internal("random"))?;
    domain::case::CaseNumber::new(now.date(), &code)
        .map(|n| n.to_string())
        .map_err(|_| errors::internal("case number"))
}

async fn read(
    State(state): State<AppState>,
    Path(number): Path<String>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(claims) = staff {
        return read_as_staff(&state, &number, &claims.actor())
            .await
            .map(|view| Json(view).into_response());
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
    let events = state.store.events(&number).await?;
    let view = applicant_view(&record, &events, state.clock.now().date());
    Ok(Json(view).into_response())
}

/// Staff in scope get the whole record — materials, seals, verifications, the timeline and
/// the audit trail — and the read itself is audited before it is answered. ID numbers stay
/// masked here; showing them in full is an act of its own ([`reveal`]), audited as such.
pub async fn read_as_staff(
    state: &AppState,
    number: &str,
    actor: &Actor,
) -> Result<StaffCaseView, Problem> {
    let (record, events, today) =
        audited_staff_read(state, number, actor, Capability::Read, READ_ACTION).await?;
    Ok(staff_view(&record, &events, today, actor))
}

/// `POST /api/cases/{no}/reveal`: the full ID numbers, for staff in scope who work the case,
/// audited. Supervisors read cases to oversee deadlines, which masked numbers serve; they are
/// refused the full numbers (data minimisation, 吉林 art. 13).
async fn reveal(
    State(state): State<AppState>,
    Path(number): Path<String>,
    crate::access::Staff(claims): crate::access::Staff,
) -> Result<Json<Revealed>, Problem> {
    let (record, _, _) = audited_staff_read(
        &state,
        &number,
        &claims.actor(),
        Capability::Reveal,
        REVEAL_ACTION,
    )
    .await?;
    let a = &record.applicant;
    Ok(Json(Revealed {
        number: record.case.number.clone(),
        applicant: RevealedPerson {
            name: Some(a.name.clone()),
            id_number: a.id_number.expose().to_string(),
        },
        spouse: a.spouse_id_number.as_ref().map(|id| RevealedPerson {
            name: a.spouse_name.clone(),
            id_number: id.expose().to_string(),
        }),
    }))
}

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
                .ok_or_else(crate::access::unauthenticated)?;
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
