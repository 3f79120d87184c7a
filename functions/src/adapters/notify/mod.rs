//! Notifier adapters: the local outbox file (`local.rs`) that `cargo xtask run` uses, and
//! Amazon SNS (SMS) with SES v2 (e-mail) for AWS (`aws.rs`).

pub mod aws;
pub mod local;

pub use aws::AwsNotifier;
pub use local::FileNotifier;
