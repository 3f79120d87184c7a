//! Liveness: `GET /api/health`.

use axum::Json;
use axum::extract::State;
use domain::contract::Health;

use crate::openapi::{Api, Operation};
use crate::problem::Problem;
use crate::state::Reckoning;

pub fn router() -> Api<Reckoning> {
    Api::new().get(
        "/health",
        health,
        Operation::new(
            "health",
            "Liveness, version, the service's date (China time) and the confirmed holiday-data range with its warning",
        )
        .answer::<Health>(200, "up")
        .problem(503, "store unavailable"),
    )
}

async fn health(State(state): State<Reckoning>) -> Result<Json<Health>, Problem> {
    let today = state.clock.now().date();
    let calendar = state.calendar().await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        today,
        calendar: crate::reckoning::coverage(&calendar, today),
        divisions: if state.divisions.loaded() {
            "checked".into()
        } else {
            "form_only".into()
        },
    }))
}
