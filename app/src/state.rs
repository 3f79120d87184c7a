//! What the applicant has told the SPA so far: the situation from the eligibility questions and
//! the application form. Kept in memory for the visit only — ID numbers are sensitive
//! (吉林 art. 13), so nothing here is written to the browser's storage.

use domain::calendar::{Calendar, Due, TimeLimit};
use domain::contract::{
    Child, ChildOf, Disability, EligibilityAnswer, EligibilityRequest, Hukou, Marriage, Residence,
};
use domain::materials::MaterialCode;
use domain::{Date, DivisionCode, Service};
use leptos::prelude::*;

/// The service's date, from `/api/health` (the browser's clock until it answers).
#[derive(Debug, Clone, Copy)]
pub struct Today(pub RwSignal<Date>);

impl Today {
    pub fn provide() {
        let now = js_sys::Date::new_0();
        let browser = Date::new(
            now.get_full_year() as i32,
            (now.get_month() + 1) as u8,
            now.get_date() as u8,
        )
        .unwrap_or(Date::UNIX_EPOCH);
        let today = RwSignal::new(browser);
        leptos::task::spawn_local(async move {
            if let Ok(h) = crate::api::health().await {
                today.set(h.today);
            }
        });
        provide_context(Today(today));
    }

    pub fn get() -> Date {
        use_context::<Today>()
            .map(|t| t.0.get())
            .unwrap_or(Date::UNIX_EPOCH)
    }
}

/// The working-day calendar the SPA counts on: the built-in years plus the notices the server
/// loaded (`/api/calendar`, fetched the first time a date is counted), so the browser's due
/// dates are the server's (issue 16).
#[derive(Debug, Clone, Copy)]
pub struct Reckoning {
    calendar: RwSignal<Calendar>,
    requested: StoredValue<bool>,
}

impl Reckoning {
    pub fn provide() {
        provide_context(Reckoning {
            calendar: RwSignal::new(Calendar::builtin().clone()),
            requested: StoredValue::new(false),
        });
    }

    /// The last day of `limit` from `start`, with its provisional flag (`None` only outside
    /// the years that can be counted).
    pub fn due(start: Date, limit: TimeLimit) -> Option<Due> {
        let r = use_context::<Reckoning>()?;
        if !r.requested.get_value() {
            r.requested.set_value(true);
            let calendar = r.calendar;
            leptos::task::spawn_local(async move {
                if let Ok(o) = crate::api::calendar().await
                    && !o.loaded.is_empty()
                {
                    calendar.set(Calendar::builtin().with_notices(&o.loaded));
                }
            });
        }
        r.calendar.with(|c| c.due(start, limit).ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildDraft {
    pub born: String,
    pub of: ChildOf,
    pub disability: Disability,
}

/// One file chosen for a material, and how its upload stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub key: u32,
    pub code: MaterialCode,
    pub file_name: String,
    pub status: UploadStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadStatus {
    Uploading(u8),
    Done(String),
    Failed { zh: String, en: String },
}

/// Delivery choices (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryChoice {
    Pickup,
    ExpressCod,
    SelfPrint,
}

impl DeliveryChoice {
    pub const ALL: [DeliveryChoice; 3] = [
        DeliveryChoice::Pickup,
        DeliveryChoice::ExpressCod,
        DeliveryChoice::SelfPrint,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryChoice::Pickup => "pickup",
            DeliveryChoice::ExpressCod => "express_cod",
            DeliveryChoice::SelfPrint => "self_print",
        }
    }
}

/// One problem to show in an error summary, linked to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// The id of the control to focus; empty when the problem is not about one field.
    pub field_id: String,
    pub zh: String,
    pub en: String,
}

impl FieldIssue {
    pub fn new(field_id: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldIssue {
        FieldIssue {
            field_id: field_id.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// From a message written "中文 / English".
    pub fn bilingual(field_id: &str, message: &str) -> FieldIssue {
        let (zh, en) = message.split_once(" / ").unwrap_or((message, message));
        FieldIssue::new(field_id, zh, en)
    }
}

/// The whole draft, one signal per answer, shared by the check, apply and review pages.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    pub service: RwSignal<Service>,
    pub division: RwSignal<Option<DivisionCode>>,
    pub marriage: RwSignal<Option<Marriage>>,
    pub children: RwSignal<Vec<ChildDraft>>,
    pub husband_hukou: RwSignal<Option<DivisionCode>>,
    pub wife_hukou: RwSignal<Option<DivisionCode>>,
    pub lives_here_since: RwSignal<String>,
    pub honor_certificate: RwSignal<bool>,
    pub other_province_rebirth_card: RwSignal<bool>,
    pub delegated: RwSignal<bool>,
    pub retroactive: RwSignal<bool>,
    pub dishonest: RwSignal<bool>,

    pub applicant_name: RwSignal<String>,
    pub applicant_id: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub spouse_name: RwSignal<String>,
    pub spouse_id: RwSignal<String>,
    pub uploads: RwSignal<Vec<UploadRow>>,
    pub files: StoredValue<Vec<(u32, web_sys::File)>, LocalStorage>,
    pub next_key: StoredValue<u32>,
    pub committed: RwSignal<bool>,
    pub delivery: RwSignal<DeliveryChoice>,
    pub address: RwSignal<String>,
    /// How the applicant wants to hear of each step: `sms`, `email` or `none` (issue 20).
    pub notify_channel: RwSignal<String>,
    pub notify_email: RwSignal<String>,
    /// Problems the server found on submit, shown on the form.
    pub server_issues: RwSignal<Vec<FieldIssue>>,
    /// Kept across retries of one draft so a lost answer never makes a second case.
    pub idempotency_key: StoredValue<String>,
    pub submitted: RwSignal<Option<crate::api::Submitted>>,
    /// Window mode: staff enter the application for a walk-in applicant (SPEC §9
    /// `checked_in_person`), submitted in their name.
    pub window: RwSignal<bool>,
    /// Materials whose originals the window staff saw (no scan needed).
    pub seen: RwSignal<Vec<MaterialCode>>,
}

impl Draft {
    pub fn provide() {
        provide_context(Draft::new());
    }

    fn new() -> Draft {
        Draft {
            service: RwSignal::new(Service::BirthService),
            division: RwSignal::new(None),
            marriage: RwSignal::new(None),
            children: RwSignal::new(Vec::new()),
            husband_hukou: RwSignal::new(None),
            wife_hukou: RwSignal::new(None),
            lives_here_since: RwSignal::new(String::new()),
            honor_certificate: RwSignal::new(false),
            other_province_rebirth_card: RwSignal::new(false),
            delegated: RwSignal::new(false),
            retroactive: RwSignal::new(false),
            dishonest: RwSignal::new(false),
            applicant_name: RwSignal::new(String::new()),
            applicant_id: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            spouse_name: RwSignal::new(String::new()),
            spouse_id: RwSignal::new(String::new()),
            uploads: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(Vec::new()),
            next_key: StoredValue::new(0),
            committed: RwSignal::new(false),
            delivery: RwSignal::new(DeliveryChoice::Pickup),
            address: RwSignal::new(String::new()),
            notify_channel: RwSignal::new("sms".to_string()),
            notify_email: RwSignal::new(String::new()),
            server_issues: RwSignal::new(Vec::new()),
            idempotency_key: StoredValue::new(new_key()),
            submitted: RwSignal::new(None),
            window: RwSignal::new(false),
            seen: RwSignal::new(Vec::new()),
        }
    }

    /// The draft of this visit. Provided at the root, so it is always there; a fresh one
    /// otherwise rather than a panic.
    pub fn get() -> Draft {
        use_context::<Draft>().unwrap_or_else(Draft::new)
    }

    /// The situation as the eligibility contract states it, or the first question that is
    /// not answered yet.
    pub fn situation(&self, today: Date) -> Option<EligibilityRequest> {
        let division = self.division.get()?;
        let marriage = self.marriage.get()?;
        let mut children = Vec::new();
        for c in self.children.get() {
            children.push(Child {
                born: Date::parse(c.born.trim()).ok()?,
                of: c.of,
                disability: c.disability,
            });
        }
        let (husband, wife) = (self.husband_hukou.get(), self.wife_hukou.get());
        let hukou = (husband.is_some() || wife.is_some()).then_some(Hukou { husband, wife });
        let residence = Date::parse(self.lives_here_since.get().trim())
            .ok()
            .map(|since| Residence { division, since });
        let service = self.service.get();
        Some(EligibilityRequest {
            service,
            division,
            date: today,
            marriage,
            children,
            hukou,
            residence,
            honor_certificate: self.honor_certificate.get(),
            dishonest: self.dishonest.get(),
            other_province_rebirth_card: self.other_province_rebirth_card.get(),
            delegated: self.delegated.get(),
            retroactive: service == Service::BirthService && self.retroactive.get(),
        })
    }

    /// The domain's answer for the situation, computed here in WebAssembly.
    pub fn answer(&self, today: Date) -> Option<Result<EligibilityAnswer, String>> {
        let situation = self.situation(today)?;
        Some(domain::policy::check(&situation).map_err(|e| e.to_string()))
    }

    /// Upload ids per material, for the submission.
    pub fn uploaded(&self) -> Vec<(MaterialCode, Vec<String>)> {
        let mut out: Vec<(MaterialCode, Vec<String>)> = Vec::new();
        for row in self.uploads.get() {
            if let UploadStatus::Done(id) = row.status {
                match out.iter_mut().find(|(c, _)| *c == row.code) {
                    Some((_, ids)) => ids.push(id),
                    None => out.push((row.code, vec![id])),
                }
            }
        }
        out
    }

    /// What the submission says of each material: its scans and, at a window, whether staff
    /// saw the original.
    pub fn provided(&self) -> Vec<domain::materials::ProvidedMaterial> {
        let seen = if self.window.get_untracked() {
            self.seen.get_untracked()
        } else {
            Vec::new()
        };
        let mut out: Vec<domain::materials::ProvidedMaterial> = self
            .uploaded()
            .into_iter()
            .map(|(code, ids)| domain::materials::ProvidedMaterial {
                code: code.code().into(),
                attachments: ids,
                checked_in_person: seen.contains(&code),
            })
            .collect();
        for code in seen {
            if !out.iter().any(|p| p.code == code.code()) {
                out.push(domain::materials::ProvidedMaterial {
                    code: code.code().into(),
                    attachments: Vec::new(),
                    checked_in_person: true,
                });
            }
        }
        out
    }

    /// Starts again after a submission (a new key: a new application).
    pub fn clear_application(&self) {
        self.seen.set(Vec::new());
        self.uploads.set(Vec::new());
        self.files.set_value(Vec::new());
        self.committed.set(false);
        self.server_issues.set(Vec::new());
        self.idempotency_key.set_value(new_key());
    }
}

/// A random key for `Idempotency-Key`.
pub fn new_key() -> String {
    let a = (js_sys::Math::random() * 1e15) as u64;
    let b = (js_sys::Math::random() * 1e15) as u64;
    format!("spa-{a:x}{b:x}")
}
