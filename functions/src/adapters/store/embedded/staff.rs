//! Staff accounts, revoked tokens and sign-in counters in the embedded store.

use async_trait::async_trait;
use redb::{ReadableDatabase, ReadableTable};

use super::{EmbeddedStore, LOGINS, REVOKED, STAFF, unavailable};
use crate::ports::{LoginGate, LoginPolicy, LoginState, StaffAccount, StaffStore, StoreError};

#[async_trait]
impl StaffStore for EmbeddedStore {
    async fn account(&self, username: &str) -> Result<Option<StaffAccount>, StoreError> {
        self.get_json(STAFF, username).await
    }

    async fn put_account(&self, account: &StaffAccount) -> Result<(), StoreError> {
        let account = account.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(STAFF).map_err(unavailable)?;
                let bytes = serde_json::to_vec(&account)?;
                table
                    .insert(account.username.as_str(), bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn create_account(&self, account: &StaffAccount) -> Result<(), StoreError> {
        let account = account.clone();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(STAFF).map_err(unavailable)?;
                if table
                    .get(account.username.as_str())
                    .map_err(unavailable)?
                    .is_some()
                {
                    return Err(StoreError::AlreadyExists);
                }
                let bytes = serde_json::to_vec(&account)?;
                table
                    .insert(account.username.as_str(), bytes.as_slice())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<StaffAccount>, StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(STAFF).map_err(unavailable)?;
            let mut out = Vec::new();
            for item in table.iter().map_err(unavailable)? {
                let (_, v) = item.map_err(unavailable)?;
                out.push(serde_json::from_slice(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn revoke_token(&self, token_id: &str, expires_at: i64) -> Result<(), StoreError> {
        let token_id = token_id.to_string();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(REVOKED).map_err(unavailable)?;
                table
                    .insert(token_id.as_str(), expires_at)
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn reserve_login(
        &self,
        key: &str,
        now: domain::case::Moment,
        policy: &LoginPolicy,
        gated: bool,
    ) -> Result<LoginGate, StoreError> {
        let key = key.to_string();
        let policy = *policy;
        self.blocking(move |db| {
            // One write transaction: redb serialises writers, so parallel attempts count one
            // after another and each sees the ones before it.
            let txn = db.begin_write().map_err(unavailable)?;
            let gate = {
                let mut table = txn.open_table(LOGINS).map_err(unavailable)?;
                let state: LoginState = match table.get(key.as_str()).map_err(unavailable)? {
                    Some(v) => serde_json::from_slice(v.value())?,
                    None => LoginState::default(),
                };
                match state.gate(now, &policy).filter(|_| gated) {
                    Some(refused) => refused,
                    None => {
                        let next = state.after_failure(now, &policy);
                        let bytes = serde_json::to_vec(&next)?;
                        table
                            .insert(key.as_str(), bytes.as_slice())
                            .map_err(unavailable)?;
                        LoginGate::Proceed(next)
                    }
                }
            };
            txn.commit().map_err(unavailable)?;
            Ok(gate)
        })
        .await
    }

    async fn login_state(&self, key: &str) -> Result<LoginState, StoreError> {
        let key = key.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(LOGINS).map_err(unavailable)?;
            match table.get(key.as_str()).map_err(unavailable)? {
                Some(v) => Ok(serde_json::from_slice(v.value())?),
                None => Ok(LoginState::default()),
            }
        })
        .await
    }

    async fn clear_login(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_string();
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(LOGINS).map_err(unavailable)?;
                table.remove(key.as_str()).map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn token_revoked(&self, token_id: &str) -> Result<bool, StoreError> {
        let token_id = token_id.to_string();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let table = txn.open_table(REVOKED).map_err(unavailable)?;
            Ok(table.get(token_id.as_str()).map_err(unavailable)?.is_some())
        })
        .await
    }
}
