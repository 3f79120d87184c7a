//! 计生证件网上办 — the single-page app (Leptos, client-side rendering).
//!
//! All network code lives in `api.rs`, one file per page under `pages/`. Nothing here may
//! panic: a panic in wasm kills the whole app, so every fallible call is matched.

mod api;
mod components;
mod i18n;
mod pages;
mod staff;
mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{LangToggle, t, tr};

#[component]
fn App() -> impl IntoView {
    i18n::provide_lang();
    state::Today::provide();
    state::Draft::provide();
    staff::Staff::provide();
    components::Divisions::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main">{move || tr("跳到正文", "Skip to content")}</a>
            <header class="site-header">
                <a class="brand" href="/">{move || t(i18n::SITE_NAME)}</a>
                <nav aria-label=move || tr("主导航", "Main")>
                    <a href="/track">{move || t(i18n::TRACK_LINK)}</a>
                    <a href="/staff">{move || tr("工作人员", "Staff")}</a>
                </nav>
                <LangToggle />
            </header>
            <main id="main" class="page" tabindex="-1">
                <components::WindowBanner />
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("") view=pages::home::Home />
                    <Route path=path!("/guide/:service") view=pages::guide::Guide />
                    <Route path=path!("/check/:service/:step") view=pages::check::Check />
                    <Route path=path!("/apply") view=pages::apply::Apply />
                    <Route path=path!("/apply/review") view=pages::review::Review />
                    <Route path=path!("/apply/done") view=pages::done::Done />
                    <Route path=path!("/track") view=pages::track::Track />
                    <Route path=path!("/staff") view=pages::staff_queue::StaffQueue />
                    <Route path=path!("/staff/cases/:number") view=pages::staff_case::StaffCase />
                    <Route path=path!("/staff/dashboard") view=pages::staff_dashboard::StaffDashboard />
                    <Route path=path!("/staff/window") view=pages::staff_window::StaffWindow />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{move || t(i18n::FOOTER_FREE)}</p>
            </footer>
        </Router>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // The static shell of index.html has done its job once the app can draw the page.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}
