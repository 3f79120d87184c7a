//! Correction requests (SPEC §6; 004 四(四)): when the lookup shows something wrong, the holder
//! asks the office that issued the certificate to correct it. The request is recorded on the
//! case (audited), shows in that office's work queue with a due date, and is resolved there
//! with the `resolve_correction` action, whose change is audited too.
//!
//! `POST /api/corrections` — `{"name", "id_number", "certificate", "request"}`: the name and ID
//! number prove, as for the lookup, that the caller holds the certificate; the same limits
//! apply. A certificate the caller does not hold answers exactly like one that does not exist.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::contract::{CorrectionRequest, CorrectionRequested};
use domain::division::Gazetteer;
use serde_json::Value;

use crate::access::Client;
use crate::errors;
use crate::holders::{LIMITS, Query, certificates_of, throttle};
use crate::openapi::{Api, Operation};
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new().post(
        "/corrections",
        request,
        Operation::new(
            "requestCorrection",
            "Ask the issuing office to correct a certificate of one's lookup result (004 四(四)); queued there with a due date, resolved by staff with `resolve_correction`",
        )
        .json_body::<CorrectionRequest>()
        .answer::<CorrectionRequested>(201, "the request, its due date and the office")
        .problem(400, "malformed JSON, or every missing or invalid field")
        .problem(404, "not_in_lookup_result: no such certificate among the caller's")
        .problem(409, "version_conflict: the case changed meanwhile, try again")
        .problem(422, "the certificate's case cannot take a correction request now")
        .problem(413, "body too large")
        .problem(415, "not JSON")
        .problem(429, "lookup_throttled, or too_many_corrections open")
        .problem(503, "store unavailable"),
    )
}

/// Correction requests of `case` still waiting for the office.
fn not_in_result() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_in_lookup_result",
        "您的查询结果中没有这本证照",
        "Your lookup result has no such certificate",
    )
}

async fn request(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let query = Query::from_json(&body);
    let number = body
        .get("certificate")
        .and_then(Value::as_str)
        .map(domain::certificate::CertificateNumber::parse);
    let text = body
        .get("request")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.chars().count() <= 500);
    let mut bad = match &query {
        Err(problem) => problem.errors.clone(),
        Ok(_) => Vec::new(),
    };
    if !matches!(number, Some(Ok(_))) {
        bad.push(crate::errors::field_error(
            "invalid_field",
            "certificate",
            "请填写查询结果中的证照编号 / the certificate number from the lookup result",
        ));
    }
    if text.is_none() {
        bad.push(crate::errors::field_error("invalid_field", "request", "请写明哪里有误、应当如何更正（不超过 500 字）/ say what is wrong and what is right (at most 500 characters)"));
    }
    let (Ok(query), Some(Ok(number)), Some(text)) = (query, number, text) else {
        return Err(Problem::invalid_request(&bad));
    };
    if let Err(response) = throttle(&state, &client, &query.id_number, LIMITS).await {
        return Ok(response);
    }
    let mut record = certificates_of(&state, &query)
        .await?
        .into_iter()
        .find(|r| {
            r.case
                .certificate
                .as_ref()
                .is_some_and(|c| c.facts.number == number)
        })
        .ok_or_else(not_in_result)?;
    let now = state.clock.now();
    let calendar = state.calendar().await?;
    let (next, events) = record
        .case
        .request_correction(&query.name, text, now, &calendar)
        .map_err(|e| errors::transition(&e))?;
    let expected = record.case.version;
    record.case = next;
    state.store.update(&record, expected, &events).await?;
    let Some(correction) = record.case.corrections.last() else {
        return Err(errors::internal("correction"));
    };
    let office = record.case.deciding;
    tracing::info!(case = %record.case.number, correction = correction.id, "correction requested");
    Ok((
        StatusCode::CREATED,
        Json(CorrectionRequested {
            certificate: number,
            correction: correction.clone(),
            office,
            office_name: Gazetteer::seed().full_name(office),
        }),
    )
        .into_response())
}
