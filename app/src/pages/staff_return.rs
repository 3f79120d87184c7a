//! The console's return form (一次性告知, 000 二(二)2; issue 17): every item ticked at once,
//! each with what is wrong. It offers only what the server says a return may name now
//! (`returnable`): never an item the window or a database provides, and after a first return
//! only what is still open — an item accepted before appears for a county approver alone, who
//! must then write the reason the case records as an exception.

use domain::case::{Action, Defect, ReturnedItem};
use domain::contract::{ReturnableItem, StaffCaseView};
use domain::materials::MaterialCode;
use domain::roles::{Capability, Relation, Role};
use leptos::prelude::*;

use crate::i18n::{Lang, tr};
use crate::pages::staff_case::TextArea;

/// What the staff member has written into the return form.
#[derive(Debug, Clone, Copy)]
pub struct ReturnDraft {
    pub items: RwSignal<Vec<ReturnedItem>>,
    pub note: RwSignal<String>,
    pub exception: RwSignal<String>,
}

impl Default for ReturnDraft {
    fn default() -> ReturnDraft {
        ReturnDraft {
            items: RwSignal::new(Vec::new()),
            note: RwSignal::new(String::new()),
            exception: RwSignal::new(String::new()),
        }
    }
}

impl ReturnDraft {
    pub fn clear(self) {
        self.items.set(Vec::new());
        self.note.set(String::new());
        self.exception.set(String::new());
    }
}

/// The server's `returnable` list, trimmed to what this role may name.
fn offered(case: &StaffCaseView, role: Role) -> Vec<ReturnableItem> {
    case.returnable
        .iter()
        .filter(|o| {
            !o.needs_exception
                || domain::roles::may(role, Relation::NoCase, Capability::ReturnException)
        })
        .cloned()
        .collect()
}

fn defect_name(d: Defect) -> &'static str {
    match Lang::current() {
        Lang::Zh => d.name_zh(),
        Lang::En => d.name_en(),
    }
}

#[component]
pub fn ReturnForm(
    case: StaffCaseView,
    role: Role,
    draft: ReturnDraft,
    problem: RwSignal<Option<String>>,
    send: Callback<Action>,
) -> impl IntoView {
    let offered = offered(&case, role);
    let exceptional: Vec<MaterialCode> = offered
        .iter()
        .filter(|o| o.needs_exception)
        .map(|o| o.code)
        .collect();
    let ReturnDraft {
        items,
        note,
        exception,
    } = draft;
    let needs_reason = {
        let exceptional = exceptional.clone();
        move || items.with(|i| i.iter().any(|i| exceptional.contains(&i.code)))
    };
    let needs_reason_view = needs_reason.clone();
    let after_a_return = !case.returns.is_empty();
    view! {
        <fieldset class="action" id="form-return">
            <legend>{move || tr("退回补正：勾选全部缺少或不合格的材料，一次告知", "Return: tick everything missing or unusable, told at once")}</legend>
            {after_a_return.then(|| view! {
                <p class="hint" id="return-rule">{move || tr(
                    "本案已退回过：只能再次要求仍不合格或重新提交的材料（000 二(二)2）。",
                    "Returned before: only items still defective or brought anew may be named (000 二(二)2).",
                )}</p>
            })}
            {offered.into_iter().map(|o| item_row(o, items)).collect_view()}
            <TextArea id="return-note" label=("补充说明（可选）", "Note (optional)") rows=2 value=note />
            {move || needs_reason_view().then(|| view! {
                <TextArea id="return-exception" label=("再次要求已受理材料的书面理由（必填，记入案件并报监督）", "Written reason for naming an item accepted before (required; recorded and shown to supervisors)") rows=2 value=exception />
            })}
            <button type="button" class="button secondary" id="do-return" on:click=move |_| {
                let chosen = items.get_untracked();
                if chosen.is_empty() {
                    problem.set(Some("退回时请勾选全部缺少的材料 / tick every missing material".into()));
                    return;
                }
                let reason = exception.get_untracked().trim().to_string();
                if needs_reason() && reason.is_empty() {
                    problem.set(Some("再次要求已受理的材料须写明理由 / write the reason for naming an item accepted before".into()));
                    return;
                }
                send.run(Action::Return {
                    missing: Vec::new(),
                    items: chosen,
                    note: note.get_untracked().trim().to_string(),
                    exception: needs_reason().then_some(reason),
                });
            }>{move || tr("退回并一次告知", "Return with the full list")}</button>
        </fieldset>
    }
}

/// A tick box per item; once ticked, what is wrong with it and, optionally, where.
fn item_row(o: ReturnableItem, items: RwSignal<Vec<ReturnedItem>>) -> impl IntoView {
    let code = o.code;
    let id = format!("return-{}", code.code());
    let ticked = move || items.with(|i| i.iter().any(|i| i.code == code));
    let update = move |f: &dyn Fn(&mut ReturnedItem)| {
        items.update(|list| {
            if let Some(item) = list.iter_mut().find(|i| i.code == code) {
                f(item);
            }
        })
    };
    let (zh, en) = (o.name, o.name_en);
    view! {
        <div class="return-item" data-material=code.code()>
            <div class="field choice">
                <input type="checkbox" id=id.clone()
                    prop:checked=ticked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        items.update(|list| {
                            list.retain(|i| i.code != code);
                            if on {
                                list.push(ReturnedItem { code, defect: Defect::Missing, detail: String::new() });
                            }
                        });
                    } />
                <label for=id.clone()>
                    {move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}
                    {o.needs_exception.then(|| view! {
                        <span class="badge warning">{move || tr("此前已受理", "accepted before")}</span>
                    })}
                </label>
            </div>
            {move || ticked().then(|| {
                let select_id = format!("{id}-defect");
                let detail_id = format!("{id}-detail");
                view! {
                    <div class="field inline">
                        <label for=select_id.clone()>{move || tr("问题", "What is wrong")}</label>
                        <select id=select_id on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(d) = Defect::ALL.into_iter().find(|d| d.code() == v) {
                                update(&|i| i.defect = d);
                            }
                        }>
                            {Defect::ALL.into_iter().map(|d| view! {
                                <option value=d.code() selected=move || items.with(|l| l.iter().any(|i| i.code == code && i.defect == d))>
                                    {move || defect_name(d)}
                                </option>
                            }).collect_view()}
                        </select>
                        <label for=detail_id.clone()>{move || tr("具体说明（可选）", "Detail (optional)")}</label>
                        <input type="text" id=detail_id maxlength=domain::limits::TEXT_MAX_CHARS.to_string()
                            prop:value=move || items.with(|l| l.iter().find(|i| i.code == code).map(|i| i.detail.clone()).unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                update(&|i| i.detail = v.clone());
                            } />
                    </div>
                }
            })}
        </div>
    }
}
