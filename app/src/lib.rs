//! 计生证件网上办 — the single-page app (Leptos, client-side rendering), built as two bundles
//! from this one library: the applicant's (`src/main.rs`, served for every route but `/staff…`)
//! and the staff console's (`src/bin/console.rs`, for `/staff…`), which also holds the
//! applicant pages for window mode; a third, `src/bin/verify.rs`, is the page a certificate's
//! QR code opens. Applicants never download the console's or the signature check's code.
//!
//! All network code lives in `api.rs`, one file per page under `pages/`. Nothing here may
//! panic: a panic in wasm kills the whole app, so every fallible call is matched.

pub mod api;
pub mod components;
pub mod divisions;
pub mod i18n;
pub mod messages;
pub mod pages;
pub mod staff;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{LangToggle, t, tr};

/// Which bundle a page belongs to: a link to a route of another bundle must load that bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bundle {
    Applicant,
    Console,
    Verify,
}

/// The header, the page frame and the footer around a bundle's routes.
#[component]
fn Frame(bundle: Bundle, children: Children) -> impl IntoView {
    // `rel="external"` makes the router leave the link to the browser: a full page load.
    let track = (bundle == Bundle::Verify).then_some("external");
    let staff = (bundle != Bundle::Console).then_some("external");
    view! {
        <a class="skip-link" href="#main">{move || tr("跳到正文", "Skip to content")}</a>
        <header class="site-header">
            <a class="brand" href="/">{move || t(i18n::SITE_NAME)}</a>
            <nav aria-label=move || tr("主导航", "Main")>
                <a href="/track" rel=track>{move || t(i18n::TRACK_LINK)}</a>
                <a href="/lookup" rel=track>{move || tr("证件查询", "Certificates")}</a>
                <a href="/staff" rel=staff>{move || tr("工作人员", "Staff")}</a>
            </nav>
            <LangToggle />
        </header>
        <main id="main" class="page" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{move || t(i18n::FOOTER_FREE)}</p>
        </footer>
    }
}

fn provide_common() {
    i18n::provide_lang();
    state::Today::provide();
    state::Reckoning::provide();
    state::Draft::provide();
    components::Divisions::provide();
}

/// The applicant's app: everything but the console.
#[component]
fn ApplicantApp() -> impl IntoView {
    provide_common();
    view! {
        <Router>
            <Frame bundle=Bundle::Applicant>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("") view=pages::home::Home />
                    <Route path=path!("/guide/:service") view=pages::guide::Guide />
                    <Route path=path!("/check/:service/:step") view=pages::check::Check />
                    <Route path=path!("/apply") view=pages::apply::Apply />
                    <Route path=path!("/apply/review") view=pages::review::Review />
                    <Route path=path!("/apply/done") view=pages::done::Done />
                    <Route path=path!("/track") view=pages::track::Track />
                    <Route path=path!("/lookup") view=pages::lookup::Lookup />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The staff console: its own pages plus the applicant's, which window mode goes through.
#[component]
fn ConsoleApp() -> impl IntoView {
    provide_common();
    staff::Staff::provide();
    view! {
        <Router>
            <Frame bundle=Bundle::Console>
                <components::WindowBanner />
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("") view=pages::home::Home />
                    <Route path=path!("/guide/:service") view=pages::guide::Guide />
                    <Route path=path!("/check/:service/:step") view=pages::check::Check />
                    <Route path=path!("/apply") view=pages::apply::Apply />
                    <Route path=path!("/apply/review") view=pages::review::Review />
                    <Route path=path!("/apply/done") view=pages::done::Done />
                    <Route path=path!("/track") view=pages::track::Track />
                    <Route path=path!("/lookup") view=pages::lookup::Lookup />
                    <Route path=path!("/staff") view=pages::staff_queue::StaffQueue />
                    <Route path=path!("/staff/cases/:number") view=pages::staff_case::StaffCase />
                    <Route path=path!("/staff/dashboard") view=pages::staff_dashboard::StaffDashboard />
                    <Route path=path!("/staff/window") view=pages::staff_window::StaffWindow />
                    <Route path=path!("/staff/calendar") view=pages::staff_calendar::StaffCalendar />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The verify page a certificate's QR code opens: a bundle of its own, so only those who check a
/// certificate download the signature code.
#[component]
fn VerifyApp() -> impl IntoView {
    provide_common();
    view! {
        <Router>
            <Frame bundle=Bundle::Verify>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/verify") view=pages::verify::Verify />
                </Routes>
            </Frame>
        </Router>
    }
}

/// Removes the static shell of the HTML page once the app can draw the page.
fn start() {
    console_error_panic_hook::set_once();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}

/// The applicant's bundle (`index.html`).
pub fn mount_applicant() {
    start();
    leptos::mount::mount_to_body(ApplicantApp);
}

/// The verify bundle (`verify.html`, served for `/verify`).
pub fn mount_verify() {
    start();
    leptos::mount::mount_to_body(VerifyApp);
}

/// The console's bundle (`console.html`, served for `/staff…`).
pub fn mount_console() {
    start();
    leptos::mount::mount_to_body(ConsoleApp);
}
