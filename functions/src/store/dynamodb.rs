//! The DynamoDB case store: the single-table design of ARCHITECTURE "Storage".
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `CASE#<no>` | `META` | the case record (`data`), `version`, queue keys `gsi1pk`/`gsi1sk` |
//! | `CASE#<no>` | `EVT#<version>#<i>` | audit events, written in the same transaction |
//! | `IDEM#<key>` | `IDEM` | idempotency record, expiring through TTL on `expires_at` |
//! | `IDH#<keyed hash>` | `CASE#<no>` | lookup by a keyed hash of an ID number |
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
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ScalarAttributeType, TimeToLiveSpecification,
    TransactWriteItem,
};
use domain::case::Event;

use crate::ports::{CaseRecord, CaseStore, IdempotencyRecord, StoreError};

/// The staff work queue: deciding office → cases by next due date.
pub const QUEUE_INDEX: &str = "queue";

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
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
    /// `client` is built once in `main` (or by the test harness) and shared.
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
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
                    .projection_type(ProjectionType::KeysOnly)
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
            .global_secondary_indexes(queue)
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
        let due = case
            .next_due()
            .map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        Ok(HashMap::from([
            ("pk".into(), s(case_pk(&case.number))),
            ("sk".into(), s("META")),
            (
                "version".into(),
                AttributeValue::N(case.version.to_string()),
            ),
            ("state".into(), s(case.state.code())),
            ("gsi1pk".into(), s(format!("OFFICE#{}", case.deciding))),
            ("gsi1sk".into(), s(format!("{due}#{}", case.number))),
            ("data".into(), s(serde_json::to_string(record)?)),
        ]))
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
                TransactWriteItemsError::TransactionCanceledException(e) => Ok(Err(e
                    .cancellation_reasons()
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                    .map(|(i, _)| i)
                    .collect())),
                _ => Err(unavailable(SdkError::ServiceError(ctx))),
            },
            Err(e) => Err(unavailable(e)),
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
            Some(data) => Ok(Some(serde_json::from_str(&data)?)),
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
        match self.transact(items).await? {
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
        let mut out = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :evt)")
                .expression_attribute_values(":pk", s(case_pk(number)))
                .expression_attribute_values(":evt", s("EVT#"))
                .consistent_read(true)
                .set_exclusive_start_key(start)
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
                _ => break,
            }
        }
        Ok(out)
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        match self.get_item(format!("IDEM#{key}"), "IDEM").await? {
            None => Ok(None),
            Some(data) => Ok(Some(serde_json::from_str(&data)?)),
        }
    }
}
