//! Finding a holder's certificates by name and ID number (004 三(四), 四(四)), as the
//! self-service lookup, its export and the correction request all do: the query read from a
//! body, the per-client and per-ID-number limits (counters the store keeps for every instance,
//! keyed by keyed hashes), the matching cases and the entry each shows.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::Event;
use domain::certificate::Standing;
use domain::contract::LookupEntry;
use domain::division::Gazetteer;
use domain::roles::Actor;
use serde_json::Value;

use crate::access::Client;
use crate::errors;
use crate::ports::CaseRecord;
use crate::problem::Problem;
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
            errors.push(crate::errors::field_error(
                "invalid_field",
                "name",
                "请填写姓名（不超过 50 字）/ the name is required (at most 50 characters)",
            ));
        }
        if id_number.is_none() {
            errors.push(crate::errors::field_error(
                "invalid_field",
                "id_number",
                "请填写身份证号码 / the ID number is required",
            ));
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
pub fn entry(record: &CaseRecord) -> Option<LookupEntry> {
    let c = record.case.certificate.as_ref()?;
    let f = &c.facts;
    Some(LookupEntry {
        number: f.number.clone(),
        service: f.service,
        service_name: f.service.name_zh().to_string(),
        service_name_en: f.service.name_en().to_string(),
        holders: f.holders.clone(),
        issuer: f.issuer,
        issuer_name: Gazetteer::seed().full_name(f.issuer),
        issued_on: f.issued_on,
        valid_until: f.valid_until,
        status: Standing::of(record.case.state),
        electronic: true,
        verify_path: crate::signing::verify_path(c),
        open_corrections: record.case.open_corrections().count(),
    })
}
