//! Tracking by case number and access code: state, current step, due dates, red flags, the
//! timeline, and after a return the complete list of what is missing — added here and
//! resubmitted in one go.

use domain::case::{Action, CaseState};
use domain::contract::{ActionRequest, CaseView};
use domain::materials::{MaterialCode, ProvidedMaterial};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::{DeadlineList, ErrorSummary, action_name, state_name, step_name};
use crate::i18n::{Lang, bi, date, tr};
use crate::pages::apply::{MaterialUpload, upload_issues};
use crate::pages::review::issues_from;
use crate::state::{Draft, FieldIssue};

#[component]
pub fn Track() -> impl IntoView {
    let query = use_query_map();
    let number = RwSignal::new(query.read_untracked().get("number").unwrap_or_default());
    let code = RwSignal::new(String::new());
    let case = RwSignal::new(None::<CaseView>);
    let failure = RwSignal::new(None::<String>);
    let load = move || {
        let (n, c) = (
            number.get_untracked().trim().to_uppercase(),
            code.get_untracked().trim().to_string(),
        );
        leptos::task::spawn_local(async move {
            match api::track(&n, &c).await {
                Ok(v) => {
                    failure.set(None);
                    case.set(Some(v));
                }
                Err(e) => {
                    case.set(None);
                    failure.set(Some(e.message()));
                }
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    view! {
        <h1>{move || tr("查询办理进度", "Track an application")}</h1>
        <form class="track-form" on:submit=on_submit>
            <div class="field">
                <label for="track-number">{move || tr("受理编号", "Case number")}</label>
                <input type="text" id="track-number" autocomplete="off" spellcheck="false"
                    prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="track-code">{move || tr("查询码", "Access code")}</label>
                <input type="text" id="track-code" autocomplete="off" spellcheck="false"
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button" id="track-submit">{move || tr("查询", "Look up")}</button>
        </form>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert" id="track-failure">{bi(&m)}</p> })}
        {move || case.get().map(|c| view! { <CaseDetails case=c code=code.get_untracked() reload=Callback::new(move |()| load()) /> })}
    }
}

/// Downloads the certificate PDF with the access code (a header, so it never sits in a URL).
#[component]
fn SaveCertificate(number: String, code: String) -> impl IntoView {
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let save = move |_| {
        let (number, code) = (number.clone(), code.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::save_certificate(&number, &code).await;
            busy.set(false);
            failure.set(result.err().map(|e| e.message()));
        });
    };
    view! {
        <button type="button" class="button secondary" id="certificate-pdf" on:click=save prop:disabled=move || busy.get()>
            {move || tr("下载电子证照（PDF，可黑白打印）", "Download the certificate (PDF, prints in black and white)")}
        </button>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
    }
}

// Long: the tracking page's sections in the order the applicant reads them.
#[component]
fn CaseDetails(case: CaseView, code: String, reload: Callback<()>) -> impl IntoView {
    let state = case.head.state.code().to_string();
    let overdue = case.overdue.clone();
    let deadlines = case.deadlines.clone();
    let timeline = case.timeline.clone();
    let messages = case.messages.clone();
    let notify = case.notify.clone();
    let missing: Vec<MaterialCode> = case.missing.iter().map(|m| m.code).collect();
    let defects: std::collections::BTreeMap<MaterialCode, (String, String, String)> = case
        .missing
        .iter()
        .map(|m| {
            let said = (
                m.defect_name.clone(),
                m.defect_name_en.clone(),
                m.detail.clone(),
            );
            (m.code, said)
        })
        .collect();
    let number = case.head.number.clone();
    let version = case.head.version;
    let next_due = case.next_due;
    // The running date is provisional when an open date that falls on it is.
    let next_provisional = case
        .deadlines
        .iter()
        .any(|d| d.provisional && Some(d.due) == next_due && d.done_on.is_none());
    let returned = case.head.state == CaseState::Returned;
    let state_for_name = state.clone();
    view! {
        <section class="panel case" id="case" data-state=state.clone()>
            <h2>{number.clone()}</h2>
            <p class="case-state" id="case-state">{move || state_name(&state_for_name)}</p>
            {case.recognised.then(|| view! {
                <p class="notice" id="recognised">{move || tr(
                    "外省再生育服务卡已予认可并登记，凭原卡享受服务，不另发本省证件（002 第七条）",
                    "The other province's re-birth card is recognised and registered; keep using it — no new card is issued (002 art. 7)",
                )}</p>
            })}
            {next_due.map(|d| view! { <p id="next-due">
                {move || format!("{}{}", tr("当前步骤最迟办结：", "Current step due by: "), date(d))}
                <crate::components::Provisional on=next_provisional />
            </p> })}
            {(!overdue.is_empty()).then(|| {
                let names = overdue.clone();
                view! {
                    <p class="red-flag" id="red-flag" role="alert">
                        {move || format!("{}{}", tr("已超过办理时限，已亮红灯并报监督人员：", "Past its limit, shown red to supervisors: "), names.iter().map(|s| step_name(s)).collect::<Vec<_>>().join("、"))}
                    </p>
                }
            })}
            <h3>{move || tr("办理时限", "Due dates")}</h3>
            <DeadlineList deadlines=deadlines overdue=overdue.clone() />
            {case.certificate.clone().and_then(|c| Some((c.verify_path?, c.number, c.status))).map(|(path, number, status)| {
                let pdf_code = code.clone();
                let pdf_number = number.clone();
                view! {
                    <section class="panel" id="certificate" data-status=status.code()>
                        <h3>{move || tr("电子证照", "Electronic certificate")}</h3>
                        <p>{move || tr("证照编号：", "Number: ")}<strong>{number.clone()}</strong></p>
                        // The verify page is a bundle of its own: a full page load.
                        <a class="button" id="certificate-link" rel="external" href=path>
                            {move || tr("核验并出示电子证照", "Check and show the certificate")}
                        </a>
                        " "
                        <SaveCertificate number=pdf_number code=pdf_code />
                        <p class="hint">{move || tr(
                            "此链接含有证照的签名内容，任何人打开即可离线核验真伪并联网查询是否撤销。",
                            "The link carries the signed certificate: anyone who opens it can check it offline, and online whether it was revoked.",
                        )}</p>
                    </section>
                }
            })}
            {returned.then(|| view! { <Resubmit number=number.clone() code=code.clone() version=version missing=missing.clone() defects=defects.clone() reload=reload /> })}
            <crate::messages::MessageLog entries=messages />
            <crate::messages::ChangeNotify number=number.clone() code=code.clone() current=notify reload=reload />
            <h3>{move || tr("办理记录", "Timeline")}</h3>
            <ol class="timeline" id="timeline">
                {timeline.into_iter().map(|e| {
                    let action = e.action.clone();
                    // China time, as every office keeps it, whatever the phone's zone.
                    let when = e.at.china_time();
                    let details = e.details.iter().filter(|d| !d.is_empty()).cloned().collect::<Vec<_>>().join("；");
                    let data_action = action.clone();
                    view! {
                        <li data-action=data_action>
                            <time>{when}</time> " "
                            <strong>{move || action_name(&action)}</strong>
                            {(!details.is_empty()).then(|| view! { <p class="note">{details.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// After a return: every missing item, each with its upload, then one resubmission.
#[component]
fn Resubmit(
    number: String,
    code: String,
    version: u64,
    missing: Vec<MaterialCode>,
    defects: std::collections::BTreeMap<MaterialCode, (String, String, String)>,
    reload: Callback<()>,
) -> impl IntoView {
    let draft = Draft::get();
    let issues = RwSignal::new(Vec::<FieldIssue>::new());
    let busy = RwSignal::new(false);
    let codes = StoredValue::new(missing.clone());
    let send = move |_| {
        let uploaded: Vec<(MaterialCode, Vec<String>)> = draft
            .uploaded()
            .into_iter()
            .filter(|(c, _)| codes.with_value(|m| m.contains(c)))
            .collect();
        let required: Vec<_> = codes.with_value(|m| m.iter().map(|c| c.item("")).collect());
        let found = upload_issues(draft, &required);
        if !found.is_empty() {
            issues.set(found);
            return;
        }
        let order: Vec<MaterialCode> = uploaded.iter().map(|(c, _)| *c).collect();
        let body = ActionRequest {
            version,
            action: Action::Resubmit,
            materials: uploaded
                .iter()
                .map(|(c, ids)| ProvidedMaterial {
                    code: c.code().to_string(),
                    attachments: ids.clone(),
                    checked_in_person: false,
                })
                .collect(),
        };
        let (number, code) = (number.clone(), code.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::applicant_action(&number, &code, &body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    issues.set(Vec::new());
                    draft
                        .uploads
                        .update(|rows| rows.retain(|r| !order.contains(&r.code)));
                    reload.run(());
                }
                Err(e) => issues.set(issues_from(&e, &order)),
            }
        });
    };
    view! {
        <section class="resubmit" aria-labelledby="resubmit-heading">
            <h3 id="resubmit-heading">{move || tr("需要补正的全部材料（一次性告知）", "Everything to add (told at once)")}</h3>
            <ErrorSummary issues=issues />
            <ul class="missing" id="missing">
                {missing.iter().map(|m| {
                    let m = *m;
                    // What is wrong with it, as the return said (000 二(二)2).
                    let said = defects.get(&m).cloned();
                    view! {
                        <li data-material=m.code()>
                            {move || match Lang::current() { Lang::Zh => m.name_zh(), Lang::En => m.name_en() }}
                            {said.map(|(zh, en, detail)| view! {
                                <span class="defect">{move || format!("（{}{}）", match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }, if detail.is_empty() { String::new() } else { format!("：{detail}") })}</span>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {missing.iter().map(|m| view! { <MaterialUpload item=m.item("") issues=Signal::from(issues) /> }).collect_view()}
            <button type="button" class="button" id="resubmit" on:click=send disabled=move || busy.get()>
                {move || tr("提交补正材料", "Send what was missing")}
            </button>
        </section>
    }
}
