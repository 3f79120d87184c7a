//! Liveness: `GET /api/health`.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::ports::Clock;

/// The health answer. `version` lets the SPA and operators see which build is running;
/// `today` is the service's date (China time), which the SPA uses for its own checks so the
/// browser and the server reckon deadlines from the same day whatever the phone's clock says.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub today: domain::Date,
}

pub fn router() -> Router<Arc<dyn Clock>> {
    Router::new().route("/health", get(health))
}

async fn health(State(clock): State<Arc<dyn Clock>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        today: clock.now().date(),
    })
}
