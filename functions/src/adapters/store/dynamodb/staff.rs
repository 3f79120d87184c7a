//! Staff accounts and sign-in state on DynamoDB: accounts under `STAFF#<username>` (listed by
//! the `queue` index's `STAFF` partition), login counters under `LOGIN#<key>` with a revision
//! for conditional updates.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;

use super::{DynamoStore, QUEUE_INDEX, s, unavailable};
use crate::ports::{LoginGate, LoginPolicy, LoginState, StaffAccount, StaffStore, StoreError};

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
