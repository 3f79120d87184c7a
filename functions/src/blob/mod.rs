//! Blob stores for uploaded materials: `fs` (local files, the local server) and `s3`
//! (AWS S3, with presigned PUT URLs so browsers upload directly).

pub mod fs;
pub mod s3;

pub use fs::FsBlobStore;
pub use s3::S3BlobStore;
