//! The lunar dates and 清明 the domain computes for years without a State Council notice
//! (calendar/statutory.rs) against independent sources, every year from 2008 to 2099: PyPI
//! `lunardate` (Hong Kong Observatory tables) and chinesecalendar's solar terms, written to
//! tests/data/lunar_cross_check.tsv by scripts/holidays.py (which `cargo xtask test` runs to
//! keep the file equal to those packages).

#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::Date;
use domain::calendar::statutory;

#[test]
fn every_computed_festival_matches_the_independent_tables_2008_to_2099() {
    let table = include_str!("data/lunar_cross_check.tsv");
    let mut years = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let year: i32 = f[0].parse().unwrap();
        let d = |s: &str| Some(Date::parse(s).unwrap());
        assert_eq!(statutory::lunar_new_years_eve(year), d(f[1]), "除夕 {year}");
        assert_eq!(statutory::lunar_day(year, 1, 1), d(f[2]), "春节 {year}");
        assert_eq!(statutory::qingming(year), d(f[3]), "清明 {year}");
        assert_eq!(statutory::lunar_day(year, 5, 5), d(f[4]), "端午 {year}");
        assert_eq!(statutory::lunar_day(year, 8, 15), d(f[5]), "中秋 {year}");
        years += 1;
    }
    assert_eq!(years, statutory::LAST_YEAR - statutory::FIRST_YEAR + 1);
}
