//! Case-store adapters: `embedded` (redb, a single ACID file under the data dir, used by the
//! local server) and `dynamodb` (the single-table design of ARCHITECTURE "Storage").
//! `functions/tests/store_conformance.rs` runs one suite against both.

pub mod dynamodb;
pub mod embedded;
