use leptos::prelude::*;

use crate::i18n::{self, t};

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{move || t(i18n::NOT_FOUND)}</h1>
        <p><a href="/">{move || t(i18n::BACK_HOME)}</a></p>
    }
}
