//! The server side of 计生证件网上办: thin HTTP functions over the `domain` rules.
//!
//! Each function is an axum [`Router`](axum::Router). On AWS each router is handed to
//! `lambda_http::run`; locally [`local::app`] mounts them all, plus the built SPA, in one process.

pub mod access;
pub mod adapters;
pub mod attachments;
pub mod certificate_pdf;
pub mod credit;
pub mod demo;
pub mod errors;
pub mod gazette;
pub mod handlers;
pub mod headers;
pub mod holders;
pub mod lambda;
pub mod local;
pub mod login_guard;
pub mod names;
pub mod openapi;
pub mod outbox;
pub mod passwords;
pub mod pdf;
pub mod ports;
pub mod problem;
pub mod reckoning;
pub mod sealed;
pub mod signing;
pub mod state;
pub mod sweep;
pub mod tokens;
pub mod views;

use axum::Router;

use crate::state::AppState;

/// Every API router, mounted under `/api` by the local server. Unknown paths under `/api`
/// answer a problem document, never the SPA's index.html.
pub fn api_router(state: AppState) -> Router {
    let router = Router::new()
        .merge(handlers::health::router().with_state(state.reckoning()))
        .merge(handlers::eligibility::router().with_state(state.reckoning()))
        .merge(handlers::openapi::router())
        .merge(handlers::cases_function().with_state(state.clone()))
        .merge(handlers::auth_function().with_state(state.clone()))
        .merge(handlers::review_function().with_state(state.clone()))
        .merge(handlers::supervision::router().with_state(state.clone()))
        .merge(handlers::guides::router().with_state(state.reckoning()))
        .merge(handlers::uploads::router().with_state(state))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed);
    headers::api(router)
}
