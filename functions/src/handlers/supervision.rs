//! Supervision (000 三(四); SPEC §7): `GET /api/supervision/summary` — per deciding office,
//! counts by state, red lights now, processing times and deemed issues; `?format=csv` exports it.
//! `GET /api/supervision/audit?day=` — what staff of the division did outside any case that day
//! (registry look-ups, queue listings; issue 18).

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::CaseState;
use domain::contract::{
    AuditDay, OfficeSummary, ProcessingBand, ReturnException, SupervisionSummary, SweepFailure,
};
use domain::roles::Capability;
use domain::{Date, DivisionCode, Gazetteer};
use schemars::{Schema, SchemaGenerator, json_schema};

use crate::access::Staff;
use crate::errors;
use crate::openapi::{Api, Operation, schema_of};
use crate::ports::QueueItem;
use crate::problem::Problem;
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new()
        .get(
            "/supervision/summary",
            summary,
            Operation::new(
                "supervisionSummary",
                "Per deciding office: counts by state, red lights, median and p90 processing days, deemed issues, the processing-time distribution",
            )
            .bearer()
            .query_as("division", false, "a division inside the supervisor's", schema_of::<DivisionCode>)
            .query_as("format", false, "json (default) or csv", format_schema)
            .answer::<SupervisionSummary>(200, "the summary")
            .answer_as(200, "the summary", "text/csv", None)
            .problem(400, "every bad parameter")
            .problem(401, "not signed in")
            .problem(403, "not a supervisor, or outside the division")
            .problem(503, "store unavailable"),
        )
        .get(
            "/supervision/audit",
            audit,
            Operation::new(
                "supervisionAudit",
                "What staff of the supervisor's division did outside any case on a day: registry look-ups, queue listings, account and calendar changes (issue 18)",
            )
            .bearer()
            .query_as("day", false, "default today (China time)", schema_of::<Date>)
            .answer::<AuditDay>(200, "the entries")
            .problem(400, "a bad day")
            .problem(401, "not signed in")
            .problem(403, "not a supervisor")
            .problem(503, "store unavailable"),
        )
}

fn format_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"enum": ["json", "csv"]})
}

/// The staff audit trail of one day (default today) for a supervisor's division.
async fn audit(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<AuditDay>, Problem> {
    claims.require(Capability::Supervise)?;
    let Some(own) = claims.division else {
        return Err(errors::forbidden_role());
    };
    let today = state.clock.now().date();
    let day = match params.get("day") {
        None => today,
        Some(d) => Date::parse(d).map_err(|e| {
            Problem::invalid_request(&[crate::errors::field_error(
                "invalid_field",
                "day",
                e.to_string(),
            )])
        })?,
    };
    let entries: Vec<_> = state
        .store
        .audit_entries(day)
        .await?
        .into_iter()
        .filter(|e| e.division.is_some_and(|d| own.contains(d)))
        .collect();
    Ok(Json(AuditDay {
        division: own,
        day,
        entries,
    }))
}

const STATES: [CaseState; 12] = [
    CaseState::Submitted,
    CaseState::PreReviewed,
    CaseState::TownshipReviewed,
    CaseState::Approved,
    CaseState::Issued,
    CaseState::Delivered,
    CaseState::Returned,
    CaseState::Refused,
    CaseState::Withdrawn,
    CaseState::Revoked,
    CaseState::Void,
    CaseState::Forwarded,
];

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Groups queue rows by deciding office.
pub fn summarise(rows: &[QueueItem], today: Date) -> Vec<OfficeSummary> {
    let mut groups: BTreeMap<DivisionCode, Vec<&QueueItem>> = BTreeMap::new();
    for row in rows {
        groups.entry(row.deciding_division).or_default().push(row);
    }
    groups
        .into_iter()
        .map(|(office, rows)| {
            let mut by_state: BTreeMap<String, usize> =
                STATES.iter().map(|s| (s.code().to_string(), 0)).collect();
            for r in &rows {
                *by_state.entry(r.state.code().to_string()).or_default() += 1;
            }
            let mut days: Vec<i64> = rows
                .iter()
                .filter_map(|r| Some(r.decided_on?.to_days() - r.accepted_on.to_days()))
                .collect();
            days.sort_unstable();
            OfficeSummary {
                office,
                name: Gazetteer::seed().full_name(office),
                total: rows.len(),
                by_state,
                overdue: rows.iter().filter(|r| !r.overdue(today).is_empty()).count(),
                decided: days.len(),
                median_days: percentile(&days, 50),
                p90_days: percentile(&days, 90),
                deemed_issues: rows.iter().filter(|r| r.deemed_issue).count(),
                return_exceptions: rows.iter().filter(|r| r.return_exceptions > 0).count(),
            }
        })
        .collect()
}

/// The processing-time bands of the dashboard's chart (days from acceptance to decision).
pub const BANDS: [(&str, i64, i64); 6] = [
    ("0", 0, 0),
    ("1–3", 1, 3),
    ("4–7", 4, 7),
    ("8–14", 8, 14),
    ("15–30", 15, 30),
    (">30", 31, i64::MAX),
];

/// How many decided cases took how long, over every office in the division.
pub fn distribution(rows: &[QueueItem]) -> Vec<ProcessingBand> {
    let days: Vec<i64> = rows
        .iter()
        .filter_map(|r| Some(r.decided_on?.to_days() - r.accepted_on.to_days()))
        .collect();
    BANDS
        .iter()
        .map(|(label, lo, hi)| {
            let count = days.iter().filter(|d| (*lo..=*hi).contains(*d)).count();
            ProcessingBand {
                days: (*label).to_string(),
                count,
            }
        })
        .collect()
}

/// The sweep's failures on cases whose accepting or deciding office lies in `division`.
/// The messages about this division's cases that were given up (issue 20): few, so each
/// case is read to place it.
async fn failed_messages_in(
    state: &AppState,
    division: DivisionCode,
) -> Result<Vec<domain::contract::FailedMessage>, Problem> {
    let Some(messages) = &state.messages else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for m in messages.outbox.failed_messages().await? {
        let Some(record) = state.store.get(&m.case).await? else {
            continue;
        };
        let case = &record.case;
        let ours = [Some(case.deciding), Some(case.accepting), case.reviewing]
            .into_iter()
            .flatten()
            .any(|o| division.contains(o));
        if let (
            true,
            crate::ports::SendState::Failed {
                attempts,
                error,
                at,
            },
        ) = (ours, &m.state)
        {
            out.push(domain::contract::FailedMessage {
                number: m.case.clone(),
                kind: m.message.kind,
                channel: m.channel,
                at: *at,
                attempts: *attempts,
                error: error.clone(),
            });
        }
    }
    Ok(out)
}

pub fn failures_in(division: domain::DivisionCode, failures: &[SweepFailure]) -> Vec<SweepFailure> {
    failures
        .iter()
        .filter(|f| f.offices.iter().any(|o| division.contains(*o)))
        .cloned()
        .collect()
}

fn csv(offices: &[OfficeSummary]) -> String {
    let mut out = String::from("office,name,total");
    for s in STATES {
        out.push(',');
        out.push_str(s.code());
    }
    out.push_str(",overdue,decided,median_days,p90_days,deemed_issues,return_exceptions\r\n");
    let opt = |v: Option<i64>| v.map_or_else(String::new, |d| d.to_string());
    for o in offices {
        // Names are from the gazetteer, but quote anyway so a comma could never shift columns.
        let name = o.name.clone().unwrap_or_default().replace('"', "\"\"");
        out.push_str(&format!("{},\"{}\",{}", o.office, name, o.total));
        for s in STATES {
            out.push_str(&format!(
                ",{}",
                o.by_state.get(s.code()).copied().unwrap_or(0)
            ));
        }
        out.push_str(&format!(
            ",{},{},{},{},{},{}\r\n",
            o.overdue,
            o.decided,
            opt(o.median_days),
            opt(o.p90_days),
            o.deemed_issues,
            o.return_exceptions
        ));
    }
    out
}

// Long: each office's figures computed in one pass over its cases.
async fn summary(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    claims.require(Capability::Supervise)?;
    let Some(own) = claims.division else {
        return Err(errors::forbidden_role());
    };
    let mut bad = Vec::new();
    let division = match params.get("division") {
        None => own,
        Some(d) => match DivisionCode::parse(d) {
            Ok(d) if own.contains(d) => d,
            Ok(_) => {
                return Err(errors::transition(
                    &domain::case::TransitionError::OutOfScope,
                ));
            }
            Err(e) => {
                bad.push(crate::errors::field_error(
                    "invalid_field",
                    "division",
                    e.to_string(),
                ));
                own
            }
        },
    };
    let as_csv = match params.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            bad.push(crate::errors::field_error(
                "invalid_field",
                "format",
                "json | csv",
            ));
            false
        }
    };
    if !bad.is_empty() {
        return Err(Problem::invalid_request(&bad));
    }
    let today = state.clock.now().date();
    let rows = crate::ports::queue_all(state.store.as_ref(), division, None).await?;
    let offices = summarise(&rows, today);
    tracing::info!(by = %claims.sub, division = %division, "supervision summary read");
    if as_csv {
        let filename = format!("attachment; filename=\"supervision-{division}-{today}.csv\"");
        return Ok((
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, filename),
            ],
            // A BOM, so spreadsheet programs read the Chinese names as UTF-8.
            format!("\u{feff}{}", csv(&offices)),
        )
            .into_response());
    }
    let calendar = state.calendar().await?;
    let failures = state.store.sweep_failures().await?;
    let failed_messages = failed_messages_in(&state, division).await?;
    let summary = SupervisionSummary {
        failed_messages,
        // Cases of this division the deadline sweep could not read or write (issue 18).
        sweep_failures: failures_in(division, &failures),
        division,
        today,
        // Issue 16: from 60 days before the confirmed holiday data ends, supervisors see it.
        calendar: crate::reckoning::coverage(&calendar, today),
        total: rows.len(),
        overdue: offices.iter().map(|o| o.overdue).sum(),
        offices,
        distribution: distribution(&rows),
        // Each case returned again for an item accepted before (issue 17; 000 二(二)2).
        return_exceptions: rows
            .iter()
            .filter(|r| r.return_exceptions > 0)
            .map(|r| ReturnException {
                number: r.number.clone(),
                deciding_division: r.deciding_division,
                state: r.state,
                exceptions: r.return_exceptions,
            })
            .collect(),
    };
    Ok(Json(summary).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }
}
