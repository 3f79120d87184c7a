//! End-to-end tests: the whole local server in-process on a free loopback port.
//!
//! Browser flows need the SPA built by trunk: `cargo xtask test` builds it and sets
//! `E2E_SPA_DIR`; run alone, `cargo test -p e2e` uses `app/dist` if it exists.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod bounds;
mod browser;
mod calendar;
mod cases;
mod certificates;
mod contract;
mod divisions;
mod eligibility;
mod fidelity;
mod helpers;
mod lookup;
mod openapi;
mod returns;
mod routes;
mod workflow;
