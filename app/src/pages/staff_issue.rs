//! Issuing a 婚育情况证明 to someone whose hukou is outside the province (003 三(二); issue 17
//! point 2): the window verifies by phone or letter on the spot and records with whom and what it
//! learnt; the proof is then issued at once. Nobody is sent home for it.

use leptos::prelude::*;
use serde_json::{Value, json};

use crate::i18n::tr;
use crate::pages::staff_case::TextArea;

#[component]
pub fn OutOfCityIssue(problem: RwSignal<Option<String>>, send: Callback<Value>) -> impl IntoView {
    let method = RwSignal::new("phone".to_string());
    let contact = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    view! {
        <fieldset class="action" id="form-issue">
            <legend>{move || tr("外地户籍：核实后当场出具（003 三(二)）", "Hukou elsewhere: verify, then issue on the spot (003 三(二))")}</legend>
            <p class="hint">{move || tr(
                "申请人已签署承诺书。请以电话或函件向户籍地核实婚育情况，记录核实对象和结果后出具，不得让申请人回户籍地开具。",
                "The applicant has signed the commitment. Verify with the hukou place by phone or letter, record whom you asked and the answer, then issue; never send the applicant home for it.",
            )}</p>
            <div class="field">
                <label for="check-method">{move || tr("核实方式", "How verified")}</label>
                <select id="check-method" on:change=move |ev| method.set(event_target_value(&ev))>
                    <option value="phone" selected=move || method.get() == "phone">{move || tr("电话核实", "By phone")}</option>
                    <option value="letter" selected=move || method.get() == "letter">{move || tr("函件核实", "By letter")}</option>
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
                send.run(json!({"action": "issue", "out_of_city": {
                    "method": method.get_untracked(), "contact": who.trim(), "result": what.trim()}}));
            }>{move || tr("记录核实并出具", "Record the check and issue")}</button>
        </fieldset>
    }
}
