//! The message log (issue 20): what the applicant was told by SMS or e-mail, and whether the
//! provider took it — on the tracking page and on the console's case page.

use domain::notify::{Channel, Kind, LogEntry, Preference, Status};
use leptos::prelude::*;

use crate::i18n::{Lang, tr};

/// The preference the choice's fields say, in the language the applicant is using.
pub fn preference(channel: &str, email: &str) -> Preference {
    Preference {
        channel: match channel {
            "email" => Some(Channel::Email),
            "none" => None,
            _ => Some(Channel::Sms),
        },
        email: Some(email.trim().to_string()).filter(|e| !e.is_empty()),
        lang: match Lang::current() {
            Lang::En => domain::notify::Lang::En,
            Lang::Zh => domain::notify::Lang::Zh,
        },
    }
}

/// The fields' values for a stored preference.
pub fn fields_of(p: &Preference) -> (String, String) {
    let channel = match p.channel {
        Some(Channel::Sms) => "sms",
        Some(Channel::Email) => "email",
        None => "none",
    };
    (channel.to_string(), p.email.clone().unwrap_or_default())
}

/// SMS to the phone given, e-mail, or none; the address field when e-mail is chosen.
#[component]
pub fn NotifyChoice(channel: RwSignal<String>, email: RwSignal<String>) -> impl IntoView {
    let options: [(&'static str, &'static str, &'static str); 3] = [
        (
            "sms",
            "短信（发送到上面填写的手机号码）",
            "SMS (to the mobile number above)",
        ),
        ("email", "电子邮件", "E-mail"),
        (
            "none",
            "不接收通知（请自行登录查询进度）",
            "No messages (track the case yourself)",
        ),
    ];
    view! {
        <fieldset>
            <legend>{move || tr("办理进度通知方式", "How to hear of each step")}</legend>
            {options.into_iter().map(|(code, zh, en)| {
                let id = format!("notify-{code}");
                view! {
                    <div class="choice">
                        <input type="radio" name="notify" id=id.clone() value=code
                            prop:checked=move || channel.get() == code
                            on:change=move |_| channel.set(code.to_string()) />
                        <label for=id>{move || tr(zh, en)}</label>
                    </div>
                }
            }).collect_view()}
            <Show when=move || channel.get() == "email">
                <div class="field">
                    <label for="notify-address">{move || tr("电子邮箱", "E-mail address")}</label>
                    <input type="email" id="notify-address" autocomplete="email"
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                </div>
            </Show>
            <p class="hint">{move || tr("通知不含查询码和完整身份证号码。", "Messages never hold the access code or a full ID number.")}</p>
        </fieldset>
    }
}

fn kind_name(kind: Kind) -> &'static str {
    let (zh, en) = match kind {
        Kind::Accepted => ("已受理", "Accepted"),
        Kind::Returned => ("需补正", "Returned for more"),
        Kind::Opinion => ("乡镇审核意见", "Township opinion"),
        Kind::Approved => ("已批准", "Approved"),
        Kind::Refused => ("不予办理", "Refused"),
        Kind::Issued => ("已发证", "Issued"),
        Kind::Delivered => ("已送达", "Delivered"),
        Kind::Digest => ("当日进展汇总", "The day's steps"),
        Kind::VerificationRequested => ("协查请求", "Verification request"),
        Kind::DueTomorrow => ("明日到期", "Due tomorrow"),
        Kind::RedLight => ("超期红灯", "Red light"),
        Kind::CorrectionRequested => ("更正申请", "Correction request"),
    };
    tr(zh, en)
}

fn status_name(status: Status) -> &'static str {
    let (zh, en) = match status {
        Status::Pending => ("待发送", "waiting"),
        Status::Sending => ("发送中", "sending"),
        Status::Sent => ("已发送", "sent"),
        Status::Merged => ("已并入汇总发送", "sent in the day's digest"),
        Status::Failed => ("发送失败", "not delivered"),
    };
    tr(zh, en)
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Sms => tr("短信", "SMS"),
        Channel::Email => tr("邮件", "E-mail"),
    }
}

/// The messages of a case, oldest first; nothing when none was sent.
#[component]
pub fn MessageLog(entries: Vec<LogEntry>) -> impl IntoView {
    (!entries.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="messages-heading">
                <h2 id="messages-heading">{move || tr("通知记录", "Messages")}</h2>
                <ol class="timeline" id="messages">
                    {entries.into_iter().map(|e| {
                        let when = e.sent_at.unwrap_or(e.queued_at).china_time();
                        let failed = e.status == Status::Failed;
                        view! {
                            <li data-kind=e.kind.code() data-status=format!("{:?}", e.status).to_lowercase()>
                                <time>{when}</time> " "
                                <strong>{move || kind_name(e.kind)}</strong> " "
                                {move || format!("{} {}", channel_name(e.channel), e.to)} " "
                                <span class:field-error=failed>{move || status_name(e.status)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}

/// The tracking page's form to change the choice (`POST /api/cases/{number}/notify`).
#[component]
pub fn ChangeNotify(
    number: String,
    code: String,
    current: Option<Preference>,
    reload: Callback<()>,
) -> impl IntoView {
    let (c, e) = fields_of(&current.unwrap_or_default());
    let channel = RwSignal::new(c);
    let email = RwSignal::new(e);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = number.clone();
        let code = code.clone();
        let wanted = preference(&channel.get_untracked(), &email.get_untracked());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = crate::api::change_notify(&number, &code, &wanted).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    problem.set(None);
                    reload.run(());
                }
                Err(crate::api::ApiError::Problem(p)) => problem.set(Some(
                    p.items()
                        .first()
                        .map(|i| match i {
                            domain::contract::ProblemItem::Field(f) => f.message.clone(),
                            other => other.code().to_string(),
                        })
                        .unwrap_or_else(|| format!("{} / {}", p.title, p.title_en)),
                )),
                Err(e) => problem.set(Some(e.message())),
            }
        });
    };
    view! {
        <details class="panel" id="notify-change">
            <summary>{move || tr("更改通知方式", "Change how you hear of each step")}</summary>
            <form on:submit=save>
                <NotifyChoice channel=channel email=email />
                {move || problem.get().map(|m| view! { <p class="field-error" role="alert" id="notify-problem">{crate::i18n::bi(&m)}</p> })}
                <button type="submit" class="button secondary" id="notify-save" disabled=move || busy.get()>
                    {move || tr("保存", "Save")}
                </button>
            </form>
        </details>
    }
}
