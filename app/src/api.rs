//! All network calls of the SPA. Every call returns a `Result`; nothing here panics.

use gloo_net::http::Request;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("network error: {0}")]
    Network(String),
    #[error("server answered HTTP {0}")]
    Status(u16),
    #[error("unexpected answer: {0}")]
    Decode(String),
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

pub async fn health() -> Result<Health, ApiError> {
    let response = Request::get("/api/health")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    response
        .json::<Health>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}
