//! Tracking by case number and access code: state, current step, due dates, red flags, the
//! timeline, and after a return the complete list of what is missing — added here and
//! resubmitted in one go.

use domain::materials::MaterialCode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde_json::{Value, json};

use crate::api;
use crate::components::{
    DeadlineList, ErrorSummary, action_name, date_of, state_name, step_name, strings,
};
use crate::i18n::{Lang, bi, date, tr};
use crate::pages::apply::{MaterialUpload, upload_issues};
use crate::pages::review::issues_from;
use crate::state::{Draft, FieldIssue};

#[component]
pub fn Track() -> impl IntoView {
    let query = use_query_map();
    let number = RwSignal::new(query.read_untracked().get("number").unwrap_or_default());
    let code = RwSignal::new(String::new());
    let case = RwSignal::new(None::<Value>);
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
        {move || case.get().map(|c| view! { <CaseView case=c code=code.get_untracked() reload=Callback::new(move |()| load()) /> })}
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

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(text_of)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("；"),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !["version", "materials"].contains(&k.as_str()))
            .map(|(_, v)| text_of(v))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("；"),
        _ => String::new(),
    }
}

#[component]
fn CaseView(case: Value, code: String, reload: Callback<()>) -> impl IntoView {
    let state = case["state"].as_str().unwrap_or_default().to_string();
    let overdue = strings(&case["overdue"]);
    let deadlines = case["deadlines"].as_array().cloned().unwrap_or_default();
    let timeline = case["timeline"].as_array().cloned().unwrap_or_default();
    let missing: Vec<MaterialCode> = case["missing"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["code"].as_str().and_then(MaterialCode::from_code))
                .collect()
        })
        .unwrap_or_default();
    let defects: std::collections::BTreeMap<MaterialCode, (String, String, String)> =
        case["missing"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| {
                        let code = m["code"].as_str().and_then(MaterialCode::from_code)?;
                        let text = |k: &str| m[k].as_str().unwrap_or_default().to_string();
                        Some((
                            code,
                            (text("defect_name"), text("defect_name_en"), text("detail")),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
    let number = case["number"].as_str().unwrap_or_default().to_string();
    let version = case["version"].as_u64().unwrap_or(0);
    let next_due = date_of(&case["next_due"]);
    // The running date is provisional when an open date that falls on it is.
    let next_provisional = ["deadlines", "verifications", "corrections"]
        .iter()
        .any(|k| {
            case[*k].as_array().is_some_and(|list| {
                list.iter().any(|d| {
                    d["provisional"] == true
                        && date_of(&d["due"]) == next_due
                        && d["done_on"].is_null()
                        && d["answered_on"].is_null()
                        && d["resolved_on"].is_null()
                })
            })
        });
    let returned = state == "returned";
    let state_for_name = state.clone();
    view! {
        <section class="panel case" id="case" data-state=state.clone()>
            <h2>{number.clone()}</h2>
            <p class="case-state" id="case-state">{move || state_name(&state_for_name)}</p>
            {case["recognised"].as_bool().unwrap_or(false).then(|| view! {
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
            {case["certificate"]["verify_path"].as_str().map(|path| {
                let number = case["certificate"]["number"].as_str().unwrap_or_default().to_string();
                let status = case["certificate"]["status"].as_str().unwrap_or_default().to_string();
                let pdf_code = code.clone();
                let pdf_number = number.clone();
                view! {
                    <section class="panel" id="certificate" data-status=status>
                        <h3>{move || tr("电子证照", "Electronic certificate")}</h3>
                        <p>{move || tr("证照编号：", "Number: ")}<strong>{number.clone()}</strong></p>
                        // The verify page is a bundle of its own: a full page load.
                        <a class="button" id="certificate-link" rel="external" href=path.to_string()>
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
            <h3>{move || tr("办理记录", "Timeline")}</h3>
            <ol class="timeline" id="timeline">
                {timeline.into_iter().map(|e| {
                    let action = e["action"].as_str().unwrap_or_default().to_string();
                    let when = e["at"].as_i64().map(|ms| {
                        // China time, as every office keeps it, whatever the phone's zone.
                        domain::case::Moment(ms).china_time()
                    }).unwrap_or_default();
                    let details = text_of(&e["details"]);
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
        let body = json!({
            "version": version,
            "action": "resubmit",
            "materials": uploaded.iter().map(|(c, ids)| json!({"code": c.code(), "attachments": ids})).collect::<Vec<_>>(),
        });
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
