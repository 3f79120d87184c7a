//! The cases function: `POST /api/cases` and `GET /api/cases/{number}` (SPEC §9).
//!
//! A submission is checked again on the server with the same domain code the SPA ran — on the
//! server's date, never the browser's — and every problem comes back in one 422 answer.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::contract::{
    Application, CaseReading, CaseSubmitted, Revealed, RevealedPerson, StaffCaseView,
};
use domain::roles::{Actor, Capability};
use schemars::{Schema, SchemaGenerator, json_schema};

use crate::access::MaybeStaff;
use crate::access::{
    ACCESS_CODE_HEADER, ATTACHMENT_ACTION, READ_ACTION, REVEAL_ACTION, applicant_record,
    audit_read, audited_staff_read, staff_record,
};
use crate::errors;
use crate::openapi::{Api, Operation};
use crate::ports::CaseRecord;
use crate::problem::Problem;
use crate::state::AppState;
use crate::views::{applicant_view, staff_view};

mod preference;
mod submission;
mod submit;

use submit::submit;

// Long: four routes, each declared with its documentation (crate::openapi).
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
        .post(
            "/cases/{number}/notify",
            preference::change,
            Operation::new(
                "changeNotifications",
                "The applicant changes how they hear of each step: SMS to the phone given, e-mail, or none (X-Access-Code; issue 20)",
            )
            .path("number", "the case number")
            .access_code("the applicant's code")
            .json_body::<domain::notify::Preference>()
            .answer::<domain::contract::CaseView>(200, "the case with the new choice")
            .problem(400, "malformed JSON, or an e-mail choice without a valid address")
            .problem(401, "no access code")
            .problem(403, "staff: only the applicant chooses")
            .problem(404, "no such case or a wrong code (indistinguishable)")
            .problem(409, "version_conflict: the case changed meanwhile, try again")
            .problem(413, "body too large")
            .problem(415, "not JSON")
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
    let mut view = applicant_view(&record, &events, state.clock.now().date());
    view.messages = crate::outbox::log_of(state.messages.as_ref(), &number).await?;
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
    let mut view = staff_view(&record, &events, today, actor);
    view.messages = crate::outbox::log_of(state.messages.as_ref(), number).await?;
    Ok(view)
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
