//! Pieces shared by several pages: the division picker, the error summary, reasons and
//! material lists, and the names of steps and states.

use domain::contract::{MaterialItem, ProvidedBy, Reason};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{Lang, tr};
use crate::state::FieldIssue;

pub use crate::divisions::{DivisionPicker, Divisions};

/// Moves keyboard focus (and the screen) to a control, e.g. from an error summary link.
pub fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.scroll_into_view();
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// The GOV.UK error summary: every problem at once, each a link to its field. It takes focus
/// when it appears, so a screen reader announces it.
#[component]
pub fn ErrorSummary(#[prop(into)] issues: Signal<Vec<FieldIssue>>) -> impl IntoView {
    Effect::new(move |_| {
        if !issues.get().is_empty() {
            focus("error-summary");
        }
    });
    view! {
        <Show when=move || !issues.get().is_empty()>
            <div class="error-summary" id="error-summary" role="alert" tabindex="-1">
                <h2>{move || tr("请先处理以下问题（已一次列出全部）", "There is a problem (all of them listed here)")}</h2>
                <ul>
                    {move || {
                        issues
                            .get()
                            .into_iter()
                            .map(|issue| {
                                let text = match Lang::current() {
                                    Lang::Zh => issue.zh.clone(),
                                    Lang::En => issue.en.clone(),
                                };
                                if issue.field_id.is_empty() {
                                    view! { <li>{text}</li> }.into_any()
                                } else {
                                    let target = issue.field_id.clone();
                                    view! {
                                        <li>
                                            <a
                                                href=format!("#{}", issue.field_id)
                                                on:click=move |ev| {
                                                    ev.prevent_default();
                                                    focus(&target);
                                                }
                                            >
                                                {text}
                                            </a>
                                        </li>
                                    }
                                        .into_any()
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// The message under a field, when it has one.
pub fn field_error(issues: Signal<Vec<FieldIssue>>, field_id: impl Into<String>) -> impl IntoView {
    let field_id: String = field_id.into();
    move || {
        issues
            .get()
            .into_iter()
            .filter(|i| i.field_id == field_id)
            .map(|i| {
                let text = match Lang::current() {
                    Lang::Zh => i.zh,
                    Lang::En => i.en,
                };
                view! { <p class="field-error" id=format!("{field_id}-error")>{text}</p> }
            })
            .collect_view()
    }
}

/// Every reason of an eligibility answer with the rule it rests on.
#[component]
pub fn Reasons(reasons: Vec<Reason>) -> impl IntoView {
    view! {
        <ul class="reasons">
            {reasons
                .into_iter()
                .map(|r| {
                    let kind = format!("{:?}", r.effect).to_lowercase();
                    let zh = r.text.clone();
                    let en = if r.text_en.is_empty() { r.text.clone() } else { r.text_en.clone() };
                    view! {
                        <li class=format!("reason reason-{kind}")>
                            <span>{move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}</span>
                            " "
                            <cite class="source">{format!("（{}）", r.source)}</cite>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Who provides a material, in words.
pub fn provided_by(p: ProvidedBy) -> &'static str {
    match p {
        ProvidedBy::Applicant => tr("申请人提供", "you bring it"),
        ProvidedBy::Window => tr(
            "窗口出具，无需您准备",
            "issued by the window: nothing to bring",
        ),
        ProvidedBy::Database => tr(
            "系统核验，无需提供",
            "confirmed from the database: nothing to bring",
        ),
    }
}

/// The complete material checklist (一次性告知), each item with its source.
#[component]
pub fn Checklist(materials: Vec<MaterialItem>) -> impl IntoView {
    view! {
        <ol class="checklist">
            {materials
                .into_iter()
                .map(|m| {
                    let (zh, en) = (m.name.clone(), m.name_en.clone());
                    let by = m.provided_by;
                    let note = m.note.clone();
                    let form = m.form;
                    view! {
                        <li class="material" data-material=m.code.code() data-by=format!("{by:?}").to_lowercase()>
                            <strong>{move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}</strong>
                            <span class="by">{move || format!(" — {}", provided_by(by))}</span>
                            {form.map(|f| view! { <span class="form">{move || format!("（{}）", material_form(f))}</span> })}
                            {(!note.is_empty()).then(|| view! { <p class="note">{note.clone()}</p> })}
                            <cite class="source">{format!("{}：{}", "依据", m.source)}</cite>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Original, or original and copy (issue 17 point 5: only where the text says which).
pub fn material_form(form: domain::contract::MaterialForm) -> String {
    tr_owned(form.name_zh(), form.name_en())
}

/// A legal step's name (the domain names the steps).
pub fn step_name(step: &str) -> String {
    let (zh, en) = domain::case::step_name(step);
    tr_owned(zh, en)
}

/// A case state's name.
pub fn state_name(state: &str) -> String {
    let (zh, en) = match state {
        "submitted" => ("已受理，待预审", "Accepted, awaiting pre-review"),
        "pre_reviewed" => ("已预审，待乡镇审核", "Pre-reviewed, awaiting the township"),
        "township_reviewed" => (
            "乡镇已审核，待县级审批",
            "Township reviewed, awaiting the county",
        ),
        "approved" => ("已批准，待发证", "Approved, awaiting issue"),
        "issued" => ("已发证", "Issued"),
        "delivered" => ("已送达", "Delivered"),
        "returned" => ("已退回，请补正材料", "Returned: add what is missing"),
        "refused" => ("不予办理", "Refused"),
        "withdrawn" => ("已撤回", "Withdrawn"),
        "revoked" => ("已撤销", "Revoked"),
        "void" => ("已作废", "Void"),
        "forwarded" => (
            "已转送户籍地有权办理的单位",
            "Forwarded to the competent office",
        ),
        other => (other, other),
    };
    tr_owned(zh, en)
}

/// A timeline action's name.
pub fn action_name(action: &str) -> String {
    let (zh, en) = match action {
        "submit" => ("提交申请", "Application submitted"),
        "pre_review" => ("预审", "Pre-review"),
        "return" => ("退回补正（一次性告知）", "Returned with everything missing"),
        "resubmit" => ("补正后重新提交", "Resubmitted"),
        "township_opinion" => ("乡镇审核意见", "Township opinion"),
        "approve" => ("批准", "Approved"),
        "refuse" => ("不予办理（书面理由）", "Refused with written reasons"),
        "seal" => ("加盖电子印章", "Electronic seal added"),
        "request_verification" => ("发出协查", "Verification requested"),
        "answer_verification" => ("协查回复", "Verification answered"),
        "issue" => ("发证", "Issued"),
        "forward_out" => ("转送有权办理的单位", "Forwarded to the competent office"),
        "defer_out_of_city_check" => (
            "多地核查当场无法完成，转为承诺件",
            "Checks in several places: made a promise case",
        ),
        "deliver" => ("送达", "Delivered"),
        "withdraw" => ("撤回", "Withdrawn"),
        "revoke" => ("撤销", "Revoked"),
        "void" => ("作废", "Void"),
        "red_light" => ("超时亮红灯", "Overdue: red light"),
        "request_correction" => ("申请更正查询结果", "Correction requested"),
        "resolve_correction" => ("更正申请办结", "Correction resolved"),
        "lookup" => ("持证人自助查询", "Looked up by a holder"),
        "download_certificate" => ("下载电子证照", "Certificate downloaded"),
        "deemed_issue" => ("逾期视为同意发证", "Deemed issued after the limit"),
        "recompute_deadlines" => (
            "依新导入的放假安排重新计算期限",
            "Due dates recounted on a loaded holiday notice",
        ),
        "credit_check" => ("失信联合惩戒对象名单核查", "Dishonesty-list check"),
        "notify_changed" => ("申请人更改通知方式", "The applicant changed how they hear"),
        "honor_certificate_cancelled" => (
            "独生子女父母光荣证自申请之日起注销",
            "Honour certificate cancelled from the application date",
        ),
        other => (other, other),
    };
    tr_owned(zh, en)
}

fn tr_owned(zh: &str, en: &str) -> String {
    match Lang::current() {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A time limit in words.
pub fn limit_words(limit: domain::TimeLimit) -> String {
    match (limit.value, limit.unit, Lang::current()) {
        (0, _, Lang::Zh) => "即时办结".into(),
        (0, _, Lang::En) => "on the spot".into(),
        (n, domain::TimeUnit::WorkingDays, Lang::Zh) => format!("{n}个工作日"),
        (n, domain::TimeUnit::WorkingDays, Lang::En) => format!("{n} working days"),
        (n, domain::TimeUnit::Days, Lang::Zh) => format!("{n}日"),
        (n, domain::TimeUnit::Days, Lang::En) => format!("{n} days"),
    }
}

/// Over the check and the form while window staff enter an application for a walk-in
/// applicant, so nobody mistakes it for the applicant's own visit; ends window mode on request.
#[component]
pub fn WindowBanner() -> impl IntoView {
    let draft = crate::state::Draft::get();
    let staff = crate::staff::Staff::get();
    let location = leptos_router::hooks::use_location();
    let end = move |_| {
        draft.window.set(false);
        draft.clear_application();
    };
    move || {
        let path = location.pathname.get();
        let on_form = path.starts_with("/check/") || path.starts_with("/apply");
        (draft.window.get() && on_form)
            .then(|| staff.session())
            .flatten()
            .map(|s| {
                view! {
                    <p class="window-banner" id="window-mode" role="status">
                        {move || tr("窗口受理：", "At the window: ")}
                        <strong>{s.display_name.clone()}</strong>
                        {move || tr(" 为到场申请人填写，提交后以您的名义受理。", " is entering this for a walk-in applicant; it is submitted in your name.")}
                        " " <a href="/staff/window" on:click=end>{move || tr("结束窗口受理", "Leave window mode")}</a>
                    </p>
                }
            })
    }
}

/// The words beside a date counted on a year whose holiday notice is not loaded (SPEC §5).
#[component]
pub fn Provisional(on: bool) -> impl IntoView {
    on.then(|| {
        view! {
            <span class="provisional" data-provisional="true">
                {move || format!("（{}）", tr(domain::calendar::PROVISIONAL_NOTE, "counted provisionally on the statutory holidays; the State Council's holiday notice prevails"))}
            </span>
        }
    })
}

/// A case's legal steps with their due dates, the late ones marked, each with its source.
#[component]
pub fn DeadlineList(
    deadlines: Vec<domain::case::StepDeadline>,
    overdue: Vec<String>,
) -> impl IntoView {
    view! {
        <ul class="deadlines" id="deadlines">
            {deadlines.into_iter().map(|d| {
                let step = d.step.clone();
                let due = Some(d.due);
                let done = d.done_on;
                let late = overdue.contains(&step);
                let provisional = d.provisional && done.is_none();
                view! {
                    <li class:late=late>
                        {move || step_name(&step)} "："
                        {move || due.map(crate::i18n::date).unwrap_or_default()}
                        <Provisional on=provisional />
                        {move || done.map(|x| format!("（{}{}）", tr("已于", "done "), crate::i18n::date(x)))}
                        " " <cite class="source">{format!("（{}）", d.source)}</cite>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
