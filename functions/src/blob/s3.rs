//! The S3 blob store: objects under `uploads/<id>`; browsers upload with a presigned PUT
//! whose signature covers the declared content type, and the server checks the bytes
//! (type and size) before a case may use the upload.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use crate::ports::{BlobError, BlobInfo, BlobStore, PresignedPut};

/// How long a presigned upload URL stays valid.
pub const PRESIGN_SECONDS: u64 = 15 * 60;

#[derive(Debug, Clone)]
pub struct S3BlobStore {
    client: Client,
    bucket: String,
}

fn remote(e: impl std::error::Error + Send + Sync + 'static) -> BlobError {
    BlobError::Remote(Box::new(e))
}

fn key(id: &str) -> String {
    format!("uploads/{id}")
}

impl S3BlobStore {
    /// `client` is built once in `main` (or by the test harness) and shared.
    pub fn new(client: Client, bucket: impl Into<String>) -> S3BlobStore {
        S3BlobStore {
            client,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, id: &str, content_type: &str, bytes: &[u8]) -> Result<(), BlobError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key(id))
            .content_type(content_type)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map_err(remote)?;
        Ok(())
    }

    async fn inspect(&self, id: &str) -> Result<Option<BlobInfo>, BlobError> {
        let head = match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key(id))
            .send()
            .await
        {
            Ok(h) => h,
            Err(SdkError::ServiceError(e)) if e.err().is_not_found() => return Ok(None),
            Err(e) => return Err(remote(e)),
        };
        let size = u64::try_from(head.content_length().unwrap_or(0)).unwrap_or(0);
        let content_type = head.content_type().unwrap_or_default().to_string();
        if size == 0 {
            return Ok(Some(BlobInfo {
                content_type,
                size,
                head: Vec::new(),
            }));
        }
        let first = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key(id))
            .range("bytes=0-15")
            .send()
            .await
            .map_err(remote)?;
        let bytes = first
            .body
            .collect()
            .await
            .map_err(remote)?
            .into_bytes()
            .to_vec();
        Ok(Some(BlobInfo {
            content_type,
            size,
            head: bytes,
        }))
    }

    async fn get(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, BlobError> {
        match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key(id))
            .send()
            .await
        {
            Ok(out) => {
                let content_type = out.content_type().unwrap_or_default().to_string();
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(remote)?
                    .into_bytes()
                    .to_vec();
                Ok(Some((content_type, bytes)))
            }
            Err(SdkError::ServiceError(e)) if e.err().is_no_such_key() => Ok(None),
            Err(e) => Err(remote(e)),
        }
    }

    async fn presign_put(
        &self,
        id: &str,
        content_type: &str,
    ) -> Result<Option<PresignedPut>, BlobError> {
        let config =
            PresigningConfig::expires_in(Duration::from_secs(PRESIGN_SECONDS)).map_err(remote)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key(id))
            .content_type(content_type)
            .presigned(config)
            .await
            .map_err(remote)?;
        Ok(Some(PresignedPut {
            url: request.uri().to_string(),
            method: "PUT",
            content_type: content_type.to_string(),
            expires_in: PRESIGN_SECONDS,
        }))
    }
}
