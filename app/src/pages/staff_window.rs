//! Window mode: village and township staff enter an application for someone standing at the
//! window, through the applicant's own check and form, marking originals they have seen
//! (SPEC §9 `checked_in_person`). For a 婚育情况证明 the facts come from the population
//! database (003 三(二)); someone the database does not hold is told apart, in words.

use domain::contract::{Child, ChildOf, Disability, Marriage, RegistryAnswer, RegistryRequest};
use domain::{IdNumber, Service};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::Divisions;
use crate::i18n::{Lang, bi, tr};
use crate::pages::staff_login::{Login, StaffBar};
use crate::staff::{Session, Staff};
use crate::state::{ChildDraft, Draft, Today};

#[component]
pub fn StaffWindow() -> impl IntoView {
    let staff = Staff::get();
    move || {
        match staff.session() {
        None => view! { <Login /> }.into_any(),
        Some(s) if !s.at_window() => view! {
            <StaffBar session=s />
            <h1>{move || tr("窗口受理", "Window")}</h1>
            <p class="notice" id="not-window">{move || tr("窗口受理由村（居）和乡镇（街道）工作人员办理。", "Window applications are taken by village and township staff.")}</p>
        }
        .into_any(),
        Some(s) => view! { <StaffBar session=s.clone() /> <Window session=s /> }.into_any(),
    }
    }
}

fn marriage_name(m: Marriage) -> &'static str {
    match m {
        Marriage::First => tr("初婚", "First marriage"),
        Marriage::Remarried => tr("再婚", "Remarried"),
        Marriage::RemarriedFormerSpouse => tr("复婚", "Remarried to the former spouse"),
        Marriage::Unmarried => tr("未婚", "Unmarried"),
    }
}

// Long: the window page's view tree: service, registry look-up and the form, as the window works.
#[component]
fn Window(session: Session) -> impl IntoView {
    let draft = Draft::get();
    let divisions = Divisions::get();
    let own = session.division;
    let own_code = own.map(|d| d.to_string()).unwrap_or_default();
    divisions.load_for(&own_code, own_code.len());
    let service = RwSignal::new(Service::MaritalStatusProof);
    let id = RwSignal::new(String::new());
    let person = RwSignal::new(None::<RegistryAnswer>);
    let failure = RwSignal::new(None::<String>);
    let token = StoredValue::new(session.token.clone());
    let lookup = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = id.get_untracked().trim().to_string();
        if let Err(e) = IdNumber::parse(&typed) {
            person.set(None);
            failure.set(Some(e.to_string()));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::registry(&token.get_value(), &RegistryRequest { id_number: typed }).await {
                Ok(v) => {
                    failure.set(None);
                    person.set(Some(v));
                }
                Err(e) => {
                    person.set(None);
                    failure.set(Some(e.message()));
                }
            }
        });
    };
    let navigate = use_navigate();
    // Starts the applicant's own check in window mode, at this office.
    let start = move |from_registry: bool| {
        draft.clear_application();
        draft.window.set(true);
        draft.service.set(service.get_untracked());
        draft.division.set(own);
        let svc = service.get_untracked().code();
        if from_registry && let Some(p) = person.get_untracked() {
            fill_from_registry(draft, &p);
            if matches!(draft.answer(Today::get()), Some(Ok(_))) {
                navigate(&format!("/check/{svc}/result"), Default::default());
                return;
            }
        }
        navigate(&format!("/check/{svc}/where"), Default::default());
    };
    let start = StoredValue::new(start);
    view! {
        <h1>{move || tr("窗口受理", "Window application")}</h1>
        <p>{move || format!("{}{}", tr("受理单位：", "Office: "), divisions.full_name(&own_code))}</p>
        <fieldset class="field">
            <legend>{move || tr("办理事项", "Service")}</legend>
            {Service::ALL.into_iter().map(|s| {
                let id = format!("window-service-{}", s.code());
                view! {
                    <div class="choice">
                        <input type="radio" name="window-service" id=id.clone() prop:checked=move || service.get() == s on:change=move |_| service.set(s) />
                        <label for=id>{move || match Lang::current() { Lang::Zh => s.name_zh(), Lang::En => s.name_en() }}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <section class="panel" aria-labelledby="registry-heading">
            <h2 id="registry-heading">{move || tr("查询全员人口数据库", "Look up the population database")}</h2>
            <p class="hint">{move || tr(
                "婚育情况证明由窗口依据人口库信息出具，不需申请人回户籍地开具（003 三(二)）。",
                "The window issues the 婚育情况证明 from the population database; the applicant is not sent back to the hukou place (003 三(二)).",
            )}</p>
            <form on:submit=lookup>
                <div class="field">
                    <label for="registry-id">{move || tr("申请人身份证号码", "Applicant's ID number")}</label>
                    <input type="text" id="registry-id" autocomplete="off" spellcheck="false" maxlength="18"
                        prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button secondary" id="registry-lookup">{move || tr("查询", "Look up")}</button>
            </form>
            {move || failure.get().map(|m| view! { <p class="notice" role="alert" id="registry-failure">{bi(&m)}</p> })}
            {move || person.get().map(|p| {
                let children = p.children.len();
                let marriage = p.marriage;
                let hukou = p.hukou.to_string();
                divisions.load_for(&hukou, hukou.len());
                view! {
                    <dl class="facts" id="registry-person">
                        <dt>{move || tr("姓名", "Name")}</dt><dd>{p.name.clone()}</dd>
                        <dt>{move || tr("婚姻状况", "Marriage")}</dt><dd>{move || marriage_name(marriage)}</dd>
                        {p.spouse.clone().and_then(|s| s.name).map(|n| view! { <dt>{move || tr("配偶", "Spouse")}</dt><dd>{n}</dd> })}
                        <dt>{move || tr("子女数", "Children")}</dt><dd>{children}</dd>
                        <dt>{move || tr("户籍", "Hukou")}</dt><dd>{move || divisions.full_name(&hukou)}</dd>
                        <dt>{move || tr("来源", "Source")}</dt><dd>{p.source.clone()}</dd>
                    </dl>
                    <button type="button" class="button" id="window-from-registry" on:click=move |_| start.with_value(|s| s(true))>
                        {move || tr("以人口库信息受理", "Take the application with these facts")}
                    </button>
                }
            })}
        </section>
        <button type="button" class="button secondary" id="window-start" on:click=move |_| start.with_value(|s| s(false))>
            {move || tr("不查询，直接填写申请", "Fill in the application without a look-up")}
        </button>
    }
}

/// The registry's facts as the draft's answers (the staff can still change each one).
fn fill_from_registry(draft: Draft, p: &RegistryAnswer) {
    draft.applicant_name.set(p.name.clone());
    draft.applicant_id.set(p.id_number.clone());
    draft.marriage.set(Some(p.marriage));
    let spouse = p.spouse.clone();
    draft.spouse_name.set(
        spouse
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default(),
    );
    draft
        .spouse_id
        .set(spouse.map(|s| s.id_number).unwrap_or_default());
    let children: Vec<ChildDraft> = p
        .children
        .iter()
        .map(|c| {
            let child = Child {
                born: c.born,
                of: ChildOf::Joint,
                disability: Disability::None,
            };
            ChildDraft {
                born: child.born.to_string(),
                of: child.of,
                disability: child.disability,
            }
        })
        .collect();
    draft.children.set(children);
    let hukou = Some(p.hukou);
    let female = IdNumber::parse(&p.id_number)
        .map(|id| id.sex() == domain::id_number::Sex::Female)
        .unwrap_or(false);
    if female {
        draft.wife_hukou.set(hukou);
    } else {
        draft.husband_hukou.set(hukou);
    }
}
