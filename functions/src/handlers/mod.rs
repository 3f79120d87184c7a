//! The HTTP functions: one axum router per resource, each a thin layer that reads the request,
//! asks `domain` (and the ports through `AppState`) and answers a typed body or a problem.
//! A handler imports downward only (`crate::access`, `crate::ports`, `crate::state`, …) — never
//! another handler.

pub mod admin;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod certificates;
pub mod corrections;
pub mod divisions;
pub mod eligibility;
pub mod guides;
pub mod health;
pub mod lookup;
pub mod openapi;
pub mod registry;
pub mod review;
pub mod supervision;
pub mod uploads;

use crate::openapi::{Api, Route};
use crate::state::AppState;

/// The `cases` function (`bin/cases.rs`): certificates are read where cases are (the same
/// table), the lookup and correction requests read and change the same cases, and the village
/// search needs the same store (its per-client limit) and the divisions layer the submission
/// checks codes against.
pub fn cases_function() -> Api<AppState> {
    cases::router()
        .merge(certificates::router())
        .merge(lookup::router())
        .merge(corrections::router())
        .merge(divisions::router())
}

/// The `review` function (`bin/review.rs`): the window's registry look-up runs with the rest
/// of staff work.
pub fn review_function() -> Api<AppState> {
    review::router().merge(registry::router())
}

/// The `auth` function (`bin/auth.rs`): sign-in, the administrators' account management and
/// the calendar notices they load.
pub fn auth_function() -> Api<AppState> {
    auth::router()
        .merge(admin::router())
        .merge(calendar::router())
}

/// Every documented route of every function, in the order the document lists them.
pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(health::router().into_routes());
    routes.extend(eligibility::router().into_routes());
    routes.extend(guides::router().into_routes());
    routes.extend(openapi::api().into_routes());
    routes.extend(uploads::router().into_routes());
    routes.extend(cases_function().into_routes());
    routes.extend(review_function().into_routes());
    routes.extend(auth_function().into_routes());
    routes.extend(supervision::router().into_routes());
    routes
}

/// The OpenAPI 3.1 document of [`routes`].
pub fn document() -> serde_json::Value {
    crate::openapi::document(&routes())
}
