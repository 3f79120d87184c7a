//! Liveness: `GET /api/health`.

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// The health answer. `version` lets the SPA and operators see which build is running.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

pub fn router() -> Router {
    Router::new().route("/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}
