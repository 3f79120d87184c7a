//! The deadline sweep (000 三(四); 000 二(二)5): run on a schedule (its own Lambda, `sweep`; the
//! local server runs it hourly). It finds pending cases with a step past due through the queue
//! index — per province, never a scan — records each new red light once, and applies Hubei's
//! deemed issue where the county's deadline passed without a refusal (a provisional last day
//! waits for the latest day it could fall on). First it counts again the cases whose
//! provisional years have since been confirmed, and logs the calendar warning once a day
//! (issue 16, `calendar::reconcile`).

use std::collections::HashSet;

use domain::case::{self, Action, TransitionError};
use domain::roles::Actor;
use domain::{Calendar, DivisionCode};

use crate::reckoning::RecomputeReport;
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
    /// Cases counted again because a year they were counted across provisionally is confirmed.
    pub recomputed: usize,
    /// Cases that could not be read or written: recorded (`CaseStore::sweep_failures`, shown
    /// to supervisors) while the sweep goes on with the others (issue 18).
    pub failures: usize,
    /// Expired idempotency records, rate counters and revoked-token marks removed.
    pub purged: usize,
    /// Uploads no case pinned, older than `UNATTACHED_UPLOAD_DAYS`, removed (the local file
    /// store; S3 expires them by a lifecycle rule).
    pub purged_uploads: usize,
}

/// Records that the sweep could not handle a case; a failure to record it is only logged (the
/// sweep must go on).
pub async fn record_failure(
    store: &dyn crate::ports::CaseStore,
    row: &crate::ports::QueueItem,
    error: &StoreError,
    now: domain::case::Moment,
) {
    tracing::error!(case = %row.number, "the sweep could not handle the case: {error}");
    let failure = crate::ports::SweepFailure {
        number: row.number.clone(),
        offices: vec![row.accepting_division, row.deciding_division],
        error: error.to_string(),
        at: now,
    };
    if let Err(e) = store.record_sweep_failure(&failure).await {
        tracing::error!(case = %row.number, "the sweep could not record its failure: {e}");
    }
}

pub async fn run(state: &AppState) -> Result<SweepReport, StoreError> {
    let now = state.clock.now();
    // Expired idempotency records, rate windows and revocations go first: DynamoDB drops them by
    // TTL, the embedded store only here, and they hold sealed personal data past their use.
    let before = now.0 / 1000 - crate::ports::UNATTACHED_UPLOAD_DAYS * 24 * 3600;
    let purged_uploads = match state.blobs.purge_unattached(before).await {
        Ok(n) => n,
        // The file store's trouble must not stop the deadlines: logged, tried again next run.
        Err(e) => {
            tracing::error!("the sweep could not purge unattached uploads: {e}");
            0
        }
    };
    let mut report = SweepReport {
        purged: state.store.purge_expired(now.0 / 1000).await?,
        purged_uploads,
        ..SweepReport::default()
    };
    let failed_before: HashSet<String> = state
        .store
        .sweep_failures()
        .await?
        .into_iter()
        .map(|f| f.number)
        .collect();
    let RecomputeReport {
        recomputed,
        conflicts,
        failed,
        ..
    } = crate::reckoning::reconcile(state.store.as_ref(), now, &failed_before).await?;
    report.recomputed = recomputed;
    report.conflicts += conflicts;
    report.failures += failed;
    let calendar = state.calendar().await?;
    let mut seen = HashSet::new();
    for province in DivisionCode::provinces() {
        let mut query = QueueQuery {
            office: province,
            state: None,
            service: None,
            overdue_on: Some(now.date()),
            corrected: false,
            dates: None,
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
                match sweep_case(state, &calendar, &row.number, now, &mut report).await {
                    Ok(()) if failed_before.contains(&row.number) => {
                        if let Err(e) = state.store.clear_sweep_failure(&row.number).await {
                            tracing::error!(case = %row.number, "could not clear its failure: {e}");
                        }
                    }
                    Ok(()) => {}
                    Err(e) => {
                        report.failures += 1;
                        record_failure(state.store.as_ref(), row, &e, now).await;
                    }
                }
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
    calendar: &Calendar,
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
        calendar,
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
        match crate::signing::issue(&record, state.signer.as_ref(), now.date()) {
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
