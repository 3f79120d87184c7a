//! Supervision (000 三(四); SPEC §7): `GET /api/supervision/summary` — per deciding office,
//! counts by state, red lights now, processing times and deemed issues; `?format=csv` exports it.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::case::CaseState;
use domain::roles::Role;
use domain::{Date, DivisionCode, Gazetteer};
use serde::Serialize;
use serde_json::json;

use crate::auth::Staff;
use crate::errors;
use crate::ports::QueueItem;
use crate::problem::Problem;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/supervision/summary", get(summary))
}

const STATES: [CaseState; 11] = [
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
];

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OfficeSummary {
    pub office: String,
    pub name: Option<String>,
    pub total: usize,
    pub by_state: BTreeMap<&'static str, usize>,
    /// Pending cases with a step past due today (red lights).
    pub overdue: usize,
    /// Cases decided (approved, refused or issued), and the calendar days from acceptance.
    pub decided: usize,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub deemed_issues: usize,
}

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
            let mut by_state: BTreeMap<&'static str, usize> =
                STATES.iter().map(|s| (s.code(), 0)).collect();
            for r in &rows {
                *by_state.entry(r.state.code()).or_default() += 1;
            }
            let mut days: Vec<i64> = rows
                .iter()
                .filter_map(|r| Some(r.decided_on?.to_days() - r.accepted_on.to_days()))
                .collect();
            days.sort_unstable();
            OfficeSummary {
                office: office.to_string(),
                name: Gazetteer::seed().full_name(office),
                total: rows.len(),
                by_state,
                overdue: rows.iter().filter(|r| !r.overdue(today).is_empty()).count(),
                decided: days.len(),
                median_days: percentile(&days, 50),
                p90_days: percentile(&days, 90),
                deemed_issues: rows.iter().filter(|r| r.deemed_issue).count(),
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
pub fn distribution(rows: &[QueueItem]) -> Vec<serde_json::Value> {
    let days: Vec<i64> = rows
        .iter()
        .filter_map(|r| Some(r.decided_on?.to_days() - r.accepted_on.to_days()))
        .collect();
    BANDS
        .iter()
        .map(|(label, lo, hi)| {
            let count = days.iter().filter(|d| (*lo..=*hi).contains(*d)).count();
            json!({"days": label, "count": count})
        })
        .collect()
}

fn csv(offices: &[OfficeSummary]) -> String {
    let mut out = String::from("office,name,total");
    for s in STATES {
        out.push(',');
        out.push_str(s.code());
    }
    out.push_str(",overdue,decided,median_days,p90_days,deemed_issues\r\n");
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
            ",{},{},{},{},{}\r\n",
            o.overdue,
            o.decided,
            opt(o.median_days),
            opt(o.p90_days),
            o.deemed_issues
        ));
    }
    out
}

async fn summary(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let (Role::Supervisor, Some(own)) = (claims.role, claims.division) else {
        return Err(errors::forbidden_role());
    };
    let mut bad = Vec::new();
    let division = match params.get("division") {
        None => own,
        Some(d) => {
            match DivisionCode::parse(d) {
                Ok(d) if own.contains(d) => d,
                Ok(_) => {
                    return Err(errors::transition(
                        &domain::case::TransitionError::OutOfScope,
                    ));
                }
                Err(e) => {
                    bad.push(json!({"code": "invalid_field", "field": "division", "message": e.to_string()}));
                    own
                }
            }
        }
    };
    let as_csv = match params.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            bad.push(json!({"code": "invalid_field", "field": "format", "message": "json | csv"}));
            false
        }
    };
    if !bad.is_empty() {
        return Err(Problem::invalid_request(&bad));
    }
    let today = state.clock.now().date();
    let rows = crate::ports::queue_all(state.store.as_ref(), division, None)
        .await
        .map_err(|e| errors::store(&e))?;
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
    Ok(Json(json!({
        "division": division.to_string(),
        "today": today,
        "total": rows.len(),
        "overdue": offices.iter().map(|o| o.overdue).sum::<usize>(),
        "offices": offices,
        "distribution": distribution(&rows),
    }))
    .into_response())
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
