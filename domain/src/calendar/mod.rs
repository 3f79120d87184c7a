//! Working days in mainland China, per SPEC §5.
//!
//! A year is **confirmed** when its State Council holiday notice is known: the built-in ones
//! (`data/holidays.txt`, 2014–2026) and those an administrator loads at run time
//! ([`Calendar::with_notices`]). Any other year from 2008 to 2099 is counted **provisionally**
//! on the statutory holidays of 《全国年节及纪念日放假办法》 ([`statutory`]), and every due date
//! that rests on such a year says so ([`Due::provisional`]): the service never stops because a
//! year turned. Counting follows the Civil Code: a limit starts the day after acceptance
//! (民法典 art. 201); working days skip weekends and holidays but count make-up workdays; a
//! calendar-day limit whose last day is a rest day ends on the next working day (art. 203).

pub mod notice;
pub mod statutory;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::date::Date;
pub use notice::{HolidayNotice, RestSpan};

const BUILTIN: &str = include_str!("../../data/holidays.txt");

/// How a provisional date is labelled wherever it is shown (SPEC §5).
pub const PROVISIONAL_NOTE: &str = "按法定节假日暂算，以国务院公布的放假安排为准";
pub const PROVISIONAL_NOTE_EN: &str =
    "counted provisionally on the statutory holidays; the State Council's holiday notice prevails";
/// How long before the confirmed data ends the warning shows (issue 16: 60 days).
pub const WARNING_DAYS: i64 = 60;

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
        "{date} 超出可计算的年份（{first}–{last}年）/ {date} is outside the years that can be counted ({first}–{last})"
    )]
    OutsideRange { date: Date, first: i32, last: i32 },
    #[error("holiday data line {line}: {message}")]
    Data { line: usize, message: String },
}

/// The last day of a limit, and whether counting it crossed a provisional year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: Date,
    pub provisional: bool,
}

/// "The 2027 holiday notice is not loaded yet", from [`WARNING_DAYS`] before the confirmed
/// data ends (and on every day after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarWarning {
    /// The first year without a notice.
    pub year: i32,
    /// The last day of confirmed data.
    pub confirmed_until: Date,
}

impl CalendarWarning {
    pub fn text(&self) -> String {
        format!(
            "{}年放假安排尚未导入：确认的节假日数据截至{}，此后的期限{}。",
            self.year, self.confirmed_until, PROVISIONAL_NOTE
        )
    }

    pub fn text_en(&self) -> String {
        format!(
            "The {} holiday notice is not loaded: confirmed data ends on {}; later due dates are {}.",
            self.year, self.confirmed_until, PROVISIONAL_NOTE_EN
        )
    }
}

/// A confirmed year: its notice and the days it makes rest or working days.
#[derive(Debug, Clone)]
struct Confirmed {
    notice: HolidayNotice,
    /// Each rest day and the index of its span in `notice.rest`.
    rest: BTreeMap<Date, usize>,
    workdays: BTreeSet<Date>,
}

impl Confirmed {
    fn of(notice: &HolidayNotice) -> Confirmed {
        let mut rest = BTreeMap::new();
        for (i, span) in notice.rest.iter().enumerate() {
            let mut d = span.from;
            while d <= span.to {
                rest.insert(d, i);
                match d.succ() {
                    Some(next) => d = next,
                    None => break,
                }
            }
        }
        Confirmed {
            notice: notice.clone(),
            rest,
            workdays: notice.workdays.iter().copied().collect(),
        }
    }
}

/// The working-day calendar: confirmed years, and the statutory holidays for the rest.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, Confirmed>,
}

impl Calendar {
    /// The State Council notices shipped with the crate, parsed once.
    pub fn builtin() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            // The file is compiled in and checked by the tests below: it always parses.
            let notices = notice::parse_builtin(BUILTIN).unwrap_or_default();
            Calendar::default().with_notices(&notices)
        })
    }

    /// No confirmed year: every year counted on the statutory holidays (the bound of
    /// [`Calendar::max_shift`] compares the notices with it).
    pub fn statutory_only() -> Calendar {
        Calendar::default()
    }

    /// This calendar with `notices` added; a notice for a year already confirmed replaces it
    /// (a corrected notice). Notices are checked by [`HolidayNotice::problems`] before they
    /// are stored, so none is checked again here.
    pub fn with_notices(&self, notices: &[HolidayNotice]) -> Calendar {
        let mut next = self.clone();
        for n in notices {
            next.years.insert(n.year, Confirmed::of(n));
        }
        next
    }

    /// The notice a confirmed year rests on.
    pub fn notice(&self, year: i32) -> Option<&HolidayNotice> {
        self.years.get(&year).map(|c| &c.notice)
    }

    pub fn notices(&self) -> impl Iterator<Item = &HolidayNotice> {
        self.years.values().map(|c| &c.notice)
    }

    pub fn is_confirmed(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The first confirmed year (2014 with the built-in data).
    pub fn first_year(&self) -> Option<i32> {
        self.years.keys().next().copied()
    }

    /// The last year of the confirmed run that starts at [`Calendar::first_year`]: every due
    /// date up to its 31 December is exact.
    pub fn confirmed_through(&self) -> Option<i32> {
        let mut last = self.first_year()?;
        while self.years.contains_key(&(last + 1)) {
            last += 1;
        }
        Some(last)
    }

    /// The warning to show on `today`, from [`WARNING_DAYS`] before confirmed data ends.
    pub fn warning(&self, today: Date) -> Option<CalendarWarning> {
        let through = self.confirmed_through()?;
        let end = Date::new(through, 12, 31)?;
        (today >= end.add_days(-WARNING_DAYS)?).then_some(CalendarWarning {
            year: through + 1,
            confirmed_until: end,
        })
    }

    fn check(&self, date: Date) -> Result<(), CalendarError> {
        if self.years.contains_key(&date.year()) || statutory::year(date.year()).is_some() {
            Ok(())
        } else {
            Err(CalendarError::OutsideRange {
                date,
                first: statutory::FIRST_YEAR,
                last: statutory::LAST_YEAR,
            })
        }
    }

    /// A working day: not a rest day, and a weekday or a make-up workday.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        if let Some(year) = self.years.get(&date.year()) {
            if year.rest.contains_key(&date) {
                return Ok(false);
            }
            return Ok(!date.is_weekend() || year.workdays.contains(&date));
        }
        let statutory = statutory::year(date.year()).ok_or(CalendarError::OutsideRange {
            date,
            first: statutory::FIRST_YEAR,
            last: statutory::LAST_YEAR,
        })?;
        Ok(statutory.rest_day(date).is_none() && !date.is_weekend())
    }

    /// The public holiday a date falls in, e.g. 国庆节 (provisional years: the statutory day).
    pub fn holiday_name(&self, date: Date) -> Option<&str> {
        match self.years.get(&date.year()) {
            Some(year) => year
                .rest
                .get(&date)
                .and_then(|i| year.notice.rest.get(*i))
                .map(|s| s.name.as_str()),
            None => statutory::year(date.year())?.rest_day(date).map(|d| d.name),
        }
    }

    fn next(&self, date: Date) -> Result<Date, CalendarError> {
        let next = date.succ().ok_or(CalendarError::OutsideRange {
            date,
            first: statutory::FIRST_YEAR,
            last: statutory::LAST_YEAR,
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
            .ok_or(CalendarError::OutsideRange {
                date: start,
                first: statutory::FIRST_YEAR,
                last: statutory::LAST_YEAR,
            })?;
        self.check(date)?;
        while !self.is_working_day(date)? {
            date = self.next(date)?;
        }
        Ok(date)
    }

    /// Whether counting from `start` to `end` crossed a day of a provisional year (the start
    /// day itself is not counted).
    pub fn provisional_between(&self, start: Date, end: Date) -> bool {
        let Some(first) = start.succ() else {
            return false;
        };
        end >= first && (first.year()..=end.year()).any(|y| !self.is_confirmed(y))
    }

    /// The last day of `limit` counted from `start` (the day of acceptance).
    pub fn due(&self, start: Date, limit: TimeLimit) -> Result<Due, CalendarError> {
        let date = match limit.unit {
            TimeUnit::WorkingDays => self.add_working_days(start, limit.value)?,
            TimeUnit::Days => self.add_days(start, limit.value)?,
        };
        Ok(Due {
            date,
            provisional: self.provisional_between(start, date),
        })
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

    /// The most days a State Council notice moved the last day of `limit` past the day the
    /// statutory holidays alone give, over every start day of the built-in years 2014–2026
    /// (computed from the data, once per limit and process).
    pub fn max_shift(limit: TimeLimit) -> i64 {
        static SHIFTS: Mutex<Vec<(TimeLimit, i64)>> = Mutex::new(Vec::new());
        if let Ok(shifts) = SHIFTS.lock()
            && let Some((_, s)) = shifts.iter().find(|(l, _)| *l == limit)
        {
            return *s;
        }
        let shift = Self::compute_shift(limit);
        if let Ok(mut shifts) = SHIFTS.lock() {
            shifts.push((limit, shift));
        }
        shift
    }

    fn compute_shift(limit: TimeLimit) -> i64 {
        let exact = Calendar::builtin();
        let statutory = Calendar::statutory_only();
        let (Some(first), Some(last)) = (exact.first_year(), exact.confirmed_through()) else {
            return 0;
        };
        let mut max = 0;
        let mut start = Date::new(first, 1, 1);
        while let Some(s) = start.filter(|s| s.year() <= last) {
            if let (Ok(e), Ok(p)) = (exact.due(s, limit), statutory.due(s, limit))
                && !e.provisional
            {
                max = max.max(p.date.days_until(e.date));
            }
            start = s.succ();
        }
        max
    }

    /// The latest day a due date counted provisionally could turn out to be once the notice is
    /// out: its date plus [`Calendar::max_shift`]. Hubei's deemed issue (000 二(二)5) waits
    /// for it, and no longer.
    pub fn latest_possible(due: Due, limit: TimeLimit) -> Date {
        if due.provisional {
            due.date
                .add_days(Self::max_shift(limit))
                .unwrap_or(due.date)
        } else {
            due.date
        }
    }
}

#[cfg(test)]
mod tests;
