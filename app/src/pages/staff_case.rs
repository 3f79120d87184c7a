//! One case for staff: the applicant (ID numbers masked; in full only on an explicit, audited
//! reveal), the materials with previews, the domain's check re-run here with reasons and
//! sources, the due date of every step, seals, 协查, the timeline and the audit trail — and the
//! actions this role may take now. When someone else acted first the page says so plainly and
//! shows the case as it now is.

use domain::case::Delivery;
use domain::contract::{
    ActionRequest, EligibilityAnswer, Revealed, StaffCaseView, StepBy, TimelineEntry,
};
use domain::division::Level;
use domain::materials::MaterialCode;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::{
    Checklist, DeadlineList, Divisions, Reasons, action_name, state_name, step_name,
};
use crate::i18n::{Lang, bi, date, tr};
pub(crate) use crate::pages::staff_actions::TextArea;
use crate::pages::staff_actions::{ActionDraft, Actions};
use crate::pages::staff_login::{Login, StaffBar};
use crate::pages::staff_queue::service_name;

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

#[component]
fn CasePage(session: Session, number: String) -> impl IntoView {
    let staff = Staff::get();
    let draft = ActionDraft::new();
    let case = RwSignal::new(None::<StaffCaseView>);
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
    let act = Callback::new(move |body: ActionRequest| {
        let (n, t) = (number.get_value(), token.get_value());
        let action = body.action.kind().code().to_string();
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

// Long: the case page's sections in the order staff read them; actions are their own components.
#[component]
fn CaseDetail(
    case: StaffCaseView,
    session: Session,
    act: Callback<ActionRequest>,
    draft: ActionDraft,
) -> impl IntoView {
    let divisions = Divisions::get();
    let number = case.head.number.clone();
    let state = case.head.state.code().to_string();
    let service = case.head.service.code().to_string();
    let offices = [
        Some(case.head.accepting_division),
        Some(case.head.deciding_division),
        case.reviewing_division,
    ];
    for d in offices.into_iter().flatten().map(|d| d.to_string()) {
        // Reactive: a village's name loads once the counties with villages are known.
        Effect::new(move |_| divisions.load_for(&d, d.len()));
    }
    let accepting = case.head.accepting_division.to_string();
    let deciding = case.head.deciding_division.to_string();
    // 重庆's 申报地 (004 四(三)) or 吉林's re-birth opinion township (002 第六条).
    let reviewing = case.reviewing_division.map(|d| d.to_string());
    let overdue = case.overdue.clone();
    let answer: Option<EligibilityAnswer> = domain::policy::check(&case.situation).ok();
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
        {case.deemed_issue.then(|| view! {
            <p class="notice">{move || tr("逾期视为同意，已发证（000 二(二)5）", "Deemed issued after the limit (000 二(二)5)")}</p>
        })}
        // Wide screens: the case on the left, what to do with it beside it; phones: the
        // actions first, as they are what the visit is for.
        <div class="case-layout">
        <aside class="case-actions">
            <Actions case=case.clone() session=session.clone() answer=answer.clone() act=act draft=draft />
        </aside>
        <div class="case-main">
        <Applicant case=case.clone() token=session.token.clone() may_reveal=case.may.reveal />
        <Materials case=case.clone() token=session.token.clone() may_open=case.may.open_scans />
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
        <crate::messages::MessageLog entries=case.messages.clone() />
        <Timeline case=case.clone() />
        <Audit case=case />
        </div>
        </div>
    }
}

#[component]
fn Applicant(case: StaffCaseView, token: String, may_reveal: bool) -> impl IntoView {
    let number = case.head.number.clone();
    let a = case.applicant.clone();
    let revealed = RwSignal::new(None::<Revealed>);
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
    let id = a.id_number.clone();
    let spouse_id = a.spouse_id_number.clone();
    let commitment = case.commitment.is_some();
    let requested = case.delivery_requested.as_ref().map(delivery_method);
    let address = case.delivery_requested.as_ref().and_then(delivery_address);
    view! {
        <section class="panel" aria-labelledby="applicant-heading">
            <h2 id="applicant-heading">{move || tr("申请人", "Applicant")}</h2>
            <dl class="facts">
                <dt>{move || tr("姓名", "Name")}</dt><dd id="applicant-name">{a.name.clone()}</dd>
                <dt>{move || tr("身份证号码", "ID number")}</dt>
                <dd id="applicant-id">{move || revealed.get().map(|r| r.applicant.id_number).unwrap_or_else(|| id.clone())}</dd>
                <dt>{move || tr("手机", "Mobile")}</dt><dd>{a.phone.clone()}</dd>
                {a.spouse_name.clone().map(|name| {
                    let spouse_id = spouse_id.clone().unwrap_or_default();
                    view! {
                        <dt>{move || tr("配偶", "Spouse")}</dt>
                        <dd id="spouse">{name.to_string()} " "
                            <span id="spouse-id">{move || revealed.get().and_then(|r| r.spouse).map(|s| s.id_number).unwrap_or_else(|| spouse_id.clone())}</span>
                        </dd>
                    }
                })}
                <dt>{move || tr("承诺", "Commitment")}</dt>
                <dd>{move || if commitment { tr("已在线签署告知承诺书", "Signed online") } else { tr("未在线签署", "Not signed online") }}</dd>
                {requested.map(|m| view! {
                    <dt>{move || tr("领取方式", "Delivery")}</dt>
                    <dd>{move || delivery_name(m)} {address.clone().map(|a| format!("：{a}"))}</dd>
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

/// The code of a delivery way (its serde `method`).
pub(crate) fn delivery_method(delivery: &Delivery) -> &'static str {
    match delivery {
        Delivery::Pickup => "pickup",
        Delivery::ExpressCod { .. } => "express_cod",
        Delivery::SelfPrint => "self_print",
    }
}

pub(crate) fn delivery_address(delivery: &Delivery) -> Option<String> {
    match delivery {
        Delivery::ExpressCod { address } => Some(address.clone()),
        _ => None,
    }
}

pub(crate) fn delivery_name(method: &str) -> &'static str {
    match method {
        "express_cod" => tr("快递（到付）", "Express, paid on delivery"),
        "self_print" => tr("自行打印电子证照", "Self-print"),
        _ => tr("窗口领取", "Collect at the office"),
    }
}

#[component]
fn Materials(case: StaffCaseView, token: String, may_open: bool) -> impl IntoView {
    let number = case.head.number.clone();
    let materials = case.materials.clone();
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
                    let code = m.code.clone();
                    let material = MaterialCode::from_code(&code);
                    let name = move || match (material, Lang::current()) {
                        (Some(c), Lang::Zh) => c.name_zh().to_string(),
                        (Some(c), Lang::En) => c.name_en().to_string(),
                        (None, _) => code.clone(),
                    };
                    let seen = m.checked_in_person;
                    let ids = m.attachments.clone();
                    view! {
                        <li data-material=m.code.clone()>
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
fn Deadlines(case: StaffCaseView) -> impl IntoView {
    let overdue = case.overdue.clone();
    let deadlines = case.deadlines.clone();
    view! {
        <section class="panel" aria-labelledby="deadlines-heading">
            <h2 id="deadlines-heading">{move || tr("各步骤办理期限", "Due date of each step")}</h2>
            <DeadlineList deadlines=deadlines overdue=overdue />
        </section>
    }
}

pub(crate) fn level_name(level: Level) -> &'static str {
    tr(level.name_zh(), level.name_en())
}

/// The electronic seals (吉林 art. 15, 17), drawn as stamps.
#[component]
fn Seals(case: StaffCaseView) -> impl IntoView {
    let divisions = Divisions::get();
    let seals = case.seals.clone();
    (!seals.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="seals-heading">
            <h2 id="seals-heading">{move || tr("电子印章", "Electronic seals")}</h2>
            <ul class="seals" id="seals">
                {seals.into_iter().map(|s| {
                    let level = s.level;
                    let division = s.division.to_string();
                    let at = s.at.china_time();
                    let data_level = format!("{level:?}").to_lowercase();
                    let name = move || divisions.full_name(&division);
                    let stamp = name.clone();
                    view! {
                        <li data-level=data_level>
                            <svg class="stamp" viewBox="0 0 100 100" width="72" height="72" role="img"
                                aria-label=move || format!("{} {}", stamp(), tr("电子印章", "seal"))>
                                <circle cx="50" cy="50" r="44" fill="none" stroke="#c8102e" stroke-width="5" />
                                <text x="50" y="58" text-anchor="middle" font-size="26" fill="#c8102e">"★"</text>
                            </svg>
                            <span>{move || format!("{} · {} · {}", level_name(level), name(), at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

#[component]
fn Verifications(case: StaffCaseView) -> impl IntoView {
    let divisions = Divisions::get();
    let list = case.verifications.clone();
    (!list.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="verifications-heading">
            <h2 id="verifications-heading">{move || tr("协查", "Verifications")}</h2>
            <ul id="verifications">
                {list.into_iter().map(|v| {
                    let to = v.to.to_string();
                    divisions.load_for(&to, to.len());
                    let due = Some(v.due);
                    let answer = v.answer.clone();
                    let provisional = v.provisional && answer.is_none();
                    view! {
                        <li>
                            {move || format!("{}{}：", tr("致 ", "To "), divisions.full_name(&to))}
                            {v.question.clone()}
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
fn Certificate(case: StaffCaseView, token: String) -> impl IntoView {
    let number = case
        .certificate
        .as_ref()
        .map(|c| c.facts.number.to_string())
        .filter(|_| case.may.download_certificate)?;
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
fn Corrections(case: StaffCaseView) -> impl IntoView {
    let mut list = case.corrections.clone();
    list.sort_by_key(|c| c.resolved_on.is_some());
    (!list.is_empty()).then(|| view! {
        <section class="panel" aria-labelledby="corrections-heading">
            <h2 id="corrections-heading">{move || tr("更正申请（004 四(四)）", "Correction requests (004 四(四))")}</h2>
            <ul id="corrections">
                {list.into_iter().map(|c| {
                    let due = Some(c.due);
                    let resolution = c.resolution.clone();
                    let provisional = c.provisional && resolution.is_none();
                    let by = c.requested_by.clone();
                    view! {
                        <li data-open=resolution.is_none().to_string()>
                            <strong>{format!("#{} ", c.id)}</strong>
                            {by}{"："}{c.request.clone()}
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

fn who(by: &StepBy) -> String {
    match by {
        StepBy::Staff { role, username, .. } => {
            let role = role_name(*role);
            match username {
                Some(u) => format!("{u}（{role}）"),
                None => role.to_string(),
            }
        }
        StepBy::Applicant => tr("申请人", "Applicant").into(),
        StepBy::System => tr("系统", "System").into(),
    }
}

#[component]
fn Timeline(case: StaffCaseView) -> impl IntoView {
    let timeline = case.timeline.clone();
    view! {
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{move || tr("办理记录", "Timeline")}</h2>
            <ol class="timeline" id="timeline">
                {timeline.into_iter().map(|e: TimelineEntry| {
                    let action = e.action.clone();
                    let data_action = action.clone();
                    let when = e.at.china_time();
                    let details = e.details.join("；");
                    let by = e.by.clone();
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
fn Audit(case: StaffCaseView) -> impl IntoView {
    let audit = case.audit;
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
                        {audit.into_iter().map(|e: TimelineEntry| {
                            let action = e.action.clone();
                            let data_action = action.clone();
                            let when = e.at.china_time();
                            let by = e.by.clone();
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
