//! Self-service lookup (004 三(四), 四(四)): a person's certificates by name and ID number, the
//! result exported as a PDF for their records, and a correction request to the issuing office
//! when something is wrong. The ID number's check character is checked here first (the server
//! answers a wrong one with the same empty list as no match, so only the browser can say so).

use domain::IdNumber;
use domain::certificate::Standing;
use domain::contract::{CorrectionRequest, CorrectionRequested, LookupEntry};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{Lang, bi, date, tr};

#[component]
pub fn Lookup() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let issue = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    // The query the result belongs to, and the result.
    let result = RwSignal::new(None::<(String, String, Vec<LookupEntry>)>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, id) = (
            name.get_untracked().trim().to_string(),
            id_number.get_untracked().trim().to_uppercase(),
        );
        if n.is_empty() {
            issue.set(Some("请填写姓名 / enter the name".into()));
            return;
        }
        if let Err(e) = IdNumber::parse(&id) {
            issue.set(Some(e.to_string()));
            return;
        }
        issue.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::lookup(&n, &id).await {
                Ok(v) => {
                    failure.set(None);
                    let list = v.certificates;
                    result.set(Some((n, id, list)));
                }
                Err(e) => {
                    result.set(None);
                    failure.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{move || tr("自助查询证件", "Look up my certificates")}</h1>
        <p>{move || tr(
            "输入姓名和身份证号码，查询本人的再生育服务证、独生子女父母光荣证等证件；结果可导出保存（渝卫发〔2019〕69号 三(四)）。",
            "Enter a name and ID number to find that person's re-birth, honour and other certificates; the result can be saved as a PDF.",
        )}</p>
        <form class="track-form" id="lookup-form" on:submit=on_submit>
            <div class="field">
                <label for="lookup-name">{move || tr("姓名", "Name")}</label>
                <input type="text" id="lookup-name" autocomplete="name"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="lookup-id">{move || tr("身份证号码", "ID number")}</label>
                <input type="text" id="lookup-id" autocomplete="off" spellcheck="false" inputmode="text"
                    aria-describedby="lookup-issue"
                    prop:value=move || id_number.get() on:input=move |ev| id_number.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button" id="lookup-submit" prop:disabled=move || busy.get()>
                {move || tr("查询", "Look up")}
            </button>
        </form>
        {move || issue.get().map(|m| view! { <p class="field-error" role="alert" id="lookup-issue">{bi(&m)}</p> })}
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert" id="lookup-failure">{bi(&m)}</p> })}
        {move || result.get().map(|(n, id, list)| view! { <Results name=n id_number=id list=list /> })}
    }
}

#[component]
fn Results(name: String, id_number: String, list: Vec<LookupEntry>) -> impl IntoView {
    let exporting = RwSignal::new(false);
    let export_failure = RwSignal::new(None::<String>);
    let (export_name, export_id) = (name.clone(), id_number.clone());
    let export = move |_| {
        let (n, id) = (export_name.clone(), export_id.clone());
        exporting.set(true);
        leptos::task::spawn_local(async move {
            let result = api::save_lookup_export(&n, &id).await;
            exporting.set(false);
            export_failure.set(result.err().map(|e| e.message()));
        });
    };
    let empty = list.is_empty();
    let count = list.len().to_string();
    view! {
        <section class="panel" id="lookup-result" data-count=count>
            <h2>{move || tr("查询结果", "Result")}</h2>
            {empty.then(|| view! {
                <p id="lookup-empty">{move || tr(
                    "未查询到证件信息。姓名与身份证号须与证件上的一致；如确有证件而查不到，可向原办理机构反映（004 四(四)）。",
                    "No certificates found. The name and ID number must match the certificate; if you hold one that does not show, tell the office that issued it.",
                )}</p>
            })}
            <ul class="lookup-list">
                {list.into_iter().map(|c| view! { <Entry certificate=c name=name.clone() id_number=id_number.clone() /> }).collect_view()}
            </ul>
            <p class="hint">{move || tr(
                "导出的文件是查询结果，供本人保存，不是电子证照；未生成电子证照的不得作为法定要件。",
                "The export is a lookup result for your records, not a certificate; only an electronic certificate is legal proof.",
            )}</p>
            <button type="button" class="button secondary" id="lookup-export" on:click=export prop:disabled=move || exporting.get()>
                {move || tr("导出查询结果（PDF）", "Save the result (PDF)")}
            </button>
            {move || export_failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        </section>
    }
}

/// Never "valid" for a standing this page does not know.
fn status_name(status: &str) -> &'static str {
    match Standing::from_code(status) {
        Some(s) => tr(s.name_zh(), s.name_en()),
        None => tr(
            "状态不明，请向发证机关核实",
            "Unknown: ask the issuing office",
        ),
    }
}

#[component]
fn Entry(certificate: LookupEntry, name: String, id_number: String) -> impl IntoView {
    let number = certificate.number.to_string();
    let status = certificate.status.code().to_string();
    let service_zh = certificate.service_name;
    let service_en = certificate.service_name_en;
    let holders = certificate.holders.join("、");
    let issuer = certificate.issuer_name.unwrap_or_default();
    let issued = Some(certificate.issued_on);
    let verify = certificate.verify_path;
    let open = certificate.open_corrections;
    let status_label = status.clone();
    let (data_number, shown_number) = (number.clone(), number.clone());
    view! {
        <li class="lookup-entry" data-number=data_number data-status=status.clone()>
            <h3>{move || match Lang::current() { Lang::Zh => service_zh.clone(), Lang::En => service_en.clone() }}
                " " <span class=format!("badge {status}")>{move || status_name(&status_label)}</span></h3>
            <dl>
                <dt>{move || tr("证照编号", "Number")}</dt><dd>{shown_number}</dd>
                <dt>{move || tr("持证人", "Holders")}</dt><dd>{holders}</dd>
                <dt>{move || tr("发证机关", "Issued by")}</dt><dd>{issuer}</dd>
                <dt>{move || tr("发证日期", "Issued on")}</dt><dd>{move || issued.map(date).unwrap_or_default()}</dd>
                <dt>{move || tr("电子证照", "Electronic")}</dt><dd>{move || tr("已生成，可扫码或打开链接核验", "Yes: check it by its QR code or link")}</dd>
            </dl>
            {verify.map(|path| view! {
                <a class="button secondary verify-link" rel="external" href=path>{move || tr("核验", "Check")}</a>
            })}
            {(open > 0).then(|| view! {
                <p class="hint">{move || tr("已有更正申请正在办理。", "A correction request is being handled.")}</p>
            })}
            <Correction number=number name=name id_number=id_number />
        </li>
    }
}

/// A correction request against one certificate of the result (004 四(四)).
#[component]
fn Correction(number: String, name: String, id_number: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<CorrectionRequested>);
    let failure = RwSignal::new(None::<String>);
    let field_for_label = format!("correction-{number}");
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = text.get_untracked().trim().to_string();
        if request.is_empty() {
            failure.set(Some(
                "请写明哪里有误、应当如何更正 / say what is wrong and what is right".into(),
            ));
            return;
        }
        let body = CorrectionRequest {
            name: name.clone(),
            id_number: id_number.clone(),
            certificate: number.clone(),
            request,
        };
        leptos::task::spawn_local(async move {
            match api::request_correction(&body).await {
                Ok(v) => {
                    failure.set(None);
                    answer.set(Some(v));
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    view! {
        {move || match answer.get() {
            Some(a) => {
                let office = a.office_name.unwrap_or_default();
                let due = date(a.correction.due);
                let provisional = a.correction.provisional;
                view! {
                    <p class="notice correction-sent" role="status">
                        {move || format!("{}{}{}{}", tr("更正申请已提交，", "Sent: "), office, tr(" 将在以下日期前核实办结：", " will verify and answer by "), due)}
                        <crate::components::Provisional on=provisional />
                    </p>
                }.into_any()
            }
            None if open.get() => view! {
                <form class="correction-form" on:submit=send.clone()>
                    <label for=field_for_label.clone()>{move || tr("哪里有误、应当如何更正", "What is wrong, and what is right")}</label>
                    <textarea id=field_for_label.clone() maxlength="500" rows="3"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button">{move || tr("提交更正申请", "Send the correction request")}</button>
                </form>
            }.into_any(),
            None => view! {
                <button type="button" class="button secondary correction-open" on:click=move |_| open.set(true)>
                    {move || tr("信息有误？申请更正", "Something wrong? Ask for a correction")}
                </button>
            }.into_any(),
        }}
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
    }
}
