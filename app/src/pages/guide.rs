//! 办事指南 (000 三(一); 吉林 art. 18; 003 二): a service's guide at an office, printable as a
//! one-page leaflet.

use domain::contract::Processing;
use domain::{DivisionCode, Service};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::{DivisionPicker, limit_words, material_form, provided_by};
use crate::i18n::{Lang, date, tr};

#[component]
pub fn Guide() -> impl IntoView {
    let params = use_params_map();
    let service = move || {
        params
            .read()
            .get("service")
            .and_then(|s| Service::from_code(&s))
    };
    let division: RwSignal<Option<DivisionCode>> = RwSignal::new(None);
    let guide = LocalResource::new(move || {
        let (d, s) = (division.get(), service());
        async move {
            match (d, s) {
                (Some(d), Some(s)) => Some(api::guide(&d.to_string(), s.code()).await),
                _ => None,
            }
        }
    });
    let title = move || match (service(), Lang::current()) {
        (Some(s), Lang::Zh) => format!("{}办事指南", s.name_zh()),
        (Some(s), Lang::En) => format!("Service guide: {}", s.name_en()),
        (None, _) => tr("没有这项服务", "No such service").to_string(),
    };
    view! {
        <h1>{title}</h1>
        <div class="no-print">
            <DivisionPicker
                id="guide-division"
                legend="选择办理地（区县、乡镇或村居）"
                legend_en="Choose the office (district, township or village)"
                value=division
                min_len=6
            />
        </div>
        {move || match guide.get() {
            None => view! { <p role="status">{tr("正在读取…", "Loading…")}</p> }.into_any(),
            Some(None) => view! { <p class="hint">{tr("选择办理地后显示该地的办事指南。", "Choose an office to see its guide.")}</p> }.into_any(),
            Some(Some(Err(e))) => view! { <p class="field-error" role="alert">{crate::i18n::bi(&e.message())}</p> }.into_any(),
            Some(Some(Ok(answer))) => view! { <GuideBody answer=answer /> }.into_any(),
        }}
    }
}

// Long: the guide's sections in the order a printed 办事指南 has them.
#[component]
fn GuideBody(answer: api::GuideAnswer) -> impl IntoView {
    let g = answer.guide;
    let office = answer.office.unwrap_or_else(|| g.division.to_string());
    let processing = g.processing;
    let limit = g.time_limit;
    let due = g.due_if_accepted_today;
    let provisional = g.due_provisional && processing == Processing::Promise;
    let service = g.service;
    let materials = g.materials.clone();
    view! {
        <article class="guide leaflet" id="guide">
            <p class="office">{format!("{} · {}", office, g.province)}</p>
            <section>
                <h2>{move || tr("办理条件", "Conditions")}</h2>
                <ul>
                    {g.conditions.iter().map(|c| view! {
                        <li>{c.text.clone()} " " <cite class="source">{format!("（{}）", c.source)}</cite></li>
                    }).collect_view()}
                </ul>
            </section>
            <section>
                <h2>{move || tr("办理时限", "Time limit")}</h2>
                <p>
                    {move || match processing {
                        Processing::Instant => tr("即办件：材料齐全的当场办结。", "Instant: issued on the spot when the materials are complete. ").to_string(),
                        Processing::Promise => format!("{}{}。", tr("承诺件：法定时限", "Processed within the legal limit of "), limit_words(limit)),
                    }}
                    " " <cite class="source">{format!("（{}）", g.time_limit_source)}</cite>
                </p>
                <p id="guide-due">
                    {move || match due {
                        Some(d) if processing == Processing::Promise => format!("{}{}", tr("今天受理的，最迟办结日期：", "If accepted today, decided by: "), date(d)),
                        Some(_) => String::new(),
                        None => tr("今天受理的办结日期无法计算。", "The due date for today cannot be computed.").to_string(),
                    }}
                    <crate::components::Provisional on=provisional />
                </p>
            </section>
            <section>
                <h2>{move || tr("申请材料（一次性告知）", "Materials (all of them, told at once)")}</h2>
                <ol class="checklist">
                    {materials.into_iter().map(|m| {
                        let (zh, en) = (m.name.clone(), m.name_en.clone());
                        let when = m.when.join("；");
                        let by = m.provided_by;
                        let form = m.form;
                        view! {
                            <li class="material" data-material=m.code.code()>
                                <strong>{move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}</strong>
                                <span class="by">{move || format!(" — {}", provided_by(by))}</span>
                                {form.map(|f| view! { <span class="form">{move || format!("（{}）", material_form(f))}</span> })}
                                {(!when.is_empty()).then(|| view! { <p class="note">{format!("{}{}", "适用：", when)}</p> })}
                                {(!m.note.is_empty()).then(|| view! { <p class="note">{m.note.clone()}</p> })}
                                <cite class="source">{format!("依据：{}", m.source)}</cite>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section>
                <h2>{move || tr("收费、地点与投诉", "Fee, where, complaints")}</h2>
                <dl class="facts">
                    <dt>{move || tr("收费", "Fee")}</dt>
                    <dd id="guide-fee">{g.fee.text.clone()} " " <cite class="source">{format!("（{}）", g.fee.source)}</cite></dd>
                    <dt>{move || tr("办理地点", "Where")}</dt>
                    <dd>{g.place.text.clone()} " " <cite class="source">{format!("（{}）", g.place.source)}</cite></dd>
                    <dt>{move || tr("监督投诉电话", "Complaint line")}</dt>
                    <dd id="guide-hotline">{g.hotline.text.clone()} " " <cite class="source">{format!("（{}）", g.hotline.source)}</cite></dd>
                </dl>
            </section>
            <p class="no-print actions">
                <button type="button" class="button secondary" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }>{move || tr("打印折页", "Print the leaflet")}</button>
                <a class="button" href=format!("/check/{}/where", service.code())>{move || tr("检查条件并申请", "Check and apply")}</a>
            </p>
        </article>
    }
}
