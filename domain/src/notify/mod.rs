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

mod templates;

pub use templates::render;

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
