//! The notifications outbox on DynamoDB (issue 20): each message an item `MSG#<id>` in its case's
//! partition, written in the change's own transaction; the unsettled ones (and, apart, the ones
//! given up) listed in the sparse `outbox` index; claims and settlements conditional writes on
//! the stored data, so two dispatchers never both take one.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use super::{DynamoStore, case_pk, s, unavailable};
use crate::ports::StoreError;

/// The notifications outbox (issue 20): unsettled messages (`obx` = `DUE`) by the time from
/// which a dispatcher may take each (`due`, ms). Sparse: a settled message leaves it.
pub const OUTBOX_INDEX: &str = "outbox";

/// The case a message id (`<case>:<version>:<n>`) belongs to.
fn case_of_message(id: &str) -> &str {
    id.split(':').next().unwrap_or_default()
}

impl DynamoStore {
    /// The items of the messages a change causes, for the change's own transaction.
    pub(super) fn outbox_items(
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
        if let Some(due) = m.state.due_at() {
            item.insert("obx".into(), s("DUE"));
            item.insert("due".into(), AttributeValue::N(due.to_string()));
        }
        Ok(item)
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
        let listed = match (&message.state, message.state.due_at()) {
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
