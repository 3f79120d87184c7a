//! What the supervision dashboard reads (`GET /api/supervision/summary`, 000 三(四)) and how
//! far the working-day calendar is confirmed (`/api/health`, the dashboards; issue 16).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Calendar;
use crate::calendar::{CalendarWarning, PROVISIONAL_NOTE, PROVISIONAL_NOTE_EN};
use crate::case::{CaseState, Moment};
use crate::date::Date;
use crate::division::DivisionCode;

/// The confirmed range of the working-day calendar and, from 60 days before it ends, the
/// warning every console shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CalendarCoverage {
    pub first_year: Option<i32>,
    /// Due dates up to 31 December of this year are exact.
    pub confirmed_through: Option<i32>,
    pub provisional_from: Option<Date>,
    pub provisional_note: String,
    pub provisional_note_en: String,
    pub warning: Option<CoverageWarning>,
}

/// The confirmed holiday data ends soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CoverageWarning {
    pub year: i32,
    pub confirmed_until: Date,
    pub text: String,
    pub text_en: String,
}

impl From<CalendarWarning> for CoverageWarning {
    fn from(w: CalendarWarning) -> CoverageWarning {
        CoverageWarning {
            year: w.year,
            confirmed_until: w.confirmed_until,
            text: w.text(),
            text_en: w.text_en(),
        }
    }
}

impl CalendarCoverage {
    /// How far `calendar` is confirmed, seen on `today`.
    pub fn of(calendar: &Calendar, today: Date) -> CalendarCoverage {
        let through = calendar.confirmed_through();
        CalendarCoverage {
            first_year: calendar.first_year(),
            confirmed_through: through,
            provisional_from: through.and_then(|y| Date::new(y + 1, 1, 1)),
            provisional_note: PROVISIONAL_NOTE.to_string(),
            provisional_note_en: PROVISIONAL_NOTE_EN.to_string(),
            warning: calendar.warning(today).map(CoverageWarning::from),
        }
    }
}

/// One year's notice as the calendar overview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NoticeYear {
    pub year: i32,
    pub title: String,
    pub document_number: String,
    pub published: Option<Date>,
    /// `built_in` or `loaded` (at run time, by an administrator).
    pub origin: String,
    /// China time, when loaded.
    pub loaded_at: Option<String>,
    /// Earlier notices of the year this one replaced.
    pub replaced: usize,
}

/// `GET /api/calendar`: the confirmed range, the warning, each year's notice and the notices
/// loaded at run time, which the SPA adds to its built-in calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CalendarOverview {
    pub coverage: CalendarCoverage,
    pub years: Vec<NoticeYear>,
    pub loaded: Vec<crate::calendar::HolidayNotice>,
}

/// One deciding office's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OfficeSummary {
    pub office: DivisionCode,
    pub name: Option<String>,
    pub total: usize,
    /// Cases by state code (every state listed, zero included).
    pub by_state: BTreeMap<String, usize>,
    /// Pending cases with a step past due today (red lights).
    pub overdue: usize,
    /// Cases decided (approved, refused or issued), and the calendar days from acceptance.
    pub decided: usize,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub deemed_issues: usize,
    /// Cases returned again for an item accepted before, on a written exception (000 二(二)2).
    pub return_exceptions: usize,
}

impl OfficeSummary {
    /// Cases of the office in `state`.
    pub fn count(&self, state: CaseState) -> usize {
        self.by_state.get(state.code()).copied().unwrap_or(0)
    }
}

/// Decided cases whose processing took `days` (a band such as `4–7`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ProcessingBand {
    pub days: String,
    pub count: usize,
}

/// A case returned again for an item accepted before (issue 17; 000 二(二)2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReturnException {
    pub number: String,
    pub deciding_division: DivisionCode,
    pub state: CaseState,
    pub exceptions: usize,
}

/// A case the deadline sweep could not read or write (issue 18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SweepFailure {
    pub number: String,
    /// The accepting and deciding offices (from the queue row: the case itself may not read).
    pub offices: Vec<DivisionCode>,
    pub error: String,
    pub at: Moment,
}

/// `GET /api/supervision/summary` (JSON): per deciding office in the division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SupervisionSummary {
    pub division: DivisionCode,
    pub today: Date,
    pub calendar: CalendarCoverage,
    pub total: usize,
    pub overdue: usize,
    pub offices: Vec<OfficeSummary>,
    pub distribution: Vec<ProcessingBand>,
    pub return_exceptions: Vec<ReturnException>,
    pub sweep_failures: Vec<SweepFailure>,
    /// Messages about the division's cases given up after every retry (issue 20).
    #[serde(default)]
    pub failed_messages: Vec<FailedMessage>,
}

/// A message the dispatcher gave up on: the case, what it was, why, after how many tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FailedMessage {
    pub number: String,
    pub kind: crate::notify::Kind,
    pub channel: crate::notify::Channel,
    pub at: crate::case::Moment,
    pub attempts: u32,
    pub error: String,
}
