//! Confirmation: the case number, the access code (shown once), what happens next and by when.

use leptos::prelude::*;

use crate::components::{limit_words, step_name};
use crate::i18n::{date, tr};
use crate::state::Draft;

#[component]
pub fn Done() -> impl IntoView {
    let draft = Draft::get();
    move || match draft.submitted.get() {
        None => view! {
            <h1>{move || tr("没有刚提交的申请", "No application was just submitted")}</h1>
            <a class="button" href="/track">{move || tr("查询办理进度", "Track an application")}</a>
        }
        .into_any(),
        Some(s) => {
            let track = format!("/track?number={}", s.number);
            let steps = s.deadlines.clone();
            let provisional = s.deadlines.iter().any(|d| d.provisional);
            view! {
                <div class="panel confirmation" role="status">
                    <h1>{move || tr("申请已受理", "Application received")}</h1>
                    <p>{move || tr("受理编号", "Case number")}</p>
                    <p class="big" id="case-number">{s.number.clone()}</p>
                    <p>{move || tr("查询码（只显示这一次，请抄下或截图保存）", "Access code (shown only now: write it down or take a screenshot)")}</p>
                    <p class="big" id="access-code">{s.access_code.clone()}</p>
                </div>
                <h2>{move || tr("接下来", "What happens next")}</h2>
                <ol class="next-steps" id="next-steps">
                    {steps.into_iter().map(|d| {
                        let step = d.step.clone();
                        view! {
                            <li>
                                {move || step_name(&step)}
                                {move || format!("：{}（{}）", date(d.due), limit_words(d.limit))}
                                <crate::components::Provisional on=d.provisional />
                                " " <cite class="source">{format!("（{}）", d.source)}</cite>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {s.due.map(|due| view! {
                    <p id="final-due">
                        {move || format!("{}{}", tr("最迟办结日期：", "Decided by: "), date(due))}
                        <crate::components::Provisional on=provisional />
                    </p>
                })}
                <p>{move || tr(
                    "工作人员如发现材料需要补正，会一次性告知全部问题；您可凭受理编号和查询码查看进度并补正。超过时限未办结的，系统会亮红灯提醒监督人员。",
                    "If anything must be added, staff list every item at once; track and add it with the case number and access code. A step past its limit shows red to supervisors.",
                )}</p>
                {if draft.window.get_untracked() {
                    let case = format!("/staff/cases/{}", s.number);
                    view! {
                        <p>{move || tr("窗口受理：请把受理编号和查询码交给申请人。即办件可在案件页当场办结发证。", "At the window: give the applicant the case number and access code. An instant item can be issued on the case page now.")}</p>
                        <a class="button" href=case id="window-case-link">{move || tr("打开案件，当场办结", "Open the case to issue it now")}</a>
                    }.into_any()
                } else {
                    view! { <a class="button" href=track id="track-link">{move || tr("查看办理进度", "Track this application")}</a> }.into_any()
                }}
            }
            .into_any()
        }
    }
}
