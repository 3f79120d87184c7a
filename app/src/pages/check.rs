//! The eligibility check as a short question flow, one question a page (in the manner of
//! GOV.UK's "check a service is suitable"). The answer is computed here, in WebAssembly, by the
//! same `domain::policy::check` the server runs again on submit.

use domain::contract::{ChildOf, Disability, Marriage, Processing};
use domain::{Date, Service};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::components::{Checklist, DivisionPicker, ErrorSummary, Reasons, limit_words};
use crate::i18n::{self, Lang, date, t, tr};
use crate::state::{ChildDraft, Draft, FieldIssue, Today};

const STEPS: [&str; 6] = ["where", "marriage", "children", "hukou", "facts", "result"];

fn next_step(step: &str) -> &'static str {
    let i = STEPS.iter().position(|s| *s == step).unwrap_or(0);
    STEPS.get(i + 1).copied().unwrap_or("result")
}

fn previous_step(step: &str) -> Option<&'static str> {
    let i = STEPS.iter().position(|s| *s == step)?;
    i.checked_sub(1).and_then(|p| STEPS.get(p).copied())
}

#[component]
pub fn Check() -> impl IntoView {
    let params = use_params_map();
    let draft = Draft::get();
    let service = move || {
        params
            .read()
            .get("service")
            .and_then(|s| Service::from_code(&s))
    };
    let step = move || params.read().get("step").unwrap_or_default();
    Effect::new(move |_| {
        if let Some(s) = service() {
            draft.service.set(s);
        }
    });
    move || {
        let Some(s) = service() else {
            return view! { <crate::pages::not_found::NotFound /> }.into_any();
        };
        let step = step();
        let back = previous_step(&step).map(|p| format!("/check/{}/{p}", s.code()));
        let body = match step.as_str() {
            "where" => view! { <Where /> }.into_any(),
            "marriage" => view! { <MarriageStep /> }.into_any(),
            "children" => view! { <Children /> }.into_any(),
            "hukou" => view! { <HukouStep /> }.into_any(),
            "facts" => view! { <Facts /> }.into_any(),
            "result" => view! { <Outcome /> }.into_any(),
            _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
        };
        let position = STEPS.iter().position(|x| *x == step).map(|i| i + 1);
        view! {
            <p class="caption">
                {move || match Lang::current() { Lang::Zh => s.name_zh(), Lang::En => s.name_en() }}
                {position.filter(|p| *p < STEPS.len()).map(|p| match Lang::current() {
                    Lang::Zh => format!(" · 第{p}步，共{}步", STEPS.len() - 1),
                    Lang::En => format!(" · question {p} of {}", STEPS.len() - 1),
                })}
            </p>
            {back.map(|href| view! { <a class="back-link" href=href>{move || t(i18n::BACK)}</a> })}
            {body}
        }
        .into_any()
    }
}

/// A question page: the question is the page's `<h1>`; Continue checks it and moves on.
#[component]
fn Question(
    step: &'static str,
    validate: Callback<(), Vec<FieldIssue>>,
    children: Children,
) -> impl IntoView {
    let draft = Draft::get();
    let navigate = use_navigate();
    let issues = RwSignal::new(Vec::<FieldIssue>::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = validate.run(());
        let ok = found.is_empty();
        issues.set(found);
        if ok {
            let url = format!(
                "/check/{}/{}",
                draft.service.get_untracked().code(),
                next_step(step)
            );
            navigate(&url, Default::default());
        }
    };
    view! {
        <ErrorSummary issues=issues />
        <form class="question" on:submit=on_submit novalidate>
            {children()}
            <button type="submit" class="button" id="continue">{move || t(i18n::CONTINUE)}</button>
        </form>
    }
}

/// The issue of a question not (or not validly) answered, when it is not.
fn required(answered: bool, issue: FieldIssue) -> Vec<FieldIssue> {
    if answered { Vec::new() } else { vec![issue] }
}

#[component]
fn Where() -> impl IntoView {
    let draft = Draft::get();
    let validate = Callback::new(move |()| {
        required(
            draft.division.get_untracked().is_some(),
            FieldIssue::new(
                "where-0",
                "请选择办理地，至少选到区（县）",
                "Choose where you will apply, at least down to the district or county",
            ),
        )
    });
    view! {
        <h1>{move || tr("您将在哪里申请？", "Where will you apply?")}</h1>
        <Question step="where" validate=validate>
            <p class="hint">{move || tr(
                "选择受理的乡镇（街道）或村（居）。一般为夫妻一方户籍地或现居住地；重庆市内任一窗口均可受理。",
                "Choose the township or village office that will accept it: usually either spouse's hukou place or where you live; in Chongqing any window in the city accepts.",
            )}</p>
            <DivisionPicker id="where" legend="受理机构所在地" legend_en="The accepting office" value=draft.division min_len=6 />
        </Question>
    }
}

#[component]
fn MarriageStep() -> impl IntoView {
    let draft = Draft::get();
    let validate = Callback::new(move |()| {
        required(
            draft.marriage.get_untracked().is_some(),
            FieldIssue::new(
                "marriage-first",
                "请选择婚姻状况",
                "Choose your marital situation",
            ),
        )
    });
    let options = [
        (Marriage::First, "first", "初婚", "First marriage"),
        (
            Marriage::Remarried,
            "remarried",
            "再婚（与新配偶）",
            "Remarried (to a new spouse)",
        ),
        (
            Marriage::RemarriedFormerSpouse,
            "remarried_former_spouse",
            "复婚（与原配偶）",
            "Remarried to the former spouse (复婚)",
        ),
        (
            Marriage::Unmarried,
            "unmarried",
            "未办理结婚登记",
            "Not married",
        ),
    ];
    view! {
        <h1>{move || tr("你们的婚姻状况是？", "What is your marital situation?")}</h1>
        <Question step="marriage" validate=validate>
            <fieldset>
                <legend class="visually-hidden">{move || tr("婚姻状况", "Marital situation")}</legend>
                {options.into_iter().map(|(m, code, zh, en)| {
                    let id = format!("marriage-{code}");
                    view! {
                        <div class="choice">
                            <input type="radio" name="marriage" id=id.clone() value=code
                                prop:checked=move || draft.marriage.get() == Some(m)
                                on:change=move |_| draft.marriage.set(Some(m)) />
                            <label for=id>{move || tr(zh, en)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </Question>
    }
}

// Long: each child's four questions in one repeated fieldset.
#[component]
fn Children() -> impl IntoView {
    let draft = Draft::get();
    let today = Today::get();
    let validate = Callback::new(move |()| {
        let mut issues = Vec::new();
        for (i, c) in draft.children.get_untracked().iter().enumerate() {
            match Date::parse(c.born.trim()) {
                Ok(d) if d <= today => {}
                Ok(_) => issues.push(FieldIssue::new(
                    &format!("child-{i}-born"),
                    format!("第{}个子女的出生日期不能晚于今天", i + 1),
                    format!("Child {}: the birth date cannot be in the future", i + 1),
                )),
                Err(_) => issues.push(FieldIssue::new(
                    &format!("child-{i}-born"),
                    format!("请填写第{}个子女的出生日期", i + 1),
                    format!("Enter child {}'s date of birth", i + 1),
                )),
            }
        }
        issues
    });
    let add = move |_| {
        draft.children.update(|c| {
            c.push(ChildDraft {
                born: String::new(),
                of: ChildOf::Joint,
                disability: Disability::None,
            })
        })
    };
    let rebirth = move || draft.service.get() == Service::Rebirth;
    view! {
        <h1>{move || tr("你们已有几个子女？", "Which children do you have?")}</h1>
        <Question step="children" validate=validate>
            <p class="hint">{move || tr(
                "逐个填写夫妻双方的全部子女（双胞胎填两个）。没有子女的直接继续。",
                "List every child of either spouse, one by one (twins are two). With no children, just continue.",
            )}</p>
            <div id="children-list">
            {move || draft.children.get().into_iter().enumerate().map(|(i, c)| {
                let born_id = format!("child-{i}-born");
                let of_id = format!("child-{i}-of");
                let dis_id = format!("child-{i}-disability");
                view! {
                    <fieldset class="child">
                        <legend>{move || match Lang::current() { Lang::Zh => format!("第{}个子女", i + 1), Lang::En => format!("Child {}", i + 1) }}</legend>
                        <div class="field">
                            <label for=born_id.clone()>{move || tr("出生日期", "Date of birth")}</label>
                            <input type="date" id=born_id prop:value=c.born.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); draft.children.update(|cs| if let Some(x) = cs.get_mut(i) { x.born = v; }) } />
                        </div>
                        <div class="field">
                            <label for=of_id.clone()>{move || tr("是谁的子女", "Whose child")}</label>
                            <select id=of_id on:change=move |ev| {
                                let of = match event_target_value(&ev).as_str() { "husband" => ChildOf::Husband, "wife" => ChildOf::Wife, _ => ChildOf::Joint };
                                draft.children.update(|cs| if let Some(x) = cs.get_mut(i) { x.of = of; })
                            }>
                                <option value="joint" selected=c.of == ChildOf::Joint>{move || tr("夫妻共同生育", "Ours together")}</option>
                                <option value="husband" selected=c.of == ChildOf::Husband>{move || tr("男方婚前所生", "The husband's, from before")}</option>
                                <option value="wife" selected=c.of == ChildOf::Wife>{move || tr("女方婚前所生", "The wife's, from before")}</option>
                            </select>
                        </div>
                        <Show when=rebirth>
                            <div class="choice">
                                <input type="checkbox" id=dis_id.clone()
                                    prop:checked=c.disability == Disability::NonHereditaryAppraised
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        draft.children.update(|cs| if let Some(x) = cs.get_mut(i) {
                                            x.disability = if on { Disability::NonHereditaryAppraised } else { Disability::None };
                                        })
                                    } />
                                <label for=dis_id.clone()>{move || tr("经市或区县卫生健康委鉴定为非遗传性病残儿", "Appraised as a child with a non-hereditary disability by the health commission")}</label>
                            </div>
                        </Show>
                        <button type="button" class="button link" on:click=move |_| draft.children.update(|cs| { if i < cs.len() { cs.remove(i); } })>
                            {move || tr("删除这个子女", "Remove this child")}
                        </button>
                    </fieldset>
                }
            }).collect_view()}
            </div>
            <p><button type="button" class="button secondary" id="add-child" on:click=add>{move || tr("添加一个子女", "Add a child")}</button></p>
        </Question>
    }
}

#[component]
fn HukouStep() -> impl IntoView {
    let draft = Draft::get();
    let validate = Callback::new(move |()| {
        let since = draft.lives_here_since.get_untracked();
        required(
            since.trim().is_empty() || Date::parse(since.trim()).is_ok(),
            FieldIssue::new("lives-since", "请填写有效的日期", "Enter a real date"),
        )
    });
    view! {
        <h1>{move || tr("夫妻双方的户籍在哪里？", "Where are your households registered (hukou)?")}</h1>
        <Question step="hukou" validate=validate>
            <p class="hint">{move || tr(
                "户籍与申请地不在同一区县，或在外省的，请选择；都在申请地的可不填。",
                "Choose a place if a hukou is in another district or province; leave both empty if they are where you apply.",
            )}</p>
            <DivisionPicker id="hukou-husband" legend="男方户籍地（区县，可选到乡镇街道）" legend_en="Husband's hukou (district or county; the township if you know it)" value=draft.husband_hukou min_len=6 max_len=9 />
            <DivisionPicker id="hukou-wife" legend="女方户籍地（区县，可选到乡镇街道）" legend_en="Wife's hukou (district or county; the township if you know it)" value=draft.wife_hukou min_len=6 max_len=9 />
            <div class="field">
                <label for="lives-since">{move || tr("如在申请地居住，从何时起（可不填）", "If you live where you apply, since when (optional)")}</label>
                <input type="date" id="lives-since" prop:value=move || draft.lives_here_since.get()
                    on:change=move |ev| draft.lives_here_since.set(event_target_value(&ev)) />
            </div>
        </Question>
    }
}

#[component]
fn Facts() -> impl IntoView {
    let draft = Draft::get();
    let service = draft.service.get_untracked();
    let validate = Callback::new(|()| Vec::new());
    let boxes: Vec<(RwSignal<bool>, &str, &str, &str)> = [
        // Any further birth cancels the honour certificate (001 一(四)1; issue 17 point 8).
        matches!(service, Service::Rebirth | Service::BirthService).then_some((
            draft.honor_certificate,
            "fact-honor",
            "已领取独生子女父母光荣证",
            "We hold an only-child parents' honour certificate",
        )),
        (service == Service::Rebirth).then_some((
            draft.other_province_rebirth_card,
            "fact-other-card",
            "已在外省领取再生育服务卡",
            "We already have another province's re-birth card",
        )),
        (service == Service::BirthService).then_some((
            draft.retroactive,
            "fact-retroactive",
            "孩子已出生，现补办（最后填写的子女）",
            "The child is already born: this is a late card (the last child listed)",
        )),
        Some((
            draft.delegated,
            "fact-delegated",
            "委托他人代办",
            "Someone else applies for us (delegate)",
        )),
        Some((
            draft.dishonest,
            "fact-dishonest",
            "夫妻一方被列为失信联合惩戒对象",
            "One of us is on the dishonesty list (失信联合惩戒)",
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <h1>{move || tr("以下情况是否适用？", "Do any of these apply?")}</h1>
        <Question step="facts" validate=validate>
            <fieldset>
                <legend>{move || tr("勾选适用的各项（可不选）", "Tick all that apply (or none)")}</legend>
                {boxes.into_iter().map(|(signal, id, zh, en)| view! {
                    <div class="choice">
                        <input type="checkbox" id=id prop:checked=move || signal.get()
                            on:change=move |ev| signal.set(event_target_checked(&ev)) />
                        <label for=id>{move || tr(zh, en)}</label>
                    </div>
                }).collect_view()}
            </fieldset>
        </Question>
    }
}

/// The answer: eligible or not, every reason with its source, the complete checklist and the
/// legal limit with its due date if accepted today.
#[component]
fn Outcome() -> impl IntoView {
    let draft = Draft::get();
    move || {
        let today = Today::get();
        match draft.answer(today) {
            None => view! {
                <h1>{move || tr("还有问题没有回答", "Some questions are not answered yet")}</h1>
                <a class="button" href=format!("/check/{}/where", draft.service.get().code())>{move || tr("从头开始", "Start again")}</a>
            }
            .into_any(),
            Some(Err(e)) => view! {
                <h1>{move || tr("暂时无法判断", "This cannot be checked yet")}</h1>
                <p class="field-error" role="alert">{crate::i18n::bi(&e)}</p>
            }
            .into_any(),
            Some(Ok(answer)) => {
                let eligible = answer.eligible;
                let due = crate::state::Reckoning::due(today, answer.time_limit);
                let processing = answer.processing;
                let limit = answer.time_limit;
                view! {
                    <h1 id="outcome" data-eligible=eligible.to_string()>
                        {move || if eligible { tr("符合办理条件", "You can apply") } else { tr("暂不符合办理条件", "You cannot apply for this yet") }}
                    </h1>
                    <section>
                        <h2>{move || tr("判断依据", "Why")}</h2>
                        <Reasons reasons=answer.reasons.clone() />
                    </section>
                    {eligible.then(|| view! {
                        <section>
                            <h2>{move || tr("需要准备的全部材料（一次性告知）", "Everything to bring (told at once)")}</h2>
                            <Checklist materials=answer.materials.clone() />
                        </section>
                        <section>
                            <h2>{move || tr("办理时限", "Time limit")}</h2>
                            <p id="outcome-limit">
                                {move || match processing {
                                    Processing::Instant => tr("即办件：材料齐全的当场办结。", "Instant: issued on the spot when complete.").to_string(),
                                    Processing::Promise => match due {
                                        Some(d) => format!("{} {}，{}{}", tr("法定时限", "Legal limit"), limit_words(limit), tr("今天受理的最迟于", "if accepted today, decided by "), date(d.date)),
                                        None => format!("{} {}", tr("法定时限", "Legal limit"), limit_words(limit)),
                                    },
                                }}
                                <crate::components::Provisional on=due.is_some_and(|d| d.provisional) && processing == Processing::Promise />
                            </p>
                        </section>
                        <p class="actions">
                            <a class="button" id="start-application" href="/apply">{move || tr("开始网上申请", "Start the application")}</a>
                            <button type="button" class="button secondary no-print" on:click=move |_| {
                                if let Some(w) = web_sys::window() { let _ = w.print(); }
                            }>{move || tr("打印清单", "Print the checklist")}</button>
                        </p>
                    })}
                }
                .into_any()
            }
        }
    }
}
