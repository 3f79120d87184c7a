//! The working-day calendar as every function runs it (issue 16): the State Council notices
//! built into `domain` plus those an administrator loaded into the case store, read on each
//! request so every function and instance counts on the same years; what `/api/health` and
//! the dashboards say of its coverage; and loading a notice, which counts again every open
//! case whose dates touch its year, each change audited on the case. The calendar handler,
//! the health answer, supervision, `cargo xtask calendar load` and the sweep use it.

use std::collections::HashSet;

use domain::Calendar;
use domain::calendar::HolidayNotice;
use domain::case::Moment;
use domain::contract::CalendarCoverage;

use crate::ports::{CaseStore, DatesIndex, QueueItem, StoreError, StoredNotice, dated_all};

/// The calendar the functions count on now: built-in years plus the loaded notices.
pub async fn current(store: &dyn CaseStore) -> Result<Calendar, StoreError> {
    let loaded: Vec<HolidayNotice> = store
        .holiday_notices()
        .await?
        .into_iter()
        .map(|n| n.notice)
        .collect();
    Ok(Calendar::builtin().with_notices(&loaded))
}

/// How far the calendar is confirmed, as `/api/health` and the dashboards show it.
pub fn coverage(calendar: &Calendar, today: domain::Date) -> CalendarCoverage {
    CalendarCoverage::of(calendar, today)
}

pub use domain::contract::{LoadOutcome, RecomputeReport};

/// How long loading a notice recounts cases before answering (API Gateway gives up at 30 s).
pub const LOAD_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// How long after a confirmed year's notice was replaced the sweep still looks for exact dates
/// running into it (the load's own recount may have run out of time).
const REPLACEMENT_WINDOW_MS: i64 = 2 * 24 * 3600 * 1000;

/// What loading a notice did, and what the recount found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLoaded {
    pub year: i32,
    pub outcome: LoadOutcome,
    pub report: RecomputeReport,
}

/// Stores a checked notice and recounts the open cases it concerns (the admin route and the
/// deployment command `cargo xtask calendar load` both end here).
pub async fn load_notice(
    store: &dyn CaseStore,
    notice: HolidayNotice,
    by: &str,
    now: Moment,
    budget: Option<std::time::Duration>,
) -> Result<NoticeLoaded, StoreError> {
    let previous = store
        .holiday_notices()
        .await?
        .into_iter()
        .find(|s| s.notice.year == notice.year);
    if previous.as_ref().is_some_and(|p| p.notice == notice) {
        return Ok(NoticeLoaded {
            year: notice.year,
            outcome: LoadOutcome::Unchanged,
            report: RecomputeReport::default(),
        });
    }
    let was_confirmed = Calendar::builtin().is_confirmed(notice.year) || previous.is_some();
    let replaced = match previous {
        Some(p) => {
            let mut history = p.replaced;
            history.push(p.notice);
            history
        }
        None => Calendar::builtin()
            .notice(notice.year)
            .cloned()
            .into_iter()
            .collect(),
    };
    let year = notice.year;
    tracing::info!(
        year,
        by,
        replaced = was_confirmed,
        "holiday notice loaded: {}",
        notice.citation()
    );
    store
        .put_holiday_notice(&StoredNotice {
            notice,
            loaded_by: by.to_string(),
            loaded_at: now,
            replaced,
        })
        .await?;
    let report = recompute(store, year, was_confirmed, now, budget).await?;
    Ok(NoticeLoaded {
        year,
        outcome: if was_confirmed {
            LoadOutcome::Replaced
        } else {
            LoadOutcome::Loaded
        },
        report,
    })
}

/// Counts again the open cases whose dates touch `year`: those with provisional dates in it,
/// and — when a confirmed year's notice was replaced — those with exact dates running into it.
pub async fn recompute(
    store: &dyn CaseStore,
    year: i32,
    include_exact: bool,
    now: Moment,
    budget: Option<std::time::Duration>,
) -> Result<RecomputeReport, StoreError> {
    let calendar = current(store).await?;
    let mut rows: Vec<QueueItem> = dated_all(store, DatesIndex::Provisional)
        .await?
        .into_iter()
        .filter(|row| row.provisional_years.contains(&year))
        .collect();
    if include_exact {
        rows.extend(exact_touching(store, &[year]).await?);
    }
    recompute_cases(store, &calendar, &rows, now, budget, &HashSet::new()).await
}

/// Open cases with exact dates that run into one of `years`.
async fn exact_touching(
    store: &dyn CaseStore,
    years: &[i32],
) -> Result<Vec<QueueItem>, StoreError> {
    Ok(dated_all(store, DatesIndex::Exact)
        .await?
        .into_iter()
        .filter(|row| {
            years.iter().any(|year| {
                row.accepted_on.year() <= *year
                    && row.open_steps.iter().any(|(_, due)| due.year() >= *year)
            })
        })
        .collect())
}

/// Recounts each case's open dates on `calendar`, writing those that changed (one retry when
/// someone acted on the case at the same moment). A case that cannot be read or written is
/// recorded as a sweep failure and the others go on (issue 18).
pub async fn recompute_cases(
    store: &dyn CaseStore,
    calendar: &Calendar,
    rows: &[QueueItem],
    now: Moment,
    budget: Option<std::time::Duration>,
    known_failures: &HashSet<String>,
) -> Result<RecomputeReport, StoreError> {
    let started = std::time::Instant::now();
    let mut report = RecomputeReport::default();
    for (i, row) in rows.iter().enumerate() {
        if budget.is_some_and(|b| started.elapsed() > b) {
            report.remaining = rows.len() - i;
            tracing::warn!(
                remaining = report.remaining,
                "recount left to the sweep: the request's time ran out"
            );
            break;
        }
        report.examined += 1;
        match recompute_case(store, calendar, &row.number, now, &mut report).await {
            Ok(()) if known_failures.contains(&row.number) => {
                if let Err(e) = store.clear_sweep_failure(&row.number).await {
                    tracing::error!(case = %row.number, "could not clear its failure: {e}");
                }
            }
            Ok(()) => {}
            Err(e) => {
                report.failed += 1;
                crate::sweep::record_failure(store, row, &e, now).await;
            }
        }
    }
    Ok(report)
}

async fn recompute_case(
    store: &dyn CaseStore,
    calendar: &Calendar,
    number: &str,
    now: Moment,
    report: &mut RecomputeReport,
) -> Result<(), StoreError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let Some(mut record) = store.get(number).await? else {
            return Ok(());
        };
        let Some((case, events)) = record.case.recompute_dates(calendar, now) else {
            return Ok(());
        };
        let expected = record.case.version;
        record.case = case;
        match store.update(&record, expected, &events).await {
            Ok(()) => {
                report.recomputed += 1;
                return Ok(());
            }
            Err(StoreError::VersionConflict { .. } | StoreError::Busy) if attempts < 2 => {}
            Err(StoreError::VersionConflict { .. } | StoreError::Busy) => {
                report.conflicts += 1;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
}

/// The sweep's share (issue 16): cases whose provisional years have since been confirmed (a
/// notice loaded while a function still counted on the old calendar) are counted again, and
/// the warning is logged once a day.
pub async fn reconcile(
    store: &dyn CaseStore,
    now: Moment,
    known_failures: &HashSet<String>,
) -> Result<RecomputeReport, StoreError> {
    let calendar = current(store).await?;
    if let Some(warning) = calendar.warning(now.date()) {
        let day_end = Moment::start_of(now.date().succ().unwrap_or(now.date())).0 / 1000;
        let key = format!("calendar_warning#{}", now.date());
        if store.count_request(&key, day_end).await? == 1 {
            tracing::warn!(
                year = warning.year,
                confirmed_until = %warning.confirmed_until,
                "{}",
                warning.text()
            );
        }
    }
    let mut rows: Vec<QueueItem> = dated_all(store, DatesIndex::Provisional)
        .await?
        .into_iter()
        .filter(|row| {
            row.provisional_years
                .iter()
                .any(|y| calendar.is_confirmed(*y))
        })
        .collect();
    let replaced_lately: Vec<i32> = store
        .holiday_notices()
        .await?
        .into_iter()
        .filter(|n| !n.replaced.is_empty() && now.0 - n.loaded_at.0 < REPLACEMENT_WINDOW_MS)
        .map(|n| n.notice.year)
        .collect();
    if !replaced_lately.is_empty() {
        rows.extend(exact_touching(store, &replaced_lately).await?);
    }
    recompute_cases(store, &calendar, &rows, now, None, known_failures).await
}
