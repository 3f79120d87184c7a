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

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use domain::case::Event;
use domain::division::Gazetteer;
use domain::roles::Actor;
use serde_json::{Value, json};

use crate::errors;
use crate::ports::CaseRecord;
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;

/// Lookups allowed in one window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_client: u32,
    pub per_id_number: u32,
    pub window_secs: i64,
}

/// A person checking their own certificates needs a handful of tries an hour; an enumerator
/// needs thousands.
pub const LIMITS: Limits = Limits {
    per_client: 20,
    per_id_number: 5,
    window_secs: 3600,
};

/// The audit action recorded on a case when its holder looks it up.
pub const LOOKUP_ACTION: &str = "lookup";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lookup", post(lookup))
        .route("/lookup/export", post(export))
}

/// Who is asking. Behind CloudFront, API Gateway's source address is the edge's, so the
/// viewer's address is taken from `CloudFront-Viewer-Address` — but only on a request that
/// carries the origin secret CloudFront adds (`X-Origin-Verify`, `JISHENG_ORIGIN_VERIFY`), as a
/// caller going straight to the API could write that header itself. Otherwise the source
/// address API Gateway saw, or locally the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client(pub String);

/// `JISHENG_ORIGIN_VERIFY`, read once.
fn origin_secret() -> Option<&'static str> {
    static SECRET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| {
            std::env::var("JISHENG_ORIGIN_VERIFY")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .as_deref()
}

impl Client {
    pub fn of(parts: &Parts, origin_secret: Option<&str>) -> Client {
        use sha2::{Digest, Sha256};
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        // Digests compared, so the comparison's time says nothing about the secret.
        let via_cloudfront = origin_secret.is_some_and(|secret| {
            header("x-origin-verify")
                .is_some_and(|v| Sha256::digest(v.as_bytes()) == Sha256::digest(secret.as_bytes()))
        });
        if via_cloudfront
            && let Some((ip, _port)) =
                header("cloudfront-viewer-address").and_then(|a| a.rsplit_once(':'))
        {
            return Client(ip.trim_matches(['[', ']']).to_string());
        }
        if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
            parts
                .extensions
                .get::<lambda_http::request::RequestContext>()
            && let Some(ip) = &ctx.http.source_ip
        {
            return Client(ip.clone());
        }
        if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Client(addr.ip().to_string());
        }
        Client("unknown".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::of(parts, origin_secret()))
    }
}

/// What a lookup asks: a name and an ID number, both required.
#[derive(Debug, Clone)]
pub struct Query {
    pub name: String,
    /// As typed; a malformed number simply matches nobody.
    pub id_number: String,
}

impl Query {
    pub fn from_json(body: &Value) -> Result<Query, Problem> {
        let text = |field: &str| {
            body.get(field)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.chars().count() <= 50)
                .map(str::to_string)
        };
        // Looked up as stored: NFC (a name typed with a compatibility ideograph still matches).
        let (name, id_number) = (
            text("name").map(|n| crate::names::nfc(&n)),
            text("id_number"),
        );
        let mut errors = Vec::new();
        if name.is_none() {
            errors.push(json!({"code": "invalid_field", "field": "name",
                "message": "请填写姓名（不超过 50 字）/ the name is required (at most 50 characters)"}));
        }
        if id_number.is_none() {
            errors.push(json!({"code": "invalid_field", "field": "id_number",
                "message": "请填写身份证号码 / the ID number is required"}));
        }
        match (name, id_number) {
            (Some(name), Some(id_number)) => Ok(Query { name, id_number }),
            _ => Err(Problem::invalid_request(&errors)),
        }
    }
}

fn too_many(secs: i64) -> Response {
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "lookup_throttled",
        "查询过于频繁，请稍后再试",
        "Too many lookups; try again later",
    )
    .with_detail(format!("retry after {secs} s"))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Counts this request against the client's and the ID number's limits; `Err` is the 429.
pub async fn throttle(
    state: &AppState,
    client: &Client,
    id_number: &str,
    limits: Limits,
) -> Result<(), Response> {
    let now = state.clock.now().0 / 1000;
    let window_end = (now / limits.window_secs + 1) * limits.window_secs;
    let id_key = domain::IdNumber::parse(id_number)
        .map(|id| id.expose().to_string())
        .unwrap_or_else(|_| id_number.to_ascii_uppercase());
    let keys = [
        (
            format!(
                "lookup:client:{}",
                state.keys.keyed_hash("client", &client.0)
            ),
            limits.per_client,
        ),
        (
            format!("lookup:id:{}", state.keys.keyed_hash("lookup_id", &id_key)),
            limits.per_id_number,
        ),
    ];
    for (key, limit) in keys {
        let count = state
            .store
            .count_request(&key, window_end)
            .await
            .map_err(|e| errors::store(&e).into_response())?;
        if count > limit {
            return Err(too_many(window_end - now));
        }
    }
    Ok(())
}

/// The cases with an electronic certificate whose holder has this name and ID number, newest
/// first; each read is audited on the case.
pub async fn certificates_of(state: &AppState, query: &Query) -> Result<Vec<CaseRecord>, Problem> {
    let Ok(id) = domain::IdNumber::parse(&query.id_number) else {
        return Ok(Vec::new());
    };
    let hash = state.keys.keyed_hash("id_number", id.expose());
    let numbers = state.store.cases_of_holder(&hash).await?;
    let mut found = Vec::new();
    for number in numbers {
        let Some(record) = state.store.get(&number).await? else {
            continue;
        };
        let a = &record.applicant;
        // Names stored before they were normalised compare in NFC too.
        let same = |stored: &str| crate::names::nfc(stored) == query.name;
        let holds = (a.id_number == id && same(&a.name))
            || (a.spouse_id_number.as_ref() == Some(&id)
                && a.spouse_name.as_deref().is_some_and(same));
        if holds && record.case.certificate.is_some() {
            found.push(record);
        }
    }
    found.sort_by(|a, b| {
        let issued = |r: &CaseRecord| r.case.certificate.as_ref().map(|c| c.facts.issued_on);
        issued(b).cmp(&issued(a))
    });
    let now = state.clock.now();
    for record in &found {
        let event = Event {
            at: now,
            actor: Actor::Applicant,
            action: LOOKUP_ACTION.into(),
            from: Some(record.case.state),
            to: record.case.state,
            details: Vec::new(),
        };
        state
            .store
            .append_events(&record.case.number, &[event])
            .await?;
    }
    Ok(found)
}

/// One certificate as the lookup answers it.
pub fn entry(record: &CaseRecord) -> Option<Value> {
    let c = record.case.certificate.as_ref()?;
    let f = &c.facts;
    Some(json!({
        "number": f.number,
        "service": f.service,
        "service_name": f.service.name_zh(),
        "service_name_en": f.service.name_en(),
        "holders": f.holders,
        "issuer": f.issuer.to_string(),
        "issuer_name": Gazetteer::seed().full_name(f.issuer),
        "issued_on": f.issued_on,
        "valid_until": f.valid_until,
        "status": crate::handlers::certificates::status_of(&record.case),
        "electronic": true,
        "verify_path": crate::handlers::certificates::verify_path(c),
        "open_corrections": crate::handlers::corrections::open_count(&record.case),
    }))
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
    let certificates: Vec<Value> = found.iter().filter_map(entry).collect();
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        )],
        Json(json!({"certificates": certificates})),
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
    let font = crate::pdf::process_font().map_err(crate::handlers::certificates::unprintable)?;
    let origin = crate::handlers::certificates::public_origin(&headers);
    let bytes = crate::certificate_pdf::lookup_result(
        font,
        &query,
        &found,
        state.clock.now().date(),
        &origin,
    )
    .map_err(|e| crate::handlers::certificates::unprintable(&e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::builder();
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut parts = request.body(()).unwrap().into_parts().0;
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 443))));
        parts
    }

    #[test]
    fn the_viewer_address_counts_only_with_cloudfront_s_secret() {
        // Arrange
        let viewer = [
            ("cloudfront-viewer-address", "198.51.100.7:50432"),
            ("x-origin-verify", "s3cret"),
        ];
        let v6 = [
            ("cloudfront-viewer-address", "2001:db8::1:50432"),
            ("x-origin-verify", "s3cret"),
        ];
        let forged = [
            ("cloudfront-viewer-address", "198.51.100.7:50432"),
            ("x-origin-verify", "guess"),
        ];

        // Act + assert
        assert_eq!(
            Client::of(&parts(&viewer), Some("s3cret")).0,
            "198.51.100.7"
        );
        assert_eq!(Client::of(&parts(&v6), Some("s3cret")).0, "2001:db8::1");
        assert_eq!(Client::of(&parts(&forged), Some("s3cret")).0, "203.0.113.9");
        assert_eq!(
            Client::of(&parts(&viewer), None).0,
            "203.0.113.9",
            "no secret configured"
        );
    }
}
