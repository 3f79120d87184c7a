//! `GET /api/openapi.json`: the OpenAPI 3.1 document of every route, built from the routers'
//! own declarations (`crate::openapi`) by `handlers::document`.

use axum::Json;
use serde_json::Value;

use crate::openapi::{Api, Operation};

pub fn api() -> Api {
    Api::new().get(
        "/openapi.json",
        serve,
        Operation::new("openapi", "This document").answer::<Value>(200, "OpenAPI 3.1"),
    )
}

/// The router the `openapi` function serves.
pub fn router() -> axum::Router {
    api().into_router()
}

/// The whole document.
pub fn document() -> Value {
    super::document()
}

async fn serve() -> Json<Value> {
    Json(document())
}
