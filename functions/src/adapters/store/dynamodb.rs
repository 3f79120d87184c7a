//! The DynamoDB case store: the single-table design of ARCHITECTURE "Storage".
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `CASE#<no>` | `META` | the case record (`data`), `version` |
//! | `CASE#<no>` | `EVT#<version>#<i>` | audit events, written in the same transaction |
//! | `CASE#<no>` | `EVT#<version>#r<ms><rand>` | audit of a read (no change, no new version) |
//! | `CASE#<no>` | `Q#<office>`, `QS#<office>` | queue rows: GSI `queue` on `gsi1pk` = `Q#<office>` or `Q#<office>#<state>`, `gsi1sk` = `<next due>#<no>` |
//! | `STAFF#<username>` | `ACCOUNT` | a local staff account (listed through GSI `queue`, partition `STAFF`) |
//! | `TOKEN#<id>` | `REVOKED` | a logged-out token, expiring through TTL |
//! | `IDEM#<key>` | `IDEM` | idempotency record, expiring through TTL on `expires_at` |
//! | `IDH#<keyed hash>` | `CASE#<no>` | lookup by a keyed hash of an ID number |
//! | `CASE#<no>` | `QD` | the case's dates row: GSI `queue` partition `DATES#provisional` / `DATES#exact` / `DATES#closed` (issue 16) |
//! | `CALENDAR` | `YEAR#<year>` | a holiday notice loaded at run time, with the versions it replaced |
//! | `SWEEP` | `FAIL#<no>` | a case the deadline sweep could not handle, until it does (issue 18) |
//! | `AUDIT#<day>` | `<ms>#<random>` | what staff did outside any case (registry reads, queue listings, account and calendar changes) |
//! | `LOGIN#<keyed hash>` | `STATE` | failed sign-ins of a username or client, with a revision for conditional writes; TTL |
//!
//! Every change is one `TransactWriteItems` with a condition on the case version, so two staff
//! acting at once cannot both win and nothing is ever half-written. The lookup index uses
//! items rather than a GSI because a case has two holders (applicant and spouse).

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, ScalarAttributeType,
    TimeToLiveSpecification, TransactWriteItem,
};
use domain::case::Event;

use crate::ports::{
    AuditEntry, CaseRecord, CaseStore, IdempotencyRecord, QueueItem, QueuePage, QueueQuery,
    StoreError, StoredNotice, SweepFailure, queue_entries,
};

/// The staff work queue: office (and office + state) → cases by next due date.
pub const QUEUE_INDEX: &str = "queue";

mod outbox;
mod staff;

pub use outbox::OUTBOX_INDEX;

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// Seals the ID numbers of case records (crate::sealed; issue 18).
    sealer: std::sync::Arc<crate::sealed::Sealer>,
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn case_pk(number: &str) -> String {
    format!("CASE#{number}")
}

impl DynamoStore {
    /// `client` is built once in `main` (or by the test harness) and shared; case records'
    /// ID numbers are sealed with `sealer`.
    pub fn new(
        client: Client,
        table: impl Into<String>,
        sealer: crate::sealed::Sealer,
    ) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
            sealer: std::sync::Arc::new(sealer),
        }
    }

    /// Creates the table, its queue index and TTL (local runs and tests; production uses
    /// the SAM template).
    pub async fn create_table(&self) -> Result<(), StoreError> {
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(unavailable)
        };
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(unavailable)
        };
        let queue = GlobalSecondaryIndex::builder()
            .index_name(QUEUE_INDEX)
            .key_schema(key("gsi1pk", KeyType::Hash)?)
            .key_schema(key("gsi1sk", KeyType::Range)?)
            .projection(
                Projection::builder()
                    // Rows are small and a page is read in one query, with no item fetches.
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(unavailable)?;
        let outbox = GlobalSecondaryIndex::builder()
            .index_name(OUTBOX_INDEX)
            .key_schema(key("obx", KeyType::Hash)?)
            .key_schema(key("due", KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(unavailable)?;
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
            .attribute_definitions(attr("pk")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr("gsi1pk")?)
            .attribute_definitions(attr("gsi1sk")?)
            .attribute_definitions(attr("obx")?)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("due")
                    .attribute_type(ScalarAttributeType::N)
                    .build()
                    .map_err(unavailable)?,
            )
            .global_secondary_indexes(queue)
            .global_secondary_indexes(outbox)
            .send()
            .await
            .map_err(unavailable)?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name("expires_at")
                    .build()
                    .map_err(unavailable)?,
            )
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    fn case_item(
        &self,
        record: &CaseRecord,
    ) -> Result<HashMap<String, AttributeValue>, StoreError> {
        let case = &record.case;
        Ok(HashMap::from([
            ("pk".into(), s(case_pk(&case.number))),
            ("sk".into(), s("META")),
            (
                "version".into(),
                AttributeValue::N(case.version.to_string()),
            ),
            ("state".into(), s(case.state.code())),
            (
                "data".into(),
                s(crate::sealed::seal_record(&self.sealer, record)?),
            ),
        ]))
    }

    /// The queue rows of a case. Their keys are stable (a case's offices only ever grow), so
    /// each change overwrites them in the same transaction as the case itself.
    fn queue_items(&self, record: &CaseRecord) -> Result<Vec<TransactWriteItem>, StoreError> {
        let row = QueueItem::of(record);
        let data = serde_json::to_string(&row)?;
        let sort = row.sort_key();
        queue_entries(&record.case)
            .into_iter()
            .map(|(slot, partition)| {
                let item = HashMap::from([
                    ("pk".into(), s(case_pk(&row.number))),
                    ("sk".into(), s(slot)),
                    ("gsi1pk".into(), s(partition)),
                    ("gsi1sk".into(), s(sort.clone())),
                    ("service".into(), s(row.service.code())),
                    ("data".into(), s(data.clone())),
                ]);
                self.put(item, None)
            })
            .collect()
    }

    fn put(
        &self,
        item: HashMap<String, AttributeValue>,
        condition: Option<(&str, Option<(&str, AttributeValue)>)>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
        if let Some((expr, value)) = condition {
            put = put.condition_expression(expr);
            if let Some((name, v)) = value {
                put = put.expression_attribute_values(name, v);
            }
        }
        Ok(TransactWriteItem::builder()
            .put(put.build().map_err(unavailable)?)
            .build())
    }

    fn event_items(
        &self,
        number: &str,
        version: u64,
        events: &[Event],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let item = HashMap::from([
                    ("pk".into(), s(case_pk(number))),
                    ("sk".into(), s(format!("EVT#{version:010}#{i:03}"))),
                    ("data".into(), s(serde_json::to_string(e)?)),
                ]);
                self.put(item, Some(("attribute_not_exists(pk)", None)))
            })
            .collect()
    }

    /// The indexes of the items whose condition failed, or the error itself.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Result<(), Vec<usize>>, StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(SdkError::ServiceError(ctx)) => match ctx.err() {
                TransactWriteItemsError::TransactionCanceledException(e) => {
                    let reasons = e.cancellation_reasons();
                    // Another transaction on the same items was in flight: not a verdict on
                    // our conditions, so the caller may try again.
                    if reasons
                        .iter()
                        .any(|r| r.code() == Some("TransactionConflict"))
                    {
                        return Err(StoreError::Busy);
                    }
                    Ok(Err(reasons
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                        .map(|(i, _)| i)
                        .collect()))
                }
                _ => Err(unavailable(SdkError::ServiceError(ctx))),
            },
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Every item a query finds, page after page, read from its `data` JSON attribute.
    async fn query_data<T: serde::de::DeserializeOwned>(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let page = query
                .clone()
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            for item in page.items() {
                if let Some(data) = item.get("data").and_then(|v| v.as_s().ok()) {
                    out.push(serde_json::from_str(data)?);
                }
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => return Ok(out),
            }
        }
    }

    async fn get_item(&self, pk: String, sk: &str) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out
            .item()
            .and_then(|i| i.get("data"))
            .and_then(|v| v.as_s().ok())
            .cloned())
    }
}

#[async_trait]
impl CaseStore for DynamoStore {
    async fn create(
        &self,
        record: &CaseRecord,
        events: &[Event],
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        let number = &record.case.number;
        let mut items = vec![self.put(
            self.case_item(record)?,
            Some(("attribute_not_exists(pk)", None)),
        )?];
        let idem_index = idempotency.map(|_| items.len());
        if let Some(idem) = idempotency {
            let item = HashMap::from([
                ("pk".into(), s(format!("IDEM#{}", idem.key))),
                ("sk".into(), s("IDEM")),
                (
                    "expires_at".into(),
                    AttributeValue::N(idem.expires_at.to_string()),
                ),
                ("data".into(), s(serde_json::to_string(idem)?)),
            ]);
            items.push(self.put(item, Some(("attribute_not_exists(pk)", None)))?);
        }
        for hash in &record.id_hashes {
            let item = HashMap::from([
                ("pk".into(), s(format!("IDH#{hash}"))),
                ("sk".into(), s(case_pk(number))),
            ]);
            items.push(self.put(item, None)?);
        }
        items.extend(self.event_items(number, record.case.version, events)?);
        items.extend(self.queue_items(record)?);
        items.extend(self.outbox_items(&crate::outbox::derive(record, events))?);
        match self.transact(items).await? {
            Ok(()) => Ok(()),
            Err(failed) if idem_index.is_some_and(|i| failed.contains(&i)) => {
                Err(StoreError::IdempotencyKeyUsed)
            }
            Err(_) => Err(StoreError::AlreadyExists),
        }
    }

    async fn get(&self, number: &str) -> Result<Option<CaseRecord>, StoreError> {
        match self.get_item(case_pk(number), "META").await? {
            None => Ok(None),
            Some(data) => Ok(Some(crate::sealed::open_record(
                &self.sealer,
                data.as_bytes(),
            )?)),
        }
    }

    async fn update(
        &self,
        record: &CaseRecord,
        expected_version: u64,
        events: &[Event],
    ) -> Result<(), StoreError> {
        let number = &record.case.number;
        let mut items = vec![self.put(
            self.case_item(record)?,
            Some((
                "attribute_exists(pk) AND version = :expected",
                Some((":expected", AttributeValue::N(expected_version.to_string()))),
            )),
        )?];
        items.extend(self.event_items(number, record.case.version, events)?);
        items.extend(self.queue_items(record)?);
        items.extend(self.outbox_items(&crate::outbox::derive(record, events))?);
        // A transaction conflict means someone else's write was in flight: wait for it to land
        // and try again, so the loser learns the version that won.
        let mut outcome = self.transact(items.clone()).await;
        for attempt in 1..=4u64 {
            if !matches!(outcome, Err(StoreError::Busy)) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25 * attempt)).await;
            outcome = self.transact(items.clone()).await;
        }
        match outcome? {
            Ok(()) => Ok(()),
            Err(_) => match self.get(number).await? {
                None => Err(StoreError::NotFound),
                Some(current) => Err(StoreError::VersionConflict {
                    current: current.case.version,
                }),
            },
        }
    }

    async fn events(&self, number: &str) -> Result<Vec<Event>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :evt)")
            .expression_attribute_values(":pk", s(case_pk(number)))
            .expression_attribute_values(":evt", s("EVT#"))
            .consistent_read(true);
        self.query_data(query).await
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        match self.get_item(format!("IDEM#{key}"), "IDEM").await? {
            None => Ok(None),
            Some(data) => Ok(Some(serde_json::from_str(&data)?)),
        }
    }

    async fn cases_of_holder(&self, id_hash: &str) -> Result<Vec<String>, StoreError> {
        let mut numbers = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", s(format!("IDH#{id_hash}")))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            numbers.extend(page.items().iter().filter_map(|item| {
                item.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .and_then(|sk| sk.strip_prefix("CASE#"))
                    .map(str::to_string)
            }));
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => return Ok(numbers),
            }
        }
    }

    async fn count_request(&self, key: &str, window_end: i64) -> Result<u32, StoreError> {
        // One item per key and window, incremented atomically; TTL removes it afterwards.
        let answer = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("RATE#{key}")))
            .key("sk", s(format!("W#{window_end}")))
            .update_expression("ADD hits :one SET expires_at = :end")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":end", AttributeValue::N(window_end.to_string()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(answer
            .attributes()
            .and_then(|a| a.get("hits"))
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(u32::MAX))
    }

    async fn holiday_notices(&self) -> Result<Vec<StoredNotice>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :year)")
            .expression_attribute_values(":pk", s(CALENDAR_PK))
            .expression_attribute_values(":year", s("YEAR#"))
            .consistent_read(true);
        self.query_data(query).await
    }

    async fn purge_expired(&self, _now_secs: i64) -> Result<usize, StoreError> {
        // The table's TTL on `expires_at` removes idempotency records, rate counters and
        // revoked-token marks (create_table and the SAM template enable it).
        Ok(0)
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let tag = crate::state::random_code(8)
            .map_err(|e| StoreError::Unavailable(e.to_string().into()))?;
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("AUDIT#{}", entry.at.date())))
            .item("sk", s(format!("{:015}#{tag}", entry.at.0)))
            .item("data", s(serde_json::to_string(entry)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn audit_entries(&self, day: domain::Date) -> Result<Vec<AuditEntry>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(format!("AUDIT#{day}")))
            .consistent_read(true);
        self.query_data(query).await
    }

    async fn record_sweep_failure(&self, failure: &SweepFailure) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(SWEEP_PK))
            .item("sk", s(format!("FAIL#{}", failure.number)))
            .item("data", s(serde_json::to_string(failure)?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn clear_sweep_failure(&self, number: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(SWEEP_PK))
            .key("sk", s(format!("FAIL#{number}")))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn sweep_failures(&self) -> Result<Vec<SweepFailure>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :fail)")
            .expression_attribute_values(":pk", s(SWEEP_PK))
            .expression_attribute_values(":fail", s("FAIL#"))
            .consistent_read(true);
        self.query_data(query).await
    }

    async fn put_holiday_notice(&self, notice: &StoredNotice) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(CALENDAR_PK))
            .item("sk", s(format!("YEAR#{}", notice.notice.year)))
            .item("data", s(serde_json::to_string(notice)?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn append_events(&self, number: &str, events: &[Event]) -> Result<(), StoreError> {
        let Some(current) = self.get(number).await? else {
            return Err(StoreError::NotFound);
        };
        let version = current.case.version;
        let exists = ConditionCheck::builder()
            .table_name(&self.table)
            .key("pk", s(case_pk(number)))
            .key("sk", s("META"))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let mut items = vec![TransactWriteItem::builder().condition_check(exists).build()];
        // Read audits sort after the change that made this version ('r' > digits).
        let tag = crate::state::random_code(6)
            .map_err(|e| StoreError::Unavailable(e.to_string().into()))?;
        for (i, e) in events.iter().enumerate() {
            let item = HashMap::from([
                ("pk".into(), s(case_pk(number))),
                (
                    "sk".into(),
                    s(format!("EVT#{version:010}#r{:013}{tag}{i:03}", e.at.0)),
                ),
                ("data".into(), s(serde_json::to_string(e)?)),
            ]);
            items.push(self.put(item, Some(("attribute_not_exists(pk)", None)))?);
        }
        match self.transact(items).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(StoreError::NotFound),
        }
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        let partition = query.partition();
        let mut page = QueuePage::default();
        let mut start: Option<HashMap<String, AttributeValue>> =
            query.after.as_ref().map(|after| {
                let number = after.split_once('#').map_or("", |(_, n)| n);
                let slot = query.slot();
                HashMap::from([
                    ("gsi1pk".into(), s(partition.clone())),
                    ("gsi1sk".into(), s(after.clone())),
                    ("pk".into(), s(case_pk(number))),
                    ("sk".into(), s(slot)),
                ])
            });
        let limit = i32::try_from(query.limit.clamp(1, 500) + 1).unwrap_or(501);
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(QUEUE_INDEX)
                .expression_attribute_values(":p", s(partition.clone()))
                .limit(limit)
                .set_exclusive_start_key(start.take());
            request = match query.upper_bound() {
                Some(upper) => request
                    .key_condition_expression("gsi1pk = :p AND gsi1sk < :upper")
                    .expression_attribute_values(":upper", s(upper)),
                None => request.key_condition_expression("gsi1pk = :p"),
            };
            if let Some(service) = query.service {
                request = request
                    .filter_expression("service = :svc")
                    .expression_attribute_values(":svc", s(service.code()));
            }
            let out = request.send().await.map_err(unavailable)?;
            for item in out.items() {
                let Some(data) = item.get("data").and_then(|v| v.as_s().ok()) else {
                    continue;
                };
                if page.items.len() == query.limit {
                    page.next = page.items.last().map(QueueItem::sort_key);
                    return Ok(page);
                }
                page.items.push(serde_json::from_str(data)?);
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => return Ok(page),
            }
        }
    }
}

/// The partition of the loaded holiday notices: a handful of items, read whole.
const CALENDAR_PK: &str = "CALENDAR";
/// The partition of the cases the sweep could not handle: few, read whole.
const SWEEP_PK: &str = "SWEEP";
