//! Notifications through a transactional outbox (issue 20).
//!
//! The store writes the messages a change causes in the same atomic write as the change
//! ([`derive`], called by each store adapter's `create` and `update`), so a change is never
//! without its messages and a message never without its change. The dispatcher
//! ([`dispatch_once`]; locally a background task, on AWS a scheduled function) sends them: it
//! claims each message with a conditional write before sending, so two dispatchers never both
//! send one, records the provider's id or the failure, and retries with backoff.
//!
//! **At least once.** SNS and SES take no idempotency key: if a dispatcher stops after the
//! provider accepted a message but before the outbox records it, the claim runs out and the
//! message is sent again — once, since each message is claimed alone and settled right after
//! its send. A case change never fails because a message cannot be sent.

use std::collections::BTreeMap;

use domain::case::{Event, Moment};
use domain::notify::{self, Channel, Message};

use crate::ports::{CaseRecord, Notifier, OutboxMessage, OutboxStore, SendState, StoreError};

/// How long a claim holds a message before another dispatcher may take it.
pub const LEASE_MS: i64 = 60_000;

/// Sends tried before a message is given up (and counted as failed for supervisors).
pub const MAX_ATTEMPTS: u32 = 6;

/// The wait before try `attempts + 1`: 30 s, doubling, at most an hour.
pub fn backoff_ms(attempts: u32) -> i64 {
    (30_000i64 << attempts.saturating_sub(1).min(7)).min(3_600_000)
}

/// The messages the applicant gets for `events`, just written on `record` (its state after
/// them), to the contact they chose; none when they chose none.
pub fn derive(record: &CaseRecord, events: &[Event]) -> Vec<OutboxMessage> {
    let now = events.last().map_or(Moment(0), |e| e.at);
    let preference = &record.applicant.notify;
    let to = match preference.channel {
        None => return Vec::new(),
        Some(Channel::Sms) => record.applicant.phone.clone(),
        Some(Channel::Email) => match &preference.email {
            Some(address) => address.clone(),
            None => return Vec::new(),
        },
    };
    let Some(channel) = preference.channel else {
        return Vec::new();
    };
    notify::applicant_messages(&record.case, events, preference.lang)
        .into_iter()
        .enumerate()
        .map(|(i, message)| OutboxMessage {
            id: format!("{}:{}:{i}", record.case.number, record.case.version),
            case: record.case.number.clone(),
            channel,
            to: to.clone(),
            message,
            created_at: now,
            state: SendState::Pending {
                attempts: 0,
                not_before: now,
            },
        })
        .collect()
}

/// A case's messages as its logs show them (recipients masked), oldest first; none where this
/// deployment keeps no outbox.
pub async fn log_of(
    messages: Option<&crate::state::Messages>,
    case: &str,
) -> Result<Vec<notify::LogEntry>, StoreError> {
    let Some(messages) = messages else {
        return Ok(Vec::new());
    };
    Ok(messages
        .outbox
        .messages_of(case)
        .await?
        .iter()
        .map(entry)
        .collect())
}

fn entry(m: &OutboxMessage) -> notify::LogEntry {
    let (status, sent_at, attempts) = match &m.state {
        SendState::Pending { attempts, .. } => (notify::Status::Pending, None, *attempts),
        SendState::Claimed { attempts, .. } => (notify::Status::Sending, None, *attempts),
        SendState::Sent {
            at, merged_into, ..
        } => (
            if merged_into.is_some() {
                notify::Status::Merged
            } else {
                notify::Status::Sent
            },
            Some(*at),
            1,
        ),
        SendState::Failed { attempts, at, .. } => (notify::Status::Failed, Some(*at), *attempts),
    };
    notify::LogEntry {
        kind: m.message.kind,
        channel: m.channel,
        to: notify::mask(m.channel, &m.to),
        status,
        queued_at: m.created_at,
        sent_at,
        attempts,
    }
}

/// What one round of the dispatcher did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dispatched {
    pub sent: usize,
    /// Messages merged into a digest (the day's limit of a case).
    pub merged: usize,
    /// Sends that failed and wait for a retry.
    pub retrying: usize,
    /// Messages given up after every retry.
    pub failed: usize,
    /// Messages held for tomorrow: their case has had its messages for today.
    pub held: usize,
    /// Messages another dispatcher holds.
    pub taken: usize,
}

fn attempts_of(state: &SendState) -> u32 {
    match state {
        SendState::Pending { attempts, .. } | SendState::Claimed { attempts, .. } => *attempts,
        SendState::Failed { attempts, .. } => *attempts,
        SendState::Sent { .. } => 0,
    }
}

/// Sends every message due at `now`, case by case, within each case's daily limit.
pub async fn dispatch_once(
    outbox: &dyn OutboxStore,
    notifier: &dyn Notifier,
    now: Moment,
    by: &str,
) -> Result<Dispatched, StoreError> {
    let mut report = Dispatched::default();
    let mut by_recipient: BTreeMap<(String, String), Vec<OutboxMessage>> = BTreeMap::new();
    for m in outbox.due_messages(now, 500).await? {
        by_recipient
            .entry((m.case.clone(), m.to.clone()))
            .or_default()
            .push(m);
    }
    for ((case, _), pending) in by_recipient {
        let today = now.date();
        let sent_today = outbox
            .messages_of(&case)
            .await?
            .iter()
            .filter(|m| {
                matches!(&m.state, SendState::Sent { at, merged_into: None, .. } if at.date() == today)
            })
            .count();
        let messages: Vec<Message> = pending.iter().map(|m| m.message.clone()).collect();
        let lang = messages.first().map(|m| m.lang).unwrap_or_default();
        let plan = notify::within_daily_limit(&messages, sent_today, lang);
        if plan.is_empty() {
            report.held += pending.len();
            continue;
        }
        // The plan's last entry is a digest of the rest when it is shorter than what waits.
        let singles = if plan.len() < pending.len() {
            plan.len() - 1
        } else {
            plan.len()
        };
        for (message, outgoing) in pending.iter().zip(&plan).take(singles) {
            send_one(
                outbox,
                notifier,
                message,
                outgoing,
                &[],
                now,
                by,
                &mut report,
            )
            .await?;
        }
        if let (Some(digest), Some((first, rest))) =
            (plan.get(singles), pending[singles..].split_first())
            && plan.len() > singles
        {
            send_one(outbox, notifier, first, digest, rest, now, by, &mut report).await?;
        }
    }
    Ok(report)
}

/// Claims `message` (and the messages `merged` into it), sends `outgoing`, and records the
/// outcome on each.
#[allow(clippy::too_many_arguments)]
async fn send_one(
    outbox: &dyn OutboxStore,
    notifier: &dyn Notifier,
    message: &OutboxMessage,
    outgoing: &Message,
    merged: &[OutboxMessage],
    now: Moment,
    by: &str,
    report: &mut Dispatched,
) -> Result<(), StoreError> {
    let until = Moment(now.0 + LEASE_MS);
    for m in std::iter::once(message).chain(merged) {
        if !outbox.claim(&m.id, by, until, now).await? {
            report.taken += 1;
            return Ok(());
        }
    }
    match notifier
        .send(message.channel, &message.to, outgoing, now)
        .await
    {
        Ok(provider_id) => {
            outbox
                .settle(
                    &message.id,
                    SendState::Sent {
                        provider_id: provider_id.clone(),
                        at: now,
                        merged_into: None,
                    },
                )
                .await?;
            for m in merged {
                outbox
                    .settle(
                        &m.id,
                        SendState::Sent {
                            provider_id: provider_id.clone(),
                            at: now,
                            merged_into: Some(message.id.clone()),
                        },
                    )
                    .await?;
            }
            report.sent += 1;
            report.merged += merged.len();
        }
        Err(e) => {
            for m in std::iter::once(message).chain(merged) {
                let attempts = attempts_of(&m.state) + 1;
                let state = if attempts >= MAX_ATTEMPTS {
                    report.failed += 1;
                    SendState::Failed {
                        attempts,
                        error: e.to_string(),
                        at: now,
                    }
                } else {
                    report.retrying += 1;
                    SendState::Pending {
                        attempts,
                        not_before: Moment(now.0 + backoff_ms(attempts)),
                    }
                };
                outbox.settle(&m.id, state).await?;
            }
            tracing::warn!(case = %message.case, error = %e, "a message was not sent");
        }
    }
    Ok(())
}
