//! The working-day calendar in the console (issue 16): which years rest on a State Council
//! notice and which are counted provisionally, the warning from 60 days before the confirmed
//! data ends, and — for administrators — loading a year's notice. The server checks it against
//! the statutory holidays, stores it and recounts every open case it concerns (audited on each).

use domain::Date;
use domain::calendar::{HolidayNotice, RestSpan, statutory};
use domain::contract::{CalendarOverview, ProblemItem};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{bi, tr};
use crate::pages::staff_login::{Login, StaffBar};
use crate::staff::{Session, Staff};

#[component]
pub fn StaffCalendar() -> impl IntoView {
    let staff = Staff::get();
    move || match staff.session() {
        None => view! { <Login /> }.into_any(),
        Some(s) => view! { <StaffBar session=s.clone() /> <CalendarPage session=s /> }.into_any(),
    }
}

#[component]
fn CalendarPage(session: Session) -> impl IntoView {
    let overview = RwSignal::new(None::<CalendarOverview>);
    let failure = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::calendar().await {
                Ok(o) => overview.set(Some(o)),
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    reload();
    let admin = session.may(domain::roles::Capability::ManageCalendar);
    view! {
        <h1>{move || tr("节假日安排（工作日历）", "Holiday notices (working-day calendar)")}</h1>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        {move || overview.get().map(|o| view! { <Coverage overview=o /> })}
        {admin.then(|| view! { <LoadForm token=session.token.clone() on_loaded=reload /> })}
    }
}

/// The calendar warning alone, for the administrator's home page (from `/api/calendar`).
#[component]
pub fn CalendarWarning() -> impl IntoView {
    let warning = RwSignal::new(None::<(String, String)>);
    leptos::task::spawn_local(async move {
        if let Ok(o) = api::calendar().await
            && let Some(w) = o.coverage.warning
        {
            warning.set(Some((w.text, w.text_en)));
        }
    });
    move || {
        warning.get().map(|(zh, en)| {
            view! {
                <p class="notice warning" id="calendar-warning" role="status">
                    {move || if crate::i18n::Lang::current() == crate::i18n::Lang::Zh { zh.clone() } else { en.clone() }}
                </p>
            }
        })
    }
}

/// The warning, the confirmed range and the years.
#[component]
fn Coverage(overview: CalendarOverview) -> impl IntoView {
    let coverage = overview.coverage.clone();
    let warning = coverage.warning.as_ref().map(|w| w.text.clone());
    let warning_en = coverage
        .warning
        .as_ref()
        .map(|w| w.text_en.clone())
        .unwrap_or_default();
    let through = coverage.confirmed_through.unwrap_or_default();
    let first = coverage.first_year.unwrap_or_default();
    view! {
        {warning.map(|w| view! {
            <p class="notice warning" id="calendar-warning" role="status">
                {move || if crate::i18n::Lang::current() == crate::i18n::Lang::Zh { w.clone() } else { warning_en.clone() }}
            </p>
        })}
        <p id="calendar-coverage">
            {move || format!(
                "{}{first}–{through}{}{}",
                tr("已确认：", "Confirmed: "),
                tr("年（国务院放假安排）。此后的期限", " (State Council notices). Later due dates are "),
                tr(domain::calendar::PROVISIONAL_NOTE, "counted provisionally on the statutory holidays; the notice prevails"),
            )}
        </p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || tr("各年放假安排", "Notices by year")>
            <table id="calendar-years">
                <thead>
                    <tr>
                        <th scope="col">{move || tr("年份", "Year")}</th>
                        <th scope="col">{move || tr("通知", "Notice")}</th>
                        <th scope="col">{move || tr("文号", "Number")}</th>
                        <th scope="col">{move || tr("来源", "Origin")}</th>
                    </tr>
                </thead>
                <tbody>
                    {overview.years.iter().rev().map(|y| {
                        let loaded = y.origin == "loaded";
                        let when = y.loaded_at.clone().unwrap_or_default();
                        view! {
                            <tr data-year=y.year.to_string() data-origin=y.origin.clone()>
                                <td>{y.year.to_string()}</td>
                                <td>{y.title.clone()}</td>
                                <td>{y.document_number.clone()}</td>
                                <td>{move || if loaded { format!("{}{when}", tr("导入于 ", "loaded ")) } else { tr("内置", "built in").to_string() }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `名称 YYYY-MM-DD [YYYY-MM-DD]` per line → rest spans; every bad line is named.
fn read_spans(text: &str) -> Result<Vec<RestSpan>, Vec<String>> {
    let mut spans = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let span = match parts.as_slice() {
            [] => continue,
            [name, from] => Some((*name, *from, *from)),
            [name, from, to] => Some((*name, *from, *to)),
            _ => None,
        };
        match span.and_then(|(name, from, to)| {
            Some(RestSpan {
                name: name.to_string(),
                from: Date::parse(from).ok()?,
                to: Date::parse(to).ok()?,
            })
        }) {
            Some(span) => spans.push(span),
            _ => bad.push(format!(
                "放假第{}行：应为“名称 起始日期 结束日期” / rest line {}: name, first day, last day",
                i + 1,
                i + 1
            )),
        }
    }
    if bad.is_empty() { Ok(spans) } else { Err(bad) }
}

fn read_days(text: &str) -> Result<Vec<Date>, Vec<String>> {
    let mut days = Vec::new();
    let mut bad = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || ",，、".contains(c)) {
        if word.is_empty() {
            continue;
        }
        match Date::parse(word) {
            Ok(d) => days.push(d),
            Err(_) => bad.push(format!(
                "调休上班日“{word}”不是日期 / {word:?} is not a date"
            )),
        }
    }
    if bad.is_empty() { Ok(days) } else { Err(bad) }
}

/// The statutory days of `year` as draft lines (the administrator extends them to the notice).
fn statutory_draft(year: i32) -> Option<String> {
    let s = statutory::year(year)?;
    let mut lines: Vec<(String, Date, Date)> = Vec::new();
    for day in &s.days {
        match lines.last_mut() {
            Some((_, _, to)) if to.succ() == Some(day.date) => *to = day.date,
            _ => lines.push((day.name.to_string(), day.date, day.date)),
        }
    }
    Some(
        lines
            .into_iter()
            .map(|(name, from, to)| format!("{name} {from} {to}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// What the server answered to a load.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Loaded {
    year: i64,
    outcome: String,
    examined: u64,
    recomputed: u64,
}

impl Loaded {
    fn words(&self) -> String {
        let Loaded {
            year,
            examined,
            recomputed,
            ..
        } = self;
        match (self.outcome.as_str(), crate::i18n::Lang::current()) {
            ("unchanged", crate::i18n::Lang::Zh) => {
                format!("{year}年放假安排与已导入的相同，未作改动。")
            }
            ("unchanged", crate::i18n::Lang::En) => {
                format!("The {year} notice is the one already loaded: nothing changed.")
            }
            (outcome, crate::i18n::Lang::Zh) => format!(
                "{year}年放假安排已{}；涉及的在办案件{examined}件，重新计算期限{recomputed}件（均记入案件办理记录）。",
                if outcome == "replaced" {
                    "替换原通知"
                } else {
                    "导入"
                }
            ),
            (outcome, crate::i18n::Lang::En) => format!(
                "The {year} notice was {}; {examined} open case(s) concerned, {recomputed} recounted (each recorded on the case).",
                if outcome == "replaced" {
                    "replaced"
                } else {
                    "loaded"
                }
            ),
        }
    }
}

// Long: the notice form's fields in the order of the notice; reading them is `read_spans`/`read_days`.
#[component]
fn LoadForm(token: String, on_loaded: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let year = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let published = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let rest = RwSignal::new(String::new());
    let workdays = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let result = RwSignal::new(None::<Loaded>);
    let busy = RwSignal::new(false);
    let token = StoredValue::new(token);
    let draft = move |_| {
        let Ok(y) = year.get_untracked().trim().parse::<i32>() else {
            problems.set(vec!["请先填写年份 / enter the year first".into()]);
            return;
        };
        if let Some(lines) = statutory_draft(y) {
            rest.set(lines);
            if title.get_untracked().is_empty() {
                title.set(format!("国务院办公厅关于{y}年部分节假日安排的通知"));
            }
            problems.set(Vec::new());
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut bad = Vec::new();
        let spans = read_spans(&rest.get_untracked()).unwrap_or_else(|e| {
            bad.extend(e);
            Vec::new()
        });
        let days = read_days(&workdays.get_untracked()).unwrap_or_else(|e| {
            bad.extend(e);
            Vec::new()
        });
        let year_value = year.get_untracked().trim().parse::<i32>().ok();
        if year_value.is_none() {
            bad.push("年份须为整数 / the year is a whole number".into());
        }
        let published_text = published.get_untracked();
        let published_day = match published_text.trim() {
            "" => None,
            text => Date::parse(text)
                .map_err(|_| bad.push("发布日期应为 YYYY-MM-DD / published: YYYY-MM-DD".into()))
                .ok(),
        };
        let (Some(year_value), true) = (year_value, bad.is_empty()) else {
            problems.set(bad);
            return;
        };
        let body = HolidayNotice {
            year: year_value,
            title: title.get_untracked(),
            document_number: number.get_untracked(),
            published: published_day,
            source: source.get_untracked(),
            rest: spans,
            workdays: days,
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::load_notice(&token.get_value(), &body).await;
            busy.set(false);
            match answer {
                Ok(v) => {
                    problems.set(Vec::new());
                    result.set(Some(Loaded {
                        year: v.year.into(),
                        outcome: v.outcome.code().to_string(),
                        examined: v.report.examined as u64,
                        recomputed: v.report.recomputed as u64,
                    }));
                    on_loaded();
                }
                Err(api::ApiError::Problem(p)) => {
                    result.set(None);
                    let mut list = vec![format!("{} / {}", p.title, p.title_en)];
                    list.extend(p.items().iter().map(|e| match e {
                        ProblemItem::Field(f) => format!("{}：{}", f.field, f.message),
                        other => other.code().to_string(),
                    }));
                    problems.set(list);
                }
                Err(e) => {
                    result.set(None);
                    problems.set(vec![e.message()]);
                }
            }
        });
    };
    let field = |id: &'static str, zh: &'static str, en: &'static str, value: RwSignal<String>| {
        view! {
            <p class="field">
                <label for=id>{move || tr(zh, en)}</label>
                <input id=id type="text" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </p>
        }
    };
    view! {
        <section class="panel" aria-labelledby="load-heading">
            <h2 id="load-heading">{move || tr("导入一年的放假安排", "Load a year's holiday notice")}</h2>
            <p>{move || tr(
                "按国务院办公厅通知逐项填写：放假区间（含周末）和调休上班的周末日期。系统核对每个法定节假日都在放假区间内，导入后重新计算所有涉及该年的在办案件期限，并记入各案件的办理记录。",
                "Transcribe the State Council notice: rest spans (weekends inside included) and the weekend days made working days. Every statutory holiday must fall inside a span; open cases whose dates touch the year are recounted and the change is recorded on each.",
            )}</p>
            <form id="notice-form" on:submit=submit>
                {field("notice-year", "年份", "Year", year)}
                <p><button type="button" class="button secondary" id="notice-draft" on:click=draft>
                    {move || tr("按法定节假日生成草稿", "Draft from the statutory holidays")}
                </button></p>
                {field("notice-title", "通知标题", "Title", title)}
                {field("notice-number", "文号", "Document number", number)}
                {field("notice-published", "发布日期（YYYY-MM-DD）", "Published (YYYY-MM-DD)", published)}
                {field("notice-source", "来源（网址或报刊）", "Source (URL or newspaper)", source)}
                <p class="field">
                    <label for="notice-rest">{move || tr("放假区间（每行：名称 起始日期 结束日期）", "Rest spans (one per line: name first-day last-day)")}</label>
                    <textarea id="notice-rest" rows="9" prop:value=move || rest.get()
                        on:input=move |ev| rest.set(event_target_value(&ev))></textarea>
                </p>
                <p class="field">
                    <label for="notice-workdays">{move || tr("调休上班日（周末日期，以空格或逗号分隔）", "Make-up working days (weekend dates, space- or comma-separated)")}</label>
                    <textarea id="notice-workdays" rows="2" prop:value=move || workdays.get()
                        on:input=move |ev| workdays.set(event_target_value(&ev))></textarea>
                </p>
                <p><button type="submit" class="button" id="notice-load" prop:disabled=move || busy.get()>
                    {move || tr("核对并导入", "Check and load")}
                </button></p>
            </form>
            {move || (!problems.get().is_empty()).then(|| view! {
                <div class="field-error" id="notice-errors" role="alert">
                    <ul>{problems.get().into_iter().map(|p| view! { <li>{bi(&p)}</li> }).collect_view()}</ul>
                </div>
            })}
            {move || result.get().map(|r| view! { <p class="notice-ok" id="notice-result" role="status">{r.words()}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_lines_read_with_one_or_two_dates_and_bad_lines_are_named() {
        let spans = read_spans("元旦 2027-01-01\n\n春节 2027-02-05 2027-02-12").unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].to.to_string(), "2027-01-01");
        let bad = read_spans("元旦\n春节 2027-02-30 2027-03-01").unwrap_err();
        assert_eq!(bad.len(), 2);
        assert!(bad[1].contains("第2行"));
    }

    #[test]
    fn workdays_split_on_spaces_and_commas() {
        assert_eq!(
            read_days("2027-02-20, 2027-05-08、2027-09-26")
                .unwrap()
                .len(),
            3
        );
        assert!(read_days("2027-02-20 soon").is_err());
    }

    #[test]
    fn the_draft_holds_every_statutory_day() {
        let draft = statutory_draft(2027).unwrap();
        assert!(draft.contains("春节 2027-02-05"));
        assert!(
            draft.contains("国庆节 2027-10-01 2027-10-05"),
            "with the 补假: {draft}"
        );
    }
}
