//! The review function (SPEC §4–§5): `POST /api/cases/{no}/actions` and the staff work queue
//! `GET /api/staff/cases`.
//!
//! The domain's `apply` decides every transition (role, division, state, reasons, deadlines);
//! this module authenticates the actor, checks the version the client saw, and stores the new
//! case with its audit events in one conditional write.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use domain::case::{self, Action, CaseState};
use domain::contract::{
    ActionRequest, CaseHead, CaseReading, MaskedApplicant, QueuePage, QueueRow,
};
use domain::materials::{MaterialProblem, ProvidedMaterial};
use domain::roles::{Actor, Capability, Relation};
use domain::{DivisionCode, Service};
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use crate::access::{ACCESS_CODE_HEADER, MaybeStaff, Staff, applicant_record, unauthenticated};
use crate::attachments::check_materials;
use crate::errors;
use crate::errors::invalid;
use crate::openapi::{Api, Operation, schema_of};
use crate::ports::{QueueItem, QueueQuery, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;
use crate::views::{applicant_view, staff_view};

pub fn router() -> Api<AppState> {
    Api::new()
        .post(
            "/cases/{number}/actions",
            act,
            Operation::new(
                "caseAction",
                "A workflow step on the version you saw: pre_review, return, township_opinion, approve, refuse, seal, request_verification, answer_verification, issue, defer_out_of_city_check, forward_out, deliver, revoke, void, resolve_correction (staff), resubmit, withdraw (applicant, X-Access-Code)",
            )
            .bearer()
            .path("number", "the case number")
            .access_code("the applicant's code, for resubmit and withdraw")
            .json_body::<ActionRequest>()
            .answer::<CaseReading>(200, "the case after the step, as the actor reads it")
            .problem(400, "malformed JSON; every bad field")
            .problem(401, "not signed in and no access code")
            .problem(403, "forbidden_action (role) or out_of_scope (division)")
            .problem(404, "no such case")
            .problem(409, "version_conflict with current_version, or invalid_state")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(
                422,
                "reasons_required, missing_list_required, not_asked_for (a return naming an item the applicant was not asked for), accepted_before (naming an item accepted before without a county approver's reason), out_of_city_check_required, application_incomplete …",
            )
            .problem(503, "store unavailable; nothing changed"),
        )
        .get(
            "/staff/cases",
            queue,
            Operation::new(
                "staffQueue",
                "The work queue of the caller's division: next deadline first (red lights first), masked IDs, paginated",
            )
            .bearer()
            .query_as("division", false, "a division inside the caller's", schema_of::<DivisionCode>)
            .query_as("state", false, "case state", schema_of::<CaseState>)
            .query_as("service", false, "service code", schema_of::<Service>)
            .query_as("overdue", false, "true: red lights only", schema_of::<bool>)
            .query_as("limit", false, "1–200, default 50", limit_schema)
            .query("cursor", false, "next_cursor of the previous page")
            .answer::<QueuePage>(200, "a page")
            .problem(400, "every bad parameter")
            .problem(401, "not signed in")
            .problem(403, "admin, or a division outside yours")
            .problem(503, "store unavailable"),
        )
}

fn limit_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "integer", "minimum": 1, "maximum": 200})
}

/// `{"version": N, "action": "...", ...payload, "materials": [...] (resubmit only)}`: read
/// field by field into [`ActionRequest`], so that every bad field is answered at once.
fn read_action(body: &Value) -> Result<ActionRequest, Problem> {
    let mut errors = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(Problem::invalid_request(&[invalid(
            "(body)",
            "应为对象 / expected an object",
        )]));
    };
    let version = obj.get("version").and_then(Value::as_u64);
    if version.is_none() {
        errors.push(invalid(
            "version",
            "须提供您所看到的案件版本号 / the case version you saw is required",
        ));
    }
    let materials = match obj.get("materials") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(v) => match serde_json::from_value::<Vec<ProvidedMaterial>>(v.clone()) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(invalid("materials", e.to_string()));
                None
            }
        },
    };
    let mut rest: Map<String, Value> = obj.clone();
    rest.remove("version");
    rest.remove("materials");
    let action = match serde_json::from_value::<Action>(Value::Object(rest)) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(invalid("action", e.to_string()));
            None
        }
    };
    // Bounded before anything else is looked at: a case is one item, rewritten on every action
    // (issue 18).
    if let Some(a) = &action {
        errors.extend(json_errors(domain::limits::action_problems(a)));
    }
    if let Some(m) = &materials {
        errors.extend(json_errors(domain::limits::materials_problems(
            "materials",
            m,
        )));
    }
    match (version, action, materials) {
        (Some(version), Some(action), Some(materials)) if errors.is_empty() => {
            if !materials.is_empty() && !matches!(action, Action::Resubmit) {
                return Err(Problem::invalid_request(&[invalid(
                    "materials",
                    "只有补正重新提交时可附材料 / materials come only with a resubmission",
                )]));
            }
            Ok(ActionRequest {
                version,
                action,
                materials,
            })
        }
        _ => Err(Problem::invalid_request(&errors)),
    }
}

fn json_errors(problems: Vec<domain::contract::FieldError>) -> impl Iterator<Item = Value> {
    problems
        .into_iter()
        .filter_map(|p| serde_json::to_value(p).ok())
}

async fn act(
    State(state): State<AppState>,
    Path(number): Path<String>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let request = read_action(&body)?;
    let number = crate::access::case_number(&number)?.to_string();
    let (actor, mut record) = acting(&state, staff, &headers, &number).await?;
    // Who may act comes before anything about the case is revealed (its version, its state).
    case::authorise(&record.case, request.action.kind(), &actor)
        .map_err(|e| errors::transition(&e))?;
    if request.version != record.case.version {
        return Err(errors::store(&StoreError::VersionConflict {
            current: record.case.version,
        }));
    }
    if let Action::Resubmit = request.action {
        let brought: Vec<domain::materials::MaterialCode> = request
            .materials
            .iter()
            .filter(|m| !m.attachments.is_empty())
            .filter_map(|m| domain::materials::MaterialCode::from_code(&m.code))
            .collect();
        add_materials(&state, &mut record, request.materials).await?;
        // What the resubmission changed may be returned again; nothing else (000 二(二)2).
        record.case.note_resubmitted(&brought);
    }
    // Corrected holders' names are stored in NFC, as every name is (issue 18).
    let mut action = request.action;
    if let Action::ResolveCorrection {
        holders: Some(names),
        ..
    } = &mut action
    {
        for n in names.iter_mut() {
            *n = crate::names::nfc(n);
        }
    }
    let now = state.clock.now();
    let calendar = state.calendar().await?;
    let (next, events) = case::apply(&record.case, &action, &actor, now, &calendar)
        .map_err(|e| errors::transition(&e))?;
    let expected = record.case.version;
    let previous_holders = record
        .case
        .certificate
        .as_ref()
        .map(|c| c.facts.holders.clone());
    record.case = next;
    sign_certificate(&state, &mut record, previous_holders, now)?;
    state.store.update(&record, expected, &events).await?;
    tracing::info!(
        case = %number,
        action = ?action.kind(),
        version = record.case.version,
        "case changed"
    );
    let trail = state.store.events(&number).await?;
    let today = now.date();
    let messages = crate::outbox::log_of(state.messages.as_ref(), &number).await?;
    Ok(match actor {
        Actor::Applicant => {
            let mut view = applicant_view(&record, &trail, today);
            view.messages = messages;
            Json(view).into_response()
        }
        _ => {
            let mut view = staff_view(&record, &trail, today, &actor);
            view.messages = messages;
            Json(view).into_response()
        }
    })
}

/// Who acts on the case, and the case: staff in scope (bearer), or the applicant with the
/// access code. Staff who may not read it learn nothing of it (a missing case's answer).
async fn acting(
    state: &AppState,
    staff: Option<crate::tokens::Claims>,
    headers: &HeaderMap,
    number: &str,
) -> Result<(Actor, crate::ports::CaseRecord), Problem> {
    Ok(match staff {
        Some(claims) => {
            let record = state
                .store
                .get(number)
                .await?
                .ok_or_else(crate::access::case_not_found)?;
            let actor = claims.actor();
            // Staff who may not even read the case learn nothing of it: a missing case's answer
            // (issue 18). Admins are refused for their role, whatever the number.
            if claims.require(domain::roles::Capability::WorkQueue).is_ok()
                && case::may(&record.case, &actor, domain::roles::Capability::Read).is_err()
            {
                return Err(crate::access::case_not_found());
            }
            (actor, record)
        }
        None => {
            let code = headers
                .get(ACCESS_CODE_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(unauthenticated)?;
            (
                Actor::Applicant,
                applicant_record(state, number, code).await?,
            )
        }
    })
}

/// The electronic certificate is signed as the case is issued (SPEC §6); a recognition
/// registers the other province's card and signs none of its own (002 第七条). A corrected
/// holder's name is corrected on the case and the certificate is signed anew with the same
/// number and date (004 四(四)); the old signature is kept as superseded, so the issuing
/// office's revocation list names it and a copy printed before shows as replaced.
fn sign_certificate(
    state: &AppState,
    record: &mut crate::ports::CaseRecord,
    previous_holders: Option<Vec<String>>,
    now: domain::case::Moment,
) -> Result<(), Problem> {
    // The electronic certificate is signed as the case is issued (SPEC §6); a recognition
    // registers the other province's card and signs none of its own (002 第七条).
    if record.case.state == CaseState::Issued
        && record.case.certificate.is_none()
        && !record.case.is_recognition()
    {
        record.case.certificate = Some(crate::signing::issue(
            record,
            state.signer.as_ref(),
            now.date(),
        )?);
    }
    // A corrected holder's name is corrected on the case and the certificate is signed anew
    // with the same number and date (004 四(四)). The old signature is kept as superseded: the
    // issuing office's revocation list names it, so a copy printed before shows as replaced.
    if let (Some(before), Some(corrected)) = (previous_holders, record.case.certificate.clone())
        && before != corrected.facts.holders
    {
        let mut names = corrected.facts.holders.iter();
        if let Some(name) = names.next() {
            record.applicant.name = name.clone();
        }
        if let Some(spouse) = names.next() {
            record.applicant.spouse_name = Some(spouse.clone());
        }
        let mut superseded = corrected.superseded.clone();
        superseded.push(corrected.signature.clone());
        let mut signed = crate::signing::sign(corrected.facts, state.signer.as_ref())?;
        signed.superseded = superseded;
        record.case.certificate = Some(signed);
    }
    Ok(())
}

/// A resubmission brings what the return asked for: every listed material must now be there,
/// and every problem is answered at once.
async fn add_materials(
    state: &AppState,
    record: &mut crate::ports::CaseRecord,
    added: Vec<ProvidedMaterial>,
) -> Result<(), Problem> {
    let mut problems = Vec::new();
    for m in &added {
        if domain::materials::MaterialCode::from_code(&m.code).is_none() {
            problems.push(errors::item(&MaterialProblem::MaterialUnknown {
                material: m.code.clone(),
            }));
        }
    }
    let checked = check_materials(state.blobs.as_ref(), &added, false, &mut problems)
        .await
        .map_err(|e| errors::unavailable(&e))?;
    // What was returned was judged insufficient, so each item must come anew.
    for code in &record.case.missing {
        let provided = added
            .iter()
            .any(|m| m.code == code.code() && !m.attachments.is_empty());
        if !provided {
            problems.push(errors::item(&MaterialProblem::MaterialMissing {
                material: *code,
            }));
        }
    }
    if problems.is_empty() {
        crate::attachments::pin_all(state.blobs.as_ref(), &checked, &mut problems)
            .await
            .map_err(|e| errors::unavailable(&e))?;
    }
    if problems.is_empty() {
        for m in added {
            record.materials.retain(|old| old.code != m.code);
            record.materials.push(m);
        }
        Ok(())
    } else {
        let mut p = Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "application_incomplete",
            "补正材料仍不完整：以下各项需补正（已一次性列出全部问题）",
            "The resubmission is still incomplete: every problem is listed below",
        );
        p.errors = problems;
        Err(p)
    }
}

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 200;

/// The caller's division (or one inside it) and the filters, every bad parameter at once.
// Long: every query parameter of the queue read, every bad one reported at once.
fn read_queue_query(
    params: &std::collections::HashMap<String, String>,
    own: DivisionCode,
    today: domain::Date,
) -> Result<QueueQuery, Problem> {
    let mut errors = Vec::new();
    let mut scope_error = false;
    let office = match params.get("division") {
        None => own,
        Some(d) => match DivisionCode::parse(d) {
            Ok(d) if own.contains(d) => d,
            Ok(_) => {
                scope_error = true;
                own
            }
            Err(e) => {
                errors.push(invalid("division", e.to_string()));
                own
            }
        },
    };
    let state = match params.get("state").map(String::as_str) {
        None | Some("") => None,
        Some(s) => match serde_json::from_value::<CaseState>(Value::String(s.to_string())) {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(invalid("state", "未知状态 / unknown state"));
                None
            }
        },
    };
    let service = match params.get("service").map(String::as_str) {
        None | Some("") => None,
        Some(s) => match serde_json::from_value::<Service>(Value::String(s.to_string())) {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(invalid("service", "未知事项 / unknown service"));
                None
            }
        },
    };
    let overdue = match params.get("overdue").map(String::as_str) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(invalid("overdue", "true | false"));
            false
        }
    };
    let limit = match params.get("limit") {
        None => DEFAULT_PAGE,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                errors.push(invalid("limit", format!("1 to {MAX_PAGE}")));
                DEFAULT_PAGE
            }
        },
    };
    let after = match params.get("cursor").map(String::as_str) {
        None | Some("") => None,
        Some(c) => match B64
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| s.len() <= 80 && s.is_ascii())
        {
            Some(s) => Some(s),
            None => {
                errors.push(invalid(
                    "cursor",
                    "无效的翻页标记 / not a cursor from this API",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(Problem::invalid_request(&errors));
    }
    if scope_error {
        return Err(errors::transition(&case::TransitionError::OutOfScope));
    }
    Ok(QueueQuery {
        office,
        state,
        service,
        overdue_on: overdue.then_some(today),
        corrected: false,
        dates: None,
        limit,
        after,
    })
}

fn queue_row(item: &QueueItem, today: domain::Date) -> QueueRow {
    let overdue = item.overdue(today);
    QueueRow {
        head: CaseHead {
            number: item.number.clone(),
            version: item.version,
            service: item.service,
            state: item.state,
            processing: item.processing,
            accepted_on: item.accepted_on,
            accepting_division: item.accepting_division,
            deciding_division: item.deciding_division,
        },
        next_due: item.next_due,
        red_light: !overdue.is_empty(),
        overdue,
        applicant: MaskedApplicant {
            name: item.applicant_name.clone(),
            id_number: item.applicant_id_number.clone(),
        },
        deemed_issue: item.deemed_issue,
    }
}

/// The staff member's division, or 403 for roles without cases (admins).
pub fn staff_division(actor: &Actor) -> Result<DivisionCode, Problem> {
    match actor {
        Actor::Staff {
            role,
            division: Some(d),
            ..
        } if domain::roles::may(*role, Relation::NoCase, Capability::WorkQueue) => Ok(*d),
        _ => Err(errors::forbidden_role()),
    }
}

async fn queue(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Result<Json<QueuePage>, Problem> {
    let own = staff_division(&claims.actor())?;
    let today = state.clock.now().date();
    let query = read_queue_query(&params, own, today)?;
    let page = state.store.queue(&query).await?;
    // A listing shows names and masked ID numbers of many cases: it is audited (issue 18).
    let mut entry = claims.audit(state.clock.now(), "queue_read", query.partition());
    entry.details.push(format!("{} rows", page.items.len()));
    state.store.record_audit(&entry).await?;
    Ok(Json(QueuePage {
        division: query.office,
        today,
        items: page.items.iter().map(|i| queue_row(i, today)).collect(),
        next_cursor: page.next.map(|n| B64.encode(n)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_action_body_reports_every_bad_field() {
        let p = read_action(&json!({"action": "teleport", "materials": 3})).unwrap_err();
        let fields: Vec<&str> = p
            .errors
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(p.status, 400);
        assert!(fields.contains(&"version"), "{fields:?}");
        assert!(fields.contains(&"materials"), "{fields:?}");
        assert!(fields.contains(&"action"), "{fields:?}");
    }

    #[test]
    fn an_action_body_reads_its_payload() {
        let r =
            read_action(&json!({"version": 3, "action": "refuse", "reasons": ["超过两个子女"]}))
                .unwrap();
        assert_eq!(r.version, 3);
        assert_eq!(r.action.kind(), domain::roles::ActionKind::Refuse);
    }

    #[test]
    fn a_queue_query_stays_inside_the_callers_division() {
        let own = DivisionCode::parse("500116001").unwrap();
        let today = domain::Date::parse("2024-10-01").unwrap();
        let p = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<std::collections::HashMap<_, _>>()
        };
        let q = read_queue_query(
            &p(&[("division", "500116001005"), ("overdue", "true")]),
            own,
            today,
        )
        .unwrap();
        assert_eq!(q.office.to_string(), "500116001005");
        assert_eq!(q.overdue_on, Some(today));
        let e = read_queue_query(&p(&[("division", "500116")]), own, today).unwrap_err();
        assert_eq!(e.code, "out_of_scope");
        let e = read_queue_query(
            &p(&[
                ("state", "x"),
                ("limit", "0"),
                ("cursor", "!!"),
                ("overdue", "maybe"),
            ]),
            own,
            today,
        )
        .unwrap_err();
        assert_eq!(e.errors.len(), 4, "{:?}", e.errors);
    }
}
