//! Self-service lookup (SPEC §6; 004 三(四), 四(四)): a person's certificates by name and ID
//! number, the result exported as a document for their own records, and a request to correct it.
//!
//! - `POST /api/lookup` — `{"name", "id_number"}` → `{"certificates": [...]}`. A wrong name, an
//!   unknown ID number and a malformed one answer the same empty list, status and shape as a
//!   right one with no certificates: the answer tells nothing about anyone else.
//! - `POST /api/lookup/export` — the same body → a PDF that says it is a lookup result, not an
//!   electronic certificate ("未生成电子证照的不得作为法定要件", 004 三(四)).
//! - `POST /api/corrections` — a request to correct one certificate of the lookup result,
//!   queued at the office that issued it (004 四(四)); see [`crate::handlers::corrections`].
//!
//! Every lookup is counted per client (its IP address) and per ID number, in counters the store
//! keeps for every server instance, and refused over the limit with 429 and `Retry-After`, so
//! the endpoint cannot be used to enumerate people. Counters are keyed by keyed hashes, never by
//! raw addresses or ID numbers.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::contract::{LookupAnswer, LookupEntry, LookupRequest};
use serde_json::Value;

use crate::access::Client;
use crate::holders::{LIMITS, Query, certificates_of, entry, throttle};
use crate::openapi::{Api, Operation};
use crate::ports::CaseRecord;
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new()
        .post(
            "/lookup",
            lookup,
            Operation::new(
                "lookup",
                "Self-service lookup (004 三(四)): a person's certificates by name and ID number. A wrong name or ID answers the same empty list as a right one with none; limited per client and per ID number",
            )
            .json_body::<LookupRequest>()
            .answer::<LookupAnswer>(200, "the certificates")
            .problem(400, "malformed JSON, no name or no valid ID number")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(429, "lookup_throttled, with Retry-After")
            .problem(503, "store unavailable"),
        )
        .post(
            "/lookup/export",
            export,
            Operation::new(
                "lookupExport",
                "The lookup result as a PDF for the person's own records; it states that it is a lookup result, not an electronic certificate (004 三(四))",
            )
            .json_body::<LookupRequest>()
            .pdf(200, "the PDF")
            .problem(400, "malformed JSON, no name or no valid ID number")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(429, "lookup_throttled, with Retry-After")
            .problem(500, "unprintable_character: the font lacks a character of the result")
            .problem(503, "store unavailable"),
        )
}

/// The query in `body`, counted against the limits, and what it finds; `Err` is the answer
/// instead (400 for a missing field, 429 over a limit).
async fn checked_lookup(
    state: &AppState,
    client: &Client,
    body: &Value,
) -> Result<(Query, Vec<CaseRecord>), Response> {
    let query = Query::from_json(body).map_err(IntoResponse::into_response)?;
    throttle(state, client, &query.id_number, LIMITS).await?;
    let found = certificates_of(state, &query)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((query, found))
}

async fn lookup(
    State(state): State<AppState>,
    client: Client,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let found = match checked_lookup(&state, &client, &body).await {
        Ok((_, found)) => found,
        Err(response) => return Ok(response),
    };
    let certificates: Vec<LookupEntry> = found.iter().filter_map(entry).collect();
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        )],
        Json(LookupAnswer { certificates }),
    )
        .into_response())
}

async fn export(
    State(state): State<AppState>,
    client: Client,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let (query, found) = match checked_lookup(&state, &client, &body).await {
        Ok(answer) => answer,
        Err(response) => return Ok(response),
    };
    let font = crate::pdf::process_font().map_err(crate::signing::unprintable)?;
    let origin = crate::signing::public_origin(&headers);
    let bytes = crate::certificate_pdf::lookup_result(
        font,
        &query,
        &found,
        state.clock.now().date(),
        &origin,
    )
    .map_err(|e| crate::signing::unprintable(&e))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"lookup-result.pdf\""),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}
