//! One case for staff: the applicant (ID numbers masked; in full only on an explicit, audited
//! reveal), the materials with previews, the domain's check re-run here with reasons and
//! sources, the due date of every step, seals, 协查, the timeline and the audit trail — and the
//! actions this role may take now. When someone else acted first the page says so plainly and
//! shows the case as it now is.

use domain::contract::{EligibilityAnswer, EligibilityRequest};
use domain::materials::MaterialCode;
use domain::roles::ActionKind;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::{Value, json};

use crate::api::{self, ApiError};
use crate::components::{
    Checklist, DeadlineList, DivisionPicker, Divisions, Reasons, action_name, date_of, state_name,
    step_name, strings,
};
use crate::i18n::{Lang, bi, date, tr};
use crate::pages::staff_issue::{ForwardOut, OutOfCityIssue};
use crate::pages::staff_login::{Login, StaffBar};
use crate::pages::staff_queue::service_name;
use crate::pages::staff_return::{ReturnDraft, ReturnForm};
use crate::staff::{Session, Staff, role_name};

#[component]
pub fn StaffCase() -> impl IntoView {
    let staff = Staff::get();
    let params = use_params_map();
    move || {
        let number = params.read().get("number").unwrap_or_default();
        match staff.session() {
            None => view! { <Login /> }.into_any(),
            Some(s) => {
                view! { <StaffBar session=s.clone() /> <CasePage session=s number=number /> }
                    .into_any()
            }
        }
    }
}

/// What a page-level message says and how it looks.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Done(String),
    Conflict,
    Failed(String),
}

/// What the staff member has written into the action forms. Kept above the case view, so a
/// reload — after someone else acted first — loses none of it.
#[derive(Debug, Clone, Copy)]
struct ActionDraft {
    ret: ReturnDraft,
    agree: RwSignal<bool>,
    opinion: RwSignal<String>,
    basis: RwSignal<String>,
    refusal: RwSignal<String>,
    ask_to: RwSignal<Option<domain::DivisionCode>>,
    question: RwSignal<String>,
    reply: RwSignal<String>,
    method: RwSignal<Option<String>>,
    address: RwSignal<Option<String>>,
    reasons: RwSignal<String>,
    resolution: RwSignal<String>,
    /// The holders' names as corrected, one per line (empty: no change).
    holders: RwSignal<String>,
}

impl ActionDraft {
    fn new() -> ActionDraft {
        ActionDraft {
            ret: ReturnDraft::default(),
            agree: RwSignal::new(true),
            opinion: RwSignal::new(String::new()),
            basis: RwSignal::new(String::new()),
            refusal: RwSignal::new(String::new()),
            ask_to: RwSignal::new(None),
            question: RwSignal::new(String::new()),
            reply: RwSignal::new(String::new()),
            method: RwSignal::new(None),
            address: RwSignal::new(None),
            reasons: RwSignal::new(String::new()),
            resolution: RwSignal::new(String::new()),
            holders: RwSignal::new(String::new()),
        }
    }

    /// After an action went through, its text is spent.
    fn clear(self) {
        self.ret.clear();
        for text in [
            self.opinion,
            self.basis,
            self.refusal,
            self.question,
            self.reply,
            self.reasons,
        ] {
            text.set(String::new());
        }
        self.agree.set(true);
        self.ask_to.set(None);
        self.method.set(None);
        self.address.set(None);
    }
}

#[component]
fn CasePage(session: Session, number: String) -> impl IntoView {
    let staff = Staff::get();
    let draft = ActionDraft::new();
    let case = RwSignal::new(None::<Value>);
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<Notice>);
    let token = StoredValue::new(session.token.clone());
    let number = StoredValue::new(number);
    let load = move || {
        let (n, t) = (number.get_value(), token.get_value());
        leptos::task::spawn_local(async move {
            match api::staff_case(&n, &t).await {
                Ok(v) => {
                    failure.set(None);
                    case.set(Some(v));
                }
                Err(e) => {
                    staff.check(&e);
                    case.set(None);
                    failure.set(Some(e));
                }
            }
        });
    };
    load();
    let act = Callback::new(move |body: Value| {
        let (n, t) = (number.get_value(), token.get_value());
        let action = body["action"].as_str().unwrap_or_default().to_string();
        leptos::task::spawn_local(async move {
            match api::staff_action(&n, &t, &body).await {
                Ok(v) => {
                    draft.clear();
                    case.set(Some(v));
                    notice.set(Some(Notice::Done(action)));
                }
                Err(ApiError::Problem(p)) if p.status == 409 && p.code != "invalid_state" => {
                    notice.set(Some(Notice::Conflict));
                    load();
                }
                Err(e) => {
                    staff.check(&e);
                    notice.set(Some(Notice::Failed(e.message())));
                }
            }
        });
    });
    view! {
        {move || notice.get().map(|n| match n {
            Notice::Done(action) => view! {
                <p class="notice-ok" role="status" id="action-done">{move || format!("{}{}", tr("已完成：", "Done: "), action_name(&action))}</p>
            }.into_any(),
            Notice::Conflict => view! {
                <p class="notice" role="alert" id="action-conflict">{move || tr(
                    "其他工作人员已先处理了此案件，您的操作未执行。下面是重新载入的最新情况，请核对后再操作。",
                    "Someone else acted on this case first, so your action was not taken. The case below is reloaded as it is now: check it and act again.",
                )}</p>
            }.into_any(),
            Notice::Failed(m) => view! { <p class="field-error" role="alert" id="action-failed">{bi(&m)}</p> }.into_any(),
        })}
        {move || failure.get().map(|e| {
            let out_of_scope = matches!(&e, ApiError::Problem(p) if p.code == "out_of_scope");
            // A case outside one's division answers as a missing one (issue 18): say both.
            let not_found = matches!(&e, ApiError::Problem(p) if p.code == "case_not_found");
            let message = if not_found {
                "没有您可以查阅的这个案件：编号有误，或案件不在您的辖区内 / No case with this number that you may read: the number is wrong, or the case is outside your division".to_string()
            } else {
                e.message()
            };
            view! {
                <h1>{move || number.get_value()}</h1>
                <p class="field-error" role="alert" id="case-failure" data-out-of-scope=out_of_scope.to_string() data-not-found=not_found.to_string()>{move || bi(&message)}</p>
                <a href="/staff">{move || tr("返回待办案件", "Back to the queue")}</a>
            }
        })}
        {move || case.get().map(|c| view! { <CaseDetail case=c session=session.clone() act=act draft=draft /> })}
    }
}

#[component]
fn CaseDetail(
    case: Value,
    session: Session,
    act: Callback<Value>,
    draft: ActionDraft,
) -> impl IntoView {
    let divisions = Divisions::get();
    let number = case["number"].as_str().unwrap_or_default().to_string();
    let state = case["state"].as_str().unwrap_or_default().to_string();
    let service = case["service"].as_str().unwrap_or_default().to_string();
    for key in [
        "accepting_division",
        "deciding_division",
        "reviewing_division",
    ] {
        if let Some(d) = case[key].as_str().map(String::from) {
            // Reactive: a village's name loads once the counties with villages are known.
            Effect::new(move |_| divisions.load_for(&d, d.len()));
        }
    }
    let accepting = case["accepting_division"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let deciding = case["deciding_division"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // 重庆's 申报地 (004 四(三)) or 吉林's re-birth opinion township (002 第六条).
    let reviewing = case["reviewing_division"].as_str().map(String::from);
    let overdue = strings(&case["overdue"]);
    let situation: Option<EligibilityRequest> =
        serde_json::from_value(case["situation"].clone()).ok();
    let answer: Option<EligibilityAnswer> = situation
        .as_ref()
        .and_then(|s| domain::policy::check(s).ok());
    let state_label = state.clone();
    view! {
        <h1 id="case-number">{number.clone()}</h1>
        <p class="case-meta">
            {move || service_name(&service)} " · "
            <strong id="case-state" data-state=state.clone()>{move || state_name(&state_label)}</strong>
        </p>
        <p class="office">
            {move || format!("{}{}", tr("受理：", "Accepted at: "), divisions.full_name(&accepting))}
            " · "
            {move || format!("{}{}", tr("决定：", "Decided by: "), divisions.full_name(&deciding))}
            {reviewing.map(|r| view! {
                " · "
                <span id="reviewing-office">
                    {move || format!("{}{}", tr("预审及意见：", "Pre-review and opinion: "), divisions.full_name(&r))}
                </span>
            })}
        </p>
        {(!overdue.is_empty()).then(|| {
            let names = overdue.clone();
            view! {
                <p class="red-flag" id="red-flag" role="alert">
                    {move || format!("{}{}", tr("已超过办理时限：", "Past its limit: "), names.iter().map(|s| step_name(s)).collect::<Vec<_>>().join("、"))}
                </p>
            }
        })}
        {case["deemed_issue"].as_bool().unwrap_or(false).then(|| view! {
            <p class="notice">{move || tr("逾期视为同意，已发证（000 二(二)5）", "Deemed issued after the limit (000 二(二)5)")}</p>
        })}
        // Wide screens: the case on the left, what to do with it beside it; phones: the
        // actions first, as they are what the visit is for.
        <div class="case-layout">
        <aside class="case-actions">
            <Actions case=case.clone() session=session.clone() answer=answer.clone() act=act draft=draft />
        </aside>
        <div class="case-main">
        <Applicant case=case.clone() token=session.token.clone() may_reveal=case["may"]["reveal"] == true />
        <Materials case=case.clone() token=session.token.clone() may_open=case["may"]["open_scans"] == true />
        <section class="panel" aria-labelledby="check-heading">
            <h2 id="check-heading">{move || tr("条件复核（按申请时的情况重新计算）", "Eligibility re-checked (on the facts as submitted)")}</h2>
            {match answer.clone() {
                Some(a) => view! {
                    <p id="recheck" data-eligible=a.eligible.to_string()>
                        <strong>{move || if a.eligible { tr("符合条件", "Eligible") } else { tr("不符合条件", "Not eligible") }}</strong>
                    </p>
                    <Reasons reasons=a.reasons.clone() />
                    <h3>{move || tr("材料清单", "Materials")}</h3>
                    <Checklist materials=a.materials.clone() />
                }.into_any(),
                None => view! { <p class="notice">{move || tr("无法复核：申请情况不完整", "Cannot re-check: the situation is incomplete")}</p> }.into_any(),
            }}
        </section>
        <Deadlines case=case.clone() />
        <Seals case=case.clone() />
        <Verifications case=case.clone() />
        <Certificate case=case.clone() token=session.token.clone() />
        <Corrections case=case.clone() />
        <Timeline case=case.clone() />
        <Audit case=case />
        </div>
        </div>
    }
}

#[component]
fn Applicant(case: Value, token: String, may_reveal: bool) -> impl IntoView {
    let number = case["number"].as_str().unwrap_or_default().to_string();
    let a = case["applicant"].clone();
    let revealed = RwSignal::new(None::<Value>);
    let failure = RwSignal::new(None::<String>);
    let reveal = move |_| {
        let (n, t) = (number.clone(), token.clone());
        leptos::task::spawn_local(async move {
            match api::reveal(&n, &t).await {
                Ok(v) => revealed.set(Some(v)),
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    let id = a["id_number"].as_str().unwrap_or_default().to_string();
    let spouse_id = a["spouse_id_number"].as_str().map(String::from);
    let commitment = case["commitment"].is_object();
    let requested = case["delivery_requested"]["method"]
        .as_str()
        .map(String::from);
    let address = case["delivery_requested"]["address"]
        .as_str()
        .map(String::from);
    view! {
        <section class="panel" aria-labelledby="applicant-heading">
            <h2 id="applicant-heading">{move || tr("申请人", "Applicant")}</h2>
            <dl class="facts">
                <dt>{move || tr("姓名", "Name")}</dt><dd id="applicant-name">{a["name"].as_str().unwrap_or_default().to_string()}</dd>
                <dt>{move || tr("身份证号码", "ID number")}</dt>
                <dd id="applicant-id">{move || revealed.get().and_then(|r| r["applicant"]["id_number"].as_str().map(String::from)).unwrap_or_else(|| id.clone())}</dd>
                <dt>{move || tr("手机", "Mobile")}</dt><dd>{a["phone"].as_str().unwrap_or_default().to_string()}</dd>
                {a["spouse_name"].as_str().map(|name| {
                    let spouse_id = spouse_id.clone().unwrap_or_default();
                    view! {
                        <dt>{move || tr("配偶", "Spouse")}</dt>
                        <dd id="spouse">{name.to_string()} " "
                            <span id="spouse-id">{move || revealed.get().and_then(|r| r["spouse"]["id_number"].as_str().map(String::from)).unwrap_or_else(|| spouse_id.clone())}</span>
                        </dd>
                    }
                })}
                <dt>{move || tr("承诺", "Commitment")}</dt>
                <dd>{move || if commitment { tr("已在线签署告知承诺书", "Signed online") } else { tr("未在线签署", "Not signed online") }}</dd>
                {requested.map(|m| view! {
                    <dt>{move || tr("领取方式", "Delivery")}</dt>
                    <dd>{move || delivery_name(&m)} {address.clone().map(|a| format!("：{a}"))}</dd>
                })}
            </dl>
            <Show when=move || may_reveal && revealed.get().is_none()>
                <button type="button" class="button secondary" id="reveal-id" on:click=reveal.clone()>
                    {move || tr("显示完整身份证号码（将记入审计）", "Show full ID numbers (recorded in the audit trail)")}
                </button>
            </Show>
            <Show when=move || revealed.get().is_some()>
                <p class="hint" id="revealed-note">{move || tr("完整号码的查看已记入审计。", "Seeing the full numbers is recorded in the audit trail.")}</p>
            </Show>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        </section>
    }
}

fn delivery_name(method: &str) -> &'static str {
    match method {
        "express_cod" => tr("快递（到付）", "Express, paid on delivery"),
        "self_print" => tr("自行打印电子证照", "Self-print"),
        _ => tr("窗口领取", "Collect at the office"),
    }
}

#[component]
fn Materials(case: Value, token: String, may_open: bool) -> impl IntoView {
    let number = case["number"].as_str().unwrap_or_default().to_string();
    let materials = case["materials"].as_array().cloned().unwrap_or_default();
    // The one scan shown: its blob URL, type and label; the previous URL is released.
    let preview = RwSignal::new(None::<(String, String, String)>);
    let failure = RwSignal::new(None::<String>);
    let show = move |id: String, label: String| {
        let url = api::attachment_url(&number, &id);
        let token = token.clone();
        leptos::task::spawn_local(async move {
            match api::object_url(&url, &token).await {
                Ok((blob, kind)) => {
                    if let Some((old, _, _)) = preview.get_untracked() {
                        let _ = web_sys::Url::revoke_object_url(&old);
                    }
                    failure.set(None);
                    preview.set(Some((blob, kind, label)));
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    let show = StoredValue::new(show);
    view! {
        <section class="panel" aria-labelledby="materials-heading">
            <h2 id="materials-heading">{move || tr("申请材料", "Materials")}</h2>
            <ul class="materials" id="materials">
                {materials.into_iter().map(|m| {
                    let code = m["code"].as_str().unwrap_or_default().to_string();
                    let material = MaterialCode::from_code(&code);
                    let name = move || match (material, Lang::current()) {
                        (Some(c), Lang::Zh) => c.name_zh().to_string(),
                        (Some(c), Lang::En) => c.name_en().to_string(),
                        (None, _) => code.clone(),
                    };
                    let seen = m["checked_in_person"].as_bool().unwrap_or(false);
                    let ids = strings(&m["attachments"]);
                    view! {
                        <li data-material=m["code"].as_str().unwrap_or_default().to_string()>
                            <strong>{name.clone()}</strong>
                            {seen.then(|| view! { <span class="seen">{move || tr("（窗口已核验原件）", " (original seen at the window)")}</span> })}
                            {(!may_open).then(|| view! {
                                <span class="hint">{move || tr("（扫描件仅经办单位可查看）", " (scans: the offices working the case only)")}</span>
                            })}
                            {ids.into_iter().filter(|_| may_open).enumerate().map(|(i, id)| {
                                let name = name.clone();
                                let label = move || format!("{} {}", name(), i + 1);
                                let open_label = label.clone();
                                view! {
                                    " "
                                    <button type="button" class="link-button preview-button"
                                        on:click=move |_| show.with_value(|s| s(id.clone(), open_label())) >
                                        {move || format!("{}{}", tr("查看第", "View page "), i + 1)}{move || tr("页", "")}
                                    </button>
                                }
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
            {move || preview.get().map(|(url, kind, label)| {
                if kind.starts_with("image/") {
                    view! { <figure class="preview" id="preview"><img src=url alt=label.clone() /><figcaption>{label}</figcaption></figure> }.into_any()
                } else {
                    view! { <p class="preview" id="preview"><a href=url target="_blank" rel="noopener">{move || tr("打开PDF：", "Open the PDF: ")}{label.clone()}</a></p> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn Deadlines(case: Value) -> impl IntoView {
    let overdue = strings(&case["overdue"]);
    let deadlines = case["deadlines"].as_array().cloned().unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="deadlines-heading">
            <h2 id="deadlines-heading">{move || tr("各步骤办理期限", "Due date of each step")}</h2>
            <DeadlineList deadlines=deadlines overdue=overdue />
        </section>
    }
}

fn level_name(level: &str) -> &'static str {
    match serde_json::from_value::<domain::division::Level>(json!(level)) {
        Ok(l) => tr(l.name_zh(), l.name_en()),
        Err(_) => tr("其他", "Other"),
    }
}

/// The electronic seals (吉林 art. 15, 17), drawn as stamps.
#[component]
fn Seals(case: Value) -> impl IntoView {
    let divisions = Divisions::get();
    let seals = case["seals"].as_array().cloned().unwrap_or_default();
    (!seals.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="seals-heading">
            <h2 id="seals-heading">{move || tr("电子印章", "Electronic seals")}</h2>
            <ul class="seals" id="seals">
                {seals.into_iter().map(|s| {
                    let level = s["level"].as_str().unwrap_or_default().to_string();
                    let division = s["division"].as_str().unwrap_or_default().to_string();
                    let at = s["at"].as_i64().map(|ms| domain::case::Moment(ms).china_time()).unwrap_or_default();
                    let data_level = level.clone();
                    let name = move || divisions.full_name(&division);
                    let stamp = name.clone();
                    view! {
                        <li data-level=data_level>
                            <svg class="stamp" viewBox="0 0 100 100" width="72" height="72" role="img"
                                aria-label=move || format!("{} {}", stamp(), tr("电子印章", "seal"))>
                                <circle cx="50" cy="50" r="44" fill="none" stroke="#c8102e" stroke-width="5" />
                                <text x="50" y="58" text-anchor="middle" font-size="26" fill="#c8102e">"★"</text>
                            </svg>
                            <span>{move || format!("{} · {} · {}", level_name(&level), name(), at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

#[component]
fn Verifications(case: Value) -> impl IntoView {
    let divisions = Divisions::get();
    let list = case["verifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (!list.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="verifications-heading">
            <h2 id="verifications-heading">{move || tr("协查", "Verifications")}</h2>
            <ul id="verifications">
                {list.into_iter().map(|v| {
                    let to = v["to"].as_str().unwrap_or_default().to_string();
                    divisions.load_for(&to, to.len());
                    let due = date_of(&v["due"]);
                    let answer = v["answer"].as_str().map(String::from);
                    let provisional = v["provisional"].as_bool().unwrap_or(false) && answer.is_none();
                    view! {
                        <li>
                            {move || format!("{}{}：", tr("致 ", "To "), divisions.full_name(&to))}
                            {v["question"].as_str().unwrap_or_default().to_string()}
                            {move || due.map(|d| format!("（{}{}）", tr("回复期限 ", "answer by "), date(d)))}
                            <crate::components::Provisional on=provisional />
                            {answer.clone().map(|a| view! { <p class="note">{move || tr("回复：", "Answer: ")}{a.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// The electronic certificate, for printing at the window (the download is audited).
#[component]
fn Certificate(case: Value, token: String) -> impl IntoView {
    let number = case["certificate"]["facts"]["number"]
        .as_str()
        .map(String::from)
        .filter(|_| case["may"]["download_certificate"] == true)?;
    let failure = RwSignal::new(None::<String>);
    let shown = number.clone();
    let save = move |_| {
        let (number, token) = (number.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let url = format!("/api/certificates/{number}.pdf");
            match api::object_url(&url, &token).await {
                Ok((blob, _)) => {
                    failure.set(None);
                    api::download(&blob, &format!("{number}.pdf"));
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    Some(view! {
        <section class="panel" aria-labelledby="certificate-heading">
            <h2 id="certificate-heading">{move || tr("电子证照", "Electronic certificate")}</h2>
            <p>{move || tr("证照编号：", "Number: ")}<strong id="staff-certificate-number">{shown.clone()}</strong></p>
            <button type="button" class="button secondary" id="staff-certificate-pdf" on:click=save>
                {move || tr("下载电子证照（PDF）", "Download the certificate (PDF)")}
            </button>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{bi(&m)}</p> })}
        </section>
    })
}

/// Correction requests from the self-service lookup (004 四(四)), open ones first.
#[component]
fn Corrections(case: Value) -> impl IntoView {
    let mut list = case["corrections"].as_array().cloned().unwrap_or_default();
    list.sort_by_key(|c| !c["resolved_on"].is_null());
    (!list.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="corrections-heading">
            <h2 id="corrections-heading">{move || tr("更正申请（004 四(四)）", "Correction requests (004 四(四))")}</h2>
            <ul id="corrections">
                {list.into_iter().map(|c| {
                    let due = date_of(&c["due"]);
                    let resolution = c["resolution"].as_str().map(String::from);
                    let provisional = c["provisional"].as_bool().unwrap_or(false) && resolution.is_none();
                    let by = c["requested_by"].as_str().unwrap_or_default().to_string();
                    view! {
                        <li data-open=resolution.is_none().to_string()>
                            <strong>{format!("#{} ", c["id"].as_u64().unwrap_or(0))}</strong>
                            {by}{"："}{c["request"].as_str().unwrap_or_default().to_string()}
                            {move || due.map(|d| format!("（{}{}）", tr("办结期限 ", "due "), date(d)))}
                            <crate::components::Provisional on=provisional />
                            {resolution.clone().map(|r| view! { <p class="note">{move || tr("办结：", "Resolved: ")}{r.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

fn who(by: &Value) -> String {
    match by["kind"].as_str() {
        Some("staff") => {
            let role = by["role"]
                .as_str()
                .and_then(|r| serde_json::from_value(json!(r)).ok())
                .map(role_name)
                .unwrap_or_default();
            match by["username"].as_str() {
                Some(u) => format!("{u}（{role}）"),
                None => role.to_string(),
            }
        }
        Some("applicant") => tr("申请人", "Applicant").into(),
        Some("system") => tr("系统", "System").into(),
        _ => String::new(),
    }
}

#[component]
fn Timeline(case: Value) -> impl IntoView {
    let timeline = case["timeline"].as_array().cloned().unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{move || tr("办理记录", "Timeline")}</h2>
            <ol class="timeline" id="timeline">
                {timeline.into_iter().map(|e| {
                    let action = e["action"].as_str().unwrap_or_default().to_string();
                    let data_action = action.clone();
                    let when = e["at"].as_i64().map(|ms| domain::case::Moment(ms).china_time()).unwrap_or_default();
                    let details = strings(&e["details"]).join("；");
                    let by = e["by"].clone();
                    view! {
                        <li data-action=data_action>
                            <time>{when}</time> " "
                            <strong>{move || action_name(&action)}</strong>
                            " " <span class="by">{move || who(&by)}</span>
                            {(!details.is_empty()).then(|| view! { <p class="note">{details.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn audit_name(action: &str) -> String {
    match action {
        "read" => tr("查阅案件", "Read the case").into(),
        "reveal_id_numbers" => tr("查看完整身份证号码", "Saw the full ID numbers").into(),
        a if a.starts_with("read_attachment") => tr("查看材料附件", "Opened a scan").into(),
        a => action_name(a),
    }
}

/// Every read and change, with who (吉林 art. 13).
#[component]
fn Audit(case: Value) -> impl IntoView {
    let audit = case["audit"].as_array().cloned().unwrap_or_default();
    view! {
        <details class="panel">
            <summary><h2 class="inline-heading">{move || tr("审计记录（每次查阅和变更）", "Audit trail (every read and change)")}</h2></summary>
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || tr("审计记录", "Audit trail")>
                <table id="audit">
                    <thead><tr>
                        <th scope="col">{move || tr("时间", "When")}</th>
                        <th scope="col">{move || tr("人员", "Who")}</th>
                        <th scope="col">{move || tr("操作", "What")}</th>
                    </tr></thead>
                    <tbody>
                        {audit.into_iter().map(|e| {
                            let action = e["action"].as_str().unwrap_or_default().to_string();
                            let data_action = action.clone();
                            let when = e["at"].as_i64().map(|ms| domain::case::Moment(ms).china_time()).unwrap_or_default();
                            let by = e["by"].clone();
                            view! {
                                <tr data-action=data_action>
                                    <td>{when}</td>
                                    <td>{move || who(&by)}</td>
                                    <td>{move || audit_name(&action)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

/// Reason templates, each with its rule; picking one fills the text, which stays editable.
fn refuse_templates(answer: Option<&EligibilityAnswer>) -> Vec<String> {
    let mut out: Vec<String> = answer
        .map(|a| {
            a.reasons
                .iter()
                .filter(|r| r.effect == domain::contract::Effect::Denies)
                .map(|r| format!("{}（{}）", r.text, r.source))
                .collect()
        })
        .unwrap_or_default();
    out.push("经协查核实，申请人不符合生育条件（000 二(二)4）".into());
    out.push("申请人提供的材料与事实不符（002 第二十条）".into());
    out
}

fn approve_templates(answer: Option<&EligibilityAnswer>) -> Vec<String> {
    let sources: Vec<String> = answer
        .map(|a| {
            a.reasons
                .iter()
                .filter(|r| r.effect == domain::contract::Effect::Allows)
                .map(|r| format!("{}（{}）", r.text, r.source))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    if !sources.is_empty() {
        out.push(format!(
            "经审查，材料齐全，{}，予以批准",
            sources.join("；")
        ));
    }
    out.push("经审查，材料齐全，符合再生育条件，予以批准".into());
    out
}

const OPINION_TEMPLATES: [&str; 3] = [
    "材料齐全，情况属实，同意上报县级审批",
    "经入户核实，情况属实",
    "材料与事实不符，不同意",
];

/// A labelled multi-line text field bound to `value`.
#[component]
pub(crate) fn TextArea(
    #[prop(into)] id: String,
    label: (&'static str, &'static str),
    rows: u8,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{move || tr(label.0, label.1)}</label>
            <textarea id=id rows=rows maxlength=domain::limits::TEXT_MAX_CHARS.to_string() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// A select of templates that writes into `target`.
#[component]
fn Templates(id: &'static str, options: Vec<String>, target: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{move || tr("常用理由（可修改）", "Templates (editable)")}</label>
            <select id=id on:change=move |ev| {
                let v = event_target_value(&ev);
                if !v.is_empty() {
                    target.set(v);
                }
            }>
                <option value="">{move || tr("选择模板…", "Choose a template…")}</option>
                {options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        </div>
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The actions the server says this staff member may take on the case now.
#[component]
fn Actions(
    case: Value,
    session: Session,
    answer: Option<EligibilityAnswer>,
    act: Callback<Value>,
    draft: ActionDraft,
) -> impl IntoView {
    let available: Vec<ActionKind> = case["available_actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| serde_json::from_value(k.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    let version = case["version"].as_u64().unwrap_or(0);
    let has = |k: ActionKind| available.contains(&k);
    // The competent office outside the system a forwarded file goes to (000 二(二)3).
    let forward_to = case["deciding_division"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let out_of_city = case["out_of_city_check_required"]
        .as_bool()
        .unwrap_or(false);
    let problem = RwSignal::new(None::<String>);
    let send = move |mut body: Value| {
        body["version"] = json!(version);
        problem.set(None);
        act.run(body);
    };
    let need = move |text: &str, zh: &'static str, en: &'static str| -> bool {
        if text.trim().is_empty() {
            problem.set(Some(format!("{zh} / {en}")));
            false
        } else {
            true
        }
    };
    let ActionDraft {
        ret,
        agree,
        opinion,
        basis,
        refusal,
        ask_to,
        question,
        reply,
        reasons: revoke_reasons,
        resolution,
        holders,
        ..
    } = draft;
    let open_correction = case["corrections"].as_array().and_then(|cs| {
        cs.iter().find(|c| c["resolved_on"].is_null()).map(|c| {
            (
                c["id"].as_u64().unwrap_or(0),
                c["request"].as_str().unwrap_or_default().to_string(),
            )
        })
    });
    let current_holders: Vec<String> = case["certificate"]["facts"]["holders"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if holders.get_untracked().trim().is_empty() {
        holders.set(current_holders.join("\n"));
    }
    // The delivery the applicant asked for, unless the staff member has chosen otherwise.
    if draft.method.get_untracked().is_none() {
        draft.method.set(Some(
            case["delivery_requested"]["method"]
                .as_str()
                .unwrap_or("pickup")
                .to_string(),
        ));
    }
    if draft.address.get_untracked().is_none() {
        draft.address.set(Some(
            case["delivery_requested"]["address"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ));
    }
    let method = draft.method;
    let address = draft.address;
    let open_verification = case["verifications"].as_array().and_then(|vs| {
        vs.iter().find(|v| v["answered_on"].is_null()).map(|v| {
            (
                v["id"].as_u64().unwrap_or(0),
                v["question"].as_str().unwrap_or_default().to_string(),
            )
        })
    });
    let level = session
        .division
        .map(|d| format!("{:?}", d.level()).to_lowercase())
        .unwrap_or_default();
    if available.is_empty() {
        return view! {
            <section class="panel actions" id="actions">
                <h2>{move || tr("办理", "Actions")}</h2>
                <p class="hint" id="no-actions">{move || tr("此案件当前没有您可以办理的步骤。", "There is nothing for you to do on this case now.")}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel actions" id="actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{move || tr("办理", "Actions")}</h2>
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert" id="action-problem">{bi(&m)}</p> })}
            <div class="action-buttons">
                {has(ActionKind::PreReview).then(|| view! {
                    <button type="button" class="button" id="do-pre_review" on:click=move |_| send(json!({"action": "pre_review"}))>
                        {move || tr("预审通过", "Pre-review passed")}
                    </button>
                })}
                {has(ActionKind::Seal).then(|| view! {
                    <button type="button" class="button secondary" id="do-seal" on:click=move |_| send(json!({"action": "seal"}))>
                        {move || format!("{}（{}）", tr("加盖本级电子印章", "Add this level's e-seal"), level_name(&level))}
                    </button>
                })}
                {(has(ActionKind::Issue) && !out_of_city).then(|| view! {
                    <button type="button" class="button" id="do-issue" on:click=move |_| send(json!({"action": "issue"}))>
                        {move || tr("发证", "Issue")}
                    </button>
                })}
            </div>
            {(has(ActionKind::Issue) && out_of_city).then(|| view! {
                <OutOfCityIssue problem=problem send=Callback::new(send) can_defer=has(ActionKind::DeferOutOfCityCheck) />
            })}
            {has(ActionKind::TownshipOpinion).then(|| view! {
                <fieldset class="action" id="form-township_opinion">
                    <legend>{move || tr("乡镇（街道）审核意见", "Township opinion")}</legend>
                    <div class="field choice">
                        <input type="radio" name="agree" id="opinion-agree" prop:checked=move || agree.get() on:change=move |_| agree.set(true) />
                        <label for="opinion-agree">{move || tr("同意", "Agree")}</label>
                        <input type="radio" name="agree" id="opinion-disagree" prop:checked=move || !agree.get() on:change=move |_| agree.set(false) />
                        <label for="opinion-disagree">{move || tr("不同意", "Disagree")}</label>
                    </div>
                    <Templates id="opinion-template" options=OPINION_TEMPLATES.iter().map(|s| s.to_string()).collect() target=opinion />
                    <TextArea id="opinion-text" label=("审核意见（必填）", "Opinion (required)") rows=3 value=opinion />
                    <button type="button" class="button" id="do-township_opinion" on:click=move |_| {
                        if need(&opinion.get_untracked(), "请写明审核意见", "write the opinion") {
                            send(json!({"action": "township_opinion", "agree": agree.get_untracked(), "opinion": opinion.get_untracked().trim()}));
                        }
                    }>{move || tr("提交审核意见", "Give the opinion")}</button>
                </fieldset>
            })}
            {has(ActionKind::Approve).then(|| {
                let templates = approve_templates(answer.as_ref());
                view! {
                    <fieldset class="action" id="form-approve">
                        <legend>{move || tr("批准", "Approve")}</legend>
                        <Templates id="approve-template" options=templates target=basis />
                        <TextArea id="approve-basis" label=("批准理由及依据（必填）", "Basis of the approval (required)") rows=3 value=basis />
                        <button type="button" class="button" id="do-approve" on:click=move |_| {
                            if need(&basis.get_untracked(), "请写明批准理由及依据", "write the basis of the approval") {
                                send(json!({"action": "approve", "basis": basis.get_untracked().trim()}));
                            }
                        }>{move || tr("批准", "Approve")}</button>
                    </fieldset>
                }
            })}
            {has(ActionKind::Refuse).then(|| {
                let templates = refuse_templates(answer.as_ref());
                view! {
                    <fieldset class="action" id="form-refuse">
                        <legend>{move || tr("不予办理", "Refuse")}</legend>
                        <Templates id="refuse-template" options=templates target=refusal />
                        <TextArea id="refuse-reasons" label=("书面理由（必填，每行一条，申请人将看到）", "Written reasons (required, one per line; the applicant sees them)") rows=3 value=refusal />
                        <button type="button" class="button warning" id="do-refuse" on:click=move |_| {
                            if need(&refusal.get_untracked(), "不予办理必须写明理由", "a refusal needs written reasons") {
                                send(json!({"action": "refuse", "reasons": lines(&refusal.get_untracked())}));
                            }
                        }>{move || tr("不予办理", "Refuse")}</button>
                    </fieldset>
                }
            })}
            {has(ActionKind::Return).then(|| view! {
                <ReturnForm case=case.clone() role=session.role draft=ret problem=problem send=Callback::new(send) />
            })}
            {has(ActionKind::ForwardOut).then(|| view! {
                <ForwardOut problem=problem send=Callback::new(send) to=forward_to.clone() />
            })}
            {has(ActionKind::RequestVerification).then(|| view! {
                <fieldset class="action" id="form-request_verification">
                    <legend>{move || tr("发出协查（000 二(二)4）", "Request a verification (000 二(二)4)")}</legend>
                    <DivisionPicker id="verify-to" legend="协查单位" legend_en="Office asked" value=ask_to min_len=6 max_len=9 />
                    <TextArea id="verify-question" label=("协查事项（必填）", "Question (required)") rows=2 value=question />
                    <button type="button" class="button secondary" id="do-request_verification" on:click=move |_| {
                        let Some(to) = ask_to.get_untracked() else {
                            problem.set(Some("请选择协查单位 / choose the office to ask".into()));
                            return;
                        };
                        if need(&question.get_untracked(), "请写明协查事项", "write the question") {
                            send(json!({"action": "request_verification", "to": to.to_string(), "question": question.get_untracked().trim()}));
                        }
                    }>{move || tr("发出协查", "Send the request")}</button>
                </fieldset>
            })}
            {(has(ActionKind::AnswerVerification)).then(|| open_verification.clone()).flatten().map(|(id, q)| view! {
                <fieldset class="action" id="form-answer_verification">
                    <legend>{move || tr("回复协查", "Answer the verification")}</legend>
                    <p>{q}</p>
                    <TextArea id="verify-answer" label=("回复（必填）", "Answer (required)") rows=2 value=reply />
                    <button type="button" class="button secondary" id="do-answer_verification" on:click=move |_| {
                        if need(&reply.get_untracked(), "请写明回复", "write the answer") {
                            send(json!({"action": "answer_verification", "id": id, "answer": reply.get_untracked().trim()}));
                        }
                    }>{move || tr("回复", "Answer")}</button>
                </fieldset>
            })}
            {has(ActionKind::Deliver).then(|| view! {
                <fieldset class="action" id="form-deliver">
                    <legend>{move || tr("记录送达", "Record delivery")}</legend>
                    {["pickup", "express_cod", "self_print"].into_iter().map(|m| {
                        let id = format!("deliver-{m}");
                        view! {
                            <div class="field choice">
                                <input type="radio" name="deliver" id=id.clone() prop:checked=move || method.get().as_deref() == Some(m) on:change=move |_| method.set(Some(m.to_string())) />
                                <label for=id>{move || delivery_name(m)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <Show when=move || method.get().as_deref() == Some("express_cod")>
                        <div class="field">
                            <label for="deliver-address">{move || tr("快递地址", "Address")}</label>
                            <input type="text" id="deliver-address" prop:value=move || address.get().unwrap_or_default() on:input=move |ev| address.set(Some(event_target_value(&ev))) />
                        </div>
                    </Show>
                    <button type="button" class="button secondary" id="do-deliver" on:click=move |_| {
                        let m = method.get_untracked().unwrap_or_else(|| "pickup".into());
                        let delivery = if m == "express_cod" { json!({"method": m, "address": address.get_untracked().unwrap_or_default().trim()}) } else { json!({"method": m}) };
                        send(json!({"action": "deliver", "delivery": delivery}));
                    }>{move || tr("记录送达", "Record delivery")}</button>
                </fieldset>
            })}
            {(has(ActionKind::ResolveCorrection)).then(|| open_correction.clone()).flatten().map(|(id, request)| {
                let before = current_holders.clone();
                view! {
                    <fieldset class="action" id="form-resolve_correction">
                        <legend>{move || tr("办结更正申请（004 四(四)）", "Resolve the correction request (004 四(四))")}</legend>
                        <p class="note">{format!("#{id} ")}{request}</p>
                        <TextArea id="correction-holders".to_string() label=("持证人姓名（每行一人；如需更正姓名，改正后电子证照重新签名）", "Holders' names (one per line; a corrected name re-signs the certificate)") rows=2 value=holders />
                        <TextArea id="correction-resolution".to_string() label=("核实情况及处理结果（必填）", "What was verified and done (required)") rows=2 value=resolution />
                        <button type="button" class="button secondary" id="do-resolve_correction" on:click=move |_| {
                            if need(&resolution.get_untracked(), "必须写明核实情况", "say what was verified") {
                                let names = lines(&holders.get_untracked());
                                let mut body = json!({"action": "resolve_correction", "id": id, "resolution": resolution.get_untracked().trim()});
                                if names != before {
                                    body["holders"] = json!(names);
                                }
                                send(body);
                            }
                        }>{move || tr("办结", "Resolve")}</button>
                    </fieldset>
                }
            })}
            {[(ActionKind::Revoke, "revoke", "撤销（虚假承诺，002 第二十条）", "Revoke (false commitment, 002 art. 20)"),
              (ActionKind::Void, "void", "作废（002 第二十二条）", "Void (002 art. 22)")]
                .into_iter()
                .filter(|(k, ..)| has(*k))
                .map(|(_, code, zh, en)| view! {
                    <fieldset class="action" id=format!("form-{code}")>
                        <legend>{move || tr(zh, en)}</legend>
                        <TextArea id=format!("{code}-reasons") label=("书面理由（必填，每行一条）", "Written reasons (required, one per line)") rows=2 value=revoke_reasons />
                        <button type="button" class="button warning" id=format!("do-{code}") on:click=move |_| {
                            if need(&revoke_reasons.get_untracked(), "必须写明理由", "written reasons are required") {
                                send(json!({"action": code, "reasons": lines(&revoke_reasons.get_untracked())}));
                            }
                        }>{move || tr(zh, en)}</button>
                    </fieldset>
                })
                .collect_view()}
        </section>
    }
    .into_any()
}
