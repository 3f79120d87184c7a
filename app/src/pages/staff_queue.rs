//! The work queue: the caller's division, next deadline first — so red lights come first —
//! filtered by state, service, red lights and office, a page at a time from the server (fast
//! with thousands of cases), ID numbers masked. A case number opens its case directly.

use domain::Service;
use domain::contract::{QueuePage, QueueRow};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::{Divisions, state_name, step_name};
use crate::i18n::{Lang, bi, date, tr};
use crate::pages::staff_login::{Login, StaffBar};
use crate::staff::{Session, Staff};

#[component]
pub fn StaffQueue() -> impl IntoView {
    let staff = Staff::get();
    move || {
        match staff.session() {
        None => view! { <Login /> }.into_any(),
        // Administrators manage accounts and have no access to cases (SPEC §5).
        Some(s) if !s.may(domain::roles::Capability::WorkQueue) => view! {
            <StaffBar session=s />
            <h1>{move || tr("待办案件", "Work queue")}</h1>
            <p class="notice" id="admin-no-cases">{move || tr(
                "系统管理员管理工作人员账号（/api/admin/staff）和节假日安排，不能查阅案件。",
                "Administrators manage staff accounts (/api/admin/staff) and the holiday notices, and have no access to cases.",
            )}</p>
            <crate::pages::staff_calendar::CalendarWarning />
            <p><a class="button" href="/staff/calendar" id="admin-calendar-link">{move || tr("节假日安排", "Holiday notices")}</a></p>
        }
        .into_any(),
        Some(s) => view! { <StaffBar session=s.clone() /> <Queue session=s /> }.into_any(),
    }
    }
}

const STATES: [&str; 12] = [
    "submitted",
    "pre_reviewed",
    "township_reviewed",
    "approved",
    "issued",
    "delivered",
    "returned",
    "refused",
    "withdrawn",
    "revoked",
    "void",
    "forwarded",
];

pub fn service_name(code: &str) -> String {
    let service = Service::ALL.into_iter().find(|s| s.code() == code);
    match (service, Lang::current()) {
        (Some(s), Lang::Zh) => s.name_zh().to_string(),
        (Some(s), Lang::En) => s.name_en().to_string(),
        (None, _) => code.to_string(),
    }
}

// Long: the queue page's view tree with its filters; the filtering and paging logic is the server's.
#[component]
fn Queue(session: Session) -> impl IntoView {
    let staff = Staff::get();
    let divisions = Divisions::get();
    let own = session.division.map(|d| d.to_string()).unwrap_or_default();
    {
        let own = own.clone();
        Effect::new(move |_| divisions.load_for(&own, 12));
    }
    let state = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let overdue = RwSignal::new(false);
    let office = RwSignal::new(String::new());
    let limit = RwSignal::new("50".to_string());
    let search = RwSignal::new(String::new());
    // The cursors of the pages before this one, for "previous".
    let cursors = RwSignal::new(Vec::<String>::new());
    let cursor = RwSignal::new(String::new());
    let page = RwSignal::new(None::<QueuePage>);
    let failure = RwSignal::new(None::<String>);
    let token = session.token.clone();
    let load = move || {
        let token = token.clone();
        let params = [
            ("state", state.get_untracked()),
            ("service", service.get_untracked()),
            (
                "overdue",
                if overdue.get_untracked() {
                    "true".to_string()
                } else {
                    String::new()
                },
            ),
            ("division", office.get_untracked()),
            ("limit", limit.get_untracked()),
            ("cursor", cursor.get_untracked()),
        ];
        leptos::task::spawn_local(async move {
            match api::queue(&token, &params).await {
                Ok(v) => {
                    failure.set(None);
                    page.set(Some(v));
                }
                Err(e) => {
                    staff.check(&e);
                    failure.set(Some(e.message()));
                }
            }
        });
    };
    let load = StoredValue::new(load);
    load.with_value(|l| l());
    let apply_filters = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cursor.set(String::new());
        cursors.set(Vec::new());
        load.with_value(|l| l());
    };
    let navigate = use_navigate();
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = search.get_untracked().trim().to_uppercase();
        if !number.is_empty() {
            navigate(&format!("/staff/cases/{number}"), Default::default());
        }
    };
    let next = move |_| {
        let Some(n) = page.with_untracked(|p| p.as_ref().and_then(|p| p.next_cursor.clone()))
        else {
            return;
        };
        cursors.update(|c| c.push(cursor.get_untracked()));
        cursor.set(n);
        load.with_value(|l| l());
    };
    let previous = move |_| {
        let mut stack = cursors.get_untracked();
        if let Some(c) = stack.pop() {
            cursors.set(stack);
            cursor.set(c);
            load.with_value(|l| l());
        }
    };
    let offices = {
        let own = own.clone();
        move || divisions.within(&own)
    };
    view! {
        <h1>{move || tr("待办案件", "Work queue")}</h1>
        <form class="panel search" on:submit=open>
            <div class="field inline">
                <label for="queue-search">{move || tr("按受理编号打开", "Open by case number")}</label>
                <input type="text" id="queue-search" autocomplete="off" spellcheck="false"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                <button type="submit" class="button secondary" id="queue-open">{move || tr("打开", "Open")}</button>
            </div>
        </form>
        <form class="filters" on:submit=apply_filters>
            <div class="field">
                <label for="filter-state">{move || tr("状态", "State")}</label>
                <select id="filter-state" on:change=move |ev| state.set(event_target_value(&ev))>
                    <option value="">{move || tr("全部", "All")}</option>
                    {STATES.iter().map(|s| view! { <option value=*s>{move || state_name(s)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-service">{move || tr("事项", "Service")}</label>
                <select id="filter-service" on:change=move |ev| service.set(event_target_value(&ev))>
                    <option value="">{move || tr("全部", "All")}</option>
                    {Service::ALL.iter().map(|s| { let code = s.code(); view! { <option value=code>{move || service_name(code)}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-office">{move || tr("办理单位", "Office")}</label>
                <select id="filter-office" on:change=move |ev| office.set(event_target_value(&ev))>
                    <option value="">{move || tr("本辖区全部", "All of my division")}</option>
                    {move || offices().into_iter().map(|(code, name)| {
                        let label = format!("{}{}", "\u{3000}".repeat((code.len() - 6) / 3), name);
                        view! { <option value=code>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-limit">{move || tr("每页", "Per page")}</label>
                <select id="filter-limit" on:change=move |ev| limit.set(event_target_value(&ev))>
                    {["10", "50", "200"].into_iter().map(|n| view! { <option value=n selected=n == "50">{n}</option> }).collect_view()}
                </select>
            </div>
            <div class="field choice">
                <input type="checkbox" id="filter-overdue" prop:checked=move || overdue.get()
                    on:change=move |ev| overdue.set(event_target_checked(&ev)) />
                <label for="filter-overdue">{move || tr("只看超时（红灯）", "Red lights only")}</label>
            </div>
            <button type="submit" class="button" id="filter-apply">{move || tr("筛选", "Filter")}</button>
        </form>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert" id="queue-failure">{bi(&m)}</p> })}
        {move || page.get().map(|p| {
            let count = p.items.len();
            let items = p.items;
            let more = p.next_cursor.is_some();
            let today = p.today.to_string();
            view! {
                <p class="caption" id="queue-count">
                    {move || format!("{}{}{}", tr("本页 ", "This page: "), count, tr(" 件（按最近期限排序，超时在前）", " cases (nearest deadline first, red lights first)"))}
                    {format!(" · {today}")}
                </p>
                <div class="table-wrap" tabindex="0" role="region" aria-label=move || tr("待办案件列表", "Cases")>
                    <table class="queue" id="queue">
                        <caption class="visually-hidden">{move || tr("待办案件列表", "Cases")}</caption>
                        <thead><tr>
                            <th scope="col">{move || tr("受理编号", "Case")}</th>
                            <th scope="col">{move || tr("事项", "Service")}</th>
                            <th scope="col">{move || tr("申请人", "Applicant")}</th>
                            <th scope="col">{move || tr("状态", "State")}</th>
                            <th scope="col">{move || tr("期限", "Due")}</th>
                            <th scope="col">{move || tr("受理单位", "Accepted at")}</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|row| view! { <Row row=row /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="pager">
                    <button type="button" class="button secondary" id="queue-previous" on:click=previous
                        disabled=move || cursors.with(Vec::is_empty)>{move || tr("上一页", "Previous")}</button>
                    <button type="button" class="button secondary" id="queue-next" on:click=next
                        disabled=!more>{move || tr("下一页", "Next")}</button>
                </div>
            }
        })}
    }
}

#[component]
fn Row(row: QueueRow) -> impl IntoView {
    let divisions = Divisions::get();
    let number = row.head.number.clone();
    let red = row.red_light;
    let overdue = row.overdue.clone();
    let state = row.head.state.code().to_string();
    let service = row.head.service.code().to_string();
    let due = row.next_due;
    let accepting = row.head.accepting_division.to_string();
    let applicant = format!("{} {}", row.applicant.name, row.applicant.id_number);
    view! {
        <tr class:red-light=red data-number=number.clone()>
            <td><a href=format!("/staff/cases/{number}")>{number.clone()}</a></td>
            <td>{move || service_name(&service)}</td>
            <td>{applicant}</td>
            <td>{move || state_name(&state)}</td>
            <td>
                {move || due.map(date).unwrap_or_default()}
                {red.then(|| {
                    let names = overdue.clone();
                    view! { <span class="red-light-flag"><span class="dot" aria-hidden="true"></span>{move || format!("{}{}", tr("超时：", "overdue: "), names.iter().map(|s| step_name(s)).collect::<Vec<_>>().join("、"))}</span> }
                })}
            </td>
            <td>{move || divisions.full_name(&accepting)}</td>
        </tr>
    }
}
