//! The window's look-up in the population database (全员人口数据库), from which window staff
//! issue the 婚育情况证明 on the spot instead of sending the applicant to the hukou place
//! (SPEC §1, §3; 003 三(二); 004 三(三)): `POST /api/staff/registry`.
//!
//! The ID number travels in the body, never in the URL, so it stays out of access logs. A
//! person not in the registry is an out-of-city applicant: the answer says so, and the window
//! takes a signed commitment and verifies by phone or letter (003 三(二)).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::IdNumber;
use domain::contract::{RegistryAnswer, RegistryChild, RegistryRequest, RevealedPerson};
use domain::roles::Capability;
use serde_json::Value;

use crate::access::Staff;
use crate::openapi::{Api, Operation};
use crate::ports::RegistryPerson;
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new().post(
        "/staff/registry",
        lookup,
        Operation::new(
            "registryLookup",
            "Window staff (village, township): a person's registered marriage, children and hukou from the population database, to issue the 婚育情况证明 on the spot (003 三(二)); the ID number in the body, never the URL",
        )
        .bearer()
        .json_body::<RegistryRequest>()
        .answer::<RegistryAnswer>(200, "the registered facts")
        .problem(400, "malformed JSON, no or invalid ID number")
        .problem(401, "not signed in")
        .problem(403, "not a window role")
        .problem(404, "not_in_registry: out-of-city, verify by commitment and phone or letter")
        .problem(413, "body too large")
        .problem(415, "not JSON")
        .problem(429, "registry_throttled: too many look-ups by this account this hour")
        .problem(503, "store unavailable"),
    )
}

fn not_in_registry() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_in_registry",
        "人口库中没有此人：按外地户籍办理——申请人签署承诺书，窗口以电话或函件核实（003 三(二)）",
        "Not in the population database: treat as out-of-city — the applicant signs a commitment and the window verifies by phone or letter (003 三(二))",
    )
}

async fn lookup(
    State(state): State<AppState>,
    Staff(claims): Staff,
    JsonBody(body): JsonBody,
) -> Result<Json<RegistryAnswer>, Problem> {
    // Only the window roles issue on the spot (SPEC §5).
    claims.require(Capability::RegistryLookup)?;
    let id = match body.get("id_number").and_then(Value::as_str) {
        Some(s) => IdNumber::parse(s.trim()).map_err(|e| {
            Problem::invalid_request(&[crate::errors::field_error(
                "invalid_field",
                "id_number",
                e.to_string(),
            )])
        })?,
        None => {
            return Err(Problem::invalid_request(&[crate::errors::field_error(
                "invalid_field",
                "id_number",
                "须提供身份证号码 / an ID number is required",
            )]));
        }
    };
    // At most this many look-ups per staff member an hour: a window serves the people in front
    // of it, not a list (issue 18).
    let now = state.clock.now();
    let hour_end = (now.0 / 1000 / 3600 + 1) * 3600;
    let key = state.keys.keyed_hash("registry", &claims.sub);
    let count = state.store.count_request(&key, hour_end).await?;
    if count > LOOKUPS_PER_HOUR {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "registry_throttled",
            "人口库查询过于频繁，请稍后再试",
            "Too many population-database look-ups: try again later",
        ));
    }
    // Scoped to the window's province: the population database (全员人口数据库) is the
    // province's, and a window serves anyone registered there (004 一: any window in the city).
    let province = claims.division.map(domain::DivisionCode::province);
    let person = state
        .registry
        .person(&id)
        .filter(|p| province.is_some_and(|pr| pr.contains(p.hukou)));
    let mut entry = claims.audit(now, "registry_read", id.masked());
    entry.details.push(if person.is_some() {
        "found".into()
    } else {
        "not found".into()
    });
    state.store.record_audit(&entry).await?;
    tracing::info!(by = %claims.sub, person = %id, found = person.is_some(), "population registry read");
    let person = person.ok_or_else(not_in_registry)?;
    Ok(Json(view(&person)))
}

/// Look-ups one staff member may make in an hour.
pub const LOOKUPS_PER_HOUR: u32 = 30;

fn view(p: &RegistryPerson) -> RegistryAnswer {
    RegistryAnswer {
        name: p.name.clone(),
        id_number: p.id_number.expose().to_string(),
        marriage: p.marriage,
        spouse: p.spouse.as_ref().map(|(name, id)| RevealedPerson {
            name: Some(name.clone()),
            id_number: id.expose().to_string(),
        }),
        children: p
            .children
            .iter()
            .map(|born| RegistryChild { born: *born })
            .collect(),
        hukou: p.hukou,
        source: p.source.clone(),
    }
}
