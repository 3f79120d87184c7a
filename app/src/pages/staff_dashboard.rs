//! The supervisor's dashboard (SPEC §5; 000 三(四)): per deciding office the counts by state,
//! red lights and deemed issues, the processing-time distribution drawn as an SVG bar chart
//! (no chart library), the red-lit cases themselves, and the summary as CSV.

use domain::case::CaseState;
use domain::contract::{ProcessingBand, QueuePage, SupervisionSummary};
use leptos::prelude::*;

use crate::api;
use crate::components::{Divisions, step_name};
use crate::i18n::{bi, date, tr};
use crate::pages::staff_login::{Login, StaffBar};
use crate::pages::staff_queue::service_name;
use crate::staff::{Session, Staff};

#[component]
pub fn StaffDashboard() -> impl IntoView {
    let staff = Staff::get();
    move || {
        match staff.session() {
        None => view! { <Login /> }.into_any(),
        Some(s) if !s.may(domain::roles::Capability::Supervise) => view! {
            <StaffBar session=s />
            <h1>{move || tr("监督看板", "Supervision dashboard")}</h1>
            <p class="notice" id="not-supervisor">{move || tr("监督看板仅供监督人员使用。", "The dashboard is for supervisors.")}</p>
        }
        .into_any(),
        Some(s) => view! { <StaffBar session=s.clone() /> <Dashboard session=s /> }.into_any(),
    }
    }
}

#[component]
fn Dashboard(session: Session) -> impl IntoView {
    let staff = Staff::get();
    let summary = RwSignal::new(None::<SupervisionSummary>);
    let red = RwSignal::new(None::<QueuePage>);
    let failure = RwSignal::new(None::<String>);
    let token = StoredValue::new(session.token.clone());
    leptos::task::spawn_local(async move {
        let t = token.get_value();
        match api::staff_get("/api/supervision/summary", &t).await {
            Ok(v) => summary.set(Some(v)),
            Err(e) => {
                staff.check(&e);
                failure.set(Some(e.message()));
            }
        }
        match api::queue(&t, &[("overdue", "true".into()), ("limit", "200".into())]).await {
            Ok(v) => red.set(Some(v)),
            Err(e) => failure.set(Some(e.message())),
        }
    });
    let csv_failure = RwSignal::new(None::<String>);
    let export = move |_| {
        let t = token.get_value();
        leptos::task::spawn_local(async move {
            match api::object_url("/api/supervision/summary?format=csv", &t).await {
                Ok((url, _)) => {
                    api::download(&url, "supervision.csv");
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
                Err(e) => csv_failure.set(Some(e.message())),
            }
        });
    };
    view! {
        <h1>{move || tr("监督看板", "Supervision dashboard")}</h1>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        {move || summary.get().map(|s| view! { <Summary summary=s /> })}
        <p>
            <button type="button" class="button secondary" id="export-csv" on:click=export>
                {move || tr("导出 CSV", "Export CSV")}
            </button>
        </p>
        {move || csv_failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        <section class="panel" aria-labelledby="red-heading">
            <h2 id="red-heading">{move || tr("亮红灯的案件（超过办理时限）", "Red lights: cases past a limit")}</h2>
            {move || red.get().map(|r| {
                let items = r.items;
                if items.is_empty() {
                    view! { <p id="no-red-lights">{move || tr("目前没有超时案件。", "No case is past its limit.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="red-lights" id="red-lights">
                            {items.into_iter().map(|i| {
                                let number = i.head.number.clone();
                                let service = i.head.service.code().to_string();
                                let overdue = i.overdue.clone();
                                let due = i.next_due;
                                view! {
                                    <li class="red-light" data-number=number.clone()>
                                        <span class="dot" aria-hidden="true"></span> <a href=format!("/staff/cases/{number}")>{number.clone()}</a> " "
                                        {move || service_name(&service)} " · "
                                        {move || overdue.iter().map(|s| step_name(s)).collect::<Vec<_>>().join("、")}
                                        {move || due.map(|d| format!("（{}{}）", tr("应于 ", "due "), date(d)))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </section>
    }
}

// Long: the dashboard's tables, one per figure the supervisor reads.
#[component]
fn Summary(summary: SupervisionSummary) -> impl IntoView {
    let divisions = Divisions::get();
    let offices = summary.offices;
    for o in &offices {
        let code = o.office.to_string();
        divisions.load_for(&code, code.len());
    }
    let total = summary.total;
    let overdue = summary.overdue;
    let overdue_any = overdue > 0;
    let bands = summary.distribution;
    // Issue 16: from 60 days before the confirmed holiday data ends.
    let warning = summary.calendar.warning.as_ref().map(|w| w.text.clone());
    let warning_en = summary
        .calendar
        .warning
        .as_ref()
        .map(|w| w.text_en.clone())
        .unwrap_or_default();
    let failures = summary.sweep_failures;
    let undelivered = summary.failed_messages;
    let exceptions = summary.return_exceptions;
    view! {
        {(!exceptions.is_empty()).then(|| view! {
            <section class="notice warning" id="return-exceptions" role="status">
                <h2>{move || tr("再次要求已受理材料的退回（例外，000 二(二)2）", "Returns naming items accepted before (exceptions, 000 二(二)2)")}</h2>
                <ul>
                    {exceptions.iter().map(|e| {
                        let number = e.number.clone();
                        let href = format!("/staff/cases/{number}");
                        let count = e.exceptions;
                        let data_number = number.clone();
                        view! { <li data-number=data_number><a href=href>{number}</a>{move || format!("{}{count}", tr("：例外次数 ", ": exceptions "))}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!failures.is_empty()).then(|| view! {
            <section class="notice warning" id="sweep-failures" role="status">
                <h2>{move || tr("期限巡查无法处理的案件", "Cases the deadline sweep could not handle")}</h2>
                <ul>
                    {failures.iter().map(|f| {
                        let number = f.number.clone();
                        let href = format!("/staff/cases/{number}");
                        view! { <li><a href=href>{number}</a>{format!("：{}", f.error)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!undelivered.is_empty()).then(|| view! {
            <section class="notice warning" id="failed-messages" role="status">
                <h2>{move || tr("通知发送失败（已多次重试）", "Messages not delivered (after every retry)")}</h2>
                <ul>
                    {undelivered.iter().map(|f| {
                        let number = f.number.clone();
                        let href = format!("/staff/cases/{number}");
                        let data_number = number.clone();
                        view! { <li data-number=data_number><a href=href>{number}</a>{format!("：{}（{}次）", f.error, f.attempts)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {warning.map(|w| view! {
            <p class="notice warning" id="calendar-warning" role="status">
                {move || if crate::i18n::Lang::current() == crate::i18n::Lang::Zh { w.clone() } else { warning_en.clone() }}
            </p>
        })}
        <div class="stats">
            <p class="stat"><span class="big" id="total-cases">{total}</span> {move || tr("件案件", " cases")}</p>
            <p class="stat" class:alarm=overdue_any><span class="big" id="overdue-cases">{overdue}</span> {move || tr("件超时（红灯）", " past a limit")}</p>
        </div>
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || tr("各决定单位办理情况", "By deciding office")>
            <table id="offices">
                <caption>{move || tr("各决定单位办理情况", "By deciding office")}</caption>
                <thead><tr>
                    <th scope="col">{move || tr("单位", "Office")}</th>
                    <th scope="col">{move || tr("总数", "Total")}</th>
                    <th scope="col">{move || tr("办理中", "Pending")}</th>
                    <th scope="col">{move || tr("已发证", "Issued")}</th>
                    <th scope="col">{move || tr("退回", "Returned")}</th>
                    <th scope="col">{move || tr("不予办理", "Refused")}</th>
                    <th scope="col">{move || tr("超时", "Red lights")}</th>
                    <th scope="col">{move || tr("办结天数中位数 / P90", "Median / p90 days")}</th>
                    <th scope="col">{move || tr("视为同意发证", "Deemed issued")}</th>
                </tr></thead>
                <tbody>
                    {offices.into_iter().map(|o| {
                        let code = o.office.to_string();
                        let n = |state| o.count(state);
                        let pending = n(CaseState::Submitted) + n(CaseState::PreReviewed) + n(CaseState::TownshipReviewed) + n(CaseState::Approved);
                        let issued = n(CaseState::Issued) + n(CaseState::Delivered);
                        let red = o.overdue;
                        let days = format!(
                            "{} / {}",
                            o.median_days.map_or("—".into(), |d| d.to_string()),
                            o.p90_days.map_or("—".into(), |d| d.to_string())
                        );
                        let data_office = code.clone();
                        let red_any = red > 0;
                        view! {
                            <tr data-office=data_office class:red-light=red_any>
                                <th scope="row">{move || divisions.full_name(&code)}</th>
                                <td>{o.total}</td>
                                <td>{pending}</td>
                                <td>{issued}</td>
                                <td>{n(CaseState::Returned)}</td>
                                <td>{n(CaseState::Refused)}</td>
                                <td class="overdue" data-red=red.to_string()>{red_any.then(|| view! { <span class="dot" aria-hidden="true"></span> })}{red}</td>
                                <td>{days}</td>
                                <td>{o.deemed_issues}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Chart bands=bands />
    }
}

/// Decided cases by days from acceptance to decision, as bars.
#[component]
fn Chart(bands: Vec<ProcessingBand>) -> impl IntoView {
    let counts: Vec<(String, usize)> = bands.into_iter().map(|b| (b.days, b.count)).collect();
    let max = counts.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let (width, height, base) = (60.0_f64, 120.0_f64, 150.0_f64);
    let description = counts
        .iter()
        .map(|(d, c)| format!("{d}: {c}"))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart">
            <svg id="processing-chart" viewBox=format!("0 0 {} 180", counts.len() as f64 * width + 20.0) role="img"
                aria-label=move || format!("{}{}", tr("办结用时分布（天）：", "Processing days: "), description)>
                {counts.iter().enumerate().map(|(i, (label, count))| {
                    let h = *count as f64 / max as f64 * height;
                    let x = 20.0 + i as f64 * width;
                    view! {
                        <g class="bar" data-days=label.clone() data-count=count.to_string()>
                            <rect x=x y=base - h width=width - 16.0 height=h fill="#1d5fa8" />
                            <text x=x + (width - 16.0) / 2.0 y=base - h - 4.0 text-anchor="middle" font-size="12">{count.to_string()}</text>
                            <text x=x + (width - 16.0) / 2.0 y=base + 16.0 text-anchor="middle" font-size="12">{label.clone()}</text>
                        </g>
                    }
                }).collect_view()}
                <line x1="16" y1=base x2=counts.len() as f64 * width + 16.0 y2=base stroke="#333" />
            </svg>
            <figcaption>{move || tr("已办结案件的办理用时分布（受理至决定，天）", "Decided cases by days from acceptance to decision")}</figcaption>
        </figure>
    }
}
