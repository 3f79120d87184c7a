//! The home page: what the site does, the four services, and whether the server answers.

use domain::Service;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{self, Lang, t};

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>{move || t(i18n::SITE_NAME)}</h1>
            <p class="tagline">{move || t(i18n::TAGLINE)}</p>
        </section>
        <section aria-labelledby="services-heading">
            <h2 id="services-heading">{move || t(i18n::SERVICES_HEADING)}</h2>
            <ul class="services">
                {Service::ALL.into_iter().map(|s| view! { <ServiceCard service=s /> }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="track-heading" class="panel">
            <h2 id="track-heading">{move || t(i18n::TRACK_HEADING)}</h2>
            <p>{move || t(i18n::TRACK_INTRO)}</p>
            <a class="button secondary" href="/track">{move || t(i18n::TRACK_LINK)}</a>
        </section>
        <section aria-labelledby="lookup-heading" class="panel">
            <h2 id="lookup-heading">{move || i18n::tr("自助查询证件", "Look up my certificates")}</h2>
            <p>{move || i18n::tr(
                "凭姓名和身份证号码查询本人已办的证件，导出查询结果，发现有误可申请更正。",
                "Find the certificates issued to you by name and ID number, save the result, and ask for a correction if something is wrong.",
            )}</p>
            <a class="button secondary" href="/lookup" id="lookup-link">{move || i18n::tr("自助查询", "Look up")}</a>
        </section>
        <HealthStatus />
    }
}

#[component]
fn ServiceCard(service: Service) -> impl IntoView {
    let name = move || match Lang::current() {
        Lang::Zh => service.name_zh(),
        Lang::En => service.name_en(),
    };
    let summary = move || match Lang::current() {
        Lang::Zh => service.summary_zh(),
        Lang::En => service.summary_en(),
    };
    view! {
        <li class="service" data-service=service.code()>
            <h3>{name}</h3>
            <p>{summary}</p>
            <p class="service-links">
                <a class="button" href=format!("/check/{}/where", service.code())>
                    {move || t(i18n::START_CHECK)}
                </a>
                <a href=format!("/guide/{}", service.code())>{move || t(i18n::READ_GUIDE)}</a>
            </p>
        </li>
    }
}

/// Shows the server's answer to `/api/health`; it is a live region so the change is announced.
#[component]
fn HealthStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    let state = move || match health.get() {
        None => "checking",
        Some(Ok(_)) => "ok",
        Some(Err(_)) => "down",
    };
    let text = move || match health.get() {
        None => t(i18n::HEALTH_CHECKING).to_string(),
        Some(Ok(h)) => match Lang::current() {
            Lang::Zh => format!("{}（版本 {}）", t(i18n::HEALTH_OK), h.version),
            Lang::En => format!("{} (version {})", t(i18n::HEALTH_OK), h.version),
        },
        Some(Err(_)) => t(i18n::HEALTH_DOWN).to_string(),
    };
    view! {
        <p id="health" class="health" role="status" data-state=state>{text}</p>
    }
}
