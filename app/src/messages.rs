//! The message log (issue 20): what the applicant was told by SMS or e-mail, and whether the
//! provider took it — on the tracking page and on the console's case page.

use domain::notify::{Channel, Kind, LogEntry, Status};
use leptos::prelude::*;

use crate::i18n::tr;

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
