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
    AuditEntry, CaseRecord, CaseStore, IdempotencyRecord, LoginGate, LoginPolicy, LoginState,
    QueueItem, QueuePage, QueueQuery, StaffAccount, StaffStore, StoreError, StoredNotice,
    SweepFailure, queue_entries,
};

/// The staff work queue: office (and office + state) → cases by next due date.
pub const QUEUE_INDEX: &str = "queue";

/// The notifications outbox (issue 20): unsettled messages (`obx` = `DUE`) by the time from
/// which a dispatcher may take each (`due`, ms). Sparse: a settled message leaves it.
pub const OUTBOX_INDEX: &str = "outbox";

/// The case a message id (`<case>:<version>:<n>`) belongs to.
fn case_of_message(id: &str) -> &str {
    id.split(':').next().unwrap_or_default()
}

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

    /// The items of the messages a change causes, for the change's own transaction.
    fn outbox_items(
        &self,
        messages: &[crate::ports::OutboxMessage],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        messages
            .iter()
            .map(|m| self.put(self.message_item(m)?, None))
            .collect()
    }

    fn message_item(
        &self,
        m: &crate::ports::OutboxMessage,
    ) -> Result<HashMap<String, AttributeValue>, StoreError> {
        let mut item = HashMap::from([
            ("pk".into(), s(case_pk(&m.case))),
            ("sk".into(), s(format!("MSG#{}", m.id))),
            (
                "data".into(),
                s(crate::sealed::seal_message(&self.sealer, m)?),
            ),
        ]);
        if let Some(due) = due_at(&m.state) {
            item.insert("obx".into(), s("DUE"));
            item.insert("due".into(), AttributeValue::N(due.to_string()));
        }
        Ok(item)
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

/// When a dispatcher may take a message (ms); settled ones never.
fn due_at(state: &crate::ports::SendState) -> Option<i64> {
    use crate::ports::SendState;
    match state {
        SendState::Pending { not_before, .. } => Some(not_before.0),
        SendState::Claimed { until, .. } => Some(until.0),
        SendState::Sent { .. } | SendState::Failed { .. } => None,
    }
}

impl DynamoStore {
    /// A message and its stored `data` (the sealed JSON a conditional write compares).
    async fn message(&self, id: &str) -> Result<(crate::ports::OutboxMessage, String), StoreError> {
        let data = self
            .get_item(case_pk(case_of_message(id)), &format!("MSG#{id}"))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((crate::sealed::open_message(&self.sealer, &data)?, data))
    }

    /// Rewrites a message if its stored data is still `old` (and, for a claim, it may be taken
    /// at `now`): `false` when another writer changed it first.
    async fn rewrite_message(
        &self,
        message: &crate::ports::OutboxMessage,
        old: &str,
        now: Option<domain::case::Moment>,
    ) -> Result<bool, StoreError> {
        let sealed = crate::sealed::seal_message(&self.sealer, message)?;
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(case_pk(&message.case)))
            .key("sk", s(format!("MSG#{}", message.id)))
            .expression_attribute_names("#d", "data")
            .expression_attribute_values(":data", s(sealed))
            .expression_attribute_values(":old", s(old));
        let mut condition = "#d = :old".to_string();
        if let Some(now) = now {
            condition.push_str(" AND attribute_exists(due) AND due <= :now");
            update =
                update.expression_attribute_values(":now", AttributeValue::N(now.0.to_string()));
        }
        // Unsettled messages under `DUE` by when they may be taken; given-up ones under
        // `FAILED` by when, for supervisors; sent ones leave the index.
        let listed = match (&message.state, due_at(&message.state)) {
            (_, Some(due)) => Some(("DUE", due)),
            (crate::ports::SendState::Failed { at, .. }, None) => Some(("FAILED", at.0)),
            _ => None,
        };
        update = match listed {
            Some((partition, key)) => update
                .update_expression("SET #d = :data, obx = :obx, due = :due")
                .expression_attribute_values(":obx", s(partition))
                .expression_attribute_values(":due", AttributeValue::N(key.to_string())),
            None => update.update_expression("SET #d = :data REMOVE obx, due"),
        };
        match update.condition_expression(condition).send().await {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(ctx))
                if matches!(
                    ctx.err(),
                    aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(_)
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait]
impl crate::ports::OutboxStore for DynamoStore {
    async fn due_messages(
        &self,
        now: domain::case::Moment,
        limit: usize,
    ) -> Result<Vec<crate::ports::OutboxMessage>, StoreError> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(OUTBOX_INDEX)
            .key_condition_expression("obx = :d AND due <= :now")
            .expression_attribute_values(":d", s("DUE"))
            .expression_attribute_values(":now", AttributeValue::N(now.0.to_string()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        let mut out = Vec::new();
        for item in page.items() {
            if let Some(data) = item.get("data").and_then(|v| v.as_s().ok()) {
                out.push(crate::sealed::open_message(&self.sealer, data)?);
            }
        }
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    async fn claim(
        &self,
        id: &str,
        by: &str,
        until: domain::case::Moment,
        now: domain::case::Moment,
    ) -> Result<bool, StoreError> {
        use crate::ports::SendState;
        let (mut message, old) = self.message(id).await?;
        let attempts = match &message.state {
            SendState::Pending {
                attempts,
                not_before,
            } if not_before.0 <= now.0 => *attempts,
            SendState::Claimed {
                attempts,
                until: held,
                ..
            } if held.0 <= now.0 => *attempts,
            _ => return Ok(false),
        };
        message.state = SendState::Claimed {
            by: by.to_string(),
            until,
            attempts,
        };
        self.rewrite_message(&message, &old, Some(now)).await
    }

    async fn settle(&self, id: &str, state: crate::ports::SendState) -> Result<(), StoreError> {
        let (mut message, old) = self.message(id).await?;
        message.state = state;
        if self.rewrite_message(&message, &old, None).await? {
            Ok(())
        } else {
            Err(StoreError::Busy)
        }
    }

    async fn failed_messages(&self) -> Result<Vec<crate::ports::OutboxMessage>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(OUTBOX_INDEX)
            .key_condition_expression("obx = :f")
            .expression_attribute_values(":f", s("FAILED"));
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
                    out.push(crate::sealed::open_message(&self.sealer, data)?);
                }
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => return Ok(out),
            }
        }
    }

    async fn messages_of(
        &self,
        case: &str,
    ) -> Result<Vec<crate::ports::OutboxMessage>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :msg)")
            .expression_attribute_values(":pk", s(case_pk(case)))
            .expression_attribute_values(":msg", s("MSG#"))
            .consistent_read(true);
        let stored: Vec<String> = {
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
                        out.push(data.clone());
                    }
                }
                match page.last_evaluated_key() {
                    Some(k) if !k.is_empty() => start = Some(k.clone()),
                    _ => break out,
                }
            }
        };
        let mut out = stored
            .iter()
            .map(|d| crate::sealed::open_message(&self.sealer, d))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
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

/// Accounts are listed through the queue index, in a partition of their own.
const STAFF_PARTITION: &str = "STAFF";

fn account_item(account: &StaffAccount) -> Result<HashMap<String, AttributeValue>, StoreError> {
    Ok(HashMap::from([
        ("pk".into(), s(format!("STAFF#{}", account.username))),
        ("sk".into(), s("ACCOUNT")),
        ("gsi1pk".into(), s(STAFF_PARTITION)),
        ("gsi1sk".into(), s(account.username.clone())),
        ("data".into(), s(serde_json::to_string(account)?)),
    ]))
}

#[async_trait]
impl StaffStore for DynamoStore {
    async fn account(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
        match self
            .get_item(format!("STAFF#{username}"), "ACCOUNT")
            .await?
        {
            None => Ok(None),
            Some(data) => Ok(Some(serde_json::from_str(&data)?)),
        }
    }

    async fn put_account(&self, account: &StaffAccount) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(account_item(account)?))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn create_account(&self, account: &StaffAccount) -> Result<(), StoreError> {
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(account_item(account)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::AlreadyExists)
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn accounts(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(QUEUE_INDEX)
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s(STAFF_PARTITION));
        self.query_data(query).await
    }

    async fn revoke_token(&self, token_id: &str, expires_at: i64) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("TOKEN#{token_id}")))
            .item("sk", s("REVOKED"))
            .item("expires_at", AttributeValue::N(expires_at.to_string()))
            .item("data", s("{}"))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn token_revoked(&self, token_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .get_item(format!("TOKEN#{token_id}"), "REVOKED")
            .await?
            .is_some())
    }

    async fn reserve_login(
        &self,
        key: &str,
        now: domain::case::Moment,
        policy: &LoginPolicy,
        gated: bool,
    ) -> Result<LoginGate, StoreError> {
        use aws_sdk_dynamodb::operation::put_item::PutItemError;
        let pk = format!("LOGIN#{key}");
        // Optimistic: read the state and its revision, write the next state only if the
        // revision is unchanged; a concurrent attempt that won makes this one read again.
        for _ in 0..20 {
            let (state, revision) = self.login_item(&pk).await?;
            if gated && let Some(refused) = state.gate(now, policy) {
                return Ok(refused);
            }
            let next = state.after_failure(now, policy);
            let mut put = self
                .client
                .put_item()
                .table_name(&self.table)
                .item("pk", s(pk.clone()))
                .item("sk", s("STATE"))
                .item("rev", AttributeValue::N((revision + 1).to_string()))
                .item("data", s(serde_json::to_string(&next)?))
                // Kept a day past the last failure (DynamoDB TTL).
                .item(
                    "expires_at",
                    AttributeValue::N((now.0 / 1000 + 86_400 + policy.lock_ms / 1000).to_string()),
                );
            put = if revision == 0 {
                put.condition_expression("attribute_not_exists(pk)")
            } else {
                put.condition_expression("rev = :rev")
                    .expression_attribute_values(":rev", AttributeValue::N(revision.to_string()))
            };
            match put.send().await {
                Ok(_) => return Ok(LoginGate::Proceed(next)),
                Err(SdkError::ServiceError(ctx))
                    if matches!(ctx.err(), PutItemError::ConditionalCheckFailedException(_)) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(StoreError::Busy)
    }

    async fn login_state(&self, key: &str) -> Result<LoginState, StoreError> {
        Ok(self.login_item(&format!("LOGIN#{key}")).await?.0)
    }

    async fn clear_login(&self, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("LOGIN#{key}")))
            .key("sk", s("STATE"))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl DynamoStore {
    /// A login state and its revision (0: none stored).
    async fn login_item(&self, pk: &str) -> Result<(LoginState, u64), StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s("STATE"))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item() else {
            return Ok((LoginState::default(), 0));
        };
        let state = match item.get("data").and_then(|v| v.as_s().ok()) {
            Some(data) => serde_json::from_str(data)?,
            None => LoginState::default(),
        };
        let revision = item
            .get("rev")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok((state, revision))
    }
}
