//! Notifier adapters: the local outbox file (`local.rs`) that `cargo xtask run` uses. Amazon SNS
//! (SMS) and SES v2 (e-mail) come with the AWS deployment (issue 20).

pub mod local;

pub use local::FileNotifier;
