//! The S3 blob store. Browsers upload with a presigned PUT to `uploads/<id>` whose signature
//! covers the declared content type and the exact size; a case submission checks the object
//! (type, size, then its first bytes, all of one version: its ETag) and pins it by copying that
//! version — `CopySource-If-Match` — to `pinned/<id>`, which no upload URL can reach. A URL
//! used again after the check changes only the unattached object, which a lifecycle rule on
//! `uploads/` expires ([`crate::ports::UNATTACHED_UPLOAD_DAYS`], infra/template.yaml).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use crate::ports::{BlobError, BlobInfo, BlobStore, Pinned, PresignedPut};

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

/// Where the browser uploads (and may upload again while its URL lasts).
fn unattached(id: &str) -> String {
    format!("uploads/{id}")
}

/// Where a case's checked upload is kept.
fn pinned(id: &str) -> String {
    format!("pinned/{id}")
}

/// The HTTP status of an error the service answered with.
fn status<E>(e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

/// The total size from `Content-Range: bytes 0-15/12345`.
fn total_of(content_range: &str) -> Option<u64> {
    content_range.rsplit('/').next()?.parse().ok()
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

    /// Type, size, first bytes and ETag of the object under `key`, in one ranged GET so that
    /// all four describe the same version.
    async fn describe(&self, key: &str) -> Result<Option<BlobInfo>, BlobError> {
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range("bytes=0-15")
            .send()
            .await
        {
            Ok(out) => out,
            Err(SdkError::ServiceError(e)) if e.err().is_no_such_key() => return Ok(None),
            // An empty object has no byte 0: 416. Its HEAD says what there is to say.
            Err(e) if status(&e) == Some(416) => {
                let head = self
                    .client
                    .head_object()
                    .bucket(&self.bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(remote)?;
                return Ok(Some(BlobInfo {
                    content_type: head.content_type().unwrap_or_default().to_string(),
                    size: 0,
                    head: Vec::new(),
                    etag: head.e_tag().map(str::to_string),
                    version: head.version_id().map(str::to_string),
                }));
            }
            Err(e) => return Err(remote(e)),
        };
        let size = out
            .content_range()
            .and_then(total_of)
            .or_else(|| out.content_length().and_then(|n| u64::try_from(n).ok()))
            .unwrap_or(0);
        let content_type = out.content_type().unwrap_or_default().to_string();
        let etag = out.e_tag().map(str::to_string);
        let version = out.version_id().map(str::to_string);
        let mut head = out
            .body
            .collect()
            .await
            .map_err(remote)?
            .into_bytes()
            .to_vec();
        head.truncate(16);
        Ok(Some(BlobInfo {
            content_type,
            size,
            head,
            etag,
            version,
        }))
    }

    async fn read(&self, key: &str) -> Result<Option<(String, Vec<u8>)>, BlobError> {
        match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
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
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, id: &str, content_type: &str, bytes: &[u8]) -> Result<(), BlobError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(unattached(id))
            .content_type(content_type)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map_err(remote)?;
        Ok(())
    }

    async fn inspect(&self, id: &str) -> Result<Option<BlobInfo>, BlobError> {
        match self.describe(&pinned(id)).await? {
            Some(info) => Ok(Some(info)),
            None => self.describe(&unattached(id)).await,
        }
    }

    async fn get(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, BlobError> {
        match self.read(&pinned(id)).await? {
            Some(found) => Ok(Some(found)),
            // Uploads of cases submitted before pinning existed.
            None => self.read(&unattached(id)).await,
        }
    }

    async fn pin(&self, id: &str, checked: &BlobInfo) -> Result<Pinned, BlobError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(pinned(id))
            .send()
            .await
        {
            Ok(_) => return Ok(Pinned::Kept),
            Err(SdkError::ServiceError(e)) if e.err().is_not_found() => {}
            Err(e) => return Err(remote(e)),
        }
        // The version checked is copied (the bucket keeps versions), and its ETag must still
        // match (where a bucket does not). Without either there is nothing to hold the copy
        // to: refuse rather than keep bytes nobody checked.
        if checked.version.is_none() && checked.etag.is_none() {
            return Ok(Pinned::Changed);
        }
        let mut source = format!("{}/{}", self.bucket, unattached(id));
        if let Some(v) = &checked.version {
            source.push_str("?versionId=");
            source.push_str(v);
        }
        match self
            .client
            .copy_object()
            .bucket(&self.bucket)
            .key(pinned(id))
            .copy_source(source)
            .set_copy_source_if_match(checked.etag.clone())
            .send()
            .await
        {
            Ok(_) => Ok(Pinned::Kept),
            Err(e) if status(&e) == Some(412) => Ok(Pinned::Changed),
            Err(e) if status(&e) == Some(404) || e.code() == Some("NoSuchKey") => {
                Ok(Pinned::Missing)
            }
            Err(e) => Err(remote(e)),
        }
    }

    async fn presign_put(
        &self,
        id: &str,
        content_type: &str,
        size: u64,
    ) -> Result<Option<PresignedPut>, BlobError> {
        let length = i64::try_from(size).map_err(remote)?;
        let config =
            PresigningConfig::expires_in(Duration::from_secs(PRESIGN_SECONDS)).map_err(remote)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(unattached(id))
            .content_type(content_type)
            // Signed: S3 refuses a body of any other length (issue 18).
            .content_length(length)
            .presigned(config)
            .await
            .map_err(remote)?;
        Ok(Some(PresignedPut {
            url: request.uri().to_string(),
            method: "PUT".into(),
            content_type: content_type.to_string(),
            content_length: size,
            expires_in: PRESIGN_SECONDS,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline_client() -> Client {
        use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("cn-north-1"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "static"))
            .build();
        Client::from_conf(conf)
    }

    #[tokio::test]
    async fn a_presigned_put_signs_the_type_and_the_exact_length() {
        // Presigning is computed locally: no request is sent.
        let store = S3BlobStore::new(offline_client(), "uploads");

        let put = store
            .presign_put("up_aaaaaaaaaaaaaaaaaaaa", "image/png", 12_345)
            .await
            .unwrap()
            .unwrap();

        let (path, query) = put.url.split_once('?').unwrap();
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap()
                .to_string()
        };
        let signed = param("X-Amz-SignedHeaders").replace("%3B", ";");
        let signed: Vec<&str> = signed.split(';').collect();
        assert!(signed.contains(&"content-length"), "{signed:?}");
        assert!(signed.contains(&"content-type"), "{signed:?}");
        assert!(path.ends_with("/uploads/up_aaaaaaaaaaaaaaaaaaaa"), "{path}");
        let expires: u64 = param("X-Amz-Expires").parse().unwrap();
        assert_eq!(expires, PRESIGN_SECONDS);
        assert_eq!(
            (put.content_type.as_str(), put.content_length),
            ("image/png", 12_345)
        );
    }

    #[test]
    fn the_total_size_is_read_from_a_content_range() {
        assert_eq!(total_of("bytes 0-15/12345"), Some(12_345));
        assert_eq!(total_of("bytes */0"), Some(0));
        assert_eq!(total_of("garbage"), None);
    }
}
