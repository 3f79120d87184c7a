//! Issue 18, point 7: one case the store refuses to write does not stop the deadline sweep; it
//! is recorded (for supervisors) and forgotten once the sweep handles it again.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use domain::case::{Case, Event, Moment};
use domain::contract::EligibilityRequest;
use domain::{Calendar, Date, DivisionCode, IdNumber};
use functions::local::{self, LocalConfig};
use functions::ports::{
    Applicant, AuditEntry, CaseRecord, CaseStore, FixedClock, IdempotencyRecord, QueuePage,
    QueueQuery, StoreError, StoredNotice, SweepFailure,
};
use serde_json::json;

/// The embedded store, except that writing one case fails while `broken` is set.
struct Faulty {
    inner: Arc<dyn CaseStore>,
    number: String,
    broken: AtomicBool,
}

#[async_trait]
impl CaseStore for Faulty {
    async fn create(
        &self,
        r: &CaseRecord,
        e: &[Event],
        i: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        self.inner.create(r, e, i).await
    }
    async fn get(&self, n: &str) -> Result<Option<CaseRecord>, StoreError> {
        self.inner.get(n).await
    }
    async fn update(&self, r: &CaseRecord, v: u64, e: &[Event]) -> Result<(), StoreError> {
        if r.case.number == self.number && self.broken.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("item too large".into()));
        }
        self.inner.update(r, v, e).await
    }
    async fn events(&self, n: &str) -> Result<Vec<Event>, StoreError> {
        self.inner.events(n).await
    }
    async fn append_events(&self, n: &str, e: &[Event]) -> Result<(), StoreError> {
        self.inner.append_events(n, e).await
    }
    async fn queue(&self, q: &QueueQuery) -> Result<QueuePage, StoreError> {
        self.inner.queue(q).await
    }
    async fn idempotency(&self, k: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.inner.idempotency(k).await
    }
    async fn cases_of_holder(&self, h: &str) -> Result<Vec<String>, StoreError> {
        self.inner.cases_of_holder(h).await
    }
    async fn count_request(&self, k: &str, w: i64) -> Result<u32, StoreError> {
        self.inner.count_request(k, w).await
    }
    async fn holiday_notices(&self) -> Result<Vec<StoredNotice>, StoreError> {
        self.inner.holiday_notices().await
    }
    async fn put_holiday_notice(&self, n: &StoredNotice) -> Result<(), StoreError> {
        self.inner.put_holiday_notice(n).await
    }
    async fn record_sweep_failure(&self, f: &SweepFailure) -> Result<(), StoreError> {
        self.inner.record_sweep_failure(f).await
    }
    async fn clear_sweep_failure(&self, n: &str) -> Result<(), StoreError> {
        self.inner.clear_sweep_failure(n).await
    }
    async fn sweep_failures(&self) -> Result<Vec<SweepFailure>, StoreError> {
        self.inner.sweep_failures().await
    }
    async fn record_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        self.inner.record_audit(e).await
    }
    async fn audit_entries(&self, day: Date) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_entries(day).await
    }
    async fn purge_expired(&self, now_secs: i64) -> Result<usize, StoreError> {
        self.inner.purge_expired(now_secs).await
    }
}

fn ten_am(day: &str) -> Moment {
    Moment(Moment::start_of(Date::parse(day).unwrap()).0 + 10 * 3600 * 1000)
}

async fn rebirth(store: &dyn CaseStore, number: &str) {
    let situation = EligibilityRequest::from_json(&json!({
        "service": "rebirth", "division": "500116001005", "date": "2026-03-02", "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]
    }))
    .unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let (case, events) = Case::open(
        number.into(),
        situation,
        &answer,
        domain::roles::Actor::Applicant,
        ten_am("2026-03-02"),
        Calendar::builtin(),
    )
    .unwrap();
    let record = CaseRecord {
        case,
        applicant: Applicant {
            name: "赵先生".into(),
            id_number: IdNumber::parse("420704199001011231").unwrap(),
            spouse_name: None,
            spouse_id_number: None,
            phone: "13800138000".into(),
            delivery: None,
            commitment: None,
            notify: Default::default(),
        },
        materials: vec![],
        access_code_hash: String::new(),
        id_hashes: vec![],
        created_at: ten_am("2026-03-02"),
    };
    store.create(&record, &events, None).await.unwrap();
}

#[tokio::test]
async fn a_case_that_cannot_be_written_is_recorded_and_the_sweep_goes_on() {
    // Arrange: two overdue cases; the store refuses to write the first.
    let dir = tempfile::tempdir().unwrap();
    let mut state = local::state(&LocalConfig {
        data_dir: dir.path().to_path_buf(),
        ..LocalConfig::default()
    })
    .await
    .unwrap();
    let faulty = Arc::new(Faulty {
        inner: state.store.clone(),
        number: "JS20260302-BROKEN".into(),
        broken: AtomicBool::new(true),
    });
    state.store = faulty.clone();
    rebirth(state.store.as_ref(), "JS20260302-BROKEN").await;
    rebirth(state.store.as_ref(), "JS20260302-HEALTH").await;
    state.clock = Arc::new(FixedClock(ten_am("2026-05-06")));

    // Act
    let report = functions::sweep::run(&state).await.unwrap();

    // Assert: the healthy case is red-lit, the broken one recorded with its offices.
    assert_eq!((report.red_lights, report.failures), (1, 1), "{report:?}");
    let failures = state.store.sweep_failures().await.unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].number, "JS20260302-BROKEN");
    assert!(failures[0].error.contains("item too large"));
    let county = DivisionCode::parse("500116").unwrap();
    let elsewhere = DivisionCode::parse("420704").unwrap();
    assert_eq!(
        functions::handlers::supervision::failures_in(county, &failures).len(),
        1
    );
    assert!(functions::handlers::supervision::failures_in(elsewhere, &failures).is_empty());

    // Once the case can be written again, the next sweep handles it and forgets the failure.
    faulty.broken.store(false, Ordering::SeqCst);
    let report = functions::sweep::run(&state).await.unwrap();
    assert_eq!((report.red_lights, report.failures), (1, 0), "{report:?}");
    assert!(state.store.sweep_failures().await.unwrap().is_empty());
}
