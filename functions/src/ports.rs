//! Ports: what the handlers need from the outside world, as narrow traits. Handlers take them
//! as `&dyn …` through [`crate::state::AppState`], so a test runs any handler on the embedded
//! store and the same test on DynamoDB.

use async_trait::async_trait;
use domain::case::{Case, Event, Moment};
use domain::materials::{MaterialCode, ProvidedMaterial};
use serde::{Deserialize, Serialize};

/// The people on an application. ID numbers are sensitive (吉林 art. 13): they are stored in
/// this record only, looked up through keyed hashes, and masked everywhere they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: domain::IdNumber,
    #[serde(default)]
    pub spouse_name: Option<String>,
    #[serde(default)]
    pub spouse_id_number: Option<domain::IdNumber>,
    pub phone: String,
}

/// A case as stored: the domain case plus what only the server keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub case: Case,
    pub applicant: Applicant,
    pub materials: Vec<ProvidedMaterial>,
    /// HMAC-SHA256 of the applicant's access code (never the code itself).
    pub access_code_hash: String,
    /// Keyed hashes of the ID numbers on the case, for lookup (never the raw numbers as keys).
    pub id_hashes: Vec<String>,
    pub created_at: Moment,
}

/// The first answer to a request with an `Idempotency-Key`, kept for 24 hours so a retry gets
/// the same answer and creates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub key: String,
    /// SHA-256 of the request body: the same key with another body is a conflict.
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    /// Unix seconds after which the record may be deleted (DynamoDB TTL).
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a case with this number already exists")]
    AlreadyExists,
    #[error("the idempotency key has already been used")]
    IdempotencyKeyUsed,
    #[error("the case changed meanwhile (now version {current})")]
    VersionConflict { current: u64 },
    #[error("no such case")]
    NotFound,
    #[error("a stored record could not be read: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("the store is unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Creates the case, its first audit events and (when given) the idempotency record in one
    /// atomic write: all or nothing.
    async fn create(
        &self,
        record: &CaseRecord,
        events: &[Event],
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError>;

    async fn get(&self, number: &str) -> Result<Option<CaseRecord>, StoreError>;

    /// Replaces the case if the stored version is `expected_version`, appending its audit
    /// events in the same atomic write (optimistic locking).
    async fn update(
        &self,
        record: &CaseRecord,
        expected_version: u64,
        events: &[Event],
    ) -> Result<(), StoreError>;

    /// The audit trail, oldest first.
    async fn events(&self, number: &str) -> Result<Vec<Event>, StoreError>;

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
}

/// Time, so deadlines and red lights are testable.
pub trait Clock: Send + Sync {
    fn now(&self) -> Moment;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Moment {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Moment(ms)
    }
}

/// A clock that always says the same time (tests, and demos of red lights).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Moment);

impl Clock for FixedClock {
    fn now(&self) -> Moment {
        self.0
    }
}

/// The population database (全员人口数据库): which materials it already confirms for a
/// person, so they are not asked (吉林 art. 9; 004 三(二)).
pub trait PopulationRegistry: Send + Sync {
    fn confirmed(&self, id_number: &domain::IdNumber) -> Vec<MaterialCode>;
}

/// The local stand-in: confirms nothing, so every material is asked for. A real adapter
/// queries the provincial population platform.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPopulationRegistry;

impl PopulationRegistry for NoPopulationRegistry {
    fn confirmed(&self, _id_number: &domain::IdNumber) -> Vec<MaterialCode> {
        Vec::new()
    }
}

/// What the store knows of an upload without reading it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub content_type: String,
    pub size: u64,
    /// The first bytes, enough to recognise JPEG, PNG and PDF.
    pub head: Vec<u8>,
}

/// A URL the browser PUTs the file to directly (S3), with the headers it must send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PresignedPut {
    pub url: String,
    pub method: &'static str,
    pub content_type: String,
    pub expires_in: u64,
}

/// Uploaded material scans and photos.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores bytes under `id` (generated by the server, never by the client).
    async fn put(&self, id: &str, content_type: &str, bytes: &[u8]) -> Result<(), BlobError>;
    /// Type, size and first bytes, or `None` when nothing is stored under `id`.
    async fn inspect(&self, id: &str) -> Result<Option<BlobInfo>, BlobError>;
    /// The bytes and their content type.
    async fn get(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, BlobError>;
    /// A presigned upload URL, where the store supports direct browser uploads.
    async fn presign_put(
        &self,
        id: &str,
        content_type: &str,
    ) -> Result<Option<PresignedPut>, BlobError> {
        let _ = (id, content_type);
        Ok(None)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file store is unavailable: {0}")]
    Unavailable(#[from] std::io::Error),
    #[error("the object store is unavailable: {0}")]
    Remote(#[source] Box<dyn std::error::Error + Send + Sync>),
}
