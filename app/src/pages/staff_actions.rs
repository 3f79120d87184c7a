//! The actions a staff member may take on a case now (the server's `available_actions`), each
//! with its form: opinions and decisions with written reasons and templates, seals, 协查, issue
//! and delivery, revocation, corrections.

use domain::case::{Action, Delivery};
use domain::contract::{ActionRequest, EligibilityAnswer, StaffCaseView};
use domain::roles::ActionKind;
use leptos::prelude::*;

use crate::components::DivisionPicker;
use crate::i18n::{bi, tr};
use crate::pages::staff_case::{delivery_address, delivery_method, delivery_name, level_name};
use crate::pages::staff_issue::{ForwardOut, OutOfCityIssue};
use crate::pages::staff_return::{ReturnDraft, ReturnForm};
use crate::staff::Session;

/// What the staff member has written into the action forms. Kept above the case view, so a
/// reload — after someone else acted first — loses none of it.
#[derive(Debug, Clone, Copy)]
pub struct ActionDraft {
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
    pub(crate) fn new() -> ActionDraft {
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
    pub(crate) fn clear(self) {
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

/// The forms start from what the case holds: the certificate's holders, and the delivery the
/// applicant asked for — unless the staff member has written otherwise already.
fn prefill(draft: ActionDraft, case: &StaffCaseView, current_holders: &[String]) {
    let holders = draft.holders;
    if holders.get_untracked().trim().is_empty() {
        holders.set(current_holders.join("\n"));
    }
    // The delivery the applicant asked for, unless the staff member has chosen otherwise.
    if draft.method.get_untracked().is_none() {
        draft.method.set(Some(
            case.delivery_requested
                .as_ref()
                .map_or("pickup", delivery_method)
                .to_string(),
        ));
    }
    if draft.address.get_untracked().is_none() {
        draft.address.set(Some(
            case.delivery_requested
                .as_ref()
                .and_then(delivery_address)
                .unwrap_or_default(),
        ));
    }
}

/// The actions the server says this staff member may take on the case now.
#[component]
pub fn Actions(
    case: StaffCaseView,
    session: Session,
    answer: Option<EligibilityAnswer>,
    act: Callback<ActionRequest>,
    draft: ActionDraft,
) -> impl IntoView {
    let available = case.available_actions.clone();
    let version = case.head.version;
    let has = |k: ActionKind| available.contains(&k);
    // The competent office outside the system a forwarded file goes to (000 二(二)3).
    let forward_to = case.head.deciding_division.to_string();
    let out_of_city = case.out_of_city_check_required;
    let problem = RwSignal::new(None::<String>);
    let send = move |action: Action| {
        problem.set(None);
        act.run(ActionRequest {
            version,
            action,
            materials: Vec::new(),
        });
    };
    let ret = draft.ret;
    let open_correction = case
        .corrections
        .iter()
        .find(|c| c.resolved_on.is_none())
        .map(|c| (c.id, c.request.clone()));
    let current_holders: Vec<String> = case
        .certificate
        .as_ref()
        .map(|c| c.facts.holders.clone())
        .unwrap_or_default();
    prefill(draft, &case, &current_holders);
    let open_verification = case
        .verifications
        .iter()
        .find(|v| v.answered_on.is_none())
        .map(|v| (v.id, v.question.clone()));
    let level = session.division.map(|d| d.level());
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
            <Buttons available=available.clone() out_of_city=out_of_city level=level send=Callback::new(send) />
            {(has(ActionKind::Issue) && out_of_city).then(|| view! {
                <OutOfCityIssue problem=problem send=Callback::new(send) can_defer=has(ActionKind::DeferOutOfCityCheck) />
            })}
            {has(ActionKind::TownshipOpinion).then(|| view! { <OpinionForm draft=draft problem=problem send=Callback::new(send) /> })}
            {has(ActionKind::Approve).then(|| view! { <ApproveForm draft=draft answer=answer.clone() problem=problem send=Callback::new(send) /> })}
            {has(ActionKind::Refuse).then(|| view! { <RefuseForm draft=draft answer=answer.clone() problem=problem send=Callback::new(send) /> })}
            {has(ActionKind::Return).then(|| view! {
                <ReturnForm case=case.clone() role=session.role draft=ret problem=problem send=Callback::new(send) />
            })}
            {has(ActionKind::ForwardOut).then(|| view! {
                <ForwardOut problem=problem send=Callback::new(send) to=forward_to.clone() />
            })}
            {has(ActionKind::RequestVerification).then(|| view! { <RequestVerificationForm draft=draft problem=problem send=Callback::new(send) /> })}
            {(has(ActionKind::AnswerVerification)).then(|| open_verification.clone()).flatten().map(|(id, q)| view! { <AnswerVerificationForm draft=draft id=id q=q problem=problem send=Callback::new(send) /> })}
            {has(ActionKind::Deliver).then(|| view! { <DeliverForm draft=draft send=Callback::new(send) /> })}
            {(has(ActionKind::ResolveCorrection)).then(|| open_correction.clone()).flatten().map(|(id, request)| view! { <CorrectionForm draft=draft id=id request=request before=current_holders.clone() problem=problem send=Callback::new(send) /> })}
            {[(ActionKind::Revoke, "revoke", "撤销（虚假承诺，002 第二十条）", "Revoke (false commitment, 002 art. 20)"),
              (ActionKind::Void, "void", "作废（002 第二十二条）", "Void (002 art. 22)")]
                .into_iter()
                .filter(|(k, ..)| has(*k))
                .map(|(kind, code, zh, en)| view! { <UndoForm draft=draft kind=kind code=code zh=zh en=en problem=problem send=Callback::new(send) /> })
                .collect_view()}
        </section>
    }
    .into_any()
}

/// The steps that need no form: pre-review, this level's seal, issue.
#[component]
fn Buttons(
    available: Vec<ActionKind>,
    out_of_city: bool,
    level: Option<domain::division::Level>,
    send: Callback<Action>,
) -> impl IntoView {
    let has = |k: ActionKind| available.contains(&k);
    view! {
        <div class="action-buttons">
            {has(ActionKind::PreReview).then(|| view! {
                <button type="button" class="button" id="do-pre_review" on:click=move |_| send.run(Action::PreReview)>
                    {move || tr("预审通过", "Pre-review passed")}
                </button>
            })}
            {has(ActionKind::Seal).then(|| view! {
                <button type="button" class="button secondary" id="do-seal" on:click=move |_| send.run(Action::Seal)>
                    {move || format!("{}（{}）", tr("加盖本级电子印章", "Add this level's e-seal"), level.map(level_name).unwrap_or_default())}
                </button>
            })}
            {(has(ActionKind::Issue) && !out_of_city).then(|| view! {
                <button type="button" class="button" id="do-issue" on:click=move |_| send.run(Action::Issue { out_of_city: None })>
                    {move || tr("发证", "Issue")}
                </button>
            })}
        </div>
    }
}

/// Whether `text` was written; if not, the form's problem says what is missing.
fn need(problem: RwSignal<Option<String>>, text: &str, zh: &str, en: &str) -> bool {
    if text.trim().is_empty() {
        problem.set(Some(format!("{zh} / {en}")));
        false
    } else {
        true
    }
}

/// The township's opinion (Hubei): agree or not, with the opinion written.
#[component]
fn OpinionForm(
    draft: ActionDraft,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let ActionDraft { agree, opinion, .. } = draft;
    view! {
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
                if need(problem, &opinion.get_untracked(), "请写明审核意见", "write the opinion") {
                    send.run(Action::TownshipOpinion { agree: agree.get_untracked(), opinion: opinion.get_untracked().trim().to_string() });
                }
            }>{move || tr("提交审核意见", "Give the opinion")}</button>
        </fieldset>
    }
}

/// Approval, with its written basis (templates from the eligibility answer).
#[component]
fn ApproveForm(
    draft: ActionDraft,
    answer: Option<EligibilityAnswer>,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let basis = draft.basis;
    let templates = approve_templates(answer.as_ref());
    view! {
        <fieldset class="action" id="form-approve">
            <legend>{move || tr("批准", "Approve")}</legend>
            <Templates id="approve-template" options=templates target=basis />
            <TextArea id="approve-basis" label=("批准理由及依据（必填）", "Basis of the approval (required)") rows=3 value=basis />
            <button type="button" class="button" id="do-approve" on:click=move |_| {
                if need(problem, &basis.get_untracked(), "请写明批准理由及依据", "write the basis of the approval") {
                    send.run(Action::Approve { basis: basis.get_untracked().trim().to_string() });
                }
            }>{move || tr("批准", "Approve")}</button>
        </fieldset>
    }
}

/// A refusal, with written reasons the applicant reads.
#[component]
fn RefuseForm(
    draft: ActionDraft,
    answer: Option<EligibilityAnswer>,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let refusal = draft.refusal;
    let templates = refuse_templates(answer.as_ref());
    view! {
        <fieldset class="action" id="form-refuse">
            <legend>{move || tr("不予办理", "Refuse")}</legend>
            <Templates id="refuse-template" options=templates target=refusal />
            <TextArea id="refuse-reasons" label=("书面理由（必填，每行一条，申请人将看到）", "Written reasons (required, one per line; the applicant sees them)") rows=3 value=refusal />
            <button type="button" class="button warning" id="do-refuse" on:click=move |_| {
                if need(problem, &refusal.get_untracked(), "不予办理必须写明理由", "a refusal needs written reasons") {
                    send.run(Action::Refuse { reasons: lines(&refusal.get_untracked()) });
                }
            }>{move || tr("不予办理", "Refuse")}</button>
        </fieldset>
    }
}

/// A 协查 asked of another office (000 二(二)4).
#[component]
fn RequestVerificationForm(
    draft: ActionDraft,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let ActionDraft {
        ask_to, question, ..
    } = draft;
    view! {
        <fieldset class="action" id="form-request_verification">
            <legend>{move || tr("发出协查（000 二(二)4）", "Request a verification (000 二(二)4)")}</legend>
            <DivisionPicker id="verify-to" legend="协查单位" legend_en="Office asked" value=ask_to min_len=6 max_len=9 />
            <TextArea id="verify-question" label=("协查事项（必填）", "Question (required)") rows=2 value=question />
            <button type="button" class="button secondary" id="do-request_verification" on:click=move |_| {
                let Some(to) = ask_to.get_untracked() else {
                    problem.set(Some("请选择协查单位 / choose the office to ask".into()));
                    return;
                };
                if need(problem, &question.get_untracked(), "请写明协查事项", "write the question") {
                    send.run(Action::RequestVerification { to, question: question.get_untracked().trim().to_string() });
                }
            }>{move || tr("发出协查", "Send the request")}</button>
        </fieldset>
    }
}

/// The answer to the 协查 this office was asked.
#[component]
fn AnswerVerificationForm(
    draft: ActionDraft,
    id: u32,
    q: String,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let reply = draft.reply;
    view! {
        <fieldset class="action" id="form-answer_verification">
            <legend>{move || tr("回复协查", "Answer the verification")}</legend>
            <p>{q}</p>
            <TextArea id="verify-answer" label=("回复（必填）", "Answer (required)") rows=2 value=reply />
            <button type="button" class="button secondary" id="do-answer_verification" on:click=move |_| {
                if need(problem, &reply.get_untracked(), "请写明回复", "write the answer") {
                    send.run(Action::AnswerVerification { id, answer: reply.get_untracked().trim().to_string() });
                }
            }>{move || tr("回复", "Answer")}</button>
        </fieldset>
    }
}

/// How the certificate reached the applicant.
#[component]
fn DeliverForm(draft: ActionDraft, send: Callback<Action>) -> impl IntoView {
    let ActionDraft {
        method, address, ..
    } = draft;
    view! {
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
                let delivery = match method.get_untracked().as_deref() {
                    Some("express_cod") => Delivery::ExpressCod { address: address.get_untracked().unwrap_or_default().trim().to_string() },
                    Some("self_print") => Delivery::SelfPrint,
                    _ => Delivery::Pickup,
                };
                send.run(Action::Deliver { delivery });
            }>{move || tr("记录送达", "Record delivery")}</button>
        </fieldset>
    }
}

/// A correction request resolved (004 四(四)): what was verified, and the holders' names if they change.
#[component]
fn CorrectionForm(
    draft: ActionDraft,
    id: u32,
    request: String,
    before: Vec<String>,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let ActionDraft {
        holders,
        resolution,
        ..
    } = draft;
    view! {
        <fieldset class="action" id="form-resolve_correction">
            <legend>{move || tr("办结更正申请（004 四(四)）", "Resolve the correction request (004 四(四))")}</legend>
            <p class="note">{format!("#{id} ")}{request}</p>
            <TextArea id="correction-holders".to_string() label=("持证人姓名（每行一人；如需更正姓名，改正后电子证照重新签名）", "Holders' names (one per line; a corrected name re-signs the certificate)") rows=2 value=holders />
            <TextArea id="correction-resolution".to_string() label=("核实情况及处理结果（必填）", "What was verified and done (required)") rows=2 value=resolution />
            <button type="button" class="button secondary" id="do-resolve_correction" on:click=move |_| {
                if need(problem, &resolution.get_untracked(), "必须写明核实情况", "say what was verified") {
                    let names = lines(&holders.get_untracked());
                    send.run(Action::ResolveCorrection {
                        id,
                        resolution: resolution.get_untracked().trim().to_string(),
                        holders: (names != before).then_some(names),
                    });
                }
            }>{move || tr("办结", "Resolve")}</button>
        </fieldset>
    }
}

/// A revocation (false commitment, 002 第二十条) or a void (002 第二十二条), with written reasons.
#[component]
fn UndoForm(
    draft: ActionDraft,
    kind: ActionKind,
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let revoke_reasons = draft.reasons;
    view! {
        <fieldset class="action" id=format!("form-{code}")>
            <legend>{move || tr(zh, en)}</legend>
            <TextArea id=format!("{code}-reasons") label=("书面理由（必填，每行一条）", "Written reasons (required, one per line)") rows=2 value=revoke_reasons />
            <button type="button" class="button warning" id=format!("do-{code}") on:click=move |_| {
                if need(problem, &revoke_reasons.get_untracked(), "必须写明理由", "written reasons are required") {
                    let reasons = lines(&revoke_reasons.get_untracked());
                    send.run(if kind == ActionKind::Void { Action::Void { reasons } } else { Action::Revoke { reasons } });
                }
            }>{move || tr(zh, en)}</button>
        </fieldset>
    }
}
