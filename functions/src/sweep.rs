//! The deadline sweep (000 三(四); 000 二(二)5): run on a schedule (its own Lambda, `sweep`; the
//! local server runs it hourly). It finds pending cases with a step past due through the queue
//! index — per province, never a scan — records each new red light once, and applies Hubei's
//! deemed issue where the county's deadline passed without a refusal.

use std::collections::HashSet;

use domain::case::{self, Action, TransitionError};
use domain::roles::Actor;
use domain::{Calendar, DivisionCode};
use serde::Serialize;

use crate::ports::{QueueQuery, StoreError};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Pending cases with something past due.
    pub examined: usize,
    /// Cases given new red lights.
    pub red_lights: usize,
    /// Cases issued by operation of 000 二(二)5.
    pub deemed_issues: usize,
    /// Cases that changed while the sweep looked at them (the next run sees them again).
    pub conflicts: usize,
}

pub async fn run(state: &AppState) -> Result<SweepReport, StoreError> {
    let now = state.clock.now();
    let mut report = SweepReport::default();
    let mut seen = HashSet::new();
    for province in DivisionCode::provinces() {
        let mut query = QueueQuery {
            office: province,
            state: None,
            service: None,
            overdue_on: Some(now.date()),
            corrected: false,
            limit: 200,
            after: None,
        };
        loop {
            let page = state.store.queue(&query).await?;
            for row in &page.items {
                // A cross-province case is in two provinces' queues; sweep it once. Finished
                // cases are here only for a late correction request (004 四(四)).
                if !seen.insert(row.number.clone()) {
                    continue;
                }
                report.examined += 1;
                sweep_case(state, &row.number, now, &mut report).await?;
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
    }
    tracing::info!(?report, "deadline sweep done");
    Ok(report)
}

async fn sweep_case(
    state: &AppState,
    number: &str,
    now: domain::case::Moment,
    report: &mut SweepReport,
) -> Result<(), StoreError> {
    let Some(mut record) = state.store.get(number).await? else {
        return Ok(());
    };
    let expected = record.case.version;
    let deemed = case::apply(
        &record.case,
        &Action::DeemedIssue,
        &Actor::System,
        now,
        Calendar::official(),
    );
    let (next, events, is_deemed) = match deemed {
        Ok((next, events)) => (next, events, true),
        Err(
            TransitionError::NoDeemedIssue
            | TransitionError::NotYetDue
            | TransitionError::InvalidState { .. },
        ) => match record.case.flag_overdue(now) {
            Some((next, events)) => (next, events, false),
            None => return Ok(()),
        },
        Err(e) => {
            tracing::error!(case = %number, "sweep cannot apply deemed issue: {e}");
            return Ok(());
        }
    };
    record.case = next;
    if is_deemed && record.case.certificate.is_none() {
        match crate::certificates::issue(&record, state.signer.as_ref(), now.date()) {
            Ok(c) => record.case.certificate = Some(c),
            // Left unsigned rather than not issued: the applicant's right does not wait on a
            // signature; the log says which case to sign.
            Err(e) => tracing::error!(case = %number, "deemed issue left unsigned: {}", e.code),
        }
    }
    match state.store.update(&record, expected, &events).await {
        Ok(()) => {
            if is_deemed {
                report.deemed_issues += 1;
                tracing::warn!(case = %number, "deemed issue (000 二(二)5)");
            } else {
                report.red_lights += 1;
            }
            Ok(())
        }
        Err(StoreError::VersionConflict { .. }) => {
            report.conflicts += 1;
            Ok(())
        }
        Err(e) => Err(e),
    }
}
