//! The eligibility function: `POST /api/eligibility` and `GET /api/deadline` (SPEC §9).
//! The same domain code runs in the SPA; the server never trusts the browser's answer.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use domain::calendar::{TimeLimit, TimeUnit};
use domain::contract::{
    DeadlineAnswer, DeadlineReply, DueAnswer, EligibilityAnswer, EligibilityRequest, FieldError,
};
use domain::policy::{self, PolicyError};
use domain::{Date, DivisionCode, Service};

use crate::openapi::{Api, Operation, schema_of};
use crate::problem::{JsonBody, Problem};
use crate::state::Reckoning;

pub fn router() -> Api<Reckoning> {
    Api::new()
        .post(
            "/eligibility",
            eligibility,
            Operation::new(
                "eligibility",
                "The domain's eligibility check: reasons with sources, the complete material list",
            )
            .json_body::<EligibilityRequest>()
            .answer::<EligibilityAnswer>(200, "the answer")
            .problem(400, "malformed JSON, or every bad field")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(422, "no rules for the province or the date")
            .problem(503, "store unavailable"),
        )
        .get(
            "/deadline",
            deadline,
            Operation::new("deadline", "Legal steps and due dates, or one limit's due date")
                .query_as("from", true, "day of acceptance", schema_of::<Date>)
                .query_as("division", false, "accepting office", schema_of::<DivisionCode>)
                .query_as("service", false, "service code", schema_of::<Service>)
                .query_as("unit", false, "with value: the limit's unit", schema_of::<TimeUnit>)
                .query_as("value", false, "with unit: the limit", schema_of::<u32>)
                .query_as(
                    "cross_province",
                    false,
                    "true when a spouse's hukou is in another province",
                    schema_of::<bool>,
                )
                .answer::<DeadlineReply>(
                    200,
                    "steps with due dates, or {due}; `provisional: true` where a count crossed a year whose holiday notice is not loaded",
                )
                .problem(400, "every bad parameter")
                .problem(
                    422,
                    "a date outside the years that can be counted (2008–2099), or no rules for it",
                )
                .problem(503, "store unavailable"),
        )
}

fn policy_problem(e: &PolicyError) -> Problem {
    Problem::unprocessable(e.code(), e.to_string())
}

async fn eligibility(
    State(state): State<Reckoning>,
    JsonBody(body): JsonBody,
) -> Result<Json<EligibilityAnswer>, Problem> {
    let request = EligibilityRequest::from_json(&body).map_err(|e| Problem::invalid_request(&e))?;
    // Every place named must exist (issue 22), all reported at once.
    let unknown = state.divisions.unknown(&request, "");
    if !unknown.is_empty() {
        return Err(Problem::invalid_request(&unknown));
    }
    policy::check(&request)
        .map(Json)
        .map_err(|e| policy_problem(&e))
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new("invalid_field", field, message)
}

/// `GET /api/deadline?division=&service=&from=` (the legal steps) or
/// `GET /api/deadline?from=&unit=&value=` (one limit). Every bad parameter is reported at once.
// Long: six query parameters read with every bad one reported at once, then either form answered.
async fn deadline(
    State(state): State<Reckoning>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<DeadlineReply>, Problem> {
    let mut errors = Vec::new();
    let from = match q.get("from") {
        None => {
            errors.push(field_error(
                "from",
                "缺少受理日期 / required: from=YYYY-MM-DD",
            ));
            None
        }
        Some(s) => Date::parse(s)
            .map_err(|e| errors.push(field_error("from", e.to_string())))
            .ok(),
    };
    let known = [
        "from",
        "division",
        "service",
        "unit",
        "value",
        "cross_province",
    ];
    for key in q.keys().filter(|k| !known.contains(&k.as_str())) {
        errors.push(FieldError::new(
            "unknown_field",
            key,
            "未知参数 / unknown parameter",
        ));
    }
    let single = q.contains_key("unit") || q.contains_key("value");
    let calendar = &state.calendar().await?;
    if single {
        let unit = match q.get("unit").map(String::as_str) {
            Some("working_days") => Some(TimeUnit::WorkingDays),
            Some("days") => Some(TimeUnit::Days),
            other => {
                errors.push(field_error(
                    "unit",
                    format!("working_days | days, not {other:?}"),
                ));
                None
            }
        };
        let value = match q.get("value").map(|v| v.parse::<u32>()) {
            Some(Ok(v)) if v <= 3650 => Some(v),
            _ => {
                errors.push(field_error(
                    "value",
                    "a whole number of days from 0 to 3650",
                ));
                None
            }
        };
        let (Some(from), Some(unit), Some(value), true) = (from, unit, value, errors.is_empty())
        else {
            return Err(Problem::invalid_request(&errors));
        };
        let due = calendar
            .due(from, TimeLimit { unit, value })
            .map_err(|e| Problem::unprocessable("outside_calendar", e.to_string()))?;
        return Ok(Json(DeadlineReply::Due(DueAnswer {
            due: due.date,
            provisional: due.provisional,
        })));
    }
    let division = match q.get("division") {
        None => {
            errors.push(field_error(
                "division",
                "缺少受理机构区划代码 / required: division",
            ));
            None
        }
        Some(s) => DivisionCode::parse(s)
            .map_err(|e| errors.push(field_error("division", e.to_string())))
            .ok(),
    };
    let service = match q.get("service") {
        None => {
            errors.push(field_error("service", "缺少事项 / required: service"));
            None
        }
        Some(s) => Service::from_code(s).or_else(|| {
            errors.push(field_error(
                "service",
                "birth_service | rebirth | only_child_honor | marital_status_proof",
            ));
            None
        }),
    };
    let cross_province = match q.get("cross_province").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(field_error("cross_province", "true or false"));
            false
        }
    };
    let (Some(from), Some(division), Some(service), true) =
        (from, division, service, errors.is_empty())
    else {
        return Err(Problem::invalid_request(&errors));
    };
    let answer: DeadlineAnswer =
        policy::deadline(division, service, from, cross_province, calendar)
            .map_err(|e| policy_problem(&e))?
            .map_err(|e| Problem::unprocessable("outside_calendar", e.to_string()))?;
    Ok(Json(DeadlineReply::Steps(answer)))
}
