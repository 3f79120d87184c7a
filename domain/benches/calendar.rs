//! The working-day calendar of issue 16: computing a year's statutory holidays (lunar dates and
//! 清明; once per year and process), building the calendar a request counts on (the built-in
//! years plus a loaded notice), and counting a 20-working-day limit on a confirmed and on a
//! provisional year.

// Benchmark code: a panic aborts the run with its message, as in a test.
#![allow(clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use domain::Date;
use domain::calendar::{Calendar, HolidayNotice, TimeLimit, statutory};
use std::hint::black_box;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    c.bench_function("statutory_year_computed", |b| {
        b.iter(|| black_box(statutory::compute(black_box(2031))))
    });
    let notice = HolidayNotice::sample(2027).unwrap_or_else(|| panic!("sample 2027"));
    c.bench_function("calendar_with_one_loaded_notice", |b| {
        b.iter(|| black_box(Calendar::builtin().with_notices(std::slice::from_ref(&notice))))
    });
    let calendar = Calendar::builtin();
    let limit = TimeLimit::working_days(20);
    let (confirmed, provisional) = (day("2026-09-20"), day("2027-09-20"));
    // Warm the year's statutory days (computed once per process).
    let _ = calendar.due(provisional, limit);
    c.bench_function("due_20_working_days_confirmed_year", |b| {
        b.iter(|| black_box(calendar.due(black_box(confirmed), limit)))
    });
    c.bench_function("due_20_working_days_provisional_year", |b| {
        b.iter(|| black_box(calendar.due(black_box(provisional), limit)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
