//! Liveness: `GET /api/health`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::problem::Problem;
use crate::state::Reckoning;
use domain::contract::CalendarCoverage;

/// The health answer. `version` lets the SPA and operators see which build is running;
/// `today` is the service's date (China time), which the SPA uses for its own checks so the
/// browser and the server reckon deadlines from the same day whatever the phone's clock says;
/// `calendar` is the confirmed holiday-data range and, from 60 days before it ends, the warning
/// that the next year's notice is not loaded (issue 16).
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub today: domain::Date,
    pub calendar: CalendarCoverage,
    /// `checked`: division codes are checked against the country's data; `form_only`: this
    /// server has no division data, codes are checked for their form only (issue 22).
    pub divisions: &'static str,
}

pub fn router() -> Router<Reckoning> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<Reckoning>) -> Result<Json<Health>, Problem> {
    let today = state.clock.now().date();
    let calendar = state.calendar().await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        today,
        calendar: crate::reckoning::coverage(&calendar, today),
        divisions: if state.divisions.loaded() {
            "checked"
        } else {
            "form_only"
        },
    }))
}
