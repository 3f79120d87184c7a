//! Ports: what the handlers need from the outside world, as narrow traits. Handlers take them
//! as `&dyn …` through [`crate::state::AppState`], so a test runs any handler on the embedded
//! store and the same test on DynamoDB.

use async_trait::async_trait;
use domain::case::{Case, CaseState, Event, Moment};
use domain::contract::Processing;
use domain::materials::{MaterialCode, ProvidedMaterial};
use domain::roles::Role;
use domain::{Date, DivisionCode, Service};
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
    /// How the applicant wants the certificate (SPEC §6); staff deliver by it. Extension.
    #[serde(default)]
    pub delivery: Option<domain::case::Delivery>,
    /// The online commitment (承诺; 002 art. 10, 004 三(二)): the text's version and when.
    #[serde(default)]
    pub commitment: Option<SignedCommitment>,
    /// How the applicant wants to hear of each step (issue 20); SMS in Chinese when the
    /// application said nothing.
    #[serde(default)]
    pub notify: domain::notify::Preference,
}

pub use domain::contract::SignedCommitment;

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
    /// Another write to the same items was in flight; retrying may succeed.
    #[error("the store is busy with a concurrent write")]
    Busy,
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

    /// Appends audit events that change nothing (a staff member read the case), keeping the
    /// version, so reading never makes someone else's action stale.
    async fn append_events(&self, number: &str, events: &[Event]) -> Result<(), StoreError>;

    /// One page of an office's work queue, ordered by the next deadline (red lights first,
    /// finished cases last). Served from an index, never a scan.
    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError>;

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// The numbers of the cases whose holders (applicant or spouse) include the ID number with
    /// this keyed hash (self-service lookup, 004 三(四)). Served from an index, never a scan.
    async fn cases_of_holder(&self, id_hash: &str) -> Result<Vec<String>, StoreError>;

    /// Counts one more request under `key` in the fixed window ending at `window_end` (Unix
    /// seconds) and answers the count so far in that window, this one included (rate limits
    /// shared by every server instance). Counters expire after their window.
    async fn count_request(&self, key: &str, window_end: i64) -> Result<u32, StoreError>;

    /// The holiday notices loaded at run time (issue 16), one per year, by year.
    async fn holiday_notices(&self) -> Result<Vec<StoredNotice>, StoreError>;

    /// Stores a year's notice, replacing the one stored for that year (if any).
    async fn put_holiday_notice(&self, notice: &StoredNotice) -> Result<(), StoreError>;

    /// Records a case the deadline sweep could not read or write (replacing an earlier record
    /// of the same case), so the sweep goes on and supervisors see it (issue 18).
    async fn record_sweep_failure(&self, failure: &SweepFailure) -> Result<(), StoreError>;

    /// Forgets a case's failure once the sweep has handled it.
    async fn clear_sweep_failure(&self, number: &str) -> Result<(), StoreError>;

    /// Every case the sweep could not handle, by case number.
    async fn sweep_failures(&self) -> Result<Vec<SweepFailure>, StoreError>;

    /// Records what staff did outside any case: population-registry look-ups, queue listings,
    /// account and calendar changes (issue 18; a case's own reads are in its trail).
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// The entries of one day (China time), oldest first.
    async fn audit_entries(&self, day: Date) -> Result<Vec<AuditEntry>, StoreError>;

    /// Removes what has expired by `now_secs` (Unix seconds): idempotency records (they hold a
    /// sealed access code), rate counters, revoked-token marks. Answers how many. DynamoDB's
    /// TTL does this itself, so there it removes nothing (issue 18).
    async fn purge_expired(&self, now_secs: i64) -> Result<usize, StoreError>;
}

/// One thing a staff member did outside any case, kept in the store (issue 18).
pub use domain::contract::AuditEntry;

pub use domain::contract::SweepFailure;

/// A State Council holiday notice as an administrator loaded it, with the versions it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredNotice {
    pub notice: domain::calendar::HolidayNotice,
    pub loaded_by: String,
    pub loaded_at: Moment,
    /// Earlier versions of this year's notice, oldest first (a corrected notice replaces one).
    #[serde(default)]
    pub replaced: Vec<domain::calendar::HolidayNotice>,
}

/// What a work-queue row shows: enough to sort, filter and pick a case, with the ID masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub number: String,
    pub version: u64,
    pub service: Service,
    pub state: CaseState,
    pub processing: Processing,
    pub accepting_division: DivisionCode,
    pub deciding_division: DivisionCode,
    pub accepted_on: Date,
    pub next_due: Option<Date>,
    /// Open steps and verifications with their due dates (red lights are computed on read).
    pub open_steps: Vec<(String, Date)>,
    pub applicant_name: String,
    /// Masked (吉林 art. 13).
    pub applicant_id_number: String,
    pub deemed_issue: bool,
    pub decided_on: Option<Date>,
    /// Years the case's open dates were counted across provisionally (issue 16): when one is
    /// confirmed, the sweep recomputes the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisional_years: Vec<i32>,
    /// Returns that named an item accepted before, on a county approver's written reason
    /// (issue 17; 000 二(二)2): supervisors see each.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub return_exceptions: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl QueueItem {
    pub fn of(record: &CaseRecord) -> QueueItem {
        let case = &record.case;
        let mut open_steps: Vec<(String, Date)> = if case.state.is_pending() {
            case.deadlines
                .iter()
                .filter(|d| d.done_on.is_none())
                .map(|d| (d.step.clone(), d.due))
                .chain(
                    case.verifications
                        .iter()
                        .filter(|v| v.answered_on.is_none())
                        .map(|v| (format!("verification:{}", v.id), v.due)),
                )
                .collect()
        } else {
            Vec::new()
        };
        // Correction requests wait on issued cases too (004 四(四)).
        open_steps.extend(
            case.open_corrections()
                .map(|c| (format!("correction:{}", c.id), c.due)),
        );
        QueueItem {
            number: case.number.clone(),
            version: case.version,
            service: case.service,
            state: case.state,
            processing: case.processing,
            accepting_division: case.accepting,
            deciding_division: case.deciding,
            accepted_on: case.accepted_on,
            next_due: case.next_due(),
            open_steps,
            applicant_name: record.applicant.name.clone(),
            applicant_id_number: record.applicant.id_number.masked(),
            deemed_issue: case.deemed_issue,
            decided_on: case.decided_on,
            provisional_years: case.provisional_years().into_iter().collect(),
            return_exceptions: case
                .returns
                .iter()
                .filter(|r| r.exception.is_some())
                .count(),
        }
    }

    /// Steps past due on `today` (亮红灯, 000 三(四)).
    pub fn overdue(&self, today: Date) -> Vec<String> {
        self.open_steps
            .iter()
            .filter(|(_, due)| *due < today)
            .map(|(s, _)| s.clone())
            .collect()
    }

    /// The queue order: next due date, then case number. Finished cases sort last.
    pub fn sort_key(&self) -> String {
        queue_sort_key(self.next_due, &self.number)
    }
}

pub fn queue_sort_key(due: Option<Date>, number: &str) -> String {
    match due {
        Some(d) => format!("{d}#{number}"),
        None => format!("9999-12-31#{number}"),
    }
}

/// Which cases have dates still running, for recounting them when a holiday notice is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatesIndex {
    /// Some open date was counted across a year without a notice.
    Provisional,
    /// Every open date is exact.
    Exact,
}

impl DatesIndex {
    pub fn partition(self) -> &'static str {
        match self {
            DatesIndex::Provisional => "DATES#provisional",
            DatesIndex::Exact => "DATES#exact",
        }
    }

    /// The dates partition a case belongs to (`DATES#closed` when nothing runs: never read).
    pub fn of(case: &Case) -> &'static str {
        if !case.provisional_years().is_empty() {
            DatesIndex::Provisional.partition()
        } else if case.has_open_dates() {
            DatesIndex::Exact.partition()
        } else {
            "DATES#closed"
        }
    }
}

/// The queue entries of a case: `(slot, partition)`. Every office that sees the case (SPEC §5:
/// accepting, deciding, asked to verify) and each division enclosing it gets two partitions —
/// all its cases, and its cases in this state — so "my division's cases", optionally in one
/// state, optionally overdue, is one range read. A slot names an entry stably across changes
/// of state, so an update overwrites entries in place. One more slot, `QD`, files the case
/// under the dates partition ([`DatesIndex`]) loading a holiday notice reads.
pub fn queue_entries(case: &Case) -> Vec<(String, String)> {
    let mut offices: Vec<DivisionCode> = case
        .offices()
        .into_iter()
        .flat_map(DivisionCode::lineage)
        .collect();
    offices.sort();
    offices.dedup();
    offices
        .into_iter()
        .flat_map(|o| {
            let corrected = case
                .certificate
                .as_ref()
                .is_some_and(|c| !c.superseded.is_empty())
                .then(|| (format!("QC#{o}"), format!("Q#{o}#corrected")));
            [
                (format!("Q#{o}"), format!("Q#{o}")),
                (format!("QS#{o}"), format!("Q#{o}#{}", case.state.code())),
            ]
            .into_iter()
            .chain(corrected)
        })
        .chain(std::iter::once((
            "QD".to_string(),
            DatesIndex::of(case).to_string(),
        )))
        .collect()
}

/// Every case `office` sees, optionally in one state, page after page (summaries and lists,
/// not the console).
pub async fn queue_all(
    store: &dyn CaseStore,
    office: DivisionCode,
    state: Option<CaseState>,
) -> Result<Vec<QueueItem>, StoreError> {
    all_pages(store, office, state, false).await
}

/// Every queue row in a dates partition (loading a holiday notice; the sweep's reconcile).
pub async fn dated_all(
    store: &dyn CaseStore,
    dates: DatesIndex,
) -> Result<Vec<QueueItem>, StoreError> {
    // The office is not read for a dates partition; any valid code fills the field.
    let Some(office) = DivisionCode::provinces().next() else {
        return Ok(Vec::new());
    };
    let mut query = QueueQuery {
        office,
        state: None,
        service: None,
        overdue_on: None,
        corrected: false,
        dates: Some(dates),
        limit: 500,
        after: None,
    };
    let mut rows = Vec::new();
    loop {
        let page = store.queue(&query).await?;
        rows.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(rows),
        }
    }
}

/// Every case `office` sees whose certificate was corrected and signed anew.
pub async fn corrected_all(
    store: &dyn CaseStore,
    office: DivisionCode,
) -> Result<Vec<QueueItem>, StoreError> {
    all_pages(store, office, None, true).await
}

async fn all_pages(
    store: &dyn CaseStore,
    office: DivisionCode,
    state: Option<CaseState>,
    corrected: bool,
) -> Result<Vec<QueueItem>, StoreError> {
    let mut query = QueueQuery {
        office,
        state,
        service: None,
        overdue_on: None,
        corrected,
        dates: None,
        limit: 500,
        after: None,
    };
    let mut rows = Vec::new();
    loop {
        let page = store.queue(&query).await?;
        rows.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(rows),
        }
    }
}

/// A page of an office's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Every case seen by this division or one inside it.
    pub office: DivisionCode,
    pub state: Option<CaseState>,
    pub service: Option<Service>,
    /// Only cases with a step due before this day (red lights on that day).
    pub overdue_on: Option<Date>,
    /// Only cases whose certificate was corrected and signed anew (`state` is then ignored).
    pub corrected: bool,
    /// Every case (of any office) in this dates partition (`office`, `state` and `corrected`
    /// are then ignored).
    pub dates: Option<DatesIndex>,
    pub limit: usize,
    /// The sort key of the last row of the previous page.
    pub after: Option<String>,
}

impl QueueQuery {
    pub fn partition(&self) -> String {
        if let Some(dates) = self.dates {
            return dates.partition().to_string();
        }
        if self.corrected {
            return format!("Q#{}#corrected", self.office);
        }
        match self.state {
            Some(s) => format!("Q#{}#{}", self.office, s.code()),
            None => format!("Q#{}", self.office),
        }
    }

    /// The slot (sort key of the case's item) of this query's entries, which DynamoDB needs to
    /// resume a page ([`queue_entries`]).
    pub fn slot(&self) -> String {
        if self.dates.is_some() {
            "QD".to_string()
        } else if self.corrected {
            format!("QC#{}", self.office)
        } else if self.state.is_some() {
            format!("QS#{}", self.office)
        } else {
            format!("Q#{}", self.office)
        }
    }

    /// The exclusive upper bound of sort keys: a key before `overdue_on` has a step past due.
    pub fn upper_bound(&self) -> Option<String> {
        self.overdue_on.map(|d| d.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Pass back as `after` for the next page; `None` on the last.
    pub next: Option<String>,
}

/// A staff account (SPEC §5): one role, bound to one division (admins: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub division: Option<DivisionCode>,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Disabled by an administrator: no sign-in, and every token refused (issue 18).
    #[serde(default)]
    pub disabled: bool,
    /// Moves on at every password reset, disable and role change; a token signed under an
    /// earlier epoch is refused.
    #[serde(default)]
    pub token_epoch: u32,
}

/// Failed sign-ins under one key — a submitted username (known or not) or a client — kept
/// apart from the account, so that counting them is one atomic write made *before* the
/// password is checked (issue 18), and an unknown name behaves exactly as a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginState {
    pub failures: u32,
    pub last_failure: Option<Moment>,
    pub locked_until: Option<Moment>,
}

/// How many failures a key may have: free ones, then a doubling wait, then a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures before each attempt must wait (`None`: no wait, only the lock).
    pub free: Option<u32>,
    pub lock_after: u32,
    pub lock_ms: i64,
}

/// Whether an attempt may go on, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    /// Counted (one more failure, until a success clears it): check the password.
    Proceed(LoginState),
    /// Locked: try again in `secs`.
    Locked { secs: i64 },
    /// Too soon after the last failure: try again in `secs`.
    Wait { secs: i64 },
}

impl LoginState {
    /// The gate for an attempt at `now`, before counting it.
    pub fn gate(&self, now: Moment, policy: &LoginPolicy) -> Option<LoginGate> {
        if let Some(until) = self.locked_until
            && until > now
        {
            return Some(LoginGate::Locked {
                secs: (until.0 - now.0 + 999) / 1000,
            });
        }
        let extra = self.failures.checked_sub(policy.free?).filter(|n| *n > 0)?;
        let backoff_ms = (1000i64 << extra.min(6)).min(60_000);
        let ready = self.last_failure?.0 + backoff_ms;
        (ready > now.0).then_some(LoginGate::Wait {
            secs: (ready - now.0 + 999) / 1000,
        })
    }

    /// The state after one more failure at `now`. A lock that has run out, or failures older
    /// than a lock's length, start afresh.
    pub fn after_failure(&self, now: Moment, policy: &LoginPolicy) -> LoginState {
        let expired = self.locked_until.is_some_and(|u| u <= now)
            || self
                .last_failure
                .is_some_and(|l| now.0 - l.0 > policy.lock_ms);
        let failures = if expired { 0 } else { self.failures }.saturating_add(1);
        LoginState {
            failures,
            last_failure: Some(now),
            locked_until: (failures >= policy.lock_after).then_some(Moment(now.0 + policy.lock_ms)),
        }
    }

    pub fn is_locked(&self, now: Moment) -> bool {
        self.locked_until.is_some_and(|u| u > now)
    }
}

/// Staff accounts and revoked tokens. In production the accounts live in a Cognito user pool;
/// this port serves local runs and the logout list either way.
#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn account(&self, username: &str) -> Result<Option<StaffAccount>, StoreError>;
    async fn put_account(&self, account: &StaffAccount) -> Result<(), StoreError>;
    /// Creates an account; `AlreadyExists` when the username is taken.
    async fn create_account(&self, account: &StaffAccount) -> Result<(), StoreError>;
    /// Every account, by username (admins manage them).
    async fn accounts(&self) -> Result<Vec<StaffAccount>, StoreError>;
    /// Remembers a logged-out token until it would have expired anyway (Unix seconds).
    async fn revoke_token(&self, token_id: &str, expires_at: i64) -> Result<(), StoreError>;
    async fn token_revoked(&self, token_id: &str) -> Result<bool, StoreError>;

    /// In one atomic write: with `gated`, answer the gate if the key must wait or is locked
    /// (changing nothing); otherwise count one more failure under `policy` and answer
    /// `Proceed` with the new state. Concurrent calls each see the others' counts.
    async fn reserve_login(
        &self,
        key: &str,
        now: Moment,
        policy: &LoginPolicy,
        gated: bool,
    ) -> Result<LoginGate, StoreError>;

    /// The failures under `key` (none: the default).
    async fn login_state(&self, key: &str) -> Result<LoginState, StoreError>;

    /// Forgets the failures under `key` (a successful sign-in; an admin's reset).
    async fn clear_login(&self, key: &str) -> Result<(), StoreError>;
}

/// Time, so deadlines and red lights are testable.
pub trait Clock: Send + Sync + std::fmt::Debug {
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

/// A clock a test or a demo moves by hand (deadlines passing, deemed issue).
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    pub fn new(now: Moment) -> ManualClock {
        ManualClock(std::sync::atomic::AtomicI64::new(now.0))
    }

    pub fn set(&self, now: Moment) {
        self.0.store(now.0, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Moment {
        Moment(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// The population database (全员人口数据库): which materials it already confirms for a
/// person, so they are not asked (吉林 art. 9; 004 三(二)).
pub trait PopulationRegistry: Send + Sync {
    fn confirmed(&self, id_number: &domain::IdNumber) -> Vec<MaterialCode>;
    /// The person's registered marriage, children and hukou, from which the window issues the
    /// 婚育情况证明 (003 三(二)); `None` for someone the database does not hold.
    fn person(&self, id_number: &domain::IdNumber) -> Option<RegistryPerson> {
        let _ = id_number;
        None
    }
}

/// What the population database holds about one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPerson {
    pub name: String,
    pub id_number: domain::IdNumber,
    pub marriage: domain::contract::Marriage,
    /// Name and ID number of the spouse.
    pub spouse: Option<(String, domain::IdNumber)>,
    /// Birth dates of the person's children.
    pub children: Vec<domain::Date>,
    pub hukou: domain::DivisionCode,
    /// Which database answered.
    pub source: String,
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
    /// Which version of the object this describes (S3's ETag), where the bytes can change under
    /// the same id: a presigned URL can be used again until it expires. `None` where only the
    /// server writes (the local file store).
    pub etag: Option<String>,
    /// The object's version, where the store keeps versions (the uploads bucket does): the
    /// exact bytes checked, whatever is uploaded under the id later.
    pub version: Option<String>,
}

/// A URL the browser PUTs the file to directly (S3), with the headers it must send: the
/// signature covers the type and the exact size (issue 18), so neither can differ.
pub use domain::contract::PresignedPut;

/// What pinning an upload to a case found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinned {
    /// Kept, unchangeable, as it was checked (or it was kept before).
    Kept,
    /// The bytes changed after they were checked (the presigned URL was used again).
    Changed,
    /// Nothing is stored under the id (any more).
    Missing,
}

/// Uploaded material scans and photos. An upload is first *unattached* (the browser may still
/// replace it, and it expires after [`UNATTACHED_UPLOAD_DAYS`]); a case submission checks it
/// and *pins* it: the checked bytes are kept under a key no upload URL can reach, for good.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores bytes under `id` (generated by the server, never by the client).
    async fn put(&self, id: &str, content_type: &str, bytes: &[u8]) -> Result<(), BlobError>;
    /// Type, size and first bytes (the pinned copy if there is one), or `None` when nothing
    /// is stored under `id`.
    async fn inspect(&self, id: &str) -> Result<Option<BlobInfo>, BlobError>;
    /// The bytes and their content type (the pinned copy if there is one).
    async fn get(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, BlobError>;
    /// Keeps the upload as it was when `checked` was taken (by [`BlobStore::inspect`]).
    async fn pin(&self, id: &str, checked: &BlobInfo) -> Result<Pinned, BlobError>;
    /// Removes unattached uploads made before `before` (seconds since the epoch); answers how
    /// many. Stores that expire them by themselves (an S3 lifecycle rule) do nothing here.
    async fn purge_unattached(&self, before: i64) -> Result<usize, BlobError> {
        let _ = before;
        Ok(0)
    }
    /// A presigned upload URL for exactly `size` bytes of `content_type`, where the store
    /// supports direct browser uploads.
    async fn presign_put(
        &self,
        id: &str,
        content_type: &str,
        size: u64,
    ) -> Result<Option<PresignedPut>, BlobError> {
        let _ = (id, content_type, size);
        Ok(None)
    }
}

/// How long an upload no case has pinned is kept: long enough to finish an application over a
/// weekend, short enough that abandoned scans of ID cards do not pile up.
pub const UNATTACHED_UPLOAD_DAYS: i64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file store is unavailable: {0}")]
    Unavailable(#[from] std::io::Error),
    #[error("the object store is unavailable: {0}")]
    Remote(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A message to send, written in the same atomic write as the change that causes it (the
/// transactional outbox, issue 20): a change is never lost for want of a message, and a
/// message never exists for a change that was not made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// `<case>:<version>:<n>`: the change that caused it, so the same write cannot add it twice.
    pub id: String,
    pub case: String,
    pub channel: domain::notify::Channel,
    /// The phone number or e-mail address (personal: sealed at rest like the case).
    pub to: String,
    pub message: domain::notify::Message,
    pub created_at: Moment,
    pub state: SendState,
}

/// Where a message stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SendState {
    /// Waiting to be sent, not before `not_before` (a retry's backoff).
    Pending { attempts: u32, not_before: Moment },
    /// A dispatcher took it and is sending it until `until`; after that another may.
    Claimed {
        by: String,
        until: Moment,
        attempts: u32,
    },
    /// Accepted by the provider (its message id), or merged into the digest that was.
    Sent {
        provider_id: String,
        at: Moment,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merged_into: Option<String>,
    },
    /// Given up after every retry; counted on the supervision dashboard.
    Failed {
        attempts: u32,
        error: String,
        at: Moment,
    },
}

impl SendState {
    /// When a dispatcher may take the message (ms): a pending one from its backoff, a claimed
    /// one when the claim runs out; a settled one never.
    pub fn due_at(&self) -> Option<i64> {
        match self {
            SendState::Pending { not_before, .. } => Some(not_before.0),
            SendState::Claimed { until, .. } => Some(until.0),
            SendState::Sent { .. } | SendState::Failed { .. } => None,
        }
    }
}

/// The outbox as the dispatcher and the message logs read it.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Messages that may be sent at `now` (pending and due, or claimed by a dispatcher whose
    /// time ran out), oldest first.
    async fn due_messages(
        &self,
        now: Moment,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Takes the message for `by` until `until` if nobody holds it: `false` when another
    /// dispatcher does (a conditional write, so two never both send it).
    async fn claim(
        &self,
        id: &str,
        by: &str,
        until: Moment,
        now: Moment,
    ) -> Result<bool, StoreError>;

    /// Records what became of a claimed message.
    async fn settle(&self, id: &str, state: SendState) -> Result<(), StoreError>;

    /// A case's messages, oldest first (the message log of the tracking page and console).
    async fn messages_of(&self, case: &str) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Every message given up after its retries, for supervisors (served from an index).
    async fn failed_messages(&self) -> Result<Vec<OutboxMessage>, StoreError>;
}

/// Why a provider did not take a message.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the provider refused the message: {0}")]
    Refused(String),
    #[error("the provider could not be reached")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Sends one message through SMS or e-mail (Amazon SNS / SES on AWS, a local file here).
#[async_trait]
pub trait Notifier: Send + Sync {
    /// The provider's message id.
    async fn send(
        &self,
        channel: domain::notify::Channel,
        to: &str,
        message: &domain::notify::Message,
        now: Moment,
    ) -> Result<String, NotifyError>;
}
