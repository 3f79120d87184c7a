//! The embedded case store: redb, one file, every write one ACID transaction.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use domain::case::Event;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

use std::ops::Bound;

use crate::ports::{
    AuditEntry, CaseRecord, CaseStore, IdempotencyRecord, QueueItem, QueuePage, QueueQuery,
    StoreError, StoredNotice, SweepFailure, queue_entries,
};
use crate::sealed::{Sealer, open_record, seal_record};

const CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases");
/// (case number, sequence) → event, so a case's trail reads in order.
const EVENTS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("events");
const IDEMPOTENCY: TableDefinition<&str, &[u8]> = TableDefinition::new("idempotency");
/// (partition, sort key `<due>#<number>`): the same index the DynamoDB store keeps as a GSI.
/// Entries are bare keys and the row is stored once per case in `QUEUE_ROWS` (DynamoDB copies
/// the row into each entry instead, to answer a page with one Query): ten copies of every row
/// made each write several times larger here.
const QUEUE: TableDefinition<(&str, &str), ()> = TableDefinition::new("queue_index");
/// Case number → its queue row.
const QUEUE_ROWS: TableDefinition<&str, &[u8]> = TableDefinition::new("queue_rows");
const STAFF: TableDefinition<&str, &[u8]> = TableDefinition::new("staff");
/// (keyed hash of a holder's ID number, case number): the lookup index.
const HOLDERS: TableDefinition<(&str, &str), ()> = TableDefinition::new("holder_index");
/// Rate-limit key → (window end, requests in the window).
const RATES: TableDefinition<&str, (i64, u32)> = TableDefinition::new("rate_counters");
/// Logged-out token id → Unix seconds when it expires anyway.
const REVOKED: TableDefinition<&str, i64> = TableDefinition::new("revoked_tokens");
/// Year → the holiday notice loaded for it (issue 16).
const NOTICES: TableDefinition<i32, &[u8]> = TableDefinition::new("holiday_notices");
/// (day `YYYY-MM-DD`, sequence) → what staff did outside any case (issue 18).
const AUDIT: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("staff_audit");
/// Keyed hash of a username or client → its failed sign-ins (issue 18).
const LOGINS: TableDefinition<&str, &[u8]> = TableDefinition::new("login_states");
/// Case number → the sweep's failure to handle it (issue 18).
const SWEEP_FAILURES: TableDefinition<&str, &[u8]> = TableDefinition::new("sweep_failures");
/// Store-format markers, so an older file is brought up to date once when opened.
const META: TableDefinition<&str, u32> = TableDefinition::new("meta");
/// The queue index format: 2 added the dates partitions (`ports::DatesIndex`).
const QUEUE_INDEX_VERSION: u32 = 2;

mod outbox;
mod staff;

use outbox::write_outbox;

#[derive(Debug, Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    /// Seals the ID numbers of case records (crate::sealed; issue 18).
    sealer: Arc<Sealer>,
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}

impl EmbeddedStore {
    /// Opens (or creates) the store file and its tables; case records' ID numbers are sealed
    /// with `sealer`. The file is readable by its owner only.
    pub fn open(path: &Path, sealer: Sealer) -> Result<EmbeddedStore, StoreError> {
        let db = Database::create(path).map_err(unavailable)?;
        crate::adapters::blob::owner_only(path)
            .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        let txn = db.begin_write().map_err(unavailable)?;
        {
            txn.open_table(CASES).map_err(unavailable)?;
            txn.open_table(EVENTS).map_err(unavailable)?;
            txn.open_table(IDEMPOTENCY).map_err(unavailable)?;
            txn.open_table(QUEUE).map_err(unavailable)?;
            txn.open_table(QUEUE_ROWS).map_err(unavailable)?;
            txn.open_table(STAFF).map_err(unavailable)?;
            txn.open_table(REVOKED).map_err(unavailable)?;
            txn.open_table(RATES).map_err(unavailable)?;
            txn.open_table(NOTICES).map_err(unavailable)?;
            txn.open_table(SWEEP_FAILURES).map_err(unavailable)?;
            txn.open_table(LOGINS).map_err(unavailable)?;
            txn.open_table(AUDIT).map_err(unavailable)?;
            outbox::open_tables(&txn)?;
            reindex_if_older(&txn, &sealer)?;
            // Stores made before the lookup index existed get it built once.
            let mut holders = txn.open_table(HOLDERS).map_err(unavailable)?;
            if holders.is_empty().map_err(unavailable)? {
                let cases = txn.open_table(CASES).map_err(unavailable)?;
                for entry in cases.iter().map_err(unavailable)? {
                    let (_, value) = entry.map_err(unavailable)?;
                    let record = open_record(&sealer, value.value())?;
                    for hash in &record.id_hashes {
                        holders
                            .insert((hash.as_str(), record.case.number.as_str()), ())
                            .map_err(unavailable)?;
                    }
                }
            }
        }
        txn.commit().map_err(unavailable)?;
        Ok(EmbeddedStore {
            db: Arc::new(db),
            sealer: Arc::new(sealer),
        })
    }

    /// Bulk load in one transaction (migrating cases from a previous system; benchmarks): each
    /// case with its events and queue rows, all or nothing; an existing number refuses the batch.
    pub async fn import(&self, batch: Vec<(CaseRecord, Vec<Event>)>) -> Result<(), StoreError> {
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut cases = txn.open_table(CASES).map_err(unavailable)?;
                let mut trail = txn.open_table(EVENTS).map_err(unavailable)?;
                for (record, events) in &batch {
                    let number = record.case.number.as_str();
                    if cases.get(number).map_err(unavailable)?.is_some() {
                        return Err(StoreError::AlreadyExists);
                    }
                    let bytes = seal_record(&sealer, record)?;
                    cases
                        .insert(number, bytes.as_bytes())
                        .map_err(unavailable)?;
                    write_events(&mut trail, number, events)?;
                    index_queue(&txn, None, record)?;
                }
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    /// The JSON value under `key` in `table`, if any.
    async fn get_json<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let key = key.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(table).map_err(unavailable)?;
            match table.get(key.as_str()).map_err(unavailable)? {
                None => Ok(None),
                Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
            }
        })
        .await
    }

    /// Runs blocking redb work off the async runtime's threads.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(unavailable)?
    }
}

/// Files every case again under the queue entries of this version (a store made before the
/// dates partitions existed gains them; entries that exist are rewritten unchanged).
fn reindex_if_older(txn: &redb::WriteTransaction, sealer: &Sealer) -> Result<(), StoreError> {
    let mut meta = txn.open_table(META).map_err(unavailable)?;
    let version = meta
        .get("queue_index")
        .map_err(unavailable)?
        .map_or(1, |v| v.value());
    if version >= QUEUE_INDEX_VERSION {
        return Ok(());
    }
    let cases = txn.open_table(CASES).map_err(unavailable)?;
    let mut index = txn.open_table(QUEUE).map_err(unavailable)?;
    let mut rows = txn.open_table(QUEUE_ROWS).map_err(unavailable)?;
    for entry in cases.iter().map_err(unavailable)? {
        let (_, value) = entry.map_err(unavailable)?;
        let record = open_record(sealer, value.value())?;
        let row = QueueItem::of(&record);
        let key = row.sort_key();
        for (_, partition) in queue_entries(&record.case) {
            index
                .insert((partition.as_str(), key.as_str()), ())
                .map_err(unavailable)?;
        }
        let bytes = serde_json::to_vec(&row)?;
        rows.insert(row.number.as_str(), bytes.as_slice())
            .map_err(unavailable)?;
    }
    meta.insert("queue_index", QUEUE_INDEX_VERSION)
        .map_err(unavailable)?;
    Ok(())
}

fn write_events(
    table: &mut redb::Table<(&str, u64), &[u8]>,
    number: &str,
    events: &[Event],
) -> Result<(), StoreError> {
    let next = table
        .range((number, 0)..=(number, u64::MAX))
        .map_err(unavailable)?
        .next_back()
        .transpose()
        .map_err(unavailable)?
        .map_or(0, |(k, _)| k.value().1 + 1);
    for (i, event) in events.iter().enumerate() {
        let bytes = serde_json::to_vec(event)?;
        table
            .insert((number, next + i as u64), bytes.as_slice())
            .map_err(unavailable)?;
    }
    Ok(())
}

/// Replaces a case's queue entries and row: removes the entries of `old` (if any), writes
/// those of `new`.
fn index_queue(
    txn: &redb::WriteTransaction,
    old: Option<&CaseRecord>,
    new: &CaseRecord,
) -> Result<(), StoreError> {
    let mut holders = txn.open_table(HOLDERS).map_err(unavailable)?;
    for hash in &new.id_hashes {
        holders
            .insert((hash.as_str(), new.case.number.as_str()), ())
            .map_err(unavailable)?;
    }
    let mut index = txn.open_table(QUEUE).map_err(unavailable)?;
    let mut rows = txn.open_table(QUEUE_ROWS).map_err(unavailable)?;
    if let Some(old) = old {
        let key = QueueItem::of(old).sort_key();
        for (_, partition) in queue_entries(&old.case) {
            index
                .remove((partition.as_str(), key.as_str()))
                .map_err(unavailable)?;
        }
    }
    let row = QueueItem::of(new);
    let key = row.sort_key();
    for (_, partition) in queue_entries(&new.case) {
        index
            .insert((partition.as_str(), key.as_str()), ())
            .map_err(unavailable)?;
    }
    let bytes = serde_json::to_vec(&row)?;
    rows.insert(row.number.as_str(), bytes.as_slice())
        .map_err(unavailable)?;
    Ok(())
}

#[async_trait]
impl CaseStore for EmbeddedStore {
    async fn create(
        &self,
        record: &CaseRecord,
        events: &[Event],
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        let record = record.clone();
        let events = events.to_vec();
        let idempotency = idempotency.cloned();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut cases = txn.open_table(CASES).map_err(unavailable)?;
                let number = record.case.number.as_str();
                if cases.get(number).map_err(unavailable)?.is_some() {
                    return Err(StoreError::AlreadyExists);
                }
                if let Some(idem) = &idempotency {
                    let mut table = txn.open_table(IDEMPOTENCY).map_err(unavailable)?;
                    if table.get(idem.key.as_str()).map_err(unavailable)?.is_some() {
                        return Err(StoreError::IdempotencyKeyUsed);
                    }
                    let bytes = serde_json::to_vec(idem)?;
                    table
                        .insert(idem.key.as_str(), bytes.as_slice())
                        .map_err(unavailable)?;
                }
                let bytes = seal_record(&sealer, &record)?;
                cases
                    .insert(number, bytes.as_bytes())
                    .map_err(unavailable)?;
                let mut trail = txn.open_table(EVENTS).map_err(unavailable)?;
                write_events(&mut trail, number, &events)?;
                index_queue(&txn, None, &record)?;
                write_outbox(&txn, &sealer, &crate::outbox::derive(&record, &events))?;
            }
            // Dropping an uncommitted transaction aborts it: an early return above leaves
            // nothing half-written.
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn get(&self, number: &str) -> Result<Option<CaseRecord>, StoreError> {
        let number = number.to_string();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(CASES).map_err(unavailable)?;
            match table.get(number.as_str()).map_err(unavailable)? {
                None => Ok(None),
                Some(v) => Ok(Some(open_record(&sealer, v.value())?)),
            }
        })
        .await
    }

    async fn update(
        &self,
        record: &CaseRecord,
        expected_version: u64,
        events: &[Event],
    ) -> Result<(), StoreError> {
        let record = record.clone();
        let events = events.to_vec();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut cases = txn.open_table(CASES).map_err(unavailable)?;
                let number = record.case.number.as_str();
                let current: CaseRecord = match cases.get(number).map_err(unavailable)? {
                    None => return Err(StoreError::NotFound),
                    Some(v) => open_record(&sealer, v.value())?,
                };
                if current.case.version != expected_version {
                    return Err(StoreError::VersionConflict {
                        current: current.case.version,
                    });
                }
                let bytes = seal_record(&sealer, &record)?;
                cases
                    .insert(number, bytes.as_bytes())
                    .map_err(unavailable)?;
                let mut trail = txn.open_table(EVENTS).map_err(unavailable)?;
                write_events(&mut trail, number, &events)?;
                index_queue(&txn, Some(&current), &record)?;
                write_outbox(&txn, &sealer, &crate::outbox::derive(&record, &events))?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn append_events(&self, number: &str, events: &[Event]) -> Result<(), StoreError> {
        let number = number.to_string();
        let events = events.to_vec();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let cases = txn.open_table(CASES).map_err(unavailable)?;
                if cases.get(number.as_str()).map_err(unavailable)?.is_none() {
                    return Err(StoreError::NotFound);
                }
                let mut trail = txn.open_table(EVENTS).map_err(unavailable)?;
                write_events(&mut trail, &number, &events)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        let query = query.clone();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(QUEUE).map_err(unavailable)?;
            let rows = txn.open_table(QUEUE_ROWS).map_err(unavailable)?;
            let partition = query.partition();
            let upper = query.upper_bound();
            let lower = match &query.after {
                Some(after) => Bound::Excluded((partition.as_str(), after.as_str())),
                None => Bound::Included((partition.as_str(), "")),
            };
            let upper = match &upper {
                Some(u) => Bound::Excluded((partition.as_str(), u.as_str())),
                // Sort keys are ASCII dates and case numbers; '~' sorts after all of them.
                None => Bound::Included((partition.as_str(), "~")),
            };
            let mut page = QueuePage::default();
            for item in table
                .range::<(&str, &str)>((lower, upper))
                .map_err(unavailable)?
            {
                let (k, _) = item.map_err(unavailable)?;
                let (_, sort) = k.value();
                let number = sort.split_once('#').map_or("", |(_, n)| n);
                let Some(bytes) = rows.get(number).map_err(unavailable)? else {
                    continue;
                };
                let row: QueueItem = serde_json::from_slice(bytes.value())?;
                if query.service.is_some_and(|s| s != row.service) {
                    continue;
                }
                if page.items.len() == query.limit {
                    page.next = page.items.last().map(QueueItem::sort_key);
                    break;
                }
                page.items.push(row);
            }
            Ok(page)
        })
        .await
    }

    async fn events(&self, number: &str) -> Result<Vec<Event>, StoreError> {
        let number = number.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let trail = txn.open_table(EVENTS).map_err(unavailable)?;
            let mut out = Vec::new();
            for item in trail
                .range((number.as_str(), 0)..=(number.as_str(), u64::MAX))
                .map_err(unavailable)?
            {
                let (_, v) = item.map_err(unavailable)?;
                out.push(serde_json::from_slice(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.get_json(IDEMPOTENCY, key).await
    }

    async fn cases_of_holder(&self, id_hash: &str) -> Result<Vec<String>, StoreError> {
        let id_hash = id_hash.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let holders = txn.open_table(HOLDERS).map_err(unavailable)?;
            let mut numbers = Vec::new();
            let range = holders
                .range((id_hash.as_str(), "")..)
                .map_err(unavailable)?;
            for entry in range {
                let (key, _) = entry.map_err(unavailable)?;
                let (hash, number) = key.value();
                if hash != id_hash {
                    break;
                }
                numbers.push(number.to_string());
            }
            Ok(numbers)
        })
        .await
    }

    async fn count_request(&self, key: &str, window_end: i64) -> Result<u32, StoreError> {
        let key = key.to_string();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let count = {
                let mut rates = txn.open_table(RATES).map_err(unavailable)?;
                let count = match rates.get(key.as_str()).map_err(unavailable)? {
                    Some(v) if v.value().0 == window_end => v.value().1.saturating_add(1),
                    _ => 1,
                };
                rates
                    .insert(key.as_str(), (window_end, count))
                    .map_err(unavailable)?;
                count
            };
            txn.commit().map_err(unavailable)?;
            Ok(count)
        })
        .await
    }

    async fn holiday_notices(&self) -> Result<Vec<StoredNotice>, StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(NOTICES).map_err(unavailable)?;
            let mut out = Vec::new();
            for item in table.iter().map_err(unavailable)? {
                let (_, v) = item.map_err(unavailable)?;
                out.push(serde_json::from_slice(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn purge_expired(&self, now_secs: i64) -> Result<usize, StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            let mut purged = 0;
            {
                let mut idempotency = txn.open_table(IDEMPOTENCY).map_err(unavailable)?;
                let mut expired = Vec::new();
                for item in idempotency.iter().map_err(unavailable)? {
                    let (k, v) = item.map_err(unavailable)?;
                    let record: IdempotencyRecord = serde_json::from_slice(v.value())?;
                    if record.expires_at <= now_secs {
                        expired.push(k.value().to_string());
                    }
                }
                for key in &expired {
                    idempotency.remove(key.as_str()).map_err(unavailable)?;
                }
                purged += expired.len();
                let mut rates = txn.open_table(RATES).map_err(unavailable)?;
                let before = rates.len().map_err(unavailable)?;
                rates
                    .retain(|_, (window_end, _)| window_end > now_secs)
                    .map_err(unavailable)?;
                let mut revoked = txn.open_table(REVOKED).map_err(unavailable)?;
                let before_revoked = revoked.len().map_err(unavailable)?;
                revoked
                    .retain(|_, expires| expires > now_secs)
                    .map_err(unavailable)?;
                purged += usize::try_from(
                    before - rates.len().map_err(unavailable)? + before_revoked
                        - revoked.len().map_err(unavailable)?,
                )
                .unwrap_or(0);
            }
            txn.commit().map_err(unavailable)?;
            Ok(purged)
        })
        .await
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let entry = entry.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(AUDIT).map_err(unavailable)?;
                let day = entry.at.date().to_string();
                let next = table
                    .range((day.as_str(), 0)..=(day.as_str(), u64::MAX))
                    .map_err(unavailable)?
                    .next_back()
                    .transpose()
                    .map_err(unavailable)?
                    .map_or(0, |(k, _)| k.value().1 + 1);
                let bytes = serde_json::to_vec(&entry)?;
                table
                    .insert((day.as_str(), next), bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn audit_entries(&self, day: domain::Date) -> Result<Vec<AuditEntry>, StoreError> {
        let day = day.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(AUDIT).map_err(unavailable)?;
            let mut out = Vec::new();
            for item in table
                .range((day.as_str(), 0)..=(day.as_str(), u64::MAX))
                .map_err(unavailable)?
            {
                let (_, v) = item.map_err(unavailable)?;
                out.push(serde_json::from_slice(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn record_sweep_failure(&self, failure: &SweepFailure) -> Result<(), StoreError> {
        let failure = failure.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(SWEEP_FAILURES).map_err(unavailable)?;
                let bytes = serde_json::to_vec(&failure)?;
                table
                    .insert(failure.number.as_str(), bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn clear_sweep_failure(&self, number: &str) -> Result<(), StoreError> {
        let number = number.to_string();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(SWEEP_FAILURES).map_err(unavailable)?;
                table.remove(number.as_str()).map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn sweep_failures(&self) -> Result<Vec<SweepFailure>, StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(SWEEP_FAILURES).map_err(unavailable)?;
            let mut out = Vec::new();
            for item in table.iter().map_err(unavailable)? {
                let (_, v) = item.map_err(unavailable)?;
                out.push(serde_json::from_slice(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn put_holiday_notice(&self, notice: &StoredNotice) -> Result<(), StoreError> {
        let notice = notice.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(NOTICES).map_err(unavailable)?;
                let bytes = serde_json::to_vec(&notice)?;
                table
                    .insert(notice.notice.year, bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }
}
