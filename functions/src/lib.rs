//! The server side of 计生证件网上办: thin HTTP functions over the `domain` rules.
//!
//! Each function is an axum [`Router`](axum::Router). On AWS each router is handed to
//! `lambda_http::run`; locally [`local::app`] mounts them all, plus the built SPA, in one process.

// The OpenAPI document is one large `json!` literal, deeper than the default macro limit.
#![recursion_limit = "256"]

pub mod admin;
pub mod auth;
pub mod blob;
pub mod calendar;
pub mod cases;
pub mod certificate_pdf;
pub mod certificates;
pub mod corrections;
pub mod credit;
pub mod divisions;
pub mod eligibility;
pub mod envelope;
pub mod errors;
pub mod guides;
pub mod headers;
pub mod health;
pub mod lambda;
pub mod local;
pub mod login_guard;
pub mod lookup;
pub mod names;
pub mod openapi;
pub mod pdf;
pub mod ports;
pub mod problem;
pub mod registry;
pub mod review;
pub mod sealed;
pub mod state;
pub mod store;
pub mod supervision;
pub mod sweep;
pub mod tokens;
pub mod uploads;

use axum::Router;

use crate::state::AppState;

/// Every API router, mounted under `/api` by the local server. Unknown paths under `/api`
/// answer a problem document, never the SPA's index.html.
pub fn api_router(state: AppState) -> Router {
    let router = Router::new()
        .merge(health::router().with_state(state.reckoning()))
        .merge(eligibility::router().with_state(state.reckoning()))
        .merge(calendar::router().with_state(state.clone()))
        .merge(openapi::router())
        .merge(cases::router().with_state(state.clone()))
        .merge(auth::router().with_state(state.clone()))
        .merge(admin::router().with_state(state.clone()))
        .merge(review::router().with_state(state.clone()))
        .merge(supervision::router().with_state(state.clone()))
        .merge(guides::router().with_state(state.reckoning()))
        .merge(divisions::router().with_state(state.clone()))
        .merge(uploads::router().with_state(state))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed);
    headers::api(router)
}
