//! The statutory public holidays of 《全国年节及纪念日放假办法》, computed for any year from
//! 2008 to 2099: the provisional calendar of a year whose State Council notice is not loaded
//! (SPEC §5). Nothing here is a per-year table: the lunar dates come from the Chinese calendar
//! of ICU4X's `calendrical_calculations` (Reingold & Dershowitz's astronomical algorithms) and
//! 清明 from the Sun's apparent longitude (Meeus, *Astronomical Algorithms*, ch. 25).
//!
//! A provisional year has no 调休 (the make-up working days each notice sets): only the
//! statutory days, and the 补假 article 6 requires when one of them falls on a weekend.

use std::sync::OnceLock;

use calendrical_calculations::chinese_based::{Chinese, YearBounds, month_structure_for_year};
use calendrical_calculations::iso::fixed_from_iso;
use calendrical_calculations::rata_die::RataDie;

use crate::date::Date;

/// The first and last year the statutory holidays are computed for: the first year of the
/// 2007 revision, and the last year the lunar and solar-term results are cross-checked against
/// independent sources (scripts/holidays.py).
pub const FIRST_YEAR: i32 = 2008;
pub const LAST_YEAR: i32 = 2099;

/// How one revision of the 办法 sets the Spring Festival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpringFestival {
    /// 农历除夕、正月初一、初二 (2007 revision).
    EveToSecond,
    /// 农历正月初一、初二、初三 (2013 revision).
    FirstToThird,
    /// 农历除夕、正月初一至初三 (2024 revision).
    EveToThird,
}

/// A revision of 《全国年节及纪念日放假办法》 and the holidays it gives every citizen (art. 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    /// In force from 1 January of this year.
    pub from_year: i32,
    pub title: &'static str,
    pub spring_festival: SpringFestival,
    /// 劳动节: May 1 only, or May 1 and 2.
    pub labour_days: u8,
}

pub const REVISIONS: [Revision; 3] = [
    Revision {
        from_year: 2008,
        title: "《全国年节及纪念日放假办法》（2007年12月14日修订，2008年1月1日起施行）",
        spring_festival: SpringFestival::EveToSecond,
        labour_days: 1,
    },
    Revision {
        from_year: 2014,
        title: "《全国年节及纪念日放假办法》（2013年12月11日修订，2014年1月1日起施行）",
        spring_festival: SpringFestival::FirstToThird,
        labour_days: 1,
    },
    Revision {
        from_year: 2025,
        title: "《全国年节及纪念日放假办法》（2024年11月10日修订，2025年1月1日起施行）",
        spring_festival: SpringFestival::EveToThird,
        labour_days: 2,
    },
];

/// The revision in force in `year` (they all take effect on 1 January).
pub fn revision(year: i32) -> Option<&'static Revision> {
    REVISIONS.iter().rev().find(|r| r.from_year <= year)
}

/// One statutory holiday, or the 补假 for one that fell on a weekend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryDay {
    pub date: Date,
    /// 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节.
    pub name: &'static str,
    /// A 补假 (art. 6), not a holiday of art. 2 itself.
    pub compensatory: bool,
}

/// A year's statutory holidays under the revision then in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryYear {
    pub year: i32,
    pub revision: &'static Revision,
    /// In date order, the art. 2 days first computed, then the 补假 placed after them.
    pub days: Vec<StatutoryDay>,
}

impl StatutoryYear {
    /// The art. 2 holidays only (what a notice must give as rest days).
    pub fn holidays(&self) -> impl Iterator<Item = &StatutoryDay> {
        self.days.iter().filter(|d| !d.compensatory)
    }

    pub fn rest_day(&self, date: Date) -> Option<&StatutoryDay> {
        self.days
            .binary_search_by(|d| d.date.cmp(&date))
            .ok()
            .and_then(|i| self.days.get(i))
    }
}

/// The year's statutory holidays, computed once per process; `None` outside 2008–2099.
pub fn year(year: i32) -> Option<&'static StatutoryYear> {
    const COUNT: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
    static YEARS: [OnceLock<Option<StatutoryYear>>; COUNT] = [const { OnceLock::new() }; COUNT];
    let index = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
    YEARS.get(index)?.get_or_init(|| compute(year)).as_ref()
}

/// The days of unix time 0 in Rata Die (day 1 = 0001-01-01).
const UNIX_EPOCH_RD: i64 = fixed_from_iso(1970, 1, 1).to_i64_date();

fn to_rd(date: Date) -> RataDie {
    RataDie::new(UNIX_EPOCH_RD + date.to_days())
}

fn from_rd(rd: RataDie) -> Option<Date> {
    Date::from_days(rd.to_i64_date() - UNIX_EPOCH_RD)
}

/// The lunar dates of the Chinese year that begins in Gregorian `year` (正月初一 falls between
/// 21 January and 20 February, so that year is the one containing 1 March).
struct LunarYear {
    new_year: RataDie,
    /// Whether each month (in order, the leap month included) has 30 days.
    long: [bool; 13],
    /// The position (1-based) of the leap month, which repeats the month before it.
    leap: Option<u8>,
}

impl LunarYear {
    fn of(year: i32) -> Option<LunarYear> {
        let march = to_rd(Date::new(year, 3, 1)?);
        let bounds = YearBounds::compute::<Chinese>(march);
        let (long, leap) =
            month_structure_for_year::<Chinese>(bounds.new_year, bounds.next_new_year);
        Some(LunarYear {
            new_year: bounds.new_year,
            long,
            leap,
        })
    }

    /// The day `day` of the (non-leap) lunar month `month`.
    fn day(&self, month: u8, day: u8) -> Option<Date> {
        // After a leap month every month sits one position later.
        let position = match self.leap {
            Some(leap) if leap <= month => month + 1,
            _ => month,
        };
        let before: i64 = self
            .long
            .iter()
            .take(usize::from(position.saturating_sub(1)))
            .map(|long| if *long { 30 } else { 29 })
            .sum();
        from_rd(self.new_year + before + i64::from(day) - 1)
    }

    fn eve(&self) -> Option<Date> {
        from_rd(self.new_year - 1)
    }
}

/// The Sun's apparent ecliptic longitude in degrees at Julian Ephemeris Day `jde` (Meeus,
/// *Astronomical Algorithms*, 2nd ed., ch. 25, the low-accuracy method: about 0.01°, some
/// fifteen minutes of the Sun's motion).
fn solar_longitude(jde: f64) -> f64 {
    let t = (jde - 2_451_545.0) / 36_525.0;
    let l0 = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let m = (357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t).to_radians();
    let c = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * m.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * m).sin()
        + 0.000_289 * (3.0 * m).sin();
    let omega = (125.04 - 1_934.136 * t).to_radians();
    (l0 + c - 0.005_69 - 0.004_78 * omega.sin()).rem_euclid(360.0)
}

/// The day `day` of the (non-leap) lunar month `month` of the Chinese year that begins in
/// Gregorian `year` (e.g. 端午 is `(year, 5, 5)`).
pub fn lunar_day(year: i32, month: u8, day: u8) -> Option<Date> {
    LunarYear::of(year)?.day(month, day)
}

/// 除夕, the day before the Chinese new year that begins in Gregorian `year`.
pub fn lunar_new_years_eve(year: i32) -> Option<Date> {
    LunarYear::of(year)?.eve()
}

/// 清明: the day (China Standard Time) on which the Sun's longitude reaches 15°.
pub fn qingming(year: i32) -> Option<Date> {
    // JD of 1970-01-01 00:00 UTC; China midnight is 8 hours earlier; ΔT ≈ 70 s this century.
    const UNIX_EPOCH_JD: f64 = 2_440_587.5;
    const CST: f64 = 8.0 / 24.0;
    const DELTA_T: f64 = 70.0 / 86_400.0;
    (3..=6).find_map(|day| {
        let date = Date::new(year, 4, day)?;
        #[allow(clippy::cast_precision_loss)] // day numbers are far below 2^52
        let next_midnight = (date.to_days() + 1) as f64 + UNIX_EPOCH_JD - CST + DELTA_T;
        (solar_longitude(next_midnight) >= 15.0).then_some(date)
    })
}

/// The year's statutory holidays computed afresh (what [`year`] caches; the benchmark measures
/// it).
pub fn compute(year: i32) -> Option<StatutoryYear> {
    let revision = revision(year)?;
    let lunar = LunarYear::of(year)?;
    let mut days: Vec<StatutoryDay> = Vec::new();
    let mut add = |date: Option<Date>, name: &'static str| {
        if let Some(date) = date {
            days.push(StatutoryDay {
                date,
                name,
                compensatory: false,
            });
        }
    };
    add(Date::new(year, 1, 1), "元旦");
    let spring: [Option<Date>; 4] = match revision.spring_festival {
        SpringFestival::EveToSecond => [lunar.eve(), lunar.day(1, 1), lunar.day(1, 2), None],
        SpringFestival::FirstToThird => [lunar.day(1, 1), lunar.day(1, 2), lunar.day(1, 3), None],
        SpringFestival::EveToThird => [
            lunar.eve(),
            lunar.day(1, 1),
            lunar.day(1, 2),
            lunar.day(1, 3),
        ],
    };
    for day in spring.into_iter().flatten() {
        add(Some(day), "春节");
    }
    add(qingming(year), "清明节");
    for day in 1..=revision.labour_days {
        add(Date::new(year, 5, day), "劳动节");
    }
    add(lunar.day(5, 5), "端午节");
    add(lunar.day(8, 15), "中秋节");
    for day in 1..=3 {
        add(Date::new(year, 10, day), "国庆节");
    }
    days.sort_by_key(|d| d.date);
    // Two holidays on one day (中秋 on 1 October, as in 2020) give one rest day.
    days.dedup_by_key(|d| d.date);
    // Art. 6: 全体公民放假的假日，如果适逢周六、周日，应当在工作日补假 — here the first weekday
    // after it that is not already a rest day.
    let mut all = days.clone();
    for holiday in days.iter().filter(|d| d.date.is_weekend()) {
        let mut candidate = holiday.date;
        loop {
            candidate = candidate.succ()?;
            let taken = all.iter().any(|d| d.date == candidate);
            if !candidate.is_weekend() && !taken {
                break;
            }
        }
        if candidate.year() == year {
            all.push(StatutoryDay {
                date: candidate,
                name: holiday.name,
                compensatory: true,
            });
        }
    }
    all.sort_by_key(|d| d.date);
    Some(StatutoryYear {
        year,
        revision,
        days: all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn holiday(year_: i32, name: &str) -> Vec<Date> {
        year(year_)
            .unwrap()
            .holidays()
            .filter(|h| h.name == name)
            .map(|h| h.date)
            .collect()
    }

    #[test]
    fn the_revision_in_force_sets_the_spring_festival() {
        // 2027 (2024 revision): 除夕 2027-02-05 to 初三 2027-02-08.
        assert_eq!(
            holiday(2027, "春节"),
            [
                d("2027-02-05"),
                d("2027-02-06"),
                d("2027-02-07"),
                d("2027-02-08")
            ]
        );
        // 2024 (2013 revision): 初一 to 初三 only.
        assert_eq!(
            holiday(2024, "春节"),
            [d("2024-02-10"), d("2024-02-11"), d("2024-02-12")]
        );
        // 2010 (2007 revision): 除夕, 初一, 初二.
        assert_eq!(
            holiday(2010, "春节"),
            [d("2010-02-13"), d("2010-02-14"), d("2010-02-15")]
        );
        assert_eq!(holiday(2027, "劳动节"), [d("2027-05-01"), d("2027-05-02")]);
        assert_eq!(holiday(2024, "劳动节"), [d("2024-05-01")]);
    }

    #[test]
    fn lunar_dates_follow_leap_months() {
        // 2023 has a leap second month (闰二月): 端午 is still the fifth month's fifth day.
        assert_eq!(holiday(2023, "端午节"), [d("2023-06-22")]);
        assert_eq!(holiday(2023, "中秋节"), [d("2023-09-29")]);
        // 2033's notorious 闰十一月 does not disturb that year's festivals.
        assert_eq!(holiday(2033, "春节")[0], d("2033-01-30"));
        assert_eq!(holiday(2033, "中秋节"), [d("2033-09-08")]);
    }

    #[test]
    fn qingming_matches_the_published_formula_through_the_century() {
        // 寿星 formula for the 21st century: [Y×0.2422 + 4.81] − [Y/4] (Y = year mod 100).
        for y in 2000..=2099 {
            let yy = f64::from(y % 100);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let day = ((yy * 0.2422 + 4.81).floor() - (yy / 4.0).floor()) as u8;
            assert_eq!(qingming(y), Date::new(y, 4, day), "清明 {y}");
        }
    }

    #[test]
    fn a_holiday_on_a_weekend_gets_a_compensatory_weekday() {
        // 2027-05-01 and 05-02 are Saturday and Sunday: Monday and Tuesday are 补假.
        let y = year(2027).unwrap();
        let comp: Vec<Date> = y
            .days
            .iter()
            .filter(|d| d.compensatory && d.name == "劳动节")
            .map(|d| d.date)
            .collect();
        assert_eq!(comp, [d("2027-05-03"), d("2027-05-04")]);
        // 中秋 on 2020-10-01 coincides with 国庆: one rest day, not two.
        let y2020 = year(2020).unwrap();
        assert_eq!(
            y2020
                .days
                .iter()
                .filter(|day| day.date == d("2020-10-01"))
                .count(),
            1
        );
    }

    #[test]
    fn outside_the_computed_range_there_is_no_answer() {
        assert!(year(2007).is_none());
        assert!(year(2100).is_none());
        assert!(year(2008).is_some());
        assert!(year(2099).is_some());
    }
}
