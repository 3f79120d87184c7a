//! Issuing a 婚育情况证明 to someone whose hukou is outside the province (003 三(二); issue 17
//! point 2): the window verifies by phone or letter on the spot and records with whom and what it
//! learnt; the proof is then issued at once. Nobody is sent home for it. And sending a file the
//! first office accepted to a competent office outside the system (000 二(二)3; point 3).

use domain::case::{Action, CheckMethod, OutOfCityCheck};
use leptos::prelude::*;

use crate::i18n::tr;
use crate::pages::staff_case::TextArea;

#[component]
pub fn OutOfCityIssue(
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
    /// The checks may still be deferred (004 三(三)): not yet done, and the case still open.
    can_defer: bool,
) -> impl IntoView {
    let method = RwSignal::new(CheckMethod::Phone);
    let contact = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let defer_reason = RwSignal::new(String::new());
    let defer_to = RwSignal::new(String::new());
    view! {
        <fieldset class="action" id="form-issue">
            <legend>{move || tr("外地户籍：核实后当场出具（003 三(二)）", "Hukou elsewhere: verify, then issue on the spot (003 三(二))")}</legend>
            <p class="hint">{move || tr(
                "申请人已签署承诺书。请以电话或函件向户籍地核实婚育情况，记录核实对象和结果后出具，不得让申请人回户籍地开具。",
                "The applicant has signed the commitment. Verify with the hukou place by phone or letter, record whom you asked and the answer, then issue; never send the applicant home for it.",
            )}</p>
            <div class="field">
                <label for="check-method">{move || tr("核实方式", "How verified")}</label>
                <select id="check-method" on:change=move |ev| method.set(if event_target_value(&ev) == "letter" { CheckMethod::Letter } else { CheckMethod::Phone })>
                    <option value="phone" selected=move || method.get() == CheckMethod::Phone>{move || tr("电话核实", "By phone")}</option>
                    <option value="letter" selected=move || method.get() == CheckMethod::Letter>{move || tr("函件核实", "By letter")}</option>
                </select>
            </div>
            <div class="field">
                <label for="check-contact">{move || tr("核实对象（单位或人员、电话）", "Whom (office or person, number)")}</label>
                <input type="text" id="check-contact" maxlength=domain::limits::TEXT_MAX_CHARS.to_string()
                    prop:value=move || contact.get() on:input=move |ev| contact.set(event_target_value(&ev)) />
            </div>
            <TextArea id="check-result" label=("核实结果（必填）", "What they confirmed (required)") rows=2 value=result />
            <button type="button" class="button" id="do-issue" on:click=move |_| {
                let (who, what) = (contact.get_untracked(), result.get_untracked());
                if who.trim().is_empty() || what.trim().is_empty() {
                    problem.set(Some("请填写核实对象和核实结果 / write whom you asked and what they confirmed".into()));
                    return;
                }
                send.run(Action::Issue { out_of_city: Some(OutOfCityCheck {
                    method: method.get_untracked(),
                    contact: who.trim().to_string(),
                    result: what.trim().to_string(),
                }) });
            }>{move || tr("记录核实并出具", "Record the check and issue")}</button>
        </fieldset>
        {can_defer.then(|| view! {
            <fieldset class="action" id="form-defer_out_of_city_check">
                <legend>{move || tr("多地核查当场无法完成（004 三(三)）", "Checks in several places cannot finish now (004 三(三))")}</legend>
                <p class="hint">{move || tr(
                    "仅限跨市流动、婚姻变动复杂需多地核查的情形：写明原因，转为承诺件，10个工作日内核实后出具；可同时向户籍地发出协查。",
                    "Only where moves between cities or a complex marriage history need checks in several places: write why; the proof becomes a promise case, issued within 10 working days once verified; you may send a verification request to the hukou place.",
                )}</p>
                <TextArea id="defer-reason" label=("原因（必填）", "Why (required)") rows=2 value=defer_reason />
                <div class="field">
                    <label for="defer-to">{move || tr("协查单位代码（可选，6至12位区划代码）", "Office to ask (optional division code, 6 to 12 digits)")}</label>
                    <input type="text" id="defer-to" inputmode="numeric" maxlength="12"
                        prop:value=move || defer_to.get() on:input=move |ev| defer_to.set(event_target_value(&ev)) />
                </div>
                <button type="button" class="button secondary" id="do-defer_out_of_city_check" on:click=move |_| {
                    let (why, to) = (defer_reason.get_untracked(), defer_to.get_untracked());
                    if why.trim().is_empty() {
                        problem.set(Some("请写明无法当场核查的原因 / write why the checks cannot finish now".into()));
                        return;
                    }
                    let to = to.trim();
                    let to = if to.is_empty() {
                        None
                    } else if let Ok(code) = domain::DivisionCode::parse(to) {
                        Some(code)
                    } else {
                        problem.set(Some("协查单位代码无效 / the office code is not a valid division code".into()));
                        return;
                    };
                    send.run(Action::DeferOutOfCityCheck { reason: why.trim().to_string(), to });
                }>{move || tr("转为承诺件", "Make it a promise case")}</button>
            </fieldset>
        })}
    }
}

/// The first office sends the file to the competent office outside the provinces served.
#[component]
pub fn ForwardOut(
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
    /// The competent office's name, as the answer named it.
    to: String,
) -> impl IntoView {
    let via = RwSignal::new(String::new());
    view! {
        <fieldset class="action" id="form-forward_out">
            <legend>{move || tr("转送有权办理的单位（000 二(二)3 首办负责制）", "Forward to the competent office (000 二(二)3)")}</legend>
            <p class="hint">{
                let to = to.clone();
                move || format!("{}{}", tr(
                    "本单位已受理，申请由户籍地审批：请将材料转送 ",
                    "Accepted here; the hukou place decides. Send the file to ",
                ), to)
            }</p>
            <TextArea id="forward-via" label=("转送方式及单号（必填）", "How it was sent, with its reference (required)") rows=2 value=via />
            <button type="button" class="button" id="do-forward_out" on:click=move |_| {
                let how = via.get_untracked();
                if how.trim().is_empty() {
                    problem.set(Some("请写明转送方式及单号 / write how the file was sent".into()));
                    return;
                }
                send.run(Action::ForwardOut { via: how.trim().to_string() });
            }>{move || tr("记录转送", "Record the forwarding")}</button>
        </fieldset>
    }
}
