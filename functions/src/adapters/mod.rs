//! Adapters of the ports (`crate::ports`): the embedded redb store and DynamoDB (`store/`),
//! files and S3 (`blob/`), the demo population registry (`registry.rs`), the local notifier (`notify/`), and the KMS envelope of the sealing keys (`envelope.rs`).

pub mod blob;
pub mod envelope;
pub mod notify;
pub mod registry;
pub mod store;
