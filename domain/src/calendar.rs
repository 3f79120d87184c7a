//! Working days in mainland China, per SPEC §5.
//!
//! The data (`data/holidays.txt`) is the State Council's yearly holiday notices, 2014–2026:
//! public holidays and the weekend days made working days (调休). Counting follows the Civil
//! Code: a limit starts the day after acceptance (民法典 art. 201); working days skip
//! weekends and holidays but count make-up workdays; a calendar-day limit whose last day is
//! a rest day ends on the next working day (民法典 art. 203). A date the data does not cover
//! is an error, never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::date::Date;

const OFFICIAL: &str = include_str!("../data/holidays.txt");

/// How a legal time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// 工作日: rest days skipped.
    WorkingDays,
    /// 日 (calendar days); a last day on a rest day moves to the next working day.
    Days,
}

/// A legal time limit, e.g. 20 working days. `value` 0 means "on the spot" (即办).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TimeLimit {
    pub unit: TimeUnit,
    pub value: u32,
}

impl TimeLimit {
    pub const ON_THE_SPOT: TimeLimit = TimeLimit {
        unit: TimeUnit::Days,
        value: 0,
    };
    pub const fn working_days(value: u32) -> TimeLimit {
        TimeLimit {
            unit: TimeUnit::WorkingDays,
            value,
        }
    }
    pub const fn days(value: u32) -> TimeLimit {
        TimeLimit {
            unit: TimeUnit::Days,
            value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "{date} 超出节假日数据范围（{first}–{last}年）/ {date} is outside the holiday data ({first}–{last})"
    )]
    OutsideData { date: Date, first: i32, last: i32 },
    #[error("holiday data line {line}: {message}")]
    Data { line: usize, message: String },
}

/// The holiday calendar for a range of whole years.
#[derive(Debug, Clone)]
pub struct Calendar {
    first_year: i32,
    last_year: i32,
    holidays: BTreeMap<Date, String>,
    workdays: BTreeSet<Date>,
}

impl Calendar {
    /// The State Council data shipped with the crate, parsed once.
    pub fn official() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            // The file is compiled in and checked by the tests below: it always parses.
            Calendar::parse(OFFICIAL).unwrap_or_else(|_| Calendar {
                first_year: 0,
                last_year: -1,
                holidays: BTreeMap::new(),
                workdays: BTreeSet::new(),
            })
        })
    }

    /// Parses the `holidays.txt` format (see the file's header).
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let mut years = BTreeSet::new();
        let mut holidays = BTreeMap::new();
        let mut workdays = BTreeSet::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| CalendarError::Data {
                line: i + 1,
                message: message.to_string(),
            };
            let parts: Vec<&str> = line.split_whitespace().collect();
            let year: i32 = parts
                .first()
                .and_then(|y| y.parse().ok())
                .ok_or_else(|| err("a line starts with its year"))?;
            years.insert(year);
            let date = |s: &str| Date::parse(s).map_err(|e| err(&e.to_string()));
            match parts.as_slice() {
                [_, "holiday", name, span] => {
                    let (first, last) = match span.split_once("..") {
                        Some((a, b)) => (date(a)?, date(b)?),
                        None => (date(span)?, date(span)?),
                    };
                    let mut d = first;
                    while d <= last {
                        if d.year() != year {
                            return Err(err("a holiday outside its year"));
                        }
                        holidays.insert(d, (*name).to_string());
                        d = d.succ().ok_or_else(|| err("date overflow"))?;
                    }
                }
                [_, "workday", day] => {
                    let d = date(day)?;
                    if d.year() != year || !d.is_weekend() {
                        return Err(err("a make-up workday is a weekend day of its year"));
                    }
                    workdays.insert(d);
                }
                _ => {
                    return Err(err(
                        "expected `<year> holiday <name> <span>` or `<year> workday <date>`",
                    ));
                }
            }
        }
        let (Some(&first_year), Some(&last_year)) = (years.first(), years.last()) else {
            return Err(CalendarError::Data {
                line: 0,
                message: "no data".into(),
            });
        };
        if last_year - first_year + 1 != i32::try_from(years.len()).unwrap_or(0) {
            return Err(CalendarError::Data {
                line: 0,
                message: "the years must be contiguous".into(),
            });
        }
        Ok(Calendar {
            first_year,
            last_year,
            holidays,
            workdays,
        })
    }

    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    pub fn covers(&self, date: Date) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    fn check(&self, date: Date) -> Result<(), CalendarError> {
        if self.covers(date) {
            Ok(())
        } else {
            Err(CalendarError::OutsideData {
                date,
                first: self.first_year,
                last: self.last_year,
            })
        }
    }

    /// A working day: not a public holiday, and a weekday or a make-up workday.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        self.check(date)?;
        if self.holidays.contains_key(&date) {
            return Ok(false);
        }
        Ok(!date.is_weekend() || self.workdays.contains(&date))
    }

    /// The public holiday a date falls in, e.g. 国庆节.
    pub fn holiday_name(&self, date: Date) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    fn next(&self, date: Date) -> Result<Date, CalendarError> {
        let next = date.succ().ok_or(CalendarError::OutsideData {
            date,
            first: self.first_year,
            last: self.last_year,
        })?;
        self.check(next)?;
        Ok(next)
    }

    /// The `n`-th working day after `start` (the start day itself is not counted). With
    /// `n` = 0 it is `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        self.check(start)?;
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = self.next(date)?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// `start` + `n` calendar days; when that day is a rest day, the next working day.
    pub fn add_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        self.check(start)?;
        if n == 0 {
            return Ok(start);
        }
        let mut date = start
            .add_days(i64::from(n))
            .ok_or(CalendarError::OutsideData {
                date: start,
                first: self.first_year,
                last: self.last_year,
            })?;
        self.check(date)?;
        while !self.is_working_day(date)? {
            date = self.next(date)?;
        }
        Ok(date)
    }

    /// The last day of `limit` counted from `start` (the day of acceptance).
    pub fn due(&self, start: Date, limit: TimeLimit) -> Result<Date, CalendarError> {
        match limit.unit {
            TimeUnit::WorkingDays => self.add_working_days(start, limit.value),
            TimeUnit::Days => self.add_days(start, limit.value),
        }
    }

    /// Working days after `from` up to and including `to` (0 when `to` ≤ `from`): how long a
    /// step took, for supervision.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        self.check(from)?;
        self.check(to)?;
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = self.next(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn cal() -> &'static Calendar {
        Calendar::official()
    }

    #[test]
    fn the_shipped_data_parses_and_covers_2014_to_2026() {
        let parsed = Calendar::parse(OFFICIAL).unwrap();
        assert_eq!((parsed.first_year(), parsed.last_year()), (2014, 2026));
        assert_eq!(cal().first_year(), 2014);
    }

    #[test]
    fn holidays_are_rest_days_and_make_up_weekends_are_working_days() {
        // 2024 National Day: 10-01..07 off; Sunday 09-29 and Saturday 10-12 worked.
        assert_eq!(cal().is_working_day(d("2024-10-02")), Ok(false));
        assert_eq!(cal().holiday_name(d("2024-10-02")), Some("国庆节"));
        assert_eq!(cal().is_working_day(d("2024-09-29")), Ok(true));
        assert_eq!(cal().is_working_day(d("2024-10-12")), Ok(true));
        assert_eq!(cal().is_working_day(d("2024-10-13")), Ok(false));
        assert_eq!(cal().is_working_day(d("2024-10-14")), Ok(true));
        // 2026 Spring Festival: 02-15..23 off, Saturdays 02-14 and 02-28 worked.
        assert_eq!(cal().is_working_day(d("2026-02-16")), Ok(false));
        assert_eq!(cal().is_working_day(d("2026-02-14")), Ok(true));
    }

    #[test]
    fn working_days_start_the_day_after_and_count_make_up_days() {
        // SPEC §9 example: accepted Fri 2024-09-27, 20 working days. Sun 09-29 counts (调休),
        // 10-01..07 do not, Sat 10-12 counts.
        assert_eq!(
            cal().add_working_days(d("2024-09-27"), 20),
            Ok(d("2024-10-30"))
        );
        assert_eq!(
            cal().add_working_days(d("2024-09-27"), 1),
            Ok(d("2024-09-29"))
        );
        assert_eq!(
            cal().add_working_days(d("2024-09-27"), 0),
            Ok(d("2024-09-27"))
        );
        // Accepted on a rest day: the first working day after it is day 1.
        assert_eq!(
            cal().add_working_days(d("2024-10-05"), 1),
            Ok(d("2024-10-08"))
        );
    }

    #[test]
    fn a_day_limit_ending_on_a_rest_day_moves_to_the_next_working_day() {
        // 民法典 art. 203. 09-27 + 30 days = Sun 10-27 → Mon 10-28.
        assert_eq!(cal().add_days(d("2024-09-27"), 30), Ok(d("2024-10-28")));
        // Ends inside the National Day holiday → first working day after it.
        assert_eq!(cal().add_days(d("2024-09-22"), 10), Ok(d("2024-10-08")));
        // Ends on a working day: unchanged.
        assert_eq!(cal().add_days(d("2024-09-20"), 10), Ok(d("2024-09-30")));
        // Ends on a make-up workday (Sun 2024-09-29): it is a working day.
        assert_eq!(cal().add_days(d("2024-09-19"), 10), Ok(d("2024-09-29")));
    }

    #[test]
    fn dates_outside_the_data_are_errors_never_guesses() {
        assert!(matches!(
            cal().is_working_day(d("2013-12-31")),
            Err(CalendarError::OutsideData {
                first: 2014,
                last: 2026,
                ..
            })
        ));
        // A count that runs past the last covered year fails instead of assuming 2027.
        assert!(matches!(
            cal().add_working_days(d("2026-12-20"), 20),
            Err(CalendarError::OutsideData { .. })
        ));
        assert!(cal().add_days(d("2026-12-25"), 10).is_err());
    }

    #[test]
    fn elapsed_working_days_count_like_limits() {
        assert_eq!(
            cal().working_days_between(d("2024-09-27"), d("2024-10-30")),
            Ok(20)
        );
        assert_eq!(
            cal().working_days_between(d("2024-10-30"), d("2024-09-27")),
            Ok(0)
        );
    }

    #[test]
    fn malformed_data_is_rejected_with_its_line() {
        let bad = "2024 holiday 国庆节 2024-10-01..2024-10-07\n2024 workday 2024-10-08\n";
        assert!(matches!(
            Calendar::parse(bad),
            Err(CalendarError::Data { line: 2, .. })
        ));
        assert!(Calendar::parse("2024 feast x 2024-01-01").is_err());
        assert!(
            Calendar::parse("2024 holiday 元旦 2024-01-01\n2026 holiday 元旦 2026-01-01").is_err()
        );
    }

    #[test]
    fn time_limits_serialise_as_in_spec_section_9() {
        let json = serde_json::to_value(TimeLimit::working_days(20)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"unit": "working_days", "value": 20})
        );
    }
}
