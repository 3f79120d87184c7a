//! The guides function: `GET /api/guides?division=&service=` — the public service guide.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use domain::contract::{FieldError, GuideAnswer};
use domain::guide;
use domain::{DivisionCode, Gazetteer, Service};

use crate::openapi::{Api, Operation, schema_of};
use crate::problem::Problem;
use crate::state::Reckoning;

/// Guides need the clock and the calendar (for the due date if accepted today).
pub fn router() -> Api<Reckoning> {
    Api::new().get(
        "/guides",
        guides,
        Operation::new("guides", "The public service guide of an office")
            .query_as("division", true, "the office", schema_of::<DivisionCode>)
            .query_as("service", true, "service code", schema_of::<Service>)
            .answer::<GuideAnswer>(200, "the guide")
            .problem(400, "every bad parameter")
            .problem(422, "no rules for the province")
            .problem(503, "store unavailable"),
    )
}

fn field(field: &str, message: &str) -> FieldError {
    FieldError::new("invalid_field", field, message)
}

async fn guides(
    State(state): State<Reckoning>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<GuideAnswer>, Problem> {
    let mut errors = Vec::new();
    let division = q.get("division").and_then(|d| DivisionCode::parse(d).ok());
    if division.is_none() {
        errors.push(field(
            "division",
            "受理机构区划代码（6、9或12位）/ the office's division code",
        ));
    }
    let service = q.get("service").and_then(|s| Service::from_code(s));
    if service.is_none() {
        errors.push(field(
            "service",
            "birth_service | rebirth | only_child_honor | marital_status_proof",
        ));
    }
    let (Some(division), Some(service)) = (division, service) else {
        return Err(Problem::invalid_request(&errors));
    };
    let today = state.clock.now().date();
    let calendar = state.calendar().await?;
    let guide = guide::guide(division, service, today, &calendar)
        .map_err(|e| Problem::unprocessable(e.code(), e.to_string()))?;
    Ok(Json(GuideAnswer {
        office: Gazetteer::seed().full_name(division),
        guide,
    }))
}
