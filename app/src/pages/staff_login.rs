//! Staff sign-in and the console's bar (who is signed in, where, the console's pages, sign out).
//! The role comes from the account, never from a choice on this page.

use leptos::prelude::*;

use crate::api;
use crate::i18n::{bi, tr};
use crate::staff::{Session, Staff};

/// When the token stops working, on this browser's clock: now plus the token's lifetime
/// (`exp - iat` from its payload), so a browser clock that differs from the server's does not
/// end the session early or late. The server's own `expires_at` when the token cannot be read.
fn expiry(token: &str, expires_at: &str) -> f64 {
    let lifetime = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            let b64 = p.replace('-', "+").replace('_', "/");
            let padded = format!("{b64}{}", "=".repeat((4 - b64.len() % 4) % 4));
            web_sys::window()?.atob(&padded).ok()
        })
        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
        .and_then(|v| Some(v["exp"].as_f64()? - v["iat"].as_f64()?));
    match lifetime {
        Some(secs) if secs > 0.0 => js_sys::Date::now() + secs * 1000.0,
        _ => js_sys::Date::parse(expires_at),
    }
}

/// Shown in place of any console page while nobody is signed in.
#[component]
pub fn Login() -> impl IntoView {
    let staff = Staff::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (u, p) = (
            username.get_untracked().trim().to_string(),
            password.get_untracked(),
        );
        if u.is_empty() || p.is_empty() {
            failure.set(Some(
                "请填写用户名和密码 / enter your username and password".into(),
            ));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::login(&u, &p).await;
            busy.set(false);
            match answer {
                Ok(a) => {
                    password.set(String::new());
                    failure.set(None);
                    let expires_at = expiry(&a.token, &a.expires_at);
                    staff.sign_in(Session {
                        token: a.token,
                        username: a.username,
                        display_name: a.display_name,
                        role: a.role,
                        division: a.division,
                        expires_at,
                    });
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    view! {
        <h1>{move || tr("工作人员登录", "Staff sign-in")}</h1>
        <p class="hint">{move || tr(
            "村（居）、乡镇（街道）、县级卫生健康部门和监督人员使用。权限和辖区由账号决定。",
            "For village, township and county staff and supervisors. Your account decides your role and division.",
        )}</p>
        <form class="panel login" on:submit=submit>
            <div class="field">
                <label for="staff-username">{move || tr("用户名", "Username")}</label>
                <input type="text" id="staff-username" autocomplete="username" spellcheck="false"
                    prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="staff-password">{move || tr("密码", "Password")}</label>
                <input type="password" id="staff-password" autocomplete="current-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </div>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert" id="login-failure">{bi(&m)}</p> })}
            <button type="submit" class="button" id="staff-login" disabled=move || busy.get()>
                {move || tr("登录", "Sign in")}
            </button>
        </form>
    }
}

/// Who is signed in, the console's pages for the role, and sign-out.
#[component]
pub fn StaffBar(session: Session) -> impl IntoView {
    let staff = Staff::get();
    let divisions = crate::components::Divisions::get();
    if let Some(d) = session.division {
        divisions.load_for(&d.to_string(), d.to_string().len());
    }
    let division = session.division.map(|d| d.to_string()).unwrap_or_default();
    let where_ = {
        let division = division.clone();
        move || divisions.full_name(&division)
    };
    let token = session.token.clone();
    let sign_out = move |_| {
        let token = token.clone();
        staff.sign_out();
        leptos::task::spawn_local(async move {
            // Revoked on the server too; if that fails the token still expires on its own.
            let _ = api::logout(&token).await;
        });
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_href("/staff");
        }
    };
    let supervisor = session.may(domain::roles::Capability::Supervise);
    let window = session.at_window();
    let role = session.role;
    view! {
        <nav class="staff-bar" aria-label=move || tr("工作台", "Console")>
            <p class="who" id="staff-who">
                <strong>{session.display_name.clone()}</strong>
                " · " {move || crate::staff::role_name(role)}
                " · " <span>{where_}</span>
            </p>
            <ul>
                <li><a href="/staff">{move || tr("待办案件", "Queue")}</a></li>
                {window.then(|| view! { <li><a href="/staff/window" id="nav-window">{move || tr("窗口受理", "Window")}</a></li> })}
                {supervisor.then(|| view! { <li><a href="/staff/dashboard" id="nav-dashboard">{move || tr("监督看板", "Dashboard")}</a></li> })}
                <li><a href="/staff/calendar" id="nav-calendar">{move || tr("节假日安排", "Holidays")}</a></li>
                <li><button type="button" class="link-button" id="staff-logout" on:click=sign_out>{move || tr("退出登录", "Sign out")}</button></li>
            </ul>
        </nav>
    }
}
