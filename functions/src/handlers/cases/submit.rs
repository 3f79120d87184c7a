//! `POST /api/cases`: a submission checked again on the server with the same domain code the
//! SPA ran — on the server's date, never the browser's — every problem answered at once (422),
//! and the case stored with its first event and, under an `Idempotency-Key`, its answer.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::{Case, Moment};
use domain::contract::{
    CaseSubmitted, EligibilityAnswer, EligibilityRequest, Ineligibility, MaterialItem, Submission,
    SubmissionNotice,
};
use domain::materials::{self, MaterialCode, ProvidedMaterial};
use domain::roles::{Actor, Capability};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::submission::read_submission;
use crate::access::MaybeStaff;
use crate::attachments::{check_materials, pin_all};
use crate::errors;
use crate::errors::invalid;
use crate::ports::{Applicant, CaseRecord, IdempotencyRecord, SignedCommitment, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::{AppState, hex, random_code};
use crate::tokens::Claims;

/// How long a retry with the same `Idempotency-Key` gets the first answer.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

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
fn window_staff(staff: Option<&Claims>, accepting: Option<domain::DivisionCode>) -> Option<Actor> {
    let claims = staff?;
    let at_window = claims.require(Capability::WindowIntake).is_ok();
    match (claims.division, accepting) {
        (Some(own), Some(office)) if at_window && own.contains(office) => Some(claims.actor()),
        _ => None,
    }
}

/// The `Idempotency-Key` header, if any: 1 to 128 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(k) if (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(Some(k.to_string()))
            }
            _ => Err(Problem::invalid_request(&[invalid(
                "Idempotency-Key",
                "1 to 128 visible ASCII characters",
            )])),
        },
    }
}

/// A submission that passed every check: what the case is opened from.
struct Accepted {
    situation: EligibilityRequest,
    answer: EligibilityAnswer,
    applicant: Applicant,
    /// The materials kept (those beyond the list are not).
    provided: Vec<ProvidedMaterial>,
    /// The list as asked of this applicant (registry and online commitment applied).
    required: Vec<MaterialItem>,
    /// Brought beyond the list: accepted, not kept (002 第八条).
    extras: Vec<MaterialCode>,
    /// Window staff taking it in, or `None` for the applicant online.
    window: Option<Actor>,
    /// The dishonesty-list check's line for the first event (004 四(三)).
    screening: Option<String>,
}

/// The situation on the server's date: eligibility, the material list as asked of this
/// applicant, and the materials checked against it (problems added to `problems`).
struct Situation {
    situation: EligibilityRequest,
    answer: EligibilityAnswer,
    required: Vec<MaterialItem>,
    extras: Vec<MaterialCode>,
}

fn check_situation(
    state: &AppState,
    sub: &Submission,
    now: Moment,
    problems: &mut Vec<Value>,
) -> Result<Option<Situation>, Problem> {
    let Some(mut situation) = sub.situation.clone() else {
        return Ok(None);
    };
    problems.extend(state.divisions.unknown(&situation, "situation."));
    // The server's date decides, not the browser's.
    situation.date = now.date();
    let answer = domain::policy::check(&situation)
        .map_err(|e| Problem::unprocessable(e.code(), e.to_string()))?;
    if !answer.eligible {
        problems.push(errors::item(&Ineligibility::NotEligible {
            reasons: answer.reasons.clone(),
        }));
    }
    let mut required = answer.materials.clone();
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
    let mut extras = Vec::new();
    // An ineligible situation has no list to check against: its reasons say it all.
    if let (true, Some(provided)) = (answer.eligible, &sub.materials) {
        problems.extend(
            materials::validate(&required, provided)
                .iter()
                .map(errors::item),
        );
        extras = materials::beyond_the_list(&required, provided);
    }
    Ok(Some(Situation {
        situation,
        answer,
        required,
        extras,
    }))
}

/// Staff submit only at their own window, and a village window takes in only what 004 四(二)
/// lets it (光荣证 and 再生育 go to a township window, or online by the applicant).
fn check_window(
    staff: Option<&Claims>,
    sub: &Submission,
    now: Moment,
    problems: &mut Vec<Value>,
) -> Option<Actor> {
    let window = window_staff(staff, sub.situation.as_ref().map(|s| s.division));
    if staff.is_some() && sub.situation.is_some() && window.is_none() {
        problems.push(invalid(
            "situation.division",
            "工作人员只能在本窗口（本辖区）代为受理 / staff submit only for their own window's division",
        ));
    }
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
    window
}

/// Every check of a submission, all problems at once: the body, the divisions, eligibility and
/// the materials on the server's date, the window, the uploads, the dishonesty list; then the
/// uploads are pinned as they were checked.
async fn check(
    state: &AppState,
    staff: Option<&Claims>,
    body: &Value,
    now: Moment,
) -> Result<Accepted, Problem> {
    let mut problems: Vec<Value> = Vec::new();
    let mut sub = read_submission(body, &mut problems);
    let checked_situation = check_situation(state, &sub, now, &mut problems)?;
    // Brought beyond the list: accepted, not kept (002 第八条; domain::materials::beyond_the_list).
    if let (Some(m), Some(s)) = (sub.materials.as_mut(), &checked_situation) {
        m.retain(|p| MaterialCode::from_code(&p.code).is_none_or(|c| !s.extras.contains(&c)));
    }
    let window = check_window(staff, &sub, now, &mut problems);
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
    let (Some(situation), Some(person), Some(phone), Some(provided), true) = (
        checked_situation,
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
        situation.situation.division,
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
        notify: sub.notify,
    };
    Ok(Accepted {
        situation: situation.situation,
        answer: situation.answer,
        applicant,
        provided,
        required: situation.required,
        extras: situation.extras,
        window,
        screening: screening.map(|s| s.details),
    })
}

pub(super) async fn submit(
    State(state): State<AppState>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let now = state.clock.now();
    let idempotency_key = idempotency_key(&headers)?;
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
    let accepted = check(&state, staff.as_ref(), &body, now).await?;
    let idempotency = idempotency_key.map(|key| (key, request_hash));
    open_case(&state, accepted, idempotency, now).await
}

/// The 201 answer, kept sealed as the idempotent replay.
fn submitted(case: &Case, access_code: &str, accepted: &Accepted) -> CaseSubmitted {
    CaseSubmitted {
        number: case.number.clone(),
        access_code: access_code.to_string(),
        state: case.state,
        deciding_division: case.deciding,
        due: case.next_due(),
        deadlines: case.deadlines.clone(),
        materials: accepted.required.clone(),
        notices: accepted
            .extras
            .iter()
            .map(|m| SubmissionNotice {
                code: "material_not_required".into(),
                material: *m,
                message: format!("{}不在本事项材料清单内，已受理申请，该材料未保存（{}）/ not on this service's list: the application is accepted and this material was not kept",
                    m.name_zh(), materials::BEYOND_THE_LIST_SOURCE),
            })
            .collect(),
    }
}

/// Opens the case and stores it with its first event and, under an idempotency key, the
/// sealed answer — in one write; a case number already taken draws another.
// Long: the retry on a taken case number wraps the one write of the case, its event and its answer.
async fn open_case(
    state: &AppState,
    accepted: Accepted,
    idempotency: Option<(String, String)>,
    now: Moment,
) -> Result<Response, Problem> {
    let id_hashes: Vec<String> = std::iter::once(&accepted.applicant.id_number)
        .chain(accepted.applicant.spouse_id_number.as_ref())
        .map(|id| state.keys.keyed_hash("id_number", id.expose()))
        .collect();
    let access_code = random_code(10).map_err(|_| errors::internal("random"))?;
    let calendar = state.calendar().await?;
    for _attempt in 0..3 {
        let (mut case, mut events) = Case::open(
            new_case_number(now)?,
            accepted.situation.clone(),
            &accepted.answer,
            accepted.window.clone().unwrap_or(Actor::Applicant),
            now,
            &calendar,
        )
        .map_err(|e| Problem::unprocessable(e.code(), e.to_string()))?;
        if let Some(first) = events.first_mut() {
            if !accepted.extras.is_empty() {
                first.details.push(not_kept_line(&accepted.extras));
            }
            // The dishonesty-list check is part of the acceptance, recorded with it (004 四(三)).
            first.details.extend(accepted.screening.clone());
        }
        // What this applicant was asked for, after the registry and the online commitment took
        // items off: the only items a return may name (000 二(二)2; domain case/returns.rs).
        case.asked = accepted
            .required
            .iter()
            .filter(|m| m.provided_by == domain::contract::ProvidedBy::Applicant)
            .map(|m| m.code)
            .collect();
        let body = serde_json::to_string(&submitted(&case, &access_code, &accepted))
            .map_err(|_| errors::internal("serialise"))?;
        let idem = match &idempotency {
            None => None,
            Some((key, request_hash)) => Some(IdempotencyRecord {
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
            applicant: accepted.applicant.clone(),
            materials: accepted.provided.clone(),
            id_hashes: id_hashes.clone(),
            created_at: now,
            case,
        };
        match state.store.create(&record, &events, idem.as_ref()).await {
            Ok(()) => return created(&record, body),
            // A number collision: draw another.
            Err(StoreError::AlreadyExists) => continue,
            // The same key won a race meanwhile: answer as it did, or refuse another body.
            Err(StoreError::IdempotencyKeyUsed) => {
                let (key, request_hash) = idempotency
                    .as_ref()
                    .map(|(k, h)| (k.as_str(), h.as_str()))
                    .unwrap_or_default();
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

/// 201 with the case's location and the answer as sealed for replays.
fn created(record: &CaseRecord, body: String) -> Result<Response, Problem> {
    tracing::info!(case = %record.case.number, applicant = %record.applicant.id_number, "case submitted");
    let location = HeaderValue::from_str(&format!("/api/cases/{}", record.case.number))
        .map_err(|_| errors::internal("location"))?;
    Ok((
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
        .into_response())
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
