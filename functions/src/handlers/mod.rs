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
