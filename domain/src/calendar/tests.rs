//! Counting working days on confirmed and provisional years (SPEC §5).
use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn cal() -> &'static Calendar {
    Calendar::builtin()
}

#[test]
fn the_shipped_data_parses_and_covers_2014_to_2026() {
    assert_eq!(cal().first_year(), Some(2014));
    assert_eq!(cal().confirmed_through(), Some(2026));
    assert!(cal().notice(2020).unwrap().title.contains("2020"));
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
fn a_year_without_a_notice_is_counted_provisionally_never_refused() {
    // 20 working days from 2026-12-04 run into 2027: 元旦 (Fri 2027-01-01) is a rest day,
    // and the due date says it rests on a provisional year.
    let due = cal()
        .due(d("2026-12-04"), TimeLimit::working_days(20))
        .unwrap();
    assert_eq!(
        due,
        Due {
            date: d("2027-01-04"),
            provisional: true
        }
    );
    // Entirely inside 2026: exact.
    let due = cal()
        .due(d("2026-11-02"), TimeLimit::working_days(10))
        .unwrap();
    assert!(!due.provisional);
    // The 2027 Spring Festival (除夕 Fri 02-05 … 初三 Mon 02-08) with its two 补假 for the
    // weekend days: Tue 02-09 and Wed 02-10; no 调休 — Saturday 02-13 is a rest day.
    assert_eq!(cal().is_working_day(d("2027-02-05")), Ok(false));
    assert_eq!(cal().is_working_day(d("2027-02-10")), Ok(false));
    assert_eq!(cal().is_working_day(d("2027-02-11")), Ok(true));
    assert_eq!(cal().holiday_name(d("2027-02-09")), Some("春节"));
    // Every day through 2035 (and beyond) answers.
    let mut day = d("2027-01-01");
    while day < d("2036-01-01") {
        assert!(
            cal()
                .due(day, TimeLimit::working_days(20))
                .unwrap()
                .provisional
        );
        day = day.add_days(7).unwrap();
    }
    // Only before the first revision modelled or after 2099 is there no answer.
    assert!(matches!(
        cal().is_working_day(d("2007-12-31")),
        Err(CalendarError::OutsideRange {
            first: 2008,
            last: 2099,
            ..
        })
    ));
    assert!(cal().add_days(d("2099-12-25"), 10).is_err());
}

#[test]
fn a_loaded_notice_makes_its_year_exact() {
    let notice = HolidayNotice {
        year: 2027,
        title: "国务院办公厅关于2027年部分节假日安排的通知（测试）".into(),
        document_number: "测试".into(),
        published: Some(d("2026-11-20")),
        source: String::new(),
        rest: vec![
            RestSpan {
                name: "元旦".into(),
                from: d("2027-01-01"),
                to: d("2027-01-03"),
            },
            RestSpan {
                name: "春节".into(),
                from: d("2027-02-05"),
                to: d("2027-02-12"),
            },
        ],
        workdays: vec![d("2027-02-20")],
    };
    let loaded = cal().with_notices(&[notice]);
    assert_eq!(loaded.confirmed_through(), Some(2027));
    assert_eq!(loaded.is_working_day(d("2027-02-12")), Ok(false));
    assert_eq!(loaded.is_working_day(d("2027-02-20")), Ok(true), "调休");
    let due = loaded
        .due(d("2026-12-04"), TimeLimit::working_days(20))
        .unwrap();
    assert_eq!(
        due,
        Due {
            date: d("2027-01-04"),
            provisional: false
        }
    );
    // The built-in calendar itself is unchanged.
    assert!(!cal().is_confirmed(2027));
}

#[test]
fn the_warning_shows_from_sixty_days_before_the_data_ends() {
    assert_eq!(cal().warning(d("2026-10-31")), None);
    let w = cal().warning(d("2026-11-01")).unwrap();
    assert_eq!(w.year, 2027);
    assert_eq!(w.confirmed_until, d("2026-12-31"));
    assert!(w.text().starts_with("2027年放假安排尚未导入"));
    assert!(
        cal().warning(d("2027-03-01")).is_some(),
        "and after it ends"
    );
}

#[test]
fn the_bound_on_a_provisional_date_is_the_largest_shift_the_notices_made() {
    // 国庆节 is three statutory days but seven by notice: a day limit ending on 10-04 ends
    // on 10-08 instead — four days; 春节 (three or four statutory days, seven to nine by
    // notice) moves it further.
    let days = Calendar::max_shift(TimeLimit::days(30));
    assert!((4..=10).contains(&days), "{days}");
    println!("largest shift of a day limit by a notice: {days} days");
    assert_eq!(
        Calendar::max_shift(TimeLimit::days(10)),
        days,
        "day limits: same bound"
    );
    let provisional = Due {
        date: d("2027-10-04"),
        provisional: true,
    };
    assert_eq!(
        Calendar::latest_possible(provisional, TimeLimit::days(30)),
        d("2027-10-04").add_days(days).unwrap()
    );
    let exact = Due {
        date: d("2026-10-08"),
        provisional: false,
    };
    assert_eq!(
        Calendar::latest_possible(exact, TimeLimit::days(30)),
        exact.date
    );
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
        notice::parse_builtin(bad),
        Err(CalendarError::Data { line: 2, .. })
    ));
    assert!(notice::parse_builtin("2024 feast x 2024-01-01").is_err());
    assert!(
        notice::parse_builtin(
            "2024 holiday 元旦 2024-01-01\n2025 holiday 元旦 2025-01-01\n2024 workday 2024-01-06"
        )
        .is_err()
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
