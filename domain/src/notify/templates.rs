//! The fixed texts: one template per kind of message, in Chinese and English, filled from
//! [`Facts`] — the SMS within one segment wherever the variables allow, the e-mail whole.

use super::{Facts, Kind, Lang, Message, SMS_SEGMENT};
use crate::case::Delivery;

/// The sender's name at the head of every SMS (短信签名).
const SIGNATURE_ZH: &str = "【计生证件网上办】";
const SIGNATURE_EN: &str = "[Family planning online] ";

/// Fills the fixed template of `kind`.
pub fn render(kind: Kind, f: &Facts, lang: Lang) -> Message {
    let (line, full, subject) = match lang {
        Lang::Zh => zh(kind, f),
        Lang::En => en(kind, f),
    };
    let signature = match lang {
        Lang::Zh => SIGNATURE_ZH,
        Lang::En => SIGNATURE_EN,
    };
    Message {
        kind,
        case: f.case.clone(),
        lang,
        sms: format!("{signature}{line}"),
        subject,
        body: full,
    }
}

/// The longest prefix of `items` (joined with 、) that keeps `head + list + tail` within one
/// segment, with 「等N项」 when some are left out.
fn fit_zh(head: &str, items: &[String], tail: &str) -> String {
    let room = SMS_SEGMENT
        .saturating_sub(SIGNATURE_ZH.chars().count())
        .saturating_sub(head.chars().count() + tail.chars().count());
    let all = items.join("、");
    if all.chars().count() <= room {
        return all;
    }
    let mut shown = Vec::new();
    for item in items {
        let candidate = format!("{}、{item}等{}项", shown.join("、"), items.len());
        if candidate.chars().count() > room {
            break;
        }
        shown.push(item.clone());
    }
    if shown.is_empty() {
        format!("{}项材料", items.len())
    } else {
        format!("{}等{}项", shown.join("、"), items.len())
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn due_zh(f: &Facts) -> String {
    f.due.map(|d| d.chinese()).unwrap_or_default()
}

fn delivery_zh(d: Option<&Delivery>) -> &'static str {
    match d {
        Some(Delivery::ExpressCod { .. }) => "将快递送达（到付）",
        Some(Delivery::SelfPrint) => "可登录自行打印电子证照",
        Some(Delivery::Pickup) | None => "请到受理窗口领取",
    }
}

fn delivery_en(d: Option<&Delivery>) -> &'static str {
    match d {
        Some(Delivery::ExpressCod { .. }) => "it will be sent by express, cash on delivery",
        Some(Delivery::SelfPrint) => "print the electronic certificate yourself online",
        Some(Delivery::Pickup) | None => "collect it at the window",
    }
}

/// (SMS line without signature, e-mail body, subject) in Chinese.
// Long: one arm per kind of message: the template table, each fixed text beside its variables.
fn zh(kind: Kind, f: &Facts) -> (String, String, String) {
    let no = &f.case;
    let service = &f.service_zh;
    let track = "详情请凭查询码在“进度查询”查看。";
    let (line, full) = match kind {
        Kind::Accepted => {
            let line = match f.due {
                Some(_) => format!("{service}申请{no}已受理，{}前办结。", due_zh(f)),
                None => format!("{service}申请{no}已受理。"),
            };
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Returned => {
            let head = format!("申请{no}需补正：");
            let tail = "。请登录补正。";
            let list = fit_zh(&head, &f.items_zh, tail);
            (
                format!("{head}{list}{tail}"),
                format!(
                    "您的{service}申请{no}需补正以下材料：{}。请凭查询码登录“进度查询”一次补齐。",
                    f.items_zh.join("、")
                ),
            )
        }
        Kind::Opinion => {
            let word = if f.agreed == Some(false) {
                "不同意"
            } else {
                "同意"
            };
            let line = format!("申请{no}乡镇（街道）审核意见：{word}，已报县级审批。");
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Approved => {
            let line = format!("{service}申请{no}已批准，发证后另行通知。");
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Refused => {
            let head = format!("申请{no}不予办理：");
            let room = SMS_SEGMENT
                - SIGNATURE_ZH.chars().count()
                - head.chars().count()
                - "。详见查询。".chars().count();
            let first = f.reasons.first().cloned().unwrap_or_default();
            (
                format!("{head}{}。详见查询。", cut(&first, room)),
                format!(
                    "您的{service}申请{no}不予办理，理由：{}。{track}",
                    f.reasons.join("；")
                ),
            )
        }
        Kind::Issued => {
            let cert = f.certificate.as_deref().unwrap_or_default();
            let line = format!(
                "{service}已办结，证号{cert}，{}。",
                delivery_zh(f.delivery.as_ref())
            );
            (line.clone(), format!("申请{no}：{line}"))
        }
        Kind::Delivered => {
            let line = format!("申请{no}的证件已送达。");
            (line.clone(), line)
        }
        Kind::Digest => {
            let line = format!("申请{no}今日有多项进展，详见查询。");
            (line.clone(), line)
        }
        Kind::VerificationRequested => {
            let line = format!("案件{no}有协查请求待贵单位回复，请登录办理。");
            (line.clone(), line)
        }
        Kind::DueTomorrow => {
            let line = format!("案件{no}明日到期（{}），请及时办理。", due_zh(f));
            (line.clone(), line)
        }
        Kind::RedLight => {
            let line = format!("案件{no}已超期亮红灯，请立即办理。");
            (line.clone(), line)
        }
        Kind::CorrectionRequested => {
            let line = format!("证照更正申请（案件{no}）待贵单位处理，请登录办理。");
            (line.clone(), line)
        }
    };
    let subject = format!("计生证件网上办：{}", subject_zh(kind, no));
    (line, full, subject)
}

fn subject_zh(kind: Kind, no: &str) -> String {
    let what = match kind {
        Kind::Accepted => "已受理",
        Kind::Returned => "需补正",
        Kind::Opinion => "乡镇审核意见",
        Kind::Approved => "已批准",
        Kind::Refused => "不予办理",
        Kind::Issued => "已发证",
        Kind::Delivered => "已送达",
        Kind::Digest => "今日进展",
        Kind::VerificationRequested => "协查请求",
        Kind::DueTomorrow => "明日到期",
        Kind::RedLight => "超期红灯",
        Kind::CorrectionRequested => "更正申请",
    };
    format!("{no} {what}")
}

/// (SMS line without signature, e-mail body, subject) in English.
// Long: one arm per kind of message: the template table, each fixed text beside its variables.
fn en(kind: Kind, f: &Facts) -> (String, String, String) {
    let no = &f.case;
    let service = &f.service_en;
    let track = " Track it with your access code for the details.";
    let (line, full) = match kind {
        Kind::Accepted => {
            let line = match f.due {
                Some(d) => format!("{service} application {no} accepted; decision by {d}."),
                None => format!("{service} application {no} accepted."),
            };
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Returned => (
            format!(
                "Application {no}: please add {} item(s) online: {}.",
                f.items_en.len(),
                cut(&f.items_en.join(", "), 80)
            ),
            format!(
                "Your {service} application {no} needs: {}. Add them all at once online with your access code.",
                f.items_en.join(", ")
            ),
        ),
        Kind::Opinion => {
            let word = if f.agreed == Some(false) {
                "disagreed"
            } else {
                "agreed"
            };
            let line = format!("Application {no}: the township {word}; the county decides next.");
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Approved => {
            let line =
                format!("{service} application {no} approved; you will hear when it is issued.");
            (line.clone(), format!("{line}{track}"))
        }
        Kind::Refused => (
            format!(
                "Application {no} refused: {}. Details online.",
                cut(
                    f.reasons.first().map(String::as_str).unwrap_or_default(),
                    60
                )
            ),
            format!(
                "Your {service} application {no} was refused: {}.{track}",
                f.reasons.join("; ")
            ),
        ),
        Kind::Issued => {
            let cert = f.certificate.as_deref().unwrap_or_default();
            let line = format!(
                "{service} issued, number {cert}: {}.",
                delivery_en(f.delivery.as_ref())
            );
            (line.clone(), format!("Application {no}: {line}"))
        }
        Kind::Delivered => {
            let line = format!("Application {no}: the certificate was delivered.");
            (line.clone(), line)
        }
        Kind::Digest => {
            let line = format!("Application {no}: several steps today; details online.");
            (line.clone(), line)
        }
        Kind::VerificationRequested => {
            let line = format!("Case {no}: a verification request awaits your office's answer.");
            (line.clone(), line)
        }
        Kind::DueTomorrow => {
            let line = format!(
                "Case {no} is due tomorrow ({}).",
                f.due.map(|d| d.to_string()).unwrap_or_default()
            );
            (line.clone(), line)
        }
        Kind::RedLight => {
            let line = format!("Case {no} is overdue (red light): act now.");
            (line.clone(), line)
        }
        Kind::CorrectionRequested => {
            let line = format!("Case {no}: a certificate correction request awaits your office.");
            (line.clone(), line)
        }
    };
    let subject = format!(
        "Family planning online: {no} {}",
        kind.code().replace('_', " ")
    );
    (line, full, subject)
}
