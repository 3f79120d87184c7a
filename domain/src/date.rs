//! A calendar date (proleptic Gregorian), small enough for wasm and exact for day counting.
//! Serialised as `YYYY-MM-DD`, the form every API contract uses.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid date (YYYY-MM-DD): {0:?}")]
pub struct DateError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub const UNIX_EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// A date, or `None` when the day does not exist (e.g. 2023-02-29).
    pub const fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if year < 1 || year > 9999 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// As Chinese documents write a date: `2026年3月2日`.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year(), self.month(), self.day())
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::to_days`]; `None` outside years 1..=9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// `self` plus `n` days (negative goes back); `None` outside years 1..=9999.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days(self.to_days() + n)
    }

    /// The next day; `None` only after 9999-12-31.
    pub fn succ(self) -> Option<Date> {
        self.add_days(1)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.to_days() + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }

    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }

    /// The same day `years` later, for ages and anniversaries (Feb 29 → Feb 28).
    pub fn add_years(self, years: i32) -> Option<Date> {
        let year = self.year.checked_add(years)?;
        let day = self.day.min(days_in_month(year, self.month));
        Date::new(year, self.month, day)
    }

    /// The same day `months` later, clamped to the month's last day (e.g. 08-31 + 6 → 02-28).
    pub fn add_months(self, months: i32) -> Option<Date> {
        let index = self.year.checked_mul(12)? + i32::from(self.month) - 1 + months;
        let year = index.div_euclid(12);
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        let day = self.day.min(days_in_month(year, month));
        Date::new(year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_string());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let num = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = s.get(range).ok_or_else(err)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let year = i32::try_from(num(0..4)?).map_err(|_| err())?;
        let month = u8::try_from(num(5..7)?).map_err(|_| err())?;
        let day = u8::try_from(num(8..10)?).map_err(|_| err())?;
        Date::new(year, month, day).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "examples": ["2024-09-27"]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_iso_dates() {
        assert_eq!(d("2024-09-27").to_string(), "2024-09-27");
        assert_eq!(d("2024-02-29").day(), 29);
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-9-27",
            "24-09-27",
            "2024/09/27",
            "2024-09-2x",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_numbers_round_trip_and_match_known_weekdays() {
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(d("2000-03-01").to_days(), 11_017);
        assert_eq!(d("2024-09-27").weekday(), Weekday::Fri);
        assert_eq!(d("2026-11-24").weekday(), Weekday::Tue);
        for days in (-700_000..2_900_000).step_by(997) {
            assert_eq!(Date::from_days(days).unwrap().to_days(), days);
        }
    }

    #[test]
    fn adds_days_months_and_years_across_boundaries() {
        assert_eq!(d("2024-12-31").succ(), Some(d("2025-01-01")));
        assert_eq!(d("2024-03-01").add_days(-1), Some(d("2024-02-29")));
        assert_eq!(d("2024-08-31").add_months(6), Some(d("2025-02-28")));
        assert_eq!(d("2024-02-29").add_years(1), Some(d("2025-02-28")));
        assert_eq!(d("2025-01-01").days_until(d("2025-03-01")), 59);
    }

    /// chrono, the well-kept crate, as the oracle: every day from 1900 to 2100 has the same day
    /// number, weekday, text and month arithmetic in both.
    #[test]
    fn every_day_agrees_with_chrono() {
        use chrono::{Datelike, NaiveDate};
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut ours = d("1900-01-01");
        let mut theirs = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while ours.year() <= 2100 {
            assert_eq!(ours.to_days(), (theirs - epoch).num_days());
            assert_eq!(
                ours.weekday() as u32,
                theirs.weekday().num_days_from_monday(),
                "{ours}"
            );
            assert_eq!(ours.to_string(), theirs.format("%Y-%m-%d").to_string());
            assert_eq!(Date::parse(&theirs.to_string()), Ok(ours));
            for months in [-13i32, -1, 1, 6, 25] {
                let expected = if months < 0 {
                    theirs.checked_sub_months(chrono::Months::new(months.unsigned_abs()))
                } else {
                    theirs.checked_add_months(chrono::Months::new(months as u32))
                };
                assert_eq!(
                    ours.add_months(months).map(|x| x.to_string()),
                    expected.map(|x| x.to_string()),
                    "{ours} + {months} months"
                );
            }
            ours = ours.succ().unwrap();
            theirs = theirs.succ_opt().unwrap();
        }
    }

    #[test]
    fn serde_is_the_iso_string() {
        let json = serde_json::to_string(&d("2016-01-01")).unwrap();
        assert_eq!(json, "\"2016-01-01\"");
        let back: Date = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d("2016-01-01"));
        assert!(serde_json::from_str::<Date>("\"2016-02-30\"").is_err());
    }
}
