//! The rules of 计生证件网上办 (SPEC.md), shared by the browser (wasm32) and the server.
//!
//! Nothing here performs I/O or depends on an async runtime: every function is a pure
//! computation over its arguments, so the SPA and the functions reach the same answer.

pub mod applicant;
pub mod calendar;
pub mod case;
pub mod certificate;
pub mod commitment;
pub mod contract;
pub mod date;
pub mod division;
pub mod guide;
pub mod id_number;
pub mod limits;
pub mod materials;
pub mod notify;
pub mod policy;
pub mod roles;
pub mod service;

pub use calendar::{Calendar, TimeLimit, TimeUnit};
pub use date::Date;
pub use division::{DivisionCode, Gazetteer, Level};
pub use id_number::IdNumber;
pub use service::Service;
