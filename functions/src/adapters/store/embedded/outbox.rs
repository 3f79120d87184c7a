//! The notifications outbox in the embedded store (issue 20): messages by id with their
//! recipient sealed, written in the change's own transaction; an index of the unsettled ones by
//! when they may be taken, one of the given-up ones, and a case's messages.

use std::sync::Arc;

use async_trait::async_trait;
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use super::{EmbeddedStore, unavailable};
use crate::ports::{OutboxMessage, OutboxStore, SendState, StoreError};
use crate::sealed::{Sealer, open_message, seal_message};

/// Outbox messages by id, their recipient sealed (issue 20).
const OUTBOX: TableDefinition<&str, &str> = TableDefinition::new("outbox");
/// The messages not yet settled, by id: the time (ms) from which a dispatcher may take each.
const OUTBOX_DUE: TableDefinition<&str, i64> = TableDefinition::new("outbox_due");
/// The messages given up after every retry.
const OUTBOX_FAILED: TableDefinition<&str, ()> = TableDefinition::new("outbox_failed");
/// A case's messages.
const OUTBOX_OF_CASE: TableDefinition<(&str, &str), ()> = TableDefinition::new("outbox_of_case");
/// Creates the outbox's tables (opening the store).
pub(super) fn open_tables(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(OUTBOX).map_err(unavailable)?;
    txn.open_table(OUTBOX_DUE).map_err(unavailable)?;
    txn.open_table(OUTBOX_OF_CASE).map_err(unavailable)?;
    txn.open_table(OUTBOX_FAILED).map_err(unavailable)?;
    Ok(())
}

/// Writes the messages a change causes, in the change's own transaction (the outbox).
pub(super) fn write_outbox(
    txn: &redb::WriteTransaction,
    sealer: &Sealer,
    messages: &[OutboxMessage],
) -> Result<(), StoreError> {
    let mut table = txn.open_table(OUTBOX).map_err(unavailable)?;
    let mut due = txn.open_table(OUTBOX_DUE).map_err(unavailable)?;
    let mut of_case = txn.open_table(OUTBOX_OF_CASE).map_err(unavailable)?;
    for m in messages {
        if table.get(m.id.as_str()).map_err(unavailable)?.is_some() {
            continue;
        }
        let sealed = seal_message(sealer, m)?;
        table
            .insert(m.id.as_str(), sealed.as_str())
            .map_err(unavailable)?;
        if let Some(at) = m.state.due_at() {
            due.insert(m.id.as_str(), at).map_err(unavailable)?;
        }
        of_case
            .insert((m.case.as_str(), m.id.as_str()), ())
            .map_err(unavailable)?;
    }
    Ok(())
}

#[async_trait]
impl OutboxStore for EmbeddedStore {
    async fn due_messages(
        &self,
        now: domain::case::Moment,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let due = txn.open_table(OUTBOX_DUE).map_err(unavailable)?;
            let table = txn.open_table(OUTBOX).map_err(unavailable)?;
            let mut out = Vec::new();
            for entry in due.iter().map_err(unavailable)? {
                let (id, at) = entry.map_err(unavailable)?;
                if at.value() > now.0 {
                    continue;
                }
                if let Some(v) = table.get(id.value()).map_err(unavailable)? {
                    out.push(open_message(&sealer, v.value())?);
                }
            }
            out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            out.truncate(limit);
            Ok(out)
        })
        .await
    }

    async fn claim(
        &self,
        id: &str,
        by: &str,
        until: domain::case::Moment,
        now: domain::case::Moment,
    ) -> Result<bool, StoreError> {
        let id = id.to_string();
        let by = by.to_string();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(OUTBOX).map_err(unavailable)?;
                let mut message = match table.get(id.as_str()).map_err(unavailable)? {
                    None => return Err(StoreError::NotFound),
                    Some(v) => open_message(&sealer, v.value())?,
                };
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
                    by,
                    until,
                    attempts,
                };
                let sealed = seal_message(&sealer, &message)?;
                table
                    .insert(id.as_str(), sealed.as_str())
                    .map_err(unavailable)?;
                let mut due = txn.open_table(OUTBOX_DUE).map_err(unavailable)?;
                due.insert(id.as_str(), until.0).map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)?;
            Ok(true)
        })
        .await
    }

    async fn settle(&self, id: &str, state: SendState) -> Result<(), StoreError> {
        let id = id.to_string();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(unavailable)?;
            {
                let mut table = txn.open_table(OUTBOX).map_err(unavailable)?;
                let mut message = match table.get(id.as_str()).map_err(unavailable)? {
                    None => return Err(StoreError::NotFound),
                    Some(v) => open_message(&sealer, v.value())?,
                };
                let mut due = txn.open_table(OUTBOX_DUE).map_err(unavailable)?;
                match state.due_at() {
                    Some(at) => {
                        due.insert(id.as_str(), at).map_err(unavailable)?;
                    }
                    None => {
                        due.remove(id.as_str()).map_err(unavailable)?;
                    }
                }
                let mut failed = txn.open_table(OUTBOX_FAILED).map_err(unavailable)?;
                if matches!(state, SendState::Failed { .. }) {
                    failed.insert(id.as_str(), ()).map_err(unavailable)?;
                } else {
                    failed.remove(id.as_str()).map_err(unavailable)?;
                }
                message.state = state;
                let sealed = seal_message(&sealer, &message)?;
                table
                    .insert(id.as_str(), sealed.as_str())
                    .map_err(unavailable)?;
            }
            txn.commit().map_err(unavailable)
        })
        .await
    }

    async fn failed_messages(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let failed = txn.open_table(OUTBOX_FAILED).map_err(unavailable)?;
            let table = txn.open_table(OUTBOX).map_err(unavailable)?;
            let mut out = Vec::new();
            for entry in failed.iter().map_err(unavailable)? {
                let (id, _) = entry.map_err(unavailable)?;
                if let Some(v) = table.get(id.value()).map_err(unavailable)? {
                    out.push(open_message(&sealer, v.value())?);
                }
            }
            out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            Ok(out)
        })
        .await
    }

    async fn messages_of(&self, case: &str) -> Result<Vec<OutboxMessage>, StoreError> {
        let case = case.to_string();
        let sealer = Arc::clone(&self.sealer);
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(unavailable)?;
            let of_case = txn.open_table(OUTBOX_OF_CASE).map_err(unavailable)?;
            let table = txn.open_table(OUTBOX).map_err(unavailable)?;
            let mut out = Vec::new();
            for entry in of_case.range((case.as_str(), "")..).map_err(unavailable)? {
                let (key, _) = entry.map_err(unavailable)?;
                let (c, id) = key.value();
                if c != case {
                    break;
                }
                if let Some(v) = table.get(id).map_err(unavailable)? {
                    out.push(open_message(&sealer, v.value())?);
                }
            }
            out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            Ok(out)
        })
        .await
    }
}
