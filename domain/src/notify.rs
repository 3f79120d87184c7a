//! What applicants and offices are told, and in which words (issue 20): the kinds of message,
//! the applicant's choice of channel and language, and one fixed template per kind with its
//! variables — so that an SMS to +86 can use a registered template (短信模板) and its text is
//! known in advance. Reasons travel as a short summary; the full text is on the tracking page.
//!
//! A message never carries the access code or a full ID number: the templates are filled from
//! [`Facts`], which holds neither. An SMS is kept within one 70-character segment (UCS-2)
//! wherever the variables allow; longer lists are cut with 「等N项」 and given whole by e-mail.
//!
//! Pure: the store writes the messages a change causes in the same transaction as the change
//! (the transactional outbox), a dispatcher sends them.

use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseState, Delivery, Event};
use crate::date::Date;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

/// The language of the messages: the one the applicant used (Chinese by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// The applicant's choice on the application (and later on the tracking page): SMS to the
/// phone given, e-mail, or nothing. An application that says nothing gets SMS in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Preference {
    /// `None`: no messages.
    pub channel: Option<Channel>,
    /// Required for e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub lang: Lang,
}

impl Default for Preference {
    fn default() -> Self {
        Preference {
            channel: Some(Channel::Sms),
            email: None,
            lang: Lang::Zh,
        }
    }
}

/// Why an e-mail address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("电子邮箱格式不正确 / not an e-mail address")]
pub struct EmailError;

/// An e-mail address of plausible form: one `@`, a dotted domain, no spaces, at most 254
/// characters (RFC 5321). Whether it exists only sending can tell.
pub fn email(input: &str) -> Result<&str, EmailError> {
    let e = input.trim();
    let Some((local, domain)) = e.split_once('@') else {
        return Err(EmailError);
    };
    let ok = e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(e) } else { Err(EmailError) }
}

/// What a message is about. The applicant's: each step of the case. The offices': what they
/// must answer within a limit (000 二(二)4–5; 004 三(四)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Accepted,
    Returned,
    Opinion,
    Approved,
    Refused,
    Issued,
    Delivered,
    /// Several messages of one day merged, so a case sends at most [`DAILY_MAX`] a day.
    Digest,
    VerificationRequested,
    DueTomorrow,
    RedLight,
    CorrectionRequested,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Accepted => "accepted",
            Kind::Returned => "returned",
            Kind::Opinion => "opinion",
            Kind::Approved => "approved",
            Kind::Refused => "refused",
            Kind::Issued => "issued",
            Kind::Delivered => "delivered",
            Kind::Digest => "digest",
            Kind::VerificationRequested => "verification_requested",
            Kind::DueTomorrow => "due_tomorrow",
            Kind::RedLight => "red_light",
            Kind::CorrectionRequested => "correction_requested",
        }
    }
}

/// At most this many messages per case per day; more are merged into one, never dropped.
pub const DAILY_MAX: usize = 4;

/// One SMS segment of Chinese text (UCS-2).
pub const SMS_SEGMENT: usize = 70;

/// The sender's name at the head of every SMS (短信签名).
const SIGNATURE_ZH: &str = "【计生证件网上办】";
const SIGNATURE_EN: &str = "[Family planning online] ";

/// The variables a template may use — nothing else about the case, and never the access code
/// or an ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Facts {
    pub case: String,
    pub service_zh: String,
    pub service_en: String,
    /// The next due date, where one runs.
    #[serde(default)]
    pub due: Option<Date>,
    /// What to add (returned), in Chinese and English, each item once.
    #[serde(default)]
    pub items_zh: Vec<String>,
    #[serde(default)]
    pub items_en: Vec<String>,
    /// The township's opinion: agreed or not.
    #[serde(default)]
    pub agreed: Option<bool>,
    /// A refusal's reasons, as written (the summary is cut to fit an SMS).
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub certificate: Option<String>,
    #[serde(default)]
    pub delivery: Option<Delivery>,
}

/// A message ready to send: one fixed template filled in, in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Message {
    pub kind: Kind,
    pub case: String,
    pub lang: Lang,
    /// The SMS text (one segment wherever the variables allow).
    pub sms: String,
    pub subject: String,
    /// The e-mail text: the SMS's content with every item and reason in full.
    pub body: String,
}

impl Message {
    /// The text for `channel`.
    pub fn text(&self, channel: Channel) -> &str {
        match channel {
            Channel::Sms => &self.sms,
            Channel::Email => &self.body,
        }
    }
}

/// The messages the applicant gets for the events just written on `case` (its state after
/// them): one per step that changes what they must know or do.
pub fn applicant_messages(case: &Case, events: &[Event], lang: Lang) -> Vec<Message> {
    let base = facts(case);
    events
        .iter()
        .filter_map(|e| {
            let kind = applicant_kind(e)?;
            let mut f = base.clone();
            match kind {
                // The event's first line is 同意：… or 不同意：… (workflow's township opinion).
                Kind::Opinion => {
                    f.agreed = Some(!e.details.first().is_some_and(|d| d.starts_with("不同意")));
                }
                Kind::Refused => f.reasons = e.details.clone(),
                _ => {}
            }
            Some(render(kind, &f, lang))
        })
        .collect()
}

fn applicant_kind(event: &Event) -> Option<Kind> {
    Some(match event.action.as_str() {
        "submit" => Kind::Accepted,
        "return" => Kind::Returned,
        "township_opinion" => Kind::Opinion,
        "approve" => Kind::Approved,
        "refuse" => Kind::Refused,
        "issue" | "deemed_issue" if event.to == CaseState::Issued => Kind::Issued,
        "deliver" => Kind::Delivered,
        _ => return None,
    })
}

/// The template variables of `case` as it stands.
pub fn facts(case: &Case) -> Facts {
    let last_return = case.returns.last();
    let items = |zh: bool| -> Vec<String> {
        last_return
            .map(|r| {
                r.items
                    .iter()
                    .map(|i| {
                        if zh {
                            i.code.name_zh().to_string()
                        } else {
                            i.code.name_en().to_string()
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Facts {
        case: case.number.clone(),
        service_zh: case.service.name_zh().to_string(),
        service_en: case.service.name_en().to_string(),
        due: case.next_due(),
        items_zh: items(true),
        items_en: items(false),
        agreed: None,
        reasons: Vec::new(),
        certificate: case
            .certificate
            .as_ref()
            .map(|c| c.facts.number.to_string()),
        delivery: case.delivery.clone(),
    }
}

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

/// Where a message stands, as a log shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting to be sent (or for a retry).
    Pending,
    /// Being sent now.
    Sending,
    /// Accepted by the SMS or e-mail provider.
    Sent,
    /// Sent within the day's digest.
    Merged,
    /// Given up after every retry.
    Failed,
}

/// One message of a case, as the tracking page and the console show it: never the whole
/// phone number or address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LogEntry {
    pub kind: Kind,
    pub channel: Channel,
    /// Masked: `138****8000`, `l***@example.cn`.
    pub to: String,
    pub status: Status,
    pub queued_at: crate::case::Moment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<crate::case::Moment>,
    /// Sends tried so far.
    #[serde(default)]
    pub attempts: u32,
}

/// A recipient as a log may show it.
pub fn mask(channel: Channel, to: &str) -> String {
    match channel {
        Channel::Sms => {
            let digits: Vec<char> = to.chars().collect();
            if digits.len() >= 7 {
                let head: String = digits[..3].iter().collect();
                let tail: String = digits[digits.len() - 4..].iter().collect();
                format!("{head}****{tail}")
            } else {
                "****".into()
            }
        }
        Channel::Email => match to.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
    }
}

/// What to send now for one case, given how many it has sent today: messages while the day's
/// allowance lasts, the rest merged into one digest (its body lists every message in full),
/// nothing when none is left today (held for tomorrow, never dropped).
pub fn within_daily_limit(pending: &[Message], sent_today: usize, lang: Lang) -> Vec<Message> {
    let allowance = DAILY_MAX.saturating_sub(sent_today);
    if allowance == 0 || pending.is_empty() {
        return Vec::new();
    }
    if pending.len() <= allowance {
        return pending.to_vec();
    }
    let (singles, rest) = pending.split_at(allowance - 1);
    let mut out = singles.to_vec();
    let Some(first) = rest.first() else {
        return out;
    };
    let facts = Facts {
        case: first.case.clone(),
        service_zh: String::new(),
        service_en: String::new(),
        due: None,
        items_zh: Vec::new(),
        items_en: Vec::new(),
        agreed: None,
        reasons: Vec::new(),
        certificate: None,
        delivery: None,
    };
    let mut digest = render(Kind::Digest, &facts, lang);
    digest.body = rest
        .iter()
        .map(|m| m.body.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    out.push(digest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts_of(items: &[&str], reasons: &[&str]) -> Facts {
        Facts {
            case: "JS20240927-7KQ4XM".into(),
            service_zh: "再生育服务证".into(),
            service_en: "Re-birth certificate".into(),
            due: Date::new(2024, 10, 31),
            items_zh: items.iter().map(|s| s.to_string()).collect(),
            items_en: items.iter().map(|s| format!("{s} (en)")).collect(),
            agreed: Some(true),
            reasons: reasons.iter().map(|s| s.to_string()).collect(),
            certificate: Some("ZS-500116-20241031-0001-7".into()),
            delivery: Some(Delivery::Pickup),
        }
    }

    #[test]
    fn every_chinese_sms_fits_one_segment_with_typical_variables() {
        let f = facts_of(
            &["结婚证", "户口簿", "身份证"],
            &["夫妻已生育两个子女，不符合再生育条件（湖北条例第十五条）"],
        );
        for kind in [
            Kind::Accepted,
            Kind::Returned,
            Kind::Opinion,
            Kind::Approved,
            Kind::Refused,
            Kind::Issued,
            Kind::Delivered,
            Kind::Digest,
            Kind::VerificationRequested,
            Kind::DueTomorrow,
            Kind::RedLight,
            Kind::CorrectionRequested,
        ] {
            let m = render(kind, &f, Lang::Zh);
            assert!(
                m.sms.chars().count() <= SMS_SEGMENT,
                "{kind:?}: {} characters: {}",
                m.sms.chars().count(),
                m.sms
            );
            assert!(m.sms.contains("JS20240927-7KQ4XM") || kind == Kind::Issued);
        }
    }

    #[test]
    fn a_long_return_list_is_cut_in_the_sms_and_whole_in_the_email() {
        let items = [
            "结婚证",
            "户口簿",
            "身份证",
            "承诺书",
            "子女出生医学证明",
            "离婚协议书或法院判决书",
            "病残儿医学鉴定证明",
        ];
        let m = render(Kind::Returned, &facts_of(&items, &[]), Lang::Zh);
        assert!(m.sms.chars().count() <= SMS_SEGMENT, "{}", m.sms);
        assert!(m.sms.contains("等7项"), "{}", m.sms);
        for item in items {
            assert!(m.body.contains(item), "{item} missing from {}", m.body);
        }
    }

    #[test]
    fn the_issued_message_names_the_certificate_and_the_way_it_comes() {
        let mut f = facts_of(&[], &[]);
        f.delivery = Some(Delivery::SelfPrint);
        let m = render(Kind::Issued, &f, Lang::Zh);
        assert!(m.sms.contains("ZS-500116-20241031-0001-7"));
        assert!(m.sms.contains("自行打印"));
        let m = render(Kind::Issued, &f, Lang::En);
        assert!(m.sms.contains("print the electronic certificate yourself"));
    }

    #[test]
    fn five_messages_in_a_day_become_three_and_a_digest_and_none_is_lost() {
        let f = facts_of(&["结婚证"], &["理由"]);
        let pending: Vec<Message> = [
            Kind::Accepted,
            Kind::Returned,
            Kind::Opinion,
            Kind::Approved,
            Kind::Issued,
        ]
        .iter()
        .map(|k| render(*k, &f, Lang::Zh))
        .collect();

        let sent = within_daily_limit(&pending, 0, Lang::Zh);

        assert_eq!(sent.len(), DAILY_MAX);
        assert_eq!(sent[3].kind, Kind::Digest);
        assert!(sent[3].body.contains(&pending[3].body));
        assert!(sent[3].body.contains(&pending[4].body));
        assert!(within_daily_limit(&pending, DAILY_MAX, Lang::Zh).is_empty());
        assert_eq!(within_daily_limit(&pending[..2], 1, Lang::Zh).len(), 2);
    }

    #[test]
    fn recipients_are_masked_in_logs() {
        assert_eq!(mask(Channel::Sms, "13800138000"), "138****8000");
        assert_eq!(mask(Channel::Email, "li.na@example.cn"), "l***@example.cn");
    }

    #[test]
    fn email_addresses_of_plausible_form_only() {
        assert_eq!(email(" li.na@example.cn "), Ok("li.na@example.cn"));
        for bad in [
            "",
            "li.na",
            "@example.cn",
            "li@na@example.cn",
            "li na@example.cn",
            "li@cn",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
