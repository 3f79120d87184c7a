//! 计生证件网上办 — the single-page app (Leptos, client-side rendering).
//!
//! All network code lives in `api.rs`, one file per page under `pages/`. Nothing here may
//! panic: a panic in wasm kills the whole app, so every fallible call is matched.

mod api;
mod i18n;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{LangToggle, t};

#[component]
fn App() -> impl IntoView {
    i18n::provide_lang();
    view! {
        <Router>
            <header class="site-header">
                <a class="brand" href="/">{move || t(i18n::SITE_NAME)}</a>
                <LangToggle />
            </header>
            <main id="main" class="page">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("") view=pages::home::Home />
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
    leptos::mount::mount_to_body(App);
}
